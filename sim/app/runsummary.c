/* The one-screen run summary (runsummary.h). */
#include "runsummary.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/csvread.h"
#include "human.h"

/* ---- reading the tables ------------------------------------------------- */

const char *const dcs_run_summary_tables[] = {"summary.csv", "migrations.csv", "storage.csv", NULL};

static struct dcs_table *table(struct dcs_results *res, const char *file)
{
	for (size_t i = 0; i < dcs_results_n_tables(res); i++)
		if (!strcmp(dcs_table_file(dcs_results_table_at(res, i)), file))
			return dcs_results_table_at(res, i);
	return NULL;
}

static int col(const struct dcs_table *t, const char *name)
{
	for (size_t c = 0; t && c < dcs_table_ncols(t); c++)
		if (!strcmp(dcs_table_col(t, c), name))
			return (int)c;
	return -1;
}

static const char *cell(const struct dcs_table *t, size_t row, const char *name)
{
	int c = col(t, name);
	return c < 0 ? NULL : dcs_table_cell(t, row, (size_t)c);
}

static double num(const char *s)
{
	if (!s || !*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

/* summary.csv: the value of metric for entity, as text (NULL: none). */
static const char *sum_text(const struct dcs_table *t, const char *metric, const char *entity)
{
	for (size_t r = 0; t && r < dcs_table_nrows(t); r++)
		if (!strcmp(dcs_table_cell(t, r, 0), metric) &&
		    !strcmp(dcs_table_cell(t, r, 1), entity))
			return dcs_table_cell(t, r, 2);
	return NULL;
}

static double sum_num(const struct dcs_table *t, const char *metric, const char *entity)
{
	return num(sum_text(t, metric, entity));
}

/* The entities summary.csv has a metric for, in order of first appearance;
 * calls fn for each. */
static void each_entity(const struct dcs_table *t, const char *metric,
			void (*fn)(void *ctx, const char *entity), void *ctx)
{
	for (size_t r = 0; t && r < dcs_table_nrows(t); r++)
		if (!strcmp(dcs_table_cell(t, r, 0), metric))
			fn(ctx, dcs_table_cell(t, r, 1));
}

/* ---- printing ------------------------------------------------------------ */

struct sm {
	FILE *out;
	const struct dcs_scenario *scn;
	struct dcs_table *sum, *mig, *sto;
	int verbosity;
	int findings;
	char finding[32][256];
};

static void finding(struct sm *S, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(struct sm *S, const char *fmt, ...)
{
	if (S->findings >= (int)(sizeof(S->finding) / sizeof(S->finding[0]))) {
		S->findings++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(S->finding[S->findings++], sizeof(S->finding[0]), fmt, ap);
	va_end(ap);
}

static const char *h(char *buf, double v, const char *unit)
{
	return dcs_human(buf, DCS_HUMAN_LEN, v, unit);
}

const char *dcs_limit_words(const char *lb)
{
	if (!lb || !*lb)
		return NULL;
	if (!strcmp(lb, "link_share"))
		return "its share of the DCI link";
	if (!strcmp(lb, "window"))
		return "the TCP window over the RTT";
	if (!strcmp(lb, "loss"))
		return "packet loss (Mathis bound)";
	if (!strcmp(lb, "demand") || !strcmp(lb, "rate_cap"))
		return "the engine's rate cap";
	if (!strcmp(lb, "sender_cpu"))
		return "the source's sender threads (copy or compression)";
	if (!strcmp(lb, "page_scan"))
		return "the source's walk over guest memory";
	if (!strcmp(lb, "stalled"))
		return "no path (stalled)";
	if (!strcmp(lb, "dirty_rate"))
		return "the guest's dirty rate";
	return lb;
}

static void migrations(struct sm *S)
{
	const struct dcs_table *t = S->mig;
	if (!t || !dcs_table_nrows(t))
		return;
	fprintf(S->out, "\nmigrations\n");
	for (size_t r = 0; r < dcs_table_nrows(t); r++) {
		char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN], c[DCS_HUMAN_LEN];
		const char *vm = cell(t, r, "vm"), *out = cell(t, r, "outcome");
		const char *lb = cell(t, r, "limited_by");
		double total = num(cell(t, r, "total_s")), down = num(cell(t, r, "downtime_ms"));
		double gbps = num(cell(t, r, "goodput_gbps"));
		fprintf(S->out, "  %-12s %s->%s  %-9s in %s, downtime %s, %s rounds, %s", vm,
			cell(t, r, "from"), cell(t, r, "to"), out, h(a, total, "s"),
			h(b, down, "ms"), cell(t, r, "rounds"), h(c, gbps, "Gbps"));
		if (dcs_limit_words(lb))
			fprintf(S->out, " (limited by %s)", dcs_limit_words(lb));
		fputc('\n', S->out);
		double pc_s = sum_num(S->sum, "migration_postcopy_s", vm);
		if (!isnan(pc_s))
			fprintf(
			    S->out,
			    "  %-12s post-copy %s, %s remote page faults, guest slowed %s\n", "",
			    h(a, pc_s, "s"), sum_text(S->sum, "migration_postcopy_faults", vm),
			    h(b, 100 * sum_num(S->sum, "migration_postcopy_slowdown", vm), "%"));
		if (sum_num(S->sum, "migration_vm_lost", vm) > 0)
			finding(S, "migration %s: the VM was lost: the DCI failed during post-copy",
				vm);
		else if (out && strcmp(out, "converged"))
			finding(S, "migration %s: %s after %s%s%s", vm, out, h(a, total, "s"),
				dcs_limit_words(lb) ? "; limited by " : "",
				dcs_limit_words(lb) ? dcs_limit_words(lb) : "");
	}
}

/* The storage.csv rows of one site and op, by phase ("" when the table
 * has no phases). */
static long sto_row(const struct dcs_table *t, const char *site, const char *op, const char *phase)
{
	int pc = col(t, "phase");
	for (size_t r = 0; t && r < dcs_table_nrows(t); r++) {
		if (strcmp(cell(t, r, "site"), site) || strcmp(cell(t, r, "op"), op))
			continue;
		if (pc >= 0 && strcmp(dcs_table_cell(t, r, (size_t)pc), phase))
			continue;
		return (long)r;
	}
	return -1;
}

static void storage(struct sm *S)
{
	const struct dcs_table *t = S->sto;
	if (!t || !dcs_table_nrows(t))
		return;
	bool phases = col(t, "phase") >= 0;
	fprintf(S->out, "\nstorage writes%s\n",
		phases ? " p50 / p99: steady state; during disruptions" : " p50 / p99");
	for (size_t i = 0; i < S->scn->n_sites; i++) {
		const char *site = S->scn->sites[i].id;
		long r = sto_row(t, site, "write", phases ? "normal" : "");
		long d = phases ? sto_row(t, site, "write", "disrupted") : -1;
		if (r < 0)
			continue;
		char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN], c[DCS_HUMAN_LEN], e[DCS_HUMAN_LEN];
		double p50 = num(cell(t, (size_t)r, "p50_ms")),
		       p99 = num(cell(t, (size_t)r, "p99_ms"));
		fprintf(S->out, "  %-12s %s / %s", site, h(a, p50, "ms"), h(b, p99, "ms"));
		if (d >= 0 && num(cell(t, (size_t)d, "count")) > 0)
			fprintf(S->out, ";  %s / %s over %s writes",
				h(c, num(cell(t, (size_t)d, "p50_ms")), "ms"),
				h(e, num(cell(t, (size_t)d, "p99_ms")), "ms"),
				cell(t, (size_t)d, "count"));
		fputc('\n', S->out);
		if (p99 > DCS_FINDING_WRITE_P99_MS)
			finding(S, "writes at %s: p99 %s above %g ms", site, h(a, p99, "ms"),
				DCS_FINDING_WRITE_P99_MS);
		double un = sum_num(S->sum, "storage_unavailable_s", site);
		if (un > 0) {
			double failed = sum_num(S->sum, "storage_failed_ios", site);
			if (failed > 0)
				finding(S, "storage at %s unavailable for %s (%s I/Os failed)",
					site, h(a, un, "s"), h(b, failed, "count"));
			else
				finding(S, "storage at %s unavailable for %s", site, h(a, un, "s"));
		}
	}
	/* Why writes cost what they cost: round trips across the DCI. */
	for (size_t r = 0; S->sum && r < dcs_table_nrows(S->sum); r++)
		if (!strcmp(dcs_table_cell(S->sum, r, 0), "storage_write_round_trips") &&
		    num(dcs_table_cell(S->sum, r, 2)) > 0 && S->verbosity > 0)
			fprintf(S->out, "  %-12s %s DCI round trips per write\n",
				dcs_table_cell(S->sum, r, 1), dcs_table_cell(S->sum, r, 2));
}

static void one_service(void *ctx, const char *id)
{
	struct sm *S = ctx;
	char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN];
	double trombone = sum_num(S->sum, "l3_trombone_s", id);
	double opt = sum_num(S->sum, "l3_time_to_optimal_s", id);
	double p50 = sum_num(S->sum, "l3_rtt_p50_ms", id);
	fprintf(S->out, "  %-12s trombone %s", id, h(a, isnan(trombone) ? 0 : trombone, "s"));
	if (!isnan(opt))
		fprintf(S->out, ", optimal %s after a move", h(b, opt, "s"));
	if (!isnan(p50))
		fprintf(S->out, ", request RTT p50 %s", h(a, p50, "ms"));
	double avail = sum_num(S->sum, "service_availability", id);
	if (!isnan(avail)) {
		fprintf(S->out, ", available %s", h(a, avail, "ratio"));
		if (avail < 1)
			finding(S, "service %s available %s of the run (down %s)", id,
				h(a, avail, "ratio"),
				h(b, sum_num(S->sum, "service_downtime_s", id), "s"));
	}
	fputc('\n', S->out);
}

static void one_cluster(void *ctx, const char *id)
{
	struct sm *S = ctx;
	char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN], c[DCS_HUMAN_LEN];
	double outages = sum_num(S->sum, "cluster_outages", id);
	double avail = sum_num(S->sum, "cluster_availability", id);
	double splits = sum_num(S->sum, "cluster_split_brains", id);
	double split_s = sum_num(S->sum, "cluster_split_brain_s", id);
	/* The worst RTO over the outages (entities id#1, id#2, ...). */
	double rto = NAN;
	size_t n = strlen(id);
	for (size_t r = 0; S->sum && r < dcs_table_nrows(S->sum); r++) {
		const char *e = dcs_table_cell(S->sum, r, 1);
		if (!strcmp(dcs_table_cell(S->sum, r, 0), "cluster_rto_s") && !strncmp(e, id, n) &&
		    e[n] == '#') {
			double v = num(dcs_table_cell(S->sum, r, 2));
			if (isnan(rto) || v > rto)
				rto = v;
		}
	}
	fprintf(S->out, "  %-12s %s outage%s", id, h(a, outages, "count"), outages == 1 ? "" : "s");
	if (!isnan(rto))
		fprintf(S->out, ", worst RTO %s", h(b, rto, "s"));
	fprintf(S->out, ", available %s, %s\n", h(c, avail, "ratio"),
		splits > 0 ? "SPLIT BRAIN" : "no split brain");
	if (splits > 0)
		finding(S, "cluster %s: split brain %s time%s, %s in all", id,
			h(a, splits, "count"), splits == 1 ? "" : "s", h(b, split_s, "s"));
	if (avail < 1)
		finding(S, "cluster %s: service down %s in %s outage%s%s%s", id,
			h(a, sum_num(S->sum, "cluster_unavailable_s", id), "s"),
			h(b, outages, "count"), outages == 1 ? "" : "s",
			isnan(rto) ? "" : ", worst RTO ", isnan(rto) ? "" : h(c, rto, "s"));
	if (S->verbosity > 0)
		fprintf(S->out,
			"  %-12s failover budget %s: detection, arbitration, fence, start\n", "",
			h(a, sum_num(S->sum, "cluster_failover_budget_s", id), "s"));
}

