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
 * Outputs: cluster.csv (time_s,cluster,event,node,site,detail), one row per
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

#include "cluster.h"
#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"
#include "dcisim/presets.h"
#include "dcisim/world.h"

#define CLUSTER_HEADER "time_s,cluster,event,node,site,detail"

enum path_class { PATH_GOOD, PATH_LOSSY, PATH_BAD };
enum inst_state { INST_NONE, INST_FENCING, INST_STARTING, INST_CONVERGING, INST_UP };
enum serve { SERVE_NONE, SERVE_UP, SERVE_BLOCKED };

struct pair {
	enum path_class path;
	double loss;
	bool suspect;
	bool dead;
	dcs_time_t last_ok; /* last heartbeat received (meaningful off the good path) */
	dcs_time_t dead_at;
	dcs_time_t window; /* missed x heartbeat for this pair */
	int missed;
	dcs_handle_t suspect_ev, dead_ev;
};

struct node {
	const struct dcs_node_cfg *cfg;
	bool fault_down; /* node_down fault */
	bool up;         /* powered and its site up */
	bool fenced;     /* rebooted by fencing; waits to see a peer before it acts */
	bool quorate;
	bool believed; /* crashed with an instance its peers have not yet detected */
	int comp;
	enum inst_state inst;
	enum serve serving;
	dcs_handle_t inst_ev;
	dcs_time_t inst_since;
	/* vSphere HA */
	bool primary;          /* the HA primary (master) of its partition */
	bool isolated;         /* declared itself isolated */
	dcs_handle_t iso_ev;   /* pending isolation declaration */
	dcs_time_t elect_at;   /* this node becomes its partition's primary then; 0: none */
	dcs_time_t restart_at; /* ... and may restart VMs from then on */
};

struct outage {
	dcs_time_t cause, begin, end; /* end < 0: not recovered */
};

struct model;

struct cluster {
	struct model *m;
	int idx;
	const struct dcs_cluster_cfg *cfg;
	struct dcs_cluster_timers tm;
	int n;
	struct node *nodes;
	struct pair *pairs; /* n x n, used for i < j */
	gsl_rng *rng;
	bool witness_fault;
	bool witness_up_last;
	int witness_holder; /* lowest node of the component holding the witness vote */
	dcs_handle_t tick_ev;
	dcs_handle_t settle_ev; /* availability check after every subscriber has reacted */
	int last_site;          /* where the service last ran: the floating IP's home */
	int lost_holder;        /* node whose instance went away last */
	bool quiet;             /* initial reconfiguration: no quorum rows */
	/* Accounting. */
	bool available;
	dcs_time_t unavail_ns;
	bool in_outage;
	struct outage cur;
	struct outage *outages;
	size_t n_outages, cap_outages;
	bool split;
	dcs_time_t split_begin, split_ns;
	int n_splits;
	/* Scratch, n each; conn is n x n, the connectivity the components were built from. */
	int *size, *quorate, *reach_w;
	bool *conn, *conn_up;
	bool comp_valid;
	int sides_cl,
	    sides_st; /* the last sides reported (sides_st: mask of array sites writing) */
};

struct model {
	struct dcs_world *w;
	struct cluster *cl;
	size_t n;
	struct dcs_table *tab;
	bool monitor;
	dcs_time_t detach_delay; /* storage detach decision delay, 0 when not active-active */
	bool *st_up, *st_held;   /* per site, from DCS_NOTE_STORAGE_STATE: writable, writes held */
};

enum ev_kind {
	EV_SUSPECT,
	EV_DEAD,
	EV_RECONF,
	EV_TICK,
	EV_INST,
	EV_MONITOR,
	EV_SETTLE,
	EV_RECHECK,
	EV_ISOLATE
};

struct ev {
	int32_t kind;
	int32_t i, j;
};

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

/* ---- rows ---- */

static const char *site_id(const struct cluster *c, int site)
{
	return site >= 0 ? c->m->w->scn->sites[site].id : "";
}

static int node_site(const struct cluster *c, int i)
{
	return c->nodes[i].cfg->site;
}

