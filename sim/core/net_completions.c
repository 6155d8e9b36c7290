/* Bytes and completions of the flow-level network: flows' and links' byte counts
 * kept lazily and settled on demand, and the pending completions in one binary heap
 * behind one kernel event. */

#include "net_internal.h"

#include <math.h>

#include "dcisim/xalloc.h"

/* ---- bytes, kept lazily ---- */

/* Brings a flow's byte count to now: bytes move at its rate since t_set.
 * Called before its rate or limit changes, and when someone asks. */
void net_settle_flow(struct dcs_net *net, struct dcs_flow *f)
{
	net_settle_flow_at(f, dcs_now(net->k));
}

/* Brings every link direction's traffic integral to now.  Links are few, so
 * they are all settled at every change and every question about bytes: the
 * sums are split at the same instants whatever component changed, as a
 * solve of the whole network splits them. */
void net_settle_links(struct dcs_net *net)
{
	dcs_time_t now = dcs_now(net->k);
	double dt = dcs_time_to_s(now - net->links_at);
	net->links_at = now;
	if (dt <= 0)
		return;
	for (int l = 0; l < net->n_links; l++)
		for (int d = 0; d < 2; d++)
			net->ls[l].bytes[d] += net->ls[l].rate_sum[d] * dt;
}

/* ---- the completions: one heap, one kernel event ---- */

static bool heap_before(const struct dcs_flow *a, const struct dcs_flow *b)
{
	return a->done_at < b->done_at || (a->done_at == b->done_at && a->done_seq < b->done_seq);
}

static void heap_put(struct dcs_net *net, size_t i, struct dcs_flow *f)
{
	net->heap[i] = f;
	f->heap_i = (int)i;
}

static void heap_up(struct dcs_net *net, size_t i)
{
	struct dcs_flow *f = net->heap[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_before(f, net->heap[p]))
			break;
		heap_put(net, i, net->heap[p]);
		i = p;
	}
	heap_put(net, i, f);
}

static void heap_down(struct dcs_net *net, size_t i)
{
	struct dcs_flow *f = net->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= net->nheap)
			break;
		if (c + 1 < net->nheap && heap_before(net->heap[c + 1], net->heap[c]))
			c++;
		if (!heap_before(net->heap[c], f))
			break;
		heap_put(net, i, net->heap[c]);
		i = c;
	}
	heap_put(net, i, f);
}

void net_heap_remove(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->heap_i < 0)
		return;
	size_t i = (size_t)f->heap_i;
	f->heap_i = -1;
	struct dcs_flow *last = net->heap[--net->nheap];
	if (last == f)
		return;
	heap_put(net, i, last);
	heap_up(net, i);
	heap_down(net, (size_t)last->heap_i);
}

static void heap_insert_last(struct dcs_net *net, struct dcs_flow *f)
{
	if (net->nheap == net->capheap) {
		size_t cap = net->capheap ? 2 * net->capheap : 64;
		net->heap = dcs_xrealloc(net->heap, cap * sizeof(*net->heap),
					 "scheduling a flow's completion");
		net->capheap = cap;
	}
	heap_put(net, net->nheap++, f);
}

static void heap_insert(struct dcs_net *net, struct dcs_flow *f)
{
	heap_insert_last(net, f);
	heap_up(net, net->nheap - 1);
}

/* The flow's completion from its bytes left and its rate: the first
 * nanosecond by which the last byte has moved.  Each recomputation takes a
 * new sequence number, so equal completions run in the order the kernel
 * would have run one event per flow.  False when it never completes. */
static bool done_key(struct dcs_net *net, struct dcs_flow *f, dcs_time_t now)
{
	/* A group completes its first member: at that member's virtual time. */
	double bytes = f->nmemb > 0 ? f->mh[0]->fin : f->spec.bytes;
	if (!isfinite(bytes) || f->rate <= 0)
		return false;
	double left = bytes - f->sent;
	if (left < 0)
		left = 0;
	double ns = ceil(left / f->rate * 1e9);
	/* A trickle that would end beyond the representable future never ends. */
	if (!(ns < 9e18 - (double)now))
		return false;
	f->done_at = now + (dcs_time_t)ns;
	f->done_seq = ++net->seq;
	return true;
}

void net_schedule_done(struct dcs_net *net, struct dcs_flow *f)
{
	net_heap_remove(net, f);
	if (done_key(net, f, dcs_now(net->k)))
		heap_insert(net, f);
}

/* The same for many flows at once (a shared link reshared): new keys in
 * place, then the heap rebuilt bottom-up in O(heap) instead of one
 * O(log heap) move per flow.  The order of the keys is total, so the heap
 * yields the same flows in the same order either way. */
void net_schedule_many(struct dcs_net *net)
{
	bool gaps = false; /* a flow left the heap: its slot to close */
	dcs_time_t now = dcs_now(net->k);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->rate == f->old_rate && f->heap_i >= 0)
			continue;
		bool has = done_key(net, f, now);
		if (has && f->heap_i < 0) {
			heap_insert_last(net, f);
		} else if (!has && f->heap_i >= 0) {
			net->heap[f->heap_i] = NULL;
			f->heap_i = -1;
			gaps = true;
		}
	}
	size_t n = net->nheap;
	if (gaps) {
		n = 0;
		for (size_t i = 0; i < net->nheap; i++)
			if (net->heap[i])
				heap_put(net, n++, net->heap[i]);
		net->nheap = n;
	}
	for (size_t i = n / 2; i-- > 0;)
		heap_down(net, i);
}

/* Keeps the one kernel event at the first completion. */
void net_arm(struct dcs_net *net)
{
	struct dcs_flow *top = net->nheap ? net->heap[0] : NULL;
	/* The completions behind the one event count as pending events. */
	size_t held = net->nheap ? net->nheap - 1 : 0;
	dcs_kernel_hold(net->k, net->held, held);
	net->held = held;
	if (net->done_ev && top == net->armed && top && top->done_at == net->armed_at)
		return;
	if (net->done_ev)
		dcs_cancel(net->k, net->done_ev);
	net->done_ev = 0;
	net->armed = top;
	if (!top)
		return;
	net->armed_at = top->done_at;
	net->done_ev = dcs_schedule(net->k, top->done_at, net_done_event, net, NULL, 0);
}
