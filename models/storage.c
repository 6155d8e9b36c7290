/*
 * The storage model (SPEC §4.3): what a read or a write costs when the
 * storage is shared, mirrored or replicated across the DCI, and what happens
 * to I/O when the DCI, a site, an array or the witness fails.
 *
 * I/O.  Each workload is a closed loop (SPEC §6.2; reference
 * tcp-and-queues.md "Closed loops"): its host keeps at most `queue_depth` I/Os
 * outstanding, and each of those slots thinks an exponential time of mean
 * Z = queue_depth / iops, issues an I/O (share `read_ratio` reads,
 * `block_kib` each) from the workload's site or from wherever its VM runs
 * now, and waits for it.  `iops` is what the host offers (the loop's rate if
 * storage answered at once); with response time R it achieves
 * queue_depth / (R + Z) (Little's law), so when latency rises the achieved
 * rate falls instead of a backlog growing.  With many slots the arrivals are
 * Poisson at `iops`.  Stun slows the VM's slots (Z / speed); while its VM is
 * stopped for a switchover a slot's I/O is held and issued when it resumes.
 * An I/O costs two kernel events, its arrival and its completion: the array
 * queues (struct dcs_mcq, FIFO with `servers` servers, exponential or fixed
 * service of mean read_ms / write_ms) give each leg's completion time at
 * admission, so the completion event is scheduled at once with the whole
 * latency known, and the payload carries the issue time.
 *
 * Held I/O (a write waiting out a mirror freeze, any I/O waiting out its
 * VM's pause) is counted once (storage_held_ios, the longest wait) and its
 * latency, the wait included, goes to the disrupted phase of storage.csv;
 * the steady-state figures (phase normal, the summary's means and
 * percentiles) take only I/O that was never held.
 *
 * Latency of one I/O issued at site h whose volume is entered at array site S
 * (S = h when h has an array):
 *   access(h,S)  = 0 when h = S, else n_rtt x RTT(h,S) + bytes / rate(h,S)
 *                  + credit_rounds x RTT(h,S)
 *   shared       = access(h,P) + array response at P                 (P = preferred_site)
 *   active_active read  = access(h,S) + local array response
 *   active_active write = access(h,S) + max(local response,
 *                          n_rtt x RTT(S,R) + bytes / rate(S,R) + remote response
 *                          + backlog delay of the S->R replication)
 *   async        = access(h,S) + local array response; the write also feeds
 *                  the replication S->R.
 * n_rtt of a host reaching an array comes from the host protocol
 * (dcs_storage_*_round_trips: FC writes 2 or 1 with write acceleration,
 * iSCSI per its negotiated keys, NFS per pipelined RPC chunks, reads 1); the
 * mirror leg S->R between arrays takes storage.replication_round_trips
 * (default 1: array replication protocols send the data with the command,
 * e.g. SRDF/S single round trip SiRT, Huawei FastWrite; dci-facts.md §2.1,
 * §2.3 row 1), whatever the hosts speak.  RTT comes from the network now
 * (so degradation and rerouting count), rate(a,b) is the path's goodput
 * capacity (and the FC port's payload rate for FC).  Native FC (over dwdm,
 * or storage.fc.transport native) also waits credit_rounds; FCIP does not.  The path is the
 * network's, unless it transits the witness site: then the best path that avoids the witness (see
 * spath()).  Both arrays of a mirror take the write when it arrives: shifting the remote admission
 * by a constant would not change the queue's statistics, and keeps admissions in time order.
 *
 * Traffic.  Storage bytes crossing the DCI (mirror writes S->R, async
 * replication, and host I/O to a remote array) are one flow per ordered
 * site pair ("channel"), with infinite bytes and a demand equal to the mean
 * offered rate (sum of iops x share x bytes of the workloads using it), so
 * they show in links.csv and share the DCI with migrations by max-min
 * fairness.  For native FC the demand is capped at the buffer-credit limit
 * credits x frame payload / RTT (dcs_fc_credit_cap_Bps), with a warning that
 * names the credits the distance needs; for FCIP (the default over every
 * technology but dwdm) at the FCIP profile's max-bandwidth, and the flow is
 * a TCP flow with the profile's window (dcs_fcip_window_bytes).  Backlog is a fluid: it grows at
 * offered - carried (carried is the flow's exact byte count), and while it
 * is positive the flow asks for as much as the network (or the credits)
 * allow until it is drained.  A synchronous write waits behind the backlog
 * ahead of it: delay = backlog / current rate (FIFO drain); an asynchronous
 * write completes locally and the channel reports backlog and RPO, the age
 * of the oldest byte not yet at the replica (from the offered curve's
 * breakpoints) plus the one-way delay.  The per-write check is O(1) while
 * the flow carries its whole demand (no backlog can form); the backlog is
 * integrated whenever a write finds the flow short of its demand and at
 * every sample tick, so a dip shorter than the gap between two writes can be
 * missed.  A synchronous channel short of its demand grows by the bytes the
 * hosts actually sent, not the offered mean: their closed loops wait for
 * each write, so its backlog never exceeds the sum of queue_depth x block of
 * the workloads using it.
 *
 * Failures (active_active).  The mirror is up while both sites and arrays
 * are up and the array sites reach each other without transiting the
 * witness site (the witness arbitrates; it does not carry replication).
 * - An array failure alone: its site's hosts use the surviving array across
 *   the DCI at once (the distributed volume keeps its other leg); writes the
 *   failed array misses are resynchronised when it returns.
 * - A partition or a site failure: writes freeze (held, no completion yet)
 *   for detach_delay_s; reads stay local.  If the mirror returns first, the
 *   held writes complete then (plus their remote leg).  Otherwise the
 *   detach rule decides: with a witness that is up, the preferred site
 *   continues if it reaches the witness, else the other site if it does,
 *   else neither (an isolated site cannot know it is not the only one);
 *   without one (or with the witness down), the preferred site continues
 *   and the other suspends, or with split_brain "allow" every surviving
 *   site continues and its writes count as divergent.  Losing the preferred
 *   site without a witness therefore stalls both.  Held writes complete at
 *   the decision on a continuing site and fail on a suspended one.
 * - When the mirror returns after a detach, I/O resumes at once and a
 *   finite flow resynchronises the bytes written on one side only.
 * Shared storage fails for hosts that cannot reach the array; async writes
 * continue locally while the replication stalls and its RPO grows.  A
 * witness site with no links at all is taken as reached over a management
 * network outside the model.  "Unavailable" is time in which hosts at an up
 * site cannot write (frozen or suspended); failed I/O is I/O refused or
 * lost because of it.  w->q.site_writable answers the same question for
 * other models.
 *
 * Defaults and sources (../shared/reference/dci-facts.md): round trips §2.1
 * (Cisco MDS FCIP write acceleration; RFC 7143 iSCSI keys; SCST
 * MaxOutstandingR2T example; NFS per-chunk RPC, 64 KiB wsize/rsize in the
 * loader); FC credits §2.2 (Brocade FOS: km x Gbps / 2 + 6, 8 credits per
 * port default in the loader; SNIA per-frame table); detach delay 5 s §2.3
 * row 2 (metro node detach rule example), witness in a third failure domain
 * §2.3 row 3 and §5.2; supported distances of synchronous products in the
 * product table (sim/core/syncproducts.c, dci-facts.md §2.3; VPLEX/metro node 5 / 10 ms,
 * MetroCluster IP 7 ms and 700 km, vMSC 10 ms).  Array service figures (read
 * 0.5 ms, write 0.2 ms, 8 servers) are loader defaults for an all-flash
 * array with write cache, not sourced figures.  queue_depth 32 (loader):
 * VMware's per-LUN Disk.SchedNumReqOutstanding default and open-iscsi's
 * node.session.queue_depth; Linux FC drivers range from 30 to 64 (lpfc
 * lun_queue_depth 30, later 64; qla2xxx ql2xmaxqdepth 32, later 64).  The
 * formulas and the limits of the model are in docs/models.md §3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct wl {
	struct sto *m;
	const struct dcs_workload_cfg *cfg;
	int idx;
	char name[80];
	gsl_rng *rng;
	double think_ns; /* mean think time of one slot: queue_depth / iops / speed */
	int depth;       /* slots: I/Os outstanding at most */
	double speed;    /* its VM's speed (stun, auto-converge) */
	bool paused;     /* its VM is stopped: arrivals are held until it resumes */
	double read_ratio;
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
	/* storage_series.csv: I/O completed since the last sample, per site and
	 * op ([site * 2 + op]; NULL without sampling), and which ones ever had
	 * I/O (they get a row every sample from then on). */
	struct dcs_lathist *win;
	bool *win_seen;
	struct dcs_table *series;
	dcs_time_t series_t; /* the last row's time */
	dcs_time_t sample_ns;
	int64_t tick_k;
	bool started;
};

struct done_msg {
	dcs_time_t t_issue;
	uint32_t epoch;
	int32_t site;
	int32_t op;
	int32_t held; /* it waited out a freeze or a pause: the disrupted phase */
};

static void oom(void)
{
	fprintf(stderr, "dcisim: storage: out of memory\n");
	exit(DCS_EXIT_RUNTIME);
}

static const char *site_id(const struct sto *m, int s)
{
	return m->w->scn->sites[s].id;
}

static dcs_time_t now_of(const struct sto *m)
{
	return dcs_now(m->w->k);
}

/* ---- network helpers ---- */

static bool site_up(const struct sto *m, int s)
{
	return dcs_net_site_up(m->w->net, s);
}

/* The ECMP key of storage connections between two sites, either way, so
 * that a flow's ACKs and the I/O's reverse stretch take one path. */
static uint64_t pair_key(const struct sto *m, int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	return 0x570ull << 32 | (uint64_t)(lo * m->n_sites + hi + 1);
}

/* The path storage traffic takes between two sites: the network's path,
 * unless that transits the witness site (a witness arbitrates, it does not
 * carry replication); then the lowest-latency path over up links and sites
 * that avoids the witness, if any.  Cached per epoch: paths change only with
 * link and site notes, which start a new epoch. */
static const struct spath *spath(struct sto *m, int a, int b)
{
	struct spath *p = &m->sp[a * m->n_sites + b];
	if (p->epoch == m->epoch && p->valid)
		return p;
	struct dcs_net *net = m->w->net;
	const struct dcs_scenario *scn = m->w->scn;
	int W = m->cfg->witness_site, nl = (int)scn->n_links;
	int *keep_links = p->links, *keep_dirs = p->dirs;
	memset(p, 0, sizeof(*p));
	p->links = keep_links;
	p->dirs = keep_dirs;
	if (!p->links) {
		p->links = calloc((size_t)nl + 1, sizeof(int));
		p->dirs = calloc((size_t)nl + 1, sizeof(int));
		if (!p->links || !p->dirs)
			oom();
	}
	p->valid = true;
	p->epoch = m->epoch;
	p->cap_Bps = INFINITY;
	if (a == b) {
		p->ok = site_up(m, a);
		return p;
	}
	uint64_t key = pair_key(m, a, b);
	int hops = dcs_net_path_key(net, a, b, key, m->path_links, NULL, nl);
	bool transit = false;
	for (int i = 0, at = a; i < hops - 1; i++) {
		const struct dcs_link_cfg *l = &scn->links[m->path_links[i]];
		at = l->a == at ? l->b : l->a;
		transit |= at == W;
	}
	if (hops < 0 || !transit) {
		/* A route through a link that carries nothing (converging) is
		 * no path for I/O until routing moves. */
		p->ok = hops >= 0 && dcs_net_latency_now(net, a, b, key) != DCS_TIME_NEVER;
		p->one_way = p->ok ? dcs_net_one_way_base(net, a, b) : DCS_TIME_NEVER;
	} else {
		hops = dcs_net_path_avoiding(net, a, b, W, m->path_links, NULL, nl, &p->one_way);
		p->ok = hops >= 0;
	}
	p->fc_native = p->ok;
	/* Hops in order from a, with their directions for the queues. */
	for (int i = 0, at = a; p->ok && i < hops; i++) {
		int li = m->path_links[i];
		const struct dcs_link_cfg *l = &scn->links[li];
		double c = dcs_net_link_capacity_Bps(net, li);
		p->fc_native &= dcs_tech(l->technology)->fc_native;
		if (c < p->cap_Bps)
			p->cap_Bps = c;
		p->km += l->distance_km * l->route_factor;
		p->links[i] = li;
		p->dirs[i] = l->a == at ? 0 : 1;
		at = l->a == at ? l->b : l->a;
	}
	p->nh = p->ok ? hops : 0;
	return p;
}

