/*
 * Hardening (docs/hardening.md): hostile and extreme inputs get a clear
 * error or a defined result, never a crash or a hang; scenarios too big for
 * the machine are refused up front with the estimate and the key to change;
 * runs stop cleanly at their limits with a note in run.json.
 *
 * Each input kind named in the issue has its test: deep nesting, huge
 * numbers, NaN and infinities, negative zero, duplicate keys, very long
 * strings, invalid UTF-8, million-element arrays, for the scenario loader,
 * the sweep loader and the result readers of `dcisim check`.  Timings are
 * asserted as generous bounds or as ratios (linear, not quadratic), so that
 * they hold under valgrind and sanitizers too.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "run.h"
#include "sweep.h"

/* ---- helpers ---- */

/* A growable string. */
struct sb {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		assert_non_null(b->s);
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

static void sb_repeat(struct sb *b, const char *piece, size_t times)
{
	for (size_t i = 0; i < times; i++)
		sb_add(b, "%s", piece);
}

/* Loads text of a given length (NUL bytes allowed), capturing messages. */
static struct dcs_scenario *load_n(const char *text, size_t len, char **errs, int *nerr)
{
	size_t elen = 0;
	FILE *err = open_memstream(errs, &elen);
	assert_non_null(err);
	struct dcs_scenario *s = dcs_scenario_load_text(text, len, "h.json", err, nerr);
	fclose(err);
	return s;
}

static struct dcs_scenario *load(const char *text, char **errs, int *nerr)
{
	return load_n(text, strlen(text), errs, nerr);
}

static double cpu_now(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* Every message is one line in the FILE:LINE:COL: error: form, and there is
 * at least one; returns the number of lines. */
static size_t assert_error_lines(const char *errs, const char *label)
{
	size_t n = 0;
	for (const char *line = errs; *line;) {
		const char *nl = strchr(line, '\n');
		assert_non_null(nl);
		if (strncmp(line, label, strlen(label)) != 0 || !strstr(line, ": error: "))
			fail_msg("not an error line: %.*s", (int)(nl - line), line);
		n++;
		line = nl + 1;
	}
	assert_true(n > 0);
	return n;
}

/* Asserts a refused scenario whose first message contains `want`. */
static void refused_with(const char *text, size_t len, const char *want)
{
	char *errs = NULL;
	int nerr = 0;
	struct dcs_scenario *s = load_n(text, len, &errs, &nerr);
	if (s)
		fail_msg("accepted, expected an error containing '%s'", want);
	assert_true(nerr > 0);
	assert_error_lines(errs, "h.json:");
	if (!strstr(errs, want))
		fail_msg("expected '%s' in:\n%.2000s", want, errs);
	free(errs);
}

static void refused(const char *text, const char *want)
{
	refused_with(text, strlen(text), want);
}

static struct dcs_scenario *accepted(const char *text)
{
	char *errs = NULL;
	int nerr = 0;
	struct dcs_scenario *s = load(text, &errs, &nerr);
	if (!s)
		fail_msg("refused:\n%s", errs);
	free(errs);
	return s;
}

#define HEAD  "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 10, "
#define SITES "\"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}]"
#define LINK                                                                                       \
	"\"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10, "            \
	"\"bandwidth_gbps\": 10}]"

/* ---- the input kinds of the issue ---- */

/* Nesting deeper than the parser's limit (1000) is a syntax error at the
 * first level too deep; nesting within it is a type error.  Neither
 * recurses without bound. */
static void test_deep_nesting(void **state)
{
	(void)state;
	struct sb b = {0};
	sb_add(&b, HEAD SITES ", \"description\": ");
	sb_repeat(&b, "[", 100000);
	sb_repeat(&b, "]", 100000);
	sb_add(&b, "}");
	refused(b.s, "nest too deep");
	free(b.s);

	b = (struct sb){0};
	sb_add(&b, HEAD SITES ", \"description\": ");
	sb_repeat(&b, "{\"a\": ", 500);
	sb_add(&b, "1");
	sb_repeat(&b, "}", 500);
	sb_add(&b, "}");
	refused(b.s, "description: must be a string, not an object");
	free(b.s);

	/* The result reader flattens at most 32 levels and leaves the rest
	 * out: a defined result, not a crash. */
	b = (struct sb){0};
	sb_repeat(&b, "{\"k\": ", 900);
	sb_add(&b, "1");
	sb_repeat(&b, "}", 900);
	char msg[128];
	struct dcs_kv *kv = dcs_kv_flatten_json(b.s, b.len, msg, sizeof(msg));
	assert_non_null(kv);
	assert_int_equal(kv->n, 0);
	dcs_kv_free(kv);
	free(b.s);
}

/* Numbers beyond a double are infinite to the parser: "must be a finite
 * number"; large finite ones fail their range with the range in words. */
static void test_huge_numbers(void **state)
{
	(void)state;
	refused("{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 1e400, " SITES "}",
		"duration_s: must be a finite number");
	refused("{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": -1e400, " SITES "}",
		"duration_s: must be a finite number");
	refused("{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 1e308, " SITES "}",
		"duration_s: 1e+308 is out of range: must be > 0 and <= 1000000000");
	refused(HEAD SITES ", \"seed\": 18446744073709551616}",
		"seed: 1.84467440737e+19 is out of range");
	/* 400 digits: read as a finite number of 400 digits, then out of range. */
	struct sb b = {0};
	sb_add(&b, "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": ");
	sb_repeat(&b, "9", 400);
	sb_add(&b, ", " SITES "}");
	refused(b.s, "duration_s: must be a finite number");
	free(b.s);
	/* Whole-number keys refuse fractions and huge values alike. */
	refused(HEAD SITES ", " LINK ", \"storage\": {\"arrays\": [{\"site\": \"a\", \"servers\": "
			   "1e300}, {\"site\": \"b\"}]}}",
		"servers: 1e+300 is out of range");
	/* The smallest positive double is a value like any other. */
	struct dcs_scenario *s =
	    accepted(HEAD SITES ", " LINK ", \"vms\": [{\"id\": \"v\", \"site\": "
				"\"a\", \"memory_gib\": 5e-324}]}");
	assert_true(s->vms[0].memory_gib > 0);
	dcs_scenario_free(s);
}

/* JSON has no NaN or Infinity; the message says so. */
static void test_nan_and_infinity(void **state)
{
	(void)state;
	const char *words[] = {"NaN", "Infinity", "-Infinity", "nan", "inf"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text),
			 "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": %s, " SITES "}",
			 words[i]);
		refused(text,
			"h.json:1:42: error: not valid JSON here (JSON has no NaN or Infinity");
	}
}

