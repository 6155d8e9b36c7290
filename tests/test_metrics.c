/*
 * Metric and event declarations (include/dcisim/metrics.h): each name is
 * declared once with a meaning; every figure and event every bundled
 * scenario writes is declared; writing an undeclared metric, or a declared
 * one in another unit, stops the program.
 */
#include <glob.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dcisim/loader.h"
#include "dcisim/metrics.h"
#include "dcisim/results.h"
#include "dcisim/world.h"
#include "run.h"

static const struct dcs_catalog *catalog(void)
{
	static struct dcs_world_catalog wc;
	return dcs_world_catalog_init(&wc);
}

static void test_declared_once_with_meaning(void **state)
{
	(void)state;
	const struct dcs_catalog *c = catalog();
	/* the core's declarations and one family per model that writes figures */
	assert_true(c->n_families >= 8);
	size_t n_metrics = 0, n_events = 0;
	for (size_t f = 0; f < c->n_families; f++) {
		const struct dcs_metric_family *F = c->families[f];
		assert_non_null(F->producer);
		for (size_t i = 0; i < F->n_metrics; i++) {
			const struct dcs_metric_def *d = &F->metrics[i];
			n_metrics++;
			assert_true(strlen(d->name) > 0);
			assert_non_null(d->unit);
			assert_true(strlen(d->meaning) > 10);
			assert_true(d->better >= DCS_BETTER_LOWER &&
				    d->better <= DCS_BETTER_HIGHER);
			assert_true(d->kind >= DCS_METRIC_FIGURE && d->kind <= DCS_METRIC_DESIGN);
			/* a label has no unit; a count's unit is "count" */
			if (d->kind == DCS_METRIC_LABEL)
				assert_string_equal(d->unit, "");
			if (d->kind == DCS_METRIC_COUNT)
				assert_string_equal(d->unit, "count");
			/* the first declaration under this name is this one */
			assert_ptr_equal(dcs_catalog_metric(c, d->name), d);
		}
		for (size_t i = 0; i < F->n_events; i++) {
			const struct dcs_event_def *e = &F->events[i];
			n_events++;
			assert_true(!strcmp(e->file, "events.csv") ||
				    !strcmp(e->file, "cluster.csv"));
			assert_true(strlen(e->meaning) > 10);
			assert_ptr_equal(dcs_catalog_event(c, e->file, e->kind), e);
		}
	}
	assert_true(n_metrics >= 80);
	assert_true(n_events >= 40);
	/* sweep and compare columns are looked up by their metric part */
	assert_non_null(dcs_catalog_metric(c, "storage_write_p99_ms[dc1]"));
	assert_null(dcs_catalog_metric(c, "no_such_metric"));
	assert_int_equal(dcs_catalog_metric(c, "migration_downtime_ms")->better, DCS_BETTER_LOWER);
	assert_int_equal(dcs_catalog_metric(c, "cluster_availability")->better, DCS_BETTER_HIGHER);
	assert_string_equal(dcs_catalog_metric_family(c, "l3_trombone_s")->producer, "l3");
}

/* Every summary row and event every bundled scenario writes is declared,
 * with the unit it is written in.  (The results store also checks summary
 * rows and events.csv kinds as they are written; cluster.csv is checked
 * here.) */
static void check_tables(const struct dcs_catalog *c, struct dcs_results *res, const char *name)
{
	for (size_t t = 0; t < dcs_results_n_tables(res); t++) {
		struct dcs_table *tab = dcs_results_table_at(res, t);
		const char *file = dcs_table_file(tab);
		for (size_t r = 0; r < dcs_table_nrows(tab); r++) {
			if (!strcmp(file, "summary.csv")) {
				const struct dcs_metric_def *d =
				    dcs_catalog_metric(c, dcs_table_cell(tab, r, 0));
				if (!d)
					fail_msg("%s: undeclared metric %s", name,
						 dcs_table_cell(tab, r, 0));
				assert_string_equal(d->unit, dcs_table_cell(tab, r, 3));
			} else if (!strcmp(file, "events.csv") || !strcmp(file, "cluster.csv")) {
				size_t col = !strcmp(file, "events.csv") ? 1 : 2;
				if (!dcs_catalog_event(c, file, dcs_table_cell(tab, r, col)))
					fail_msg("%s: undeclared %s event %s", name, file,
						 dcs_table_cell(tab, r, col));
			}
		}
	}
}

