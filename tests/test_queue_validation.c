/*
 * Validation of the event kernel with queues built directly on it: M/M/1 and
 * M/M/c (FIFO, exponential interarrival and service times drawn from named
 * kernel streams) against the closed forms.
 *
 *   M/M/1: W = 1 / (mu - lambda)
 *   M/M/c: a = lambda / mu, rho = a / c,
 *          Erlang C  P(wait) = (a^c / c!) / (1 - rho)
 *                              / (sum_{k<c} a^k / k! + (a^c / c!) / (1 - rho)),
 *          W = P(wait) / (c mu - lambda) + 1 / mu
 * (Kleinrock, Queueing Systems vol. 1, 1975, §3.2 and §3.4.)
 *
 * Each case runs a fixed seed long enough that the standard error of each
 * figure is at most about 0.4%, a fifth of the 2% tolerance (measured over
 * eight other seeds: successive customers are correlated, most at rho = 0.8
 * and for the waiting probability), after a warm-up of 2% of the customers
 * who are not counted.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dcisim/kernel.h"
#include "stats.h"
#include "validation.h"

struct customer {
	dcs_time_t arrived_at;
	uint64_t index; /* arrival order */
};

struct station {
	struct dcs_kernel *k;
	gsl_rng *arrivals, *service;
	double mean_interarrival_ns, mean_service_ns;
	int servers, busy;
	/* FIFO of waiting customers (a ring). */
	struct customer *wait;
	size_t wait_cap, wait_head, wait_len;
	uint64_t arrived, warmup, limit;
	/* Counted customers (after the warm-up). */
	uint64_t done, waited;
	double sum_response_ns;
};

static void departure(struct dcs_kernel *k, void *ctx, const void *payload);

static void start_service(struct station *s, struct customer c)
{
	dcs_time_t d = (dcs_time_t)llround(gsl_ran_exponential(s->service, s->mean_service_ns));
	dcs_schedule_in(s->k, d, departure, s, &c, sizeof(c));
}

static void arrival(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)payload;
	struct station *s = ctx;
	struct customer c = {dcs_now(k), s->arrived++};
	if (s->busy < s->servers) {
		s->busy++;
		start_service(s, c);
	} else {
		if (c.index >= s->warmup)
			s->waited++;
		assert_true(s->wait_len < s->wait_cap);
		s->wait[(s->wait_head + s->wait_len++) % s->wait_cap] = c;
	}
	if (s->arrived < s->limit) {
		dcs_time_t gap =
		    (dcs_time_t)llround(gsl_ran_exponential(s->arrivals, s->mean_interarrival_ns));
		dcs_schedule_in(k, gap, arrival, s, NULL, 0);
	}
}

static void departure(struct dcs_kernel *k, void *ctx, const void *payload)
{
	struct station *s = ctx;
	struct customer c;
	memcpy(&c, payload, sizeof(c));
	/* The warm-up is counted in arrivals: with several servers customers
	 * may finish out of order. */
	if (c.index >= s->warmup) {
		s->sum_response_ns += (double)(dcs_now(k) - c.arrived_at);
		s->done++;
	}
	if (s->wait_len > 0) {
		struct customer next = s->wait[s->wait_head];
		s->wait_head = (s->wait_head + 1) % s->wait_cap;
		s->wait_len--;
		start_service(s, next);
	} else {
		s->busy--;
	}
}

struct result {
	double mean_response_s, p_wait;
};

