/*
 * Tests of the scenario loader (sim/io/): every malformed scenario under
 * tests/bad/ fails with the expected first error (line, column, JSON path and
 * message fragment, from tests/bad/expect.csv, whose positions
 * tests/bad/generate.py computes independently of the loader); every bundled
 * scenario loads; scenarios/schema.json is what `dcisim schema` prints; and
 * the loader's own rules: all errors in one pass, the error limit, defaults,
 * references resolved to indices, "did you mean", and large inputs staying
 * linear.  Run from the source tree (ctest does).
 */
#include <dirent.h>
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

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <csv.h>

#include "dcisim/loader.h"
#include "dcisim/output.h"

/* Loads text, returning the scenario and everything written to err. */
static struct dcs_scenario *load_capture(const char *text, const char *label, char **errs,
					 int *nerr)
{
	size_t len = 0;
	FILE *err = open_memstream(errs, &len);
	assert_non_null(err);
	struct dcs_scenario *s = dcs_scenario_load_text(text, strlen(text), label, err, nerr);
	fclose(err);
	return s;
}

static struct dcs_scenario *load_file_capture(const char *path, char **errs, int *nerr)
{
	size_t len = 0;
	FILE *err = open_memstream(errs, &len);
	assert_non_null(err);
	struct dcs_scenario *s = dcs_scenario_load_file(path, err, nerr);
	fclose(err);
	return s;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- tests/bad/ against tests/bad/expect.csv ---- */

enum { COL_FILE, COL_LINE, COL_COL, COL_PATH, COL_FRAGMENT, N_COLS };

struct expect {
	char *cell[N_COLS];
};

struct expect_rows {
	struct expect *rows;
	size_t n, cap;
	size_t col;
	bool header_done;
};

static void on_field(void *data, size_t len, void *ctx)
{
	struct expect_rows *e = ctx;
	if (!e->header_done)
		return;
	if (e->col == 0) {
		if (e->n == e->cap) {
			e->cap = e->cap ? 2 * e->cap : 64;
			e->rows = realloc(e->rows, e->cap * sizeof(*e->rows));
			assert_non_null(e->rows);
		}
		memset(&e->rows[e->n++], 0, sizeof(struct expect));
	}
	assert_true(e->col < N_COLS);
	char *s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, data, len);
	s[len] = '\0';
	e->rows[e->n - 1].cell[e->col++] = s;
}

static void on_row(int c, void *ctx)
{
	(void)c;
	struct expect_rows *e = ctx;
	if (e->header_done)
		assert_int_equal(e->col, N_COLS);
	e->header_done = true;
	e->col = 0;
}

static struct expect_rows read_expect(void)
{
	size_t len;
	char *text = dcs_read_file("tests/bad/expect.csv", &len);
	if (!text)
		fail_msg("cannot read tests/bad/expect.csv (run from the source tree): %s",
			 strerror(errno));
	struct csv_parser p;
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_APPEND_NULL), 0);
	struct expect_rows e = {0};
	assert_int_equal(csv_parse(&p, text, len, on_field, on_row, &e), len);
	csv_fini(&p, on_field, on_row, &e);
	csv_free(&p);
	free(text);
	return e;
}

static void free_expect(struct expect_rows *e)
{
	for (size_t i = 0; i < e->n; i++)
		for (int c = 0; c < N_COLS; c++)
			free(e->rows[i].cell[c]);
	free(e->rows);
}

