/* Joining kernel and user-space hop stamps per packet (path_join.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "path_join.h"
#include "u64s.h"

#define HAVE_K (1u << 0)	/* the kernel's record */
#define HAVE_R (1u << 1)	/* RX reap */
#define HAVE_T (1u << 2)	/* completion reap */
#define HAVE_S (1u << 3)	/* the sender's submit stamp (def->user_submit) */

#define PJ_HIST 4096	/* per-batch events kept per virtqueue and kind */

struct pj_ev {
	uint64_t ts;
	uint64_t pkts;		/* packets given this event */
};

struct pj_vq {
	uint64_t vq;
	uint64_t n[HB_N];	/* events seen: the next goes to ev[kind][n % PJ_HIST] */
	struct pj_ev ev[HB_N][PJ_HIST];
};

struct pj_slot {
	uint64_t seq_plus1;	/* 0: empty */
	uint16_t epoch;
	uint32_t have;
	struct path_sample s;
};

const char *path_left_name(enum path_left l)
{
	static const char *const n[PL_NLEFT] = { "done", "dropped", "in_flight" };

	return l < PL_NLEFT ? n[l] : "?";
}

bool path_has_batches(const struct path_def *d)
{
	for (int i = 0; i < d->nhops; i++)
		if (d->order[i] == HK_KICK || d->order[i] == HK_IRQ)
			return true;
	return false;
}

int path_join_init(struct path_join *j, const struct path_def *def, uint32_t window, bool user,
		   uint64_t sample_limit)
{
	uint32_t w = 1;

	memset(j, 0, sizeof(*j));
	while (w < window && w < (1u << 24))
		w <<= 1;
	j->def = def;
	j->window = w;
	j->user = user;
	j->sample_limit = sample_limit;
	pthread_mutex_init(&j->lock, NULL);
	return 0;
}

void path_join_free(struct path_join *j)
{
	for (int i = 0; i < 64; i++)
		free(j->streams[i]);
	for (int i = 0; i < PJ_VQS; i++)
		free(j->vqs[i]);
	free(j->samples);
	pthread_mutex_destroy(&j->lock);
	memset(j, 0, sizeof(*j));
}

static bool dropped(const struct path_sample *s)
{
	return s->flags & (HOP_F_REDIRECT_ERR | HOP_F_KFREE);
}

/* Nothing more can come for it: the kernel's record, and in a run the
 * completion and either the RX reap or a drop (a path without a receiver of
 * its own, whose sender stamps its submits: the submit and the completion). */
static bool complete(const struct path_join *j, const struct pj_slot *sl)
{
	if (!(sl->have & HAVE_K))
		return false;
	if (!j->user)
		return true;
	if (j->def->user_submit)
		return (sl->have & (HAVE_S | HAVE_T)) == (HAVE_S | HAVE_T);
	return (sl->have & HAVE_T) && ((sl->have & HAVE_R) || dropped(&sl->s));
}

/* The hop h's latency starts at: its `from` hop or, where that was not seen,
 * the nearest seen hop before it on the same chain. */
static int seen_from(const struct path_def *d, const struct path_sample *s, int h)
{
	int f = d->hop[h].from;

	while (f != PH_NONE && !s->ts[f])
		f = d->hop[f].from;
	return f;
}

static struct pj_vq *vq_find(struct path_join *j, uint64_t vq, bool add)
{
	for (int i = 0; vq && i < PJ_VQS; i++) {
		if (j->vqs[i] && j->vqs[i]->vq == vq)
			return j->vqs[i];
		if (!j->vqs[i] && add) {
			if ((j->vqs[i] = calloc(1, sizeof(struct pj_vq))))
				j->vqs[i]->vq = vq;
			return j->vqs[i];
		}
	}
	return NULL;
}

void path_join_batch(struct path_join *j, const struct hop_batch *b)
{
	struct pj_vq *q;

	if (b->kind >= HB_N)
		return;
	pthread_mutex_lock(&j->lock);
	j->r.batch_events[b->kind]++;
	if ((q = vq_find(j, b->vq, true))) {
		q->ev[b->kind][q->n[b->kind] % PJ_HIST] = (struct pj_ev){ .ts = b->ts };
		q->n[b->kind]++;
	}
	pthread_mutex_unlock(&j->lock);
}

/* The event of this kind on q inside [lo, hi]: the first (first) or the last
 * one. NULL if none; *unknown if the history kept does not reach back to lo. */
static struct pj_ev *pick(struct pj_vq *q, int kind, uint64_t lo, uint64_t hi, bool first, bool *unknown)
{
	uint64_t n = q ? q->n[kind] : 0, oldest = n > PJ_HIST ? n - PJ_HIST : 0;
	struct pj_ev *cand = NULL;

