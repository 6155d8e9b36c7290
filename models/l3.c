/*
 * The layer-3 path model: ingress and egress of each service's client groups,
 * the trombone after a VM moves, and its cost.  The contract is in
 * models/l3.h, the equations and defaults in docs/models.md §4-5.
 *
 * State changes only at events (a move, a path or site change, an ingress or
 * gateway timer, the end of a DNS TTL after a move), and between two of them
 * every figure is constant except the DNS shares, which are linear in time.
 * So each change first integrates the metrics since the last one exactly
 * (trapezoid over the linear shares, with the RTTs cached at the last
 * change, because the network already shows the new paths), then applies the
 * change and re-evaluates.  Samples re-evaluate too, which is where the flow
 * demand of a DNS trombone follows its decaying share (piecewise constant
 * over one sample interval).
 */
#include "l3.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_histogram.h>

#include "dcisim/ingress.h"
#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/xalloc.h"

/* RTT histogram: 1 us to 1000 s in 1 % buckets. */
#define RTT_LO_MS 1e-3
#define RTT_HI_MS 1e6
#define RTT_RATIO 1.01

struct leg {
	int a, m, b; /* segments a->m and m->b */
	double demand;
	struct dcs_flow *f[2];
};

struct group {
	int site;
	double share;
	int lisp_site;
	dcs_handle_t lisp_ev;
	dcs_time_t *rtt_via; /* per ingress site, cached at the last change */
	dcs_time_t rtt_opt;
	struct leg *req; /* per ingress site */
	struct leg resp;
};

struct dns_change {
	dcs_time_t t;
	int site;
};

struct svc {
	struct dcs_l3 *L;
	const struct dcs_service_cfg *cfg;
	int home;
	int gw;
	dcs_handle_t vrrp_ev;
	bool *rhi_up;            /* per site: its host route reaches the clients */
	dcs_time_t *rhi_since;   /* per site: since when it has reached them */
	dcs_handle_t *rhi_ev;    /* per site: a pending injection or withdrawal */
	struct dns_change *hist; /* record changes; hist[0] holds since the start */
	size_t nhist, cap;
	double ttl_eff_s, hold_s, hc_s, up_s, rc_s, req_bytes, resp_bytes;
	int v;      /* VM site at the last change */
	int egress; /* egress site at the last change */
	dcs_time_t last_t;
	int moves;
	dcs_time_t moved_at;
	bool optimal_reached;
	double time_to_optimal_s;
	double trombone_s, trombone_weighted_s, extra_bytes;
	gsl_histogram *h_w, *h_wx;
	struct group *g;
	/* Availability: why the serving side is down at the last refresh (NULL:
	 * up), whether any client group reaches it, and the state last
	 * reported in events.csv (settled once every model has reacted). */
	const char *why_down;
	bool reached;
	bool down;
	dcs_time_t down_since, down_ns;
	int outages;
	dcs_handle_t settle_ev;
	double unserved_weighted_s; /* client-share-weighted seconds requests were lost */
	dcs_time_t paused_at;       /* the VM stopped (stop-and-copy): requests are held */
	double held_requests;
	dcs_time_t held_max;
	/* What limited the tromboned flows (summary limited_by): bytes of
	 * stopped flows per limit, and for each limit the segment, demand and
	 * link-share rate of the last flow it held most. */
	double lim_bytes[DCS_LIMIT_COUNT];
	struct {
		int a, b;
		double demand, share_rate_Bps;
	} lim_at[DCS_LIMIT_COUNT];
};

struct dcs_l3 {
	struct dcs_world *w;
	int n_sites;
	struct svc *s;
	size_t n;
	struct dcs_table *tab;
	dcs_time_t sample_ns;
	int64_t k;
	double *w0, *w1; /* scratch weights per site */
};

/* ---- figures ---- */

double dcs_vrrp_master_down_s(int priority, double advert_s)
{
	return 3 * advert_s + (256 - priority) / 256.0 * advert_s;
}

double dcs_l3_dns_ttl_eff_s(const struct dcs_service_cfg *s)
{
	return s->dns_ttl_s > s->dns_client_floor_s ? s->dns_ttl_s : s->dns_client_floor_s;
}

double dcs_l3_health_check_s(const struct dcs_service_cfg *s)
{
	return isnan(s->health_check_s) ? dcs_ingress_method(DCS_INGRESS_RHI)->health_check_s
					: s->health_check_s;
}

double dcs_l3_probe_up_s(const struct dcs_service_cfg *s)
{
	return isnan(s->probe_up_s) ? dcs_ingress_method(DCS_INGRESS_RHI)->probe_up_s
				    : s->probe_up_s;
}

double dcs_l3_routing_convergence_s(const struct dcs_service_cfg *s)
{
	return isnan(s->routing_convergence_s)
		   ? dcs_ingress_advert_s((enum dcs_bgp_session)s->bgp_session)
		   : s->routing_convergence_s;
}

double dcs_l3_dns_violator_hold_s(const struct dcs_service_cfg *s)
{
	return isnan(s->dns_violator_hold_s) ? dcs_ingress_method(DCS_INGRESS_DNS)->violator_hold_s
					     : s->dns_violator_hold_s;
}

static dcs_time_t ow(const struct dcs_l3 *L, int a, int b)
{
	return dcs_net_one_way(L->w->net, a, b);
}

static dcs_time_t add_ow(dcs_time_t acc, dcs_time_t x)
{
	return acc == DCS_TIME_NEVER || x == DCS_TIME_NEVER ? DCS_TIME_NEVER : acc + x;
}

/* Where the service runs: its VM's site, or where its cluster runs it (the
 * last such site while the cluster runs it nowhere). */
static int vm_site(const struct svc *S)
{
	if (S->cfg->vm >= 0)
		return dcs_world_vm_site(S->L->w, S->cfg->vm);
	int s = dcs_world_service_site(S->L->w, S->cfg->cluster);
	return s >= 0 ? s : S->v;
}

/* Why the serving side cannot answer now, or NULL: a service is available
 * when its VM runs (or its cluster runs it), its site is up and its storage
 * is writable there (and, see refresh(), some client reaches it). */
