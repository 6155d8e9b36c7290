#include "dcisim/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/tech.h"
#include "dcisim/xalloc.h"

struct link_state {
	bool up;
	bool degraded;
	double bandwidth_gbps;
	double loss;
	double extra_ms;
	dcs_time_t one_way;
	double cap_Bps;     /* goodput capacity left for flows, per direction */
	double bytes[2];    /* goodput bytes carried by flows so far */
	double rate_sum[2]; /* current goodput rate of flows */
	int nflows[2];
};

struct dcs_flow {
	struct dcs_net *net;
	struct dcs_flow_spec spec;
	struct dcs_flow *prev, *next;
	int nhops;
	int *links, *dirs;
	double rate; /* goodput bytes/s */
	double cap;  /* min of demand, window, Mathis */
	double sent;
	dcs_time_t rtt;
	dcs_handle_t done_ev;
	enum dcs_limit limit;
	bool stalled;
	bool frozen; /* scratch for water-filling */
	/* update_flows() bookkeeping: the figures before a reshare, and whether
	 * the owner still has to hear that the flow stalled or resumed. */
	double old_rate;
	bool old_stalled;
	bool notify;
	double by_limit[DCS_LIMIT_COUNT]; /* bytes moved under each limit */
};

struct dcs_net {
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	const struct dcs_scenario *scn;
	int n_sites, n_links;
	struct link_state *ls;
	bool *site_up;
	dcs_time_t *dist; /* n_sites x n_sites */
	int *pred;        /* link used to reach column from row's tree, -1 at root */
	struct dcs_flow *head, *tail;
	size_t n_flows;
	dcs_time_t settled_at;
	/* scratch for water-filling, one slot per link direction */
	double *res_left;
	int *res_n;
};

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

static void link_refresh(struct dcs_net *net, int i)
{
	const struct dcs_link_cfg *c = &net->scn->links[i];
	struct link_state *s = &net->ls[i];
	s->one_way = dcs_time_from_us(dcs_link_cfg_one_way_us(c) + s->extra_ms * 1e3);
	double free_gbps = s->bandwidth_gbps - c->background_gbps;
	if (free_gbps < 0)
		free_gbps = 0;
	s->cap_Bps = free_gbps * 1e9 / 8.0 * dcs_link_cfg_goodput_fraction(c);
}

static void compute_paths(struct dcs_net *net)
{
	int n = net->n_sites;
	bool *done = dcs_xcalloc((size_t)n, sizeof(bool), "computing paths");
	for (int src = 0; src < n; src++) {
		dcs_time_t *d = &net->dist[(size_t)src * n];
		int *p = &net->pred[(size_t)src * n];
		for (int v = 0; v < n; v++) {
			d[v] = DCS_TIME_NEVER;
			p[v] = -1;
			done[v] = false;
		}
		if (!net->site_up[src])
			continue;
		d[src] = 0;
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
				if (!net->ls[l].up || (c->a != u && c->b != u))
					continue;
				int v = c->a == u ? c->b : c->a;
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

static int walk_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max)
{
	int n = net->n_sites;
	if (net->dist[(size_t)a * n + b] == DCS_TIME_NEVER)
		return -1;
	int hops = 0;
	for (int v = b; v != a;) {
		int l = net->pred[(size_t)a * n + v];
		v = net->scn->links[l].a == v ? net->scn->links[l].b : net->scn->links[l].a;
		hops++;
	}
	if (hops > max)
		return hops;
	int i = hops;
	for (int v = b; v != a;) {
		int l = net->pred[(size_t)a * n + v];
		int from = net->scn->links[l].a == v ? net->scn->links[l].b : net->scn->links[l].a;
		i--;
		if (links)
			links[i] = l;
		if (dirs)
			dirs[i] = net->scn->links[l].a == from ? 0 : 1;
		v = from;
	}
	return hops;
}

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
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	net->ls = calloc(scn->n_links + 1, sizeof(*net->ls));
	net->site_up = calloc(scn->n_sites + 1, sizeof(bool));
	net->dist = calloc(nn + 1, sizeof(dcs_time_t));
	net->pred = calloc(nn + 1, sizeof(int));
	net->res_left = calloc(2 * scn->n_links + 1, sizeof(double));
	net->res_n = calloc(2 * scn->n_links + 1, sizeof(int));
	if (!net->ls || !net->site_up || !net->dist || !net->pred || !net->res_left ||
	    !net->res_n) {
		dcs_net_destroy(net);
		return NULL;
	}
	for (int s = 0; s < net->n_sites; s++)
		net->site_up[s] = true;
	for (int l = 0; l < net->n_links; l++) {
		net->ls[l].up = true;
		net->ls[l].bandwidth_gbps = scn->links[l].bandwidth_gbps;
		net->ls[l].loss = scn->links[l].loss;
		link_refresh(net, l);
	}
	compute_paths(net);
	return net;
}

