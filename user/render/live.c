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

/* The window's size; 24 x 80 when it cannot be read (or is absurdly small). */
static void window_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
		return;
	if (ws.ws_row >= 4)
		*rows = ws.ws_row;
	if (ws.ws_col >= 20)
		*cols = ws.ws_col;
}

/* Terminal rows one line (without its newline) takes in a window cols wide:
 * a longer line wraps, and moving back over the frame must count its rows,
 * not its lines (an 80-column terminal left the first half of each 124-column
 * interval line of `run` behind, one more per interval). UTF-8 continuation
 * bytes take no column; a tab goes to the next multiple of 8. */
static int line_rows(const char *p, size_t n, int cols)
{
	size_t width = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t')
			width = (width / 8 + 1) * 8;
		else if (((unsigned char)p[i] & 0xc0) != 0x80)
			width++;
	}
	return width ? (int)((width + cols - 1) / cols) : 1;
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
	int rows, cols, total = 0, nlines = 0, drawn = 0, lines = 0;
	const char *p, *end;

	if (!l->on || !l->frame) {
		fflush(stdout);
		return;
	}
	fclose(l->frame);
	l->frame = NULL;
	window_size(&rows, &cols);
	rows--;		/* the cursor's line stays free */
	for (p = l->buf; p < l->buf + l->len; p = end + 1) {
		end = memchr(p, '\n', l->buf + l->len - p);
		if (!end)
			end = l->buf + l->len - 1;
		total += line_rows(p, end - p, cols);
		nlines++;
	}
	/* Back to where the previous frame started, and clear down from there. */
	if (l->prev_lines)
		printf("\033[%dA\r", l->prev_lines);
	printf("\033[J");
	for (p = l->buf; p < l->buf + l->len; p = end + 1) {
		int n;

		end = memchr(p, '\n', l->buf + l->len - p);
		if (!end)
			end = l->buf + l->len - 1;
		n = line_rows(p, end - p, cols);
		/* A frame taller than the window keeps a row for the note. */
		if (drawn + n > (total > rows ? rows - 1 : rows))
			break;
		fwrite(p, 1, end - p + 1, stdout);
		drawn += n;
		lines++;
	}
	if (lines < nlines) {
		printf("  (%d more lines: a taller window, or --scroll)\n", nlines - lines);
		drawn++;
	}
	l->prev_lines = drawn;
	fflush(stdout);
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
}
