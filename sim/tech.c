#include "dcisim/tech.h"

#include <string.h>

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
 * - learning and flooding: §3.2. EVI and OTV learn MACs through IS-IS, answer
 *   ARP locally and do not flood unknown unicast; VPLS floods and learns per
 *   VSI; VXLAN-EVPN advertises MACs in BGP with ARP suppression; dwdm carries
 *   the sites' own flooding (one L2 domain, STP not isolated).
 * - failover: §3.2. DWDM 1+1 optical line protection < 50 ms; VPLS backup
 *   pseudowire 200-300 ms (Cisco ASR 920), 250 ms used; EVI IS-IS hold 10 s x 3
 *   = 30 s, about 1 s with BFD tracking; OTV uses the same IS-IS placeholder;
 *   VXLAN-EVPN withdraws per Ethernet segment in one BGP update (RFC 7432
 *   §17.3) once BFD (50 ms x 3 = 150 ms, §4.2) or the BGP hold timer (180 s)
 *   detects the loss; l3 reroutes after BFD-style detection or OSPF dead 40 s.
 */
static const struct dcs_tech_info table[DCS_TECH_COUNT] = {
	[DCS_TECH_DWDM] = {"dwdm", 0, 0.0, true, false, false, true, false, 0.050, 0.050,
			   "flood-and-learn (transparent)", "OLP 1+1 switch < 50 ms"},
	[DCS_TECH_VPLS] = {"vpls", 26, 0.0, true, false, false, true, true, 0.250, 0.250,
			   "flood-and-learn per VSI", "backup pseudowire 200-300 ms"},
	[DCS_TECH_EVI] = {"evi", 38, 0.0, true, true, true, false, true, 30.0, 1.0,
			  "control plane (EVI IS-IS)", "IS-IS hold 3 x 10 s; BFD ~1 s"},
	[DCS_TECH_OTV] = {"otv", 42, 0.0, true, true, true, false, true, 30.0, 1.0,
			  "control plane (OTV IS-IS)", "IS-IS hold 3 x 10 s; BFD ~1 s"},
	[DCS_TECH_VXLAN_EVPN] = {"vxlan_evpn", 50, 0.0, true, true, true, false, true, 180.0, 0.150,
				 "control plane (BGP EVPN)", "BGP hold 180 s; BFD 3 x 50 ms"},
	[DCS_TECH_L3] = {"l3", 0, 0.0, false, true, false, false, true, 40.0, 0.150,
			 "none (routed)", "OSPF dead 40 s; BFD 3 x 50 ms"},
};

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
	for (int i = 0; i < DCS_TECH_COUNT; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}
