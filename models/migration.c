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

#define GIB 1073741824.0
#define MIB 1048576.0
#define KIB 1024.0

#define QEMU_AC_TRIGGER 0.50 /* §2.2 throttle-trigger-threshold 50 % */
#define QEMU_AC_HITS    2    /* §2.2 dirty_rate_high_cnt >= 2 */
#define QEMU_AC_INITIAL 0.20 /* §2.2 cpu-throttle-initial */
#define QEMU_AC_STEP    0.10 /* §2.2 cpu-throttle-increment */
#define QEMU_AC_MAX     0.99 /* §2.2 max-cpu-throttle */
#define STUN_FRACTION   0.5  /* assumption, see above */
/* Memory as it is (docs/models.md §2.2); figures are MiB/s of raw guest
 * memory per sender thread.  The per-engine scan and copy rates are in the
 * engine table (dcisim/migration_engines.h). */
/* A zero page goes as its 8-byte header (QEMU save_zero_page; LM §2.2
 * predict_migration.py counts zero_pages x 8 bytes). */
#define ZERO_PAGE_WIRE_BYTES 8.0
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

enum noprog { NP_STUN, NP_ABORT, NP_FORCE, NP_CONTINUE };
enum outcome { OUT_CONVERGED, OUT_STUNNED, OUT_MAX_ROUNDS, OUT_ABORTED, OUT_FAILED };
static const char *const outcome_names[] = {"converged", "stunned", "max_rounds", "aborted",
					    "failed"};

/* The engine settings with every default resolved. */
struct policy {
	const struct dcs_migration_engine *engine;
	double max_downtime_s; /* NAN: no downtime rule (xen) */
	dcs_time_t switchover;
	int streams;
	double window_bytes;     /* 0: no window cap */
	double rate_cap_Bps;     /* INFINITY: none */
	double max_switchover_s; /* INFINITY: none */
	int max_rounds;          /* 0: none */
	enum noprog on_no_progress;
	bool auto_converge;
	double page_bytes;
	dcs_time_t stall_timeout;
	int threads; /* sender threads: multifd channels or streams */
	enum dcs_compression compression;
	double compress_Bps; /* per thread, raw bytes */
	double channel_Bps;  /* per thread without compression; INFINITY: none */
	double scan_Bps;     /* memory walk */
	double xbzrle_cache_bytes;
	bool postcopy;
	int postcopy_after; /* live rounds before post-copy */
};

/* What held a round's flow when its own demand did (migrations.csv
 * limited_by): the engine's rate cap, the sender threads (copying or
 * compressing) or the walk over guest memory. */
enum demand_reason { DR_RATE_CAP, DR_SENDER_CPU, DR_PAGE_SCAN, DR_COUNT };
static const char *const demand_names[] = {"rate_cap", "sender_cpu", "page_scan"};

enum phase { PH_LIVE, PH_STOP_COPY, PH_RESUMING, PH_POSTCOPY_SWITCH, PH_POSTCOPY, PH_DONE };

struct plan;

struct mig {
	struct mstate *S;
	struct plan *plan;
	int vm, from, to;
	int seq_for_vm; /* 1 for a VM's first migration, 2 for its second... */
	enum phase phase;
	dcs_time_t start, round_start, stop_at, end;
	int round;                               /* index of the round in flight */
	int live_rounds;                         /* live rounds completed */
	double mem, wws, dirty_Bps, allowed_Bps; /* allowed: after stun */
	double used, ratio;                      /* touched memory; compressed / raw */
	double round_raw;                        /* raw memory bytes of the round in flight */
	enum demand_reason round_reason;
	double demand_bytes[DR_COUNT];
	int vcpus;
	double pc_pending;   /* raw bytes left at the source when post-copy began */
	dcs_time_t pc_start; /* post-copy phase start (guest running at the destination) */
	double pc_faults, pc_slowdown;
	bool postcopy;   /* this migration switches to post-copy */
	double throttle; /* auto-converge, 0..0.99 */
	int ac_hits;
	bool slowed;
	double round_bytes; /* bytes of the round in flight */
	double sent;        /* bytes delivered, all rounds */
	double xfer_s;      /* seconds spent sending */
	double limit_bytes[DCS_LIMIT_COUNT];
	double share_rate_Bps; /* the last round's rate when its link share held it */
	bool no_progress;      /* a live round did not shrink the dirty set */
	dcs_time_t downtime;
	uint64_t held_at_stop, held_ios; /* the VM's storage I/O held by its pause */
	enum outcome outcome;
	enum outcome stop_reason; /* how pre-copy ended: converged/stunned/max_rounds */
	struct dcs_flow *flow;
	dcs_handle_t stall_ev, switch_ev;
	const char *fail_why;
	char label[80];
};

