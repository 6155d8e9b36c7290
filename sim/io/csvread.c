/*
 * Result readers: bounded CSV parsing with libcsv, and flat JSON objects
 * with cJSON.  See include/dcisim/csvread.h for the contract.
 */
#include "dcisim/csvread.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <csv.h>

/* Generous for result files (a long links.csv is a few MiB) and small
 * enough that a hostile file cannot exhaust memory. */
const struct dcs_csv_limits dcs_csv_default_limits = {
    .max_bytes = (size_t)256 << 20,
    .max_cols = 4096,
    .max_rows = 20000000,
    .max_field = (size_t)1 << 20,
};

/* The parser's state, shared by libcsv's two callbacks. */
struct rd {
	struct dcs_csv_limits lim;
	struct dcs_csv *t;
	char **row; /* fields of the record being read */
	size_t nrow, caprow;
	size_t cap_cells;
	size_t line; /* 1-based record number, for messages */
	bool failed;
	char *errbuf;
	size_t errlen;
};

static void rd_fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rd_fail(struct rd *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	r->failed = true;
	if (!r->errbuf || !r->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errbuf, r->errlen, fmt, ap);
	va_end(ap);
}

static void free_row(struct rd *r)
{
	for (size_t i = 0; i < r->nrow; i++)
		free(r->row[i]);
	r->nrow = 0;
}

/* A field as a string of its own; NULL when out of memory. */
static char *copy_field(const void *data, size_t len)
{
	char *s = malloc(len + 1);
	if (s) {
		if (len)
			memcpy(s, data, len);
		s[len] = '\0';
	}
	return s;
}

static void on_field(void *data, size_t len, void *arg)
{
	struct rd *r = arg;
	if (r->failed)
		return;
	if (len > r->lim.max_field) {
		rd_fail(r, "line %zu: a field of %zu bytes is over the limit of %zu", r->line, len,
			r->lim.max_field);
		return;
	}
	if (data && memchr(data, '\0', len)) {
		rd_fail(r, "line %zu: NUL byte in a field; is this a CSV text file?", r->line);
		return;
	}
	if (r->nrow >= r->lim.max_cols) {
		rd_fail(r, "line %zu: more than %zu fields", r->line, r->lim.max_cols);
		return;
	}
	if (r->nrow == r->caprow) {
		size_t cap = r->caprow ? r->caprow * 2 : 16;
		char **n = realloc(r->row, cap * sizeof(*n));
		if (!n) {
			rd_fail(r, "out of memory");
			return;
		}
		r->row = n;
		r->caprow = cap;
	}
	char *s = copy_field(data, len);
	if (!s) {
		rd_fail(r, "out of memory");
		return;
	}
	r->row[r->nrow++] = s;
}

static void on_record(int term, void *arg)
{
	(void)term;
	struct rd *r = arg;
	struct dcs_csv *t = r->t;
	if (r->failed) {
		free_row(r);
		return;
	}
	if (!t->header) {
		/* The header: its length fixes every record's. */
		t->header = r->row;
		t->ncols = r->nrow;
		r->row = NULL;
		r->nrow = r->caprow = 0;
		r->line++;
		return;
	}
	if (r->nrow != t->ncols) {
		rd_fail(r, "line %zu: %zu fields where the header has %zu", r->line, r->nrow,
			t->ncols);
		free_row(r);
		return;
	}
	if (t->nrows >= r->lim.max_rows) {
		rd_fail(r, "line %zu: more than %zu rows", r->line, r->lim.max_rows);
		free_row(r);
		return;
	}
	size_t need = (t->nrows + 1) * t->ncols;
	if (need > r->cap_cells) {
		size_t cap = r->cap_cells ? r->cap_cells : 256;
		while (cap < need)
			cap *= 2;
		char **n = realloc(t->cells, cap * sizeof(*n));
		if (!n) {
			rd_fail(r, "out of memory");
			free_row(r);
			return;
		}
		t->cells = n;
		r->cap_cells = cap;
	}
	memcpy(t->cells + t->nrows * t->ncols, r->row, t->ncols * sizeof(char *));
	t->nrows++;
	r->nrow = 0;
	r->line++;
}

