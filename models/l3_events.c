/*
 * The layer-3 path model, the events: whether a service is available and the
 * storage I/O held while it is not, the ingress and gateway mechanisms (RHI
 * injection and withdrawal, LISP map updates, VRRP takeover) and the bus
 * notes that trigger them, the periodic samples, and the IP-move convergence
 * query for the cluster model.  The overview and sources are in models/l3.c.
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
		l3_ingress_weights(S, g, now, L->w1);
		for (int x = 0; x < L->n_sites; x++) {
			if (!(L->w1[x] > 0) || g->rtt_via[x] == DCS_TIME_NEVER)
				continue;
			double each = S->cfg->rps * g->share * L->w1[x] * T / HELD_SLICES;
			for (int k = 0; k < HELD_SLICES; k++)
				l3_hist_add(S,
					    dcs_time_to_ms(g->rtt_via[x]) +
						(k + 0.5) / HELD_SLICES * T * 1e3,
					    each);
		}
	}
}

/* Re-reads the network, caches each group's RTTs, sets the trombone flows
 * and notes when the service reaches optimal paths after a move. */
void l3_refresh(struct svc *S)
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
		l3_ingress_weights(S, g, now, L->w1);
		double delivered = 0;
		for (int x = 0; x < L->n_sites; x++) {
			double d = 0;
			if (g->rtt_via[x] != DCS_TIME_NEVER)
				delivered += L->w1[x];
			if (L->w1[x] > 0 && g->rtt_via[x] != DCS_TIME_NEVER &&
			    add_ow(ow(L, c, x), ow(L, x, v)) > ow(L, c, v))
				d = L->w1[x] * g->share * rps * S->req_bytes;
			l3_leg_set(S, &g->req[x], c, x, v, d);
		}
		double d = 0;
		if (vm_up && back != DCS_TIME_NEVER && back > ow(L, v, c))
			d = delivered * g->share * rps * S->resp_bytes;
		l3_leg_set(S, &g->resp, v, e, c, d);
		struct view gv = l3_group_view(S, g, L->w1);
		all_optimal &= strcmp(l3_state_name(&gv), "optimal") == 0;
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
	l3_advance(S);
	S->rhi_up[r.site] = r.up;
	S->rhi_since[r.site] = dcs_now(k);
	dcs_event(S->L->w->res, dcs_now(k), "ingress", S->cfg->id,
		  r.up ? "RHI host route from %s reaches the clients (probe up, then BGP)"
		       : "RHI host route from %s withdrawn (probe down, then BGP)",
		  S->L->w->scn->sites[r.site].id);
	l3_refresh(S);
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
	l3_advance(S);
	g->lisp_site = vm_site(S);
	dcs_event(S->L->w->res, dcs_now(k), "ingress", S->cfg->id,
		  "LISP map-cache of clients at %s now points at %s",
		  S->L->w->scn->sites[g->site].id, S->L->w->scn->sites[g->lisp_site].id);
	l3_refresh(S);
}

static void kink_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)ctx;
	struct svc_ref r;
	memcpy(&r, payload, sizeof(r));
	l3_advance(r.S);
	l3_refresh(r.S);
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
	l3_advance(S);
	S->gw = backup_site(S);
	dcs_event(S->L->w->res, dcs_now(k), "gateway", S->cfg->id,
		  "VRRP backup at %s is master after %.6g s without adverts",
		  S->L->w->scn->sites[S->gw].id,
		  dcs_vrrp_master_down_s(S->cfg->vrrp_priority, S->cfg->vrrp_advert_s));
	l3_refresh(S);
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

void l3_on_note(void *ctx, const struct dcs_note *n)
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
		l3_advance(S);
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
		l3_refresh(S);
		if (n->kind == DCS_NOTE_VM_RESUMED && S->paused_at >= 0)
			release_held(S);
	}
}

/* ---- samples ---- */

void l3_sample(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct dcs_l3 *L = ctx;
	const struct dcs_scenario *scn = L->w->scn;
	dcs_time_t now = dcs_now(k);
	for (size_t i = 0; i < L->n; i++) {
		struct svc *S = &L->s[i];
		l3_advance(S);
		l3_refresh(S);
		for (size_t gi = 0; gi < S->cfg->n_clients; gi++) {
			struct group *g = &S->g[gi];
			l3_ingress_weights(S, g, now, L->w1);
			struct view v = l3_group_view(S, g, L->w1);
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
			dcs_cell_str(L->tab, l3_state_name(&v));
			dcs_cell_num(L->tab, v.trombone);
			dcs_row_end(L->tab);
		}
	}
	L->k++;
	dcs_time_t next = L->k * L->sample_ns;
	if (next <= L->w->horizon)
		dcs_schedule(k, next, l3_sample, L, NULL, 0);
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
