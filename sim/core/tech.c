#include "dcisim/tech.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dcisim/namelist.h"

/*
 * Figures (../shared/reference/dci-facts.md):
 * - encapsulation: §3.1. dwdm 0 (client carried transparently); vpls 26 =
 *   two 4-byte labels + 4-byte control word + 14-byte carried Ethernet header
 *   (Cisco Press "MPLS Fundamentals" ch. 10; MikroTik); evi 38 (H3C EVI guide,
 *   "Path MTU"); otv 42 (Cisco community, CCIE notes); vxlan_evpn 50 = outer
 *   Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 (RFC 7348); l3 0.
 * - added latency: the reference finds no per-device datasheet figure (§7
 *   item 6), so encapsulating edges add nothing here and measured device
 *   delays (transponder FEC, §1: 30 us standard FEC) go in device_latency_us.
 * - learning and flooding: §3.2. EVI and OTV learn remote MACs through IS-IS
 *   ("EVI MAC learning", "OTV MAC learning"), answer ARP locally and do not
 *   flood unknown unicast ("EVI flood controls", "OTV flood behaviour"); VPLS
 *   floods and learns per VSI over a full mesh of pseudowires ("VPLS MAC
 *   learning", "VPLS scale": N(N-1)/2); VXLAN-EVPN advertises MACs in BGP
 *   with the MAC Mobility sequence number ("VXLAN-EVPN control plane") and
 *   withdraws a whole Ethernet segment in one update ("EVPN mass withdraw",
 *   RFC 7432 §17.3); dwdm carries the sites' own flooding and STP (one L2
 *   domain, nothing isolated).  EVI and OTV keep STP per site ("EVI STP",
 *   "OTV flood behaviour"); VPLS needs no spanning tree across the mesh,
 *   whose split horizon already prevents loops ("VPLS MAC learning").
 * - detection of a cut (SPEC §6.1).  detect_s, every underlay path cut and
 *   no BFD: dwdm sees loss of signal at the port at once (link debounce is
 *   off by default: Cisco Nexus 5000 interfaces command reference, Dell
 *   N-series guide), bounded here by the 50 ms that optical protection is
 *   built to (§3.2 "DWDM optical line protection"); VPLS loses the transport
 *   LSP when the core IGP declares its neighbour dead, OSPF dead 40 s (§4.2
 *   "IGP/BGP hello defaults"); EVI IS-IS hold 10 s x 3 = 30 s ("EVI IS-IS
 *   timers"); OTV's control plane is IS-IS and no OTV-specific timer is
 *   published, so IS-IS's own defaults apply: hello 10 s, hold 3 hellos =
 *   30 s (Cisco IOS IS-IS "isis hello-interval" default 10 s,
 *   "isis hello-multiplier" default 3; "OTV IS-IS timers"); VXLAN-EVPN the BGP hold timer
 *   180 s (§4.2 "IGP/BGP hello defaults"), then one mass withdraw; l3 OSPF
 *   dead 40 s (same row).  With BFD the network uses routing.bfd_ms instead
 *   (50 ms x 3 = 150 ms, §4.2 "BFD") when that is faster.
 *   protect_s, one underlay path cut with another left: DWDM 1+1 optical
 *   line protection < 50 ms ("DWDM optical line protection"); VPLS backup
 *   pseudowire 200-300 ms on Cisco ASR 920, 250 ms used ("VPLS PW redundancy
 *   switchover"); the IP overlays (EVI, OTV, VXLAN-EVPN) and l3 ride a
 *   routed underlay: they see only its BFD + IGP reconvergence (NaN here;
 *   the network adds routing.bfd_ms or 150 ms and igp_convergence_ms).
 * - port class, for the default egress buffer in front of the link: a
 *   data-center switch for dwdm (the wave ends on the core switch), EVI (H3C
 *   S12500 / S7500E switches, §3.1) and VXLAN-EVPN (border-gateway leaves,
 *   §3.2 "EVPN Multi-Site"); a WAN router or PE for VPLS (MPLS PE), OTV
 *   (Nexus 7000 / ASR 1000 edge devices) and l3.  Buffers: a switch port
 *   takes at most 5.3 MB of a Trident+ chip's 9 MB shared buffer when it
 *   alone is congested (Cisco Nexus 3064PQ architecture, via
 *   people.ucsc.edu/~warner/Bufs), 5176 KiB here; a router queue holds 100 ms
 *   at line rate at 1 Gbps and above (Junos "Scheduler Delay Buffering on MIC
 *   and MPC Interfaces") of which the best-effort queue gets 95 % by default
 *   (Junos buffer-size default 95/0/0/5), so 95 ms at line rate.  Deep
 *   buffers are common on WAN routers (Cisco ASR 9000 also defaults to
 *   100 ms): under a bulk TCP transfer they become a standing queue of tens
 *   of milliseconds, which is what such a DCI really shows; set buffer_kib
 *   to model a tuned queue.
 * - cp_update_s: the time a control plane takes to originate a MAC update
 *   after its edge learns the MAC locally (the propagation over the DCI is
 *   added by the L2 model), with the range the sources give:
 *   - evi 100 ms: an EVI edge generates an LSP update when its LSDB changes
 *     (a MAC learnt or removed) and sends LSPs no more often than the minimum
 *     LSP transmit interval, 100 ms by default, configurable 100-1000 ms
 *     (H3C S7500E EVI Configuration Guide, "Configuring the minimum LSP
 *     transmit interval"; HPE/H3C EVI command reference, `evi isis timer
 *     lsp`).  Range 0.1-2 s: Comware IS-IS waits up to its LSP generation
 *     interval, 2 s by default, before generating an LSP (H3C/HP Comware
 *     `timer lsp-generation`).
 *   - otv 50 ms: OTV's control plane is IS-IS (Cisco Nexus 7000 OTV
 *     Configuration Guide, "MAC Address Reachability Updates") and Cisco does
 *     not publish OTV-specific LSP timers (draft-hasmit-otv is silent), so
 *     Cisco IS-IS's default LSP generation throttle applies: initial wait
 *     50 ms, second wait 5000 ms, maximum 5 s (Cisco ME 3400 / Catalyst 3750
 *     configuration guides, "Default IS-IS Configuration").  Range 0.05-5 s:
 *     a move during a burst of changes waits the second wait.
 *   - vxlan_evpn 200 ms: BGP EVPN MAC learning lags data-plane learning by
 *     "hundreds of ms or in some vendors seconds" (ipspace.net, "Is Dynamic
 *     MAC Learning Better Than EVPN?", 2023); 200 ms is taken as typical.
 *     Range 0.1-5 s: an implementation that batches updates at the iBGP
 *     advertisement interval waits up to 5 s (RFC 4271 §10 suggested
 *     MinRouteAdvertisementIntervalTimer for internal peers; Cisco IOS and
 *     Dell OS10 default 5 s).
 *   - dwdm, vpls (flood-and-learn) and l3: no control plane, 0.
 * - fc_native: native Fibre Channel needs optical transport (dark fibre or
 *   DWDM, dci-facts.md §2.3 "Fibre Channel > 10 km": beyond 30 km FC ISLs
 *   need DWDM or leased transport); over the IP and MPLS technologies FC is
 *   carried as FCIP (Cisco MDS "Configuring FCIP"; Brocade FC extension).
 */