/* Unquoted fields are kept byte for byte: our writer quotes any field
 * with leading or trailing blanks, so nothing is lost either way. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* A lone record (dcs_csv_parse_record): libcsv's callbacks collect it. */
struct rec {
	char **cells;
	size_t n;
	bool oom, nul;
};

static void rec_field(void *data, size_t len, void *arg)
{
	struct rec *r = arg;
	if (r->oom || r->nul)
		return;
	if (data && memchr(data, '\0', len)) {
		r->nul = true;
		return;
	}
	char **c = realloc(r->cells, (r->n + 1) * sizeof(*c));
	char *s = c ? copy_field(data, len) : NULL;
	if (c)
		r->cells = c;
	if (!s) {
		r->oom = true;
		return;
	}
	r->cells[r->n++] = s;
}

static void rec_end(int term, void *arg)
{
	(void)term, (void)arg;
}

void dcs_csv_free_record(char **cells, size_t n)
{
	for (size_t i = 0; cells && i < n; i++)
		free(cells[i]);
	free(cells);
}

char **dcs_csv_parse_record(const char *text, size_t len, size_t *ncells, size_t *used,
			    int *lines, char *errbuf, size_t errlen)
{
	/* The record ends at the first line end outside quotes: each quote
	 * toggles, a doubled one twice.  libcsv parses what lies before. */
	bool quoted = false;
	size_t end = 0;
	int nl = 0;
	for (; end < len && (quoted || text[end] != '\n'); end++) {
		if (text[end] == '"')
			quoted = !quoted;
		else if (text[end] == '\n')
			nl++;
	}
	*ncells = 0;
	if (quoted) {
		snprintf(errbuf, errlen, "unterminated quoted cell");
		return NULL;
	}
	struct rec r = {0};
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	csv_set_space_func(&p, no_space);
	bool bad = csv_parse(&p, text, end, rec_field, rec_end, &r) != end ||
		   csv_fini(&p, rec_field, rec_end, &r) != 0;
	if (bad)
		snprintf(errbuf, errlen, "%s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	if (!bad && (r.oom || r.nul))
		snprintf(errbuf, errlen, r.oom ? "out of memory" : "NUL byte in a cell");
	if (!bad && !r.oom && !r.nul && r.n == 0)
		rec_field("", 0, &r); /* an empty record: one empty cell */
	if (bad || r.oom || r.nul) {
		dcs_csv_free_record(r.cells, r.n);
		return NULL;
	}
	*ncells = r.n;
	*used = end;
	*lines = nl;
	return r.cells;
}

void dcs_csv_free(struct dcs_csv *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t i = 0; t->header && i < t->ncols; i++)
		free(t->header[i]);
	free(t->cells);
	free(t->header);
	free(t);
}

struct dcs_csv *dcs_csv_parse(const char *data, size_t len, const struct dcs_csv_limits *lim,
			      char *errbuf, size_t errlen)
{
	struct rd r = {.lim = lim ? *lim : dcs_csv_default_limits,
		       .line = 1,
		       .errbuf = errbuf,
		       .errlen = errlen};
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > r.lim.max_bytes) {
		rd_fail(&r, "%zu bytes is over the limit of %zu", len, r.lim.max_bytes);
		return NULL;
	}
	r.t = calloc(1, sizeof(*r.t));
	if (!r.t) {
		rd_fail(&r, "out of memory");
		return NULL;
	}
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(r.t);
		rd_fail(&r, "out of memory");
		return NULL;
	}
	csv_set_space_func(&p, no_space);
	/* Feed in slices so that an unterminated quoted field is caught at
	 * max_field instead of after buffering the whole input. */
	const size_t slice = 64 * 1024;
	for (size_t off = 0; off < len && !r.failed; off += slice) {
		size_t n = len - off < slice ? len - off : slice;
		if (csv_parse(&p, data + off, n, on_field, on_record, &r) != n && !r.failed)
			rd_fail(&r, "line %zu: %s", r.line, csv_strerror(csv_error(&p)));
		if (!r.failed && csv_get_buffer_size(&p) > r.lim.max_field + 1024)
			rd_fail(&r, "line %zu: a field is over the limit of %zu bytes", r.line,
				r.lim.max_field);
	}
	if (!r.failed && csv_fini(&p, on_field, on_record, &r) != 0)
		rd_fail(&r, "line %zu: %s (unterminated quoted field?)", r.line,
			csv_strerror(csv_error(&p)));
	csv_free(&p);
	free_row(&r);
	free(r.row);
	if (!r.failed && !r.t->header)
		rd_fail(&r, "empty file: no header row");
	if (r.failed) {
		dcs_csv_free(r.t);
		return NULL;
	}
	return r.t;
}

