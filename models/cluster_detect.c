/*
 * Cross-site HA clusters (models/cluster.c): heartbeats and detection.  Writes
 * the rows of cluster.csv, classifies each pair's heartbeat path (good,
 * lossy, bad) from the network, suspects and declares peers dead or alive
 * again, draws heartbeats on lossy paths, and dispatches the model's events
 * and bus notes to the membership, quorum and failover code.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_internal.h"

/* ---- rows ---- */

void cluster_row(struct cluster *c, const char *event, const char *node, const char *site,
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
	cluster_row(c, ev, nodes, sites, "%s", detail);
}

/* ---- heartbeat paths ---- */

/* Does the path from a to b pass through the witness site?  The witness is a
 * third-site vote, not a transit for the cluster network (see the docs). */
bool cluster_transits_witness(struct cluster *c, int a, int b)
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
	if (cluster_transits_witness(c, a, b)) {
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

void cluster_eval_paths(struct cluster *c)
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
		cluster_vs_isolation(c);
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

void cluster_on_event(struct dcs_kernel *k, void *ctx, const void *payload)
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
		cluster_inst_step(c, e.i);
		break;
	case EV_MONITOR:
		dcs_schedule_in(k, dcs_time_from_s(DCS_CLUSTER_MONITOR_S), cluster_on_event, c,
				payload, sizeof(e));
		break;
	case EV_SETTLE:
		c->settle_ev = 0;
		break;
	case EV_RECHECK:
		/* The storage decision scheduled for this instant runs after this
		 * event: look again once it has. */
		cluster_request_settle(c);
		return;
	case EV_ISOLATE:
		cluster_vs_isolate(c, e.i);
		break;
	}
	cluster_settle(c);
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
		cluster_stop_inst(c, i, "node down");
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
	cluster_row(c, up ? "witness_up" : "witness_down", "", site_id(c, c->cfg->witness_site),
		    "%s", up ? "witness available" : "witness down");
}

void cluster_on_note(void *ctx, const struct dcs_note *note)
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
			cluster_request_settle(c);
			continue;
		default:
			break;
		}
		witness_refresh(c);
		cluster_eval_paths(c);
		cluster_reconfigure(c);
		cluster_request_settle(c);
		/* An active-active pair decides who keeps writing detach_delay_s after
		 * the mirror breaks, without a note: look again then. */
		if (m->detach_delay > 0)
			schedule(c, now_of(c) + m->detach_delay, EV_RECHECK, -1, -1);
	}
}
