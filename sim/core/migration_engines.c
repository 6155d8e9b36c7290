/*
 * The live-migration engine table (dcisim/migration_engines.h).
 *
 * Figures (reference/live-migration.md, sections named per figure):
 * - max_downtime_ms: vmotion 500 (§2.3 "Switchover goal", Broadcom KB
 *   436882), qemu 300 (§2.2 "downtime-limit"), xen none (§2.1).
 * - switchover_ms: the device-state and resume part of downtime.  qemu and
 *   xen 9 (§5: Clark's 9 ms resume; OPNFV measured 9 ms total downtime for
 *   an idle guest on 10 GbE, §3 P5).  vmotion 200: VMware's engineers put a
 *   VM stun (quiescing the vCPUs and in-flight disk I/O, checkpointing the
 *   device state) at "typically a few 100 milliseconds" (C. Hogan, "When
 *   and why do we stun a virtual machine?", 2015, from VMware's J. Pool), a
 *   snapshot stun logs 188 ms (virten.net, "How long are Virtual Machines
 *   stunned", Checkpoint_Unstun), and VMware's goal for the whole
 *   switch-over is under one second (VMware vSphere blog, "vSphere 7 -
 *   Storage vMotion Improvements", 2020).  Range 18.5 ms (a same-host fast
 *   suspend-resume stun, Broadcom KB 432796) to 1000 ms.
 * - streams: 1 (§2.2 "multifd-channels": multifd is off by default).
 * - tcp_window_kib: vmotion none (buffers sized to the RTT since Metro
 *   vMotion, §2.3 "Metro vMotion socket buffers"); qemu and xen 6144, the
 *   Linux tcp_rmem maximum 6291456 (§1.4).
 * - rate_cap_mib_s: qemu 128 (§2.2 "max-bandwidth"); vmotion and xen none
 *   (§2.1: without ADAPTIVE_SAVE libxc does not limit the rate).
 * - max_switchover_s: vmotion 100 (§2.3 "Hard limit", KB 2141355).
 * - stop rules: xen after 29 live rounds (DEF_MAX_ITERS), a round of fewer
 *   than 50 pages, or more than 3 x memory sent (DEF_MAX_FACTOR) (§2.1);
 *   vmotion stuns a guest that does not converge (§2.3 "SDPS").
 * - evacuation concurrency: vmotion 4 when the path's narrowest link is
 *   under 10 Gbps, else 8 (§2.3 "Concurrency (network cost)"); qemu 2
 *   (KubeVirt parallelOutboundMigrationsPerNode, OpenShift Virtualization
 *   "Live migration limits and timeouts"); xen 3 (Xen Orchestra
 *   vmMigrationConcurrency, xen-orchestra commit 4014875, 2022).  The last
 *   two are not in reference/ yet.
 * - admission (§4 V9): vmotion supports RTT up to 150 ms (§2.3 "Max RTT",
 *   KB 2106949) and needs 250 Mbps per concurrent migration (§2.3
 *   "Bandwidth").
 * - scan_gib_s: 20 GiB/s, measured on QEMU: 100 GB (102400520 KiB) of zero
 *   pages in 4867 ms with 8 multifd channels and CPU zero-page checking on
 *   a Xeon Platinum 8457C (docs/devel/migration/dsa-zero-page-detection.rst
 *   in Y. Wang, "[PATCH v8 12/12] migration/doc: Add DSA zero page
 *   detection doc", qemu-devel 2024-12-03,
 *   <20241204021142.24184-13-yichen.wang@bytedance.com>).  No vMotion or Xen figure was
 *   found; the same walk over host memory is assumed for them.
 * - channel_mib_s: qemu 3936 MiB/s per multifd channel: 2 channels moved
 *   61.85e9 bytes in 7.493 s on a 100G network, each channel's thread the
 *   limit (Y. Liu, "[PATCH v8 0/7] Live Migration With IAA", qemu-devel
 *   2024-06-10, <20240610102110.900410-1-yuan1.liu@intel.com>, Sapphire
 *   Rapids); vmotion and xen: none found, no cap.
 * - qemu_features: multifd (default 2 channels when on, off by default),
 *   multifd-compression zlib/zstd, xbzrle and postcopy-ram are QEMU's
 *   (§2.2); vMotion and Xen have none of them.
 */
#include "dcisim/migration_engines.h"

#include <math.h>
#include <stdio.h>

#define SWITCHOVER_MS         9.0    /* §5, §3 P5 */
#define VMOTION_SWITCHOVER_MS 200.0  /* VMware stun "a few 100 ms", see above */
#define LINUX_TCP_RMEM_KIB    6144.0 /* §1.4 tcp_rmem max 6291456 bytes */
#define SCAN_GIB_S            20.0   /* QEMU dsa-zero-page-detection.rst, see above */