/* Reads at most max+1 bytes, so that an oversized file is refused without
 * reading it whole or allocating more than max+1 bytes. */
static char *read_bounded(const char *path, size_t max, size_t *len, char *errbuf, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t limit = max + 1, cap = limit < 65536 ? limit : 65536, n = 0;
	char *buf = malloc(cap);
	bool ok = buf != NULL;
	while (ok && n < limit) {
		if (n == cap) {
			size_t ncap = cap > limit / 2 ? limit : cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				ok = false;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ok && ferror(fp)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		ok = false;
	} else if (!ok) {
		snprintf(errbuf, errlen, "%s: out of memory", path);
	} else if (n > max) {
		snprintf(errbuf, errlen, "%s: over the limit of %zu bytes", path, max);
		ok = false;
	}
	fclose(fp);
	if (!ok) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

struct dcs_csv *dcs_csv_read_file(const char *path, const struct dcs_csv_limits *lim, char *errbuf,
				  size_t errlen)
{
	const struct dcs_csv_limits *l = lim ? lim : &dcs_csv_default_limits;
	size_t len = 0;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	char *data = read_bounded(path, l->max_bytes, &len, errbuf, errlen);
	if (!data)
		return NULL;
	char msg[256];
	struct dcs_csv *t = dcs_csv_parse(data, len, l, msg, sizeof(msg));
	free(data);
	if (!t)
		snprintf(errbuf, errlen, "%s: %s", path, msg);
	return t;
}

long dcs_csv_col(const struct dcs_csv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (long)i;
	return -1;
}

bool dcs_csv_num(const char *s, double *out)
{
	if (!s || !*s || strchr(" \t\r\n", s[0]))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return false;
	/* strtod takes "0x1p3" and "nan"; results never hold those. */
	if (strpbrk(s, "xXnN"))
		return false;
	*out = v;
	return true;
}

void dcs_kv_free(struct dcs_kv *kv)
{
	if (!kv)
		return;
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->vals[i]);
	}
	free(kv->keys);
	free(kv->vals);
	free(kv->is_num);
	free(kv->num);
	free(kv);
}

struct dcs_kv *dcs_kv_parse_json(const char *text, size_t len, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(root)) {
		snprintf(errbuf, errlen, "not a JSON object");
		cJSON_Delete(root);
		return NULL;
	}
	size_t n = (size_t)cJSON_GetArraySize(root);
	struct dcs_kv *kv = calloc(1, sizeof(*kv));
	if (!kv)
		goto oom;
	kv->keys = calloc(n + 1, sizeof(char *));
	kv->vals = calloc(n + 1, sizeof(char *));
	kv->is_num = calloc(n + 1, sizeof(bool));
	kv->num = calloc(n + 1, sizeof(double));
	if (!kv->keys || !kv->vals || !kv->is_num || !kv->num)
		goto oom;
	for (const cJSON *c = root->child; c; c = c->next) {
		size_t i = kv->n;
		kv->keys[i] = strdup(c->string ? c->string : "");
		if (cJSON_IsString(c)) {
			kv->vals[i] = strdup(c->valuestring);
		} else if (cJSON_IsNumber(c)) {
			char b[40];
			snprintf(b, sizeof(b), "%.17g", c->valuedouble);
			kv->vals[i] = strdup(b);
			kv->is_num[i] = true;
			kv->num[i] = c->valuedouble;
		} else if (cJSON_IsBool(c)) {
			kv->vals[i] = strdup(cJSON_IsTrue(c) ? "true" : "false");
		} else {
			kv->vals[i] = cJSON_PrintUnformatted(c);
		}
		kv->n++;
		if (!kv->keys[i] || !kv->vals[i])
			goto oom;
	}
	cJSON_Delete(root);
	return kv;