/* Queueing delay on the storage path a -> b (net.h): an I/O meets the
 * queues at this instant of their cycle, so the latency distribution carries
 * their spread; `instant` false gives their mean. */
static double path_queue_s(struct sto *m, int a, int b, bool instant)
{
	const struct spath *p = spath(m, a, b);
	double q = 0;
	for (int i = 0; i < p->nh; i++)
		q += instant ? dcs_net_link_queue_now_s(m->w->net, p->links[i], p->dirs[i])
			     : dcs_net_link_queue_s(m->w->net, p->links[i], p->dirs[i]);
	return q;
}

static double path_queue_now_s(struct sto *m, int a, int b)
{
	return path_queue_s(m, a, b, true);
}

/* What the queues add to a leg issued now: each stretch's round trips pay
 * the queue both ways (the acknowledgement's direction is usually idle). */
static dcs_time_t leg_queue(struct sto *m, const struct leg *lg)
{
	double q = 0;
	for (int i = 0; i < lg->nseg; i++) {
		const struct seg *sg = &lg->seg[i];
		q +=
		    sg->n * (path_queue_now_s(m, sg->a, sg->b) + path_queue_now_s(m, sg->b, sg->a));
	}
	return q > 0 ? dcs_time_from_s(q) : 0;
}

static bool reach(struct sto *m, int a, int b)
{
	return spath(m, a, b)->ok;
}

static dcs_time_t storage_rtt(struct sto *m, int a, int b)
{
	const struct spath *p = spath(m, a, b);
	return p->ok ? 2 * p->one_way : DCS_TIME_NEVER;
}

static bool witness_reach(struct sto *m, int s)
{
	int W = m->cfg->witness_site;
	if (W < 0 || !m->witness_up || !site_up(m, W) || !site_up(m, s))
		return false;
	return m->witness_oob || dcs_net_reachable(m->w->net, s, W);
}

/* Goodput rate of the storage path a -> b (its narrowest link), and the FC
 * port's payload rate for FC. */
static double path_rate(struct sto *m, int a, int b)
{
	double r = spath(m, a, b)->cap_Bps;
	if (m->cfg->protocol == DCS_PROTO_FC) {
		double fc = dcs_fc_data_Bps(m->cfg->fc.speed_gbps);
		if (fc < r)
			r = fc;
	}
	return r;
}

static double path_km(struct sto *m, int a, int b)
{
	return spath(m, a, b)->km;
}

/* Does FC cross a -> b natively (buffer credits), rather than as FCIP?  The
 * scenario's fc.transport, else the path's technologies (tech.h fc_native:
 * native only over dwdm). */
static bool fc_native(struct sto *m, int a, int b)
{
	if (m->cfg->protocol != DCS_PROTO_FC)
		return false;
	if (m->cfg->fc.transport != DCS_FC_TRANSPORT_DEFAULT)
		return m->cfg->fc.transport == DCS_FC_NATIVE;
	return spath(m, a, b)->fc_native;
}

/* Network time of `n` round trips of one I/O of workload `wl` (NULL: a
 * zero-byte probe of one round trip) between sites a and b: the round trips,
 * the serialisation and, for native FC, the waits for credits. */
/* The round trips of `n` protocol round trips of one I/O of `wl` (NULL: a
 * probe, one) between a and b, with native FC's waits for credits. */
static int trips_n(struct sto *m, const struct wl *wl, int a, int b, int n)
{
	if (!wl)
		return 1;
	return fc_native(m, a, b) ? n + wl->credit_rounds : n;
}

static dcs_time_t trips_time(struct sto *m, const struct wl *wl, int a, int b, int n)
{
	if (a == b)
		return 0;
	dcs_time_t rtt = storage_rtt(m, a, b);
	if (rtt == DCS_TIME_NEVER)
		return 0;
	if (!wl)
		return rtt;
	n = trips_n(m, wl, a, b, n);
	double rate = path_rate(m, a, b);
	double ser = rate > 0 && isfinite(rate) ? wl->bytes / rate : 0;
	return n * rtt + dcs_time_from_s(ser);
}

/* A host at a doing one I/O on an array at b: the host protocol's round
 * trips (dcs_storage_*_round_trips). */
static dcs_time_t net_time(struct sto *m, const struct wl *wl, int a, int b, int op)
{
	return trips_time(m, wl, a, b, wl ? wl->rtt_n[op] : 1);
}

/* The mirror leg of a write, array S to array R: the arrays' replication
 * protocol, storage.replication_round_trips (1 by default), whatever the
 * hosts speak. */
static dcs_time_t mirror_time(struct sto *m, const struct wl *wl, int S, int R)
{
	return trips_time(m, wl, S, R, m->cfg->replication_round_trips);
}

/* ---- channels ---- */

static int chan_id(struct sto *m, int src, int dst)
{
	if (src == dst)
		return -1;
	int id = src * m->n_sites + dst;
	if (!m->chans[id]) {
		struct chan *c = calloc(1, sizeof(*c));
		if (!c)
			oom();
		c->src = src;
		c->dst = dst;
		c->async = m->cfg->mode == DCS_STORAGE_ASYNC;
		c->cap = INFINITY;
		c->reachable = true;
		c->t_upd = now_of(m);
		snprintf(c->label, sizeof(c->label), "storage %s->%s", site_id(m, src),
			 site_id(m, dst));
		m->chans[id] = c;
	}
	return id;
}

/* Takes the bytes the channel's flow carried under each limit since the
 * last call.  Called before the flow's demand changes or it stops, which
 * settle the network at this instant anyway, so it changes no result. */
static void chan_take_limits(struct sto *m, struct chan *ch)
{
	if (!ch->f)
		return;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++) {
		double b = dcs_flow_limit_bytes(m->w->net, ch->f, (enum dcs_limit)l);
		double d = b - ch->lim_seen[l];
		ch->lim_seen[l] = b;
		ch->lim_bytes[l == DCS_LIMIT_DEMAND && ch->demand_is_cap ? LIM_CAP : l] += d;
	}
	if (dcs_flow_limited_by(ch->f) == DCS_LIMIT_LINK_SHARE)
		ch->share_rate_Bps = dcs_flow_rate_Bps(ch->f);
}

/* What caps the channel's demand: FC buffer credits (native) or the FCIP
 * profile's max-bandwidth. */
static const char *chan_cap_name(const struct chan *ch)
{
	return ch->fcip ? "fcip_max_bandwidth" : "fc_credits";
}

/* The limit holding the channel now, in the words of replication.csv. */
static const char *chan_limit_now(const struct chan *ch)
{
	if (!ch->f)
		return "none";
	enum dcs_limit l = dcs_flow_limited_by(ch->f);
	if (l == DCS_LIMIT_DEMAND)
		return ch->demand_is_cap ? chan_cap_name(ch) : "offered_load";
	return dcs_limit_name(l);
}

static void chan_apply(struct sto *m, struct chan *ch)
{
	struct dcs_net *net = m->w->net;
	bool want = ch->offered > 0 || ch->backlog > 0;
	chan_take_limits(m, ch);
	if (ch->offered > ch->peak_offered)
		ch->peak_offered = ch->offered;
	if (!want) {
		if (ch->f)
			dcs_flow_stop(net, ch->f);
		ch->f = NULL;
		ch->sent_upd = 0;
		ch->draining = false;
		return;
	}
	double demand = ch->draining ? ch->cap : fmin(ch->offered, ch->cap);
	ch->demand_is_cap = isfinite(ch->cap) && demand == ch->cap;
	if (!ch->f) {
		memset(ch->lim_seen, 0, sizeof(ch->lim_seen));
		struct dcs_flow_spec spec = {.src = ch->src,
					     .dst = ch->dst,
					     .bytes = INFINITY,
					     .demand_Bps = demand,
					     .streams = 1,
					     .window_bytes = ch->window,
					     .offered = !ch->draining,
					     .key = pair_key(m, ch->src, ch->dst),
					     .label = ch->label};
		ch->f = dcs_flow_start(net, &spec);
		if (!ch->f)
			oom();
		ch->sent_upd = 0;
		ch->used = true;
	} else {
		dcs_flow_set_load(net, ch->f, demand, !ch->draining);
	}
}

static void rpo_push(struct chan *ch, dcs_time_t t)
{
	if (ch->bp_n == RPO_RING) {
		ch->bp_first = (ch->bp_first + 1) % RPO_RING;
		ch->bp_n--;
	}
	struct bp *b = &ch->bp[(ch->bp_first + ch->bp_n) % RPO_RING];
	b->t = t;
	b->cum = ch->off_cum;
	b->slope = ch->offered;
	ch->bp_n++;
}

/* Age of the oldest byte not yet replicated, from the offered curve. */
static double rpo_age_s(struct chan *ch, dcs_time_t now)
{
	double pos = ch->off_cum - ch->backlog;
	while (ch->bp_n >= 2 && ch->bp[(ch->bp_first + 1) % RPO_RING].cum <= pos) {
		ch->bp_first = (ch->bp_first + 1) % RPO_RING;
		ch->bp_n--;
	}
	if (ch->bp_n == 0)
		return 0;
	const struct bp *b = &ch->bp[ch->bp_first];
	double t_o = dcs_time_to_s(b->t);
	if (b->slope > 0 && pos > b->cum)
		t_o += (pos - b->cum) / b->slope;
	double age = dcs_time_to_s(now) - t_o;
	return age > 0 ? age : 0;
}

/* Integrates the channel's backlog up to now and switches between following
 * the offered rate and draining a backlog. */
static void chan_update(struct sto *m, struct chan *ch)
{
	dcs_time_t now = now_of(m);
	double dt = dcs_time_to_s(now - ch->t_upd);
	double sent = ch->f ? dcs_flow_sent(m->w->net, ch->f) : 0;
	double carried = ch->f ? sent - ch->sent_upd : 0;
	ch->sent_upd = sent;
	ch->t_upd = now;
	ch->carried += carried;
	ch->off_cum += ch->offered * dt;
	/* A synchronous channel short of its demand queues what the hosts'
	 * closed loops actually sent, so it never holds more than their queue
	 * depths allow (while its flow carries the whole demand no backlog
	 * forms); the asynchronous replication takes the offered rate. */
	bool whole = ch->f && !ch->draining && dcs_flow_rate_Bps(ch->f) >= ch->offered * (1 - 1e-9);
	ch->backlog += (ch->async ? ch->offered * dt : whole ? carried : ch->issued) - carried;
	ch->issued = 0;
	if (!ch->async && ch->backlog > ch->outstanding)
		ch->backlog = ch->outstanding;
	if (ch->backlog < BACKLOG_EPS)
		ch->backlog = 0;
	if (ch->backlog > ch->max_backlog)
		ch->max_backlog = ch->backlog;
	if (ch->async) {
		double rpo = ch->backlog > 0 ? rpo_age_s(ch, now) : 0;
		const struct spath *p = spath(m, ch->src, ch->dst);
		if (p->ok)
			rpo += dcs_time_to_s(p->one_way) + path_queue_s(m, ch->src, ch->dst, false);
		ch->rpo_s = rpo;
		if (rpo > ch->max_rpo_s)
			ch->max_rpo_s = rpo;
	}
	bool drain = ch->backlog > 0;
	if (drain != ch->draining) {
		ch->draining = drain;
		chan_apply(m, ch);
	}
}