static const char *down_reason(const struct svc *S, int v)
{
	const struct dcs_world *w = S->L->w;
	if (S->cfg->vm < 0 && dcs_world_service_site(w, S->cfg->cluster) < 0)
		return "the cluster runs it nowhere";
	if (S->cfg->vm >= 0 && !dcs_world_vm_running(w, S->cfg->vm))
		return "its VM is not running (stopped for a switchover or lost)";
	if (!dcs_net_site_up(w->net, v))
		return "its site is down";
	if (!dcs_world_site_writable(w, v))
		return "its storage is not writable there";
	return NULL;
}

/* ---- ingress weights ---- */

/* The RHI route group g follows: the nearest site whose host route reaches
 * the clients (BGP prefers the closest exit when both sites advertise the
 * same /32); between equally near sites the route heard first, as BGP's
 * best-path selection keeps the oldest of equal external paths (RFC 5004;
 * Cisco's "prefer the oldest external path" step), so the choice does not
 * depend on the order the sites are listed in; -1 when none does (a
 * withdrawal before the new site's injection: the clients have no route,
 * the service is unreachable). */
static int rhi_ingress(const struct svc *S, const struct group *g)
{
	int best = -1;
	dcs_time_t best_ow = DCS_TIME_NEVER;
	for (int x = 0; x < S->L->n_sites; x++) {
		if (!S->rhi_up[x])
			continue;
		dcs_time_t d = dcs_net_one_way(S->L->w->net, g->site, x);
		if (best < 0 ||
		    (d != DCS_TIME_NEVER && (best_ow == DCS_TIME_NEVER || d < best_ow)) ||
		    (d == best_ow && S->rhi_since[x] < S->rhi_since[best])) {
			best = x;
			best_ow = d;
		}
	}
	return best;
}

/* Adds `share` of the answers held at time t into w[]: answers fetched
 * uniformly over (t - L, t] (a TTL of L), each record weighed by the part of
 * that window it held. */
static void dns_window(const struct svc *S, dcs_time_t t, double L, double share, double *w)
{
	if (!(L > 0)) {
		w[S->hist[S->nhist - 1].site] += share;
		return;
	}
	double hi = dcs_time_to_s(t), lo = hi - L;
	for (size_t i = 0; i < S->nhist; i++) {
		double a = i == 0 ? -INFINITY : dcs_time_to_s(S->hist[i].t);
		double b = i + 1 < S->nhist ? dcs_time_to_s(S->hist[i + 1].t) : INFINITY;
		double from = a > lo ? a : lo, to = b < hi ? b : hi;
		if (to > from)
			w[S->hist[i].site] += share * (to - from) / L;
	}
}

/* Share of group g's requests entering at each site at time t (into w[]). */
static void ingress_weights(const struct svc *S, const struct group *g, dcs_time_t t, double *w)
{
	int n = S->L->n_sites;
	for (int x = 0; x < n; x++)
		w[x] = 0;
	switch (S->cfg->ingress) {
	case DCS_INGRESS_NONE:
		w[S->home] = 1;
		return;
	case DCS_INGRESS_RHI: {
		int x = rhi_ingress(S, g);
		if (x >= 0)
			w[x] = 1;
		return;
	}
	case DCS_INGRESS_LISP:
		w[g->lisp_site] = 1;
		return;
	case DCS_INGRESS_DNS:
		break;
	}
	/* Honest resolvers hold an answer for the effective TTL, violators for
	 * their hold time. */
	double viol = S->cfg->dns_violator_share;
	dns_window(S, t, S->hold_s, viol, w);
	dns_window(S, t, S->ttl_eff_s, 1 - viol, w);
}

static bool tromboned(const struct group *g, int x)
{
	return g->rtt_via[x] != DCS_TIME_NEVER && g->rtt_via[x] > g->rtt_opt;
}

/* ---- integration ---- */

static void hist_add(struct svc *S, double rtt_ms, double weight)
{
	if (!(weight > 0))
		return;
	double x = rtt_ms < RTT_LO_MS ? RTT_LO_MS : rtt_ms;
	if (x >= RTT_HI_MS)
		x = RTT_HI_MS / RTT_RATIO;
	gsl_histogram_accumulate(S->h_w, x, weight);
	gsl_histogram_accumulate(S->h_wx, x, weight * rtt_ms);
}

static double hist_quantile(const struct svc *S, double q)
{
	double total = gsl_histogram_sum(S->h_w);
	if (!(total > 0))
		return NAN;
	double cum = 0;
	size_t n = gsl_histogram_bins(S->h_w);
	for (size_t i = 0; i < n; i++) {
		double wi = gsl_histogram_get(S->h_w, i);
		if (!(wi > 0))
			continue;
		cum += wi;
		if (cum >= q * total * (1 - 1e-12))
			return gsl_histogram_get(S->h_wx, i) / wi;
	}
	return NAN;
}

/* Integrates everything from the last change up to now, with the state that
 * held in between (ingress state unchanged yet, RTTs from the cache). */
static void advance(struct svc *S)
{
	struct dcs_l3 *L = S->L;
	dcs_time_t now = dcs_now(L->w->k);
	double dt = dcs_time_to_s(now - S->last_t);
	if (dt <= 0) {
		S->last_t = now;
		return;
	}
	bool any = false;
	bool held = S->paused_at >= 0; /* held requests are answered at resume */
	for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
		struct group *g = &S->g[gi];
		ingress_weights(S, g, S->last_t, L->w0);
		ingress_weights(S, g, now, L->w1);
		for (int x = 0; x < L->n_sites; x++) {
			double avg = (L->w0[x] + L->w1[x]) / 2;
			if (avg > 0 && g->rtt_via[x] == DCS_TIME_NEVER && !held)
				S->unserved_weighted_s += g->share * avg * dt;
			if (!(avg > 0) || g->rtt_via[x] == DCS_TIME_NEVER)
				continue;
			hist_add(S, dcs_time_to_ms(g->rtt_via[x]),
				 S->cfg->rps * g->share * avg * dt);
			if (tromboned(g, x)) {
				S->trombone_weighted_s += g->share * avg * dt;
				any = true;
			}
		}
	}
	if (any)
		S->trombone_s += dt;
	S->last_t = now;
}

