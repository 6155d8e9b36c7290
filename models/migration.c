/*
 * Live migration: vMotion/QEMU/Xen-style pre-copy over the DCI (SPEC §4.4),
 * single migrations and site evacuations.
 *
 * Pre-copy.  Round 0 sends all memory M; round i sends the pages dirtied
 * during round i-1, V_i = min(D * T_{i-1}, WWS), rounded up to whole pages
 * (reference/live-migration.md §1.1).  Each round is one flow on the path
 * between the sites (net.h), so its rate is the max-min share of the DCI left
 * by background and other flows, capped by the engine's rate cap (the flow's
 * demand), streams x window / RTT and the Mathis bound (§1.4).  When a round
 * ends, the next one is computed from its measured duration T and rate
 * R = V/T.  Stop-and-copy starts when the engine's rule says so; the guest is
 * then stopped and the rest V_n goes as one more flow, and
 *   downtime = final copy time + one RTT + switchover_ms        (§5)
 * The VM runs at its new site from the end of the downtime
 * (dcs_world_move_vm, which the storage, L2 and L3 models hear).  During the
 * downtime it is stopped for everyone (dcs_world_pause_vm / _resume_vm: its
 * storage I/O and its service's requests wait; migrations.csv held_ios), and
 * stun or auto-converge slow all of it by the factor they slow its dirtying
 * (dcs_world_set_vm_speed, back to 1 when the migration ends); a VM lost in
 * post-copy stays stopped.
 *
 * Stop rules by engine (live-migration.md §2, §0):
 * - vmotion: stop when V_n <= R x max_downtime (the 500 ms switchover goal,
 *   §2.3 row "Switchover goal", Broadcom KB 436882).  A round that does not
 *   shrink the dirty set stuns the guest (SDPS, §2.3 row "SDPS").  If the
 *   switchover (final copy + RTT + switchover_ms) would exceed
 *   max_switchover_s (100 s, §2.3 row "Hard limit", KB 2141355) the migration
 *   fails at that limit and the VM stays at the source.  Admission warnings
 *   (§4 V9): RTT over 150 ms (§2.3 row "Max RTT", KB 2106949), or less than
 *   250 Mbps of DCI bandwidth per concurrent migration (§2.3 row "Bandwidth").
 * - qemu: stop when V_n < R x downtime-limit, 300 ms (§2.2 row
 *   "downtime-limit"); rate cap 128 MiB/s (§2.2 row "max-bandwidth"); no
 *   round limit (§2.2 row "Iteration cap").  auto_converge (§2.2 rows
 *   "auto-converge trigger" and "cpu-throttle-..."): when a round dirtied
 *   more than 50 % of the bytes it sent, twice, the guest is throttled by
 *   20 %, then 10 % more each further time, at most 99 %; a throttle p leaves
 *   the guest dirtying at D x (1 - p).
 * - xen: stop after 29 live rounds (DEF_MAX_ITERS), when a round sent fewer
 *   than 50 pages, or when more than 3 x M was sent (DEF_MAX_FACTOR) (§2.1).
 *   max_downtime_ms, when given, adds the downtime rule.
 * Every engine also stops when nothing is left to send.
 *
 * on_no_progress (a round whose dirty set is not smaller than what it sent):
 * stun sets the guest's dirty rate to at most half the measured rate (an
 * assumption: VMware publishes no SDPS threshold, live-migration.md §6), so
 * the next rounds shrink by half or better; abort cancels the migration (VM
 * stays); force starts stop-and-copy at once.  qemu and xen keep going by
 * default (their own caps or auto-converge end it, or the run does).
 * max_rounds bounds the live rounds (round 0 included).
 *
 * Outcomes (migrations.csv): converged; stunned (converged after the guest
 * was slowed by stun or auto-converge); max_rounds (pre-copy ended by a cap
 * rather than convergence: max_rounds, Xen's 29 rounds or 3 x M, or
 * on_no_progress = force); aborted (on_no_progress = abort, or still running
 * when the run ended); failed (the switchover limit was exceeded, or the
 * path was lost for longer than stall_timeout_s; the VM stays at the source).
 *
 * Defaults: every `migration` key the scenario leaves out (the loader leaves
 * it NaN / -1) comes from the engine's row in the engine table
 * (dcisim/migration_engines.h, with the sources), as do the stop rules and
 * the evacuation concurrency above.  stall_timeout_s: 150 (loader default;
 * KubeVirt progressTimeout), for every engine: no vMotion or Xen figure was
 * found.
 *
 * Memory as it is (docs/models.md §2.2a): round 0 sends touched pages whole
 * (or compressed) and untouched ones as 8-byte zero-page flags; a round lasts
 * at least the walk over its memory (scan rate) and the sender threads'
 * copying or compressing (multifd channels x per-thread rate); XBZRLE
 * re-sends cached pages as deltas.  Post-copy (§2.2b, below).
 *
 * Not modelled: Xen's adaptive rate limit, setup time before round 0, the
 * per-round dirty-bitmap sync cost, post-copy pre-paging and recovery, host
 * NIC limits other than the DCI path.  See docs/models.md §2.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "dcisim/exitcode.h"
#include "dcisim/migration_engines.h"
#include "dcisim/net.h"
#include "dcisim/metrics.h"
#include "dcisim/world.h"

#include "migration_internal.h"

/* Memory as it is (docs/models.md §2.2); figures are MiB/s of raw guest
 * memory per sender thread.  The per-engine scan and copy rates are in the
 * engine table (dcisim/migration_engines.h). */
