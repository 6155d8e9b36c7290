/*
 * The cases of tests/validation/ns3_tcp_cases.cc run through dcisim's
 * network (include/dcisim/net.h), printing the same "case,metric,value"
 * rows, so that scripts/ns3-validation can put the two side by side.
 *
 * The topology is the same dumbbell.  ns-3's point-to-point links frame an
 * IP packet with 2 bytes of PPP, dcisim's with 38 bytes of Ethernet, so the
 * dcisim links get the line rate that carries the same goodput (x 1538/1502)
 * and the buffer that holds the same time (the same factor): the queueing
 * delay and the goodput then compare one to one.
 *
 * Usage: dcisim_tcp_cases CASE SECONDS [params...]   (as ns3_tcp_cases)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/loader.h"
#include "dcisim/net.h"

#define FRAMING (1538.0 / 1502.0)
#define BN_MS   0.1
#define LAST_MS 0.001

struct env {
	struct dcs_scenario *scn;
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	struct dcs_net *net;
};

static void die(const char *why)
{
	fprintf(stderr, "dcisim_tcp_cases: %s\n", why);
	exit(3);
}

static double km_for_ms(double one_way_ms)
{
	return one_way_ms / 1e3 / 4.9e-6;
}

/* Senders s0..s{n-1}, each over an access link of one-way acc_ms[i] (10
 * Gb/s) to r1; r1 -> r2 the 1 Gb/s bottleneck with buf bytes (ns-3's) and
 * path loss; r2 -> d the last hop.  Sites: s0..s{n-1}, r1, r2, d. */
static void build(struct env *e, int n, const double *acc_ms, double buf, double loss)
{
	char json[8192];
	size_t o = 0;
	o += (size_t)snprintf(json + o, sizeof(json) - o,
			      "{\"dcisim\": 1, \"name\": \"ns3\", \"duration_s\": 3600,"
			      " \"output\": {\"sample_s\": 3600}, \"sites\": [");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "{\"id\": \"s%d\"}, ", i);
	o += (size_t)snprintf(json + o, sizeof(json) - o,
			      "{\"id\": \"r1\"}, {\"id\": \"r2\"}, {\"id\": \"d\"}], \"links\": [");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
				      "{\"id\": \"acc%d\", \"a\": \"s%d\", \"b\": \"r1\","
				      " \"distance_km\": %.17g, \"bandwidth_gbps\": %.17g},",
				      i, i, km_for_ms(acc_ms[i]), 10 * FRAMING);
	o += (size_t)snprintf(
	    json + o, sizeof(json) - o,
	    "{\"id\": \"bn\", \"a\": \"r1\", \"b\": \"r2\", \"distance_km\": %.17g,"
	    " \"bandwidth_gbps\": %.17g, \"buffer_kib\": %.17g, \"loss\": %.17g},"
	    "{\"id\": \"last\", \"a\": \"r2\", \"b\": \"d\", \"distance_km\": %.17g,"
	    " \"bandwidth_gbps\": %.17g}]}",
	    km_for_ms(BN_MS), FRAMING, buf * FRAMING / 1024, loss, km_for_ms(LAST_MS),
	    10 * FRAMING);
	int nerr = 0;
	e->scn = dcs_scenario_load_text(json, strlen(json), "dcisim_tcp_cases", stderr, &nerr);
	if (!e->scn || nerr)
		die("bad scenario");
	e->k = dcs_kernel_create(1);
	e->bus = dcs_bus_create();
	e->net = dcs_net_create(e->k, e->bus, e->scn);
	if (!e->k || !e->bus || !e->net)
		die("out of memory");
}

static void destroy(struct env *e)
{
	dcs_net_destroy(e->net);
	dcs_bus_destroy(e->bus);
	dcs_kernel_destroy(e->k);
	dcs_scenario_free(e->scn);
}

static struct dcs_flow *bulk(struct env *e, int src, int dst, double window)
{
	struct dcs_flow_spec s = {.src = src,
				  .dst = dst,
				  .bytes = INFINITY,
				  .demand_Bps = INFINITY,
				  .streams = 1,
				  .window_bytes = window,
				  .label = "bulk"};
	return dcs_flow_start(e->net, &s);
}

