/*
 * The scenario format's named lists (dcisim/namelist.h): technologies,
 * migration engines, ingress methods, cluster presets, fault kinds.
 *
 * Each list is one table.  For every row of every table: the loader accepts
 * its name where the format takes it (and rejects a misspelling with the
 * list), the JSON Schema's enum and the key reference list it, and the row's
 * figures are the published ones written out below (not read from the
 * table).  A row added without its figures here fails
 * test_every_row_has_its_figures: adding a preset (or an engine, ...) is one
 * table row plus its line in this file.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "cluster.h"
#include "dcisim/namelist.h"
#include "dcisim/faultkinds.h"
#include "dcisim/ingress.h"
#include "dcisim/loader.h"
#include "dcisim/migration_engines.h"
#include "dcisim/presets.h"
#include "dcisim/tech.h"
#include "harness.h"

/* ---- published figures, written out ---- */

/* Technologies: encapsulation bytes (dci-facts.md §3.1, SPEC §4.1), the
 * detection of a cut without BFD and the protection of one underlay path of
 * several (NaN: the underlay's BFD + IGP) (§3.2, §4.2), and the buffer
 * class of the device in front (docs/models.md §1.5). */
static const struct {
	const char *name;
	int encap;
	double detect_s, protect_s;
	enum dcs_port_class port;
} techs[] = {
    {"dwdm", 0, 0.050, 0.050, DCS_PORT_SWITCH},      {"vpls", 26, 40.0, 0.250, DCS_PORT_ROUTER},
    {"evi", 38, 30.0, NAN, DCS_PORT_SWITCH},         {"otv", 42, 30.0, NAN, DCS_PORT_ROUTER},
    {"vxlan_evpn", 50, 180.0, NAN, DCS_PORT_SWITCH}, {"l3", 0, 40.0, NAN, DCS_PORT_ROUTER},
};

/* Engines (live-migration.md §2.1-2.3, §1.4, §5): max downtime ms (NAN
 * none), rate cap MiB/s (INFINITY none), window KiB (0 none), max rounds
 * (0 none), max switchover s, evacuation concurrency. */
static const struct {
	const char *name;
	double downtime_ms, cap_mib_s, window_kib;
	int rounds;
	double switchover_limit_s;
	int concurrent;
} engines[] = {
    {"vmotion", 500, INFINITY, 0, 0, 100, 8},
    {"qemu", 300, 128, 6144, 0, INFINITY, 2},
    {"xen", NAN, INFINITY, 6144, 29, INFINITY, 3},
};

/* Ingress (dci-facts.md §4.2-§4.4): RHI mark-down 16 s (F5 timeout),
 * probe-up 5 s (one F5 interval), advertisement interval 30 s eBGP / 5 s
 * iBGP (RFC 4271 §10); DNS violators hold answers 3600 s (dnsmasq
 * min-cache-ttl cap); LISP map-cache TTL 24 h. */
static const struct {
	const char *name;
	double health_check_s, probe_up_s, ebgp_s, ibgp_s, hold_s, map_cache_ttl_s;
} ingresses[] = {
    {"none", 0, 0, 0, 0, 0, 0},
    {"dns", 0, 0, 0, 0, 3600, 0},
    {"rhi", 16, 5, 30, 5, 0, 0},
    {"lisp", 0, 0, 0, 0, 0, 86400},
};

/* Presets for a two-node cluster (dci-facts.md §5.1): heartbeat ms, missed
 * same site / cross site, arbitration ms, fence s, start s. */
static const struct {
	const char *name;
	double heartbeat_ms;
	int same, cross;
	double arbitration_ms, fence_s, start_s;
} presets[] = {
    {"custom", 1000, 5, 5, 0, 0, 20},          /* WSFC <= 2012: 1 s x 5; no fencing */
    {"corosync", 750, 4, 4, 3600, 10, 20},     /* token 3000 / 4; consensus; SBD msgwait 10 s */
    {"wsfc", 1000, 10, 20, 0, 7, 20},          /* 2016+: 10 / 20; disk arbitration 7 s */
    {"vcs", 500, 32, 32, 0, 0, 20},            /* LLT 2/s, peerinact 16 s; fencing race */
    {"vsphere_ha", 1000, 15, 15, 3000, 0, 20}, /* dead T15 s, datastore heartbeats to T18 s */
};

