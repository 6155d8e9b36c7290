/*
 * Cross-site HA clusters (SPEC §4.6; reference/dci-facts.md §5; issue 6).
 *
 * Timers come from the preset table (dcisim/presets.h, with their sources).
 * Equations, assumptions and limits are in docs/models.md §6; in short:
 *
 * Heartbeats.  Every pair of nodes exchanges heartbeats every `heartbeat`
 * over the current path between their sites (nodes of one site share a LAN).
 * A pair's path is, at any instant, one of:
 * - good: heartbeats arrive;
 * - bad: none arrive (node down, no path, the only path transits the witness
 *   site, or one-way latency > the pair's timeout = missed x heartbeat, i.e. a
 *   heartbeat arrives later than the peer waits for it);
 * - lossy: each heartbeat is lost with the path loss, drawn per heartbeat from
 *   the stream "cluster/<id>".
 * Event cost: good and bad pairs cost nothing per heartbeat; detection on a
 * bad path is computed from the state change (dead exactly missed x heartbeat
 * after the last heartbeat, i.e. the instant the path broke).  Only while some
 * pair is lossy does the cluster run one event per heartbeat interval (all
 * pairs drawn in one event).  A lossy pair is dead at the first lost heartbeat
 * at least missed x heartbeat after its last received one.
 *
 * Membership and quorum.  Pairs declared dead take effect after the
 * arbitration delay (corosync consensus); components are the connected sets
 * of nodes over pairs not (effectively) dead, so a crashed node still counts
 * for its peers until they detect it.  Quorum: majority (> n/2 votes), witness
 * (one extra vote at witness_site for a component of at least half the
 * nodes that reaches it: the largest, on a tie the one that held it, else
 * the lowest node index, as corosync-qnetd's ffsplit with its
 * keep-active-partition tie-breaker), none (every component is quorate); majority with
 * two nodes and two_node: both halves are quorate, the fence race is won by
 * the half running the service (or else the lowest node), so only it acts.
 *
 * Failover.  A quorate component that has no instance of the service (and no
 * crashed member its peers still believe in) recovers it on one node (at the
 * site where it last ran if possible, else the lowest index): it fences every
 * node outside the component (fence_s), starts the resource (start_s), then
 * the floating IP converges (dcs_world_ip_move_convergence_s from the L3 model,
 * or, without one, a gratuitous ARP: one one-way delay between the sites).
 * So RTO = detection + arbitration + fence + start + convergence exactly.
 * Fencing (SBD semantics) is confirmed when the target is down, reachable over
 * the network, or without quorum (its watchdog self-fences); a confirmed
 * target that was up reboots, loses its instance and waits until it sees a
 * peer again (wait_for_all) before it acts.  Unconfirmed fencing only arises
 * with quorum none, where recovery proceeds anyway: split brain.
 * A node without quorum stops its instance at once.  When components merge
 * with two running instances, the oldest keeps running and the others stop.
 *
 * Storage.  An instance is serving only where dcs_world_site_writable() is
 * true; otherwise it is reported storage_blocked and the service counts as
 * unavailable.  The check runs at every bus note, storage's own
 * (DCS_NOTE_STORAGE_STATE) included, and a resource monitor re-checks it
 * every DCS_CLUSTER_MONITOR_S.
 *
 * Where the service runs.  The site of the running instance (the oldest, in
 * a split brain; -1 while none runs) is published with
 * dcs_world_set_service_site(), so a service that names the cluster follows
 * it.  Cluster and storage arbitrate a partition each by its own rule: at
 * start the model warns where a DCI cut between the two array sites of an
 * active-active pair would let them choose different sides, and during a
 * partition events.csv says which side each chose (sides_agree /
 * sides_disagree).
 *
 * Outputs: cluster.csv (time_s,cluster,event,node,site,detail), one cluster_row per
 * state change; summary.csv per cluster: timers, per outage its RTO (from the
 * instant of the failure that caused it to the service serving again), totals
 * of unavailable and split-brain seconds; events.csv rows for people at
 * outages and split brains.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cluster_internal.h"
#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"
#include "dcisim/presets.h"
#include "dcisim/world.h"

#define CLUSTER_HEADER "time_s,cluster,event,node,site,detail"

/* ---- timers ---- */

