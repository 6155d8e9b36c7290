/*
 * dcisim network: links, paths and flow-level bandwidth sharing.
 *
 * Link figures (SPEC §4.1, reference/dci-facts.md §1 and §3.1):
 * - one-way latency = distance_km x route_factor x 4.9 us + device_latency_us
 *   + the technology's added latency (+ any degradation); RTT = 2 x one way.
 * - a TCP segment carries lan_mtu - 40 bytes; a frame on the wire is
 *   lan_mtu + 38 (Ethernet header, FCS, preamble, inter-frame gap) plus the
 *   technology's encapsulation, so the goodput fraction is
 *   (lan_mtu - 40) / (lan_mtu + 38 + encap).
 *
 * Paths: traffic between two sites follows the lowest-latency path over links
 * and sites that are up; equal latencies go to the path found first when links
 * are relaxed in file order.  Paths are recomputed when a link or site changes
 * state, before DCS_NOTE_PATHS_CHANGED is published.
 *
 * Flows: a flow moves bytes (a finite count, or without end at a demanded
 * rate) from one site to another along the current path.  Each link direction
 * offers (bandwidth - background) x goodput fraction to flows, shared by
 * max-min fairness; each flow is further capped by its demand, by
 * streams x window / RTT and, with loss, by the Mathis bound
 * streams x MSS / RTT x 1.22 / sqrt(loss).  Rates change only when a flow
 * starts, stops or changes demand, or a link or site changes; completion
 * events are rescheduled then, so cost grows with such changes, not with
 * bytes.  A flow with no path is stalled (rate 0) until a path returns; its
 * owner hears of both through on_stall.  Rates are in goodput bytes per second.
 * Callbacks run inside kernel events; a callback may start and stop flows.
 * A flow that starts without a path hears on_stall(true) from inside
 * dcs_flow_start(), before its owner holds the pointer: that callback must not
 * stop the flow.
 */
#ifndef DCISIM_NET_H
#define DCISIM_NET_H

#include <stdbool.h>
#include <stddef.h>

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
	int streams;         /* TCP connections carrying it (>= 1) */
	double window_bytes; /* per stream; 0: no window cap */
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
 * and flow rates and publishes DCS_NOTE_PATHS_CHANGED if any path changed. */
bool dcs_net_link_up(const struct dcs_net *net, int link);
bool dcs_net_link_degraded(const struct dcs_net *net, int link);
void dcs_net_set_link_up(struct dcs_net *net, int link, bool up);
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

/* Paths between sites.  One way is 0 within a site, DCS_TIME_NEVER with no path. */
bool dcs_net_reachable(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_one_way(const struct dcs_net *net, int a, int b);
dcs_time_t dcs_net_rtt(const struct dcs_net *net, int a, int b);
/* Fills links[] (and dirs[]: 0 when crossed a->b as configured, 1 otherwise)
 * with the hops from a to b; returns the hop count, or -1 with no path. */
int dcs_net_path(const struct dcs_net *net, int a, int b, int *links, int *dirs, int max);
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
dcs_time_t dcs_flow_rtt(const struct dcs_net *net, const struct dcs_flow *f);
size_t dcs_net_active_flows(const struct dcs_net *net);

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
int dcs_net_path_avoiding(const struct dcs_net *net, int a, int b, int avoid, int *links,
			  int *dirs, int max, dcs_time_t *one_way);

#endif