/* How long a synchronous transfer on this channel waits behind its backlog. */
static dcs_time_t chan_delay(struct sto *m, int c)
{
	if (c < 0)
		return 0;
	struct chan *ch = m->chans[c];
	if (!ch->f)
		return 0;
	if (!ch->draining && dcs_flow_rate_Bps(ch->f) >= ch->offered * (1 - 1e-9))
		return 0;
	chan_update(m, ch);
	if (ch->backlog <= 0 || !ch->f)
		return 0;
	double rate = dcs_flow_rate_Bps(ch->f);
	if (rate <= 0)
		return MAX_DELAY;
	double s = ch->backlog / rate;
	return s * 1e9 >= (double)MAX_DELAY ? MAX_DELAY : dcs_time_from_s(s);
}

static void chan_set_offered(struct sto *m, struct chan *ch, double offered, double frames)
{
	chan_update(m, ch);
	ch->frames_ps = frames;
	if (offered == ch->offered)
		return;
	ch->offered = offered;
	if (!ch->async && offered == 0) {
		/* A synchronous channel that stops carrying writes has none left
		 * to deliver: they were held, failed or are resynchronised. */
		ch->backlog = 0;
		ch->issued = 0;
		ch->bp_n = 0;
	}
	if (ch->backlog == 0)
		ch->bp_n = 0;
	rpo_push(ch, now_of(m));
	ch->draining = ch->backlog > 0;
	chan_apply(m, ch);
}

/* Native FC: the cap the buffer credits put on the channel, and a warning
 * when the distance needs more than the ISL has. */
static void chan_credits(struct sto *m, struct chan *ch, double *cap_out)
{
	double speed = m->cfg->fc.speed_gbps;
	int credits = m->cfg->fc.bb_credits;
	double payload =
	    ch->next_frames > 0 ? ch->next_offered / ch->next_frames : DCS_FC_FRAME_PAYLOAD;
	dcs_time_t rtt = storage_rtt(m, ch->src, ch->dst);
	double cap = dcs_fc_credit_cap_Bps(credits, payload, rtt, speed);
	ch->path_km = path_km(m, ch->src, ch->dst);
	ch->need_brocade = dcs_fc_credits_brocade(ch->path_km, speed);
	ch->need_frames = dcs_fc_credits_for_frames(rtt, payload, speed);
	int need = ch->need_brocade > ch->need_frames ? ch->need_brocade : ch->need_frames;
	double line = dcs_fc_credit_cap_Bps(1 << 30, payload, rtt, speed);
	bool starved = cap < line * (1 - 1e-12);
	*cap_out = cap;
	/* One warning per site pair and figure: both directions need the same. */
	struct chan *rev = m->chans[ch->dst * m->n_sites + ch->src];
	if (credits < need && need != ch->warned_need && (!rev || need != rev->warned_need)) {
		ch->warned_need = need;
		if (rev)
			rev->warned_need = need;
		dcs_warn(m->w->res, now_of(m), "storage",
			 "FC %s->%s: %.4g km at %gGFC needs %d buffer credits by the Brocade rule "
			 "(km x Gbps / 2 + 6) and %d for %.0f-byte frames at RTT %.4g ms; with %d "
			 "credits %s %.4g MB/s (%.4g Gbps)",
			 site_id(m, ch->src), site_id(m, ch->dst), ch->path_km, speed,
			 ch->need_brocade, ch->need_frames, payload, dcs_time_to_ms(rtt), credits,
			 starved ? "replication is capped at" : "the port still carries", cap / 1e6,
			 cap * 8 / 1e9);
	}
}

/* How FC crosses the channel's path and what that caps: native FC over
 * optical transport is capped by its buffer credits (chan_credits); FCIP is
 * a TCP flow whose window the FCIP profile sizes from its max-bandwidth and
 * the path's RTT (dcs_fcip_window_bytes), sending no faster than the
 * max-bandwidth, and has no credit rule.  A window change restarts the flow
 * (the bytes already carried stay counted). */
static void chan_transport(struct sto *m, struct chan *ch)
{
	if (m->cfg->protocol != DCS_PROTO_FC || ch->next_offered <= 0 ||
	    !reach(m, ch->src, ch->dst))
		return;
	bool native = fc_native(m, ch->src, ch->dst);
	double cap, window = 0;
	ch->fcip = !native;
	if (native) {
		chan_credits(m, ch, &cap);
		if (!spath(m, ch->src, ch->dst)->fc_native && !ch->warned_native) {
			ch->warned_native = true;
			dcs_warn(m->w->res, now_of(m), "storage",
				 "FC %s->%s: storage.fc.transport is native but the path crosses "
				 "links that are not optical transport (dwdm); native FC cannot "
				 "ride them (FCIP would)",
				 site_id(m, ch->src), site_id(m, ch->dst));
		}
	} else {
		ch->need_brocade = ch->need_frames = 0;
		cap = m->cfg->fc.fcip_max_bandwidth_mbps * 1e6 / 8;
		window = dcs_fcip_window_bytes(m->cfg->fc.fcip_max_bandwidth_mbps,
					       m->cfg->fc.fcip_rtt_ms,
					       dcs_time_to_s(storage_rtt(m, ch->src, ch->dst)));
	}
	if (cap == ch->cap && window == ch->window)
		return;
	chan_update(m, ch);
	ch->cap = cap;
	if (window != ch->window && ch->f) {
		chan_take_limits(m, ch);
		dcs_flow_stop(m->w->net, ch->f);
		ch->f = NULL;
		ch->sent_upd = 0;
	}
	ch->window = window;
	chan_apply(m, ch);
}

/* ---- plans: how an I/O from a site is served in the current state ---- */

static int array_index_at(const struct sto *m, int site)
{
	return m->array_at[site];
}

/* The array a host at h enters: its own site's, else the nearest reachable
 * (the preferred one on a tie). */
static int entry_array(struct sto *m, int h)
{
	int a = array_index_at(m, h);
	if (a >= 0)
		return a;
	int best = -1;
	dcs_time_t best_rtt = DCS_TIME_NEVER;
	for (int k = 0; k < m->n_arrays; k++) {
		int i = (m->pref + k) % m->n_arrays;
		if (!reach(m, h, m->arr[i].site))
			continue;
		dcs_time_t r = storage_rtt(m, h, m->arr[i].site);
		if (best < 0 || r < best_rtt) {
			best = i;
			best_rtt = r;
		}
	}
	return best;
}

static struct leg *add_leg(struct opplan *o, int array, int chan, dcs_time_t extra)
{
	struct leg *lg = &o->leg[o->nlegs++];
	lg->array = array;
	lg->chan = chan;
	lg->extra = extra;
	lg->nseg = 0;
	return lg;
}

/* The round trips of one I/O of `wl` (NULL: a probe) from a to b, whose
 * queues it pays when issued. */
static void add_seg(struct leg *lg, int a, int b, int n)
{
	if (a == b)
		return;
	struct seg *sg = &lg->seg[lg->nseg++];
	sg->a = a;
	sg->b = b;
	sg->n = n;
}

/* The host at h reaches array i: one leg, with its access channel. */
static void serve_via(struct sto *m, const struct wl *wl, int h, int op, int i, struct opplan *o)
{
	int S = m->arr[i].site;
	if (!m->arr[i].up || !reach(m, h, S)) {
		o->kind = PLAN_FAIL;
		return;
	}
	o->kind = PLAN_SERVE;
	if (h != S)
		o->access_chan = op == DCS_OP_WRITE ? chan_id(m, h, S) : chan_id(m, S, h);
	add_seg(add_leg(o, i, -1, net_time(m, wl, h, S, op)), h, S,
		trips_n(m, wl, h, S, wl ? wl->rtt_n[op] : 1));
}

static void plan_aa(struct sto *m, const struct wl *wl, int h, int op, struct opplan *o)
{
	int i = entry_array(m, h);
	if (i < 0) {
		o->kind = PLAN_FAIL;
		return;
	}
	int j = 1 - i;
	switch (m->aa.st) {
	case AA_MIRROR:
		serve_via(m, wl, h, op, i, o);
		if (o->kind == PLAN_SERVE && op == DCS_OP_WRITE) {
			int S = m->arr[i].site, R = m->arr[j].site;
			struct leg *lg = add_leg(o, j, chan_id(m, S, R),
						 o->leg[0].extra + mirror_time(m, wl, S, R));
			lg->nseg = o->leg[0].nseg;
			lg->seg[0] = o->leg[0].seg[0];
			add_seg(lg, S, R, trips_n(m, wl, S, R, m->cfg->replication_round_trips));
		}
		return;
	case AA_FROZEN:
		if (op == DCS_OP_WRITE) {
			o->kind = reach(m, h, m->arr[i].site) ? PLAN_HOLD : PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, i, o);
		return;
	case AA_DETACHED:
		if (!m->aa.serving[i]) {
			o->kind = PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, i, o);
		o->divergent = op == DCS_OP_WRITE && m->aa.serving[j];
		o->one_sided = op == DCS_OP_WRITE;
		return;
	case AA_SINGLE:
		if (m->aa.single < 0) {
			o->kind = PLAN_FAIL;
			return;
		}
		serve_via(m, wl, h, op, m->aa.single, o);
		o->one_sided = op == DCS_OP_WRITE;
		return;
	}
}

/* The array holding a workload's volume (shared, async): its site's array,
 * or for a VM the array where the VM started, else the preferred array. */
static int volume_array(const struct sto *m, const struct wl *wl, int h)
{
	if (wl)
		return wl->primary;
	int a = array_index_at(m, h);
	return a >= 0 ? a : m->pref;
}

static void plan_op(struct sto *m, const struct wl *wl, int h, int op, struct opplan *o)
{
	memset(o, 0, sizeof(*o));
	o->access_chan = o->async_chan = -1;
	if (!site_up(m, h)) {
		o->kind = PLAN_IDLE;
		return;
	}
	switch (m->cfg->mode) {
	case DCS_STORAGE_SHARED:
		serve_via(m, wl, h, op, 0, o);
		return;
	case DCS_STORAGE_ASYNC: {
		int i = volume_array(m, wl, h);
		serve_via(m, wl, h, op, i, o);
		if (o->kind == PLAN_SERVE && op == DCS_OP_WRITE)
			o->async_chan = chan_id(m, m->arr[i].site, m->arr[1 - i].site);
		return;
	}
	case DCS_STORAGE_ACTIVE_ACTIVE:
		plan_aa(m, wl, h, op, o);
		return;
	}
}

