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
 *               heartbeat x missed (cross site), else the row's arbitration_ms
 *   fence, start = the scenario's fence_s and start_s, else the row's.
 *
 * A row's mode says how a partition decides: DCS_CLUSTER_QUORUM (votes,
 * witness, fencing: corosync, WSFC, VCS) or DCS_CLUSTER_VSPHERE_HA (no
 * quorum: a host is failed when neither its network nor its datastore
 * heartbeats arrive; a host that hears no peer and cannot ping its
 * isolation address is isolated and applies the isolation response; a
 * partition that lost the primary elects one; models/cluster.c).
 *
 * The table is constant: two worlds share it safely.
 */
#ifndef DCISIM_PRESETS_H
#define DCISIM_PRESETS_H

#include "dcisim/namelist.h"

enum dcs_cluster_mode { DCS_CLUSTER_QUORUM, DCS_CLUSTER_VSPHERE_HA };

struct dcs_cluster_preset {
	const char *name;
	double heartbeat_ms;        /* default interval; 0: timeout / missed_cross_site */
	int missed_same_site;       /* heartbeats missed before a same-site peer is dead */
	int missed_cross_site;      /* ... a peer at another site */
	double timeout_ms;          /* detection budget; 0: the counts are fixed */
	double timeout_per_node_ms; /* added per node above two, from three nodes */
	double arbitration_factor;  /* membership settling per heartbeat x missed; 0: none */
	double arbitration_ms;      /* fixed settling when the factor is 0 */
	double fence_s;             /* fencing */
	double start_s;             /* resource start */
	enum dcs_cluster_mode mode;
	/* vSphere HA only (mode DCS_CLUSTER_VSPHERE_HA): after its last heartbeat
	 * from any peer an isolated primary declares isolation after
	 * isolation_primary_s, a secondary after isolation_secondary_s; a
	 * partition that lost the primary elects one election_s after the
	 * primary's last heartbeat and restarts VMs primary_loss_restart_s after
	 * it. */
	double isolation_primary_s, isolation_secondary_s;
	double election_s, primary_loss_restart_s;
	const char *source;
	const char *fence_source; /* fencing and start: mechanism, figure, range */
	const char *start_source;
};

/* Row i of the table (0 <= i < dcs_cluster_preset_list.count). */
const struct dcs_cluster_preset *dcs_cluster_preset(int i);

extern const struct dcs_namelist dcs_cluster_preset_list;

#endif