/* ---- trombone flows ---- */

static void leg_account(struct svc *S, struct leg *lg)
{
	struct dcs_net *net = S->L->w->net;
	double carried = 0, delivered = INFINITY;
	for (int i = 0; i < 2; i++) {
		if (!lg->f[i])
			continue;
		double s = dcs_flow_sent(net, lg->f[i]);
		carried += s;
		if (s < delivered)
			delivered = s;
	}
	if (!isfinite(delivered))
		return;
	/* The direct path would have crossed sites once when a != b. */
	S->extra_bytes += carried - (lg->a != lg->b ? delivered : 0);
}

/* Adds a flow's bytes per limit to into[] (S->lim_bytes for a flow that
 * stops; a scratch copy at the end of the run for flows still running). */
static void flow_limits(struct svc *S, struct dcs_flow *f, int a, int b, double demand,
			double *into)
{
	struct dcs_net *net = S->L->w->net;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		into[l] += dcs_flow_limit_bytes(net, f, (enum dcs_limit)l);
	enum dcs_limit main = dcs_flow_main_limit(f);
	S->lim_at[main].a = a;
	S->lim_at[main].b = b;
	S->lim_at[main].demand = demand;
	if (dcs_flow_limited_by(f) == DCS_LIMIT_LINK_SHARE)
		S->lim_at[main].share_rate_Bps = dcs_flow_rate_Bps(f);
}

static void leg_limits(struct svc *S, struct leg *lg, double *into)
{
	int ends[2][2] = {{lg->a, lg->m}, {lg->m, lg->b}};
	for (int i = 0; i < 2; i++)
		if (lg->f[i])
			flow_limits(S, lg->f[i], ends[i][0], ends[i][1], lg->demand, into);
}

static void leg_stop(struct svc *S, struct leg *lg)
{
	leg_account(S, lg);
	leg_limits(S, lg, S->lim_bytes);
	for (int i = 0; i < 2; i++)
		if (lg->f[i]) {
			dcs_flow_stop(S->L->w->net, lg->f[i]);
			lg->f[i] = NULL;
		}
	lg->demand = 0;
}

static void leg_set(struct svc *S, struct leg *lg, int a, int m, int b, double demand)
{
	bool live = lg->f[0] || lg->f[1];
	if (live && (demand <= 0 || lg->a != a || lg->m != m || lg->b != b))
		leg_stop(S, lg);
	live = lg->f[0] || lg->f[1];
	if (demand <= 0)
		return;
	if (live) {
		for (int i = 0; i < 2; i++)
			if (lg->f[i])
				dcs_flow_set_demand(S->L->w->net, lg->f[i], demand);
		lg->demand = demand;
		return;
	}
	lg->a = a;
	lg->m = m;
	lg->b = b;
	lg->demand = demand;
	int ends[2][2] = {{a, m}, {m, b}};
	for (int i = 0; i < 2; i++) {
		if (ends[i][0] == ends[i][1])
			continue;
		struct dcs_flow_spec spec = {
		    .src = ends[i][0],
		    .dst = ends[i][1],
		    .bytes = INFINITY,
		    .demand_Bps = demand,
		    .streams = 1,
		    .window_bytes = 0,
		    /* Requests and responses: an offered load, not a bulk transfer. */
		    .offered = true,
		    .label = S->cfg->id,
		};
		lg->f[i] = dcs_flow_start(S->L->w->net, &spec);
	}
}

/* ---- evaluation ---- */

struct view {
	double trombone, unreachable, rtt_ms;
	int ingress;
	bool down;
};

static struct view group_view(const struct svc *S, const struct group *g, const double *w)
{
	struct view v = {0, 0, 0, -1, S->why_down != NULL};
	double best = -1, rtt_sum = 0;
	for (int x = 0; x < S->L->n_sites; x++) {
		if (!(w[x] > 0))
			continue;
		if (w[x] > best + 1e-12) {
			best = w[x];
			v.ingress = x;
		}
		if (g->rtt_via[x] == DCS_TIME_NEVER) {
			v.unreachable += w[x];
			continue;
		}
		rtt_sum += w[x] * dcs_time_to_ms(g->rtt_via[x]);
		if (tromboned(g, x))
			v.trombone += w[x];
	}
	if (best < 0)
		v.unreachable = 1; /* no route at all (RHI between withdrawal and injection) */
	double reach = 1 - v.unreachable;
	v.rtt_ms = reach > 1e-12 ? rtt_sum / reach : NAN;
	return v;
}

static const char *state_name(const struct view *v)
{
	if (v->down)
		return "down";
	if (!(1 - v->unreachable > 1e-12))
		return "unreachable";
	return v->trombone > 1e-12 ? "trombone" : "optimal";
}

/* ---- availability ---- */

struct svc_ref {
	struct svc *S;
	int group;
};

static bool is_down(const struct svc *S)
{
	return S->why_down || !S->reached;
}

/* Reports a change of availability once every model has reacted to what
 * changed it (an event at the same instant runs after them), so a state
 * that lasts no time is never reported. */
static void settle_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)ctx;
	struct svc_ref r;
	memcpy(&r, payload, sizeof(r));
	struct svc *S = r.S;
	S->settle_ev = 0;
	bool down = is_down(S);
	if (down == S->down)
		return;
	dcs_time_t now = dcs_now(k);
	struct dcs_results *res = S->L->w->res;
	S->down = down;
	if (down) {
		S->down_since = now;
		S->outages++;
		dcs_event(res, now, "service_down", S->cfg->id, "%s",
			  S->why_down ? S->why_down : "no client group reaches it");
	} else {
		S->down_ns += now - S->down_since;
		dcs_event(res, now, "service_up", S->cfg->id, "available again after %.6g s",
			  dcs_time_to_s(now - S->down_since));
	}
}

