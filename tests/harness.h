/*
 * The shared set-up of the model tests: scenario text -> loaded scenario ->
 * world built at a seed -> run to its horizon and finished -> a results
 * table found, a summary figure read.  Include after cmocka.h.  Every
 * failure (a scenario that does not load, a world that cannot be built, a
 * required row or column that is missing) fails the test with what was
 * missing.
 */
#ifndef DCISIM_TESTS_HARNESS_H
#define DCISIM_TESTS_HARNESS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"
#include "dcisim/results.h"
#include "dcisim/world.h"

struct harness {
	struct dcs_scenario *scn;
	struct dcs_world *w;
};

/* The scenario in text, which must load without an error. */
static inline struct dcs_scenario *h_load(const char *text)
{
	int nerr = 0;
	struct dcs_scenario *s = dcs_scenario_load_text(text, strlen(text), "test", stderr, &nerr);
	if (!s || nerr)
		fail_msg("scenario did not load (%d errors):\n%s", nerr, text);
	return s;
}

/* The seed argument that means "the scenario's own seed". */
#define H_SCENARIO_SEED UINT64_MAX

/* Loaded and built at `seed`. */
static inline struct harness h_open(const char *text, uint64_t seed)
{
	struct harness h = {.scn = h_load(text)};
	h.w = dcs_world_create(h.scn, seed == H_SCENARIO_SEED ? h.scn->seed : seed);
	if (!h.w)
		fail_msg("the world could not be built:\n%s", text);
	return h;
}

/* The network of a scenario alone (no models), for tests of the network. */
struct h_net {
	struct dcs_scenario *scn;
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	struct dcs_net *net;
};

static inline struct h_net h_net_open(const char *text)
{
	struct h_net n = {.scn = h_load(text), .k = dcs_kernel_create(1), .bus = dcs_bus_create()};
	n.net = n.k && n.bus ? dcs_net_create(n.k, n.bus, n.scn) : NULL;
	if (!n.net)
		fail_msg("the network could not be built:\n%s", text);
	return n;
}

static inline void h_net_close(struct h_net *n)
{
	dcs_net_destroy(n->net);
	dcs_bus_destroy(n->bus);
	dcs_kernel_destroy(n->k);
	dcs_scenario_free(n->scn);
}

/* Runs to the horizon and lets the models finish (their summary rows). */
static inline void h_finish(struct harness *h)
{
	dcs_world_run(h->w, h->w->horizon);
	dcs_world_finish(h->w);
}

static inline struct harness h_run(const char *text, uint64_t seed)
{
	struct harness h = h_open(text, seed);
	h_finish(&h);
	return h;
}

static inline void h_close(struct harness *h)
{
	dcs_world_destroy(h->w);
	dcs_scenario_free(h->scn);
	h->w = NULL;
	h->scn = NULL;
}

/* A results table by file name ("summary.csv"), or NULL. */
static inline struct dcs_table *h_table(struct dcs_results *res, const char *file)
{
	for (size_t i = 0; i < dcs_results_n_tables(res); i++) {
		struct dcs_table *t = dcs_results_table_at(res, i);
		if (strcmp(dcs_table_file(t), file) == 0)
			return t;
	}
	return NULL;
}

/* A column by name; the test fails when there is none. */
static inline size_t h_col(const struct dcs_table *t, const char *name)
{
	for (size_t c = 0; c < dcs_table_ncols(t); c++)
		if (strcmp(dcs_table_col(t, c), name) == 0)
			return c;
	fail_msg("%s has no column %s", dcs_table_file(t), name);
	return 0;
}

/* summary.csv's value of metric for entity as written, or NULL. */
static inline const char *h_summary_text(struct dcs_results *res, const char *metric,
					 const char *entity)
{
	const struct dcs_table *t = h_table(res, "summary.csv");
	for (size_t r = 0; t && r < dcs_table_nrows(t); r++)
		if (strcmp(dcs_table_cell(t, r, 0), metric) == 0 &&
		    strcmp(dcs_table_cell(t, r, 1), entity) == 0)
			return dcs_table_cell(t, r, 2);
	return NULL;
}

/* The same; the test fails when absent. */
static inline const char *h_summary_text_req(struct dcs_results *res, const char *metric,
					     const char *entity)
{
	const char *v = h_summary_text(res, metric, entity);
	if (!v)
		fail_msg("no summary row %s/%s", metric, entity);
	return v;
}

/* ... as a number, NAN when absent; h_summary_req fails the test instead. */
static inline double h_summary(struct dcs_results *res, const char *metric, const char *entity)
{
	const char *v = h_summary_text(res, metric, entity);
	return v ? strtod(v, NULL) : NAN;
}

static inline double h_summary_req(struct dcs_results *res, const char *metric, const char *entity)
{
	return strtod(h_summary_text_req(res, metric, entity), NULL);
}

#endif