/* zstd level 1 per multifd channel: 2 channels, 61.85e9 B in 78.291 s (Liu,
 * "[PATCH v8 0/7] Live Migration With IAA", qemu-devel 2024-06-10, Sapphire
 * Rapids); Wang's host (next line) did 282 MiB/s; the zstd README's desktop
 * core 510 MB/s: range 282-486 MiB/s. */
#define ZSTD_MIB_S 377.0
/* zlib level 1 per multifd channel: 4 channels, 60 GiB in 254.35 s (Wang,
 * "[PATCH v4 0/4] Implement using Intel QAT to offload ZLIB", qemu-devel
 * 2024-07); the zstd README's desktop core: 105 MB/s. */
#define ZLIB_MIB_S 59.0
/* XBZRLE encoding on the migration thread: "a sustained bandwidth of
 * 1.5-2.2 GB/s for typical workloads" (Shribman, "[PATCH v3] XBZRLE delta
 * for live migration of large memory apps", qemu-devel 2011-08-02); the
 * lower end. */
#define XBZRLE_MIB_S 1430.0

const char *const mig_outcome_names[] = {"converged", "stunned", "max_rounds", "aborted", "failed"};

void *mig_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "dcisim: out of memory in the migration model\n");
		exit(DCS_EXIT_RUNTIME);
	}
	return p;
}

static void resolve_policy(const struct dcs_migration_policy *c, struct policy *P)
{
	const struct dcs_migration_engine *E = dcs_migration_engine(c->engine);
	P->engine = E;
	double dt_ms = isnan(c->max_downtime_ms) ? E->max_downtime_ms : c->max_downtime_ms;
	P->max_downtime_s = dt_ms / 1e3;
	P->switchover =
	    dcs_time_from_ms(isnan(c->switchover_ms) ? E->switchover_ms : c->switchover_ms);
	P->streams = c->streams > 0 ? c->streams : E->streams;
	P->window_bytes = (isnan(c->tcp_window_kib) ? E->tcp_window_kib : c->tcp_window_kib) * KIB;
	P->rate_cap_Bps = (isnan(c->rate_cap_mib_s) ? E->rate_cap_mib_s : c->rate_cap_mib_s) * MIB;
	P->max_switchover_s =
	    isnan(c->max_switchover_s) ? E->max_switchover_s : c->max_switchover_s;
	P->max_rounds = c->max_rounds > 0 ? c->max_rounds : E->max_rounds;
	switch (c->on_no_progress) {
	case DCS_NOPROG_STUN:
		P->on_no_progress = NP_STUN;
		break;
	case DCS_NOPROG_ABORT:
		P->on_no_progress = NP_ABORT;
		break;
	case DCS_NOPROG_FORCE:
		P->on_no_progress = NP_FORCE;
		break;
	default:
		P->on_no_progress = E->stun ? NP_STUN : NP_CONTINUE;
	}
	P->auto_converge = c->auto_converge;
	P->page_bytes = c->page_kib * KIB;
	P->stall_timeout = dcs_time_from_s(c->stall_timeout_s);
	if (c->multifd_channels > 0)
		P->streams = c->multifd_channels;
	P->threads = P->streams;
	P->compression = c->compression;
	if (!isnan(c->compress_mib_s))
		P->compress_Bps = c->compress_mib_s * MIB;
	else
		P->compress_Bps = (c->compression == DCS_COMPRESS_ZLIB     ? ZLIB_MIB_S
				   : c->compression == DCS_COMPRESS_XBZRLE ? XBZRLE_MIB_S
									   : ZSTD_MIB_S) *
				  MIB;
	if (!isnan(c->channel_mib_s))
		P->channel_Bps = c->channel_mib_s * MIB;
	else
		P->channel_Bps = E->channel_mib_s * MIB;
	P->scan_Bps = (isnan(c->scan_gib_s) ? E->scan_gib_s : c->scan_gib_s) * GIB;
	P->xbzrle_cache_bytes = c->xbzrle_cache_mib * MIB;
	P->postcopy = c->postcopy;
	P->postcopy_after = c->postcopy_after_rounds;
}