struct plan {
	int index;
	const struct dcs_migration_cfg *cfg;
	int *queue;
	size_t n_queue, next;
	int running, max_concurrent;
	bool warned_rtt, warned_bw, warned_noprog;
	dcs_time_t last_end;
	size_t n_started, cap_migs;
	struct mig **migs; /* in start order */
};

struct mstate {
	struct dcs_world *w;
	struct policy P;
	struct plan *plans;
	size_t n_plans;
	bool *busy;       /* VM is migrating */
	int *n_moves;     /* migrations started per VM */
	int *in_flight;   /* migrations not done, per (from, to) site pair */
	struct mig **all; /* every migration, in start order */
	size_t n_all, cap_all;
	struct dcs_table *mig_tab, *round_tab;
};

static void *xcalloc(size_t n, size_t size)
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

/* ---- helpers ---- */

static double round_up_pages(double bytes, double page)
{
	if (bytes <= 0)
		return 0;
	return ceil(bytes / page - 1e-9) * page;
}

/* The narrowest link on the current path, in Gbps of line rate; and what it
 * leaves after background. NAN with no path. */
static void path_bandwidth(struct dcs_world *w, int a, int b, double *line_gbps, double *free_gbps)
{
	int n = (int)w->scn->n_links;
	int *links = xcalloc((size_t)n + 1, sizeof(int));
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
	free(links);
}

static enum dcs_limit main_limit(const struct mig *m)
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
static const char *limited_by(const struct mig *m)
{
	if (m->no_progress || m->slowed)
		return "dirty_rate";
	enum dcs_limit l = main_limit(m);
	if (l != DCS_LIMIT_DEMAND)
		return dcs_limit_name(l);
	int best = DR_RATE_CAP;
	for (int r = 1; r < DR_COUNT; r++)
		if (m->demand_bytes[r] > m->demand_bytes[best])
			best = r;
	return demand_names[best];
}

/* ---- lifecycle of one migration ---- */

static void start_round(struct mig *m, double raw, bool first);
static void start_postcopy(struct mig *m, double pending);
static void start_flow(struct mig *m, double wire, double demand_Bps, int streams);
static void postcopy_lost(struct mig *m, const char *why);
static void launch_more(struct mstate *S, struct plan *p);

static void on_flow_done(void *ctx, struct dcs_flow *f);
static void on_flow_stall(void *ctx, struct dcs_flow *f, bool stalled);

/* Accounts the bytes a flow moved, then forgets it. */
static void take_flow(struct mig *m, struct dcs_flow *f, double bytes)
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
	struct dcs_table *t = S->mig_tab;
	dcs_row_begin(t);
	dcs_cell_str(t, scn->vms[m->vm].id);
	dcs_cell_str(t, scn->sites[m->from].id);
	dcs_cell_str(t, scn->sites[m->to].id);
	dcs_cell_time_s(t, m->start);
	dcs_cell_time_s(t, m->end);
	dcs_cell_time_s(t, m->end - m->start);
	dcs_cell_num(t, dcs_time_to_ms(m->downtime));
	dcs_cell_int(t, m->live_rounds);
	dcs_cell_num(t, m->sent);
	dcs_cell_num(t, m->xfer_s > 0 ? m->sent * 8 / m->xfer_s / 1e9 : 0);
	dcs_cell_str(t, outcome_names[m->outcome]);
	dcs_cell_str(t, main_limit(m) == DCS_LIMIT_NONE && !m->no_progress ? "" : limited_by(m));
	dcs_cell_int(t, (int64_t)m->held_ios);
	dcs_row_end(t);
}