/* Fault kinds (SPEC §2, §6.1 path_down): the key each must name. */
static const struct {
	const char *name;
	const char *key; /* NULL: none required */
} faults[] = {
    {"link_down", "link"}, {"link_up", "link"},    {"link_degrade", "link"}, {"site_down", "site"},
    {"site_up", "site"},   {"node_down", "node"},  {"node_up", "node"},      {"array_down", "site"},
    {"array_up", "site"},  {"witness_down", NULL}, {"witness_up", NULL},     {"path_down", "link"},
};

#define N(a) (sizeof(a) / sizeof(a[0]))

/* ---- scenarios naming one row ---- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	static char buf[4096];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

/* A scenario with every section a listed name goes in; `fault` is the
 * body of faults[0] (or empty for none). */
static const char *scenario(const char *tech, const char *engine, const char *ingress,
			    const char *preset, const char *fault)
{
	return fmt(
	    "{\"dcisim\": 1, \"name\": \"tables\", \"duration_s\": 60,"
	    " \"sites\": [{\"id\": \"dc1\"}, {\"id\": \"dc2\"}, {\"id\": \"wit\"}],"
	    " \"links\": [{\"id\": \"dci1\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 50,"
	    "   \"bandwidth_gbps\": 10, \"technology\": \"%s\", \"underlay_paths\": 2}],"
	    " \"vms\": [{\"id\": \"web01\", \"site\": \"dc1\", \"memory_gib\": 4}],"
	    " \"migration\": {\"engine\": \"%s\"},"
	    " \"services\": [{\"id\": \"app\", \"vm\": \"web01\", \"ingress\": \"%s\","
	    "   \"clients\": [{\"site\": \"dc1\", \"share\": 1}]}],"
	    " \"clusters\": [{\"id\": \"db\", \"preset\": \"%s\","
	    "   \"nodes\": [{\"id\": \"n1\", \"site\": \"dc1\"}, {\"id\": \"n2\", \"site\": "
	    "\"dc2\"}]}]"
	    "%s%s%s}",
	    tech, engine, ingress, preset, fault[0] ? ", \"faults\": [{" : "", fault,
	    fault[0] ? "}]" : "");
}

static struct dcs_scenario *load(const char *text, char *errs, size_t len)
{
	FILE *err = fmemopen(errs, len, "w");
	assert_non_null(err);
	int nerr = 0;
	struct dcs_scenario *s = dcs_scenario_load_text(text, strlen(text), "t.json", err, &nerr);
	fclose(err);
	return s;
}

/* ---- the tests ---- */

/* Names are unique and non-empty, the default is a row, lookups agree. */
static void test_lists_are_consistent(void **state)
{
	(void)state;
	for (size_t c = 0; dcs_namelists[c]; c++) {
		const struct dcs_namelist *cat = dcs_namelists[c];
		assert_true(cat->count > 0);
		assert_null(cat->name(cat->count));
		for (int i = 0; i < cat->count; i++) {
			const char *n = cat->name(i);
			assert_non_null(n);
			assert_true(n[0] != '\0');
			assert_int_equal(dcs_namelist_find(cat, n), i);
		}
		if (cat->def)
			assert_true(dcs_namelist_default(cat) >= 0);
		assert_int_equal(dcs_namelist_find(cat, "no-such-row"), -1);
	}
}

/* Each table row has its published figures in this file, and no figures
 * here lack a row. */
static void test_every_row_has_its_figures(void **state)
{
	(void)state;
	assert_int_equal(dcs_tech_list.count, (int)N(techs));
	assert_int_equal(dcs_migration_engine_list.count, (int)N(engines));
	assert_int_equal(dcs_ingress_list.count, (int)N(ingresses));
	assert_int_equal(dcs_cluster_preset_list.count, (int)N(presets));
	assert_int_equal(dcs_fault_kind_list.count, (int)N(faults));
	for (size_t i = 0; i < N(techs); i++)
		assert_string_equal(dcs_tech_list.name((int)i), techs[i].name);
	for (size_t i = 0; i < N(engines); i++)
		assert_string_equal(dcs_migration_engine_list.name((int)i), engines[i].name);
	for (size_t i = 0; i < N(ingresses); i++)
		assert_string_equal(dcs_ingress_list.name((int)i), ingresses[i].name);
	for (size_t i = 0; i < N(presets); i++)
		assert_string_equal(dcs_cluster_preset_list.name((int)i), presets[i].name);
	for (size_t i = 0; i < N(faults); i++)
		assert_string_equal(dcs_fault_kind_list.name((int)i), faults[i].name);
}

