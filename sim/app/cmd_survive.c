/*
 * dcisim survive: the N-1 / N-2 resilience report of a scenario
 * (sim/app/survive.h), run on the sweep engine (sim/app/sweep.h).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "dcisim/buf.h"
#include "dcisim/exitcode.h"
#include "dcisim/jsonout.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "dcisim/world.h"
#include "lookup.h"
#include "cli.h"
#include "options.h"
#include "run.h"
#include "survive.h"

#define DEFAULT_MAX_RUNS 1000
#define SUMMARY_LINES    20

static const char survive_usage[] =
    "usage: dcisim survive [SCENARIO] [--depth 1|2] [--at SECONDS] [--for SECONDS]\n"
    "                      [--out DIR] [--jobs N] [--max-runs N] [--criteria FILE]\n"
    "                      [--resume|--force] [-q]\n"
    "       dcisim survive --print-criteria\n"
    "       mpirun -n K dcisim survive SCENARIO ...   (ranks share the runs)\n"
    "\n"
    "What every single failure does to a design (N-1), or every pair (N-2):\n"
    "each link, site, cluster node, storage array and witness fails in turn, in an\n"
    "otherwise unchanged run, and each run is judged against the run with no\n"
    "failure (the baseline) for every service, storage workload, cluster and\n"
    "migration: survives, degraded, outage or data at risk.\n"
    "\n"
    "  SCENARIO          a scenario file or a bundled scenario's name (default:\n"
    "                    the bundled default scenario)\n"
    "  --depth 1|2       single failures (default), or every pair of them at once\n"
    "  --at SECONDS      when the failures strike (default: the middle of the first\n"
    "                    migration in the baseline, else of the first storage\n"
    "                    workload's I/O, else of the run; the run says which)\n"
    "  --for SECONDS     how long they last (default: to the end of the run)\n"
    "  --out DIR         output directory (default: results/<name>-survive, or\n"
    "                    results/<name>-survive-n2 with --depth 2)\n"
    "  --jobs N          simulations at once on this machine (default 1)\n"
    "  --max-runs N      refuse to start more runs than this (default 1000)\n"
    "  --criteria FILE   thresholds for the verdicts (default: --print-criteria)\n"
    "  --resume          reuse the finished runs cached in DIR/cache; run the rest\n"
    "  --force           delete the cached runs and run everything\n"
    "  --print-criteria  print the default criteria file and exit\n"
    "  -q, --quiet       no plan, progress or summary on stderr\n"
    "\n"
    "Writes survive.csv (one row per failure, the baseline first: what failed,\n"
    "the verdict and its limiting cause, each entity's verdict, and every figure\n"
    "that differs from the baseline), report.html (failures x entities coloured\n"
    "by verdict), survive.json, and each run's own results in DIR/runs/NNNNNN/.\n"
    "survive.csv is the same bytes whatever --jobs or the number of MPI ranks.\n"
    "Exit status: 0 done (whatever the verdicts), 2 invalid input or nothing to\n"
    "fail (nothing run), 3 a run failed, 130/143 interrupted.\n";

struct survive_ctx {
	struct dcs_survive_opts so;
	int verbosity;
	const char *out_dir; /* as given, or NULL */
	/* Filled by load. */
	char *text;
	size_t len;
	char *label; /* the scenario's path ("default.json" for the bundled one) */
	struct dcs_scenario *base;
	struct dcs_failure *singles;
	size_t n_singles, n_sets;
	double at_s;
	char at_rule[512];
	struct dcs_criteria *criteria;
	struct dcs_world_catalog wc;
	const struct dcs_catalog *cat;
	char out[4096], runs_dir[4200];
	char **labels;      /* per point */
	const char ***down; /* per point: site ids it takes down */
	size_t *n_down;
	size_t n_points;
	int64_t started_unix; /* wall clock at the start (survive.json's provenance) */
};