/* Heartbeats that fit a time budget (the preset's timeout) at this interval. */
static int missed_for(double budget_ms, double hb_ms)
{
	double m = ceil(budget_ms / hb_ms - 1e-9);
	return m < 1 ? 1 : (int)m;
}

void dcs_cluster_resolve_timers(const struct dcs_cluster_cfg *c, struct dcs_cluster_timers *t)
{
	const struct dcs_cluster_preset *p = dcs_cluster_preset(c->preset);
	double timeout = p->timeout_ms;
	if (c->n_nodes >= 3)
		timeout += p->timeout_per_node_ms * (double)(c->n_nodes - 2);
	double hb_ms = !isnan(c->heartbeat_ms) ? c->heartbeat_ms
		       : p->heartbeat_ms > 0   ? p->heartbeat_ms
					       : timeout / p->missed_cross_site;
	int same = p->missed_same_site, cross = p->missed_cross_site;
	if (timeout > 0)
		same = cross = missed_for(timeout, hb_ms);
	if (c->missed > 0)
		same = cross = c->missed;
	t->heartbeat = dcs_time_from_ms(hb_ms);
	t->missed_same_site = same;
	t->missed_cross_site = cross;
	double arb_ms = !isnan(c->arbitration_ms)   ? c->arbitration_ms
			: p->arbitration_factor > 0 ? p->arbitration_factor * hb_ms * cross
						    : p->arbitration_ms;
	t->arbitration = dcs_time_from_ms(arb_ms);
	t->fence = dcs_time_from_s(isnan(c->fence_s) ? p->fence_s : c->fence_s);
	t->start = dcs_time_from_s(isnan(c->start_s) ? p->start_s : c->start_s);
	t->vsphere = p->mode == DCS_CLUSTER_VSPHERE_HA;
	if (t->vsphere)
		t->fence = 0; /* VMFS locks, no fencing (the loader warns about fence_s) */
	t->isolation_primary = dcs_time_from_s(p->isolation_primary_s);
	t->isolation_secondary = dcs_time_from_s(p->isolation_secondary_s);
	t->election = dcs_time_from_s(p->election_s);
	t->primary_loss_restart = dcs_time_from_s(p->primary_loss_restart_s);
}

/* ---- lifecycle ---- */

static void model_destroy(void *state)
{
	struct model *m = state;
	if (!m)
		return;
	for (size_t i = 0; m->cl && i < m->n; i++) { /* m->cl: NULL when create ran short */
		struct cluster *c = &m->cl[i];
		free(c->nodes);
		free(c->pairs);
		free(c->outages);
		free(c->size);
		free(c->quorate);
		free(c->reach_w);
		free(c->conn);
		free(c->conn_up);
	}
	free(m->cl);
	free(m->st_up);
	free(m->st_held);
	free(m);
}