static const struct plan *plan_get(struct sto *m, struct wl *wl, int site)
{
	struct plan *p = &wl->plan;
	if (p->epoch != m->epoch || p->site != site) {
		p->epoch = m->epoch;
		p->site = site;
		plan_op(m, wl, site, DCS_OP_READ, &p->op[DCS_OP_READ]);
		plan_op(m, wl, site, DCS_OP_WRITE, &p->op[DCS_OP_WRITE]);
	}
	return p;
}

static int wl_site(const struct sto *m, const struct wl *wl)
{
	return wl->cfg->vm >= 0 ? dcs_world_vm_site(m->w, wl->cfg->vm) : wl->cfg->site;
}

/* ---- recording ---- */

static struct dcs_lathist *site_hist(struct sto *m, int site, int op, bool disrupted)
{
	return &m->hist[(site * 2 + op) * 2 + disrupted];
}

/* A completed I/O: steady-state figures take only I/O that was never held;
 * the series over time (storage_series.csv) takes every one. */
static void record(struct sto *m, struct wl *wl, int site, int op, dcs_time_t lat, bool held)
{
	dcs_lathist_add(site_hist(m, site, op, held), lat);
	if (m->win) {
		dcs_lathist_add(&m->win[site * 2 + op], lat);
		m->win_seen[site * 2 + op] = true;
	}
	wl->done++;
	if (held)
		return;
	wl->lat_sum_ns[op] += lat;
	wl->lat_n[op]++;
	if (op == DCS_OP_WRITE)
		dcs_lathist_add(wl->writes, lat);
	if (wl->cfg->vm >= 0) {
		int ph = site != wl->home_site;
		if (!wl->phase[ph][op]) {
			wl->phase[ph][op] = calloc(1, sizeof(struct dcs_lathist));
			if (!wl->phase[ph][op])
				oom();
		}
		dcs_lathist_add(wl->phase[ph][op], lat);
	}
}

static void count_write(struct sto *m, const struct wl *wl, int site, const struct opplan *o,
			int array)
{
	if (o->divergent)
		m->divergent[site]++;
	if (o->one_sided)
		m->aa.missed[array] += wl->bytes;
}

/* Holds an I/O; `again` when it was held before (it is counted once). */
static void hold(struct sto *m, struct wl *wl, dcs_time_t t_issue, int site, int op,
		 enum hold_kind kind, bool again)
{
	if (m->n_held == m->cap_held) {
		size_t cap = m->cap_held ? 2 * m->cap_held : 1024;
		struct held *h = realloc(m->held, cap * sizeof(*h));
		if (!h)
			oom();
		m->held = h;
		m->cap_held = cap;
	}
	m->held[m->n_held++] = (struct held){t_issue, wl->idx, site, (int8_t)op, (int8_t)kind};
	if (again)
		return;
	wl->held++;
	wl->pause_held += kind == HOLD_PAUSE;
	m->held_ios[site]++;
}

/* An I/O leaves the hold after waiting since t_issue. */
static void unhold(struct sto *m, struct wl *wl, int site, dcs_time_t t_issue)
{
	dcs_time_t wait = now_of(m) - t_issue;
	if (wait > wl->held_max)
		wl->held_max = wait;
	if (wait > m->held_max[site])
		m->held_max[site] = wait;
}

/* ---- the closed loop: slots think, issue, wait for completion ---- */

static dcs_time_t draw_exp_ns(gsl_rng *r, double mean_ns)
{
	/* A tiny rate (iops 1e-12) draws gaps beyond any horizon, and beyond
	 * int64: capped at 2^62 ns (146 years; horizons are at most 1e9 s). */
	double ns = dcs_ran_exponential(r, mean_ns) + 0.5;
	return ns < 0x1p62 ? (dcs_time_t)ns : (dcs_time_t)1 << 62;
}

static void on_arrival(struct dcs_kernel *k, void *ctx, const void *payload);

/* A slot that is free at `from` thinks, then issues its next I/O, unless
 * the workload has stopped by then. */
static void think(struct sto *m, struct wl *wl, dcs_time_t from)
{
	dcs_time_t next = from + draw_exp_ns(wl->rng, wl->think_ns);
	if (next < wl->t_off && next <= m->w->horizon)
		dcs_schedule(m->w->k, next, on_arrival, wl, NULL, 0);
}

static void on_done(struct dcs_kernel *k, void *ctx, const void *payload);

/* Admits an I/O to the arrays of its plan now and schedules its completion. */
static void serve(struct sto *m, struct wl *wl, int site, int op, const struct opplan *o,
		  dcs_time_t t_issue, bool held)
{
	dcs_time_t now = now_of(m), done = now;
	for (int l = 0; l < o->nlegs; l++) {
		struct arr *a = &m->arr[o->leg[l].array];
		dcs_time_t service =
		    a->fixed ? (dcs_time_t)a->mean_ns[op] : draw_exp_ns(a->rng, a->mean_ns[op]);
		dcs_time_t t = dcs_mcq_admit(&a->q, now, service) + o->leg[l].extra +
			       leg_queue(m, &o->leg[l]) + chan_delay(m, o->leg[l].chan);
		if (t > done)
			done = t;
		if (o->leg[l].chan >= 0)
			m->chans[o->leg[l].chan]->issued += wl->bytes;
	}
	done += chan_delay(m, o->access_chan);
	if (o->access_chan >= 0)
		m->chans[o->access_chan]->issued += wl->bytes;
	if (o->async_chan >= 0)
		chan_delay(m, o->async_chan); /* keeps the backlog current */
	if (op == DCS_OP_WRITE && (o->divergent || o->one_sided))
		count_write(m, wl, site, o, o->leg[0].array);
	struct done_msg d = {
	    .t_issue = t_issue, .epoch = m->epoch, .site = site, .op = op, .held = held};
	dcs_schedule(m->w->k, done, on_done, wl, &d, sizeof(d));
}

/* Issues an I/O from wherever the workload's host is now; `held` when it
 * already waited out a pause. */
static void issue(struct sto *m, struct wl *wl, int op, dcs_time_t t_issue, bool held)
{
	int site = wl_site(m, wl);
	const struct opplan *o = &plan_get(m, wl, site)->op[op];
	m->relevant[site] = true;
	switch (o->kind) {
	case PLAN_SERVE:
		serve(m, wl, site, op, o, t_issue, held);
		return;
	case PLAN_HOLD:
		hold(m, wl, t_issue, site, op, HOLD_FREEZE, held);
		return;
	case PLAN_FAIL:
		m->failed[site]++;
		break;
	case PLAN_IDLE:
		break;
	}
	think(m, wl, now_of(m)); /* refused at once: the slot is free again */
}

/* After a pass over the first n held I/Os that kept `keep` of them in
 * place: the ones held again during the pass (appended after n) follow. */
static void drop_released(struct sto *m, size_t keep, size_t n)
{
	if (m->n_held > n)
		memmove(m->held + keep, m->held + n, (m->n_held - n) * sizeof(*m->held));
	m->n_held = keep + (m->n_held - n);
}

/* Held I/O of the mirror freeze completes (healed: plus its remote leg) or
 * fails, now that the mirror's state is decided. */
static void resolve_held(struct sto *m)
{
	size_t keep = 0, n = m->n_held;
	/* Released I/O may be held again (appended): look at the first n only. */
	for (size_t k = 0; k < n; k++) {
		struct held h = m->held[k];
		struct wl *wl = &m->wls[h.wl];
		if (h.kind != HOLD_FREEZE) {
			m->held[keep++] = h;
			continue;
		}
		struct opplan o;
		plan_op(m, wl, h.site, h.op, &o);
		if (o.kind == PLAN_HOLD) {
			m->held[keep++] = h;
			continue;
		}
		unhold(m, wl, h.site, h.t_issue);
		if (o.kind == PLAN_SERVE) {
			serve(m, wl, h.site, h.op, &o, h.t_issue, true);
		} else {
			m->failed[h.site]++;
			think(m, wl, now_of(m));
		}
	}
	drop_released(m, keep, n);
}

/* The VM of `wl` resumed: what it held is issued now, from its new site. */
static void release_paused(struct sto *m, struct wl *wl)
{
	size_t keep = 0, n = m->n_held;
	for (size_t k = 0; k < n; k++) {
		struct held h = m->held[k];
		if (h.kind != HOLD_PAUSE || h.wl != wl->idx) {
			m->held[keep++] = h;
			continue;
		}
		unhold(m, wl, h.site, h.t_issue);
		issue(m, wl, h.op, h.t_issue, true);
	}
	drop_released(m, keep, n);
}

/* ---- events: arrivals and completions ---- */

static void on_done(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct wl *wl = ctx;
	struct sto *m = wl->m;
	struct done_msg d;
	memcpy(&d, payload, sizeof(d));
	if (d.epoch != m->epoch) {
		/* The world changed while the I/O was in flight: does it still
		 * complete as planned? */
		struct opplan o;
		plan_op(m, wl, d.site, d.op, &o);
		if (o.kind == PLAN_HOLD) {
			hold(m, wl, d.t_issue, d.site, d.op, HOLD_FREEZE, d.held);
			return;
		}
		if (o.kind != PLAN_SERVE) {
			m->failed[d.site]++;
			think(m, wl, dcs_now(k));
			return;
		}
	}
	record(m, wl, d.site, d.op, dcs_now(k) - d.t_issue, d.held);
	think(m, wl, dcs_now(k));
}

/* A slot's think time ended: it issues an I/O, or holds it while its VM is
 * stopped. */
static void on_arrival(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct wl *wl = ctx;
	struct sto *m = wl->m;
	if (dcs_now(k) >= wl->t_off)
		return;
	int op = gsl_rng_uniform(wl->rng) < wl->read_ratio ? DCS_OP_READ : DCS_OP_WRITE;
	if (wl->paused) {
		hold(m, wl, dcs_now(k), wl_site(m, wl), op, HOLD_PAUSE, false);
		return;
	}
	issue(m, wl, op, dcs_now(k), false);
}

/* The workload's slots start thinking. */
static void start_slots(struct sto *m, struct wl *wl)
{
	wl->active = true;
	for (int i = 0; i < wl->depth; i++)
		think(m, wl, now_of(m));
}

/* ---- reacting to the world ---- */

static void recompute_offered(struct sto *m)
{
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	for (size_t c = 0; c < nn; c++)
		if (m->chans[c])
			m->chans[c]->next_offered = m->chans[c]->next_frames =
			    m->chans[c]->next_outstanding = 0;
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		if (!wl->active)
			continue;
		const struct plan *p = plan_get(m, wl, wl_site(m, wl));
		double frames = ceil(wl->bytes / DCS_FC_FRAME_PAYLOAD - 1e-12);
		for (int op = 0; op < 2; op++) {
			const struct opplan *o = &p->op[op];
			if (o->kind != PLAN_SERVE)
				continue;
			/* The offered rate, slowed with the VM and nothing while it
			 * is paused. */
			double ios = (wl->paused ? 0 : wl->cfg->iops * wl->speed) *
				     (op == DCS_OP_READ ? wl->read_ratio : 1 - wl->read_ratio);
			int cs[4] = {o->access_chan, o->async_chan, -1, -1};
			for (int l = 0; l < o->nlegs; l++)
				cs[2 + l] = o->leg[l].chan;
			for (int c = 0; c < 4; c++) {
				if (cs[c] < 0)
					continue;
				m->chans[cs[c]]->next_offered += ios * wl->bytes;
				m->chans[cs[c]]->next_frames += ios * frames;
				m->chans[cs[c]]->next_outstanding += wl->depth * wl->bytes;
			}
		}
	}
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch)
			continue;
		chan_transport(m, ch);
		chan_update(m, ch);
		ch->outstanding = ch->next_outstanding;
		chan_set_offered(m, ch, ch->next_offered, ch->next_frames);
		bool r = reach(m, ch->src, ch->dst);
		if (ch->async && ch->used && r != ch->reachable)
			dcs_event(m->w->res, now_of(m),
				  r ? "storage_replication_resumed" : "storage_replication_stalled",
				  ch->label + 8, "backlog %.6g MiB", ch->backlog / 1048576.0);
		ch->reachable = r;
	}
}

