/*
 * dcisim survive: the failure set against its closed-form count, failure
 * scenarios built from a base, the default time to strike, the criteria
 * file's errors (positions found here from the text, not by the loader), and
 * the judgement of runs against a baseline, by hand-made summaries whose
 * verdicts follow from the stated criteria.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/loader.h"
#include "dcisim/world.h"
#include "survive.h"

static struct dcs_scenario *load(const char *text)
{
	int nerr = 0;
	struct dcs_scenario *s =
	    dcs_scenario_load_text(text, strlen(text), "t.json", stderr, &nerr);
	assert_non_null(s);
	return s;
}

/* A generated design: S sites, a ring of links plus L - S chords (L >= S),
 * C clusters of N nodes, storage with A arrays (sites 0..A-1) and its
 * witness at the last site, cluster k's witness at site (S - 1 - k % 2). */
static char *topology(int S, int L, int C, int N, int A)
{
	size_t cap = 1 << 16, n = 0;
	char *t = malloc(cap);
	assert_non_null(t);
#define P(...) n += (size_t)snprintf(t + n, cap - n, __VA_ARGS__)
	P("{\"dcisim\": 1, \"name\": \"gen\", \"duration_s\": 10, \"sites\": [");
	for (int i = 0; i < S; i++)
		P("%s{\"id\": \"s%d\"}", i ? "," : "", i);
	P("], \"links\": [");
	for (int i = 0; i < L; i++) {
		int a = i % S, b = i < S ? (i + 1) % S : (i + 2) % S;
		P("%s{\"id\": \"l%d\", \"a\": \"s%d\", \"b\": \"s%d\", \"distance_km\": 10, "
		  "\"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}",
		  i ? "," : "", i, a, b);
	}
	P("], \"clusters\": [");
	for (int c = 0; c < C; c++) {
		P("%s{\"id\": \"c%d\", \"nodes\": [", c ? "," : "", c);
		for (int k = 0; k < N; k++)
			P("%s{\"id\": \"c%dn%d\", \"site\": \"s%d\"}", k ? "," : "", c, k,
			  k % (S - 1));
		P("], \"service_on\": \"c%dn0\", \"quorum\": \"witness\", \"witness_site\": "
		  "\"s%d\"}",
		  c, S - 1 - c % 2);
	}
	P("]");
	if (A) {
		P(", \"storage\": {\"mode\": \"active_active\", \"protocol\": \"fc\", "
		  "\"preferred_site\": \"s0\", \"witness_site\": \"s%d\", \"arrays\": [",
		  S - 1);
		for (int a = 0; a < A; a++)
			P("%s{\"site\": \"s%d\"}", a ? "," : "", a);
		P("], \"workloads\": [{\"site\": \"s0\", \"iops\": 10}]}");
	}
	P("}");
#undef P
	assert_true(n < cap);
	return t;
}

static size_t count_kind(const struct dcs_failure *f, size_t n, enum dcs_fault_kind k)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += f[i].kind == k;
	return c;
}

static void enumeration_matches_closed_form(void **state)
{
	(void)state;
	static const int shapes[][5] = {
	    /* S, L, C, N, A */
	    {3, 3, 1, 2, 2}, {4, 6, 2, 3, 2}, {5, 7, 3, 2, 2}, {3, 3, 0, 0, 2}, {4, 4, 1, 4, 0},
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		int S = shapes[i][0], L = shapes[i][1], C = shapes[i][2], N = shapes[i][3],
		    A = shapes[i][4];
		char *text = topology(S, L, C, N, A);
		struct dcs_scenario *s = load(text);
		/* Witness sites: the storage's (site S-1) and the clusters' (S-1,
		 * and S-2 once a second cluster exists), each once. */
		int W = A ? 1 : 0;
		if (C >= 1 && !A)
			W = 1;
		if (C >= 2)
			W += 1;
		size_t want = (size_t)(L + S + C * N + A + W);
		size_t n = dcs_survive_singles(s, NULL);
		assert_int_equal(n, want);
		struct dcs_failure *f = calloc(n, sizeof(*f));
		assert_int_equal(dcs_survive_singles(s, f), n);
		assert_int_equal(count_kind(f, n, DCS_FAULT_LINK_DOWN), (size_t)L);
		assert_int_equal(count_kind(f, n, DCS_FAULT_SITE_DOWN), (size_t)S);
		assert_int_equal(count_kind(f, n, DCS_FAULT_NODE_DOWN), (size_t)(C * N));
		assert_int_equal(count_kind(f, n, DCS_FAULT_ARRAY_DOWN), (size_t)A);
		assert_int_equal(count_kind(f, n, DCS_FAULT_WITNESS_DOWN), (size_t)W);
		assert_int_equal(dcs_survive_count(n, 1), n);
		assert_int_equal(dcs_survive_count(n, 2), n * (n - 1) / 2);
		/* Pair k is the k-th (i, j), i < j, of a nested loop. */
		size_t k = 0;
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++, k++) {
				size_t x, y;
				dcs_survive_pair(n, k, &x, &y);
				assert_int_equal(x, a);
				assert_int_equal(y, b);
			}
		assert_int_equal(k, dcs_survive_count(n, 2));
		assert_null(dcs_survive_unfit(s, n));
		free(f);
		dcs_scenario_free(s);
		free(text);
	}
}