	*unknown = false;
	for (uint64_t i = n; i > oldest; i--) {
		struct pj_ev *e = &q->ev[kind][(i - 1) % PJ_HIST];

		if (e->ts < lo)
			return cand;
		if (e->ts <= hi) {
			cand = e;
			if (!first)
				return cand;
		}
	}
	*unknown = oldest > 0;
	return *unknown ? NULL : cand;
}

/* One packet's kick and interrupt, by the rules of path_join_batch(). */
static void attribute(struct path_join *j, struct path_sample *s)
{
	uint64_t add = s->ts[HK_VQ_ADD], detach = s->ts[HK_DETACH];
	/* the buffer was back by its detach or, where that was not seen, by its completion */
	uint64_t back = detach ? detach : s->ts[HK_XSK_DONE] ? s->ts[HK_XSK_DONE] : UINT64_MAX;
	struct pj_vq *q = vq_find(j, s->vq, false);
	struct path_results *r = &j->r;
	struct pj_ev *e;
	bool unknown;

	if (!add || !s->vq)	/* not a virtqueue path, or never added to one */
		return;
	for (int kind = 0; kind < HB_N; kind++) {
		int hop = kind == HB_KICK ? HK_KICK : HK_IRQ;

		unknown = false;
		if (kind == HB_KICK)
			e = pick(q, kind, add, back, true, &unknown);
		else	/* no detach seen: no interrupt handed its buffer back */
			e = detach ? pick(q, kind, s->ts[HK_KICK] ? s->ts[HK_KICK] : add, detach, false, &unknown) : NULL;
		s->ts[hop] = e ? e->ts : 0;
		if (e) {
			if (!e->pkts++)
				r->batch_used[kind]++;
			r->batch_packets[kind]++;
		} else {
			unknown ? r->batch_unknown[kind]++ : r->batch_none[kind]++;
		}
	}
}

static void account(struct path_join *j, struct pj_slot *sl)
{
	const struct path_def *d = j->def;
	struct path_sample *s = &sl->s;
	struct path_results *r = &j->r;
	int last = PH_NONE, done_hop = j->user ? d->done_run : d->done_trace;
	int start = j->user ? HK_SUBMIT : d->start_trace;
	uint64_t prev = 0;

	/* In a run, ours are the packets our sender completed: a frame that
	 * only carries our epoch (another sender on the link forging it, a
	 * replayed duplicate, a seq or stream we never sent) has no completion
	 * and is not joined into the hops, the end-to-end time or the samples.
	 * Where the sender stamps its submits, ours are the sends it stamped
	 * (one whose completion never came is in flight, not foreign). */
	if (j->user && !(sl->have & (d->user_submit ? HAVE_S : HAVE_T))) {
		r->not_ours++;
		goto out;
	}
	r->packets++;
	attribute(j, s);
	for (int i = 0; i < d->nhops; i++) {
		int h = d->order[i], f;

		if (!s->ts[h])
			continue;
		r->count[h]++;
		f = seen_from(d, s, h);
		if (f != PH_NONE)
			hist_add(&r->lat[h], s->ts[h] > s->ts[f] ? s->ts[h] - s->ts[f] : 0);
		if (!d->hop[h].on_path)
			continue;
		if (s->ts[h] < prev)
			r->order_errors++;
		prev = s->ts[h];
		last = h;
	}
	s->left_at = last;
	if (s->ts[done_hop] && !dropped(s)) {
		s->left = PL_DONE;
		r->done++;
		if (s->ts[start])
			hist_add(&r->e2e, s->ts[done_hop] > s->ts[start] ? s->ts[done_hop] - s->ts[start] : 0);
	} else {
		s->left = dropped(s) ? PL_DROPPED : PL_IN_FLIGHT;
		/* A drop is where the kernel said so: the socket refused it at
		 * the redirect, else the skb was freed as a drop. */
		if (s->left == PL_DROPPED)
			s->left_at = s->flags & HOP_F_REDIRECT_ERR ? HK_REDIRECT : HK_SKB_FREE;
		r->left[s->left][s->left_at < 0 ? 0 : s->left_at]++;
	}
	if (s->seq < j->sample_limit) {
		if (j->nsamples == j->samples_cap) {
			uint64_t cap = j->samples_cap ? 2 * j->samples_cap : 1024;
			struct path_sample *n = realloc(j->samples, cap * sizeof(*n));

			if (!n)
				goto out;
			j->samples = n;
			j->samples_cap = cap;
		}
		j->samples[j->nsamples++] = *s;
	}
out:
	memset(sl, 0, sizeof(*sl));
}