void dcs_net_destroy(struct dcs_net *net)
{
	if (!net)
		return;
	struct dcs_flow *f = net->head;
	while (f) {
		struct dcs_flow *next = f->next;
		free(f->links);
		free(f);
		f = next;
	}
	free(net->ls);
	free(net->site_up);
	free(net->dist);
	free(net->pred);
	free(net->res_left);
	free(net->res_n);
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

/* Brings every flow's byte count and every link's traffic integral to now. */
static void settle(struct dcs_net *net)
{
	dcs_time_t now = dcs_now(net->k);
	double dt = dcs_time_to_s(now - net->settled_at);
	net->settled_at = now;
	if (dt <= 0)
		return;
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		if (f->rate <= 0)
			continue;
		double before = f->sent;
		f->sent += f->rate * dt;
		if (f->sent > f->spec.bytes)
			f->sent = f->spec.bytes;
		if (isfinite(f->sent))
			f->by_limit[f->limit] += f->sent - before;
	}
	for (int l = 0; l < net->n_links; l++)
		for (int d = 0; d < 2; d++)
			net->ls[l].bytes[d] += net->ls[l].rate_sum[d] * dt;
}

static void flow_done_event(struct dcs_kernel *k, void *ctx, const void *payload);

static void schedule_done(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->done_ev)
		dcs_cancel(net->k, f->done_ev);
	f->done_ev = 0;
	if (!isfinite(f->spec.bytes) || f->rate <= 0)
		return;
	double left = f->spec.bytes - f->sent;
	if (left < 0)
		left = 0;
	double ns = ceil(left / f->rate * 1e9);
	/* A trickle that would end beyond the representable future never ends. */
	if (!(ns < 9e18 - (double)dcs_now(net->k)))
		return;
	dcs_time_t dt = (dcs_time_t)ns;
	f->done_ev = dcs_schedule_in(net->k, dt, flow_done_event, net, &f, sizeof(f));
}

/* Max-min fair shares with per-flow caps (progressive filling). */
static void reshare(struct dcs_net *net)
{
	settle(net);
	int nres = 2 * net->n_links;
	for (int r = 0; r < nres; r++) {
		net->res_left[r] = net->ls[r / 2].cap_Bps;
		net->res_n[r] = 0;
	}
	size_t unfrozen = 0;
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		f->nhops =
		    walk_path(net, f->spec.src, f->spec.dst, f->links, f->dirs, net->n_links);
		f->stalled = f->nhops < 0;
		f->frozen = f->stalled;
		f->rtt = f->stalled
			     ? 0
			     : 2 * net->dist[(size_t)f->spec.src * net->n_sites + f->spec.dst];
		if (f->stalled) {
			f->cap = 0;
			f->limit = DCS_LIMIT_STALLED;
			continue;
		}
		double rtt_s = dcs_time_to_s(f->rtt);
		double cap = f->spec.demand_Bps;
		enum dcs_limit lim = DCS_LIMIT_DEMAND;
		double w = dcs_window_cap_Bps(f->spec.streams, f->spec.window_bytes, rtt_s);
		if (w < cap) {
			cap = w;
			lim = DCS_LIMIT_WINDOW;
		}
		double loss = dcs_net_path_loss(net, f->spec.src, f->spec.dst);
		double m = dcs_mathis_cap_Bps(
		    f->spec.streams, dcs_net_path_mss(net, f->spec.src, f->spec.dst), rtt_s, loss);
		if (m < cap) {
			cap = m;
			lim = DCS_LIMIT_LOSS;
		}
		f->cap = cap;
		f->limit = lim;
		for (int h = 0; h < f->nhops; h++)
			net->res_n[2 * f->links[h] + f->dirs[h]]++;
		if (f->nhops == 0) {
			/* Within one site: only the caps apply. */
			f->frozen = true;
			f->rate = cap; /* INFINITY completes at once */
			continue;
		}
		unfrozen++;
	}
	while (unfrozen > 0) {
		double share = INFINITY;
		int bottleneck = -1;
		for (int r = 0; r < nres; r++) {
			if (net->res_n[r] == 0)
				continue;
			double s = net->res_left[r] / net->res_n[r];
			if (s < share) {
				share = s;
				bottleneck = r;
			}
		}
		double mincap = INFINITY;
		for (struct dcs_flow *f = net->head; f; f = f->next)
			if (!f->frozen && f->cap < mincap)
				mincap = f->cap;
		bool by_cap = mincap <= share;
		double level = by_cap ? mincap : share;
		if (!isfinite(level))
			level = 0; /* no capacity bound at all: cannot happen with links */
		for (struct dcs_flow *f = net->head; f; f = f->next) {
			if (f->frozen)
				continue;
			bool on_bottleneck = false;
			if (!by_cap)
				for (int h = 0; h < f->nhops; h++)
					if (2 * f->links[h] + f->dirs[h] == bottleneck)
						on_bottleneck = true;
			if ((by_cap && f->cap <= level) || on_bottleneck) {
				f->rate = level < 0 ? 0 : level;
				if (!by_cap || f->cap > level)
					f->limit = DCS_LIMIT_LINK_SHARE;
				f->frozen = true;
				unfrozen--;
				for (int h = 0; h < f->nhops; h++) {
					int r = 2 * f->links[h] + f->dirs[h];
					net->res_left[r] -= f->rate;
					net->res_n[r]--;
				}
			}
		}
		if (bottleneck >= 0 && !by_cap)
			net->res_n[bottleneck] = 0;
	}
	for (int l = 0; l < net->n_links; l++)
		for (int d = 0; d < 2; d++) {
			net->ls[l].rate_sum[d] = 0;
			net->ls[l].nflows[d] = 0;
		}
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		if (f->stalled)
			f->rate = 0;
		for (int h = 0; h < f->nhops; h++) {
			net->ls[f->links[h]].rate_sum[f->dirs[h]] += f->rate;
			net->ls[f->links[h]].nflows[f->dirs[h]]++;
		}
	}
}

