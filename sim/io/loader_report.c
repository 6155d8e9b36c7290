/*
 * Where a scenario error is and how it is said (loader_internal.h):
 * FILE:LINE:COL from a byte offset, the JSON path being read, the error
 * limit, and "did you mean" distances.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/hash.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "loader_internal.h"
#include "textsafe.h"

void dcs_text_line_col(const char *text, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

size_t dcs_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void ld_path_push(struct ld *L, const char *key, long index, size_t *saved)
{
	*saved = L->path_len;
	/* What snprintf would write ("." and the key, or "[index]"), without
	 * it: every array item and object member pushes its name. */
	char num[24];
	const char *a, *b;
	size_t na, nb;
	if (key) {
		a = ".";
		na = L->path_len ? 1 : 0;
		b = key;
		nb = strlen(key);
	} else {
		char tmp[24];
		size_t k = 0;
		unsigned long u = index < 0 ? 0ul - (unsigned long)index : (unsigned long)index;
		do {
			tmp[k++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		nb = 0;
		num[nb++] = '[';
		if (index < 0)
			num[nb++] = '-';
		while (k)
			num[nb++] = tmp[--k];
		num[nb++] = ']';
		a = "";
		na = 0;
		b = num;
	}
	size_t room = sizeof(L->path) - L->path_len, n = na + nb;
	char *d = L->path + L->path_len;
	/* Truncated as snprintf truncates; the length moves only when all fit. */
	size_t ca = na < room - 1 ? na : room - 1;
	memcpy(d, a, ca);
	size_t cb = nb < room - 1 - ca ? nb : room - 1 - ca;
	memcpy(d + ca, b, cb);
	d[ca + cb] = '\0';
	if (n < room)
		L->path_len += n;
}

void ld_path_pop(struct ld *L, size_t saved)
{
	L->path_len = saved;
	L->path[saved] = '\0';
}

/* Prints one error at a text offset, naming the current JSON path; counts
 * every error but prints only the first LD_MAX_ERRORS, then says so once. */
void ld_report(struct ld *L, size_t off, const char *fmt, ...)
{
	L->nerrors++;
	if (L->nerrors > LD_MAX_ERRORS)
		return;
	int line, col;
	dcs_text_line_col(L->text, off, &line, &col);
	/* Keys in the path and values in the message come from the file:
	 * escaped, so that one error stays one line. */
	dcs_fprintf_escaped(L->err, "%s:%d:%d: error: %s: ", L->file, line, col,
			    L->path_len ? L->path : "(top level)");
	va_list ap;
	va_start(ap, fmt);
	dcs_vfprintf_escaped(L->err, fmt, ap);
	va_end(ap);
	fputc('\n', L->err);
	if (L->nerrors == LD_MAX_ERRORS)
		fprintf(L->err, "%s: error: too many errors; stopping here\n", L->file);
}

/* At the member's value when the object has it, else at the object. */
static const cJSON *report_at(const cJSON *node, const char *key)
{
	const cJSON *m = key && node ? ld_member(node, key) : NULL;
	return m ? m : node;
}

size_t ld_offset(struct ld *L, const cJSON *node, int want_key)
{
	if (!L->pos && !L->pos_tried && L->root) {
		L->pos_tried = true;
		L->pos = jpos_build(L->text, L->len, L->root);
	}
	return jpos_offset(L->pos, node, want_key);
}

void ld_error(struct ld *L, const cJSON *node, const char *key, const char *fmt, ...)
{
	if (L->nerrors >= LD_MAX_ERRORS) {
		L->nerrors++;
		return;
	}
	const cJSON *at = report_at(node, key);
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t saved = 0;
	if (key)
		ld_path_push(L, key, 0, &saved);
	ld_report(L, ld_offset(L, at, 0), "%s", msg);
	if (key)
		ld_path_pop(L, saved);
}

void ld_warning(struct ld *L, const cJSON *node, const char *key, const char *fmt, ...)
{
	if (L->synthetic || !L->scn)
		return;
	const cJSON *at = report_at(node, key);
	size_t saved = 0;
	if (key)
		ld_path_push(L, key, 0, &saved);
	int line, col;
	dcs_text_line_col(L->text, ld_offset(L, at, 0), &line, &col);
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	if (m) {
		dcs_fprintf_escaped(m, "%s:%d:%d: warning: %s: ", L->file, line, col,
				    L->path_len ? L->path : "(top level)");
		va_list ap;
		va_start(ap, fmt);
		dcs_vfprintf_escaped(m, fmt, ap);
		va_end(ap);
	}
	if (key)
		ld_path_pop(L, saved);
	if (!m || fclose(m) != 0 || !buf) {
		free(buf);
		return; /* out of memory: a warning is not worth failing the load */
	}
	char **w = realloc(L->scn->warnings, (L->scn->n_warnings + 1) * sizeof(char *));
	if (!w) {
		free(buf);
		return;
	}
	L->scn->warnings = w;
	w[L->scn->n_warnings++] = buf;
}

const cJSON *ld_member(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	for (const cJSON *c = obj->child; c; c = c->next)
		if (c->string && strcmp(c->string, key) == 0)
			return c;
	return NULL;
}

const char *ld_type_name(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "invalid";
}
