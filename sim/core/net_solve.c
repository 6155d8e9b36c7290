/* The incremental solver of the flow-level network: the directions each flow touches,
 * the component around a change, solving a component to its fixed point of shares and
 * queues, the bookkeeping after a solve (completions, owners to tell), and the whole-
 * network and per-flow updates. */

#include "net_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/xalloc.h"

/* The fixed point stops when no queue moves by more than this. */
#define SOLVE_TOL_S 1e-12

/* ---- paths and components ---- */

/* Lists f in every direction its path or its ACK path crosses. */
static void touch_add(struct dcs_net *net, struct dcs_flow *f, int r)
{
	for (int k = 0; k < f->ntouch; k++)
		if (f->touch[k] == r)
			return; /* once per direction */
	struct dirq *q = net_dirq(net, r);
	if (q->nfl == q->capfl) {
		int cap = q->capfl ? 2 * q->capfl : 8;
		q->fl =
		    dcs_xrealloc(q->fl, (size_t)cap * sizeof(*q->fl), "listing a flow on a link");
		q->capfl = cap;
	}
	f->touch[f->ntouch] = r;
	f->ntouch++;
	q->unordered |= q->nfl > 0 && q->fl[q->nfl - 1]->serial > f->serial;
	q->fl[q->nfl++] = f;
}

/* Counts f (+1) or no longer (-1) in the nwide of its directions when it
 * crosses more than one link. */
static void wide_count(struct dcs_net *net, struct dcs_flow *f, int by)
{
	if (by > 0) {
		f->wide = false;
		for (int k = 1; k < f->ntouch; k++)
			f->wide = f->wide || f->touch[k] >> 1 != f->touch[0] >> 1;
	}
	if (!f->wide)
		return;
	for (int k = 0; k < f->ntouch; k++)
		net_dirq(net, f->touch[k])->nwide += by;
	if (by < 0)
		f->wide = false;
}

/* Removes f from its directions' lists, keeping them in start order: the
 * solver sums over them, and the same flows must give the same sums however
 * the lists were reached. */
void net_touch_clear(struct dcs_net *net, struct dcs_flow *f)
{
	wide_count(net, f, -1);
	for (int k = 0; k < f->ntouch; k++) {
		struct dirq *q = net_dirq(net, f->touch[k]);
		int i = 0;
		while (q->fl[i] != f)
			i++;
		q->nfl--;
		memmove(&q->fl[i], &q->fl[i + 1], (size_t)(q->nfl - i) * sizeof(q->fl[0]));
		q->unordered = q->unordered && q->nfl > 0;
	}
	f->ntouch = 0;
}

/* ---- interned paths: one id per distinct (path, ACK path) ---- */

static void path_arr(const struct dcs_flow *f, int *a)
{
	int n = 0;
	a[n++] = f->nhops;
	for (int h = 0; h < f->nhops; h++) {
		a[n++] = f->links[h];
		a[n++] = f->dirs[h];
	}
	a[n++] = f->nrev;
	for (int h = 0; h < f->nrev; h++) {
		a[n++] = f->rev_links[h];
		a[n++] = f->rev_dirs[h];
	}
}

