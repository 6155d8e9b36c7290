/* The flow API of the flow-level network: taking a flow out, its completion event,
 * starting and stopping flows, changing their load, and the queries on a flow (rate,
 * bytes, limits, RTT) and on a link direction's traffic. */

#include "net_internal.h"

#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

void net_flow_link(struct dcs_net *net, struct dcs_flow *f)
{
	f->serial = ++net->serial;
	f->next = NULL;
	f->prev = net->tail;
	if (net->tail)
		net->tail->next = f;
	else
		net->head = f;
	net->tail = f;
	net->n_flows++;
}

void net_flow_unlink(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		net->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		net->tail = f->prev;
	net->n_flows--;
}

/* Takes a flow (or a group) out of the network's lists; its former
 * directions go to *dirs. */
int net_flow_remove(struct dcs_net *net, struct dcs_flow *f, int *dirs)
{
	int n = f->ntouch;
	memcpy(dirs, f->touch, (size_t)n * sizeof(int));
	net_heap_remove(net, f);
	net_nq_remove(net, f);
	net_touch_clear(net, f);
	net_flow_unlink(net, f);
	if (f->is_group)
		net_group_forget(net, f);
	return n;
}

/* Flows kept for reuse: up to 1 MiB of them with their path arrays (the
 * transfers in flight at once, in the usual case).  None under
 * AddressSanitizer, which should see every use of a freed flow. */
#if defined(__SANITIZE_ADDRESS__)
#define POOL_BYTES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_BYTES 0
#endif
#endif
#ifndef POOL_BYTES
#define POOL_BYTES (1u << 20)
#endif

void net_flow_free(struct dcs_flow *f)
{
	struct dcs_net *net = f->net;
	free(f->mh);
#if POOL_BYTES > 0
	size_t each = sizeof(*f) + 6 * ((size_t)net->n_links + 1) * sizeof(int);
	if ((net->npool + 1) * each <= POOL_BYTES) {
		f->next = net->pool;
		net->pool = f;
		net->npool++;
		return;
	}
#else
	(void)net;
#endif
	free(f->links);
	free(f);
}

void net_flow_pool_free(struct dcs_net *net)
{
	while (net->pool) {
		struct dcs_flow *f = net->pool;
		net->pool = f->next;
		free(f->links);
		free(f);
	}
	net->npool = 0;
}

/* A flow or group leaves the network (freed with free_it): the others on its
 * former directions take up its capacity. */
static void remove_and_solve(struct dcs_net *net, struct dcs_flow *f, bool free_it)
{
	int stack[32];
	int *dirs = f->ntouch < 32
			? stack
			: dcs_xmalloc(((size_t)f->ntouch + 1) * sizeof(int), "ending a flow");
	int n = net_flow_remove(net, f, dirs);
	if (free_it)
		net_flow_free(f);
	net_update_around(net, NULL, dirs, n);
	if (dirs != stack)
		free(dirs);
}

/* A member of grp finished or stopped (net_group_leave has taken it out):
 * the group is solved again with one member fewer, or leaves with the
 * last one. */
static void after_member(struct dcs_net *net, struct dcs_flow *grp)
{
	if (grp->nmemb > 0) {
		net_heap_remove(net, grp); /* its first completion may have changed */
		net_update_around(net, grp, NULL, 0);
		return;
	}
	remove_and_solve(net, grp, true);
}

/* The first completion is due: that flow is done. */
void net_done_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct dcs_net *net = ctx;
	net->done_ev = 0;
	net->armed = NULL;
	if (!net->nheap)
		return;
	struct dcs_flow *f = net->heap[0];
	if (f->nmemb > 0) {
		/* A group's first member is done. */
		struct dcs_flow *grp = f;
		f = net_group_pop(net, grp);
		after_member(net, grp);
	} else {
		net_settle_flow(net, f);
		f->sent = f->spec.bytes;
		/* Others take up the freed capacity before the owner reacts. */
		remove_and_solve(net, f, false);
	}
	net_arm(net);
	if (f->spec.on_done)
		f->spec.on_done(f->spec.ctx, f);
	net_flow_free(f);
}

/* A flow (or group) with room for a path of every link, settled to now, in
 * no list yet.  Never NULL: flows start in the middle of an event (xalloc.h). */
struct dcs_flow *net_flow_alloc(struct dcs_net *net, const struct dcs_flow_spec *spec)
{
	size_t slots = (size_t)net->n_links + 1;
	struct dcs_flow *f = net->pool;
	if (f) {
		/* As new: zeroed, its path arrays too. */
		net->pool = f->next;
		net->npool--;
		int *links = f->links;
		memset(f, 0, sizeof(*f));
		memset(links, 0, 6 * slots * sizeof(int));
		f->links = links;
	} else {
		f = dcs_xcalloc(1, sizeof(*f), "starting a flow");
		f->links = dcs_xcalloc(6 * slots, sizeof(int), "starting a flow");
	}
	f->dirs = f->links + slots;
	f->rev_links = f->links + 2 * slots;
	f->rev_dirs = f->links + 3 * slots;
	f->touch = f->links + 4 * slots;
	f->net = net;
	f->spec = *spec;
	f->heap_i = -1;
	f->t_set = dcs_now(net->k);
	return f;
}

