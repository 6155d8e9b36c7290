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
#include "l3_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_histogram.h>

#include "dcisim/ingress.h"
#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/xalloc.h"

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
		if (!dcs_bus_subscribe(w->bus, kinds[i], l3_on_note, L))
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
		l3_refresh(&L->s[i]);
	}
	L->k = 1;
	if (L->sample_ns > 0 && L->sample_ns <= w->horizon)
		dcs_schedule(w->k, L->sample_ns, l3_sample, L, NULL, 0);
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
			l3_leg_limits(S, &S->g[gi].req[x], lim);
		l3_leg_limits(S, &S->g[gi].resp, lim);
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
		l3_advance(S);
		double extra = S->extra_bytes;
		for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
			for (int x = 0; x < L->n_sites; x++)
				l3_leg_account(S, &S->g[gi].req[x]);
			l3_leg_account(S, &S->g[gi].resp);
		}
		dcs_summary(w->res, "l3_trombone_s", id, S->trombone_s, "s");
		dcs_summary(w->res, "l3_trombone_weighted_s", id, S->trombone_weighted_s, "s");
		if (S->moves > 0)
			dcs_summary(w->res, "l3_time_to_optimal_s", id, S->time_to_optimal_s, "s");
		dcs_summary(w->res, "l3_extra_dci_bytes", id, S->extra_bytes, "B");
		S->extra_bytes = extra; /* finish may be followed by more running in tests */
		dcs_summary(w->res, "l3_rtt_p50_ms", id, l3_hist_quantile(S, 0.50), "ms");
		dcs_summary(w->res, "l3_rtt_p95_ms", id, l3_hist_quantile(S, 0.95), "ms");
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
