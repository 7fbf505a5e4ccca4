/* path_join: kernel records and user-space reaps joined per packet by
 * (epoch, stream, seq), in any order; drops, packets replaced in the window,
 * late stamps, hops not seen, samples. */
#include <string.h>
#include "check.h"
#include "path_join.h"
#include "trace_path_zc.h"

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

/* virtio-tx: a packet added to virtqueue vq at add, detached at detach (0:
 * never), its record emitted at its completion (trace: no reaps). */
static void vpkt(struct path_join *j, uint64_t seq, uint64_t vq, uint64_t add, uint64_t detach)
{
	struct hop_rec r = { .seq = seq, .epoch = 9, .vq = vq };

	r.ts[HK_SUBMIT] = add - 40;
	r.ts[HK_START_XMIT] = add - 10;
	r.ts[HK_VQ_ADD] = add;
	r.ts[HK_DETACH] = detach;
	r.ts[HK_SKB_FREE] = detach ? detach + 1 : 0;
	r.ts[HK_XSK_DONE] = detach ? detach + 2 : 0;
	path_join_kernel(j, &r);
}

static void batch(struct path_join *j, int kind, uint64_t vq, uint64_t ts)
{
	struct hop_batch b = { .vq = vq, .ts = ts, .kind = kind };

	path_join_batch(j, &b);
}

#define U(x) ((unsigned long long)(x))

/* msg-zerocopy: the kernel's record of send id (no submit of its own: the
 * sender stamps it) with stamps from t on. */
static void mzrec(struct path_join *j, uint64_t id, uint64_t t)
{
	struct hop_rec r = { .seq = id };

	r.ts[MZ_SENDMSG] = t;
	r.ts[MZ_REALLOC] = t + 10;
	r.ts[MZ_XMIT] = t + 20;
	r.ts[MZ_RELEASE] = t + 30;
	r.ts[MZ_CALLBACK] = t + 40;
	r.flags = HOP_F_MZ_COPIED;
	path_join_kernel(j, &r);
}

/* The sender's submit and reap stamps join the kernel's record by the
 * send's id, in any order; the kernel's empty submit slot never erases the
 * sender's; a send is ours when our sender stamped it, and one without its
 * notification leaves in flight after its last kernel hop. */
static void msgzc_join(void)
{
	const struct path_def *d = path_find("msg-zerocopy");
	struct path_join j;

	CHECK(d == &msgzc_path_def && d->user_submit && d->done_run == PH_TX_REAP, "msgzc_path_known",
	      "path_find(msg-zerocopy) %p", (const void *)d);
	if (!d)
		return;
	path_join_init(&j, d, 64, true, 8);
	/* 0: submit, kernel, reap */
	user(&j, HK_SUBMIT, 0, 0, 995);
	mzrec(&j, 0, 1000);
	CHECK(j.r.packets == 0, "msgzc_open_until_reap", "packets %llu", U(j.r.packets));
	user(&j, PH_TX_REAP, 0, 0, 1100);
	/* 1: kernel, reap, then submit (the sender stamps after send() returns) */
	mzrec(&j, 1, 2000);
	user(&j, PH_TX_REAP, 1, 0, 2100);
	CHECK(j.r.packets == 1, "msgzc_needs_its_submit", "packets %llu", U(j.r.packets));
	user(&j, HK_SUBMIT, 1, 0, 1990);
	CHECK(j.r.packets == 2 && j.r.done == 2 && j.r.e2e.sum == 105 + 110 && j.r.order_errors == 0,
	      "msgzc_done_in_any_order", "packets %llu done %llu e2e %llu order %llu", U(j.r.packets), U(j.r.done),
	      U(j.r.e2e.sum), U(j.r.order_errors));
	CHECK(j.r.lat[MZ_SENDMSG].sum == 5 + 10 && j.r.lat[PH_TX_REAP].sum == 60 + 60,
	      "msgzc_hop_latencies", "sendmsg %llu reap %llu", U(j.r.lat[MZ_SENDMSG].sum), U(j.r.lat[PH_TX_REAP].sum));
	/* 2: submitted, its notification never read: in flight, not foreign.
	 * 3: a record our sender never stamped: not ours. */
	user(&j, HK_SUBMIT, 2, 0, 2990);
	mzrec(&j, 2, 3000);
	mzrec(&j, 3, 4000);
	path_join_finish(&j);
	CHECK(j.r.packets == 3 && j.r.not_ours == 1 && j.r.left[PL_IN_FLIGHT][MZ_CALLBACK] == 1,
	      "msgzc_unreaped_in_flight_unstamped_not_ours", "packets %llu not_ours %llu in flight after callback %llu",
	      U(j.r.packets), U(j.r.not_ours), U(j.r.left[PL_IN_FLIGHT][MZ_CALLBACK]));
	CHECK(j.nsamples == 3 && j.samples[1].ts[HK_SUBMIT] == 1990 && (j.samples[1].flags & HOP_F_MZ_COPIED) &&
	      j.samples[1].left == PL_DONE, "msgzc_samples_keep_submit_and_copied", "%llu samples", U(j.nsamples));
	path_join_free(&j);
}