static void request_settle(struct svc *S)
{
	if (is_down(S) == S->down || S->settle_ev)
		return;
	struct svc_ref r = {S, -1};
	struct dcs_kernel *k = S->L->w->k;
	S->settle_ev = dcs_schedule(k, dcs_now(k), settle_event, S->L, &r, sizeof(r));
}

/* The VM resumed after a stop of T seconds: the requests that arrived
 * meanwhile (rps x T, uniformly over the stop) are answered now, each
 * after its wait plus its group's round trip. */
#define HELD_SLICES 16

static void release_held(struct svc *S)
{
	struct dcs_l3 *L = S->L;
	dcs_time_t now = dcs_now(L->w->k);
	double T = dcs_time_to_s(now - S->paused_at);
	S->paused_at = -1;
	if (!(T > 0))
		return;
	S->held_requests += S->cfg->rps * T;
	if (dcs_time_from_s(T) > S->held_max)
		S->held_max = dcs_time_from_s(T);
	for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
		struct group *g = &S->g[gi];
		ingress_weights(S, g, now, L->w1);
		for (int x = 0; x < L->n_sites; x++) {
			if (!(L->w1[x] > 0) || g->rtt_via[x] == DCS_TIME_NEVER)
				continue;
			double each = S->cfg->rps * g->share * L->w1[x] * T / HELD_SLICES;
			for (int k = 0; k < HELD_SLICES; k++)
				hist_add(S,
					 dcs_time_to_ms(g->rtt_via[x]) +
					     (k + 0.5) / HELD_SLICES * T * 1e3,
					 each);
		}
	}
}

/* Re-reads the network, caches each group's RTTs, sets the trombone flows
 * and notes when the service reaches optimal paths after a move. */
static void refresh(struct svc *S)
{
	struct dcs_l3 *L = S->L;
	dcs_time_t now = dcs_now(L->w->k);
	int v = vm_site(S);
	S->why_down = down_reason(S, v);
	bool vm_up = !S->why_down;
	S->reached = false;
	int e = S->cfg->gateway == DCS_GW_LOCALIZED ? v : S->gw;
	S->v = v;
	S->egress = e;
	dcs_time_t server = dcs_time_from_ms(S->cfg->server_ms);
	double rps = S->cfg->rps;
	bool all_optimal = true;
	for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
		struct group *g = &S->g[gi];
		int c = g->site;
		dcs_time_t back = add_ow(ow(L, v, e), ow(L, e, c));
		g->rtt_opt =
		    vm_up ? add_ow(add_ow(ow(L, c, v), ow(L, v, c)), server) : DCS_TIME_NEVER;
		for (int x = 0; x < L->n_sites; x++) {
			dcs_time_t there = add_ow(ow(L, c, x), ow(L, x, v));
			g->rtt_via[x] =
			    vm_up ? add_ow(add_ow(there, back), server) : DCS_TIME_NEVER;
		}
		ingress_weights(S, g, now, L->w1);
		double delivered = 0;
		for (int x = 0; x < L->n_sites; x++) {
			double d = 0;
			if (g->rtt_via[x] != DCS_TIME_NEVER)
				delivered += L->w1[x];
			if (L->w1[x] > 0 && g->rtt_via[x] != DCS_TIME_NEVER &&
			    add_ow(ow(L, c, x), ow(L, x, v)) > ow(L, c, v))
				d = L->w1[x] * g->share * rps * S->req_bytes;
			leg_set(S, &g->req[x], c, x, v, d);
		}
		double d = 0;
		if (vm_up && back != DCS_TIME_NEVER && back > ow(L, v, c))
			d = delivered * g->share * rps * S->resp_bytes;
		leg_set(S, &g->resp, v, e, c, d);
		struct view gv = group_view(S, g, L->w1);
		all_optimal &= strcmp(state_name(&gv), "optimal") == 0;
		S->reached |= delivered > 1e-12;
	}
	request_settle(S);
	if (S->moves > 0 && !S->optimal_reached && all_optimal) {
		S->optimal_reached = true;
		S->time_to_optimal_s = dcs_time_to_s(now - S->moved_at);
		dcs_event(L->w->res, now, "paths_optimal", S->cfg->id,
			  "every client group on its optimal path %.6g s after the move",
			  S->time_to_optimal_s);
	}
}

/* ---- mechanisms ---- */

/* An RHI host route from site r.group (a site index here) reaches the
 * clients (r.up) or is withdrawn from them. */
struct rhi_ref {
	struct svc *S;
	int site;
	int up;
};

static void rhi_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)ctx;
	struct rhi_ref r;
	memcpy(&r, payload, sizeof(r));
	struct svc *S = r.S;
	S->rhi_ev[r.site] = 0;
	advance(S);
	S->rhi_up[r.site] = r.up;
	S->rhi_since[r.site] = dcs_now(k);
	dcs_event(S->L->w->res, dcs_now(k), "ingress", S->cfg->id,
		  r.up ? "RHI host route from %s reaches the clients (probe up, then BGP)"
		       : "RHI host route from %s withdrawn (probe down, then BGP)",
		  S->L->w->scn->sites[r.site].id);
	refresh(S);
}

/* After a move to `to`: the new site's route is injected once its probe
 * passes (probe-up) and reaches the clients one advertisement interval
 * later; every other site's route is withdrawn once its probe has failed
 * long enough (mark-down), one advertisement interval later too.  A
 * pending change the move makes moot is cancelled. */
static void rhi_moved(struct svc *S, int to)
{
	struct dcs_kernel *k = S->L->w->k;
	for (int x = 0; x < S->L->n_sites; x++) {
		bool want = x == to;
		if (S->rhi_ev[x]) {
			dcs_cancel(k, S->rhi_ev[x]);
			S->rhi_ev[x] = 0;
		}
		if (S->rhi_up[x] == want)
			continue;
		struct rhi_ref r = {S, x, want};
		double d = (want ? S->up_s : S->hc_s) + S->rc_s;
		S->rhi_ev[x] =
		    dcs_schedule_in(k, dcs_time_from_s(d), rhi_event, S->L, &r, sizeof(r));
	}
}

