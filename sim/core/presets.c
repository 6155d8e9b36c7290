/*
 * The cluster preset table (dcisim/presets.h).
 *
 * Figures (reference/dci-facts.md §5.1, §5.3; rows 29-33 of §8):
 * - corosync: token = 3000 ms + 650 ms per node above two (token_coefficient,
 *   applied from three nodes on); the token is retransmitted 4 times before it
 *   is lost (token_retransmits_before_loss_const 4), so heartbeat = token / 4,
 *   missed = 4; arbitration = consensus = 1.2 x token (corosync.conf(5)
 *   @65235a8).
 * - wsfc (2016+): 1 s heartbeats; 10 missed between nodes of one site
 *   (SameSubnetThreshold), 20 between sites (CrossSiteThreshold)
 *   (windowsitpro 2017).  The thresholds are counts: they stay when the
 *   heartbeat is changed.
 * - vcs: LLT heartbeats 2/s on high-priority links, peerinact 16 s, so
 *   heartbeat 500 ms, missed 32 (VCS admin guide).
 * - vsphere_ha (FDM, vSphere 5.0 and later): 1 s heartbeats; a host
 *   without network heartbeats is declared dead at 15 s, or at 18 s when
 *   heartbeat datastores are configured (the default): the primary watches
 *   its datastore heartbeats from 3 s to 18 s (Epping & Denneman, "vSphere
 *   5 Clustering Deepdive", "The Failure of a Slave": T10s unreachable,
 *   T15s dead without heartbeat datastores, T18s with them): missed 15,
 *   arbitration 3 s.  Isolation: a primary declares itself isolated 5 s
 *   after its last heartbeat, a secondary 30 s (T10s election state, T25s
 *   elects itself, T30s isolated), then the isolation response (D. Epping,
 *   VMware vSphere blog, "vSphere 5.0 das.failuredetectiontime - what
 *   happened", 2011; Broadcom KB 322784 "primary 5 seconds, secondary 30
 *   seconds").  A partition that lost the primary elects a new one at T25s
 *   (same timelines) and restarts VMs at T35s (Deepdive, "The Failure of a
 *   Master", recalled; range T25-T35 s).  No quorum, no fencing: VMFS locks
 *   keep a VM from running twice on shared storage ("Failure Detection and
 *   Host Network Isolation", vSphere Availability guide), so fence_s 0.
 * - custom: 1 s x 5, the WSFC <= 2012 default (SameSubnetDelay/Threshold).
 * - arbitration other than corosync's consensus and vSphere HA's datastore
 *   heartbeat window: 0 (dci-facts.md §5.2 row 1: no timing figure for
 *   witness arbitration was found).
 * - fence_s, per preset (the step between deciding and starting where the
 *   survivor makes sure the other side cannot write):
 *   - corosync: 10 s, SBD msgwait (dci-facts.md §5.1 "Pacemaker SBD",
 *     SUSE TID 7011346; msgwait = 2 x watchdog 5 s; stonith-timeout 60 s
 *     bounds it), the fencing a stretched Pacemaker cluster without shared
 *     power control uses.
 *   - wsfc: 7 s, the persistent-reservation arbitration of the cluster's
 *     disks ("If arbitration is applied, 7 seconds are added to the
 *     failover time", Microsoft Learn, Failover Cluster storage pool
 *     property Arbitrate); range 0 (no shared disk: file share or cloud
 *     witness) to about 10 s (the older challenge/defense SCSI protocol,
 *     Veritas SFW for MSCS guide).
 *   - vcs: 0: I/O fencing races for the coordination points at once in
 *     the larger (or an equal) partition; a smaller partition waits
 *     vxfen_min_delay 1 s to vxfen_max_delay 60 s before racing (Veritas
 *     SFCFS 5.1 SP1 Administrator's Guide, VXFEN tunables), so it loses.
 *   - vsphere_ha: 0 (above).
 *   - custom: 0: no fencing mechanism is assumed; give fence_s.
 * - start_s: 20 s for every preset, an assumption: mount, address and a
 *   short application recovery.  No source gives a typical resource start;
 *   the products bound it: Pacemaker's default operation timeout 20 s
 *   (pcs/Pacemaker Explained, op timeout), WSFC's PendingTimeout 180 s, VCS
 *   OnlineTimeout 300 s, and for vSphere HA a guest boot (a VM restart).
 */
#include "dcisim/presets.h"

#include <stdio.h>

#define START_S 20.0 /* assumption, see above */