static void unfit_scenarios_are_named(void **state)
{
	(void)state;
	/* One site: nothing to fail (losing the only site is no question). */
	struct dcs_scenario *s =
	    load("{\"dcisim\": 1, \"name\": \"one\", \"duration_s\": 10, \"sites\": [{\"id\": "
		 "\"a\"}], \"vms\": [{\"id\": \"v\", \"site\": \"a\", \"memory_gib\": 1}],"
		 " \"services\": [{\"id\": \"app\", \"vm\": \"v\", \"clients\": [{\"site\": \"a\", "
		 "\"share\": 1}]}]}");
	size_t n = dcs_survive_singles(s, NULL);
	assert_int_equal(n, 0);
	assert_non_null(strstr(dcs_survive_unfit(s, n), "nothing to fail"));
	dcs_scenario_free(s);
	/* Links but nothing that uses them: nothing to judge. */
	s = load(
	    "{\"dcisim\": 1, \"name\": \"bare\", \"duration_s\": 10, \"sites\": [{\"id\": "
	    "\"a\"}, {\"id\": \"b\"}], \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", "
	    "\"distance_km\": 1, \"bandwidth_gbps\": 1, \"technology\": \"dwdm\"}]}");
	n = dcs_survive_singles(s, NULL);
	assert_int_equal(n, 3);
	assert_non_null(strstr(dcs_survive_unfit(s, n), "nothing to judge"));
	dcs_scenario_free(s);
}

static void nodes_a_fault_cannot_name_are_left_out(void **state)
{
	(void)state;
	int nerr = 0;
	struct dcs_scenario *s =
	    dcs_scenario_load_file("scenarios/demos/demo-dci-cut-witness.json", stderr, &nerr);
	assert_non_null(s);
	/* Two clusters, both with nodes n1 and n2. */
	assert_int_equal(dcs_survive_unnamed(s), 4);
	struct dcs_failure f[64];
	size_t n = dcs_survive_singles(s, f);
	assert_int_equal(count_kind(f, n, DCS_FAULT_NODE_DOWN), 0);
	assert_int_equal(n, s->n_links + s->n_sites + 1 /* the witness */);
	dcs_scenario_free(s);
}

static const char base_json[] =
    "{\"dcisim\": 1, \"name\": \"mini\", \"seed\": 7, \"duration_s\": 10,\n"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"w\"}],\n"
    " \"links\": [{\"id\": \"l1\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10,\n"
    "            \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}],\n"
    " \"storage\": {\"mode\": \"active_active\", \"protocol\": \"fc\", \"preferred_site\": \"a\",\n"
    "   \"witness_site\": \"w\", \"arrays\": [{\"site\": \"a\"}, {\"site\": \"b\"}],\n"
    "   \"workloads\": [{\"site\": \"a\", \"iops\": 100}]},\n"
    " \"faults\": [{\"at_s\": 8, \"kind\": \"site_down\", \"site\": \"w\"}]}\n";

