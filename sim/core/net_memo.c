/* The memo of component solves of the flow-level network: net_solve() from empty queues is a
 * pure function of what its passes read (the runs' figures, the directions' capacities and
 * buffers, the way shares are weighted), so a component seen before, to the bit, takes the
 * figures its solve gave then instead of solving again.  An evacuation solves the same one-run
 * component at every start and end of a transfer; the memo answers all but the first.
 *
 * The key is every input of the passes, serialised in the order the passes meet them (the
 * runs in cf order, the directions in cd order) and compared in full, never by hash alone.
 * The memo is a small direct-mapped table of components of bounded size: its memory does not
 * grow with the number of flows.  With DCISIM_NET_MEMO_CHECK=1 in the environment, every hit
 * is also solved and the two compared to the bit; a difference (an input the key misses)
 * aborts. */

#include "net_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

/* Slots of the table (a power of two) and the largest component it holds: beyond a few dozen
 * runs a solve is rarely seen twice and its key would cost memory in proportion. */
#define MEMO_SLOTS    64
#define MEMO_MAX_RUNS 16
#define MEMO_MAX_DIRS 32

struct memo_slot {
	uint64_t hash;
	uint64_t *key, *out;
	size_t nkey, nout, capkey, capout;
};

struct net_memo {
	struct memo_slot slot[MEMO_SLOTS];
	uint64_t *key, *out; /* the solve at hand */
	size_t nkey, nout, capkey, capout;
	uint64_t hash;
	struct memo_slot *pending; /* where to keep the solve at hand, NULL: not kept */
	bool checking;             /* the solve at hand is a hit being checked */
	bool check;                /* DCISIM_NET_MEMO_CHECK */
	/* Checking a hit: the solve's figures, and each direction's regime and
	 * phase before it. */
	uint64_t *solved;
	size_t capsolved;
	enum regime pre_rg[MEMO_MAX_DIRS];
	dcs_time_t pre_t0[MEMO_MAX_DIRS];
	uint64_t hits, misses;
};

/* ---- serialising: 64-bit words, doubles by their bits ---- */

static void put(uint64_t **buf, size_t *n, size_t *cap, uint64_t w)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*buf = dcs_xrealloc(*buf, *cap * sizeof(**buf), "remembering a solve");
	}
	(*buf)[(*n)++] = w;
}

static uint64_t dbits(double x)
{
	uint64_t w;
	memcpy(&w, &x, sizeof(w));
	return w;
}

static double bitsd(uint64_t w)
{
	double x;
	memcpy(&x, &w, sizeof(x));
	return x;
}

static void out_put(struct net_memo *m, uint64_t w)
{
	put(&m->out, &m->nout, &m->capout, w);
}

/* ---- the key: every input of net_share_pass() and net_queue_pass() ---- */

/* The key's hash (FNV-1a over its words) is folded in as the words are written. */
#define FNV_PRIME 0x100000001b3ULL
static inline uint64_t key_put(uint64_t **k, uint64_t h, uint64_t w)
{
	*(*k)++ = w;
	return (h ^ w) * FNV_PRIME;
}

/* A run's figures the passes read: its paths both ways (an interned id: equal ids, equal
 * paths, hence the same hops, directions and ACK hops), whether it is stalled, its base RTT,
 * MSS and loss (the caps), the owner's streams, window, demand and class of load, and how many
 * flows it stands for (the sums add its figures that many times). */
#define KEY_RUN_WORDS 7
static uint64_t *key_run(uint64_t *k, const struct dcs_flow *f, uint64_t *h)
{
	uint64_t x = *h;
	x = key_put(&k, x, (uint64_t)f->path_id << 32 | (uint64_t)(uint32_t)f->mult);
	x = key_put(&k, x, (uint64_t)f->stalled << 1 | (uint64_t)f->spec.offered);
	x = key_put(&k, x, (uint64_t)f->rtt_base);
	x = key_put(&k, x, (uint64_t)(uint32_t)f->path_mss << 32 | (uint32_t)f->spec.streams);
	x = key_put(&k, x, dbits(f->path_loss));
	x = key_put(&k, x, dbits(f->spec.window_bytes));
	x = key_put(&k, x, dbits(f->spec.demand_Bps));
	*h = x;
	return k;
}

