#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dcisim/exitcode.h"
#include "dcisim/output.h"
#include "dcisim/trace.h"
#include "dcisim/world.h"

/* The one piece of process-wide state: a signal handler can reach nothing
 * else.  Runs poll it between event chunks. */
static volatile sig_atomic_t interrupted_by;

void dcs_run_interrupt(int signo)
{
	interrupted_by = signo;
}

int dcs_run_interrupted(void)
{
	return interrupted_by;
}

/* Events between checks for interrupts and limits (about 0.1 to 1 s). */
#define RUN_SLICE_EVENTS (UINT64_C(1) << 20)
/* Pending events a run may hold (about 130 bytes each with their models'
 * state, so about 1.3 GB); beyond, a queue is growing without bound. */
#define RUN_MAX_PENDING ((size_t)10000000)

/* Rows all tables may produce (each about 100 bytes of CSV, and about 200
 * in memory when the caller keeps the results, so 0.6 to 1.2 GB);
 * *biggest names the largest table.  The loader's budget keeps sampled rows
 * (links.csv, paths.csv) under 4e6 (sim/io/sections.c). */
#define RUN_MAX_ROWS ((size_t)6000000)

static size_t results_rows(struct dcs_results *res, const char **biggest)
{
	size_t total = 0, most = 0;
	for (size_t i = 0; i < dcs_results_n_tables(res); i++) {
		const struct dcs_table *t = dcs_results_table_at(res, i);
		total += dcs_table_nrows(t);
		if (dcs_table_nrows(t) >= most) {
			most = dcs_table_nrows(t);
			*biggest = dcs_table_file(t);
		}
	}
	return total;
}

double dcs_wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	return dcs_wall_now();
}

static void show_progress(const struct dcs_world *w, dcs_time_t until, double t0, bool done)
{
	double frac = until > 0 ? (double)dcs_now(w->k) / (double)until : 1.0;
	double el = wall_now() - t0;
	fprintf(stderr, "\r%s: %5.1f%% simulated %.1f s, %llu events, %.1f s wall%s", w->scn->name,
		100.0 * frac, dcs_time_to_s(dcs_now(w->k)),
		(unsigned long long)dcs_kernel_events(w->k), el, done ? "\n" : "");
	fflush(stderr);
}

/* Prints the warnings from the first-th on; returns how many there are. */
static size_t print_warnings(struct dcs_world *w, size_t first, FILE *err)
{
	const struct dcs_scenario *scn = w->scn;
	size_t n = dcs_results_n_warnings(w->res);
	for (size_t i = first; i < n; i++)
		fprintf(err, "%s: warning: %s\n", scn->path ? scn->path : scn->name,
			dcs_results_warning(w->res, i));
	return n;
}

static void discard_table(void *ctx, const struct dcs_table *t)
{
	(void)ctx, (void)t;
}

static void discard_row(void *ctx, const struct dcs_table *t, const char *const *cells)
{
	(void)ctx, (void)t, (void)cells;
}

/* Opens the output directory and streams the tables into it as the run
 * produces their rows (temporary names until write_all). */
static struct dcs_table_files *open_outputs(const char *dir, struct dcs_world *w,
					    enum dcs_hold hold, FILE *err)
{
	if (dcs_mkdir_p(dir) != 0) {
		fprintf(err, "dcisim: error: cannot create output directory %s: %s\n", dir,
			strerror(errno));
		return NULL;
	}
	return dcs_table_files_open(dir, w->res, hold, err);
}

static int write_all(const char *dir, struct dcs_table_files *files, const struct dcs_run_info *ri,
		     FILE *err)
{
	/* run.json is the mark of a finished write, so it goes first and comes
	 * back last: a write that fails half way (a full disk) or is killed
	 * never leaves an earlier run's run.json beside new tables. */
	char *mark = malloc(strlen(dir) + sizeof("/run.json"));
	if (!mark) {
		dcs_table_files_discard(files);
		fprintf(err, "dcisim: error: out of memory writing %s\n", dir);
		return DCS_EXIT_RUNTIME;
	}
	strcat(strcpy(mark, dir), "/run.json");
	int gone = unlink(mark) == 0 || errno == ENOENT ? 0 : errno;
	free(mark);
	if (gone) {
		dcs_table_files_discard(files);
		fprintf(err, "dcisim: error: cannot write in %s: %s\n", dir, strerror(gone));
		return DCS_EXIT_RUNTIME;
	}
	if (dcs_table_files_commit(files, err) != 0)
		return DCS_EXIT_RUNTIME;
	if (dcs_write_run_json(dir, ri, err) != 0)
		return DCS_EXIT_RUNTIME;
	return DCS_EXIT_OK;
}

