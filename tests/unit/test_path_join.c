/* path_join: kernel records and user-space reaps joined per packet by
 * (epoch, stream, seq), in any order; drops, packets replaced in the window,
 * late stamps, hops not seen, samples. */
#include <string.h>
#include "check.h"
#include "path_join.h"

static struct hop_rec krec(uint64_t seq, uint16_t epoch, uint64_t t0)
{
	struct hop_rec r = { .seq = seq, .stream = 0, .epoch = epoch };

	for (int h = 0; h < HK_N; h++)
		r.ts[h] = t0 + 100 * h;	/* submit t0, wakeup t0+100, ... */
	return r;
}

static void user(struct path_join *j, int hop, uint64_t seq, uint16_t epoch, uint64_t ts)
{
	struct path_stamp s = { .seq = seq, .ts = ts, .stream = 0, .epoch = epoch };

	path_join_user(j, hop, &s, 1);
}

int main(void)
{
	const struct path_def *d = path_find("veth-xsk");
	struct path_join j;
	struct hop_rec r;

	CHECK(d && !path_find("nosuch"), "path_find", "veth-xsk %p", (void *)d);
	if (!d)
		CHECK_DONE();

	/* Any order: RX reap, kernel record, completion. */
	path_join_init(&j, d, 4, true, 2);
	CHECK(j.window == 4, "window_power_of_two", "window %u", j.window);
	user(&j, PH_RX_REAP, 0, 7, 5000);
	r = krec(0, 7, 1000);
	path_join_kernel(&j, &r);
	CHECK(j.r.packets == 0, "open_until_completion", "packets %llu", (unsigned long long)j.r.packets);
	user(&j, PH_TX_REAP, 0, 7, 4000);
	CHECK(j.r.packets == 1 && j.r.done == 1, "done_once_all_stamps_in", "packets %llu done %llu",
	      (unsigned long long)j.r.packets, (unsigned long long)j.r.done);
	CHECK(j.r.e2e.sum == 4000, "e2e_submit_to_rx_reap", "sum %llu", (unsigned long long)j.r.e2e.sum);
	CHECK(j.r.lat[HK_NETIF_RX].sum == 100 && j.r.lat[PH_RX_REAP].sum == 5000 - 1400,
	      "hop_latency_from_its_from_hop", "netif_rx %llu rx_reap %llu",
	      (unsigned long long)j.r.lat[HK_NETIF_RX].sum, (unsigned long long)j.r.lat[PH_RX_REAP].sum);

	/* A drop at the socket: done without an RX reap, left at xdp_redirect. */
	r = krec(1, 7, 2000);
	r.flags = HOP_F_REDIRECT_ERR;
	user(&j, PH_TX_REAP, 1, 7, 9000);
	path_join_kernel(&j, &r);
	CHECK(j.r.packets == 2 && j.r.left[PL_DROPPED][HK_REDIRECT] == 1 && j.r.done == 1, "drop_left_at_redirect",
	      "packets %llu dropped@redirect %llu", (unsigned long long)j.r.packets,
	      (unsigned long long)j.r.left[PL_DROPPED][HK_REDIRECT]);

	/* A hop not seen: the next one's latency runs from the nearest seen. */
	r = krec(2, 7, 3000);
	r.ts[HK_WAKEUP] = r.ts[HK_SKB_ALLOC] = 0;
	path_join_kernel(&j, &r);
	user(&j, PH_TX_REAP, 2, 7, 9100);
	/* seq 6 takes seq 2's slot (window 4): 2 leaves in flight after its
	 * last stage, and its RX reap arriving later is late, not a new packet. */
	r = krec(6, 7, 8000);
	path_join_kernel(&j, &r);
	user(&j, PH_TX_REAP, 6, 7, 9200);
	CHECK(j.r.left[PL_IN_FLIGHT][HK_RECEIVE] == 1, "replaced_leaves_in_flight", "in flight after receive %llu",
	      (unsigned long long)j.r.left[PL_IN_FLIGHT][HK_RECEIVE]);
	CHECK(j.r.lat[HK_NETIF_RX].sum == 100 + 100 + 300, "missing_hops_joined_over", "netif_rx sum %llu",
	      (unsigned long long)j.r.lat[HK_NETIF_RX].sum);
	user(&j, PH_RX_REAP, 2, 7, 9999);
	CHECK(j.r.late == 1 && j.r.packets == 3, "late_stamp_not_a_packet", "late %llu packets %llu",
	      (unsigned long long)j.r.late, (unsigned long long)j.r.packets);

	/* Another epoch's seq 6 is another packet: ours (epoch 7) leaves. */
	r = krec(6, 8, 8000);
	path_join_kernel(&j, &r);
	CHECK(j.r.packets == 4, "other_epoch_other_packet", "packets %llu", (unsigned long long)j.r.packets);

	/* Another sender on the link forging our epoch: a replay of seq 0 (ours
	 * is long done), a seq and a stream we never sent. The kernel records
	 * them and our receiver reaps them, but our sender never completed
	 * them: not ours, never a packet of the path (before, each was one
	 * more "done" packet, its forged send stamp in the end-to-end time). */
	r = krec(0, 7, 100);
	path_join_kernel(&j, &r);
	user(&j, PH_RX_REAP, 0, 7, 200000);
	r = krec(3000000000ull + 1, 7, 100);
	path_join_kernel(&j, &r);
	user(&j, PH_RX_REAP, 3000000000ull + 1, 7, 200000);
	r = krec(1, 7, 100);
	r.stream = 1;
	path_join_kernel(&j, &r);

	/* The end takes every packet still open, oldest first. */
	path_join_finish(&j);
	CHECK(j.r.packets == 4 && j.r.not_ours == 4 && j.r.done == 1 && j.r.e2e.sum == 4000,
	      "forged_with_our_epoch_not_ours", "packets %llu not_ours %llu done %llu e2e sum %llu",
	      (unsigned long long)j.r.packets, (unsigned long long)j.r.not_ours, (unsigned long long)j.r.done,
	      (unsigned long long)j.r.e2e.sum);
	CHECK(j.r.packets == 4 && j.r.order_errors == 0, "finish_takes_every_open_packet", "packets %llu order_errors %llu",
	      (unsigned long long)j.r.packets, (unsigned long long)j.r.order_errors);
	CHECK(j.nsamples == 2 && j.samples[0].seq == 0 && j.samples[1].seq == 1 && j.samples[1].left == PL_DROPPED,
	      "samples_below_limit", "%llu samples", (unsigned long long)j.nsamples);
	path_join_free(&j);

	path_join_init(&j, d, 16, false, 0);
	r = krec(3, 1, 1000);
	r.ts[HK_NETIF_RX] = 500;	/* before skb_alloc */
	path_join_kernel(&j, &r);
	CHECK(j.r.order_errors == 1 && j.r.done == 1, "order_error_counted_trace_mode_done_at_free",
	      "order_errors %llu done %llu", (unsigned long long)j.r.order_errors, (unsigned long long)j.r.done);
	path_join_free(&j);
	CHECK_DONE();
}
