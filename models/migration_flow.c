/*
 * Live migration, one migration's life on the wire: the flows that carry its
 * rounds and what they moved, pausing and resuming the guest, the row in
 * migrations.csv and the end of a migration, the switchover and stall
 * timeouts, the stop-and-copy round, and post-copy (the guest runs at the
 * destination while the rest follows on demand).  The physics and sources
 * are in models/migration.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/metrics.h"
#include "migration_internal.h"

static const char *const demand_names[] = {"rate_cap", "sender_cpu", "page_scan"};

/* ---- helpers ---- */

double mig_round_up_pages(double bytes, double page)
{
	if (bytes <= 0)
		return 0;
	return ceil(bytes / page - 1e-9) * page;
}

/* The narrowest link on the current path, in Gbps of line rate; and what it
 * leaves after background. NAN with no path. */
void mig_path_bandwidth(struct dcs_world *w, int a, int b, double *line_gbps, double *free_gbps)
{
	int n = (int)w->scn->n_links;
	int few[64]; /* most networks: no allocation */
	int *links = n < 64 ? few : mig_xcalloc((size_t)n + 1, sizeof(int));
	int hops = dcs_net_path(w->net, a, b, links, NULL, n);
	*line_gbps = *free_gbps = NAN;
	for (int h = 0; h < hops; h++) {
		double bw = dcs_net_link_bandwidth_gbps(w->net, links[h]);
		double fr = bw - w->scn->links[links[h]].background_gbps;
		if (isnan(*line_gbps) || bw < *line_gbps)
			*line_gbps = bw;
		if (isnan(*free_gbps) || fr < *free_gbps)
			*free_gbps = fr;
	}
	if (links != few)
		free(links);
}

enum dcs_limit mig_main_limit(const struct mig *m)
{
	enum dcs_limit best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		if (m->limit_bytes[l] > most) {
			most = m->limit_bytes[l];
			best = (enum dcs_limit)l;
		}
	return best;
}

/* What limited the migration (migrations.csv and summary.csv limited_by):
 * dirty_rate when the guest dirtied memory too fast for pre-copy to shrink
 * it (a round without progress, or stun/auto-converge slowing the guest);
 * otherwise the cap that held its flows for most of their bytes, the
 * flow's demand being the engine's rate cap. */
const char *mig_limited_by(const struct mig *m)
{
	if (m->no_progress || m->slowed)
		return "dirty_rate";
	enum dcs_limit l = mig_main_limit(m);
	if (l != DCS_LIMIT_DEMAND)
		return dcs_limit_name(l);
	return demand_names[mig_demand_reason(m)];
}

enum demand_reason mig_demand_reason(const struct mig *m)
{
	int best = DR_RATE_CAP;
	for (int r = 1; r < DR_COUNT; r++)
		if (m->demand_bytes[r] > m->demand_bytes[best])
			best = r;
	return (enum demand_reason)best;
}

/* ---- lifecycle of one migration ---- */

static void postcopy_lost(struct mig *m, const char *why);

/* Accounts the bytes a flow moved, then forgets it. */
void mig_take_flow(struct mig *m, struct dcs_flow *f, double bytes)
{
	struct dcs_world *w = m->S->w;
	enum dcs_limit l = dcs_flow_main_limit(f);
	double t_s = dcs_time_to_s(dcs_now(w->k) - m->round_start);
	m->limit_bytes[l] += bytes;
	if (l == DCS_LIMIT_DEMAND)
		m->demand_bytes[m->round_reason] += bytes;
	if (l == DCS_LIMIT_LINK_SHARE && t_s > 0)
		m->share_rate_Bps = bytes / t_s;
	m->sent += bytes;
	m->xfer_s += t_s;
	m->flow = NULL;
	if (m->stall_ev) {
		dcs_cancel(w->k, m->stall_ev);
		m->stall_ev = 0;
	}
}

static void write_row(struct mig *m)
{
	struct mstate *S = m->S;
	const struct dcs_scenario *scn = S->w->scn;
	const struct dcs_cell row[] = {
	    DCS_CELL_S(scn->vms[m->vm].id),
	    DCS_CELL_S(scn->sites[m->from].id),
	    DCS_CELL_S(scn->sites[m->to].id),
	    DCS_CELL_T(m->start),
	    DCS_CELL_T(m->end),
	    DCS_CELL_T(m->end - m->start),
	    DCS_CELL_N(dcs_time_to_ms(m->downtime)),
	    DCS_CELL_I(m->live_rounds),
	    DCS_CELL_N(m->sent),
	    DCS_CELL_N(m->xfer_s > 0 ? m->sent * 8 / m->xfer_s / 1e9 : 0),
	    DCS_CELL_S(mig_outcome_names[m->outcome]),
	    DCS_CELL_S(mig_main_limit(m) == DCS_LIMIT_NONE && !m->no_progress ? ""
									      : mig_limited_by(m)),
	    DCS_CELL_I((int64_t)m->held_ios),
	};
	dcs_row(S->mig_tab, row, sizeof(row) / sizeof(row[0]));
}

