/*
 * dcisim storage over distance: reacting to the world.  Offered load on the
 * replication channels, unavailability and writability per site, the sync
 * check against the product's supported distance, the active-active
 * decisions (freeze, detach, witness, split brain) and resynchronisation,
 * the bus notes that trigger them, workloads switching on and off, and the
 * periodic tick that writes replication.csv and storage_series.csv rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

/* ---- reacting to the world ---- */

static void recompute_offered(struct sto *m)
{
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	for (size_t c = 0; c < nn; c++)
		if (m->chans[c])
			m->chans[c]->next_offered = m->chans[c]->next_frames =
			    m->chans[c]->next_outstanding = 0;
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		if (!wl->active)
			continue;
		const struct plan *p = sto_plan_get(m, wl, sto_wl_site(m, wl));
		double frames = ceil(wl->bytes / DCS_FC_FRAME_PAYLOAD - 1e-12);
		for (int op = 0; op < 2; op++) {
			const struct opplan *o = &p->op[op];
			if (o->kind != PLAN_SERVE)
				continue;
			/* The offered rate, slowed with the VM and nothing while it
			 * is paused. */
			double ios = (wl->paused ? 0 : wl->cfg->iops * wl->speed) *
				     (op == DCS_OP_READ ? wl->read_ratio : 1 - wl->read_ratio);
			int cs[4] = {o->access_chan, o->async_chan, -1, -1};
			for (int l = 0; l < o->nlegs; l++)
				cs[2 + l] = o->leg[l].chan;
			for (int c = 0; c < 4; c++) {
				if (cs[c] < 0)
					continue;
				m->chans[cs[c]]->next_offered += ios * wl->bytes;
				m->chans[cs[c]]->next_frames += ios * frames;
				m->chans[cs[c]]->next_outstanding += wl->depth * wl->bytes;
			}
		}
	}
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch)
			continue;
		sto_chan_transport(m, ch);
		sto_chan_update(m, ch);
		ch->outstanding = ch->next_outstanding;
		sto_chan_set_offered(m, ch, ch->next_offered, ch->next_frames);
		bool r = sto_reach(m, ch->src, ch->dst);
		if (ch->async && ch->used && r != ch->reachable)
			dcs_event(m->w->res, sto_now_of(m),
				  r ? "storage_replication_resumed" : "storage_replication_stalled",
				  ch->label + 8, "backlog %.6g MiB", ch->backlog / 1048576.0);
		ch->reachable = r;
	}
}

void sto_update_unavailable(struct sto *m)
{
	dcs_time_t now = sto_now_of(m);
	for (int s = 0; s < m->n_sites; s++) {
		if (m->unavail_now[s])
			m->unavail_ns[s] += now - m->unavail_since[s];
		m->unavail_since[s] = now;
		struct opplan o;
		sto_plan_op(m, NULL, s, DCS_OP_WRITE, &o);
		m->unavail_now[s] = o.kind == PLAN_HOLD || o.kind == PLAN_FAIL;
	}
}

/* Tells the other models where hosts may write now (DCS_NOTE_STORAGE_STATE),
 * for each site whose answer changed. */
static void publish_writable(struct sto *m)
{
	for (int s = 0; s < m->n_sites; s++) {
		struct opplan o;
		sto_plan_op(m, NULL, s, DCS_OP_WRITE, &o);
		enum plan_kind was = (enum plan_kind)m->wstate[s];
		m->wstate[s] = (int8_t)o.kind;
		if ((was == PLAN_SERVE) == (o.kind == PLAN_SERVE) &&
		    (was == PLAN_HOLD) == (o.kind == PLAN_HOLD))
			continue;
		struct dcs_note n = {.kind = DCS_NOTE_STORAGE_STATE,
				     .index = s,
				     .up = o.kind == PLAN_SERVE,
				     .degraded = o.kind == PLAN_HOLD};
		dcs_bus_publish(m->w->bus, &n);
	}
}

/* The synchronous mirror against its product class's supported distance
 * (dcisim/syncproducts.h), on the path it takes now: the largest ratio seen
 * goes to summary.csv, and each time it passes 1 events.csv says so (the
 * loader already warned from the nominal path). */
