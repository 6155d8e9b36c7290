/*
 * dcisim metrics and events: what each figure in summary.csv and each kind of
 * event in events.csv and cluster.csv means, declared by the code that
 * produces it.
 *
 * Contract.  Every summary.csv metric and every events.csv / cluster.csv
 * event a model writes is declared in a static table of that model (listed in
 * its struct dcs_model_ops, models/registry.c); the network's own figures
 * (limited_by and the lift_* what-ifs, which several models report for their
 * flows) are declared by the core (dcs_core_metrics).  A declaration says
 * the unit written in summary.csv, which way is better, what kind of figure
 * it is and, in one line, what it means; an event says how bad it is.
 *
 * Readers -- the comparison and run reports, check, the run summary, plan,
 * survive, the viewer's colours and `dcisim metrics` (docs/metrics.md) -- look
 * these up; nothing guesses from the words of a name.  A name is declared
 * once in the whole program (tests/test_metrics.c checks it).  Writing a
 * summary row whose metric is undeclared, or whose unit differs from its
 * declaration, is a program error: the results store aborts with the name
 * (dcs_results_set_catalog()), so a new figure cannot ship undeclared.
 */
#ifndef DCISIM_METRICS_H
#define DCISIM_METRICS_H

#include <stddef.h>

/* Which way a figure is better. */
enum dcs_better {
	DCS_BETTER_LOWER = -1,  /* latency, downtime, outage, bytes at risk */
	DCS_BETTER_NEUTRAL = 0, /* a setting, a label, a fact of the design */
	DCS_BETTER_HIGHER = 1,  /* goodput, availability, completions */
};

/* What kind of figure it is: how it is compared and shown. */
enum dcs_metric_kind {
	DCS_METRIC_FIGURE,  /* a measured or computed quantity with a unit */
	DCS_METRIC_COUNT,   /* a whole number of things */
	DCS_METRIC_SETTING, /* an input echoed back (a timer, a credit count) */
	DCS_METRIC_LABEL,   /* text: an outcome, a preset, what limited a flow */
	DCS_METRIC_DESIGN,  /* a figure of the design, computed from the inputs alone before
			       anything runs (a link's unloaded RTT, its goodput fraction):
			       compared like a figure, never charted as an outcome */
};

struct dcs_metric_def {
	const char *name; /* as in summary.csv */
	const char *unit; /* as in summary.csv's unit column ("" for none) */
	enum dcs_better better;
	enum dcs_metric_kind kind;
	const char *meaning; /* one line, for people */
};

/* One of the figures planners ask about first -- migration time, write
 * latency, downtime, trombone, service outage: the reports chart these
 * before any other, by rank (1 first; ranks are unique in the program). */
struct dcs_headline {
	const char *metric; /* declared by the same family, a figure with a direction */
	int rank;
};

/* How bad an event is (the viewer's colour, the run summary's findings). */
enum dcs_severity {
	DCS_SEV_INFO,    /* something happened: a start, a setting, a move */
	DCS_SEV_GOOD,    /* something recovered or succeeded */
	DCS_SEV_WARNING, /* degraded, at risk, or advice to the user */
	DCS_SEV_FAILURE, /* an outage, a loss, a failed operation */
};

struct dcs_event_def {
	const char *file; /* "events.csv" (the kind column) or "cluster.csv" (event) */
	const char *kind;
	enum dcs_severity severity;
	const char *meaning;
};

/* One producer's declarations. */
struct dcs_metric_family {
	const char *producer; /* "storage", "network", ... */
	const struct dcs_metric_def *metrics;
	size_t n_metrics;
	const struct dcs_event_def *events;
	size_t n_events;
	const struct dcs_headline *headlines; /* may be NULL */
	size_t n_headlines;
};

/* Every declaration in the program (models/registry.c builds it). */
struct dcs_catalog {
	const struct dcs_metric_family *const *families;
	size_t n_families;
};

/* The network's own declarations (sim/core/metrics.c). */
extern const struct dcs_metric_family dcs_core_metrics;

/* Look-ups; NULL when nothing is declared under that name.  A sweep or
 * compare column `metric[entity]` is looked up by its metric part. */
const struct dcs_metric_def *dcs_catalog_metric(const struct dcs_catalog *c, const char *name);
const struct dcs_event_def *dcs_catalog_event(const struct dcs_catalog *c, const char *file,
					      const char *kind);
/* A metric's headline rank, or 0 when it is not a headline figure. */
int dcs_catalog_headline(const struct dcs_catalog *c, const char *name);
/* The family that declares a metric, or NULL. */
const struct dcs_metric_family *dcs_catalog_metric_family(const struct dcs_catalog *c,
							  const char *name);

const char *dcs_better_name(enum dcs_better b);           /* "lower", "higher", "neutral" */
const char *dcs_metric_kind_name(enum dcs_metric_kind k); /* "figure", "count", ... */
const char *dcs_severity_name(enum dcs_severity s);       /* "info", "good", ... */

#endif