/* Evacuation order: by memory, ties by position in the file.  The queue is
 * built in file order, so sorting by (memory, position) is the stable sort;
 * O(n log n) for evacuations of a hundred thousand VMs. */
struct queued {
	double mem_gib;
	int vm;
};

static int by_mem_then_vm(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;
	if (x->mem_gib != y->mem_gib)
		return x->mem_gib < y->mem_gib ? -1 : 1;
	return (x->vm > y->vm) - (x->vm < y->vm);
}

static void sort_queue(const struct dcs_scenario *scn, int *q, size_t n, enum dcs_evac_order o)
{
	if (o != DCS_ORDER_SMALLEST_FIRST && o != DCS_ORDER_LARGEST_FIRST)
		return;
	struct queued *e = mig_xcalloc(n, sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		double mem = scn->vms[q[i]].memory_gib;
		e[i] = (struct queued){o == DCS_ORDER_LARGEST_FIRST ? -mem : mem, q[i]};
	}
	qsort(e, n, sizeof(*e), by_mem_then_vm);
	for (size_t i = 0; i < n; i++)
		q[i] = e[i].vm;
	free(e);
}

static void plan_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct mstate *S = ctx;
	struct dcs_world *w = S->w;
	int idx;
	memcpy(&idx, payload, sizeof(idx));
	struct plan *p = &S->plans[idx];
	const struct dcs_migration_cfg *c = p->cfg;
	p->n_queue = 0;
	free(p->queue);
	size_t cap = 1;
	if (c->vm < 0)
		for (size_t i = 0; i < w->scn->n_vms; i++)
			cap += dcs_world_vm_site(w, (int)i) == c->evacuate && !S->busy[i];
	p->queue = mig_xcalloc(cap, sizeof(int));
	if (c->vm >= 0) {
		p->queue[p->n_queue++] = c->vm;
		p->max_concurrent = 1;
	} else {
		for (size_t i = 0; i < w->scn->n_vms; i++)
			if (dcs_world_vm_site(w, (int)i) == c->evacuate && !S->busy[i])
				p->queue[p->n_queue++] = (int)i;
		sort_queue(w->scn, p->queue, p->n_queue, c->order);
		p->max_concurrent = c->max_concurrent;
		if (p->max_concurrent <= 0) {
			double line, freeg;
			mig_path_bandwidth(w, c->evacuate, c->to, &line, &freeg);
			const struct dcs_migration_engine *E = S->P.engine;
			p->max_concurrent = E->narrow_gbps > 0 && !(line >= E->narrow_gbps)
						? E->concurrent_narrow
						: E->concurrent;
		}
		dcs_event(w->res, dcs_now(w->k), "evacuation_start", w->scn->sites[c->evacuate].id,
			  "%zu VMs to %s, %d at a time (migrations[%d])", p->n_queue,
			  w->scn->sites[c->to].id, p->max_concurrent, p->index);
	}
	p->last_end = dcs_now(w->k);
	mig_launch_more(S, p);
}

