#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include "gen.h"
#include "gen_link.h"
#include "u64s.h"
#include "log.h"
#include "netns.h"
#include "pin.h"
#include "xsk_redirect.skel.h"

#define PUBLISH_NS 10000000ull		/* workers publish counters every 10 ms */
#define DRAIN_NS 1000000000ull		/* TX waits this long for the last completions */
/* Descriptors one copy-mode sendto() sends (the kernel's per-call budget; 6.17
 * can raise it with XDP_MAX_TX_SKB_BUDGET, which did not measurably help here). */
#define COPY_TX_BUDGET 32

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A random nonzero 16-bit sender epoch (the IPv4 Identification of every
 * frame this session sends): tells a restarted or second sender apart. */
static uint16_t new_epoch(void)
{
	uint16_t e = 0;

	while (!e)
		if (getrandom(&e, sizeof(e), 0) != sizeof(e))
			e = (uint16_t)(now_ns() ^ getpid());
	return e;
}

void gen_counters_add(struct gen_counters *d, const struct gen_counters *s)
{
	/* Every field is a uint64_t counter (histograms included). */
	u64s_add(d, s, sizeof(*d));
}

static bool receives(const struct gen_cfg *c)
{
	return c->mode != GEN_TX || c->tx_recv;
}

int gen_cfg_check(const struct gen_cfg *c)
{
	uint32_t fs = c->port.frame_size;

	if (fs < 2048 || fs > 4096 || (fs & (fs - 1))) {
		rs_err("--frame-size %u: must be a power of two, 2048 or 4096", fs);
		return -EINVAL;
	}
	/* A sender may fill its whole frame; a receiver less (gen_link_check). */
	if (c->pkt_size < PKT_MIN_LEN || c->pkt_size > fs) {
		rs_err("--size %u: packets must be %d..%u bytes (the frame size; raise --frame-size for more)",
		       c->pkt_size, PKT_MIN_LEN, fs);
		return -EINVAL;
	}
	if (c->port.ring_size & (c->port.ring_size - 1)) {
		rs_err("--ring-size %u: must be a power of two", c->port.ring_size);
		return -EINVAL;
	}
	if (c->batch > c->port.ring_size) {
		rs_err("--batch %u: must not exceed --ring-size %u", c->batch, c->port.ring_size);
		return -EINVAL;
	}
	if (c->port.nframes < 2 * c->port.ring_size) {
		rs_err("--frames %u: need at least 2 x --ring-size (%u)", c->port.nframes, 2 * c->port.ring_size);
		return -EINVAL;
	}
	return 0;
}