/* A direction's figures the passes read after net_solve() emptied its queue: which it is (its
 * link's configuration: MSS and goodput fraction), whether its link carries, the capacity left
 * for flows, the buffer's drain time, the line rate, the background and one frame's time. */
#define KEY_DIR_WORDS 6
static uint64_t *key_dir(uint64_t *k, const struct dcs_net *net, int r, uint64_t *h)
{
	const struct link_state *s = &net->ls[(unsigned)r >> 1];
	uint64_t x = *h;
	x = key_put(&k, x, (uint64_t)(uint32_t)r << 1 | (uint64_t)net_carries(s));
	x = key_put(&k, x, dbits(s->cap_Bps));
	x = key_put(&k, x, dbits(s->tau_s));
	x = key_put(&k, x, dbits(s->line_Bps));
	x = key_put(&k, x, dbits(s->bg_Bps));
	x = key_put(&k, x, dbits(s->frame_s));
	*h = x;
	return k;
}

/* ---- the outputs: what the passes write ---- */

/* A run's figures as the passes leave them.  A stalled run gets only its rate, limit and
 * bottleneck; a run within one site its caps too; the others every figure. */
static void out_run(struct net_memo *m, const struct dcs_flow *f)
{
	out_put(m, dbits(f->rate));
	out_put(m, (uint64_t)(uint32_t)f->limit << 32 | (uint32_t)(f->bott + 1));
	out_put(m, (uint64_t)f->frozen);
	if (f->stalled)
		return;
	out_put(m, dbits(f->cap));
	if (f->nhops == 0)
		return;
	out_put(m, dbits(f->w));
	out_put(m, dbits(f->rtt_s));
	out_put(m, (uint64_t)f->offered_now);
}

static void in_run(struct dcs_flow *f, const uint64_t **p)
{
	const uint64_t *w = *p;
	f->rate = bitsd(*w++);
	f->limit = (enum dcs_limit)(uint32_t)(*w >> 32);
	f->bott = (int)(uint32_t)*w++ - 1;
	f->frozen = *w++ != 0;
	if (!f->stalled) {
		f->cap = bitsd(*w++);
		if (f->nhops != 0) {
			f->w = bitsd(*w++);
			f->rtt_s = bitsd(*w++);
			f->offered_now = *w++ != 0;
		}
	}
	*p = w;
}

/* A direction's queue as the passes leave it, with what the phase rule needs: its regime
 * after the first pass and whether a later pass entered the loss regime. */
static void out_dir(struct net_memo *m, const struct dirq *q)
{
	out_put(m, (uint64_t)q->regime << 32 | (uint64_t)q->rg_first << 1 | q->loss_later);
	out_put(m, dbits(q->mean_s));
	out_put(m, dbits(q->hi_s));
	out_put(m, dbits(q->drop_s));
	out_put(m, dbits(q->shape));
	out_put(m, dbits(q->period_s));
	out_put(m, dbits(q->drops_pps));
	out_put(m, dbits(q->eta));
	out_put(m, dbits(q->offered_demand));
	out_put(m, dbits(q->offered_rate));
	out_put(m, dbits(q->elastic_rate));
	out_put(m, dbits(q->bulk_cap));
	out_put(m, dbits(q->share_w));
	out_put(m, dbits(q->share_rate));
	out_put(m, (uint64_t)q->full);
}

/* The queue's figures back, and its phase as the passes would set it: a new cycle starts now
 * when a pass enters the loss regime from another (the first pass from the regime before the
 * solve). */
static void in_dir(struct dirq *q, const uint64_t **p, dcs_time_t now)
{
	const uint64_t *w = *p;
	enum regime rg = (enum regime)(uint32_t)(*w >> 32);
	enum regime first = (enum regime)(uint32_t)((*w >> 1) & 0x7fffffff);
	bool later = (*w++ & 1) != 0;
	if ((first == Q_LOSS && q->regime != Q_LOSS) || later)
		q->t0 = now;
	q->regime = rg;
	q->rg_first = first;
	q->loss_later = later;
	q->mean_s = bitsd(*w++);
	q->hi_s = bitsd(*w++);
	q->drop_s = bitsd(*w++);
	q->shape = bitsd(*w++);
	q->period_s = bitsd(*w++);
	q->drops_pps = bitsd(*w++);
	q->eta = bitsd(*w++);
	q->offered_demand = bitsd(*w++);
	q->offered_rate = bitsd(*w++);
	q->elastic_rate = bitsd(*w++);
	q->bulk_cap = bitsd(*w++);
	q->share_w = bitsd(*w++);
	q->share_rate = bitsd(*w++);
	q->full = *w++ != 0;
	*p = w;
}