static void lisp_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)ctx;
	struct svc_ref r;
	memcpy(&r, payload, sizeof(r));
	struct svc *S = r.S;
	struct group *g = &S->g[r.group];
	g->lisp_ev = 0;
	advance(S);
	g->lisp_site = vm_site(S);
	dcs_event(S->L->w->res, dcs_now(k), "ingress", S->cfg->id,
		  "LISP map-cache of clients at %s now points at %s",
		  S->L->w->scn->sites[g->site].id, S->L->w->scn->sites[g->lisp_site].id);
	refresh(S);
}

static void kink_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)ctx;
	struct svc_ref r;
	memcpy(&r, payload, sizeof(r));
	advance(r.S);
	refresh(r.S);
}

/* LISP: a packet to the old xTR, its SMR back, then a Map-Request/Reply
 * round trip with the new site's xTR.  Clients at the new site are served by
 * their own xTR at once; a dead old xTR sends no SMR, so the stale entry
 * lasts the map-cache TTL. */
static dcs_time_t lisp_delay(const struct dcs_l3 *L, int c, int old, int to)
{
	if (c == to)
		return 0;
	dcs_time_t to_old = ow(L, c, old), to_new = ow(L, c, to);
	dcs_time_t smr =
	    to_old == DCS_TIME_NEVER
		? dcs_time_from_s(dcs_ingress_method(DCS_INGRESS_LISP)->map_cache_ttl_s)
		: 2 * to_old;
	return smr + (to_new == DCS_TIME_NEVER ? 0 : 2 * to_new);
}

static int backup_site(const struct svc *S)
{
	int v = vm_site(S);
	const struct dcs_net *net = S->L->w->net;
	if (v != S->home && dcs_net_site_up(net, v))
		return v;
	for (int s = 0; s < S->L->n_sites; s++)
		if (s != S->home && dcs_net_site_up(net, s))
			return s;
	return S->home;
}

static void vrrp_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)ctx;
	struct svc_ref r;
	memcpy(&r, payload, sizeof(r));
	struct svc *S = r.S;
	S->vrrp_ev = 0;
	advance(S);
	S->gw = backup_site(S);
	dcs_event(S->L->w->res, dcs_now(k), "gateway", S->cfg->id,
		  "VRRP backup at %s is master after %.6g s without adverts",
		  S->L->w->scn->sites[S->gw].id,
		  dcs_vrrp_master_down_s(S->cfg->vrrp_priority, S->cfg->vrrp_advert_s));
	refresh(S);
}

/* The VM's site hears the home master, or not: start or cancel the backup's
 * master down timer, or let the master preempt. */
static void vrrp_check(struct svc *S)
{
	if (S->cfg->gateway != DCS_GW_SINGLE)
		return;
	struct dcs_l3 *L = S->L;
	int v = vm_site(S);
	bool heard =
	    dcs_net_site_up(L->w->net, S->home) && dcs_net_reachable(L->w->net, v, S->home);
	if (S->gw == S->home) {
		if (heard && S->vrrp_ev) {
			dcs_cancel(L->w->k, S->vrrp_ev);
			S->vrrp_ev = 0;
		} else if (!heard && !S->vrrp_ev) {
			struct svc_ref r = {S, -1};
			double md =
			    dcs_vrrp_master_down_s(S->cfg->vrrp_priority, S->cfg->vrrp_advert_s);
			S->vrrp_ev = dcs_schedule_in(L->w->k, dcs_time_from_s(md), vrrp_event, L,
						     &r, sizeof(r));
		}
	} else if (heard) {
		S->gw = S->home; /* RFC 5798 Preempt_Mode defaults to true */
		dcs_event(L->w->res, dcs_now(L->w->k), "gateway", S->cfg->id,
			  "VRRP master at %s preempts again", L->w->scn->sites[S->home].id);
	}
}

static void on_moved(struct svc *S, const struct dcs_note *n)
{
	struct dcs_l3 *L = S->L;
	struct dcs_kernel *k = L->w->k;
	dcs_time_t now = dcs_now(k);
	S->moves++;
	S->moved_at = now;
	S->optimal_reached = false;
	S->time_to_optimal_s = INFINITY;
	switch (S->cfg->ingress) {
	case DCS_INGRESS_NONE:
		break;
	case DCS_INGRESS_RHI:
		rhi_moved(S, n->to);
		break;
	case DCS_INGRESS_LISP:
		for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
			struct group *g = &S->g[gi];
			if (g->lisp_ev)
				dcs_cancel(k, g->lisp_ev);
			g->lisp_ev = 0;
			dcs_time_t d = lisp_delay(L, g->site, g->lisp_site, n->to);
			if (d == 0) {
				g->lisp_site = n->to;
				continue;
			}
			struct svc_ref r = {S, (int)gi};
			g->lisp_ev = dcs_schedule_in(k, d, lisp_event, L, &r, sizeof(r));
		}
		break;
	case DCS_INGRESS_DNS: {
		if (S->nhist == S->cap) {
			size_t cap = S->cap * 2;
			struct dns_change *h =
			    dcs_xrealloc(S->hist, cap * sizeof(*h), "recording DNS changes");
			S->hist = h;
			S->cap = cap;
		}
		S->hist[S->nhist++] = (struct dns_change){now, n->to};
		struct svc_ref r = {S, -1};
		if (S->ttl_eff_s > 0)
			dcs_schedule_in(k, dcs_time_from_s(S->ttl_eff_s), kink_event, L, &r,
					sizeof(r));
		if (S->hold_s > 0 && S->cfg->dns_violator_share > 0)
			dcs_schedule_in(k, dcs_time_from_s(S->hold_s), kink_event, L, &r,
					sizeof(r));
		break;
	}
	}
	vrrp_check(S);
}