static void ctx_free(struct survive_ctx *C)
{
	free(C->text);
	free(C->label);
	dcs_scenario_free(C->base);
	free(C->singles);
	dcs_criteria_free(C->criteria);
	for (size_t p = 0; p < C->n_points; p++) {
		if (C->labels)
			free(C->labels[p]);
		if (C->down)
			free(C->down[p]);
	}
	free(C->labels);
	free(C->down);
	free(C->n_down);
}

static void count_kinds(const struct survive_ctx *C, char *buf, size_t len)
{
	static const struct {
		enum dcs_fault_kind kind;
		const char *one, *many;
	} k[] = {{DCS_FAULT_LINK_DOWN, "link", "links"},
		 {DCS_FAULT_SITE_DOWN, "site", "sites"},
		 {DCS_FAULT_NODE_DOWN, "cluster node", "cluster nodes"},
		 {DCS_FAULT_ARRAY_DOWN, "array", "arrays"},
		 {DCS_FAULT_WITNESS_DOWN, "witness", "witnesses"}};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]) && used < len; i++) {
		size_t n = 0;
		for (size_t j = 0; j < C->n_singles; j++)
			n += C->singles[j].kind == k[i].kind;
		if (n)
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%zu %s", used ? ", " : "",
					     n, n == 1 ? k[i].one : k[i].many);
	}
}

/* The fault sets of every point: the baseline, then each failure. */
static struct dcs_fault_set *make_sets(struct survive_ctx *C, size_t n_points,
				       struct dcs_fault_spec **specs_out)
{
	struct dcs_fault_set *sets = calloc(n_points, sizeof(*sets));
	struct dcs_fault_spec *specs = calloc(2 * n_points, sizeof(*specs));
	C->labels = calloc(n_points, sizeof(char *));
	C->down = calloc(n_points, sizeof(*C->down));
	C->n_down = calloc(n_points, sizeof(size_t));
	if (!sets || !specs || !C->labels || !C->down || !C->n_down) {
		free(sets);
		free(specs);
		return NULL;
	}
	C->n_points = n_points;
	C->labels[0] = strdup("baseline");
	sets[0] = (struct dcs_fault_set){.label = C->labels[0]};
	for (size_t p = 1; p < n_points; p++) {
		size_t idx[2], nf = 1;
		if (C->so.depth == 2)
			dcs_survive_pair(C->n_singles, p - 1, &idx[0], &idx[1]), nf = 2;
		else
			idx[0] = p - 1;
		char label[512] = "";
		size_t used = 0;
		C->down[p] = calloc(2, sizeof(char *));
		for (size_t k = 0; k < nf; k++) {
			const struct dcs_failure *f = &C->singles[idx[k]];
			specs[2 * p + k] = (struct dcs_fault_spec){.kind = f->kind,
								   .target = f->target,
								   .at_s = C->at_s,
								   .for_s = C->so.for_s};
			char one[256];
			dcs_failure_label(f, one, sizeof(one));
			used += (size_t)snprintf(label + used, sizeof(label) - used, "%s%s",
						 k ? " + " : "", one);
			if (f->site >= 0 && C->down[p])
				C->down[p][C->n_down[p]++] = f->target;
		}
		C->labels[p] = strdup(label);
		if (!C->labels[p] || !C->down[p]) {
			free(sets);
			free(specs);
			return NULL;
		}
		sets[p] =
		    (struct dcs_fault_set){.label = C->labels[p], .faults = &specs[2 * p], .n = nf};
	}
	if (!C->labels[0]) {
		free(sets);
		free(specs);
		return NULL;
	}
	*specs_out = specs;
	return sets;
}

