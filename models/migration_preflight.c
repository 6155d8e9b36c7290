/*
 * Live migration, the estimate before the run: the fastest first round each
 * planned migration could have on the network as it is at the start, and the
 * warning, before the first event, for each plan whose first round alone
 * cannot end within the run.  The physics and sources are in
 * models/migration.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/metrics.h"
#include "migration_internal.h"

/* ---- the estimate before the run ---- */

/* The fastest round 0 of one VM from a to b can have, from the network as it
 * is at the start: its wire bytes (touched pages, compressed, zero pages as
 * flags; round_cost) over the best rate its flow could get -- the path's free
 * goodput (line rate minus background, times the framing's goodput
 * fraction), the streams' window and Mathis caps at the path's RTT and loss,
 * the engine's rate cap, and what the sender threads and the page scan can
 * prepare.  A lower bound: other flows, faults and queues only slow it.
 * *why names the binding cap.  INFINITY without a path. */
static double round0_floor_s(struct mstate *S, int vm, int a, int b, double *wire_out,
			     double *path_Bps, const char **why)
{
	struct dcs_world *w = S->w;
	const struct dcs_vm_cfg *v = &w->scn->vms[vm];
	const struct policy *P = &S->P;
	struct mig tmp = {.S = S, .used = v->used_gib * GIB, .ratio = v->compress_ratio};
	double raw = mig_round_up_pages(v->memory_gib * GIB, P->page_bytes), min_s;
	double wire = mig_round_cost(&tmp, raw, true, &min_s);
	double cap, line, bg, gf;
	*wire_out = wire;
	*path_Bps = INFINITY;
	*why = "";
	if (a == b || !dcs_net_reachable(w->net, a, b) ||
	    dcs_net_path_bottleneck(w->net, a, b, &cap, &line, &bg, &gf) < 0)
		return INFINITY;
	*path_Bps = cap;
	double rtt_s = dcs_time_to_s(dcs_net_rtt(w->net, a, b));
	struct {
		double Bps;
		const char *why;
	} caps[] = {
	    {cap, "the path's free capacity"},
	    {dcs_window_cap_Bps(P->streams, P->window_bytes, rtt_s), "the TCP window"},
	    {dcs_mathis_cap_Bps(P->streams, dcs_net_path_mss(w->net, a, b), rtt_s,
				dcs_net_path_loss(w->net, a, b)),
	     "the path's loss"},
	    {P->rate_cap_Bps, "the engine's rate cap"},
	    {min_s > 0 ? wire / min_s : INFINITY, "the sender threads or the page scan"},
	};
	double best = INFINITY;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (caps[i].Bps < best) {
			best = caps[i].Bps;
			*why = caps[i].why;
		}
	return best > 0 ? wire / best : INFINITY;
}

/* Warns, before the first event, about each plan whose round 0 alone cannot
 * end within the run (duration_s): memory over the best rate the path can
 * give (round0_floor_s).  An evacuation's round 0 needs at least its VMs'
 * bytes over the path's free capacity, and at least their single-VM times
 * spread over its concurrent slots.  Plans are taken in time order so that
 * a VM moved by an earlier plan leaves from where that plan put it. */
void mig_preflight(struct mstate *S)
{
	struct dcs_world *w = S->w;
	const struct dcs_scenario *scn = w->scn;
	int *where = mig_xcalloc(scn->n_vms, sizeof(int));
	size_t *order = mig_xcalloc(S->n_plans, sizeof(size_t));
	for (size_t i = 0; i < scn->n_vms; i++)
		where[i] = dcs_world_vm_site(w, (int)i);
	for (size_t i = 0; i < S->n_plans; i++) {
		size_t j = i;
		for (; j > 0 && S->plans[order[j - 1]].cfg->at_s > S->plans[i].cfg->at_s; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (size_t oi = 0; oi < S->n_plans; oi++) {
		const struct plan *p = &S->plans[order[oi]];
		const struct dcs_migration_cfg *c = p->cfg;
		double left_s = scn->duration_s - c->at_s, path_Bps = INFINITY, t = 0, sum_t = 0;
		double gib = 0, wire = 0;
		const char *why = "", *vwhy;
		size_t n = 0;
		int from = -1;
		for (size_t vm = 0; vm < scn->n_vms; vm++) {
			if (c->vm >= 0 ? (int)vm != c->vm : where[vm] != c->evacuate)
				continue;
			if (where[vm] == c->to)
				continue;
			double wv, pb;
			double tv = round0_floor_s(S, (int)vm, where[vm], c->to, &wv, &pb, &vwhy);
			from = where[vm];
			where[vm] = c->to;
			if (!isfinite(tv))
				continue; /* no path yet: the run says so when it happens */
			n++;
			gib += scn->vms[vm].memory_gib;
			sum_t += tv;
			wire += wv;
			path_Bps = fmin(path_Bps, pb);
			if (tv > t) {
				t = tv;
				why = vwhy;
			}
		}
		if (n == 0 || !(left_s > 0))
			continue;
		/* The engine's concurrency is the most an evacuation runs at once
		 * (plan_event may pick fewer on a narrow path). */
		double slots = c->vm >= 0              ? 1
			       : c->max_concurrent > 0 ? c->max_concurrent
						       : S->P.engine->concurrent;
		if (n > 1 && sum_t / slots > t) {
			t = sum_t / slots;
			why = "the VMs' own rates over the concurrent slots";
		}
		if (n > 1 && path_Bps > 0 && wire / path_Bps > t) {
			t = wire / path_Bps;
			why = "the path's free capacity";
		}
		if (t <= left_s)
			continue;
		char who[96], need[48];
		if (c->vm >= 0)
			snprintf(who, sizeof(who), "migrations[%d]", p->index);
		else
			snprintf(who, sizeof(who), "migrations[%d] (%zu VMs)", p->index, n);
		if (t >= 7200)
			snprintf(need, sizeof(need), "%.0f s (%.3g h)", t, t / 3600);
		else
			snprintf(need, sizeof(need), "%.0f s", t);
		dcs_warn(w->res, 0, c->vm >= 0 ? scn->vms[c->vm].id : scn->sites[c->evacuate].id,
			 "%s cannot finish: its first pre-copy round alone, %.4g GiB from %s to "
			 "%s, needs at least %s, held by %s, but the run ends %.6g s after it "
			 "starts; lengthen duration_s or give the migration more bandwidth",
			 who, gib, scn->sites[from].id, scn->sites[c->to].id, need, why, left_s);
	}
	free(order);
	free(where);
}
