/*
 * The ingress method table (dcisim/ingress.h).
 *
 * Figures (reference/dci-facts.md §4):
 * - rhi detection: the F5 BIG-IP default monitor timeout, 16 s = 3 x 5 s
 *   interval + 1 (§4.2 row "F5 BIG-IP monitor"; the 5 s interval [V-3p], the
 *   16 s timeout [M]).  Routing: the host route reaches clients over eBGP,
 *   whose MRAI is 30 s (§4.2 row "BGP MRAI", §8 row 23; use 5 for iBGP).
 * - lisp: a map-cache entry that no SMR refreshes lives 24 h (§4.4
 *   "Map-cache TTL").
 * - dns: the TTL and resolver figures are service keys (dns_ttl_s,
 *   dns_violator_share, dns_client_floor_s) with their sources there.
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
		.reaction = "follows as cached answers expire: the trombone share decays over one TTL",
		.source = "SPEC §4.5; dci-facts.md §4.3 (TTL, violators, client floor: service keys)",
	},
	[DCS_INGRESS_RHI] = {
		.name = "rhi",
		.reaction = "a host route from the new site after detection and routing convergence",
		.health_check_s = 16, .routing_convergence_s = 30,
		.source = "dci-facts.md §4.2 \"F5 BIG-IP monitor\", \"BGP MRAI\"",
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
	char figs[128] = "-";
	if (m->health_check_s > 0)
		snprintf(figs, sizeof(figs), "health check %g s, routing convergence %g s",
			 m->health_check_s, m->routing_convergence_s);
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
