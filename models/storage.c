/*
 * The storage model (SPEC §4.3): what a read or a write costs when the
 * storage is shared, mirrored or replicated across the DCI, and what happens
 * to I/O when the DCI, a site, an array or the witness fails.
 *
 * I/O.  Each workload is a closed loop (SPEC §6.2; reference
 * tcp-and-queues.md "Closed loops"): its host keeps at most `queue_depth` I/Os
 * outstanding, and each of those slots thinks an exponential time of mean
 * Z = queue_depth / iops, issues an I/O (share `read_ratio` reads,
 * `block_kib` each) from the workload's site or from wherever its VM runs
 * now, and waits for it.  `iops` is what the host offers (the loop's rate if
 * storage answered at once); with response time R it achieves
 * queue_depth / (R + Z) (Little's law), so when latency rises the achieved
 * rate falls instead of a backlog growing.  With many slots the arrivals are
 * Poisson at `iops`.  Stun slows the VM's slots (Z / speed); while its VM is
 * stopped for a switchover a slot's I/O is held and issued when it resumes.
 * An I/O costs two kernel events, its arrival and its completion: the array
 * queues (struct dcs_mcq, FIFO with `servers` servers, exponential or fixed
 * service of mean read_ms / write_ms) give each leg's completion time at
 * admission, so the completion event is scheduled at once with the whole
 * latency known, and the payload carries the issue time.
 *
 * Held I/O (a write waiting out a mirror freeze, any I/O waiting out its
 * VM's pause) is counted once (storage_held_ios, the longest wait) and its
 * latency, the wait included, goes to the disrupted phase of storage.csv;
 * the steady-state figures (phase normal, the summary's means and
 * percentiles) take only I/O that was never held.
 *
 * Latency of one I/O issued at site h whose volume is entered at array site S
 * (S = h when h has an array):
 *   access(h,S)  = 0 when h = S, else n_rtt x RTT(h,S) + bytes / rate(h,S)
 *                  + credit_rounds x RTT(h,S)
 *   shared       = access(h,P) + array response at P                 (P = preferred_site)
 *   active_active read  = access(h,S) + local array response
 *   active_active write = access(h,S) + max(local response,
 *                          n_rtt x RTT(S,R) + bytes / rate(S,R) + remote response
 *                          + backlog delay of the S->R replication)
 *   async        = access(h,S) + local array response; the write also feeds
 *                  the replication S->R.
 * n_rtt of a host reaching an array comes from the host protocol
 * (dcs_storage_*_round_trips: FC writes 2 or 1 with write acceleration,
 * iSCSI per its negotiated keys, NFS per pipelined RPC chunks, reads 1); the
 * mirror leg S->R between arrays takes storage.replication_round_trips
 * (default 1: array replication protocols send the data with the command,
 * e.g. SRDF/S single round trip SiRT, Huawei FastWrite; dci-facts.md §2.1,
 * §2.3 row 1), whatever the hosts speak.  RTT comes from the network now
 * (so degradation and rerouting count), rate(a,b) is the path's goodput
 * capacity (and the FC port's payload rate for FC).  Native FC (over dwdm,
 * or storage.fc.transport native) also waits credit_rounds; FCIP does not.  The path is the
 * network's, unless it transits the witness site: then the best path that avoids the witness (see
 * spath()).  Both arrays of a mirror take the write when it arrives: shifting the remote admission
 * by a constant would not change the queue's statistics, and keeps admissions in time order.
 *
 * Traffic.  Storage bytes crossing the DCI (mirror writes S->R, async
 * replication, and host I/O to a remote array) are one flow per ordered
 * site pair ("channel"), with infinite bytes and a demand equal to the mean
 * offered rate (sum of iops x share x bytes of the workloads using it), so
 * they show in links.csv and share the DCI with migrations by max-min
 * fairness.  For native FC the demand is capped at the buffer-credit limit
 * credits x frame payload / RTT (dcs_fc_credit_cap_Bps), with a warning that
 * names the credits the distance needs; for FCIP (the default over every
 * technology but dwdm) at the FCIP profile's max-bandwidth, and the flow is
 * a TCP flow with the profile's window (dcs_fcip_window_bytes).  Backlog is a fluid: it grows at
 * offered - carried (carried is the flow's exact byte count), and while it
 * is positive the flow asks for as much as the network (or the credits)
 * allow until it is drained.  A synchronous write waits behind the backlog
 * ahead of it: delay = backlog / current rate (FIFO drain); an asynchronous
 * write completes locally and the channel reports backlog and RPO, the age
 * of the oldest byte not yet at the replica (from the offered curve's
 * breakpoints) plus the one-way delay.  The per-write check is O(1) while
 * the flow carries its whole demand (no backlog can form); the backlog is
 * integrated whenever a write finds the flow short of its demand and at
 * every sample tick, so a dip shorter than the gap between two writes can be
 * missed.  A synchronous channel short of its demand grows by the bytes the
 * hosts actually sent, not the offered mean: their closed loops wait for
 * each write, so its backlog never exceeds the sum of queue_depth x block of
 * the workloads using it.
 *
 * Failures (active_active).  The mirror is up while both sites and arrays
 * are up and the array sites reach each other without transiting the
 * witness site (the witness arbitrates; it does not carry replication).
 * - An array failure alone: its site's hosts use the surviving array across
 *   the DCI at once (the distributed volume keeps its other leg); writes the
 *   failed array misses are resynchronised when it returns.
 * - A partition or a site failure: writes freeze (held, no completion yet)
 *   for detach_delay_s; reads stay local.  If the mirror returns first, the
 *   held writes complete then (plus their remote leg).  Otherwise the
 *   detach rule decides: with a witness that is up, the preferred site
 *   continues if it reaches the witness, else the other site if it does,
 *   else neither (an isolated site cannot know it is not the only one);
 *   without one (or with the witness down), the preferred site continues
 *   and the other suspends, or with split_brain "allow" every surviving
 *   site continues and its writes count as divergent.  Losing the preferred
 *   site without a witness therefore stalls both.  Held writes complete at
 *   the decision on a continuing site and fail on a suspended one.
 * - When the mirror returns after a detach, I/O resumes at once and a
 *   finite flow resynchronises the bytes written on one side only.
 * Shared storage fails for hosts that cannot reach the array; async writes
 * continue locally while the replication stalls and its RPO grows.  A
 * witness site with no links at all is taken as reached over a management
 * network outside the model.  "Unavailable" is time in which hosts at an up
 * site cannot write (frozen or suspended); failed I/O is I/O refused or
 * lost because of it.  w->q.site_writable answers the same question for
 * other models.
 *
 * Defaults and sources (../shared/reference/dci-facts.md): round trips §2.1
 * (Cisco MDS FCIP write acceleration; RFC 7143 iSCSI keys; SCST
 * MaxOutstandingR2T example; NFS per-chunk RPC, 64 KiB wsize/rsize in the
 * loader); FC credits §2.2 (Brocade FOS: km x Gbps / 2 + 6, 8 credits per
 * port default in the loader; SNIA per-frame table); detach delay 5 s §2.3
 * row 2 (metro node detach rule example), witness in a third failure domain
 * §2.3 row 3 and §5.2; supported distances of synchronous products in the
 * product table (sim/core/syncproducts.c, dci-facts.md §2.3; VPLEX/metro node 5 / 10 ms,
 * MetroCluster IP 7 ms and 700 km, vMSC 10 ms).  Array service figures (read
 * 0.5 ms, write 0.2 ms, 8 servers) are loader defaults for an all-flash
 * array with write cache, not sourced figures.  queue_depth 32 (loader):
 * VMware's per-LUN Disk.SchedNumReqOutstanding default and open-iscsi's
 * node.session.queue_depth; Linux FC drivers range from 30 to 64 (lpfc
 * lun_queue_depth 30, later 64; qla2xxx ql2xmaxqdepth 32, later 64).  The
 * formulas and the limits of the model are in docs/models.md §3.
 *
 * This file creates, starts and destroys the model, answers the world's
 * queries and the read-only views of storage.h.  The rest is split by job,
 * sharing struct sto through storage_internal.h: the network and channel
 * machinery (storage_net.c), plans (storage_plan.c), the closed loop of I/O
 * (storage_io.c), reacting to the world (storage_react.c) and the outputs
 * (storage_output.c); the protocol arithmetic is storage_calc.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

/* ---- queries ---- */

