#include "dcisim/run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show_progress(const struct dcs_world *w, dcs_time_t until, double t0, bool done)
{
	double frac = until > 0 ? (double)dcs_now(w->k) / (double)until : 1.0;
	double el = wall_now() - t0;
	fprintf(stderr, "\r%s: %5.1f%% simulated %.1f s, %llu events, %.1f s wall%s",
		w->scn->name, 100.0 * frac, dcs_time_to_s(dcs_now(w->k)),
		(unsigned long long)dcs_kernel_events(w->k), el, done ? "\n" : "");
	fflush(stderr);
}

static int write_all(const char *dir, struct dcs_world *w, const struct dcs_run_info *ri, FILE *err)
{
	if (dcs_mkdir_p(dir) != 0) {
		fprintf(err, "dcisim: error: cannot create output directory %s: %s\n", dir,
			strerror(errno));
		return 3;
	}
	for (size_t i = 0; i < dcs_results_n_tables(w->res); i++)
		if (dcs_write_table(dir, dcs_results_table_at(w->res, i), err) != 0)
			return 3;
	if (dcs_write_run_json(dir, ri, err) != 0)
		return 3;
	return 0;
}

int dcs_run_scenario(const struct dcs_scenario *scn, const struct dcs_run_opts *opts,
		     struct dcs_results **keep, FILE *err)
{
	uint64_t seed = opts->seed_set ? opts->seed : scn->seed;
	struct dcs_world *w = dcs_world_create(scn, seed);
	if (!w) {
		fprintf(err, "dcisim: error: out of memory building %s\n", scn->name);
		return 3;
	}
	w->verbosity = opts->verbosity;
	if (opts->max_events)
		dcs_kernel_set_event_limit(w->k, opts->max_events);
	dcs_time_t until = w->horizon;
	if (opts->until_s > 0 && dcs_time_from_s(opts->until_s) < until)
		until = dcs_time_from_s(opts->until_s);
	struct dcs_trace *tr = NULL; /* --trace: an observer only (sim/trace.c) */
	if (opts->trace_path && !(tr = dcs_trace_open(opts->trace_path, w, err))) {
		dcs_world_destroy(w);
		return 3;
	}
	double t0 = wall_now();
	dcs_time_t chunk = until / 200 > 0 ? until / 200 : 1;
	const char *note = NULL;
	int code = 0;
	size_t peak_pending = 0;
	dcs_time_t sim_end = -1;
	bool progress = opts->progress && isatty(fileno(stderr));
	for (;;) {
		dcs_time_t next = dcs_now(w->k) + chunk;
		if (next > until || next < 0)
			next = until;
		enum dcs_stop_reason r = tr ? dcs_trace_run(tr, next) : dcs_world_run(w, next);
		if (dcs_kernel_pending(w->k) > peak_pending)
			peak_pending = dcs_kernel_pending(w->k);
		if (progress)
			show_progress(w, until, t0, false);
		if (interrupted_by) {
			note = interrupted_by == SIGTERM ? "interrupted by SIGTERM"
							 : "interrupted by SIGINT";
			code = interrupted_by == SIGTERM ? 143 : 130;
			break;
		}
		if (r == DCS_STOP_LIMIT) {
			note = "stopped at --max-events";
			code = 3;
			break;
		}
		if (opts->max_wall_s > 0 && wall_now() - t0 > opts->max_wall_s) {
			note = "stopped at --max-wall-s";
			code = 3;
			break;
		}
		if (r == DCS_STOP_EMPTY || dcs_now(w->k) >= until) {
			/* Nothing left to happen: the run covers the whole horizon. */
			sim_end = until;
			break;
		}
	}
	if (progress)
		show_progress(w, until, t0, true);
	dcs_world_finish(w);
	if (tr && dcs_trace_finish(tr, sim_end >= 0 ? sim_end : dcs_now(w->k), code == 0, err) &&
	    !code)
		code = 3;
	double wall = wall_now() - t0;
	if (opts->verbosity >= 0)
		for (size_t i = 0; i < dcs_results_n_warnings(w->res); i++)
			fprintf(err, "%s: warning: %s\n", scn->path ? scn->path : scn->name,
				dcs_results_warning(w->res, i));
	struct dcs_run_info ri = {
		.scenario = scn->name,
		.scenario_path = scn->path,
		.seed = seed,
		.events = dcs_kernel_events(w->k),
		.wall_s = wall,
		.sim_s = dcs_time_to_s(sim_end >= 0 ? sim_end : dcs_now(w->k)),
		.complete = code == 0,
		.stop_note = note,
		.fingerprint = w->fingerprint,
		.peak_pending = peak_pending,
	};
	if (note && opts->verbosity >= 0)
		fprintf(err, "dcisim: %s: %s at %.9g s simulated\n", scn->name, note, ri.sim_s);
	if (opts->out_dir) {
		int wc = write_all(opts->out_dir, w, &ri, err);
		if (wc && !code)
			code = wc;
	}
	if (keep) {
		*keep = w->res;
		w->res = NULL;
	}
	dcs_world_destroy(w);
	dcs_trace_free(tr);
	return code;
}