/* One technology per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_tech_info table[DCS_TECH_COUNT] = {
	[DCS_TECH_DWDM] = {
		.name = "dwdm", .encap_bytes = 0, .l2_extension = true,
		.flood_unknown_unicast = true,
		.detect_s = 0.050, .protect_s = 0.050, .port = DCS_PORT_SWITCH,
		.fc_native = true,
		.learning = "flood-and-learn (transparent)",
		.detect_source = "loss of signal < 50 ms; OLP 1+1 switch < 50 ms",
		.source = "dci-facts.md §3.1 (transparent); §3.2 \"DWDM optical line protection\"",
	},
	[DCS_TECH_VPLS] = {
		.name = "vpls", .encap_bytes = 26, .l2_extension = true,
		.flood_unknown_unicast = true, .stp_isolation = true,
		.full_mesh_pseudowires = true,
		.detect_s = 40.0, .protect_s = 0.250, .port = DCS_PORT_ROUTER,
		.learning = "flood-and-learn per VSI",
		.detect_source = "core IGP dead 40 s; backup pseudowire 200-300 ms",
		.source = "dci-facts.md §3.1 (MPLS Fundamentals ch. 10); §3.2 \"VPLS MAC learning\", \"VPLS PW redundancy switchover\"",
	},
	[DCS_TECH_EVI] = {
		.name = "evi", .encap_bytes = 38, .l2_extension = true,
		.control_plane = true, .arp_suppression = true, .stp_isolation = true,
		.detect_s = 30.0, .protect_s = NAN, .port = DCS_PORT_SWITCH,
		.cp_update_s = 0.100, .cp_update_min_s = 0.100, .cp_update_max_s = 2.0,
		.cp_update_source = "EVI LSP min transmit interval 100 ms (100-1000 ms); Comware LSP generation 2 s",
		.learning = "control plane (EVI IS-IS)",
		.detect_source = "IS-IS hold 3 x 10 s; underlay BFD + IGP",
		.source = "dci-facts.md §3.1 (H3C EVI guide); §3.2 \"EVI MAC learning\", \"EVI IS-IS timers\"",
	},
	[DCS_TECH_OTV] = {
		.name = "otv", .encap_bytes = 42, .l2_extension = true,
		.control_plane = true, .arp_suppression = true, .stp_isolation = true,
		.detect_s = 30.0, .protect_s = NAN, .port = DCS_PORT_ROUTER,
		.cp_update_s = 0.050, .cp_update_min_s = 0.050, .cp_update_max_s = 5.0,
		.cp_update_source = "Cisco IS-IS LSP generation initial wait 50 ms, second wait 5 s (no OTV-specific figure)",
		.learning = "control plane (OTV IS-IS)",
		.detect_source = "IS-IS hold 3 x 10 s (IS-IS defaults); underlay BFD + IGP",
		.source = "dci-facts.md §3.1 (Cisco OTV); §3.2 \"OTV MAC learning\", \"OTV IS-IS timers\" (GAP)",
	},
	[DCS_TECH_VXLAN_EVPN] = {
		.name = "vxlan_evpn", .encap_bytes = 50, .l2_extension = true,
		.control_plane = true, .arp_suppression = true, .stp_isolation = true,
		.mac_mobility_seq = true, .mass_withdraw = true,
		.detect_s = 180.0, .protect_s = NAN, .port = DCS_PORT_SWITCH,
		.cp_update_s = 0.200, .cp_update_min_s = 0.100, .cp_update_max_s = 5.0,
		.cp_update_source = "BGP EVPN: hundreds of ms (ipspace.net 2023); up to the iBGP advertisement interval 5 s (RFC 4271 §10)",
		.learning = "control plane (BGP EVPN, MAC mobility sequence)",
		.detect_source = "BGP hold 180 s, then mass withdraw; underlay BFD + IGP",
		.source = "dci-facts.md §3.1 (RFC 7348); §3.2 \"VXLAN-EVPN control plane\", RFC 7432 §17.3; §4.2 \"BFD\"",
	},
	[DCS_TECH_L3] = {
		.name = "l3", .encap_bytes = 0, .l2_extension = false,
		.control_plane = true, .stp_isolation = true,
		.detect_s = 40.0, .protect_s = NAN, .port = DCS_PORT_ROUTER,
		.learning = "none (routed)",
		.detect_source = "OSPF dead 40 s; underlay BFD + IGP",
		.source = "SPEC §4.1 (routed only); dci-facts.md §4.2 \"IGP/BGP hello defaults\", \"BFD\"",
	},
};
/* clang-format on */