/* ---- model ops ---- */

static int migration_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	if (scn->n_migrations == 0)
		return 0;
	struct mstate *S = mig_xcalloc(1, sizeof(*S));
	S->w = w;
	resolve_policy(&scn->migration, &S->P);
	S->n_plans = scn->n_migrations;
	S->plans = mig_xcalloc(S->n_plans, sizeof(*S->plans));
	S->busy = mig_xcalloc(scn->n_vms, sizeof(bool));
	S->n_moves = mig_xcalloc(scn->n_vms, sizeof(int));
	S->in_flight = mig_xcalloc(scn->n_sites * scn->n_sites, sizeof(int));
	for (size_t i = 0; i < S->n_plans; i++) {
		struct plan *p = &S->plans[i];
		p->index = (int)i;
		p->cfg = &scn->migrations[i];
	}
	*state = S;
	return 0;
}

static void migration_start(struct dcs_world *w, void *state)
{
	struct mstate *S = state;
	S->mig_tab = dcs_results_table(w->res, "migrations.csv",
				       "vm,from,to,start_s,end_s,total_s,downtime_ms,rounds,"
				       "bytes_sent,goodput_gbps,outcome,limited_by,held_ios");
	S->round_tab = dcs_results_table(w->res, "rounds.csv",
					 "vm,round,start_s,end_s,bytes,dirty_bytes_at_end,phase");
	for (size_t i = 0; i < S->n_plans; i++) {
		int idx = (int)i;
		dcs_time_t at = dcs_time_from_s(S->plans[i].cfg->at_s);
		if (at <= w->horizon)
			dcs_schedule(w->k, at, plan_event, S, &idx, sizeof(idx));
	}
	mig_preflight(S);
}

static void plan_summary(struct mstate *S, struct plan *p)
{
	struct dcs_world *w = S->w;
	char entity[48];
	snprintf(entity, sizeof(entity), "migrations[%d]", p->index);
	double *down = mig_xcalloc(p->n_started, sizeof(double));
	size_t nd = 0, ok = 0;
	double bytes = 0;
	for (size_t i = 0; i < p->n_started; i++) {
		const struct mig *m = p->migs[i];
		bytes += m->sent;
		if (m->outcome <= OUT_MAX_ROUNDS) {
			ok++;
			down[nd++] = dcs_time_to_ms(m->downtime);
		}
	}
	dcs_summary(w->res, "plan_migrations", entity, (double)p->n_started, "count");
	dcs_summary(w->res, "plan_completed", entity, (double)ok, "count");
	dcs_summary(w->res, "plan_makespan_s", entity, dcs_time_to_s(p->last_end) - p->cfg->at_s,
		    "s");
	if (nd > 0) {
		gsl_sort(down, 1, nd);
		dcs_summary(w->res, "plan_downtime_p50_ms", entity,
			    gsl_stats_quantile_from_sorted_data(down, 1, nd, 0.5), "ms");
		dcs_summary(w->res, "plan_downtime_p95_ms", entity,
			    gsl_stats_quantile_from_sorted_data(down, 1, nd, 0.95), "ms");
		dcs_summary(w->res, "plan_downtime_max_ms", entity, down[nd - 1], "ms");
	}
	dcs_summary(w->res, "plan_dci_bytes", entity, bytes, "bytes");
	free(down);
}

/* summary.csv: limited_by and the figure that would lift it (net.h,
 * dcs_net_lift).  For dirty_rate: the migration rate at which every round at
 * least halves the dirty set, 2 x the guest's dirty rate (below QEMU's
 * auto-converge trigger of 50 %, and well clear of stun, which starts when a
 * round does not shrink the set at all). */