/* The migration is over (any outcome) at now. */
void mig_finish(struct mig *m, enum outcome o)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	struct dcs_kernel *k = w->k;
	if (m->stall_ev)
		dcs_cancel(k, m->stall_ev);
	if (m->switch_ev)
		dcs_cancel(k, m->switch_ev);
	m->stall_ev = m->switch_ev = 0;
	m->phase = PH_DONE;
	S->in_flight[m->from * (int)w->scn->n_sites + m->to]--;
	m->outcome = o;
	m->end = dcs_now(k);
	dcs_world_set_vm_speed(w, m->vm, 1.0); /* stun and throttling end with the migration */
	write_row(m);
	if ((o == OUT_FAILED || o == OUT_ABORTED) && m->pc_start > 0)
		DCS_EVENT_KEYED(w->res, m->end, "migration_end", m->label, "%s: %s",
				mig_outcome_names[o], m->fail_why ? m->fail_why : "cancelled");
	else if (o == OUT_FAILED || o == OUT_ABORTED)
		DCS_EVENT_KEYED(w->res, m->end, "migration_end", m->label, "%s: %s; stays at %s",
				mig_outcome_names[o], m->fail_why ? m->fail_why : "cancelled",
				w->scn->sites[m->from].id);
	else if (m->pc_start > 0)
		DCS_EVENT_KEYED(
		    w->res, m->end, "migration_end", m->label,
		    "%s: runs at %s after %.6g ms of downtime; post-copy took %.6g s with "
		    "%.0f remote page faults",
		    mig_outcome_names[o], w->scn->sites[m->to].id, dcs_time_to_ms(m->downtime),
		    dcs_time_to_s(m->end - m->pc_start), m->pc_faults);
	else
		DCS_EVENT_KEYED(w->res, m->end, "migration_end", m->label,
				"%s: runs at %s after %.6g ms of downtime", mig_outcome_names[o],
				w->scn->sites[m->to].id, dcs_time_to_ms(m->downtime));
	S->busy[m->vm] = false;
	m->plan->running--;
	if (m->end > m->plan->last_end)
		m->plan->last_end = m->end;
	mig_launch_more(S, m->plan);
}

/* Stops the flow in flight, if any, counting what it delivered. */
static void drop_flow(struct mig *m)
{
	if (!m->flow)
		return;
	struct dcs_net *net = m->S->w->net;
	struct dcs_flow *f = m->flow;
	mig_take_flow(m, f, dcs_flow_sent(net, f));
	dcs_flow_stop(net, f);
}

/* The guest stops for the final copy: its storage I/O and its service's
 * requests wait (dcs_world_pause_vm) until resume_guest(). */
static void pause_guest(struct mig *m)
{
	struct dcs_world *w = m->S->w;
	m->held_at_stop = dcs_world_vm_held_ios(w, m->vm);
	dcs_world_pause_vm(w, m->vm);
}

static void resume_guest(struct mig *m)
{
	struct dcs_world *w = m->S->w;
	dcs_world_resume_vm(w, m->vm);
	m->held_ios += dcs_world_vm_held_ios(w, m->vm) - m->held_at_stop;
}

/* Stun and auto-converge slow the whole guest: its I/O as much as its page
 * dirtying (dcs_world_set_vm_speed). */
void mig_set_guest_speed(struct mig *m)
{
	double rate = m->dirty_Bps * (1 - m->throttle);
	if (rate > m->allowed_Bps)
		rate = m->allowed_Bps;
	double f = m->dirty_Bps > 0 ? rate / m->dirty_Bps : 1 - m->throttle;
	dcs_world_set_vm_speed(m->S->w, m->vm, f);
}

void mig_fail(struct mig *m, enum outcome o, const char *why)
{
	struct dcs_kernel *k = m->S->w->k;
	drop_flow(m);
	if (m->phase == PH_STOP_COPY || m->phase == PH_RESUMING || m->phase == PH_POSTCOPY_SWITCH) {
		m->downtime = dcs_now(k) - m->stop_at; /* the guest resumes at the source */
		resume_guest(m);
	}
	m->fail_why = why;
	mig_finish(m, o);
}

static void resume_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->switch_ev = 0;
	dcs_world_move_vm(m->S->w, m->vm, m->to);
	resume_guest(m);
	mig_finish(m, m->stop_reason);
}