static void row(struct cluster *c, const char *event, const char *node, const char *site,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void row(struct cluster *c, const char *event, const char *node, const char *site,
		const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	struct dcs_table *t = c->m->tab;
	dcs_row_begin(t);
	dcs_cell_time_s(t, dcs_now(c->m->w->k));
	dcs_cell_str(t, c->cfg->id);
	dcs_cell_str(t, event);
	dcs_cell_str(t, node);
	dcs_cell_str(t, site);
	dcs_cell_str(t, detail);
	dcs_row_end(t);
}

#define NODE_ROW(c, ev, i, ...)                                                                    \
	row(c, ev, (c)->nodes[i].cfg->id, site_id(c, node_site(c, i)), __VA_ARGS__)

static void pair_row(struct cluster *c, const char *ev, int i, int j, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void pair_row(struct cluster *c, const char *ev, int i, int j, const char *fmt, ...)
{
	char nodes[160], sites[160], detail[400];
	snprintf(nodes, sizeof(nodes), "%s-%s", c->nodes[i].cfg->id, c->nodes[j].cfg->id);
	int si = node_site(c, i), sj = node_site(c, j);
	if (si == sj)
		snprintf(sites, sizeof(sites), "%s", site_id(c, si));
	else
		snprintf(sites, sizeof(sites), "%s-%s", site_id(c, si), site_id(c, sj));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	row(c, ev, nodes, sites, "%s", detail);
}

/* ---- events ---- */

static void on_event(struct dcs_kernel *k, void *ctx, const void *payload);

static dcs_handle_t schedule(struct cluster *c, dcs_time_t at, enum ev_kind kind, int i, int j)
{
	struct ev e = {.kind = kind, .i = i, .j = j};
	return dcs_schedule(c->m->w->k, at, on_event, c, &e, sizeof(e));
}

static void cancel(struct cluster *c, dcs_handle_t *h)
{
	if (*h)
		dcs_cancel(c->m->w->k, *h);
	*h = 0;
}

static struct pair *pair_at(struct cluster *c, int i, int j)
{
	return i < j ? &c->pairs[(size_t)i * c->n + j] : &c->pairs[(size_t)j * c->n + i];
}

static dcs_time_t now_of(const struct cluster *c)
{
	return dcs_now(c->m->w->k);
}

/* ---- heartbeat paths ---- */

static bool witness_up(const struct cluster *c)
{
	int ws = c->cfg->witness_site;
	return ws >= 0 && !c->witness_fault && dcs_net_site_up(c->m->w->net, ws);
}

/* Does the path from a to b pass through the witness site?  The witness is a
 * third-site vote, not a transit for the cluster network (see the docs). */
static bool transits_witness(struct cluster *c, int a, int b)
{
	int ws = c->cfg->witness_site;
	if (ws < 0 || c->cfg->quorum != DCS_QUORUM_WITNESS)
		return false;
	return dcs_net_path_transits(c->m->w->net, a, b, ws);
}

static enum path_class classify(struct cluster *c, int i, int j, double *loss, char *why,
				size_t len)
{
	const struct dcs_net *net = c->m->w->net;
	*loss = 0;
	if (!c->nodes[i].up || !c->nodes[j].up) {
		snprintf(why, len, "node %s down", c->nodes[c->nodes[i].up ? j : i].cfg->id);
		return PATH_BAD;
	}
	int a = node_site(c, i), b = node_site(c, j);
	if (a == b)
		return PATH_GOOD;
	if (!dcs_net_reachable(net, a, b) || !dcs_net_reachable(net, b, a)) {
		snprintf(why, len, "no path between %s and %s", site_id(c, a), site_id(c, b));
		return PATH_BAD;
	}
	if (transits_witness(c, a, b)) {
		snprintf(why, len, "the only path transits the witness site %s",
			 site_id(c, c->cfg->witness_site));
		return PATH_BAD;
	}
	dcs_time_t ow = dcs_net_one_way(net, a, b);
	dcs_time_t ow2 = dcs_net_one_way(net, b, a);
	if (ow2 > ow)
		ow = ow2;
	struct pair *p = pair_at(c, i, j);
	if (ow > p->window) {
		snprintf(why, len, "one-way latency %.3f ms exceeds the %.0f ms timeout",
			 dcs_time_to_ms(ow), dcs_time_to_ms(p->window));
		return PATH_BAD;
	}
	*loss = dcs_net_path_loss(net, a, b);
	if (*loss >= 1.0) {
		snprintf(why, len, "path loss 100%%");
		return PATH_BAD;
	}
	if (*loss > 0) {
		snprintf(why, len, "path loss %g: heartbeats lost at random", *loss);
		return PATH_LOSSY;
	}
	return PATH_GOOD;
}

static void declare_dead(struct cluster *c, int i, int j)
{
	struct pair *p = pair_at(c, i, j);
	dcs_time_t now = now_of(c);
	cancel(c, &p->dead_ev);
	cancel(c, &p->suspect_ev);
	p->dead = true;
	p->dead_at = now;
	double secs = dcs_time_to_s(now - p->last_ok);
	if (c->nodes[i].up && c->nodes[j].up)
		pair_row(c, "dead", i, j,
			 "%s and %s declare each other dead: no heartbeat for %g s (%d missed)",
			 c->nodes[i].cfg->id, c->nodes[j].cfg->id, secs, p->missed);
	else if (c->nodes[i].up || c->nodes[j].up) {
		int alive = c->nodes[i].up ? i : j, gone = alive == i ? j : i;
		pair_row(c, "dead", i, j, "%s declares %s dead: no heartbeat for %g s (%d missed)",
			 c->nodes[alive].cfg->id, c->nodes[gone].cfg->id, secs, p->missed);
	}
	if (c->tm.arbitration > 0)
		schedule(c, now + c->tm.arbitration, EV_RECONF, -1, -1);
}

static void declare_alive(struct cluster *c, int i, int j)
{
	struct pair *p = pair_at(c, i, j);
	p->dead = false;
	p->suspect = false;
	pair_row(c, "alive", i, j, "heartbeats between %s and %s resumed", c->nodes[i].cfg->id,
		 c->nodes[j].cfg->id);
}

static void ensure_tick(struct cluster *c)
{
	if (c->tick_ev && dcs_pending(c->m->w->k, c->tick_ev))
		return;
	dcs_time_t hb = c->tm.heartbeat, now = now_of(c);
	c->tick_ev = schedule(c, (now / hb + 1) * hb, EV_TICK, -1, -1);
}

static void set_path(struct cluster *c, int i, int j, enum path_class cls, double loss,
		     const char *why)
{
	struct pair *p = pair_at(c, i, j);
	dcs_time_t now = now_of(c);
	p->loss = loss;
	if (cls == p->path)
		return;
	enum path_class old = p->path;
	p->path = cls;
	cancel(c, &p->suspect_ev);
	cancel(c, &p->dead_ev);
	if (old == PATH_GOOD) {
		p->last_ok = now;
		pair_row(c, cls == PATH_BAD ? "heartbeat_lost" : "heartbeat_lossy", i, j, "%s",
			 why);
	}
	switch (cls) {
	case PATH_GOOD:
		if (p->dead)
			declare_alive(c, i, j);
		else if (p->suspect) {
			p->suspect = false;
			pair_row(c, "trusted", i, j, "heartbeats arrive again");
		} else if (old != PATH_GOOD) {
			pair_row(c, "heartbeat_ok", i, j, "path good again");
		}
		break;
	case PATH_BAD:
		if (old != PATH_GOOD && old != PATH_BAD)
			pair_row(c, "heartbeat_lost", i, j, "%s", why);
		if (!p->dead) {
			if (!p->suspect) {
				dcs_time_t s = p->last_ok + c->tm.heartbeat;
				p->suspect_ev = schedule(c, s > now ? s : now, EV_SUSPECT, i, j);
			}
			dcs_time_t d = p->last_ok + p->window;
			p->dead_ev = schedule(c, d > now ? d : now, EV_DEAD, i, j);
		}
		break;
	case PATH_LOSSY:
		if (old == PATH_BAD)
			pair_row(c, "heartbeat_lossy", i, j, "%s", why);
		ensure_tick(c);
		break;
	}
}

static void vs_isolation(struct cluster *c);

static void eval_paths(struct cluster *c)
{
	char why[200];
	for (int i = 0; i < c->n; i++)
		for (int j = i + 1; j < c->n; j++) {
			double loss;
			why[0] = 0;
			enum path_class cls = classify(c, i, j, &loss, why, sizeof(why));
			set_path(c, i, j, cls, loss, why);
		}
	if (c->tm.vsphere)
		vs_isolation(c);
}

/* ---- the service ---- */

static void stop_inst(struct cluster *c, int i, const char *why)
{
	struct node *nd = &c->nodes[i];
	if (nd->inst == INST_NONE)
		return;
	cancel(c, &nd->inst_ev);
	NODE_ROW(c, "stop", i, "%s%s",
		 nd->inst == INST_FENCING || nd->inst == INST_STARTING ? "recovery abandoned: "
								       : "service stopped: ",
		 why);
	nd->inst = INST_NONE;
	nd->serving = SERVE_NONE;
	c->lost_holder = i;
}

static void converged(struct cluster *c, int i)
{
	c->nodes[i].inst = INST_UP;
	c->nodes[i].serving = SERVE_NONE; /* reported by update_avail */
}

static void started(struct cluster *c, int i)
{
	struct node *nd = &c->nodes[i];
	struct dcs_world *w = c->m->w;
	int from = c->last_site, to = node_site(c, i);
	dcs_time_t conv = 0;
	const char *how = "same site";
	if (from >= 0 && from != to) {
		if (w->q.ip_move_convergence_s) {
			double s = dcs_world_ip_move_convergence_s(w, from, to);
			/* INFINITY: clients never reach the new site (e.g. no ingress
			 * mechanism and the old site gone); the service stays unreachable. */
			conv = isfinite(s) ? dcs_time_from_s(s) : DCS_TIME_NEVER;
			how = isfinite(s) ? "L3 ingress/egress convergence"
					  : "L3: clients never reach the new site";
		} else if (dcs_net_reachable(w->net, to, from) && !transits_witness(c, to, from)) {
			conv = dcs_net_one_way(w->net, to, from);
			how = "gratuitous ARP, one one-way delay";
		} else {
			how = "gratuitous ARP, old site unreachable";
		}
	}
	nd->inst = INST_CONVERGING;
	nd->inst_since = now_of(c);
	c->last_site = to;
	NODE_ROW(c, "running", i, "resource started; floating IP %s -> %s in %g s (%s)",
		 site_id(c, from), site_id(c, to),
		 conv == DCS_TIME_NEVER ? INFINITY : dcs_time_to_s(conv), how);
	if (conv == DCS_TIME_NEVER)
		return; /* running but never reachable: counted as unavailable */
	if (conv > 0)
		nd->inst_ev = schedule(c, now_of(c) + conv, EV_INST, i, -1);
	else
		converged(c, i);
}

static void start_resource(struct cluster *c, int i)
{
	struct node *nd = &c->nodes[i];
	nd->inst = INST_STARTING;
	NODE_ROW(c, "start", i, "resource start (%g s)", dcs_time_to_s(c->tm.start));
	if (c->tm.start > 0)
		nd->inst_ev = schedule(c, now_of(c) + c->tm.start, EV_INST, i, -1);
	else
		started(c, i);
}

static void fence_done(struct cluster *c, int i)
{
	const struct dcs_net *net = c->m->w->net;
	int comp = c->nodes[i].comp;
	for (int t = 0; t < c->n; t++) {
		struct node *tg = &c->nodes[t];
		if (tg->comp == comp)
			continue;
		const char *how;
		bool confirmed = true;
		if (!tg->up)
			how = "confirmed: node is down";
		else if (dcs_net_reachable(net, node_site(c, i), node_site(c, t)) &&
			 !transits_witness(c, node_site(c, i), node_site(c, t)))
			how = "confirmed: reset over the network";
		else if (!tg->quorate)
			how = "confirmed: self-fenced by its watchdog without quorum";
		else {
			how = "unconfirmed: unreachable and still running on its own; proceeding "
			      "(quorum none)";
			confirmed = false;
		}
		row(c, confirmed ? "fence" : "fence_unconfirmed", tg->cfg->id,
		    site_id(c, node_site(c, t)), "by %s: %s", c->nodes[i].cfg->id, how);
		if (confirmed && tg->up) {
			stop_inst(c, t, "fenced");
			tg->fenced = true;
			tg->quorate = false;
		}
	}
	start_resource(c, i);
}

static void begin_recovery(struct cluster *c, int i)
{
	struct node *nd = &c->nodes[i];
	bool outside = false;
	for (int t = 0; t < c->n; t++)
		outside |= c->nodes[t].comp != nd->comp;
	/* vSphere HA fences nothing: VMFS locks keep a second copy from writing. */
	if (!outside || c->tm.vsphere) {
		start_resource(c, i);
		return;
	}
	nd->inst = INST_FENCING;
	NODE_ROW(c, "fencing", i, "fencing the nodes outside the partition (%g s)",
		 dcs_time_to_s(c->tm.fence));
	if (c->tm.fence > 0)
		nd->inst_ev = schedule(c, now_of(c) + c->tm.fence, EV_INST, i, -1);
	else
		fence_done(c, i);
}

/* ---- membership, quorum, recovery ---- */

static bool pair_connected(const struct cluster *c, const struct pair *p, dcs_time_t now)
{
	return !p->dead || now < p->dead_at + c->tm.arbitration;
}

static bool reaches_witness(struct cluster *c, int i)
{
	const struct dcs_net *net = c->m->w->net;
	int a = node_site(c, i), ws = c->cfg->witness_site;
	if (!c->nodes[i].up || !witness_up(c) || !dcs_net_reachable(net, a, ws))
		return false;
	dcs_time_t limit = (dcs_time_t)c->tm.missed_cross_site * c->tm.heartbeat;
	return dcs_net_one_way(net, a, ws) <= limit;
}

/*
 * Components.  A membership needs every member to hear every other (a
 * corosync ring, a WSFC regroup), so the nodes that are up are split into
 * cliques over the pairs still connected: the largest clique first, ties to
 * the one with the lowest node ids, then the largest among the rest, and so
 * on.  (Beyond DCS_CLIQUE_MAX nodes up, connected components are used
 * instead, which merges partial partitions.)  A crashed node stays in the
 * component whose up members all still believe in it (none has declared it
 * dead yet), so its peers keep counting its vote and wait for its instance
 * until one of them detects it; it is evicted as soon as any member declares
 * it dead (a regroup).  Component labels are the lowest node index in them.
 * The result is cached until connectivity or a node's state changes.
 */
#define DCS_CLIQUE_MAX 12

static bool is_clique(const struct cluster *c, const bool *conn, unsigned mask)
{
	for (int i = 0; i < c->n; i++) {
		if (!(mask >> i & 1u))
			continue;
		for (int j = i + 1; j < c->n; j++)
			if ((mask >> j & 1u) && !conn[(size_t)i * c->n + j])
				return false;
	}
	return true;
}

/* Larger first; at equal size the set holding the lowest differing node. */
static bool better_clique(unsigned a, unsigned b)
{
	int pa = __builtin_popcount(a), pb = __builtin_popcount(b);
	if (pa != pb)
		return pa > pb;
	unsigned d = a ^ b;
	return d && (a & d & -d);
}

static void label_mask(struct cluster *c, unsigned mask)
{
	int lo = __builtin_ctz(mask);
	for (int i = 0; i < c->n; i++)
		if (mask >> i & 1u)
			c->nodes[i].comp = lo;
}

static void components_transitive(struct cluster *c, const bool *conn)
{
	int n = c->n;
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				if (!c->nodes[i].up || !c->nodes[j].up || !conn[(size_t)i * n + j])
					continue;
				int a = c->nodes[i].comp, b = c->nodes[j].comp;
				if (a == b)
					continue;
				int lo = a < b ? a : b;
				for (int k = 0; k < n; k++)
					if (c->nodes[k].comp == a || c->nodes[k].comp == b)
						c->nodes[k].comp = lo;
				changed = true;
			}
	}
}