static void mac_of(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(mac, 0, 6);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

/* ---- worker: TX ---------------------------------------------------------- */

struct tx_state {
	uint64_t *free;		/* stack of free frame addresses */
	uint32_t nfree;
	uint64_t *submit_ts;	/* per frame: when it was put on the TX ring */
	uint32_t fixed_sum;
	uint64_t seq;
	struct path_stamp *path;	/* --path: this reap's stamps (ring_size) */
};

static void publish(struct gen_worker *w, const struct gen_counters *c)
{
	pthread_mutex_lock(&w->lock);
	w->pub = *c;
	pthread_mutex_unlock(&w->lock);
}

/* The link went down (ENETDOWN) or its device away (ENXIO: the socket was
 * unbound) mid-run: stop the session and let the report say so, rather than
 * kick a dead link in a busy loop and end with exit 0. */
static void link_lost(struct gen_worker *w, int err)
{
	if (!w->link_err)
		w->link_err = err;
	w->s->stop = true;
}

static void kick_tx(struct gen_worker *w, struct gen_counters *c)
{
	struct xsk_port *p = &w->port;

	if (p->cfg.need_wakeup && !xsk_ring_prod__needs_wakeup(&p->tx))
		return;
	c->tx_wakeups++;
	if (sendto(p->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
		if (errno == ENETDOWN || errno == ENXIO)
			link_lost(w, errno);
		else if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			c->tx_kick_errors++;
	}
}

/* Send what is on the TX ring: one copy-mode kick per COPY_TX_BUDGET of what
 * the kernel has not consumed yet, bounded so that completions are reaped in
 * between. A zero-copy wakeup only schedules the driver: once is enough. */
static void flush_tx(struct gen_worker *w, struct gen_counters *c)
{
	struct xsk_port *p = &w->port;
	uint32_t pending, kicks;

	if (p->zerocopy) {
		kick_tx(w, c);
		return;
	}
	pending = p->cfg.ring_size - xsk_prod_nb_free(&p->tx, p->cfg.ring_size);
	kicks = (pending + COPY_TX_BUDGET - 1) / COPY_TX_BUDGET;
	for (uint32_t i = 0; i < kicks && i < 8; i++)
		kick_tx(w, c);
}

/* run completions submitted at run_ts, reaped at now: their latency, counted
 * and summed (the metrics' _sum). */
static inline void compl_lat_add(struct gen_counters *c, uint64_t now, uint64_t run_ts, uint64_t run)
{
	uint64_t lat_ns = now > run_ts ? now - run_ts : 0;

	c->compl_lat.slot[hist_slot(lat_ns)] += run;
	c->compl_lat.sum += lat_ns * run;
}

/* The reap time is read after the peek (as rx_batch does): a time read before
 * it would predate a completion the kernel posted while this thread was
 * descheduled between the two (seen in a TCG guest: 69 ms). */
static void reap_completions(struct gen_worker *w, struct tx_state *t, struct gen_counters *c, bool to_fill)
{
	struct xsk_port *p = &w->port;
	uint32_t shift = w->frame_shift, idx, fidx = 0, n, run = 0;
	uint64_t run_ts = 0, now;

	n = xsk_ring_cons__peek(&p->cq, p->cfg.ring_size, &idx);
	if (!n)
		return;
	now = now_ns();
	/* fwd: every completed frame goes back to the fill ring for RX. */
	if (to_fill && xsk_ring_prod__reserve(&p->fq, n, &fidx) != n) {
		/* Cannot happen: the fill ring has room for every frame. */
		xsk_ring_cons__cancel(&p->cq, n);
		c->fill_short++;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = *xsk_ring_cons__comp_addr(&p->cq, idx + i);
		uint64_t ts = t->submit_ts[addr >> shift];

		/* A batch shares one submit time: add its latency once per run. */
		if (ts != run_ts) {
			if (run)
				compl_lat_add(c, now, run_ts, run);
			run_ts = ts;
			run = 0;
		}
		run++;
		if (t->path) {
			struct path_stamp *ps = &t->path[i];

			/* The seq of our own frame; an address outside the UMEM
			 * (never seen) gets seq ~0, which joins nothing. */
			ps->seq = ~0ull;
			if (addr <= p->area_len - PKT_MIN_LEN)
				memcpy(&ps->seq, (uint8_t *)xsk_umem__get_data(p->area, addr) + PKT_HDR_LEN + 4, 8);
			ps->stream = w->queue;
			ps->epoch = w->s->epoch;
			ps->ts = now;
		}
		if (to_fill)
			*xsk_ring_prod__fill_addr(&p->fq, fidx + i) = addr;
		else
			t->free[t->nfree++] = addr;
	}
	compl_lat_add(c, now, run_ts, run);
	if (t->path)
		path_join_user(w->s->cfg.path, PH_TX_REAP, t->path, n);
	if (to_fill)
		xsk_ring_prod__submit(&p->fq, n);
	xsk_ring_cons__release(&p->cq, n);
	c->tx_completed += n;
}

/* ---- worker: RX ---------------------------------------------------------- */

struct rx_state {
	struct seqtrack *streams[RS_MAX_QUEUES];
	uint16_t expect_epoch;	/* gen_cfg.expect_epoch */
	uint64_t expect_streams;	/* gen_cfg.expect_streams */
	/* The clock just before the last peek that left the RX ring empty:
	 * every frame taken since arrived after it. A frame that waited in the
	 * ring (a busy or stopped receiver) is dated from then, not from when
	 * it was taken, so the sequence tracker's jump bound counts the wait. */
	uint64_t drained_ns;
	uint64_t arrived_after_ns;	/* drained_ns before this batch's peek */
	struct path_stamp *path;	/* --path: this batch's RX reap stamps (batch) */
	uint32_t npath;
};

/* A queue is a stream id on the wire, and a verified stream id indexes streams[]. */
_Static_assert(RS_MAX_QUEUES == PKT_MAX_STREAMS, "stream ids and queues must match");

/* Verify one frame and account it: foreign and corrupt with their reason, a
 * verified frame in its stream's sequence space and, when its send stamp is
 * not later than our clock, in the one-way latency histogram. */
static void rx_account(struct rx_state *r, struct gen_counters *c, const uint8_t *data,
		       uint32_t len, uint64_t now)
{
	struct pkt_rx pl;
	struct seqtrack *st;
	enum pkt_reason why;
	enum seq_class cls;

	c->rx_packets++;
	why = pkt_verify(data, len, &pl);
	if (why != PKT_R_OK) {
		if (pkt_reason_verdict(why) == PKT_CORRUPT) {
			c->rx_corrupt++;
			c->rx_corrupt_why[why]++;
			c->rx_bytes += len;
		} else {
			c->rx_foreign++;
			c->rx_foreign_why[why]++;
		}
		return;
	}
	/* Where the run knows its sender, another epoch is not ours: a spoofed
	 * or stray frame must not restart the sender's sequence space; nor is a
	 * stream it does not send on (pkt_verify() bounds the stream below 64). */
	if (r->expect_epoch && (pl.epoch != r->expect_epoch || !(r->expect_streams >> pl.stream & 1))) {
		c->rx_foreign++;
		c->rx_foreign_why[PKT_R_OTHER_SENDER]++;
		return;
	}
	c->rx_bytes += len;	/* as packets_rx: every frame that is not foreign */
	st = r->streams[pl.stream];
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st || seqtrack_init(st)) {
			free(st);
			return;
		}
		r->streams[pl.stream] = st;
	}
	cls = seqtrack_add(st, pl.epoch, pl.seq, r->arrived_after_ns, now);
	/* Only a packet's first arrival is a sample: a duplicate (a replay), a
	 * frame too late to classify or a refused one adds no latency sample and
	 * no path stamp, so rx_lat_ns_samples + clock_errors == unique packets. */
	if (cls != SEQ_NEW && cls != SEQ_REORDERED)
		return;
	if (r->path) {
		struct path_stamp *ps = &r->path[r->npath++];

		ps->seq = pl.seq;
		ps->stream = pl.stream;
		ps->epoch = pl.epoch;
		ps->ts = now;
	}
	if (pl.ts_ns > now)
		c->rx_clock_errors++;
	else
		hist_add(&c->rx_lat, now - pl.ts_ns);
}

