/* Groups of the flow-level network: many flows the solver cannot tell apart (the same
 * paths both ways, streams, window, demand, offered or elastic) solved as one entry.
 * The transfers of an evacuation over one link are such flows; as a group, a start or
 * an end costs the solver the same whatever the number of transfers in flight.
 *
 * A group is a flow of its own in the solver's lists, counted as many times as it has
 * members (net_solve.c).  Its rate is each member's rate and its byte count (`sent`,
 * settled lazily like any flow's) is what each member has moved since the group
 * began: the group's virtual time.  A member that joined when the group had moved v
 * bytes, having moved s of its own, completes when the group reaches v - s + bytes;
 * the members wait in the group's heap by that figure, and only the first of them is
 * in the network's heap of completions (net_completions.c).  Its bytes under each
 * limit are the group's plus what it had when it joined.
 *
 * A group forms when a flow starts beside at least NET_GROUP_MIN - 1 flows identical
 * to it on its path, and later identical flows join it at their start.  A member whose
 * demand changes leaves it; a change of routing or of a link ends every group (ECMP
 * may part the members), and they form again at later starts.  Sums over a group's
 * members are products (net_add_n: over 16 flows), so figures can move in the last
 * bits and a completion by a nanosecond compared with flows on their own. */

#include "net_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

#define GTAB_N (sizeof(((struct dcs_net *)0)->gtab) / sizeof(((struct dcs_net *)0)->gtab[0]))

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 1099511628211ULL;
	return h;
}

static uint64_t dbits(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof(b));
	return b;
}

/* A hash of what net_solve_same() compares. */
static size_t bucket(const struct dcs_flow *f)
{
	uint64_t h = 1469598103934665603ULL;
	h = mix(h, f->path_id);
	h = mix(h, (uint64_t)f->spec.streams);
	h = mix(h, dbits(f->spec.window_bytes));
	h = mix(h, dbits(f->spec.demand_Bps));
	h = mix(h, f->spec.offered);
	h = mix(h, (uint64_t)f->path_mss);
	h = mix(h, dbits(f->path_loss));
	h = mix(h, (uint64_t)f->rtt_base);
	return (size_t)(h ^ (h >> 29)) % GTAB_N;
}

static struct dcs_flow *group_find(struct dcs_net *net, const struct dcs_flow *f)
{
	for (struct dcs_flow *g = net->gtab[bucket(f)]; g; g = g->gnext)
		if (net_solve_same(g, f))
			return g;
	return NULL;
}

void net_group_forget(struct dcs_net *net, struct dcs_flow *grp)
{
	struct dcs_flow **p = &net->gtab[bucket(grp)];
	while (*p && *p != grp)
		p = &(*p)->gnext;
	if (*p) {
		*p = grp->gnext;
		net->n_groups--;
	}
	grp->gnext = NULL;
}

/* ---- the members' heap, by (fin, serial) ---- */

static bool mh_before(const struct dcs_flow *a, const struct dcs_flow *b)
{
	return a->fin < b->fin || (a->fin == b->fin && a->serial < b->serial);
}

static void mh_put(struct dcs_flow *grp, size_t i, struct dcs_flow *g)
{
	grp->mh[i] = g;
	g->heap_i = (int)i;
}

static void mh_up(struct dcs_flow *grp, size_t i)
{
	struct dcs_flow *g = grp->mh[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!mh_before(g, grp->mh[p]))
			break;
		mh_put(grp, i, grp->mh[p]);
		i = p;
	}
	mh_put(grp, i, g);
}

static void mh_down(struct dcs_flow *grp, size_t i)
{
	size_t n = (size_t)grp->nmemb;
	struct dcs_flow *g = grp->mh[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && mh_before(grp->mh[c + 1], grp->mh[c]))
			c++;
		if (!mh_before(grp->mh[c], g))
			break;
		mh_put(grp, i, grp->mh[c]);
		i = c;
	}
	mh_put(grp, i, g);
}

/* ---- joining and leaving ---- */