/* -0 reads as 0: accepted where 0 is, stored without its sign, so outputs
 * never say "-0". */
static void test_negative_zero(void **state)
{
	(void)state;
	struct dcs_scenario *s = accepted(
	    HEAD "\"sites\": [{\"id\": \"a\", \"x\": -0.0, \"y\": -0}, {\"id\": \"b\"}], "
		 "\"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": -0, "
		 "\"bandwidth_gbps\": 1, \"loss\": -0e5}]}");
	assert_true(s->sites[0].x == 0 && !signbit(s->sites[0].x));
	assert_true(!signbit(s->sites[0].y));
	assert_true(s->links[0].distance_km == 0 && !signbit(s->links[0].distance_km));
	assert_true(!signbit(s->links[0].loss));
	dcs_scenario_free(s);
	/* -0 where the value must be > 0 is 0, and refused as 0. */
	refused(HEAD SITES
		", \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 1, "
		"\"bandwidth_gbps\": -0}]}",
		"bandwidth_gbps: 0 is out of range: must be > 0");
}

/* Duplicate keys are errors at every level, in scenarios and sweeps. */
static void test_duplicate_keys(void **state)
{
	(void)state;
	refused("{\"dcisim\": 1, \"name\": \"h\", \"name\": \"i\", \"duration_s\": 1, " SITES "}",
		"h.json:1:28: error: name: duplicate key");
	refused(HEAD "\"sites\": [{\"id\": \"a\", \"x\": 1, \"x\": 2}]}",
		"sites[0].x: duplicate key");
	/* 100000 copies of one key: the first hundred errors, then a stop, fast. */
	struct sb b = {0};
	sb_add(&b, HEAD SITES);
	sb_repeat(&b, ", \"seed\": 1", 100000);
	sb_add(&b, "}");
	char *errs = NULL;
	int nerr = 0;
	double t0 = cpu_now();
	assert_null(load(b.s, &errs, &nerr));
	assert_true(cpu_now() - t0 < 5.0);
	assert_true(nerr >= 100);
	assert_true(assert_error_lines(errs, "h.json") <= 102);
	free(errs);
	free(b.s);

	char *msgs = NULL;
	size_t mlen = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	const char *sweep =
	    "{\"dcisim_sweep\": 1, \"dcisim_sweep\": 1, \"base\": \"../metro-vmotion.json\", "
	    "\"grid\": {\"seed\": [1], \"seed\": [2]}}";
	struct dcs_sweep *sw =
	    dcs_sweep_load_text(sweep, strlen(sweep), "scenarios/sweeps/h.json", err, &nerr);
	fclose(err);
	assert_null(sw);
	assert_non_null(strstr(msgs, "dcisim_sweep: duplicate key"));
	assert_non_null(strstr(msgs, "seed is swept twice"));
	free(msgs);
}

