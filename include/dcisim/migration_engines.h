/*
 * Live-migration engines: one table, every default with its source.
 *
 * Contract: an engine is one row of this table (sim/core/migration_engines.c):
 * its stop rules and the defaults of every `migration` key the scenario
 * leaves out.  The loader takes the names and the default from it
 * (dcs_migration_engine_list), the JSON Schema and the key reference list
 * it, and the migration model (models/migration.c) resolves its policy from
 * the row; the model keeps no figure of its own per engine.  The table is
 * constant: two worlds share it safely.
 */
#ifndef DCISIM_MIGRATION_ENGINES_H
#define DCISIM_MIGRATION_ENGINES_H

#include <stdbool.h>

#include "dcisim/namelist.h"

struct dcs_migration_engine {
	const char *name;
	const char *label;       /* the product, in messages */
	double max_downtime_ms;  /* stop-and-copy when the rest fits; NAN: no such rule */
	double switchover_ms;    /* fixed part of downtime */
	int streams;             /* TCP streams */
	double tcp_window_kib;   /* per stream; 0: no window cap (sized to the path) */
	double rate_cap_mib_s;   /* engine bandwidth cap; INFINITY: none */
	double max_switchover_s; /* fail past this switchover; INFINITY: none */
	int max_rounds;          /* live rounds, the first included; 0: no bound */
	bool stun;               /* a round without progress stuns the guest (else: go on) */
	double min_round_pages;  /* stop when a round sent fewer pages; 0: no such rule */
	double max_sent_factor;  /* stop when more than this x memory was sent; INFINITY: none */
	int concurrent;          /* evacuation: migrations at once per host */
	int concurrent_narrow;   /* ... when the path's narrowest link is below narrow_gbps */
	double narrow_gbps;      /* 0: one figure for every path */
	double max_rtt_ms;       /* admission warning above this RTT; INFINITY: none */
	double min_mbps_each;    /* admission warning below this DCI share each; 0: none */
	double scan_gib_s;       /* memory walk for dirty and zero pages */
	double channel_mib_s;    /* sender throughput per stream, uncompressed; INFINITY: none */
	bool qemu_features;      /* multifd channels, zlib/zstd/xbzrle compression, post-copy */
	const char *source;
};

/* Row i of the table (0 <= i < dcs_migration_engine_list.count). */
const struct dcs_migration_engine *dcs_migration_engine(int i);

extern const struct dcs_namelist dcs_migration_engine_list;

#endif
