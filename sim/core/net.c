#include "dcisim/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "dcisim/tech.h"
#include "dcisim/xalloc.h"

/* CUBIC's Reno-friendly growth, segments per RTT (RFC 9438 §4.3). */
#define RENO_ALPHA (3.0 * (1.0 - DCS_CUBIC_BETA) / (1.0 + DCS_CUBIC_BETA))
/* The fixed point stops when no queue moves by more than this. */
#define SOLVE_TOL_S 1e-12
/* A direction is full when its flows carry this close to its capacity. */
#define FULL_RTOL 1e-9

enum regime { Q_IDLE, Q_WINDOW, Q_LOSS, Q_OVERLOAD };

/* The queue of one link direction. */
struct dirq {
	enum regime regime;
	double mean_s;   /* what a packet pays on average */
	double hi_s;     /* loss: the top of the cycle (the full buffer) */
	double drop_s;   /* loss: how far one drop lowers the queue */
	double shape;    /* loss: k of tau - D (1 - u)^k */
	double period_s; /* loss: one cycle of the aggregate */
	dcs_time_t t0;   /* loss: phase origin of the cycle */
	double drops_pps;
	double eta; /* goodput share of the bulk capacity (shallow buffer) */
	/* Solver scratch. */
	double offered_demand, offered_rate, elastic_rate;
	double bulk_cap;   /* what bulk flows had this pass */
	double share_w;    /* weights of the bulk flows its share holds */
	double share_rate; /* their rates */
	bool full;
	/* The flows whose path or ACK path crosses it: the edges of the
	 * components the incremental solver works on. */
	struct dcs_flow **fl;
	int nfl, capfl;
	bool mark;       /* scratch for the component search */
	uint64_t solved; /* the epoch update_all() last solved it in */
};

struct link_state {
	bool cut;        /* every underlay path cut (link_down) */
	int paths_up;    /* underlay paths left */
	bool converging; /* carries nothing until conv_ev */
	bool routed;     /* routing still uses it */
	dcs_handle_t conv_ev;
	bool degraded;
	double bandwidth_gbps;
	double loss;
	double extra_ms;
	dcs_time_t one_way;
	double cap_Bps;  /* goodput capacity left for flows, per direction */
	double line_Bps; /* line rate, bytes/s */
	double buffer_bytes;
	double tau_s;    /* buffer / line rate */
	double frame_s;  /* one full frame on the wire */
	double bg_Bps;   /* background on the wire */
	double bfd_s;    /* BFD detection, NaN without BFD */
	double bytes[2]; /* goodput bytes carried by flows up to links_at */
	dcs_time_t t_set[2];
	double rate_sum[2]; /* current goodput rate of flows */
	int nflows[2];
	struct dirq q[2];
};

struct dcs_flow {
	struct dcs_net *net;
	struct dcs_flow_spec spec;
	struct dcs_flow *prev, *next;
	uint64_t serial; /* start order */
	int nhops, nrev;
	int *links, *dirs;         /* forward path */
	int *rev_links, *rev_dirs; /* the path its ACKs take */
	int *touch;                /* directions it is listed in */
	int ntouch;
	double path_loss;
	int path_mss;
	double rate;  /* goodput bytes/s */
	double cap;   /* min of demand, window, Mathis */
	double w;     /* share weight */
	double rtt_s; /* loaded RTT */
	double sent;  /* up to t_set: bytes = sent + rate x (now - t_set) */
	dcs_time_t t_set;
	dcs_time_t rtt;
	dcs_time_t rtt_base;
	dcs_time_t done_at; /* completion, while in the heap */
	uint64_t done_seq;  /* orders equal completions as the kernel would */
	int heap_i;         /* -1: no completion pending */
	enum dcs_limit limit;
	int bott; /* direction holding its share, -1 */
	bool stalled;
	bool offered_now; /* offered with a finite demand: inelastic this solve */
	bool frozen;      /* scratch for water-filling */
	bool mark;        /* scratch for the component search */
	uint64_t solved;  /* the epoch update_all() last solved it in */
	/* after_solve() bookkeeping: the figures before a solve, and whether
	 * the owner still has to hear that the flow stalled or resumed. */
	double old_rate;
	bool old_stalled;
	bool notify;
	struct dcs_flow *nq_prev, *nq_next; /* in the owners-to-tell queue */
	bool queued;
	double by_limit[DCS_LIMIT_COUNT]; /* bytes moved under each limit */
};

struct dcs_net {
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	const struct dcs_scenario *scn;
	int n_sites, n_links;
	struct link_state *ls;
	bool *site_up;
	dcs_time_t *dist;  /* n_sites x n_sites, base latency over routed links */
	int *pred;         /* link used to reach column from row's tree, -1 at root */
	int *order;        /* n_sites x n_sites: when Dijkstra settled the column */
	int *adj, *adj_at; /* links incident to each site (CSR) */
	bool ecmp, share_rtt;
	double igp_s;
	struct dcs_flow *head, *tail;
	size_t n_flows;
	uint64_t serial;
	uint64_t epoch; /* one per solve of every component (update_all) */
	/* The pending completions, a binary heap ordered by (done_at, done_seq),
	 * and the one kernel event that waits for the first of them. */
	struct dcs_flow **heap;
	size_t nheap, capheap;
	uint64_t seq;
	dcs_handle_t done_ev;
	struct dcs_flow *armed;
	dcs_time_t armed_at;
	size_t held;         /* completions counted as pending events besides done_ev */
	dcs_time_t links_at; /* the links' byte counts are settled to here */
	/* Owners that still have to hear a stall or a resume. */
	struct dcs_flow *nq_head, *nq_tail;
	/* The component being solved: its flows (by start order) and link
	 * directions (ascending). */
	struct dcs_flow **cf;
	size_t ncf, capcf;
	int *cd;
	size_t ncd;
	/* scratch for water-filling, one slot per link direction */
	double *res_left, *res_w;
	bool *reach_was; /* n_sites x n_sites, before a change */
};

/* ---- pure figures ---- */

double dcs_link_cfg_one_way_us(const struct dcs_link_cfg *l)
{
	return l->distance_km * l->route_factor * DCS_FIBRE_US_PER_KM + l->device_latency_us +
	       dcs_tech(l->technology)->added_latency_us;
}

int dcs_link_cfg_mss(const struct dcs_link_cfg *l)
{
	return l->lan_mtu - DCS_TCP_IP_HEADERS;
}

double dcs_link_cfg_goodput_fraction(const struct dcs_link_cfg *l)
{
	return (double)(l->lan_mtu - DCS_TCP_IP_HEADERS) /
	       (double)(l->lan_mtu + DCS_ETH_WIRE_OVERHEAD + dcs_tech(l->technology)->encap_bytes);
}

double dcs_window_cap_Bps(int streams, double window_bytes, double rtt_s)
{
	if (window_bytes <= 0 || rtt_s <= 0)
		return INFINITY;
	return streams * window_bytes / rtt_s;
}

double dcs_mathis_cap_Bps(int streams, double mss_bytes, double rtt_s, double loss)
{
	if (loss <= 0 || rtt_s <= 0)
		return INFINITY;
	return streams * mss_bytes / rtt_s * DCS_MATHIS_C / sqrt(loss);
}

double dcs_window_for_rate(int streams, double rate_Bps, double rtt_s)
{
	if (!(rate_Bps > 0) || !isfinite(rate_Bps) || !(rtt_s > 0) || streams < 1)
		return NAN;
	return rate_Bps * rtt_s / streams;
}

double dcs_loss_for_rate(int streams, double mss_bytes, double rtt_s, double rate_Bps)
{
	if (!(rate_Bps > 0) || !isfinite(rate_Bps) || !(rtt_s > 0) || streams < 1)
		return NAN;
	double r = streams * mss_bytes * DCS_MATHIS_C / (rtt_s * rate_Bps);
	return r * r;
}

const char *dcs_limit_name(enum dcs_limit l)
{
	static const char *const names[] = {"none", "link_share", "window",
					    "loss", "demand",     "stalled"};
	return names[l];
}

/* ---- links ---- */

static bool carries(const struct link_state *s)
{
	return !s->cut && s->paths_up > 0 && !s->converging;
}

static void link_refresh(struct dcs_net *net, int i)
{
	const struct dcs_link_cfg *c = &net->scn->links[i];
	struct link_state *s = &net->ls[i];
	s->one_way = dcs_time_from_us(dcs_link_cfg_one_way_us(c) + s->extra_ms * 1e3);
	double free_gbps = s->bandwidth_gbps - c->background_gbps;
	if (free_gbps < 0)
		free_gbps = 0;
	s->cap_Bps = free_gbps * 1e9 / 8.0 * dcs_link_cfg_goodput_fraction(c);
	s->line_Bps = s->bandwidth_gbps * 1e9 / 8.0;
	double bg = c->background_gbps < s->bandwidth_gbps ? c->background_gbps : s->bandwidth_gbps;
	s->bg_Bps = bg * 1e9 / 8.0;
	s->buffer_bytes = isnan(c->buffer_kib)
			      ? dcs_tech_default_buffer_bytes(c->technology, c->bandwidth_gbps)
			      : c->buffer_kib * 1024.0;
	s->tau_s = s->line_Bps > 0 ? s->buffer_bytes / s->line_Bps : 0;
	int frame = c->lan_mtu + DCS_ETH_WIRE_OVERHEAD + dcs_tech(c->technology)->encap_bytes;
	s->frame_s = s->line_Bps > 0 ? frame / s->line_Bps : 0;
}

