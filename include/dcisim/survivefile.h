/*
 * dcisim survive, the file side: failure scenarios built from a base
 * scenario, the criteria file that turns their figures into verdicts, and
 * the record of a finished resilience run (survive.json).
 *
 * Contract.  Everything here is sim/io's (the only code that sees JSON).
 * dcs_sweep_of_faults() makes a sweep (include/dcisim/sweepfile.h) whose
 * point k is the base scenario's JSON with fault set k appended to its
 * `faults` list, printed and loaded by the ordinary scenario loader: a
 * failure scenario is a scenario file a person could have written, it is
 * validated like one, and its text (so its cache key) differs from every
 * other point's.  The criteria file
 *   {"dcisim_criteria": 1,
 *    "degraded": {"rtol": 0.1, "atol": {"ms": 0.5, "s": 1}},
 *    "rules": [{"metric": "cluster_split_brains", "worse_by": 0,
 *               "verdict": "data at risk"},
 *              {"metric": "storage_write_p99_ms", "above": 5,
 *               "verdict": "degraded"}, ...],
 *    "ignore": ["faults", "l2_bum_bytes"]}
 * is checked against the metric declarations (include/dcisim/metrics.h): a
 * rule must name a declared metric (with a direction for worse_by, a label
 * for is, a figure or count for above and below), an ignore entry a
 * declared metric or producer; each problem is one
 * line `FILE:LINE:COL: error: JSON.PATH: message` (read as sweep and plan
 * files are, sim/io/basefile.h).  Keys left out keep
 * the defaults (dcs_criteria_default_json, documented in docs/survive.md);
 * a rule for a metric replaces that metric's default rule.
 */
#ifndef DCISIM_SURVIVEFILE_H
#define DCISIM_SURVIVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcisim/metrics.h"
#include "dcisim/scenario.h"
#include "dcisim/sweepfile.h"

/* One fault to append: a kind and the id it names (a link, site or cluster
 * node id, by the kind's target; NULL for a witness_down of every witness),
 * when, and for how long (NaN: to the end of the run). */
struct dcs_fault_spec {
	enum dcs_fault_kind kind;
	const char *target;
	double at_s;
	double for_s;
};

/* The faults of one point, and its label (the point's value in the sweep). */
struct dcs_fault_set {
	const char *label;
	const struct dcs_fault_spec *faults;
	size_t n;
};

/* A sweep of n points (one replication each) over the base scenario text:
 * point k adds sets[k]'s faults.  `label` names the base in messages (its
 * path); `name` becomes the sweep's name; the one parameter is called
 * `param`.  NULL with the loader's messages on err when a point does not
 * load. */
struct dcs_sweep *dcs_sweep_of_faults(const char *text, size_t len, const char *label,
				      const char *name, const char *param,
				      const struct dcs_fault_set *sets, size_t n, FILE *err,
				      int *nerrors);

/* How bad a failure's effect is, mildest first. */
enum dcs_verdict {
	DCS_VERDICT_SURVIVES,
	DCS_VERDICT_DEGRADED,
	DCS_VERDICT_OUTAGE,
	DCS_VERDICT_DATA_AT_RISK,
	DCS_VERDICT_COUNT
};
/* "survives", "degraded", "outage", "data at risk". */
const char *dcs_verdict_name(enum dcs_verdict v);

/* A metric that gives a verdict of its own: when a failure makes it worse
 * than the baseline by more than worse_by (in its declared unit; the
 * generic tolerance still applies below it); when it takes one of the
 * label values in `is` and the baseline did not; or when it passes an
 * absolute limit (above or below it) that the baseline did not pass -- a
 * limit replaces the generic tolerance for that metric. */
enum dcs_rule_kind { DCS_RULE_WORSE_BY, DCS_RULE_IS, DCS_RULE_ABOVE, DCS_RULE_BELOW };
struct dcs_criteria_rule {
	char *metric;
	enum dcs_verdict verdict;
	enum dcs_rule_kind kind;
	double worse_by; /* DCS_RULE_WORSE_BY */
	double limit;    /* DCS_RULE_ABOVE, DCS_RULE_BELOW */
	char **is;       /* DCS_RULE_IS */
	size_t n_is;
};

struct dcs_criteria_atol {
	char *unit;
	double atol;
};

struct dcs_criteria {
	/* Any other judged figure or count is degraded when it is worse than
	 * the baseline by more than rtol x |baseline| and more than its unit's
	 * atol (0 for a unit not listed). */
	double rtol;
	struct dcs_criteria_atol *atol;
	size_t n_atol;
	struct dcs_criteria_rule *rules;
	size_t n_rules;
	/* Metrics and producers (a metric family: "faults", "l2") not judged. */
	char **ignore;
	size_t n_ignore;
};

/* The defaults, as the criteria file that states them. */
extern const char dcs_criteria_default_json[];

/* The defaults with the file's settings over them (path NULL: the
 * defaults alone); NULL on error, with every problem on err. */
struct dcs_criteria *dcs_criteria_load(const char *path, const struct dcs_catalog *c, FILE *err,
				       int *nerrors);
struct dcs_criteria *dcs_criteria_load_text(const char *text, size_t len, const char *label,
					    const struct dcs_catalog *c, FILE *err, int *nerrors);
void dcs_criteria_free(struct dcs_criteria *cr);
/* The atol of a unit. */
double dcs_criteria_atol(const struct dcs_criteria *cr, const char *unit);
/* The rule for a metric, or NULL. */
const struct dcs_criteria_rule *dcs_criteria_rule(const struct dcs_criteria *cr,
						  const char *metric);
bool dcs_criteria_ignores(const struct dcs_criteria *cr, const char *metric_or_producer);

#endif