/* The migration is over (any outcome) at now. */
static void finish(struct mig *m, enum outcome o)
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
		dcs_event(w->res, m->end, "migration_end", m->label, "%s: %s", outcome_names[o],
			  m->fail_why ? m->fail_why : "cancelled");
	else if (o == OUT_FAILED || o == OUT_ABORTED)
		dcs_event(w->res, m->end, "migration_end", m->label, "%s: %s; stays at %s",
			  outcome_names[o], m->fail_why ? m->fail_why : "cancelled",
			  w->scn->sites[m->from].id);
	else if (m->pc_start > 0)
		dcs_event(w->res, m->end, "migration_end", m->label,
			  "%s: runs at %s after %.6g ms of downtime; post-copy took %.6g s with "
			  "%.0f remote page faults",
			  outcome_names[o], w->scn->sites[m->to].id, dcs_time_to_ms(m->downtime),
			  dcs_time_to_s(m->end - m->pc_start), m->pc_faults);
	else
		dcs_event(w->res, m->end, "migration_end", m->label,
			  "%s: runs at %s after %.6g ms of downtime", outcome_names[o],
			  w->scn->sites[m->to].id, dcs_time_to_ms(m->downtime));
	S->busy[m->vm] = false;
	m->plan->running--;
	if (m->end > m->plan->last_end)
		m->plan->last_end = m->end;
	launch_more(S, m->plan);
}

/* Stops the flow in flight, if any, counting what it delivered. */
static void drop_flow(struct mig *m)
{
	if (!m->flow)
		return;
	struct dcs_net *net = m->S->w->net;
	struct dcs_flow *f = m->flow;
	take_flow(m, f, dcs_flow_sent(net, f));
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
static void set_guest_speed(struct mig *m)
{
	double rate = m->dirty_Bps * (1 - m->throttle);
	if (rate > m->allowed_Bps)
		rate = m->allowed_Bps;
	double f = m->dirty_Bps > 0 ? rate / m->dirty_Bps : 1 - m->throttle;
	dcs_world_set_vm_speed(m->S->w, m->vm, f);
}

static void fail(struct mig *m, enum outcome o, const char *why)
{
	struct dcs_kernel *k = m->S->w->k;
	drop_flow(m);
	if (m->phase == PH_STOP_COPY || m->phase == PH_RESUMING || m->phase == PH_POSTCOPY_SWITCH) {
		m->downtime = dcs_now(k) - m->stop_at; /* the guest resumes at the source */
		resume_guest(m);
	}
	m->fail_why = why;
	finish(m, o);
}

static void resume_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->switch_ev = 0;
	dcs_world_move_vm(m->S->w, m->vm, m->to);
	resume_guest(m);
	finish(m, m->stop_reason);
}

static void switchover_timeout(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->switch_ev = 0;
	fail(m, OUT_FAILED, "switchover exceeded max_switchover_s");
}

static void stall_timeout(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	(void)payload;
	struct mig *m = ctx;
	m->stall_ev = 0;
	fail(m, OUT_FAILED, "path lost for longer than stall_timeout_s");
}

static void on_flow_stall(void *ctx, struct dcs_flow *f, bool stalled)
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

static void row_round(struct mig *m, double bytes, double dirty_at_end, const char *phase)
{
	struct dcs_table *t = m->S->round_tab;
	dcs_row_begin(t);
	dcs_cell_str(t, m->S->w->scn->vms[m->vm].id);
	dcs_cell_int(t, m->round);
	dcs_cell_time_s(t, m->round_start);
	dcs_cell_time_s(t, dcs_now(m->S->w->k));
	dcs_cell_num(t, bytes);
	dcs_cell_num(t, dirty_at_end);
	dcs_cell_str(t, phase);
	dcs_row_end(t);
}

static void start_stop_copy(struct mig *m, double pending, enum outcome reason)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	m->phase = PH_STOP_COPY;
	m->stop_reason = reason;
	m->stop_at = dcs_now(w->k);
	m->round++;
	pause_guest(m);
	dcs_event(w->res, m->stop_at, "switchover", m->label,
		  "guest stopped after %d live rounds; %.6g MiB left", m->live_rounds,
		  pending / MIB);
	if (isfinite(S->P.max_switchover_s))
		m->switch_ev = dcs_schedule_in(w->k, dcs_time_from_s(S->P.max_switchover_s),
					       switchover_timeout, m, NULL, 0);
	start_round(m, pending, false);
}

/* The final copy arrived: the guest resumes at the destination one RTT and
 * the fixed switchover later, unless that would pass the switchover limit,
 * in which case the pending timeout fails the migration. */
