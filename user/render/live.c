#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "live.h"
#include "log.h"

void live_init(struct live *l, bool scroll)
{
	memset(l, 0, sizeof(*l));
	l->on = !scroll && !rs_json && isatty(STDOUT_FILENO);
}

static int window_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 4)
		return 24;
	return ws.ws_row;
}

FILE *live_frame_begin(struct live *l)
{
	if (!l->on)
		return stdout;
	l->frame = open_memstream(&l->buf, &l->len);
	return l->frame ? l->frame : stdout;
}

void live_frame_end(struct live *l)
{
	int rows, lines = 0, total = 0;
	const char *p, *end;

	if (!l->on || !l->frame) {
		fflush(stdout);
		return;
	}
	fclose(l->frame);
	l->frame = NULL;
	for (p = l->buf; p < l->buf + l->len; p++)
		total += *p == '\n';
	rows = window_rows() - 1;	/* the cursor's line stays free */
	/* Back to where the previous frame started, and clear down from there. */
	if (l->prev_lines)
		printf("\033[%dA\r", l->prev_lines);
	printf("\033[J");
	for (p = l->buf; p < l->buf + l->len && lines < (total > rows ? rows - 1 : rows); p = end + 1) {
		end = memchr(p, '\n', l->buf + l->len - p);
		if (!end)
			end = l->buf + l->len - 1;
		fwrite(p, 1, end - p + 1, stdout);
		lines++;
	}
	if (total > rows) {
		printf("  (%d more lines: a taller window, or --scroll)\n", total - lines);
		lines++;
	}
	l->prev_lines = lines;
	fflush(stdout);
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
}
