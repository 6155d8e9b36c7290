/*
 * Metric and event declarations: look-ups over the catalog, and the
 * network's own figures (include/dcisim/metrics.h has the contract).
 */
#include "dcisim/metrics.h"

#include <string.h>

/* The figures every flow owner reports the same way: what limited its flow
 * (dcs_flow_main_limit) and the setting that would lift that limit
 * (dcs_net_lift, docs/sweeps.md "Bottlenecks"). */
static const struct dcs_metric_def core_metrics[] = {
    {"limited_by", "", DCS_BETTER_NEUTRAL, DCS_METRIC_LABEL,
     "what held the flow's rate while most of its bytes moved: link_share, window, loss, "
     "demand or stalled"},
    {"lift_window_kib", "KiB", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "the TCP window per stream at which the window stops limiting the flow"},
    {"lift_max_loss", "ratio", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "the highest path loss at which loss stops limiting the flow"},
    {"lift_rate_cap_mib_s", "MiB/s", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "the owner's rate cap at which the cap stops limiting the flow"},
    {"lift_bandwidth_gbps", "Gbps", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "the line rate of the narrowest link at which the flow's share reaches its next limit"},
};

/* The results store's own event: a model's advice to the user (dcs_warn). */
static const struct dcs_event_def core_events[] = {
    {"events.csv", "warning", DCS_SEV_WARNING,
     "advice: a figure outside what the design supports, or a limit that binds"},
};

const struct dcs_metric_family dcs_core_metrics = {
    .producer = "network",
    .metrics = core_metrics,
    .n_metrics = sizeof(core_metrics) / sizeof(core_metrics[0]),
    .events = core_events,
    .n_events = sizeof(core_events) / sizeof(core_events[0]),
};

/* "metric[entity]" (a sweep or compare column) is looked up as "metric". */
static size_t base_len(const char *name)
{
	const char *br = strchr(name, '[');
	return br ? (size_t)(br - name) : strlen(name);
}

static const struct dcs_metric_def *find(const struct dcs_catalog *c, const char *name,
					 const struct dcs_metric_family **fam)
{
	if (!c || !name)
		return NULL;
	size_t n = base_len(name);
	for (size_t f = 0; f < c->n_families; f++) {
		const struct dcs_metric_family *F = c->families[f];
		for (size_t i = 0; i < F->n_metrics; i++)
			if (strlen(F->metrics[i].name) == n &&
			    !strncmp(F->metrics[i].name, name, n)) {
				if (fam)
					*fam = F;
				return &F->metrics[i];
			}
	}
	return NULL;
}

const struct dcs_metric_def *dcs_catalog_metric(const struct dcs_catalog *c, const char *name)
{
	return find(c, name, NULL);
}

const struct dcs_metric_family *dcs_catalog_metric_family(const struct dcs_catalog *c,
							  const char *name)
{
	const struct dcs_metric_family *F = NULL;
	return find(c, name, &F) ? F : NULL;
}

int dcs_catalog_headline(const struct dcs_catalog *c, const char *name)
{
	const struct dcs_metric_family *F = NULL;
	const struct dcs_metric_def *d = find(c, name, &F);
	for (size_t i = 0; d && i < F->n_headlines; i++)
		if (!strcmp(F->headlines[i].metric, d->name))
			return F->headlines[i].rank;
	return 0;
}

const struct dcs_event_def *dcs_catalog_event(const struct dcs_catalog *c, const char *file,
					      const char *kind)
{
	if (!c || !file || !kind)
		return NULL;
	for (size_t f = 0; f < c->n_families; f++) {
		const struct dcs_metric_family *F = c->families[f];
		for (size_t i = 0; i < F->n_events; i++)
			if (!strcmp(F->events[i].file, file) && !strcmp(F->events[i].kind, kind))
				return &F->events[i];
	}
	return NULL;
}

const char *dcs_better_name(enum dcs_better b)
{
	return b == DCS_BETTER_LOWER ? "lower" : b == DCS_BETTER_HIGHER ? "higher" : "neutral";
}

const char *dcs_metric_kind_name(enum dcs_metric_kind k)
{
	static const char *const names[] = {"figure", "count", "setting", "label", "design"};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *dcs_severity_name(enum dcs_severity s)
{
	static const char *const names[] = {"info", "good", "warning", "failure"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