static void rx_totals(struct rx_state *r, struct gen_counters *c)
{
	c->rx_unique = c->rx_duplicates = c->rx_reordered = c->rx_gaps = c->rx_too_late = 0;
	c->rx_sender_restarts = c->rx_stale_sender = c->rx_seq_jumps = c->rx_seq_implausible = 0;
	for (int i = 0; i < RS_MAX_QUEUES; i++) {
		struct seqtrack *st = r->streams[i];

		if (!st)
			continue;
		c->rx_unique += st->unique;
		c->rx_duplicates += st->duplicates;
		c->rx_reordered += st->reordered;
		c->rx_gaps += seqtrack_gaps(st);
		c->rx_too_late += st->too_late;
		c->rx_sender_restarts += st->restarts;
		c->rx_stale_sender += st->stale;
		c->rx_seq_jumps += st->jumps;
		c->rx_seq_implausible += st->implausible;
	}
}

/* Receive one batch; in fwd mode send it back with MACs swapped. Returns the
 * number of frames taken from the RX ring. The receive time is read after the
 * peek: every frame on the ring was then already there, so a send stamp later
 * than it is a clock error, never a 0 ns sample. */
static uint32_t rx_batch(struct gen_worker *w, struct rx_state *r, struct gen_counters *c,
			 bool forward)
{
	struct xsk_port *p = &w->port;
	uint32_t idx, n, want, fidx, tidx = 0, ok;
	uint64_t now, before_peek = now_ns();

	want = w->s->cfg.batch;
	/* fwd: never take more than the TX ring can hold, so every frame taken
	 * from RX goes straight back out. */
	if (forward)
		want = xsk_prod_nb_free(&p->tx, want);
	n = want ? xsk_ring_cons__peek(&p->rx, want, &idx) : 0;
	r->arrived_after_ns = r->drained_ns;
	if (want && n < want)
		r->drained_ns = before_peek;
	if (!n)
		return 0;
	now = now_ns();
	if (forward)
		ok = xsk_ring_prod__reserve(&p->tx, n, &tidx);
	else
		ok = xsk_ring_prod__reserve(&p->fq, n, &fidx);
	if (ok != n) {
		/* Cannot happen: we checked the TX room, and refill what we take. */
		xsk_ring_cons__cancel(&p->rx, n);
		c->fill_short++;
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&p->rx, idx + i);
		uint8_t *data = xsk_umem__get_data(p->area, d->addr);

		rx_account(r, c, data, d->len, now);
		if (forward) {
			struct xdp_desc *td = xsk_ring_prod__tx_desc(&p->tx, tidx + i);

			if (d->len >= 12)
				pkt_swap_macs(data);
			td->addr = d->addr;
			td->len = d->len;
		} else {
			*xsk_ring_prod__fill_addr(&p->fq, fidx + i) = xsk_umem__extract_addr(d->addr);
		}
	}
	xsk_ring_cons__release(&p->rx, n);
	if (r->npath) {
		path_join_user(w->s->cfg.path, PH_RX_REAP, r->path, r->npath);
		r->npath = 0;
	}
	if (forward) {
		xsk_ring_prod__submit(&p->tx, n);
		c->fwd_packets += n;
		c->tx_submitted += n;
	} else {
		xsk_ring_prod__submit(&p->fq, n);
	}
	return n;
}

