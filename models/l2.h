/*
 * The layer-2 extension model (models/l2.c): what each DCI link's technology
 * (include/dcisim/tech.h) means for the VMs and hosts on stretched VLANs.
 * SPEC §4.2; equations, defaults and limits in docs/models.md §4-5.
 *
 * Contract:
 * - MAC moves.  When a VM moves (DCS_NOTE_VM_MOVED at the instant it resumes
 *   at its new site), every other site of its L2 domain must learn the new
 *   location.  The destination edge learns from the VM's first frame: at
 *   resume for a VM that serves traffic (a service names it), else from the
 *   first hypervisor announcement.  A site reached only over flood-and-learn
 *   links learns when the first RARP/GARP announcement that survives the
 *   path's loss arrives (announcement k sent at dcs_l2_announce_s(k) after
 *   resume, one one-way delay later); if every announcement is lost it learns
 *   after the MAC ageing time.  A site reached only over control-plane links
 *   learns the MAC update origination time of each link on the path
 *   (dcs_l2_mac_update_s: the technology's cp_update_s, e.g. EVI's 100 ms
 *   minimum LSP interval, or the link's mac_update_ms) plus one one-way delay
 *   after the destination edge does (updates are reliable).  Flood-and-learn and IS-IS sites take
 * the last location they hear; a path made only of MAC-mobility technologies (VXLAN-EVPN) takes the
 * highest sequence number, so the newest location wins even when updates arrive out of order. Sites
 * behind an l3 link or without a path are outside the domain.  The move's convergence time is when
 * the last site of the domain knows the final location.
 * - BUM traffic.  Each site offers bum_pps ARP and unknown-unicast frames
 *   per second (default DCS_L2_BUM_PPS_DEFAULT) to its stretched VLANs; a
 *   frame crosses a link when the technologies of the whole path flood it,
 *   as minimum-size frames plus the link's encapsulation.  Replication: one
 *   copy per destination site (ingress replication over pseudowires and
 *   overlays), one copy per link for dwdm (a transparent tree).
 * - Failover.  The network says when a link stops carrying (a cut: until
 *   detection and reroute; an underlay path cut: protection or underlay
 *   reconvergence, net.h).  Its stretched VLANs are out from then until the
 *   link carries again or routing finds another layer-2 path between its
 *   ends; with none they stay out until the link returns.
 * - Summary per link: BUM bytes/s and bytes, MAC-move convergence for a move
 *   across the link, nominal failover outage (a cut with a detour; and an
 *   underlay path cut where the link has several), observed outage seconds,
 *   pseudowires (the goodput fraction is the links model's row).  Per VM:
 *   the MAC-move convergence of its last move.
 */
#ifndef DCISIM_L2_H
#define DCISIM_L2_H

#include <stdbool.h>

#include "dcisim/scenario.h"
#include "dcisim/world.h"

/* Hypervisor self-announcement after resume, QEMU defaults
 * (reference/live-migration.md §2.2, row "Self-announce after switchover":
 * initial 50 ms, max 550 ms, 5 rounds, step 100 ms): announcement 0 at
 * 50 ms, then gaps of min(50 + 100 k, 550) ms. */
#define DCS_L2_ANNOUNCE_ROUNDS    5
#define DCS_L2_ANNOUNCE_INITIAL_S 0.050
#define DCS_L2_ANNOUNCE_STEP_S    0.100
#define DCS_L2_ANNOUNCE_MAX_S     0.550
/* MAC address table ageing time: 300 s, the common switch default (Cisco
 * Nexus 5000 "mac address-table aging-time", Huawei, HPE, Allied Telesis
 * command references; not in reference/, checked with the search tool). */
#define DCS_L2_MAC_AGING_S 300.0
/* Default ARP + unknown-unicast frames per second per site: 500 hosts on the
 * stretched VLANs, each re-resolving 6 peers once per reachable time of 30 s
 * (RFC 4861 REACHABLE_TIME 30,000 ms, which Linux also uses for ARP):
 * 500 x 6 / 30 = 100 frames/s.  An assumption, stated in docs/models.md §4-5. */
#define DCS_L2_BUM_PPS_DEFAULT 100.0
/* An ARP frame is padded to the 46-byte minimum Ethernet payload; on the
 * wire it adds DCS_ETH_WIRE_OVERHEAD (header, FCS, preamble, gap). */
#define DCS_L2_BUM_PAYLOAD_BYTES 46

/* Send time of announcement k (0-based) after resume, in seconds. */
double dcs_l2_announce_s(int k);
/* Expected time after resume until a site one_way_s away learns a move by
 * flood-and-learn when each announcement is lost with probability `loss`
 * (all lost: the ageing time). */
double dcs_l2_flood_learn_expected_s(double one_way_s, double loss);
/* Bytes on the wire of one BUM frame over a link of technology t. */
double dcs_l2_bum_wire_bytes(enum dcs_tech t);
/* Share of ARP + unknown-unicast frames that technology t floods across. */
double dcs_l2_bum_cross_share(enum dcs_tech t);
/* Pseudowires of a full mesh of n provider edges: n(n-1)/2. */
long dcs_l2_full_mesh_pseudowires(int n);
/* Time the link's control plane takes to originate a MAC update after its
 * edge learns a moved MAC: the link's mac_update_ms, else the technology's
 * cp_update_s (0 for flood-and-learn and l3). */
double dcs_l2_mac_update_s(const struct dcs_link_cfg *l);

extern const struct dcs_model_ops dcs_model_l2;

/* Read-only views for tests and observers. */
struct dcs_l2;
struct dcs_l2 *dcs_l2_of(struct dcs_world *w);
/* Where `site` believes the VM is (-1: never heard). */
int dcs_l2_mac_location(const struct dcs_l2 *l2, int vm, int site);
/* How many times a site went back to an older location after the domain had
 * converged on the newest (flood-and-learn hazard). */
int dcs_l2_mac_regressions(const struct dcs_l2 *l2, int vm);
/* Convergence of the VM's last move in seconds: NaN when it never moved,
 * INFINITY while not converged. */
double dcs_l2_last_move_convergence_s(const struct dcs_l2 *l2, int vm);
/* BUM bytes per second currently crossing the link, both directions. */
double dcs_l2_bum_Bps(const struct dcs_l2 *l2, int link);
/* L2 outage seconds of the link's cuts that have ended. */
double dcs_l2_outage_s(const struct dcs_l2 *l2, int link);

#endif
