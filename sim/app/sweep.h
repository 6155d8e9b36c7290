/*
 * dcisim sweeps: many independent runs of one base scenario over a grid of
 * parameter values, on threads and, when built with MPI, across ranks.
 *
 * Contract.  A sweep file (SPEC §2) names a base scenario (path relative to
 * the sweep file), a grid of JSON paths to lists of values (cartesian
 * product; the first key varies slowest), optional zipped lists that advance
 * together (one more dimension, after the grid's), and a number of
 * replications; replication k of a point runs with seed (the point's seed +
 * k).  Loading (sim/io/sweepfile.c, the only sweep code that sees JSON)
 * builds every point's scenario and validates it before anything runs; each
 * problem is one line `FILE:LINE:COL: error: JSON.PATH: message` against the
 * sweep file (a point's invalid value is blamed on its grid key, naming the
 * point).  Run i is point i / replications, replication i % replications.
 *
 * Running never shares mutable state between runs: each is its own world,
 * and its outcome (exit code, summary cells as text) is kept by run index,
 * so sweep.csv is the same bytes whatever the number of threads or ranks.
 * Caching and resuming.  Each run is keyed by the SHA-256 of its point's
 * scenario text (the base with the point's values set), its seed and the
 * dcisim version and commit (dcs_sweep_run_key).  A finished run (exit 0)
 * leaves a record, OUT/cache/KEY.run, written atomically after the run's own
 * files (--runs-dir), so it exists only for a run whose outputs are all in
 * place.  With resume, a run whose record exists (and, with --runs-dir,
 * whose sweep_point.csv names its key) is not run again: its outcome is
 * read back, byte for byte what the run gave, so an interrupted and resumed
 * sweep writes the same sweep.csv as an uninterrupted one.  A changed
 * scenario, seed or version changes the key: the run is stale and runs
 * again.  A sweep into a directory that already holds records needs resume
 * (reuse them) or force (delete them and run everything).
 *
 * Outputs: sweep.csv (one row per run: point, replication, the parameters,
 * seed, status, then one column per summary metric, `metric[entity]`, the
 * union over runs in first-seen run order), sweep_stats.csv (per point and
 * numeric metric: its unit, n, mean, sd, 95% CI over the replications that
 * finished)
 * and sweep.json (what ran; wall-clock figures live only here).
 */
#ifndef DCISIM_SWEEP_H
#define DCISIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>

#include "dcisim/scenario.h"
#include "dcisim/sweepfile.h"

struct dcs_sweep_opts {
	const char *out_dir;  /* where sweep.csv goes; NULL writes nothing */
	const char *runs_dir; /* when set, each run's own results go to runs_dir/NNNNNN */
	unsigned jobs;        /* concurrent simulations in this process (>= 1) */
	int verbosity;        /* -1 quiet */
	bool progress;        /* a progress line on stderr when it is a terminal */
	bool resume;          /* reuse the cached runs whose key matches */
	bool force;           /* delete cached runs and run everything */
	bool cache_readonly;  /* read the cache (resume) but add no record to it */
};

/* One run's outcome: everything sweep.csv needs, as text. */
struct dcs_sweep_run {
	bool done;      /* finished (code 0 or 3); false when never run or interrupted */
	bool reused;    /* read back from the cache, not run */
	int code;       /* dcs_run_scenario's exit code */
	size_t n;       /* summary cells */
	char **names;   /* column names: metric[entity] (a repeat gets #2, #3, ...) */
	char **values;  /* cell text exactly as in summary.csv */
	char **units;   /* its unit column ("" for none); NULL: no units known */
	char *messages; /* what the run said on its error stream, or NULL */
};

/* The cache key of a run: 64 hex digits and a NUL. */
void dcs_sweep_run_key(const struct dcs_sweep *sw, size_t run, char key[65]);
/* Before running: with o->resume, fills the runs the cache holds (done and
 * reused set) and returns how many; with o->force, deletes the records.
 * Without either, a cache that holds records is an error (exit 2: the
 * message says to pass --resume or --force); *stale gets the records that
 * match no run of this sweep.  Returns -1 on error, message on err. */
long dcs_sweep_cache_prepare(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			     struct dcs_sweep_run *runs, size_t *stale, FILE *err);
/* After a run finished: its record, when it exited 0 (errors on err). */
void dcs_sweep_cache_store(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o, size_t run,
			   const struct dcs_sweep_run *r, FILE *err);