static void failure_scenarios_append_their_faults(void **state)
{
	(void)state;
	struct dcs_fault_spec one[] = {{DCS_FAULT_LINK_DOWN, "l1", 2.5, NAN}};
	struct dcs_fault_spec two[] = {{DCS_FAULT_ARRAY_DOWN, "b", 3, 4},
				       {DCS_FAULT_WITNESS_DOWN, NULL, 3, 4}};
	struct dcs_fault_set sets[] = {
	    {"baseline", NULL, 0}, {"link_down l1", one, 1}, {"pair", two, 2}};
	int nerr = 0;
	struct dcs_sweep *sw = dcs_sweep_of_faults(base_json, strlen(base_json), "mini.json", "m",
						   "failure", sets, 3, stderr, &nerr);
	assert_non_null(sw);
	assert_int_equal(nerr, 0);
	assert_int_equal(sw->n_points, 3);
	assert_int_equal(dcs_sweep_n_runs(sw), 3);
	assert_string_equal(sw->params[0], "failure");
	assert_string_equal(dcs_sweep_value(sw, 1, 0), "link_down l1");
	/* The base's own fault stays first in every point. */
	for (size_t p = 0; p < 3; p++) {
		assert_int_equal(sw->scenarios[p]->n_faults, 1 + sets[p].n);
		assert_int_equal(sw->scenarios[p]->faults[0].kind, DCS_FAULT_SITE_DOWN);
		assert_int_equal(sw->scenarios[p]->seed, 7);
	}
	const struct dcs_fault_cfg *f = &sw->scenarios[1]->faults[1];
	assert_int_equal(f->kind, DCS_FAULT_LINK_DOWN);
	assert_int_equal(f->link, 0);
	assert_true(f->at_s == 2.5);
	assert_true(isnan(f->for_s));
	f = &sw->scenarios[2]->faults[1];
	assert_int_equal(f->kind, DCS_FAULT_ARRAY_DOWN);
	assert_int_equal(f->site, 1);
	assert_true(f->for_s == 4);
	f = &sw->scenarios[2]->faults[2];
	assert_int_equal(f->kind, DCS_FAULT_WITNESS_DOWN);
	assert_int_equal(f->site, -1); /* every witness */
	/* Each point's text, so its cache key, is its own. */
	assert_string_not_equal(sw->scenarios[0]->text_sha256, sw->scenarios[1]->text_sha256);
	assert_string_not_equal(sw->scenarios[1]->text_sha256, sw->scenarios[2]->text_sha256);
	char k0[65], k1[65];
	dcs_sweep_run_key(sw, 0, k0);
	dcs_sweep_run_key(sw, 1, k1);
	assert_string_not_equal(k0, k1);
	dcs_sweep_free(sw);

	/* A fault the loader refuses (no such link) fails the whole build. */
	struct dcs_fault_spec bad[] = {{DCS_FAULT_LINK_DOWN, "nope", 1, NAN}};
	struct dcs_fault_set bsets[] = {{"baseline", NULL, 0}, {"link_down nope", bad, 1}};
	char *msgs = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&msgs, &len);
	sw = dcs_sweep_of_faults(base_json, strlen(base_json), "mini.json", "m", "failure", bsets,
				 2, mf, &nerr);
	fclose(mf);
	assert_null(sw);
	assert_true(nerr > 0);
	assert_non_null(strstr(msgs, "link_down nope"));
	free(msgs);
}

/* ---- the time to strike ----------------------------------------------------- */

static struct dcs_sweep_run make_run(const char *const *cells, size_t n, int code)
{
	struct dcs_sweep_run r = {.done = true, .code = code, .n = n};
	r.names = calloc(n + 1, sizeof(char *));
	r.values = calloc(n + 1, sizeof(char *));
	r.units = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		r.names[i] = strdup(cells[2 * i]);
		r.values[i] = strdup(cells[2 * i + 1]);
		r.units[i] = strdup("");
	}
	return r;
}

