/*
 * The synchronous mirror product table (dcisim/syncproducts.h).
 *
 * Limits (../shared/reference/dci-facts.md §2.3 unless said otherwise):
 * - vplex_metro: clusters separated by at most 5 ms RTT (Dell metro node
 *   User Guide, "Metro node Metro HA", VPLEX's successor).  The same guide
 *   gives 10 ms for Metro HA with cross-connect; older VPLEX material may
 *   state them the other way round (dci-facts.md §7 item 1).
 * - metrocluster_ip: RTT at most 7 ms and at most 700 km, whichever comes
 *   first (NetApp/Lenovo MetroCluster IP Installation and Configuration
 *   Guide, "Latency and packet loss limits in the ISLs").  Newer NetApp
 *   documentation defers to the Hardware Universe per platform, e.g. 300 km
 *   or 3 ms (NetApp "Requirements for ISLs", ONTAP MetroCluster docs).
 * - metrocluster_fc: fabric-attached MetroCluster up to 100 km depending on
 *   the switch configuration (IBM N series Hardware Manual, ch. 7 and 8);
 *   the 300 km often quoted for newer ONTAP releases is not verified
 *   (dci-facts.md §7 item 2).
 * - srdf_s: synchronous SRDF is limited to "about 300 kilometers over Fibre"
 *   (IntelliMagic, "EMC SRDF Synchronous"; third-party); EMC suggests it for
 *   campus distances (storagenerve, "EMC SRDF Basics").
 * - vmsc: VMware vSphere Metro Storage Cluster, at most 10 ms RTT between
 *   the sites (TechTarget, "VMware vMSC"; 5 ms before vSphere 5's Metro
 *   vMotion, Broadcom KB 310156).
 * - nutanix_metro: Nutanix Metro Availability, RTT under 5 ms (certsforce
 *   NCP-BC discussion; third-party, low authority).
 * - any: no product chosen; the mirror is unsupported only beyond every row
 *   above (the smallest ratio).
 */
#include "dcisim/syncproducts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dcisim/net.h"

/* One product per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_sync_product table[] = {
	[DCS_SYNC_PRODUCT_ANY] = {
		.name = "any", .label = "any listed synchronous product",
		.range = "the most permissive row for the mirror's distance",
		.source = "the rows below",
	},
	{
		.name = "vplex_metro", .label = "VPLEX / metro node Metro HA", .max_rtt_ms = 5,
		.range = "10 ms with cross-connect (metro node guide; older VPLEX texts may reverse them)",
		.source = "dci-facts.md §2.3: Dell metro node User Guide, \"Metro node Metro HA\"",
	},
	{
		.name = "metrocluster_ip", .label = "NetApp MetroCluster IP", .max_rtt_ms = 7,
		.max_km = 700,
		.range = "per platform in NetApp Hardware Universe (e.g. 300 km / 3 ms)",
		.source = "dci-facts.md §2.3: NetApp/Lenovo MetroCluster IP guide, ISL latency limits",
	},
	{
		.name = "metrocluster_fc", .label = "NetApp fabric-attached MetroCluster (FC)",
		.max_km = 100,
		.range = "300 km on newer ONTAP (unverified, dci-facts.md §7)",
		.source = "dci-facts.md §2.3: IBM N series Hardware Manual ch. 7-8",
	},
	{
		.name = "srdf_s", .label = "Dell EMC SRDF/S", .max_km = 300,
		.range = "EMC suggests campus distances (storagenerve)",
		.source = "IntelliMagic, \"EMC SRDF Synchronous\" (third-party)",
	},
	{
		.name = "vmsc", .label = "VMware vSphere Metro Storage Cluster", .max_rtt_ms = 10,
		.range = "5 ms before vSphere 5 Metro vMotion (KB 310156)",
		.source = "dci-facts.md §2.3: TechTarget \"VMware vMSC\"; live-migration.md §2.3",
	},
	{
		.name = "nutanix_metro", .label = "Nutanix Metro Availability", .max_rtt_ms = 5,
		.range = "-",
		.source = "dci-facts.md §2.3: certsforce NCP-BC discussion (third-party)",
	},
};
/* clang-format on */

