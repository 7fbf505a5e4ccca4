/* Option parsing: good values land, bad values are refused with -EINVAL. */
#include <errno.h>
#include <string.h>
#include "check.h"
#include "gen_opts.h"

static int parse(struct gen_opts *g, int argc, char **argv)
{
	const struct rs_opt opts[] = { { "iface", 'i', OPT_STR, &g->iface, 0, 0, NULL, "IFACE", "" },
				       GEN_OPT_ROWS(*g), OPT_END };
	const char *pos[2];
	int npos;

	gen_opts_defaults(g);
	return opts_parse(opts, argc, argv, pos, 2, &npos, "test");
}

#define ARGS(...) (char *[]){ __VA_ARGS__ }, sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)
#define ARGS3(...) (char *[]){ __VA_ARGS__ }
static int run(struct gen_opts *g, char **argv, int argc) { return parse(g, argc, argv); }

int main(void)
{
	struct gen_opts g;
	struct gen_cfg c;
	uint64_t mask;

	CHECK(run(&g, ARGS("-i", "veth0", "--size", "1500", "--rate", "2.5M", "--bind", "copy", "-q", "0-2")) == 0 &&
	      g.size == 1500 && g.rate == 2500000 && g.bind == BIND_COPY && !strcmp(g.iface, "veth0"),
	      "opts_good_values", "size %u rate %lu", g.size, g.rate);
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == 0 && c.queues == 7, "opts_queue_range", "queues %lx", c.queues);
	CHECK(run(&g, ARGS("--size=abc")) == -EINVAL, "opts_reject_non_number", "accepted");
	CHECK(run(&g, ARGS("--batch", "0")) == -EINVAL, "opts_reject_out_of_range", "accepted");
	CHECK(run(&g, ARGS("--bind", "turbo")) == -EINVAL, "opts_reject_bad_choice", "accepted");
	CHECK(run(&g, ARGS("--nope")) == -EINVAL, "opts_reject_unknown", "accepted");
	CHECK(run(&g, ARGS("--rate")) == -EINVAL, "opts_reject_missing_value", "accepted");
	CHECK(run(&g, ARGS("--size", "1.5")) == -EINVAL, "opts_reject_fraction", "accepted");

	run(&g, ARGS("--frame-size", "3000"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_frame_not_power_of_two", "accepted 3000");
	run(&g, ARGS("--frame-size", "1024"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_frame_too_small", "accepted 1024");
	run(&g, ARGS("--size", "3000"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_packet_larger_than_frame", "accepted");
	run(&g, ARGS("--size", "63"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_packet_too_small", "accepted");
	run(&g, ARGS("--queues", "0-99"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_queue_list_invalid", "accepted");
	run(&g, ARGS("--dst-mac", "zz:00"));
	CHECK(gen_opts_to_cfg(&g, GEN_TX, &c) == -EINVAL, "opts_bad_mac", "accepted");
	CHECK(opts_parse_list("0,2-3", &mask) == 0 && mask == 0xd, "opts_list_parse", "mask %lx", mask);
	/* Repeated list options add up, in order; a repeated scalar keeps the last. */
	CHECK(run(&g, ARGS("-q", "0", "-q", "2-3", "--size", "100", "--size", "200")) == 0 &&
	      gen_opts_to_cfg(&g, GEN_TX, &c) == 0 && c.queues == 0xd && g.size == 200 && !strcmp(g.queues, "0,2-3"),
	      "opts_list_accumulates", "queues '%s' mask %lx size %u", g.queues, c.queues, g.size);
	{
		const char *tps = NULL, *pos[1];
		int npos;
		const struct rs_opt t[] = { { "tracepoint", 't', OPT_LIST, &tps, 0, 0, NULL, "LIST", "" }, OPT_END };

		CHECK(opts_parse(t, 6, ARGS3("-t", "kmalloc", "--tracepoint", "kfree,napi_poll", "-t", "x"), pos, 0, &npos, "t") == 0 &&
		      tps && !strcmp(tps, "kmalloc,kfree,napi_poll,x"), "opts_list_three_times", "'%s'", tps);
		CHECK(opts_parse(t, 2, ARGS3("-t", ""), pos, 0, &npos, "t") == -EINVAL, "opts_list_empty_refused", "accepted");
	}
	opts_free();
	CHECK_DONE();
}