/* Nothing to receive: sleep in poll() until the socket has data. Only zero-copy
 * drivers ever set the fill ring's need_wakeup flag; in copy mode the old test
 * on it never slept, and a receiver spinning on a loaded machine used up its
 * CPU share, was descheduled for longer than the fill ring lasts and dropped
 * (20-40 % at 200 kpps with a load of 6 on 2 cores). A sleeper is woken by
 * the packet instead. poll() also wakes a zero-copy driver and busy-polls with
 * --busy-poll. fwd: no sleep while the TX ring still holds frames to send. */
static void rx_wait(struct gen_worker *w, bool forward)
{
	struct xsk_port *p = &w->port;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	if (forward && xsk_prod_nb_free(&p->tx, p->cfg.ring_size) < p->cfg.ring_size)
		return;
	/* Idle: did the device go away? The kernel then unbinds the socket and
	 * sets its error (ENETDOWN) without waking poll(): ask for it. */
	if (poll(&pfd, 1, 10) == 0) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		if (!getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) && soerr)
			link_lost(w, ENXIO);
	}
}

/* ---- worker main --------------------------------------------------------- */

static int fill_ring(struct xsk_port *p, uint32_t first, uint32_t n)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(&p->fq, n, &idx) != n)
		return -ENOSPC;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&p->fq, idx + i) = (uint64_t)(first + i) * p->cfg.frame_size;
	xsk_ring_prod__submit(&p->fq, n);
	return 0;
}

static void build_frames(struct gen_worker *w, struct tx_state *t, uint32_t nframes)
{
	const struct gen_cfg *cfg = &w->s->cfg;
	struct pkt_template tp = {
		.src_ip = htonl(0xc0a84001),	/* 192.168.64.1 -> .2: never routed */
		.dst_ip = htonl(0xc0a84002),
		.src_port = 9000 + w->queue, .dst_port = 9,
		.len = cfg->pkt_size, .stream = w->queue, .epoch = w->s->epoch,
	};

	memcpy(tp.src_mac, cfg->src_mac, 6);
	memcpy(tp.dst_mac, cfg->dst_mac, 6);
	for (uint32_t f = 0; f < nframes; f++) {
		t->fixed_sum = pkt_build((uint8_t *)w->port.area + (uint64_t)f * cfg->port.frame_size, &tp);
		t->free[t->nfree++] = (uint64_t)f * cfg->port.frame_size;
	}
}

/* gen tx --rx: every worker has stopped sending, all its packets completed,
 * and the session as a whole got back as many distinct packets as it sent.
 * Session-wide: returning packets land on any RX queue, and a worker that
 * stopped on its own count left the others' packets unread in its ring.
 * From the copies the workers publish every PUBLISH_NS. */
static bool session_back_home(struct gen_session *s)
{
	uint64_t completed = 0, submitted = 0, back = 0;
	bool sending = false;

	for (int i = 0; i < s->nworkers; i++) {
		struct gen_worker *o = &s->w[i];

		sending |= !__atomic_load_n(&o->end_ns, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&o->lock);
		completed += o->pub.tx_completed;
		submitted += o->pub.tx_submitted;
		back += o->pub.rx_unique + o->pub.rx_too_late;
		pthread_mutex_unlock(&o->lock);
	}
	return !sending && completed >= submitted && back >= completed;
}