static void final_copy_done(struct mig *m, struct dcs_flow *f)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	dcs_time_t now = dcs_now(w->k);
	double bytes = m->round_bytes;
	row_round(m, bytes, 0, "stop_copy");
	dcs_time_t rtt = dcs_flow_rtt(w->net, f);
	take_flow(m, f, bytes);
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
	m->pc_faults = -1; /* lost: no post-copy figures */
	dcs_world_pause_vm(w, m->vm); /* stopped for good: its service is down */
	dcs_event(w->res, dcs_now(w->k), "postcopy_lost", m->label,
		  "VM lost: %s; %.6g MiB of its memory were left at %s when post-copy began", why,
		  m->pc_pending / MIB, w->scn->sites[m->from].id);
	dcs_warn(w->res, dcs_now(w->k), m->label,
		 "post-copy interrupted: the VM is lost (%s); pre-copy would have left it "
		 "running at %s",
		 why, w->scn->sites[m->from].id);
	finish(m, OUT_FAILED);
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
		double normal = fmin(round_up_pages(m->used, S->P.page_bytes), m->pc_pending);
		wire = normal + (m->pc_pending - normal) / S->P.page_bytes * ZERO_PAGE_WIRE_BYTES;
	}
	m->round_raw = m->pc_pending;
	m->round_reason = DR_SENDER_CPU;
	start_flow(m, wire, S->P.channel_Bps, 1);
}

static void start_postcopy(struct mig *m, double pending)
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

static void postcopy_done(struct mig *m, struct dcs_flow *f)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	double bytes = m->round_bytes;
	double rtt_s = dcs_time_to_s(dcs_flow_rtt(w->net, f));
	row_round(m, bytes, 0, "postcopy");
	take_flow(m, f, bytes);
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
	finish(m, m->stop_reason);
}

/* Engine rules after a live round of `sent` bytes lasting t_s seconds;
 * `next` is the dirty set now pending. */
static void after_live_round(struct mig *m, double raw, double sent, double t_s, double next)
{
	struct mstate *S = m->S;
	const struct policy *P = &S->P;
	struct dcs_world *w = S->w;
	double rate = t_s > 0 ? sent / t_s : INFINITY;
	m->live_rounds++;

	if (P->auto_converge && next > QEMU_AC_TRIGGER * sent && ++m->ac_hits >= QEMU_AC_HITS) {
		m->ac_hits = 0;
		m->throttle = m->throttle == 0 ? QEMU_AC_INITIAL : m->throttle + QEMU_AC_STEP;
		if (m->throttle > QEMU_AC_MAX)
			m->throttle = QEMU_AC_MAX;
		m->slowed = true;
		set_guest_speed(m);
		dcs_event(w->res, dcs_now(w->k), "auto_converge", m->label,
			  "guest throttled %.0f%%", m->throttle * 100);
	}
	enum outcome ok = m->slowed ? OUT_STUNNED : OUT_CONVERGED;
	if (next <= 0) {
		start_stop_copy(m, 0, ok);
		return;
	}
	if (!isnan(P->max_downtime_s) && next <= rate * P->max_downtime_s) {
		start_stop_copy(m, next, ok);
		return;
	}
	if (raw < P->engine->min_round_pages * P->page_bytes) {
		start_stop_copy(m, next, ok);
		return;
	}
	if ((P->max_rounds > 0 && m->live_rounds >= P->max_rounds) ||
	    m->sent > P->engine->max_sent_factor * m->mem) {
		start_stop_copy(m, next, OUT_MAX_ROUNDS);
		return;
	}
	if (m->postcopy && m->live_rounds >= P->postcopy_after) {
		start_postcopy(m, next);
		return;
	}
	if (next >= raw) {
		m->no_progress = true;
		switch (P->on_no_progress) {
		case NP_STUN: {
			double cap = STUN_FRACTION * rate;
			if (cap < m->allowed_Bps) {
				m->allowed_Bps = cap;
				m->slowed = true;
				set_guest_speed(m);
				dcs_event(w->res, dcs_now(w->k), "stun", m->label,
					  "guest slowed to dirty at most %.6g MiB/s", cap / MIB);
			}
			break;
		}
		case NP_ABORT:
			m->fail_why = "pre-copy made no progress";
			finish(m, OUT_ABORTED);
			return;
		case NP_FORCE:
			start_stop_copy(m, next, OUT_MAX_ROUNDS);
			return;
		case NP_CONTINUE:
			/* An engine with a cap on what it sends ends by itself. */
			if (!m->plan->warned_noprog && !P->auto_converge &&
			    isinf(P->engine->max_sent_factor)) {
				m->plan->warned_noprog = true;
				dcs_warn(w->res, dcs_now(w->k), m->label,
					 "pre-copy is not converging (dirty set %.6g MiB after "
					 "sending %.6g MiB); it goes on until cancelled: set "
					 "auto_converge or on_no_progress",
					 next / MIB, sent / MIB);
			}
			break;
		}
	}
	m->round++;
	start_round(m, next, false);
}

