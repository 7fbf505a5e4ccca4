#include <math.h>
#include <inttypes.h>
#include "json.h"

void json_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
}

/* Emit the separator owed before a value at the current depth. A value that
 * follows json_key() never needs one: the key already paid it. */
static void sep(struct json_writer *w)
{
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
}

static void open(struct json_writer *w, char c)
{
	sep(w);
	fputc(c, w->out);
	if (w->depth < 15)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_(struct json_writer *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	fputc(c, w->out);
}

void json_obj_begin(struct json_writer *w) { open(w, '{'); }
void json_obj_end(struct json_writer *w) { close_(w, '}'); }
void json_arr_begin(struct json_writer *w) { open(w, '['); }
void json_arr_end(struct json_writer *w) { close_(w, ']'); }

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
	sep(w);
	put_escaped(w->out, key);
	fputc(':', w->out);
	w->need_comma[w->depth] = false;	/* the value follows without a comma */
}

/* After a value, the next sibling needs a comma. */
static void value_done(struct json_writer *w) { w->need_comma[w->depth] = true; }

void json_str(struct json_writer *w, const char *s) { sep(w); put_escaped(w->out, s); value_done(w); }
void json_u64(struct json_writer *w, uint64_t v) { sep(w); fprintf(w->out, "%" PRIu64, v); value_done(w); }
void json_i64(struct json_writer *w, int64_t v) { sep(w); fprintf(w->out, "%" PRId64, v); value_done(w); }
void json_bool(struct json_writer *w, bool v) { sep(w); fputs(v ? "true" : "false", w->out); value_done(w); }
void json_null(struct json_writer *w) { sep(w); fputs("null", w->out); value_done(w); }

void json_double(struct json_writer *w, double v)
{
	sep(w);
	if (isnan(v) || isinf(v))
		fputs("null", w->out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(w->out, "%.0f", v);
	else if (fabs(v) >= 1000)
		fprintf(w->out, "%.1f", v);
	else
		fprintf(w->out, "%.6g", v);
	value_done(w);
}

void json_kv_str(struct json_writer *w, const char *k, const char *v) { json_key(w, k); json_str(w, v); }
void json_kv_u64(struct json_writer *w, const char *k, uint64_t v) { json_key(w, k); json_u64(w, v); }
void json_kv_double(struct json_writer *w, const char *k, double v) { json_key(w, k); json_double(w, v); }
void json_kv_bool(struct json_writer *w, const char *k, bool v) { json_key(w, k); json_bool(w, v); }

void json_finish_line(struct json_writer *w)
{
	fputc('\n', w->out);
	fflush(w->out);
	w->depth = 0;
	w->need_comma[0] = false;
}
