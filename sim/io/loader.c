#include "dcisim/loader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/hash.h"
#include "dcisim/output.h"
#include "jsonarena.h"
#include "loader_internal.h"
#include "textsafe.h"

void dcs_scenario_free(struct dcs_scenario *scn)
{
	if (!scn)
		return;
	ld_free_fields(&dcs_scenario_spec, scn);
	for (size_t i = 0; i < scn->n_warnings; i++)
		free(scn->warnings[i]);
	free(scn->warnings);
	free(scn->path);
	free(scn);
}

char *dcs_read_file(const char *path, size_t *len)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return NULL;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return NULL;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		errno = ENOMEM;
	while (buf) {
		if (n + 1 >= cap) {
			/* A bound, so that /dev/zero or a runaway file is refused
			 * rather than read until memory runs out. */
			if (cap >= ((size_t)1 << 30)) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				free(buf);
				buf = NULL;
				errno = EIO;
			}
			break;
		}
	}
	fclose(fp);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* Why a text cJSON rejected may have failed beyond its own error position:
 * it stops inside a string or with an object or array still open (a
 * truncated file), or nests deeper than cJSON allows.  *deep_at is the
 * offset of the first bracket past the nesting limit. */
enum json_shape { JSON_CLOSED, JSON_UNFINISHED, JSON_TOO_DEEP };

static enum json_shape json_shape(const char *t, size_t len, size_t *deep_at)
{
	char open[CJSON_NESTING_LIMIT];
	size_t depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (depth == CJSON_NESTING_LIMIT) {
				*deep_at = i;
				return JSON_TOO_DEEP;
			}
			open[depth++] = c;
		} else if (c == '}' || c == ']') {
			if (depth == 0 || open[depth - 1] != (c == '}' ? '{' : '['))
				return JSON_CLOSED; /* a real mismatch, not a truncation */
			depth--;
		}
	}
	return in_str || depth > 0 ? JSON_UNFINISHED : JSON_CLOSED;
}

/* What is read off the text beside the JSON parse: its unsafe characters
 * (textsafe.c) and its SHA-256.  Both are a pass over every byte; for a
 * large scenario (10,000 VMs, 1.2 MB) they take a second core while cJSON
 * parses on the first. */
struct text_scan {
	const char *text;
	size_t len;
	const char *problem;
	size_t bad_at;
	char sha[65];
};

static void text_scan(void *p)
{
	struct text_scan *ts = p;
	ts->problem = dcs_json_text_problem(ts->text, ts->len, &ts->bad_at);
	dcs_sha256_hex(ts->text, ts->len, ts->sha);
}

/* Texts shorter than this are read on one thread; DCISIM_JSON_SPLIT_MIN
 * (bytes) changes it, so that tests can read small texts on two threads
 * and compare. */
#define SPLIT_MIN_DEFAULT (256 * 1024)
/* The share of the largest array's bytes the second thread parses before
 * it scans the text.  Half: natively the scan (UTF-8 and SHA-256, 1.7 ms
 * for the 10,000-VM scenario with SHA-NI) is short beside the parse (about
 * 6 ms), so the parts are best equal, and the scan runs beside the field
 * pass (docs/performance.md). */
#define SPLIT_TAIL 0.5

static size_t split_min(void)
{
	const char *v = getenv("DCISIM_JSON_SPLIT_MIN");
	if (v && *v) {
		char *e;
		unsigned long long n = strtoull(v, &e, 10);
		if (*e == '\0')
			return (size_t)n;
	}
	return SPLIT_MIN_DEFAULT;
}

/* What the field pass holds besides the scenario, released. */
static void ld_release(struct ld *L)
{
	for (size_t i = 0; i < sizeof(L->ix) / sizeof(L->ix[0]); i++)
		free(L->ix[i].slot);
	free(L->nodes_ix.slot);
	free(L->node_cluster);
	free(L->node_index);
	jpos_free(L->pos);
	memset(L->ix, 0, sizeof(L->ix));
	memset(&L->nodes_ix, 0, sizeof(L->nodes_ix));
	L->node_cluster = L->node_index = NULL;
	L->pos = NULL;
	L->pos_tried = false;
}

/* The field pass into a new scenario; false when out of memory for it. */
static bool ld_fields(struct ld *L, const cJSON *root)
{
	L->scn = calloc(1, sizeof(*L->scn));
	if (!L->scn)
		return false;
	L->root = root;
	ld_parse_object(L, root, &dcs_scenario_spec, L->scn, 0);
	ld_release(L);
	return true;
}

/* The field pass while the second thread still scans the text, its
 * messages held back: they go out only when the text has no problem, as
 * when the pass runs after the scan.  False (nothing done) when the
 * messages cannot be held. */