static void components(struct cluster *c)
{
	dcs_time_t now = now_of(c);
	int n = c->n, n_up = 0;
	bool same = c->comp_valid;
	for (int i = 0; i < n; i++) {
		n_up += c->nodes[i].up;
		same &= c->conn_up[i] == c->nodes[i].up;
		c->conn_up[i] = c->nodes[i].up;
		for (int j = i + 1; j < n; j++) {
			bool k = pair_connected(c, pair_at(c, i, j), now);
			same &= c->conn[(size_t)i * n + j] == k;
			c->conn[(size_t)i * n + j] = k;
		}
	}
	if (same)
		return;
	c->comp_valid = true;
	for (int i = 0; i < n; i++)
		c->nodes[i].comp = i;
	if (n_up > DCS_CLIQUE_MAX || n > 32) {
		components_transitive(c, c->conn);
	} else {
		unsigned rest = 0;
		for (int i = 0; i < n; i++)
			if (c->nodes[i].up)
				rest |= 1u << i;
		while (rest) {
			unsigned best = 0;
			if (is_clique(c, c->conn, rest)) {
				best = rest;
			} else {
				for (unsigned sub = rest; sub; sub = (sub - 1) & rest)
					if (better_clique(sub, best) && is_clique(c, c->conn, sub))
						best = sub;
			}
			label_mask(c, best);
			rest &= ~best;
		}
	}
	for (int i = 0; i < n; i++) {
		if (c->nodes[i].up)
			continue;
		for (int comp = 0; comp < n; comp++) {
			bool any = false, all = true;
			for (int j = 0; j < n; j++) {
				if (!c->nodes[j].up || c->nodes[j].comp != comp)
					continue;
				any = true;
				all &= c->conn[(size_t)(i < j ? i : j) * n + (i < j ? j : i)];
			}
			if (any && all) {
				c->nodes[i].comp = comp;
				break;
			}
		}
	}
}