/* Strings over their limits are refused with the limit; a huge key is an
 * unknown key; neither takes long. */
static void test_long_strings(void **state)
{
	(void)state;
	struct sb b = {0};
	sb_add(&b, HEAD "\"sites\": [{\"id\": \"");
	sb_repeat(&b, "s", 65);
	sb_add(&b, "\"}]}");
	refused(b.s, "sites[0].id: must be 1 to 64 characters long");
	free(b.s);

	b = (struct sb){0};
	sb_add(&b, HEAD SITES ", \"description\": \"");
	sb_repeat(&b, "d", 10 << 20); /* 10 MiB */
	sb_add(&b, "\"}");
	double t0 = cpu_now();
	refused(b.s, "description: must be 1 to 4096 characters long");
	free(b.s);

	b = (struct sb){0};
	sb_add(&b, HEAD SITES ", \"");
	sb_repeat(&b, "k", 1 << 20);
	sb_add(&b, "\": 1}");
	refused(b.s, "unknown key");
	free(b.s);
	assert_true(cpu_now() - t0 < 10.0);
}

/* Bytes that are not UTF-8 are refused where they are, in values and keys:
 * stray continuation bytes, overlong forms, surrogates, truncated
 * sequences.  Valid multi-byte text is accepted. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *where;
	} cases[] = {
	    {HEAD SITES ", \"description\": \"caf\xff\"}",
	     "h.json:1:102: error: this byte is not UTF-8"},
	    {HEAD SITES ", \"description\": \"\xc0\x80\"}",
	     "h.json:1:99: error: this byte is not UTF-8"},
	    {HEAD SITES ", \"description\": \"\xed\xa0\x80\"}",
	     "h.json:1:99: error: this byte is not UTF-8"},
	    {HEAD SITES ", \"description\": \"\xf4\x90\x80\x80\"}",
	     "1:99: error: this byte is not UTF-8"},
	    {HEAD SITES ", \"description\": \"\xe2\x82\"}", "1:99: error: this byte is not UTF-8"},
	    {HEAD SITES ", \"d\xe9scription\": \"x\"}", "1:85: error: this byte is not UTF-8"},
	    {HEAD "\"sites\": [{\"id\": \"a\x80\"}]}", "1:65: error: this byte is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused(cases[i].text, cases[i].where);
	struct dcs_scenario *s =
	    accepted(HEAD SITES ", \"description\": \"Zürich – 東京 \xf0\x9f\x9b\xb0\"}");
	assert_string_equal(s->description, "Zürich – 東京 \xf0\x9f\x9b\xb0");
	dcs_scenario_free(s);
	/* Control characters written raw in a string are not JSON; \u0000
	 * would cut the string short; escaped forms of others are fine. */
	refused(HEAD SITES ", \"description\": \"two\nlines\"}", "control character written raw");
	refused(HEAD SITES ", \"description\": \"a\\u0000b\"}", "\\u0000 (a NUL character)");
	s = accepted(HEAD SITES ", \"description\": \"two\\nlines \\\\u0000 \\u001b\"}");
	assert_string_equal(s->description, "two\nlines \\u0000 \x1b");
	dcs_scenario_free(s);
	/* A key with a line break is reported on one line. */
	refused(HEAD SITES ", \"bad\\nkey\": 1}", "bad\\nkey");
	/* NUL bytes in the text. */
	refused_with(HEAD SITES "}\0", sizeof(HEAD SITES "}\0") - 1, "NUL bytes");
}