static void switchover_timeout(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->switch_ev = 0;
	mig_fail(m, OUT_FAILED, "switchover exceeded max_switchover_s");
}

static void stall_timeout(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->stall_ev = 0;
	mig_fail(m, OUT_FAILED, "path lost for longer than stall_timeout_s");
}

void mig_on_flow_stall(void *ctx, struct dcs_flow *f, bool stalled)
{
	(void)f;
	struct mig *m = ctx;
	struct dcs_world *w = m->S->w;
	if (stalled && m->phase == PH_POSTCOPY && m->flow) {
		postcopy_lost(m, "the DCI path was lost during post-copy");
		return;
	}
	if (stalled && !m->stall_ev) {
		m->stall_ev =
		    dcs_schedule_in(w->k, m->S->P.stall_timeout, stall_timeout, m, NULL, 0);
		dcs_event(w->res, dcs_now(w->k), "migration_stalled", m->label, "no path %s->%s",
			  w->scn->sites[m->from].id, w->scn->sites[m->to].id);
	} else if (!stalled && m->stall_ev) {
		dcs_cancel(w->k, m->stall_ev);
		m->stall_ev = 0;
		dcs_event(w->res, dcs_now(w->k), "migration_resumed", m->label, "path back");
	}
}

void mig_row_round(struct mig *m, double bytes, double dirty_at_end, const char *phase)
{
	const struct dcs_cell row[] = {
	    DCS_CELL_S(m->S->w->scn->vms[m->vm].id),
	    DCS_CELL_I(m->round),
	    DCS_CELL_T(m->round_start),
	    DCS_CELL_T(dcs_now(m->S->w->k)),
	    DCS_CELL_N(bytes),
	    DCS_CELL_N(dirty_at_end),
	    DCS_CELL_S(phase),
	};
	dcs_row(m->S->round_tab, row, sizeof(row) / sizeof(row[0]));
}

void mig_start_stop_copy(struct mig *m, double pending, enum outcome reason)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	m->phase = PH_STOP_COPY;
	m->stop_reason = reason;
	m->stop_at = dcs_now(w->k);
	m->round++;
	pause_guest(m);
	DCS_EVENT_KEYED(w->res, m->stop_at, "switchover", m->label,
			"guest stopped after %d live rounds; %.6g MiB left", m->live_rounds,
			pending / MIB);
	if (isfinite(S->P.max_switchover_s))
		m->switch_ev = dcs_schedule_in(w->k, dcs_time_from_s(S->P.max_switchover_s),
					       switchover_timeout, m, NULL, 0);
	mig_start_round(m, pending, false);
}

/* The final copy arrived: the guest resumes at the destination one RTT and
 * the fixed switchover later, unless that would pass the switchover limit,
 * in which case the pending timeout fails the migration. */
void mig_final_copy_done(struct mig *m, struct dcs_flow *f)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	dcs_time_t now = dcs_now(w->k);
	double bytes = m->round_bytes;
	mig_row_round(m, bytes, 0, "stop_copy");
	dcs_time_t rtt = dcs_flow_rtt(w->net, f);
	mig_take_flow(m, f, bytes);
	dcs_time_t resume_at = now + rtt + S->P.switchover;
	m->downtime = resume_at - m->stop_at;
	if (isfinite(S->P.max_switchover_s) && dcs_time_to_s(m->downtime) > S->P.max_switchover_s)
		return; /* switchover_timeout fires at stop_at + max_switchover_s */
	if (m->switch_ev) {
		dcs_cancel(w->k, m->switch_ev);
		m->switch_ev = 0;
	}
	m->phase = PH_RESUMING;
	m->switch_ev = dcs_schedule(w->k, resume_at, resume_event, m, NULL, 0);
}

/* ---- post-copy (QEMU postcopy-ram) ----
 *
 * After postcopy_after live rounds the guest stops, its device state goes
 * across, and it resumes at the destination one RTT and switchover_ms later
 * (the downtime: no memory is copied while it is stopped).  The pages still
 * at the source, P0 (the last round's dirty set, or all memory with no
 * pre-copy), then go as one background flow: one stream on the migration
 * thread, not rate-capped (QEMU max-postcopy-bandwidth 0, LM §2.2).  The
 * guest meanwhile touches its writable working set W at its dirty rate a;
 * a touch on a page not yet arrived is a remote page fault, fetched ahead of
 * the background stream, that stops the vCPU for one round trip.  With the
 * pending set drained uniformly over the phase's length T, the share of W
 * still missing falls linearly from f0 = min(1, P0 / W) to 0.  A stalled
 * guest touches less: running at a share rho of its speed, its n vCPUs lose
 * rho x a x f x RTT / n of their time to faults, so rho = 1 / (1 + k f) with
 * k = a x RTT / n, and
 *   faults = integral of rho a f dt
 *          = (a T / f0) x (f0 / k - ln(1 + k f0) / k^2)   (a T f0 / 2 as k -> 0)
 *   guest slowdown = faults x RTT / (n x T)
 * (faults at most P0 / page).
 * A DCI cut during the phase loses the VM: neither side holds all of its
 * memory (QEMU before postcopy-recover; with it the guest stays paused). */