static bool comp_has_up(const struct cluster *c, int comp)
{
	for (int i = 0; i < c->n; i++)
		if (c->nodes[i].comp == comp && c->nodes[i].up)
			return true;
	return false;
}

static bool comp_runs(const struct cluster *c, int comp)
{
	for (int i = 0; i < c->n; i++)
		if (c->nodes[i].comp == comp && c->nodes[i].up && c->nodes[i].inst != INST_NONE)
			return true;
	return false;
}

static void decide_quorum(struct cluster *c)
{
	int n = c->n;
	for (int k = 0; k < n; k++)
		c->size[k] = c->quorate[k] = c->reach_w[k] = 0;
	for (int i = 0; i < n; i++) {
		c->size[c->nodes[i].comp]++;
		if (c->cfg->quorum == DCS_QUORUM_WITNESS && reaches_witness(c, i))
			c->reach_w[c->nodes[i].comp] = 1;
	}
	switch (c->tm.vsphere ? DCS_QUORUM_NONE : c->cfg->quorum) {
	case DCS_QUORUM_NONE:
		for (int k = 0; k < n; k++)
			c->quorate[k] = comp_has_up(c, k);
		break;
	case DCS_QUORUM_WITNESS: {
		/* corosync-qnetd ffsplit: the vote goes to the largest
		 * partition of at least half the nodes that reaches the
		 * witness; on a tie to the one that held it (keep active
		 * partition), else to the lowest node.  A smaller partition
		 * that held it loses it: with an odd number of nodes the
		 * majority side takes over. */
		int h = c->witness_holder;
		int prev = h >= 0 ? c->nodes[h].comp : -1;
		int holder = -1;
		for (int k = 0; k < n; k++) {
			if (!c->reach_w[k] || !comp_has_up(c, k) || 2 * c->size[k] < n)
				continue;
			if (holder < 0 || c->size[k] > c->size[holder] ||
			    (c->size[k] == c->size[holder] && k == prev))
				holder = k;
		}
		c->witness_holder = holder;
		for (int k = 0; k < n; k++)
			c->quorate[k] =
			    comp_has_up(c, k) && 2 * (c->size[k] + (k == holder)) > n + 1;
		break;
	}
	case DCS_QUORUM_MAJORITY:
		if (c->cfg->two_node && n == 2) {
			int winner = -1;
			for (int k = 0; k < n && winner < 0; k++)
				if (comp_has_up(c, k) && comp_runs(c, k))
					winner = k;
			for (int k = 0; k < n && winner < 0; k++)
				if (comp_has_up(c, k))
					winner = k;
			if (winner >= 0)
				c->quorate[winner] = 1;
		} else {
			for (int k = 0; k < n; k++)
				c->quorate[k] = comp_has_up(c, k) && 2 * c->size[k] > n;
		}
		break;
	}
}

