/*
 * Exit statuses (dcisim/exitcode.h): the README's exit-status table and the
 * man page's EXIT STATUS section say what the program's table says, row by
 * row (codes with the same meaning share a row, as 130 / 143 do), and the
 * statuses are SPEC §1's: 0, 1, 2, 3, 130, 143.  Run from the source tree.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <signal.h>

#include "dcisim/exitcode.h"
#include "dcisim/loader.h"

struct row {
	char codes[64];  /* "130 / 143" */
	char meaning[512];
};

/* The program's table, codes with one meaning grouped, in order. */
static size_t table_rows(struct row *rows, size_t max)
{
	static const int codes[] = {
#define CODE(e, code, name, meaning) code,
	    DCS_EXIT_CODES(CODE)
#undef CODE
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *m = dcs_exit_meaning(codes[i]);
		if (n && strcmp(rows[n - 1].meaning, m) == 0) {
			size_t l = strlen(rows[n - 1].codes);
			snprintf(rows[n - 1].codes + l, sizeof(rows[n - 1].codes) - l, " / %d",
				 codes[i]);
			continue;
		}
		assert_true(n < max);
		snprintf(rows[n].codes, sizeof(rows[n].codes), "%d", codes[i]);
		snprintf(rows[n].meaning, sizeof(rows[n].meaning), "%s", m);
		n++;
	}
	return n;
}

/* Words only: no font escapes, backticks, backslashes or final period,
 * lower case, single spaces; so the man page's roff and the README's
 * Markdown compare. */
static void normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < len; p++) {
		if (p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 2;
			continue;
		}
		if (*p == '\\' || *p == '`')
			continue;
		char c = isspace((unsigned char)*p) ? ' ' : (char)tolower((unsigned char)*p);
		if (c == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = c;
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
}

static char *read_text(const char *path)
{
	size_t len = 0;
	char *s = dcs_read_file(path, &len);
	if (!s)
		fail_msg("cannot read %s (run from the source tree)", path);
	return s;
}

static void test_spec_statuses(void **state)
{
	(void)state;
	assert_int_equal(DCS_EXIT_OK, 0);
	assert_int_equal(DCS_EXIT_DRIFT, 1);
	assert_int_equal(DCS_EXIT_USAGE, 2);
	assert_int_equal(DCS_EXIT_RUNTIME, 3);
	assert_int_equal(dcs_exit_for_signal(SIGINT), 128 + SIGINT);
	assert_int_equal(dcs_exit_for_signal(SIGTERM), 128 + SIGTERM);
	assert_string_equal(dcs_exit_name(2), "usage");
	assert_null(dcs_exit_meaning(4));
}

/* README.md, section "Exit status": | code | meaning | rows. */
static void test_readme_table(void **state)
{
	(void)state;
	struct row want[16];
	size_t n = table_rows(want, 16);
	char *text = read_text("README.md");
	char *p = strstr(text, "### Exit status");
	assert_non_null(p);
	p = strstr(p, "| --- | --- |\n");
	assert_non_null(p);
	p += strlen("| --- | --- |\n");
	for (size_t i = 0; i < n; i++) {
		char line[1024];
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		char expect[1024];
		if (snprintf(expect, sizeof(expect), "| %s | %s |", want[i].codes, want[i].meaning) >=
		    (int)sizeof(expect))
			fail_msg("row %zu too long", i);
		if (strcmp(line, expect) != 0)
			fail_msg("README.md exit status row %zu:\n  is        %s\n  should be %s", i,
				 line, expect);
		p = nl + 1;
	}
	if (*p == '|')
		fail_msg("README.md has an exit status row the program does not: %.80s", p);
	free(text);
}

/* docs/dcisim.1, section EXIT STATUS: .TP, the codes (.B or .BR), the text. */
static void test_man_page(void **state)
{
	(void)state;
	struct row want[16];
	size_t n = table_rows(want, 16);
	char *text = read_text("docs/dcisim.1");
	char *p = strstr(text, ".SH EXIT STATUS\n");
	assert_non_null(p);
	char *end = strstr(p + 1, "\n.SH ");
	assert_non_null(end);
	*end = '\0';
	for (size_t i = 0; i < n; i++) {
		p = strstr(p, ".TP\n");
		if (!p)
			fail_msg("dcisim.1 lacks the entry for %s", want[i].codes);
		p += 4;
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		char head[128], codes[128];
		snprintf(head, sizeof(head), "%.*s", (int)(nl - p), p);
		/* ".B 0" or ".BR 130 \" / \" 143" */
		size_t o = 0;
		for (const char *q = strchr(head, ' '); q && *q && o + 1 < sizeof(codes); q++)
			if (*q != '"')
				codes[o++] = *q;
		codes[o] = '\0';
		char a[128], b[128];
		normalize(codes, a, sizeof(a));
		normalize(want[i].codes, b, sizeof(b));
		if (strcmp(a, b) != 0)
			fail_msg("dcisim.1 entry %zu is for '%s', the program's for '%s'", i, a, b);
		char *next = strstr(nl, "\n.TP\n");
		char body[1024];
		snprintf(body, sizeof(body), "%.*s", (int)((next ? next : end) - (nl + 1)), nl + 1);
		char m1[1024], m2[1024];
		normalize(body, m1, sizeof(m1));
		normalize(want[i].meaning, m2, sizeof(m2));
		if (strcmp(m1, m2) != 0)
			fail_msg("dcisim.1 on %s:\n  says   %s\n  should %s", want[i].codes, m1, m2);
		p = nl;
	}
	if (strstr(p, ".TP\n"))
		fail_msg("dcisim.1 has an exit status entry the program does not");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_statuses),
	    cmocka_unit_test(test_readme_table),
	    cmocka_unit_test(test_man_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