/* One engine per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_migration_engine table[] = {
	{
		.name = "vmotion", .label = "vMotion",
		.max_downtime_ms = 500, .switchover_ms = VMOTION_SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = 0, .rate_cap_mib_s = INFINITY, .max_switchover_s = 100,
		.max_rounds = 0, .stun = true, .min_round_pages = 0,
		.max_sent_factor = INFINITY, .concurrent = 8, .concurrent_narrow = 4,
		.narrow_gbps = 10, .max_rtt_ms = 150, .min_mbps_each = 250,
		.scan_gib_s = SCAN_GIB_S, .channel_mib_s = INFINITY, .qemu_features = false,
		.source = "live-migration.md §2.3 (KB 436882, 2141355, 2106949), §5",
	},
	{
		.name = "qemu", .label = "QEMU",
		.max_downtime_ms = 300, .switchover_ms = SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = LINUX_TCP_RMEM_KIB, .rate_cap_mib_s = 128,
		.max_switchover_s = INFINITY, .max_rounds = 0, .stun = false,
		.min_round_pages = 0, .max_sent_factor = INFINITY, .concurrent = 2,
		.max_rtt_ms = INFINITY, .min_mbps_each = 0,
		.scan_gib_s = SCAN_GIB_S, .channel_mib_s = 3936, .qemu_features = true,
		.source = "live-migration.md §2.2, §1.4; KubeVirt parallelOutboundMigrationsPerNode; QEMU dsa-zero-page-detection.rst; Liu, Live Migration With IAA v8",
	},
	{
		.name = "xen", .label = "Xen",
		.max_downtime_ms = NAN, .switchover_ms = SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = LINUX_TCP_RMEM_KIB, .rate_cap_mib_s = INFINITY,
		.max_switchover_s = INFINITY, .max_rounds = 29, .stun = false,
		.min_round_pages = 50, .max_sent_factor = 3, .concurrent = 3,
		.max_rtt_ms = INFINITY, .min_mbps_each = 0,
		.scan_gib_s = SCAN_GIB_S, .channel_mib_s = INFINITY, .qemu_features = false,
		.source = "live-migration.md §2.1 (DEF_MAX_ITERS, DEF_MAX_FACTOR), §1.4; Xen Orchestra vmMigrationConcurrency",
	},
};
/* clang-format on */

#define N_ENGINES ((int)(sizeof(table) / sizeof(table[0])))

const struct dcs_migration_engine *dcs_migration_engine(int i)
{
	return &table[i];
}

static const char *row_name(int i)
{
	return i >= 0 && i < N_ENGINES ? table[i].name : NULL;
}

/* A figure, or `none` for the value that means no such rule. */
static void fig(char *buf, size_t len, double v, bool none, const char *unit)
{
	if (none)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%g%s", v, unit);
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_migration_engine *e = &table[i];
	char dt[32], win[32], cap[32], sw[32], rounds[32], conc[64], stop[96] = "-";
	fig(dt, sizeof(dt), e->max_downtime_ms, isnan(e->max_downtime_ms), " ms");
	fig(win, sizeof(win), e->tcp_window_kib, e->tcp_window_kib == 0, " KiB");
	fig(cap, sizeof(cap), e->rate_cap_mib_s, isinf(e->rate_cap_mib_s), " MiB/s");
	fig(sw, sizeof(sw), e->max_switchover_s, isinf(e->max_switchover_s), " s");
	fig(rounds, sizeof(rounds), e->max_rounds, e->max_rounds == 0, "");
	if (e->min_round_pages > 0)
		snprintf(stop, sizeof(stop), "a round under %g pages; %g x memory sent",
			 e->min_round_pages, e->max_sent_factor);
	if (e->narrow_gbps > 0)
		snprintf(conc, sizeof(conc), "%d (%d below %g Gbps)", e->concurrent,
			 e->concurrent_narrow, e->narrow_gbps);
	else
		snprintf(conc, sizeof(conc), "%d", e->concurrent);
	char chan[32];
	fig(chan, sizeof(chan), e->channel_mib_s, isinf(e->channel_mib_s), " MiB/s");
	snprintf(buf, len, "%s | %g ms | %s | %s | %s | %s | %s | %s | %s | %g GiB/s | %s | %s | %s",
		 dt, e->switchover_ms, win, cap, sw, rounds, stop, e->stun ? "stun" : "go on", conc,
		 e->scan_gib_s, chan, e->qemu_features ? "yes" : "no", e->source);
}

const struct dcs_namelist dcs_migration_engine_list = {
    .title = "Migration engines",
    .key = "migration.engine",
    .count = N_ENGINES,
    .def = "vmotion",
    .name = row_name,
    .columns = "max downtime | switchover | TCP window | rate cap | max switchover | max rounds | "
	       "other stop rules | no progress | evacuation concurrency | page scan | sender per "
	       "stream | multifd, compression, post-copy | source",
    .cells = row_cells,
};
