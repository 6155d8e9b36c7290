/*
 * The layer-2 extension model: MAC moves, BUM traffic across the DCI, L2
 * failover and pseudowire scale, per link technology.  The contract is in
 * models/l2.h, the figures in sim/core/tech.c and l2.h, the equations and
 * their limits in docs/models.md §4-5.
 *
 * Events: a move schedules the control plane's origination (at once for a VM
 * that serves traffic) and the hypervisor's announcement rounds; each round
 * draws, per flood-and-learn site, whether its copy survives the path's loss
 * (stream "l2/mac/<vm>") and schedules the arrivals.  Arrivals update one
 * table entry per (VM, site).  A site that takes an older location after a
 * newer one (possible only without a sequence number) is repaired by the old
 * edge's withdraw (IS-IS) or by MAC ageing (flood-and-learn).
 */
#include "l2.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/tech.h"

enum path_class { PATH_NONE, PATH_FLOOD, PATH_CP };
enum learn_rule { RULE_LAST, RULE_SEQ };

struct path_info {
	enum path_class cls;
	bool seq;    /* every link carries the MAC mobility sequence */
	double cp_s; /* origination time of the control planes on the path */
	dcs_time_t one_way;
	double loss;
};

struct mac_entry {
	int loc;        /* believed location, -1 unknown */
	uint32_t seq;   /* highest sequence number accepted */
	int best_move;  /* newest move heard */
	int best_loc;   /* location announced by that move */
	int sched_move; /* move for which an announcement was scheduled here */
	bool domain;    /* in the L2 domain of the VM's latest move */
	enum path_class cls;
};

struct l2_vm {
	int loc;
	uint32_t seq;
	int move_id;
	dcs_time_t moved_at;
	dcs_time_t first_frame; /* after resume: 0 for a VM that serves traffic */
	bool converged;
	double last_conv_s;
	int regressions;
	int n_moves;
	bool warned_l3;
	gsl_rng *rng; /* "l2/mac/<vm>", made when a lossy flood first needs it */
};

struct l2_link {
	double bum_Bps[2];
	double bum_nominal_Bps;
	double bum_bytes;
	bool out; /* its stretched VLANs have no layer-2 path across it */
	dcs_time_t out_at;
	double outage_s; /* of past outages */
	long pseudowires;
};

struct dcs_l2 {
	struct dcs_world *w;
	int n_sites, n_links, n_vms;
	struct l2_vm *vms;
	struct mac_entry *mac; /* n_vms x n_sites */
	struct l2_link *links;
	double *bum_pps;   /* per site, resolved */
	dcs_time_t bum_at; /* BUM bytes are integrated up to here */
	int *hop_links, *hop_dirs;
	int *count; /* 2 x n_links scratch */
	/* path_info's answers but the one-way delay, per (a, b): routing,
	 * reachability, the links' technologies and loss decide them, and every
	 * change of those is a LINK_STATE, SITE_STATE or PATHS_CHANGED note
	 * (include/dcisim/net.h), which starts a new generation. */
	struct path_kept {
		uint64_t gen; /* 0: never filled */
		struct path_info pi;
	} * kept;
	uint64_t gen;
	bool check; /* DCISIM_NET_MEMO_CHECK: every kept answer computed again */
	dcs_time_t announce_at[DCS_L2_ANNOUNCE_ROUNDS]; /* dcs_l2_announce_s(k), in ns */
};

/* ---- pure figures ---- */

double dcs_l2_announce_s(int k)
{
	double t = DCS_L2_ANNOUNCE_INITIAL_S;
	for (int i = 1; i <= k; i++) {
		double gap = DCS_L2_ANNOUNCE_INITIAL_S + i * DCS_L2_ANNOUNCE_STEP_S;
		t += gap < DCS_L2_ANNOUNCE_MAX_S ? gap : DCS_L2_ANNOUNCE_MAX_S;
	}
	return t;
}

double dcs_l2_flood_learn_expected_s(double one_way_s, double loss)
{
	double e = 0, p_all_lost = 1;
	for (int k = 0; k < DCS_L2_ANNOUNCE_ROUNDS; k++) {
		e += p_all_lost * (1 - loss) * (dcs_l2_announce_s(k) + one_way_s);
		p_all_lost *= loss;
	}
	return e + p_all_lost * DCS_L2_MAC_AGING_S;
}

static bool floods_arp(const struct dcs_tech_info *t)
{
	return t->l2_extension && !t->arp_suppression;
}