double dcs_net_link_detect_s(const struct dcs_net *net, int link, bool *by_bfd)
{
	const struct link_state *s = &net->ls[link];
	double d = dcs_tech(net->scn->links[link].technology)->detect_s;
	bool bfd = !isnan(s->bfd_s) && s->bfd_s < d;
	if (by_bfd)
		*by_bfd = bfd;
	return bfd ? s->bfd_s : d;
}

double dcs_net_cut_outage_s(const struct dcs_net *net, int link, bool one_path)
{
	const struct link_state *s = &net->ls[link];
	if (!one_path)
		return dcs_net_link_detect_s(net, link, NULL) + net->igp_s;
	double p = dcs_tech(net->scn->links[link].technology)->protect_s;
	if (!isnan(p))
		return p;
	/* An overlay on a routed underlay: the underlay's BFD and IGP. */
	return (isnan(s->bfd_s) ? DCS_BFD_DEFAULT_S : s->bfd_s) + net->igp_s;
}

/* ---- paths ---- */

static int other_end(const struct dcs_net *net, int l, int v)
{
	const struct dcs_link_cfg *c = &net->scn->links[l];
	return c->a == v ? c->b : c->a;
}

static void compute_paths(struct dcs_net *net)
{
	int n = net->n_sites;
	bool *done = dcs_xcalloc((size_t)n + 1, sizeof(bool), "computing paths");
	for (int src = 0; src < n; src++) {
		dcs_time_t *d = &net->dist[(size_t)src * n];
		int *p = &net->pred[(size_t)src * n];
		int *ord = &net->order[(size_t)src * n];
		for (int v = 0; v < n; v++) {
			d[v] = DCS_TIME_NEVER;
			p[v] = -1;
			ord[v] = -1;
			done[v] = false;
		}
		if (!net->site_up[src])
			continue;
		d[src] = 0;
		for (int settled = 0;; settled++) {
			int u = -1;
			for (int v = 0; v < n; v++)
				if (!done[v] && d[v] != DCS_TIME_NEVER && (u < 0 || d[v] < d[u]))
					u = v;
			if (u < 0)
				break;
			done[u] = true;
			ord[u] = settled;
			/* Incident links in file order, as before adjacency lists. */
			for (int k = net->adj_at[u]; k < net->adj_at[u + 1]; k++) {
				int l = net->adj[k];
				if (!net->ls[l].routed)
					continue;
				int v = other_end(net, l, u);
				if (done[v] || !net->site_up[v])
					continue;
				dcs_time_t nd = d[u] + net->ls[l].one_way;
				if (nd < d[v]) {
					d[v] = nd;
					p[v] = l;
				}
			}
		}
	}
	free(done);
}

/* SplitMix64 finaliser: the ECMP hash. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The link by which the path from a reaches v: the canonical one, or with a
 * key one of the equal-cost links hashed (candidates in file order; a
 * candidate's far end was settled before v, so walks never loop). */
static int pred_at(const struct dcs_net *net, int a, int v, uint64_t key, bool hashed)
{
	int n = net->n_sites;
	int p = net->pred[(size_t)a * n + v];
	if (!hashed || !net->ecmp || p < 0)
		return p;
	const dcs_time_t *d = &net->dist[(size_t)a * n];
	const int *ord = &net->order[(size_t)a * n];
	int cnt = 0;
	for (int pass = 0; pass < 2; pass++) {
		int pick = pass ? (int)(mix64(key ^ mix64((uint64_t)a * 1000003u + (uint64_t)v)) %
					(uint64_t)cnt)
				: -1;
		int seen = 0;
		for (int k = net->adj_at[v]; k < net->adj_at[v + 1]; k++) {
			int l = net->adj[k];
			int u = other_end(net, l, v);
			if (!net->ls[l].routed || !net->site_up[u] || d[u] == DCS_TIME_NEVER ||
			    ord[u] < 0 || ord[u] >= ord[v] || d[u] + net->ls[l].one_way != d[v])
				continue;
			if (pass && seen == pick)
				return l;
			seen++;
		}
		cnt = seen;
		if (cnt <= 1)
			return p;
	}
	return p;
}

static int walk(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed, int *links,
		int *dirs, int max)
{
	int n = net->n_sites;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return -1;
	int hops = 0;
	for (int v = b; v != a; hops++)
		v = other_end(net, pred_at(net, a, v, key, hashed), v);
	if (hops > max)
		return hops;
	int i = hops;
	for (int v = b; v != a;) {
		int l = pred_at(net, a, v, key, hashed);
		int from = other_end(net, l, v);
		i--;
		if (links)
			links[i] = l;
		if (dirs)
			dirs[i] = net->scn->links[l].a == from ? 0 : 1;
		v = from;
	}
	return hops;
}

/* Does every hop of the walk from a to b carry traffic? */
static bool walk_carries(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed)
{
	int n = net->n_sites;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return false;
	for (int v = b; v != a;) {
		int l = pred_at(net, a, v, key, hashed);
		if (!carries(&net->ls[l]))
			return false;
		v = other_end(net, l, v);
	}
	return true;
}

/* Sum of the queues along a walk: mean, or at this instant. */
static double queue_instant(const struct link_state *s, int d, dcs_time_t now);

static double walk_queue_s(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed,
			   bool instant)
{
	double q = 0;
	dcs_time_t now = dcs_now(net->k);
	for (int v = b; v != a;) {
		int l = pred_at(net, a, v, key, hashed);
		int from = other_end(net, l, v);
		int d = net->scn->links[l].a == from ? 0 : 1;
		q += instant ? queue_instant(&net->ls[l], d, now) : net->ls[l].q[d].mean_s;
		v = from;
	}
	return q;
}

/* ---- lifecycle ---- */

static void update_all(struct dcs_net *net);

struct dcs_net *dcs_net_create(struct dcs_kernel *k, struct dcs_bus *bus,
			       const struct dcs_scenario *scn)
{
	struct dcs_net *net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	net->k = k;
	net->bus = bus;
	net->scn = scn;
	net->n_sites = (int)scn->n_sites;
	net->n_links = (int)scn->n_links;
	net->ecmp = scn->routing.ecmp;
	net->share_rtt = scn->routing.tcp_share == DCS_SHARE_RTT;
	net->igp_s = scn->routing.igp_convergence_ms / 1e3;
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	net->ls = calloc(scn->n_links + 1, sizeof(*net->ls));
	net->site_up = calloc(scn->n_sites + 1, sizeof(bool));
	net->dist = calloc(nn + 1, sizeof(dcs_time_t));
	net->pred = calloc(nn + 1, sizeof(int));
	net->order = calloc(nn + 1, sizeof(int));
	net->reach_was = calloc(nn + 1, sizeof(bool));
	net->adj = calloc(2 * scn->n_links + 1, sizeof(int));
	net->adj_at = calloc(scn->n_sites + 2, sizeof(int));
	net->cd = calloc(2 * scn->n_links + 1, sizeof(int));
	net->res_left = calloc(2 * scn->n_links + 1, sizeof(double));
	net->res_w = calloc(2 * scn->n_links + 1, sizeof(double));
	if (!net->ls || !net->site_up || !net->dist || !net->pred || !net->order ||
	    !net->reach_was || !net->adj || !net->adj_at || !net->res_left || !net->res_w ||
	    !net->cd) {
		dcs_net_destroy(net);
		return NULL;
	}
	/* Adjacency in file order: a site's links, lowest index first. */
	for (int l = 0; l < net->n_links; l++) {
		net->adj_at[scn->links[l].a + 1]++;
		net->adj_at[scn->links[l].b + 1]++;
	}
	for (int s = 0; s < net->n_sites; s++)
		net->adj_at[s + 1] += net->adj_at[s];
	int *next = calloc((size_t)net->n_sites + 1, sizeof(int));
	if (!next) {
		dcs_net_destroy(net);
		return NULL;
	}
	for (int s = 0; s < net->n_sites; s++)
		next[s] = net->adj_at[s];
	for (int l = 0; l < net->n_links; l++) {
		net->adj[next[scn->links[l].a]++] = l;
		net->adj[next[scn->links[l].b]++] = l;
	}
	free(next);
	for (int s = 0; s < net->n_sites; s++)
		net->site_up[s] = true;
	double bfd_all = scn->routing.bfd_ms / 1e3; /* NaN: no BFD */
	for (int l = 0; l < net->n_links; l++) {
		struct link_state *s = &net->ls[l];
		s->paths_up = scn->links[l].underlay_paths > 0 ? scn->links[l].underlay_paths : 1;
		s->routed = true;
		s->bandwidth_gbps = scn->links[l].bandwidth_gbps;
		s->loss = scn->links[l].loss;
		s->bfd_s = !isnan(bfd_all) ? bfd_all : scn->links[l].bfd ? DCS_BFD_DEFAULT_S : NAN;
		s->q[0].eta = s->q[1].eta = 1;
		link_refresh(net, l);
	}
	compute_paths(net);
	update_all(net); /* the queues of background traffic alone */
	return net;
}

static void flow_free(struct dcs_flow *f);