static void on_note(void *ctx, const struct dcs_note *n)
{
	struct dcs_l3 *L = ctx;
	for (size_t i = 0; i < L->n; i++) {
		struct svc *S = &L->s[i];
		bool vm_note = n->kind == DCS_NOTE_VM_MOVED || n->kind == DCS_NOTE_VM_PAUSED ||
			       n->kind == DCS_NOTE_VM_RESUMED;
		if (vm_note && (S->cfg->vm < 0 || n->index != S->cfg->vm))
			continue;
		if (n->kind == DCS_NOTE_SERVICE_SITE && n->index != S->cfg->cluster)
			continue;
		advance(S);
		switch (n->kind) {
		case DCS_NOTE_VM_MOVED:
			on_moved(S, n);
			break;
		case DCS_NOTE_SERVICE_SITE:
			/* The cluster started its service at another site: clients
			 * follow as after a VM's move. */
			if (n->to >= 0 && n->to != S->v)
				on_moved(S, n);
			else
				vrrp_check(S);
			break;
		case DCS_NOTE_VM_PAUSED:
			S->paused_at = dcs_now(L->w->k);
			break;
		case DCS_NOTE_VM_RESUMED:
			break;
		default:
			vrrp_check(S);
			break;
		}
		refresh(S);
		if (n->kind == DCS_NOTE_VM_RESUMED && S->paused_at >= 0)
			release_held(S);
	}
}

/* ---- samples ---- */

static void sample(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct dcs_l3 *L = ctx;
	const struct dcs_scenario *scn = L->w->scn;
	dcs_time_t now = dcs_now(k);
	for (size_t i = 0; i < L->n; i++) {
		struct svc *S = &L->s[i];
		advance(S);
		refresh(S);
		for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
			struct group *g = &S->g[gi];
			ingress_weights(S, g, now, L->w1);
			struct view v = group_view(S, g, L->w1);
			dcs_row_begin(L->tab);
			dcs_cell_time_s(L->tab, now);
			dcs_cell_str(L->tab, S->cfg->id);
			dcs_cell_str(L->tab, scn->sites[g->site].id);
			dcs_cell_str(L->tab, scn->sites[S->v].id);
			dcs_cell_str(L->tab, v.ingress >= 0 ? scn->sites[v.ingress].id : "");
			dcs_cell_str(L->tab, scn->sites[S->egress].id);
			if (isnan(v.rtt_ms))
				dcs_cell_str(L->tab, "");
			else
				dcs_cell_num(L->tab, v.rtt_ms);
			dcs_cell_str(L->tab, state_name(&v));
			dcs_cell_num(L->tab, v.trombone);
			dcs_row_end(L->tab);
		}
	}
	L->k++;
	dcs_time_t next = L->k * L->sample_ns;
	if (next <= L->w->horizon)
		dcs_schedule(k, next, sample, L, NULL, 0);
}

/* ---- the query for the cluster model ---- */

double dcs_l3_ip_move_convergence_s(void *ctx, int from, int to)
{
	const struct dcs_l3 *L = ctx;
	const struct svc *S = &L->s[0];
	const struct dcs_service_cfg *c = S->cfg;
	const struct dcs_net *net = L->w->net;
	bool from_ok = dcs_net_site_up(net, from) && dcs_net_reachable(net, from, to);
	double in = 0;
	switch (c->ingress) {
	case DCS_INGRESS_NONE:
		/* Traffic keeps entering at the old site and trombones: it arrives
		 * while that site is up and joined to the new one. */
		in = from_ok ? 0 : INFINITY;
		break;
	case DCS_INGRESS_DNS:
		in = S->ttl_eff_s;
		break;
	case DCS_INGRESS_RHI:
		/* With the old site up its route still carries the clients (they
		 * trombone) until the new one's is in; without it they wait for
		 * the new site's probe and advertisement. */
		in = from_ok ? 0 : S->up_s + S->rc_s;
		break;
	case DCS_INGRESS_LISP:
		for (size_t gi = 0; gi < c->n_clients; gi++) {
			double d = dcs_time_to_s(lisp_delay(L, c->clients[gi].site, from, to));
			if (d > in)
				in = d;
		}
		break;
	}
	double out = 0;
	if (c->gateway == DCS_GW_SINGLE && S->home == from && !from_ok)
		out = dcs_vrrp_master_down_s(c->vrrp_priority, c->vrrp_advert_s);
	return in > out ? in : out;
}

/* ---- lifecycle ---- */

static void l3_destroy(void *state)
{
	struct dcs_l3 *L = state;
	if (!L)
		return;
	for (size_t i = 0; L->s && i < L->n; i++) { /* L->s: NULL when create ran short */
		struct svc *S = &L->s[i];
		if (S->g)
			for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
				free(S->g[gi].rtt_via);
				free(S->g[gi].req);
			}
		free(S->g);
		free(S->hist);
		free(S->rhi_up);
		free(S->rhi_ev);
		free(S->rhi_since);
		if (S->h_w)
			gsl_histogram_free(S->h_w);
		if (S->h_wx)
			gsl_histogram_free(S->h_wx);
	}
	free(L->s);
	free(L->w0);
	free(L->w1);
	free(L);
}

static gsl_histogram *rtt_histogram(void)
{
	size_t n = (size_t)ceil(log(RTT_HI_MS / RTT_LO_MS) / log(RTT_RATIO));
	gsl_histogram *h = gsl_histogram_alloc(n);
	if (!h)
		return NULL;
	double *range = malloc((n + 1) * sizeof(double));
	if (!range) {
		gsl_histogram_free(h);
		return NULL;
	}
	for (size_t i = 0; i <= n; i++)
		range[i] = RTT_LO_MS * pow(RTT_RATIO, (double)i);
	gsl_histogram_set_ranges(h, range, n + 1);
	free(range);
	return h;
}

