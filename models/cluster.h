/*
 * dcisim cross-site HA clusters (models/cluster.c): timers.
 *
 * Contract: a cluster's timers are its preset's figures (the preset table,
 * dcisim/presets.h, with their sources), each overridden by the scenario key
 * when given (heartbeat_ms, missed, arbitration_ms, fence_s, start_s), and
 * the preset's mode (quorum, or vSphere HA with its isolation and election
 * timers).
 * dcs_cluster_resolve_timers() is the one place that turns a cluster section
 * into figures; the model and its tests both use it.
 */
#ifndef DCISIM_CLUSTER_H
#define DCISIM_CLUSTER_H

#include "dcisim/scenario.h"
#include "dcisim/time.h"

/* Resource monitor interval while a storage model answers site_writable:
 * an assumption (a common pacemaker "op monitor interval=10s"). */
#define DCS_CLUSTER_MONITOR_S 10.0

struct dcs_cluster_timers {
	dcs_time_t heartbeat;   /* interval between heartbeats */
	int missed_same_site;   /* missed heartbeats before a peer at the same site is dead */
	int missed_cross_site;  /* ... at another site */
	dcs_time_t arbitration; /* membership/quorum settling after a death (consensus) */
	dcs_time_t fence;       /* fencing (SBD msgwait) */
	dcs_time_t start;       /* resource start */
	bool vsphere;           /* vSphere HA: datastore heartbeats and isolation, no quorum */
	dcs_time_t isolation_primary, isolation_secondary; /* vSphere HA */
	dcs_time_t election, primary_loss_restart;         /* vSphere HA */
};

void dcs_cluster_resolve_timers(const struct dcs_cluster_cfg *c, struct dcs_cluster_timers *t);

#endif