void dcs_net_destroy(struct dcs_net *net)
{
	if (!net)
		return;
	struct dcs_flow *f = net->head;
	while (f) {
		struct dcs_flow *next = f->next;
		flow_free(f);
		f = next;
	}
	for (int l = 0; net->ls && l < net->n_links; l++)
		for (int d = 0; d < 2; d++)
			free(net->ls[l].q[d].fl);
	if (net->k)
		dcs_kernel_hold(net->k, net->held, 0);
	free(net->heap);
	free(net->cf);
	free(net->cd);
	free(net->ls);
	free(net->site_up);
	free(net->dist);
	free(net->pred);
	free(net->order);
	free(net->reach_was);
	free(net->adj);
	free(net->adj_at);
	free(net->res_left);
	free(net->res_w);
	free(net);
}

size_t dcs_net_n_sites(const struct dcs_net *net)
{
	return (size_t)net->n_sites;
}

size_t dcs_net_n_links(const struct dcs_net *net)
{
	return (size_t)net->n_links;
}

/* ---- bytes, kept lazily ---- */

/* Brings a flow's byte count to now: bytes move at its rate since t_set.
 * Called before its rate or limit changes, and when someone asks. */
static void settle_flow(struct dcs_net *net, struct dcs_flow *f)
{
	dcs_time_t now = dcs_now(net->k);
	double dt = dcs_time_to_s(now - f->t_set);
	f->t_set = now;
	if (dt <= 0 || f->rate <= 0)
		return;
	double before = f->sent;
	f->sent += f->rate * dt;
	if (f->sent > f->spec.bytes)
		f->sent = f->spec.bytes;
	if (isfinite(f->sent))
		f->by_limit[f->limit] += f->sent - before;
}

/* Brings every link direction's traffic integral to now.  Links are few, so
 * they are all settled at every change and every question about bytes: the
 * sums are split at the same instants whatever component changed, as a
 * solve of the whole network splits them. */
static void settle_links(struct dcs_net *net)
{
	dcs_time_t now = dcs_now(net->k);
	double dt = dcs_time_to_s(now - net->links_at);
	net->links_at = now;
	if (dt <= 0)
		return;
	for (int l = 0; l < net->n_links; l++)
		for (int d = 0; d < 2; d++)
			net->ls[l].bytes[d] += net->ls[l].rate_sum[d] * dt;
}

/* ---- the completions: one heap, one kernel event ---- */

static bool heap_before(const struct dcs_flow *a, const struct dcs_flow *b)
{
	return a->done_at < b->done_at || (a->done_at == b->done_at && a->done_seq < b->done_seq);
}

static void heap_put(struct dcs_net *net, size_t i, struct dcs_flow *f)
{
	net->heap[i] = f;
	f->heap_i = (int)i;
}

static void heap_up(struct dcs_net *net, size_t i)
{
	struct dcs_flow *f = net->heap[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_before(f, net->heap[p]))
			break;
		heap_put(net, i, net->heap[p]);
		i = p;
	}
	heap_put(net, i, f);
}

static void heap_down(struct dcs_net *net, size_t i)
{
	struct dcs_flow *f = net->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= net->nheap)
			break;
		if (c + 1 < net->nheap && heap_before(net->heap[c + 1], net->heap[c]))
			c++;
		if (!heap_before(net->heap[c], f))
			break;
		heap_put(net, i, net->heap[c]);
		i = c;
	}
	heap_put(net, i, f);
}

static void heap_remove(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->heap_i < 0)
		return;
	size_t i = (size_t)f->heap_i;
	f->heap_i = -1;
	struct dcs_flow *last = net->heap[--net->nheap];
	if (last == f)
		return;
	heap_put(net, i, last);
	heap_up(net, i);
	heap_down(net, (size_t)last->heap_i);
}

static void heap_insert_last(struct dcs_net *net, struct dcs_flow *f)
{
	if (net->nheap == net->capheap) {
		size_t cap = net->capheap ? 2 * net->capheap : 64;
		net->heap = dcs_xrealloc(net->heap, cap * sizeof(*net->heap),
					 "scheduling a flow's completion");
		net->capheap = cap;
	}
	heap_put(net, net->nheap++, f);
}

static void heap_insert(struct dcs_net *net, struct dcs_flow *f)
{
	heap_insert_last(net, f);
	heap_up(net, net->nheap - 1);
}

/* The flow's completion from its bytes left and its rate: the first
 * nanosecond by which the last byte has moved.  Each recomputation takes a
 * new sequence number, so equal completions run in the order the kernel
 * would have run one event per flow.  False when it never completes. */
static bool done_key(struct dcs_net *net, struct dcs_flow *f)
{
	if (!isfinite(f->spec.bytes) || f->rate <= 0)
		return false;
	double left = f->spec.bytes - f->sent;
	if (left < 0)
		left = 0;
	double ns = ceil(left / f->rate * 1e9);
	/* A trickle that would end beyond the representable future never ends. */
	if (!(ns < 9e18 - (double)dcs_now(net->k)))
		return false;
	f->done_at = dcs_now(net->k) + (dcs_time_t)ns;
	f->done_seq = ++net->seq;
	return true;
}

static void schedule_done(struct dcs_net *net, struct dcs_flow *f)
{
	heap_remove(net, f);
	if (done_key(net, f))
		heap_insert(net, f);
}

/* The same for many flows at once (a shared link reshared): new keys in
 * place, then the heap rebuilt bottom-up in O(heap) instead of one
 * O(log heap) move per flow.  The order of the keys is total, so the heap
 * yields the same flows in the same order either way. */
static void schedule_many(struct dcs_net *net)
{
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->rate == f->old_rate && f->heap_i >= 0)
			continue;
		bool has = done_key(net, f);
		if (has && f->heap_i < 0) {
			heap_insert_last(net, f);
		} else if (!has && f->heap_i >= 0) {
			net->heap[f->heap_i] = NULL;
			f->heap_i = -1;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < net->nheap; i++)
		if (net->heap[i])
			heap_put(net, n++, net->heap[i]);
	net->nheap = n;
	for (size_t i = n / 2; i-- > 0;)
		heap_down(net, i);
}

static void done_event(struct dcs_kernel *k, void *ctx, const void *payload);

/* Keeps the one kernel event at the first completion. */
static void arm(struct dcs_net *net)
{
	struct dcs_flow *top = net->nheap ? net->heap[0] : NULL;
	/* The completions behind the one event count as pending events. */
	size_t held = net->nheap ? net->nheap - 1 : 0;
	dcs_kernel_hold(net->k, net->held, held);
	net->held = held;
	if (net->done_ev && top == net->armed && top && top->done_at == net->armed_at)
		return;
	if (net->done_ev)
		dcs_cancel(net->k, net->done_ev);
	net->done_ev = 0;
	net->armed = top;
	if (!top)
		return;
	net->armed_at = top->done_at;
	net->done_ev = dcs_schedule(net->k, top->done_at, done_event, net, NULL, 0);
}

/* ---- the solver: shares and queues ---- */

/* How many times a flow's round trip crosses direction r (forward and ACKs). */
static int crossings(const struct dcs_flow *f, int r)
{
	int c = 0;
	for (int h = 0; h < f->nhops; h++)
		c += 2 * f->links[h] + f->dirs[h] == r;
	for (int h = 0; h < f->nrev; h++)
		c += 2 * f->rev_links[h] + f->rev_dirs[h] == r;
	return c;
}

static bool crosses(const struct dcs_flow *f, int r)
{
	for (int h = 0; h < f->nhops; h++)
		if (2 * f->links[h] + f->dirs[h] == r)
			return true;
	return false;
}

/* The flow's caps at a loaded RTT of rtt_s; *lim says which holds. */
static double flow_cap(const struct dcs_net *net, const struct dcs_flow *f, double rtt_s,
		       enum dcs_limit *lim)
{
	double cap = f->spec.demand_Bps;
	enum dcs_limit l = DCS_LIMIT_DEMAND;
	double w = dcs_window_cap_Bps(f->spec.streams, f->spec.window_bytes, rtt_s);
	if (w < cap) {
		cap = w;
		l = DCS_LIMIT_WINDOW;
	}
	(void)net;
	double m = dcs_mathis_cap_Bps(f->spec.streams, f->path_mss, rtt_s, f->path_loss);
	if (m < cap) {
		cap = m;
		l = DCS_LIMIT_LOSS;
	}
	if (lim)
		*lim = l;
	return cap;
}

/* Caps, weights and loaded RTTs from the current mean queues. */
static void flow_figures(struct dcs_net *net)
{
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->stalled || f->nhops == 0)
			continue;
		double q = 0;
		for (int h = 0; h < f->nhops; h++)
			q += net->ls[f->links[h]].q[f->dirs[h]].mean_s;
		for (int h = 0; h < f->nrev; h++)
			q += net->ls[f->rev_links[h]].q[f->rev_dirs[h]].mean_s;
		f->rtt_s = dcs_time_to_s(f->rtt_base) + q;
		f->cap = flow_cap(net, f, f->rtt_s, &f->limit);
		f->offered_now = f->spec.offered && isfinite(f->spec.demand_Bps);
		double rtt = f->rtt_s > 0 ? f->rtt_s : 1e-9;
		f->w = f->offered_now   ? 1.0
		       : net->share_rtt ? f->spec.streams / rtt
					: (double)f->spec.streams;
	}
}

/* Weighted progressive filling of one class of flows (offered or bulk) over
 * res_left: each unfrozen flow runs at w x level until a direction fills
 * (its flows freeze at their share) or a flow reaches its cap. */