/* The slot of (stream, epoch, seq), emptied of an older packet first; NULL
 * for a stamp of a packet already gone (or no memory). */
static struct pj_slot *slot_for(struct path_join *j, uint16_t stream, uint16_t epoch, uint64_t seq)
{
	struct pj_slot *sl;

	if (stream >= 64 || seq == UINT64_MAX)	/* UINT64_MAX: no seq (gen.c) */
		return NULL;
	if (!j->streams[stream] && !(j->streams[stream] = calloc(j->window, sizeof(struct pj_slot))))
		return NULL;
	sl = &j->streams[stream][seq & (j->window - 1)];
	if (sl->seq_plus1 == seq + 1 && sl->epoch == epoch)
		return sl;
	if (sl->seq_plus1) {
		/* Same epoch and a newer packet already here: this one is gone. */
		if (sl->epoch == epoch && sl->seq_plus1 > seq + 1) {
			j->r.late++;
			return NULL;
		}
		account(j, sl);	/* an older (or another sender's) packet: it leaves as it stands */
	}
	sl->seq_plus1 = seq + 1;
	sl->epoch = epoch;
	sl->s.seq = seq;
	sl->s.stream = stream;
	sl->s.epoch = epoch;
	return sl;
}

void path_join_kernel(struct path_join *j, const struct hop_rec *r)
{
	struct pj_slot *sl;

	pthread_mutex_lock(&j->lock);
	if ((sl = slot_for(j, r->stream, r->epoch, r->seq))) {
		if (sl->have & HAVE_K) {
			j->r.late++;	/* a second record for one packet: keep the first */
		} else {
			for (int h = 0; h < HK_N; h++)
				if (r->ts[h])	/* a sender's submit stamp may be in already */
					sl->s.ts[h] = r->ts[h];
			sl->s.vq = r->vq;
			sl->s.flags = r->flags;
			sl->s.redirect_err = r->redirect_err;
			sl->s.drop_reason = r->drop_reason;
			sl->have |= HAVE_K;
		}
		if (complete(j, sl))
			account(j, sl);
	}
	pthread_mutex_unlock(&j->lock);
}

void path_join_user(struct path_join *j, int hop, const struct path_stamp *v, uint32_t n)
{
	uint32_t bit = hop == PH_RX_REAP ? HAVE_R : hop == HK_SUBMIT ? HAVE_S : HAVE_T;

	pthread_mutex_lock(&j->lock);
	for (uint32_t i = 0; i < n; i++) {
		struct pj_slot *sl = slot_for(j, v[i].stream, v[i].epoch, v[i].seq);

		if (!sl)
			continue;
		if (sl->have & bit) {
			j->r.late++;
			continue;
		}
		if (bit == HAVE_S && v[i].seq >= j->submit_max_plus1)
			j->submit_max_plus1 = v[i].seq + 1;
		sl->s.ts[hop] = v[i].ts;
		sl->have |= bit;
		if (complete(j, sl))
			account(j, sl);
	}
	pthread_mutex_unlock(&j->lock);
}

uint64_t path_join_unwrap16(struct path_join *j, uint16_t v)
{
	uint64_t hi, d;

	pthread_mutex_lock(&j->lock);
	hi = j->submit_max_plus1 ? j->submit_max_plus1 - 1 : 0;
	pthread_mutex_unlock(&j->lock);
	d = (uint16_t)((uint16_t)hi - v);
	return d <= hi ? hi - d : UINT64_MAX;	/* UINT64_MAX: no seq (from before the first send) */
}

void path_join_finish(struct path_join *j)
{
	pthread_mutex_lock(&j->lock);
	for (int st = 0; st < 64; st++) {
		struct pj_slot *w = j->streams[st];
		uint32_t start = 0;

		if (!w)
			continue;
		/* Oldest first: from the slot after the highest seq on. */
		uint64_t hi = 0;

		for (uint32_t i = 0; i < j->window; i++)
			if (w[i].seq_plus1 > hi) {
				hi = w[i].seq_plus1;
				start = i + 1;
			}
		for (uint32_t i = 0; i < j->window; i++) {
			struct pj_slot *sl = &w[(start + i) & (j->window - 1)];

			if (sl->seq_plus1)
				account(j, sl);
		}
	}
	pthread_mutex_unlock(&j->lock);
}

void path_join_results(struct path_join *j, struct path_results *out)
{
	pthread_mutex_lock(&j->lock);
	*out = j->r;
	pthread_mutex_unlock(&j->lock);
}

void path_results_delta(struct path_results *d, const struct path_results *a, const struct path_results *b)
{
	/* Counters and histogram buckets: every field a u64 (path_join.h). */
	u64s_sub(d, a, b, sizeof(*d));
}
