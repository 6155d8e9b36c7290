/*
 * dcisim check, stat mode (check.h): two sweeps of a stochastic scenario,
 * per point and metric, the replications' means by Welch's t test.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "check.h"
#include "dcisim/csvread.h"
#include "dcisim/exitcode.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"

/* ---- stat mode ----------------------------------------------------------- */

double dcs_welch_p(double m1, double v1, size_t n1, double m2, double v2, size_t n2, double *df)
{
	double a = v1 / (double)n1, b = v2 / (double)n2, se2 = a + b;
	*df = NAN;
	if (!(se2 > 0))
		return m1 == m2 ? 1.0 : 0.0;
	double den =
	    (n1 > 1 ? a * a / (double)(n1 - 1) : 0) + (n2 > 1 ? b * b / (double)(n2 - 1) : 0);
	*df = den > 0 ? se2 * se2 / den : (double)(n1 + n2 - 2);
	double t = fabs(m2 - m1) / sqrt(se2);
	return 2 * gsl_cdf_tdist_Q(t, *df);
}

/* One sweep.csv read for stat mode: its parameter columns (between
 * replication and seed), status and metric columns (after status). */
struct sweepcsv {
	struct dcs_csv *t;
	long p0, p1, status; /* parameters are columns [p0, p1) */
};

static int read_sweep(struct checker *C, const char *dir, struct sweepcsv *s)
{
	char p[4096], msg[600];
	snprintf(p, sizeof(p), "%s/sweep.csv", dir);
	if (access(p, F_OK) != 0) {
		fprintf(C->err,
			"dcisim check: error: %s: --mode stat compares sweeps (sweep.csv with "
			"replications, from dcisim sweep), and this directory has no sweep.csv\n",
			dir);
		return DCS_EXIT_USAGE;
	}
	s->t = dcs_csv_read_file(p, NULL, msg, sizeof(msg));
	if (!s->t) {
		fprintf(C->err, "dcisim check: error: %s\n", msg);
		return DCS_EXIT_RUNTIME;
	}
	long rep = dcs_csv_col(s->t, "replication"), seed = dcs_csv_col(s->t, "seed");
	s->status = dcs_csv_col(s->t, "status");
	if (rep < 0 || seed < rep || s->status < 0) {
		fprintf(C->err,
			"dcisim check: error: %s: not a sweep.csv (no replication, seed and status "
			"columns)\n",
			p);
		return DCS_EXIT_USAGE;
	}
	s->p0 = rep + 1;
	s->p1 = seed;
	return DCS_EXIT_OK;
}

/* A row's point as "param=value param=value". */
static void point_key(const struct sweepcsv *s, size_t r, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (long c = s->p0; c < s->p1 && n < len; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", c > s->p0 ? " " : "",
				      s->t->header[c], dcs_csv_cell(s->t, (size_t)r, (size_t)c));
	if (s->p0 == s->p1)
		snprintf(buf, len, "(one point)");
}

/* The rows of one point: sweep.csv is in run order, so a point's
 * replications are consecutive rows. */
struct prange {
	char *key;
	size_t r0, r1;
};

static int cmp_prange(const void *x, const void *y)
{
	return strcmp(((const struct prange *)x)->key, ((const struct prange *)y)->key);
}

static struct prange *point_ranges(const struct sweepcsv *s, size_t *n)
{
	struct prange *pr = calloc(s->t->nrows + 1, sizeof(*pr));
	char k[1024];
	*n = 0;
	for (size_t r = 0; pr && r < s->t->nrows; r++) {
		point_key(s, r, k, sizeof(k));
		if (*n && strcmp(pr[*n - 1].key, k) == 0) {
			pr[*n - 1].r1 = r + 1;
			continue;
		}
		pr[*n] = (struct prange){.key = strdup(k), .r0 = r, .r1 = r + 1};
		if (!pr[(*n)++].key)
			return NULL; /* leaks on out of memory; the command exits */
	}
	return pr;
}

static void free_ranges(struct prange *pr, size_t n)
{
	for (size_t i = 0; pr && i < n; i++)
		free(pr[i].key);
	free(pr);
}

/* The values of column c over the ok rows of a point; returns the count,
 * numeric tells whether all were numbers (xs then holds them). */