const struct dcs_tech_info *dcs_tech(enum dcs_tech t)
{
	return &table[t];
}

const char *dcs_tech_name(enum dcs_tech t)
{
	return table[t].name;
}

int dcs_tech_from_name(const char *name)
{
	return dcs_namelist_find(&dcs_tech_list, name);
}

static const char *row_name(int i)
{
	return i >= 0 && i < DCS_TECH_COUNT ? table[i].name : NULL;
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_tech_info *t = &table[i];
	char mac[224] = "-";
	if (t->control_plane && t->l2_extension)
		snprintf(mac, sizeof(mac), "%g s (%g-%g s; %s)", t->cp_update_s, t->cp_update_min_s,
			 t->cp_update_max_s, t->cp_update_source);
	snprintf(buf, len, "%d | %s | %s | %s | %s | %g s (%s) | %s | %s | %s", t->encap_bytes,
		 t->learning, mac, t->arp_suppression ? "yes" : "no",
		 t->flood_unknown_unicast ? "yes" : "no", t->detect_s, t->detect_source,
		 dcs_port_class_name(t->port), t->fc_native ? "native" : "FCIP", t->source);
}

const struct dcs_namelist dcs_tech_list = {
    .title = "Technologies",
    .key = "links[].technology",
    .count = DCS_TECH_COUNT,
    .def = "dwdm",
    .name = row_name,
    .columns =
	"encapsulation bytes | MAC learning | MAC update origination | ARP suppressed | "
	"unknown unicast floods | cut detected without BFD | port class (buffer) | FC transport | "
	"source",
    .cells = row_cells,
};

/* Port-class buffers (see the comment above the table). */
#define SWITCH_PORT_BUFFER_BYTES (5176.0 * 1024)
#define ROUTER_QUEUE_DELAY_S     0.095

double dcs_tech_default_buffer_bytes(enum dcs_tech t, double bandwidth_gbps)
{
	if (table[t].port == DCS_PORT_ROUTER)
		return ROUTER_QUEUE_DELAY_S * bandwidth_gbps * 1e9 / 8.0;
	return SWITCH_PORT_BUFFER_BYTES;
}

const char *dcs_port_class_name(enum dcs_port_class p)
{
	return p == DCS_PORT_ROUTER ? "router" : "switch";
}