/* The first node of partition comp that may run the service, preferring one
 * at the site it last ran at; -1 when none may. */
static int pick_node(const struct cluster *c, int comp,
		     bool (*may_run)(const struct cluster *c, int i))
{
	int pick = -1;
	for (int i = 0; i < c->n; i++) {
		if (c->nodes[i].comp != comp || !c->nodes[i].up || !may_run(c, i))
			continue;
		if (node_site(c, i) == c->last_site)
			return i;
		if (pick < 0)
			pick = i;
	}
	return pick;
}

static bool quorate_unfenced(const struct cluster *c, int i)
{
	return !c->nodes[i].fenced && c->nodes[i].quorate;
}

static int choose_node(const struct cluster *c, int comp)
{
	return pick_node(c, comp, quorate_unfenced);
}

/* ---- vSphere HA ---- */

/* Does the host write its datastore heartbeats (and so hold its VMs' disk
 * locks)?  Up, with its site's storage writable. */
static bool vs_datastore_ok(const struct cluster *c, int i)
{
	return c->nodes[i].up && dcs_world_site_writable(c->m->w, node_site(c, i));
}

/* The host's isolation address answers: the cluster's isolation_site, or
 * by default the host's own site's gateway. */
static bool vs_pings_isolation_address(const struct cluster *c, int i)
{
	const struct dcs_net *net = c->m->w->net;
	int own = node_site(c, i), iso = c->cfg->isolation_site >= 0 ? c->cfg->isolation_site : own;
	return dcs_net_site_up(net, iso) && (iso == own || dcs_net_reachable(net, own, iso));
}

/* Isolated: no heartbeat from any other host, and no answer from the
 * isolation address; `last` is the last heartbeat heard from anyone. */
static bool vs_isolation_cond(const struct cluster *c, int i, dcs_time_t *last)
{
	*last = 0;
	if (!c->nodes[i].up || c->n < 2)
		return false;
	for (int j = 0; j < c->n; j++) {
		if (j == i)
			continue;
		const struct pair *p =
		    i < j ? &c->pairs[(size_t)i * c->n + j] : &c->pairs[(size_t)j * c->n + i];
		if (p->path != PATH_BAD)
			return false;
		if (p->last_ok > *last)
			*last = p->last_ok;
	}
	return !vs_pings_isolation_address(c, i);
}

/* Schedules or cancels each host's isolation declaration (the primary
 * declares it isolation_primary after its last heartbeat, a secondary
 * isolation_secondary), and ends an isolation when heartbeats return. */
static void vs_isolation(struct cluster *c)
{
	dcs_time_t now = now_of(c);
	for (int i = 0; i < c->n; i++) {
		struct node *nd = &c->nodes[i];
		dcs_time_t last;
		if (!vs_isolation_cond(c, i, &last)) {
			cancel(c, &nd->iso_ev);
			if (nd->isolated && nd->up) {
				nd->isolated = false;
				NODE_ROW(c, "isolation_over", i, "hears its peers again");
			}
			continue;
		}
		if (nd->isolated || nd->iso_ev)
			continue;
		dcs_time_t at =
		    last + (nd->primary ? c->tm.isolation_primary : c->tm.isolation_secondary);
		nd->iso_ev = schedule(c, at > now ? at : now, EV_ISOLATE, i, -1);
	}
}

static void vs_isolate(struct cluster *c, int i)
{
	struct node *nd = &c->nodes[i];
	dcs_time_t last;
	nd->iso_ev = 0;
	if (!vs_isolation_cond(c, i, &last))
		return;
	nd->isolated = true;
	int own = node_site(c, i);
	int iso = c->cfg->isolation_site >= 0 ? c->cfg->isolation_site : own;
	bool off = c->cfg->isolation_response == DCS_ISOLATION_POWER_OFF;
	NODE_ROW(c, "isolated", i,
		 "no heartbeat from any host for %g s and isolation address at %s unreachable; "
		 "response: %s",
		 dcs_time_to_s(now_of(c) - last), site_id(c, iso),
		 off ? "power off its VMs" : "leave them powered on");
	if (off && nd->inst != INST_NONE)
		stop_inst(c, i, "isolation response: power off");
}

/* Elections: a partition whose up members include no primary elects its
 * lowest up, non-isolated member election after the last heartbeat it had
 * from a primary, which may restart VMs primary_loss_restart after it; when
 * partitions merge the lowest-index primary stays. */
static void vs_elect(struct cluster *c)
{
	dcs_time_t now = now_of(c);
	int n = c->n;
	for (int comp = 0; comp < n; comp++) {
		int primary = -1, cand = -1;
		for (int i = 0; i < n; i++) {
			struct node *nd = &c->nodes[i];
			if (nd->comp != comp || !nd->up)
				continue;
			if (nd->primary) {
				if (primary < 0) {
					primary = i;
				} else {
					nd->primary = false;
					NODE_ROW(c, "election", i,
						 "gives up the primary role to %s",
						 c->nodes[primary].cfg->id);
				}
			}
			if (cand < 0 && !nd->isolated)
				cand = i;
		}
		for (int i = 0; i < n; i++) {
			struct node *nd = &c->nodes[i];
			if (nd->comp == comp && nd->up && i != primary && i != cand)
				nd->elect_at = nd->restart_at = 0;
		}
		if (primary >= 0) {
			if (primary != cand && cand >= 0)
				c->nodes[cand].elect_at = c->nodes[cand].restart_at = 0;
			continue;
		}
		if (cand < 0)
			continue;
		struct node *cd = &c->nodes[cand];
		if (cd->elect_at == 0) {
			/* The last heartbeat from a primary elsewhere (or down). */
			dcs_time_t t0 = 0;
			bool any = false;
			for (int p = 0; p < n; p++) {
				if (p == cand || !c->nodes[p].primary)
					continue;
				dcs_time_t l = pair_at(c, p, cand)->last_ok;
				if (!any || l > t0)
					t0 = l;
				any = true;
			}
			if (!any)
				t0 = now;
			cd->elect_at = t0 + c->tm.election;
			cd->restart_at = t0 + c->tm.primary_loss_restart;
			if (cd->elect_at > now)
				schedule(c, cd->elect_at, EV_RECONF, -1, -1);
			if (cd->restart_at > now)
				schedule(c, cd->restart_at, EV_RECONF, -1, -1);
		}
		if (now >= cd->elect_at && !cd->primary) {
			cd->primary = true;
			NODE_ROW(c, "election", cand,
				 "becomes the vSphere HA primary of its partition");
		}
	}
}