static size_t point_values(const struct sweepcsv *s, const struct prange *pr, long c, double *xs,
			   const char **texts, bool *numeric)
{
	size_t n = 0;
	*numeric = true;
	for (size_t r = pr->r0; r < pr->r1; r++) {
		if (strcmp(dcs_csv_cell(s->t, r, (size_t)s->status), "ok") != 0)
			continue;
		const char *v = dcs_csv_cell(s->t, r, (size_t)c);
		if (!v[0])
			continue; /* this replication does not have the metric */
		texts[n] = v;
		if (!dcs_csv_num(v, &xs[n]))
			*numeric = false;
		n++;
	}
	return n;
}

static bool text_in(const char *const *set, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], v) == 0)
			return true;
	return false;
}

static void stat_compare(struct checker *C, const char *key, const char *metric, const double *xb,
			 size_t nb, const double *xc, size_t nc, size_t *nd)
{
	double rtol, atol;
	chk_tolerance_for(C, "sweep.csv", metric, &rtol, &atol);
	double alpha = C->o->alpha > 0 ? C->o->alpha : 0.05;
	double mb = gsl_stats_mean(xb, 1, nb), mc = gsl_stats_mean(xc, 1, nc);
	double vb = nb > 1 ? gsl_stats_variance_m(xb, 1, nb, mb) : 0;
	double vc = nc > 1 ? gsl_stats_variance_m(xc, 1, nc, mc) : 0;
	double margin = atol + rtol * fabs(mb), diff = mc - mb;
	double df, p = dcs_welch_p(mb, vb, nb, mc, vc, nc, &df);
	double se = sqrt(vb / (double)nb + vc / (double)nc);
	/* Cohen's d: the difference in pooled standard deviations. */
	double sp =
	    nb + nc > 2
		? sqrt(((double)(nb - 1) * vb + (double)(nc - 1) * vc) / (double)(nb + nc - 2))
		: 0;
	double d = sp > 0 ? diff / sp : diff == 0 ? 0 : copysign(INFINITY, diff);
	const char *verdict;
	if (se == 0 && (nb > 1 || nc > 1 || diff == 0)) {
		/* No spread at all (a metric the seed does not move). */
		verdict = fabs(diff) <= margin ? "pass" : "fail";
	} else if (nb < 2 || nc < 2) {
		verdict = "inconclusive";
	} else {
		double half = gsl_cdf_tdist_Pinv(1 - alpha, df) * se;
		if (p < alpha && fabs(diff) > margin)
			verdict = "fail";
		else if (fabs(diff) + half <= margin)
			verdict = "pass";
		else
			verdict = "inconclusive";
	}
	C->cells++;
	if (verdict[0] == 'p') {
		C->n_pass++;
		return;
	}
	char rel[32] = "";
	if (mb != 0)
		snprintf(rel, sizeof(rel), " (%+.3g%%)", 100 * diff / fabs(mb));
	char line[1024];
	snprintf(line, sizeof(line),
		 "sweep.csv point %s metric %s: %s: baseline mean %.6g (n %zu), current %.6g "
		 "(n %zu), difference %+.6g%s, p = %.3g, effect size d = %.3g, margin +-%.3g",
		 key, metric, verdict, mb, nb, mc, nc, diff, rel, p, d, margin);
	if (verdict[0] == 'f') {
		C->n_fail++;
		chk_drift(C, nd, "%s", line);
	} else {
		C->n_inconclusive++;
		if (C->o->strict)
			chk_drift(C, nd, "%s", line);
		else if ((int)C->n_inconclusive <= C->max_per_file)
			fprintf(C->out, "note: %s\n", line);
	}
}