static void tx_loop(struct gen_worker *w, struct tx_state *t, struct rx_state *r,
		    struct gen_counters *c)
{
	struct gen_session *s = w->s;
	const struct gen_cfg *cfg = &s->cfg;
	struct xsk_port *p = &w->port;
	uint64_t start = now_ns(), now = start, last_pub = 0, rate_start = start;
	uint64_t end = cfg->duration > 0 ? start + (uint64_t)(cfg->duration * 1e9) : UINT64_MAX;
	uint64_t drain_end = 0, burst = cfg->rate / 500;	/* 2 ms of traffic */
	uint64_t quantum = cfg->rate / 10000;			/* 100 us of traffic */
	uint32_t shift = w->frame_shift, len = cfg->pkt_size, unkicked = 0;
	uint32_t kick_every = p->zerocopy ? 1 : COPY_TX_BUDGET;

	__atomic_store_n(&w->begin_ns, start, __ATOMIC_RELAXED);
	if (burst < cfg->batch)
		burst = cfg->batch;
	quantum = quantum < 1 ? 1 : quantum > cfg->batch ? cfg->batch : quantum;
	while (!s->stop) {
		uint32_t n = cfg->batch, idx, want;

		now = now_ns();
		reap_completions(w, t, c, false);
		if (cfg->tx_recv)
			rx_batch(w, r, c, false);
		if (now - last_pub >= PUBLISH_NS) {
			if (cfg->tx_recv)
				rx_totals(r, c);
			publish(w, c);
			last_pub = now;
		}
		bool finished = now >= end || (cfg->count && t->seq >= cfg->count);
		if (finished) {
			/* Drain: wait for the last completions (and returning packets).
			 * With --rx, publish first: the others judge the session by our
			 * copy, which must hold our final submitted count before end_ns
			 * says we stopped sending. */
			if (cfg->tx_recv) {
				rx_totals(r, c);
				publish(w, c);
			}
			if (!drain_end) {
				drain_end = now + DRAIN_NS;
				__atomic_store_n(&w->end_ns, now, __ATOMIC_RELEASE);
			}
			if (c->tx_completed >= c->tx_submitted &&
			    (!cfg->tx_recv || session_back_home(s)))
				break;
			if (now >= drain_end)
				break;
			flush_tx(w, c);
			unkicked = 0;
			continue;
		}
		if (cfg->count && cfg->count - t->seq < n)
			n = cfg->count - t->seq;
		if (cfg->rate) {
			uint64_t allowed = (uint64_t)((double)(now - rate_start) * cfg->rate / 1e9) + 1;

			/* After a stall (descheduled, a slow kick) do not catch up
			 * in one burst that would overrun the receiver: owe at most
			 * `burst` packets, the rest of the lost time is not made up. */
			if (allowed > t->seq + burst) {
				allowed = t->seq + burst;
				rate_start = now - (uint64_t)((double)(allowed - 1) * 1e9 / cfg->rate);
			}
			/* Send `quantum` packets at a time (~100 us of traffic) and
			 * sleep in between. Spinning until each packet was due kept
			 * a CPU busy at any rate: on 2 cores the receiver lacked it. */
			want = quantum < n ? quantum : n;
			if (allowed < t->seq + want) {
				uint64_t wait = (uint64_t)((double)(t->seq + want - allowed) * 1e9 / cfg->rate);

				/* Ahead of time: send what is queued and reap it (copy
				 * mode completes within the kick) before sleeping, so the
				 * sleep does not count as completion latency. */
				if (unkicked) {
					flush_tx(w, c);
					unkicked = 0;
					reap_completions(w, t, c, false);
				}
				if (wait > 20000) {
					struct timespec ts = { 0, (long)(wait > 1000000 ? 1000000 : wait) };

					nanosleep(&ts, NULL);
				}
				continue;
			}
			if (allowed - t->seq < n)
				n = allowed - t->seq;
		}
		if (n > t->nfree)
			n = t->nfree;
		/* All or nothing: reserve fails when fewer than n slots are free. */
		if (!n || xsk_ring_prod__reserve(&p->tx, n, &idx) != n) {
			if (n)
				c->tx_ring_full++;
			flush_tx(w, c);
			unkicked = 0;
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&p->tx, idx + i);
			uint64_t addr = t->free[--t->nfree];

			gen_stamp(xsk_umem__get_data(p->area, addr), t->fixed_sum, t->seq++, now);
			t->submit_ts[addr >> shift] = now;
			d->addr = addr;
			d->len = len;
		}
		xsk_ring_prod__submit(&p->tx, n);
		c->tx_submitted += n;
		unkicked += n;
		/* Kick once a wakeup's worth is queued, not per batch. */
		if (unkicked >= kick_every) {
			flush_tx(w, c);
			unkicked = 0;
		}
	}
}

