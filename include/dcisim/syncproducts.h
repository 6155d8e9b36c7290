/*
 * Synchronous mirror products: how far each class of product supports a
 * synchronous (active-active) mirror.  One table, every limit with its
 * source.
 *
 * Contract: a product class is one row of this table
 * (sim/core/syncproducts.c); the scenario names one with
 * `storage.sync_product` (default `any`: no product chosen, the mirror is
 * judged against the most permissive row).  A limit is a round-trip time
 * (ms) and/or a fibre distance (km); 0 means the vendor states none of that
 * kind.  dcs_sync_limit_ratio() is the one rule: how far past the supported
 * distance a mirror is (above 1: unsupported).  The loader warns with it at
 * load time from the nominal path between the arrays
 * (dcs_scenario_nominal_path), the storage model reports it per run from the
 * path it measures.  The table is constant: two worlds share it safely.
 */
#ifndef DCISIM_SYNCPRODUCTS_H
#define DCISIM_SYNCPRODUCTS_H

#include <stdbool.h>

#include "dcisim/namelist.h"
#include "dcisim/scenario.h"

struct dcs_sync_product {
	const char *name;
	const char *label; /* the product, in messages */
	double max_rtt_ms; /* supported round trip between the arrays; 0: none stated */
	double max_km;     /* supported fibre distance; 0: none stated */
	const char *range; /* where sources disagree: the other figures */
	const char *source;
};

/* Row i (0 <= i < dcs_sync_product_list.count). */
const struct dcs_sync_product *dcs_sync_product(int i);
/* Row of `any`: the most permissive limits of the other rows. */
#define DCS_SYNC_PRODUCT_ANY 0

/* How far past product i's supported distance a mirror with this round trip
 * and fibre distance is: the larger of rtt_ms / max_rtt_ms and km / max_km
 * over the limits the row states (above 1: beyond it).  For `any`, the
 * smallest ratio over the other rows (beyond every listed product). */
double dcs_sync_limit_ratio(int product, double rtt_ms, double km);
/* The row that sets the ratio: `product` itself, or for `any` the most
 * permissive row for this mirror. */
int dcs_sync_limit_row(int product, double rtt_ms, double km);

/* The nominal path between two sites over the scenario's links, as the
 * network computes it before any load: the lowest one-way latency
 * (distance_km x route_factor x 4.9 us + device and technology latency per
 * link), its fibre length in km.  Returns false when no links join them. */
bool dcs_scenario_nominal_path(const struct dcs_scenario *scn, int a, int b, double *one_way_us,
			       double *km);

extern const struct dcs_namelist dcs_sync_product_list;

#endif