static void noop(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k, (void)ctx, (void)payload;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The round trip of a probe from s0 to d and back at n instants spread over
 * `span` seconds: mean and 99th percentile, in ms. */
static void probe(struct env *e, const char *c, int src, int dst, double span)
{
	int n = 20000;
	double *v = malloc(sizeof(double) * (size_t)n), sum = 0;
	if (!v)
		die("out of memory");
	dcs_time_t t0 = dcs_now(e->k);
	for (int i = 0; i < n; i++) {
		dcs_time_t t = t0 + dcs_time_from_s((i + 0.5) * span / n);
		dcs_schedule(e->k, t, noop, NULL, NULL, 0);
		dcs_kernel_run(e->k, t);
		dcs_time_t ab = dcs_net_latency_now(e->net, src, dst, 9);
		dcs_time_t ba = dcs_net_latency_now(e->net, dst, src, 9);
		v[i] = dcs_time_to_ms(ab + ba);
		sum += v[i];
	}
	qsort(v, (size_t)n, sizeof(double), cmp);
	printf("%s,rtt_mean_ms,%.9g\n", c, sum / n);
	printf("%s,rtt_p99_ms,%.9g\n", c, v[(int)(0.99 * (n - 1) + 0.5)]);
	free(v);
}

static double arg(int argc, char **argv, int i, double def)
{
	return i < argc ? atof(argv[i]) : def;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: dcisim_tcp_cases CASE SECONDS [params...]\n");
		return 2;
	}
	const char *c = argv[1];
	struct env e;
	/* Sites: senders first, then r1, r2, d. */
	if (strcmp(c, "window") == 0) {
		double rtt = arg(argc, argv, 3, 20), w = arg(argc, argv, 4, 262144);
		double acc = rtt / 2 - BN_MS - LAST_MS;
		build(&e, 1, &acc, arg(argc, argv, 5, 5e6), 0);
		struct dcs_flow *f = bulk(&e, 0, 3, w);
		printf("window,goodput_Bps_0,%.9g\n", dcs_flow_rate_Bps(f));
		probe(&e, c, 0, 3, 60);
	} else if (strcmp(c, "loss") == 0) {
		double rtt = arg(argc, argv, 3, 20), loss = arg(argc, argv, 4, 1e-4);
		double acc = rtt / 2 - BN_MS - LAST_MS;
		build(&e, 1, &acc, arg(argc, argv, 5, 5e6), loss);
		struct dcs_flow *f = bulk(&e, 0, 3, 0);
		printf("loss,goodput_Bps_0,%.9g\n", dcs_flow_rate_Bps(f));
	} else if (strcmp(c, "tworrt") == 0) {
		double acc[2] = {arg(argc, argv, 3, 10) / 2 - BN_MS - LAST_MS,
				 arg(argc, argv, 4, 40) / 2 - BN_MS - LAST_MS};
		build(&e, 2, acc, arg(argc, argv, 5, 2e6), 0);
		struct dcs_flow *f0 = bulk(&e, 0, 4, 0), *f1 = bulk(&e, 1, 4, 0);
		printf("tworrt,goodput_Bps_0,%.9g\n", dcs_flow_rate_Bps(f0));
		printf("tworrt,goodput_Bps_1,%.9g\n", dcs_flow_rate_Bps(f1));
	} else if (strcmp(c, "reqresp") == 0) {
		double rtt = arg(argc, argv, 3, 0.8);
		int nbulk = (int)arg(argc, argv, 4, 1);
		double acc[16];
		if (nbulk < 0 || nbulk > 15)
			die("nbulk out of range");
		for (int i = 0; i <= nbulk; i++)
			acc[i] = rtt / 2 - BN_MS - LAST_MS;
		build(&e, nbulk + 1, acc, arg(argc, argv, 5, 1e6), 0);
		int d = nbulk + 3;
		struct dcs_flow *f[16];
		for (int i = 0; i < nbulk; i++)
			f[i] = bulk(&e, i + 1, d, 0);
		for (int i = 0; i < nbulk; i++)
			printf("reqresp,goodput_Bps_%d,%.9g\n", i, dcs_flow_rate_Bps(f[i]));
		probe(&e, c, 0, d, 60);
	} else {
		fprintf(stderr, "dcisim_tcp_cases: unknown case %s\n", c);
		return 2;
	}
	destroy(&e);
	return 0;
}