static void bottleneck_summary(struct mstate *S, const struct mig *m)
{
	struct dcs_world *w = S->w;
	static const struct dcs_summary_key limited = DCS_SUMMARY_KEY("limited_by", "");
	dcs_summary_text_keyed(w->res, &limited, m->label, mig_limited_by(m));
	double v;
	const char *metric, *unit;
	/* The cases of mig_limited_by. */
	enum dcs_limit l = mig_main_limit(m);
	enum demand_reason dr = l == DCS_LIMIT_DEMAND ? mig_demand_reason(m) : DR_RATE_CAP;
	if (m->no_progress || m->slowed) { /* dirty_rate */
		dcs_summary(w->res, "lift_rate_gbps", m->label, 2 * m->dirty_Bps * 8 / 1e9, "Gbps");
	} else if (dr == DR_SENDER_CPU || dr == DR_PAGE_SCAN) {
		/* A host limit: no network setting lifts it. */
	} else if (dcs_net_lift(w->net, m->from, m->to, l, S->P.streams, S->P.window_bytes,
				S->P.rate_cap_Bps, m->share_rate_Bps, &v, &metric, &unit)) {
		dcs_summary(w->res, metric, m->label, v, unit);
	}
}

static void migration_finish(struct dcs_world *w, void *state)
{
	struct mstate *S = state;
	/* Nothing more starts; whatever is in flight was cut short by the end of
	 * the run. */
	for (size_t i = 0; i < S->n_plans; i++) {
		struct plan *p = &S->plans[i];
		if (p->next < p->n_queue)
			dcs_warn(w->res, dcs_now(w->k), "migration",
				 "migrations[%d]: %zu VMs never started before the run ended",
				 p->index, p->n_queue - p->next);
		p->next = p->n_queue;
	}
	for (size_t i = 0; i < S->n_all; i++) {
		struct mig *m = S->all[i];
		if (m->phase == PH_DONE)
			continue;
		dcs_warn(w->res, dcs_now(w->k), m->label,
			 "still migrating when the run ended (round %d); reported as aborted",
			 m->round);
		mig_fail(m, OUT_ABORTED, "the run ended");
	}
	/* Rows written for every migration: keys checked once. */
	static const struct dcs_summary_key total = DCS_SUMMARY_KEY("migration_total_s", "s"),
					    down = DCS_SUMMARY_KEY("migration_downtime_ms", "ms"),
					    rounds = DCS_SUMMARY_KEY("migration_rounds", "count"),
					    sent = DCS_SUMMARY_KEY("migration_bytes", "bytes"),
					    held = DCS_SUMMARY_KEY("migration_held_ios", "count"),
					    outcome = DCS_SUMMARY_KEY("migration_outcome", "");
	for (size_t i = 0; i < S->n_all; i++) {
		const struct mig *m = S->all[i];
		dcs_summary_keyed(w->res, &total, m->label, dcs_time_to_s(m->end - m->start));
		dcs_summary_keyed(w->res, &down, m->label, dcs_time_to_ms(m->downtime));
		dcs_summary_keyed(w->res, &rounds, m->label, m->live_rounds);
		dcs_summary_keyed(w->res, &sent, m->label, m->sent);
		dcs_summary_keyed(w->res, &held, m->label, (double)m->held_ios);
		dcs_summary_text_keyed(w->res, &outcome, m->label, mig_outcome_names[m->outcome]);
		if (m->pc_start > 0 && m->pc_faults < 0) {
			dcs_summary(w->res, "migration_vm_lost", m->label, 1, "count");
		} else if (m->pc_start > 0 && m->phase == PH_DONE && m->outcome <= OUT_MAX_ROUNDS) {
			dcs_summary(w->res, "migration_postcopy_s", m->label,
				    dcs_time_to_s(m->end - m->pc_start), "s");
			dcs_summary(w->res, "migration_postcopy_faults", m->label, m->pc_faults,
				    "count");
			dcs_summary(w->res, "migration_postcopy_slowdown", m->label, m->pc_slowdown,
				    "ratio");
		}
		bottleneck_summary(S, m);
	}
	for (size_t i = 0; i < S->n_plans; i++)
		plan_summary(S, &S->plans[i]);
}