static bool floods_uu(const struct dcs_tech_info *t)
{
	return t->l2_extension && t->flood_unknown_unicast;
}

/* bum_pps is ARP plus unknown unicast; no source gives the split, and every
 * technology in the table floods both or neither, so halves are assumed. */
#define ARP_SHARE 0.5

double dcs_l2_bum_cross_share(enum dcs_tech t)
{
	const struct dcs_tech_info *ti = dcs_tech(t);
	return ARP_SHARE * floods_arp(ti) + (1 - ARP_SHARE) * floods_uu(ti);
}

double dcs_l2_bum_wire_bytes(enum dcs_tech t)
{
	return DCS_L2_BUM_PAYLOAD_BYTES + DCS_ETH_WIRE_OVERHEAD + dcs_tech(t)->encap_bytes;
}

long dcs_l2_full_mesh_pseudowires(int n)
{
	return n < 2 ? 0 : (long)n * (n - 1) / 2;
}

double dcs_l2_mac_update_s(const struct dcs_link_cfg *l)
{
	const struct dcs_tech_info *t = dcs_tech(l->technology);
	if (!t->control_plane || !t->l2_extension)
		return 0;
	return isnan(l->mac_update_ms) ? t->cp_update_s : l->mac_update_ms / 1e3;
}

/* ---- paths ---- */

static struct path_info path_walk(struct dcs_l2 *L, int a, int b)
{
	struct path_info pi = {.cls = PATH_NONE};
	const struct dcs_scenario *scn = L->w->scn;
	int hops = dcs_net_path(L->w->net, a, b, L->hop_links, L->hop_dirs, L->n_links);
	if (hops <= 0 || !dcs_net_reachable(L->w->net, a, b))
		return pi;
	bool flood = false;
	pi.seq = true;
	for (int h = 0; h < hops; h++) {
		const struct dcs_link_cfg *lc = &scn->links[L->hop_links[h]];
		const struct dcs_tech_info *t = dcs_tech(lc->technology);
		if (!t->l2_extension)
			return pi;
		flood |= !t->control_plane;
		pi.seq &= t->mac_mobility_seq;
		pi.cp_s += dcs_l2_mac_update_s(lc);
	}
	pi.cls = flood ? PATH_FLOOD : PATH_CP;
	pi.seq &= !flood;
	pi.loss = dcs_net_path_loss(L->w->net, a, b);
	return pi;
}

static bool same_path_info(const struct path_info *x, const struct path_info *y)
{
	return x->cls == y->cls && x->seq == y->seq && x->one_way == y->one_way &&
	       memcmp(&x->cp_s, &y->cp_s, sizeof(double)) == 0 &&
	       memcmp(&x->loss, &y->loss, sizeof(double)) == 0;
}

/* The path from a to b: its class and figures but the one-way delay, kept
 * until a note says paths or links changed. */
static const struct path_info *path_kept(struct dcs_l2 *L, int a, int b)
{
	struct path_kept *k = &L->kept[(size_t)a * L->n_sites + b];
	if (k->gen != L->gen) {
		k->pi = path_walk(L, a, b);
		k->gen = L->gen;
	} else if (L->check) {
		struct path_info now = path_walk(L, a, b);
		if (!same_path_info(&now, &k->pi)) {
			fprintf(stderr,
				"dcisim: DCISIM_NET_MEMO_CHECK: the kept layer-2 path from site "
				"%d to site %d is not the one the network gives now\n",
				a, b);
			abort();
		}
	}
	return &k->pi;
}

static enum path_class path_class(struct dcs_l2 *L, int a, int b)
{
	return path_kept(L, a, b)->cls;
}

/* The same with the one-way delay (the queues change with every flow),
 * asked of the network each time. */
static struct path_info path_info(struct dcs_l2 *L, int a, int b)
{
	struct path_info pi = *path_kept(L, a, b);
	if (pi.cls != PATH_NONE)
		pi.one_way = dcs_net_one_way(L->w->net, a, b);
	return pi;
}

/* ---- BUM traffic ---- */

static void bum_settle(struct dcs_l2 *L)
{
	dcs_time_t now = dcs_now(L->w->k);
	double dt = dcs_time_to_s(now - L->bum_at);
	L->bum_at = now;
	if (dt <= 0)
		return;
	for (int l = 0; l < L->n_links; l++)
		L->links[l].bum_bytes += (L->links[l].bum_Bps[0] + L->links[l].bum_Bps[1]) * dt;
}