/* Distinct packets the whole rx session has received (published counts):
 * RX queues are not fed evenly (a 4-queue skb-mode veth with workers that
 * stopped on their own share counted ~3010 of 4000), so none may. */
static uint64_t session_rx_unique(struct gen_session *s)
{
	uint64_t n = 0;

	for (int i = 0; i < s->nworkers; i++) {
		pthread_mutex_lock(&s->w[i].lock);
		n += s->w[i].pub.rx_unique;
		pthread_mutex_unlock(&s->w[i].lock);
	}
	return n;
}

static void rx_loop(struct gen_worker *w, struct tx_state *t, struct rx_state *r,
		    struct gen_counters *c)
{
	struct gen_session *s = w->s;
	const struct gen_cfg *cfg = &s->cfg;
	bool forward = cfg->mode == GEN_FWD;
	uint64_t start = now_ns(), last_pub = 0, now;
	uint64_t end = cfg->duration > 0 ? start + (uint64_t)(cfg->duration * 1e9) : UINT64_MAX;

	__atomic_store_n(&w->begin_ns, start, __ATOMIC_RELAXED);
	while (!s->stop) {
		now = now_ns();
		if (forward) {
			reap_completions(w, t, c, true);
			flush_tx(w, c);
		}
		if (!rx_batch(w, r, c, forward))
			rx_wait(w, forward);
		if (now - last_pub >= PUBLISH_NS) {
			rx_totals(r, c);
			publish(w, c);
			last_pub = now;
			if (cfg->count && session_rx_unique(s) >= cfg->count * s->nworkers)
				s->stop = true;
		}
		if (now >= end)
			break;
	}
}

static void *worker_main(void *arg)
{
	struct gen_worker *w = arg;
	const struct gen_cfg *cfg = &w->s->cfg;
	uint32_t nframes = cfg->port.nframes, tx_frames = nframes;
	struct tx_state t = {};
	struct rx_state r = { .expect_epoch = cfg->expect_epoch, .expect_streams = cfg->expect_streams,
			      .drained_ns = now_ns() };
	struct gen_counters c = {};

	t.free = calloc(nframes, sizeof(*t.free));
	t.submit_ts = calloc(nframes, sizeof(*t.submit_ts));
	if (cfg->path) {
		t.path = calloc(cfg->port.ring_size, sizeof(*t.path));
		r.path = calloc(cfg->batch, sizeof(*r.path));
	}
	if (!t.free || !t.submit_ts || (cfg->path && (!t.path || !r.path))) {
		w->err = -ENOMEM;
		goto out;
	}
	if (cfg->mode == GEN_TX) {
		if (cfg->tx_recv)
			tx_frames = nframes / 2;	/* the other half feeds the fill ring */
		build_frames(w, &t, tx_frames);
		tx_loop(w, &t, &r, &c);
	} else {
		rx_loop(w, &t, &r, &c);
	}
	if (!w->end_ns)		/* rx, or a sender stopped early */
		__atomic_store_n(&w->end_ns, now_ns(), __ATOMIC_RELAXED);
	rx_totals(&r, &c);
out:
	publish(w, &c);
	for (int i = 0; i < RS_MAX_QUEUES; i++) {
		if (r.streams[i])
			seqtrack_free(r.streams[i]);
		free(r.streams[i]);
	}
	free(t.free);
	free(t.submit_ts);
	free(t.path);
	free(r.path);
	w->done = true;
	return NULL;
}

/* ---- session ------------------------------------------------------------- */

static int setup_xdp(struct gen_session *s, int ifindex)
{
	const struct gen_cfg *cfg = &s->cfg;
	int err;

	s->skel = xsk_redirect_bpf__open_and_load();
	if (!s->skel) {
		err = -errno;
		rs_err("cannot load the XSK redirect program: %s%s", strerror(-err),
		       err == -EPERM ? " (run as root)" : "");
		return err;
	}
	if (cfg->pin) {
		err = pin_dir_create("gen", s->pin_dir, sizeof(s->pin_dir));
		if (!err)
			err = pin_map(s->skel->maps.queue_stats, s->pin_dir);
		if (!err)
			err = pin_map(s->skel->maps.xsks, s->pin_dir);
		if (err)
			return err;
	}
	for (int i = 0; i < s->nworkers; i++) {
		err = xsk_socket__update_xskmap(s->w[i].port.xsk, bpf_map__fd(s->skel->maps.xsks));
		if (err) {
			rs_err("cannot add the socket of queue %u to the XSKMAP: %s", s->w[i].queue, strerror(-err));
			return err;
		}
	}
	s->link_fd = xdp_link_attach(bpf_program__fd(s->skel->progs.xsk_redirect), ifindex,
				     cfg->ifname, cfg->xdp_mode, cfg->replace);
	return s->link_fd < 0 ? s->link_fd : 0;
}