static void on_flow_done(void *ctx, struct dcs_flow *f)
{
	struct mig *m = ctx;
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	if (m->phase == PH_STOP_COPY) {
		final_copy_done(m, f);
		return;
	}
	if (m->phase == PH_POSTCOPY) {
		postcopy_done(m, f);
		return;
	}
	double sent = m->round_bytes;
	double t_s = dcs_time_to_s(dcs_now(w->k) - m->round_start);
	/* The guest dirtied pages all round, at its (possibly slowed) rate; the
	 * dirty set never exceeds the writable working set. */
	double rate = m->dirty_Bps * (1 - m->throttle);
	if (rate > m->allowed_Bps)
		rate = m->allowed_Bps;
	double next = round_up_pages(rate * t_s, S->P.page_bytes);
	if (next > m->wws)
		next = m->wws;
	row_round(m, sent, next, "live");
	take_flow(m, f, sent);
	after_live_round(m, m->round_raw, sent, t_s, next);
}

/* What a round costs, from the raw memory bytes it covers: the bytes it puts
 * on the DCI and the least time the source needs for it (docs/models.md
 * §2.2).  Round 0 (first) walks all memory: zero pages go as flags, touched
 * pages whole or compressed; a later round, and the final copy, walk and
 * send the dirty pages, which are never zero.  The round lasts at least
 * max(scan time, sender time): the walk at scan_Bps, and the sender
 * threads copying (channel_Bps) or compressing (compress_Bps) in parallel;
 * XBZRLE encodes on the one migration thread, only pages whose previous
 * copy is still in its cache. */
static double round_cost(const struct mig *m, double raw, bool first, double *min_s)
{
	const struct policy *P = &m->S->P;
	double normal = raw, zero = 0;
	if (first) {
		normal = round_up_pages(m->used, P->page_bytes);
		if (normal > raw)
			normal = raw;
		zero = raw - normal;
	}
	double wire = zero / P->page_bytes * ZERO_PAGE_WIRE_BYTES;
	double cpu_s;
	switch (P->compression) {
	case DCS_COMPRESS_ZLIB:
	case DCS_COMPRESS_ZSTD:
		wire += normal * m->ratio;
		cpu_s = normal / (P->threads * P->compress_Bps);
		break;
	case DCS_COMPRESS_XBZRLE: {
		double hits = first ? 0 : fmin(normal, P->xbzrle_cache_bytes);
		wire += hits * m->ratio + (normal - hits);
		cpu_s = hits / P->compress_Bps + (normal - hits) / P->channel_Bps;
		break;
	}
	default:
		wire += normal;
		cpu_s = normal / (P->threads * P->channel_Bps);
	}
	double scan_s = raw / P->scan_Bps;
	*min_s = fmax(cpu_s, scan_s);
	return wire;
}

static void start_flow(struct mig *m, double wire, double demand_Bps, int streams)
{
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	m->round_start = dcs_now(w->k);
	m->round_bytes = wire;
	struct dcs_flow_spec spec = {
	    .src = m->from,
	    .dst = m->to,
	    .bytes = wire,
	    .demand_Bps = demand_Bps,
	    .streams = streams,
	    .window_bytes = S->P.window_bytes,
	    .label = m->label,
	    .on_done = on_flow_done,
	    .on_stall = on_flow_stall,
	    .ctx = m,
	};
	m->flow = dcs_flow_start(w->net, &spec);
	if (!m->flow) {
		fprintf(stderr, "dcisim: out of memory starting a migration flow\n");
		exit(DCS_EXIT_RUNTIME);
	}
}

/* A pre-copy round or the final copy of `raw` bytes of guest memory: one
 * flow whose demand is the engine's rate cap, or less when the source
 * cannot prepare the round faster (the flow then lasts min_s). */