struct dcs_flow *dcs_flow_start(struct dcs_net *net, const struct dcs_flow_spec *spec)
{
	struct dcs_flow *f = net_flow_alloc(net, spec);
	if (f->spec.streams < 1)
		f->spec.streams = 1;
	net_flow_link(net, f);
	if (f->spec.key == 0)
		f->spec.key = f->serial;
	net_assign_path(net, f);
	if (net_group_try_join(net, f))
		return f;
	net_component(net, f, NULL, 0);
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->old_stalled = net->cf[i]->stalled;
	f->old_stalled = false; /* a flow born without a path is told it stalled */
	net_solve(net);
	net_after_solve(net, true);
	return f;
}

void dcs_flow_stop(struct dcs_net *net, struct dcs_flow *f)
{
	if (!f)
		return;
	if (f->grp) {
		struct dcs_flow *grp = f->grp;
		net_group_leave(net, f, false);
		net_flow_free(f);
		after_member(net, grp);
		return;
	}
	net_settle_flow(net, f);
	remove_and_solve(net, f, true);
}

void dcs_flow_set_load(struct dcs_net *net, struct dcs_flow *f, double demand_Bps, bool offered)
{
	if (f->spec.demand_Bps == demand_Bps && f->spec.offered == offered)
		return;
	if (f->grp) {
		/* No longer like the others: on its own again. */
		struct dcs_flow *grp = f->grp;
		net_group_leave(net, f, true);
		net_heap_remove(net, grp);
		if (grp->nmemb == 0) {
			int *dirs =
			    dcs_xmalloc(((size_t)grp->ntouch + 1) * sizeof(int), "ending a group");
			int n = net_flow_remove(net, grp, dirs);
			net_flow_free(grp);
			free(dirs); /* f crosses the same directions: its solve covers them */
			(void)n;
		}
	}
	net_settle_flow(net, f);
	f->spec.demand_Bps = demand_Bps;
	f->spec.offered = offered;
	net_update_around(net, f, NULL, 0);
}

void dcs_flow_set_demand(struct dcs_net *net, struct dcs_flow *f, double demand_Bps)
{
	dcs_flow_set_load(net, f, demand_Bps, f->spec.offered);
}

double dcs_flow_rate_Bps(const struct dcs_flow *f)
{
	return net_solved(f)->rate;
}

double dcs_flow_sent(struct dcs_net *net, struct dcs_flow *f)
{
	net_settle_links(net);
	if (f->grp)
		return net_member_sent(net, f);
	net_settle_flow(net, f);
	return f->sent;
}

double dcs_flow_remaining(struct dcs_net *net, struct dcs_flow *f)
{
	return f->spec.bytes - dcs_flow_sent(net, f);
}

bool dcs_flow_stalled(const struct dcs_flow *f)
{
	return net_solved(f)->stalled;
}

enum dcs_limit dcs_flow_limited_by(const struct dcs_flow *f)
{
	return net_solved(f)->limit;
}

int dcs_flow_bottleneck(const struct dcs_flow *f)
{
	const struct dcs_flow *s = net_solved(f);
	return s->limit == DCS_LIMIT_LINK_SHARE ? s->bott : -1;
}

/* Bytes f moved under limit l, as of its (or its group's) last settling. */
static double limit_bytes(const struct dcs_flow *f, int l)
{
	return f->grp ? f->lim0[l] + f->grp->by_limit[l] : f->by_limit[l];
}

enum dcs_limit dcs_flow_main_limit(const struct dcs_flow *f)
{
	enum dcs_limit best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++)
		if (limit_bytes(f, l) > most) {
			most = limit_bytes(f, l);
			best = (enum dcs_limit)l;
		}
	return best;
}

double dcs_flow_limit_bytes(struct dcs_net *net, struct dcs_flow *f, enum dcs_limit l)
{
	net_settle_links(net);
	net_settle_flow(net, f->grp ? f->grp : f);
	return limit_bytes(f, l);
}

dcs_time_t dcs_flow_rtt(const struct dcs_net *net, const struct dcs_flow *f)
{
	(void)net;
	return net_solved(f)->rtt;
}

size_t dcs_net_active_flows(const struct dcs_net *net)
{
	return net->n_flows - net->n_groups + net->n_members;
}

double dcs_net_link_bytes(struct dcs_net *net, int link, int dir)
{
	net_settle_links(net);
	return net->ls[link].bytes[dir];
}

int dcs_net_link_flows(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].nflows[dir];
}

double dcs_net_link_rate_Bps(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].rate_sum[dir];
}

double dcs_net_link_queue_s(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].q[dir].mean_s;
}

double dcs_net_link_queue_now_s(const struct dcs_net *net, int link, int dir)
{
	return net_queue_instant(&net->ls[link], dir, dcs_now(net->k));
}

double dcs_net_link_drops_pps(const struct dcs_net *net, int link, int dir)
{
	return net->ls[link].q[dir].drops_pps;
}

double dcs_net_link_buffer_bytes(const struct dcs_net *net, int link)
{
	return net->ls[link].buffer_bytes;
}
