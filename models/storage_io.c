/*
 * dcisim storage over distance: the closed loop of I/O.  Each workload's
 * slots think, issue an I/O by its plan, wait for the array queue and the
 * network, and record the completion's latency per site, operation and
 * phase; I/O held by a frozen pair waits and is released or failed when the
 * state resolves.  Holds the arrival event, one per I/O in steady state
 * (it also records the slot's last completion, kept in the slot: struct
 * slot in storage_internal.h), and the completion event of I/O in flight
 * when the world changes.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

/* ---- recording ---- */

struct dcs_lathist *sto_site_hist(struct sto *m, int site, int op, bool disrupted)
{
	return &m->hist[(site * 2 + op) * 2 + disrupted];
}

/* A completed I/O: steady-state figures take only I/O that was never held;
 * the series over time (storage_series.csv) takes every one. */
static void record(struct sto *m, struct wl *wl, int site, int op, dcs_time_t lat, bool held)
{
	if (m->win) {
		/* Into the sample's window: sto_windows_fold() adds it to the
		 * run's histogram when the window closes, unless a view keeps
		 * that histogram live. */
		dcs_lathist_add(&m->win[(site * 2 + op) * 2 + held], lat);
		m->win_seen[site * 2 + op] = true;
		if (m->hist_live)
			dcs_lathist_add(sto_site_hist(m, site, op, held), lat);
	} else {
		dcs_lathist_add(sto_site_hist(m, site, op, held), lat);
	}
	wl->done++;
	if (held)
		return;
	wl->lat_sum_ns[op] += lat;
	wl->lat_n[op]++;
	if (op == DCS_OP_WRITE)
		dcs_lathist_add(wl->writes, lat);
	if (wl->cfg->vm >= 0) {
		int ph = site != wl->home_site;
		if (!wl->phase[ph][op]) {
			wl->phase[ph][op] = calloc(1, sizeof(struct dcs_lathist));
			if (!wl->phase[ph][op])
				sto_oom();
		}
		dcs_lathist_add(wl->phase[ph][op], lat);
	}
}

static void count_write(struct sto *m, const struct wl *wl, int site, const struct opplan *o,
			int array)
{
	if (o->divergent)
		m->divergent[site]++;
	if (o->one_sided)
		m->aa.missed[array] += wl->bytes;
}

/* Holds the I/O of slot s; `again` when it was held before (it is counted
 * once). */
static void hold(struct sto *m, struct slot *s, dcs_time_t t_issue, int site, int op,
		 enum hold_kind kind, bool again)
{
	struct wl *wl = s->wl;
	if (m->n_held == m->cap_held) {
		size_t cap = m->cap_held ? 2 * m->cap_held : 1024;
		struct held *h = realloc(m->held, cap * sizeof(*h));
		if (!h)
			sto_oom();
		m->held = h;
		m->cap_held = cap;
	}
	m->held[m->n_held++] =
	    (struct held){t_issue, wl->idx, (int)(s - wl->slots), site, (int8_t)op, (int8_t)kind};
	if (again)
		return;
	wl->held++;
	wl->pause_held += kind == HOLD_PAUSE;
	m->held_ios[site]++;
}

/* An I/O leaves the hold after waiting since t_issue. */
static void unhold(struct sto *m, struct wl *wl, int site, dcs_time_t t_issue)
{
	dcs_time_t wait = sto_now_of(m) - t_issue;
	if (wait > wl->held_max)
		wl->held_max = wait;
	if (wait > m->held_max[site])
		m->held_max[site] = wait;
}

/* ---- the closed loop: slots think, issue, wait for completion ---- */

static dcs_time_t draw_exp_ns(gsl_rng *r, double mean_ns)
{
	/* Capped at 2^62 ns as think times are (think_from). */
	double ns = dcs_ran_exponential(r, mean_ns) + 0.5;
	return ns < 0x1p62 ? (dcs_time_t)ns : (dcs_time_t)1 << 62;
}

static void on_arrival(struct dcs_kernel *k, void *ctx, const void *payload);
static void on_done(struct dcs_kernel *k, void *ctx, const void *payload);

/* The next arrival of a slot that is free at `from`, after its think time
 * (the one drawn ahead and not spent, if any), or 0 when the workload has
 * stopped by then.  A tiny rate (iops 1e-12) draws gaps beyond any horizon,
 * and beyond int64: capped at 2^62 ns (146 years; horizons are at most 1e9
 * s). */
static dcs_handle_t think_from(struct sto *m, struct slot *s, dcs_time_t from)
{
	struct wl *wl = s->wl;
	double z = s->has_z ? s->z : dcs_ran_exp1(wl->rng);
	s->z = z;
	s->has_z = false;
	double ns = wl->think_ns * z + 0.5;
	dcs_time_t next = from + (ns < 0x1p62 ? (dcs_time_t)ns : (dcs_time_t)1 << 62);
	if (next < wl->t_off && next <= m->w->horizon)
		return dcs_schedule(m->w->k, next, on_arrival, s, NULL, 0);
	return 0;
}

