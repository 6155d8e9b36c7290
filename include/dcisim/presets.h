/*
 * Cross-site HA cluster presets: one table, every figure with its source.
 *
 * Contract: a preset is one row of this table (sim/core/presets.c).  The
 * loader takes the names and the default from it (dcs_cluster_preset_list),
 * the JSON Schema and the key reference list it, and the cluster model turns
 * a row into timers with dcs_cluster_resolve_timers() (models/cluster.h):
 *
 *   timeout   = timeout_ms + timeout_per_node_ms x (nodes - 2), the second
 *               term from three nodes on
 *   heartbeat = the scenario's heartbeat_ms, else the row's heartbeat_ms,
 *               else timeout / missed_cross_site
 *   missed    = the scenario's missed, else ceil(timeout / heartbeat) when
 *               the row has a timeout, else the row's counts (same site,
 *               cross site)
 *   arbitration = the scenario's arbitration_ms, else arbitration_factor x
 *               heartbeat x missed (cross site)
 *   fence, start = the scenario's fence_s and start_s, else the row's.
 *
 * The table is constant: two worlds share it safely.
 */
#ifndef DCISIM_PRESETS_H
#define DCISIM_PRESETS_H

#include "dcisim/namelist.h"

struct dcs_cluster_preset {
	const char *name;
	double heartbeat_ms;        /* default interval; 0: timeout / missed_cross_site */
	int missed_same_site;       /* heartbeats missed before a same-site peer is dead */
	int missed_cross_site;      /* ... a peer at another site */
	double timeout_ms;          /* detection budget; 0: the counts are fixed */
	double timeout_per_node_ms; /* added per node above two, from three nodes */
	double arbitration_factor;  /* membership settling per heartbeat x missed; 0: none */
	double fence_s;             /* fencing */
	double start_s;             /* resource start */
	const char *source;
};

/* Row i of the table (0 <= i < dcs_cluster_preset_list.count). */
const struct dcs_cluster_preset *dcs_cluster_preset(int i);

extern const struct dcs_namelist dcs_cluster_preset_list;

#endif