/* trace --path msg-zerocopy: no sender of its own, so no submit or reap: a
 * send is finished when its kernel record arrives, and end-to-end runs from
 * its first kernel hop (sendmsg) to its callback. */
static void msgzc_trace(void)
{
	struct path_join j;

	path_join_init(&j, &msgzc_path_def, 64, false, 8);
	mzrec(&j, 0, 1000);
	mzrec(&j, 1, 2000);
	CHECK(j.r.packets == 2 && j.r.done == 2 && hist_count(&j.r.e2e) == 2 && j.r.e2e.sum == 40 + 40 &&
	      j.r.count[HK_SUBMIT] == 0 && j.r.count[PH_TX_REAP] == 0 && j.r.count[MZ_CALLBACK] == 2 &&
	      j.r.not_ours == 0 && j.r.order_errors == 0, "msgzc_trace_e2e_from_sendmsg",
	      "packets %llu done %llu e2e %llu/%llu", U(j.r.packets), U(j.r.done), U(hist_count(&j.r.e2e)),
	      U(j.r.e2e.sum));
	CHECK(msgzc_path_def.start_trace == MZ_SENDMSG && vhost_path_def.start_trace == VH_SENDMSG,
	      "zc_paths_trace_start", "%d %d", msgzc_path_def.start_trace, vhost_path_def.start_trace);
	path_join_free(&j);
}

/* vhost-tx: the kernel sees a 16-bit avail index; it is the sender's count
 * nearest below the highest the sender stamped. */
static void unwrap16(void)
{
	struct path_join j;

	path_join_init(&j, path_find("vhost-tx"), 64, true, 0);
	CHECK(path_join_unwrap16(&j, 5) == UINT64_MAX, "unwrap16_before_any_submit", "%llu",
	      U(path_join_unwrap16(&j, 5)));
	user(&j, HK_SUBMIT, 70000, 0, 1);	/* 70000 = 65536 + 4464 */
	CHECK(path_join_unwrap16(&j, 4464) == 70000 && path_join_unwrap16(&j, 4400) == 69936 &&
	      path_join_unwrap16(&j, 65535) == 65535, "unwrap16_extends_below_the_newest", "%llu %llu %llu",
	      U(path_join_unwrap16(&j, 4464)), U(path_join_unwrap16(&j, 4400)), U(path_join_unwrap16(&j, 65535)));
	user(&j, HK_SUBMIT, 69000, 0, 1);	/* an older stamp does not move it back */
	CHECK(path_join_unwrap16(&j, 4464) == 70000, "unwrap16_newest_only_grows", "%llu", U(path_join_unwrap16(&j, 4464)));
	path_join_free(&j);
}

/* Kicks and interrupts given to the packets of their batch
 * (path_join_batch()), on a hand-made sequence, in the order the kernel
 * emits them: batch events as they happen, a packet's record at its end. */
