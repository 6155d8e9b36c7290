/* dcisim sweep: many runs of one scenario over a grid (sim/app/sweep.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "run.h"
#include "sweep.h"
#include "dcisim/exitcode.h"

static const char sweep_usage[] =
    "usage: dcisim sweep SWEEP.json [--out DIR] [--jobs N] [--runs-dir DIR] [--resume|--force]\n"
    "                    [-q]\n"
    "       mpirun -n K dcisim sweep SWEEP.json ...   (ranks share the runs)\n"
    "\n"
    "Runs a base scenario over a grid of parameter values (docs/sweeps.md):\n"
    "  {\"dcisim_sweep\": 1, \"base\": \"../metro.json\", \"replications\": 5,\n"
    "   \"grid\": {\"links[0].distance_km\": [10, 50, 100],\n"
    "            \"links[0].technology\": [\"dwdm\", \"evi\"]},\n"
    "   \"zip\": {\"vms[0].memory_gib\": [8, 16], \"vms[0].wws_gib\": [1, 2]}}\n"
    "Grid lists multiply; zipped lists advance together; replication k of a\n"
    "point uses seed (the point's seed + k).  Every point is validated before\n"
    "anything runs.\n"
    "\n"
    "  --out DIR       output directory (default: results/<sweep name>)\n"
    "  --jobs N        simulations at once on this machine (default 1)\n"
    "  --runs-dir DIR  also write each run's own CSVs to DIR/NNNNNN/\n"
    "  --resume        reuse the finished runs cached in DIR/cache whose scenario,\n"
    "                  seed and dcisim version match; run the rest\n"
    "  --force         delete the cached runs and run everything\n"
    "  -q, --quiet     no progress or run warnings on stderr\n"
    "\n"
    "Writes sweep.csv (one row per run: point, replication, the parameters, seed,\n"
    "status, then one column per summary metric, metric[entity]), sweep_stats.csv\n"
    "(per point and metric: n, mean, sd, 95% confidence interval) and sweep.json.\n"
    "sweep.csv is the same bytes whatever --jobs or the number of MPI ranks, and\n"
    "whether the sweep ran at once or was interrupted and resumed.  Each finished\n"
    "run is cached in DIR/cache; a sweep into a DIR that has cached runs needs\n"
    "--resume or --force.\n"
    "Exit status: 0 done, 2 invalid sweep (nothing run), 3 a run failed,\n"
    "130/143 interrupted (finished runs written, sweep.json complete: false).\n";

static void on_signal(int signo)
{
	dcs_run_interrupt(signo);
}

static int sweep_file(const char *path, struct dcs_sweep_opts *op);

static const struct option sweep_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"resume", no_argument, NULL, DCS_SWEEP_OPT_RESUME},
    {"force", no_argument, NULL, DCS_SWEEP_OPT_FORCE},
    {"out", required_argument, NULL, DCS_SWEEP_OPT_OUT},
    {"runs-dir", required_argument, NULL, DCS_SWEEP_OPT_RUNS_DIR},
    {"jobs", required_argument, NULL, DCS_SWEEP_OPT_JOBS},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_sweep(int argc, char **argv)
{
	struct dcs_sweep_opts o = {.jobs = 1};
	static const struct dcs_sweep_cli cli = {"sweep", "sweep file", sweep_usage, sweep_options};
	char *found;
	int parsed = dcs_sweep_cli_parse(argc, argv, &cli, &o, &found);
	if (parsed >= 0)
		return parsed;
	int code = sweep_file(found, &o);
	free(found);
	return code;
}

/* `dcisim sweep` as a job of the sweep engine: the sweep file, and
 * sweep.csv at the end. */
static struct dcs_sweep *load_sweep_file(void *ctx, struct dcs_sweep_opts *o, FILE *err,
					 int *nerrors)
{
	(void)o;
	return dcs_sweep_load_file(ctx, err, nerrors);
}

static void announce_sweep(void *ctx, const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
			   long cached, FILE *err)
{
	(void)ctx;
	if (o->verbosity >= 0)
		dcs_sweep_preflight(sw, err);
	if (o->verbosity >= 0 && isatty(fileno(err)))
		fprintf(err,
			"dcisim sweep: %s: %zu points x %d replications = %zu runs (%ld cached), "
			"%u at once\n",
			sw->name, sw->n_points, sw->replications, dcs_sweep_n_runs(sw), cached,
			o->jobs);
}

static int finish_sweep(void *ctx, const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
			int interrupted_code, FILE *err)
{
	(void)ctx;
	return dcs_sweep_finish(sw, runs, o, info, interrupted_code, err);
}

/* Runs the sweep file at path (found) with the parsed options, on this
 * machine's threads or, under a launcher, across MPI ranks. */
static int sweep_file(const char *path, struct dcs_sweep_opts *op)
{
	struct dcs_sweep_opts o = *op;
	o.progress = o.verbosity >= 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct dcs_sweep_job job = {.command = "sweep",
				    .load = load_sweep_file,
				    .announce = announce_sweep,
				    .finish = finish_sweep,
				    .ctx = (void *)path};
	return dcs_sweep_run_job(&job, &o);
}

const struct dcs_cli_command dcs_cli_sweep = {
    .name = "sweep",
    .fn = dcs_cmd_sweep,
    .args = "SWEEP.json",
    .complete = DCS_CLI_JSON,
    .summary = "run a scenario over a grid of values and replications",
    .usage = sweep_usage,
    .options = sweep_options,
    .choices = "resume|force",
};
