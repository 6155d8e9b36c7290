/* Paths and routing of the flow-level network: shortest paths over the routed links,
 * the ECMP hash, walks along a path, and the path queries (reachability, one-way and
 * round-trip latency, loss, bottleneck, MSS, what lifts a limit) and the models' path
 * questions (transits, a path avoiding a site). */

#include "net_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

/* ---- paths ---- */

static int other_end(const struct dcs_net *net, int l, int v)
{
	const struct dcs_link_cfg *c = &net->scn->links[l];
	return c->a == v ? c->b : c->a;
}

void net_compute_paths(struct dcs_net *net)
{
	net_paths_stale(net);
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

/* The equal-cost links by which the path from a may reach v (candidates in
 * file order; a candidate's far end was settled before v, so walks never
 * loop): how many there are, and in *link the pick-th of them (pick < 0:
 * none asked). */
static int ecmp_links(const struct dcs_net *net, int a, int v, int pick, int *link)
{
	int n = net->n_sites;
	const dcs_time_t *d = &net->dist[(size_t)a * n];
	const int *ord = &net->order[(size_t)a * n];
	int seen = 0;
	for (int k = net->adj_at[v]; k < net->adj_at[v + 1]; k++) {
		int l = net->adj[k];
		int u = other_end(net, l, v);
		if (!net->ls[l].routed || !net->site_up[u] || d[u] == DCS_TIME_NEVER ||
		    ord[u] < 0 || ord[u] >= ord[v] || d[u] + net->ls[l].one_way != d[v])
			continue;
		if (seen == pick)
			*link = l;
		seen++;
	}
	return seen;
}

/* The link by which the path from a reaches v: the canonical one, or with a
 * key one of the equal-cost links hashed. */
static int pred_at(const struct dcs_net *net, int a, int v, uint64_t key, bool hashed)
{
	int n = net->n_sites;
	int p = net->pred[(size_t)a * n + v];
	if (!hashed || !net->ecmp || p < 0)
		return p;
	int cnt = ecmp_links(net, a, v, -1, NULL);
	if (cnt <= 1)
		return p;
	int pick = (int)(mix64(key ^ mix64((uint64_t)a * 1000003u + (uint64_t)v)) % (uint64_t)cnt);
	int l = p;
	ecmp_links(net, a, v, pick, &l);
	return l;
}

static int walk_links(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed,
		      int *links, int *dirs, int max)
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
		if (!net_carries(&net->ls[l]))
			return false;
		v = other_end(net, l, v);
	}
	return true;
}

/* ---- answers of the path queries, kept while routing and links stay as they are ---- */

static double walk_loss(const struct dcs_net *net, int a, int b);
static int walk_mss(const struct dcs_net *net, int a, int b);
static int walk_bottleneck(const struct dcs_net *net, int a, int b);

/* The most site pairs whose answers are kept (direct-mapped by pair): the
 * table stays small however many sites. */
#define PATH_MEMO_MAX 4096

static void path_memo_fill(const struct dcs_net *net, struct path_memo *pm)
{
	int a = pm->a, b = pm->b;
	pm->hops = walk_links(net, a, b, 0, false, NULL, NULL, 0);
	if (pm->hops > pm->cap) {
		pm->links =
		    dcs_xrealloc(pm->links, (size_t)pm->hops * sizeof(int), "keeping paths");
		pm->dirs = dcs_xrealloc(pm->dirs, (size_t)pm->hops * sizeof(int), "keeping paths");
		pm->cap = pm->hops;
	}
	if (pm->hops > 0)
		walk_links(net, a, b, 0, false, pm->links, pm->dirs, pm->hops);
	/* With ECMP, whether every hop had one candidate: then every key walks
	 * this path. */
	pm->unique = true;
	for (int h = 0; net->ecmp && h < pm->hops && pm->unique; h++) {
		int l = pm->links[h];
		int v = pm->dirs[h] ? net->scn->links[l].a : net->scn->links[l].b; /* its far end */
		pm->unique = ecmp_links(net, a, v, -1, NULL) <= 1;
	}
	pm->carries = walk_carries(net, a, b, 0, false);
	pm->loss = walk_loss(net, a, b);
	pm->mss = walk_mss(net, a, b);
	pm->best = walk_bottleneck(net, a, b);
}

/* DCISIM_NET_MEMO_CHECK: a kept answer must be what the walks give now (a
 * change that did not call net_paths_stale() would show here). */