/* One flooding pass for one kind of frame (ARP or unknown unicast). */
static void bum_add_kind(struct dcs_l2 *L, bool arp, double weight)
{
	const struct dcs_scenario *scn = L->w->scn;
	for (int s = 0; s < L->n_sites; s++) {
		if (!(L->bum_pps[s] > 0) || !dcs_net_site_up(L->w->net, s))
			continue;
		memset(L->count, 0, 2 * (size_t)L->n_links * sizeof(int));
		for (int d = 0; d < L->n_sites; d++) {
			if (d == s)
				continue;
			if (!dcs_net_reachable(L->w->net, s, d))
				continue; /* a converging link carries no flood either */
			int hops =
			    dcs_net_path(L->w->net, s, d, L->hop_links, L->hop_dirs, L->n_links);
			for (int h = 0; h < hops; h++) {
				const struct dcs_tech_info *t =
				    dcs_tech(scn->links[L->hop_links[h]].technology);
				if (!(arp ? floods_arp(t) : floods_uu(t)))
					break;
				L->count[2 * L->hop_links[h] + L->hop_dirs[h]]++;
			}
		}
		for (int l = 0; l < L->n_links; l++) {
			enum dcs_tech tech = scn->links[l].technology;
			for (int dir = 0; dir < 2; dir++) {
				int c = L->count[2 * l + dir];
				/* One spanning tree (dwdm): a flood crosses each link once. */
				if (!dcs_tech(tech)->stp_isolation && c > 1)
					c = 1;
				L->links[l].bum_Bps[dir] +=
				    weight * L->bum_pps[s] * c * dcs_l2_bum_wire_bytes(tech);
			}
		}
	}
}

static void bum_recompute(struct dcs_l2 *L)
{
	bum_settle(L);
	for (int l = 0; l < L->n_links; l++)
		L->links[l].bum_Bps[0] = L->links[l].bum_Bps[1] = 0;
	bum_add_kind(L, true, ARP_SHARE);
	bum_add_kind(L, false, 1 - ARP_SHARE);
}

/* ---- MAC moves ---- */

struct arrival {
	int vm, site, loc, move_id;
	uint32_t seq;
	int rule;
};

struct vm_ref {
	int vm, move_id, round;
};

struct site_ref {
	int vm, site;
};

static struct mac_entry *entry(struct dcs_l2 *L, int vm, int site)
{
	return &L->mac[(size_t)vm * L->n_sites + site];
}

static void check_converged(struct dcs_l2 *L, int vm)
{
	struct l2_vm *v = &L->vms[vm];
	for (int s = 0; s < L->n_sites; s++) {
		const struct mac_entry *e = entry(L, vm, s);
		if (e->domain && e->loc != v->loc) {
			v->converged = false;
			return;
		}
	}
	if (v->converged)
		return;
	v->converged = true;
	dcs_time_t now = dcs_now(L->w->k);
	v->last_conv_s = dcs_time_to_s(now - v->moved_at);
	DCS_EVENT_KEYED(L->w->res, now, "mac_move", L->w->scn->vms[vm].id,
			"every site of the L2 domain knows it at %s after %.6g ms",
			L->w->scn->sites[v->loc].id, v->last_conv_s * 1e3);
}

static void learn_event(struct dcs_kernel *k, void *ctx, const void *payload);
static void age_event(struct dcs_kernel *k, void *ctx, const void *payload);
static void repair_event(struct dcs_kernel *k, void *ctx, const void *payload);

static void learn_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct dcs_l2 *L = ctx;
	struct arrival a;
	memcpy(&a, payload, sizeof(a));
	struct l2_vm *v = &L->vms[a.vm];
	struct mac_entry *e = entry(L, a.vm, a.site);
	if (a.rule == RULE_SEQ && a.seq <= e->seq)
		return; /* an older move: the sequence number keeps the newest */
	if (a.site == v->loc)
		return; /* the VM's own frames keep its local entry */
	bool stale = a.move_id < e->best_move;
	e->loc = a.loc;
	if (a.seq > e->seq)
		e->seq = a.seq;
	if (!stale) {
		e->best_move = a.move_id;
		e->best_loc = a.loc;
	} else if (a.loc != v->loc) {
		v->regressions++;
		dcs_event(L->w->res, dcs_now(k), "mac_stale", L->w->scn->vms[a.vm].id,
			  "site %s went back to the older location %s", L->w->scn->sites[a.site].id,
			  L->w->scn->sites[a.loc].id);
		struct site_ref r = {a.vm, a.site};
		if (e->cls == PATH_CP) {
			/* The old edge withdraws once it hears the newer location; the
			 * withdraw follows the stale advertisement on the same path. */
			struct path_info to_old = path_info(L, v->loc, a.loc);
			struct path_info old_here = path_info(L, a.loc, a.site);
			dcs_time_t at = dcs_now(k);
			if (to_old.cls != PATH_NONE && old_here.cls != PATH_NONE) {
				dcs_time_t heard = v->moved_at + v->first_frame +
						   dcs_time_from_s(to_old.cp_s) + to_old.one_way;
				if (heard + old_here.one_way > at)
					at = heard + old_here.one_way;
				dcs_schedule(k, at, repair_event, L, &r, sizeof(r));
			}
		} else {
			dcs_schedule_in(k, dcs_time_from_s(DCS_L2_MAC_AGING_S), age_event, L, &r,
					sizeof(r));
		}
	}
	check_converged(L, a.vm);
}