/* One preset per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_cluster_preset table[] = {
	{
		.name = "custom", .heartbeat_ms = 1000, .missed_same_site = 5,
		.missed_cross_site = 5, .fence_s = 0, .start_s = START_S,
		.source = "WSFC <= 2012 SameSubnetDelay 1 s x SameSubnetThreshold 5 (dci-facts.md §5.1)",
		.fence_source = "none assumed: give fence_s",
		.start_source = "assumption",
	},
	{
		.name = "corosync", .missed_same_site = 4, .missed_cross_site = 4,
		.timeout_ms = 3000, .timeout_per_node_ms = 650, .arbitration_factor = 1.2,
		.fence_s = 10, .start_s = START_S,
		.source = "corosync.conf(5): token 3000 ms + 650 ms/node, 4 retransmits, consensus 1.2 x token (dci-facts.md §5.1)",
		.fence_source = "SBD msgwait 10 s (SUSE TID 7011346; stonith-timeout 60 s)",
		.start_source = "assumption (Pacemaker op timeout 20 s bounds it)",
	},
	{
		.name = "wsfc", .heartbeat_ms = 1000, .missed_same_site = 10,
		.missed_cross_site = 20, .fence_s = 7, .start_s = START_S,
		.source = "WSFC 2016+ SameSubnetThreshold 10, CrossSiteThreshold 20 (dci-facts.md §5.1)",
		.fence_source = "disk arbitration adds 7 s (Microsoft Learn, Arbitrate); 0 without shared disks, ~10 s challenge/defense",
		.start_source = "assumption (PendingTimeout 180 s bounds it)",
	},
	{
		.name = "vcs", .heartbeat_ms = 500, .missed_same_site = 32,
		.missed_cross_site = 32, .timeout_ms = 16000, .fence_s = 0,
		.start_s = START_S,
		.source = "Veritas LLT 2 heartbeats/s, peerinact 16 s (dci-facts.md §5.1)",
		.fence_source = "I/O fencing race at once; a smaller partition waits 1-60 s (vxfen_min/max_delay)",
		.start_source = "assumption (OnlineTimeout 300 s bounds it)",
	},
	{
		.name = "vsphere_ha", .heartbeat_ms = 1000, .missed_same_site = 15,
		.missed_cross_site = 15, .timeout_ms = 15000, .arbitration_ms = 3000,
		.fence_s = 0, .start_s = START_S, .mode = DCS_CLUSTER_VSPHERE_HA,
		.isolation_primary_s = 5, .isolation_secondary_s = 30, .election_s = 25,
		.primary_loss_restart_s = 35,
		.source = "vSphere HA (FDM): 1 s heartbeats, dead at T15 s, T18 s with datastore heartbeats; isolation 5 s primary / 30 s secondary; new primary T25 s, restarts T35 s (Epping; KB 322784)",
		.fence_source = "none: VMFS locks and the isolation response",
		.start_source = "assumption (a guest boot)",
	},
};
/* clang-format on */

#define N_PRESETS ((int)(sizeof(table) / sizeof(table[0])))

const struct dcs_cluster_preset *dcs_cluster_preset(int i)
{
	return &table[i];
}

static const char *row_name(int i)
{
	return i >= 0 && i < N_PRESETS ? table[i].name : NULL;
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_cluster_preset *p = &table[i];
	char hb[64], missed[64];
	if (p->heartbeat_ms > 0)
		snprintf(hb, sizeof(hb), "%g ms", p->heartbeat_ms);
	else
		snprintf(hb, sizeof(hb), "timeout / %d", p->missed_cross_site);
	if (p->missed_same_site == p->missed_cross_site)
		snprintf(missed, sizeof(missed), "%d", p->missed_cross_site);
	else
		snprintf(missed, sizeof(missed), "%d same site, %d cross site", p->missed_same_site,
			 p->missed_cross_site);
	char timeout[96] = "-";
	if (p->timeout_ms > 0 && p->timeout_per_node_ms > 0)
		snprintf(timeout, sizeof(timeout), "%g ms + %g ms per node above two",
			 p->timeout_ms, p->timeout_per_node_ms);
	else if (p->timeout_ms > 0)
		snprintf(timeout, sizeof(timeout), "%g ms", p->timeout_ms);
	char arb[64] = "0";
	if (p->arbitration_factor > 0)
		snprintf(arb, sizeof(arb), "%g x heartbeat x missed", p->arbitration_factor);
	else if (p->arbitration_ms > 0)
		snprintf(arb, sizeof(arb), "%g ms", p->arbitration_ms);
	snprintf(buf, len, "%s | %s | %s | %s | %s | %g s (%s) | %g s (%s) | %s",
		 p->mode == DCS_CLUSTER_VSPHERE_HA ? "host isolation + datastore heartbeats"
						   : "quorum",
		 hb, missed, timeout, arb, p->fence_s, p->fence_source, p->start_s, p->start_source,
		 p->source);
}

const struct dcs_namelist dcs_cluster_preset_list = {
    .title = "Cluster presets",
    .key = "clusters[].preset",
    .count = N_PRESETS,
    .def = "corosync", /* the Pacemaker stack's membership layer */
    .name = row_name,
    .columns = "decides by | heartbeat | missed | timeout | arbitration | fence | start | source",
    .cells = row_cells,
};
