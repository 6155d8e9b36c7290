/*
 * Whether a scenario's results depend on its seed (dcs_scenario_randomness),
 * read from the scenario alone, against what running it says: every bundled
 * scenario runs under two seeds, and its tables are compared cell by cell.
 * A scenario declared without randomness must give the same tables (the
 * promise replications and plans rely on: a warning that replications are
 * copies must never be wrong); every bundled scenario declared random must
 * differ (so the answer is not a blanket "random").  Then the rules one by
 * one on small scenarios.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dcisim/loader.h"
#include "dcisim/world.h"

static struct dcs_world *run(const struct dcs_scenario *scn, uint64_t seed)
{
	struct dcs_world *w = dcs_world_create(scn, seed);
	assert_non_null(w);
	dcs_world_run(w, DCS_TIME_NEVER);
	dcs_world_finish(w);
	return w;
}

/* Whether two finished worlds wrote the same tables, cell by cell. */
static bool same_tables(struct dcs_world *a, struct dcs_world *b)
{
	if (dcs_results_n_tables(a->res) != dcs_results_n_tables(b->res))
		return false;
	for (size_t i = 0; i < dcs_results_n_tables(a->res); i++) {
		struct dcs_table *x = dcs_results_table_at(a->res, i);
		struct dcs_table *y = dcs_results_table_at(b->res, i);
		if (strcmp(dcs_table_file(x), dcs_table_file(y)) ||
		    dcs_table_nrows(x) != dcs_table_nrows(y))
			return false;
		for (size_t r = 0; r < dcs_table_nrows(x); r++)
			for (size_t c = 0; c < dcs_table_ncols(x); c++)
				if (strcmp(dcs_table_cell(x, r, c), dcs_table_cell(y, r, c)))
					return false;
	}
	return true;
}

static void test_bundled(void **state)
{
	(void)state;
	glob_t g;
	assert_int_equal(glob("scenarios/*.json", 0, NULL, &g), 0);
	assert_int_equal(glob("scenarios/demos/*.json", GLOB_APPEND, NULL, &g), 0);
	FILE *devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	size_t n_random = 0, n_fixed = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int nerr = 0;
		struct dcs_scenario *scn = dcs_scenario_load_file(g.gl_pathv[i], devnull, &nerr);
		if (!scn)
			continue; /* the JSON Schema */
		const char *why = dcs_scenario_randomness(scn);
		struct dcs_world *a = run(scn, scn->seed), *b = run(scn, scn->seed + 1);
		bool same = same_tables(a, b);
		if (!why && !same)
			fail_msg("%s: declared without randomness, but two seeds differ",
				 g.gl_pathv[i]);
		if (why && same)
			fail_msg("%s: declared random (%s), but two seeds give the same tables",
				 g.gl_pathv[i], why);
		why ? n_random++ : n_fixed++;
		dcs_world_destroy(a);
		dcs_world_destroy(b);
		dcs_scenario_free(scn);
	}
	fclose(devnull);
	globfree(&g);
	/* Both kinds are bundled, so both directions were checked. */
	assert_true(n_random >= 5);
	assert_true(n_fixed >= 5);
}

static const char *randomness_of(const char *extra)
{
	static char why[160];
	char json[2048];
	snprintf(json, sizeof(json),
		 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 100,"
		 " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"w\"}],"
		 " \"vms\": [{\"id\": \"vm\", \"site\": \"a\", \"memory_gib\": 4}]%s}",
		 extra);
	int nerr = 0;
	struct dcs_scenario *scn = dcs_scenario_load_text(json, strlen(json), "t", stderr, &nerr);
	assert_non_null(scn);
	const char *w = dcs_scenario_randomness(scn);
	snprintf(why, sizeof(why), "%s", w ? w : "");
	dcs_scenario_free(scn);
	return why;
}

#define LINK(extra)                                                                                \
	", \"links\": [{\"id\": \"l\", \"a\": \"a\", \"b\": \"b\", \"distance_km\": 10, "          \
	"\"bandwidth_gbps\": 10" extra "}]"
#define CLUSTER                                                                                    \
	", \"clusters\": [{\"id\": \"c\", \"nodes\": [{\"id\": \"n1\", \"site\": \"a\"},"          \
	" {\"id\": \"n2\", \"site\": \"b\"}]}]"
#define MOVE ", \"migrations\": [{\"vm\": \"vm\", \"to\": \"b\", \"at_s\": 1}]"

static void test_rules(void **state)
{
	(void)state;
	/* Nothing random: a lossless link, a cluster, a migration. */
	assert_string_equal(randomness_of(LINK("") CLUSTER MOVE), "");
	/* Loss alone draws nothing: no heartbeat or announcement crosses it. */
	assert_string_equal(randomness_of(LINK(", \"loss\": 0.01")), "");
	/* A lossy path under a cluster's heartbeats. */
	assert_non_null(strstr(randomness_of(LINK(", \"loss\": 0.01") CLUSTER), "heartbeat"));
	/* Loss that a fault brings later counts too. */
	assert_non_null(
	    strstr(randomness_of(LINK("") CLUSTER ", \"faults\": [{\"at_s\": 5,"
						  " \"kind\": \"link_degrade\", \"link\": \"l\","
						  " \"loss\": 0.1}]"),
		   "heartbeat"));
	/* A move's announcements over a lossy flood-and-learn technology
	 * (VPLS), but not over a control plane (EVPN) alone. */
	assert_non_null(
	    strstr(randomness_of(LINK(", \"loss\": 0.01, \"technology\": \"vpls\"") MOVE), "MAC"));
	assert_string_equal(
	    randomness_of(LINK(", \"loss\": 0.01, \"technology\": \"vxlan_evpn\"") MOVE), "");
	/* Random link failures. */
	assert_non_null(strstr(randomness_of(LINK(", \"mtbf_s\": 1000, \"mttr_s\": 10")), "mtbf"));
	/* Storage I/O, unless it starts after the end. */
	static const char storage[] =
	    LINK("") ", \"storage\": {\"mode\": \"shared\", \"protocol\": \"fc\","
		     " \"preferred_site\": \"a\", \"arrays\": [{\"site\": \"a\"}],"
		     " \"workloads\": [{\"site\": \"b\", \"iops\": 100%s}]}";
	char s[1024];
	snprintf(s, sizeof(s), storage, "");
	assert_non_null(strstr(randomness_of(s), "storage"));
	snprintf(s, sizeof(s), storage, ", \"start_s\": 200");
	assert_string_equal(randomness_of(s), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundled),
	    cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