static void test_bad_files(void **state)
{
	(void)state;
	struct expect_rows e = read_expect();
	assert_true(e.n >= 25);
	for (size_t i = 0; i < e.n; i++) {
		const struct expect *x = &e.rows[i];
		char path[512], prefix[600], where[600];
		snprintf(path, sizeof(path), "tests/bad/%s", x->cell[COL_FILE]);
		char *errs = NULL;
		int nerr = 0;
		struct dcs_scenario *s = load_file_capture(path, &errs, &nerr);
		if (s)
			fail_msg("%s loaded, but it is invalid on purpose", path);
		assert_true(nerr >= 1);
		assert_true(count_lines(errs) >= 1);
		/* Every line has the FILE:LINE:COL: error: form. */
		for (char *l = errs; *l;) {
			char *nl = strchr(l, '\n');
			assert_non_null(nl);
			int ln = 0, cn = 0;
			size_t pl = strlen(path);
			if (strncmp(l, path, pl) != 0 ||
			    (sscanf(l + pl, ":%d:%d: error: ", &ln, &cn) != 2 &&
			     strncmp(l + pl, ": error: ", 9) != 0))
				fail_msg("%s: a line without the FILE:LINE:COL: error: form: %.*s",
					 path, (int)(nl - l), l);
			l = nl + 1;
		}
		/* The first error is the expected one, where expected. */
		snprintf(prefix, sizeof(prefix), "%s:%s:%s: error: ", path, x->cell[COL_LINE],
			 x->cell[COL_COL]);
		snprintf(where, sizeof(where), ": %s: ", x->cell[COL_PATH]);
		char *first_end = strchr(errs, '\n');
		*first_end = '\0';
		if (strncmp(errs, prefix, strlen(prefix)) != 0)
			fail_msg("%s: first error at the wrong place:\n  got  %s\n  want %s...",
				 path, errs, prefix);
		if (x->cell[COL_PATH][0] && !strstr(errs, where))
			fail_msg("%s: first error does not name %s: %s", path, x->cell[COL_PATH],
				 errs);
		if (!strstr(errs, x->cell[COL_FRAGMENT]))
			fail_msg("%s: first error lacks \"%s\": %s", path, x->cell[COL_FRAGMENT],
				 errs);
		free(errs);
	}
	/* Every file in tests/bad/ has its row. */
	DIR *d = opendir("tests/bad");
	assert_non_null(d);
	size_t files = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		files++;
		bool found = false;
		for (size_t i = 0; i < e.n; i++)
			found |= strcmp(e.rows[i].cell[COL_FILE], de->d_name) == 0;
		if (!found)
			fail_msg("tests/bad/%s has no row in tests/bad/expect.csv", de->d_name);
	}
	closedir(d);
	assert_int_equal(files, e.n);
	free_expect(&e);
}

/* ---- bundled scenarios ---- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Sweep files ("dcisim_sweep"), plan files ("dcisim_plan") and the schema
 * are not scenarios. */
static bool is_scenario(const char *path)
{
	size_t len;
	char *text = dcs_read_file(path, &len);
	assert_non_null(text);
	cJSON *root = cJSON_ParseWithLength(text, len);
	bool scenario = !root || (!cJSON_GetObjectItemCaseSensitive(root, "dcisim_sweep") &&
				  !cJSON_GetObjectItemCaseSensitive(root, "dcisim_plan") &&
				  !cJSON_GetObjectItemCaseSensitive(root, "$schema"));
	cJSON_Delete(root);
	free(text);
	return scenario;
}

static void load_tree(const char *dir, size_t *loaded)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	/* Sorted, for a stable order of messages. */
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		assert_non_null(names);
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			load_tree(path, loaded);
		} else if (has_suffix(path, ".json") && is_scenario(path)) {
			char *errs = NULL;
			int nerr = 0;
			struct dcs_scenario *s = load_file_capture(path, &errs, &nerr);
			if (!s)
				fail_msg("bundled scenario %s does not load:\n%s", path, errs);
			assert_int_equal(nerr, 0);
			assert_string_equal(errs, "");
			dcs_scenario_free(s);
			free(errs);
			(*loaded)++;
		}
		free(names[i]);
	}
	free(names);
}

static void test_bundled_scenarios_load(void **state)
{
	(void)state;
	size_t loaded = 0;
	load_tree("scenarios", &loaded);
	assert_true(loaded >= 1);
	/* And the default scenario compiled into the program. */
	int nerr = 0;
	char *errs = NULL;
	struct dcs_scenario *s = load_capture(dcs_default_scenario, "default.json", &errs, &nerr);
	assert_non_null(s);
	assert_string_equal(s->name, "default");
	dcs_scenario_free(s);
	free(errs);
}

