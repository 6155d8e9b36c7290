/* Internals of the flow-level network (sim/core/net*.c), shared by its files and
 * nobody else: the state of a link direction, a link, a flow and the network, and
 * the functions one file of the network calls in another.  The contract users see
 * is dcisim/net.h. */
#ifndef DCS_NET_INTERNAL_H
#define DCS_NET_INTERNAL_H

#include "dcisim/net.h"

#include <math.h>

enum regime { Q_IDLE, Q_WINDOW, Q_LOSS, Q_OVERLOAD };

/* The queue of one link direction. */
struct dirq {
	enum regime regime;
	double mean_s;   /* what a packet pays on average */
	double hi_s;     /* loss: the top of the cycle (the full buffer) */
	double drop_s;   /* loss: how far one drop lowers the queue */
	double shape;    /* loss: k of tau - D (1 - u)^k */
	double period_s; /* loss: one cycle of the aggregate */
	dcs_time_t t0;   /* loss: phase origin of the cycle */
	double drops_pps;
	double eta; /* goodput share of the bulk capacity (shallow buffer) */
	/* The regime the first pass of the last solve set, and whether a later
	 * pass of it entered the loss regime (what the memo needs to start a
	 * cycle's phase as the passes would). */
	enum regime rg_first;
	bool loss_later;
	/* Solver scratch. */
	double offered_demand, offered_rate, elastic_rate;
	double bulk_cap;   /* what bulk flows had this pass */
	double share_w;    /* weights of the bulk flows its share holds */
	double share_rate; /* their rates */
	bool full;
	/* The flows whose path or ACK path crosses it: the edges of the
	 * components the incremental solver works on. */
	struct dcs_flow **fl;
	int nfl, capfl;
	/* fl may be out of start order (a flow listed again after later ones,
	 * as while net_update_all() lists every flow again); cleared when fl
	 * empties or a component of one link finds it in order. */
	bool unordered;
	uint64_t mark;   /* the component search that reached it (net->stamp) */
	uint64_t solved; /* the epoch net_update_all() last solved it in */
	/* The first flows of runs (net_solve) in fl, in the same order. */
	struct dcs_flow **rl;
	int nrl, caprl;
	/* The flows of fl that cross another link too (wide): with none on
	 * either direction, a link's flows are a component of their own. */
	int nwide;
};

struct link_state {
	bool cut;        /* every underlay path cut (link_down) */
	int paths_up;    /* underlay paths left */
	bool converging; /* carries nothing until conv_ev */
	bool routed;     /* routing still uses it */
	dcs_handle_t conv_ev;
	bool degraded;
	double bandwidth_gbps;
	double loss;
	double extra_ms;
	dcs_time_t one_way;
	double cap_Bps;  /* goodput capacity left for flows, per direction */
	double line_Bps; /* line rate, bytes/s */
	double buffer_bytes;
	double tau_s;    /* buffer / line rate */
	double frame_s;  /* one full frame on the wire */
	double bg_Bps;   /* background on the wire */
	double bfd_s;    /* BFD detection, NaN without BFD */
	double bytes[2]; /* goodput bytes carried by flows up to links_at */
	dcs_time_t t_set[2];
	double rate_sum[2]; /* current goodput rate of flows */
	int nflows[2];
	struct dirq q[2];
};