/* A million-element array is refused at the array limit, quickly. */
static void test_million_element_arrays(void **state)
{
	(void)state;
	struct sb b = {0};
	sb_add(&b, HEAD SITES ", \"links\": [");
	for (int i = 0; i < 1000000; i++)
		sb_add(&b, "%s0", i ? "," : "");
	sb_add(&b, "]}");
	double t0 = cpu_now();
	refused(b.s, "links: has 1000000 entries; at most 100000 are allowed");
	free(b.s);

	b = (struct sb){0};
	sb_add(&b, HEAD "\"sites\": [");
	for (int i = 0; i < 1000000; i++)
		sb_add(&b, "%s{\"id\": \"s%d\"}", i ? "," : "", i);
	sb_add(&b, "]}");
	refused(b.s, "sites: has 1000000 entries; at most 100000 are allowed");
	free(b.s);
	assert_true(cpu_now() - t0 < 20.0);

	/* In a sweep: a million values for one key is over the point limit. */
	b = (struct sb){0};
	sb_add(&b,
	       "{\"dcisim_sweep\": 1, \"base\": \"../metro-vmotion.json\", \"grid\": {\"seed\": [");
	for (int i = 0; i < 1000000; i++)
		sb_add(&b, "%s%d", i ? "," : "", i);
	sb_add(&b, "]}}");
	char *msgs = NULL;
	size_t mlen = 0;
	int nerr = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	struct dcs_sweep *sw =
	    dcs_sweep_load_text(b.s, b.len, "scenarios/sweeps/h.json", err, &nerr);
	fclose(err);
	assert_null(sw);
	assert_non_null(strstr(msgs, "more than 100000 points"));
	free(msgs);
	free(b.s);

	/* In a result file: a million rows read; a million columns refused. */
	b = (struct sb){0};
	sb_add(&b, "metric,value\n");
	for (int i = 0; i < 1000000; i++)
		sb_add(&b, "m%d,%d\n", i, i);
	char msg[256];
	struct dcs_csv *t = dcs_csv_parse(b.s, b.len, NULL, msg, sizeof(msg));
	assert_non_null(t);
	assert_int_equal(t->nrows, 1000000);
	assert_string_equal(dcs_csv_cell(t, 999999, 1), "999999");
	dcs_csv_free(t);
	free(b.s);
	b = (struct sb){0};
	for (int i = 0; i < 1000000; i++)
		sb_add(&b, "%sc", i ? "," : "");
	sb_add(&b, "\n");
	assert_null(dcs_csv_parse(b.s, b.len, NULL, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "line 1: more than 4096 fields"));
	free(b.s);
}

/* Loads n sites and n links, each link referring to two sites by id;
 * returns the CPU time. */