static void test_schema_is_current(void **state)
{
	(void)state;
	char *schema = dcs_schema_json();
	assert_non_null(schema);
	size_t len;
	char *file = dcs_read_file("scenarios/schema.json", &len);
	if (!file)
		fail_msg("scenarios/schema.json is missing; generate it from a build with "
			 "`BUILD/dcisim schema > scenarios/schema.json`");
	/* `dcisim schema` prints the text and a newline. */
	size_t n = strlen(schema);
	if (len != n + 1 || memcmp(file, schema, n) != 0 || file[n] != '\n')
		fail_msg("scenarios/schema.json differs from what the loader's tables generate; "
			 "regenerate it with `BUILD/dcisim schema > scenarios/schema.json` and "
			 "commit it");
	/* It is valid JSON that names every top-level key. */
	cJSON *root = cJSON_Parse(schema);
	assert_non_null(root);
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(root, "properties");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(props, "links"));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(props, "duration_s"));
	cJSON_Delete(root);
	free(file);
	free(schema);
}

/* ---- the loader's rules ---- */

static const char good[] =
    "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 10,\n"
    " \"sites\": [{\"id\": \"a\"}, {\"id\": \"b\", \"name\": \"Bee\"}],\n"
    " \"links\": [{\"id\": \"l1\", \"a\": \"b\", \"b\": \"a\", \"distance_km\": 5,\n"
    "             \"bandwidth_gbps\": 10}],\n"
    " \"vms\": [{\"id\": \"v\", \"site\": \"b\", \"memory_gib\": 4}]}\n";

static void test_defaults_and_references(void **state)
{
	(void)state;
	char *errs = NULL;
	int nerr = -1;
	struct dcs_scenario *s = load_capture(good, "good", &errs, &nerr);
	assert_non_null(s);
	assert_int_equal(nerr, 0);
	assert_string_equal(errs, "");
	assert_string_equal(s->path, "good");
	assert_int_equal(s->n_sites, 2);
	assert_string_equal(s->sites[0].name, "a"); /* name defaults to the id */
	assert_string_equal(s->sites[1].name, "Bee");
	assert_int_equal(s->links[0].a, 1); /* references become indices */
	assert_int_equal(s->links[0].b, 0);
	assert_int_equal(s->links[0].lan_mtu, 1500);
	assert_int_equal(s->links[0].transport_mtu, 9216);
	assert_true(s->links[0].route_factor == 1.0);
	assert_int_equal(s->vms[0].site, 1);
	assert_true(s->vms[0].wws_gib == 4); /* defaults to memory_gib */
	assert_int_equal(s->seed, 1);
	assert_true(s->output.sample_s == 1.0);
	/* Absent sections get their defaults; engine-dependent ones stay unset. */
	assert_false(s->storage.present);
	assert_true(isnan(s->migration.max_downtime_ms));
	assert_int_equal(s->migration.streams, -1);
	dcs_scenario_free(s);
	free(errs);
	dcs_scenario_free(NULL);
}

/* All problems are reported in one pass, one line each. */
static void test_all_errors_in_one_pass(void **state)
{
	(void)state;
	const char *text = "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": -1,\n"
			   " \"sites\": [{\"id\": \"a\", \"x\": \"far\"}],\n"
			   " \"seeed\": 4}\n";
	char *errs = NULL;
	int nerr = 0;
	assert_null(load_capture(text, "multi", &errs, &nerr));
	assert_int_equal(nerr, 3);
	assert_int_equal(count_lines(errs), 3);
	assert_non_null(strstr(errs, "multi:1:42: error: duration_s: -1 is out of range"));
	assert_non_null(strstr(errs, "multi:2:29: error: sites[0].x: must be a number"));
	assert_non_null(strstr(errs, "multi:3:2: error: seeed: unknown key; did you mean 'seed'?"));
	free(errs);
}