static uint64_t path_hash(const int *a, int n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (int i = 0; i < n; i++) {
		h ^= (uint32_t)a[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void path_table_grow(struct dcs_net *net)
{
	size_t n = net->npath_slot ? 2 * net->npath_slot : 64;
	uint32_t *slot = dcs_xcalloc(n, sizeof(*slot), "interning a path");
	for (uint32_t id = 1; id <= net->npaths; id++) {
		size_t i = net->path_hash[id - 1] & (n - 1);
		while (slot[i])
			i = (i + 1) & (n - 1);
		slot[i] = id;
	}
	free(net->path_slot);
	net->path_slot = slot;
	net->npath_slot = n;
}

/* The id of f's paths, interned on first sight (compared in full, never by
 * hash alone). */
static uint32_t path_intern(struct dcs_net *net, const struct dcs_flow *f)
{
	int n = 2 + 2 * f->nhops + 2 * f->nrev;
	int stack[64];
	int *a = n <= 64 ? stack : dcs_xcalloc((size_t)n, sizeof(int), "interning a path");
	path_arr(f, a);
	uint64_t h = path_hash(a, n);
	if (2 * (size_t)(net->npaths + 1) > net->npath_slot)
		path_table_grow(net);
	size_t i = h & (net->npath_slot - 1);
	uint32_t id;
	while ((id = net->path_slot[i]) != 0) {
		const int *b = net->paths[id - 1];
		if (net->path_hash[id - 1] == h && b[0] == a[0] &&
		    b[1 + 2 * b[0]] == a[1 + 2 * a[0]] &&
		    memcmp(a, b, (size_t)n * sizeof(int)) == 0)
			break;
		i = (i + 1) & (net->npath_slot - 1);
	}
	if (id == 0) {
		if (net->npaths == net->cappaths) {
			uint32_t cap = net->cappaths ? 2 * net->cappaths : 16;
			net->paths =
			    dcs_xrealloc(net->paths, cap * sizeof(*net->paths), "interning a path");
			net->path_hash = dcs_xrealloc(net->path_hash, cap * sizeof(*net->path_hash),
						      "interning a path");
			net->cappaths = cap;
		}
		int *copy = dcs_xcalloc((size_t)n, sizeof(int), "interning a path");
		memcpy(copy, a, (size_t)n * sizeof(int));
		net->paths[net->npaths] = copy;
		net->path_hash[net->npaths] = h;
		id = ++net->npaths;
		net->path_slot[i] = id;
	}
	if (a != stack)
		free(a);
	return id;
}

/* The interned paths, and the flows kept for reuse with their path arrays
 * (the network's flows are all freed by then). */
void net_paths_free(struct dcs_net *net)
{
	net_flow_pool_free(net);
	for (uint32_t i = 0; i < net->npaths; i++)
		free(net->paths[i]);
	free(net->paths);
	free(net->path_hash);
	free(net->path_slot);
}

/* The flow's path, ACK path and their figures in the current routing, by
 * walking them. */
static void assign_walked(struct dcs_net *net, struct dcs_flow *f)
{
	int n = net->n_sites, src = f->spec.src, dst = f->spec.dst;
	f->nhops = net_walk(net, src, dst, f->spec.key, true, f->links, f->dirs, net->n_links);
	f->nrev = 0;
	f->stalled = f->nhops < 0 || !net_walk_carries(net, src, dst, f->spec.key, true);
	if (!f->stalled && f->nhops > 0) {
		f->nrev = net_walk(net, dst, src, f->spec.key, true, f->rev_links, f->rev_dirs,
				   net->n_links);
		if (f->nrev < 0 || !net_walk_carries(net, dst, src, f->spec.key, true))
			f->stalled = true;
	}
	if (f->stalled)
		f->nhops = f->nrev = 0;
	f->rtt_base = f->stalled || f->nhops == 0
			  ? 0
			  : net->dist[(size_t)src * n + dst] + net->dist[(size_t)dst * n + src];
	f->rtt_s = dcs_time_to_s(f->rtt_base);
	f->path_loss = f->nhops > 0 ? dcs_net_path_loss(net, src, dst) : 0;
	f->path_mss = dcs_net_path_mss(net, src, dst);
	net_touch_path(net, f);
}

/* Keeps what assign_walked() gave f with the pair's path answers. */
static void fp_keep(struct dcs_net *net, struct path_memo *pm, const struct dcs_flow *f)
{
	int n = 2 * f->nhops + 2 * f->nrev + f->ntouch + 1; /* never empty */
	if (pm->fp_cap < n) {
		pm->fp_arr = dcs_xrealloc(pm->fp_arr, (size_t)n * sizeof(int), "keeping paths");
		pm->fp_cap = n;
	}
	int *a = pm->fp_arr;
	memcpy(a, f->links, (size_t)f->nhops * sizeof(int));
	a += f->nhops;
	memcpy(a, f->dirs, (size_t)f->nhops * sizeof(int));
	a += f->nhops;
	memcpy(a, f->rev_links, (size_t)f->nrev * sizeof(int));
	a += f->nrev;
	memcpy(a, f->rev_dirs, (size_t)f->nrev * sizeof(int));
	a += f->nrev;
	memcpy(a, f->touch, (size_t)f->ntouch * sizeof(int));
	pm->fp_nhops = f->nhops;
	pm->fp_nrev = f->nrev;
	pm->fp_ntouch = f->ntouch;
	pm->fp_stalled = f->stalled;
	pm->fp_wide = f->wide;
	pm->fp_rtt_base = f->rtt_base;
	pm->fp_loss = f->path_loss;
	pm->fp_mss = f->path_mss;
	pm->fp_id = f->path_id;
	pm->fp_gen = net->path_gen;
}

/* Gives f (in no list) the kept answer: the figures, and f listed in its
 * directions as net_touch_path() lists it. */
static void fp_apply(struct dcs_net *net, const struct path_memo *pm, struct dcs_flow *f)
{
	const int *a = pm->fp_arr;
	f->nhops = pm->fp_nhops;
	f->nrev = pm->fp_nrev;
	memcpy(f->links, a, (size_t)f->nhops * sizeof(int));
	a += f->nhops;
	memcpy(f->dirs, a, (size_t)f->nhops * sizeof(int));
	a += f->nhops;
	memcpy(f->rev_links, a, (size_t)f->nrev * sizeof(int));
	a += f->nrev;
	memcpy(f->rev_dirs, a, (size_t)f->nrev * sizeof(int));
	a += f->nrev;
	f->stalled = pm->fp_stalled;
	f->rtt_base = pm->fp_rtt_base;
	f->rtt_s = dcs_time_to_s(f->rtt_base);
	f->path_loss = pm->fp_loss;
	f->path_mss = pm->fp_mss;
	f->path_id = pm->fp_id;
	for (int k = 0; k < pm->fp_ntouch; k++) {
		struct dirq *q = net_dirq(net, a[k]);
		if (q->nfl == q->capfl) {
			int cap = q->capfl ? 2 * q->capfl : 8;
			q->fl = dcs_xrealloc(q->fl, (size_t)cap * sizeof(*q->fl),
					     "listing a flow on a link");
			q->capfl = cap;
		}
		q->unordered |= q->nfl > 0 && q->fl[q->nfl - 1]->serial > f->serial;
		q->fl[q->nfl++] = f;
		f->touch[k] = a[k];
		q->nwide += pm->fp_wide;
	}
	f->ntouch = pm->fp_ntouch;
	f->wide = pm->fp_wide;
}

/* DCISIM_NET_MEMO_CHECK: the kept answer, applied, must leave f as the walks did. */
static void fp_check(struct dcs_net *net, const struct path_memo *pm, struct dcs_flow *f)
{
	struct dcs_flow w = *f;
	size_t m = 6 * ((size_t)net->n_links + 1);
	int *arr = dcs_xmalloc(m * sizeof(int), "checking a path");
	memcpy(arr, f->links, m * sizeof(int));
	net_touch_clear(net, f);
	fp_apply(net, pm, f);
	bool same = f->nhops == w.nhops && f->nrev == w.nrev && f->ntouch == w.ntouch &&
		    f->stalled == w.stalled && f->wide == w.wide && f->rtt_base == w.rtt_base &&
		    memcmp(&f->rtt_s, &w.rtt_s, sizeof(double)) == 0 &&
		    memcmp(&f->path_loss, &w.path_loss, sizeof(double)) == 0 &&
		    f->path_mss == w.path_mss && f->path_id == w.path_id;
	size_t slots = (size_t)net->n_links + 1;
	const int *lens[5][2] = {{f->links, arr},
				 {f->dirs, arr + slots},
				 {f->rev_links, arr + 2 * slots},
				 {f->rev_dirs, arr + 3 * slots},
				 {f->touch, arr + 4 * slots}};
	int cnt[5] = {f->nhops, f->nhops, f->nrev, f->nrev, f->ntouch};
	for (int i = 0; same && i < 5; i++)
		same =
		    cnt[i] < 0 || memcmp(lens[i][0], lens[i][1], (size_t)cnt[i] * sizeof(int)) == 0;
	free(arr);
	if (!same) {
		fprintf(
		    stderr,
		    "dcisim: DCISIM_NET_MEMO_CHECK: the kept path answer for a flow from site %d "
		    "to site %d differs from walking its paths\n",
		    f->spec.src, f->spec.dst);
		abort();
	}
}

/* The flow's path, ACK path and their figures in the current routing: the
 * answer kept for its pair of sites while routing stays as it is (every
 * flow between them gets the same when every key walks the kept paths),
 * else walked.  With DCISIM_NET_MEMO_CHECK, walked and compared. */
void net_assign_path(struct dcs_net *net, struct dcs_flow *f)
{
	int src = f->spec.src, dst = f->spec.dst;
	net_touch_clear(net, f);
	struct path_memo *pm = net_path_memo(net, src, dst);
	bool kept = pm->fp_gen == net->path_gen;
	if (kept && !net->memo_check) {
		fp_apply(net, pm, f);
		return;
	}
	assign_walked(net, f);
	/* The walks may have filled the pair's entry again (direct-mapped). */
	pm = net_path_memo(net, src, dst);
	if (pm->fp_gen == net->path_gen) {
		fp_check(net, pm, f);
		return;
	}
	if (net_walks_kept(net, src, dst)) {
		pm = net_path_memo(net, src, dst);
		fp_keep(net, pm, f);
	}
}

/* Lists f in the directions of its path and ACK path (set already). */
void net_touch_path(struct dcs_net *net, struct dcs_flow *f)
{
	wide_count(net, f, -1); /* counted again with every direction below */
	for (int h = 0; h < f->nhops; h++)
		touch_add(net, f, 2 * f->links[h] + f->dirs[h]);
	for (int h = 0; h < f->nrev; h++)
		touch_add(net, f, 2 * f->rev_links[h] + f->rev_dirs[h]);
	wide_count(net, f, +1);
	f->path_id = path_intern(net, f);
}

static void cf_push(struct dcs_net *net, struct dcs_flow *f)
{
	if (net->ncf == net->capcf) {
		size_t cap = net->capcf ? 2 * net->capcf : 64;
		net->cf = dcs_xrealloc(net->cf, cap * sizeof(*net->cf), "solving the network");
		net->capcf = cap;
	}
	net->cf[net->ncf++] = f;
}

static int by_serial(const void *a, const void *b)
{
	uint64_t x = (*(struct dcs_flow *const *)a)->serial;
	uint64_t y = (*(struct dcs_flow *const *)b)->serial;
	return x < y ? -1 : x > y;
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Ascending; a few directions (the usual component) without qsort's
 * overhead. */
static void sort_ints(int *a, size_t n)
{
	if (n > 32) {
		qsort(a, n, sizeof(*a), by_int);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		int x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* The component when the seeds are of one link whose flows cross no other
 * (no wide flow on either direction): that link's flows, by start order,
 * merged from its directions' lists (each in start order), without a
 * search.  False, cf and cd unspecified, when it does not apply: a seed of
 * another link or without directions, a direction not seeded that some
 * flow may reach, lists out of order. */
static bool one_link(struct dcs_net *net, const struct dcs_flow *seed, const int *dirs, int ndirs)
{
	int r0 = seed ? (seed->ntouch > 0 ? seed->touch[0] : -1) : ndirs > 0 ? dirs[0] : -1;
	if (r0 < 0 || (seed && seed->wide))
		return false;
	int l = r0 >> 1;
	bool has[2] = {false, false};
	for (int k = 0; seed && k < seed->ntouch; k++)
		has[seed->touch[k] & 1] = true;
	for (int k = 0; k < ndirs; k++) {
		if (dirs[k] >> 1 != l)
			return false;
		has[dirs[k] & 1] = true;
	}
	struct dirq *q = net->ls[l].q;
	if (q[0].nwide || q[1].nwide)
		return false;
	/* A direction not seeded joins when a flow crosses it: only its own
	 * flows could, so it stays out when it has none. */
	for (int d = 0; d < 2; d++)
		if (!has[d] && q[d].nfl > 0)
			return false;
	net->ncf = net->ncd = 0;
	for (int d = 0; d < 2; d++)
		if (has[d])
			net->cd[net->ncd++] = 2 * l + d;
	struct dcs_flow *const *a = q[0].fl, *const *b = q[1].fl;
	int na = q[0].nfl, nb = q[1].nfl, i = 0, j = 0;
	uint64_t last = 0;
	/* The usual case: every flow crosses the link one way and its ACKs come
	 * back the other (or one direction only has flows): one list is the
	 * component, no merge. */
	bool single =
	    nb == 0 || na == 0 || (na == nb && memcmp(a, b, (size_t)na * sizeof(*a)) == 0);
	if (single) {
		struct dcs_flow *const *one = nb == 0 ? a : b;
		int n1 = nb == 0 ? na : nb;
		if (net->capcf < (size_t)n1 + 1) {
			size_t cap = net->capcf ? net->capcf : 64;
			while (cap < (size_t)n1 + 1)
				cap *= 2;
			net->cf =
			    dcs_xrealloc(net->cf, cap * sizeof(*net->cf), "solving the network");
			net->capcf = cap;
		}
		if (q[0].unordered || q[1].unordered) {
			for (int k = 0; k < n1; k++) {
				if (one[k]->serial <= last)
					return false;
				last = one[k]->serial;
			}
			q[0].unordered = q[1].unordered = false; /* in order after all */
		}
		if (n1 > 0)
			memcpy(net->cf, one, (size_t)n1 * sizeof(*one));
		net->ncf = (size_t)n1;
		return true;
	}
	while (i < na || j < nb) {
		struct dcs_flow *f;
		if (j >= nb || (i < na && a[i]->serial <= b[j]->serial)) {
			f = a[i++];
			if (j < nb && b[j] == f)
				j++; /* in both directions */
		} else {
			f = b[j++];
		}
		if (f->serial <= last)
			return false;
		last = f->serial;
		cf_push(net, f);
	}
	q[0].unordered = q[1].unordered = false; /* both in order after all */
	return true;
}

static void component_search(struct dcs_net *net, struct dcs_flow *seed, const int *dirs,
			     int ndirs);

/* The component around the seeds: every flow and link direction reachable
 * through "the flow's path or ACK path crosses the direction".  Flows in
 * different components share no capacity and no queue, so a change solves
 * only its own.  Fills cf (by start order) and cd (ascending).  With
 * DCISIM_NET_MEMO_CHECK, a component of one link is also searched and the
 * two compared; a difference aborts. */
void net_component(struct dcs_net *net, struct dcs_flow *seed, const int *dirs, int ndirs)
{
	if (!one_link(net, seed, dirs, ndirs)) {
		component_search(net, seed, dirs, ndirs);
		return;
	}
	if (!net->memo_check)
		return;
	size_t ncf = net->ncf, ncd = net->ncd;
	struct dcs_flow **cf = dcs_xmalloc((ncf + 1) * sizeof(*cf), "checking a component");
	int cd[2];
	for (size_t i = 0; i < ncf; i++)
		cf[i] = net->cf[i];
	for (size_t j = 0; j < ncd; j++)
		cd[j] = net->cd[j];
	component_search(net, seed, dirs, ndirs);
	bool same = net->ncf == ncf && net->ncd == ncd;
	for (size_t i = 0; same && i < ncf; i++)
		same = cf[i] == net->cf[i];
	for (size_t j = 0; same && j < ncd; j++)
		same = cd[j] == net->cd[j];
	if (!same) {
		fprintf(stderr,
			"dcisim: DCISIM_NET_MEMO_CHECK: the component of one link (%zu flow(s), "
			"%zu direction(s)) differs from the search's (%zu, %zu)\n",
			ncf, ncd, net->ncf, net->ncd);
		abort();
	}
	free(cf);
}

/* The component by search, from the seeds. */
static void component_search(struct dcs_net *net, struct dcs_flow *seed, const int *dirs, int ndirs)
{
	uint64_t stamp = ++net->stamp;
	net->ncf = net->ncd = 0;
	if (seed) {
		seed->mark = stamp;
		cf_push(net, seed);
	}
	for (int k = 0; k < ndirs; k++) {
		struct dirq *q = net_dirq(net, dirs[k]);
		if (q->mark != stamp) {
			q->mark = stamp;
			net->cd[net->ncd++] = dirs[k];
		}
	}
	/* Whether the flows after the seed arrive in start order (they do when
	 * every direction lists them in the same order, as one link's do). */
	bool sorted = true;
	uint64_t last = 0;
	size_t fi = 0, di = 0;
	while (fi < net->ncf || di < net->ncd) {
		for (; fi < net->ncf; fi++) {
			struct dcs_flow *f = net->cf[fi];
			for (int k = 0; k < f->ntouch; k++) {
				struct dirq *q = net_dirq(net, f->touch[k]);
				if (q->mark != stamp) {
					q->mark = stamp;
					net->cd[net->ncd++] = f->touch[k];
				}
			}
		}
		for (; di < net->ncd; di++) {
			struct dirq *q = net_dirq(net, net->cd[di]);
			for (int i = 0; i < q->nfl; i++) {
				struct dcs_flow *g = q->fl[i];
				if (g->mark != stamp) {
					g->mark = stamp;
					sorted = sorted && g->serial > last;
					last = g->serial;
					cf_push(net, g);
				}
			}
		}
	}
	if (sorted) {
		/* Only the seed may be out of place: moved to where it belongs. */
		if (seed && net->ncf > 1) {
			size_t lo = 1, hi = net->ncf;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (net->cf[mid]->serial < seed->serial)
					lo = mid + 1;
				else
					hi = mid;
			}
			memmove(&net->cf[0], &net->cf[1], (lo - 1) * sizeof(net->cf[0]));
			net->cf[lo - 1] = seed;
		}
	} else if (net->ncf * 8 >= net->n_flows) {
		/* A large component: the list of flows is in start order already. */
		size_t n = 0;
		for (struct dcs_flow *f = net->head; f && n < net->ncf; f = f->next)
			if (f->mark == stamp)
				net->cf[n++] = f;
	} else {
		qsort(net->cf, net->ncf, sizeof(*net->cf), by_serial);
	}
	sort_ints(net->cd, net->ncd);
}

/* Every flow and every direction: the solve from scratch. */
static void everything(struct dcs_net *net)
{
	net->ncf = 0;
	for (struct dcs_flow *f = net->head; f; f = f->next)
		cf_push(net, f);
	net->ncd = 0;
	for (int r = 0; r < 2 * net->n_links; r++)
		net->cd[net->ncd++] = r;
}

/* ---- solving a component ---- */

/* Whether two flows get the same figures from every pass of the solver:
 * the same paths both ways, the same caps and the same class of load.  Only
 * the bytes they carry differ. */
bool net_solve_same(const struct dcs_flow *a, const struct dcs_flow *b)
{
	return a->path_id == b->path_id && a->stalled == b->stalled && a->rtt_base == b->rtt_base &&
	       a->path_mss == b->path_mss && a->path_loss == b->path_loss &&
	       a->spec.streams == b->spec.streams && a->spec.window_bytes == b->spec.window_bytes &&
	       a->spec.demand_Bps == b->spec.demand_Bps && a->spec.offered == b->spec.offered;
}

/* Lists a run's first flow in the directions it touches. */
static void rl_add(struct dcs_net *net, struct dcs_flow *f)
{
	for (int k = 0; k < f->ntouch; k++) {
		struct dirq *q = net_dirq(net, f->touch[k]);
		if (q->nrl == q->caprl) {
			int cap = q->caprl ? 2 * q->caprl : 8;
			q->rl = dcs_xrealloc(q->rl, (size_t)cap * sizeof(*q->rl),
					     "solving the network");
			q->caprl = cap;
		}
		q->rl[q->nrl++] = f;
	}
}

/* Settles every flow of cf and groups them into runs of identical flows, consecutive in start
 * order: the first of each run stands for the run (mult = its length), the others get mult 0.  The
 * passes then work on the runs' first flows and add each figure mult times, in the order the flows
 * would have added it: the same sums, to the last bit, as solving flow by flow (the flows of a run
 * are consecutive in every direction's list too, since those lists hold component flows in start
 * order).  Hundreds of transfers of one evacuation over one link are one run. */
static size_t make_runs(struct dcs_net *net)
{
	if (net->capruns < net->capcf) {
		net->runs =
		    dcs_xrealloc(net->runs, net->capcf * sizeof(*net->runs), "solving the network");
		net->capruns = net->capcf;
	}
	size_t n = 0;
	dcs_time_t now = dcs_now(net->k);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		net_settle_flow_at(f, now);
		f->old_rate = f->rate;
		int w = f->nmemb > 0 ? f->nmemb : 1; /* a group counts its members */
		if (n > 0 && net_solve_same(net->runs[n - 1], f)) {
			net->runs[n - 1]->mult += w;
			f->mult = 0;
		} else {
			f->mult = w;
			net->runs[n++] = f;
		}
	}
	return n;
}

/* Every flow of a run takes its first flow's figures.  Counts for
 * net_after_solve() the flows whose completion is to be keyed again and
 * those that stalled or resumed. */
static void spread_runs(struct dcs_net *net)
{
	const struct dcs_flow *head = NULL;
	size_t changed = 0, stalls = 0;
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->mult > 0)
			head = f;
		else
			net_copy_solved(f, head);
		changed += f->rate != f->old_rate || f->heap_i < 0;
		stalls += f->stalled != f->old_stalled;
	}
	net->solved_changed = changed;
	net->solved_stalls = stalls;
}

/* The figures a solve gives a flow, from another the solver could not tell
 * apart from it. */
void net_copy_solved(struct dcs_flow *to, const struct dcs_flow *from)
{
	to->rate = from->rate;
	to->cap = from->cap;
	to->w = from->w;
	to->rtt_s = from->rtt_s;
	to->rtt = from->rtt;
	to->limit = from->limit;
	to->bott = from->bott;
	to->offered_now = from->offered_now;
	to->frozen = from->frozen;
}

/* Shares and queues of the component in cf / cd, from empty queues: the
 * result depends on the state of the network only, never on the order of
 * earlier changes.  Settles its flows and directions first. */
void net_solve(struct dcs_net *net)
{
	net_settle_links(net);
	/* The passes see one flow per run (make_runs settles every flow). */
	size_t nall = net->ncf;
	net->ncf = make_runs(net);
	struct dcs_flow **all = net->cf;
	net->cf = net->runs;
	net->runs = all;
	/* A component solved before, to the bit, takes that solve's figures
	 * (every figure of its queues below: the memo's key reads none). */
	if (!net_memo_recall(net)) {
		/* The runs listed in their directions, for the queue pass. */
		for (size_t j = 0; j < net->ncd; j++)
			net_dirq(net, net->cd[j])->nrl = 0;
		for (size_t i = 0; i < net->ncf; i++)
			rl_add(net, net->cf[i]);
		for (size_t j = 0; j < net->ncd; j++) {
			struct dirq *q = net_dirq(net, net->cd[j]);
			/* From empty queues; keep the phase of a cycle that goes on. */
			q->mean_s = q->hi_s = q->drop_s = q->shape = q->period_s = q->drops_pps = 0;
			q->offered_demand = q->offered_rate = q->elastic_rate = 0;
			q->bulk_cap = q->share_w = q->share_rate = 0;
			q->full = false;
			q->eta = 1;
			q->loss_later = false;
		}
		for (net->qpass = 0; net->qpass < DCS_NET_SOLVE_MAX_ITER; net->qpass++) {
			net_share_pass(net);
			double mv = net_queue_pass(net);
			if (mv <= SOLVE_TOL_S)
				break;
		}
		net_memo_keep(net);
	}
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[(unsigned)r >> 1];
		s->rate_sum[r & 1] = 0;
		s->nflows[r & 1] = 0;
	}
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->stalled) {
			f->rate = 0;
			f->rtt = 0;
			continue;
		}
		f->rtt = dcs_time_from_s(f->rtt_s);
		for (int h = 0; h < f->nhops; h++) {
			struct link_state *s = &net->ls[f->links[h]];
			s->rate_sum[f->dirs[h]] =
			    net_add_n(s->rate_sum[f->dirs[h]], f->rate, f->mult);
			s->nflows[f->dirs[h]] += f->mult;
		}
	}
	net->runs = net->cf;
	net->cf = all;
	net->ncf = nall;
	spread_runs(net);
}