#define N_PRODUCTS ((int)(sizeof(table) / sizeof(table[0])))

const struct dcs_sync_product *dcs_sync_product(int i)
{
	return &table[i];
}

static double row_ratio(const struct dcs_sync_product *p, double rtt_ms, double km)
{
	double r = 0;
	if (p->max_rtt_ms > 0 && rtt_ms / p->max_rtt_ms > r)
		r = rtt_ms / p->max_rtt_ms;
	if (p->max_km > 0 && km / p->max_km > r)
		r = km / p->max_km;
	return r;
}

int dcs_sync_limit_row(int product, double rtt_ms, double km)
{
	if (product != DCS_SYNC_PRODUCT_ANY)
		return product;
	int best = 1;
	for (int i = 2; i < N_PRODUCTS; i++)
		if (row_ratio(&table[i], rtt_ms, km) < row_ratio(&table[best], rtt_ms, km))
			best = i;
	return best;
}

double dcs_sync_limit_ratio(int product, double rtt_ms, double km)
{
	return row_ratio(&table[dcs_sync_limit_row(product, rtt_ms, km)], rtt_ms, km);
}

bool dcs_scenario_nominal_path(const struct dcs_scenario *scn, int a, int b, double *one_way_us,
			       double *km)
{
	size_t n = scn->n_sites;
	if (a < 0 || b < 0 || (size_t)a >= n || (size_t)b >= n)
		return false;
	double *d = malloc(n * sizeof(double)), *dk = malloc(n * sizeof(double));
	bool *done = calloc(n, sizeof(bool));
	bool ok = false;
	if (d && dk && done) {
		for (size_t v = 0; v < n; v++)
			d[v] = dk[v] = INFINITY;
		d[a] = dk[a] = 0;
		for (;;) {
			size_t u = n;
			for (size_t v = 0; v < n; v++)
				if (!done[v] && isfinite(d[v]) && (u == n || d[v] < d[u]))
					u = v;
			if (u == n)
				break;
			done[u] = true;
			for (size_t l = 0; l < scn->n_links; l++) {
				const struct dcs_link_cfg *c = &scn->links[l];
				/* A link whose ends did not resolve (a bad file) is no path. */
				if (c->a < 0 || c->b < 0 || (size_t)c->a >= n ||
				    (size_t)c->b >= n || (c->a != (int)u && c->b != (int)u))
					continue;
				size_t v = (size_t)(c->a == (int)u ? c->b : c->a);
				double nd = d[u] + dcs_link_cfg_one_way_us(c);
				if (!done[v] && nd < d[v]) {
					d[v] = nd;
					dk[v] = dk[u] + c->distance_km * c->route_factor;
				}
			}
		}
		ok = isfinite(d[b]);
		if (ok) {
			*one_way_us = d[b];
			*km = dk[b];
		}
	}
	free(d);
	free(dk);
	free(done);
	return ok;
}

static const char *row_name(int i)
{
	return i >= 0 && i < N_PRODUCTS ? table[i].name : NULL;
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_sync_product *p = &table[i];
	char rtt[32] = "-", km[32] = "-";
	if (p->max_rtt_ms > 0)
		snprintf(rtt, sizeof(rtt), "%g ms", p->max_rtt_ms);
	if (p->max_km > 0)
		snprintf(km, sizeof(km), "%g km", p->max_km);
	snprintf(buf, len, "%s | %s | %s | %s | %s", p->label, rtt, km, p->range, p->source);
}

const struct dcs_namelist dcs_sync_product_list = {
    .title = "Synchronous mirror products",
    .key = "storage.sync_product",
    .count = N_PRODUCTS,
    .def = "any",
    .name = row_name,
    .columns = "product | max RTT | max distance | other figures | source",
    .cells = row_cells,
};