static int svc_init(struct dcs_l3 *L, struct svc *S, const struct dcs_service_cfg *cfg)
{
	const struct dcs_scenario *scn = L->w->scn;
	S->L = L;
	S->cfg = cfg;
	if (cfg->vm >= 0) {
		S->home = scn->vms[cfg->vm].site;
	} else {
		const struct dcs_cluster_cfg *c = &scn->clusters[cfg->cluster];
		S->home = c->nodes[c->service_on >= 0 ? c->service_on : 0].site;
	}
	S->paused_at = -1;
	S->gw = S->home;
	S->v = S->egress = S->home;
	S->ttl_eff_s = dcs_l3_dns_ttl_eff_s(cfg);
	S->hold_s = dcs_l3_dns_violator_hold_s(cfg);
	S->hc_s = dcs_l3_health_check_s(cfg);
	S->up_s = dcs_l3_probe_up_s(cfg);
	S->rc_s = dcs_l3_routing_convergence_s(cfg);
	S->rhi_up = calloc((size_t)L->n_sites, sizeof(bool));
	S->rhi_ev = calloc((size_t)L->n_sites, sizeof(dcs_handle_t));
	S->rhi_since = calloc((size_t)L->n_sites, sizeof(dcs_time_t));
	if (!S->rhi_up || !S->rhi_ev || !S->rhi_since)
		return -1;
	S->rhi_up[S->home] = true;
	S->req_bytes = cfg->request_kib * 1024;
	S->resp_bytes = cfg->response_kib * 1024;
	S->time_to_optimal_s = NAN;
	S->cap = 4;
	S->hist = calloc(S->cap, sizeof(*S->hist));
	S->g = calloc(cfg->n_clients + 1, sizeof(*S->g));
	S->h_w = rtt_histogram();
	S->h_wx = rtt_histogram();
	if (!S->hist || !S->g || !S->h_w || !S->h_wx)
		return -1;
	S->hist[0] = (struct dns_change){0, S->home};
	S->nhist = 1;
	for (size_t gi = 0; gi < cfg->n_clients; gi++) {
		struct group *g = &S->g[gi];
		g->site = cfg->clients[gi].site;
		g->share = cfg->clients[gi].share;
		g->lisp_site = S->home;
		g->rtt_via = calloc((size_t)L->n_sites, sizeof(dcs_time_t));
		g->req = calloc((size_t)L->n_sites, sizeof(struct leg));
		if (!g->rtt_via || !g->req)
			return -1;
	}
	return 0;
}

static int l3_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	if (scn->n_services == 0)
		return 0;
	struct dcs_l3 *L = calloc(1, sizeof(*L));
	if (!L)
		return -1;
	L->w = w;
	L->n_sites = (int)scn->n_sites;
	L->n = scn->n_services;
	L->s = calloc(L->n, sizeof(*L->s));
	L->w0 = calloc(scn->n_sites, sizeof(double));
	L->w1 = calloc(scn->n_sites, sizeof(double));
	if (!L->s || !L->w0 || !L->w1)
		goto fail;
	for (size_t i = 0; i < L->n; i++)
		if (svc_init(L, &L->s[i], &scn->services[i]) != 0)
			goto fail;
	static const enum dcs_note_kind kinds[] = {
	    DCS_NOTE_VM_MOVED,   DCS_NOTE_SITE_STATE,    DCS_NOTE_PATHS_CHANGED, DCS_NOTE_VM_PAUSED,
	    DCS_NOTE_VM_RESUMED, DCS_NOTE_STORAGE_STATE, DCS_NOTE_SERVICE_SITE};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!dcs_bus_subscribe(w->bus, kinds[i], on_note, L))
			goto fail;
	L->sample_ns = dcs_time_from_s(scn->output.sample_s);
	w->q.ip_move_convergence_s = dcs_l3_ip_move_convergence_s;
	w->q.l3_ctx = L;
	*state = L;
	return 0;
fail:
	l3_destroy(L);
	return -1;
}

/* Whether a migration plan of the scenario moves the VM (by name, or by
 * evacuating the site it starts at). */
static bool vm_planned_to_move(const struct dcs_scenario *scn, int vm)
{
	for (size_t i = 0; vm >= 0 && i < scn->n_migrations; i++) {
		const struct dcs_migration_cfg *c = &scn->migrations[i];
		if (c->vm == vm || (c->vm < 0 && c->evacuate == scn->vms[vm].site))
			return true;
	}
	return false;
}

/* Before the first event: ingress that follows a VM which is going to move,
 * while its default gateway stays a single VRRP master at the home site,
 * trombones every response back through the home site for as long as the
 * VM stays away -- however fast the ingress converges (docs/models.md §5). */
static void preflight(struct dcs_l3 *L)
{
	const struct dcs_scenario *scn = L->w->scn;
	for (size_t i = 0; i < L->n; i++) {
		const struct svc *S = &L->s[i];
		const struct dcs_service_cfg *c = S->cfg;
		if (c->ingress == DCS_INGRESS_NONE || c->gateway != DCS_GW_SINGLE ||
		    !vm_planned_to_move(scn, c->vm))
			continue;
		dcs_warn(L->w->res, 0, c->id,
			 "ingress follows %s (%s) but the default gateway is a single VRRP master "
			 "at %s: once %s moves, every response goes back through %s for as long "
			 "as the VM stays away; \"gateway\": \"localized\" answers at the VM's "
			 "site",
			 scn->vms[c->vm].id, dcs_ingress_method(c->ingress)->name,
			 scn->sites[S->home].id, scn->vms[c->vm].id, scn->sites[S->home].id);
	}
}

static void l3_start(struct dcs_world *w, void *state)
{
	struct dcs_l3 *L = state;
	L->tab = dcs_results_table(w->res, "paths.csv", DCS_L3_PATHS_HEADER);
	for (size_t i = 0; i < L->n; i++) {
		L->s[i].last_t = dcs_now(w->k);
		refresh(&L->s[i]);
	}
	L->k = 1;
	if (L->sample_ns > 0 && L->sample_ns <= w->horizon)
		dcs_schedule(w->k, L->sample_ns, sample, L, NULL, 0);
	preflight(L);
}

/* summary.csv: what limited the service's tromboned traffic (offered_load:
 * the DCI carried what the clients sent) and what would lift it (net.h,
 * dcs_net_lift); nothing when it never tromboned. */
