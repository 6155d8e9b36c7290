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

/* A run's figures the passes read: its paths both ways (an interned id: equal ids, equal
 * paths, hence the same hops, directions and ACK hops), whether it is stalled, its base RTT,
 * MSS and loss (the caps), the owner's streams, window, demand and class of load, and how many
 * flows it stands for (the sums add its figures that many times). */
#define KEY_RUN_WORDS 7
static uint64_t *key_run(uint64_t *k, const struct dcs_flow *f)
{
	*k++ = (uint64_t)f->path_id << 32 | (uint64_t)(uint32_t)f->mult;
	*k++ = (uint64_t)f->stalled << 1 | (uint64_t)f->spec.offered;
	*k++ = (uint64_t)f->rtt_base;
	*k++ = (uint64_t)(uint32_t)f->path_mss << 32 | (uint32_t)f->spec.streams;
	*k++ = dbits(f->path_loss);
	*k++ = dbits(f->spec.window_bytes);
	*k++ = dbits(f->spec.demand_Bps);
	return k;
}

/* A direction's figures the passes read after net_solve() emptied its queue: which it is (its
 * link's configuration: MSS and goodput fraction), whether its link carries, the capacity left
 * for flows, the buffer's drain time, the line rate, the background and one frame's time. */
#define KEY_DIR_WORDS 6
static uint64_t *key_dir(uint64_t *k, const struct dcs_net *net, int r)
{
	const struct link_state *s = &net->ls[r / 2];
	*k++ = (uint64_t)(uint32_t)r << 1 | (uint64_t)net_carries(s);
	*k++ = dbits(s->cap_Bps);
	*k++ = dbits(s->tau_s);
	*k++ = dbits(s->line_Bps);
	*k++ = dbits(s->bg_Bps);
	*k++ = dbits(s->frame_s);
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

static void outputs(struct net_memo *m, const struct dcs_net *net)
{
	m->nout = 0;
	for (size_t i = 0; i < net->ncf; i++)
		out_run(m, net->cf[i]);
	for (size_t j = 0; j < net->ncd; j++)
		out_dir(m, &net->ls[net->cd[j] / 2].q[net->cd[j] % 2]);
}

/* ---- lookup and store ---- */

static struct net_memo *memo_get(struct dcs_net *net)
{
	if (!net->memo) {
		net->memo = dcs_xcalloc(1, sizeof(*net->memo), "remembering a solve");
		const char *v = getenv("DCISIM_NET_MEMO_CHECK");
		net->memo->check = v && *v && strcmp(v, "0") != 0;
	}
	return net->memo;
}

bool net_memo_recall(struct dcs_net *net)
{
	struct net_memo *m = memo_get(net);
	m->pending = NULL;
	m->checking = false;
	if (net->ncf > MEMO_MAX_RUNS || net->ncd > MEMO_MAX_DIRS)
		return false;
	size_t n = 1 + KEY_RUN_WORDS * net->ncf + KEY_DIR_WORDS * net->ncd;
	if (m->capkey < n) {
		m->key = dcs_xrealloc(m->key, n * sizeof(*m->key), "remembering a solve");
		m->capkey = n;
	}
	uint64_t *k = m->key;
	*k++ = (uint64_t)net->ncf << 32 | (uint64_t)net->ncd << 1 | net->share_rtt;
	for (size_t i = 0; i < net->ncf; i++)
		k = key_run(k, net->cf[i]);
	for (size_t j = 0; j < net->ncd; j++)
		k = key_dir(k, net, net->cd[j]);
	m->nkey = n;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ m->key[i]) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	m->hash = h;
	struct memo_slot *s = &m->slot[(m->hash ^ m->hash >> 32) & (MEMO_SLOTS - 1)];
	m->pending = s;
	if (s->nkey != m->nkey || s->hash != m->hash ||
	    memcmp(s->key, m->key, m->nkey * sizeof(*m->key)) != 0) {
		m->misses++;
		return false;
	}
	m->hits++;
	if (m->check) {
		m->checking = true; /* solved, then compared in net_memo_keep() */
		return false;
	}
	m->pending = NULL;
	const uint64_t *p = s->out;
	for (size_t i = 0; i < net->ncf; i++)
		in_run(net->cf[i], &p);
	dcs_time_t now = dcs_now(net->k);
	for (size_t j = 0; j < net->ncd; j++)
		in_dir(&net->ls[net->cd[j] / 2].q[net->cd[j] % 2], &p, now);
	return true;
}

void net_memo_keep(struct dcs_net *net)
{
	struct net_memo *m = net->memo;
	struct memo_slot *s = m->pending;
	if (!s)
		return;
	m->pending = NULL;
	outputs(m, net);
	if (m->checking) {
		m->checking = false;
		if (s->nout != m->nout || memcmp(s->out, m->out, m->nout * sizeof(*m->out)) != 0) {
			size_t at = 0;
			while (at < m->nout && at < s->nout && s->out[at] == m->out[at])
				at++;
			fprintf(stderr,
				"dcisim: DCISIM_NET_MEMO_CHECK: a remembered solve of %zu run(s) "
				"over %zu direction(s) differs from solving it again (output "
				"word %zu of %zu): the memo's key misses an input of the solve\n",
				net->ncf, net->ncd, at, m->nout);
			abort();
		}
		return;
	}
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

void net_memo_stats(const struct dcs_net *net, uint64_t *hits, uint64_t *misses)
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
	free(m);
	net->memo = NULL;
}