int gen_session_check(const struct gen_cfg *cfg)
{
	int err, ifindex;

	err = gen_cfg_check(cfg);
	if (err)
		return err;
	if (!(ifindex = if_nametoindex(cfg->ifname))) {
		rs_err("no interface '%s' here: check 'ip link' (and --netns)", cfg->ifname);
		return -ENODEV;
	}
	if (!cfg->force && iface_has_default_route(cfg->ifname)) {
		rs_err("%s carries the default route: ringscope will not generate traffic on it; pick a test interface or pass --force",
		       cfg->ifname);
		return -EPERM;
	}
	if ((err = gen_link_check(cfg->ifname, cfg->pkt_size, cfg->port.frame_size, receives(cfg))))
		return err;
	/* Every queue before the first socket opens: a bad one is then the
	 * only line printed, with no notice about a good one before it. */
	for (int q = 0; q < 64; q++) {
		struct xsk_port_cfg pc = cfg->port;

		pc.ifname = cfg->ifname;
		pc.queue = q;
		if ((cfg->queues & (1ULL << q)) && (err = xsk_port_check(&pc)))
			return err;
	}
	if (receives(cfg) && (err = xdp_check_free(ifindex, cfg->ifname, cfg->replace)))
		return err;
	/* Only receiving sessions pin (the XDP program's maps): TX needs no bpffs. */
	if (cfg->pin && receives(cfg) && (err = pin_check_bpffs()))
		return err;
	return 0;
}

int gen_session_open(struct gen_session *s, const struct gen_cfg *cfg)
{
	int err, n = 0;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->link_fd = -1;
	s->epoch = cfg->epoch ? cfg->epoch : new_epoch();
	if (cfg->mode == GEN_TX && cfg->tx_recv)
		gen_session_expect(s, s);	/* it receives its own packets back */
	err = gen_session_check(cfg);
	if (err)
		return err;
	mac_of(cfg->ifname, s->cfg.src_mac);
	if (!cfg->have_dst_mac)
		memset(s->cfg.dst_mac, 0xff, 6);	/* broadcast: any peer accepts it */
	for (int q = 0; q < 64; q++)
		n += !!(cfg->queues & (1ULL << q));
	s->w = calloc(n, sizeof(*s->w));
	if (!s->w)
		return -ENOMEM;
	for (int q = 0; q < 64; q++) {
		struct gen_worker *w;
		struct xsk_port_cfg pc = cfg->port;

		if (!(cfg->queues & (1ULL << q)))
			continue;
		w = &s->w[s->nworkers++];
		w->s = s;
		w->queue = q;
		pthread_mutex_init(&w->lock, NULL);
		pc.ifname = cfg->ifname;
		pc.queue = q;
		err = xsk_port_open(&w->port, &pc);
		if (err)
			goto fail;
		w->frame_shift = __builtin_ctz(pc.frame_size);
		if (receives(cfg)) {
			uint32_t rx_frames = cfg->port.ring_size;	/* fill ring: full */

			err = fill_ring(&w->port, cfg->mode == GEN_TX ? cfg->port.nframes / 2 : 0, rx_frames);
			if (err) {
				rs_err("cannot fill the fill ring of %s queue %d", cfg->ifname, q);
				goto fail;
			}
		}
	}
	s->ifindex = if_nametoindex(cfg->ifname);
	if (receives(cfg) && (err = setup_xdp(s, s->ifindex)))
		goto fail;
	/* Last, so that the deltas cover the traffic and nothing before it. */
	if ((err = netlink_link_get_index(s->ifindex, NULL, &s->link_start))) {
		rs_err("cannot read the drop counters of %s over netlink: %s", cfg->ifname, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	gen_session_close(s);
	return err;
}

void gen_session_expect(struct gen_session *rx, const struct gen_session *tx)
{
	rx->cfg.expect_epoch = tx->epoch;
	rx->cfg.expect_streams = tx->cfg.queues;
}

int gen_session_start(struct gen_session *s)
{
	s->start_ns = now_ns();
	for (int i = 0; i < s->nworkers; i++) {
		int err = pthread_create(&s->w[i].thread, NULL, worker_main, &s->w[i]);

		if (err) {
			rs_err("cannot start a worker thread: %s", strerror(err));
			return -err;
		}
		s->w[i].started = true;
	}
	return 0;
}

bool gen_session_done(struct gen_session *s)
{
	for (int i = 0; i < s->nworkers; i++)
		if (!s->w[i].done)
			return false;
	return true;
}

void gen_session_stop(struct gen_session *s)
{
	s->stop = true;
	for (int i = 0; i < s->nworkers; i++)
		if (s->w[i].started) {
			pthread_join(s->w[i].thread, NULL);
			s->w[i].started = false;
		}
}

void gen_session_close(struct gen_session *s)
{
	gen_session_stop(s);
	if (s->link_fd >= 0)
		close(s->link_fd);	/* detaches the XDP program */
	s->link_fd = -1;
	for (int i = 0; i < s->nworkers; i++) {
		xsk_port_close(&s->w[i].port);
		pthread_mutex_destroy(&s->w[i].lock);
	}
	if (s->pin_dir[0])
		pin_dir_remove(s->pin_dir);
	s->pin_dir[0] = 0;
	xsk_redirect_bpf__destroy(s->skel);
	s->skel = NULL;
	free(s->w);
	s->w = NULL;
	s->nworkers = 0;
}

static void xdp_queue_stats(struct gen_session *s, struct gen_counters *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xsk_queue_stats *v;

	if (!s->skel || ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return;
	for (int i = 0; i < s->nworkers; i++) {
		__u32 key = s->w[i].queue;

		if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.queue_stats), &key, v))
			continue;
		for (int c = 0; c < ncpu; c++) {
			sum->xdp_seen += v[c].packets;
			sum->xdp_redirected += v[c].redirected;
			sum->xdp_passed += v[c].passed;
		}
	}
	free(v);
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;	/* a counter reset is no drop */
}

