/* dcisim run, validate and schema. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
#include "lookup.h"
#include "runsummary.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/planfile.h"
#include "dcisim/world.h"
#include "run.h"
#include "sweep.h"
#include "dcisim/version.h"

static const char run_usage[] =
    "usage: dcisim run [SCENARIO] [--out DIR] [--seed N] [--until SECONDS] [-q|-v]\n"
    "                  [--max-events N] [--max-wall-s SECONDS] [--trace FILE]\n"
    "                  [--force]\n"
    "\n"
    "Runs a scenario and writes its results as CSV files.\n"
    "\n"
    "  SCENARIO          a scenario file, or the name of a bundled scenario\n"
    "                    (e.g. metro-vmotion); without it, the bundled default\n"
    "                    scenario (two metro sites and a witness site)\n"
    "  --out DIR         output directory (default: results/<scenario name>)\n"
    "  --seed N          random seed (default: the scenario's seed)\n"
    "  --until SECONDS   stop earlier than the scenario's duration_s\n"
    "  --max-events N    stop after N events (exit 3, run.json complete: false)\n"
    "  --max-wall-s S    stop after S seconds of wall time (exit 3)\n"
    "  --trace FILE      also write an event trace for `dcisim view --replay`\n"
    "                    (docs/trace.md); the CSVs are the same with or without\n"
    "  --force           write into --out DIR even when it holds the results of\n"
    "                    another scenario file (replacing them)\n"
    "  -q, --quiet       no warnings, progress or summary on stderr\n"
    "  -v, --verbose     more detail on stderr\n"
    "\n"
    "Warnings a model can give before the run starts (a migration that cannot\n"
    "finish, a single gateway behind moving ingress) are printed first.  The\n"
    "run ends with a one-screen summary of its figures and findings.\n"
    "\n"
    "Outputs: summary.csv, events.csv, run.json and, as the scenario's models\n"
    "need them, links.csv, migrations.csv, rounds.csv, storage.csv,\n"
    "storage_series.csv, replication.csv, paths.csv, cluster.csv (the README's\n"
    "Outputs table has their columns).  `dcisim report DIR` draws them.\n"
    "Exit status: 0 done, 2 invalid input (nothing written), 3 runtime failure\n"
    "or limit, 130/143 interrupted (what completed is written).\n";

bool dcs_parse_double(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !(v >= 0) || v > 1e15)
		return false;
	*out = v;
	return true;
}

bool dcs_parse_u64(const char *s, unsigned long long *out)
{
	if (!s || !*s || *s == '-')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

/* Whether dir may take this scenario's results: it holds none, or those of
 * the same scenario file (the default scenario: the same name).  Results of
 * another file are kept unless --force: two copies of a scenario with the
 * same name would otherwise overwrite each other's results silently. */
static bool out_dir_is_ours(const char *dir, const struct dcs_scenario *scn)
{
	char p[4096], msg[256];
	snprintf(p, sizeof(p), "%s/run.json", dir);
	if (access(p, F_OK) != 0)
		return true;
	struct dcs_kv *kv = dcs_kv_read_json(p, msg, sizeof(msg));
	if (!kv)
		return true; /* not ours to judge: the run rewrites it */
	const char *old = dcs_kv_get(kv, "scenario_path");
	const char *old_name = dcs_kv_get(kv, "scenario");
	char *a = old && *old ? realpath(old, NULL) : NULL;
	char *b = scn->path ? realpath(scn->path, NULL) : NULL;
	bool same;
	if (a && b)
		same = !strcmp(a, b);
	else if (old && *old && b)
		same = !strcmp(old, b); /* the old file is gone: compare as written */
	else                            /* the built-in default scenario on one side */
		same = !b && (!old || !*old || !strcmp(old, scn->path ? scn->path : "")) &&
		       old_name && !strcmp(old_name, scn->name);
	if (!same)
		fprintf(stderr,
			"dcisim run: error: %s/ holds the results of %s; give --out DIR for this "
			"scenario (%s), or --force to replace them\n",
			dir,
			old && *old ? old
			: old_name  ? old_name
				    : "another scenario",
			b ? b : scn->name);
	free(a);
	free(b);
	dcs_kv_free(kv);
	return same;
}

static void on_signal(int signo)
{
	dcs_run_interrupt(signo);
}

enum { OPT_OUT = 256, OPT_SEED, OPT_UNTIL, OPT_MAX_EVENTS, OPT_FORCE, OPT_TRACE, OPT_MAX_WALL };