static void bottleneck_summary(struct svc *S)
{
	struct dcs_results *res = S->L->w->res;
	double lim[DCS_LIMIT_COUNT];
	memcpy(lim, S->lim_bytes, sizeof(lim));
	for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
		for (int x = 0; x < S->L->n_sites; x++)
			leg_limits(S, &S->g[gi].req[x], lim);
		leg_limits(S, &S->g[gi].resp, lim);
	}
	int best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		if (lim[l] > most) {
			most = lim[l];
			best = l;
		}
	if (best == DCS_LIMIT_NONE)
		return;
	dcs_summary_text(
	    res, "limited_by", S->cfg->id,
	    best == DCS_LIMIT_DEMAND ? "offered_load" : dcs_limit_name((enum dcs_limit)best), "");
	double v;
	const char *metric, *unit;
	if (best != DCS_LIMIT_DEMAND &&
	    dcs_net_lift(S->L->w->net, S->lim_at[best].a, S->lim_at[best].b, (enum dcs_limit)best,
			 1, 0, S->lim_at[best].demand, S->lim_at[best].share_rate_Bps, &v, &metric,
			 &unit))
		dcs_summary(res, metric, S->cfg->id, v, unit);
}

static void l3_finish(struct dcs_world *w, void *state)
{
	struct dcs_l3 *L = state;
	for (size_t i = 0; i < L->n; i++) {
		struct svc *S = &L->s[i];
		const char *id = S->cfg->id;
		advance(S);
		double extra = S->extra_bytes;
		for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
			for (int x = 0; x < L->n_sites; x++)
				leg_account(S, &S->g[gi].req[x]);
			leg_account(S, &S->g[gi].resp);
		}
		dcs_summary(w->res, "l3_trombone_s", id, S->trombone_s, "s");
		dcs_summary(w->res, "l3_trombone_weighted_s", id, S->trombone_weighted_s, "s");
		if (S->moves > 0)
			dcs_summary(w->res, "l3_time_to_optimal_s", id, S->time_to_optimal_s, "s");
		dcs_summary(w->res, "l3_extra_dci_bytes", id, S->extra_bytes, "B");
		S->extra_bytes = extra; /* finish may be followed by more running in tests */
		dcs_summary(w->res, "l3_rtt_p50_ms", id, hist_quantile(S, 0.50), "ms");
		dcs_summary(w->res, "l3_rtt_p95_ms", id, hist_quantile(S, 0.95), "ms");
		if (S->cfg->gateway == DCS_GW_SINGLE)
			dcs_summary(
			    w->res, "l3_vrrp_master_down_s", id,
			    dcs_vrrp_master_down_s(S->cfg->vrrp_priority, S->cfg->vrrp_advert_s),
			    "s");
		bottleneck_summary(S);
		dcs_time_t end = dcs_now(w->k);
		double down_s = dcs_time_to_s(S->down_ns + (S->down ? end - S->down_since : 0));
		double dur = dcs_time_to_s(end);
		dcs_summary(w->res, "service_availability", id, dur > 0 ? 1 - down_s / dur : 1,
			    "ratio");
		dcs_summary(w->res, "service_downtime_s", id, down_s, "s");
		dcs_summary(w->res, "service_outages", id, S->outages, "count");
		dcs_summary(w->res, "service_request_availability", id,
			    dur > 0 ? 1 - S->unserved_weighted_s / dur : 1, "ratio");
		dcs_summary(w->res, "service_held_requests", id, S->held_requests, "count");
		dcs_summary(w->res, "service_held_max_ms", id, dcs_time_to_ms(S->held_max), "ms");
	}
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def l3_metrics[] = {
    {"l3_trombone_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds some client group's traffic crossed the DCI needlessly after a move"},
    {"l3_trombone_weighted_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "trombone seconds weighted by the share of requests that tromboned"},
    {"l3_time_to_optimal_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "time from a move until every client group is on its optimal path"},
    {"l3_extra_dci_bytes", "B", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "bytes tromboned traffic added to the DCI"},
    {"l3_rtt_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE, "median request round trip"},
    {"l3_rtt_p95_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "95th percentile request round trip"},
    {"l3_vrrp_master_down_s", "s", DCS_BETTER_LOWER, DCS_METRIC_SETTING,
     "VRRP master-down interval: how long a backup waits before taking over"},
    {"service_availability", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "share of the run the service was available: its VM running (or its cluster running it), "
     "its site up, its storage writable there and some client group reaching it"},
    {"service_downtime_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds the service was not available (the service_down to service_up intervals)"},
    {"service_outages", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT, "times the service went down"},
    {"service_request_availability", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "share of the clients' requests answered (held requests count as answered, late)"},
    {"service_held_requests", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "requests that waited while the service's VM was stopped for a switchover"},
    {"service_held_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "the longest such wait: the longest stop of the service's VM"},
};

static const struct dcs_event_def l3_events[] = {
    {"events.csv", "paths_optimal", DCS_SEV_GOOD,
     "every client group is on its optimal path again after a move"},
    {"events.csv", "ingress", DCS_SEV_INFO, "the ingress mechanism now enters at another site"},
    {"events.csv", "gateway", DCS_SEV_INFO, "the default gateway's master moved"},
    {"events.csv", "service_down", DCS_SEV_FAILURE,
     "a service is no longer available; the detail says why"},
    {"events.csv", "service_up", DCS_SEV_GOOD, "a service is available again"},
};

/* What planners ask about first (metrics.h): the reports chart these first. */
static const struct dcs_headline l3_headlines[] = {
    {"l3_trombone_s", 5},
    {"l3_time_to_optimal_s", 8},
};

static const struct dcs_metric_family l3_family = {
    .producer = "l3",
    .metrics = l3_metrics,
    .n_metrics = sizeof(l3_metrics) / sizeof(l3_metrics[0]),
    .events = l3_events,
    .n_events = sizeof(l3_events) / sizeof(l3_events[0]),
    .headlines = l3_headlines,
    .n_headlines = sizeof(l3_headlines) / sizeof(l3_headlines[0]),
};

const struct dcs_model_ops dcs_model_l3 = {
    .name = "l3",
    .create = l3_create,
    .start = l3_start,
    .finish = l3_finish,
    .destroy = l3_destroy,
    .metrics = &l3_family,
};

struct dcs_l3 *dcs_l3_of(struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (dcs_models[i] == &dcs_model_l3)
			return w->model_state[i];
	return NULL;
}
