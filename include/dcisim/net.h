/*
 * dcisim network: links, paths, flow-level bandwidth sharing, queues and
 * failures that stop traffic (SPEC §4.1, §6.1; docs/models.md §1).
 *
 * Link figures (reference/dci-facts.md §1 and §3.1):
 * - base one-way latency = distance_km x route_factor x 4.9 us
 *   + device_latency_us + the technology's added latency (+ degradation);
 * - a TCP segment carries lan_mtu - 40 bytes; a frame on the wire is
 *   lan_mtu + 38 (Ethernet header, FCS, preamble, inter-frame gap) plus the
 *   technology's encapsulation, so the goodput fraction is
 *   (lan_mtu - 40) / (lan_mtu + 38 + encap).
 *
 * Paths: routing follows the lowest base latency over links and sites that
 * routing still uses.  With routing.ecmp, equal-cost choices are hashed per
 * flow (its key) at every site where paths tie, so each flow keeps one path
 * and parallel links both carry; a query without a key (dcs_net_path,
 * dcs_net_one_way) follows the canonical path: the one found first when
 * links are relaxed in file order.
 *
 * Failures (reference/dci-facts.md §3.2, §4.2; sim/core/tech.c):
 * - link_down cuts every underlay path: the link at once carries nothing
 *   ("converging") while routing still points at it, until the cut is
 *   detected (the technology's carrier loss or hold timer, or BFD where
 *   routing.bfd_ms or the link's bfd asks for it, whichever is faster) and
 *   routing.igp_convergence_ms later traffic reroutes; then the link is
 *   down for routing.  A repair restores it at once.
 * - path_down cuts one underlay path of a link that has another: the link
 *   carries nothing for the transport's protection switching (dwdm 50 ms,
 *   vpls 250 ms) or, for an overlay on a routed underlay, the underlay's
 *   BFD (routing.bfd_ms, else 150 ms) + igp_convergence_ms; routing never
 *   changes.  Cutting the last path is a link_down.
 * A flow whose path crosses a link that carries nothing is stalled (rate 0,
 * its owner hears on_stall); a pair of sites whose path does is not
 * reachable (one way DCS_TIME_NEVER) until routing moves or the link carries.
 *
 * Sharing: each link direction offers (bandwidth - background) x goodput
 * fraction.  Flows marked `offered` (an aggregate of short request/response
 * transfers at a finite rate: storage I/O, client requests) are inelastic:
 * each transfer fits a window TCP already has open, so the aggregate does
 * not back off on loss; they take their demand first (max-min among them if
 * they ask for more than the link).  Bulk (elastic) flows share what is
 * left by weighted max-min with per-flow caps: each TCP stream is one
 * share, of weight 1 / loaded RTT (routing.tcp_share rtt, loss-based TCP:
 * Lakshman and Madhow 1997, exponent 1 as CUBIC, Ha et al. 2008) or 1
 * (equal).  Caps: the owner's demand; streams x window / RTT; with path loss
 * the Mathis bound streams x MSS / RTT x 1.22 / sqrt(loss); RTT is the
 * flow's loaded RTT, base plus the mean queues on its path and on the
 * reverse path its ACKs take.
 *
 * Queues (reference/tcp-and-queues.md), per link direction, buffer B bytes
 * (buffer_kib, default by port class, tech.h), tau = B / line rate:
 * - idle: utilisation rho = (flows / goodput fraction + background) / line
 *   rate < 1: M/D/1 waiting time rho / (2 (1 - rho)) x one frame's time,
 *   at most tau (Kleinrock vol. 1 §5.6, deterministic service);
 * - window: window-limited bulk flows fill the link without loss: the
 *   standing queue q solves sum_i min(cap_i(q)) = capacity, caps at RTT_i + q
 *   (no loss, no spread; GSL Brent root);
 * - loss: loss-based bulk flows fill the buffer and back off on drops.  With
 *   n streams, rate-weighted mean RTT r (time units), each drop removes
 *   (1 - b) of one stream's window, so the queue falls by
 *   D = (1 - b)(r + tau) / n and grows back along the congestion control's
 *   curve: q(u) = max(0, tau - D (1 - u)^k) over a cycle u in [0, 1).  CUBIC
 *   (RFC 9438, Linux's default: b = 0.7, C = 0.4) grows as a cubic (k = 3)
 *   or, when its Reno-friendly region is faster (short RTTs), linearly
 *   (k = 1, alpha = 3(1-b)/(1+b) segments per RTT).  Mean = tau - D/(k+1)
 *   (a lone Reno flow with B = P: tau/2); the tail is tau (the p99 consumer
 *   sees about the full buffer).  When D > tau the queue empties and the
 *   link idles for part of the cycle: bulk goodput is capacity x
 *   (1 - integral of the window deficit), the shallow-buffer loss of
 *   Appenzeller et al. 2004 (B = P/sqrt(n) keeps the link busy).  Each stream
 *   drops one packet per cycle, so drops_pps = n / cycle.
 * - overload: offered flows ask for more than the link: full buffer, the
 *   excess dropped.
 * The loaded queue depends on the shares and the shares on the queue: each
 * change solves the fixed point of the component it touches (below) from
 * empty queues, alternating a sharing pass and a queue pass until no queue
 * of the component moves by more than 1 ps (at most DCS_NET_SOLVE_MAX_ITER
 * passes; single-bottleneck cases settle in two).  Where the fixed point is
 * not unique (two equal directions in series: the standing queue could sit
 * in either), the one reached is the one these passes reach from empty
 * queues, with flows taken in start order and directions in index order.
 * The queue sits only in the saturated direction; every consumer reads it:
 * dcs_net_one_way() adds the mean queues, dcs_net_latency_now() the queue at
 * this instant of the cycle (the spread a latency distribution sees).
 *
 * Flows: a flow moves bytes (a finite count, or without end at a demanded
 * rate) from one site to another.  Rates change only when a flow starts,
 * stops or changes demand, or a link or site changes, so cost grows with
 * such changes, not with bytes.  Rates are goodput bytes per second.
 *
 * Incremental solving.  Flows interact only through the link directions
 * their paths and ACK paths cross; a change of one flow (start, stop,
 * demand) solves only its component (the flows and directions reachable
 * through that relation), and a change of routing, carrying or link figures
 * solves every component.  A component is solved as a solve of the whole
 * network solves it: the same passes from empty queues, its flows in start
 * order and its directions in index order, so every sum is the same; its
 * passes stop when its own queues settle (with every component in one
 * solve, a settled one went on until all had; every bundled scenario's
 * outputs are the same bytes either way).  Flows in other
 * components keep their rates and completions.  Byte counts of flows are
 * kept lazily (sent at the last change + rate x time since), settled when
 * the flow's rate changes or someone asks; the links' byte counts are
 * settled together at every change.  The pending completions are one
 * binary heap ordered by (time, the order in which they were computed, as
 * one kernel event each would run) behind one kernel event for the first;
 * a change re-keys only the flows whose rate changed, and
 * dcs_kernel_pending() counts every completion.  Completions keep their
 * order among themselves; another event at the same nanosecond scheduled
 * after a completion was computed but before it became the first runs
 * before it.  tests/test_net_incremental.c checks the incremental results
 * against a max-min reference and against a whole-network re-solve.
 * A solve from empty queues being a function of its inputs alone, a small
 * memo keeps the last few dozen components solved (every input of the
 * passes, compared in full to the bit, and their figures): a component
 * seen again takes its figures from there, the same bytes as solving it.
 * With DCISIM_NET_MEMO_CHECK=1 in the environment every such answer is
 * solved again too and a difference aborts (tests/test_net_memo_scenarios.sh).
 * Callbacks run inside kernel events; a
 * callback may start and stop flows.  A flow that starts without a path
 * hears on_stall(true) from inside dcs_flow_start(), before its owner holds
 * the pointer: that callback must not stop the flow.
 */
