/*
 * The links model: what each DCI link carries over time (links.csv) and its
 * figures (summary.csv), SPEC §3 and §4.1.
 *
 * links.csv has one row per sample, link and direction, at every multiple of
 * output.sample_s up to the end of the run.  A row describes the interval
 * that ends at its time_s:
 * - throughput_gbps: goodput the flows moved in that direction during the
 *   interval (exact: the network integrates every rate change), in Gbps;
 * - utilization: the interval's mean wire load over the link's bandwidth at
 *   the sample instant (degraded or not): (throughput / goodput fraction +
 *   background) / bandwidth, at most 1; 0 while the link is down.
 *   Background counts as load because it is what the link carries besides
 *   the simulated flows (SPEC §4.1: flows share what background leaves);
 * - flows: flows crossing in that direction at the sample instant;
 * - state: up, degraded, converging (cut or switching: carries nothing until
 *   detection and reroute) or down at the sample instant;
 * - queue_ms: the mean queueing delay a packet entering that direction pays
 *   at the sample instant (net.h: M/D/1, a standing window queue, or the
 *   mean of TCP's loss cycle; the cycle's top is the full buffer);
 * - drops_pps: packets the buffer drops per second at the sample instant,
 *   from the TCP streams' loss cycles (one drop per stream per cycle) or an
 *   offered load beyond capacity.
 * `dir` names the sites as "a->b" for the configured direction and "b->a" for
 * the other.  The summary gives one-way latency, RTT, goodput fraction, the
 * goodput capacity left after background, and per direction the mean and
 * peak of the sampled utilisation.  Propagation and framing come from the
 * network (sim/core/net.c), the only place those formulas live.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/metrics.h"
#include "dcisim/world.h"

struct link_acc {
	double last_bytes[2];
	double util_sum[2];
	double util_peak[2];
};

struct links {
	struct dcs_world *w;
	struct dcs_table *tab;
	dcs_time_t sample_ns;
	int64_t k; /* index of the next sample */
	int64_t n_samples;
	struct link_acc *acc;
	char (*dir_name)[2][96];
};

static int links_create(struct dcs_world *w, void **state)
{
	if (w->scn->n_links == 0)
		return 0;
	struct links *L = calloc(1, sizeof(*L));
	if (!L)
		return -1;
	L->w = w;
	L->acc = calloc(w->scn->n_links, sizeof(*L->acc));
	L->dir_name = calloc(w->scn->n_links, sizeof(*L->dir_name));
	if (!L->acc || !L->dir_name) {
		free(L->acc);
		free(L->dir_name);
		free(L);
		return -1;
	}
	for (size_t i = 0; i < w->scn->n_links; i++) {
		const struct dcs_link_cfg *l = &w->scn->links[i];
		const char *a = w->scn->sites[l->a].id, *b = w->scn->sites[l->b].id;
		snprintf(L->dir_name[i][0], sizeof(L->dir_name[i][0]), "%s->%s", a, b);
		snprintf(L->dir_name[i][1], sizeof(L->dir_name[i][1]), "%s->%s", b, a);
	}
	L->sample_ns = dcs_time_from_s(w->scn->output.sample_s);
	*state = L;
	return 0;
}

static void sample(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct links *L = ctx;
	struct dcs_world *w = L->w;
	double dt = dcs_time_to_s(L->sample_ns);
	for (size_t i = 0; i < w->scn->n_links; i++) {
		int l = (int)i;
		const struct dcs_link_cfg *c = &w->scn->links[i];
		bool up = dcs_net_link_up(w->net, l);
		double bw = dcs_net_link_bandwidth_gbps(w->net, l);
		for (int d = 0; d < 2; d++) {
			double bytes = dcs_net_link_bytes(w->net, l, d);
			double gbps = (bytes - L->acc[i].last_bytes[d]) * 8 / dt / 1e9;
			L->acc[i].last_bytes[d] = bytes;
			double util = 0;
			if (up && bw > 0) {
				double bg = c->background_gbps < bw ? c->background_gbps : bw;
				util = (gbps / dcs_link_cfg_goodput_fraction(c) + bg) / bw;
				if (util > 1)
					util = 1;
			}
			L->acc[i].util_sum[d] += util;
			if (util > L->acc[i].util_peak[d])
				L->acc[i].util_peak[d] = util;
			dcs_row_begin(L->tab);
			dcs_cell_time_s(L->tab, dcs_now(k));
			dcs_cell_str(L->tab, c->id);
			dcs_cell_str(L->tab, L->dir_name[i][d]);
			dcs_cell_num(L->tab, gbps);
			dcs_cell_num(L->tab, util);
			dcs_cell_int(L->tab, dcs_net_link_flows(w->net, l, d));
			dcs_cell_str(L->tab, dcs_net_link_state_name(w->net, l));
			dcs_cell_num(L->tab, dcs_net_link_queue_s(w->net, l, d) * 1e3);
			dcs_cell_num(L->tab, dcs_net_link_drops_pps(w->net, l, d));
			dcs_row_end(L->tab);
		}
	}
	L->n_samples++;
	L->k++;
	dcs_time_t next = L->k * L->sample_ns;
	if (next <= w->horizon)
		dcs_schedule(k, next, sample, L, NULL, 0);
}