static const struct option run_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"out", required_argument, NULL, OPT_OUT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"max-events", required_argument, NULL, OPT_MAX_EVENTS},
    {"force", no_argument, NULL, OPT_FORCE},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"max-wall-s", required_argument, NULL, OPT_MAX_WALL},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_run(int argc, char **argv)
{
	double t_start = dcs_wall_now();
	struct dcs_run_opts o = {0};
	const char *scenario = NULL;
	bool force = false;
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, run_options)) != -1;) {
		const char *v = optarg;
		unsigned long long n;
		switch (c) {
		case 'h':
			fputs(run_usage, stdout);
			return DCS_EXIT_OK;
		case 'q':
			o.verbosity = -1;
			break;
		case 'v':
			o.verbosity = 1;
			break;
		case OPT_OUT:
			o.out_dir = v;
			break;
		case OPT_SEED:
			if (!dcs_parse_u64(v, &n)) {
				fprintf(
				    stderr,
				    "dcisim run: error: --seed needs a whole number, not '%s'\n",
				    v);
				return DCS_EXIT_USAGE;
			}
			o.seed = n;
			o.seed_set = true;
			break;
		case OPT_UNTIL:
			if (!dcs_parse_double(v, &o.until_s) || o.until_s <= 0) {
				fprintf(stderr,
					"dcisim run: error: --until needs seconds > 0, not '%s'\n",
					v);
				return DCS_EXIT_USAGE;
			}
			break;
		case OPT_MAX_EVENTS:
			if (!dcs_parse_u64(v, &n) || n == 0) {
				fprintf(stderr,
					"dcisim run: error: --max-events needs a count > 0\n");
				return DCS_EXIT_USAGE;
			}
			o.max_events = n;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_TRACE:
			o.trace_path = v;
			break;
		case OPT_MAX_WALL:
			if (!dcs_parse_double(v, &o.max_wall_s) || o.max_wall_s <= 0) {
				fprintf(stderr,
					"dcisim run: error: --max-wall-s needs seconds > 0\n");
				return DCS_EXIT_USAGE;
			}
			break;
		default:
			return dcs_options_bad(&opt, "run", run_usage);
		}
	}
	if (dcs_options_single(&opt, "run", "scenario", &scenario))
		return DCS_EXIT_USAGE;
	int nerr = 0;
	struct dcs_scenario *scn;
	char *found = NULL;
	if (!scenario) {
		scn = dcs_scenario_load_text(dcs_default_scenario, strlen(dcs_default_scenario),
					     "default.json", stderr, &nerr);
	} else {
		found = dcs_lookup(scenario);
		if (!found) {
			dcs_lookup_explain(stderr, "run", scenario);
			return DCS_EXIT_USAGE;
		}
		scn = dcs_scenario_load_file(found, stderr, &nerr);
	}
	free(found);
	if (!scn) {
		fprintf(stderr, "dcisim run: %d error%s; nothing written\n", nerr,
			nerr == 1 ? "" : "s");
		return DCS_EXIT_USAGE;
	}
	if (o.verbosity >= 0)
		for (size_t i = 0; i < scn->n_warnings; i++)
			fprintf(stderr, "%s\n", scn->warnings[i]);
	char defdir[512];
	if (!o.out_dir) {
		snprintf(defdir, sizeof(defdir), "results/%s", scn->name);
		o.out_dir = defdir;
	}
	if (!force && !out_dir_is_ours(o.out_dir, scn)) {
		dcs_scenario_free(scn);
		return DCS_EXIT_USAGE;
	}
	o.progress = o.verbosity >= 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct dcs_results *res = NULL;
	o.keep_tables = dcs_run_summary_tables;
	/* DCISIM_TIMINGS: where the wall time went, one line on stderr (for
	 * benchmarks: docs/performance.md). */
	struct dcs_run_times times = {0};
	const char *tm = getenv("DCISIM_TIMINGS");
	if (tm && *tm && strcmp(tm, "0") != 0)
		o.times = &times;
	double t_load = dcs_wall_now() - t_start;
	int code = dcs_run_scenario(scn, &o, o.verbosity >= 0 ? &res : NULL, stderr);
	if (o.times)
		fprintf(stderr,
			"dcisim: timings (wall ms): load %.1f, build %.1f, run %.1f, finish %.1f, "
			"write %.1f, total %.1f\n",
			t_load * 1e3, times.build_s * 1e3, times.run_s * 1e3, times.finish_s * 1e3,
			times.write_s * 1e3, (dcs_wall_now() - t_start) * 1e3);
	if (code == DCS_EXIT_OK && o.verbosity >= 0 && res)
		dcs_run_summary(stderr, scn, res, o.out_dir, o.verbosity);
	dcs_results_destroy(res);
	dcs_scenario_free(scn);
	return code;
}