static double time_references(int n)
{
	struct sb b = {0};
	sb_add(&b, HEAD "\"sites\": [");
	for (int i = 0; i < n; i++)
		sb_add(&b, "%s{\"id\": \"s%d\"}", i ? "," : "", i);
	sb_add(&b, "], \"links\": [");
	for (int i = 0; i < n; i++)
		sb_add(&b,
		       "%s{\"id\": \"l%d\", \"a\": \"s%d\", \"b\": \"s%d\", \"distance_km\": 1, "
		       "\"bandwidth_gbps\": 1}",
		       i ? "," : "", i, n - 1 - i, (n - i) % n);
	sb_add(&b, "]}");
	char *errs = NULL;
	int nerr = 0;
	double t0 = cpu_now();
	struct dcs_scenario *s = load(b.s, &errs, &nerr);
	double secs = cpu_now() - t0;
	if (!s)
		fail_msg("%.1000s", errs);
	assert_int_equal(s->links[0].a, n - 1);
	assert_int_equal(s->links[0].b, 0);
	assert_int_equal(s->links[n - 1].a, 0);
	dcs_scenario_free(s);
	free(errs);
	free(b.s);
	return secs;
}

/* References are looked up by hash: four times the ids and references
 * take about four times as long, not sixteen (they took 54 s at 100000). */
static void test_references_stay_linear(void **state)
{
	(void)state;
	double small = time_references(25000), large = time_references(100000);
	if (large > 8 * small + 0.1)
		fail_msg("100000 references took %.3f s, 25000 took %.3f s: not linear", large,
			 small);
}

/* ---- resource limits, up front ---- */

static void test_budget_refusals(void **state)
{
	(void)state;
	/* A nanosecond sample interval over a year. */
	refused("{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 31536000, " SITES ", " LINK
		", \"output\": {\"sample_s\": 1e-9}}",
		"raise output.sample_s to 3.1536");
	refused(HEAD SITES ", " LINK ", \"output\": {\"sample_s\": 1e-10}}",
		"sample_s 1e-10 is below the 1 ns time resolution");
	/* Within the per-link limit, but 100 links x 2 directions is too many rows. */
	struct sb b = {0};
	sb_add(&b, "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 1000000, \"sites\": [{\"id\": "
		   "\"hub\"}");
	for (int i = 0; i < 100; i++)
		sb_add(&b, ", {\"id\": \"s%d\"}", i);
	sb_add(&b, "], \"links\": [");
	for (int i = 0; i < 100; i++)
		sb_add(&b,
		       "%s{\"id\": \"l%d\", \"a\": \"hub\", \"b\": \"s%d\", \"distance_km\": 1, "
		       "\"bandwidth_gbps\": 1}",
		       i ? "," : "", i, i);
	sb_add(&b, "], \"output\": {\"sample_s\": 1}}");
	refused(b.s,
		"output: links.csv and paths.csv would hold 2e+08 rows (1e+06 samples x 200 per "
		"sample), about 70 GB in memory; at most 4e+06 rows: raise output.sample_s to 50");
	free(b.s);
	/* 1e7 VMs: over the array limit. */
	b = (struct sb){0};
	sb_add(&b, HEAD SITES ", \"vms\": [");
	for (int i = 0; i < 10000000; i++)
		sb_add(&b, "%s1", i ? "," : "");
	sb_add(&b, "]}");
	refused(b.s, "vms: has 10000000 entries; at most 100000 are allowed");
	free(b.s);
	/* Events: 1e7 I/Os a second for a day. */
	refused(
	    "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 86400, " SITES ", " LINK
	    ", \"output\": {\"sample_s\": 60}, \"storage\": {\"arrays\": [{\"site\": \"a\"}, "
	    "{\"site\": \"b\"}], \"workloads\": [{\"site\": \"a\", \"iops\": 10}, {\"site\": "
	    "\"b\", "
	    "\"iops\": 1e7}]}}",
	    "this scenario would take about 1.73e+12 events (about 96 hours at 5e6 events/s); at "
	    "most 1e+10: lower storage.workloads[1].iops or shorten duration_s");
	/* A burst is counted for its length only: 1e6 IOPS for 10 s is fine. */
	struct dcs_scenario *s = accepted(
	    "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 86400, " SITES ", " LINK
	    ", \"output\": {\"sample_s\": 60}, \"storage\": {\"arrays\": [{\"site\": \"a\"}, "
	    "{\"site\": \"b\"}], \"workloads\": [{\"site\": \"b\", \"iops\": 1e6, \"start_s\": "
	    "100, "
	    "\"for_s\": 10}]}}");
	dcs_scenario_free(s);
	/* Random link failures every microsecond for a year. */
	refused(
	    "{\"dcisim\": 1, \"name\": \"h\", \"duration_s\": 31536000, " SITES
	    ", \"output\": {\"sample_s\": 3600}, \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": "
	    "\"b\", \"distance_km\": 10, \"bandwidth_gbps\": 10, \"mtbf_s\": 1e-6, \"mttr_s\": "
	    "1e-6}]}",
	    "raise links[0].mtbf_s or shorten duration_s");
	/* State that grows with a product: a 10000-node cluster's node pairs. */
	b = (struct sb){0};
	sb_add(&b, HEAD SITES ", \"clusters\": [{\"id\": \"c\", \"nodes\": [");
	for (int i = 0; i < 10000; i++)
		sb_add(&b, "%s{\"id\": \"n%d\", \"site\": \"%s\"}", i ? "," : "", i,
		       i % 2 ? "a" : "b");
	sb_add(&b, "]}]}");
	refused(b.s,
		"clusters: clusters[0] has 10000 nodes: their node pairs need about 6.4 GB; at "
		"most 2.15 GB: fewer nodes (5792 at most)");
	free(b.s);
	/* And the layer-2 MAC tables: VMs x sites (30000 x 30000 once took
	 * 23 GB before the kernel killed the run). */
	b = (struct sb){0};
	sb_add(&b, HEAD "\"sites\": [");
	for (int i = 0; i < 10000; i++)
		sb_add(&b, "%s{\"id\": \"s%d\"}", i ? "," : "", i);
	sb_add(&b, "], \"vms\": [");
	for (int i = 0; i < 10000; i++)
		sb_add(&b, "%s{\"id\": \"v%d\", \"site\": \"s%d\", \"memory_gib\": 1}",
		       i ? "," : "", i, i);
	sb_add(&b, "]}");
	refused(b.s,
		"vms: 10000 VMs x 10000 sites need about 3.2 GB of layer-2 MAC tables; at most "
		"2.15 GB: fewer VMs or sites");
	free(b.s);
}