/* An IS-IS withdraw from the old edge: fall back to the newest location heard. */
static void repair_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_l2 *L = ctx;
	struct site_ref r;
	memcpy(&r, payload, sizeof(r));
	struct mac_entry *e = entry(L, r.vm, r.site);
	e->loc = e->best_loc;
	check_converged(L, r.vm);
}

/* MAC ageing: a stale or never-learnt entry expires, unknown unicast floods,
 * and the VM's answer teaches the site its current location. */
static void age_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_l2 *L = ctx;
	struct site_ref r;
	memcpy(&r, payload, sizeof(r));
	struct mac_entry *e = entry(L, r.vm, r.site);
	struct l2_vm *v = &L->vms[r.vm];
	if (e->loc == v->loc || path_class(L, v->loc, r.site) == PATH_NONE)
		return;
	e->loc = v->loc;
	e->best_loc = v->loc;
	e->best_move = v->move_id;
	check_converged(L, r.vm);
}

static void schedule_arrival(struct dcs_l2 *L, int vm, int site, dcs_time_t delay, int rule)
{
	struct l2_vm *v = &L->vms[vm];
	struct arrival a = {vm, site, v->loc, v->move_id, v->seq, rule};
	dcs_schedule_in(L->w->k, delay, learn_event, L, &a, sizeof(a));
}

/* The destination edge has learnt the VM: control planes advertise it. */
static void originate_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_l2 *L = ctx;
	struct vm_ref r;
	memcpy(&r, payload, sizeof(r));
	struct l2_vm *v = &L->vms[r.vm];
	if (v->move_id != r.move_id)
		return; /* moved again: this edge no longer has it */
	for (int s = 0; s < L->n_sites; s++) {
		struct mac_entry *e = entry(L, r.vm, s);
		if (s == v->loc || !e->domain || e->cls != PATH_CP)
			continue;
		struct path_info pi = path_info(L, v->loc, s);
		if (pi.cls != PATH_CP)
			continue;
		schedule_arrival(L, r.vm, s, dcs_time_from_s(pi.cp_s) + pi.one_way,
				 pi.seq ? RULE_SEQ : RULE_LAST);
	}
}

/* The VM's stream for losses of its announcements, created on first use:
 * most VMs never cross a lossy flood-and-learn path, and a stream per VM of
 * a large evacuation would cost memory for nothing. */
static gsl_rng *mac_rng(struct dcs_l2 *L, int vm)
{
	struct l2_vm *v = &L->vms[vm];
	if (!v->rng) {
		char name[160];
		snprintf(name, sizeof(name), "l2/mac/%s", L->w->scn->vms[vm].id);
		v->rng = dcs_rng(L->w->k, name);
	}
	return v->rng;
}

/* Announcement round r.round: a broadcast that flood-and-learn sites learn
 * from, each copy lost with its path's loss. */
