/*
 * The layer-3 path model (models/l3.c): where clients' requests enter, where
 * responses leave, and what that costs after a VM moves.  SPEC §4.5;
 * equations, defaults and limits in docs/models.md §4-5.
 *
 * Contract:
 * - A request from a client group at site c to the service's VM at site V
 *   enters at an ingress site I and leaves through the egress gateway site E:
 *   RTT = ow(c,I) + ow(I,V) + ow(V,E) + ow(E,c) + server_ms, each one-way
 *   over the current paths (dcs_net_one_way).  The optimal RTT is
 *   2 ow(c,V) + server_ms; a request whose RTT exceeds it is tromboned; one
 *   with no path is unreachable.
 * - Ingress: `none` stays at the site that advertised the subnet (the VM's
 *   site at the start).  `rhi`: each site whose load balancer's probe
 *   passes advertises a /32 host route and each client group enters at the
 *   nearest advertising site; after a move the new site's route reaches the
 *   clients probe_up_s + routing_convergence_s later, the old site's is
 *   withdrawn health_check_s (mark-down) + routing_convergence_s later, the
 *   convergence being the bgp_session's advertisement interval (eBGP 30 s,
 *   iBGP 5 s) by default.  `lisp` moves per client group
 *   after rtt(c, old) + rtt(c, new): a packet to the old xTR, its
 *   Solicit-Map-Request back, and a Map-Request/Reply with the new site (at
 *   once for clients at the new site; a dead old site sends no SMR, so the
 *   map-cache TTL applies).  `dns`: the answer follows the VM at once; a
 *   client holds the answer it got at a uniformly distributed age within the
 *   effective TTL max(dns_ttl_s, dns_client_floor_s), so the share still
 *   entering at the old site falls linearly to zero over one TTL, except a
 *   dns_violator_share of resolvers that hold answers for
 *   dns_violator_hold_s instead (default 3600 s), whose share falls over
 *   that hold in the same way.
 * - Egress: `localized` is the VM's site at once.  `single` is the VRRP
 *   master at the subnet's home site; when the VM's site loses it (site down
 *   or partition) a backup at the VM's site takes over after the master down
 *   interval, and the master preempts when it is back.
 * - Tromboned traffic moves as flows on the DCI: a tromboned request leg
 *   c->I->V carries share x rps x request bytes, a tromboned response leg
 *   V->E->c share x rps x response bytes, each as two demand-limited flows
 *   that compete with migrations and replication.
 * - paths.csv (DCS_L3_PATHS_HEADER) has one row per sample (every
 *   output.sample_s, from the first), service and client group: the VM's
 *   site, the ingress site most of the group's requests use, the egress site,
 *   the mean RTT of the group's delivered requests (empty when unreachable),
 *   the state, and the share of the group's requests that trombone.
 * - Summary per service: trombone seconds (any group tromboning) and
 *   request-weighted trombone seconds, time from the last move to all groups
 *   optimal (inf if never), extra DCI bytes of the trombone, request RTT
 *   p50/p95 (request-weighted, log-bucketed: memory does not grow with run
 *   length; exact while a bucket holds one distinct RTT).
 * - w->q.ip_move_convergence_s: seconds until clients reach an address at
 *   `to` after it leaves `from`, by the first service's ingress and gateway
 *   (INFINITY when they never do, e.g. `none` with `from` down).
 */
#ifndef DCISIM_L3_H
#define DCISIM_L3_H

#include "dcisim/scenario.h"
#include "dcisim/world.h"

#define DCS_L3_PATHS_HEADER                                                                        \
	"time_s,service,client_site,serving_site,ingress_site,egress_site,rtt_ms,state,"           \
	"trombone_share"

/* VRRP master down interval: 3 x advert + (256 - priority) / 256 x advert
 * (RFC 5798 via dci-facts.md §4.1 "VRRP Master_Down_Interval"): 3.61 s at
 * priority 100 and 3.008 s at 254 with 1 s adverts. */
double dcs_vrrp_master_down_s(int priority, double advert_s);
/* Resolved service figures (the scenario's value, or the default from the
 * ingress method table, dcisim/ingress.h). */
double dcs_l3_dns_ttl_eff_s(const struct dcs_service_cfg *s);
double dcs_l3_health_check_s(const struct dcs_service_cfg *s); /* RHI mark-down */
double dcs_l3_probe_up_s(const struct dcs_service_cfg *s);     /* RHI mark-up */
double dcs_l3_routing_convergence_s(const struct dcs_service_cfg *s);
double dcs_l3_dns_violator_hold_s(const struct dcs_service_cfg *s);

extern const struct dcs_model_ops dcs_model_l3;

struct dcs_l3;
struct dcs_l3 *dcs_l3_of(struct dcs_world *w);
/* The figure published as w->q.ip_move_convergence_s. */
double dcs_l3_ip_move_convergence_s(void *l3, int from_site, int to_site);

#endif