/* ---- limits while running: exit 3, a note, complete: false ---- */

static char *read_text(const char *path)
{
	size_t len;
	char *t = dcs_read_file(path, &len);
	if (!t)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	return t;
}

static struct dcs_scenario *load_file_ok(const char *path)
{
	int nerr = 0;
	struct dcs_scenario *s = dcs_scenario_load_file(path, stderr, &nerr);
	if (!s)
		fail_msg("cannot load %s", path);
	return s;
}

/* Runs scn into a fresh directory with opts; returns the exit code and
 * run.json's text (to free). */
static int run_into(const struct dcs_scenario *scn, struct dcs_run_opts *o, char **runjson,
		    char *dir, size_t dirlen)
{
	snprintf(dir, dirlen, "/tmp/dcisim-hardening-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o->out_dir = dir;
	o->verbosity = -1;
	FILE *sink = fopen("/dev/null", "w");
	int code = dcs_run_scenario(scn, o, NULL, sink);
	fclose(sink);
	char p[4200];
	snprintf(p, sizeof(p), "%s/run.json", dir);
	*runjson = read_text(p);
	return code;
}

static void remove_dir(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_run_limits(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load_file_ok("scenarios/bench/storage-hour.json");
	char dir[4096], *rj;

	struct dcs_run_opts o = {.max_events = 100000};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 3);
	assert_non_null(strstr(rj, "\"complete\":\tfalse"));
	assert_non_null(strstr(rj, "\"note\":\t\"stopped at --max-events\""));
	assert_non_null(strstr(rj, "\"events\":\t100000,"));
	free(rj);
	remove_dir(dir);

	/* --max-wall-s is checked at least every 2^20 events, so a run of a
	 * minute (the hour of storage I/O) stops within a second or so. */
	double t0 = cpu_now();
	o = (struct dcs_run_opts){.max_wall_s = 0.3};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 3);
	assert_true(cpu_now() - t0 < 10.0);
	assert_non_null(strstr(rj, "\"complete\":\tfalse"));
	assert_non_null(strstr(rj, "\"note\":\t\"stopped at --max-wall-s\""));
	free(rj);
	remove_dir(dir);

	/* The bounds on pending events and result rows. */
	o = (struct dcs_run_opts){.max_pending = 5, .max_wall_s = 20};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 3);
	assert_non_null(strstr(rj, "stopped: more than 5 events pending at once"));
	free(rj);
	remove_dir(dir);
	o = (struct dcs_run_opts){.max_rows = 50};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 3);
	assert_non_null(strstr(rj, "stopped: the results hold more than 50 rows ("));
	free(rj);
	remove_dir(dir);
	dcs_scenario_free(scn);

	/* A workload keeping 65536 I/Os outstanding on 8 servers of 0.5 ms
	 * stops at the pending bound instead of eating the machine. */
	scn = accepted(HEAD SITES
		       ", " LINK ", \"storage\": {\"arrays\": [{\"site\": \"a\"}, "
		       "{\"site\": \"b\"}], \"workloads\": [{\"site\": \"a\", \"iops\": 1e6, "
		       "\"queue_depth\": 65536}]}}");
	o = (struct dcs_run_opts){.max_pending = 20000};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 3);
	assert_non_null(strstr(rj, "events pending at once"));
	free(rj);
	remove_dir(dir);
	dcs_scenario_free(scn);
}