static struct dcs_sweep *survive_load(void *ctx, struct dcs_sweep_opts *o, FILE *err, int *nerr)
{
	struct survive_ctx *C = ctx;
	*nerr = 0;
	C->started_unix = (int64_t)time(NULL);
	/* The scenario, as text: failure scenarios are this text plus faults. */
	if (!C->so.scenario) {
		C->text = strdup(dcs_default_scenario);
		C->len = C->text ? strlen(C->text) : 0;
		C->label = strdup("default.json");
	} else {
		C->label = dcs_lookup(C->so.scenario);
		if (!C->label) {
			dcs_lookup_explain(err, "survive", C->so.scenario);
			*nerr = 1;
			return NULL;
		}
		C->text = dcs_read_file(C->label, &C->len);
		if (!C->text && C->label) {
			fprintf(err, "%s: error: cannot read the scenario: %s\n", C->label,
				strerror(errno));
			*nerr = 1;
			return NULL;
		}
	}
	if (!C->text || !C->label) {
		fprintf(err, "dcisim survive: error: out of memory\n");
		*nerr = 1;
		return NULL;
	}
	C->base = dcs_scenario_load_text(C->text, C->len, C->label, err, nerr);
	C->cat = dcs_world_catalog_init(&C->wc);
	int cn = 0;
	C->criteria = dcs_criteria_load(C->so.criteria_path, C->cat, err, &cn);
	*nerr += cn;
	if (!C->base || !C->criteria)
		return NULL;
	const struct dcs_scenario *s = C->base;

	C->n_singles = dcs_survive_singles(s, NULL);
	C->singles = calloc(C->n_singles + 1, sizeof(*C->singles));
	if (!C->singles) {
		fprintf(err, "dcisim survive: error: out of memory\n");
		*nerr = 1;
		return NULL;
	}
	dcs_survive_singles(s, C->singles);
	const char *unfit = dcs_survive_unfit(s, C->n_singles);
	if (unfit) {
		fprintf(err, "%s: error: %s\n", C->label, unfit);
		*nerr = 1;
		return NULL;
	}
	C->n_sets = dcs_survive_count(C->n_singles, C->so.depth);
	size_t runs = C->n_sets + 1;
	if (runs > C->so.max_runs) {
		fprintf(err,
			"dcisim survive: error: %s: depth %d makes %zu runs (%zu %s and the "
			"baseline), more than --max-runs %zu; raise --max-runs%s\n",
			s->name, C->so.depth, runs, C->n_sets,
			C->so.depth == 2 ? "pairs" : "single failures", C->so.max_runs,
			C->so.depth == 2 ? " or use --depth 1" : "");
		*nerr = 1;
		return NULL;
	}
	if (!isnan(C->so.at_s) && C->so.at_s >= s->duration_s) {
		fprintf(err,
			"dcisim survive: error: --at %g s is not before the end of the run "
			"(duration_s %g)\n",
			C->so.at_s, s->duration_s);
		*nerr = 1;
		return NULL;
	}

