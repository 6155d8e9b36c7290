/*
 * Live migration, the pre-copy rounds: the engine's rules after each live
 * round (auto-converge, stun, the downtime goal, round and progress caps),
 * what a round costs on the wire and in sender time, starting a round's flow,
 * and starting migrations from a plan's queue as its concurrency allows.  The
 * physics and sources are in models/migration.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"
#include "dcisim/xalloc.h"
#include "migration_internal.h"

#define QEMU_AC_TRIGGER 0.50 /* §2.2 throttle-trigger-threshold 50 % */
#define QEMU_AC_HITS    2    /* §2.2 dirty_rate_high_cnt >= 2 */
#define QEMU_AC_INITIAL 0.20 /* §2.2 cpu-throttle-initial */
#define QEMU_AC_STEP    0.10 /* §2.2 cpu-throttle-increment */
#define QEMU_AC_MAX     0.99 /* §2.2 max-cpu-throttle */
#define STUN_FRACTION   0.5  /* assumption, see above */

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
		mig_set_guest_speed(m);
		dcs_event(w->res, dcs_now(w->k), "auto_converge", m->label,
			  "guest throttled %.0f%%", m->throttle * 100);
	}
	enum outcome ok = m->slowed ? OUT_STUNNED : OUT_CONVERGED;
	if (next <= 0) {
		mig_start_stop_copy(m, 0, ok);
		return;
	}
	if (!isnan(P->max_downtime_s) && next <= rate * P->max_downtime_s) {
		mig_start_stop_copy(m, next, ok);
		return;
	}
	if (raw < P->engine->min_round_pages * P->page_bytes) {
		mig_start_stop_copy(m, next, ok);
		return;
	}
	if ((P->max_rounds > 0 && m->live_rounds >= P->max_rounds) ||
	    m->sent > P->engine->max_sent_factor * m->mem) {
		mig_start_stop_copy(m, next, OUT_MAX_ROUNDS);
		return;
	}
	if (m->postcopy && m->live_rounds >= P->postcopy_after) {
		mig_start_postcopy(m, next);
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
				mig_set_guest_speed(m);
				dcs_event(w->res, dcs_now(w->k), "stun", m->label,
					  "guest slowed to dirty at most %.6g MiB/s", cap / MIB);
			}
			break;
		}
		case NP_ABORT:
			m->fail_why = "pre-copy made no progress";
			mig_finish(m, OUT_ABORTED);
			return;
		case NP_FORCE:
			mig_start_stop_copy(m, next, OUT_MAX_ROUNDS);
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
	mig_start_round(m, next, false);
}

void mig_on_flow_done(void *ctx, struct dcs_flow *f)
{
	struct mig *m = ctx;
	struct mstate *S = m->S;
	struct dcs_world *w = S->w;
	if (m->phase == PH_STOP_COPY) {
		mig_final_copy_done(m, f);
		return;
	}
	if (m->phase == PH_POSTCOPY) {
		mig_postcopy_done(m, f);
		return;
	}
	double sent = m->round_bytes;
	double t_s = dcs_time_to_s(dcs_now(w->k) - m->round_start);
	/* The guest dirtied pages all round, at its (possibly slowed) rate; the
	 * dirty set never exceeds the writable working set. */
	double rate = m->dirty_Bps * (1 - m->throttle);
	if (rate > m->allowed_Bps)
		rate = m->allowed_Bps;
	double next = mig_round_up_pages(rate * t_s, S->P.page_bytes);
	if (next > m->wws)
		next = m->wws;
	mig_row_round(m, sent, next, "live");
	mig_take_flow(m, f, sent);
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
double mig_round_cost(const struct mig *m, double raw, bool first, double *min_s)
{
	const struct policy *P = &m->S->P;
	double normal = raw, zero = 0;
	if (first) {
		normal = mig_round_up_pages(m->used, P->page_bytes);
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

void mig_start_flow(struct mig *m, double wire, double demand_Bps, int streams)
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
	    .on_done = mig_on_flow_done,
	    .on_stall = mig_on_flow_stall,
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
void mig_start_round(struct mig *m, double raw, bool first)
{
	const struct policy *P = &m->S->P;
	double min_s;
	double wire = mig_round_cost(m, raw, first, &min_s);
	double demand = P->rate_cap_Bps;
	m->round_raw = raw;
	m->round_reason = DR_RATE_CAP;
	if (min_s > 0 && wire / min_s < demand) {
		demand = wire / min_s;
		m->round_reason = min_s > raw / P->scan_Bps ? DR_SENDER_CPU : DR_PAGE_SCAN;
	}
	mig_start_flow(m, wire, demand, P->streams);
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
	mig_path_bandwidth(w, m->from, m->to, &line, &freeg);
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
	/* Each cleared on its own: a block cleared at once costs more (libc's
	 * memset of a large block). */
	if (S->n_all % MIG_BLOCK == 0)
		S->block = dcs_xmalloc(MIG_BLOCK * sizeof(*S->block), "the migration model");
	struct mig *m = &S->block[S->n_all % MIG_BLOCK]; /* appended to all[] below */
	memset(m, 0, sizeof(*m));
	m->S = S;
	m->plan = p;
	m->vm = vm;
	m->from = dcs_world_vm_site(w, vm);
	m->to = p->cfg->to;
	m->seq_for_vm = ++S->n_moves[vm];
	if (m->seq_for_vm == 1) {
		/* The VM's name, cut as snprintf would cut it. */
		size_t n = strlen(v->id);
		if (n >= sizeof(m->label))
			n = sizeof(m->label) - 1;
		memcpy(m->label, v->id, n);
		m->label[n] = '\0';
	} else
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
	DCS_EVENT_KEYED(w->res, m->start, "migration_start", m->label,
			"%s->%s, %.6g GiB (migrations[%d])", w->scn->sites[m->from].id,
			w->scn->sites[m->to].id, v->memory_gib, p->index);
	admission_checks(S, m);
	m->postcopy = p->cfg->postcopy >= 0 ? p->cfg->postcopy == 1 : S->P.postcopy;
	if (m->postcopy && S->P.postcopy_after == 0)
		mig_start_postcopy(m, mig_round_up_pages(m->mem, S->P.page_bytes));
	else
		mig_start_round(m, mig_round_up_pages(m->mem, S->P.page_bytes), true);
}

void mig_launch_more(struct mstate *S, struct plan *p)
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