void net_nq_push(struct dcs_net *net, struct dcs_flow *f)
{
	if (f->queued)
		return;
	f->queued = true;
	f->nq_next = NULL;
	f->nq_prev = net->nq_tail;
	if (net->nq_tail)
		net->nq_tail->nq_next = f;
	else
		net->nq_head = f;
	net->nq_tail = f;
}

void net_nq_remove(struct dcs_net *net, struct dcs_flow *f)
{
	if (!f->queued)
		return;
	if (f->nq_prev)
		f->nq_prev->nq_next = f->nq_next;
	else
		net->nq_head = f->nq_next;
	if (f->nq_next)
		f->nq_next->nq_prev = f->nq_prev;
	else
		net->nq_tail = f->nq_prev;
	f->queued = false;
}

/* After a solve: completions of the flows whose rate changed, the kernel
 * event, then the owners of flows that stalled or resumed.  An owner's
 * on_stall may start or stop flows (even other flows waiting for their own
 * callback), which solves again; the queue makes every owner hear each
 * change exactly once and never touch a flow that a callback freed. */
void net_after_solve(struct dcs_net *net, bool counted)
{
	size_t changed = 0, stalls = 0;
	if (counted) {
		changed = net->solved_changed;
		stalls = net->solved_stalls;
	} else {
		for (size_t i = 0; i < net->ncf; i++) {
			struct dcs_flow *f = net->cf[i];
			changed += f->rate != f->old_rate || f->heap_i < 0;
			stalls += f->stalled != f->old_stalled;
		}
	}
	/* Many new keys among few pending: the heap rebuilt in one pass costs
	 * less than moving each key (a heap yields the same flows in the same
	 * order however it is laid out: the keys are distinct). */
	bool many = changed > 2 && changed * 4 > net->nheap;
	if (many)
		net_schedule_many(net);
	for (size_t i = 0; i < net->ncf && (!many || stalls > 0); i++) {
		struct dcs_flow *f = net->cf[i];
		if (!many && (f->rate != f->old_rate || f->heap_i < 0))
			net_schedule_done(net, f);
		if (f->stalled != f->old_stalled && f->spec.on_stall) {
			f->notify = !f->notify; /* a change back cancels a pending one */
			net_nq_push(net, f);
		}
		if (f->stalled != f->old_stalled && f->nmemb > 0)
			net_group_notify_stall(net, f);
	}
	net_arm(net);
	while (net->nq_head) {
		struct dcs_flow *f = net->nq_head;
		net_nq_remove(net, f);
		if (!f->notify)
			continue;
		f->notify = false;
		f->spec.on_stall(f->spec.ctx, f, f->stalled);
	}
}