static int model_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	*state = NULL;
	if (scn->n_clusters == 0)
		return 0;
	struct model *m = calloc(1, sizeof(*m));
	if (!m)
		return -1;
	m->w = w;
	m->n = scn->n_clusters;
	m->cl = calloc(m->n, sizeof(*m->cl));
	m->st_up = calloc(scn->n_sites + 1, sizeof(bool));
	m->st_held = calloc(scn->n_sites + 1, sizeof(bool));
	if (!m->cl || !m->st_up || !m->st_held)
		goto fail;
	for (size_t s = 0; s < scn->n_sites; s++)
		m->st_up[s] = true; /* what storage reports until it says otherwise */
	for (size_t ci = 0; ci < m->n; ci++) {
		struct cluster *c = &m->cl[ci];
		const struct dcs_cluster_cfg *cfg = &scn->clusters[ci];
		c->m = m;
		c->idx = (int)ci;
		c->cfg = cfg;
		c->n = (int)cfg->n_nodes;
		dcs_cluster_resolve_timers(cfg, &c->tm);
		size_t n = (size_t)c->n;
		c->nodes = calloc(n, sizeof(*c->nodes));
		c->pairs = calloc(n * n, sizeof(*c->pairs));
		c->size = calloc(n, sizeof(int));
		c->quorate = calloc(n, sizeof(int));
		c->reach_w = calloc(n, sizeof(int));
		c->conn = calloc(n * n, sizeof(bool));
		c->conn_up = calloc(n, sizeof(bool));
		if (!c->nodes || !c->pairs || !c->size || !c->quorate || !c->reach_w || !c->conn ||
		    !c->conn_up)
			goto fail;
		for (int i = 0; i < c->n; i++) {
			c->nodes[i].cfg = &cfg->nodes[i];
			for (int j = i + 1; j < c->n; j++) {
				struct pair *p = pair_at(c, i, j);
				p->missed = cfg->nodes[i].site == cfg->nodes[j].site
						? c->tm.missed_same_site
						: c->tm.missed_cross_site;
				p->window = (dcs_time_t)p->missed * c->tm.heartbeat;
			}
		}
		char name[200];
		snprintf(name, sizeof(name), "cluster/%s", cfg->id);
		c->rng = dcs_rng(w->k, name);
		c->witness_holder = -1;
		c->last_site = -1;
		c->lost_holder = -1;
		c->sides_st = 3;
		c->sides_cl = -1;
		if (c->tm.vsphere && c->n > 0)
			c->nodes[0].primary = true; /* the first host listed is the primary */
	}
	m->tab = dcs_results_table(w->res, "cluster.csv", CLUSTER_HEADER);
	static const enum dcs_note_kind kinds[] = {DCS_NOTE_LINK_STATE,    DCS_NOTE_SITE_STATE,
						   DCS_NOTE_PATHS_CHANGED, DCS_NOTE_NODE_STATE,
						   DCS_NOTE_WITNESS_STATE, DCS_NOTE_STORAGE_STATE};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!dcs_bus_subscribe(w->bus, kinds[k], cluster_on_note, m))
			goto fail;
	*state = m;
	return 0;
fail:
	model_destroy(m);
	return -1;
}

static void warn_config(struct cluster *c)
{
	struct dcs_world *w = c->m->w;
	const struct dcs_cluster_cfg *cfg = c->cfg;
	int ws = cfg->witness_site;
	if (c->tm.vsphere)
		return; /* no quorum (the loader warned about quorum keys) */
	if (cfg->quorum == DCS_QUORUM_WITNESS) {
		for (int i = 0; i < c->n; i++)
			if (node_site(c, i) == ws) {
				dcs_warn(w->res, 0, cfg->id,
					 "the witness is at %s with node %s, not at a third site: "
					 "losing %s "
					 "loses two votes",
					 site_id(c, ws), c->nodes[i].cfg->id, site_id(c, ws));
				break;
			}
		bool any = false;
		for (int i = 0; i < c->n; i++)
			any |= cluster_reaches_witness(c, i);
		if (!any)
			dcs_warn(
			    w->res, 0, cfg->id,
			    "no node reaches the witness at %s through the links: it never votes",
			    site_id(c, ws));
		if (cfg->two_node)
			dcs_warn(w->res, 0, cfg->id,
				 "two_node is ignored with a witness (qdevice)");
	}
	if (cfg->quorum == DCS_QUORUM_MAJORITY && c->n == 2 && !cfg->two_node)
		dcs_warn(w->res, 0, cfg->id,
			 "two nodes with majority quorum and no two_node: any failure stops the "
			 "service");
}