static void batch_attribution(void)
{
	const struct path_def *d = path_find("virtio-tx");
	const uint64_t A = 0xa000, B = 0xb000;
	struct path_join j;

	CHECK(d != NULL, "virtio_tx_path_known", "path_find(virtio-tx) NULL");
	if (!d)
		return;
	path_join_init(&j, d, 64, false, 0);
	batch(&j, HB_IRQ, A, 50);	/* I0: before any add, nobody's */
	batch(&j, HB_KICK, B, 115);	/* another virtqueue: never ours */
	batch(&j, HB_KICK, A, 120);	/* K1: packets 0, 1 */
	batch(&j, HB_KICK, A, 140);	/* K2: packet 2 */
	batch(&j, HB_IRQ, A, 200);	/* I1: its poll detaches 0, 1, 2 */
	vpkt(&j, 0, A, 100, 210);
	vpkt(&j, 1, A, 110, 211);
	vpkt(&j, 2, A, 130, 212);
	/* 3: added at 300 with the kick suppressed, reclaimed at 350 by a later
	 * start_xmit: no kick before its detach, no interrupt after its add. */
	vpkt(&j, 3, A, 300, 350);
	batch(&j, HB_KICK, A, 410);	/* K3: packet 4 */
	batch(&j, HB_IRQ, A, 500);	/* I2 */
	batch(&j, HB_IRQ, A, 505);	/* I3: the last before 4's detach */
	vpkt(&j, 4, A, 400, 510);
	batch(&j, HB_KICK, A, 600);	/* K4: nothing added since K3 */
	/* 5: never detached (in flight at the end): its kick, no interrupt. */
	batch(&j, HB_KICK, A, 710);	/* K5 */
	vpkt(&j, 5, A, 700, 0);
	path_join_finish(&j);

	CHECK(j.r.packets == 6 && j.r.count[HK_KICK] == 5 && j.r.count[HK_IRQ] == 4, "batch_hop_counts",
	      "packets %llu kick %llu irq %llu", U(j.r.packets), U(j.r.count[HK_KICK]), U(j.r.count[HK_IRQ]));
	CHECK(j.r.batch_events[HB_KICK] == 6 && j.r.batch_used[HB_KICK] == 4 && j.r.batch_packets[HB_KICK] == 5 &&
	      j.r.batch_none[HB_KICK] == 1 && j.r.batch_unknown[HB_KICK] == 0, "kick_per_batch_adds_up",
	      "events %llu used %llu packets %llu none %llu unknown %llu", U(j.r.batch_events[HB_KICK]),
	      U(j.r.batch_used[HB_KICK]), U(j.r.batch_packets[HB_KICK]), U(j.r.batch_none[HB_KICK]),
	      U(j.r.batch_unknown[HB_KICK]));
	CHECK(j.r.batch_events[HB_IRQ] == 4 && j.r.batch_used[HB_IRQ] == 2 && j.r.batch_packets[HB_IRQ] == 4 &&
	      j.r.batch_none[HB_IRQ] == 2, "irq_per_batch_adds_up", "events %llu used %llu packets %llu none %llu",
	      U(j.r.batch_events[HB_IRQ]), U(j.r.batch_used[HB_IRQ]), U(j.r.batch_packets[HB_IRQ]),
	      U(j.r.batch_none[HB_IRQ]));
	/* kick from vq_add: 20+10+10+10+10; irq from the kick: 80+80+60+95;
	 * detach from the irq, or the nearest seen before it: 10+11+12+50+5. */
	CHECK(j.r.lat[HK_KICK].sum == 60 && j.r.lat[HK_IRQ].sum == 315 && j.r.lat[HK_DETACH].sum == 88,
	      "batch_latencies_from_the_attributed_event", "kick %llu irq %llu detach %llu", U(j.r.lat[HK_KICK].sum),
	      U(j.r.lat[HK_IRQ].sum), U(j.r.lat[HK_DETACH].sum));
	CHECK(j.r.order_errors == 0 && j.r.done == 5 && j.r.left[PL_IN_FLIGHT][HK_KICK] == 1, "batch_order_and_end",
	      "order_errors %llu done %llu in flight after kick %llu", U(j.r.order_errors), U(j.r.done),
	      U(j.r.left[PL_IN_FLIGHT][HK_KICK]));
	path_join_free(&j);

	/* A packet whose window reaches past the events kept: unknown, not
	 * given a wrong (later) kick. */
	path_join_init(&j, d, 64, false, 0);
	for (uint64_t i = 0; i < 5000; i++)
		batch(&j, HB_KICK, A, 2000 + i);
	vpkt(&j, 0, A, 1000, 100000);
	CHECK(j.r.batch_unknown[HB_KICK] == 1 && j.r.count[HK_KICK] == 0, "kick_beyond_history_unknown",
	      "unknown %llu kick %llu", U(j.r.batch_unknown[HB_KICK]), U(j.r.count[HK_KICK]));
	path_join_free(&j);

	/* virtio-xsk with no detach seen (a ring whose detach is not traced):
	 * a kick after the packet's completion is not its kick. */
	d = path_find("virtio-xsk");
	CHECK(d != NULL, "virtio_xsk_path_known", "path_find(virtio-xsk) NULL");
	if (!d)
		return;
	path_join_init(&j, d, 64, false, 0);
	batch(&j, HB_KICK, A, 200);
	{
		struct hop_rec r = { .seq = 0, .epoch = 9, .vq = A };

		r.ts[HK_SUBMIT] = 50;
		r.ts[HK_POLL_TX] = 80;
		r.ts[HK_GET_DMA] = 90;
		r.ts[HK_VQ_ADD] = 100;
		r.ts[HK_XSK_DONE] = 150;
		path_join_kernel(&j, &r);
	}
	CHECK(j.r.count[HK_KICK] == 0 && j.r.batch_none[HB_KICK] == 1 && j.r.order_errors == 0 && j.r.done == 1,
	      "kick_after_completion_not_given", "kick %llu none %llu order_errors %llu done %llu",
	      U(j.r.count[HK_KICK]), U(j.r.batch_none[HB_KICK]), U(j.r.order_errors), U(j.r.done));
	path_join_free(&j);
}