static struct result run_station(int servers, double lambda_per_s, double mu_per_s,
				 uint64_t customers, uint64_t seed)
{
	struct station s = {0};
	s.k = dcs_kernel_create(seed);
	s.arrivals = dcs_rng(s.k, "validation/arrivals");
	s.service = dcs_rng(s.k, "validation/service");
	s.mean_interarrival_ns = 1e9 / lambda_per_s;
	s.mean_service_ns = 1e9 / mu_per_s;
	s.servers = servers;
	s.wait_cap = 1 << 20;
	s.wait = malloc(s.wait_cap * sizeof(*s.wait));
	assert_non_null(s.wait);
	s.warmup = customers / 50;
	s.limit = customers + s.warmup;
	dcs_schedule(s.k, 0, arrival, &s, NULL, 0);
	assert_int_equal(dcs_kernel_run(s.k, DCS_TIME_NEVER), DCS_STOP_EMPTY);
	assert_int_equal(s.arrived, s.limit);
	assert_int_equal(s.done, s.limit - s.warmup);
	struct result r = {s.sum_response_ns / (double)s.done / 1e9,
			   (double)s.waited / (double)(s.limit - s.warmup)};
	free(s.wait);
	dcs_kernel_destroy(s.k);
	return r;
}

static const char source_mm1[] = "M/M/1: W = 1/(mu - lambda) (Kleinrock 1975, 3.2)";
static const char source_mmc[] = "M/M/c: Erlang C (Kleinrock 1975, 3.4)";

static void test_mm1_rho_05(void **state)
{
	(void)state;
	double mu = 1000, lambda = 500;
	struct result r = run_station(1, lambda, mu, 400000, 11);
	dcs_validate("M/M/1 rho 0.5 mean response", source_mm1, 1 / (mu - lambda) * 1e3,
		     r.mean_response_s * 1e3, 0.02, 0, "ms");
	dcs_validate("M/M/1 rho 0.5 P(wait)", source_mm1, lambda / mu, r.p_wait, 0.02, 0, "ratio");
}

static void test_mm1_rho_08(void **state)
{
	(void)state;
	double mu = 1000, lambda = 800;
	struct result r = run_station(1, lambda, mu, 1500000, 12);
	dcs_validate("M/M/1 rho 0.8 mean response", source_mm1, 1 / (mu - lambda) * 1e3,
		     r.mean_response_s * 1e3, 0.02, 0, "ms");
	dcs_validate("M/M/1 rho 0.8 P(wait)", source_mm1, lambda / mu, r.p_wait, 0.02, 0, "ratio");
}

static void check_mmc(int c, double rho, uint64_t customers, uint64_t seed)
{
	double mu = 1000, lambda = rho * c * mu, a = lambda / mu;
	double pw = st_erlang_c(c, a);
	double w = pw / (c * mu - lambda) + 1 / mu;
	struct result r = run_station(c, lambda, mu, customers, seed);
	char name[96];
	snprintf(name, sizeof(name), "M/M/%d rho %.1f mean response", c, rho);
	dcs_validate(name, source_mmc, w * 1e3, r.mean_response_s * 1e3, 0.02, 0, "ms");
	snprintf(name, sizeof(name), "M/M/%d rho %.1f Erlang C P(wait)", c, rho);
	dcs_validate(name, source_mmc, pw, r.p_wait, 0.02, 0, "ratio");
}

static void test_mmc_rho_05(void **state)
{
	(void)state;
	check_mmc(4, 0.5, 2000000, 21);
}

static void test_mmc_rho_08(void **state)
{
	(void)state;
	check_mmc(4, 0.8, 3000000, 22);
}

/* The closed form itself, against hand-computed figures: Erlang C for c = 2,
 * a = 1 is 1/3; for c = 1 it is rho. */
static void test_erlang_c_formula(void **state)
{
	(void)state;
	assert_true(fabs(st_erlang_c(2, 1.0) - 1.0 / 3.0) < 1e-12);
	assert_true(fabs(st_erlang_c(1, 0.8) - 0.8) < 1e-12);
	/* Same seed, same run: the result is a pure function of the seed. */
	struct result a = run_station(2, 1000, 1000, 20000, 5);
	struct result b = run_station(2, 1000, 1000, 20000, 5);
	assert_true(a.mean_response_s == b.mean_response_s);
	assert_true(a.p_wait == b.p_wait);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_erlang_c_formula), cmocka_unit_test(test_mm1_rho_05),
	    cmocka_unit_test(test_mm1_rho_08),       cmocka_unit_test(test_mmc_rho_05),
	    cmocka_unit_test(test_mmc_rho_08),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