#ifndef DCISIM_NET_H
#define DCISIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/scenario.h"

/* Light in standard single-mode fibre (G.652), group index about 1.468:
 * 4.897 us/km at 1550 nm, rounded as SPEC §4.1 and dci-facts.md §1 row 1. */
#define DCS_FIBRE_US_PER_KM 4.9
/* Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12. */
#define DCS_ETH_WIRE_OVERHEAD 38
/* IPv4 20 + TCP 20 without options. */
#define DCS_TCP_IP_HEADERS 40
/* Mathis et al. constant sqrt(3/2) for periodic loss, ACK every segment. */
#define DCS_MATHIS_C 1.22
/* CUBIC (RFC 9438 §4.6, §5; RFC 8312): multiplicative decrease b and the
 * cubic constant C (segments / s^3). */
#define DCS_CUBIC_BETA 0.7
#define DCS_CUBIC_C    0.4
/* BFD detection when a link asks for BFD without routing.bfd_ms: 50 ms x 3
 * (dci-facts.md §4.2 "BFD"; §8 row 24). */
#define DCS_BFD_DEFAULT_S      0.150
#define DCS_NET_SOLVE_MAX_ITER 50

/* Pure link figures from the configuration (no state). */
double dcs_link_cfg_one_way_us(const struct dcs_link_cfg *l);
int dcs_link_cfg_mss(const struct dcs_link_cfg *l);
double dcs_link_cfg_goodput_fraction(const struct dcs_link_cfg *l);
/* TCP throughput caps in bytes/s for a path of the given RTT; INFINITY when
 * the cap does not apply (window 0, loss 0). */