static void sync_check(struct sto *m)
{
	if (m->cfg->mode != DCS_STORAGE_ACTIVE_ACTIVE || m->n_arrays < 2)
		return;
	int a = m->arr[0].site, b = m->arr[1].site;
	if (!sto_reach(m, a, b))
		return;
	double rtt_ms = dcs_time_to_ms(storage_rtt(m, a, b));
	double km = sto_path_km(m, a, b);
	int row = dcs_sync_limit_row(m->cfg->sync_product, rtt_ms, km);
	double ratio = dcs_sync_limit_ratio(m->cfg->sync_product, rtt_ms, km);
	if (ratio > m->sync_ratio_max)
		m->sync_ratio_max = ratio;
	bool over = ratio > 1;
	if (over && !m->sync_over) {
		const struct dcs_sync_product *p = dcs_sync_product(row);
		char pair[96];
		dcs_event(m->w->res, sto_now_of(m), "storage_sync_unsupported",
			  sto_pair_name(m, pair, sizeof(pair)),
			  "RTT %.4g ms over %.4g km is %.3g x the supported distance of %s "
			  "(%g ms RTT, %g km; 0: none stated; %s)",
			  rtt_ms, km, ratio, p->label, p->max_rtt_ms, p->max_km, p->source);
	}
	m->sync_over = over;
}

static void start_resync(struct sto *m, int from, int to, double bytes);

static void aa_decide(struct sto *m);

static void decide_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct sto *m = ctx;
	m->aa.decide_ev = 0;
	aa_decide(m);
}

const char *sto_pair_name(const struct sto *m, char *buf, size_t n)
{
	snprintf(buf, n, "%s-%s", sto_site_id(m, m->arr[0].site), sto_site_id(m, m->arr[1].site));
	return buf;
}

/* The detach rule, at the end of detach_delay_s. */
static void aa_decide(struct sto *m)
{
	int p = m->pref, o = 1 - p;
	bool alive[2];
	for (int i = 0; i < 2; i++)
		alive[i] = sto_site_up(m, m->arr[i].site) && m->arr[i].up;
	bool witness =
	    m->cfg->witness_site >= 0 && m->witness_up && sto_site_up(m, m->cfg->witness_site);
	const char *why;
	m->aa.serving[0] = m->aa.serving[1] = false;
	if (witness) {
		if (alive[p] && sto_witness_reach(m, m->arr[p].site)) {
			m->aa.serving[p] = true;
			why = "preferred site, witness reachable";
		} else if (alive[o] && sto_witness_reach(m, m->arr[o].site)) {
			m->aa.serving[o] = true;
			why = "chosen by the witness";
		} else {
			why = "no site reaches the witness";
		}
	} else if (m->cfg->split_brain == DCS_SPLIT_ALLOW) {
		m->aa.serving[p] = alive[p];
		m->aa.serving[o] = alive[o];
		why = "no witness, split_brain allow";
	} else {
		m->aa.serving[p] = alive[p];
		why = alive[p] ? "preferred site, no witness" : "preferred site lost, no witness";
	}
	m->aa.st = AA_DETACHED;
	m->aa.detaches++;
	dcs_time_t now = sto_now_of(m);
	char pair[96];
	sto_pair_name(m, pair, sizeof(pair));
	if (m->aa.serving[0] && m->aa.serving[1])
		dcs_event(m->w->res, now, "storage_split_brain", pair,
			  "both sites keep writing (%s); their writes diverge", why);
	for (int i = 0; i < 2; i++) {
		if (!sto_site_up(m, m->arr[i].site))
			continue;
		if (m->aa.serving[i])
			dcs_event(m->w->res, now, "storage_detach", sto_site_id(m, m->arr[i].site),
				  "continues alone (%s)", why);
		else
			dcs_event(m->w->res, now, "storage_suspend", sto_site_id(m, m->arr[i].site),
				  "suspends I/O (%s)", why);
	}
	sto_refresh(m);
	sto_resolve_held(m);
}