/* At most 100 errors are printed, then one line says so. */
static void test_error_limit(void **state)
{
	(void)state;
	size_t cap = 200 * 32 + 256, used = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	used += (size_t)snprintf(text, cap,
				 "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1, "
				 "\"sites\": [{\"id\": \"a\"}]");
	for (int i = 0; i < 200; i++)
		used += (size_t)snprintf(text + used, cap - used, ", \"junk%03d\": %d", i, i);
	snprintf(text + used, cap - used, "}");
	char *errs = NULL;
	int nerr = 0;
	assert_null(load_capture(text, "many", &errs, &nerr));
	assert_true(nerr > 100);
	assert_int_equal(count_lines(errs), 101);
	assert_non_null(strstr(errs, "many: error: too many errors; stopping here\n"));
	free(errs);
	free(text);
}

/* Loads n sites whose last id repeats site 17's; returns the CPU time. */
static double time_duplicates(int n)
{
	size_t cap = (size_t)n * 24 + 256, used = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	used += (size_t)snprintf(
	    text, cap, "{\"dcisim\": 1, \"name\": \"t\", \"duration_s\": 1, \"sites\": [");
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, cap - used, "%s{\"id\": \"s%d\"}",
					 i ? "," : "", i == n - 1 ? 17 : i);
	snprintf(text + used, cap - used, "]}");
	char *errs = NULL, want[96];
	int nerr = 0;
	clock_t t0 = clock();
	assert_null(load_capture(text, "big", &errs, &nerr));
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(nerr, 1);
	snprintf(want, sizeof(want), "sites[%d].id: duplicate id 's17' (also sites[17])", n - 1);
	assert_non_null(strstr(errs, want));
	free(errs);
	free(text);
	return secs;
}

/* Large arrays stay linear: four times the sites take about four times as
 * long to check for duplicate ids, not sixteen (a ratio, so that the test
 * holds under valgrind too). */
static void test_large_array_duplicates(void **state)
{
	(void)state;
	double small = time_duplicates(25000);
	double large = time_duplicates(100000);
	if (large > 8 * small + 0.05)
		fail_msg("100000 ids took %.3f s, 25000 took %.3f s: not linear", large, small);
}

static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(dcs_edit_distance("", ""), 0);
	assert_int_equal(dcs_edit_distance("seed", "seeed"), 1);
	assert_int_equal(dcs_edit_distance("kitten", "sitting"), 3);
	int line, col;
	dcs_text_line_col("ab\ncd\n\nxyz", 9, &line, &col); /* the z */
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	dcs_text_line_col("abc", 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	/* Reading a directory or a missing file is an error with a reason. */
	char *errs = NULL;
	int nerr = 0;
	assert_null(load_file_capture("tests", &errs, &nerr));
	assert_int_equal(nerr, 1);
	assert_non_null(strstr(errs, "tests: error: cannot read scenario: Is a directory"));
	free(errs);
	errs = NULL;
	assert_null(load_file_capture("tests/no-such-file.json", &errs, &nerr));
	assert_non_null(strstr(errs, "No such file or directory"));
	free(errs);
}

/* SHA-256 of scenario texts (run.json scenario_sha256, sweep cache keys):
 * the FIPS 180-2 appendix B vectors, and a text whose tail needs a second
 * padding block. */
static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	dcs_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	dcs_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	dcs_sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	size_t n = 1000000;
	char *a = malloc(n);
	assert_non_null(a);
	memset(a, 'a', n);
	dcs_sha256_hex(a, n, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_bundled_scenarios_load),
	    cmocka_unit_test(test_schema_is_current),
	    cmocka_unit_test(test_defaults_and_references),
	    cmocka_unit_test(test_all_errors_in_one_pass),
	    cmocka_unit_test(test_error_limit),
	    cmocka_unit_test(test_large_array_duplicates),
	    cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_sha256_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