/* Runs one run of the sweep into r (cleared first).  Safe to call from
 * several threads at once on the same sweep. */
void dcs_sweep_run_one(const struct dcs_sweep *sw, size_t run, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *r);
void dcs_sweep_run_clear(struct dcs_sweep_run *r);
/* A run outcome as bytes (for MPI) and back; unpack returns 0 or -1 on a
 * malformed or truncated buffer. */
char *dcs_sweep_run_pack(const struct dcs_sweep_run *r, size_t *len);
int dcs_sweep_run_unpack(const char *buf, size_t len, struct dcs_sweep_run *r);

/* Runs every run with o->jobs threads; runs[] has dcs_sweep_n_runs entries.
 * Returns 0, or 130/143 when interrupted (finished runs are kept). */
int dcs_sweep_run_local(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			struct dcs_sweep_run *runs);

/* A pool of threads taking runs in index order.  The MPI coordinator also
 * takes runs from it for other ranks (take/done), so local threads and
 * remote ranks share one queue.  threads may be 0. */
struct dcs_sweep_pool;
struct dcs_sweep_pool *dcs_sweep_pool_start(const struct dcs_sweep *sw,
					    const struct dcs_sweep_opts *o,
					    struct dcs_sweep_run *runs, unsigned threads);
/* The next run index for someone else, or -1 when none is left or the
 * process was interrupted; they report it finished with _done. */
long dcs_sweep_pool_take(struct dcs_sweep_pool *p);
void dcs_sweep_pool_done(struct dcs_sweep_pool *p);
/* Waits up to `seconds` for a run to finish; returns the runs finished. */
size_t dcs_sweep_pool_wait(struct dcs_sweep_pool *p, double seconds);
/* Every run handed out has finished and none is left to hand out. */
bool dcs_sweep_pool_idle(struct dcs_sweep_pool *p);
/* Joins the threads and frees the pool; returns the runs finished. */
size_t dcs_sweep_pool_join(struct dcs_sweep_pool *p);
/* 0, or 130/143 when SIGINT/SIGTERM interrupted the process. */
int dcs_sweep_interrupt_code(void);

/* Counts the runs done and failed, and sets info's complete, computed and
 * reused from them. */
void dcs_sweep_tally(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		     struct dcs_sweep_info *info, size_t *ndone, size_t *nfailed);

/* Writes sweep.csv, sweep_stats.csv and sweep.json to dir; prints failed
 * runs' messages on err.  Returns the exit code: 0, 3 when a run failed or
 * writing did, or `interrupted_code` when that is non-zero. */
int dcs_sweep_finish(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		     const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
		     int interrupted_code, FILE *err);

/* Messages from the runs (warnings, failures) on err: each distinct line
 * once, in run order, naming the first run that said it; with verbosity < 0
 * only those of runs that failed. */
void dcs_sweep_print_messages(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			      FILE *err, int verbosity);

/* A parameter that changed no output: among the finished runs that differ
 * only in it (same other values, same replication), some took two values and
 * none gave a different summary (the lift_* what-if figures aside).
 * dcs_sweep_finish() warns about each one, naming what limited the flows (the
 * runs' limited_by summary rows), since a bottleneck elsewhere is the usual
 * reason (a window swept while the link share holds the rate). */
bool dcs_sweep_param_inert(const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			   size_t param);

/* Mean, sample standard deviation and the half-width of the two-sided 95%
 * Student-t confidence interval of x[0..n).  sd and half are NaN when n < 2. */
void dcs_sweep_ci95(const double *x, size_t n, double *mean, double *sd, double *half);

/* Progress on stderr: runs done/total, rate, ETA; prints at most every
 * 0.2 s unless `final`. */
struct dcs_sweep_progress {
	bool on;
	size_t total;
	double t0, last;
};
void dcs_sweep_progress_init(struct dcs_sweep_progress *p, bool on, size_t total);
void dcs_sweep_progress_show(struct dcs_sweep_progress *p, size_t done, bool final);
double dcs_sweep_wall_now(void);