static void links_start(struct dcs_world *w, void *state)
{
	struct links *L = state;
	L->tab =
	    dcs_results_table(w->res, "links.csv",
			      "time_s,link,dir,throughput_gbps,utilization,flows,state,queue_ms,"
			      "drops_pps");
	L->k = 1;
	if (L->sample_ns > 0 && L->sample_ns <= w->horizon)
		dcs_schedule(w->k, L->sample_ns, sample, L, NULL, 0);
}

static void links_finish(struct dcs_world *w, void *state)
{
	struct links *L = state;
	char entity[160];
	for (size_t i = 0; i < w->scn->n_links; i++) {
		const struct dcs_link_cfg *l = &w->scn->links[i];
		double one_way_ms = dcs_link_cfg_one_way_us(l) / 1e3;
		double gf = dcs_link_cfg_goodput_fraction(l);
		double free_gbps = l->bandwidth_gbps - l->background_gbps;
		dcs_summary(w->res, "one_way_latency_ms", l->id, one_way_ms, "ms");
		dcs_summary(w->res, "rtt_ms", l->id, 2 * one_way_ms, "ms");
		dcs_summary(w->res, "goodput_fraction", l->id, gf, "ratio");
		dcs_summary(w->res, "goodput_gbps", l->id, (free_gbps > 0 ? free_gbps : 0) * gf,
			    "Gbps");
		dcs_summary_text(w->res, "technology", l->id, dcs_tech_name(l->technology), "");
		if (L->n_samples == 0)
			continue;
		for (int d = 0; d < 2; d++) {
			snprintf(entity, sizeof(entity), "%s:%s", l->id, L->dir_name[i][d]);
			dcs_summary(w->res, "mean_utilization", entity,
				    L->acc[i].util_sum[d] / (double)L->n_samples, "ratio");
			dcs_summary(w->res, "peak_utilization", entity, L->acc[i].util_peak[d],
				    "ratio");
		}
	}
}

static void links_destroy(void *state)
{
	struct links *L = state;
	if (!L)
		return;
	free(L->acc);
	free(L->dir_name);
	free(L);
}

/* What this model writes to summary.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def links_metrics[] = {
    {"one_way_latency_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_DESIGN,
     "one-way latency of the link unloaded: fibre propagation, devices and technology"},
    {"rtt_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_DESIGN, "round trip over the link, unloaded"},
    {"goodput_fraction", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_DESIGN,
     "TCP payload per byte on the wire after framing and encapsulation"},
    {"goodput_gbps", "Gbps", DCS_BETTER_HIGHER, DCS_METRIC_DESIGN,
     "TCP goodput the link offers flows after background load"},
    {"technology", "", DCS_BETTER_NEUTRAL, DCS_METRIC_LABEL, "the link's DCI technology"},
    {"mean_utilization", "ratio", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "mean share of the line rate carried in one direction, over the samples"},
    {"peak_utilization", "ratio", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "highest sampled share of the line rate carried in one direction"},
};

static const struct dcs_metric_family links_family = {
    .producer = "links",
    .metrics = links_metrics,
    .n_metrics = sizeof(links_metrics) / sizeof(links_metrics[0]),
};

const struct dcs_model_ops dcs_model_links = {
    .name = "links",
    .create = links_create,
    .start = links_start,
    .finish = links_finish,
    .destroy = links_destroy,
    .metrics = &links_family,
};