	if (C->verbosity >= 0) {
		char kinds[256];
		count_kinds(C, kinds, sizeof(kinds));
		if (C->so.depth == 2)
			fprintf(err,
				"dcisim survive: %s: %zu pairs of %zu single failures (%s) and the "
				"baseline: %zu runs\n",
				s->name, C->n_sets, C->n_singles, kinds, runs);
		else
			fprintf(
			    err,
			    "dcisim survive: %s: %zu single failures (%s) and the baseline: %zu "
			    "runs\n",
			    s->name, C->n_sets, kinds, runs);
	}
	/* A given time goes into the sets as they are made; the default one
	 * needs the baseline, so it is set below. */
	C->at_s = isnan(C->so.at_s) ? 0 : C->so.at_s;
	struct dcs_fault_spec *specs = NULL;
	struct dcs_fault_set *sets = make_sets(C, runs, &specs);
	char name[300];
	snprintf(name, sizeof(name), "%s-survive%s", s->name, C->so.depth == 2 ? "-n2" : "");
	struct dcs_sweep *sw = NULL;
	if (!sets) {
		fprintf(err, "dcisim survive: error: out of memory\n");
		*nerr = 1;
		return NULL;
	}
	/* When to strike: given, or found from the baseline (which runs here
	 * first when the rule needs it: the same run as point 0). */
	if (!isnan(C->so.at_s)) {
		snprintf(C->at_rule, sizeof(C->at_rule), "--at");
	} else {
		struct dcs_sweep_run b = {0};
		if (s->n_migrations) {
			struct dcs_sweep *b0 = dcs_sweep_of_faults(C->text, C->len, C->label, name,
								   "failure", sets, 1, err, nerr);
			if (!b0)
				goto out;
			struct dcs_sweep_opts bo = {.jobs = 1, .verbosity = -1};
			dcs_sweep_run_one(b0, 0, &bo, &b);
			dcs_sweep_free(b0);
			if (!b.done) { /* interrupted: nothing to place the failures by */
				dcs_sweep_run_clear(&b);
				*nerr = 1;
				goto out;
			}
		}
		C->at_s = dcs_survive_default_at(s, s->n_migrations ? &b : NULL, C->at_rule,
						 sizeof(C->at_rule));
		dcs_sweep_run_clear(&b);
		for (size_t p = 1; p < runs; p++)
			for (size_t k = 0; k < sets[p].n; k++)
				specs[2 * p + k].at_s = C->at_s;
	}
	sw = dcs_sweep_of_faults(C->text, C->len, C->label, name, "failure", sets, runs, err, nerr);
	if (!sw)
		goto out;

	if (C->out_dir)
		snprintf(C->out, sizeof(C->out), "%s", C->out_dir);
	else
		snprintf(C->out, sizeof(C->out), "results/%s", sw->name);
	snprintf(C->runs_dir, sizeof(C->runs_dir), "%s/runs", C->out);
	o->out_dir = C->out;
	o->runs_dir = C->runs_dir;
	if (C->verbosity >= 0) {
		char dur[96];
		if (isnan(C->so.for_s))
			snprintf(dur, sizeof(dur), "to the end of the run (%g s)", s->duration_s);
		else
			snprintf(dur, sizeof(dur), "for %g s", C->so.for_s);
		if (!isnan(C->so.at_s))
			fprintf(err, "dcisim survive: failures strike at %g s (--at) and last %s\n",
				C->at_s, dur);
		else
			fprintf(err,
				"dcisim survive: failures strike at %.4g s, %s; they last %s\n",
				C->at_s, C->at_rule, dur);
		size_t unnamed = dcs_survive_unnamed(s);
		if (unnamed)
			fprintf(
			    err,
			    "dcisim survive: note: %zu cluster node%s left out: a node_down names "
			    "a node by id, and two clusters use %s\n",
			    unnamed, unnamed == 1 ? " is" : "s are",
			    unnamed == 1 ? "its id" : "their ids");
		if (s->n_faults)
			fprintf(
			    err,
			    "dcisim survive: the scenario's own %zu fault%s stay%s in every run, "
			    "the baseline's too\n",
			    s->n_faults, s->n_faults == 1 ? "" : "s", s->n_faults == 1 ? "s" : "");
	}
out:
	free(sets);
	free(specs);
	return sw;
}

/* ---- survive.csv and the summary ----------------------------------------------- */

static const char *row_verdict(const struct dcs_survive_table *t, const struct dcs_sweep_run *r,
			       size_t i)
{
	if (i == 0)
		return "baseline";
	if (!r->done)
		return "not run";
	if (!t->ok[i] || !t->ok[0])
		return "run failed";
	return dcs_verdict_name(t->rowv[i]);
}