/* Every figure the passes left, then each direction's phase. */
static void outputs(struct net_memo *m, const struct dcs_net *net)
{
	m->nout = 0;
	for (size_t i = 0; i < net->ncf; i++)
		out_run(m, net->cf[i]);
	for (size_t j = 0; j < net->ncd; j++)
		out_dir(m, net_dirq(net, net->cd[j]));
}

static void restore(struct dcs_net *net, const uint64_t *p)
{
	for (size_t i = 0; i < net->ncf; i++)
		in_run(net->cf[i], &p);
	dcs_time_t now = dcs_now(net->k);
	for (size_t j = 0; j < net->ncd; j++)
		in_dir(net_dirq(net, net->cd[j]), &p, now);
}

/* Checking a hit: every figure restore() must write (what the passes write: fewer for a
 * stalled run or one within a site, as out_run() says) set to what no solve leaves (NaN, a
 * flag flipped), each direction's regime and phase to theirs before the solve. */
static void scribble(struct net_memo *m, struct dcs_net *net)
{
	double nan = bitsd(0x7ff8dead5c0ffee5ULL);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		f->rate = nan;
		f->limit = f->limit == DCS_LIMIT_NONE ? DCS_LIMIT_STALLED : DCS_LIMIT_NONE;
		f->bott = -2;
		f->frozen = !f->frozen;
		if (f->stalled)
			continue; /* the passes leave its other figures as they were */
		f->cap = nan;
		if (f->nhops == 0)
			continue;
		f->w = f->rtt_s = nan;
		f->offered_now = !f->offered_now;
	}
	for (size_t j = 0; j < net->ncd; j++) {
		struct dirq *q = net_dirq(net, net->cd[j]);
		q->regime = m->pre_rg[j];
		q->t0 = m->pre_t0[j];
		q->rg_first = q->rg_first == Q_IDLE ? Q_LOSS : Q_IDLE;
		q->loss_later = !q->loss_later;
		q->mean_s = q->hi_s = q->drop_s = q->shape = q->period_s = q->drops_pps = nan;
		q->eta = q->offered_demand = q->offered_rate = q->elastic_rate = nan;
		q->bulk_cap = q->share_w = q->share_rate = nan;
		q->full = !q->full;
	}
}

static void check_failed(const struct dcs_net *net, const uint64_t *a, size_t na, const uint64_t *b,
			 size_t nb, const char *what)
{
	size_t at = 0;
	while (at < na && at < nb && a[at] == b[at])
		at++;
	fprintf(stderr,
		"dcisim: DCISIM_NET_MEMO_CHECK: a component of %zu run(s) over %zu "
		"direction(s) the memo answered: %s (output word %zu of %zu)\n",
		net->ncf, net->ncd, what, at, na);
	abort();
}

/* Checking a hit, after the passes solved it: the figures remembered must be the
 * solve's, and restoring them (over figures made unusable) must leave every figure and
 * phase as the passes did. */
static void check_hit(struct net_memo *m, struct dcs_net *net, const struct memo_slot *s)
{
	outputs(m, net);
	if (s->nout != m->nout || memcmp(s->out, m->out, m->nout * sizeof(*m->out)) != 0)
		check_failed(net, s->out, s->nout, m->out, m->nout,
			     "its figures differ from solving it again (the key misses an input)");
	for (size_t j = 0; j < net->ncd; j++)
		out_put(m, (uint64_t)net->ls[net->cd[j] / 2].q[net->cd[j] % 2].t0);
	if (m->capsolved < m->nout) {
		m->solved =
		    dcs_xrealloc(m->solved, m->nout * sizeof(*m->solved), "remembering a solve");
		m->capsolved = m->nout;
	}
	size_t nsolved = m->nout;
	memcpy(m->solved, m->out, nsolved * sizeof(*m->solved));
	scribble(m, net);
	restore(net, s->out);
	outputs(m, net);
	for (size_t j = 0; j < net->ncd; j++)
		out_put(m, (uint64_t)net->ls[net->cd[j] / 2].q[net->cd[j] % 2].t0);
	if (m->nout != nsolved || memcmp(m->solved, m->out, nsolved * sizeof(*m->out)) != 0)
		check_failed(net, m->solved, nsolved, m->out, m->nout,
			     "restoring its figures leaves another state than solving it");
}