/*
 * Before the run: on a DCI cut between the two array sites A (preferred)
 * and B of an active-active pair, which side would each arbiter keep?
 * Storage (docs/models.md §3.6): A, which reaches its witness, or without a
 * witness A (split_brain suspend) or both (allow).  The cluster, by its own
 * quorum rule (§6.4): with a witness, the side that already holds the vote,
 * which at the start is the side of its first node; by majority, the side
 * with more of its nodes (with two_node, the side running the service);
 * with quorum none, both.  Where they can differ, the service can run where
 * its storage is suspended: warn, with both rules.
 */
static void warn_sides(struct cluster *c)
{
	struct dcs_world *w = c->m->w;
	const struct dcs_storage_cfg *st = &w->scn->storage;
	const struct dcs_cluster_cfg *cfg = c->cfg;
	if (!st->present || st->mode != DCS_STORAGE_ACTIVE_ACTIVE || st->n_arrays != 2)
		return;
	int A = st->preferred_site,
	    B = st->arrays[0].site == A ? st->arrays[1].site : st->arrays[0].site;
	int na = 0, nb = 0;
	for (int i = 0; i < c->n; i++) {
		na += node_site(c, i) == A;
		nb += node_site(c, i) == B;
	}
	if (na == 0 || nb == 0)
		return;
	int ws = cfg->quorum == DCS_QUORUM_WITNESS ? cfg->witness_site : -1;
	if (ws >= 0 && st->witness_site >= 0 && ws != st->witness_site)
		dcs_warn(w->res, 0, cfg->id,
			 "the cluster's witness is at %s and the storage's at %s: a failure that "
			 "cuts a site off from one witness but not the other lets them choose "
			 "different sides",
			 site_id(c, ws), site_id(c, st->witness_site));
	if (st->witness_site < 0 && st->split_brain == DCS_SPLIT_ALLOW)
		return; /* storage writes on both sides: the split brain is reported */
	char storage_why[160];
	if (st->witness_site >= 0)
		snprintf(storage_why, sizeof(storage_why),
			 "preferred site, reaching its witness at %s",
			 site_id(c, st->witness_site));
	else
		snprintf(storage_why, sizeof(storage_why), "preferred site, no witness");
	int side = -1;
	char cluster_why[200];
	switch (cfg->quorum) {
	case DCS_QUORUM_WITNESS:
		side = node_site(c, 0);
		snprintf(cluster_why, sizeof(cluster_why),
			 "the partition of %s keeps the witness vote at %s", c->nodes[0].cfg->id,
			 site_id(c, ws));
		break;
	case DCS_QUORUM_MAJORITY:
		if (cfg->two_node && c->n == 2) {
			int so = cfg->service_on >= 0 ? cfg->service_on : 0;
			side = node_site(c, so);
			snprintf(cluster_why, sizeof(cluster_why),
				 "two_node: the node running the service wins the fence race");
		} else if (2 * na > c->n || 2 * nb > c->n) {
			side = 2 * na > c->n ? A : B;
			snprintf(cluster_why, sizeof(cluster_why), "%d of its %d nodes are there",
				 side == A ? na : nb, c->n);
		}
		break;
	case DCS_QUORUM_NONE:
		dcs_warn(
		    w->res, 0, cfg->id,
		    "on a DCI cut between %s and %s the cluster runs its service on both sides "
		    "(quorum none) while the storage writes only at %s (%s): the instance at %s "
		    "has no writable storage",
		    site_id(c, A), site_id(c, B), site_id(c, A), storage_why, site_id(c, B));
		return;
	}
	if (side == B)
		dcs_warn(w->res, 0, cfg->id,
			 "on a DCI cut between %s and %s the cluster keeps its service at %s (%s) "
			 "while the storage keeps writing at %s (%s): the service would run where "
			 "its storage is suspended",
			 site_id(c, A), site_id(c, B), site_id(c, side), cluster_why, site_id(c, A),
			 storage_why);
}