/* The mirror's state from what is up and reachable now. */
static void aa_evaluate(struct sto *m)
{
	int s0 = m->arr[0].site, s1 = m->arr[1].site;
	bool sites = sto_site_up(m, s0) && sto_site_up(m, s1);
	bool link = sites && sto_reach(m, s0, s1);
	bool arrays = m->arr[0].up && m->arr[1].up;
	dcs_time_t now = sto_now_of(m);
	char pair[96];
	sto_pair_name(m, pair, sizeof(pair));
	bool whole = link && arrays;
	switch (m->aa.st) {
	case AA_MIRROR:
		if (whole)
			return;
		if (link) {
			/* An array failed: the other leg serves both sites. */
			m->aa.st = AA_SINGLE;
			m->aa.single = m->arr[0].up ? 0 : m->arr[1].up ? 1 : -1;
			m->aa.since = now;
			if (m->aa.single >= 0)
				dcs_event(m->w->res, now, "storage_array_failover", pair,
					  "array at %s is down; %s serves both sites",
					  sto_site_id(m, m->arr[1 - m->aa.single].site),
					  sto_site_id(m, m->arr[m->aa.single].site));
			else
				dcs_event(m->w->res, now, "storage_array_failover", pair,
					  "both arrays are down");
			return;
		}
		m->aa.st = AA_FROZEN;
		m->aa.since = now;
		dcs_event(m->w->res, now, "storage_freeze", pair,
			  "mirror lost (%s); writes held for detach_delay %.6g s",
			  !sites ? "site down" : "sites cannot reach each other",
			  m->cfg->detach_delay_s);
		m->aa.decide_ev = dcs_schedule_in(m->w->k, dcs_time_from_s(m->cfg->detach_delay_s),
						  decide_event, m, NULL, 0);
		return;
	case AA_FROZEN:
		if (!whole)
			return;
		dcs_cancel(m->w->k, m->aa.decide_ev);
		m->aa.decide_ev = 0;
		m->aa.st = AA_MIRROR;
		dcs_event(m->w->res, now, "storage_heal", pair,
			  "mirror back after %.6g s, before the detach; %zu held writes complete",
			  dcs_time_to_s(now - m->aa.since), m->n_held);
		return;
	case AA_DETACHED:
	case AA_SINGLE: {
		if (m->aa.st == AA_SINGLE && link && m->aa.single >= 0 &&
		    !m->arr[m->aa.single].up) {
			/* The surviving leg failed too: the stale one cannot serve. */
			m->aa.single = -1;
			dcs_event(m->w->res, now, "storage_array_failover", pair,
				  "the serving array failed; no copy left");
			return;
		}
		if (!whole)
			return;
		/* The copy that kept serving is the source (the preferred one
		 * after a split: the other side's writes are discarded). */
		int from = m->aa.st == AA_SINGLE    ? m->aa.single
			   : m->aa.serving[m->pref] ? m->pref
						    : 1 - m->pref;
		if (from < 0)
			from = m->pref;
		double bytes = m->aa.missed[0] + m->aa.missed[1];
		dcs_event(m->w->res, now, "storage_resume", pair,
			  "mirror back after %.6g s; resynchronising %.6g MiB from %s",
			  dcs_time_to_s(now - m->aa.since), bytes / 1048576.0,
			  sto_site_id(m, m->arr[from].site));
		m->aa.st = AA_MIRROR;
		m->aa.missed[0] = m->aa.missed[1] = 0;
		start_resync(m, m->arr[from].site, m->arr[1 - from].site, bytes);
		return;
	}
	}
}

static void resync_done(void *ctx, struct dcs_flow *f)
{
	(void)f;
	struct sto *m = ctx;
	dcs_time_t now = sto_now_of(m);
	double s = dcs_time_to_s(now - m->aa.resync_start);
	m->aa.resync = NULL;
	m->aa.resync_s += s;
	dcs_event(m->w->res, now, "storage_resync_done", m->aa.resync_label, "%.6g MiB in %.6g s",
		  m->aa.resync_bytes / 1048576.0, s);
}