static void update_unavailable(struct sto *m)
{
	dcs_time_t now = now_of(m);
	for (int s = 0; s < m->n_sites; s++) {
		if (m->unavail_now[s])
			m->unavail_ns[s] += now - m->unavail_since[s];
		m->unavail_since[s] = now;
		struct opplan o;
		plan_op(m, NULL, s, DCS_OP_WRITE, &o);
		m->unavail_now[s] = o.kind == PLAN_HOLD || o.kind == PLAN_FAIL;
	}
}

/* Tells the other models where hosts may write now (DCS_NOTE_STORAGE_STATE),
 * for each site whose answer changed. */
static void publish_writable(struct sto *m)
{
	for (int s = 0; s < m->n_sites; s++) {
		struct opplan o;
		plan_op(m, NULL, s, DCS_OP_WRITE, &o);
		enum plan_kind was = (enum plan_kind)m->wstate[s];
		m->wstate[s] = (int8_t)o.kind;
		if ((was == PLAN_SERVE) == (o.kind == PLAN_SERVE) &&
		    (was == PLAN_HOLD) == (o.kind == PLAN_HOLD))
			continue;
		struct dcs_note n = {.kind = DCS_NOTE_STORAGE_STATE,
				     .index = s,
				     .up = o.kind == PLAN_SERVE,
				     .degraded = o.kind == PLAN_HOLD};
		dcs_bus_publish(m->w->bus, &n);
	}
}

static const char *pair_name(const struct sto *m, char *buf, size_t n);

/* The synchronous mirror against its product class's supported distance
 * (dcisim/syncproducts.h), on the path it takes now: the largest ratio seen
 * goes to summary.csv, and each time it passes 1 events.csv says so (the
 * loader already warned from the nominal path). */
static void sync_check(struct sto *m)
{
	if (m->cfg->mode != DCS_STORAGE_ACTIVE_ACTIVE || m->n_arrays < 2)
		return;
	int a = m->arr[0].site, b = m->arr[1].site;
	if (!reach(m, a, b))
		return;
	double rtt_ms = dcs_time_to_ms(storage_rtt(m, a, b));
	double km = path_km(m, a, b);
	int row = dcs_sync_limit_row(m->cfg->sync_product, rtt_ms, km);
	double ratio = dcs_sync_limit_ratio(m->cfg->sync_product, rtt_ms, km);
	if (ratio > m->sync_ratio_max)
		m->sync_ratio_max = ratio;
	bool over = ratio > 1;
	if (over && !m->sync_over) {
		const struct dcs_sync_product *p = dcs_sync_product(row);
		char pair[96];
		dcs_event(m->w->res, now_of(m), "storage_sync_unsupported",
			  pair_name(m, pair, sizeof(pair)),
			  "RTT %.4g ms over %.4g km is %.3g x the supported distance of %s "
			  "(%g ms RTT, %g km; 0: none stated; %s)",
			  rtt_ms, km, ratio, p->label, p->max_rtt_ms, p->max_km, p->source);
	}
	m->sync_over = over;
}

static void start_resync(struct sto *m, int from, int to, double bytes);

static void aa_decide(struct sto *m);

static void decide_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct sto *m = ctx;
	m->aa.decide_ev = 0;
	aa_decide(m);
}

static void refresh(struct sto *m);

static const char *pair_name(const struct sto *m, char *buf, size_t n)
{
	snprintf(buf, n, "%s-%s", site_id(m, m->arr[0].site), site_id(m, m->arr[1].site));
	return buf;
}

/* The detach rule, at the end of detach_delay_s. */
static void aa_decide(struct sto *m)
{
	int p = m->pref, o = 1 - p;
	bool alive[2];
	for (int i = 0; i < 2; i++)
		alive[i] = site_up(m, m->arr[i].site) && m->arr[i].up;
	bool witness =
	    m->cfg->witness_site >= 0 && m->witness_up && site_up(m, m->cfg->witness_site);
	const char *why;
	m->aa.serving[0] = m->aa.serving[1] = false;
	if (witness) {
		if (alive[p] && witness_reach(m, m->arr[p].site)) {
			m->aa.serving[p] = true;
			why = "preferred site, witness reachable";
		} else if (alive[o] && witness_reach(m, m->arr[o].site)) {
			m->aa.serving[o] = true;
			why = "chosen by the witness";
		} else {
			why = "no site reaches the witness";
		}
	} else if (m->cfg->split_brain == DCS_SPLIT_ALLOW) {
		m->aa.serving[p] = alive[p];
		m->aa.serving[o] = alive[o];
		why = "no witness, split_brain allow";
	} else {
		m->aa.serving[p] = alive[p];
		why = alive[p] ? "preferred site, no witness" : "preferred site lost, no witness";
	}
	m->aa.st = AA_DETACHED;
	m->aa.detaches++;
	dcs_time_t now = now_of(m);
	char pair[96];
	pair_name(m, pair, sizeof(pair));
	if (m->aa.serving[0] && m->aa.serving[1])
		dcs_event(m->w->res, now, "storage_split_brain", pair,
			  "both sites keep writing (%s); their writes diverge", why);
	for (int i = 0; i < 2; i++) {
		if (!site_up(m, m->arr[i].site))
			continue;
		if (m->aa.serving[i])
			dcs_event(m->w->res, now, "storage_detach", site_id(m, m->arr[i].site),
				  "continues alone (%s)", why);
		else
			dcs_event(m->w->res, now, "storage_suspend", site_id(m, m->arr[i].site),
				  "suspends I/O (%s)", why);
	}
	refresh(m);
	resolve_held(m);
}

/* The mirror's state from what is up and reachable now. */
static void aa_evaluate(struct sto *m)
{
	int s0 = m->arr[0].site, s1 = m->arr[1].site;
	bool sites = site_up(m, s0) && site_up(m, s1);
	bool link = sites && reach(m, s0, s1);
	bool arrays = m->arr[0].up && m->arr[1].up;
	dcs_time_t now = now_of(m);
	char pair[96];
	pair_name(m, pair, sizeof(pair));
	bool whole = link && arrays;
	switch (m->aa.st) {
	case AA_MIRROR:
		if (whole)
			return;
		if (link) {
			/* An array failed: the other leg serves both sites. */
			m->aa.st = AA_SINGLE;
			m->aa.single = m->arr[0].up ? 0 : m->arr[1].up ? 1 : -1;
			m->aa.since = now;
			if (m->aa.single >= 0)
				dcs_event(m->w->res, now, "storage_array_failover", pair,
					  "array at %s is down; %s serves both sites",
					  site_id(m, m->arr[1 - m->aa.single].site),
					  site_id(m, m->arr[m->aa.single].site));
			else
				dcs_event(m->w->res, now, "storage_array_failover", pair,
					  "both arrays are down");
			return;
		}
		m->aa.st = AA_FROZEN;
		m->aa.since = now;
		dcs_event(m->w->res, now, "storage_freeze", pair,
			  "mirror lost (%s); writes held for detach_delay %.6g s",
			  !sites ? "site down" : "sites cannot reach each other",
			  m->cfg->detach_delay_s);
		m->aa.decide_ev = dcs_schedule_in(m->w->k, dcs_time_from_s(m->cfg->detach_delay_s),
						  decide_event, m, NULL, 0);
		return;
	case AA_FROZEN:
		if (!whole)
			return;
		dcs_cancel(m->w->k, m->aa.decide_ev);
		m->aa.decide_ev = 0;
		m->aa.st = AA_MIRROR;
		dcs_event(m->w->res, now, "storage_heal", pair,
			  "mirror back after %.6g s, before the detach; %zu held writes complete",
			  dcs_time_to_s(now - m->aa.since), m->n_held);
		return;
	case AA_DETACHED:
	case AA_SINGLE: {
		if (m->aa.st == AA_SINGLE && link && m->aa.single >= 0 &&
		    !m->arr[m->aa.single].up) {
			/* The surviving leg failed too: the stale one cannot serve. */
			m->aa.single = -1;
			dcs_event(m->w->res, now, "storage_array_failover", pair,
				  "the serving array failed; no copy left");
			return;
		}
		if (!whole)
			return;
		/* The copy that kept serving is the source (the preferred one
		 * after a split: the other side's writes are discarded). */
		int from = m->aa.st == AA_SINGLE    ? m->aa.single
			   : m->aa.serving[m->pref] ? m->pref
						    : 1 - m->pref;
		if (from < 0)
			from = m->pref;
		double bytes = m->aa.missed[0] + m->aa.missed[1];
		dcs_event(m->w->res, now, "storage_resume", pair,
			  "mirror back after %.6g s; resynchronising %.6g MiB from %s",
			  dcs_time_to_s(now - m->aa.since), bytes / 1048576.0,
			  site_id(m, m->arr[from].site));
		m->aa.st = AA_MIRROR;
		m->aa.missed[0] = m->aa.missed[1] = 0;
		start_resync(m, m->arr[from].site, m->arr[1 - from].site, bytes);
		return;
	}
	}
}

static void resync_done(void *ctx, struct dcs_flow *f)
{
	(void)f;
	struct sto *m = ctx;
	dcs_time_t now = now_of(m);
	double s = dcs_time_to_s(now - m->aa.resync_start);
	m->aa.resync = NULL;
	m->aa.resync_s += s;
	dcs_event(m->w->res, now, "storage_resync_done", m->aa.resync_label, "%.6g MiB in %.6g s",
		  m->aa.resync_bytes / 1048576.0, s);
}

static void start_resync(struct sto *m, int from, int to, double bytes)
{
	if (m->aa.resync) {
		bytes += dcs_flow_remaining(m->w->net, m->aa.resync);
		dcs_flow_stop(m->w->net, m->aa.resync);
		m->aa.resync = NULL;
	}
	if (bytes <= 0)
		return;
	snprintf(m->aa.resync_label, sizeof(m->aa.resync_label), "storage resync %s->%s",
		 site_id(m, from), site_id(m, to));
	double cap = INFINITY, window = 0;
	if (fc_native(m, from, to)) {
		cap = dcs_fc_credit_cap_Bps(m->cfg->fc.bb_credits, DCS_FC_FRAME_PAYLOAD,
					    storage_rtt(m, from, to), m->cfg->fc.speed_gbps);
	} else if (m->cfg->protocol == DCS_PROTO_FC) {
		cap = m->cfg->fc.fcip_max_bandwidth_mbps * 1e6 / 8;
		window = dcs_fcip_window_bytes(m->cfg->fc.fcip_max_bandwidth_mbps,
					       m->cfg->fc.fcip_rtt_ms,
					       dcs_time_to_s(storage_rtt(m, from, to)));
	}
	struct dcs_flow_spec spec = {.src = from,
				     .dst = to,
				     .bytes = bytes,
				     .demand_Bps = cap,
				     .window_bytes = window,
				     .streams = 1,
				     .label = m->aa.resync_label,
				     .on_done = resync_done,
				     .ctx = m};
	m->aa.resync_bytes = bytes;
	m->aa.resync_start = now_of(m);
	m->aa.resyncs++;
	m->aa.resync = dcs_flow_start(m->w->net, &spec);
	if (!m->aa.resync)
		oom();
}

