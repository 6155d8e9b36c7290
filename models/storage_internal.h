/*
 * dcisim storage over distance, internal to the model: the state of a
 * running storage model (struct sto and its workloads, arrays, channels,
 * paths and plans) shared by models/storage.c and the files it is split
 * into (storage_net.c, storage_plan.c, storage_io.c, storage_react.c,
 * storage_output.c), and the functions that cross those files.  Not a
 * public header: the views other code may use are in storage.h.
 */
#ifndef DCISIM_STORAGE_INTERNAL_H
#define DCISIM_STORAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "storage.h"
#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"
#include "dcisim/syncproducts.h"
#include "dcisim/tech.h"
#include "dcisim/world.h"

enum plan_kind { PLAN_SERVE, PLAN_HOLD, PLAN_FAIL, PLAN_IDLE };
enum aa_state { AA_MIRROR, AA_FROZEN, AA_DETACHED, AA_SINGLE };

#define BACKLOG_EPS 64.0                   /* bytes: below this a backlog is rounding noise */
#define MAX_DELAY   (DCS_NS_PER_S * 86400) /* a write behind a stalled backlog */
#define RPO_RING    64

/* A stretch of network an I/O crosses n times there and back. */
struct seg {
	int a, b, n;
};

struct leg {
	int array;
	int chan;         /* channel whose backlog this leg waits behind, or -1 */
	dcs_time_t extra; /* unloaded network time added to the array's response */
	int nseg;         /* the stretches whose queues it pays at issue */
	struct seg seg[2];
};

struct opplan {
	enum plan_kind kind;
	int nlegs;
	struct leg leg[2];
	int access_chan; /* host <-> array traffic, or -1 */
	int async_chan;  /* asynchronous replication the write feeds, or -1 */
	bool divergent;  /* written on both sides of a split */
	bool one_sided;  /* the peer copy misses it: resynchronised later */
};

struct plan {
	uint32_t epoch;
	int site;
	struct opplan op[2];
};

struct sto;
struct wl;

/* One slot of a workload's closed loop (storage_io.c).  In steady state a
 * slot is one kernel event per I/O: when an I/O is admitted its completion
 * time is known, so the slot draws its next think time then and schedules
 * only its next arrival; the completion waits in the slot (SLOT_DONE_LAZY)
 * and is recorded when the arrival runs, or earlier by sto_settle() for
 * whatever reads the figures (a sample, the end, a view).  A change of the
 * world (a new epoch, a new think time) splits the slots in flight back
 * into an event at their completion (SLOT_DONE_EVENT), which decides as a
 * completion always did; a think time drawn ahead and not spent is kept
 * (z), so a split never changes which draws a stream makes. */
enum slot_state { SLOT_FREE, SLOT_DONE_LAZY, SLOT_DONE_EVENT };

struct slot {
	struct wl *wl;
	dcs_handle_t arrival; /* its next arrival while its I/O is out, or 0: none */
	dcs_handle_t done_ev; /* SLOT_DONE_EVENT: the completion's event */
	dcs_time_t t_issue, done;
	double z;   /* its think time drawn ahead, in means (unit exponential) */
	bool has_z; /* z is not spent: the next think time is z */
	uint32_t epoch;
	int8_t site, op, held, state;
};

struct wl {
	struct sto *m;
	const struct dcs_workload_cfg *cfg;
	int idx;
	char name[80];
	gsl_rng *rng;
	double think_ns; /* mean think time of one slot: queue_depth / iops / speed */
	int depth;       /* slots: I/Os outstanding at most */
	struct slot *slots;
	double speed; /* its VM's speed (stun, auto-converge) */
	bool paused;  /* its VM is stopped: arrivals are held until it resumes */
	double read_ratio;
	uint64_t read_cut; /* a draw k of the stream is a read when k < read_cut */
	double bytes;
	int rtt_n[2];      /* protocol round trips: read, write */
	int credit_rounds; /* FC: extra round trips waiting for credits */
	dcs_time_t t_on, t_off;
	bool active;
	int home_site; /* VM workloads: where the VM started */
	int primary;   /* shared / async: the array holding its volume */
	struct plan plan;
	int64_t lat_sum_ns[2]; /* per op, steady state, for the workload's mean */
	uint64_t lat_n[2];
	struct dcs_lathist *phase[2][2]; /* VM workloads: [before/after move][op] */
	struct dcs_lathist *writes;      /* steady-state writes */
	uint64_t done;                   /* I/Os completed, held ones included */
	uint64_t held, pause_held;       /* I/Os that waited out a freeze or a pause */
	dcs_time_t held_max;             /* the longest such wait */
};