struct busiest {
	struct sm *S;
	const char *entity;
	double peak, mean;
};

static void one_link_dir(void *ctx, const char *entity)
{
	struct busiest *B = ctx;
	double peak = sum_num(B->S->sum, "peak_utilization", entity);
	double mean = sum_num(B->S->sum, "mean_utilization", entity);
	if (B->S->verbosity > 0) {
		char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN];
		fprintf(B->S->out, "  %-24s mean %s, peak %s\n", entity, h(a, mean, "ratio"),
			h(b, peak, "ratio"));
	}
	if (!B->entity || mean > B->mean) {
		B->entity = entity;
		B->peak = peak;
		B->mean = mean;
	}
}

static void links(struct sm *S)
{
	if (!sum_text(S->sum, "technology", S->scn->n_links ? S->scn->links[0].id : ""))
		return;
	fprintf(S->out, "\nlinks%s\n", S->verbosity > 0 ? " (utilisation per direction)" : "");
	struct busiest B = {.S = S};
	each_entity(S->sum, "mean_utilization", one_link_dir, &B);
	if (B.entity && S->verbosity <= 0) {
		char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN];
		fprintf(S->out, "  busiest %s: mean %s, peak %s (-v lists every direction)\n",
			B.entity, h(a, B.mean, "ratio"), h(b, B.peak, "ratio"));
	}
}