/* g, a plain flow that has moved `sent` bytes (settled to now), becomes a
 * member of grp (settled to now). */
static void member_add(struct dcs_net *net, struct dcs_flow *grp, struct dcs_flow *g)
{
	g->grp = grp;
	g->v0 = grp->sent - g->sent;
	g->fin = g->v0 + g->spec.bytes;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		g->lim0[l] = g->by_limit[l] - grp->by_limit[l];
	if ((size_t)grp->nmemb == grp->capmh) {
		size_t cap = grp->capmh ? 2 * grp->capmh : 32;
		grp->mh = dcs_xrealloc(grp->mh, cap * sizeof(*grp->mh), "grouping flows");
		grp->capmh = cap;
	}
	mh_put(grp, (size_t)grp->nmemb, g);
	grp->nmemb++;
	mh_up(grp, (size_t)grp->nmemb - 1);
	net->n_members++;
}

/* Takes a plain flow out of the solver's lists (it is about to join a group). */
static void plain_out(struct dcs_net *net, struct dcs_flow *g)
{
	net_settle_flow(net, g);
	net_heap_remove(net, g);
	net_touch_clear(net, g);
	net_flow_unlink(net, g);
}

/* A new group with f's paths and load, empty, settled to now. */
static struct dcs_flow *group_create(struct dcs_net *net, const struct dcs_flow *f)
{
	static const char label[] = "group";
	struct dcs_flow_spec spec = f->spec;
	spec.bytes = INFINITY;
	spec.on_done = NULL;
	spec.on_stall = NULL;
	spec.ctx = NULL;
	spec.label = label;
	struct dcs_flow *grp = net_flow_alloc(net, &spec);
	grp->nhops = f->nhops;
	grp->nrev = f->nrev;
	memcpy(grp->links, f->links, (size_t)f->nhops * sizeof(int));
	memcpy(grp->dirs, f->dirs, (size_t)f->nhops * sizeof(int));
	memcpy(grp->rev_links, f->rev_links, (size_t)f->nrev * sizeof(int));
	memcpy(grp->rev_dirs, f->rev_dirs, (size_t)f->nrev * sizeof(int));
	grp->rtt_base = f->rtt_base;
	grp->rtt_s = f->rtt_s;
	grp->path_loss = f->path_loss;
	grp->path_mss = f->path_mss;
	grp->is_group = true;
	net_flow_link(net, grp);
	net_touch_path(net, grp);
	size_t b = bucket(grp);
	grp->gnext = net->gtab[b];
	net->gtab[b] = grp;
	net->n_groups++;
	return grp;
}

/* f has just started (linked and routed): it joins the group of flows like
 * it, or forms one with the plain flows like it on its path when there are
 * enough of them.  True when f is now a member (and the network is solved). */
bool net_group_try_join(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->stalled || f->nhops == 0)
		return false;
	struct dcs_flow *grp = group_find(net, f);
	if (!grp) {
		/* Plain flows like f cross its first direction: count them there. */
		const struct dirq *q = net_dirq(net, f->touch[0]);
		if (q->nfl < NET_GROUP_MIN)
			return false; /* f and too few others there to count */
		int like = 0;
		for (int i = 0; i < q->nfl; i++)
			like += q->fl[i] != f && !q->fl[i]->is_group && net_solve_same(q->fl[i], f);
		if (like + 1 < NET_GROUP_MIN)
			return false;
		grp = group_create(net, f);
		/* Copy the list: plain_out() edits it.  They keep their start order. */
		struct dcs_flow **like_f =
		    dcs_xmalloc((size_t)like * sizeof(*like_f), "grouping flows");
		int n = 0;
		for (int i = 0; i < q->nfl; i++)
			if (q->fl[i] != f && !q->fl[i]->is_group && net_solve_same(q->fl[i], f))
				like_f[n++] = q->fl[i];
		for (int i = 0; i < n; i++) {
			if (i == 0) /* the group has their figures until it is solved */
				net_copy_solved(grp, like_f[0]);
			plain_out(net, like_f[i]);
			member_add(net, grp, like_f[i]);
		}
		free(like_f);
	} else {
		net_settle_flow(net, grp);
	}
	plain_out(net, f);
	member_add(net, grp, f);
	net_heap_remove(net, grp); /* its first completion may have changed */
	net_update_around(net, grp, NULL, 0);
	return true;
}

