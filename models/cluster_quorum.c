/*
 * Cross-site HA clusters (models/cluster.c): membership, quorum and the
 * witness.  Splits the nodes into partitions over the pairs still
 * connected, gives each its quorum (majority, witness vote, two_node, none),
 * runs vSphere HA's isolation and primary elections instead where the
 * preset says so, and reconfigures: stops instances without quorum or in
 * excess, and picks the node that recovers the service.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_internal.h"

/* ---- membership, quorum, recovery ---- */

static bool pair_connected(const struct cluster *c, const struct pair *p, dcs_time_t now)
{
	return !p->dead || now < p->dead_at + c->tm.arbitration;
}

bool cluster_reaches_witness(struct cluster *c, int i)
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
		if (c->cfg->quorum == DCS_QUORUM_WITNESS && cluster_reaches_witness(c, i))
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
void cluster_vs_isolation(struct cluster *c)
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

void cluster_vs_isolate(struct cluster *c, int i)
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
		cluster_stop_inst(c, i, "isolation response: power off");
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
				cluster_stop_inst(
				    c, i,
				    "its VM lost the disk lock to the copy restarted elsewhere");
				break;
			}
	}
}

void cluster_reconfigure(struct cluster *c)
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
			cluster_stop_inst(c, i, nd->fenced ? "fenced" : "no quorum");
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
				cluster_stop_inst(c, i,
						  "another instance runs in the same partition");
		if (keep >= 0 || waiting)
			continue;
		int pick = c->tm.vsphere ? vs_restart_node(c, comp) : choose_node(c, comp);
		if (pick >= 0)
			cluster_begin_recovery(c, pick);
	}
	if (c->tm.vsphere)
		vs_lock_loss(c);
}