/* Everything that depends on the state of the world, after it changed. */
static void refresh(struct sto *m)
{
	m->epoch++;
	if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE) {
		enum aa_state before = m->aa.st;
		aa_evaluate(m);
		if (m->aa.st != before)
			m->epoch++;
		if (before == AA_FROZEN && m->aa.st != AA_FROZEN)
			resolve_held(m);
	}
	recompute_offered(m);
	update_unavailable(m);
	sync_check(m);
	publish_writable(m);
}

static void on_note(void *ctx, const struct dcs_note *n)
{
	struct sto *m = ctx;
	switch (n->kind) {
	case DCS_NOTE_ARRAY_STATE: {
		int a = n->index >= 0 && n->index < m->n_sites ? m->array_at[n->index] : -1;
		if (a < 0)
			return;
		m->arr[a].up = n->up;
		break;
	}
	case DCS_NOTE_WITNESS_STATE:
		if (n->index >= 0 && n->index != m->cfg->witness_site)
			return;
		m->witness_up = n->up;
		break;
	case DCS_NOTE_VM_MOVED:
		/* Only the VM's own workloads change: their cached plans name
		 * the old site and are rebuilt on their next I/O; I/O in flight
		 * completes as issued.  Their traffic moves to other channels. */
		if (m->started)
			recompute_offered(m);
		return;
	case DCS_NOTE_VM_PAUSED:
	case DCS_NOTE_VM_RESUMED:
	case DCS_NOTE_VM_SPEED:
		/* The VM's workloads hold their arrivals while it is stopped and
		 * issue them when it resumes; stun slows their think times. */
		for (size_t i = 0; i < m->n_wls; i++) {
			struct wl *wl = &m->wls[i];
			if (wl->cfg->vm != n->index)
				continue;
			wl->paused = !n->up;
			wl->speed = n->factor > 0 ? n->factor : 1.0;
			wl->think_ns = 1e9 * wl->depth / wl->cfg->iops / wl->speed;
			if (n->kind == DCS_NOTE_VM_RESUMED)
				release_paused(m, wl);
		}
		if (m->started)
			recompute_offered(m);
		return;
	default:
		break;
	}
	if (m->started)
		refresh(m);
}

static void wl_on(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	(void)k;
	struct wl *wl = ctx;
	start_slots(wl->m, wl);
	refresh(wl->m);
}

static void wl_off(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)payload;
	struct wl *wl = ctx;
	wl->active = false;
	refresh(wl->m);
}

static const char *chan_kind(const struct chan *ch)
{
	return ch->async ? "async" : "sync";
}

/* storage_series.csv: one row per site and op that has seen I/O, for the I/O
 * that completed in (previous sample, now]: count, mean, p50, p99 and max
 * (latency cells empty when none completed -- writes frozen or failed).
 * Samples every output.sample_s, and at the end of a run that stops
 * between two. */
static void series_rows(struct sto *m, dcs_time_t now)
{
	static const char *const op_name[2] = {"read", "write"};
	if (!m->series)
		m->series = dcs_results_table(m->w->res, "storage_series.csv",
					      "time_s,site,op,count,mean_ms,p50_ms,p99_ms,max_ms");
	struct dcs_table *t = m->series;
	for (int s = 0; s < m->n_sites; s++)
		for (int op = 0; op < 2; op++) {
			struct dcs_lathist *h = &m->win[s * 2 + op];
			if (!m->win_seen[s * 2 + op])
				continue;
			dcs_row_begin(t);
			dcs_cell_time_s(t, now);
			dcs_cell_str(t, site_id(m, s));
			dcs_cell_str(t, op_name[op]);
			dcs_cell_int(t, (int64_t)h->n);
			if (h->n > 0) {
				dcs_cell_num(t, dcs_lathist_mean_ns(h) / 1e6);
				dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.50) / 1e6);
				dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.99) / 1e6);
				dcs_cell_num(t, (double)h->max_ns / 1e6);
			} else {
				for (int c = 0; c < 4; c++)
					dcs_cell_str(t, "");
			}
			dcs_row_end(t);
			if (h->n > 0)
				dcs_lathist_clear(h);
		}
	m->series_t = now;
}

static void tick(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct sto *m = ctx;
	if (m->win)
		series_rows(m, dcs_now(k));
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch || !ch->used)
			continue;
		chan_update(m, ch);
		if (!m->repl)
			m->repl = dcs_results_table(m->w->res, "replication.csv",
						    "time_s,from,to,kind,offered_gbps,rate_gbps,"
						    "backlog_mib,rpo_s,limited_by");
		dcs_row_begin(m->repl);
		dcs_cell_time_s(m->repl, dcs_now(k));
		dcs_cell_str(m->repl, site_id(m, ch->src));
		dcs_cell_str(m->repl, site_id(m, ch->dst));
		dcs_cell_str(m->repl, chan_kind(ch));
		dcs_cell_num(m->repl, ch->offered * 8 / 1e9);
		dcs_cell_num(m->repl, ch->f ? dcs_flow_rate_Bps(ch->f) * 8 / 1e9 : 0);
		dcs_cell_num(m->repl, ch->backlog / 1048576.0);
		dcs_cell_num(m->repl, ch->async ? ch->rpo_s : 0);
		dcs_cell_str(m->repl, chan_limit_now(ch));
		dcs_row_end(m->repl);
	}
	m->tick_k++;
	dcs_time_t next = m->tick_k * m->sample_ns;
	if (next <= m->w->horizon)
		dcs_schedule(k, next, tick, m, NULL, 0);
}

/* ---- queries ---- */

static bool q_site_writable(void *ctx, int site)
{
	struct sto *m = ctx;
	struct opplan o;
	plan_op(m, NULL, site, DCS_OP_WRITE, &o);
	return o.kind == PLAN_SERVE;
}

static uint64_t q_vm_held_ios(void *ctx, int vm)
{
	const struct sto *m = ctx;
	uint64_t n = 0;
	for (size_t i = 0; i < m->n_wls; i++)
		if (m->wls[i].cfg->vm == vm)
			n += m->wls[i].pause_held;
	return n;
}

/* ---- lifecycle ---- */

static void sto_destroy(void *state)
{
	struct sto *m = state;
	if (!m)
		return;
	for (int i = 0; i < m->n_arrays; i++)
		dcs_mcq_release(&m->arr[i].q);
	if (m->wls)
		for (size_t i = 0; i < m->n_wls; i++)
			for (int p = 0; p < 2; p++)
				for (int op = 0; op < 2; op++)
					free(m->wls[i].phase[p][op]);
	if (m->wls)
		for (size_t i = 0; i < m->n_wls; i++)
			free(m->wls[i].writes);
	if (m->chans) {
		size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
		for (size_t c = 0; c < nn; c++)
			free(m->chans[c]);
	}
	free(m->chans);
	free(m->wls);
	free(m->array_at);
	free(m->path_links);
	for (size_t i = 0; m->sp && i < (size_t)m->n_sites * (size_t)m->n_sites; i++) {
		free(m->sp[i].links);
		free(m->sp[i].dirs);
	}
	free(m->sp);
	free(m->hist);
	free(m->failed);
	free(m->held_ios);
	free(m->held_max);
	free(m->wstate);
	free(m->divergent);
	free(m->unavail_ns);
	free(m->unavail_since);
	free(m->unavail_now);
	free(m->relevant);
	free(m->win);
	free(m->win_seen);
	free(m->held);
	free(m);
}

static int sto_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	const struct dcs_storage_cfg *cfg = &scn->storage;
	if (!cfg->present || cfg->n_arrays == 0)
		return 0;
	struct sto *m = calloc(1, sizeof(*m));
	if (!m)
		return -1;
	m->w = w;
	m->cfg = cfg;
	m->n_sites = (int)scn->n_sites;
	m->n_arrays = cfg->n_arrays > 2 ? 2 : (int)cfg->n_arrays;
	size_t ns = scn->n_sites, nn = ns * ns;
	m->array_at = malloc(ns * sizeof(int));
	m->path_links = calloc(scn->n_links + 1, sizeof(int));
	m->sp = calloc(nn, sizeof(struct spath));
	m->hist = calloc(4 * ns, sizeof(struct dcs_lathist));
	m->failed = calloc(ns, sizeof(uint64_t));
	m->held_ios = calloc(ns, sizeof(uint64_t));
	m->held_max = calloc(ns, sizeof(dcs_time_t));
	m->wstate = calloc(ns, sizeof(int8_t));
	m->divergent = calloc(ns, sizeof(uint64_t));
	m->unavail_ns = calloc(ns, sizeof(dcs_time_t));
	m->unavail_since = calloc(ns, sizeof(dcs_time_t));
	m->unavail_now = calloc(ns, sizeof(bool));
	m->relevant = calloc(ns, sizeof(bool));
	m->chans = calloc(nn, sizeof(struct chan *));
	m->wls = calloc(cfg->n_workloads + 1, sizeof(struct wl));
	if (!m->array_at || !m->path_links || !m->sp || !m->hist || !m->failed || !m->divergent ||
	    !m->unavail_ns || !m->unavail_since || !m->held_ios || !m->held_max || !m->wstate ||
	    !m->unavail_now || !m->relevant || !m->chans || !m->wls)
		goto fail;
	for (size_t s = 0; s < ns; s++) {
		m->array_at[s] = -1;
		m->wstate[s] = PLAN_SERVE; /* what other models assume until told */
	}
	char name[64];
	for (int i = 0; i < m->n_arrays; i++) {
		const struct dcs_array_cfg *a = &cfg->arrays[i];
		struct arr *A = &m->arr[i];
		A->site = a->site;
		A->up = true;
		A->fixed = a->service == DCS_DIST_FIXED;
		A->mean_ns[DCS_OP_READ] = a->read_ms * 1e6;
		A->mean_ns[DCS_OP_WRITE] = a->write_ms * 1e6;
		/* Streams are named by owner, not position, so adding a workload or an
		 * array elsewhere in the file leaves these draws unchanged. */
		snprintf(name, sizeof(name), "storage/array@%s", scn->sites[a->site].id);
		A->rng = dcs_rng(w->k, name);
		if (!A->rng || dcs_mcq_init(&A->q, a->servers) != 0)
			goto fail;
		m->array_at[a->site] = i;
		m->relevant[a->site] = true;
		if (a->site == cfg->preferred_site)
			m->pref = i;
	}
	m->n_wls = cfg->n_workloads;
	for (size_t i = 0; i < m->n_wls; i++) {
		const struct dcs_workload_cfg *c = &cfg->workloads[i];
		struct wl *wl = &m->wls[i];
		wl->m = m;
		wl->cfg = c;
		wl->idx = (int)i;
		if (c->vm >= 0)
			snprintf(wl->name, sizeof(wl->name), "%s", scn->vms[c->vm].id);
		else
			snprintf(wl->name, sizeof(wl->name), "%s/wl%zu", scn->sites[c->site].id, i);
		size_t same_owner = 0;
		for (size_t j = 0; j < i; j++)
			same_owner +=
			    cfg->workloads[j].vm == c->vm && cfg->workloads[j].site == c->site;
		snprintf(name, sizeof(name), "storage/wl@%s#%zu",
			 c->vm >= 0 ? scn->vms[c->vm].id : scn->sites[c->site].id, same_owner);
		wl->rng = dcs_rng(w->k, name);
		if (!wl->rng)
			goto fail;
		wl->depth = c->queue_depth;
		wl->think_ns = 1e9 * c->queue_depth / c->iops;
		wl->speed = 1.0;
		wl->writes = calloc(1, sizeof(struct dcs_lathist));
		if (!wl->writes)
			goto fail;
		wl->read_ratio = c->read_ratio;
		wl->bytes = c->block_kib * 1024.0;
		wl->rtt_n[DCS_OP_READ] = dcs_storage_read_round_trips(cfg, wl->bytes);
		wl->rtt_n[DCS_OP_WRITE] = dcs_storage_write_round_trips(cfg, wl->bytes);
		wl->credit_rounds = cfg->protocol == DCS_PROTO_FC
					? dcs_fc_credit_rounds(cfg->fc.bb_credits, wl->bytes)
					: 0;
		wl->t_on = dcs_time_from_s(c->start_s);
		wl->t_off =
		    isnan(c->for_s) ? DCS_TIME_NEVER : dcs_time_from_s(c->start_s + c->for_s);
		wl->home_site = c->vm >= 0 ? scn->vms[c->vm].site : c->site;
		int a = array_index_at(m, wl->home_site);
		wl->primary = cfg->mode == DCS_STORAGE_SHARED ? 0 : a >= 0 ? a : m->pref;
		wl->plan.epoch = UINT32_MAX;
		if (c->site >= 0)
			m->relevant[c->site] = true;
	}
	m->witness_up = true;
	if (cfg->witness_site >= 0) {
		m->witness_oob = true;
		for (size_t l = 0; l < scn->n_links; l++)
			if (scn->links[l].a == cfg->witness_site ||
			    scn->links[l].b == cfg->witness_site)
				m->witness_oob = false;
	}
	m->aa.st = AA_MIRROR;
	m->sample_ns = dcs_time_from_s(scn->output.sample_s);
	if (m->sample_ns > 0 && cfg->n_workloads > 0) {
		m->win = calloc(2 * ns, sizeof(struct dcs_lathist));
		m->win_seen = calloc(2 * ns, sizeof(bool));
		if (!m->win || !m->win_seen)
			goto fail;
	}
	static const enum dcs_note_kind kinds[] = {
	    DCS_NOTE_LINK_STATE, DCS_NOTE_SITE_STATE,  DCS_NOTE_PATHS_CHANGED,
	    DCS_NOTE_VM_MOVED,   DCS_NOTE_ARRAY_STATE, DCS_NOTE_WITNESS_STATE,
	    DCS_NOTE_VM_PAUSED,  DCS_NOTE_VM_RESUMED,  DCS_NOTE_VM_SPEED};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!dcs_bus_subscribe(w->bus, kinds[k], on_note, m))
			goto fail;
	w->q.site_writable = q_site_writable;
	w->q.vm_held_ios = q_vm_held_ios;
	w->q.storage_ctx = m;
	*state = m;
	return 0;