static bool q_site_writable(void *ctx, int site)
{
	struct sto *m = ctx;
	struct opplan o;
	sto_plan_op(m, NULL, site, DCS_OP_WRITE, &o);
	return o.kind == PLAN_SERVE;
}

static uint64_t q_vm_held_ios(void *ctx, int vm)
{
	const struct sto *m = ctx;
	uint64_t n = 0;
	for (size_t i = 0; i < m->n_wls; i++)
		if (m->wls[i].cfg->vm == vm)
			n += m->wls[i].pause_held;
	return n;
}

/* ---- lifecycle ---- */

static void sto_destroy(void *state)
{
	struct sto *m = state;
	if (!m)
		return;
	for (int i = 0; i < m->n_arrays; i++)
		dcs_mcq_release(&m->arr[i].q);
	if (m->wls)
		for (size_t i = 0; i < m->n_wls; i++)
			for (int p = 0; p < 2; p++)
				for (int op = 0; op < 2; op++)
					free(m->wls[i].phase[p][op]);
	if (m->wls)
		for (size_t i = 0; i < m->n_wls; i++)
			free(m->wls[i].writes), free(m->wls[i].slots);
	if (m->chans) {
		size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
		for (size_t c = 0; c < nn; c++)
			free(m->chans[c]);
	}
	free(m->chans);
	free(m->wls);
	free(m->array_at);
	free(m->path_links);
	for (size_t i = 0; m->sp && i < (size_t)m->n_sites * (size_t)m->n_sites; i++) {
		free(m->sp[i].links);
		free(m->sp[i].dirs);
	}
	free(m->sp);
	free(m->hist);
	free(m->failed);
	free(m->held_ios);
	free(m->held_max);
	free(m->wstate);
	free(m->divergent);
	free(m->unavail_ns);
	free(m->unavail_since);
	free(m->unavail_now);
	free(m->relevant);
	free(m->win);
	free(m->win_seen);
	free(m->win_all);
	free(m->held);
	free(m);
}