static void announce_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct dcs_l2 *L = ctx;
	struct vm_ref r;
	memcpy(&r, payload, sizeof(r));
	struct l2_vm *v = &L->vms[r.vm];
	if (v->move_id != r.move_id)
		return; /* the hypervisor that announced it has let it go */
	for (int s = 0; s < L->n_sites; s++) {
		struct mac_entry *e = entry(L, r.vm, s);
		if (s == v->loc || !e->domain || e->cls != PATH_FLOOD)
			continue;
		struct path_info pi = path_info(L, v->loc, s);
		if (pi.cls != PATH_FLOOD)
			continue;
		if (pi.loss > 0 && gsl_rng_uniform(mac_rng(L, r.vm)) < pi.loss)
			continue;
		e->sched_move = r.move_id;
		schedule_arrival(L, r.vm, s, pi.one_way, RULE_LAST);
	}
	if (r.round + 1 < DCS_L2_ANNOUNCE_ROUNDS) {
		struct vm_ref next = {r.vm, r.move_id, r.round + 1};
		dcs_schedule(k, v->moved_at + L->announce_at[r.round + 1], announce_event, L, &next,
			     sizeof(next));
		return;
	}
	/* Every copy lost: the stale entry ages out. */
	for (int s = 0; s < L->n_sites; s++) {
		struct mac_entry *e = entry(L, r.vm, s);
		if (s == v->loc || !e->domain || e->cls != PATH_FLOOD || e->sched_move == r.move_id)
			continue;
		struct site_ref a = {r.vm, s};
		dcs_schedule(k, v->moved_at + dcs_time_from_s(DCS_L2_MAC_AGING_S), age_event, L, &a,
			     sizeof(a));
	}
}

static void on_vm_moved(struct dcs_l2 *L, const struct dcs_note *n)
{
	struct dcs_kernel *k = L->w->k;
	int vm = n->index;
	struct l2_vm *v = &L->vms[vm];
	dcs_time_t now = dcs_now(k);
	v->loc = n->to;
	v->seq++;
	v->move_id++;
	v->n_moves++;
	v->moved_at = now;
	v->converged = false;
	v->last_conv_s = INFINITY;
	bool any_flood = false, any_cp = false, outside = false;
	for (int s = 0; s < L->n_sites; s++) {
		struct mac_entry *e = entry(L, vm, s);
		e->domain = false;
		e->cls = PATH_NONE;
		if (s == n->to) {
			e->domain = true;
			e->loc = n->to;
			e->seq = v->seq;
			e->best_move = v->move_id;
			e->best_loc = n->to;
			continue;
		}
		enum path_class cls = path_class(L, n->to, s);
		if (cls == PATH_NONE) {
			outside |= s == n->from && dcs_net_reachable(L->w->net, n->to, s);
			continue;
		}
		e->domain = true;
		e->cls = cls;
		any_flood |= cls == PATH_FLOOD;
		any_cp |= cls == PATH_CP;
	}
	if (outside && !v->warned_l3) {
		v->warned_l3 = true;
		dcs_warn(L->w->res, now, L->w->scn->vms[vm].id,
			 "moved from %s to %s over a routed-only (l3) path: its subnet is not "
			 "stretched, so its MAC and addresses are not carried",
			 L->w->scn->sites[n->from].id, L->w->scn->sites[n->to].id);
	}
	struct vm_ref r = {vm, v->move_id, 0};
	if (any_cp) {
		if (v->first_frame == 0)
			originate_event(k, L, &r);
		else
			dcs_schedule_in(k, v->first_frame, originate_event, L, &r, sizeof(r));
	}
	if (any_flood)
		dcs_schedule_in(k, L->announce_at[0], announce_event, L, &r, sizeof(r));
	check_converged(L, vm);
}

/* ---- failover ---- */

static void outage_end(struct dcs_l2 *L, int l, const char *how)
{
	struct l2_link *ll = &L->links[l];
	dcs_time_t now = dcs_now(L->w->k);
	double secs = dcs_time_to_s(now - ll->out_at);
	ll->out = false;
	ll->outage_s += secs;
	dcs_event(L->w->res, now, "l2_restored", L->w->scn->links[l].id,
		  "stretched VLANs carry again after %.6g s (%s)", secs, how);
}

/* A link stopped carrying: its stretched VLANs are out until it carries
 * again or routing finds another layer-2 path between its ends. */
static void on_link_state(struct dcs_l2 *L, const struct dcs_note *n)
{
	int l = n->index;
	struct l2_link *ll = &L->links[l];
	const struct dcs_link_cfg *c = &L->w->scn->links[l];
	const struct dcs_tech_info *t = dcs_tech(c->technology);
	struct dcs_net *net = L->w->net;
	dcs_time_t now = dcs_now(L->w->k);
	if (!t->l2_extension)
		return;
	bool carries = dcs_net_link_carries(net, l);
	if (carries && ll->out) {
		outage_end(L, l, "the link carries again");
		return;
	}
	if (carries || ll->out)
		return;
	ll->out = true;
	ll->out_at = now;
	if (n->up)
		dcs_event(L->w->res, now, "l2_failover", c->id,
			  "an underlay path is cut; %s stops for %.6g s (%s)", t->name,
			  dcs_net_cut_outage_s(net, l, true), t->detect_source);
	else {
		bool bfd;
		double det = dcs_net_link_detect_s(net, l, &bfd);
		dcs_event(L->w->res, now, "l2_outage", c->id,
			  "cut: %s carries nothing; detected after %.6g s (%s), rerouted %.6g s "
			  "later where another path joins %s and %s",
			  t->name, det, bfd ? "BFD" : t->detect_source,
			  dcs_net_cut_outage_s(net, l, false) - det, L->w->scn->sites[c->a].id,
			  L->w->scn->sites[c->b].id);
	}
}