/* Every row of every list loads where the format takes it, and lands as
 * that row; a misspelt name is refused with the list of names. */
static void test_every_row_loads(void **state)
{
	(void)state;
	for (int i = 0; i < dcs_tech_list.count; i++) {
		struct dcs_scenario *s =
		    h_load(scenario(dcs_tech_list.name(i), "vmotion", "none", "corosync", ""));
		assert_int_equal(s->links[0].technology, i);
		dcs_scenario_free(s);
	}
	for (int i = 0; i < dcs_migration_engine_list.count; i++) {
		struct dcs_scenario *s = h_load(
		    scenario("evi", dcs_migration_engine_list.name(i), "none", "corosync", ""));
		assert_int_equal(s->migration.engine, i);
		dcs_scenario_free(s);
	}
	for (int i = 0; i < dcs_ingress_list.count; i++) {
		struct dcs_scenario *s =
		    h_load(scenario("evi", "vmotion", dcs_ingress_list.name(i), "corosync", ""));
		assert_int_equal((int)s->services[0].ingress, i);
		dcs_scenario_free(s);
	}
	for (int i = 0; i < dcs_cluster_preset_list.count; i++) {
		struct dcs_scenario *s =
		    h_load(scenario("evi", "vmotion", "none", dcs_cluster_preset_list.name(i), ""));
		assert_int_equal(s->clusters[0].preset, i);
		dcs_scenario_free(s);
	}
	char errs[4096];
	assert_null(load(scenario("evi", "vmotoin", "none", "corosync", ""), errs, sizeof(errs)));
	assert_non_null(strstr(errs, "did you mean 'vmotion'? (one of: vmotion, qemu, xen)"));
}

/* Every fault kind loads with the key its target names, and without that
 * key is refused naming it. */
static void test_every_fault_kind_names_its_target(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(faults); i++) {
		const char *key = faults[i].key;
		const char *value = !key                       ? ""
				    : strcmp(key, "link") == 0 ? ", \"link\": \"dci1\""
				    : strcmp(key, "node") == 0 ? ", \"node\": \"n2\""
							       : ", \"site\": \"dc2\"";
		char body[256];
		snprintf(body, sizeof(body), "\"at_s\": 10, \"kind\": \"%s\"%s%s", faults[i].name,
			 value, i == 2 ? ", \"loss\": 0.01" : "");
		struct dcs_scenario *s =
		    h_load(scenario("evi", "vmotion", "none", "corosync", body));
		assert_int_equal((int)s->faults[0].kind, (int)i);
		assert_string_equal(dcs_fault_kind(s->faults[0].kind)->name, faults[i].name);
		dcs_scenario_free(s);
		if (!key)
			continue;
		snprintf(body, sizeof(body), "\"at_s\": 10, \"kind\": \"%s\"%s", faults[i].name,
			 i == 2 ? ", \"loss\": 0.01" : "");
		char errs[4096] = "", want[128];
		assert_null(
		    load(scenario("evi", "vmotion", "none", "corosync", body), errs, sizeof(errs)));
		snprintf(want, sizeof(want), "a %s fault names a '%s'", faults[i].name, key);
		if (!strstr(errs, want))
			fail_msg("%s without '%s': expected \"%s\" in:\n%s", faults[i].name, key,
				 want, errs);
	}
}

/* The JSON Schema's enum and the key reference list every row. */
static void test_every_row_is_in_the_schema_and_docs(void **state)
{
	(void)state;
	char *json = dcs_schema_json();
	char *md = dcs_schema_markdown();
	assert_non_null(json);
	assert_non_null(md);
	cJSON *root = cJSON_Parse(json);
	assert_non_null(root);
	for (size_t c = 0; dcs_namelists[c]; c++) {
		const struct dcs_namelist *cat = dcs_namelists[c];
		char heading[160];
		snprintf(heading, sizeof(heading), "### %s (`%s`)", cat->title, cat->key);
		const char *section = strstr(md, heading);
		if (!section)
			fail_msg("the key reference has no \"%s\"", heading);
		/* The enum is found by its values: some array in the schema that
		 * holds exactly this list's names, in order. */
		char want[1024] = "[";
		for (int i = 0; i < cat->count; i++) {
			char row[128];
			snprintf(row, sizeof(row), "| `%s`", cat->name(i));
			if (!strstr(section, row))
				fail_msg("the key reference's %s table has no row %s", cat->title,
					 cat->name(i));
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s\"%s\"",
				 i ? "," : "", cat->name(i));
		}
		strcat(want, "]");
		if (!strstr(json, want)) {
			/* The schema is pretty-printed: compare unformatted. */
			char *flat = cJSON_PrintUnformatted(root);
			if (!strstr(flat, want))
				fail_msg("the JSON Schema has no enum %s", want);
			free(flat);
		}
	}
	cJSON_Delete(root);
	free(json);
	free(md);
}