double dcs_window_cap_Bps(int streams, double window_bytes, double rtt_s);
double dcs_mathis_cap_Bps(int streams, double mss_bytes, double rtt_s, double loss);
/* Their inverses, for "what would lift this limit": the window per stream,
 * and the highest loss ratio, at which a flow reaches rate_Bps (NaN when the
 * rate or RTT is not positive and finite). */
double dcs_window_for_rate(int streams, double rate_Bps, double rtt_s);
double dcs_loss_for_rate(int streams, double mss_bytes, double rtt_s, double rate_Bps);

enum dcs_limit {
	DCS_LIMIT_NONE,       /* not yet computed */
	DCS_LIMIT_LINK_SHARE, /* its fair share of a link */
	DCS_LIMIT_WINDOW,     /* streams x window / RTT */
	DCS_LIMIT_LOSS,       /* Mathis bound */
	DCS_LIMIT_DEMAND,     /* what its owner asked for (engine cap, offered load, credits) */
	DCS_LIMIT_STALLED,    /* no path */
	DCS_LIMIT_COUNT
};
const char *dcs_limit_name(enum dcs_limit l);

struct dcs_net;
struct dcs_flow;

struct dcs_flow_spec {
	int src, dst;        /* sites */
	double bytes;        /* INFINITY for a flow without end */
	double demand_Bps;   /* INFINITY: as fast as the network allows */
	int streams;         /* TCP connections carrying it (>= 1): shares */
	double window_bytes; /* per stream; 0: no window cap */
	bool offered;        /* request/response aggregate: inelastic at a finite demand */
	uint64_t key;        /* ECMP hash key; 0: the flow's serial number */
	const char *label;   /* for messages; not copied */
	void (*on_done)(void *ctx, struct dcs_flow *f);                /* finite flows */
	void (*on_stall)(void *ctx, struct dcs_flow *f, bool stalled); /* optional */
	void *ctx;
};

struct dcs_net *dcs_net_create(struct dcs_kernel *k, struct dcs_bus *bus,
			       const struct dcs_scenario *scn);
void dcs_net_destroy(struct dcs_net *net);

size_t dcs_net_n_sites(const struct dcs_net *net);
size_t dcs_net_n_links(const struct dcs_net *net);

/* Link and site state.  Each change publishes its note, then recomputes paths
 * and flow rates and publishes DCS_NOTE_PATHS_CHANGED if any path or
 * reachability changed.  A link is up unless link_down cut it (or its last
 * underlay path); it carries traffic when up and not converging. */
bool dcs_net_link_up(const struct dcs_net *net, int link);
bool dcs_net_link_degraded(const struct dcs_net *net, int link);
bool dcs_net_link_converging(const struct dcs_net *net, int link);
bool dcs_net_link_carries(const struct dcs_net *net, int link);
/* "up", "degraded", "converging" or "down", as links.csv writes it. */
const char *dcs_net_link_state_name(const struct dcs_net *net, int link);
/* link_down (up false: every underlay path cut) and repair (up true: every
 * path back). */