static void fill(struct dcs_net *net, bool offered)
{
	for (size_t j = 0; j < net->ncd; j++)
		net->res_w[net->cd[j]] = 0;
	size_t unfrozen = 0;
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		f->frozen = true;
		if (f->stalled || f->nhops == 0 || f->offered_now != offered)
			continue;
		f->frozen = false;
		unfrozen++;
		for (int h = 0; h < f->nhops; h++)
			net->res_w[2 * f->links[h] + f->dirs[h]] += f->w;
	}
	while (unfrozen > 0) {
		double share = INFINITY;
		int bottleneck = -1;
		for (size_t j = 0; j < net->ncd; j++) {
			int r = net->cd[j];
			if (!(net->res_w[r] > 0))
				continue;
			double left = net->res_left[r] > 0 ? net->res_left[r] : 0;
			double s = left / net->res_w[r];
			if (s < share) {
				share = s;
				bottleneck = r;
			}
		}
		double mincap = INFINITY;
		for (size_t i = 0; i < net->ncf; i++) {
			const struct dcs_flow *f = net->cf[i];
			if (!f->frozen && f->cap / f->w < mincap)
				mincap = f->cap / f->w;
		}
		/* A cap that meets the share (a window that just fills the link)
		 * counts as the link's: the link is what is full. */
		bool by_cap = mincap < share * (1 - 1e-9);
		double level = by_cap ? mincap : share;
		if (!isfinite(level))
			level = 0; /* no capacity bound at all: cannot happen with links */
		for (size_t i = 0; i < net->ncf; i++) {
			struct dcs_flow *f = net->cf[i];
			if (f->frozen)
				continue;
			bool at_cap = by_cap && f->cap / f->w <= level;
			if (!at_cap && (by_cap || !crosses(f, bottleneck)))
				continue;
			if (at_cap) {
				f->rate = f->cap;
			} else {
				f->rate = f->w * level;
				f->limit = DCS_LIMIT_LINK_SHARE;
				f->bott = bottleneck;
			}
			if (f->rate < 0)
				f->rate = 0;
			f->frozen = true;
			unfrozen--;
			for (int h = 0; h < f->nhops; h++) {
				int r = 2 * f->links[h] + f->dirs[h];
				net->res_left[r] -= f->rate;
				net->res_w[r] -= f->w;
			}
		}
		if (bottleneck >= 0 && !by_cap)
			net->res_w[bottleneck] = 0;
	}
}

/* One sharing pass at the current queues: offered flows first over the whole
 * capacity, then bulk flows over what they leave (times the goodput the
 * buffer allows). */
static void share_pass(struct dcs_net *net)
{
	flow_figures(net);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		f->bott = -1;
		if (f->stalled) {
			f->rate = 0;
			f->limit = DCS_LIMIT_STALLED;
		} else if (f->nhops == 0) {
			/* Within one site: only the caps apply (RTT 0). */
			f->cap = flow_cap(net, f, 0, &f->limit);
			f->rate = f->cap; /* INFINITY completes at once */
		}
	}
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct dirq *q = &net->ls[r / 2].q[r % 2];
		net->res_left[r] = carries(&net->ls[r / 2]) ? net->ls[r / 2].cap_Bps : 0;
		q->offered_demand = q->offered_rate = q->elastic_rate = 0;
	}
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (f->offered_now && !f->stalled)
			for (int h = 0; h < f->nhops; h++)
				net->ls[f->links[h]].q[f->dirs[h]].offered_demand += f->cap;
	}
	fill(net, true);
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		double cap = carries(s) ? s->cap_Bps : 0;
		double used = cap - (net->res_left[r] > 0 ? net->res_left[r] : 0);
		s->q[r % 2].offered_rate = used;
		double left = cap - used;
		net->res_left[r] = (left > 0 ? left : 0) * s->q[r % 2].eta;
	}
	fill(net, false);
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (!f->offered_now && !f->stalled)
			for (int h = 0; h < f->nhops; h++)
				net->ls[f->links[h]].q[f->dirs[h]].elastic_rate += f->rate;
	}
}

/* M/D/1 waiting time at utilisation rho, one frame of service, at most tau. */
static double md1_wait_s(double rho, double frame_s, double tau_s)
{
	if (!(rho < 1))
		return tau_s;
	double w = rho / (2 * (1 - rho)) * frame_s;
	return w < tau_s ? w : tau_s;
}

/* A bulk flow whose rate the queue on direction r can hold back: one that
 * is not held by its own demand. */
static bool queue_cand(const struct dcs_flow *f, int r)
{
	return !f->stalled && !f->offered_now && f->nhops > 0 && f->limit != DCS_LIMIT_DEMAND &&
	       crosses(f, r);
}

/* The rate flow f could have at a queue q on direction r: its caps at
 * RTT + q, and on every other full direction of its path the share its
 * weight at that RTT would win there against the flows that share holds
 * (rtt sharing: a longer queue here lowers its share elsewhere). */
static double rate_at_queue(const struct dcs_net *net, const struct dcs_flow *f, int r, double q)
{
	const struct dirq *dq = &net->ls[r / 2].q[r % 2];
	int x = crossings(f, r);
	double rtt = f->rtt_s - x * dq->mean_s + x * q;
	double best = flow_cap(net, f, rtt, NULL);
	double w = net->share_rtt ? f->spec.streams / (rtt > 0 ? rtt : 1e-9) : f->spec.streams;
	for (int h = 0; h < f->nhops; h++) {
		int o = 2 * f->links[h] + f->dirs[h];
		const struct dirq *oq = &net->ls[o / 2].q[o % 2];
		if (o == r || !oq->full)
			continue;
		/* What o leaves to the flows its share holds, f among them. */
		bool mine = f->limit == DCS_LIMIT_LINK_SHARE && f->bott == o;
		double others_w = oq->share_w - (mine ? f->w : 0);
		double held_elsewhere = oq->elastic_rate - oq->share_rate - (mine ? 0 : f->rate);
		double avail = oq->bulk_cap - held_elsewhere;
		double share = avail * w / (w + (others_w > 0 ? others_w : 0));
		if (share < best)
			best = share;
	}
	return best > 0 ? best : 0;
}

/* The window regime's equation: bulk rates at a queue q on direction r,
 * minus the capacity they have. */
struct window_eq {
	const struct dcs_net *net;
	int r;
	double fixed, cap;
};

static double window_excess(double q, void *p)
{
	const struct window_eq *e = p;
	const struct dirq *dq = &e->net->ls[e->r / 2].q[e->r % 2];
	double sum = e->fixed;
	for (int i = 0; i < dq->nfl; i++)
		if (queue_cand(dq->fl[i], e->r))
			sum += rate_at_queue(e->net, dq->fl[i], e->r, q);
	return sum - e->cap;
}

static double window_root(struct window_eq *eq, double hi)
{
	gsl_function F = {.function = window_excess, .params = eq};
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s) {
		fprintf(stderr, "dcisim: out of memory solving a queue\n");
		exit(3);
	}
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	double root = hi;
	if (gsl_root_fsolver_set(s, &F, 0, hi) == GSL_SUCCESS) {
		for (int it = 0; it < 200; it++) {
			if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
				break;
			root = gsl_root_fsolver_root(s);
			if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
						   gsl_root_fsolver_x_upper(s), 1e-15,
						   1e-13) == GSL_SUCCESS)
				break;
		}
	}
	gsl_set_error_handler(old);
	gsl_root_fsolver_free(s);
	return root;
}

/* The loss regime of direction r: a cycle of the aggregate of `n` streams
 * of rate-weighted mean RTT rbar sharing capacity c (bytes/s). */
static void loss_cycle(struct dirq *q, double tau, double rbar, double n, double c, double mss)
{
	double b = DCS_CUBIC_BETA;
	double D = (1 - b) * (rbar + tau) / n;
	double wmax = c * (rbar + tau) / n / mss; /* segments per stream */
	double K = cbrt(wmax * (1 - b) / DCS_CUBIC_C);
	double rtt_mid = rbar + (tau > D / 2 ? tau - D / 2 : tau / 2);
	double t_reno = (1 - b) * wmax * rtt_mid / RENO_ALPHA;
	double k = t_reno <= K ? 1.0 : 3.0;
	double T = t_reno <= K ? t_reno : K;
	q->hi_s = tau;
	q->drop_s = D;
	q->shape = k;
	q->period_s = T / n;
	q->drops_pps = T > 0 ? n / T : 0;
	if (D <= tau) {
		q->mean_s = tau - D / (k + 1);
		q->eta = 1;
		return;
	}
	double s = pow(tau / D, 1 / k); /* the part of the cycle with a queue */
	q->mean_s = tau * s * k / (k + 1);
	double deficit = rbar > 0 ? (D * (1 - pow(s, k + 1)) / (k + 1) - tau * (1 - s)) / rbar : 0;
	q->eta = deficit < 0 ? 1 : deficit > 1 ? 0 : 1 - deficit;
}

/* One queue pass: each direction's regime from the shares just computed.
 * Returns the largest change of a mean queue or goodput share. */
