/*
 * The live-migration engine table (dcisim/migration_engines.h).
 *
 * Figures (reference/live-migration.md, sections named per figure):
 * - max_downtime_ms: vmotion 500 (§2.3 "Switchover goal", Broadcom KB
 *   436882), qemu 300 (§2.2 "downtime-limit"), xen none (§2.1).
 * - switchover_ms: 9 for all engines: the device-state and resume part of
 *   downtime (§5: Clark's 9 ms resume; OPNFV measured 9 ms total downtime
 *   for an idle guest on 10 GbE, §3 P5).
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
 */
#include "dcisim/migration_engines.h"

#include <math.h>
#include <stdio.h>

#define SWITCHOVER_MS      9.0    /* §5, §3 P5 */
#define LINUX_TCP_RMEM_KIB 6144.0 /* §1.4 tcp_rmem max 6291456 bytes */

/* One engine per block reads better than one field per line. */
/* clang-format off */
static const struct dcs_migration_engine table[] = {
	{
		.name = "vmotion", .label = "vMotion",
		.max_downtime_ms = 500, .switchover_ms = SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = 0, .rate_cap_mib_s = INFINITY, .max_switchover_s = 100,
		.max_rounds = 0, .stun = true, .min_round_pages = 0,
		.max_sent_factor = INFINITY, .concurrent = 8, .concurrent_narrow = 4,
		.narrow_gbps = 10, .max_rtt_ms = 150, .min_mbps_each = 250,
		.source = "live-migration.md §2.3 (KB 436882, 2141355, 2106949), §5",
	},
	{
		.name = "qemu", .label = "QEMU",
		.max_downtime_ms = 300, .switchover_ms = SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = LINUX_TCP_RMEM_KIB, .rate_cap_mib_s = 128,
		.max_switchover_s = INFINITY, .max_rounds = 0, .stun = false,
		.min_round_pages = 0, .max_sent_factor = INFINITY, .concurrent = 2,
		.max_rtt_ms = INFINITY, .min_mbps_each = 0,
		.source = "live-migration.md §2.2, §1.4; KubeVirt parallelOutboundMigrationsPerNode",
	},
	{
		.name = "xen", .label = "Xen",
		.max_downtime_ms = NAN, .switchover_ms = SWITCHOVER_MS, .streams = 1,
		.tcp_window_kib = LINUX_TCP_RMEM_KIB, .rate_cap_mib_s = INFINITY,
		.max_switchover_s = INFINITY, .max_rounds = 29, .stun = false,
		.min_round_pages = 50, .max_sent_factor = 3, .concurrent = 3,
		.max_rtt_ms = INFINITY, .min_mbps_each = 0,
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
	snprintf(buf, len, "%s | %g ms | %s | %s | %s | %s | %s | %s | %s | %s", dt,
		 e->switchover_ms, win, cap, sw, rounds, stop, e->stun ? "stun" : "go on", conc,
		 e->source);
}

const struct dcs_namelist dcs_migration_engine_list = {
    .title = "Migration engines",
    .key = "migration.engine",
    .count = N_ENGINES,
    .def = "vmotion",
    .name = row_name,
    .columns = "max downtime | switchover | TCP window | rate cap | max switchover | max rounds | "
	       "other stop rules | no progress | evacuation concurrency | source",
    .cells = row_cells,
};
