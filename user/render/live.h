/* The live view: on a terminal, each interval's report replaces the previous
 * one in place (as top and bpftop redraw), cut to the window's height. Off
 * (appended blocks, as before) with --scroll, --json, or when stdout is not a
 * terminal, so pipes and files stay line-oriented. */
#ifndef RS_LIVE_H
#define RS_LIVE_H

#include <stdbool.h>
#include <stdio.h>

struct live {
	bool on;
	int prev_lines;		/* lines the last frame drew, to move back over */
	char *buf;
	size_t len;
	FILE *frame;		/* the frame being rendered (a memstream) */
};

#define LIVE_SCROLL_HELP "on a terminal, append each interval's report instead of redrawing it in place"

void live_init(struct live *l, bool scroll);
/* Where this interval's report goes: stdout when the view is off, else a
 * buffer live_frame_end() draws over the previous frame. */
FILE *live_frame_begin(struct live *l);
void live_frame_end(struct live *l);

#endif