static void model_start(struct dcs_world *w, void *state)
{
	struct model *m = state;
	m->monitor = w->q.site_writable != NULL;
	if (m->monitor && w->scn->storage.present &&
	    w->scn->storage.mode == DCS_STORAGE_ACTIVE_ACTIVE && w->scn->storage.detach_delay_s > 0)
		m->detach_delay = dcs_time_from_s(w->scn->storage.detach_delay_s);
	for (size_t ci = 0; ci < m->n; ci++) {
		struct cluster *c = &m->cl[ci];
		for (int i = 0; i < c->n; i++)
			c->nodes[i].up = dcs_net_site_up(w->net, node_site(c, i));
		c->witness_up_last = witness_up(c);
		int s = c->cfg->service_on;
		if (s >= 0 && s < c->n && c->nodes[s].up) {
			c->nodes[s].inst = INST_UP;
			c->nodes[s].inst_since = dcs_now(w->k);
			c->last_site = node_site(c, s);
		}
		c->available = true;
		warn_config(c);
		warn_sides(c);
		cluster_eval_paths(c);
		c->quiet = true;
		cluster_reconfigure(c);
		c->quiet = false;
		cluster_request_settle(c);
		if (m->monitor)
			schedule(c, dcs_now(w->k) + dcs_time_from_s(DCS_CLUSTER_MONITOR_S),
				 EV_MONITOR, -1, -1);
	}
}

static dcs_time_t run_end(const struct dcs_world *w)
{
	dcs_time_t now = dcs_now(w->k);
	if (dcs_kernel_pending(w->k) == 0 && w->horizon > now)
		return w->horizon;
	return now;
}

static void model_finish(struct dcs_world *w, void *state)
{
	struct model *m = state;
	dcs_time_t end = run_end(w);
	for (size_t ci = 0; ci < m->n; ci++) {
		struct cluster *c = &m->cl[ci];
		const char *id = c->cfg->id;
		char ent[200];
		double detect =
		    dcs_time_to_s((dcs_time_t)c->tm.missed_cross_site * c->tm.heartbeat);
		bool cross = false;
		for (int i = 1; i < c->n; i++)
			cross |= node_site(c, i) != node_site(c, 0);
		if (!cross)
			detect =
			    dcs_time_to_s((dcs_time_t)c->tm.missed_same_site * c->tm.heartbeat);
		dcs_summary_text(w->res, "cluster_preset", id,
				 dcs_cluster_preset(c->cfg->preset)->name, "");
		dcs_summary(w->res, "cluster_heartbeat_ms", id, dcs_time_to_ms(c->tm.heartbeat),
			    "ms");
		dcs_summary(w->res, "cluster_detection_s", id, detect, "s");
		dcs_summary(w->res, "cluster_arbitration_s", id, dcs_time_to_s(c->tm.arbitration),
			    "s");
		dcs_summary(w->res, "cluster_fence_s", id, dcs_time_to_s(c->tm.fence), "s");
		dcs_summary(w->res, "cluster_start_s", id, dcs_time_to_s(c->tm.start), "s");
		dcs_summary(w->res, "cluster_failover_budget_s", id,
			    detect + dcs_time_to_s(c->tm.arbitration + c->tm.fence + c->tm.start),
			    "s");
		dcs_time_t unavail = c->unavail_ns;
		for (size_t k = 0; k < c->n_outages; k++) {
			snprintf(ent, sizeof(ent), "%s#%zu", id, k + 1);
			const struct outage *o = &c->outages[k];
			dcs_summary(w->res, "cluster_rto_s", ent, dcs_time_to_s(o->end - o->cause),
				    "s");
		}
		size_t n_out = c->n_outages;
		if (c->in_outage) {
			n_out++;
			snprintf(ent, sizeof(ent), "%s#%zu", id, n_out);
			unavail += end - c->cur.begin;
			dcs_summary(w->res, "cluster_outage_unrecovered_s", ent,
				    dcs_time_to_s(end - c->cur.cause), "s");
		}
		dcs_time_t split = c->split_ns + (c->split ? end - c->split_begin : 0);
		dcs_summary(w->res, "cluster_outages", id, (double)n_out, "count");
		dcs_summary(w->res, "cluster_unavailable_s", id, dcs_time_to_s(unavail), "s");
		dcs_summary(w->res, "cluster_availability", id,
			    end > 0 ? 1.0 - (double)unavail / (double)end : 1.0, "ratio");
		dcs_summary(w->res, "cluster_split_brains", id, c->n_splits, "count");
		dcs_summary(w->res, "cluster_split_brain_s", id, dcs_time_to_s(split), "s");
	}
}