static double queue_pass(struct dcs_net *net)
{
	/* Who each full direction holds, for rate_at_queue(). */
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		struct dirq *q = &s->q[r % 2];
		double cap = carries(s) ? s->cap_Bps : 0;
		q->bulk_cap = (cap - q->offered_rate > 0 ? cap - q->offered_rate : 0) * q->eta;
		q->share_w = q->share_rate = 0;
		q->full = q->bulk_cap > 0 && q->elastic_rate >= q->bulk_cap * (1 - FULL_RTOL);
	}
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (!f->stalled && !f->offered_now && f->limit == DCS_LIMIT_LINK_SHARE &&
		    f->bott >= 0) {
			net->ls[f->bott / 2].q[f->bott % 2].share_w += f->w;
			net->ls[f->bott / 2].q[f->bott % 2].share_rate += f->rate;
		}
	}
	double moved = 0;
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		struct dirq *q = &s->q[r % 2];
		const struct dcs_link_cfg *c = &net->scn->links[r / 2];
		double old_mean = q->mean_s, old_eta = q->eta;
		double tau = s->tau_s;
		enum regime rg = Q_IDLE;
		double cap = carries(s) ? s->cap_Bps : 0;
		double bulk_cap = cap - q->offered_rate;
		if (bulk_cap < 0)
			bulk_cap = 0;
		q->drops_pps = 0;
		q->eta = 1;
		if (!carries(s)) {
			q->mean_s = 0;
		} else if (q->offered_demand > cap * (1 + 1e-12)) {
			rg = Q_OVERLOAD;
			q->mean_s = q->hi_s = tau;
			q->drops_pps = (q->offered_demand - cap) / dcs_link_cfg_mss(c);
		} else {
			/* The bulk flows the queue can hold back, and the streams
			 * whose losses drive a full buffer (those this direction's
			 * share holds; all of them when it holds none). */
			double fixed = q->elastic_rate, mss = 1e9;
			double n_own = 0, rate_own = 0, rtt_own = 0;
			double n_all = 0, rate_all = 0, rtt_all = 0;
			int cands = 0;
			for (int fi = 0; fi < q->nfl; fi++) {
				const struct dcs_flow *f = q->fl[fi];
				if (!queue_cand(f, r))
					continue;
				cands++;
				fixed -= f->rate;
				double other = f->rtt_s - crossings(f, r) * old_mean;
				n_all += f->spec.streams;
				rate_all += f->rate;
				rtt_all += (f->rate > 0 ? f->rate : 1) * other;
				if (f->limit == DCS_LIMIT_LINK_SHARE && f->bott == r) {
					n_own += f->spec.streams;
					rate_own += f->rate;
					rtt_own += (f->rate > 0 ? f->rate : 1) * other;
				}
				double m = f->path_mss;
				if (m < mss)
					mss = m;
			}
			/* The regime from what the bulk flows would carry at a queue
			 * q, not from this pass's rates: at a standing queue the
			 * rates meet the capacity only to rounding. */
			struct window_eq eq = {net, r, fixed, bulk_cap};
			if (cands > 0 && bulk_cap > 0 && window_excess(tau, &eq) >= 0) {
				rg = Q_LOSS;
				double n = n_own > 0 ? n_own : n_all;
				double rr = n_own > 0 ? rtt_own : rtt_all;
				double rw = n_own > 0 ? rate_own : rate_all;
				double sumw = 0;
				if (!(rw > 0)) /* every rate 0: weights of 1 were used */
					for (int fi = 0; fi < q->nfl; fi++)
						sumw += queue_cand(q->fl[fi], r);
				loss_cycle(q, tau, rr / (rw > 0 ? rw : sumw), n, bulk_cap, mss);
			} else if (cands > 0 && bulk_cap > 0 && window_excess(0, &eq) > 0) {
				rg = Q_WINDOW;
				q->mean_s = window_root(&eq, tau);
			} else {
				double rho = s->line_Bps > 0
						 ? ((q->offered_rate + q->elastic_rate) /
							dcs_link_cfg_goodput_fraction(c) +
						    s->bg_Bps) /
						       s->line_Bps
						 : 1;
				q->mean_s = md1_wait_s(rho, s->frame_s, tau);
			}
		}
		if (rg == Q_LOSS && q->regime != Q_LOSS)
			q->t0 = dcs_now(net->k);
		q->regime = rg;
		double dm = fabs(q->mean_s - old_mean), de = fabs(q->eta - old_eta);
		if (dm > moved)
			moved = dm;
		if (de > moved)
			moved = de;
	}
	return moved;
}

static double queue_instant(const struct link_state *s, int d, dcs_time_t now)
{
	const struct dirq *q = &s->q[d];
	if (q->regime != Q_LOSS || !(q->period_s > 0))
		return q->mean_s;
	double u = dcs_time_to_s(now - q->t0) / q->period_s;
	u -= floor(u);
	double v = q->hi_s - q->drop_s * pow(1 - u, q->shape);
	return v > 0 ? v : 0;
}

/* ---- paths and components ---- */

/* Lists f in every direction its path or its ACK path crosses. */
static void touch_add(struct dcs_net *net, struct dcs_flow *f, int r)
{
	for (int k = 0; k < f->ntouch; k++)
		if (f->touch[k] == r)
			return; /* once per direction */
	struct dirq *q = &net->ls[r / 2].q[r % 2];
	if (q->nfl == q->capfl) {
		int cap = q->capfl ? 2 * q->capfl : 8;
		q->fl =
		    dcs_xrealloc(q->fl, (size_t)cap * sizeof(*q->fl), "listing a flow on a link");
		q->capfl = cap;
	}
	f->touch[f->ntouch] = r;
	f->ntouch++;
	q->fl[q->nfl++] = f;
}

/* Removes f from its directions' lists, keeping them in start order: the
 * solver sums over them, and the same flows must give the same sums however
 * the lists were reached. */
static void touch_clear(struct dcs_net *net, struct dcs_flow *f)
{
	for (int k = 0; k < f->ntouch; k++) {
		struct dirq *q = &net->ls[f->touch[k] / 2].q[f->touch[k] % 2];
		int i = 0;
		while (q->fl[i] != f)
			i++;
		q->nfl--;
		memmove(&q->fl[i], &q->fl[i + 1], (size_t)(q->nfl - i) * sizeof(q->fl[0]));
	}
	f->ntouch = 0;
}

/* The flow's path, ACK path and their figures in the current routing. */
static void assign_path(struct dcs_net *net, struct dcs_flow *f)
{
	int n = net->n_sites, src = f->spec.src, dst = f->spec.dst;
	touch_clear(net, f);
	f->nhops = walk(net, src, dst, f->spec.key, true, f->links, f->dirs, net->n_links);
	f->nrev = 0;
	f->stalled = f->nhops < 0 || !walk_carries(net, src, dst, f->spec.key, true);
	if (!f->stalled && f->nhops > 0) {
		f->nrev =
		    walk(net, dst, src, f->spec.key, true, f->rev_links, f->rev_dirs, net->n_links);
		if (f->nrev < 0 || !walk_carries(net, dst, src, f->spec.key, true))
			f->stalled = true;
	}
	if (f->stalled)
		f->nhops = f->nrev = 0;
	f->rtt_base = f->stalled || f->nhops == 0
			  ? 0
			  : net->dist[(size_t)src * n + dst] + net->dist[(size_t)dst * n + src];
	f->rtt_s = dcs_time_to_s(f->rtt_base);
	f->path_loss = f->nhops > 0 ? dcs_net_path_loss(net, src, dst) : 0;
	f->path_mss = dcs_net_path_mss(net, src, dst);
	for (int h = 0; h < f->nhops; h++)
		touch_add(net, f, 2 * f->links[h] + f->dirs[h]);
	for (int h = 0; h < f->nrev; h++)
		touch_add(net, f, 2 * f->rev_links[h] + f->rev_dirs[h]);
}

static void cf_push(struct dcs_net *net, struct dcs_flow *f)
{
	if (net->ncf == net->capcf) {
		size_t cap = net->capcf ? 2 * net->capcf : 64;
		net->cf = dcs_xrealloc(net->cf, cap * sizeof(*net->cf), "solving the network");
		net->capcf = cap;
	}
	net->cf[net->ncf++] = f;
}