/* Solves the component in cf / cd and marks it solved in this epoch. */
static void solve_marked(struct dcs_net *net)
{
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->solved = net->epoch;
	for (size_t j = 0; j < net->ncd; j++)
		net->ls[net->cd[j] / 2].q[net->cd[j] % 2].solved = net->epoch;
	net_solve(net);
}

/* A change that routing or carrying makes: every path again, then every
 * component solved on its own, exactly as a change within it would solve
 * it (so the result is the same whichever way a state was reached). */
void net_update_all(struct dcs_net *net)
{
	/* Routing may part a group's members (ECMP): every flow on its own. */
	net_group_dissolve_all(net);
	net->epoch++;
	for (struct dcs_flow *f = net->head; f; f = f->next) {
		f->old_stalled = f->stalled;
		net_assign_path(net, f);
	}
	for (struct dcs_flow *f = net->head; f; f = f->next)
		if (f->solved != net->epoch) {
			net_component(net, f, NULL, 0);
			solve_marked(net);
		}
	for (int r = 0; r < 2 * net->n_links; r++)
		if (net->ls[r / 2].q[r % 2].solved != net->epoch) {
			net_component(net, NULL, &r, 1);
			solve_marked(net);
		}
	everything(net);
	net_after_solve(net, false);
}

/* A change to one flow's demand or presence: its component only. */
void net_update_around(struct dcs_net *net, struct dcs_flow *f, const int *dirs, int ndirs)
{
	net_component(net, f, dirs, ndirs);
	for (size_t i = 0; i < net->ncf; i++)
		net->cf[i]->old_stalled = net->cf[i]->stalled;
	net_solve(net);
	net_after_solve(net, true);
}