/* The host that restarts a partition's VM, or -1: only the partition's
 * primary restarts (from restart_at after an election), only when no host
 * elsewhere still holds the VM (its datastore heartbeats would show it
 * running: a partition, not a failure), and only on a host whose datastore
 * is writable (the VM's files), preferring the site where it ran. */
static bool vs_may_run(const struct cluster *c, int i)
{
	return !c->nodes[i].isolated && vs_datastore_ok(c, i);
}

static int vs_restart_node(struct cluster *c, int comp)
{
	int n = c->n;
	bool primary = false;
	for (int i = 0; i < n; i++) {
		const struct node *nd = &c->nodes[i];
		if (nd->comp != comp || !nd->up)
			continue;
		if (nd->primary) {
			primary = true;
			if (nd->restart_at > now_of(c))
				return -1;
		}
	}
	if (!primary)
		return -1;
	for (int j = 0; j < n; j++)
		if (c->nodes[j].comp != comp && c->nodes[j].inst != INST_NONE &&
		    vs_datastore_ok(c, j))
			return -1;
	return pick_node(c, comp, vs_may_run);
}

/* A copy that lost its disk lock to a newer one stops as soon as it can
 * write again (VMFS shows it the lock is gone). */
static void vs_lock_loss(struct cluster *c)
{
	for (int i = 0; i < c->n; i++) {
		struct node *nd = &c->nodes[i];
		if (nd->inst == INST_NONE || !vs_datastore_ok(c, i))
			continue;
		for (int j = 0; j < c->n; j++)
			if (j != i && c->nodes[j].up && c->nodes[j].inst != INST_NONE &&
			    c->nodes[j].inst_since > nd->inst_since) {
				stop_inst(
				    c, i,
				    "its VM lost the disk lock to the copy restarted elsewhere");
				break;
			}
	}
}

static void reconfigure(struct cluster *c)
{
	int n = c->n;
	components(c);
	/* A fenced node acts again once it sees a peer (wait_for_all). */
	for (int i = 0; i < n; i++) {
		struct node *nd = &c->nodes[i];
		if (!nd->fenced)
			continue;
		for (int j = 0; j < n; j++)
			if (j != i && c->nodes[j].up && c->nodes[j].comp == nd->comp) {
				nd->fenced = false;
				NODE_ROW(c, "rejoin", i, "sees %s again after being fenced",
					 c->nodes[j].cfg->id);
				break;
			}
	}
	decide_quorum(c);
	if (c->tm.vsphere)
		vs_elect(c);
	for (int i = 0; i < n; i++) {
		struct node *nd = &c->nodes[i];
		if (!nd->up)
			continue;
		bool q = c->quorate[nd->comp] && !nd->fenced;
		if (q != nd->quorate && !c->quiet && !c->tm.vsphere) {
			bool w = c->cfg->quorum == DCS_QUORUM_WITNESS;
			NODE_ROW(c, q ? "quorum_gained" : "quorum_lost", i,
				 "partition of %d of %d nodes%s", c->size[nd->comp], n,
				 !w ? ""
				    : (nd->comp == c->witness_holder
					   ? " + witness vote"
					   : " without the witness vote"));
		}
		nd->quorate = q;
		if (!q && nd->inst != INST_NONE)
			stop_inst(c, i, nd->fenced ? "fenced" : "no quorum");
	}
	/* A crashed node's instance is forgotten once nobody believes in it. */
	for (int i = 0; i < n; i++)
		if (!c->nodes[i].up && !comp_has_up(c, c->nodes[i].comp))
			c->nodes[i].believed = false;
	for (int comp = 0; comp < n; comp++) {
		if (!c->quorate[comp] || !comp_has_up(c, comp))
			continue;
		int keep = -1;
		bool waiting = false;
		for (int i = 0; i < n; i++) {
			struct node *nd = &c->nodes[i];
			if (nd->comp != comp)
				continue;
			if (!nd->up && nd->believed)
				waiting = true;
			if (!nd->up || nd->inst == INST_NONE)
				continue;
			/* Prefer a running instance, the oldest; else the first pending one. */
			if (keep < 0) {
				keep = i;
				continue;
			}
			struct node *kn = &c->nodes[keep];
			bool nd_run = nd->inst >= INST_CONVERGING,
			     kn_run = kn->inst >= INST_CONVERGING;
			/* vSphere HA: the newest copy holds the VM's disk lock. */
			bool older = c->tm.vsphere ? nd->inst_since > kn->inst_since
						   : nd->inst_since < kn->inst_since;
			if ((nd_run && !kn_run) || (nd_run && kn_run && older))
				keep = i;
		}
		for (int i = 0; i < n; i++)
			if (i != keep && c->nodes[i].comp == comp && c->nodes[i].up &&
			    c->nodes[i].inst != INST_NONE)
				stop_inst(c, i, "another instance runs in the same partition");
		if (keep >= 0 || waiting)
			continue;
		int pick = c->tm.vsphere ? vs_restart_node(c, comp) : choose_node(c, comp);
		if (pick >= 0)
			begin_recovery(c, pick);
	}
	if (c->tm.vsphere)
		vs_lock_loss(c);
}

/* The instant of the failure behind the loss of the last holder's instance:
 * its last heartbeat on a broken pair, or now. */
static dcs_time_t outage_cause(struct cluster *c)
{
	dcs_time_t cause = now_of(c);
	int h = c->lost_holder;
	if (h < 0)
		return cause;
	for (int j = 0; j < c->n; j++) {
		if (j == h)
			continue;
		struct pair *p = pair_at(c, h, j);
		if ((p->path != PATH_GOOD || p->dead) && p->last_ok < cause)
			cause = p->last_ok;
	}
	return cause;
}