static int by_serial(const void *a, const void *b)
{
	uint64_t x = (*(struct dcs_flow *const *)a)->serial;
	uint64_t y = (*(struct dcs_flow *const *)b)->serial;
	return x < y ? -1 : x > y;
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* The component around the seeds: every flow and link direction reachable
 * through "the flow's path or ACK path crosses the direction".  Flows in
 * different components share no capacity and no queue, so a change solves
 * only its own.  Fills cf (by start order) and cd (ascending). */
static void component(struct dcs_net *net, struct dcs_flow *seed, const int *dirs, int ndirs)
{
	net->ncf = net->ncd = 0;
	if (seed) {
		seed->mark = true;
		cf_push(net, seed);
	}
	for (int k = 0; k < ndirs; k++) {
		struct dirq *q = &net->ls[dirs[k] / 2].q[dirs[k] % 2];
		if (!q->mark) {
			q->mark = true;
			net->cd[net->ncd++] = dirs[k];
		}
	}
	size_t fi = 0, di = 0;
	while (fi < net->ncf || di < net->ncd) {
		for (; fi < net->ncf; fi++) {
			struct dcs_flow *f = net->cf[fi];
			for (int k = 0; k < f->ntouch; k++) {
				struct dirq *q = &net->ls[f->touch[k] / 2].q[f->touch[k] % 2];
				if (!q->mark) {
					q->mark = true;
					net->cd[net->ncd++] = f->touch[k];
				}
			}
		}
		for (; di < net->ncd; di++) {
			struct dirq *q = &net->ls[net->cd[di] / 2].q[net->cd[di] % 2];
			for (int i = 0; i < q->nfl; i++)
				if (!q->fl[i]->mark) {
					q->fl[i]->mark = true;
					cf_push(net, q->fl[i]);
				}
		}
	}
	if (net->ncf * 8 >= net->n_flows) {
		/* A large component: the list of flows is in start order already. */
		size_t n = 0;
		for (struct dcs_flow *f = net->head; f && n < net->ncf; f = f->next)
			if (f->mark) {
				f->mark = false;
				net->cf[n++] = f;
			}
	} else {
		for (size_t i = 0; i < net->ncf; i++)
			net->cf[i]->mark = false;
		qsort(net->cf, net->ncf, sizeof(*net->cf), by_serial);
	}
	for (size_t j = 0; j < net->ncd; j++)
		net->ls[net->cd[j] / 2].q[net->cd[j] % 2].mark = false;
	qsort(net->cd, net->ncd, sizeof(*net->cd), by_int);
}

/* Every flow and every direction: the solve from scratch. */
static void everything(struct dcs_net *net)
{
	net->ncf = 0;
	for (struct dcs_flow *f = net->head; f; f = f->next)
		cf_push(net, f);
	net->ncd = 0;
	for (int r = 0; r < 2 * net->n_links; r++)
		net->cd[net->ncd++] = r;
}

/* ---- solving a component ---- */

/* Shares and queues of the component in cf / cd, from empty queues: the
 * result depends on the state of the network only, never on the order of
 * earlier changes.  Settles its flows and directions first. */
static void solve(struct dcs_net *net)
{
	settle_links(net);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		settle_flow(net, f);
		f->old_rate = f->rate;
	}
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct dirq *q = &net->ls[r / 2].q[r % 2];
		/* From empty queues; keep the phase of a cycle that goes on. */
		q->mean_s = q->hi_s = q->drop_s = q->shape = q->period_s = q->drops_pps = 0;
		q->offered_demand = q->offered_rate = q->elastic_rate = 0;
		q->bulk_cap = q->share_w = q->share_rate = 0;
		q->full = false;
		q->eta = 1;
	}
	for (int it = 0; it < DCS_NET_SOLVE_MAX_ITER; it++) {
		share_pass(net);
		double mv = queue_pass(net);
		if (mv <= SOLVE_TOL_S)
			break;
	}
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		net->ls[r / 2].rate_sum[r % 2] = 0;
		net->ls[r / 2].nflows[r % 2] = 0;
	}
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->stalled) {
			f->rate = 0;
			f->rtt = 0;
			continue;
		}
		f->rtt = dcs_time_from_s(f->rtt_s);
		for (int h = 0; h < f->nhops; h++) {
			net->ls[f->links[h]].rate_sum[f->dirs[h]] += f->rate;
			net->ls[f->links[h]].nflows[f->dirs[h]]++;
		}
	}
}

static void nq_push(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->queued)
		return;
	f->queued = true;
	f->nq_next = NULL;
	f->nq_prev = net->nq_tail;
	if (net->nq_tail)
		net->nq_tail->nq_next = f;
	else
		net->nq_head = f;
	net->nq_tail = f;
}

static void nq_remove(struct dcs_net *net, struct dcs_flow *f)
{
	if (!f->queued)
		return;
	if (f->nq_prev)
		f->nq_prev->nq_next = f->nq_next;
	else
		net->nq_head = f->nq_next;
	if (f->nq_next)
		f->nq_next->nq_prev = f->nq_prev;
	else
		net->nq_tail = f->nq_prev;
	f->queued = false;
}

/* After a solve: completions of the flows whose rate changed, the kernel
 * event, then the owners of flows that stalled or resumed.  An owner's
 * on_stall may start or stop flows (even other flows waiting for their own
 * callback), which solves again; the queue makes every owner hear each
 * change exactly once and never touch a flow that a callback freed. */
static void after_solve(struct dcs_net *net)
{
	size_t changed = 0;
	for (size_t i = 0; i < net->ncf; i++)
		changed += net->cf[i]->rate != net->cf[i]->old_rate || net->cf[i]->heap_i < 0;
	bool many = changed > 16 && changed * 4 > net->nheap;
	if (many)
		schedule_many(net);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (!many && (f->rate != f->old_rate || f->heap_i < 0))
			schedule_done(net, f);
		if (f->stalled != f->old_stalled && f->spec.on_stall) {
			f->notify = !f->notify; /* a change back cancels a pending one */
			nq_push(net, f);
		}
	}
	arm(net);
	while (net->nq_head) {
		struct dcs_flow *f = net->nq_head;
		nq_remove(net, f);
		if (!f->notify)
			continue;
		f->notify = false;
		f->spec.on_stall(f->spec.ctx, f, f->stalled);
	}
}

/* Solves the component in cf / cd and marks it solved in this epoch. */
static void solve_marked(struct dcs_net *net)
{
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->solved = net->epoch;
	for (size_t j = 0; j < net->ncd; j++)
		net->ls[net->cd[j] / 2].q[net->cd[j] % 2].solved = net->epoch;
	solve(net);
}

/* A change that routing or carrying makes: every path again, then every
 * component solved on its own, exactly as a change within it would solve
 * it (so the result is the same whichever way a state was reached). */
static void update_all(struct dcs_net *net)
{
	net->epoch++;
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		f->old_stalled = f->stalled;
		assign_path(net, f);
	}
	for (struct dcs_flow *f = net->head; f; f = f->next)
		if (f->solved != net->epoch) {
			component(net, f, NULL, 0);
			solve_marked(net);
		}
	for (int r = 0; r < 2 * net->n_links; r++)
		if (net->ls[r / 2].q[r % 2].solved != net->epoch) {
			component(net, NULL, &r, 1);
			solve_marked(net);
		}
	everything(net);
	after_solve(net);
}

/* A change to one flow's demand or presence: its component only. */
static void update_around(struct dcs_net *net, struct dcs_flow *f, const int *dirs, int ndirs)
{
	component(net, f, dirs, ndirs);
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->old_stalled = net->cf[i]->stalled;
	solve(net);
	after_solve(net);
}

static void flow_unlink(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		net->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		net->tail = f->prev;
	net->n_flows--;
}

/* Takes a flow out of the network; its former directions go to *dirs. */
static int flow_remove(struct dcs_net *net, struct dcs_flow *f, int *dirs)
{
	int n = f->ntouch;
	memcpy(dirs, f->touch, (size_t)n * sizeof(int));
	heap_remove(net, f);
	nq_remove(net, f);
	touch_clear(net, f);
	flow_unlink(net, f);
	return n;
}

static void flow_free(struct dcs_flow *f)
{
	free(f->links);
	free(f);
}

/* The first completion is due: that flow is done. */
static void done_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct dcs_net *net = ctx;
	net->done_ev = 0;
	net->armed = NULL;
	if (!net->nheap)
		return;
	struct dcs_flow *f = net->heap[0];
	settle_flow(net, f);
	f->sent = f->spec.bytes;
	int *dirs = dcs_xmalloc(((size_t)f->ntouch + 1) * sizeof(int), "ending a flow");
	int n = flow_remove(net, f, dirs);
	/* Others take up the freed capacity before the owner reacts. */
	update_around(net, NULL, dirs, n);
	free(dirs);
	arm(net);
	if (f->spec.on_done)
		f->spec.on_done(f->spec.ctx, f);
	flow_free(f);
}

struct dcs_flow *dcs_flow_start(struct dcs_net *net, const struct dcs_flow_spec *spec)
{
	/* Never NULL: a flow starts in the middle of an event (xalloc.h). */
	struct dcs_flow *f = dcs_xcalloc(1, sizeof(*f), "starting a flow");
	size_t slots = (size_t)net->n_links + 1;
	f->links = dcs_xcalloc(6 * slots, sizeof(int), "starting a flow");
	f->dirs = f->links + slots;
	f->rev_links = f->links + 2 * slots;
	f->rev_dirs = f->links + 3 * slots;
	f->touch = f->links + 4 * slots;
	f->net = net;
	f->spec = *spec;
	f->heap_i = -1;
	f->t_set = dcs_now(net->k);
	if (f->spec.streams < 1)
		f->spec.streams = 1;
	f->serial = ++net->serial;
	if (f->spec.key == 0)
		f->spec.key = f->serial;
	f->prev = net->tail;
	if (net->tail)
		net->tail->next = f;
	else
		net->head = f;
	net->tail = f;
	net->n_flows++;
	assign_path(net, f);
	component(net, f, NULL, 0);
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->old_stalled = net->cf[i]->stalled;
	f->old_stalled = false; /* a flow born without a path is told it stalled */
	solve(net);
	after_solve(net);
	return f;
}

void dcs_flow_stop(struct dcs_net *net, struct dcs_flow *f)
{
	if (!f)
		return;
	settle_flow(net, f);
	int *dirs = dcs_xmalloc(((size_t)f->ntouch + 1) * sizeof(int), "stopping a flow");
	int n = flow_remove(net, f, dirs);
	flow_free(f);
	update_around(net, NULL, dirs, n);
	free(dirs);
}

void dcs_flow_set_load(struct dcs_net *net, struct dcs_flow *f, double demand_Bps, bool offered)
{
	if (f->spec.demand_Bps == demand_Bps && f->spec.offered == offered)
		return;
	settle_flow(net, f);
	f->spec.demand_Bps = demand_Bps;
	f->spec.offered = offered;
	update_around(net, f, NULL, 0);
}