/* An earlier run's run.json never survives a new write into the same
 * directory: it is removed before the tables and written last. */
static void test_run_json_written_last(void **state)
{
	(void)state;
	struct dcs_scenario *scn = load_file_ok("scenarios/metro-vmotion.json");
	char dir[4096], *rj;
	struct dcs_run_opts o = {0};
	assert_int_equal(run_into(scn, &o, &rj, dir, sizeof(dir)), 0);
	assert_non_null(strstr(rj, "\"complete\":\ttrue"));
	free(rj);
	/* Make summary.csv unwritable (a directory in its place): the second
	 * write fails and leaves no run.json at all. */
	char p[4200];
	snprintf(p, sizeof(p), "%s/summary.csv", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	o = (struct dcs_run_opts){.out_dir = dir, .verbosity = -1};
	FILE *sink = fopen("/dev/null", "w");
	assert_int_equal(dcs_run_scenario(scn, &o, NULL, sink), 3);
	fclose(sink);
	snprintf(p, sizeof(p), "%s/run.json", dir);
	struct stat st;
	assert_int_equal(stat(p, &st), -1);
	remove_dir(dir);
	dcs_scenario_free(scn);
}

/* A scenario that is a directory, or not there, is a clear error. */
static void test_unreadable_scenarios(void **state)
{
	(void)state;
	char *errs = NULL;
	size_t len = 0;
	int nerr = 0;
	FILE *err = open_memstream(&errs, &len);
	assert_null(dcs_scenario_load_file("scenarios", err, &nerr));
	assert_null(dcs_scenario_load_file("scenarios/no-such-file.json", err, &nerr));
	fclose(err);
	assert_non_null(strstr(errs, "scenarios: error: cannot read scenario: Is a directory"));
	assert_non_null(
	    strstr(errs, "no-such-file.json: error: cannot read scenario: No such file"));
	free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_huge_numbers),
	    cmocka_unit_test(test_nan_and_infinity),
	    cmocka_unit_test(test_negative_zero),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_long_strings),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_million_element_arrays),
	    cmocka_unit_test(test_references_stay_linear),
	    cmocka_unit_test(test_budget_refusals),
	    cmocka_unit_test(test_run_limits),
	    cmocka_unit_test(test_run_json_written_last),
	    cmocka_unit_test(test_unreadable_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