/* Reshares, reschedules completions whose rate changed, and tells owners of
 * flows that stalled or resumed.  An owner's on_stall may start or stop flows
 * (even other flows waiting for their own callback), which runs this function
 * again; the notify marks make every owner hear each change exactly once and
 * never touch a flow that a callback freed. */
static void update_flows(struct dcs_net *net)
{
	/* Even with no flow left: the links' rate sums must drop to zero. */
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		f->old_rate = f->rate;
		f->old_stalled = f->stalled;
	}
	reshare(net);
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		if (f->rate != f->old_rate || !f->done_ev)
			schedule_done(net, f);
		if (f->stalled != f->old_stalled && f->spec.on_stall)
			f->notify = !f->notify; /* a change back cancels a pending one */
	}
	/* Callbacks last, one at a time, rescanning after each. */
	for (;;) {
		struct dcs_flow *f = net->head;
		while (f && !f->notify)
			f = f->next;
		if (!f)
			break;
		f->notify = false;
		f->spec.on_stall(f->spec.ctx, f, f->stalled);
	}
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

static void flow_done_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_net *net = ctx;
	struct dcs_flow *f;
	memcpy(&f, payload, sizeof(f));
	f->done_ev = 0;
	settle(net);
	f->sent = f->spec.bytes;
	flow_unlink(net, f);
	/* Others take up the freed capacity before the owner reacts. */
	update_flows(net);
	if (f->spec.on_done)
		f->spec.on_done(f->spec.ctx, f);
	free(f->links);
	free(f);
}

struct dcs_flow *dcs_flow_start(struct dcs_net *net, const struct dcs_flow_spec *spec)
{
	/* Never NULL: a flow starts in the middle of an event (xalloc.h). */
	struct dcs_flow *f = dcs_xcalloc(1, sizeof(*f), "starting a flow");
	f->links = dcs_xcalloc(2 * (size_t)net->n_links + 2, sizeof(int), "starting a flow");
	f->dirs = f->links + net->n_links + 1;
	f->net = net;
	f->spec = *spec;
	if (f->spec.streams < 1)
		f->spec.streams = 1;
	settle(net);
	f->prev = net->tail;
	if (net->tail)
		net->tail->next = f;
	else
		net->head = f;
	net->tail = f;
	net->n_flows++;
	f->stalled = false;
	update_flows(net);
	return f;
}

void dcs_flow_stop(struct dcs_net *net, struct dcs_flow *f)
{
	if (!f)
		return;
	settle(net);
	if (f->done_ev)
		dcs_cancel(net->k, f->done_ev);
	flow_unlink(net, f);
	free(f->links);
	free(f);
	update_flows(net);
}

void dcs_flow_set_demand(struct dcs_net *net, struct dcs_flow *f, double demand_Bps)
{
	if (f->spec.demand_Bps == demand_Bps)
		return;
	f->spec.demand_Bps = demand_Bps;
	update_flows(net);
}

double dcs_flow_rate_Bps(const struct dcs_flow *f)
{
	return f->rate;
}