static int write_csv(const struct survive_ctx *C, const struct dcs_sweep *sw,
		     const struct dcs_sweep_run *runs, const struct dcs_survive_table *t, FILE *err)
{
	struct dcs_buf h = {0};
	dcs_buf_puts(&h, "failure,failed,depth,at_s,for_s,status,verdict,cause,run_dir");
	for (size_t e = 0; e < t->n_entities; e++)
		dcs_buf_printf(&h, ",verdict[%s]", t->entities[e]);
	for (size_t c = 0; c < t->n_cols; c++)
		if (t->cols[c].ent >= 0 && t->cols[c].judged && t->cols[c].changed)
			dcs_buf_printf(&h, ",%s%s%s%s", t->cols[c].metric,
				       *t->cols[c].entity ? "[" : "", t->cols[c].entity,
				       *t->cols[c].entity ? "]" : "");
	struct dcs_results *res = h.oom ? NULL : dcs_results_create();
	if (!res) {
		dcs_buf_free(&h);
		fprintf(err, "dcisim survive: error: out of memory writing survive.csv\n");
		return DCS_EXIT_RUNTIME;
	}
	struct dcs_table *tab = dcs_results_table(res, "survive.csv", h.s);
	dcs_buf_free(&h);
	for (size_t i = 0; i < dcs_sweep_n_runs(sw); i++) {
		const struct dcs_sweep_run *r = &runs[i];
		dcs_row_begin(tab);
		dcs_cell_int(tab, (int64_t)i);
		dcs_cell_str(tab, C->labels[i]);
		dcs_cell_int(tab, i == 0 ? 0 : C->so.depth);
		if (i == 0) {
			dcs_cell_str(tab, "");
			dcs_cell_str(tab, "");
		} else {
			dcs_cell_num(tab, C->at_s);
			if (isnan(C->so.for_s))
				dcs_cell_str(tab, "");
			else
				dcs_cell_num(tab, C->so.for_s);
		}
		if (!r->done)
			dcs_cell_str(tab, "not run");
		else if (r->code == 0)
			dcs_cell_str(tab, "ok");
		else
			dcs_cell_fmt(tab, "exit %d", r->code);
		dcs_cell_str(tab, row_verdict(t, r, i));
		char cause[512];
		dcs_survive_cause_text(t, i, cause, sizeof(cause));
		dcs_cell_str(tab, cause);
		dcs_cell_fmt(tab, "runs/%06zu", i);
		for (size_t e = 0; e < t->n_entities; e++) {
			if (i == 0 || !t->ok[i] || !t->ok[0])
				dcs_cell_str(tab, "");
			else if (t->down[i * t->n_entities + e])
				dcs_cell_str(tab, "down");
			else
				dcs_cell_str(tab, dcs_verdict_name(t->entv[i * t->n_entities + e]));
		}
		for (size_t c = 0; c < t->n_cols; c++)
			if (t->cols[c].ent >= 0 && t->cols[c].judged && t->cols[c].changed) {
				const char *v = t->val[i * t->n_cols + c];
				dcs_cell_str(tab, v ? v : "");
			}
		dcs_row_end(tab);
	}
	int rc = dcs_write_table(C->out, tab, err) == 0 ? DCS_EXIT_OK : DCS_EXIT_RUNTIME;
	dcs_results_destroy(res);
	return rc;
}