static void default_time_to_strike(void **state)
{
	(void)state;
	char why[512];
	struct dcs_scenario *s = load(
	    "{\"dcisim\": 1, \"name\": \"m\", \"duration_s\": 300, \"sites\": [{\"id\": \"a\"}, "
	    "{\"id\": \"b\"}], \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", "
	    "\"distance_km\": 1, \"bandwidth_gbps\": 10, \"technology\": \"dwdm\"}], \"vms\": "
	    "[{\"id\": \"v1\", \"site\": \"a\", \"memory_gib\": 1}, {\"id\": \"v2\", \"site\": "
	    "\"a\", \"memory_gib\": 1}], \"migrations\": [{\"vm\": \"v1\", \"to\": \"b\", "
	    "\"at_s\": 40}, {\"vm\": \"v2\", \"to\": \"b\", \"at_s\": 10}]}");
	/* The first to start is migrations[1], at 10 s; it takes 31.83 s:
	 * 10 + 15.915 = 25.915, in tenths 25.9. */
	const char *cells[] = {"plan_makespan_s[migrations[0]]", "5",
			       "plan_makespan_s[migrations[1]]", "31.83"};
	struct dcs_sweep_run b = make_run(cells, 2, 0);
	assert_true(fabs(dcs_survive_default_at(s, &b, why, sizeof(why)) - 25.9) < 1e-9);
	assert_non_null(strstr(why, "migrations[1] (v2 to b)"));
	dcs_sweep_run_clear(&b);
	/* Not finished in the baseline: the middle of the rest, 10 + 290 / 2. */
	assert_true(dcs_survive_default_at(s, NULL, why, sizeof(why)) == 155);
	assert_non_null(strstr(why, "does not finish"));
	dcs_scenario_free(s);

	s = load("{\"dcisim\": 1, \"name\": \"w\", \"duration_s\": 100, \"sites\": [{\"id\": "
		 "\"a\"}, {\"id\": \"b\"}], \"storage\": {\"mode\": \"active_active\", "
		 "\"protocol\": \"fc\", \"preferred_site\": \"a\", \"arrays\": [{\"site\": \"a\"}, "
		 "{\"site\": \"b\"}], \"workloads\": [{\"site\": \"a\", \"iops\": 10, \"start_s\": "
		 "30}, {\"site\": \"b\", \"iops\": 10, \"start_s\": 20, \"for_s\": 15}]}}");
	/* The second workload starts first: 20 .. 35, middle 27.5. */
	assert_true(dcs_survive_default_at(s, NULL, why, sizeof(why)) == 27.5);
	assert_non_null(strstr(why, "storage.workloads[1]"));
	dcs_scenario_free(s);

	s = load("{\"dcisim\": 1, \"name\": \"c\", \"duration_s\": 61, \"sites\": [{\"id\": "
		 "\"a\"}, {\"id\": \"b\"}], \"clusters\": [{\"id\": \"db\", \"nodes\": [{\"id\": "
		 "\"n1\", \"site\": \"a\"}, {\"id\": \"n2\", \"site\": \"b\"}], \"service_on\": "
		 "\"n1\", \"quorum\": \"none\"}]}");
	assert_true(dcs_survive_default_at(s, NULL, why, sizeof(why)) == 30.5);
	assert_non_null(strstr(why, "middle of the run"));
	dcs_scenario_free(s);
}

/* ---- criteria ----------------------------------------------------------------- */

static const struct dcs_catalog *catalog(void)
{
	static struct dcs_world_catalog wc;
	return dcs_world_catalog_init(&wc);
}