void dcs_flow_set_demand(struct dcs_net *net, struct dcs_flow *f, double demand_Bps)
{
	dcs_flow_set_load(net, f, demand_Bps, f->spec.offered);
}

double dcs_flow_rate_Bps(const struct dcs_flow *f)
{
	return f->rate;
}

double dcs_flow_sent(struct dcs_net *net, struct dcs_flow *f)
{
	settle_links(net);
	settle_flow(net, f);
	return f->sent;
}

double dcs_flow_remaining(struct dcs_net *net, struct dcs_flow *f)
{
	return f->spec.bytes - dcs_flow_sent(net, f);
}

bool dcs_flow_stalled(const struct dcs_flow *f)
{
	return f->stalled;
}

enum dcs_limit dcs_flow_limited_by(const struct dcs_flow *f)
{
	return f->limit;
}

int dcs_flow_bottleneck(const struct dcs_flow *f)
{
	return f->limit == DCS_LIMIT_LINK_SHARE ? f->bott : -1;
}

enum dcs_limit dcs_flow_main_limit(const struct dcs_flow *f)
{
	enum dcs_limit best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		if (f->by_limit[l] > most) {
			most = f->by_limit[l];
			best = (enum dcs_limit)l;
		}
	return best;
}

double dcs_flow_limit_bytes(struct dcs_net *net, struct dcs_flow *f, enum dcs_limit l)
{
	settle_links(net);
	settle_flow(net, f);
	return f->by_limit[l];
}

dcs_time_t dcs_flow_rtt(const struct dcs_net *net, const struct dcs_flow *f)
{
	(void)net;
	return f->rtt;
}

size_t dcs_net_active_flows(const struct dcs_net *net)
{
	return net->n_flows;
}

double dcs_net_link_bytes(struct dcs_net *net, int link, int dir)
{
	settle_links(net);
	return net->ls[link].bytes[dir];
}

int dcs_net_link_flows(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].nflows[dir];
}

double dcs_net_link_rate_Bps(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].rate_sum[dir];
}

double dcs_net_link_queue_s(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].q[dir].mean_s;
}

double dcs_net_link_queue_now_s(const struct dcs_net *net, int link, int dir)
{
	return queue_instant(&net->ls[link], dir, dcs_now(net->k));
}

double dcs_net_link_drops_pps(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].q[dir].drops_pps;
}

double dcs_net_link_buffer_bytes(const struct dcs_net *net, int link)
{
	return net->ls[link].buffer_bytes;
}

/* ---- changes of state ---- */

static void snapshot_reach(struct dcs_net *net)
{
	for (int a = 0; a < net->n_sites; a++)
		for (int b = 0; b < net->n_sites; b++)
			net->reach_was[(size_t)a * net->n_sites + b] = dcs_net_reachable(net, a, b);
}

static bool reach_changed(const struct dcs_net *net)
{
	for (int a = 0; a < net->n_sites; a++)
		for (int b = 0; b < net->n_sites; b++)
			if (net->reach_was[(size_t)a * net->n_sites + b] !=
			    dcs_net_reachable(net, a, b))
				return true;
	return false;
}

static bool paths_differ(const struct dcs_net *net, const dcs_time_t *old_dist, const int *old_pred)
{
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	return memcmp(old_dist, net->dist, nn * sizeof(dcs_time_t)) != 0 ||
	       memcmp(old_pred, net->pred, nn * sizeof(int)) != 0;
}

/* Recomputes paths and rates after a state change, then publishes `note`
 * and, if routing or reachability changed, DCS_NOTE_PATHS_CHANGED.  The
 * caller took snapshot_reach() before it changed anything. */
static void after_change(struct dcs_net *net, const struct dcs_note *note)
{
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	dcs_time_t *old_dist = dcs_xmalloc(nn * sizeof(dcs_time_t) + 1, "recomputing paths");
	int *old_pred = dcs_xmalloc(nn * sizeof(int) + 1, "recomputing paths");
	memcpy(old_dist, net->dist, nn * sizeof(dcs_time_t));
	memcpy(old_pred, net->pred, nn * sizeof(int));
	compute_paths(net);
	bool changed = paths_differ(net, old_dist, old_pred) || reach_changed(net);
	free(old_dist);
	free(old_pred);
	update_all(net);
	if (net->bus) {
		if (note)
			dcs_bus_publish(net->bus, note);
		if (changed) {
			struct dcs_note pc = {.kind = DCS_NOTE_PATHS_CHANGED, .index = -1};
			dcs_bus_publish(net->bus, &pc);
		}
	}
}

static struct dcs_note link_note(const struct dcs_net *net, int link)
{
	const struct link_state *s = &net->ls[link];
	struct dcs_note n = {.kind = DCS_NOTE_LINK_STATE,
			     .index = link,
			     .up = !s->cut && s->paths_up > 0,
			     .degraded = s->degraded,
			     .converging = s->converging};
	return n;
}

bool dcs_net_link_up(const struct dcs_net *net, int link)
{
	return !net->ls[link].cut && net->ls[link].paths_up > 0;
}

bool dcs_net_link_degraded(const struct dcs_net *net, int link)
{
	return net->ls[link].degraded;
}

bool dcs_net_link_converging(const struct dcs_net *net, int link)
{
	return net->ls[link].converging;
}

bool dcs_net_link_carries(const struct dcs_net *net, int link)
{
	return carries(&net->ls[link]);
}

const char *dcs_net_link_state_name(const struct dcs_net *net, int link)
{
	const struct link_state *s = &net->ls[link];
	if (s->converging)
		return "converging";
	if (!dcs_net_link_up(net, link))
		return "down";
	return s->degraded ? "degraded" : "up";
}

int dcs_net_link_paths_up(const struct dcs_net *net, int link)
{
	return net->ls[link].paths_up;
}

/* The end of a convergence: the cut is detected and routing has moved
 * (routing drops a link that is cut), or protection has switched. */
static void conv_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_net *net = ctx;
	int link;
	memcpy(&link, payload, sizeof(link));
	struct link_state *s = &net->ls[link];
	s->conv_ev = 0;
	snapshot_reach(net);
	s->converging = false;
	bool down = s->cut || s->paths_up == 0;
	if (down)
		s->routed = false;
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

static void converge(struct dcs_net *net, int link, double secs)
{
	struct link_state *s = &net->ls[link];
	if (s->conv_ev)
		dcs_cancel(net->k, s->conv_ev);
	s->converging = true;
	s->conv_ev =
	    dcs_schedule_in(net->k, dcs_time_from_s(secs), conv_event, net, &link, sizeof(link));
}

static void stop_converging(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->conv_ev)
		dcs_cancel(net->k, s->conv_ev);
	s->conv_ev = 0;
	s->converging = false;
}

/* Every path is gone: carries nothing until detection, then routing drops it. */
static void all_paths_cut(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->routed)
		converge(net, link, dcs_net_cut_outage_s(net, link, false));
	else
		stop_converging(net, link);
}