int main(void)
{
	const struct path_def *d = path_find("veth-xsk");
	static struct path_results before, after, iv;
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
	path_join_results(&j, &before);
	r = krec(1, 7, 2000);
	r.flags = HOP_F_REDIRECT_ERR;
	user(&j, PH_TX_REAP, 1, 7, 9000);
	path_join_kernel(&j, &r);
	/* An interval's share: only what the join accounted since the copy
	 * before it (the drop), every field. */
	path_join_results(&j, &after);
	path_results_delta(&iv, &after, &before);
	CHECK(iv.packets == 1 && iv.done == 0 && iv.count[HK_SUBMIT] == 1 && iv.count[PH_RX_REAP] == 0 &&
	      iv.left[PL_DROPPED][HK_REDIRECT] == 1 && hist_count(&iv.lat[HK_NETIF_RX]) == 1 &&
	      iv.lat[HK_NETIF_RX].sum == 100 && hist_count(&iv.e2e) == 0 && iv.e2e.sum == 0,
	      "interval_share_is_the_packets_accounted_in_it", "packets %llu done %llu submit %llu dropped %llu",
	      U(iv.packets), U(iv.done), U(iv.count[HK_SUBMIT]), U(iv.left[PL_DROPPED][HK_REDIRECT]));
	before.batch_unknown[HB_N - 1] = 1;	/* the last field too */
	after.batch_unknown[HB_N - 1] = 4;
	path_results_delta(&iv, &after, &before);
	CHECK(iv.batch_unknown[HB_N - 1] == 3, "interval_share_every_field", "last field %llu",
	      U(iv.batch_unknown[HB_N - 1]));
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
	batch_attribution();
	msgzc_join();
	msgzc_trace();
	unwrap16();
	CHECK_DONE();
}