struct arr {
	int site;
	struct dcs_mcq q;
	gsl_rng *rng;
	bool up;
	bool fixed;
	double mean_ns[2];
};

struct bp {
	dcs_time_t t;
	double cum, slope;
};

struct chan {
	int src, dst;
	bool async;
	bool used;
	bool reachable;
	char label[96];
	struct dcs_flow *f;
	double offered, frames_ps; /* bytes/s and FC frames/s offered */
	double next_offered, next_frames;
	double outstanding,
	    next_outstanding; /* bytes the hosts using it keep outstanding at most */
	double issued;        /* synchronous: bytes the hosts sent on it since the last update */
	double cap;           /* demand cap: FC credits, INFINITY otherwise */
	bool draining;
	double backlog, sent_upd, off_cum, carried;
	dcs_time_t t_upd;
	struct bp bp[RPO_RING];
	int bp_first, bp_n;
	double rpo_s, max_backlog, max_rpo_s;
	int warned_need;
	int need_brocade, need_frames;
	bool fcip;          /* FC carried as FCIP on this channel's path */
	double window;      /* FCIP: the TCP window of the flow (bytes); 0: none */
	bool warned_native; /* native FC forced over a path that cannot carry it */
	double path_km;
	/* What limited the channel (summary limited_by): bytes carried under
	 * each net limit, [LIM_CAP] those under the demand while the demand
	 * was the transport's cap (FC credits, FCIP max-bandwidth); the current
	 * flow's counts already taken. */
	double lim_bytes[DCS_LIMIT_COUNT + 1];
	double lim_seen[DCS_LIMIT_COUNT];
	bool demand_is_cap;
	double peak_offered;
	double share_rate_Bps; /* the flow's rate when its link share last held it */
};

#define LIM_CAP DCS_LIMIT_COUNT

struct spath {
	uint32_t epoch;
	bool valid, ok;
	bool fc_native;     /* every link can carry native FC (tech.h fc_native) */
	dcs_time_t one_way; /* unloaded: the queues are read per I/O */
	double cap_Bps, km;
	int nh;            /* its hops, for the queues */
	int *links, *dirs; /* allocated on first use */
};

/* An I/O waiting out a mirror freeze (a write, at the site it was issued
 * from) or its VM's pause (issued from wherever the VM runs on resume). */
enum hold_kind { HOLD_FREEZE, HOLD_PAUSE };

struct held {
	dcs_time_t t_issue;
	int wl;
	int slot;
	int site;
	int8_t op;
	int8_t kind;
};

struct sto {
	struct dcs_world *w;
	const struct dcs_storage_cfg *cfg;
	int n_sites;
	int n_arrays;
	struct arr arr[2];
	int *array_at;
	int pref; /* index of the preferred array */
	struct wl *wls;
	size_t n_wls;
	uint32_t epoch;
	int *path_links;
	struct spath *sp; /* [a * n_sites + b] */
	/* per site */
	struct dcs_lathist *hist; /* [(site * 2 + op) * 2 + phase]: 0 normal, 1 disrupted (held) */
	uint64_t *failed, *divergent, *held_ios;
	dcs_time_t *held_max;
	int8_t *wstate; /* what the last DCS_NOTE_STORAGE_STATE said: plan kind of a write */
	dcs_time_t *unavail_ns, *unavail_since;
	bool *unavail_now, *relevant;
	/* channels, [src * n_sites + dst], created on first use */
	struct chan **chans;
	/* the active-active pair */
	struct {
		enum aa_state st;
		bool serving[2];
		int single;
		dcs_handle_t decide_ev;
		dcs_time_t since;
		double missed[2]; /* bytes written on array i that the other lacks */
		struct dcs_flow *resync;
		double resync_bytes;
		dcs_time_t resync_start;
		char resync_label[96];
		int resyncs, detaches;
		double resync_s;
	} aa;
	struct held *held;
	size_t n_held, cap_held;
	bool witness_up;
	bool witness_oob;
	double sync_ratio_max; /* largest RTT or distance / supported, so far */
	bool sync_over;
	struct dcs_table *repl;
	/* storage_series.csv: I/O completed since the last sample, per site,
	 * op and phase (NULL without sampling; then I/O goes straight to hist),
	 * and which site and op ever had I/O ([site * 2 + op]: they get a row
	 * every sample from then on).  Each I/O is added to one histogram: the
	 * window's, folded into hist when the window closes. */
	struct dcs_lathist *win; /* [(site * 2 + op) * 2 + held], as hist */
	bool *win_seen;
	struct dcs_lathist *win_all; /* scratch: a window's normal and held I/O */
	bool hist_live; /* a view holds hist (dcs_storage_latency): I/O goes into both */
	struct dcs_table *series;
	dcs_time_t series_t; /* the last row's time */
	dcs_time_t sample_ns;
	int64_t tick_k;
	bool started;
};