/* The one-screen summary: the worst failures first, each with its cause. */
static void print_summary(const struct survive_ctx *C, const struct dcs_sweep *sw,
			  const struct dcs_sweep_run *runs, const struct dcs_survive_table *t,
			  FILE *err)
{
	size_t n = dcs_sweep_n_runs(sw), counts[DCS_VERDICT_COUNT] = {0}, other = 0;
	size_t width = 7;
	for (size_t i = 1; i < n; i++) {
		size_t l = strlen(C->labels[i]);
		if (l > width)
			width = l < 44 ? l : 44;
		if (t->ok[i] && t->ok[0])
			counts[t->rowv[i]]++;
		else
			other++;
	}
	fprintf(err, "\n%-12s  %-*s  %s\n", "verdict", (int)width, "failure", "limiting cause");
	size_t shown = 0;
	for (int v = DCS_VERDICT_COUNT; v-- > -1;) {
		for (size_t i = 1; i < n; i++) {
			bool fine = t->ok[i] && t->ok[0];
			if ((v >= 0 && (!fine || (int)t->rowv[i] != v)) || (v < 0 && fine))
				continue;
			if (shown == SUMMARY_LINES) {
				shown++;
				break;
			}
			char cause[512];
			dcs_survive_cause_text(t, i, cause, sizeof(cause));
			fprintf(err, "%-12s  %-*.*s  %s\n", row_verdict(t, &runs[i], i), (int)width,
				(int)width, C->labels[i], cause[0] ? cause : "-");
			shown++;
		}
	}
	if (shown > SUMMARY_LINES)
		fprintf(err, "... and %zu more in survive.csv\n", n - 1 - SUMMARY_LINES);
	fprintf(err, "\n%s: %zu %s: ", sw->name, n - 1,
		C->so.depth == 2 ? "failure pairs" : "single failures");
	bool first = true;
	for (int v = DCS_VERDICT_COUNT; v-- > 0;) {
		if (!counts[v])
			continue;
		fprintf(err, "%s%zu %s", first ? "" : ", ", counts[v], dcs_verdict_name(v));
		first = false;
	}
	if (other)
		fprintf(err, "%s%zu not judged (the run did not finish)", first ? "" : ", ", other);
	fprintf(err, "\n");
}

/* survive.json: what ran (the scenario, depth, when the failures struck
 * and why, for how long, the criteria), what it found (the verdicts) and how
 * it ran (the engine's figures and the provenance; wall-clock only here). */
static int write_json(const struct survive_ctx *C, const struct dcs_survive_table *t,
		      const struct dcs_sweep_info *in, size_t n, size_t ndone, FILE *err)
{
	struct dcs_jdoc *d = dcs_jdoc_create();
	if (!d) {
		fprintf(err, "dcisim survive: error: out of memory writing survive.json\n");
		return -1;
	}
	struct dcs_jnode *o = dcs_jdoc_root(d);
	dcs_jnode_str(d, o, "scenario", C->base->name);
	dcs_jnode_str(d, o, "scenario_path", C->label);
	dcs_jnode_str(d, o, "scenario_sha256", C->base->text_sha256);
	dcs_jnode_num(d, o, "seed", (double)C->base->seed);
	dcs_jnode_num(d, o, "depth", C->so.depth);
	dcs_jnode_num(d, o, "at_s", C->at_s);
	dcs_jnode_str(d, o, "at_rule", C->at_rule);
	if (isnan(C->so.for_s))
		dcs_jnode_null(d, o, "for_s");
	else
		dcs_jnode_num(d, o, "for_s", C->so.for_s);
	dcs_jnode_num(d, o, "failures", (double)(n - 1));
	size_t counts[DCS_VERDICT_COUNT] = {0}, not_judged = 0;
	for (size_t i = 1; i < n; i++) {
		if (t->ok[i] && t->ok[0])
			counts[t->rowv[i]]++;
		else
			not_judged++;
	}
	struct dcs_jnode *v = dcs_jnode_object(d, o, "verdicts");
	for (int k = 0; k < DCS_VERDICT_COUNT; k++)
		dcs_jnode_num(d, v, dcs_verdict_name(k), (double)counts[k]);
	dcs_jnode_num(d, o, "not_judged", (double)not_judged);
	if (C->so.criteria_path)
		dcs_jnode_str(d, o, "criteria", C->so.criteria_path);
	else
		dcs_jnode_null(d, o, "criteria");
	dcs_jnode_num(d, o, "runs", (double)n);
	dcs_jnode_num(d, o, "runs_done", (double)ndone);
	dcs_jnode_num(d, o, "runs_computed", (double)in->computed);
	dcs_jnode_num(d, o, "runs_reused", (double)in->reused);
	dcs_jnode_bool(d, o, "complete", in->complete);
	dcs_jnode_num(d, o, "jobs", in->jobs);
	dcs_jnode_num(d, o, "ranks", in->ranks);
	dcs_jnode_num(d, o, "wall_s", in->wall_s);
	dcs_jnode_provenance(d, o, C->started_unix);
	int rc = dcs_jdoc_write(d, C->out, "survive.json", err);
	dcs_jdoc_destroy(d);
	return rc;
}

