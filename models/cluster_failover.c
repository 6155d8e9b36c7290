/*
 * Cross-site HA clusters (models/cluster.c): failover and availability.  The
 * service's instance on a node: fencing the nodes outside its partition,
 * starting the resource, converging the floating IP, stopping; then whether
 * the service serves (storage writable), its outages and their RTO, split
 * brains, where it runs for the world, and which side cluster and storage
 * each chose in a partition.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_internal.h"
#include "dcisim/exitcode.h"

/* ---- the service ---- */

void cluster_stop_inst(struct cluster *c, int i, const char *why)
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
		} else if (dcs_net_reachable(w->net, to, from) &&
			   !cluster_transits_witness(c, to, from)) {
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
			 !cluster_transits_witness(c, node_site(c, i), node_site(c, t)))
			how = "confirmed: reset over the network";
		else if (!tg->quorate)
			how = "confirmed: self-fenced by its watchdog without quorum";
		else {
			how = "unconfirmed: unreachable and still running on its own; proceeding "
			      "(quorum none)";
			confirmed = false;
		}
		cluster_row(c, confirmed ? "fence" : "fence_unconfirmed", tg->cfg->id,
			    site_id(c, node_site(c, t)), "by %s: %s", c->nodes[i].cfg->id, how);
		if (confirmed && tg->up) {
			cluster_stop_inst(c, t, "fenced");
			tg->fenced = true;
			tg->quorate = false;
		}
	}
	start_resource(c, i);
}

void cluster_begin_recovery(struct cluster *c, int i)
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

void cluster_inst_step(struct cluster *c, int i)
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
		cluster_row(c, "split_brain_end", "", "", "lasted %g s",
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
		cluster_row(c, "outage_begin", "", "", "service unavailable (failure at %g s)",
			    dcs_time_to_s(c->cur.cause));
		dcs_event(w->res, now, "cluster_outage", c->cfg->id, "service unavailable");
	} else if (c->in_outage) {
		c->in_outage = false;
		c->cur.end = now;
		c->unavail_ns += now - c->cur.begin;
		push_outage(c, c->cur);
		double rto = dcs_time_to_s(now - c->cur.cause);
		cluster_row(c, "outage_end", "", "", "RTO %g s (unavailable %g s)", rto,
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

void cluster_settle(struct cluster *c)
{
	cluster_reconfigure(c);
	update_avail(c);
	publish_site(c);
	report_sides(c);
}

/* Availability depends on the storage model's answer, and storage reacts to
 * the same notes after this model (registry order): check it in an event at
 * the same instant, which runs once every subscriber has reacted. */
void cluster_request_settle(struct cluster *c)
{
	if (c->settle_ev && dcs_pending(c->m->w->k, c->settle_ev))
		return;
	c->settle_ev = schedule(c, now_of(c), EV_SETTLE, -1, -1);
}