void dcs_net_set_link_up(struct dcs_net *net, int link, bool up);
/* path_down / its end: one underlay path cut or back. */
void dcs_net_path_down(struct dcs_net *net, int link);
void dcs_net_path_up(struct dcs_net *net, int link);
int dcs_net_link_paths_up(const struct dcs_net *net, int link);
/* Nominal time a cut stops traffic on this link: one_path false, every path
 * cut with a detour left (detection + IGP); true, one of several paths cut
 * (protection switching, or underlay BFD + IGP). */
double dcs_net_cut_outage_s(const struct dcs_net *net, int link, bool one_path);
/* The detection time of a link_down on this link, and whether BFD set it. */
double dcs_net_link_detect_s(const struct dcs_net *net, int link, bool *by_bfd);
/* NaN leaves a figure as configured; restore with dcs_net_link_restore(). */
void dcs_net_link_degrade(struct dcs_net *net, int link, double bandwidth_gbps, double loss,
			  double added_latency_ms);
void dcs_net_link_restore(struct dcs_net *net, int link);
bool dcs_net_site_up(const struct dcs_net *net, int site);
void dcs_net_set_site_up(struct dcs_net *net, int site, bool up);

/* Current link figures (with degradation). */
dcs_time_t dcs_net_link_one_way(const struct dcs_net *net, int link);
double dcs_net_link_loss(const struct dcs_net *net, int link);
double dcs_net_link_capacity_Bps(const struct dcs_net *net, int link);
double dcs_net_link_bandwidth_gbps(const struct dcs_net *net, int link);

/* Queues per direction (dir 0: a->b as configured): the mean queueing delay
 * a packet entering now pays, the delay at this instant of the loss cycle,
 * the buffer drops per second, and the buffer in bytes. */
double dcs_net_link_queue_s(const struct dcs_net *net, int link, int dir);
double dcs_net_link_queue_now_s(const struct dcs_net *net, int link, int dir);
double dcs_net_link_drops_pps(const struct dcs_net *net, int link, int dir);
double dcs_net_link_buffer_bytes(const struct dcs_net *net, int link);

/* Paths between sites over the canonical path.  reachable: routed and every
 * hop carries.  One way is 0 within a site, DCS_TIME_NEVER when not
 * reachable; dcs_net_one_way adds the mean queues (the loaded latency every
 * consumer reads), _base is propagation and devices only (routing's metric,
 * DCS_TIME_NEVER with no route). */