oom:
	snprintf(errbuf, errlen, "out of memory");
	dcs_kv_free(kv);
	cJSON_Delete(root);
	return NULL;
}

struct dcs_kv *dcs_kv_read_json(const char *path, char *errbuf, size_t errlen)
{
	size_t len = 0;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	char *data = read_bounded(path, (size_t)16 << 20, &len, errbuf, errlen);
	if (!data)
		return NULL;
	char msg[128];
	struct dcs_kv *kv = dcs_kv_parse_json(data, len, msg, sizeof(msg));
	free(data);
	if (!kv)
		snprintf(errbuf, errlen, "%s: %s", path, msg);
	return kv;
}

const char *dcs_kv_get(const struct dcs_kv *kv, const char *key)
{
	for (size_t i = 0; kv && i < kv->n; i++)
		if (strcmp(kv->keys[i], key) == 0)
			return kv->vals[i];
	return NULL;
}

struct flat {
	struct dcs_kv *kv;
	size_t cap;
	bool oom;
};

static void flat_add(struct flat *F, const char *path, const cJSON *v)
{
	if (F->oom)
		return;
	struct dcs_kv *kv = F->kv;
	if (kv->n == F->cap) {
		size_t cap = F->cap ? F->cap * 2 : 64;
		char **k = realloc(kv->keys, cap * sizeof(char *));
		if (k)
			kv->keys = k;
		char **vv = realloc(kv->vals, cap * sizeof(char *));
		if (vv)
			kv->vals = vv;
		bool *isn = realloc(kv->is_num, cap * sizeof(bool));
		if (isn)
			kv->is_num = isn;
		double *num = realloc(kv->num, cap * sizeof(double));
		if (num)
			kv->num = num;
		if (!k || !vv || !isn || !num) {
			F->oom = true;
			return;
		}
		F->cap = cap;
	}
	char *val = cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
	char *key = strdup(path);
	if (!val || !key) {
		free(val);
		free(key);
		F->oom = true;
		return;
	}
	kv->keys[kv->n] = key;
	kv->vals[kv->n] = val;
	kv->is_num[kv->n] = cJSON_IsNumber(v);
	kv->num[kv->n] = cJSON_IsNumber(v) ? v->valuedouble : 0;
	kv->n++;
}

static void flat_walk(struct flat *F, const cJSON *node, char *path, size_t len, size_t cap,
		      int depth)
{
	if (depth > 32 || F->oom)
		return;
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) {
		flat_add(F, len ? path : "(value)", node);
		return;
	}
	int i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		int n = cJSON_IsObject(node) ? snprintf(path + len, cap - len, "%s%s",
							len ? "." : "", c->string ? c->string : "")
					     : snprintf(path + len, cap - len, "[%d]", i);
		if (n < 0 || (size_t)n >= cap - len)
			continue; /* too deep a path to name: leave it out */
		flat_walk(F, c, path, len + (size_t)n, cap, depth + 1);
		path[len] = '\0';
	}
}

struct dcs_kv *dcs_kv_flatten_json(const char *text, size_t len, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (!root) {
		snprintf(errbuf, errlen, "not valid JSON");
		return NULL;
	}
	struct flat F = {.kv = calloc(1, sizeof(struct dcs_kv))};
	char path[1024] = "";
	if (F.kv)
		flat_walk(&F, root, path, 0, sizeof(path), 0);
	cJSON_Delete(root);
	if (!F.kv || F.oom) {
		snprintf(errbuf, errlen, "out of memory");
		dcs_kv_free(F.kv);
		return NULL;
	}
	return F.kv;
}
