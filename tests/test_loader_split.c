/*
 * Tests of the scenario parse on two threads (sim/io/jsonarena.c,
 * dcs_json_parse_arena_par, and the loader around it): the tree is the one
 * cJSON gives in a single parse, node for node, for generated texts with
 * strings that hold quotes, escapes, commas and brackets, nested arrays and
 * several array members, cut at every share of the array; a text broken
 * anywhere fails as the single parse fails, at the same position; and a
 * large scenario with errors in the second half of its VMs array gives the
 * same messages (FILE:LINE:COL, JSON path, message bytes) and the same
 * scenario whether it is parsed in two parts or in one
 * (DCISIM_JSON_SPLIT_MIN), at positions this test finds in the text.
 * The oracle is cJSON's own single parse and the text itself, never the
 * code under test.  Run from the source tree (ctest does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../sim/io/jsonarena.h"
#include "dcisim/loader.h"
#include "dcisim/scenario.h"

/* ---- a growing text ---- */

struct text {
	char *s;
	size_t n, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if (t->s && t->n + (size_t)k < t->cap) {
			t->n += (size_t)k;
			return;
		}
		t->cap = (t->cap + (size_t)k + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
}

/* ---- trees compared node for node ---- */

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Equal trees: types, keys, strings, numbers (to the bit), children in
 * order, each list's links both ways and its first element's prev (the
 * last one, where cJSON keeps it). */
static void same_tree(const cJSON *a, const cJSON *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(!a->string, !b->string);
	if (a->string)
		assert_string_equal(a->string, b->string);
	assert_int_equal(!a->valuestring, !b->valuestring);
	if (a->valuestring)
		assert_string_equal(a->valuestring, b->valuestring);
	assert_int_equal(a->valueint, b->valueint);
	assert_memory_equal(&a->valuedouble, &b->valuedouble, sizeof(double));
	const cJSON *x = a->child, *y = b->child, *px = NULL, *py = NULL;
	for (; x && y; px = x, py = y, x = x->next, y = y->next) {
		if (px) {
			assert_ptr_equal(x->prev, px);
			assert_ptr_equal(y->prev, py);
		}
		same_tree(x, y);
	}
	assert_null(x);
	assert_null(y);
	if (a->child) {
		assert_int_equal(a->child->prev == px, b->child->prev == py);
		assert_int_equal(!a->child->prev, !b->child->prev);
	}
}

static const char *const pieces[] = {
    "plain",
    "a \\\"quoted\\\" word",
    "comma, inside",
    "[bracket]",
    "{brace}",
    "back\\\\slash",
    "\\u00e9\\u0041",
    "tab\\tand\\nnewline",
    "ends with \\\\",
    "\\\"",
    "",
    "]},[{\\\"",
};

static void gen_value(struct text *t, int depth);

static void gen_string(struct text *t)
{
	put(t, "\"%s\"", pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
}

static const char *ws(void)
{
	static const char *const w[] = {"", " ", "\n", " \t", "\r\n  "};
	return w[rnd(5)];
}

static void gen_value(struct text *t, int depth)
{
	unsigned k = depth > 4 ? rnd(6) : rnd(9);
	switch (k) {
	case 0:
		gen_string(t);
		break;
	case 1:
		put(t, "%d", (int)rnd(100000) - 50000);
		break;
	case 2:
		put(t, "%.17g", (double)rnd(1000000) / 977.0);
		break;
	case 3:
		put(t, "%s", rnd(2) ? "-0" : "1.5e300");
		break;
	case 4:
		put(t, "%s", rnd(3) == 0 ? "true" : rnd(2) ? "false" : "null");
		break;
	case 5:
		put(t, "%s", rnd(2) ? "[]" : "{}");
		break;
	case 6:
	case 7: {
		unsigned n = rnd(4);
		put(t, "{%s", ws());
		for (unsigned i = 0; i < n; i++) {
			put(t, "%s", i ? "," : "");
			gen_string(t);
			put(t, "%s:%s", ws(), ws());
			gen_value(t, depth + 1);
			put(t, "%s", ws());
		}
		put(t, "}");
		break;
	}
	default: {
		unsigned n = rnd(4);
		put(t, "[%s", ws());
		for (unsigned i = 0; i < n; i++) {
			put(t, "%s%s", i ? "," : "", ws());
			gen_value(t, depth + 1);
		}
		put(t, "%s]", ws());
	}
	}
}

/* An object of a few members, arrays among them, one long. */
static struct text gen_doc(unsigned long_items)
{
	struct text t = {0};
	unsigned members = 2 + rnd(4), big = rnd(members);
	put(&t, "%s{", ws());
	for (unsigned m = 0; m < members; m++) {
		put(&t, "%s%s\"m%u\"%s:%s", m ? "," : "", ws(), m, ws(), ws());
		unsigned n = m == big ? long_items : rnd(5);
		if (m != big && rnd(3) == 0) {
			gen_value(&t, 1);
			continue;
		}
		put(&t, "[");
		for (unsigned i = 0; i < n; i++) {
			put(&t, "%s%s", i ? "," : "", ws());
			gen_value(&t, 2);
		}
		put(&t, "%s]", ws());
	}
	put(&t, "%s}%s", ws(), ws());
	return t;
}

static int then_runs;
static void count_then(void *arg)
{
	(void)arg;
	then_runs++;
}

/* Parses text in two parts (shares of the array: tail) and in one (plain
 * cJSON, its own allocator), and checks they agree: the same tree and end,
 * or both failing at the same place.  Returns whether the cut was used. */
static bool check_text(const char *text, size_t len, double tail)
{
	const char *end1 = NULL, *end2 = NULL;
	cJSON *one = cJSON_ParseWithLengthOpts(text, len, &end1, 0);
	struct dcs_json_arena a;
	struct dcs_json_par par = {.min_len = 0, .tail = tail, .then = count_then};
	then_runs = 0;
	cJSON *two = dcs_json_parse_arena_par(text, len, &end2, &a, &par);
	bool started = dcs_json_par_wait(&par);
	assert_true(started); /* min_len 0: always a second thread */
	assert_int_equal(then_runs, 1);
	assert_int_equal(!one, !two);
	assert_ptr_equal(end1, end2);
	if (one)
		same_tree(one, two);
	else
		assert_false(par.cut);
	cJSON_Delete(one);
	dcs_json_arena_free(&a);
	return par.cut;
}

static void test_trees_match(void **state)
{
	(void)state;
	static const double tails[] = {0.001, 0.2, 0.5, 0.8, 0.999};
	size_t cuts = 0, tries = 0;
	for (int doc = 0; doc < 300; doc++) {
		struct text t = gen_doc(2 + rnd(doc < 150 ? 8 : 200));
		for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++, tries++)
			cuts += check_text(t.s, t.n, tails[k]);
		free(t.s);
	}
	/* Every generated text is valid and has an array of two or more: all
	 * of them are cut (a test of the cut, not only of the fallback). */
	assert_int_equal(cuts, tries);
}

/* A valid text with one byte removed, replaced or added anywhere: the same
 * result as the single parse (the same tree, or failing at the same end). */
static void test_broken_texts_fail_alike(void **state)
{
	(void)state;
	static const char repl[] = "\"\\,[]{}: x0}\n";
	size_t cuts = 0, fails = 0;
	for (int doc = 0; doc < 60; doc++) {
		struct text t = gen_doc(3 + rnd(30));
		char *m = malloc(t.n + 2);
		assert_non_null(m);
		for (int k = 0; k < 40; k++) {
			size_t at = rnd((unsigned)t.n), n = t.n;
			char c = repl[rnd(sizeof(repl) - 1)];
			switch (rnd(3)) {
			case 0: /* remove */
				memcpy(m, t.s, at);
				memcpy(m + at, t.s + at + 1, t.n - at - 1);
				n--;
				break;
			case 1: /* replace */
				memcpy(m, t.s, t.n);
				m[at] = c;
				break;
			default: /* add */
				memcpy(m, t.s, at);
				m[at] = c;
				memcpy(m + at + 1, t.s + at, t.n - at);
				n++;
			}
			m[n] = '\0';
			cuts += check_text(m, n, 0.5);
			cJSON *whole = cJSON_ParseWithLength(m, n);
			fails += !whole;
			cJSON_Delete(whole);
		}
		free(m);
		free(t.s);
	}
	/* Both kinds were met: broken texts and still valid ones, cut. */
	assert_true(cuts > 100);
	assert_true(fails > 100);
}

/* Texts the cut does not vouch for: not an object, no array member,
 * arrays of one element, nesting past DCS_JSON_CUT_DEPTH in an element
 * (a part would nest less deep than the whole), a byte-order mark (which
 * cJSON skips at the start of a parse, so at the start of an element parsed
 * on its own, but refuses inside an array).  One parse, the same result. */
static void test_shapes_left_whole(void **state)
{
	(void)state;
	static const char *const texts[] = {"[1, 2, 3]",
					    "{\"a\": 1, \"b\": {\"c\": [1, 2]}}",
					    "{\"a\": [1]}",
					    "{\"a\": []}",
					    "\xef\xbb\xbf{\"a\": [1, 2]}",
					    "{\"a\": [\xef\xbb\xbf"
					    "123, 4, 5, 6]}",
					    "{\"a\": [1, \xef\xbb\xbf"
					    "234, 5, 6, 7]}",
					    "{\"a\": [1, 2]",
					    "  ",
					    "{\"a\": [1, 2], \"b\": \"unterminated}"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (check_text(texts[i], strlen(texts[i]), 0.5))
			fail_msg("cut: %s", texts[i]);
	/* Text after the value is the caller's: the cut applies, with the
	 * same end as the single parse (check_text). */
	assert_true(check_text("{\"a\": [1, 2]}}", 14, 0.5));
	/* Deep elements: beyond the scan's depth, one parse; nesting near
	 * cJSON's own limit fails where the single parse fails. */
	for (int depth = DCS_JSON_CUT_DEPTH - 3; depth <= CJSON_NESTING_LIMIT + 1;
	     depth += depth < DCS_JSON_CUT_DEPTH + 3 ? 1 : CJSON_NESTING_LIMIT - 8) {
		struct text t = {0};
		put(&t, "{\"a\": [1, ");
		for (int d = 0; d < depth; d++)
			put(&t, "[");
		for (int d = 0; d < depth; d++)
			put(&t, "]");
		put(&t, ", 2]}");
		bool cut = check_text(t.s, t.n, 0.5);
		assert_int_equal(cut, depth + 2 <= DCS_JSON_CUT_DEPTH);
		free(t.s);
	}
}

/* ---- the loader: a large scenario, split or not ---- */

#define N_VMS 3000

/* A scenario of N_VMS VMs, one per line; `edit` (when given) replaces the
 * first `old` at or after VM number `at`'s line by `new`. */
static struct text scenario(int at, const char *old, const char *new)
{
	struct text t = {0};
	put(&t,
	    "{\"dcisim\": 1, \"name\": \"split\", \"seed\": 3, \"duration_s\": 100,\n"
	    " \"description\": \"a \\\"quoted\\\" word, [bracket] {brace} \\\\\",\n"
	    " \"sites\": [{\"id\": \"dc1\", \"x\": 0, \"y\": 0}, {\"id\": \"dc2\", \"x\": 80, "
	    "\"y\": 0}],\n"
	    " \"links\": [{\"id\": \"dci\", \"a\": \"dc1\", \"b\": \"dc2\", \"distance_km\": 80, "
	    "\"bandwidth_gbps\": 100}],\n"
	    " \"vms\": [\n");
	size_t edit_from = 0;
	for (int i = 0; i < N_VMS; i++) {
		if (i == at)
			edit_from = t.n;
		put(&t,
		    "  {\"id\": \"vm%04d\", \"site\": \"dc1\", \"memory_gib\": %d, "
		    "\"dirty_mib_s\": "
		    "%d, \"wws_gib\": %.1f, \"vcpus\": %d}%s\n",
		    i, 4 << (i % 3), i % 50, 0.5 * (1 + i % 4), 1 + i % 8,
		    i + 1 < N_VMS ? "," : "");
	}
	put(&t, " ],\n \"migrations\": [{\"evacuate\": \"dc1\", \"to\": \"dc2\", \"at_s\": 1, "
		"\"max_concurrent\": 8}]}\n");
	if (old) {
		char *p = strstr(t.s + edit_from, old);
		assert_non_null(p);
		size_t o = (size_t)(p - t.s), lo = strlen(old);
		struct text u = {0};
		put(&u, "%.*s%s%s", (int)o, t.s, new, t.s + o + lo);
		free(t.s);
		t = u;
	}
	return t;
}

/* Loads text with the split forced (DCISIM_JSON_SPLIT_MIN=0) or never
 * (a bound above any text). */
static struct dcs_scenario *load(const struct text *t, bool split, char **errs, int *nerr)
{
	assert_int_equal(setenv("DCISIM_JSON_SPLIT_MIN", split ? "0" : "1000000000000", 1), 0);
	size_t n = 0;
	FILE *err = open_memstream(errs, &n);
	assert_non_null(err);
	struct dcs_scenario *s = dcs_scenario_load_text(t->s, t->n, "big.json", err, nerr);
	fclose(err);
	assert_int_equal(unsetenv("DCISIM_JSON_SPLIT_MIN"), 0);
	return s;
}

static void same_scenario(const struct dcs_scenario *a, const struct dcs_scenario *b)
{
	assert_string_equal(a->text_sha256, b->text_sha256);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->n_sites, b->n_sites);
	assert_int_equal(a->n_links, b->n_links);
	assert_int_equal(a->n_vms, b->n_vms);
	for (size_t i = 0; i < a->n_vms; i++) {
		const struct dcs_vm_cfg *x = &a->vms[i], *y = &b->vms[i];
		assert_string_equal(x->id, y->id);
		assert_int_equal(x->site, y->site);
		assert_int_equal(x->vcpus, y->vcpus);
		const double dx[] = {x->memory_gib, x->dirty_mib_s,   x->wws_gib,
				     x->used_gib,   x->zero_fraction, x->compress_ratio};
		const double dy[] = {y->memory_gib, y->dirty_mib_s,   y->wws_gib,
				     y->used_gib,   y->zero_fraction, y->compress_ratio};
		assert_memory_equal(dx, dy, sizeof(dx));
	}
	assert_int_equal(a->n_migrations, b->n_migrations);
	assert_memory_equal(a->migrations, b->migrations, a->n_migrations * sizeof(*a->migrations));
	assert_int_equal(a->n_warnings, b->n_warnings);
	for (size_t i = 0; i < a->n_warnings; i++)
		assert_string_equal(a->warnings[i], b->warnings[i]);
}

static void test_scenario_split_or_not(void **state)
{
	(void)state;
	struct text t = scenario(-1, NULL, NULL);
	/* The text is one the cut applies to: the vms array, halved. */
	assert_true(check_text(t.s, t.n, 0.5));
	char *e1 = NULL, *e2 = NULL;
	int n1 = -1, n2 = -1;
	struct dcs_scenario *one = load(&t, false, &e1, &n1);
	struct dcs_scenario *two = load(&t, true, &e2, &n2);
	assert_non_null(one);
	assert_non_null(two);
	assert_int_equal(n1, 0);
	assert_int_equal(n2, 0);
	assert_string_equal(e1, "");
	assert_string_equal(e2, "");
	assert_int_equal(one->n_vms, N_VMS);
	assert_string_equal(two->vms[N_VMS - 1].id, "vm2999");
	assert_true(two->vms[N_VMS - 1].memory_gib == 4 << ((N_VMS - 1) % 3));
	same_scenario(one, two);
	dcs_scenario_free(one);
	dcs_scenario_free(two);
	free(e1);
	free(e2);
	free(t.s);
}

/* An error put in the text: the first message's position and words, found
 * in the text here (the anchor's line and byte column), and the whole
 * output the same with and without the split. */
struct bad_case {
	int at;
	const char *old, *new;
	const char *anchor; /* NULL: the position is only compared */
	const char *want;   /* in the first message, after FILE:LINE:COL */
};

static void test_scenario_errors_split_or_not(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
	    {2900, "\"memory_gib\"", "\"memory_gb\"", "\"memory_gb\"",
	     ": error: vms[2900].memory_gb: unknown key; did you mean 'memory_gib'?"},
	    {2901, "\"memory_gib\": ", "\"memory_gib\": -", "-4",
	     ": error: vms[2901].memory_gib: -4 is out of range"},
	    {2902, "\"site\": \"dc1\"", "\"site\": \"dc9\"", "\"dc9\"",
	     ": error: vms[2902].site: no site named 'dc9'"},
	    {2903, "\"vcpus\": 8", "\"vcpus\": \"8\"", "\"8\"",
	     ": error: vms[2903].vcpus: must be a number, not a string"},
	    {2904, "\"vm2904\"", "\"vm0007\"", NULL, ": error: vms[2904].id: duplicate id"},
	    {N_VMS - 1, "\"dirty_mib_s\": 49", "\"dirty_mib_s\": 49, \"colour\": 1", "\"colour\"",
	     ": error: vms[2999].colour: unknown key"},
	    /* Errors that are not the field pass's: the JSON itself, in the
	     * second half, and a problem in the text with a field error
	     * before it (only the text's problem is reported). */
	    {2950, "\"dirty_mib_s\": 0,", "\"dirty_mib_s\": 0", "\"wws_gib\"",
	     ": error: not valid JSON here"},
	    {2951, "},\n", "},,\n", ",\n", ": error: not valid JSON here"},
	    {2952, "\"dc1\"", "\"d\xff\"", "\xff", ": error: this byte is not UTF-8 text"},
	    {2953, "\"dc1\"", "\"d\t\"", "\t", ": error: a control character written raw"},
	    {2954, "\"dc1\"", "\"d\\u0000\"", "\\u0000", ": error: \\u0000 (a NUL character)"},
	    {N_VMS - 1, "}\n ],", "}\n ]],", NULL, ": error: not valid JSON here"},
	    {N_VMS - 1, "\"max_concurrent\": 8}]}", "\"max_concurrent\": 8}]} x", "x\n",
	     ": error: unexpected text after the JSON value"},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct bad_case *k = &cases[c];
		struct text t = scenario(k->at, k->old, k->new);
		if (c == 8) { /* and an unknown key earlier, in the first half */
			char *p = strstr(t.s, "\"vm0010\"");
			assert_non_null(p);
			memcpy(p - 6, "\"iX\"", 4); /* "id" -> "iX" */
		}
		char *e1 = NULL, *e2 = NULL;
		int n1 = 0, n2 = 0;
		struct dcs_scenario *one = load(&t, false, &e1, &n1);
		struct dcs_scenario *two = load(&t, true, &e2, &n2);
		assert_null(one);
		assert_null(two);
		if (strcmp(e1, e2) != 0)
			fail_msg("case %zu: split and single parse differ:\n%s---\n%s", c, e1, e2);
		assert_int_equal(n1, n2);
		char pos[64];
		if (k->anchor) {
			/* From the start of VM k->at's line. */
			char id[16];
			snprintf(id, sizeof(id), "\"vm%04d\"", k->at);
			const char *p = strstr(t.s, id);
			assert_non_null(p);
			while (p > t.s && p[-1] != '\n')
				p--;
			p = strstr(p, k->anchor);
			assert_non_null(p);
			size_t off = (size_t)(p - t.s);
			int line = 1;
			const char *bol = t.s;
			for (const char *q = t.s; q < p; q++)
				if (*q == '\n')
					line++, bol = q + 1;
			snprintf(pos, sizeof(pos), "big.json:%d:%zu:", line,
				 off - (size_t)(bol - t.s) + 1);
		} else {
			snprintf(pos, sizeof(pos), "big.json:");
		}
		if (strncmp(e1, pos, strlen(pos)) != 0 || !strstr(e1, k->want))
			fail_msg("case %zu: wanted %s...%s, got:\n%s", c, pos, k->want, e1);
		if (c == 8 && strstr(e1, "iX"))
			fail_msg("case 8: a field error printed beside the text's problem:\n%s",
				 e1);
		free(e1);
		free(e2);
		free(t.s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trees_match),
	    cmocka_unit_test(test_broken_texts_fail_alike),
	    cmocka_unit_test(test_shapes_left_whole),
	    cmocka_unit_test(test_scenario_split_or_not),
	    cmocka_unit_test(test_scenario_errors_split_or_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
