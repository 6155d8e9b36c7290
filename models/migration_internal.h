/*
 * The live migration model's insides, shared by its files: the engine settings
 * with defaults resolved (struct policy), one migration in flight (struct
 * mig), one migrations[] entry being carried out (struct plan), the model's
 * state (struct mstate), and the functions that cross files.  models/
 * migration.c holds the physics and sources; migration_flow.c a migration's
 * flows, pauses, stop-and-copy and post-copy; migration_rounds.c the live
 * rounds and the start of each migration; migration_preflight.c the estimate
 * before the run.  Internal to models/: nothing outside includes it.
 */
#ifndef DCISIM_MIGRATION_INTERNAL_H
#define DCISIM_MIGRATION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcisim/migration_engines.h"
#include "dcisim/net.h"
#include "dcisim/world.h"

#define GIB 1073741824.0
#define MIB 1048576.0
#define KIB 1024.0

/* A zero page goes as its 8-byte header (QEMU save_zero_page; LM §2.2
 * predict_migration.py counts zero_pages x 8 bytes). */
#define ZERO_PAGE_WIRE_BYTES 8.0
#define MIG_BLOCK            64 /* migrations allocated at a time */

enum noprog { NP_STUN, NP_ABORT, NP_FORCE, NP_CONTINUE };
enum outcome { OUT_CONVERGED, OUT_STUNNED, OUT_MAX_ROUNDS, OUT_ABORTED, OUT_FAILED };

/* The engine settings with every default resolved. */
struct policy {
	const struct dcs_migration_engine *engine;
	double max_downtime_s; /* NAN: no downtime rule (xen) */
	dcs_time_t switchover;
	int streams;
	double window_bytes;     /* 0: no window cap */
	double rate_cap_Bps;     /* INFINITY: none */
	double max_switchover_s; /* INFINITY: none */
	int max_rounds;          /* 0: none */
	enum noprog on_no_progress;
	bool auto_converge;
	double page_bytes;
	dcs_time_t stall_timeout;
	int threads; /* sender threads: multifd channels or streams */
	enum dcs_compression compression;
	double compress_Bps; /* per thread, raw bytes */
	double channel_Bps;  /* per thread without compression; INFINITY: none */
	double scan_Bps;     /* memory walk */
	double xbzrle_cache_bytes;
	bool postcopy;
	int postcopy_after; /* live rounds before post-copy */
};

/* What held a round's flow when its own demand did (migrations.csv
 * limited_by): the engine's rate cap, the sender threads (copying or
 * compressing) or the walk over guest memory. */
enum demand_reason { DR_RATE_CAP, DR_SENDER_CPU, DR_PAGE_SCAN, DR_COUNT };

enum phase { PH_LIVE, PH_STOP_COPY, PH_RESUMING, PH_POSTCOPY_SWITCH, PH_POSTCOPY, PH_DONE };

struct plan;

struct mig {
	struct mstate *S;
	struct plan *plan;
	int vm, from, to;
	int seq_for_vm; /* 1 for a VM's first migration, 2 for its second... */
	enum phase phase;
	dcs_time_t start, round_start, stop_at, end;
	int round;                               /* index of the round in flight */
	int live_rounds;                         /* live rounds completed */
	double mem, wws, dirty_Bps, allowed_Bps; /* allowed: after stun */
	double used, ratio;                      /* touched memory; compressed / raw */
	double round_raw;                        /* raw memory bytes of the round in flight */
	enum demand_reason round_reason;
	double demand_bytes[DR_COUNT];
	int vcpus;
	double pc_pending;   /* raw bytes left at the source when post-copy began */
	dcs_time_t pc_start; /* post-copy phase start (guest running at the destination) */
	double pc_faults, pc_slowdown;
	bool postcopy;   /* this migration switches to post-copy */
	double throttle; /* auto-converge, 0..0.99 */
	int ac_hits;
	bool slowed;
	double round_bytes; /* bytes of the round in flight */
	double sent;        /* bytes delivered, all rounds */
	double xfer_s;      /* seconds spent sending */
	double limit_bytes[DCS_LIMIT_COUNT];
	double share_rate_Bps; /* the last round's rate when its link share held it */
	bool no_progress;      /* a live round did not shrink the dirty set */
	dcs_time_t downtime;
	uint64_t held_at_stop, held_ios; /* the VM's storage I/O held by its pause */
	enum outcome outcome;
	enum outcome stop_reason; /* how pre-copy ended: converged/stunned/max_rounds */
	struct dcs_flow *flow;
	dcs_handle_t stall_ev, switch_ev;
	const char *fail_why;
	char label[80];
};

struct plan {
	int index;
	const struct dcs_migration_cfg *cfg;
	int *queue;
	size_t n_queue, next;
	int running, max_concurrent;
	bool warned_rtt, warned_bw, warned_noprog;
	dcs_time_t last_end;
	size_t n_started, cap_migs;
	struct mig **migs; /* in start order */
};

struct mstate {
	struct dcs_world *w;
	struct policy P;
	struct plan *plans;
	size_t n_plans;
	bool *busy;       /* VM is migrating */
	int *n_moves;     /* migrations started per VM */
	int *in_flight;   /* migrations not done, per (from, to) site pair */
	struct mig **all; /* every migration, in start order */
	size_t n_all, cap_all;
	/* Migrations are allocated MIG_BLOCK at a time: all[i] with i a
	 * multiple of MIG_BLOCK starts a block (freed as one). */
	struct mig *block;
	struct dcs_table *mig_tab, *round_tab;
};

void *mig_xcalloc(size_t n, size_t size);
double mig_round_up_pages(double bytes, double page);
void mig_path_bandwidth(struct dcs_world *w, int a, int b, double *line_gbps, double *free_gbps);
enum dcs_limit mig_main_limit(const struct mig *m);
const char *mig_limited_by(const struct mig *m);
/* Which of the demand's reasons held a DCS_LIMIT_DEMAND migration most. */
enum demand_reason mig_demand_reason(const struct mig *m);
void mig_take_flow(struct mig *m, struct dcs_flow *f, double bytes);
void mig_finish(struct mig *m, enum outcome o);
void mig_set_guest_speed(struct mig *m);
void mig_fail(struct mig *m, enum outcome o, const char *why);
void mig_on_flow_stall(void *ctx, struct dcs_flow *f, bool stalled);
void mig_row_round(struct mig *m, double bytes, double dirty_at_end, const char *phase);
void mig_start_stop_copy(struct mig *m, double pending, enum outcome reason);
void mig_final_copy_done(struct mig *m, struct dcs_flow *f);
void mig_start_postcopy(struct mig *m, double pending);
void mig_postcopy_done(struct mig *m, struct dcs_flow *f);
void mig_on_flow_done(void *ctx, struct dcs_flow *f);
double mig_round_cost(const struct mig *m, double raw, bool first, double *min_s);
void mig_start_flow(struct mig *m, double wire, double demand_Bps, int streams);
void mig_start_round(struct mig *m, double raw, bool first);
void mig_launch_more(struct mstate *S, struct plan *p);
void mig_preflight(struct mstate *S);
extern const char *const mig_outcome_names[];

#endif