void dcs_net_set_link_up(struct dcs_net *net, int link, bool up)
{
	struct link_state *s = &net->ls[link];
	int total =
	    net->scn->links[link].underlay_paths > 0 ? net->scn->links[link].underlay_paths : 1;
	if (!up && s->cut)
		return;
	if (up && !s->cut && s->paths_up == total && !s->converging)
		return;
	snapshot_reach(net);
	if (up) {
		s->cut = false;
		s->paths_up = total;
		s->routed = true;
		stop_converging(net, link);
	} else {
		bool was_down = s->paths_up == 0;
		s->cut = true;
		if (!was_down)
			all_paths_cut(net, link);
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_path_down(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->paths_up == 0)
		return;
	snapshot_reach(net);
	s->paths_up--;
	if (!s->cut) {
		if (s->paths_up == 0)
			all_paths_cut(net, link);
		else
			converge(net, link, dcs_net_cut_outage_s(net, link, true));
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_path_up(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	int total =
	    net->scn->links[link].underlay_paths > 0 ? net->scn->links[link].underlay_paths : 1;
	if (s->paths_up >= total)
		return;
	snapshot_reach(net);
	s->paths_up++;
	if (s->paths_up == 1 && !s->cut) {
		/* The link is back. */
		s->routed = true;
		stop_converging(net, link);
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_link_degrade(struct dcs_net *net, int link, double bandwidth_gbps, double loss,
			  double added_latency_ms)
{
	struct link_state *s = &net->ls[link];
	snapshot_reach(net);
	if (!isnan(bandwidth_gbps))
		s->bandwidth_gbps = bandwidth_gbps;
	if (!isnan(loss))
		s->loss = loss;
	if (!isnan(added_latency_ms))
		s->extra_ms = added_latency_ms;
	s->degraded = true;
	link_refresh(net, link);
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_link_restore(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	snapshot_reach(net);
	s->bandwidth_gbps = net->scn->links[link].bandwidth_gbps;
	s->loss = net->scn->links[link].loss;
	s->extra_ms = 0;
	s->degraded = false;
	link_refresh(net, link);
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

bool dcs_net_site_up(const struct dcs_net *net, int site)
{
	return net->site_up[site];
}

void dcs_net_set_site_up(struct dcs_net *net, int site, bool up)
{
	if (net->site_up[site] == up)
		return;
	snapshot_reach(net);
	net->site_up[site] = up;
	struct dcs_note n = {.kind = DCS_NOTE_SITE_STATE, .index = site, .up = up};
	after_change(net, &n);
}

dcs_time_t dcs_net_link_one_way(const struct dcs_net *net, int link)
{
	return net->ls[link].one_way;
}

double dcs_net_link_loss(const struct dcs_net *net, int link)
{
	return net->ls[link].loss;
}

double dcs_net_link_capacity_Bps(const struct dcs_net *net, int link)
{
	return net->ls[link].cap_Bps;
}

double dcs_net_link_bandwidth_gbps(const struct dcs_net *net, int link)
{
	return net->ls[link].bandwidth_gbps;
}

/* ---- path queries ---- */

bool dcs_net_reachable(const struct dcs_net *net, int a, int b)
{
	return walk_carries(net, a, b, 0, false);
}

dcs_time_t dcs_net_one_way_base(const struct dcs_net *net, int a, int b)
{
	return net->dist[(size_t)a * net->n_sites + b];
}

/* There and back with one-way figures `one` (NEVER when either is). */
static dcs_time_t round_trip(const struct dcs_net *net, int a, int b,
			     dcs_time_t (*one)(const struct dcs_net *, int, int))
{
	dcs_time_t ab = one(net, a, b), ba = one(net, b, a);
	if (ab == DCS_TIME_NEVER || ba == DCS_TIME_NEVER)
		return DCS_TIME_NEVER;
	return ab + ba;
}

dcs_time_t dcs_net_rtt_base(const struct dcs_net *net, int a, int b)
{
	return round_trip(net, a, b, dcs_net_one_way_base);
}

dcs_time_t dcs_net_one_way(const struct dcs_net *net, int a, int b)
{
	if (!dcs_net_reachable(net, a, b))
		return DCS_TIME_NEVER;
	return net->dist[(size_t)a * net->n_sites + b] +
	       dcs_time_from_s(walk_queue_s(net, a, b, 0, false, false));
}

dcs_time_t dcs_net_rtt(const struct dcs_net *net, int a, int b)
{
	return round_trip(net, a, b, dcs_net_one_way);
}

dcs_time_t dcs_net_latency_now(const struct dcs_net *net, int a, int b, uint64_t key)
{
	if (!walk_carries(net, a, b, key, true))
		return DCS_TIME_NEVER;
	return net->dist[(size_t)a * net->n_sites + b] +
	       dcs_time_from_s(walk_queue_s(net, a, b, key, true, true));
}

int dcs_net_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max)
{
	return walk(net, a, b, 0, false, links, dirs, max);
}

int dcs_net_path_key(const struct dcs_net *net, int a, int b, uint64_t key, int *links, int *dirs,
		     int max)
{
	return walk(net, a, b, key, true, links, dirs, max);
}

double dcs_net_path_loss(const struct dcs_net *net, int a, int b)
{
	int n = net->n_sites;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return 1.0;
	double pass = 1.0;
	for (int v = b; v != a;) {
		int l = net->pred[(size_t)a * n + v];
		pass *= 1.0 - net->ls[l].loss;
		v = other_end(net, l, v);
	}
	return 1.0 - pass;
}

int dcs_net_path_bottleneck(const struct dcs_net *net, int a, int b, double *cap_Bps,
			    double *line_gbps, double *background_gbps, double *goodput_fraction)
{
	int n = net->n_sites, best = -1;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return -1;
	for (int v = b; v != a;) {
		int l = net->pred[(size_t)a * n + v];
		if (best < 0 || net->ls[l].cap_Bps < net->ls[best].cap_Bps)
			best = l;
		v = other_end(net, l, v);
	}
	if (best >= 0) {
		const struct dcs_link_cfg *c = &net->scn->links[best];
		*cap_Bps = net->ls[best].cap_Bps;
		*line_gbps = net->ls[best].bandwidth_gbps;
		*background_gbps = c->background_gbps;
		*goodput_fraction = dcs_link_cfg_goodput_fraction(c);
	}
	return best;
}

bool dcs_net_lift(const struct dcs_net *net, int a, int b, enum dcs_limit l, int streams,
		  double window_bytes, double demand_Bps, double share_rate_Bps, double *value,
		  const char **metric, const char **unit)
{
	double cap, line, bg, gf;
	if (a == b || !dcs_net_reachable(net, a, b) ||
	    dcs_net_path_bottleneck(net, a, b, &cap, &line, &bg, &gf) < 0)
		return false;
	double rtt_s = dcs_time_to_s(dcs_net_rtt(net, a, b));
	int mss = dcs_net_path_mss(net, a, b);
	double w = dcs_window_cap_Bps(streams, window_bytes, rtt_s);
	double m = dcs_mathis_cap_Bps(streams, mss, rtt_s, dcs_net_path_loss(net, a, b));
	double v = NAN;
	switch (l) {
	case DCS_LIMIT_WINDOW:
		v = dcs_window_for_rate(streams, fmin(cap, fmin(demand_Bps, m)), rtt_s) / 1024.0;
		*metric = "lift_window_kib";
		*unit = "KiB";
		break;
	case DCS_LIMIT_LOSS:
		v = dcs_loss_for_rate(streams, mss, rtt_s, fmin(cap, fmin(demand_Bps, w)));
		*metric = "lift_max_loss";
		*unit = "ratio";
		break;
	case DCS_LIMIT_DEMAND:
		v = fmin(cap, fmin(w, m)) / 1048576.0;
		*metric = "lift_rate_cap_mib_s";
		*unit = "MiB/s";
		break;
	case DCS_LIMIT_LINK_SHARE: {
		double next = fmin(demand_Bps, fmin(w, m));
		if (!isfinite(next) || !(share_rate_Bps > 0) || share_rate_Bps >= next || !(gf > 0))
			return false;
		v = cap * next / share_rate_Bps / gf * 8 / 1e9 + bg;
		*metric = "lift_bandwidth_gbps";
		*unit = "Gbps";
		break;
	}
	default:
		return false;
	}
	if (!isfinite(v))
		return false;
	*value = v;
	return true;
}

int dcs_net_path_mss(const struct dcs_net *net, int a, int b)
{
	int n = net->n_sites;
	int mss = 1460;
	bool first = true;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return mss;
	for (int v = b; v != a;) {
		int l = net->pred[(size_t)a * n + v];
		int m = dcs_link_cfg_mss(&net->scn->links[l]);
		if (first || m < mss)
			mss = m;
		first = false;
		v = other_end(net, l, v);
	}
	return mss;
}

/* ---- path questions of the models (through the public figures only) ---- */

/* The far end of link l from site v. */
static int far_end(const struct dcs_net *net, int l, int v)
{
	const struct dcs_link_cfg *c = &net->scn->links[l];
	return c->a == v ? c->b : c->a;
}

bool dcs_net_path_transits(const struct dcs_net *net, int a, int b, int site)
{
	if (site < 0 || site == a || site == b)
		return false;
	int *links = dcs_xcalloc((size_t)net->n_links + 1, sizeof(int), "walking a path");
	int hops = dcs_net_path(net, a, b, links, NULL, net->n_links);
	bool transit = false;
	for (int h = 0, v = a; h + 1 < hops && !transit; h++) {
		v = far_end(net, links[h], v);
		transit = v == site;
	}
	free(links);
	return transit;
}

int dcs_net_path_avoiding(const struct dcs_net *net, int a, int b, int avoid, int *links, int *dirs,
			  int max, dcs_time_t *one_way)
{
	int n = net->n_sites;
	dcs_time_t *d = dcs_xcalloc((size_t)n, sizeof(*d), "searching a path");
	int *pred = dcs_xcalloc((size_t)n, sizeof(int), "searching a path");
	bool *done = dcs_xcalloc((size_t)n, sizeof(bool), "searching a path");
	/* Dijkstra as the network's own paths: the nearest site first (the
	 * lowest index at equal distance), links relaxed in file order, a
	 * shorter distance only replacing a longer one. */
	for (int v = 0; v < n; v++) {
		d[v] = DCS_TIME_NEVER;
		pred[v] = -1;
		done[v] = (v == avoid && v != a && v != b) || !dcs_net_site_up(net, v);
	}
	d[a] = 0;
	for (;;) {
		int u = -1;
		for (int v = 0; v < n; v++)
			if (!done[v] && d[v] != DCS_TIME_NEVER && (u < 0 || d[v] < d[u]))
				u = v;
		if (u < 0)
			break;
		done[u] = true;
		for (int l = 0; l < net->n_links; l++) {
			const struct dcs_link_cfg *c = &net->scn->links[l];
			if (!dcs_net_link_carries(net, l) || (c->a != u && c->b != u))
				continue;
			int v = far_end(net, l, u);
			dcs_time_t nd = d[u] + dcs_net_link_one_way(net, l);
			if (!done[v] && nd < d[v]) {
				d[v] = nd;
				pred[v] = l;
			}
		}
	}
	int hops = -1;
	if (d[b] != DCS_TIME_NEVER) {
		hops = 0;
		for (int v = b; v != a; v = far_end(net, pred[v], v))
			hops++;
		for (int v = b, i = hops; v != a && hops <= max; v = far_end(net, pred[v], v)) {
			i--;
			if (links)
				links[i] = pred[v];
			if (dirs)
				dirs[i] =
				    net->scn->links[pred[v]].a == far_end(net, pred[v], v) ? 0 : 1;
		}
	}
	if (one_way)
		*one_way = d[b];
	free(d);
	free(pred);
	free(done);
	return hops;
}
