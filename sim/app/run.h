/*
 * dcisim runs: one scenario, start to finish, as the commands use it.
 *
 * Contract: dcs_run_scenario() builds a world from a loaded scenario, runs
 * it to its horizon (or an interrupt or limit), lets the models finish, and,
 * when opts->out_dir is set, writes every results table and run.json there
 * atomically.  It returns a process exit code (SPEC §1): 0 done, 3 runtime
 * failure or a limit reached, 130/143 interrupted (what completed is written
 * and run.json says "complete": false).  With `keep`, the caller receives the
 * results (to read summary rows, as sweeps do) and frees them: every table,
 * or only opts->keep_tables.
 * Interrupts: dcs_run_interrupt() may be called from a signal handler; every
 * running simulation in the process stops at its next event boundary.
 */
#ifndef DCISIM_RUN_H
#define DCISIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/results.h"
#include "dcisim/scenario.h"

struct dcs_run_opts {
	const char *out_dir; /* NULL: write nothing */
	bool seed_set;
	uint64_t seed;
	double until_s; /* <= 0: the scenario's duration */
	const char *trace_path;
	int verbosity; /* -1 quiet, 0 normal, 1 verbose */
	bool progress; /* progress line on stderr */
	uint64_t max_events;
	double max_wall_s;
	int replication; /* sweeps: the replication index, for run.json */
	/* Safety bounds (0: the defaults, sim/app/run.c): a run holding more pending
	 * events or more result rows stops with exit 3 and a note, before memory
	 * runs out.  Tests set them small. */
	size_t max_pending;
	size_t max_rows;
	/* With `keep`: the tables the caller will read (NULL-terminated); the
	 * others' rows are dropped once written (or at once without out_dir),
	 * so memory does not grow with them.  NULL: every table is kept. */
	const char *const *keep_tables;
	/* When set, the wall seconds of each part of the run (DCISIM_TIMINGS). */
	struct dcs_run_times *times;
};

/* Where a run's wall time went, in seconds: building the world and starting
 * its models, running the events, the models' end-of-run rows, and writing
 * the files (the writer thread's last rows, the sync and the renames). */
struct dcs_run_times {
	double build_s, run_s, finish_s, write_s;
};
double dcs_wall_now(void);

int dcs_run_scenario(const struct dcs_scenario *scn, const struct dcs_run_opts *opts,
		     struct dcs_results **keep, FILE *err);

void dcs_run_interrupt(int signo);
/* 0, or the signal that interrupted runs. */
int dcs_run_interrupted(void);

#endif