static void path_memo_check(const struct dcs_net *net, const struct path_memo *pm)
{
	struct path_memo now = {.a = pm->a, .b = pm->b};
	path_memo_fill(net, &now);
	bool same =
	    now.hops == pm->hops && now.carries == pm->carries && now.mss == pm->mss &&
	    now.best == pm->best && memcmp(&now.loss, &pm->loss, sizeof(double)) == 0 &&
	    (now.hops <= 0 || (memcmp(now.links, pm->links, (size_t)now.hops * sizeof(int)) == 0 &&
			       memcmp(now.dirs, pm->dirs, (size_t)now.hops * sizeof(int)) == 0));
	free(now.links);
	free(now.dirs);
	if (!same) {
		fprintf(stderr,
			"dcisim: DCISIM_NET_MEMO_CHECK: the kept path from site %d to site %d "
			"differs from walking it now: a change of routing or link state did "
			"not make it stale\n",
			pm->a, pm->b);
		abort();
	}
}

/* DCISIM_NET_MEMO_CHECK: the walk by this key is the kept one. */
static void path_key_check(const struct dcs_net *net, const struct path_memo *pm, uint64_t key)
{
	int n = pm->hops > 0 ? pm->hops : 1;
	int *links = dcs_xcalloc((size_t)n, sizeof(int), "checking a path");
	int *dirs = dcs_xcalloc((size_t)n, sizeof(int), "checking a path");
	int hops = walk_links(net, pm->a, pm->b, key, true, links, dirs, pm->hops);
	bool same = hops == pm->hops &&
		    (hops <= 0 || (memcmp(links, pm->links, (size_t)hops * sizeof(int)) == 0 &&
				   memcmp(dirs, pm->dirs, (size_t)hops * sizeof(int)) == 0));
	free(links);
	free(dirs);
	if (!same) {
		fprintf(stderr,
			"dcisim: DCISIM_NET_MEMO_CHECK: the ECMP walk from site %d to site %d "
			"by key %llu is not the kept path it was taken to be\n",
			pm->a, pm->b, (unsigned long long)key);
		abort();
	}
}

/* The entry of the pair (a, b), filled again (the table made on first use). */
static __attribute__((noinline)) const struct path_memo *path_memo_miss(struct dcs_net *net, int a,
									int b)
{
	size_t n = (size_t)net->n_sites;
	if (!net->pmemo) {
		size_t cap = 1;
		while (cap < n * n && cap < PATH_MEMO_MAX)
			cap *= 2;
		net->pmemo = dcs_xcalloc(cap, sizeof(*net->pmemo), "keeping paths");
		net->npmemo = cap;
		if (net->path_gen == 0)
			net->path_gen = 1; /* 0: an entry never filled */
	}
	struct path_memo *pm = &net->pmemo[((size_t)a * n + (size_t)b) & (net->npmemo - 1)];
	if (pm->gen == net->path_gen && pm->a == a && pm->b == b) {
		path_memo_check(net,
				pm); /* only DCISIM_NET_MEMO_CHECK comes here with a kept one */
		return pm;
	}
	pm->gen = net->path_gen;
	pm->a = a;
	pm->b = b;
	pm->fp_gen = 0;
	path_memo_fill(net, pm);
	return pm;
}

/* The canonical path from a to b and what the queries ask of it, as the walks
 * above answer (computed by them): kept until net_paths_stale(), which every
 * change of routing or of a link's or site's state calls.  Walks by an ECMP
 * key (ecmp on) are not kept. */
static inline const struct path_memo *path_memo(const struct dcs_net *cnet, int a, int b)
{
	struct dcs_net *net = (struct dcs_net *)cnet; /* the net itself is not changed */
	if (net->pmemo && !net->memo_check) {
		const struct path_memo *pm =
		    &net->pmemo[((size_t)a * (size_t)net->n_sites + (size_t)b) & (net->npmemo - 1)];
		if (pm->gen == net->path_gen && pm->a == a && pm->b == b)
			return pm;
	}
	return path_memo_miss(net, a, b);
}

/* The kept answers for the pair (a, b), filled if need be. */
struct path_memo *net_path_memo(struct dcs_net *net, int a, int b)
{
	return (struct path_memo *)path_memo(net, a, b);
}

/* Whether a flow between a and b walks the kept paths both ways whatever
 * its ECMP key. */
bool net_walks_kept(struct dcs_net *net, int a, int b)
{
	return !net->ecmp || (path_memo(net, a, b)->unique && path_memo(net, b, a)->unique);
}

/* The kept answers for a walk from a to b, NULL when the walk is not the
 * canonical one: by an ECMP key (ecmp on) where some hop has equal-cost
 * candidates.  Without a key, without ECMP, or with one candidate at every
 * hop, every key walks the canonical path. */
static const struct path_memo *kept_walk(const struct dcs_net *net, int a, int b, uint64_t key,
					 bool hashed)
{
	const struct path_memo *pm = path_memo(net, a, b);
	if (hashed && net->ecmp && !pm->unique)
		return NULL;
	if (hashed && net->ecmp && net->memo_check)
		path_key_check(net, pm, key);
	return pm;
}