int dcs_run_scenario(const struct dcs_scenario *scn, const struct dcs_run_opts *opts,
		     struct dcs_results **keep, FILE *err)
{
	double t_build = wall_now();
	uint64_t seed = opts->seed_set ? opts->seed : scn->seed;
	struct dcs_world *w = dcs_world_create(scn, seed);
	if (!w) {
		fprintf(err, "dcisim: error: out of memory building %s\n", scn->name);
		return DCS_EXIT_RUNTIME;
	}
	w->verbosity = opts->verbosity;
	dcs_time_t until = w->horizon;
	if (opts->until_s > 0 && dcs_time_from_s(opts->until_s) < until)
		until = dcs_time_from_s(opts->until_s);
	struct dcs_trace *tr = NULL; /* --trace: an observer only (sim/observe/trace.c) */
	if (opts->trace_path && !(tr = dcs_trace_open(opts->trace_path, w, err))) {
		dcs_world_destroy(w);
		return DCS_EXIT_RUNTIME;
	}
	/* Rows go to their files as they come; they stay in memory only for
	 * a caller that reads them afterwards, or until the trace has them. */
	enum dcs_hold hold = tr ? DCS_HOLD_UNTIL_RELEASED : DCS_HOLD_NONE;
	if (keep && !opts->keep_tables)
		hold = DCS_HOLD_ALL;
	for (size_t i = 0; keep && opts->keep_tables && opts->keep_tables[i]; i++)
		dcs_results_keep(w->res, opts->keep_tables[i]);
	struct dcs_table_files *files = NULL;
	if (opts->out_dir && !(files = open_outputs(opts->out_dir, w, hold, err))) {
		dcs_trace_free(tr);
		dcs_world_destroy(w);
		return DCS_EXIT_RUNTIME;
	}
	if (!opts->out_dir && hold != DCS_HOLD_ALL) {
		/* Nothing to write: rows no one reads are dropped as they end. */
		static const struct dcs_results_sink discard = {.table = discard_table,
								.row = discard_row};
		dcs_results_set_sink(w->res, &discard, hold);
	}
	/* Warnings the models raise as they start (before the first event) are
	 * shown now, while the user can still stop a run that cannot answer. */
	dcs_world_start(w);
	size_t warned = 0;
	if (opts->verbosity >= 0)
		warned = print_warnings(w, 0, err);
	double t0 = wall_now();
	if (opts->times)
		opts->times->build_s = t0 - t_build;
	int64_t started_unix = (int64_t)time(NULL);
	dcs_time_t chunk = until / 200 > 0 ? until / 200 : 1;
	const char *note = NULL;
	char row_note[320];
	size_t max_pending = opts->max_pending ? opts->max_pending : RUN_MAX_PENDING;
	size_t max_rows = opts->max_rows ? opts->max_rows : RUN_MAX_ROWS;
	int code = DCS_EXIT_OK;
	size_t peak_pending = 0;
	dcs_time_t sim_end = -1;
	bool progress = opts->progress && isatty(fileno(stderr));
	for (;;) {
		dcs_time_t next = dcs_now(w->k) + chunk;
		if (next > until || next < 0)
			next = until;
		/* At most RUN_SLICE_EVENTS events between the checks below, so that
		 * an interrupt, --max-wall-s or a runaway queue is noticed soon
		 * however many events a chunk of simulated time holds. */
		uint64_t slice_end = dcs_kernel_events(w->k) + RUN_SLICE_EVENTS;
		bool at_max = opts->max_events && opts->max_events <= slice_end;
		dcs_kernel_set_event_limit(w->k, at_max ? opts->max_events : slice_end);
		enum dcs_stop_reason r = tr ? dcs_trace_run(tr, next) : dcs_world_run(w, next);
		bool sliced = r == DCS_STOP_LIMIT && !at_max;
		bool done = r == DCS_STOP_EMPTY || (!sliced && dcs_now(w->k) >= until);
		if (dcs_kernel_pending(w->k) > peak_pending)
			peak_pending = dcs_kernel_pending(w->k);
		if (progress)
			show_progress(w, until, t0, false);
		if (interrupted_by) {
			note = interrupted_by == SIGTERM ? "interrupted by SIGTERM"
							 : "interrupted by SIGINT";
			code = dcs_exit_for_signal(interrupted_by);
			break;
		}
		if (r == DCS_STOP_LIMIT && at_max) {
			note = "stopped at --max-events";
			code = DCS_EXIT_RUNTIME;
			break;
		}
		const char *big = NULL;
		if (!done && results_rows(w->res, &big) > max_rows) {
			/* Rows fill the disk (or memory, when kept): stop first. */
			snprintf(row_note, sizeof(row_note),
				 "stopped: the results hold more than %zu rows (%s grows "
				 "fastest): shorten duration_s or make the scenario produce "
				 "fewer rows",
				 max_rows, big);
			note = row_note;
			code = DCS_EXIT_RUNTIME;
			break;
		}
		if (!done && dcs_kernel_pending(w->k) > max_pending) {
			/* Memory would grow until the machine runs out: stop cleanly. */
			snprintf(row_note, sizeof(row_note),
				 "stopped: more than %zu events pending at once (a queue that "
				 "grows without bound: is an offered load above what serves it, "
				 "e.g. storage iops above the arrays' capacity?)",
				 max_pending);
			note = row_note;
			code = DCS_EXIT_RUNTIME;
			break;
		}
		if (opts->max_wall_s > 0 && wall_now() - t0 > opts->max_wall_s) {
			note = "stopped at --max-wall-s";
			code = DCS_EXIT_RUNTIME;
			break;
		}
		if (done) {
			/* Nothing left to happen: the run covers the whole horizon. */
			sim_end = until;
			break;
		}
	}
	if (progress)
		show_progress(w, until, t0, true);
	double t_finish = wall_now();
	dcs_world_finish(w);
	if (opts->times) {
		opts->times->run_s = t_finish - t0;
		opts->times->finish_s = wall_now() - t_finish;
	}
	if (tr && dcs_trace_finish(tr, sim_end >= 0 ? sim_end : dcs_now(w->k), code == DCS_EXIT_OK, err) &&
	    !code)
		code = DCS_EXIT_RUNTIME;
	double wall = wall_now() - t0;
	if (opts->verbosity >= 0)
		print_warnings(w, warned, err);
	/* Absolute, so a report or a later run finds the file from anywhere. */
	char *abs_path = scn->path ? realpath(scn->path, NULL) : NULL;
	struct dcs_run_info ri = {
	    .scenario = scn->name,
	    .scenario_path = abs_path ? abs_path : scn->path,
	    .scenario_sha256 = scn->text_sha256[0] ? scn->text_sha256 : NULL,
	    .seed = seed,
	    .replication = opts->replication,
	    .started_unix = started_unix,
	    .events = dcs_kernel_events(w->k),
	    .wall_s = wall,
	    .sim_s = dcs_time_to_s(sim_end >= 0 ? sim_end : dcs_now(w->k)),
	    .complete = code == DCS_EXIT_OK,
	    .stop_note = note,
	    .fingerprint = w->fingerprint,
	    .peak_pending = peak_pending,
	};
	if (note && opts->verbosity >= 0)
		fprintf(err, "dcisim: %s: %s at %.9g s simulated\n", scn->name, note, ri.sim_s);
	if (files) {
		double t_write = wall_now();
		int wc = write_all(opts->out_dir, files, &ri, err);
		if (wc && !code)
			code = wc;
		if (opts->times)
			opts->times->write_s = wall_now() - t_write;
	}
	free(abs_path);
	if (keep) {
		*keep = w->res;
		w->res = NULL;
	}
	dcs_world_destroy(w);
	dcs_trace_free(tr);
	return code;
}