struct dcs_flow {
	struct dcs_net *net;
	struct dcs_flow_spec spec;
	struct dcs_flow *prev, *next;
	uint64_t serial; /* start order */
	int nhops, nrev;
	int *links, *dirs;         /* forward path */
	int *rev_links, *rev_dirs; /* the path its ACKs take */
	int *touch;                /* directions it is listed in */
	int ntouch;
	bool wide; /* its directions are of more than one link (counted in their nwide) */
	double path_loss;
	int path_mss;
	uint32_t path_id; /* its paths both ways, interned: equal ids, equal paths */
	double rate;      /* goodput bytes/s */
	double cap;       /* min of demand, window, Mathis */
	double w;         /* share weight */
	double rtt_s;     /* loaded RTT */
	double sent;      /* up to t_set: bytes = sent + rate x (now - t_set) */
	dcs_time_t t_set;
	dcs_time_t rtt;
	dcs_time_t rtt_base;
	dcs_time_t done_at; /* completion, while in the heap */
	uint64_t done_seq;  /* orders equal completions as the kernel would */
	int heap_i;         /* -1: no completion pending */
	enum dcs_limit limit;
	int bott; /* direction holding its share, -1 */
	bool stalled;
	bool offered_now; /* offered with a finite demand: inelastic this solve */
	bool frozen;      /* scratch for water-filling */
	/* Solver scratch: how many flows this one stands for in a solve (a run
	 * of identical flows, consecutive in start order, solved once), 0 for
	 * a flow another one of its run stands for. */
	int mult;
	uint64_t mark;   /* the component search that reached it (net->stamp) */
	uint64_t solved; /* the epoch net_update_all() last solved it in */
	/* net_after_solve() bookkeeping: the figures before a solve, and whether
	 * the owner still has to hear that the flow stalled or resumed. */
	double old_rate;
	bool old_stalled;
	bool notify;
	struct dcs_flow *nq_prev, *nq_next; /* in the owners-to-tell queue */
	bool queued;
	double by_limit[DCS_LIMIT_COUNT]; /* bytes moved under each limit */
	/* Groups (net_group.c).  A group stands, in the solver, for many
	 * flows the solver cannot tell apart: one entry in every list, its
	 * rate the rate of each member, its `sent` the bytes each member has
	 * moved since the group began (its virtual time).  Members are out of
	 * the solver's lists and wait in the group's heap by the virtual time
	 * of their completion. */
	bool is_group;
	struct dcs_flow *grp; /* a member: its group */
	int nmemb;            /* a group: its members (0: not a group) */
	struct dcs_flow **mh; /* a group: members by (fin, serial) */
	size_t capmh;
	struct dcs_flow *gnext; /* a group: next in its bucket of net->gtab */
	double v0;  /* a member: the group's sent when it joined, less its own bytes then */
	double fin; /* a member: the group's sent at its completion, v0 + bytes */
	double lim0[DCS_LIMIT_COUNT]; /* a member: by_limit less the group's */
};

/* The kept answers of the path queries for one pair of sites (net_paths.c). */
struct path_memo {
	uint64_t gen; /* net->path_gen when filled, 0: never */
	int a, b;
	int hops; /* -1: no path */
	int *links, *dirs;
	int cap;
	bool carries;
	bool unique; /* ECMP: one candidate at every hop, every key walks it */
	int mss;
	int best; /* the bottleneck link, -1 */
	double loss;
	/* What net_assign_path() gives a flow from a to b while fp_gen is
	 * path_gen (0: nothing kept), when every key walks the kept paths both
	 * ways: its hop counts, whether it is stalled, its base RTT, loss, MSS,
	 * wideness and interned path id, and in fp_arr its forward links and
	 * directions, its ACK links and directions and the directions it is
	 * listed in (fp_ntouch). */
	uint64_t fp_gen;
	int fp_nhops, fp_nrev, fp_ntouch, fp_mss, fp_cap;
	bool fp_stalled, fp_wide;
	dcs_time_t fp_rtt_base;
	double fp_loss;
	uint32_t fp_id;
	int *fp_arr;
};

