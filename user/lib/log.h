/* Error and notice reporting: one line on stderr, also as JSON on stdout in --json mode. */
#ifndef RS_LOG_H
#define RS_LOG_H

#include <stdbool.h>

extern bool rs_json;		/* set by --json: machine output on stdout */
extern const char *rs_cmd;	/* current command name, prefixes messages */

/* "ringscope <cmd>: error: ..." — the message should name the fix. */
void rs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ringscope <cmd>: ..." — a notice (fallbacks, what was chosen and why). */
void rs_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