double dcs_flow_sent(struct dcs_net *net, struct dcs_flow *f)
{
	settle(net);
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
	settle(net);
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
	settle(net);
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

static bool paths_differ(const struct dcs_net *net, const dcs_time_t *old_dist, const int *old_pred)
{
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	return memcmp(old_dist, net->dist, nn * sizeof(dcs_time_t)) != 0 ||
	       memcmp(old_pred, net->pred, nn * sizeof(int)) != 0;
}

/* Recomputes paths and rates after a state change, then publishes `note`
 * and, if routing changed, DCS_NOTE_PATHS_CHANGED. */
static void after_change(struct dcs_net *net, const struct dcs_note *note)
{
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	dcs_time_t *old_dist = dcs_xmalloc(nn * sizeof(dcs_time_t) + 1, "recomputing paths");
	int *old_pred = dcs_xmalloc(nn * sizeof(int) + 1, "recomputing paths");
	memcpy(old_dist, net->dist, nn * sizeof(dcs_time_t));
	memcpy(old_pred, net->pred, nn * sizeof(int));
	settle(net);
	compute_paths(net);
	bool changed = paths_differ(net, old_dist, old_pred);
	free(old_dist);
	free(old_pred);
	update_flows(net);
	if (net->bus) {
		dcs_bus_publish(net->bus, note);
		if (changed) {
			struct dcs_note pc = {.kind = DCS_NOTE_PATHS_CHANGED, .index = -1};
			dcs_bus_publish(net->bus, &pc);
		}
	}
}

bool dcs_net_link_up(const struct dcs_net *net, int link)
{
	return net->ls[link].up;
}

bool dcs_net_link_degraded(const struct dcs_net *net, int link)
{
	return net->ls[link].degraded;
}

void dcs_net_set_link_up(struct dcs_net *net, int link, bool up)
{
	if (net->ls[link].up == up)
		return;
	settle(net);
	net->ls[link].up = up;
	struct dcs_note n = {.kind = DCS_NOTE_LINK_STATE,
			     .index = link,
			     .up = up,
			     .degraded = net->ls[link].degraded};
	after_change(net, &n);
}

void dcs_net_link_degrade(struct dcs_net *net, int link, double bandwidth_gbps, double loss,
			  double added_latency_ms)
{
	struct link_state *s = &net->ls[link];
	settle(net);
	if (!isnan(bandwidth_gbps))
		s->bandwidth_gbps = bandwidth_gbps;
	if (!isnan(loss))
		s->loss = loss;
	if (!isnan(added_latency_ms))
		s->extra_ms = added_latency_ms;
	s->degraded = true;
	link_refresh(net, link);
	struct dcs_note n = {
	    .kind = DCS_NOTE_LINK_STATE, .index = link, .up = s->up, .degraded = true};
	after_change(net, &n);
}

void dcs_net_link_restore(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	settle(net);
	s->bandwidth_gbps = net->scn->links[link].bandwidth_gbps;
	s->loss = net->scn->links[link].loss;
	s->extra_ms = 0;
	s->degraded = false;
	link_refresh(net, link);
	struct dcs_note n = {
	    .kind = DCS_NOTE_LINK_STATE, .index = link, .up = s->up, .degraded = false};
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
	settle(net);
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

bool dcs_net_reachable(const struct dcs_net *net, int a, int b)
{
	return net->dist[(size_t)a * net->n_sites + b] != DCS_TIME_NEVER;
}

dcs_time_t dcs_net_one_way(const struct dcs_net *net, int a, int b)
{
	return net->dist[(size_t)a * net->n_sites + b];
}

dcs_time_t dcs_net_rtt(const struct dcs_net *net, int a, int b)
{
	dcs_time_t ab = dcs_net_one_way(net, a, b);
	dcs_time_t ba = dcs_net_one_way(net, b, a);
	if (ab == DCS_TIME_NEVER || ba == DCS_TIME_NEVER)
		return DCS_TIME_NEVER;
	return ab + ba;
}

int dcs_net_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max)
{
	return walk_path(net, a, b, links, dirs, max);
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
		v = net->scn->links[l].a == v ? net->scn->links[l].b : net->scn->links[l].a;
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
		v = net->scn->links[l].a == v ? net->scn->links[l].b : net->scn->links[l].a;
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
		v = net->scn->links[l].a == v ? net->scn->links[l].b : net->scn->links[l].a;
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

int dcs_net_path_avoiding(const struct dcs_net *net, int a, int b, int avoid, int *links,
			  int *dirs, int max, dcs_time_t *one_way)
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
			if (!dcs_net_link_up(net, l) || (c->a != u && c->b != u))
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
				dirs[i] = net->scn->links[pred[v]].a == far_end(net, pred[v], v) ? 0 : 1;
		}
	}
	if (one_way)
		*one_way = d[b];
	free(d);
	free(pred);
	free(done);
	return hops;
}
