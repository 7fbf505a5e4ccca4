/* Minimal streaming JSON writer (NDJSON: one object per line). */
#ifndef RS_JSON_H
#define RS_JSON_H

#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

struct json_writer {
	FILE *out;
	int depth;
	bool need_comma[16];
};

void json_init(struct json_writer *w, FILE *out);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);	/* next value belongs to key */
void json_str(struct json_writer *w, const char *s);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);	/* NaN/inf -> null */
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
void json_kv_str(struct json_writer *w, const char *k, const char *v);
void json_kv_u64(struct json_writer *w, const char *k, uint64_t v);
void json_kv_double(struct json_writer *w, const char *k, double v);
void json_kv_bool(struct json_writer *w, const char *k, bool v);
void json_finish_line(struct json_writer *w);	/* newline + flush */

#endif