static int sto_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	const struct dcs_storage_cfg *cfg = &scn->storage;
	if (!cfg->present || cfg->n_arrays == 0)
		return 0;
	struct sto *m = calloc(1, sizeof(*m));
	if (!m)
		return -1;
	m->w = w;
	m->cfg = cfg;
	m->n_sites = (int)scn->n_sites;
	m->n_arrays = cfg->n_arrays > 2 ? 2 : (int)cfg->n_arrays;
	size_t ns = scn->n_sites, nn = ns * ns;
	m->array_at = malloc(ns * sizeof(int));
	m->path_links = calloc(scn->n_links + 1, sizeof(int));
	m->sp = calloc(nn, sizeof(struct spath));
	m->hist = calloc(4 * ns, sizeof(struct dcs_lathist));
	m->failed = calloc(ns, sizeof(uint64_t));
	m->held_ios = calloc(ns, sizeof(uint64_t));
	m->held_max = calloc(ns, sizeof(dcs_time_t));
	m->wstate = calloc(ns, sizeof(int8_t));
	m->divergent = calloc(ns, sizeof(uint64_t));
	m->unavail_ns = calloc(ns, sizeof(dcs_time_t));
	m->unavail_since = calloc(ns, sizeof(dcs_time_t));
	m->unavail_now = calloc(ns, sizeof(bool));
	m->relevant = calloc(ns, sizeof(bool));
	m->chans = calloc(nn, sizeof(struct chan *));
	m->wls = calloc(cfg->n_workloads + 1, sizeof(struct wl));
	if (!m->array_at || !m->path_links || !m->sp || !m->hist || !m->failed || !m->divergent ||
	    !m->unavail_ns || !m->unavail_since || !m->held_ios || !m->held_max || !m->wstate ||
	    !m->unavail_now || !m->relevant || !m->chans || !m->wls)
		goto fail;
	for (size_t s = 0; s < ns; s++) {
		m->array_at[s] = -1;
		m->wstate[s] = PLAN_SERVE; /* what other models assume until told */
	}
	char name[64];
	for (int i = 0; i < m->n_arrays; i++) {
		const struct dcs_array_cfg *a = &cfg->arrays[i];
		struct arr *A = &m->arr[i];
		A->site = a->site;
		A->up = true;
		A->fixed = a->service == DCS_DIST_FIXED;
		A->mean_ns[DCS_OP_READ] = a->read_ms * 1e6;
		A->mean_ns[DCS_OP_WRITE] = a->write_ms * 1e6;
		/* Streams are named by owner, not position, so adding a workload or an
		 * array elsewhere in the file leaves these draws unchanged. */
		snprintf(name, sizeof(name), "storage/array@%s", scn->sites[a->site].id);
		A->rng = dcs_rng(w->k, name);
		if (!A->rng || dcs_mcq_init(&A->q, a->servers) != 0)
			goto fail;
		m->array_at[a->site] = i;
		m->relevant[a->site] = true;
		if (a->site == cfg->preferred_site)
			m->pref = i;
	}
	m->n_wls = cfg->n_workloads;
	for (size_t i = 0; i < m->n_wls; i++) {
		const struct dcs_workload_cfg *c = &cfg->workloads[i];
		struct wl *wl = &m->wls[i];
		wl->m = m;
		wl->cfg = c;
		wl->idx = (int)i;
		if (c->vm >= 0)
			snprintf(wl->name, sizeof(wl->name), "%s", scn->vms[c->vm].id);
		else
			snprintf(wl->name, sizeof(wl->name), "%s/wl%zu", scn->sites[c->site].id, i);
		size_t same_owner = 0;
		for (size_t j = 0; j < i; j++)
			same_owner +=
			    cfg->workloads[j].vm == c->vm && cfg->workloads[j].site == c->site;
		snprintf(name, sizeof(name), "storage/wl@%s#%zu",
			 c->vm >= 0 ? scn->vms[c->vm].id : scn->sites[c->site].id, same_owner);
		wl->rng = dcs_rng(w->k, name);
		if (!wl->rng)
			goto fail;
		wl->depth = c->queue_depth;
		wl->slots = calloc((size_t)wl->depth, sizeof(*wl->slots));
		if (!wl->slots)
			goto fail;
		for (int j = 0; j < wl->depth; j++)
			wl->slots[j].wl = wl;
		wl->think_ns = 1e9 * c->queue_depth / c->iops;
		wl->speed = 1.0;
		wl->writes = calloc(1, sizeof(struct dcs_lathist));
		if (!wl->writes)
			goto fail;
		wl->read_ratio = c->read_ratio;
		/* gsl_rng_uniform() of the stream (taus2) is k / 2^32 for its
		 * 32-bit output k: k / 2^32 < r exactly when k < ceil(r 2^32). */
		wl->read_cut = (uint64_t)ceil(c->read_ratio * 0x1p32);
		wl->bytes = c->block_kib * 1024.0;
		wl->rtt_n[DCS_OP_READ] = dcs_storage_read_round_trips(cfg, wl->bytes);
		wl->rtt_n[DCS_OP_WRITE] = dcs_storage_write_round_trips(cfg, wl->bytes);
		wl->credit_rounds = cfg->protocol == DCS_PROTO_FC
					? dcs_fc_credit_rounds(cfg->fc.bb_credits, wl->bytes)
					: 0;
		wl->t_on = dcs_time_from_s(c->start_s);
		wl->t_off =
		    isnan(c->for_s) ? DCS_TIME_NEVER : dcs_time_from_s(c->start_s + c->for_s);
		wl->home_site = c->vm >= 0 ? scn->vms[c->vm].site : c->site;
		int a = sto_array_index_at(m, wl->home_site);
		wl->primary = cfg->mode == DCS_STORAGE_SHARED ? 0 : a >= 0 ? a : m->pref;
		wl->plan.epoch = UINT32_MAX;
		if (c->site >= 0)
			m->relevant[c->site] = true;
	}
	m->witness_up = true;
	if (cfg->witness_site >= 0) {
		m->witness_oob = true;
		for (size_t l = 0; l < scn->n_links; l++)
			if (scn->links[l].a == cfg->witness_site ||
			    scn->links[l].b == cfg->witness_site)
				m->witness_oob = false;
	}
	m->aa.st = AA_MIRROR;
	m->sample_ns = dcs_time_from_s(scn->output.sample_s);
	if (m->sample_ns > 0 && cfg->n_workloads > 0) {
		m->win = calloc(4 * ns, sizeof(struct dcs_lathist));
		m->win_seen = calloc(2 * ns, sizeof(bool));
		m->win_all = calloc(1, sizeof(struct dcs_lathist));
		if (!m->win || !m->win_seen || !m->win_all)
			goto fail;
	}
	static const enum dcs_note_kind kinds[] = {
	    DCS_NOTE_LINK_STATE, DCS_NOTE_SITE_STATE,  DCS_NOTE_PATHS_CHANGED,
	    DCS_NOTE_VM_MOVED,   DCS_NOTE_ARRAY_STATE, DCS_NOTE_WITNESS_STATE,
	    DCS_NOTE_VM_PAUSED,  DCS_NOTE_VM_RESUMED,  DCS_NOTE_VM_SPEED};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!dcs_bus_subscribe(w->bus, kinds[k], sto_on_note, m))
			goto fail;
	w->q.site_writable = q_site_writable;
	w->q.vm_held_ios = q_vm_held_ios;
	w->q.storage_ctx = m;
	*state = m;
	return 0;