/* The link's kernel drop counters since the session opened. */
static void link_drops_since(struct gen_session *s, struct gen_counters *sum)
{
	struct link_drops d, *b = &s->link_start;

	if (!s->ifindex || netlink_link_get_index(s->ifindex, NULL, &d))
		return;
	sum->link.rx_dropped += since(d.rx_dropped, b->rx_dropped);
	sum->link.tx_dropped += since(d.tx_dropped, b->tx_dropped);
	sum->link.rx_missed += since(d.rx_missed, b->rx_missed);
	sum->link.rx_errors += since(d.rx_errors, b->rx_errors);
	sum->link.tx_errors += since(d.tx_errors, b->tx_errors);
}

void gen_session_snapshot(struct gen_session *s, struct gen_counters *sum)
{
	for (int i = 0; i < s->nworkers; i++) {
		struct gen_worker *w = &s->w[i];
		struct gen_counters c;
		struct xsk_kstats k;

		pthread_mutex_lock(&w->lock);
		c = w->pub;
		pthread_mutex_unlock(&w->lock);
		if (w->port.xsk && !xsk_port_kstats(&w->port, &k))
			c.k = k;
		gen_counters_add(sum, &c);
	}
	xdp_queue_stats(s, sum);
	link_drops_since(s, sum);
}

int gen_session_link_error(struct gen_session *s)
{
	for (int i = 0; i < s->nworkers; i++)
		if (s->w[i].link_err)
			return s->w[i].link_err;
	return 0;
}

uint64_t gen_session_begin_ns(struct gen_session *s)
{
	uint64_t begin = 0;

	for (int i = 0; i < s->nworkers; i++) {
		uint64_t b = __atomic_load_n(&s->w[i].begin_ns, __ATOMIC_RELAXED);

		if (b && (!begin || b < begin))
			begin = b;
	}
	return begin;
}

uint64_t gen_session_end_ns(struct gen_session *s)
{
	uint64_t end = 0;

	for (int i = 0; i < s->nworkers; i++) {
		uint64_t e = __atomic_load_n(&s->w[i].end_ns, __ATOMIC_RELAXED);

		if (!e)
			return 0;
		end = e > end ? e : end;
	}
	return end;
}
