/*
 * The layer-3 path model, the paths: the ingress weights of each client group
 * (none, RHI, LISP, DNS with its TTL window), the exact integration of the
 * metrics between two events into the RTT histogram, the flows of a
 * tromboned path and what held them, and a group's view (trombone,
 * unreachable, RTT).  The overview and sources are in models/l3.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_histogram.h>

#include "dcisim/ingress.h"
#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/xalloc.h"
#include "l3_internal.h"
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
void l3_ingress_weights(const struct svc *S, const struct group *g, dcs_time_t t, double *w)
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

void l3_hist_add(struct svc *S, double rtt_ms, double weight)
{
	if (!(weight > 0))
		return;
	double x = rtt_ms < RTT_LO_MS ? RTT_LO_MS : rtt_ms;
	if (x >= RTT_HI_MS)
		x = RTT_HI_MS / RTT_RATIO;
	gsl_histogram_accumulate(S->h_w, x, weight);
	gsl_histogram_accumulate(S->h_wx, x, weight * rtt_ms);
}

double l3_hist_quantile(const struct svc *S, double q)
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
void l3_advance(struct svc *S)
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
		l3_ingress_weights(S, g, S->last_t, L->w0);
		l3_ingress_weights(S, g, now, L->w1);
		for (int x = 0; x < L->n_sites; x++) {
			double avg = (L->w0[x] + L->w1[x]) / 2;
			if (avg > 0 && g->rtt_via[x] == DCS_TIME_NEVER && !held)
				S->unserved_weighted_s += g->share * avg * dt;
			if (!(avg > 0) || g->rtt_via[x] == DCS_TIME_NEVER)
				continue;
			l3_hist_add(S, dcs_time_to_ms(g->rtt_via[x]),
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

void l3_leg_account(struct svc *S, struct leg *lg)
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

void l3_leg_limits(struct svc *S, struct leg *lg, double *into)
{
	int ends[2][2] = {{lg->a, lg->m}, {lg->m, lg->b}};
	for (int i = 0; i < 2; i++)
		if (lg->f[i])
			flow_limits(S, lg->f[i], ends[i][0], ends[i][1], lg->demand, into);
}

static void leg_stop(struct svc *S, struct leg *lg)
{
	l3_leg_account(S, lg);
	l3_leg_limits(S, lg, S->lim_bytes);
	for (int i = 0; i < 2; i++)
		if (lg->f[i]) {
			dcs_flow_stop(S->L->w->net, lg->f[i]);
			lg->f[i] = NULL;
		}
	lg->demand = 0;
}

void l3_leg_set(struct svc *S, struct leg *lg, int a, int m, int b, double demand)
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

struct view l3_group_view(const struct svc *S, const struct group *g, const double *w)
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

const char *l3_state_name(const struct view *v)
{
	if (v->down)
		return "down";
	if (!(1 - v->unreachable > 1e-12))
		return "unreachable";
	return v->trombone > 1e-12 ? "trombone" : "optimal";
}