fail:
	sto_destroy(m);
	return -1;
}

static void sto_start(struct dcs_world *w, void *state)
{
	struct sto *m = state;
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		if (wl->t_on > w->horizon)
			continue;
		if (wl->t_on == 0) {
			start_slots(m, wl);
		} else {
			dcs_schedule(w->k, wl->t_on, wl_on, wl, NULL, 0);
		}
		if (wl->t_off != DCS_TIME_NEVER && wl->t_off <= w->horizon)
			dcs_schedule(w->k, wl->t_off, wl_off, wl, NULL, 0);
	}
	m->started = true;
	refresh(m);
	m->tick_k = 1;
	if (m->sample_ns > 0 && m->sample_ns <= w->horizon)
		dcs_schedule(w->k, m->sample_ns, tick, m, NULL, 0);
}

static void summary_ms(struct sto *m, const char *metric, const char *entity, double ns)
{
	dcs_summary(m->w->res, metric, entity, ns / 1e6, "ms");
}

/* summary.csv per channel: what limited it, over the bytes it carried
 * (offered_load: it carried what the workloads offered, the network was not
 * the limit; fc_credits: the buffer-credit cap), and the figure that would
 * lift it: the credits the distance needs (the larger of the Brocade rule
 * and the per-frame count, as the warning says), or net.h's dcs_net_lift. */
static void chan_bottleneck_summary(struct sto *m, struct chan *ch, const char *e)
{
	struct dcs_results *res = m->w->res;
	chan_take_limits(m, ch);
	int best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l <= LIM_CAP; l++)
		if (ch->lim_bytes[l] > most) {
			most = ch->lim_bytes[l];
			best = l;
		}
	const char *lb = best == LIM_CAP            ? chan_cap_name(ch)
			 : best == DCS_LIMIT_DEMAND ? "offered_load"
						    : dcs_limit_name((enum dcs_limit)best);
	dcs_summary_text(res, "limited_by", e, lb, "");
	double v;
	const char *metric, *unit;
	if (best == LIM_CAP && ch->fcip) {
		/* The FCIP max-bandwidth is the channel's rate cap. */
		if (dcs_net_lift(m->w->net, ch->src, ch->dst, DCS_LIMIT_DEMAND, 1, ch->window,
				 ch->peak_offered, ch->share_rate_Bps, &v, &metric, &unit))
			dcs_summary(res, metric, e, v, unit);
	} else if (best == LIM_CAP) {
		int need = ch->need_brocade > ch->need_frames ? ch->need_brocade : ch->need_frames;
		dcs_summary(res, "lift_fc_credits", e, need, "count");
	} else if (best != DCS_LIMIT_DEMAND &&
		   dcs_net_lift(m->w->net, ch->src, ch->dst, (enum dcs_limit)best, 1, ch->window,
				fmin(ch->peak_offered, ch->cap), ch->share_rate_Bps, &v, &metric,
				&unit)) {
		dcs_summary(res, metric, e, v, unit);
	}
}

static void latency_row(struct dcs_table *t, const char *site, const char *op, const char *phase,
			const struct dcs_lathist *h)
{
	if (h->n == 0)
		return;
	dcs_row_begin(t);
	dcs_cell_str(t, site);
	dcs_cell_str(t, op);
	dcs_cell_str(t, phase);
	dcs_cell_int(t, (int64_t)h->n);
	dcs_cell_num(t, dcs_lathist_mean_ns(h) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.50) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.95) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.99) / 1e6);
	dcs_cell_num(t, (double)h->max_ns / 1e6);
	dcs_row_end(t);
}

/* Seconds the workload was issuing I/O by the end of the run. */
static double wl_active_s(const struct sto *m, const struct wl *wl)
{
	dcs_time_t end = now_of(m), off = wl->t_off < end ? wl->t_off : end;
	return off > wl->t_on ? dcs_time_to_s(off - wl->t_on) : 0;
}