/* A slot that is free at `from` thinks, then issues its next I/O. */
static void think(struct sto *m, struct slot *s, dcs_time_t from)
{
	s->state = SLOT_FREE;
	s->arrival = 0;
	think_from(m, s, from);
}

/* The completion a slot holds is recorded, as of its time s->done. */
static void complete(struct sto *m, struct slot *s)
{
	s->state = SLOT_FREE;
	record(m, s->wl, s->site, s->op, s->done - s->t_issue, s->held);
}

/* Admits slot s's I/O to the arrays of its plan now.  Its completion time
 * is known here, so the slot's think time after it is drawn now and its
 * next arrival scheduled, the completion kept in the slot (one kernel event
 * per I/O; struct slot). */
static void serve(struct sto *m, struct slot *s, int site, int op, const struct opplan *o,
		  dcs_time_t t_issue, bool held)
{
	struct wl *wl = s->wl;
	dcs_time_t now = sto_now_of(m), done = now;
	for (int l = 0; l < o->nlegs; l++) {
		struct arr *a = &m->arr[o->leg[l].array];
		dcs_time_t service =
		    a->fixed ? (dcs_time_t)a->mean_ns[op] : draw_exp_ns(a->rng, a->mean_ns[op]);
		dcs_time_t t = dcs_mcq_admit(&a->q, now, service) + o->leg[l].extra +
			       sto_leg_queue(m, &o->leg[l]) + sto_chan_delay(m, o->leg[l].chan);
		if (t > done)
			done = t;
		if (o->leg[l].chan >= 0)
			m->chans[o->leg[l].chan]->issued += wl->bytes;
	}
	done += sto_chan_delay(m, o->access_chan);
	if (o->access_chan >= 0)
		m->chans[o->access_chan]->issued += wl->bytes;
	if (o->async_chan >= 0)
		sto_chan_delay(m, o->async_chan); /* keeps the backlog current */
	if (op == DCS_OP_WRITE && (o->divergent || o->one_sided))
		count_write(m, wl, site, o, o->leg[0].array);
	assert(s->state == SLOT_FREE);
	s->t_issue = t_issue;
	s->done = done;
	s->epoch = m->epoch;
	s->site = (int8_t)site;
	s->op = (int8_t)op;
	s->held = held;
	s->state = SLOT_DONE_LAZY;
	s->arrival = think_from(m, s, done);
}

/* Issues slot s's I/O from wherever the workload's host is now; `held`
 * when it already waited out a pause. */
static void issue(struct sto *m, struct slot *s, int op, dcs_time_t t_issue, bool held)
{
	struct wl *wl = s->wl;
	int site = sto_wl_site(m, wl);
	const struct opplan *o = &sto_plan_get(m, wl, site)->op[op];
	m->relevant[site] = true;
	switch (o->kind) {
	case PLAN_SERVE:
		serve(m, s, site, op, o, t_issue, held);
		return;
	case PLAN_HOLD:
		hold(m, s, t_issue, site, op, HOLD_FREEZE, held);
		return;
	case PLAN_FAIL:
		m->failed[site]++;
		break;
	case PLAN_IDLE:
		break;
	}
	think(m, s, sto_now_of(m)); /* refused at once: the slot is free again */
}

/* Records the completions the slots hold that happened at or before upto:
 * before anything reads the figures.  A pass over every slot, per sample,
 * view and the end: depth / (iops x sample) slots per I/O, a think time over
 * a sample period. */
void sto_settle(struct sto *m, dcs_time_t upto)
{
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		for (int j = 0; j < wl->depth; j++)
			if (wl->slots[j].state == SLOT_DONE_LAZY && wl->slots[j].done <= upto)
				complete(m, &wl->slots[j]);
	}
}

/* The world is about to change: the I/O in flight of wl (NULL: every
 * workload) completes by an event of its own at its completion time, which
 * plans it again then, as a completion always did.  A new epoch keeps the
 * arrivals drawn ahead (a completion that still serves or fails leaves the
 * slot to think as drawn); `rethink` (a new think time) cancels them, and
 * the completion schedules the arrival again with the same draw.  I/O that
 * already completed is recorded now. */
void sto_split_slots(struct sto *m, struct wl *only, bool rethink)
{
	dcs_time_t now = sto_now_of(m);
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		if (only && wl != only)
			continue;
		for (int j = 0; j < wl->depth; j++) {
			struct slot *s = &wl->slots[j];
			if (s->state != SLOT_DONE_LAZY)
				continue;
			if (s->done < now) {
				complete(m, s);
				continue;
			}
			if (rethink || !s->arrival) {
				if (s->arrival)
					dcs_cancel(m->w->k, s->arrival);
				s->arrival = 0;
				s->has_z = true;
			}
			s->state = SLOT_DONE_EVENT;
			s->done_ev = dcs_schedule(m->w->k, s->done, on_done, s, NULL, 0);
		}
	}
}