/* What this model writes to summary.csv, events.csv and cluster.csv
 * (include/dcisim/metrics.h). */
static const struct dcs_metric_def cluster_metrics[] = {
    {"cluster_preset", "", DCS_BETTER_NEUTRAL, DCS_METRIC_LABEL, "the cluster's timer preset"},
    {"cluster_heartbeat_ms", "ms", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "interval between heartbeats"},
    {"cluster_detection_s", "s", DCS_BETTER_LOWER, DCS_METRIC_SETTING,
     "time to declare a silent peer dead (heartbeat x missed, or the preset's token rule)"},
    {"cluster_arbitration_s", "s", DCS_BETTER_LOWER, DCS_METRIC_SETTING,
     "time the quorum or witness arbitration takes after detection"},
    {"cluster_fence_s", "s", DCS_BETTER_LOWER, DCS_METRIC_SETTING,
     "time to fence the nodes outside the surviving partition"},
    {"cluster_start_s", "s", DCS_BETTER_LOWER, DCS_METRIC_SETTING,
     "time to start the service's resources on the new node"},
    {"cluster_failover_budget_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "detection + arbitration + fencing + start: the failover time the timers allow"},
    {"cluster_rto_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "one outage: time from its cause to the service running again"},
    {"cluster_outage_unrecovered_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "an outage still open at the end of the run: its length so far"},
    {"cluster_outages", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times the service stopped running anywhere"},
    {"cluster_unavailable_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds the service ran nowhere"},
    {"cluster_availability", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "share of the run the service ran somewhere"},
    {"cluster_split_brains", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times more than one node ran the service at once"},
    {"cluster_split_brain_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds more than one node ran the service"},
};

static const struct dcs_event_def cluster_events[] = {
    {"events.csv", "cluster_split_brain", DCS_SEV_FAILURE,
     "more than one node runs the cluster's service"},
    {"events.csv", "cluster_split_brain_over", DCS_SEV_GOOD,
     "one node runs the cluster's service again"},
    {"events.csv", "cluster_outage", DCS_SEV_FAILURE, "the cluster's service runs nowhere"},
    {"events.csv", "cluster_recovered", DCS_SEV_GOOD, "the cluster's service runs again"},
    {"events.csv", "sides_agree", DCS_SEV_GOOD,
     "on a partition, the cluster runs its service on the side where the storage writes"},
    {"events.csv", "sides_disagree", DCS_SEV_FAILURE,
     "on a partition, the cluster runs its service where the storage does not write (or "
     "nowhere)"},
    {"cluster.csv", "suspect", DCS_SEV_WARNING, "a node missed a peer's heartbeat"},
    {"cluster.csv", "trusted", DCS_SEV_GOOD, "a suspected peer's heartbeat arrived"},
    {"cluster.csv", "dead", DCS_SEV_FAILURE, "a node declares a peer dead"},
    {"cluster.csv", "alive", DCS_SEV_GOOD, "heartbeats between two nodes resumed"},
    {"cluster.csv", "heartbeat_lost", DCS_SEV_FAILURE, "the heartbeat path between nodes failed"},
    {"cluster.csv", "heartbeat_lossy", DCS_SEV_WARNING, "the heartbeat path loses packets"},
    {"cluster.csv", "heartbeat_ok", DCS_SEV_GOOD, "the heartbeat path is good again"},
    {"cluster.csv", "quorum_lost", DCS_SEV_FAILURE, "a node's partition lost quorum"},
    {"cluster.csv", "quorum_gained", DCS_SEV_GOOD, "a node's partition has quorum"},
    {"cluster.csv", "fencing", DCS_SEV_WARNING, "a node fences the nodes outside its partition"},
    {"cluster.csv", "fence", DCS_SEV_FAILURE, "a node is fenced"},
    {"cluster.csv", "fence_unconfirmed", DCS_SEV_WARNING,
     "a fence that could not reach its node: the node may still run the service"},
    {"cluster.csv", "rejoin", DCS_SEV_GOOD, "a fenced node sees the cluster again"},
    {"cluster.csv", "election", DCS_SEV_INFO,
     "vSphere HA: a host becomes (or stops being) the primary of its partition"},
    {"cluster.csv", "isolated", DCS_SEV_FAILURE,
     "vSphere HA: a host hears no peer and no isolation address and applies the isolation "
     "response"},
    {"cluster.csv", "isolation_over", DCS_SEV_GOOD,
     "vSphere HA: an isolated host hears its peers again"},
    {"cluster.csv", "stop", DCS_SEV_WARNING, "a node stops the service"},
    {"cluster.csv", "start", DCS_SEV_INFO, "a node starts the service's resources"},
    {"cluster.csv", "running", DCS_SEV_GOOD, "a node runs the service"},
    {"cluster.csv", "up", DCS_SEV_GOOD, "the service serves on a node"},
    {"cluster.csv", "storage_blocked", DCS_SEV_FAILURE,
     "a node runs the service but its site's storage is not writable"},
    {"cluster.csv", "node_down", DCS_SEV_FAILURE, "a node failed"},
    {"cluster.csv", "node_up", DCS_SEV_GOOD, "a failed node is back"},
    {"cluster.csv", "witness_down", DCS_SEV_WARNING, "the witness is unreachable or down"},
    {"cluster.csv", "witness_up", DCS_SEV_GOOD, "the witness is available"},
    {"cluster.csv", "outage_begin", DCS_SEV_FAILURE, "the service runs nowhere"},
    {"cluster.csv", "outage_end", DCS_SEV_GOOD, "the service runs again"},
    {"cluster.csv", "split_brain_begin", DCS_SEV_FAILURE, "more than one node runs the service"},
    {"cluster.csv", "split_brain_end", DCS_SEV_GOOD, "one node runs the service again"},
};

/* What planners ask about first (metrics.h): the reports chart these first. */
static const struct dcs_headline cluster_headlines[] = {
    {"cluster_unavailable_s", 6},
};

static const struct dcs_metric_family cluster_family = {
    .producer = "cluster",
    .metrics = cluster_metrics,
    .n_metrics = sizeof(cluster_metrics) / sizeof(cluster_metrics[0]),
    .events = cluster_events,
    .n_events = sizeof(cluster_events) / sizeof(cluster_events[0]),
    .headlines = cluster_headlines,
    .n_headlines = sizeof(cluster_headlines) / sizeof(cluster_headlines[0]),
};

/* Heartbeats over a lossy path are lost at random. */
static const char *cluster_randomness(const struct dcs_scenario *scn)
{
	return scn->n_clusters > 0 && dcs_scenario_has_loss(scn)
		   ? "cluster heartbeats lost on a lossy path"
		   : NULL;
}

const struct dcs_model_ops dcs_model_cluster = {
    .name = "cluster",
    .create = model_create,
    .start = model_start,
    .finish = model_finish,
    .destroy = model_destroy,
    .metrics = &cluster_family,
    .randomness = cluster_randomness,
};