static void start_round(struct mig *m, double raw, bool first)
{
	const struct policy *P = &m->S->P;
	double min_s;
	double wire = round_cost(m, raw, first, &min_s);
	double demand = P->rate_cap_Bps;
	m->round_raw = raw;
	m->round_reason = DR_RATE_CAP;
	if (min_s > 0 && wire / min_s < demand) {
		demand = wire / min_s;
		m->round_reason = min_s > raw / P->scan_Bps ? DR_SENDER_CPU : DR_PAGE_SCAN;
	}
	start_flow(m, wire, demand, P->streams);
}

static void admission_checks(struct mstate *S, struct mig *m)
{
	struct dcs_world *w = S->w;
	struct plan *p = m->plan;
	const struct dcs_migration_engine *E = S->P.engine;
	if ((isinf(E->max_rtt_ms) && !(E->min_mbps_each > 0)) ||
	    !dcs_net_reachable(w->net, m->from, m->to))
		return;
	double rtt_ms = dcs_time_to_ms(dcs_net_rtt(w->net, m->from, m->to));
	if (rtt_ms > E->max_rtt_ms && !p->warned_rtt) {
		p->warned_rtt = true;
		dcs_warn(w->res, m->start, m->label,
			 "RTT %.6g ms between %s and %s exceeds the %g ms %s supports", rtt_ms,
			 w->scn->sites[m->from].id, w->scn->sites[m->to].id, E->max_rtt_ms,
			 E->label);
	}
	/* Migrations in flight on the same site pair, this one included. */
	int n = S->in_flight[m->from * (int)w->scn->n_sites + m->to];
	double line, freeg;
	path_bandwidth(w, m->from, m->to, &line, &freeg);
	double per_mbps = freeg * 1e3 / n;
	if (per_mbps < E->min_mbps_each && !p->warned_bw) {
		p->warned_bw = true;
		dcs_warn(w->res, m->start, m->label,
			 "%.6g Mbps of DCI bandwidth per concurrent %s (%d in flight); "
			 "%s needs %g Mbps each",
			 per_mbps, E->label, n, E->label, E->min_mbps_each);
	}
}

static void start_migration(struct mstate *S, struct plan *p, int vm)
{
	struct dcs_world *w = S->w;
	const struct dcs_vm_cfg *v = &w->scn->vms[vm];
	struct mig *m = xcalloc(1, sizeof(*m));
	m->S = S;
	m->plan = p;
	m->vm = vm;
	m->from = dcs_world_vm_site(w, vm);
	m->to = p->cfg->to;
	m->seq_for_vm = ++S->n_moves[vm];
	if (m->seq_for_vm == 1)
		snprintf(m->label, sizeof(m->label), "%s", v->id);
	else
		snprintf(m->label, sizeof(m->label), "%s#%d", v->id, m->seq_for_vm);
	m->start = dcs_now(w->k);
	m->mem = v->memory_gib * GIB;
	m->wws = v->wws_gib * GIB;
	m->dirty_Bps = v->dirty_mib_s * MIB;
	m->allowed_Bps = INFINITY;
	m->used = v->used_gib * GIB;
	m->ratio = v->compress_ratio;
	m->vcpus = v->vcpus;
	m->phase = PH_LIVE;
	if (S->n_all == S->cap_all) {
		S->cap_all = S->cap_all ? 2 * S->cap_all : 64;
		struct mig **a = realloc(S->all, S->cap_all * sizeof(*a));
		if (!a) {
			fprintf(stderr, "dcisim: out of memory in the migration model\n");
			exit(DCS_EXIT_RUNTIME);
		}
		S->all = a;
	}
	S->all[S->n_all++] = m;
	if (p->n_started == p->cap_migs) {
		p->cap_migs = p->cap_migs ? 2 * p->cap_migs : 16;
		struct mig **a = realloc(p->migs, p->cap_migs * sizeof(*a));
		if (!a) {
			fprintf(stderr, "dcisim: out of memory in the migration model\n");
			exit(3);
		}
		p->migs = a;
	}
	p->migs[p->n_started++] = m;
	S->in_flight[m->from * (int)w->scn->n_sites + m->to]++;
	S->busy[vm] = true;
	p->running++;
	dcs_event(w->res, m->start, "migration_start", m->label,
		  "%s->%s, %.6g GiB (migrations[%d])", w->scn->sites[m->from].id,
		  w->scn->sites[m->to].id, v->memory_gib, p->index);
	admission_checks(S, m);
	m->postcopy = p->cfg->postcopy >= 0 ? p->cfg->postcopy == 1 : S->P.postcopy;
	if (m->postcopy && S->P.postcopy_after == 0)
		start_postcopy(m, round_up_pages(m->mem, S->P.page_bytes));
	else
		start_round(m, round_up_pages(m->mem, S->P.page_bytes), true);
}