static bool ld_fields_held(struct ld *L, const cJSON *root, char **held, size_t *n_held)
{
	FILE *err = L->err;
	FILE *f = open_memstream(held, n_held);
	if (!f)
		return false;
	L->err = f;
	bool ok = ld_fields(L, root);
	L->err = err;
	if (fclose(f) != 0 || !ok) {
		free(*held);
		*held = NULL;
		if (ok) {
			dcs_scenario_free(L->scn);
			L->scn = NULL;
			L->nerrors = 0;
		}
		return false;
	}
	return true;
}

struct dcs_scenario *dcs_scenario_load_text(const char *text, size_t len, const char *label,
					    FILE *err, int *nerrors)
{
	struct ld L = {.file = label, .text = text, .len = len, .err = err};
	*nerrors = 0;
	if (memchr(text, '\0', len)) {
		fprintf(err,
			"%s:1:1: error: the file contains NUL bytes; is it a JSON text file?\n",
			label);
		*nerrors = 1;
		return NULL;
	}
	/* A long text: the largest array's tail parsed on a second thread,
	 * which then scans the text (jsonarena.h) while this thread parses the
	 * rest and reads the fields. */
	struct text_scan ts = {.text = text, .len = len};
	struct dcs_json_par par = {
	    .min_len = split_min(), .tail = SPLIT_TAIL, .then = text_scan, .arg = &ts};
	const char *end = NULL;
	struct dcs_json_arena arena;
	cJSON *root = dcs_json_parse_arena_par(text, len, &end, &arena, &par);
	bool scanning = par.started;
	if (!root) {
		dcs_json_par_wait(&par);
		dcs_json_arena_free(&arena); /* what the failed parse took */
		size_t off = end && end >= text ? (size_t)(end - text) : 0, deep_at = 0;
		enum json_shape shape = json_shape(text, len, &deep_at);
		const char *why = "";
		if (shape == JSON_TOO_DEEP) {
			off = deep_at;
			why = " (objects and arrays nest too deep)";
		} else if (shape == JSON_UNFINISHED || off >= len) {
			off = len; /* where the rest should have been */
			why = " (the text ends too soon)";
		} else {
			why = dcs_json_syntax_hint(text, len, off);
		}
		int line, col;
		dcs_text_line_col(text, off, &line, &col);
		fprintf(err, "%s:%d:%d: error: not valid JSON here%s\n", label, line, col, why);
		*nerrors = 1;
		return NULL;
	}
	for (const char *p = end; p && p < text + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			dcs_json_par_wait(&par);
			int line, col;
			dcs_text_line_col(text, (size_t)(p - text), &line, &col);
			fprintf(err, "%s:%d:%d: error: unexpected text after the JSON value\n",
				label, line, col);
			dcs_json_arena_free(&arena);
			*nerrors = 1;
			return NULL;
		}
	}
	char *held = NULL;
	size_t n_held = 0;
	bool done = scanning && ld_fields_held(&L, root, &held, &n_held);
	if (!dcs_json_par_wait(&par))
		text_scan(&ts);
	if (ts.problem) {
		int line, col;
		dcs_text_line_col(text, ts.bad_at, &line, &col);
		fprintf(err, "%s:%d:%d: error: %s\n", label, line, col, ts.problem);
		free(held);
		dcs_scenario_free(L.scn);
		dcs_json_arena_free(&arena);
		*nerrors = 1;
		return NULL;
	}
	if (done) {
		fwrite(held, 1, n_held, err);
		free(held);
	} else if (!ld_fields(&L, root)) {
		fprintf(err, "%s: error: out of memory\n", label);
		*nerrors = 1;
		dcs_json_arena_free(&arena);
		return NULL;
	}
	dcs_json_arena_free(&arena);
	L.scn->path = ld_strdup(label);
	memcpy(L.scn->text_sha256, ts.sha, sizeof(ts.sha));
	if (!L.scn->path) {
		fprintf(err, "%s: error: out of memory\n", label);
		L.nerrors++;
	}
	if (L.nerrors) {
		*nerrors = L.nerrors ? L.nerrors : 1;
		dcs_scenario_free(L.scn);
		return NULL;
	}
	return L.scn;
}

struct dcs_scenario *dcs_scenario_load_file(const char *path, FILE *err, int *nerrors)
{
	size_t len;
	char *text = dcs_read_file(path, &len);
	if (!text) {
		if (errno == ENOMEM)
			fprintf(err, "%s: error: out of memory reading the scenario\n", path);
		else
			fprintf(err, "%s: error: cannot read scenario: %s\n", path,
				strerror(errno));
		*nerrors = 1;
		return NULL;
	}
	struct dcs_scenario *s = dcs_scenario_load_text(text, len, path, err, nerrors);
	free(text);
	return s;
}
