/*
 * The ingress method table (dcisim/ingress.h).
 *
 * Figures (reference/dci-facts.md §4):
 * - rhi mark-down: the F5 BIG-IP default monitor timeout, 16 s = 3 x 5 s
 *   interval + 1 (§4.2 row "F5 BIG-IP monitor"; the 5 s interval [V-3p],
 *   the 16 s timeout [M]): a probe that has failed this long withdraws the
 *   host route.  Range: Cisco ACE marks a server down after faildetect 3
 *   failed probes (§4.2 row "Cisco ACE probe defaults").
 * - rhi probe-up: 5 s.  A BIG-IP monitor marks a member up at its first
 *   successful probe, sent every interval (5 s, same row), so the site that
 *   now hosts the VM injects the route within one interval.  Range 5-180 s:
 *   Cisco ACE marks a failed server up only after passdetect count 3
 *   probes at the passdetect interval 60 s (same row).
 * - BGP advertisement interval (MRAI) per session type: 30 s on eBGP, 5 s
 *   on iBGP (RFC 4271 §10, suggested MinRouteAdvertisementIntervalTimer
 *   values; the defaults of Cisco IOS "neighbor advertisement-interval",
 *   Dell OS10 and AlliedWare, §4.2 row "BGP MRAI"; Huawei NE40E 15 s on
 *   iBGP).  It applies to withdrawals as well as advertisements (RFC 4271
 *   §9.2.1.1; NETGEAR/LANCOM command references).  Range 0-30 s: Junos and
 *   FRR send at once by default, and a route not advertised recently goes
 *   out at once under RFC 4271's per-destination rule.
 * - lisp: a map-cache entry that no SMR refreshes lives 24 h (§4.4
 *   "Map-cache TTL").
 * - dns: the TTL, violator share and client floor are service keys with
 *   their sources there; a TTL-violating resolver keeps an answer up to
 *   3600 s: resolvers that extend TTLs do it with a minimum TTL, which
 *   dnsmasq caps at one hour (dnsmasq(8), --min-cache-ttl: "limits the
 *   value of this option to one hour") and Unbound's manual warns against
 *   above an hour (unbound.conf(5), cache-min-ttl).  Range 1800-3600 s
 *   (Internet Explorer's DnsCacheTimeout 30 min, §4.3 row "Internet
 *   Explorer DNS cache").  The PAM 2023 study counts violators (8.74 %) but
 *   gives no duration.
 */
#include "dcisim/ingress.h"

#include <stdio.h>

/* clang-format off */
static const struct dcs_ingress_method table[] = {
	[DCS_INGRESS_NONE] = {
		.name = "none",
		.reaction = "stays at the site that advertised the subnet: traffic trombones",
		.source = "SPEC §4.5",
	},
	[DCS_INGRESS_DNS] = {
		.name = "dns",
		.reaction = "follows as cached answers expire: the trombone share decays over one TTL, the violators' over their hold",
		.violator_hold_s = 3600,
		.source = "SPEC §4.5; dci-facts.md §4.3 (TTL, violators, client floor: service keys); dnsmasq(8) min-cache-ttl cap 1 h",
	},
	[DCS_INGRESS_RHI] = {
		.name = "rhi",
		.reaction = "the new site's host route after its probe passes, the old one's withdrawn after its probe fails; each client follows the nearest route",
		.health_check_s = 16, .probe_up_s = 5, .advert_ebgp_s = 30, .advert_ibgp_s = 5,
		.source = "dci-facts.md §4.2 \"F5 BIG-IP monitor\", \"Cisco ACE probe defaults\", \"BGP MRAI\"; RFC 4271 §10",
	},
	[DCS_INGRESS_LISP] = {
		.name = "lisp",
		.reaction = "a map-cache update after a Solicit-Map-Request and a map-request round trip",
		.map_cache_ttl_s = 86400,
		.source = "dci-facts.md §4.4 \"Map-cache TTL\"",
	},
};
/* clang-format on */

#define N_METHODS ((int)(sizeof(table) / sizeof(table[0])))
_Static_assert(N_METHODS == DCS_INGRESS_LISP + 1, "one row per enum dcs_ingress value");

double dcs_ingress_advert_s(enum dcs_bgp_session s)
{
	const struct dcs_ingress_method *m = &table[DCS_INGRESS_RHI];
	return s == DCS_BGP_IBGP ? m->advert_ibgp_s : m->advert_ebgp_s;
}

const struct dcs_ingress_method *dcs_ingress_method(enum dcs_ingress m)
{
	return &table[m];
}

static const char *row_name(int i)
{
	return i >= 0 && i < N_METHODS ? table[i].name : NULL;
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_ingress_method *m = &table[i];
	char figs[192] = "-";
	if (m->health_check_s > 0)
		snprintf(figs, sizeof(figs),
			 "probe-up %g s (5-180 s), mark-down %g s; advertisement interval eBGP "
			 "%g s, iBGP %g s (0-30 s)",
			 m->probe_up_s, m->health_check_s, m->advert_ebgp_s, m->advert_ibgp_s);
	else if (m->violator_hold_s > 0)
		snprintf(figs, sizeof(figs), "TTL violators hold answers %g s (1800-3600 s)",
			 m->violator_hold_s);
	else if (m->map_cache_ttl_s > 0)
		snprintf(figs, sizeof(figs), "map-cache TTL %g s without an SMR",
			 m->map_cache_ttl_s);
	snprintf(buf, len, "%s | %s | %s", m->reaction, figs, m->source);
}

const struct dcs_namelist dcs_ingress_list = {
    .title = "Ingress methods",
    .key = "services[].ingress",
    .count = N_METHODS,
    .def = "none",
    .name = row_name,
    .columns = "after a move | defaults | source",
    .cells = row_cells,
};