int chk_stat(struct checker *C, const char *rdir, const char *bdir)
{
	struct sweepcsv b = {0}, c = {0};
	int rc = read_sweep(C, bdir, &b);
	if (!rc)
		rc = read_sweep(C, rdir, &c);
	size_t nd = 0;
	size_t rows = (b.t ? b.t->nrows : 0) + (c.t ? c.t->nrows : 0) + 1;
	double *xb = calloc(rows, sizeof(double)), *xc = calloc(rows, sizeof(double));
	const char **tb = calloc(rows, sizeof(char *)), **tc = calloc(rows, sizeof(char *));
	if (!rc && (!xb || !xc || !tb || !tc))
		rc = DCS_EXIT_RUNTIME;
	if (rc)
		goto out;
	C->files++;
	/* The same parameters, and every metric of the baseline. */
	bool same_params = b.p1 - b.p0 == c.p1 - c.p0;
	for (long k = 0; same_params && k < b.p1 - b.p0; k++)
		same_params = strcmp(b.t->header[b.p0 + k], c.t->header[c.p0 + k]) == 0;
	if (!same_params) {
		chk_drift(C, &nd,
			  "sweep.csv: the swept parameters differ; the sweeps cannot be "
			  "compared point by point");
		goto out;
	}
	size_t npb = 0, npc = 0;
	struct prange *pb = point_ranges(&b, &npb), *pc = point_ranges(&c, &npc);
	if (!pb || !pc) {
		free_ranges(pb, npb);
		free_ranges(pc, npc);
		rc = DCS_EXIT_RUNTIME;
		goto out;
	}
	qsort(pc, npc, sizeof(*pc), cmp_prange);
	for (size_t i = 0; i < npb; i++) {
		const char *key = pb[i].key;
		const struct prange *hit = bsearch(&pb[i], pc, npc, sizeof(*pc), cmp_prange);
		if (!hit) {
			chk_drift(C, &nd,
				  "sweep.csv point %s is in the baseline but not in the results",
				  key);
			continue;
		}
		for (size_t col = (size_t)b.status + 1; col < b.t->ncols; col++) {
			const char *m = b.t->header[col];
			long cc = dcs_csv_col(c.t, m);
			bool numb, numc;
			size_t nb = point_values(&b, &pb[i], (long)col, xb, tb, &numb);
			if (nb == 0 || cc < 0)
				continue; /* a missing column is one drift line, below */
			size_t nc = point_values(&c, hit, cc, xc, tc, &numc);
			if (nc == 0) {
				chk_drift(C, &nd,
					  "sweep.csv point %s metric %s: no value in the results",
					  key, m);
				continue;
			}
			if (numb && numc) {
				stat_compare(C, key, m, xb, nb, xc, nc, &nd);
				continue;
			}
			/* Text: the same set of values. */
			bool same = true;
			for (size_t k = 0; k < nb && same; k++)
				same = text_in(tc, nc, tb[k]);
			for (size_t k = 0; k < nc && same; k++)
				same = text_in(tb, nb, tc[k]);
			C->cells++;
			if (same) {
				C->n_pass++;
			} else {
				C->n_fail++;
				chk_drift(C, &nd,
					  "sweep.csv point %s metric %s: fail: the values differ "
					  "(baseline %s, current %s)",
					  key, m, tb[0], tc[0]);
			}
		}
	}
	for (size_t i = 0; i < npc; i++) {
		/* pb is in file order (the order of the report): search it by hand. */
		bool found = false;
		for (size_t k = 0; k < npb && !found; k++)
			found = strcmp(pb[k].key, pc[i].key) == 0;
		if (!found)
			chk_drift(C, &nd, "sweep.csv point %s is new (not in the baseline)",
				  pc[i].key);
	}
	free_ranges(pb, npb);
	free_ranges(pc, npc);
	for (size_t col = (size_t)b.status + 1; col < b.t->ncols; col++)
		if (dcs_csv_col(c.t, b.t->header[col]) < 0)
			chk_drift(C, &nd,
				  "sweep.csv metric %s is in the baseline but not in the results",
				  b.t->header[col]);
	for (size_t col = (size_t)c.status + 1; col < c.t->ncols; col++)
		if (dcs_csv_col(b.t, c.t->header[col]) < 0)
			chk_drift(C, &nd, "sweep.csv metric %s is new (not in the baseline)",
				  c.t->header[col]);
out:
	if ((int)nd > C->max_per_file)
		fprintf(C->out, "drift: sweep.csv: ... and %zu more\n",
			nd - (size_t)C->max_per_file);
	if (!C->o->strict && (int)C->n_inconclusive > C->max_per_file)
		fprintf(C->out, "note: ... and %zu more inconclusive\n",
			C->n_inconclusive - (size_t)C->max_per_file);
	free(xb);
	free(xc);
	free(tb);
	free(tc);
	dcs_csv_free(b.t);
	dcs_csv_free(c.t);
	return rc;
}