/* Line and column of the first occurrence of anchor in text, counted here. */
static void anchor_pos(const char *text, const char *anchor, int *line, int *col)
{
	const char *at = strstr(text, anchor);
	assert_non_null(at);
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static void criteria_errors_name_file_line_and_path(void **state)
{
	(void)state;
	static const struct {
		const char *text, *anchor, *path, *fragment;
	} cases[] = {
	    {"{\"dcisim_criteria\": 1,\n \"rule\": []}", "\"rule\"", "rule",
	     "did you mean 'rules'?"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [\n {\"metric\": \"cluster_split_brian_s\", "
	     "\"worse_by\": 0, \"verdict\": \"outage\"}]}",
	     "\"cluster_split_brian_s\"", "rules[0].metric",
	     "did you mean 'cluster_split_brain_s'?"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [{\"metric\": \"migration_outcome\",\n "
	     "\"worse_by\": 1, \"verdict\": \"outage\"}]}",
	     "\"migration_outcome\"", "rules[0]", "use 'is' for a label"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [{\"metric\": \"cluster_rto_s\", \"is\": \n "
	     "[\"x\"], \"verdict\": \"outage\"}]}",
	     "[\"x\"]", "rules[0].is", "not a label"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [{\"metric\": \"cluster_rto_s\", \"worse_by\": "
	     "5, "
	     "\"verdict\":\n  \"broken\"}]}",
	     "\"broken\"", "rules[0].verdict", "\"data at risk\""},
	    {"{\"dcisim_criteria\": 1,\n \"degraded\": {\"atol\": {\"furlongs\": 1}}}",
	     "\"furlongs\"", "degraded.atol.furlongs", "no summary metric has the unit"},
	    {"{\"dcisim_criteria\": 1, \"degraded\": {\"rtol\": -1}}", "-1", "degraded.rtol",
	     "must be a number in [0,"},
	    {"{\"dcisim_criteria\": 1, \"ignore\": [\"faults\",\n \"nosuch\"]}", "\"nosuch\"",
	     "ignore[1]", "neither a summary metric nor a producer"},
	    {"{\"dcisim_criteria\": 2}", "2", "dcisim_criteria", "must be 1"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [{\"metric\": \"migration_outcome\",\n "
	     "\"above\": 1, \"verdict\": \"outage\"}]}",
	     "\"migration_outcome\"", "rules[0]", "a label: a limit cannot apply"},
	    {"{\"dcisim_criteria\": 1, \"rules\": [\n {\"metric\": \"cluster_rto_s\", "
	     "\"above\": 1, \"worse_by\": 2, \"verdict\": \"outage\"}]}",
	     "{\"metric\": \"cluster_rto_s\"", "rules[0]", "a rule has one of 'worse_by'"},
	    {"{\"rules\": []}", "{", "(top level)", "missing required key 'dcisim_criteria'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *msgs = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&msgs, &len);
		int nerr = 0;
		struct dcs_criteria *cr = dcs_criteria_load_text(
		    cases[i].text, strlen(cases[i].text), "crit.json", catalog(), mf, &nerr);
		fclose(mf);
		assert_null(cr);
		assert_int_equal(nerr, 1);
		int line, col;
		anchor_pos(cases[i].text, cases[i].anchor, &line, &col);
		char want[256];
		snprintf(want, sizeof(want), "crit.json:%d:%d: error: %s: ", line, col,
			 cases[i].path);
		if (strncmp(msgs, want, strlen(want)) || !strstr(msgs, cases[i].fragment))
			fail_msg("case %zu: got '%s', want '%s...%s'", i, msgs, want,
				 cases[i].fragment);
		free(msgs);
	}
	/* Not JSON: where cJSON stopped, as the scenario loader reports it
	 * (`dcisim validate` says 2:4 for the same text). */
	char *msgs = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&msgs, &len);
	int nerr = 0;
	const char *junk = "{\"dcisim_criteria\": 1,\n  oops}";
	assert_null(dcs_criteria_load_text(junk, strlen(junk), "c.json", catalog(), mf, &nerr));
	fclose(mf);
	if (!strstr(msgs, "c.json:2:4: error: not valid JSON here"))
		fail_msg("got '%s'", msgs);
	assert_non_null(strstr(msgs, "c.json:2:4: error: not valid JSON here"));
	free(msgs);
}

static void criteria_override_the_defaults(void **state)
{
	(void)state;
	int nerr = 0;
	struct dcs_criteria *d = dcs_criteria_load(NULL, catalog(), stderr, &nerr);
	assert_non_null(d);
	/* The documented defaults (docs/survive.md). */
	assert_true(d->rtol == 0.1);
	assert_true(dcs_criteria_atol(d, "ms") == 0.5);
	assert_true(dcs_criteria_atol(d, "s") == 1);
	assert_true(dcs_criteria_atol(d, "count") == 0);
	assert_true(dcs_criteria_rule(d, "cluster_unavailable_s")->worse_by == 60);
	assert_int_equal(dcs_criteria_rule(d, "cluster_unavailable_s")->verdict,
			 DCS_VERDICT_OUTAGE);
	assert_int_equal(dcs_criteria_rule(d, "storage_divergent_writes")->verdict,
			 DCS_VERDICT_DATA_AT_RISK);
	assert_true(dcs_criteria_ignores(d, "l2"));
	assert_true(dcs_criteria_ignores(d, "faults"));
	size_t nrules = d->n_rules;
	dcs_criteria_free(d);

	const char *text = "{\"dcisim_criteria\": 1, \"degraded\": {\"rtol\": 0.5, \"atol\": "
			   "{\"ms\": 2}},\n \"rules\": [{\"metric\": \"cluster_unavailable_s\", "
			   "\"worse_by\": 10, \"verdict\": \"outage\"},\n {\"metric\": "
			   "\"l3_trombone_s\", \"worse_by\": 30, \"verdict\": \"outage\"}],\n "
			   "\"ignore\": [\"faults\"]}";
	struct dcs_criteria *c =
	    dcs_criteria_load_text(text, strlen(text), "c.json", catalog(), stderr, &nerr);
	assert_non_null(c);
	assert_true(c->rtol == 0.5);
	assert_true(dcs_criteria_atol(c, "ms") == 2);
	assert_true(dcs_criteria_atol(c, "s") == 1); /* kept */
	/* A rule for a metric with a default replaces it in place; a new one
	 * comes last. */
	assert_int_equal(c->n_rules, nrules + 1);
	assert_true(dcs_criteria_rule(c, "cluster_unavailable_s")->worse_by == 10);
	assert_string_equal(c->rules[nrules].metric, "l3_trombone_s");
	/* ignore replaces the default list. */
	assert_true(dcs_criteria_ignores(c, "faults"));
	assert_false(dcs_criteria_ignores(c, "l2"));
	dcs_criteria_free(c);

	/* The defaults printed by --print-criteria read back as a file. */
	c = dcs_criteria_load_text(dcs_criteria_default_json, strlen(dcs_criteria_default_json),
				   "p.json", catalog(), stderr, &nerr);
	assert_non_null(c);
	assert_int_equal(c->n_rules, nrules);
	dcs_criteria_free(c);
}

/* ---- judging ------------------------------------------------------------------ */

static long col_of(const struct dcs_survive_table *t, const char *metric, const char *entity)
{
	for (size_t c = 0; c < t->n_cols; c++)
		if (!strcmp(t->cols[c].metric, metric) && !strcmp(t->cols[c].entity, entity))
			return (long)c;
	return -1;
}

static long ent_of(const struct dcs_survive_table *t, const char *entity)
{
	for (size_t e = 0; e < t->n_entities; e++)
		if (!strcmp(t->entities[e], entity))
			return (long)e;
	return -1;
}

static void judgement_follows_the_criteria(void **state)
{
	(void)state;
	int nerr = 0;
	struct dcs_criteria *cr = dcs_criteria_load(NULL, catalog(), stderr, &nerr);
	assert_non_null(cr);
	/* The baseline. */
	const char *base[] = {
	    "cluster_split_brains[db]",  "0", "cluster_split_brain_s[db]", "0",
	    "cluster_unavailable_s[db]", "5", "cluster_rto_s[db#1]",       "5",
	    "cluster_detection_s[db]",   "3", "cluster_availability[db]",  "0.99",
	    "storage_write_p99_ms[dc1]", "2", "migration_outcome[web01]",  "converged",
	    "link_down_s[dci1]",         "0"};
	/* r1: split brain: data at risk, caused by the first rule. */
	const char *r1[] = {"cluster_split_brains[db]",  "1", "cluster_split_brain_s[db]", "12",
			    "cluster_unavailable_s[db]", "5"};
	/* r2: 59.9 s more unavailability is within the outage rule's 60 s but
	 * past the 1 s tolerance: degraded; 0.4 ms more p99 is within 0.5 ms;
	 * the failed link's own figure is the faults producer's: not judged. */
	const char *r2[] = {"cluster_unavailable_s[db]", "64.9", "storage_write_p99_ms[dc1]", "2.4",
			    "link_down_s[dci1]",         "600"};
	/* r3: 60.1 s more: outage; an outage rule's metric absent from the
	 * baseline counts as 0 there. */
	const char *r3[] = {"cluster_unavailable_s[db]", "65.1", "cluster_outage_unrecovered_s[db]",
			    "0"};
	/* r4: the migration failed (a rule on a label) and p99 rose 0.6 ms
	 * (> max(0.5, 10% of 2)): degraded, caused by the rule. */
	const char *r4[] = {"migration_outcome[web01]", "failed", "storage_write_p99_ms[dc1]",
			    "2.6"};
	/* r5: dc1 is taken down: its figures are not judged. */
	const char *r5[] = {"storage_write_p99_ms[dc1]", "50", "cluster_unavailable_s[db]", "5"};
	/* r6: a second outage row: the worse one counts (90 vs 5: degraded by
	 * the generic rule); a setting that changes is not judged; a
	 * higher-is-better figure that falls is worse. */
	const char *r6[] = {"cluster_rto_s[db#1]",     "5", "cluster_rto_s[db#2]",      "90",
			    "cluster_detection_s[db]", "6", "cluster_availability[db]", "0.5"};
	struct dcs_sweep_run runs[8];
	runs[0] = make_run(base, sizeof(base) / sizeof(base[0]) / 2, 0);
	runs[1] = make_run(r1, 3, 0);
	runs[2] = make_run(r2, 3, 0);
	runs[3] = make_run(r3, 2, 0);
	runs[4] = make_run(r4, 2, 0);
	runs[5] = make_run(r5, 2, 0);
	runs[6] = make_run(r6, 4, 0);
	runs[7] = make_run(r1, 3, 3); /* a run that failed */
	const char *dc1[] = {"dc1"};
	const char *const *down[8] = {NULL, NULL, NULL, NULL, NULL, dc1, NULL, NULL};
	size_t n_down[8] = {0, 0, 0, 0, 0, 1, 0, 0};
	struct dcs_survive_table t;
	assert_int_equal(dcs_survive_judge(&t, runs, 8, cr, catalog(), down, n_down), 0);

	/* Entities: db, dc1, web01 -- not dci1 (only ignored figures). */
	assert_int_equal(t.n_entities, 3);
	assert_true(ent_of(&t, "dci1") < 0);
	long db = ent_of(&t, "db"), edc1 = ent_of(&t, "dc1"), web = ent_of(&t, "web01");
	assert_true(db >= 0 && edc1 >= 0 && web >= 0);
	size_t ne = t.n_entities;

	assert_int_equal(t.rowv[1], DCS_VERDICT_DATA_AT_RISK);
	assert_int_equal(t.cause[1], col_of(&t, "cluster_split_brain_s", "db"));
	assert_int_equal(t.rowv[2], DCS_VERDICT_DEGRADED);
	assert_int_equal(t.cause[2], col_of(&t, "cluster_unavailable_s", "db"));
	assert_int_equal(t.entv[2 * ne + (size_t)edc1], DCS_VERDICT_SURVIVES);
	assert_int_equal(t.rowv[3], DCS_VERDICT_OUTAGE);
	assert_int_equal(t.rowv[4], DCS_VERDICT_DEGRADED);
	assert_int_equal(t.cause[4], col_of(&t, "migration_outcome", "web01"));
	assert_int_equal(t.entv[4 * ne + (size_t)edc1], DCS_VERDICT_DEGRADED);
	assert_int_equal(t.entv[4 * ne + (size_t)db], DCS_VERDICT_SURVIVES);
	assert_true(t.down[5 * ne + (size_t)edc1]);
	assert_int_equal(t.rowv[5], DCS_VERDICT_SURVIVES);
	assert_int_equal(t.cause[5], -1);
	assert_int_equal(t.rowv[6], DCS_VERDICT_DEGRADED);
	long rto = col_of(&t, "cluster_rto_s", "db");
	assert_true(rto >= 0);
	assert_string_equal(t.val[6 * t.n_cols + (size_t)rto], "90");
	assert_int_equal(t.colv[6 * t.n_cols + (size_t)rto], DCS_VERDICT_DEGRADED);
	long det = col_of(&t, "cluster_detection_s", "db");
	assert_false(t.cols[det].judged);
	assert_int_equal(t.colv[6 * t.n_cols + (size_t)det], DCS_VERDICT_SURVIVES);
	long av = col_of(&t, "cluster_availability", "db");
	assert_int_equal(t.colv[6 * t.n_cols + (size_t)av], DCS_VERDICT_DEGRADED);
	assert_false(t.ok[7]);
	assert_int_equal(t.rowv[7], DCS_VERDICT_SURVIVES);

	char cause[256];
	dcs_survive_cause_text(&t, 1, cause, sizeof(cause));
	assert_string_equal(cause, "db: cluster_split_brain_s 0 s -> 12 s");
	dcs_survive_cause_text(&t, 4, cause, sizeof(cause));
	assert_string_equal(cause, "web01: migration_outcome converged -> failed");

	dcs_survive_table_free(&t);
	for (size_t i = 0; i < 8; i++)
		dcs_sweep_run_clear(&runs[i]);
	dcs_criteria_free(cr);
}

/* A limit judges a crossing only, and replaces the generic tolerance. */
static void limits_judge_crossings(void **state)
{
	(void)state;
	const char *text = "{\"dcisim_criteria\": 1, \"rules\": [{\"metric\": "
			   "\"storage_write_p99_ms\", \"above\": 5, \"verdict\": \"outage\"},"
			   "{\"metric\": \"cluster_availability\", \"below\": 0.99, \"verdict\": "
			   "\"outage\"}]}";
	int nerr = 0;
	struct dcs_criteria *cr =
	    dcs_criteria_load_text(text, strlen(text), "c.json", catalog(), stderr, &nerr);
	assert_non_null(cr);
	assert_int_equal(dcs_criteria_rule(cr, "storage_write_p99_ms")->kind, DCS_RULE_ABOVE);
	const char *base[] = {"storage_write_p99_ms[a]",  "2", "storage_write_p99_ms[b]", "6",
			      "cluster_availability[db]", "1"};
	/* a crosses 5 ms: outage; b was above already and doubles: no verdict
	 * (the limit replaces the 10 % tolerance); db falls to 0.995: above
	 * its limit, so no verdict although 0.5 % worse. */
	const char *r1[] = {"storage_write_p99_ms[a]",  "5.5",  "storage_write_p99_ms[b]", "12",
			    "cluster_availability[db]", "0.995"};
	/* db falls past 0.99: outage; a rises within its limit: nothing. */
	const char *r2[] = {"storage_write_p99_ms[a]",  "4.9", "storage_write_p99_ms[b]", "6",
			    "cluster_availability[db]", "0.98"};
	struct dcs_sweep_run runs[3] = {make_run(base, 3, 0), make_run(r1, 3, 0),
					make_run(r2, 3, 0)};
	const char *const *down[3] = {NULL, NULL, NULL};
	size_t n_down[3] = {0, 0, 0};
	struct dcs_survive_table t;
	assert_int_equal(dcs_survive_judge(&t, runs, 3, cr, catalog(), down, n_down), 0);
	long a = ent_of(&t, "a"), b = ent_of(&t, "b"), db = ent_of(&t, "db");
	size_t ne = t.n_entities;
	assert_int_equal(t.entv[ne + (size_t)a], DCS_VERDICT_OUTAGE);
	assert_int_equal(t.entv[ne + (size_t)b], DCS_VERDICT_SURVIVES);
	assert_int_equal(t.entv[ne + (size_t)db], DCS_VERDICT_SURVIVES);
	assert_int_equal(t.entv[2 * ne + (size_t)a], DCS_VERDICT_SURVIVES);
	assert_int_equal(t.entv[2 * ne + (size_t)db], DCS_VERDICT_OUTAGE);
	assert_int_equal(t.rowv[1], DCS_VERDICT_OUTAGE);
	assert_int_equal(t.rowv[2], DCS_VERDICT_OUTAGE);
	dcs_survive_table_free(&t);
	for (size_t i = 0; i < 3; i++)
		dcs_sweep_run_clear(&runs[i]);
	dcs_criteria_free(cr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(enumeration_matches_closed_form),
	    cmocka_unit_test(unfit_scenarios_are_named),
	    cmocka_unit_test(nodes_a_fault_cannot_name_are_left_out),
	    cmocka_unit_test(failure_scenarios_append_their_faults),
	    cmocka_unit_test(default_time_to_strike),
	    cmocka_unit_test(criteria_errors_name_file_line_and_path),
	    cmocka_unit_test(criteria_override_the_defaults),
	    cmocka_unit_test(judgement_follows_the_criteria),
	    cmocka_unit_test(limits_judge_crossings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
