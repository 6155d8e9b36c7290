/* Paths and routing of the flow-level network: shortest paths over the routed links,
 * the ECMP hash, walks along a path, and the path queries (reachability, one-way and
 * round-trip latency, loss, bottleneck, MSS, what lifts a limit) and the models' path
 * questions (transits, a path avoiding a site). */

#include "net_internal.h"

#include <math.h>
#include <stdlib.h>

#include "dcisim/xalloc.h"

/* ---- paths ---- */

static int other_end(const struct dcs_net *net, int l, int v)
{
	const struct dcs_link_cfg *c = &net->scn->links[l];
	return c->a == v ? c->b : c->a;
}

void net_compute_paths(struct dcs_net *net)
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

int net_walk(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed, int *links,
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
bool net_walk_carries(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed)
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

/* Sum of the queues along a walk: mean, or at this instant. */

static double walk_queue_s(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed,
			   bool instant)
{
	double q = 0;
	dcs_time_t now = dcs_now(net->k);
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