/* g leaves its group (settled to now, with its bytes and limits and the
 * group's figures); with keep it goes on as a plain flow, else it is done
 * or stopped.  The caller solves the group (or removes it when empty). */
void net_group_leave(struct dcs_net *net, struct dcs_flow *g, bool keep)
{
	struct dcs_flow *grp = g->grp;
	net_settle_flow(net, grp);
	size_t i = (size_t)g->heap_i;
	grp->nmemb--;
	net->n_members--;
	if (i < (size_t)grp->nmemb) {
		struct dcs_flow *last = grp->mh[grp->nmemb];
		mh_put(grp, i, last);
		mh_up(grp, i);
		if (last->heap_i == (int)i)
			mh_down(grp, i);
	}
	double moved = grp->sent - g->v0;
	g->sent = moved < g->spec.bytes ? moved : g->spec.bytes;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		g->by_limit[l] = g->lim0[l] + grp->by_limit[l];
	/* The group moves on past a member's last byte within the nanosecond
	 * its completion is rounded to: not the member's. */
	if (moved > g->sent) {
		double over = moved - g->sent;
		g->by_limit[grp->limit] =
		    g->by_limit[grp->limit] > over ? g->by_limit[grp->limit] - over : 0;
	}
	net_copy_solved(g, grp);
	g->stalled = grp->stalled;
	g->grp = NULL;
	g->heap_i = -1;
	g->t_set = dcs_now(net->k);
	if (keep) {
		net_flow_link(net, g);
		net_touch_path(net, g);
	}
}

/* The group's first member to complete, taken out, done: its bytes all moved. */
struct dcs_flow *net_group_pop(struct dcs_net *net, struct dcs_flow *grp)
{
	struct dcs_flow *g = grp->mh[0];
	net_group_leave(net, g, false);
	g->sent = g->spec.bytes;
	return g;
}

/* Every group ends: its members go on as plain flows, in start order. */
void net_group_dissolve_all(struct dcs_net *net)
{
	for (size_t b = 0; b < GTAB_N; b++)
		while (net->gtab[b]) {
			struct dcs_flow *grp = net->gtab[b];
			size_t n = (size_t)grp->nmemb;
			struct dcs_flow **m = dcs_xmalloc((n + 1) * sizeof(*m), "ending a group");
			memcpy(m, grp->mh, n * sizeof(*m));
			/* Members in start order: the order they go back in. */
			for (size_t i = 1; i < n; i++)
				for (size_t j = i; j > 0 && m[j]->serial < m[j - 1]->serial; j--) {
					struct dcs_flow *t = m[j];
					m[j] = m[j - 1];
					m[j - 1] = t;
				}
			for (size_t i = 0; i < n; i++)
				net_group_leave(net, m[i], true);
			free(m);
			int *dirs =
			    dcs_xmalloc(((size_t)grp->ntouch + 1) * sizeof(int), "ending a group");
			net_flow_remove(net, grp, dirs); /* forgets it in gtab too */
			free(dirs);
			net_flow_free(grp);
		}
}

/* The group stalled or resumed: each member's owner hears it. */
void net_group_notify_stall(struct dcs_net *net, struct dcs_flow *grp)
{
	for (int i = 0; i < grp->nmemb; i++) {
		struct dcs_flow *g = grp->mh[i];
		g->stalled = grp->stalled;
		if (g->spec.on_stall) {
			g->notify = !g->notify;
			net_nq_push(net, g);
		}
	}
}

/* A member's bytes now. */
double net_member_sent(struct dcs_net *net, struct dcs_flow *g)
{
	net_settle_flow(net, g->grp);
	double s = g->grp->sent - g->v0;
	return s < 0 ? 0 : s < g->spec.bytes ? s : g->spec.bytes;
}