fail:
	sto_destroy(m);
	return -1;
}

static void sto_start(struct dcs_world *w, void *state)
{
	struct sto *m = state;
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		if (wl->t_on > w->horizon)
			continue;
		if (wl->t_on == 0) {
			sto_start_slots(m, wl);
		} else {
			dcs_schedule(w->k, wl->t_on, sto_wl_on, wl, NULL, 0);
		}
		if (wl->t_off != DCS_TIME_NEVER && wl->t_off <= w->horizon)
			dcs_schedule(w->k, wl->t_off, sto_wl_off, wl, NULL, 0);
	}
	m->started = true;
	sto_refresh(m);
	m->tick_k = 1;
	if (m->sample_ns > 0 && m->sample_ns <= w->horizon)
		dcs_schedule(w->k, m->sample_ns, sto_tick, m, NULL, 0);
}

/* Poisson arrivals (and exponential array service) draw from the streams
 * of every workload that issues I/O within the run. */
static const char *sto_randomness(const struct dcs_scenario *scn)
{
	for (size_t i = 0; i < scn->storage.n_workloads; i++) {
		const struct dcs_workload_cfg *c = &scn->storage.workloads[i];
		if (c->iops > 0 && c->start_s < scn->duration_s)
			return "storage I/O arrivals (Poisson)";
	}
	return NULL;
}