static void header(struct sm *S, const char *out_dir)
{
	char a[DCS_HUMAN_LEN], b[DCS_HUMAN_LEN], msg[128];
	struct dcs_kv *kv = NULL;
	if (out_dir) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/run.json", out_dir);
		kv = dcs_kv_read_json(p, msg, sizeof(msg));
	}
	fprintf(S->out, "dcisim: %s", S->scn->name);
	if (kv)
		fprintf(S->out, ": %s simulated in %s of wall time, %s events",
			h(a, num(dcs_kv_get(kv, "simulated_s")), "s"),
			h(b, num(dcs_kv_get(kv, "wall_s")), "s"), dcs_kv_get(kv, "events"));
	fputc('\n', S->out);
	dcs_kv_free(kv);
}

int dcs_run_summary(FILE *out, const struct dcs_scenario *scn, struct dcs_results *res,
		    const char *out_dir, int verbosity)
{
	struct sm S = {.out = out,
		       .scn = scn,
		       .sum = table(res, "summary.csv"),
		       .mig = table(res, "migrations.csv"),
		       .sto = table(res, "storage.csv"),
		       .verbosity = verbosity};
	header(&S, out_dir);
	migrations(&S);
	storage(&S);
	if (S.sum && scn->n_services) {
		fprintf(out, "\nservices\n");
		each_entity(S.sum, "l3_trombone_s", one_service, &S);
	}
	if (S.sum && scn->n_clusters) {
		fprintf(out, "\nclusters\n");
		each_entity(S.sum, "cluster_outages", one_cluster, &S);
	}
	links(&S);
	fprintf(out, "\nfindings\n");
	if (!S.findings)
		fprintf(out,
			"  none: every migration converged, writes p99 <= %g ms, no outage, no "
			"split brain\n",
			DCS_FINDING_WRITE_P99_MS);
	int shown = S.findings < 32 ? S.findings : 32;
	for (int i = 0; i < shown; i++)
		fprintf(out, "  ! %s\n", S.finding[i]);
	if (S.findings > shown)
		fprintf(out, "  ... and %d more\n", S.findings - shown);
	if (out_dir)
		fprintf(out, "\nresults in %s/\nto read them with timelines: dcisim report %s\n",
			out_dir, out_dir);
	return S.findings;
}
