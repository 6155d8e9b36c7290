/* dcisim plan: the planner's inverse question (sim/app/plan.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "dcisim/exitcode.h"
#include "dcisim/world.h"
#include "plan.h"
#include "report.h"
#include "run.h"

static const char plan_usage[] =
    "usage: dcisim plan PLAN.json|NAME [--out DIR] [--jobs N] [--resume|--force] [-q]\n"
    "       mpirun -n K dcisim plan PLAN.json ...   (ranks share the runs)\n"
    "\n"
    "Answers the planner's inverse question (docs/plan.md): the largest (or smallest)\n"
    "value of one scenario number for which every target holds.\n"
    "  {\"dcisim_plan\": 1, \"base\": \"../metro.json\",\n"
    "   \"vary\": {\"path\": \"links[0].distance_km\", \"min\": 1, \"max\": 1000,\n"
    "            \"resolution\": 1},\n"
    "   \"targets\": [{\"metric\": \"storage_write_p99_ms\", \"entity\": \"dc1\", \"max\": 5},\n"
    "               {\"metric\": \"migration_outcome\", \"entity\": \"web01\",\n"
    "                \"equals\": \"converged\"}],\n"
    "   \"replications\": 5, \"confidence\": 0.95}\n"
    "A coarse scan (scan_points, default 11) checks that each target changes at\n"
    "most once over the range, then bisection narrows every change to one\n"
    "resolution step (whole numbers for integer keys).  With replications, a\n"
    "value passes a target when its one-sided Student-t bound at `confidence`\n"
    "does; a scenario in which nothing draws random numbers (warned), or whose\n"
    "summaries are identical under two seeds, runs once per value.\n"
    "NAME finds a bundled plan (scenarios/plans/NAME.json).\n"
    "\n"
    "  --out DIR     output directory (default: results/<plan name>)\n"
    "  --jobs N      simulations at once on this machine (default 1)\n"
    "  --resume      reuse the runs cached in DIR/cache whose scenario, seed and\n"
    "                dcisim version match\n"
    "  --force       delete the cached runs and run everything\n"
    "  -q, --quiet   only the answer (stdout) and errors\n"
    "\n"
    "Prints the answer on one line on stdout, e.g.\n"
    "  longest links[0].distance_km meeting all targets: 212 km (binding:\n"
    "  storage_write_p99_ms dc1 \u2264 5 at 212, 5.03 at 213)\n"
    "and writes plan.csv (every value tried, its metrics, pass or fail per\n"
    "target), plan.json (the boundary, the binding targets, the bracket, the\n"
    "evaluations, provenance) and report.html.  plan.csv is the same bytes\n"
    "whatever --jobs or the number of MPI ranks.\n"
    "Exit status: 0 answered, 1 no value in the range meets every target,\n"
    "2 invalid plan (nothing written), 3 a run failed, 130/143 interrupted\n"
    "(the values so far written, plan.json complete: false).\n";

static void on_signal(int signo)
{
	dcs_run_interrupt(signo);
}

/* Values by state, compressed into runs: "holds 1 to 100 (6 values)". */
static void show_points(const struct dcs_plan_state *S, FILE *err)
{
	const struct dcs_plan *pl = S->pl;
	for (size_t t = 0; t < pl->n_targets; t++) {
		if (!S->switches || S->switches[t] <= 1)
			continue;
		fprintf(err, "dcisim plan: %s %s over %s:", pl->targets[t].metric,
			pl->targets[t].entity, pl->param);
		for (size_t a = 0, b; a < S->n; a = b) {
			bool pass = S->pts[a].judge[t].pass;
			for (b = a + 1; b < S->n && S->pts[b].judge[t].pass == pass; b++)
				;
			fprintf(err, "%s %s %s", a ? ";" : "", pass ? "holds" : "fails",
				S->pts[a].text);
			if (b - a > 1)
				fprintf(err, " to %s", S->pts[b - 1].text);
			fprintf(err, " (%zu value%s)", b - a, b - a == 1 ? "" : "s");
		}
		fputc('\n', err);
	}
}

