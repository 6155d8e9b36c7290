/* dcisim sweep: many runs of one scenario over a grid (sim/app/sweep.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lookup.h"
#include "run.h"
#include "sweep.h"

static const char sweep_usage[] =
    "usage: dcisim sweep SWEEP.json [--out DIR] [--jobs N] [--runs-dir DIR] [--resume|--force]\n"
    "                    [-q]\n"
    "       mpirun -n K dcisim sweep SWEEP.json ...   (ranks share the runs)\n"
    "\n"
    "Runs a base scenario over a grid of parameter values (SPEC §2):\n"
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

int dcs_cmd_sweep(int argc, char **argv)
{
	struct dcs_sweep_opts o = {.jobs = 1};
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(sweep_usage, stdout);
			return 0;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o.verbosity = -1;
		} else if (!strcmp(a, "--resume")) {
			o.resume = true;
		} else if (!strcmp(a, "--force")) {
			o.force = true;
		} else if (!strcmp(a, "--out") && v) {
			o.out_dir = v;
			i++;
		} else if (!strcmp(a, "--runs-dir") && v) {
			o.runs_dir = v;
			i++;
		} else if (!strcmp(a, "--jobs") && v) {
			unsigned long long n;
			if (!dcs_parse_u64(v, &n) || n == 0 || n > 1024) {
				fprintf(stderr,
					"dcisim sweep: error: --jobs needs a count in [1, 1024], "
					"not '%s'\n",
					v);
				return 2;
			}
			o.jobs = (unsigned)n;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dcisim sweep: error: unknown option '%s'%s\n%s", a,
				v ? "" : " (or missing value)", sweep_usage);
			return 2;
		} else if (!path) {
			path = a;
		} else {
			fprintf(stderr, "dcisim sweep: error: one sweep file at a time ('%s')\n",
				a);
			return 2;
		}
	}
	if (!path) {
		fputs(sweep_usage, stderr);
		return 2;
	}
	if (o.resume && o.force) {
		fprintf(stderr, "dcisim sweep: error: --resume reuses cached runs and --force "
				"deletes them: give one\n");
		return 2;
	}
	char *found = dcs_lookup(path);
	if (!found) {
		dcs_lookup_explain(stderr, "sweep", path);
		return 2;
	}
	int code = sweep_file(found, &o);
	free(found);
	return code;
}

/* Runs the sweep file at path (found) with the parsed options. */
static int sweep_file(const char *path, struct dcs_sweep_opts *op)
{
	struct dcs_sweep_opts o = *op;
	o.progress = o.verbosity >= 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* Under a launcher with several ranks the MPI side does it all, and
	 * only then is MPI initialised: a plain `dcisim sweep` needs no MPI
	 * runtime. */
	int ranks = dcs_sweep_launched_ranks();
	if (ranks != 0 && ranks != 1)
		return dcs_sweep_mpi_main(path, &o);

	char defdir[512];
	int nerr = 0;
	struct dcs_sweep *sw = dcs_sweep_load_file(path, stderr, &nerr);
	if (!sw) {
		fprintf(stderr, "dcisim sweep: %d error%s; nothing run\n", nerr,
			nerr == 1 ? "" : "s");
		return 2;
	}
	if (!o.out_dir) {
		snprintf(defdir, sizeof(defdir), "results/%s", sw->name);
		o.out_dir = defdir;
	}
	size_t total = dcs_sweep_n_runs(sw);
	struct dcs_sweep_run *runs = calloc(total, sizeof(*runs));
	if (!runs) {
		fprintf(stderr, "dcisim sweep: error: out of memory for %zu runs\n", total);
		dcs_sweep_free(sw);
		return 3;
	}
	size_t stale = 0;
	long reused = dcs_sweep_cache_prepare(sw, &o, runs, &stale, stderr);
	if (reused < 0) {
		free(runs);
		dcs_sweep_free(sw);
		return 2;
	}
	if (o.verbosity >= 0 && isatty(fileno(stderr)))
		fprintf(stderr,
			"dcisim sweep: %s: %zu points x %d replications = %zu runs (%ld cached), "
			"%u at once\n",
			sw->name, sw->n_points, sw->replications, total, reused, o.jobs);
	double t0 = dcs_sweep_wall_now();
	int icode = dcs_sweep_run_local(sw, &o, runs);
	struct dcs_sweep_info info = {
	    .wall_s = dcs_sweep_wall_now() - t0, .jobs = o.jobs, .ranks = 1, .stale = stale};
	int code = dcs_sweep_finish(sw, runs, &o, &info, icode, stderr);
	for (size_t i = 0; i < total; i++)
		dcs_sweep_run_clear(&runs[i]);
	free(runs);
	dcs_sweep_free(sw);
	return code;
}