static void push_outage(struct cluster *c, struct outage o)
{
	if (c->n_outages == c->cap_outages) {
		size_t cap = c->cap_outages ? 2 * c->cap_outages : 8;
		struct outage *p = realloc(c->outages, cap * sizeof(*p));
		if (!p) {
			fprintf(stderr, "dcisim: out of memory in the cluster model\n");
			exit(DCS_EXIT_RUNTIME);
		}
		c->outages = p;
		c->cap_outages = cap;
	}
	c->outages[c->n_outages++] = o;
}

static void update_avail(struct cluster *c)
{
	struct dcs_world *w = c->m->w;
	dcs_time_t now = now_of(c);
	bool avail = false;
	int running = 0, last_runner = -1;
	for (int i = 0; i < c->n; i++) {
		struct node *nd = &c->nodes[i];
		if (!nd->up)
			continue;
		/* vSphere HA: a copy that cannot write its disks (the other holds
		 * the lock, or its storage is suspended) does not split the brain. */
		if (nd->inst >= INST_CONVERGING &&
		    (!c->tm.vsphere || dcs_world_site_writable(w, node_site(c, i)))) {
			running++;
			last_runner = i;
		}
		if (nd->inst != INST_UP)
			continue;
		enum serve s =
		    dcs_world_site_writable(w, node_site(c, i)) ? SERVE_UP : SERVE_BLOCKED;
		if (s != nd->serving) {
			if (s == SERVE_UP)
				NODE_ROW(c, "up", i, "service serving on %s", nd->cfg->id);
			else
				NODE_ROW(c, "storage_blocked", i,
					 "storage not writable at %s: the service is unavailable",
					 site_id(c, node_site(c, i)));
			nd->serving = s;
		}
		avail |= s == SERVE_UP;
	}
	if (running >= 2 && !c->split) {
		c->split = true;
		c->split_begin = now;
		c->n_splits++;
		NODE_ROW(c, "split_brain_begin", last_runner, "%d instances running", running);
		dcs_event(w->res, now, "cluster_split_brain", c->cfg->id,
			  "split brain: %d instances running", running);
	} else if (running < 2 && c->split) {
		c->split = false;
		c->split_ns += now - c->split_begin;
		row(c, "split_brain_end", "", "", "lasted %g s",
		    dcs_time_to_s(now - c->split_begin));
		dcs_event(w->res, now, "cluster_split_brain_over", c->cfg->id,
			  "split brain over after %g s", dcs_time_to_s(now - c->split_begin));
	}
	if (avail == c->available)
		return;
	c->available = avail;
	if (!avail) {
		c->in_outage = true;
		c->cur.begin = now;
		c->cur.cause = outage_cause(c);
		c->cur.end = -1;
		row(c, "outage_begin", "", "", "service unavailable (failure at %g s)",
		    dcs_time_to_s(c->cur.cause));
		dcs_event(w->res, now, "cluster_outage", c->cfg->id, "service unavailable");
	} else if (c->in_outage) {
		c->in_outage = false;
		c->cur.end = now;
		c->unavail_ns += now - c->cur.begin;
		push_outage(c, c->cur);
		double rto = dcs_time_to_s(now - c->cur.cause);
		row(c, "outage_end", "", "", "RTO %g s (unavailable %g s)", rto,
		    dcs_time_to_s(now - c->cur.begin));
		dcs_event(w->res, now, "cluster_recovered", c->cfg->id, "service back, RTO %g s",
			  rto);
	}
}

/* Where the service runs now (the oldest running instance), for the world. */
static void publish_site(struct cluster *c)
{
	int pick = -1;
	for (int i = 0; i < c->n; i++) {
		const struct node *nd = &c->nodes[i];
		if (nd->up && nd->inst >= INST_CONVERGING &&
		    (pick < 0 || nd->inst_since < c->nodes[pick].inst_since))
			pick = i;
	}
	dcs_world_set_service_site(c->m->w, c->idx, pick >= 0 ? node_site(c, pick) : -1);
}

/* During a partition of an active-active pair whose sites hold nodes: which
 * side the cluster runs its service on and which side the storage writes
 * on, reported whenever either choice changes once both are settled
 * (storage not frozen, no recovery under way). */
static void report_sides(struct cluster *c)
{
	struct model *m = c->m;
	const struct dcs_scenario *scn = m->w->scn;
	const struct dcs_storage_cfg *st = &scn->storage;
	if (!st->present || st->mode != DCS_STORAGE_ACTIVE_ACTIVE || st->n_arrays != 2)
		return;
	int sa = st->arrays[0].site, sb = st->arrays[1].site;
	bool at[2] = {false, false};
	for (int i = 0; i < c->n; i++) {
		at[0] |= node_site(c, i) == sa;
		at[1] |= node_site(c, i) == sb;
		if (c->nodes[i].up &&
		    (c->nodes[i].inst == INST_FENCING || c->nodes[i].inst == INST_STARTING))
			return;
	}
	if (!at[0] || !at[1] || m->st_held[sa] || m->st_held[sb])
		return;
	int mask = (m->st_up[sa] ? 1 : 0) | (m->st_up[sb] ? 2 : 0);
	int where = dcs_world_service_site(m->w, c->idx);
	if (mask == 3) {
		c->sides_st = 3; /* the mirror is whole: nothing to arbitrate */
		return;
	}
	if (mask == c->sides_st && where == c->sides_cl)
		return;
	c->sides_st = mask;
	c->sides_cl = where;
	char writes[160];
	if (mask == 0)
		snprintf(writes, sizeof(writes), "writes at neither %s nor %s", site_id(c, sa),
			 site_id(c, sb));
	else
		snprintf(writes, sizeof(writes), "writes at %s only",
			 site_id(c, mask == 1 ? sa : sb));
	bool agree = where >= 0 && m->st_up[where];
	dcs_time_t now = now_of(c);
	if (where < 0)
		dcs_event(m->w->res, now, "sides_disagree", c->cfg->id,
			  "the cluster runs its service nowhere; the storage %s", writes);
	else
		dcs_event(m->w->res, now, agree ? "sides_agree" : "sides_disagree", c->cfg->id,
			  "the cluster runs its service at %s; the storage %s%s", site_id(c, where),
			  writes, agree ? "" : ": the service has no writable storage");
}

static void settle(struct cluster *c)
{
	reconfigure(c);
	update_avail(c);
	publish_site(c);
	report_sides(c);
}