static void sto_finish(struct dcs_world *w, void *state)
{
	struct sto *m = state;
	struct dcs_results *res = w->res;
	update_unavailable(m);
	if (m->win && dcs_now(w->k) > m->series_t)
		series_rows(m, dcs_now(w->k)); /* the part after the last sample */
	static const char *const op_name[2] = {"read", "write"};
	struct dcs_table *t = dcs_results_table(
	    res, "storage.csv", "site,op,phase,count,mean_ms,p50_ms,p95_ms,p99_ms,max_ms");
	char metric[96];
	struct dcs_lathist *all = calloc(1, sizeof(*all));
	if (!all)
		oom();
	for (int s = 0; s < m->n_sites; s++) {
		for (int op = 0; op < 2; op++) {
			const struct dcs_lathist *normal = site_hist(m, s, op, false),
						 *disrupted = site_hist(m, s, op, true);
			dcs_lathist_clear(all);
			dcs_lathist_merge(all, normal);
			dcs_lathist_merge(all, disrupted);
			latency_row(t, site_id(m, s), op_name[op], "all", all);
			latency_row(t, site_id(m, s), op_name[op], "normal", normal);
			latency_row(t, site_id(m, s), op_name[op], "disrupted", disrupted);
		}
	}
	free(all);
	for (int s = 0; s < m->n_sites; s++) {
		if (!m->relevant[s])
			continue;
		const char *id = site_id(m, s);
		for (int op = 0; op < 2; op++) {
			const struct dcs_lathist *h = site_hist(m, s, op, false);
			if (h->n == 0)
				continue;
			snprintf(metric, sizeof(metric), "storage_%s_mean_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_mean_ns(h));
			snprintf(metric, sizeof(metric), "storage_%s_p50_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_quantile_ns(h, 0.50));
			snprintf(metric, sizeof(metric), "storage_%s_p99_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_quantile_ns(h, 0.99));
		}
		dcs_summary(res, "storage_held_ios", id, (double)m->held_ios[s], "count");
		if (m->held_ios[s] > 0)
			summary_ms(m, "storage_held_max_ms", id, (double)m->held_max[s]);
		dcs_summary(res, "storage_unavailable_s", id, dcs_time_to_s(m->unavail_ns[s]), "s");
		dcs_summary(res, "storage_failed_ios", id, (double)m->failed[s], "count");
		if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE)
			dcs_summary(res, "storage_divergent_writes", id, (double)m->divergent[s],
				    "count");
	}
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		double active = wl_active_s(m, wl);
		dcs_summary(res, "storage_queue_depth", wl->name, wl->depth, "count");
		dcs_summary(res, "storage_offered_iops", wl->name, wl->cfg->iops, "IOPS");
		dcs_summary(res, "storage_achieved_iops", wl->name,
			    active > 0 ? (double)wl->done / active : 0, "IOPS");
		dcs_summary(res, "storage_write_round_trips", wl->name, wl->rtt_n[DCS_OP_WRITE],
			    "count");
		for (int op = 0; op < 2; op++) {
			if (wl->lat_n[op] == 0)
				continue;
			snprintf(metric, sizeof(metric), "storage_workload_%s_mean_ms",
				 op_name[op]);
			summary_ms(m, metric, wl->name,
				   (double)wl->lat_sum_ns[op] / (double)wl->lat_n[op]);
		}
		if (wl->writes->n > 0) {
			summary_ms(m, "storage_workload_write_p50_ms", wl->name,
				   dcs_lathist_quantile_ns(wl->writes, 0.50));
			summary_ms(m, "storage_workload_write_p99_ms", wl->name,
				   dcs_lathist_quantile_ns(wl->writes, 0.99));
		}
		dcs_summary(res, "storage_workload_held_ios", wl->name, (double)wl->held, "count");
		if (wl->held > 0)
			summary_ms(m, "storage_workload_held_max_ms", wl->name,
				   (double)wl->held_max);
		if (wl->cfg->vm < 0)
			continue;
		static const char *const ph_name[2] = {"before", "after"};
		for (int op = 0; op < 2; op++) {
			for (int ph = 0; ph < 2; ph++) {
				const struct dcs_lathist *h = wl->phase[ph][op];
				if (!h)
					continue;
				snprintf(metric, sizeof(metric), "storage_vm_%s_mean_ms_%s",
					 op_name[op], ph_name[ph]);
				summary_ms(m, metric, wl->name, dcs_lathist_mean_ns(h));
				snprintf(metric, sizeof(metric), "storage_vm_%s_p99_ms_%s",
					 op_name[op], ph_name[ph]);
				summary_ms(m, metric, wl->name, dcs_lathist_quantile_ns(h, 0.99));
			}
			if (wl->phase[0][op] && wl->phase[1][op]) {
				snprintf(metric, sizeof(metric), "storage_move_penalty_%s_ms",
					 op_name[op]);
				summary_ms(m, metric, wl->name,
					   dcs_lathist_mean_ns(wl->phase[1][op]) -
					       dcs_lathist_mean_ns(wl->phase[0][op]));
			}
		}
	}
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	double dur = dcs_time_to_s(dcs_now(w->k));
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch || !ch->used)
			continue;
		chan_update(m, ch);
		const char *e = ch->label + 8; /* "src->dst" */
		dcs_summary(res, "storage_dci_mean_gbps", e,
			    dur > 0 ? ch->carried * 8 / 1e9 / dur : 0, "Gbps");
		dcs_summary(res, "storage_dci_max_backlog_mib", e, ch->max_backlog / 1048576.0,
			    "MiB");
		if (ch->async)
			dcs_summary(res, "storage_max_rpo_s", e, ch->max_rpo_s, "s");
		chan_bottleneck_summary(m, ch, e);
		if (m->cfg->protocol == DCS_PROTO_FC && ch->need_brocade > 0) {
			dcs_summary(res, "storage_fc_credits", e, m->cfg->fc.bb_credits, "count");
			dcs_summary(res, "storage_fc_credits_needed_brocade", e, ch->need_brocade,
				    "count");
			dcs_summary(res, "storage_fc_credits_needed_frames", e, ch->need_frames,
				    "count");
			dcs_summary(res, "storage_fc_credit_cap_gbps", e, ch->cap * 8 / 1e9,
				    "Gbps");
		}
	}
	if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE) {
		char pair[96];
		pair_name(m, pair, sizeof(pair));
		dcs_summary(res, "storage_detaches", pair, m->aa.detaches, "count");
		if (m->sync_ratio_max > 0)
			dcs_summary(res, "storage_sync_limit_ratio", pair, m->sync_ratio_max,
				    "ratio");
		dcs_summary(res, "storage_resyncs", pair, m->aa.resyncs, "count");
		if (m->aa.resyncs > 0)
			dcs_summary(res, "storage_resync_s", pair, m->aa.resync_s, "s");
		size_t frozen = 0;
		for (size_t k = 0; k < m->n_held; k++)
			frozen += m->held[k].kind == HOLD_FREEZE;
		if (frozen > 0)
			dcs_summary(res, "storage_held_writes_at_end", pair, (double)frozen,
				    "count");
	}
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def storage_metrics[] = {
    {"storage_read_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency of the hosts at a site, steady state (I/O never held)"},
    {"storage_read_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median read latency of the hosts at a site, steady state"},
    {"storage_read_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile read latency of the hosts at a site, steady state"},
    {"storage_write_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency of the hosts at a site, steady state (I/O never held)"},
    {"storage_write_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median write latency of the hosts at a site, steady state"},
    {"storage_write_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile write latency of the hosts at a site, steady state"},
    {"storage_held_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os of the site's hosts that waited out a mirror freeze or their VM's pause"},
    {"storage_held_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "the longest time an I/O of the site's hosts was held"},
    {"storage_queue_depth", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "I/Os the workload's host keeps outstanding at most"},
    {"storage_offered_iops", "IOPS", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "I/Os per second the workload offers (its rate if the storage answered at once)"},
    {"storage_achieved_iops", "IOPS", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "I/Os per second the workload completed: at most queue_depth / latency (Little's law)"},
    {"storage_workload_write_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median write latency of one workload, steady state"},
    {"storage_workload_write_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile write latency of one workload, steady state"},
    {"storage_workload_held_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os of one workload that waited out a mirror freeze or its VM's pause"},
    {"storage_workload_held_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "the longest time an I/O of the workload was held"},
    {"storage_unavailable_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds the site's hosts could not do I/O (suspended or no array)"},
    {"storage_failed_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os that failed: issued while the site's storage was unavailable"},
    {"storage_divergent_writes", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "writes accepted at a site while the mirror was split (split brain)"},
    {"storage_write_round_trips", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "protocol round trips across the DCI one write of the workload takes"},
    {"storage_workload_read_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency of one workload, steady state"},
    {"storage_workload_write_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency of one workload, steady state"},
    {"storage_vm_read_mean_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean read latency before its migration"},
    {"storage_vm_read_mean_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean read latency after its migration"},
    {"storage_vm_read_p99_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile read latency before its migration"},
    {"storage_vm_read_p99_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile read latency after its migration"},
    {"storage_vm_write_mean_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean write latency before its migration"},
    {"storage_vm_write_mean_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean write latency after its migration"},
    {"storage_vm_write_p99_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile write latency before its migration"},
    {"storage_vm_write_p99_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile write latency after its migration"},
    {"storage_move_penalty_read_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency after a VM's move minus before: the storage cost of the move"},
    {"storage_move_penalty_write_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency after a VM's move minus before: the storage cost of the move"},
    {"storage_dci_mean_gbps", "Gbps", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "mean rate replication or remote I/O carried over the DCI"},
    {"storage_dci_max_backlog_mib", "MiB", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "largest backlog of data waiting to cross the DCI"},
    {"storage_max_rpo_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "asynchronous replication: the largest age of the oldest unreplicated write"},
    {"lift_fc_credits", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "FC buffer credits at which credits stop limiting the channel"},
    {"storage_fc_credits", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "FC buffer-to-buffer credits configured"},
    {"storage_fc_credits_needed_brocade", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "credits the distance needs by Brocade's sizing rule"},
    {"storage_fc_credits_needed_frames", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "credits the distance needs to fill the pipe with the workload's frames"},
    {"storage_fc_credit_cap_gbps", "Gbps", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "the throughput the configured credits allow at this distance"},
    {"storage_sync_limit_ratio", "ratio", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "synchronous mirror: largest RTT or distance over its product's supported limit (above 1: "
     "unsupported)"},
    {"storage_detaches", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times the mirror was split and one side continued alone"},
    {"storage_resyncs", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_COUNT,
     "resynchronisations of a split mirror"},
    {"storage_resync_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE, "time resynchronisation took"},
    {"storage_held_writes_at_end", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "writes still held (mirror frozen) when the run ended"},
};

static const struct dcs_event_def storage_events[] = {
    {"events.csv", "storage_replication_stalled", DCS_SEV_FAILURE,
     "replication has no path across the DCI"},
    {"events.csv", "storage_replication_resumed", DCS_SEV_GOOD, "replication's path is back"},
    {"events.csv", "storage_split_brain", DCS_SEV_FAILURE,
     "both sites keep writing with the mirror split: their data diverges"},
    {"events.csv", "storage_detach", DCS_SEV_WARNING, "one side of the mirror continues alone"},
    {"events.csv", "storage_suspend", DCS_SEV_FAILURE, "a site's storage suspends I/O"},
    {"events.csv", "storage_array_failover", DCS_SEV_WARNING,
     "an array failed and the other serves (or no copy is left)"},
    {"events.csv", "storage_freeze", DCS_SEV_WARNING,
     "the mirror is lost: writes are held until the detach delay decides"},
    {"events.csv", "storage_heal", DCS_SEV_GOOD, "the mirror came back before the detach"},
    {"events.csv", "storage_sync_unsupported", DCS_SEV_WARNING,
     "the synchronous mirror's path is beyond its product's supported distance"},
    {"events.csv", "storage_resume", DCS_SEV_GOOD, "the mirror is back and resynchronises"},
    {"events.csv", "storage_resync_done", DCS_SEV_GOOD, "resynchronisation finished"},
};

/* What planners ask about first (metrics.h): the reports chart these first. */
static const struct dcs_headline storage_headlines[] = {
    {"storage_write_p99_ms", 2},
    {"storage_write_mean_ms", 4},
    {"storage_unavailable_s", 9},
};

static const struct dcs_metric_family storage_family = {
    .producer = "storage",
    .metrics = storage_metrics,
    .n_metrics = sizeof(storage_metrics) / sizeof(storage_metrics[0]),
    .events = storage_events,
    .n_events = sizeof(storage_events) / sizeof(storage_events[0]),
    .headlines = storage_headlines,
    .n_headlines = sizeof(storage_headlines) / sizeof(storage_headlines[0]),
};

/* Poisson arrivals (and exponential array service) draw from the streams
 * of every workload that issues I/O within the run. */
static const char *sto_randomness(const struct dcs_scenario *scn)
{
	for (size_t i = 0; i < scn->storage.n_workloads; i++) {
		const struct dcs_workload_cfg *c = &scn->storage.workloads[i];
		if (c->iops > 0 && c->start_s < scn->duration_s)
			return "storage I/O arrivals (Poisson)";
	}
	return NULL;
}

const struct dcs_model_ops dcs_model_storage = {
    .name = "storage",
    .create = sto_create,
    .start = sto_start,
    .finish = sto_finish,
    .destroy = sto_destroy,
    .metrics = &storage_family,
    .randomness = sto_randomness,
};

/* ---- views ---- */

struct dcs_storage *dcs_storage_of(const struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (dcs_models[i] == &dcs_model_storage)
			return w->model_state[i];
	return NULL;
}

const struct dcs_lathist *dcs_storage_latency(const struct dcs_storage *s, int site,
					      enum dcs_storage_op op, bool disrupted)
{
	struct sto *m = (struct sto *)s;
	return site_hist(m, site, (int)op, disrupted);
}

struct dcs_storage_workload dcs_storage_workload(const struct dcs_storage *s, size_t i)
{
	const struct sto *m = (const struct sto *)s;
	const struct wl *wl = &m->wls[i];
	struct dcs_storage_workload r = {
	    .completed = wl->done,
	    .held = wl->held,
	    .held_max_s = dcs_time_to_s(wl->held_max),
	    .achieved_iops = wl_active_s(m, wl) > 0 ? (double)wl->done / wl_active_s(m, wl) : 0,
	    .mean_s = {wl->lat_n[0] ? (double)wl->lat_sum_ns[0] / (double)wl->lat_n[0] / 1e9 : 0,
		       wl->lat_n[1] ? (double)wl->lat_sum_ns[1] / (double)wl->lat_n[1] / 1e9 : 0},
	};
	return r;
}

const struct dcs_mcq *dcs_storage_array_queue(const struct dcs_storage *s, int array)
{
	const struct sto *m = (const struct sto *)s;
	return &m->arr[array].q;
}

uint64_t dcs_storage_failed(const struct dcs_storage *s, int site)
{
	return ((const struct sto *)s)->failed[site];
}

uint64_t dcs_storage_divergent(const struct dcs_storage *s, int site)
{
	return ((const struct sto *)s)->divergent[site];
}

double dcs_storage_unavailable_s(const struct dcs_storage *s, int site)
{
	const struct sto *m = (const struct sto *)s;
	dcs_time_t ns = m->unavail_ns[site];
	if (m->unavail_now[site])
		ns += now_of(m) - m->unavail_since[site];
	return dcs_time_to_s(ns);
}

struct dcs_storage_channel dcs_storage_channel(struct dcs_storage *s, int src, int dst)
{
	struct sto *m = (struct sto *)s;
	struct dcs_storage_channel r = {0};
	struct chan *ch = src != dst ? m->chans[src * m->n_sites + dst] : NULL;
	if (!ch)
		return r;
	chan_update(m, ch);
	r.exists = true;
	r.offered_Bps = ch->offered;
	r.rate_Bps = ch->f ? dcs_flow_rate_Bps(ch->f) : 0;
	r.cap_Bps = ch->cap;
	r.backlog_bytes = ch->backlog;
	r.rpo_s = ch->rpo_s;
	r.max_backlog_bytes = ch->max_backlog;
	r.max_rpo_s = ch->max_rpo_s;
	return r;
}