static void start_resync(struct sto *m, int from, int to, double bytes)
{
	if (m->aa.resync) {
		bytes += dcs_flow_remaining(m->w->net, m->aa.resync);
		dcs_flow_stop(m->w->net, m->aa.resync);
		m->aa.resync = NULL;
	}
	if (bytes <= 0)
		return;
	snprintf(m->aa.resync_label, sizeof(m->aa.resync_label), "storage resync %s->%s",
		 sto_site_id(m, from), sto_site_id(m, to));
	double cap = INFINITY, window = 0;
	if (sto_fc_native(m, from, to)) {
		cap = dcs_fc_credit_cap_Bps(m->cfg->fc.bb_credits, DCS_FC_FRAME_PAYLOAD,
					    storage_rtt(m, from, to), m->cfg->fc.speed_gbps);
	} else if (m->cfg->protocol == DCS_PROTO_FC) {
		cap = m->cfg->fc.fcip_max_bandwidth_mbps * 1e6 / 8;
		window = dcs_fcip_window_bytes(m->cfg->fc.fcip_max_bandwidth_mbps,
					       m->cfg->fc.fcip_rtt_ms,
					       dcs_time_to_s(storage_rtt(m, from, to)));
	}
	struct dcs_flow_spec spec = {.src = from,
				     .dst = to,
				     .bytes = bytes,
				     .demand_Bps = cap,
				     .window_bytes = window,
				     .streams = 1,
				     .label = m->aa.resync_label,
				     .on_done = resync_done,
				     .ctx = m};
	m->aa.resync_bytes = bytes;
	m->aa.resync_start = sto_now_of(m);
	m->aa.resyncs++;
	m->aa.resync = dcs_flow_start(m->w->net, &spec);
	if (!m->aa.resync)
		sto_oom();
}

/* Everything that depends on the state of the world, after it changed. */
void sto_refresh(struct sto *m)
{
	sto_split_slots(m, NULL, false); /* I/O in flight completes as of the new state */
	m->epoch++;
	if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE) {
		enum aa_state before = m->aa.st;
		aa_evaluate(m);
		if (m->aa.st != before)
			m->epoch++;
		if (before == AA_FROZEN && m->aa.st != AA_FROZEN)
			sto_resolve_held(m);
	}
	recompute_offered(m);
	sto_update_unavailable(m);
	sync_check(m);
	publish_writable(m);
}

void sto_on_note(void *ctx, const struct dcs_note *n)
{
	struct sto *m = ctx;
	switch (n->kind) {
	case DCS_NOTE_ARRAY_STATE: {
		int a = n->index >= 0 && n->index < m->n_sites ? m->array_at[n->index] : -1;
		if (a < 0)
			return;
		m->arr[a].up = n->up;
		break;
	}
	case DCS_NOTE_WITNESS_STATE:
		if (n->index >= 0 && n->index != m->cfg->witness_site)
			return;
		m->witness_up = n->up;
		break;
	case DCS_NOTE_VM_MOVED:
		/* Only the VM's own workloads change: their cached plans name
		 * the old site and are rebuilt on their next I/O; I/O in flight
		 * completes as issued.  Their traffic moves to other channels. */
		if (m->started)
			recompute_offered(m);
		return;
	case DCS_NOTE_VM_PAUSED:
	case DCS_NOTE_VM_RESUMED:
	case DCS_NOTE_VM_SPEED:
		/* The VM's workloads hold their arrivals while it is stopped and
		 * issue them when it resumes; stun slows their think times. */
		for (size_t i = 0; i < m->n_wls; i++) {
			struct wl *wl = &m->wls[i];
			if (wl->cfg->vm != n->index)
				continue;
			wl->paused = !n->up;
			wl->speed = n->factor > 0 ? n->factor : 1.0;
			double think_ns = 1e9 * wl->depth / wl->cfg->iops / wl->speed;
			if (think_ns != wl->think_ns)
				sto_split_slots(m, wl, true); /* think times drawn ahead */
			wl->think_ns = think_ns;
			if (n->kind == DCS_NOTE_VM_RESUMED)
				sto_release_paused(m, wl);
		}
		if (m->started)
			recompute_offered(m);
		return;
	default:
		break;
	}
	if (m->started)
		sto_refresh(m);
}

