#include <stdarg.h>
#include <stdio.h>
#include "log.h"
#include "json.h"

bool rs_json;
const char *rs_cmd = "";

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "ringscope%s%s: %s%s\n", *rs_cmd ? " " : "", rs_cmd, kind, msg);
	if (rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", *kind ? "error" : "notice");
		json_kv_str(&w, "message", msg);
		json_obj_end(&w);
		json_finish_line(&w);
	}
}

void rs_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void rs_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}