/* Checks one scenario or sweep file; 0 when valid, 2 otherwise. */
static int validate_one(const char *path)
{
	int nerr = 0;
	size_t len = 0;
	char *text = dcs_read_file(path, &len);
	enum dcs_file_kind kind = text ? dcs_json_file_kind(text, len) : DCS_FILE_SCENARIO;
	free(text);
	if (kind == DCS_FILE_SCHEMA) {
		printf("%s: skipped (a JSON Schema, not a scenario)\n", path);
		return DCS_EXIT_OK;
	}
	if (kind == DCS_FILE_SWEEP) {
		struct dcs_sweep *sw = dcs_sweep_load_file(path, stderr, &nerr);
		if (!sw)
			return DCS_EXIT_USAGE;
		printf("%s: ok (sweep of %zu runs)\n", path, dcs_sweep_n_runs(sw));
		dcs_sweep_free(sw);
		return DCS_EXIT_OK;
	}
	if (kind == DCS_FILE_PLAN) {
		struct dcs_world_catalog wc;
		struct dcs_plan *pl =
		    dcs_plan_load_file(path, dcs_world_catalog_init(&wc), stderr, &nerr);
		if (!pl)
			return 2;
		printf("%s: ok (plan over %s, %lld values, %zu target%s)\n", path, pl->param,
		       (long long)pl->steps + 1, pl->n_targets, pl->n_targets == 1 ? "" : "s");
		dcs_plan_free(pl);
		return 0;
	}
	struct dcs_scenario *s = dcs_scenario_load_file(path, stderr, &nerr);
	if (!s)
		return DCS_EXIT_USAGE;
	for (size_t i = 0; i < s->n_warnings; i++)
		fprintf(stderr, "%s\n", s->warnings[i]);
	printf("%s: ok (%s: %zu sites, %zu links, %zu VMs, %.12g s)\n", path, s->name, s->n_sites,
	       s->n_links, s->n_vms, s->duration_s);
	dcs_scenario_free(s);
	return DCS_EXIT_OK;
}

static const char validate_usage[] =
    "usage: dcisim validate FILE.json...\n"
    "\n"
    "Checks scenario, sweep and plan files (or bundled names) without running\n"
    "them; prints every problem as FILE:LINE:COL: error: JSON.PATH: message.\n"
    "Exit status: 0 all valid, 2 otherwise.\n";

static const struct option validate_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_validate(int argc, char **argv)
{
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, validate_options)) != -1;) {
		if (c == 'h') {
			fputs(validate_usage, stdout);
			return DCS_EXIT_OK;
		}
		return dcs_options_bad(&opt, "validate", validate_usage);
	}
	int first = dcs_options_first(&opt);
	if (first >= argc) {
		fputs(validate_usage, stderr);
		return DCS_EXIT_USAGE;
	}
	int code = DCS_EXIT_OK;
	for (int i = first; i < argc; i++) {
		char *found = dcs_lookup(argv[i]);
		if (!found) {
			dcs_lookup_explain(stderr, "validate", argv[i]);
			code = DCS_EXIT_USAGE;
			continue;
		}
		if (validate_one(found) != 0)
			code = DCS_EXIT_USAGE;
		free(found);
	}
	return code;
}

static const char schema_usage[] =
    "usage: dcisim schema [--markdown]\n"
    "\n"
    "Prints the JSON Schema of the scenario format (also scenarios/schema.json,\n"
    "for editors), or with --markdown the key reference (docs/scenario-keys.md).\n"
    "Exit status: 0 printed, 2 usage error.\n";


int dcs_cmd_schema(int argc, char **argv)
{
	bool md;
	int rc = dcs_options_markdown(argc, argv, "schema", schema_usage, &md);
	if (rc >= 0)
		return rc;
	char *s = md ? dcs_schema_markdown() : dcs_schema_json();
	if (!s)
		return DCS_EXIT_RUNTIME;
	printf("%s\n", s);
	free(s);
	return DCS_EXIT_OK;
}

const struct dcs_cli_command dcs_cli_run = {
    .name = "run",
    .fn = dcs_cmd_run,
    .args = "[SCENARIO]",
    .complete = DCS_CLI_SCENARIO,
    .summary = "run a scenario: CSV results, and a summary of them on stderr",
    .usage = run_usage,
    .options = run_options,
    .choices = "quiet|verbose",
};

const struct dcs_cli_command dcs_cli_validate = {
    .name = "validate",
    .fn = dcs_cmd_validate,
    .args = "FILE.json...",
    .complete = DCS_CLI_JSON,
    .summary = "check scenario, sweep and plan files without running them",
    .usage = validate_usage,
    .options = validate_options,
};

const struct dcs_cli_command dcs_cli_schema = {
    .name = "schema",
    .fn = dcs_cmd_schema,
    .summary = "print the scenario format's JSON Schema (or its key reference)",
    .usage = schema_usage,
    .options = dcs_options_markdown_table,
};
