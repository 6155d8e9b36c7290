/*
 * dcisim plan files: the planner's inverse question, as loaded from its JSON
 * file (SPEC section 6.4).
 *
 * Contract.  A plan file names a base scenario (path relative to the plan
 * file), one number of it to vary (a JSON path, a range and a resolution)
 * and targets on summary metrics:
 *   {"dcisim_plan": 1, "base": "../metro.json",
 *    "vary": {"path": "links[0].distance_km", "min": 1, "max": 1000,
 *             "resolution": 1},
 *    "targets": [{"metric": "storage_write_p99_ms", "entity": "dc1", "max": 5}],
 *    "replications": 5, "confidence": 0.95}
 * Loading (sim/io/planfile.c, the only plan code that sees JSON) checks
 * every key, the path against the base scenario and the scenario format
 * (a number key; integer keys search whole numbers), each metric against the
 * declarations (include/dcisim/metrics.h), each entity against the base
 * scenario's ids, and loads the scenarios at both ends of the range; each
 * problem is one line `FILE:LINE:COL: error: JSON.PATH: message` against
 * the plan file.  The values a plan may try lie on the grid
 *   x(k) = min + k * resolution  (0 <= k < steps),  x(steps) = max,
 * printed with 12 significant digits and read back, so a value, its text in
 * plan.csv and its scenario agree.  Searching is the application's job
 * (sim/app/plan.h); this header is what the I/O layer hands it.
 */
#ifndef DCISIM_PLANFILE_H
#define DCISIM_PLANFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/metrics.h"
#include "dcisim/scenario.h"
#include "dcisim/sweepfile.h"

#define DCS_PLAN_MAX_TARGETS      32
#define DCS_PLAN_MAX_STEPS        1000000000LL /* grid steps over the range */
#define DCS_PLAN_MAX_REPLICATIONS 1000
#define DCS_PLAN_DEFAULT_SCAN     11 /* points of the coarse scan */

enum dcs_plan_bound {
	DCS_PLAN_MAX,    /* the metric must be at most limit */
	DCS_PLAN_MIN,    /* at least limit */
	DCS_PLAN_EQUALS, /* a text metric must read label */
};

struct dcs_plan_target {
	char *metric;
	char *entity;
	enum dcs_plan_bound bound;
	double limit; /* MAX, MIN */
	char *label;  /* EQUALS */
	const struct dcs_metric_def *def;
	int line, col; /* where the target's entity is in the plan file */
};

struct dcs_plan_priv; /* the base scenario's tree and the parsed path */

struct dcs_plan {
	char *path;        /* the plan file, as given */
	char sha256[65];   /* of its text (provenance) */
	char *name;        /* "name", or the file's base name without .json */
	char *description; /* may be "" */
	char *base_path;   /* the base scenario, resolved against the plan's folder */
	struct dcs_scenario *base;
	char *param; /* vary.path */
	double min, max, resolution;
	bool integer;  /* the key takes whole numbers */
	int64_t steps; /* the grid's last index (x(steps) = max) */
	int line, col; /* where vary.path is in the plan file */
	int replications;
	double confidence;
	bool confidence_given;
	int scan_points;
	struct dcs_plan_target *targets;
	size_t n_targets;
	struct dcs_plan_priv *priv;
};

/* `metrics` is the program's declarations (models/registry.c). */
struct dcs_plan *dcs_plan_load_file(const char *path, const struct dcs_catalog *metrics, FILE *err,
				    int *nerrors);
struct dcs_plan *dcs_plan_load_text(const char *text, size_t len, const char *label,
				    const struct dcs_catalog *metrics, FILE *err, int *nerrors);
void dcs_plan_free(struct dcs_plan *pl);

/* The value at grid index k (0 <= k <= steps), and its text. */
double dcs_plan_value(const struct dcs_plan *pl, int64_t k);
void dcs_plan_value_text(const struct dcs_plan *pl, int64_t k, char *buf, size_t len);

/* A sweep of the points k[0..n) with `replications` each (replication r of
 * a point runs with seed: the point's scenario seed + r), for the sweep
 * engine; free it with dcs_sweep_free().  NULL when a point's scenario is
 * invalid or memory ran out, with one line per problem on err against the
 * plan file's vary.path. */
struct dcs_sweep *dcs_plan_sweep(const struct dcs_plan *pl, const int64_t *k, size_t n,
				 int replications, FILE *err);

#endif
