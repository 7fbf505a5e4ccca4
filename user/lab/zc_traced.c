#include <errno.h>
#include "log.h"
#include "probe.h"
#include "stop.h"
#include "trace_zc.h"
#include "zc_traced.h"

int zc_session_open_optional(struct trace_session *s, bool *opened)
{
	struct kernel_caps caps;
	struct trace_opts o;
	char msg[512];
	int err;

	*opened = false;
	if (probe_best_tier(&caps) == TIER_TRACEPOINT) {
		zc_unattached_msg(&caps, msg, sizeof(msg));
		rs_note("%s", msg);
		return 0;
	}
	trace_opts_defaults(&o);
	o.zerocopy = true;
	err = trace_session_open(s, &o, false);
	if (!err)
		*opened = true;
	return err;
}

int zc_traced_begin(struct zc_traced *z, bool want)
{
	int err;

	if (want && (err = zc_session_open_optional(&z->ts, &z->traced)))
		return err;
	if (z->traced) {
		rs_note("%s", z->ts.header);
		trace_snapshot(&z->ts, &z->before);
	}
	return 0;
}

void zc_traced_end(struct zc_traced *z)
{
	if (z->traced)
		trace_snapshot(&z->ts, &z->after);
}

void zc_traced_finish(struct zc_traced *z, const struct zc_traced_final *f, bool report)
{
	if (report && rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "final");
		json_kv_bool(&w, "interrupted", stop_interrupted());
		f->json_fields(&w, f->ctx);
		if (z->traced)
			zc_json(&w, &z->ts, &z->after.zc, &z->before.zc, f->duration_s);
		json_obj_end(&w);
		json_finish_line(&w);
	} else if (report) {
		f->print(stdout, f->ctx);
		if (z->traced) {
			putchar('\n');
			zc_print_text(stdout, &z->ts, &z->after.zc, &z->before.zc, f->duration_s, true);
		}
	}
	trace_snapshot_free(&z->before);
	trace_snapshot_free(&z->after);
	if (z->traced)
		trace_session_close(&z->ts);
	z->traced = false;
}
