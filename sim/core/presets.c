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
 * - vsphere_ha (4.x): 1 s heartbeats, host failed at 15 s: missed 15.
 * - custom: 1 s x 5, the WSFC <= 2012 default (SameSubnetDelay/Threshold).
 * - arbitration other than corosync's consensus: 0 (dci-facts.md §5.2 row 1:
 *   no timing figure for witness arbitration was found).
 * - fence_s: 10 s, SBD msgwait (dci-facts.md §5.1 "Pacemaker SBD", SUSE TID
 *   7011346), for every preset, so presets differ by detection only; products
 *   without STONITH (WSFC, vSphere HA) are modelled with fence_s 0 by setting
 *   it.
 * - start_s: 20 s, an assumption (no source; the SPEC §2 example value):
 *   mount, address, application start with a short recovery.
 */
#include "dcisim/presets.h"

#include <stdio.h>

#define SBD_MSGWAIT_S 10.0 /* SUSE TID 7011346 */
#define START_S       20.0 /* assumption, see above */

/* One preset per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_cluster_preset table[] = {
	{
		.name = "custom", .heartbeat_ms = 1000, .missed_same_site = 5,
		.missed_cross_site = 5, .fence_s = SBD_MSGWAIT_S, .start_s = START_S,
		.source = "WSFC <= 2012 SameSubnetDelay 1 s x SameSubnetThreshold 5 (dci-facts.md §5.1)",
	},
	{
		.name = "corosync", .missed_same_site = 4, .missed_cross_site = 4,
		.timeout_ms = 3000, .timeout_per_node_ms = 650, .arbitration_factor = 1.2,
		.fence_s = SBD_MSGWAIT_S, .start_s = START_S,
		.source = "corosync.conf(5): token 3000 ms + 650 ms/node, 4 retransmits, consensus 1.2 x token (dci-facts.md §5.1)",
	},
	{
		.name = "wsfc", .heartbeat_ms = 1000, .missed_same_site = 10,
		.missed_cross_site = 20, .fence_s = SBD_MSGWAIT_S, .start_s = START_S,
		.source = "WSFC 2016+ SameSubnetThreshold 10, CrossSiteThreshold 20 (dci-facts.md §5.1)",
	},
	{
		.name = "vcs", .heartbeat_ms = 500, .missed_same_site = 32,
		.missed_cross_site = 32, .timeout_ms = 16000, .fence_s = SBD_MSGWAIT_S,
		.start_s = START_S,
		.source = "Veritas LLT 2 heartbeats/s, peerinact 16 s (dci-facts.md §5.1)",
	},
	{
		.name = "vsphere_ha", .heartbeat_ms = 1000, .missed_same_site = 15,
		.missed_cross_site = 15, .timeout_ms = 15000, .fence_s = SBD_MSGWAIT_S,
		.start_s = START_S,
		.source = "vSphere HA 4.x: 1 s heartbeats, host failed at 15 s (dci-facts.md §5.1)",
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
	snprintf(buf, len, "%s | %s | %s | %s | %g s | %g s | %s", hb, missed, timeout, arb,
		 p->fence_s, p->start_s, p->source);
}

const struct dcs_namelist dcs_cluster_preset_list = {
    .title = "Cluster presets",
    .key = "clusters[].preset",
    .count = N_PRESETS,
    .def = "corosync", /* the Pacemaker stack's membership layer */
    .name = row_name,
    .columns = "heartbeat | missed | timeout | arbitration | fence | start | source",
    .cells = row_cells,
};