void sto_wl_on(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	(void)k;
	struct wl *wl = ctx;
	sto_start_slots(wl->m, wl);
	sto_refresh(wl->m);
}

void sto_wl_off(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct wl *wl = ctx;
	wl->active = false;
	sto_refresh(wl->m);
}

static const char *chan_kind(const struct chan *ch)
{
	return ch->async ? "async" : "sync";
}

/* storage_series.csv: one row per site and op that has seen I/O, for the I/O
 * that completed in (previous sample, now]: count, mean, p50, p99 and max
 * (latency cells empty when none completed -- writes frozen or failed).
 * Samples every output.sample_s, and at the end of a run that stops
 * between two. */
void sto_series_rows(struct sto *m, dcs_time_t now)
{
	static const char *const op_name[2] = {"read", "write"};
	if (!m->series)
		m->series = dcs_results_table(m->w->res, "storage_series.csv",
					      "time_s,site,op,count,mean_ms,p50_ms,p99_ms,max_ms");
	struct dcs_table *t = m->series;
	for (int s = 0; s < m->n_sites; s++)
		for (int op = 0; op < 2; op++) {
			if (!m->win_seen[s * 2 + op])
				continue;
			struct dcs_lathist *h = m->win_all;
			dcs_lathist_clear(h);
			dcs_lathist_merge(h, &m->win[(s * 2 + op) * 2]);
			dcs_lathist_merge(h, &m->win[(s * 2 + op) * 2 + 1]);
			dcs_row_begin(t);
			dcs_cell_time_s(t, now);
			dcs_cell_str(t, sto_site_id(m, s));
			dcs_cell_str(t, op_name[op]);
			dcs_cell_int(t, (int64_t)h->n);
			if (h->n > 0) {
				dcs_cell_num(t, dcs_lathist_mean_ns(h) / 1e6);
				dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.50) / 1e6);
				dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.99) / 1e6);
				dcs_cell_num(t, (double)h->max_ns / 1e6);
			} else {
				for (int c = 0; c < 4; c++)
					dcs_cell_str(t, "");
			}
			dcs_row_end(t);
		}
	sto_windows_fold(m);
	m->series_t = now;
}

/* The sample's window closes: its I/O goes into the run's histograms. */
void sto_windows_fold(struct sto *m)
{
	for (size_t i = 0; i < 4 * (size_t)m->n_sites; i++)
		if (m->win[i].n > 0) {
			if (!m->hist_live)
				dcs_lathist_merge(&m->hist[i], &m->win[i]);
			dcs_lathist_clear(&m->win[i]);
		}
}

void sto_tick(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct sto *m = ctx;
	if (m->win) {
		sto_settle(m, dcs_now(k) - 1); /* what completed before this sample */
		sto_series_rows(m, dcs_now(k));
	}
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch || !ch->used)
			continue;
		sto_chan_update(m, ch);
		if (!m->repl)
			m->repl = dcs_results_table(m->w->res, "replication.csv",
						    "time_s,from,to,kind,offered_gbps,rate_gbps,"
						    "backlog_mib,rpo_s,limited_by");
		dcs_row_begin(m->repl);
		dcs_cell_time_s(m->repl, dcs_now(k));
		dcs_cell_str(m->repl, sto_site_id(m, ch->src));
		dcs_cell_str(m->repl, sto_site_id(m, ch->dst));
		dcs_cell_str(m->repl, chan_kind(ch));
		dcs_cell_num(m->repl, ch->offered * 8 / 1e9);
		dcs_cell_num(m->repl, ch->f ? dcs_flow_rate_Bps(ch->f) * 8 / 1e9 : 0);
		dcs_cell_num(m->repl, ch->backlog / 1048576.0);
		dcs_cell_num(m->repl, ch->async ? ch->rpo_s : 0);
		dcs_cell_str(m->repl, sto_chan_limit_now(ch));
		dcs_row_end(m->repl);
	}
	m->tick_k++;
	dcs_time_t next = m->tick_k * m->sample_ns;
	if (next <= m->w->horizon)
		dcs_schedule(k, next, sto_tick, m, NULL, 0);
}