const struct dcs_model_ops dcs_model_storage = {
    .name = "storage",
    .create = sto_create,
    .start = sto_start,
    .finish = sto_finish,
    .destroy = sto_destroy,
    .metrics = &storage_family,
    .randomness = sto_randomness,
};

/* ---- views ---- */

struct dcs_storage *dcs_storage_of(const struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (dcs_models[i] == &dcs_model_storage)
			return w->model_state[i];
	return NULL;
}

const struct dcs_lathist *dcs_storage_latency(const struct dcs_storage *s, int site,
					      enum dcs_storage_op op, bool disrupted)
{
	struct sto *m = (struct sto *)s;
	sto_settle(m, sto_now_of(m));
	if (m->win && !m->hist_live) {
		/* The caller may keep the histogram and read it as the run goes
		 * on: from now on each I/O goes into it as well as its window. */
		for (size_t i = 0; i < 4 * (size_t)m->n_sites; i++)
			dcs_lathist_merge(&m->hist[i], &m->win[i]);
		m->hist_live = true;
	}
	return sto_site_hist(m, site, (int)op, disrupted);
}

struct dcs_storage_workload dcs_storage_workload(const struct dcs_storage *s, size_t i)
{
	struct sto *m = (struct sto *)s;
	sto_settle(m, sto_now_of(m));
	const struct wl *wl = &m->wls[i];
	struct dcs_storage_workload r = {
	    .completed = wl->done,
	    .held = wl->held,
	    .held_max_s = dcs_time_to_s(wl->held_max),
	    .achieved_iops =
		sto_wl_active_s(m, wl) > 0 ? (double)wl->done / sto_wl_active_s(m, wl) : 0,
	    .mean_s = {wl->lat_n[0] ? (double)wl->lat_sum_ns[0] / (double)wl->lat_n[0] / 1e9 : 0,
		       wl->lat_n[1] ? (double)wl->lat_sum_ns[1] / (double)wl->lat_n[1] / 1e9 : 0},
	};
	return r;
}

const struct dcs_mcq *dcs_storage_array_queue(const struct dcs_storage *s, int array)
{
	const struct sto *m = (const struct sto *)s;
	return &m->arr[array].q;
}

uint64_t dcs_storage_failed(const struct dcs_storage *s, int site)
{
	return ((const struct sto *)s)->failed[site];
}

uint64_t dcs_storage_divergent(const struct dcs_storage *s, int site)
{
	return ((const struct sto *)s)->divergent[site];
}

double dcs_storage_unavailable_s(const struct dcs_storage *s, int site)
{
	const struct sto *m = (const struct sto *)s;
	dcs_time_t ns = m->unavail_ns[site];
	if (m->unavail_now[site])
		ns += sto_now_of(m) - m->unavail_since[site];
	return dcs_time_to_s(ns);
}

struct dcs_storage_channel dcs_storage_channel(struct dcs_storage *s, int src, int dst)
{
	struct sto *m = (struct sto *)s;
	struct dcs_storage_channel r = {0};
	struct chan *ch = src != dst ? m->chans[src * m->n_sites + dst] : NULL;
	if (!ch)
		return r;
	sto_chan_update(m, ch);
	r.exists = true;
	r.offered_Bps = ch->offered;
	r.rate_Bps = ch->f ? dcs_flow_rate_Bps(ch->f) : 0;
	r.cap_Bps = ch->cap;
	r.backlog_bytes = ch->backlog;
	r.rpo_s = ch->rpo_s;
	r.max_backlog_bytes = ch->max_backlog;
	r.max_rpo_s = ch->max_rpo_s;
	return r;
}