struct dcs_net {
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	const struct dcs_scenario *scn;
	int n_sites, n_links;
	struct link_state *ls;
	bool *site_up;
	dcs_time_t *dist;  /* n_sites x n_sites, base latency over routed links */
	int *pred;         /* link used to reach column from row's tree, -1 at root */
	int *order;        /* n_sites x n_sites: when Dijkstra settled the column */
	int *adj, *adj_at; /* links incident to each site (CSR) */
	bool ecmp, share_rtt;
	double igp_s;
	struct dcs_flow *head, *tail;
	size_t n_flows;             /* flows and groups in the list */
	size_t n_members;           /* flows in groups */
	size_t n_groups;            /* groups in gtab */
	struct dcs_flow *gtab[256]; /* groups by hash of what the solver sees */
	uint64_t serial;
	uint64_t epoch; /* one per solve of every component (net_update_all) */
	uint64_t stamp; /* one per component search */
	/* The pending completions, a binary heap ordered by (done_at, done_seq),
	 * and the one kernel event that waits for the first of them. */
	struct dcs_flow **heap;
	size_t nheap, capheap;
	uint64_t seq;
	dcs_handle_t done_ev;
	struct dcs_flow *armed;
	dcs_time_t armed_at;
	size_t held;         /* completions counted as pending events besides done_ev */
	dcs_time_t links_at; /* the links' byte counts are settled to here */
	/* Owners that still have to hear a stall or a resume. */
	struct dcs_flow *nq_head, *nq_tail;
	/* The component being solved: its flows (by start order) and link
	 * directions (ascending). */
	struct dcs_flow **cf;
	size_t ncf, capcf;
	/* Interned paths (forward and ACK path of a flow): an open-addressed
	 * table of ids into a pool of int arrays, each [nhops, links, dirs,
	 * nrev, rev_links, rev_dirs]. */
	uint32_t *path_slot; /* 0 empty, else id */
	size_t npath_slot;
	int **paths; /* by id - 1 */
	uint64_t *path_hash;
	uint32_t npaths, cappaths;
	/* The first flow of each run of identical flows in cf (net_solve). */
	struct dcs_flow **runs;
	size_t capruns;
	/* What the last net_solve() counted for net_after_solve(). */
	size_t solved_changed, solved_stalls;
	int *cd;
	size_t ncd;
	/* scratch for water-filling, one slot per link direction */
	double *res_left, *res_w;
	bool *reach_was;       /* n_sites x n_sites, before a change */
	int qpass;             /* the queue pass of the solve at hand, from 0 */
	struct net_memo *memo; /* solves seen before (net_memo.c) */
	bool memo_check;       /* DCISIM_NET_MEMO_CHECK: every kept answer checked */
	/* Answers of the path queries by pair of sites, valid while their gen
	 * is path_gen (net_paths_stale() moves it on). */
	struct path_memo *pmemo;
	size_t npmemo;
	uint64_t path_gen;
	/* Flows freed, kept for the next starts (linked by next): a transfer's
	 * start and end cost no allocation (net_flow.c). */
	struct dcs_flow *pool;
	size_t npool;
};

/* The queue of direction r (2 x link + dir, never negative). */
static inline struct dirq *net_dirq(const struct dcs_net *net, int r)
{
	return &net->ls[(unsigned)r >> 1].q[(unsigned)r & 1];
}

/* net_links.c */
bool net_carries(const struct link_state *s);
void net_link_refresh(struct dcs_net *net, int i);

/* net_paths.c */
void net_compute_paths(struct dcs_net *net);
void net_path_memo_free(struct dcs_net *net);
/* Routing or a link's or a site's state changed: the kept path answers are
 * stale.  Every change of pred/dist/order, routed, site_up, cut, paths_up,
 * converging, loss or capacity calls it. */
static inline void net_paths_stale(struct dcs_net *net)
{
	net->path_gen++;
}
int net_walk(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed, int *links,
	     int *dirs, int max);
bool net_walk_carries(const struct dcs_net *net, int a, int b, uint64_t key, bool hashed);
struct path_memo *net_path_memo(struct dcs_net *net, int a, int b);
bool net_walks_kept(struct dcs_net *net, int a, int b);

/* net_completions.c */
/* Brings a flow's byte count to now: bytes move at its rate since t_set. */
static inline void net_settle_flow_at(struct dcs_flow *f, dcs_time_t now)
{
	double dt = dcs_time_to_s(now - f->t_set);
	f->t_set = now;
	if (dt <= 0 || f->rate <= 0)
		return;
	double before = f->sent;
	f->sent += f->rate * dt;
	if (f->sent > f->spec.bytes)
		f->sent = f->spec.bytes;
	if (isfinite(f->sent))
		f->by_limit[f->limit] += f->sent - before;
}
void net_settle_flow(struct dcs_net *net, struct dcs_flow *f);
void net_settle_links(struct dcs_net *net);
void net_heap_remove(struct dcs_net *net, struct dcs_flow *f);
void net_schedule_done(struct dcs_net *net, struct dcs_flow *f);
void net_schedule_many(struct dcs_net *net);
void net_arm(struct dcs_net *net);