void net_path_memo_free(struct dcs_net *net)
{
	for (size_t i = 0; i < net->npmemo; i++) {
		free(net->pmemo[i].links);
		free(net->pmemo[i].dirs);
		free(net->pmemo[i].fp_arr);
	}
	free(net->pmemo);
	net->pmemo = NULL;
	net->npmemo = 0;
}

int net_walk(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed, int *links,
	     int *dirs, int max)
{
	const struct path_memo *pm = kept_walk(net, a, b, key, hashed);
	if (!pm)
		return walk_links(net, a, b, key, hashed, links, dirs, max);
	if (pm->hops <= 0 || pm->hops > max)
		return pm->hops;
	if (links)
		memcpy(links, pm->links, (size_t)pm->hops * sizeof(int));
	if (dirs)
		memcpy(dirs, pm->dirs, (size_t)pm->hops * sizeof(int));
	return pm->hops;
}

bool net_walk_carries(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed)
{
	const struct path_memo *pm = kept_walk(net, a, b, key, hashed);
	return pm ? pm->carries : walk_carries(net, a, b, key, hashed);
}

/* Sum of the queues along a walk: mean, or at this instant. */

/* The mean queues along a kept walk, from b back to a (as the walk below adds
 * them). */
static double kept_queue_s(const struct dcs_net *net, const struct path_memo *pm)
{
	double q = 0;
	for (int h = pm->hops - 1; h >= 0; h--)
		q += net->ls[pm->links[h]].q[pm->dirs[h]].mean_s;
	return q;
}

static double walk_queue_s(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed,
			   bool instant)
{
	double q = 0;
	dcs_time_t now = dcs_now(net->k);
	const struct path_memo *pm = kept_walk(net, a, b, key, hashed);
	if (pm && !instant)
		return kept_queue_s(net, pm);
	if (pm) {
		for (int h = pm->hops - 1; h >= 0; h--)
			q += net_queue_instant(&net->ls[pm->links[h]], pm->dirs[h], now);
		return q;
	}
	for (int v = b; v != a;) {
		int l = pred_at(net, a, v, key, hashed);
		int from = other_end(net, l, v);
		int d = net->scn->links[l].a == from ? 0 : 1;
		q += instant ? net_queue_instant(&net->ls[l], d, now) : net->ls[l].q[d].mean_s;
		v = from;
	}
	return q;
}

/* ---- path queries ---- */

bool dcs_net_reachable(const struct dcs_net *net, int a, int b)
{
	return net_walk_carries(net, a, b, 0, false);
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
	const struct path_memo *pm = path_memo(net, a, b);
	if (!pm->carries) /* not reachable */
		return DCS_TIME_NEVER;
	return net->dist[(size_t)a * net->n_sites + b] + dcs_time_from_s(kept_queue_s(net, pm));
}

dcs_time_t dcs_net_rtt(const struct dcs_net *net, int a, int b)
{
	return round_trip(net, a, b, dcs_net_one_way);
}

dcs_time_t dcs_net_latency_now(const struct dcs_net *net, int a, int b, uint64_t key)
{
	if (!net_walk_carries(net, a, b, key, true))
		return DCS_TIME_NEVER;
	return net->dist[(size_t)a * net->n_sites + b] +
	       dcs_time_from_s(walk_queue_s(net, a, b, key, true, true));
}

int dcs_net_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max)
{
	return net_walk(net, a, b, 0, false, links, dirs, max);
}

int dcs_net_path_key(const struct dcs_net *net, int a, int b, uint64_t key, int *links, int *dirs,
		     int max)
{
	return net_walk(net, a, b, key, true, links, dirs, max);
}

static double walk_loss(const struct dcs_net *net, int a, int b)
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

/* The link of least capacity on the path from a to b (the first of equals from b), -1. */
double dcs_net_path_loss(const struct dcs_net *net, int a, int b)
{
	return path_memo(net, a, b)->loss;
}

static int walk_bottleneck(const struct dcs_net *net, int a, int b)
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
	return best;
}

int dcs_net_path_bottleneck(const struct dcs_net *net, int a, int b, double *cap_Bps,
			    double *line_gbps, double *background_gbps, double *goodput_fraction)
{
	const struct path_memo *pm = path_memo(net, a, b);
	if (pm->hops < 0)
		return -1;
	int best = pm->best;
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

static int walk_mss(const struct dcs_net *net, int a, int b)
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

int dcs_net_path_mss(const struct dcs_net *net, int a, int b)
{
	return path_memo(net, a, b)->mss;
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