/* Every technology row has its published figures. */
static void test_technology_figures(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(techs); i++) {
		const struct dcs_tech_info *t = dcs_tech((enum dcs_tech)i);
		assert_int_equal(t->encap_bytes, techs[i].encap);
		assert_true(t->detect_s == techs[i].detect_s);
		if (isnan(techs[i].protect_s))
			assert_true(isnan(t->protect_s));
		else
			assert_true(t->protect_s == techs[i].protect_s);
		assert_int_equal(t->port, techs[i].port);
		assert_non_null(t->source);
	}
}

/* Every engine row has its published defaults. */
static void test_engine_figures(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(engines); i++) {
		const struct dcs_migration_engine *e = dcs_migration_engine((int)i);
		if (isnan(engines[i].downtime_ms))
			assert_true(isnan(e->max_downtime_ms));
		else
			assert_true(e->max_downtime_ms == engines[i].downtime_ms);
		assert_true(e->rate_cap_mib_s == engines[i].cap_mib_s);
		assert_true(e->tcp_window_kib == engines[i].window_kib);
		assert_int_equal(e->max_rounds, engines[i].rounds);
		assert_true(e->max_switchover_s == engines[i].switchover_limit_s);
		assert_int_equal(e->concurrent, engines[i].concurrent);
		/* vMotion: VMware's stun, "typically a few 100 ms" (C. Hogan 2015);
		 * QEMU and Xen: Clark's 9 ms resume (live-migration.md §5). */
		assert_true(e->switchover_ms == (i == 0 ? 200.0 : 9.0));
		assert_non_null(e->source);
	}
}

static void test_ingress_figures(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ingresses); i++) {
		const struct dcs_ingress_method *m = dcs_ingress_method((enum dcs_ingress)i);
		assert_true(m->health_check_s == ingresses[i].health_check_s);
		assert_true(m->probe_up_s == ingresses[i].probe_up_s);
		assert_true(m->advert_ebgp_s == ingresses[i].ebgp_s);
		assert_true(m->advert_ibgp_s == ingresses[i].ibgp_s);
		assert_true(m->violator_hold_s == ingresses[i].hold_s);
		assert_true(m->map_cache_ttl_s == ingresses[i].map_cache_ttl_s);
		assert_non_null(m->source);
	}
}

/* Every preset, loaded into a two-node cluster, produces its published
 * timers through the cluster model's resolver. */
static void test_every_preset_produces_its_timers(void **state)
{
	(void)state;
	const dcs_time_t ms = 1000000;
	for (size_t i = 0; i < N(presets); i++) {
		struct dcs_scenario *s =
		    h_load(scenario("evi", "vmotion", "none", presets[i].name, ""));
		struct dcs_cluster_timers t;
		dcs_cluster_resolve_timers(&s->clusters[0], &t);
		assert_int_equal(t.heartbeat, (dcs_time_t)(presets[i].heartbeat_ms * ms));
		assert_int_equal(t.missed_same_site, presets[i].same);
		assert_int_equal(t.missed_cross_site, presets[i].cross);
		assert_int_equal(t.arbitration, (dcs_time_t)(presets[i].arbitration_ms * ms));
		assert_int_equal(t.fence, (dcs_time_t)(presets[i].fence_s * 1000 * ms));
		assert_int_equal(t.start, (dcs_time_t)(presets[i].start_s * 1000 * ms));
		dcs_scenario_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lists_are_consistent),
	    cmocka_unit_test(test_every_row_has_its_figures),
	    cmocka_unit_test(test_every_row_loads),
	    cmocka_unit_test(test_every_fault_kind_names_its_target),
	    cmocka_unit_test(test_every_row_is_in_the_schema_and_docs),
	    cmocka_unit_test(test_technology_figures),
	    cmocka_unit_test(test_engine_figures),
	    cmocka_unit_test(test_ingress_figures),
	    cmocka_unit_test(test_every_preset_produces_its_timers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