/* Availability depends on the storage model's answer, and storage reacts to
 * the same notes after this model (registry order): check it in an event at
 * the same instant, which runs once every subscriber has reacted. */
static void request_settle(struct cluster *c)
{
	if (c->settle_ev && dcs_pending(c->m->w->k, c->settle_ev))
		return;
	c->settle_ev = schedule(c, now_of(c), EV_SETTLE, -1, -1);
}

/* ---- handlers ---- */

static void tick(struct cluster *c)
{
	bool lossy = false;
	dcs_time_t now = now_of(c);
	c->tick_ev = 0;
	for (int i = 0; i < c->n; i++)
		for (int j = i + 1; j < c->n; j++) {
			struct pair *p = pair_at(c, i, j);
			if (p->path != PATH_LOSSY)
				continue;
			lossy = true;
			bool lost = gsl_rng_uniform(c->rng) < p->loss;
			if (!lost) {
				p->last_ok = now;
				if (p->dead)
					declare_alive(c, i, j);
				else if (p->suspect) {
					p->suspect = false;
					pair_row(c, "trusted", i, j, "heartbeat received");
				}
				continue;
			}
			if (!p->dead && !p->suspect) {
				p->suspect = true;
				pair_row(c, "suspect", i, j, "heartbeat lost (path loss %g)",
					 p->loss);
			}
			if (!p->dead && now - p->last_ok >= p->window)
				declare_dead(c, i, j);
		}
	if (lossy)
		c->tick_ev = schedule(c, now + c->tm.heartbeat, EV_TICK, -1, -1);
}

static void inst_step(struct cluster *c, int i)
{
	struct node *nd = &c->nodes[i];
	nd->inst_ev = 0;
	switch (nd->inst) {
	case INST_FENCING:
		fence_done(c, i);
		break;
	case INST_STARTING:
		started(c, i);
		break;
	case INST_CONVERGING:
		converged(c, i);
		break;
	default:
		break;
	}
}

static void on_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct cluster *c = ctx;
	struct ev e;
	memcpy(&e, payload, sizeof(e));
	switch ((enum ev_kind)e.kind) {
	case EV_SUSPECT: {
		struct pair *p = pair_at(c, e.i, e.j);
		p->suspect_ev = 0;
		if (!p->dead && !p->suspect) {
			p->suspect = true;
			pair_row(c, "suspect", e.i, e.j, "no heartbeat for one interval (%g s)",
				 dcs_time_to_s(c->tm.heartbeat));
		}
		break;
	}
	case EV_DEAD:
		pair_at(c, e.i, e.j)->dead_ev = 0;
		declare_dead(c, e.i, e.j);
		break;
	case EV_RECONF:
		break;
	case EV_TICK:
		tick(c);
		break;
	case EV_INST:
		inst_step(c, e.i);
		break;
	case EV_MONITOR:
		dcs_schedule_in(k, dcs_time_from_s(DCS_CLUSTER_MONITOR_S), on_event, c, payload,
				sizeof(e));
		break;
	case EV_SETTLE:
		c->settle_ev = 0;
		break;
	case EV_RECHECK:
		/* The storage decision scheduled for this instant runs after this
		 * event: look again once it has. */
		request_settle(c);
		return;
	case EV_ISOLATE:
		vs_isolate(c, e.i);
		break;
	}
	settle(c);
}

static void node_refresh(struct cluster *c, int i, const char *why)
{
	struct node *nd = &c->nodes[i];
	bool up = !nd->fault_down && dcs_net_site_up(c->m->w->net, node_site(c, i));
	if (up == nd->up)
		return;
	nd->up = up;
	cancel(c, &nd->iso_ev);
	nd->isolated = false;
	nd->elect_at = nd->restart_at = 0;
	if (!up) {
		NODE_ROW(c, "node_down", i, "%s", why);
		nd->believed = nd->inst != INST_NONE;
		stop_inst(c, i, "node down");
		nd->quorate = false;
	} else {
		NODE_ROW(c, "node_up", i, "%s", why);
		nd->believed = false;
		nd->fenced = false;
		nd->quorate = false;
		nd->primary = false; /* a host that boots joins as a secondary */
	}
}

static void witness_refresh(struct cluster *c)
{
	if (c->cfg->witness_site < 0)
		return;
	bool up = witness_up(c);
	if (up == c->witness_up_last)
		return;
	c->witness_up_last = up;
	row(c, up ? "witness_up" : "witness_down", "", site_id(c, c->cfg->witness_site), "%s",
	    up ? "witness available" : "witness down");
}

static void on_note(void *ctx, const struct dcs_note *note)
{
	struct model *m = ctx;
	for (size_t ci = 0; ci < m->n; ci++) {
		struct cluster *c = &m->cl[ci];
		switch (note->kind) {
		case DCS_NOTE_SITE_STATE:
			for (int i = 0; i < c->n; i++)
				if (node_site(c, i) == note->index)
					node_refresh(c, i, note->up ? "site up" : "site down");
			break;
		case DCS_NOTE_NODE_STATE:
			if (note->index != c->idx || note->sub < 0 || note->sub >= c->n)
				continue;
			c->nodes[note->sub].fault_down = !note->up;
			node_refresh(c, note->sub, note->up ? "node repaired" : "node failure");
			break;
		case DCS_NOTE_WITNESS_STATE:
			if (note->index == c->cfg->witness_site)
				c->witness_fault = !note->up;
			break;
		case DCS_NOTE_STORAGE_STATE:
			/* Only the availability check depends on it. */
			m->st_up[note->index] = note->up;
			m->st_held[note->index] = note->degraded;
			request_settle(c);
			continue;
		default:
			break;
		}
		witness_refresh(c);
		eval_paths(c);
		reconfigure(c);
		request_settle(c);
		/* An active-active pair decides who keeps writing detach_delay_s after
		 * the mirror breaks, without a note: look again then. */
		if (m->detach_delay > 0)
			schedule(c, now_of(c) + m->detach_delay, EV_RECHECK, -1, -1);
	}
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
		if (!dcs_bus_subscribe(w->bus, kinds[k], on_note, m))
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
			any |= reaches_witness(c, i);
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
		eval_paths(c);
		c->quiet = true;
		reconfigure(c);
		c->quiet = false;
		request_settle(c);
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
