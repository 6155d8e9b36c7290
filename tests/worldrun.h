/*
 * Test helpers: a world built from scenario text or a file, run to a time,
 * and its result tables read back (summary rows by metric and entity).
 * Scenario text is printf-style with single quotes for JSON's double ones,
 * so it can sit in C strings; a load error fails the test.  Include after
 * <cmocka.h>.
 */
#ifndef DCISIM_TESTS_WORLDRUN_H
#define DCISIM_TESTS_WORLDRUN_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "storage.h"

struct run {
	struct dcs_scenario *scn;
	struct dcs_world *w;
	struct dcs_storage *st; /* the storage model, NULL without storage */
};

static inline void run_build(struct run *r)
{
	assert_non_null(r->scn);
	r->w = dcs_world_create(r->scn, r->scn->seed);
	assert_non_null(r->w);
	r->w->verbosity = -1;
	r->st = dcs_storage_of(r->w);
}

static inline void run_open(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void run_open(struct run *r, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	int nerr = 0;
	r->scn = dcs_scenario_load_text(buf, strlen(buf), "test", stderr, &nerr);
	assert_int_equal(nerr, 0);
	run_build(r);
}

static inline void run_file(struct run *r, const char *path)
{
	int nerr = 0;
	r->scn = dcs_scenario_load_file(path, stderr, &nerr);
	assert_int_equal(nerr, 0);
	run_build(r);
}

static inline void run_until(struct run *r, double s)
{
	dcs_world_run(r->w, dcs_time_from_s(s));
}

static inline void run_close(struct run *r)
{
	dcs_world_destroy(r->w);
	dcs_scenario_free(r->scn);
}

/* The result table written to `file`, or NULL. */
static inline const struct dcs_table *table(struct run *r, const char *file)
{
	for (size_t i = 0; i < dcs_results_n_tables(r->w->res); i++) {
		struct dcs_table *t = dcs_results_table_at(r->w->res, i);
		if (strcmp(dcs_table_file(t), file) == 0)
			return t;
	}
	return NULL;
}

static inline const char *summary_text(struct run *r, const char *metric, const char *entity)
{
	const struct dcs_table *t = table(r, "summary.csv");
	assert_non_null(t);
	for (size_t i = 0; i < dcs_table_nrows(t); i++)
		if (strcmp(dcs_table_cell(t, i, 0), metric) == 0 &&
		    strcmp(dcs_table_cell(t, i, 1), entity) == 0)
			return dcs_table_cell(t, i, 2);
	fail_msg("no summary row %s,%s", metric, entity);
	return "";
}

static inline double summary(struct run *r, const char *metric, const char *entity)
{
	return strtod(summary_text(r, metric, entity), NULL);
}

#endif