/* After rerouting: a link that is out is bridged again when another
 * layer-2 path joins its ends. */
static void check_bridged(struct dcs_l2 *L)
{
	for (int l = 0; l < L->n_links; l++) {
		struct l2_link *ll = &L->links[l];
		if (!ll->out)
			continue;
		const struct dcs_link_cfg *c = &L->w->scn->links[l];
		if (dcs_net_link_carries(L->w->net, l))
			outage_end(L, l, "the link carries again");
		else if (path_class(L, c->a, c->b) != PATH_NONE)
			outage_end(L, l, "rerouted over another layer-2 path");
	}
}

static void on_note(void *ctx, const struct dcs_note *n)
{
	struct dcs_l2 *L = ctx;
	if (n->kind != DCS_NOTE_VM_MOVED)
		L->gen++; /* the kept paths are stale */
	switch (n->kind) {
	case DCS_NOTE_VM_MOVED:
		on_vm_moved(L, n);
		break;
	case DCS_NOTE_LINK_STATE:
		on_link_state(L, n);
		break;
	case DCS_NOTE_PATHS_CHANGED:
		check_bridged(L);
		bum_recompute(L);
		break;
	case DCS_NOTE_SITE_STATE:
		bum_recompute(L);
		break;
	default:
		break;
	}
}

/* ---- lifecycle ---- */

static void l2_destroy(void *state)
{
	struct dcs_l2 *L = state;
	if (!L)
		return;
	free(L->vms);
	free(L->mac);
	free(L->links);
	free(L->bum_pps);
	free(L->hop_links);
	free(L->hop_dirs);
	free(L->count);
	free(L->kept);
	free(L);
}

/* Sites joined by links of one full-mesh technology form one VPLS domain. */
static int find_root(int *parent, int x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

static int pseudowires(struct dcs_l2 *L)
{
	const struct dcs_scenario *scn = L->w->scn;
	int *parent = calloc((size_t)L->n_sites + 1, sizeof(int));
	int *size = calloc((size_t)L->n_sites + 1, sizeof(int));
	if (!parent || !size) {
		free(parent);
		free(size);
		return -1;
	}
	for (int t = 0; t < DCS_TECH_COUNT; t++) {
		if (!dcs_tech((enum dcs_tech)t)->full_mesh_pseudowires)
			continue;
		for (int s = 0; s < L->n_sites; s++)
			parent[s] = s;
		for (int l = 0; l < L->n_links; l++)
			if ((int)scn->links[l].technology == t)
				parent[find_root(parent, scn->links[l].a)] =
				    find_root(parent, scn->links[l].b);
		memset(size, 0, (size_t)L->n_sites * sizeof(int));
		for (int s = 0; s < L->n_sites; s++)
			size[find_root(parent, s)]++;
		for (int l = 0; l < L->n_links; l++)
			if ((int)scn->links[l].technology == t)
				L->links[l].pseudowires = dcs_l2_full_mesh_pseudowires(
				    size[find_root(parent, scn->links[l].a)]);
	}
	free(parent);
	free(size);
	return 0;
}

static int l2_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	if (scn->n_links == 0)
		return 0;
	struct dcs_l2 *L = calloc(1, sizeof(*L));
	if (!L)
		return -1;
	L->w = w;
	L->n_sites = (int)scn->n_sites;
	L->n_links = (int)scn->n_links;
	L->n_vms = (int)scn->n_vms;
	L->vms = calloc(scn->n_vms + 1, sizeof(*L->vms));
	L->mac = calloc(scn->n_vms * scn->n_sites + 1, sizeof(*L->mac));
	L->links = calloc(scn->n_links, sizeof(*L->links));
	L->bum_pps = calloc(scn->n_sites, sizeof(double));
	L->hop_links = calloc(scn->n_links + 1, sizeof(int));
	L->hop_dirs = calloc(scn->n_links + 1, sizeof(int));
	L->count = calloc(2 * scn->n_links, sizeof(int));
	L->kept = calloc(scn->n_sites * scn->n_sites + 1, sizeof(*L->kept));
	L->gen = 1;
	for (int r = 0; r < DCS_L2_ANNOUNCE_ROUNDS; r++)
		L->announce_at[r] = dcs_time_from_s(dcs_l2_announce_s(r));
	const char *check = getenv("DCISIM_NET_MEMO_CHECK");
	L->check = check && *check && strcmp(check, "0") != 0;
	if (!L->vms || !L->mac || !L->links || !L->bum_pps || !L->hop_links || !L->hop_dirs ||
	    !L->count || !L->kept || pseudowires(L) != 0)
		goto fail;
	for (size_t s = 0; s < scn->n_sites; s++)
		L->bum_pps[s] =
		    isnan(scn->sites[s].bum_pps) ? DCS_L2_BUM_PPS_DEFAULT : scn->sites[s].bum_pps;
	for (int vm = 0; vm < L->n_vms; vm++) {
		struct l2_vm *v = &L->vms[vm];
		v->loc = scn->vms[vm].site;
		v->seq = 1;
		v->last_conv_s = NAN;
		v->first_frame = dcs_time_from_s(dcs_l2_announce_s(0));
		for (size_t i = 0; i < scn->n_services; i++)
			if (scn->services[i].vm == vm)
				v->first_frame = 0;
		/* Before any move every site knows where the VM is. */
		for (int s = 0; s < L->n_sites; s++) {
			struct mac_entry *e = entry(L, vm, s);
			e->loc = v->loc;
			e->seq = 1;
			e->best_loc = v->loc;
			e->sched_move = -1;
		}
	}
	static const enum dcs_note_kind kinds[] = {DCS_NOTE_VM_MOVED, DCS_NOTE_LINK_STATE,
						   DCS_NOTE_SITE_STATE, DCS_NOTE_PATHS_CHANGED};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!dcs_bus_subscribe(w->bus, kinds[i], on_note, L))
			goto fail;
	*state = L;
	return 0;