/* ---- lookup and store ---- */

static struct net_memo *memo_get(struct dcs_net *net)
{
	if (!net->memo) {
		net->memo = dcs_xcalloc(1, sizeof(*net->memo), "remembering a solve");
		net->memo->check = net->memo_check;
	}
	return net->memo;
}

bool net_memo_recall(struct dcs_net *net)
{
	struct net_memo *m = memo_get(net);
	m->pending = NULL;
	m->checking = false;
	if (net->ncf > MEMO_MAX_RUNS || net->ncd > MEMO_MAX_DIRS || net->ncf + net->ncd == 0)
		return false; /* too large to keep, or nothing to solve */
	size_t n = 1 + KEY_RUN_WORDS * net->ncf + KEY_DIR_WORDS * net->ncd;
	if (m->capkey < n) {
		m->key = dcs_xrealloc(m->key, n * sizeof(*m->key), "remembering a solve");
		m->capkey = n;
	}
	uint64_t *k = m->key;
	uint64_t h = 0xcbf29ce484222325ULL;
	*k++ = (uint64_t)net->ncf << 32 | (uint64_t)net->ncd << 1 | net->share_rtt;
	h = (h ^ k[-1]) * FNV_PRIME;
	for (size_t i = 0; i < net->ncf; i++)
		k = key_run(k, net->cf[i], &h);
	for (size_t j = 0; j < net->ncd; j++)
		k = key_dir(k, net, net->cd[j], &h);
	m->nkey = n;
	m->hash = h ^ h >> 29;
	struct memo_slot *s = &m->slot[(m->hash ^ m->hash >> 32) & (MEMO_SLOTS - 1)];
	m->pending = s;
	if (s->nkey != m->nkey || s->hash != m->hash ||
	    memcmp(s->key, m->key, m->nkey * sizeof(*m->key)) != 0) {
		m->misses++;
		return false;
	}
	m->hits++;
	if (m->check) {
		/* Solved, then compared in net_memo_keep(). */
		m->checking = true;
		for (size_t j = 0; j < net->ncd; j++) {
			const struct dirq *q = net_dirq(net, net->cd[j]);
			m->pre_rg[j] = q->regime;
			m->pre_t0[j] = q->t0;
		}
		return false;
	}
	m->pending = NULL;
	restore(net, s->out);
	return true;
}

void net_memo_keep(struct dcs_net *net)
{
	struct net_memo *m = net->memo;
	struct memo_slot *s = m->pending;
	if (!s)
		return;
	m->pending = NULL;
	if (m->checking) {
		m->checking = false;
		check_hit(m, net, s);
		return;
	}
	outputs(m, net);
	if (s->capkey < m->nkey) {
		s->key = dcs_xrealloc(s->key, m->nkey * sizeof(*s->key), "remembering a solve");
		s->capkey = m->nkey;
	}
	if (s->capout < m->nout) {
		s->out = dcs_xrealloc(s->out, m->nout * sizeof(*s->out), "remembering a solve");
		s->capout = m->nout;
	}
	memcpy(s->key, m->key, m->nkey * sizeof(*s->key));
	memcpy(s->out, m->out, m->nout * sizeof(*s->out));
	s->nkey = m->nkey;
	s->nout = m->nout;
	s->hash = m->hash;
}

void dcs_net_memo_counts(const struct dcs_net *net, uint64_t *hits, uint64_t *misses)
{
	*hits = net->memo ? net->memo->hits : 0;
	*misses = net->memo ? net->memo->misses : 0;
}

void net_memo_free(struct dcs_net *net)
{
	struct net_memo *m = net->memo;
	if (!m)
		return;
	for (int i = 0; i < MEMO_SLOTS; i++) {
		free(m->slot[i].key);
		free(m->slot[i].out);
	}
	free(m->key);
	free(m->out);
	free(m->solved);
	free(m);
	net->memo = NULL;
}