/* After a pass over the first n held I/Os that kept `keep` of them in
 * place: the ones held again during the pass (appended after n) follow. */
static void drop_released(struct sto *m, size_t keep, size_t n)
{
	if (m->n_held > n)
		memmove(m->held + keep, m->held + n, (m->n_held - n) * sizeof(*m->held));
	m->n_held = keep + (m->n_held - n);
}

/* Held I/O of the mirror freeze completes (healed: plus its remote leg) or
 * fails, now that the mirror's state is decided. */
void sto_resolve_held(struct sto *m)
{
	size_t keep = 0, n = m->n_held;
	/* Released I/O may be held again (appended): look at the first n only. */
	for (size_t k = 0; k < n; k++) {
		struct held h = m->held[k];
		struct wl *wl = &m->wls[h.wl];
		if (h.kind != HOLD_FREEZE) {
			m->held[keep++] = h;
			continue;
		}
		struct opplan o;
		sto_plan_op(m, wl, h.site, h.op, &o);
		if (o.kind == PLAN_HOLD) {
			m->held[keep++] = h;
			continue;
		}
		unhold(m, wl, h.site, h.t_issue);
		if (o.kind == PLAN_SERVE) {
			serve(m, &wl->slots[h.slot], h.site, h.op, &o, h.t_issue, true);
		} else {
			m->failed[h.site]++;
			think(m, &wl->slots[h.slot], sto_now_of(m));
		}
	}
	drop_released(m, keep, n);
}

/* The VM of `wl` resumed: what it held is issued now, from its new site. */
void sto_release_paused(struct sto *m, struct wl *wl)
{
	size_t keep = 0, n = m->n_held;
	for (size_t k = 0; k < n; k++) {
		struct held h = m->held[k];
		if (h.kind != HOLD_PAUSE || h.wl != wl->idx) {
			m->held[keep++] = h;
			continue;
		}
		unhold(m, wl, h.site, h.t_issue);
		issue(m, &wl->slots[h.slot], h.op, h.t_issue, true);
	}
	drop_released(m, keep, n);
}

/* ---- events: arrivals and completions ---- */

/* The completion of slot s split from its arrival (sto_split_slots), now:
 * does it still complete as planned?  False when it is held; then the
 * think time drawn ahead is kept for later, unspent. */
static bool finish_split(struct sto *m, struct slot *s)
{
	struct wl *wl = s->wl;
	s->state = SLOT_FREE;
	if (s->epoch != m->epoch) {
		struct opplan o;
		sto_plan_op(m, wl, s->site, s->op, &o);
		if (o.kind == PLAN_HOLD) {
			if (s->arrival)
				dcs_cancel(m->w->k, s->arrival);
			s->arrival = 0;
			s->has_z = true;
			hold(m, s, s->t_issue, s->site, s->op, HOLD_FREEZE, s->held);
			return false;
		}
		if (o.kind != PLAN_SERVE) {
			m->failed[s->site]++;
			return true;
		}
	}
	complete(m, s);
	return true;
}

static void on_done(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct slot *s = ctx;
	struct sto *m = s->wl->m;
	if (finish_split(m, s) && !s->arrival)
		think(m, s, dcs_now(k));
}

/* A slot's think time ended: the completion it holds is recorded, and it
 * issues an I/O, or holds it while its VM is stopped. */
static void on_arrival(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct slot *s = ctx;
	struct wl *wl = s->wl;
	struct sto *m = wl->m;
	s->arrival = 0; /* running: its handle is stale */
	if (s->state == SLOT_DONE_LAZY) {
		complete(m, s);
	} else if (s->state == SLOT_DONE_EVENT) {
		/* Its split completion falls at this instant too. */
		dcs_cancel(k, s->done_ev);
		if (!finish_split(m, s))
			return;
	}
	if (dcs_now(k) >= wl->t_off)
		return;
	int op = gsl_rng_get(wl->rng) < wl->read_cut ? DCS_OP_READ : DCS_OP_WRITE;
	if (wl->paused) {
		hold(m, s, dcs_now(k), sto_wl_site(m, wl), op, HOLD_PAUSE, false);
		return;
	}
	issue(m, s, op, dcs_now(k), false);
}

/* The workload's slots start thinking. */
void sto_start_slots(struct sto *m, struct wl *wl)
{
	wl->active = true;
	for (int i = 0; i < wl->depth; i++)
		think(m, &wl->slots[i], sto_now_of(m));
}