fail:
	l2_destroy(L);
	return -1;
}

static void l2_start(struct dcs_world *w, void *state)
{
	struct dcs_l2 *L = state;
	L->bum_at = dcs_now(w->k);
	bum_recompute(L);
	for (int l = 0; l < L->n_links; l++)
		L->links[l].bum_nominal_Bps = L->links[l].bum_Bps[0] + L->links[l].bum_Bps[1];
}

static void l2_finish(struct dcs_world *w, void *state)
{
	struct dcs_l2 *L = state;
	const struct dcs_scenario *scn = w->scn;
	dcs_time_t now = dcs_now(w->k);
	bum_settle(L);
	for (int l = 0; l < L->n_links; l++) {
		const struct dcs_link_cfg *c = &scn->links[l];
		const struct dcs_tech_info *t = dcs_tech(c->technology);
		struct l2_link *ll = &L->links[l];
		dcs_summary_text(w->res, "l2_learning", c->id, t->learning, "");
		dcs_summary(w->res, "l2_bum_Bps", c->id, ll->bum_nominal_Bps, "B/s");
		dcs_summary(w->res, "l2_bum_bytes", c->id, ll->bum_bytes, "B");
		if (t->l2_extension) {
			double ow = dcs_link_cfg_one_way_us(c) / 1e6;
			double conv = t->control_plane ? dcs_l2_mac_update_s(c) + ow
						       : dcs_l2_flood_learn_expected_s(ow, c->loss);
			dcs_summary(w->res, "l2_mac_move_convergence_ms", c->id, conv * 1e3, "ms");
		}
		dcs_summary(w->res, "l2_failover_outage_s", c->id,
			    dcs_net_cut_outage_s(w->net, l, false), "s");
		if (c->underlay_paths > 1)
			dcs_summary(w->res, "l2_path_failover_s", c->id,
				    dcs_net_cut_outage_s(w->net, l, true), "s");
		double out = ll->outage_s;
		if (ll->out)
			out += dcs_time_to_s(now - ll->out_at);
		dcs_summary(w->res, "l2_outage_s", c->id, out, "s");
		dcs_summary(w->res, "l2_pseudowires", c->id, (double)ll->pseudowires, "count");
	}
	static const struct dcs_summary_key conv =
	    DCS_SUMMARY_KEY("l2_mac_move_convergence_ms", "ms");
	for (int vm = 0; vm < L->n_vms; vm++) {
		const struct l2_vm *v = &L->vms[vm];
		if (v->n_moves == 0)
			continue;
		dcs_summary_keyed(w->res, &conv, scn->vms[vm].id, v->last_conv_s * 1e3);
		if (v->regressions > 0)
			dcs_summary(w->res, "l2_mac_stale_relearns", scn->vms[vm].id,
				    (double)v->regressions, "count");
	}
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def l2_metrics[] = {
    {"l2_learning", "", DCS_BETTER_NEUTRAL, DCS_METRIC_LABEL,
     "how the technology learns MAC addresses: data-plane flooding or a control plane"},
    {"l2_bum_Bps", "B/s", DCS_BETTER_LOWER, DCS_METRIC_DESIGN,
     "broadcast, unknown-unicast and multicast traffic crossing the DCI, nominal rate"},
    {"l2_bum_bytes", "B", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "broadcast, unknown-unicast and multicast bytes that crossed the DCI in the run"},
    {"l2_mac_move_convergence_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "time after a VM moves until every site of the layer-2 domain knows its new place"},
    {"l2_failover_outage_s", "s", DCS_BETTER_LOWER, DCS_METRIC_DESIGN,
     "nominal outage of stretched VLANs when the link is cut and a detour exists: detection + IGP"},
    {"l2_path_failover_s", "s", DCS_BETTER_LOWER, DCS_METRIC_DESIGN,
     "nominal outage when one of the link's underlay paths fails: protection, or underlay BFD + "
     "IGP"},
    {"l2_outage_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds stretched VLANs had no layer-2 path across the link"},
    {"l2_pseudowires", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_COUNT,
     "pseudowires a VPLS full mesh needs between the sites"},
    {"l2_mac_stale_relearns", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times a site went back to a VM's older location (stale MAC entry)"},
};

static const struct dcs_event_def l2_events[] = {
    {"events.csv", "mac_move", DCS_SEV_INFO, "a moved VM's MAC address is known everywhere"},
    {"events.csv", "mac_stale", DCS_SEV_WARNING, "a site learned a VM's older location again"},
    {"events.csv", "l2_failover", DCS_SEV_WARNING,
     "an underlay path failed: stretched VLANs stop while protection or the underlay reconverges"},
    {"events.csv", "l2_outage", DCS_SEV_FAILURE,
     "the link is cut: stretched VLANs stop until detection and reroute, or until it returns"},
    {"events.csv", "l2_restored", DCS_SEV_GOOD, "stretched VLANs are joined again"},
};

static const struct dcs_metric_family l2_family = {
    .producer = "l2",
    .metrics = l2_metrics,
    .n_metrics = sizeof(l2_metrics) / sizeof(l2_metrics[0]),
    .events = l2_events,
    .n_events = sizeof(l2_events) / sizeof(l2_events[0]),
};

/* After a move, announcements over a flood-and-learn path with loss are
 * lost at random. */
static const char *l2_randomness(const struct dcs_scenario *scn)
{
	bool flood = false;
	for (size_t l = 0; l < scn->n_links; l++) {
		const struct dcs_tech_info *t = dcs_tech(scn->links[l].technology);
		flood |= t->l2_extension && !t->control_plane;
	}
	return scn->n_migrations > 0 && flood && dcs_scenario_has_loss(scn)
		   ? "MAC announcements lost on a lossy flood-and-learn path"
		   : NULL;
}

const struct dcs_model_ops dcs_model_l2 = {
    .name = "l2",
    .create = l2_create,
    .start = l2_start,
    .finish = l2_finish,
    .destroy = l2_destroy,
    .metrics = &l2_family,
    .randomness = l2_randomness,
};

/* ---- views ---- */

struct dcs_l2 *dcs_l2_of(struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (dcs_models[i] == &dcs_model_l2)
			return w->model_state[i];
	return NULL;
}

int dcs_l2_mac_location(const struct dcs_l2 *l2, int vm, int site)
{
	return l2->mac[(size_t)vm * l2->n_sites + site].loc;
}

int dcs_l2_mac_regressions(const struct dcs_l2 *l2, int vm)
{
	return l2->vms[vm].regressions;
}

double dcs_l2_last_move_convergence_s(const struct dcs_l2 *l2, int vm)
{
	return l2->vms[vm].last_conv_s;
}

double dcs_l2_bum_Bps(const struct dcs_l2 *l2, int link)
{
	return l2->links[link].bum_Bps[0] + l2->links[link].bum_Bps[1];
}

double dcs_l2_outage_s(const struct dcs_l2 *l2, int link)
{
	return l2->links[link].outage_s;
}