static void postcopy_lost(struct mig *m, const char *why)
{
	struct dcs_world *w = m->S->w;
	drop_flow(m);
	m->fail_why = why;
	m->pc_faults = -1;            /* lost: no post-copy figures */
	dcs_world_pause_vm(w, m->vm); /* stopped for good: its service is down */
	dcs_event(w->res, dcs_now(w->k), "postcopy_lost", m->label,
		  "VM lost: %s; %.6g MiB of its memory were left at %s when post-copy began", why,
		  m->pc_pending / MIB, w->scn->sites[m->from].id);
	dcs_warn(w->res, dcs_now(w->k), m->label,
		 "post-copy interrupted: the VM is lost (%s); pre-copy would have left it "
		 "running at %s",
		 why, w->scn->sites[m->from].id);
	mig_finish(m, OUT_FAILED);
}

static void postcopy_resume(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	m->switch_ev = 0;
	m->downtime = dcs_now(w->k) - m->stop_at;
	m->pc_start = dcs_now(w->k);
	dcs_world_move_vm(w, m->vm, m->to);
	m->phase = PH_POSTCOPY;
	if (!dcs_net_reachable(w->net, m->from, m->to)) {
		postcopy_lost(m, "no DCI path when post-copy began");
		return;
	}
	resume_guest(m);
	double wire = m->pc_pending;
	if (m->live_rounds == 0) { /* no pre-copy: zero pages still go as flags */
		double normal = fmin(mig_round_up_pages(m->used, S->P.page_bytes), m->pc_pending);
		wire = normal + (m->pc_pending - normal) / S->P.page_bytes * ZERO_PAGE_WIRE_BYTES;
	}
	m->round_raw = m->pc_pending;
	m->round_reason = DR_SENDER_CPU;
	mig_start_flow(m, wire, S->P.channel_Bps, 1);
}

void mig_start_postcopy(struct mig *m, double pending)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	m->phase = PH_POSTCOPY_SWITCH;
	m->stop_reason = m->slowed ? OUT_STUNNED : OUT_CONVERGED;
	m->stop_at = dcs_now(w->k);
	m->round++;
	m->pc_pending = pending;
	pause_guest(m);
	dcs_event(w->res, m->stop_at, "postcopy_start", m->label,
		  "guest stopped after %d live rounds; it resumes at %s and fetches the %.6g MiB "
		  "still at %s",
		  m->live_rounds, w->scn->sites[m->to].id, pending / MIB,
		  w->scn->sites[m->from].id);
	dcs_time_t rtt =
	    dcs_net_reachable(w->net, m->from, m->to) ? dcs_net_rtt(w->net, m->from, m->to) : 0;
	m->switch_ev = dcs_schedule_in(w->k, rtt + S->P.switchover, postcopy_resume, m, NULL, 0);
}

void mig_postcopy_done(struct mig *m, struct dcs_flow *f)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	double bytes = m->round_bytes;
	double rtt_s = dcs_time_to_s(dcs_flow_rtt(w->net, f));
	mig_row_round(m, bytes, 0, "postcopy");
	mig_take_flow(m, f, bytes);
	double T = dcs_time_to_s(dcs_now(w->k) - m->pc_start);
	double rate = m->dirty_Bps * (1 - m->throttle);
	if (rate > m->allowed_Bps)
		rate = m->allowed_Bps;
	double a = rate / S->P.page_bytes;
	double f0 = m->wws > 0 ? fmin(1, m->pc_pending / m->wws) : 0;
	double k = a * rtt_s / m->vcpus, faults;
	if (f0 <= 0 || a <= 0)
		faults = 0;
	else if (k * f0 < 1e-6)
		faults = a * T * f0 / 2;
	else
		faults = a * T / f0 * (f0 / k - log1p(k * f0) / (k * k));
	faults = fmin(faults, m->pc_pending / S->P.page_bytes);
	m->pc_faults = floor(faults + 0.5);
	m->pc_slowdown = T > 0 ? fmin(1, m->pc_faults * rtt_s / (m->vcpus * T)) : 0;
	mig_finish(m, m->stop_reason);
}