/* s + x + ... + x (m terms): added one at a time as m separate flows'
 * figures would be (the same rounding as summing them flow by flow) for
 * runs of up to NET_ADD_EXACT flows, and as s + m x beyond, which differs
 * from the flow-by-flow sum by at most m rounding steps (below 1e-13
 * relative for a thousand flows) and keeps a solve's cost independent of
 * how many identical transfers share a link. */
#define NET_ADD_EXACT 16
static inline double net_add_n(double s, double x, int m)
{
	if (m > NET_ADD_EXACT)
		return s + m * x;
	for (int k = 0; k < m; k++)
		s += x;
	return s;
}

/* net_share.c */
int net_crossings(const struct dcs_flow *f, int r);
bool net_crosses(const struct dcs_flow *f, int r);
double net_flow_cap(const struct dcs_net *net, const struct dcs_flow *f, double rtt_s,
		    enum dcs_limit *lim);
void net_share_pass(struct dcs_net *net);

/* net_queue.c */
double net_queue_pass(struct dcs_net *net);
double net_queue_instant(const struct link_state *s, int d, dcs_time_t now);

/* net_solve.c */
void net_touch_clear(struct dcs_net *net, struct dcs_flow *f);
void net_assign_path(struct dcs_net *net, struct dcs_flow *f);
void net_paths_free(struct dcs_net *net);
void net_component(struct dcs_net *net, struct dcs_flow *seed, const int *dirs, int ndirs);
void net_solve(struct dcs_net *net);
void net_nq_remove(struct dcs_net *net, struct dcs_flow *f);
void net_nq_push(struct dcs_net *net, struct dcs_flow *f);
void net_touch_path(struct dcs_net *net, struct dcs_flow *f);
void net_copy_solved(struct dcs_flow *to, const struct dcs_flow *from);
/* counted: right after net_solve() of cf, which counted the flows to key
 * again and those that stalled or resumed. */
void net_after_solve(struct dcs_net *net, bool counted);
void net_update_all(struct dcs_net *net);
void net_update_around(struct dcs_net *net, struct dcs_flow *f, const int *dirs, int ndirs);

/* net_memo.c */
bool net_memo_recall(struct dcs_net *net);
void net_memo_keep(struct dcs_net *net);
void net_memo_free(struct dcs_net *net);

/* net_group.c */
#define NET_GROUP_MIN 17 /* identical flows on one path that form a group */
bool net_solve_same(const struct dcs_flow *a, const struct dcs_flow *b);
bool net_group_try_join(struct dcs_net *net, struct dcs_flow *f);
void net_group_leave(struct dcs_net *net, struct dcs_flow *g, bool keep);
struct dcs_flow *net_group_pop(struct dcs_net *net, struct dcs_flow *grp);
void net_group_dissolve_all(struct dcs_net *net);
void net_group_notify_stall(struct dcs_net *net, struct dcs_flow *grp);
void net_group_forget(struct dcs_net *net, struct dcs_flow *grp);
double net_member_sent(struct dcs_net *net, struct dcs_flow *g);
static inline const struct dcs_flow *net_solved(const struct dcs_flow *f)
{
	return f->grp ? f->grp : f;
}

/* net_flow.c */
struct dcs_flow *net_flow_alloc(struct dcs_net *net, const struct dcs_flow_spec *spec);
void net_flow_link(struct dcs_net *net, struct dcs_flow *f);
void net_flow_unlink(struct dcs_net *net, struct dcs_flow *f);
int net_flow_remove(struct dcs_net *net, struct dcs_flow *f, int *dirs);
void net_flow_free(struct dcs_flow *f);
void net_flow_pool_free(struct dcs_net *net);
void net_done_event(struct dcs_kernel *k, void *ctx, const void *payload);

#endif