/* A command that runs its runs on this engine (sweep, survive, ...).  load
 * builds the sweep (it may complete the options: its output and runs
 * directories, owned by ctx); finish turns the outcomes into the command's
 * files and returns its exit code.  dcs_sweep_run_job() does the whole
 * command: under an MPI launcher with several ranks, every rank loads (only
 * rank 0's messages are shown) and rank 0 finishes; otherwise it loads, reads
 * the cache, runs o->jobs threads and finishes.  A NULL out_dir becomes
 * results/<sweep name>.  Load errors: "dcisim COMMAND: N errors; nothing
 * run", exit 2; a load stopped by SIGINT/SIGTERM (it may run a simulation)
 * exits 130/143 with nothing written. */
struct dcs_sweep_job {
	const char *command; /* "sweep", "survive": names the messages */
	struct dcs_sweep *(*load)(void *ctx, struct dcs_sweep_opts *o, FILE *err, int *nerrors);
	/* Optional: called once the cache is read (cached runs reused), before
	 * anything runs, in the process that writes. */
	void (*announce)(void *ctx, const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			 long cached, FILE *err);
	int (*finish)(void *ctx, const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
		      const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
		      int interrupted_code, FILE *err);
	void *ctx;
};
int dcs_sweep_run_job(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o);

/* Distributed sweeps (sim/app/sweep_mpi.c; the only file that sees MPI).
 * dcs_sweep_launched_ranks() reads the launcher's environment (Open MPI's
 * OMPI_COMM_WORLD_SIZE, PMI/PMIx as Slurm's srun sets them): 0 when not
 * started by a launcher.  dcs_sweep_mpi_run() does a job's whole command
 * under a launcher: MPI_Init, load on every rank (rank 0 reports errors),
 * share runs out dynamically, rank 0 finishes (to results/<sweep name> when
 * o->out_dir is NULL); it returns the exit code for this rank.  In a build
 * without MPI it explains that and returns 2.  With MPI these functions
 * reach the module dcisim-mpi.so (mpi_dl.c), loaded on first use. */
int dcs_sweep_launched_ranks(void);
int dcs_sweep_mpi_run(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o);

/* Warnings before a sweep runs, on err (sim/app/preflight.c): replications
 * of a scenario in which nothing draws random numbers
 * (dcs_scenario_randomness) are copies of one run.  Returns the count. */
int dcs_sweep_preflight(const struct dcs_sweep *sw, FILE *err);

/* The options every command on the sweep engine takes, as getopt values of
 * its option table (with 'h' for --help and 'q' for --quiet). */
enum {
	DCS_SWEEP_OPT_RESUME = 256,
	DCS_SWEEP_OPT_FORCE,
	DCS_SWEEP_OPT_OUT,
	DCS_SWEEP_OPT_RUNS_DIR,
	DCS_SWEEP_OPT_JOBS,
};

struct dcs_sweep_cli {
	const char *command;          /* "sweep", "plan": names the errors */
	const char *what;             /* the one argument, as errors name it ("plan file") */
	const char *usage;            /* the command's help */
	const struct option *options; /* its getopt table, of the values above */
};

/* Parses argv (argv[0] is the command) into *o and finds the one file
 * argument by the one lookup (lookup.h).  Returns -1 with *found set (the
 * caller frees it) to go on, or the exit code to return: 0 after --help, 2
 * after a usage error (said on stderr, nothing else done). */
int dcs_sweep_cli_parse(int argc, char **argv, const struct dcs_sweep_cli *cli,
			struct dcs_sweep_opts *o, char **found);
/* Commands that run the engine in several steps (plan) under a launcher:
 * every rank runs the same command and calls these in the same order.
 * dcs_sweep_mpi_begin() initialises MPI (0, or an exit code with a message;
 * in a build without MPI it explains that and returns 2);
 * dcs_sweep_mpi_all() is true when ok is true on every rank;
 * dcs_sweep_mpi_runs() runs one sweep across the ranks as
 * dcs_sweep_mpi_run() does (rank 0 reads the cache with o, hands runs out
 * and runs o->jobs of them itself; runs[] entries already marked reused are
 * not run) and on return every rank holds every run's outcome and the same
 * code: 0, 2 (the cache refused), 3, or 130/143 when interrupted.  Without
 * MPI it is dcs_sweep_run_local(). */
int dcs_sweep_mpi_begin(int *rank, int *size);
void dcs_sweep_mpi_end(void);
bool dcs_sweep_mpi_all(bool ok);
int dcs_sweep_mpi_runs(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *runs);

#endif