static int survive_finish(void *ctx, const struct dcs_sweep *sw, const struct dcs_sweep_run *runs,
			  const struct dcs_sweep_opts *o, const struct dcs_sweep_info *info,
			  int interrupted_code, FILE *err)
{
	struct survive_ctx *C = ctx;
	size_t n = dcs_sweep_n_runs(sw), ndone, nfailed;
	struct dcs_sweep_info in = *info;
	dcs_sweep_tally(sw, runs, &in, &ndone, &nfailed);
	dcs_sweep_print_messages(sw, runs, err, o->verbosity);
	if (!interrupted_code && (!runs[0].done || runs[0].code != 0))
		fprintf(err,
			"dcisim survive: error: the baseline run %s; no failure can be judged "
			"against it\n",
			runs[0].done ? "failed" : "did not run");
	struct dcs_survive_table t;
	if (dcs_survive_judge(&t, runs, n, C->criteria, C->cat, (const char *const *const *)C->down,
			      C->n_down) != 0) {
		fprintf(err, "dcisim survive: error: out of memory judging the runs\n");
		return DCS_EXIT_RUNTIME;
	}
	int code = interrupted_code ? interrupted_code : nfailed ? DCS_EXIT_RUNTIME : DCS_EXIT_OK;
	int wc = dcs_mkdir_p(C->out) == 0 ? DCS_EXIT_OK : DCS_EXIT_RUNTIME;
	if (wc)
		fprintf(err, "dcisim survive: error: cannot create %s: %s\n", C->out,
			strerror(errno));
	if (!wc)
		wc = write_csv(C, sw, runs, &t, err);
	if (!wc && write_json(C, &t, &in, n, ndone, err) != 0)
		wc = DCS_EXIT_RUNTIME;
	const char **dirs = calloc(n + 1, sizeof(char *));
	char *dirbuf = calloc(n + 1, 32);
	if (!wc && dirs && dirbuf) {
		for (size_t i = 0; i < n; i++) {
			snprintf(dirbuf + 32 * i, 32, "runs/%06zu/", i);
			dirs[i] = runs[i].done ? dirbuf + 32 * i : NULL;
		}
		struct dcs_survive_report rep = {.scenario = C->base->name,
						 .at_rule = C->at_rule,
						 .at_s = C->at_s,
						 .for_s = C->so.for_s,
						 .depth = C->so.depth,
						 .criteria_path = C->so.criteria_path,
						 .criteria = C->criteria,
						 .labels = (const char *const *)C->labels,
						 .run_dirs = dirs};
		wc = dcs_survive_write_report(C->out, &t, &rep, err);
	} else if (!wc) {
		fprintf(err, "dcisim survive: error: out of memory writing the report\n");
		wc = DCS_EXIT_RUNTIME;
	}
	free(dirs);
	free(dirbuf);
	if (o->verbosity >= 0 && t.ok[0])
		print_summary(C, sw, runs, &t, err);
	dcs_survive_table_free(&t);
	if (wc)
		return DCS_EXIT_RUNTIME;
	if (o->verbosity >= 0)
		fprintf(
		    err,
		    "results in %s/ (survive.csv, report.html; %zu runs computed, %zu reused)\n",
		    C->out, in.computed, in.reused);
	return code ? code : runs[0].done && runs[0].code == 0 ? DCS_EXIT_OK : DCS_EXIT_RUNTIME;
}

/* ---- the command ----------------------------------------------------------------- */

