/*
 * dcisim storage over distance: statistics and outputs at the end of a run.
 * Writes storage.csv latency rows and the per-site and per-channel summary
 * metrics, and declares every summary metric and event kind the storage
 * model emits (include/dcisim/metrics.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

static void summary_ms(struct sto *m, const char *metric, const char *entity, double ns)
{
	dcs_summary(m->w->res, metric, entity, ns / 1e6, "ms");
}

/* summary.csv per channel: what limited it, over the bytes it carried
 * (offered_load: it carried what the workloads offered, the network was not
 * the limit; fc_credits: the buffer-credit cap), and the figure that would
 * lift it: the credits the distance needs (the larger of the Brocade rule
 * and the per-frame count, as the warning says), or net.h's dcs_net_lift. */
static void chan_bottleneck_summary(struct sto *m, struct chan *ch, const char *e)
{
	struct dcs_results *res = m->w->res;
	sto_chan_take_limits(m, ch);
	int best = DCS_LIMIT_NONE;
	double most = 0;
	for (int l = 0; l <= LIM_CAP; l++)
		if (ch->lim_bytes[l] > most) {
			most = ch->lim_bytes[l];
			best = l;
		}
	const char *lb = best == LIM_CAP            ? sto_chan_cap_name(ch)
			 : best == DCS_LIMIT_DEMAND ? "offered_load"
						    : dcs_limit_name((enum dcs_limit)best);
	dcs_summary_text(res, "limited_by", e, lb, "");
	double v;
	const char *metric, *unit;
	if (best == LIM_CAP && ch->fcip) {
		/* The FCIP max-bandwidth is the channel's rate cap. */
		if (dcs_net_lift(m->w->net, ch->src, ch->dst, DCS_LIMIT_DEMAND, 1, ch->window,
				 ch->peak_offered, ch->share_rate_Bps, &v, &metric, &unit))
			dcs_summary(res, metric, e, v, unit);
	} else if (best == LIM_CAP) {
		int need = ch->need_brocade > ch->need_frames ? ch->need_brocade : ch->need_frames;
		dcs_summary(res, "lift_fc_credits", e, need, "count");
	} else if (best != DCS_LIMIT_DEMAND &&
		   dcs_net_lift(m->w->net, ch->src, ch->dst, (enum dcs_limit)best, 1, ch->window,
				fmin(ch->peak_offered, ch->cap), ch->share_rate_Bps, &v, &metric,
				&unit)) {
		dcs_summary(res, metric, e, v, unit);
	}
}

static void latency_row(struct dcs_table *t, const char *site, const char *op, const char *phase,
			const struct dcs_lathist *h)
{
	if (h->n == 0)
		return;
	dcs_row_begin(t);
	dcs_cell_str(t, site);
	dcs_cell_str(t, op);
	dcs_cell_str(t, phase);
	dcs_cell_int(t, (int64_t)h->n);
	dcs_cell_num(t, dcs_lathist_mean_ns(h) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.50) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.95) / 1e6);
	dcs_cell_num(t, dcs_lathist_quantile_ns(h, 0.99) / 1e6);
	dcs_cell_num(t, (double)h->max_ns / 1e6);
	dcs_row_end(t);
}

/* Seconds the workload was issuing I/O by the end of the run. */
double sto_wl_active_s(const struct sto *m, const struct wl *wl)
{
	dcs_time_t end = sto_now_of(m), off = wl->t_off < end ? wl->t_off : end;
	return off > wl->t_on ? dcs_time_to_s(off - wl->t_on) : 0;
}