static void test_bundled_scenarios_declared(void **state)
{
	(void)state;
	const struct dcs_catalog *c = catalog();
	glob_t g;
	assert_int_equal(glob("scenarios/*.json", 0, NULL, &g), 0);
	assert_int_equal(glob("scenarios/demos/*.json", GLOB_APPEND, NULL, &g), 0);
	size_t ran = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (strstr(g.gl_pathv[i], "schema.json"))
			continue;
		int nerr = 0;
		struct dcs_scenario *s = dcs_scenario_load_file(g.gl_pathv[i], stderr, &nerr);
		assert_non_null(s);
		struct dcs_run_opts o = {.verbosity = -1};
		struct dcs_results *res = NULL;
		assert_int_equal(dcs_run_scenario(s, &o, &res, stderr), 0);
		check_tables(c, res, g.gl_pathv[i]);
		dcs_results_destroy(res);
		dcs_scenario_free(s);
		ran++;
	}
	globfree(&g);
	assert_true(ran >= 30);
}

/* Runs fn in a child; true when the child was killed by SIGABRT. */
static bool aborts(void (*fn)(struct dcs_results *))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		struct dcs_results *r = dcs_results_create();
		dcs_results_set_catalog(r, catalog());
		fn(r);
		dcs_results_destroy(r);
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void write_declared(struct dcs_results *r)
{
	dcs_summary(r, "migration_downtime_ms", "vm", 1.0, "ms");
	dcs_event(r, 0, "migration_start", "vm", "x");
}
static void write_undeclared(struct dcs_results *r)
{
	dcs_summary(r, "migration_downtime_seconds", "vm", 1.0, "s");
}
static void write_wrong_unit(struct dcs_results *r)
{
	dcs_summary(r, "migration_downtime_ms", "vm", 1.0, "s");
}
static void write_undeclared_event(struct dcs_results *r)
{
	dcs_event(r, 0, "migration_exploded", "vm", "x");
}

static void test_undeclared_stops(void **state)
{
	(void)state;
	assert_false(aborts(write_declared));
	assert_true(aborts(write_undeclared));
	assert_true(aborts(write_wrong_unit));
	assert_true(aborts(write_undeclared_event));
}

/* Headline figures: each names a metric its own family declares, an outcome
 * (a figure with a better direction, never an input), and ranks are unique,
 * migration time first and write latency second, as planners ask. */
static void test_headlines(void **state)
{
	(void)state;
	const struct dcs_catalog *c = catalog();
	int seen[64] = {0};
	size_t n = 0;
	for (size_t f = 0; f < c->n_families; f++) {
		const struct dcs_metric_family *F = c->families[f];
		for (size_t i = 0; i < F->n_headlines; i++) {
			const struct dcs_headline *h = &F->headlines[i];
			const struct dcs_metric_family *owner =
			    dcs_catalog_metric_family(c, h->metric);
			const struct dcs_metric_def *d = dcs_catalog_metric(c, h->metric);
			if (owner != F || !d)
				fail_msg("%s: headline %s is not its own metric", F->producer,
					 h->metric);
			if (d->kind != DCS_METRIC_FIGURE || d->better == DCS_BETTER_NEUTRAL)
				fail_msg("headline %s is not an outcome", h->metric);
			assert_true(h->rank >= 1 && h->rank < 64);
			if (seen[h->rank]++)
				fail_msg("headline rank %d given twice", h->rank);
			assert_int_equal(dcs_catalog_headline(c, h->metric), h->rank);
			n++;
		}
	}
	assert_true(n >= 2);
	assert_int_equal(dcs_catalog_headline(c, "migration_total_s[web01]"), 1);
	assert_int_equal(dcs_catalog_headline(c, "storage_write_p99_ms"), 2);
	assert_int_equal(dcs_catalog_headline(c, "rtt_ms"), 0);
	/* A link's unloaded latency is a fact of the design, not an outcome. */
	assert_int_equal(dcs_catalog_metric(c, "rtt_ms")->kind, DCS_METRIC_DESIGN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_declared_once_with_meaning),
	    cmocka_unit_test(test_bundled_scenarios_declared),
	    cmocka_unit_test(test_undeclared_stops),
	    cmocka_unit_test(test_headlines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
