/*
 * dcisim storage over distance: plans, how an I/O from a site is served in
 * the current state of arrays, sites and the active-active pair: which
 * array it enters, which legs and network segments it crosses, or whether
 * it is held or refused.  Plans are cached per workload and site and
 * recomputed when the world changes (models/storage_react.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

/* ---- plans: how an I/O from a site is served in the current state ---- */

int sto_array_index_at(const struct sto *m, int site)
{
	return m->array_at[site];
}

/* The array a host at h enters: its own site's, else the nearest reachable
 * (the preferred one on a tie). */
static int entry_array(struct sto *m, int h)
{
	int a = sto_array_index_at(m, h);
	if (a >= 0)
		return a;
	int best = -1;
	dcs_time_t best_rtt = DCS_TIME_NEVER;
	for (int k = 0; k < m->n_arrays; k++) {
		int i = (m->pref + k) % m->n_arrays;
		if (!sto_reach(m, h, m->arr[i].site))
			continue;
		dcs_time_t r = storage_rtt(m, h, m->arr[i].site);
		if (best < 0 || r < best_rtt) {
			best = i;
			best_rtt = r;
		}
	}
	return best;
}

static struct leg *add_leg(struct opplan *o, int array, int chan, dcs_time_t extra)
{
	struct leg *lg = &o->leg[o->nlegs++];
	lg->array = array;
	lg->chan = chan;
	lg->extra = extra;
	lg->nseg = 0;
	return lg;
}

/* The round trips of one I/O of `wl` (NULL: a probe) from a to b, whose
 * queues it pays when issued. */
static void add_seg(struct leg *lg, int a, int b, int n)
{
	if (a == b)
		return;
	struct seg *sg = &lg->seg[lg->nseg++];
	sg->a = a;
	sg->b = b;
	sg->n = n;
}

/* The host at h reaches array i: one leg, with its access channel. */
static void serve_via(struct sto *m, const struct wl *wl, int h, int op, int i, struct opplan *o)
{
	int S = m->arr[i].site;
	if (!m->arr[i].up || !sto_reach(m, h, S)) {
		o->kind = PLAN_FAIL;
		return;
	}
	o->kind = PLAN_SERVE;
	if (h != S)
		o->access_chan = op == DCS_OP_WRITE ? sto_chan_id(m, h, S) : sto_chan_id(m, S, h);
	add_seg(add_leg(o, i, -1, sto_net_time(m, wl, h, S, op)), h, S,
		sto_trips_n(m, wl, h, S, wl ? wl->rtt_n[op] : 1));
}

static void plan_aa(struct sto *m, const struct wl *wl, int h, int op, struct opplan *o)
{
	int i = entry_array(m, h);
	if (i < 0) {
		o->kind = PLAN_FAIL;
		return;
	}
	int j = 1 - i;
	switch (m->aa.st) {
	case AA_MIRROR:
		serve_via(m, wl, h, op, i, o);
		if (o->kind == PLAN_SERVE && op == DCS_OP_WRITE) {
			int S = m->arr[i].site, R = m->arr[j].site;
			struct leg *lg = add_leg(o, j, sto_chan_id(m, S, R),
						 o->leg[0].extra + sto_mirror_time(m, wl, S, R));
			lg->nseg = o->leg[0].nseg;
			lg->seg[0] = o->leg[0].seg[0];
			add_seg(lg, S, R,
				sto_trips_n(m, wl, S, R, m->cfg->replication_round_trips));
		}
		return;
	case AA_FROZEN:
		if (op == DCS_OP_WRITE) {
			o->kind = sto_reach(m, h, m->arr[i].site) ? PLAN_HOLD : PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, i, o);
		return;
	case AA_DETACHED:
		if (!m->aa.serving[i]) {
			o->kind = PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, i, o);
		o->divergent = op == DCS_OP_WRITE && m->aa.serving[j];
		o->one_sided = op == DCS_OP_WRITE;
		return;
	case AA_SINGLE:
		if (m->aa.single < 0) {
			o->kind = PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, m->aa.single, o);
		o->one_sided = op == DCS_OP_WRITE;
		return;
	}
}

/* The array holding a workload's volume (shared, async): its site's array,
 * or for a VM the array where the VM started, else the preferred array. */
static int volume_array(const struct sto *m, const struct wl *wl, int h)
{
	if (wl)
		return wl->primary;
	int a = sto_array_index_at(m, h);
	return a >= 0 ? a : m->pref;
}

void sto_plan_op(struct sto *m, const struct wl *wl, int h, int op, struct opplan *o)
{
	memset(o, 0, sizeof(*o));
	o->access_chan = o->async_chan = -1;
	if (!sto_site_up(m, h)) {
		o->kind = PLAN_IDLE;
		return;
	}
	switch (m->cfg->mode) {
	case DCS_STORAGE_SHARED:
		serve_via(m, wl, h, op, 0, o);
		return;
	case DCS_STORAGE_ASYNC: {
		int i = volume_array(m, wl, h);
		serve_via(m, wl, h, op, i, o);
		if (o->kind == PLAN_SERVE && op == DCS_OP_WRITE)
			o->async_chan = sto_chan_id(m, m->arr[i].site, m->arr[1 - i].site);
		return;
	}
	case DCS_STORAGE_ACTIVE_ACTIVE:
		plan_aa(m, wl, h, op, o);
		return;
	}
}

const struct plan *sto_plan_get(struct sto *m, struct wl *wl, int site)
{
	struct plan *p = &wl->plan;
	if (p->epoch != m->epoch || p->site != site) {
		p->epoch = m->epoch;
		p->site = site;
		sto_plan_op(m, wl, site, DCS_OP_READ, &p->op[DCS_OP_READ]);
		sto_plan_op(m, wl, site, DCS_OP_WRITE, &p->op[DCS_OP_WRITE]);
	}
	return p;
}

int sto_wl_site(const struct sto *m, const struct wl *wl)
{
	return wl->cfg->vm >= 0 ? dcs_world_vm_site(m->w, wl->cfg->vm) : wl->cfg->site;
}