/* ---- network helpers and channels (storage_net.c) ---- */

void sto_oom(void);
const char *sto_site_id(const struct sto *m, int s);
dcs_time_t sto_now_of(const struct sto *m);
bool sto_site_up(const struct sto *m, int s);
dcs_time_t sto_leg_queue(struct sto *m, const struct leg *lg);
bool sto_reach(struct sto *m, int a, int b);
dcs_time_t storage_rtt(struct sto *m, int a, int b);
bool sto_witness_reach(struct sto *m, int s);
double sto_path_km(struct sto *m, int a, int b);
bool sto_fc_native(struct sto *m, int a, int b);
int sto_trips_n(struct sto *m, const struct wl *wl, int a, int b, int n);
dcs_time_t sto_net_time(struct sto *m, const struct wl *wl, int a, int b, int op);
dcs_time_t sto_mirror_time(struct sto *m, const struct wl *wl, int S, int R);
int sto_chan_id(struct sto *m, int src, int dst);
void sto_chan_take_limits(struct sto *m, struct chan *ch);
const char *sto_chan_cap_name(const struct chan *ch);
const char *sto_chan_limit_now(const struct chan *ch);
void sto_chan_update(struct sto *m, struct chan *ch);
dcs_time_t sto_chan_delay(struct sto *m, int c);
void sto_chan_set_offered(struct sto *m, struct chan *ch, double offered, double frames);
void sto_chan_transport(struct sto *m, struct chan *ch);

/* ---- plans (storage_plan.c) ---- */

int sto_array_index_at(const struct sto *m, int site);
void sto_plan_op(struct sto *m, const struct wl *wl, int h, int op, struct opplan *o);
const struct plan *sto_plan_get(struct sto *m, struct wl *wl, int site);
int sto_wl_site(const struct sto *m, const struct wl *wl);

/* ---- the closed loop of I/O (storage_io.c) ---- */

struct dcs_lathist *sto_site_hist(struct sto *m, int site, int op, bool disrupted);
void sto_resolve_held(struct sto *m);
void sto_release_paused(struct sto *m, struct wl *wl);
void sto_start_slots(struct sto *m, struct wl *wl);
void sto_settle(struct sto *m, dcs_time_t upto);
void sto_split_slots(struct sto *m, struct wl *wl, bool rethink);

/* ---- reacting to the world (storage_react.c) ---- */

void sto_update_unavailable(struct sto *m);
const char *sto_pair_name(const struct sto *m, char *buf, size_t n);
void sto_refresh(struct sto *m);
void sto_on_note(void *ctx, const struct dcs_note *n);
void sto_wl_on(struct dcs_kernel *k, void *ctx, const void *payload);
void sto_wl_off(struct dcs_kernel *k, void *ctx, const void *payload);
void sto_series_rows(struct sto *m, dcs_time_t now);
void sto_windows_fold(struct sto *m);
void sto_tick(struct dcs_kernel *k, void *ctx, const void *payload);

/* ---- outputs and declarations (storage_output.c) ---- */

double sto_wl_active_s(const struct sto *m, const struct wl *wl);
void sto_finish(struct dcs_world *w, void *state);
extern const struct dcs_metric_family storage_family;

#endif
