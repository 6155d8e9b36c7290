/*
 * Statistics for the distribution tests (tests/test_oracle_*.c), written
 * here so that the tests' verdicts do not depend on the code under test.
 *
 * - One-sample Kolmogorov-Smirnov test: D = sup |F_n(x) - F(x)| of a sample
 *   against a continuous CDF, and the critical D at level alpha from the
 *   Kolmogorov distribution Q(lambda) = 2 sum_{k>=1} (-1)^(k-1) e^(-2 k^2
 *   lambda^2) with Stephens' small-sample correction lambda = (sqrt(n) +
 *   0.12 + 0.11 / sqrt(n)) D (Stephens, JRSS B 32, 1970; Press et al.,
 *   Numerical Recipes §14.3).
 * - The same D for a sample known only through a histogram: F_n is exact at
 *   each bin's upper edge, so the largest difference over the edges is at
 *   most the sample's D, and the test at the same critical value is
 *   conservative (it rejects a true distribution no more often than alpha).
 * - Student's t quantile (GSL) for tolerances from replications.
 * - Erlang C, the probability that an arrival waits in M/M/c (Kleinrock,
 *   Queueing Systems vol. 1, 3.4), for the queue oracles.
 */
#ifndef DCISIM_TESTS_STATS_H
#define DCISIM_TESTS_STATS_H

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Kolmogorov's Q(lambda) = P(sqrt(n) D > lambda) as n -> infinity. */
static inline double st_kolmogorov_q(double lambda)
{
	if (lambda < 0.2)
		return 1.0;
	double sum = 0, sign = 1;
	for (int k = 1; k <= 100; k++) {
		double term = sign * exp(-2.0 * k * k * lambda * lambda);
		sum += term;
		if (fabs(term) < 1e-16)
			break;
		sign = -sign;
	}
	double q = 2 * sum;
	return q < 0 ? 0 : q > 1 ? 1 : q;
}

static inline double st_ks_scale(size_t n)
{
	double s = sqrt((double)n);
	return s + 0.12 + 0.11 / s;
}

/* The D above which a sample of n is rejected at level alpha. */
static inline double st_ks_critical(size_t n, double alpha)
{
	double lo = 0.2, hi = 5;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (st_kolmogorov_q(mid) > alpha)
			lo = mid;
		else
			hi = mid;
	}
	return hi / st_ks_scale(n);
}

/* The p-value of D for a sample of n. */
static inline double st_ks_pvalue(size_t n, double d)
{
	return st_kolmogorov_q(st_ks_scale(n) * d);
}

/* D of a sample (sorted in place) against cdf(x, p). */
static inline double st_ks_d(double *x, size_t n, double (*cdf)(double, const void *),
			     const void *p)
{
	gsl_sort(x, 1, n);
	double d = 0;
	for (size_t i = 0; i < n; i++) {
		double f = cdf(x[i], p);
		double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
		if (lo > d)
			d = lo;
		if (hi > d)
			d = hi;
	}
	return d;
}

/* Exponential CDF with mean *(const double *)p. */
static inline double st_exp_cdf(double x, const void *p)
{
	return gsl_cdf_exponential_P(x, *(const double *)p);
}

/* Two-sided Student t quantile for a confidence level (0.999: 99.9 %). */
static inline double st_t_quantile(double confidence, size_t dof)
{
	return gsl_cdf_tdist_Pinv(1 - (1 - confidence) / 2, (double)dof);
}

/* Erlang C at offered load a = lambda / mu < c. */
static inline double st_erlang_c(int c, double a)
{
	double term = 1, sum = 0; /* a^k / k! */
	for (int k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term / (1 - a / c);
	return top / (sum + top);
}

#endif