void sto_finish(struct dcs_world *w, void *state)
{
	struct sto *m = state;
	struct dcs_results *res = w->res;
	sto_settle(m, dcs_now(w->k));
	sto_update_unavailable(m);
	if (m->win && dcs_now(w->k) > m->series_t)
		sto_series_rows(m, dcs_now(w->k)); /* the part after the last sample */
	if (m->win)
		sto_windows_fold(m); /* I/O at the last sample's instant */
	static const char *const op_name[2] = {"read", "write"};
	struct dcs_table *t = dcs_results_table(
	    res, "storage.csv", "site,op,phase,count,mean_ms,p50_ms,p95_ms,p99_ms,max_ms");
	char metric[96];
	struct dcs_lathist *all = calloc(1, sizeof(*all));
	if (!all)
		sto_oom();
	for (int s = 0; s < m->n_sites; s++) {
		for (int op = 0; op < 2; op++) {
			const struct dcs_lathist *normal = sto_site_hist(m, s, op, false),
						 *disrupted = sto_site_hist(m, s, op, true);
			dcs_lathist_clear(all);
			dcs_lathist_merge(all, normal);
			dcs_lathist_merge(all, disrupted);
			latency_row(t, sto_site_id(m, s), op_name[op], "all", all);
			latency_row(t, sto_site_id(m, s), op_name[op], "normal", normal);
			latency_row(t, sto_site_id(m, s), op_name[op], "disrupted", disrupted);
		}
	}
	free(all);
	for (int s = 0; s < m->n_sites; s++) {
		if (!m->relevant[s])
			continue;
		const char *id = sto_site_id(m, s);
		for (int op = 0; op < 2; op++) {
			const struct dcs_lathist *h = sto_site_hist(m, s, op, false);
			if (h->n == 0)
				continue;
			snprintf(metric, sizeof(metric), "storage_%s_mean_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_mean_ns(h));
			snprintf(metric, sizeof(metric), "storage_%s_p50_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_quantile_ns(h, 0.50));
			snprintf(metric, sizeof(metric), "storage_%s_p99_ms", op_name[op]);
			summary_ms(m, metric, id, dcs_lathist_quantile_ns(h, 0.99));
		}
		dcs_summary(res, "storage_held_ios", id, (double)m->held_ios[s], "count");
		if (m->held_ios[s] > 0)
			summary_ms(m, "storage_held_max_ms", id, (double)m->held_max[s]);
		dcs_summary(res, "storage_unavailable_s", id, dcs_time_to_s(m->unavail_ns[s]), "s");
		dcs_summary(res, "storage_failed_ios", id, (double)m->failed[s], "count");
		if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE)
			dcs_summary(res, "storage_divergent_writes", id, (double)m->divergent[s],
				    "count");
	}
	for (size_t i = 0; i < m->n_wls; i++) {
		struct wl *wl = &m->wls[i];
		double active = sto_wl_active_s(m, wl);
		dcs_summary(res, "storage_queue_depth", wl->name, wl->depth, "count");
		dcs_summary(res, "storage_offered_iops", wl->name, wl->cfg->iops, "IOPS");
		dcs_summary(res, "storage_achieved_iops", wl->name,
			    active > 0 ? (double)wl->done / active : 0, "IOPS");
		dcs_summary(res, "storage_write_round_trips", wl->name, wl->rtt_n[DCS_OP_WRITE],
			    "count");
		for (int op = 0; op < 2; op++) {
			if (wl->lat_n[op] == 0)
				continue;
			snprintf(metric, sizeof(metric), "storage_workload_%s_mean_ms",
				 op_name[op]);
			summary_ms(m, metric, wl->name,
				   (double)wl->lat_sum_ns[op] / (double)wl->lat_n[op]);
		}
		if (wl->writes->n > 0) {
			summary_ms(m, "storage_workload_write_p50_ms", wl->name,
				   dcs_lathist_quantile_ns(wl->writes, 0.50));
			summary_ms(m, "storage_workload_write_p99_ms", wl->name,
				   dcs_lathist_quantile_ns(wl->writes, 0.99));
		}
		dcs_summary(res, "storage_workload_held_ios", wl->name, (double)wl->held, "count");
		if (wl->held > 0)
			summary_ms(m, "storage_workload_held_max_ms", wl->name,
				   (double)wl->held_max);
		if (wl->cfg->vm < 0)
			continue;
		static const char *const ph_name[2] = {"before", "after"};
		for (int op = 0; op < 2; op++) {
			for (int ph = 0; ph < 2; ph++) {
				const struct dcs_lathist *h = wl->phase[ph][op];
				if (!h)
					continue;
				snprintf(metric, sizeof(metric), "storage_vm_%s_mean_ms_%s",
					 op_name[op], ph_name[ph]);
				summary_ms(m, metric, wl->name, dcs_lathist_mean_ns(h));
				snprintf(metric, sizeof(metric), "storage_vm_%s_p99_ms_%s",
					 op_name[op], ph_name[ph]);
				summary_ms(m, metric, wl->name, dcs_lathist_quantile_ns(h, 0.99));
			}
			if (wl->phase[0][op] && wl->phase[1][op]) {
				snprintf(metric, sizeof(metric), "storage_move_penalty_%s_ms",
					 op_name[op]);
				summary_ms(m, metric, wl->name,
					   dcs_lathist_mean_ns(wl->phase[1][op]) -
					       dcs_lathist_mean_ns(wl->phase[0][op]));
			}
		}
	}
	size_t nn = (size_t)m->n_sites * (size_t)m->n_sites;
	double dur = dcs_time_to_s(dcs_now(w->k));
	for (size_t c = 0; c < nn; c++) {
		struct chan *ch = m->chans[c];
		if (!ch || !ch->used)
			continue;
		sto_chan_update(m, ch);
		const char *e = ch->label + 8; /* "src->dst" */
		dcs_summary(res, "storage_dci_mean_gbps", e,
			    dur > 0 ? ch->carried * 8 / 1e9 / dur : 0, "Gbps");
		dcs_summary(res, "storage_dci_max_backlog_mib", e, ch->max_backlog / 1048576.0,
			    "MiB");
		if (ch->async)
			dcs_summary(res, "storage_max_rpo_s", e, ch->max_rpo_s, "s");
		chan_bottleneck_summary(m, ch, e);
		if (m->cfg->protocol == DCS_PROTO_FC && ch->need_brocade > 0) {
			dcs_summary(res, "storage_fc_credits", e, m->cfg->fc.bb_credits, "count");
			dcs_summary(res, "storage_fc_credits_needed_brocade", e, ch->need_brocade,
				    "count");
			dcs_summary(res, "storage_fc_credits_needed_frames", e, ch->need_frames,
				    "count");
			dcs_summary(res, "storage_fc_credit_cap_gbps", e, ch->cap * 8 / 1e9,
				    "Gbps");
		}
	}
	if (m->cfg->mode == DCS_STORAGE_ACTIVE_ACTIVE) {
		char pair[96];
		sto_pair_name(m, pair, sizeof(pair));
		dcs_summary(res, "storage_detaches", pair, m->aa.detaches, "count");
		if (m->sync_ratio_max > 0)
			dcs_summary(res, "storage_sync_limit_ratio", pair, m->sync_ratio_max,
				    "ratio");
		dcs_summary(res, "storage_resyncs", pair, m->aa.resyncs, "count");
		if (m->aa.resyncs > 0)
			dcs_summary(res, "storage_resync_s", pair, m->aa.resync_s, "s");
		size_t frozen = 0;
		for (size_t k = 0; k < m->n_held; k++)
			frozen += m->held[k].kind == HOLD_FREEZE;
		if (frozen > 0)
			dcs_summary(res, "storage_held_writes_at_end", pair, (double)frozen,
				    "count");
	}
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def storage_metrics[] = {
    {"storage_read_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency of the hosts at a site, steady state (I/O never held)"},
    {"storage_read_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median read latency of the hosts at a site, steady state"},
    {"storage_read_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile read latency of the hosts at a site, steady state"},
    {"storage_write_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency of the hosts at a site, steady state (I/O never held)"},
    {"storage_write_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median write latency of the hosts at a site, steady state"},
    {"storage_write_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile write latency of the hosts at a site, steady state"},
    {"storage_held_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os of the site's hosts that waited out a mirror freeze or their VM's pause"},
    {"storage_held_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "the longest time an I/O of the site's hosts was held"},
    {"storage_queue_depth", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "I/Os the workload's host keeps outstanding at most"},
    {"storage_offered_iops", "IOPS", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "I/Os per second the workload offers (its rate if the storage answered at once)"},
    {"storage_achieved_iops", "IOPS", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "I/Os per second the workload completed: at most queue_depth / latency (Little's law)"},
    {"storage_workload_write_p50_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "median write latency of one workload, steady state"},
    {"storage_workload_write_p99_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "99th percentile write latency of one workload, steady state"},
    {"storage_workload_held_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os of one workload that waited out a mirror freeze or its VM's pause"},
    {"storage_workload_held_max_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "the longest time an I/O of the workload was held"},
    {"storage_unavailable_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "seconds the site's hosts could not do I/O (suspended or no array)"},
    {"storage_failed_ios", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "I/Os that failed: issued while the site's storage was unavailable"},
    {"storage_divergent_writes", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "writes accepted at a site while the mirror was split (split brain)"},
    {"storage_write_round_trips", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "protocol round trips across the DCI one write of the workload takes"},
    {"storage_workload_read_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency of one workload, steady state"},
    {"storage_workload_write_mean_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency of one workload, steady state"},
    {"storage_vm_read_mean_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean read latency before its migration"},
    {"storage_vm_read_mean_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean read latency after its migration"},
    {"storage_vm_read_p99_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile read latency before its migration"},
    {"storage_vm_read_p99_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile read latency after its migration"},
    {"storage_vm_write_mean_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean write latency before its migration"},
    {"storage_vm_write_mean_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's mean write latency after its migration"},
    {"storage_vm_write_p99_ms_before", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile write latency before its migration"},
    {"storage_vm_write_p99_ms_after", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "a VM's 99th percentile write latency after its migration"},
    {"storage_move_penalty_read_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean read latency after a VM's move minus before: the storage cost of the move"},
    {"storage_move_penalty_write_ms", "ms", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "mean write latency after a VM's move minus before: the storage cost of the move"},
    {"storage_dci_mean_gbps", "Gbps", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "mean rate replication or remote I/O carried over the DCI"},
    {"storage_dci_max_backlog_mib", "MiB", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "largest backlog of data waiting to cross the DCI"},
    {"storage_max_rpo_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "asynchronous replication: the largest age of the oldest unreplicated write"},
    {"lift_fc_credits", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "FC buffer credits at which credits stop limiting the channel"},
    {"storage_fc_credits", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_SETTING,
     "FC buffer-to-buffer credits configured"},
    {"storage_fc_credits_needed_brocade", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "credits the distance needs by Brocade's sizing rule"},
    {"storage_fc_credits_needed_frames", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_FIGURE,
     "credits the distance needs to fill the pipe with the workload's frames"},
    {"storage_fc_credit_cap_gbps", "Gbps", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "the throughput the configured credits allow at this distance"},
    {"storage_sync_limit_ratio", "ratio", DCS_BETTER_LOWER, DCS_METRIC_FIGURE,
     "synchronous mirror: largest RTT or distance over its product's supported limit (above 1: "
     "unsupported)"},
    {"storage_detaches", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times the mirror was split and one side continued alone"},
    {"storage_resyncs", "count", DCS_BETTER_NEUTRAL, DCS_METRIC_COUNT,
     "resynchronisations of a split mirror"},
    {"storage_resync_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE, "time resynchronisation took"},
    {"storage_held_writes_at_end", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "writes still held (mirror frozen) when the run ended"},
};

static const struct dcs_event_def storage_events[] = {
    {"events.csv", "storage_replication_stalled", DCS_SEV_FAILURE,
     "replication has no path across the DCI"},
    {"events.csv", "storage_replication_resumed", DCS_SEV_GOOD, "replication's path is back"},
    {"events.csv", "storage_split_brain", DCS_SEV_FAILURE,
     "both sites keep writing with the mirror split: their data diverges"},
    {"events.csv", "storage_detach", DCS_SEV_WARNING, "one side of the mirror continues alone"},
    {"events.csv", "storage_suspend", DCS_SEV_FAILURE, "a site's storage suspends I/O"},
    {"events.csv", "storage_array_failover", DCS_SEV_WARNING,
     "an array failed and the other serves (or no copy is left)"},
    {"events.csv", "storage_freeze", DCS_SEV_WARNING,
     "the mirror is lost: writes are held until the detach delay decides"},
    {"events.csv", "storage_heal", DCS_SEV_GOOD, "the mirror came back before the detach"},
    {"events.csv", "storage_sync_unsupported", DCS_SEV_WARNING,
     "the synchronous mirror's path is beyond its product's supported distance"},
    {"events.csv", "storage_resume", DCS_SEV_GOOD, "the mirror is back and resynchronises"},
    {"events.csv", "storage_resync_done", DCS_SEV_GOOD, "resynchronisation finished"},
};

/* What planners ask about first (metrics.h): the reports chart these first. */
static const struct dcs_headline storage_headlines[] = {
    {"storage_write_p99_ms", 2},
    {"storage_write_mean_ms", 4},
    {"storage_unavailable_s", 9},
};

const struct dcs_metric_family storage_family = {
    .producer = "storage",
    .metrics = storage_metrics,
    .n_metrics = sizeof(storage_metrics) / sizeof(storage_metrics[0]),
    .events = storage_events,
    .n_events = sizeof(storage_events) / sizeof(storage_events[0]),
    .headlines = storage_headlines,
    .n_headlines = sizeof(storage_headlines) / sizeof(storage_headlines[0]),
};