static void on_signal(int signo)
{
	dcs_run_interrupt(signo);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("dcisim survive: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return DCS_EXIT_USAGE;
}

enum { O_DEPTH = 256, O_AT, O_FOR, O_OUT, O_JOBS, O_MAX, O_CRIT, O_RESUME, O_FORCE, O_PRINT };

static const struct option survive_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"depth", required_argument, NULL, O_DEPTH},
    {"at", required_argument, NULL, O_AT},
    {"for", required_argument, NULL, O_FOR},
    {"out", required_argument, NULL, O_OUT},
    {"jobs", required_argument, NULL, O_JOBS},
    {"max-runs", required_argument, NULL, O_MAX},
    {"criteria", required_argument, NULL, O_CRIT},
    {"resume", no_argument, NULL, O_RESUME},
    {"force", no_argument, NULL, O_FORCE},
    {"print-criteria", no_argument, NULL, O_PRINT},
    {NULL, 0, NULL, 0},
};

int dcs_cmd_survive(int argc, char **argv)
{
	struct survive_ctx C = {
	    .so = {.depth = 1, .at_s = NAN, .for_s = NAN, .max_runs = DEFAULT_MAX_RUNS}};
	struct dcs_sweep_opts o = {.jobs = 1};
	struct dcs_options opt;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, survive_options)) != -1;) {
		unsigned long long n;
		double x;
		switch (c) {
		case 'h':
			fputs(survive_usage, stdout);
			return DCS_EXIT_OK;
		case 'q':
			C.verbosity = -1;
			break;
		case O_PRINT:
			fputs(dcs_criteria_default_json, stdout);
			return DCS_EXIT_OK;
		case O_DEPTH:
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return usage_error("--depth is 1 (single failures) or 2 (pairs), "
						   "not '%s'",
						   optarg);
			C.so.depth = optarg[0] - '0';
			break;
		case O_AT:
			if (!dcs_parse_double(optarg, &x))
				return usage_error("--at needs seconds >= 0, not '%s'", optarg);
			C.so.at_s = x;
			break;
		case O_FOR:
			if (!dcs_parse_double(optarg, &x) || x <= 0)
				return usage_error("--for needs seconds > 0, not '%s'", optarg);
			C.so.for_s = x;
			break;
		case O_OUT:
			C.out_dir = optarg;
			break;
		case O_JOBS:
			if (!dcs_parse_u64(optarg, &n) || n == 0 || n > 1024)
				return usage_error("--jobs needs a count in [1, 1024], not '%s'",
						   optarg);
			o.jobs = (unsigned)n;
			break;
		case O_MAX:
			if (!dcs_parse_u64(optarg, &n) || n == 0)
				return usage_error("--max-runs needs a count > 0, not '%s'",
						   optarg);
			C.so.max_runs = (size_t)n;
			break;
		case O_CRIT:
			C.so.criteria_path = optarg;
			break;
		case O_RESUME:
			o.resume = true;
			break;
		case O_FORCE:
			o.force = true;
			break;
		default:
			return dcs_options_bad(&opt, "survive", survive_usage);
		}
	}
	if (dcs_options_single(&opt, "survive", "scenario", &C.so.scenario))
		return DCS_EXIT_USAGE;
	if (o.resume && o.force)
		return usage_error("%s", "--resume reuses cached runs and --force deletes them: "
					 "give one");
	o.verbosity = C.verbosity;
	o.progress = C.verbosity >= 0;
	C.verbosity = o.verbosity;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct dcs_sweep_job job = {
	    .command = "survive", .load = survive_load, .finish = survive_finish, .ctx = &C};
	int code = dcs_sweep_run_job(&job, &o);
	ctx_free(&C);
	return code;
}

const struct dcs_cli_command dcs_cli_survive = {
    .name = "survive",
    .fn = dcs_cmd_survive,
    .args = "[SCENARIO]",
    .complete = DCS_CLI_SCENARIO,
    .summary = "what every single failure (or pair) does to a design, judged against its baseline",
    .usage = survive_usage,
    .options = survive_options,
    .choices = "resume|force",
};