static const struct option plan_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"resume", no_argument, NULL, DCS_SWEEP_OPT_RESUME},
    {"force", no_argument, NULL, DCS_SWEEP_OPT_FORCE},
    {"out", required_argument, NULL, DCS_SWEEP_OPT_OUT},
    {"jobs", required_argument, NULL, DCS_SWEEP_OPT_JOBS},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_plan(int argc, char **argv)
{
	struct dcs_sweep_opts o = {.jobs = 1};
	static const struct dcs_sweep_cli cli = {"plan", "plan file", plan_usage, plan_options};
	char *path;
	int parsed = dcs_sweep_cli_parse(argc, argv, &cli, &o, &path);
	if (parsed >= 0)
		return parsed;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* Under a launcher with several ranks every rank runs the command and
	 * the runs of each batch are shared; rank 0 speaks and writes. */
	int rank = 0, size = 1;
	int ranks = dcs_sweep_launched_ranks();
	bool mpi = ranks != 0 && ranks != 1;
	if (mpi) {
		int c = dcs_sweep_mpi_begin(&rank, &size);
		if (c) {
			free(path);
			return c;
		}
	}
	FILE *quiet = rank == 0 ? NULL : fopen("/dev/null", "w");
	FILE *err = rank == 0 || !quiet ? stderr : quiet;
	struct dcs_world_catalog wc;
	const struct dcs_catalog *cat = dcs_world_catalog_init(&wc);
	int nerr = 0, code = 0;
	struct dcs_plan *pl = dcs_plan_load_file(path, cat, err, &nerr);
	struct dcs_plan_state S = {0};
	char defdir[512];
	bool ok = pl != NULL;
	if (mpi)
		ok = dcs_sweep_mpi_all(ok);
	if (!ok) {
		if (rank == 0)
			fprintf(stderr, "dcisim plan: %d error%s; nothing run\n", nerr ? nerr : 1,
				nerr == 1 ? "" : "s");
		code = DCS_EXIT_USAGE;
		goto out;
	}
	if (!o.out_dir) {
		snprintf(defdir, sizeof(defdir), "results/%s", pl->name);
		o.out_dir = defdir;
	}
	/* The cache: an earlier sweep or plan into this folder needs --resume
	 * or --force, before anything runs. */
	if (rank == 0) {
		struct dcs_sweep none = {.replications = 1};
		size_t stale = 0;
		ok = dcs_sweep_cache_prepare(&none, &o, NULL, &stale, stderr) >= 0;
	}
	if (mpi)
		ok = dcs_sweep_mpi_all(ok);
	if (!ok) {
		code = DCS_EXIT_USAGE;
		goto out;
	}
	S.pl = pl;
	S.o = o;
	S.o.force = false;
	S.o.resume = true; /* from here on the records are this plan's own */
	S.o.progress = false;
	S.run = mpi ? dcs_sweep_mpi_runs : dcs_plan_run_local;
	S.writer = rank == 0;
	S.err = rank == 0 && o.verbosity >= 0 ? stderr : NULL;
	S.progress = S.err && isatty(fileno(stderr));
	char lo[40], hi[40];
	dcs_plan_value_text(pl, 0, lo, sizeof(lo));
	dcs_plan_value_text(pl, pl->steps, hi, sizeof(hi));
	const char *unit = dcs_report_unit_of_name(pl->param);
	if (S.err)
		fprintf(
		    stderr,
		    "dcisim plan: %s: %s from %s to %s%s%s in steps of %.12g (%lld values), %zu "
		    "target%s\n",
		    pl->name, pl->param, lo, hi, unit[0] ? " " : "", unit, pl->resolution,
		    (long long)pl->steps + 1, pl->n_targets, pl->n_targets == 1 ? "" : "s");
	double t0 = dcs_sweep_wall_now();
	int64_t started = (int64_t)time(NULL);
	code = dcs_plan_search(&S);
	if (code == 2)
		goto out; /* a plan error the probe found: nothing written */
	if (S.writer) {
		struct dcs_plan_info info = {.wall_s = dcs_sweep_wall_now() - t0,
					     .started_unix = started,
					     .jobs = o.jobs,
					     .ranks = size};
		int wc2 = dcs_plan_write(&S, o.out_dir, &info, stderr);
		if (S.err)
			dcs_plan_print_messages(&S, stderr);
		if (S.err && S.status == DCS_PLAN_NOT_MONOTONIC)
			show_points(&S, stderr);
		if (S.status != DCS_PLAN_INCOMPLETE && S.answer) {
			printf("%s\n", S.answer);
			fflush(stdout);
		}
		if (S.err)
			fprintf(stderr,
				"dcisim plan: %s: %zu values in %d steps, runs: %zu computed, %zu "
				"reused; results in %s/\n",
				pl->name, S.n, S.steps_run, S.computed, S.reused, o.out_dir);
		if (!code && wc2)
			code = DCS_EXIT_RUNTIME;
	}
	if (!code && S.status == DCS_PLAN_NONE)
		code = DCS_EXIT_DRIFT;
out:
	dcs_plan_state_free(&S);
	dcs_plan_free(pl);
	free(path);
	if (quiet)
		fclose(quiet);
	if (mpi)
		dcs_sweep_mpi_end();
	return code;
}

const struct dcs_cli_command dcs_cli_plan = {
    .name = "plan",
    .fn = dcs_cmd_plan,
    .args = "PLAN.json",
    .complete = DCS_CLI_PLAN,
    .summary = "the largest (or smallest) value of a parameter meeting every target",
    .usage = plan_usage,
    .options = plan_options,
    .choices = "resume|force",
};