static void launch_more(struct mstate *S, struct plan *p)
{
	struct dcs_world *w = S->w;
	while (p->running < p->max_concurrent && p->next < p->n_queue) {
		int vm = p->queue[p->next++];
		if (S->busy[vm] || dcs_world_vm_site(w, vm) == p->cfg->to) {
			dcs_warn(w->res, dcs_now(w->k), w->scn->vms[vm].id,
				 "migrations[%d]: skipped, the VM is %s", p->index,
				 S->busy[vm] ? "already migrating" : "already at the destination");
			continue;
		}
		start_migration(S, p, vm);
	}
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
	struct queued *e = xcalloc(n, sizeof(*e));
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
	p->queue = xcalloc(cap, sizeof(int));
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
			path_bandwidth(w, c->evacuate, c->to, &line, &freeg);
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
	launch_more(S, p);
}

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
	double raw = round_up_pages(v->memory_gib * GIB, P->page_bytes), min_s;
	double wire = round_cost(&tmp, raw, true, &min_s);
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
static void preflight(struct mstate *S)
{
	struct dcs_world *w = S->w;
	const struct dcs_scenario *scn = w->scn;
	int *where = xcalloc(scn->n_vms, sizeof(int));
	size_t *order = xcalloc(S->n_plans, sizeof(size_t));
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

/* ---- model ops ---- */

static int migration_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	if (scn->n_migrations == 0)
		return 0;
	struct mstate *S = xcalloc(1, sizeof(*S));
	S->w = w;
	resolve_policy(&scn->migration, &S->P);
	S->n_plans = scn->n_migrations;
	S->plans = xcalloc(S->n_plans, sizeof(*S->plans));
	S->busy = xcalloc(scn->n_vms, sizeof(bool));
	S->n_moves = xcalloc(scn->n_vms, sizeof(int));
	S->in_flight = xcalloc(scn->n_sites * scn->n_sites, sizeof(int));
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
	preflight(S);
}

static void plan_summary(struct mstate *S, struct plan *p)
{
	struct dcs_world *w = S->w;
	char entity[48];
	snprintf(entity, sizeof(entity), "migrations[%d]", p->index);
	double *down = xcalloc(p->n_started, sizeof(double));
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
	const char *lb = limited_by(m);
	dcs_summary_text(w->res, "limited_by", m->label, lb, "");
	double v;
	const char *metric, *unit;
	if (strcmp(lb, "dirty_rate") == 0) {
		dcs_summary(w->res, "lift_rate_gbps", m->label, 2 * m->dirty_Bps * 8 / 1e9, "Gbps");
	} else if (strcmp(lb, "sender_cpu") == 0 || strcmp(lb, "page_scan") == 0) {
		/* A host limit: no network setting lifts it. */
	} else if (dcs_net_lift(w->net, m->from, m->to, main_limit(m), S->P.streams,
				S->P.window_bytes, S->P.rate_cap_Bps, m->share_rate_Bps, &v,
				&metric, &unit)) {
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
		fail(m, OUT_ABORTED, "the run ended");
	}
	for (size_t i = 0; i < S->n_all; i++) {
		const struct mig *m = S->all[i];
		dcs_summary(w->res, "migration_total_s", m->label, dcs_time_to_s(m->end - m->start),
			    "s");
		dcs_summary(w->res, "migration_downtime_ms", m->label, dcs_time_to_ms(m->downtime),
			    "ms");
		dcs_summary(w->res, "migration_rounds", m->label, m->live_rounds, "count");
		dcs_summary(w->res, "migration_bytes", m->label, m->sent, "bytes");
		dcs_summary(w->res, "migration_held_ios", m->label, (double)m->held_ios, "count");
		dcs_summary_text(w->res, "migration_outcome", m->label, outcome_names[m->outcome],
				 "");
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
	for (size_t i = 0; i < S->n_all; i++)
		free(S->all[i]);
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