bool dcs_net_reachable(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_one_way(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_rtt(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_one_way_base(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_rtt_base(const struct dcs_net *net, int a, int b);
/* One way from a to b for a packet of a connection hashed with `key`, with
 * the queues at this instant (the spread of the loss cycle). */
dcs_time_t dcs_net_latency_now(const struct dcs_net *net, int a, int b, uint64_t key);
/* Fills links[] (and dirs[]: 0 when crossed a->b as configured, 1 otherwise)
 * with the hops from a to b that routing uses; returns the hop count, or -1
 * with no route.  _key: the path a connection hashed with `key` takes. */
int dcs_net_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max);
int dcs_net_path_key(const struct dcs_net *net, int a, int b, uint64_t key, int *links, int *dirs,
		     int max);
/* Loss along the path: 1 - prod(1 - loss_i). */
double dcs_net_path_loss(const struct dcs_net *net, int a, int b);
/* The smallest MSS along the path (the segment size TCP ends up using). */
int dcs_net_path_mss(const struct dcs_net *net, int a, int b);
/* The narrowest link on the path: the goodput capacity it offers flows
 * (bytes/s, after background), its line rate and background (Gbps) and its
 * goodput fraction; returns the link, or -1 within a site or with no path. */
int dcs_net_path_bottleneck(const struct dcs_net *net, int a, int b, double *cap_Bps,
			    double *line_gbps, double *background_gbps, double *goodput_fraction);

/* Flows.  dcs_flow_start never returns NULL: out of memory ends the run
 * with exit 3 (dcisim/xalloc.h). */
struct dcs_flow *dcs_flow_start(struct dcs_net *net, const struct dcs_flow_spec *spec);
/* Stops and frees a flow (no on_done).  Not for the flow whose on_done is
 * running: that flow is already gone. */
void dcs_flow_stop(struct dcs_net *net, struct dcs_flow *f);
void dcs_flow_set_demand(struct dcs_net *net, struct dcs_flow *f, double demand_Bps);
/* Changes the demand and whether the flow is an offered (inelastic) load. */
void dcs_flow_set_load(struct dcs_net *net, struct dcs_flow *f, double demand_Bps, bool offered);
double dcs_flow_rate_Bps(const struct dcs_flow *f);
double dcs_flow_sent(struct dcs_net *net, struct dcs_flow *f);
double dcs_flow_remaining(struct dcs_net *net, struct dcs_flow *f);
bool dcs_flow_stalled(const struct dcs_flow *f);
enum dcs_limit dcs_flow_limited_by(const struct dcs_flow *f);
/* The limit that held while most of the flow's bytes moved so far (what a
 * report calls "limited by"); DCS_LIMIT_NONE before any byte moved. */
enum dcs_limit dcs_flow_main_limit(const struct dcs_flow *f);
/* What would lift limit l for a flow owner between sites a and b, for its
 * summary (docs/sweeps.md, "Bottlenecks"): the setting at which the limit
 * stops binding because the next one takes over, the path's capacity at the
 * latest.  window: the window per stream (metric lift_window_kib); loss: the
 * highest path loss (lift_max_loss); demand: the owner's rate cap
 * (lift_rate_cap_mib_s); link_share: the line rate of the narrowest link at
 * which the owner's share, share_rate_Bps now, would reach its next cap,
 * shares growing in proportion with capacity (lift_bandwidth_gbps).  demand_Bps
 * is the owner's own rate demand (INFINITY: none).  false when no finite
 * figure exists (no path, no next cap, other limits). */
bool dcs_net_lift(const struct dcs_net *net, int a, int b, enum dcs_limit l, int streams,
		  double window_bytes, double demand_Bps, double share_rate_Bps, double *value,
		  const char **metric, const char **unit);
/* Goodput bytes the flow moved so far while limit l held (settles to now, as
 * dcs_flow_sent() does). */
double dcs_flow_limit_bytes(struct dcs_net *net, struct dcs_flow *f, enum dcs_limit l);
/* The flow's loaded RTT (base + mean queues both ways), 0 while stalled. */
dcs_time_t dcs_flow_rtt(const struct dcs_net *net, const struct dcs_flow *f);
/* The link direction whose share holds the flow (2 x link + dir), or -1. */
int dcs_flow_bottleneck(const struct dcs_flow *f);
size_t dcs_net_active_flows(const struct dcs_net *net);
/* Component solves the memo answered and those it did not (diagnostics). */
void dcs_net_memo_counts(const struct dcs_net *net, uint64_t *hits, uint64_t *misses);

/* Traffic accounting for links.csv: goodput bytes carried by flows in one
 * direction since the start (integrated exactly at every rate change). */
double dcs_net_link_bytes(struct dcs_net *net, int link, int dir);
int dcs_net_link_flows(const struct dcs_net *net, int link, int dir);
/* For observers (trace, viewer): the goodput rate flows carry now in one
 * direction, bytes/s.  Unlike dcs_net_link_bytes() it settles nothing, so
 * calling it at any moment never changes a run's results. */
double dcs_net_link_rate_Bps(const struct dcs_net *net, int link, int dir);

/* Path questions of the models, answered from the current link and site
 * states (the models keep no graph search of their own).  Does the current
 * path from a to b pass through site s (an end does not count)?  And the
 * lowest-latency path from a to b over links and sites that are up that
 * does not pass through site `avoid` (a witness that arbitrates but does not
 * carry traffic), with the network's own tie rules: links[] and dirs[] (each
 * may be NULL; filled when the path has at most max hops) as dcs_net_path()
 * fills them, its one-way latency in *one_way (DCS_TIME_NEVER without one);
 * returns the hop count, or -1 with no such path. */
bool dcs_net_path_transits(const struct dcs_net *net, int a, int b, int s);
int dcs_net_path_avoiding(const struct dcs_net *net, int a, int b, int avoid, int *links, int *dirs,
			  int max, dcs_time_t *one_way);

#endif
