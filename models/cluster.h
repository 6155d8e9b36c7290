/*
 * dcisim cross-site HA clusters (models/cluster.c): timer presets.
 *
 * Contract: a cluster's timers are the preset's figures, each overridden by
 * the scenario key when given (heartbeat_ms, missed, arbitration_ms, fence_s,
 * start_s).  dcs_cluster_resolve_timers() is the one place that turns a
 * cluster section into figures; the model and its tests both use it.
 *
 * Presets (reference/dci-facts.md §5.1, §5.3; row 29-33 of §8):
 * - corosync: token = 3000 ms + 650 ms per node above two (token_coefficient,
 *   applied from three nodes on); the token is retransmitted 4 times before it
 *   is lost (token_retransmits_before_loss_const 4), so heartbeat = token / 4,
 *   missed = 4; arbitration = consensus = 1.2 x token (1.2 x heartbeat x
 *   missed when those are overridden).
 * - wsfc (2016+): 1 s heartbeats; 10 missed between nodes of one site
 *   (SameSubnetThreshold), 20 between sites (CrossSiteThreshold).
 * - vcs: LLT heartbeats 2/s on high-priority links, peerinact 16 s, so
 *   heartbeat 500 ms, missed 32.
 * - vsphere_ha (4.x): 1 s heartbeats, host failed at 15 s: missed 15.
 * - custom: 1 s x 5, the WSFC <= 2012 default (SameSubnetDelay/Threshold).
 * - arbitration other than corosync's consensus: 0 (dci-facts.md §5.2 row 1:
 *   no timing figure for witness arbitration was found).
 * - fence_s: 10 s, SBD msgwait (dci-facts.md §5.1 "Pacemaker SBD"), for every
 *   preset, so presets differ by detection only; products without STONITH
 *   (WSFC, vSphere HA) are modelled with fence_s 0 by setting it.
 * - start_s: 20 s, an assumption (no source; the SPEC §2 example value):
 *   mount, address, application start with a short recovery.
 */
#ifndef DCISIM_CLUSTER_H
#define DCISIM_CLUSTER_H

#include "dcisim/scenario.h"
#include "dcisim/time.h"

/* Corosync 3.x defaults (corosync.conf(5) @65235a8, dci-facts.md §5.1). */
#define DCS_COROSYNC_TOKEN_MS             3000.0
#define DCS_COROSYNC_TOKEN_COEFFICIENT_MS 650.0
#define DCS_COROSYNC_RETRANSMITS          4
#define DCS_COROSYNC_CONSENSUS_FACTOR     1.2
/* WSFC 2016+ thresholds (windowsitpro 2017, dci-facts.md §5.1). */
#define DCS_WSFC_DELAY_MS             1000.0
#define DCS_WSFC_SAME_SITE_THRESHOLD  10
#define DCS_WSFC_CROSS_SITE_THRESHOLD 20
/* Veritas LLT: 2 heartbeats/s, peerinact 16 s (VCS admin guide). */
#define DCS_VCS_HEARTBEAT_MS 500.0
#define DCS_VCS_PEERINACT_S  16.0
/* vSphere HA 4.x: 1 s heartbeat, failed at 15 s. */
#define DCS_VSPHERE_HEARTBEAT_MS 1000.0
#define DCS_VSPHERE_FAILED_S     15.0
/* Custom: WSFC <= 2012, 1 s x 5. */
#define DCS_CUSTOM_HEARTBEAT_MS 1000.0
#define DCS_CUSTOM_MISSED       5
/* SBD msgwait (SUSE TID 7011346). */
#define DCS_SBD_MSGWAIT_S 10.0
/* Resource start: an assumption, see the header comment. */
#define DCS_CLUSTER_START_S 20.0
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
};

void dcs_cluster_resolve_timers(const struct dcs_cluster_cfg *c, struct dcs_cluster_timers *t);
const char *dcs_cluster_preset_name(enum dcs_cluster_preset p);

#endif