static void migration_destroy(void *state)
{
	struct mstate *S = state;
	if (!S)
		return;
	for (size_t i = 0; i < S->n_all; i += MIG_BLOCK)
		free(S->all[i]); /* a block's first */
	free(S->all);
	for (size_t i = 0; i < S->n_plans; i++) {
		free(S->plans[i].queue);
		free(S->plans[i].migs);
	}
	free(S->plans);
	free(S->busy);
	free(S->n_moves);
	free(S->in_flight);
	free(S);
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def migration_metrics[] = {
    {"migration_total_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "time from the start of pre-copy to the VM running at its new site"},
    {"migration_downtime_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "time the guest was stopped for the final copy and switchover"},
    {"migration_rounds", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_COUNT, "live pre-copy rounds"},
    {"migration_bytes", "bytes", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "memory bytes sent over the DCI"},
    {"migration_held_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "the VM's storage I/Os held while it was stopped for the switchover"},
    {"migration_outcome", "", DCS_BETTER_NEUTRAL, DCS_METRIC_LABEL,
     "converged, stunned, max_rounds, aborted or failed"},
    {"migration_postcopy_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "post-copy phase: from the guest resuming at the destination to its last page arriving"},
    {"migration_postcopy_faults", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "remote page faults during post-copy, each stopping a vCPU for one DCI round trip"},
    {"migration_postcopy_slowdown", "ratio", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "share of the guest's vCPU time lost to remote page faults during post-copy"},
    {"migration_vm_lost", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "1 when the DCI failed during post-copy and the VM was lost"},
    {"lift_rate_gbps", "Gbps", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "the migration rate at which pre-copy would shrink the dirty set (twice the dirty rate)"},
    {"plan_migrations", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_COUNT,
     "migrations an evacuation started"},
    {"plan_completed", "count", DCS_BETTER_HIGHER, DCS_METRIC_COUNT,
     "migrations of an evacuation that ended with the VM at the new site"},
    {"plan_makespan_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "time from an evacuation's start to the end of its last migration"},
    {"plan_downtime_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median downtime over an evacuation's migrations"},
    {"plan_downtime_p95_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "95th percentile downtime over an evacuation's migrations"},
    {"plan_downtime_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "longest downtime of an evacuation's migrations"},
    {"plan_dci_bytes", "bytes", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "memory bytes an evacuation sent over the DCI"},
};

static const struct dcs_event_def migration_events[] = {
    {"events.csv", "migration_start", DCS_SEV_INFO, "a live migration starts pre-copy"},
    {"events.csv", "migration_end", DCS_SEV_INFO,
     "a live migration ends; the detail says how (converged, stunned, failed...)"},
    {"events.csv", "migration_stalled", DCS_SEV_FAILURE,
     "a migration's flow has no path between the sites"},
    {"events.csv", "migration_resumed", DCS_SEV_GOOD, "a stalled migration's path is back"},
    {"events.csv", "switchover", DCS_SEV_INFO, "the guest stops for the final copy"},
    {"events.csv", "auto_converge", DCS_SEV_WARNING, "QEMU auto-converge throttles the guest"},
    {"events.csv", "stun", DCS_SEV_WARNING, "vMotion slows the guest's page dirtying"},
    {"events.csv", "evacuation_start", DCS_SEV_INFO, "a site evacuation starts"},
    {"events.csv", "postcopy_start", DCS_SEV_INFO,
     "the guest stops to resume at the destination and fetch the rest of its memory there"},
    {"events.csv", "postcopy_lost", DCS_SEV_FAILURE,
     "the DCI failed during post-copy: neither site holds all of the VM's memory, it is lost"},
};

/* What planners ask about first (metrics.h): the reports chart these first. */
static const struct dcs_headline migration_headlines[] = {
    {"migration_total_s", 1},
    {"migration_downtime_ms", 3},
    {"plan_makespan_s", 7},
};

static const struct dcs_metric_family migration_family = {
    .producer = "migration",
    .metrics = migration_metrics,
    .n_metrics = sizeof(migration_metrics) / sizeof(migration_metrics[0]),
    .events = migration_events,
    .n_events = sizeof(migration_events) / sizeof(migration_events[0]),
    .headlines = migration_headlines,
    .n_headlines = sizeof(migration_headlines) / sizeof(migration_headlines[0]),
};

const struct dcs_model_ops dcs_model_migration = {
    .name = "migration",
    .create = migration_create,
    .start = migration_start,
    .finish = migration_finish,
    .destroy = migration_destroy,
    .metrics = &migration_family,
};
