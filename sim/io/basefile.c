/*
 * What sweep files and plan files share: text checks, top-level keys, JSON
 * paths into the base scenario, key types and point scenarios.  The
 * contract is in basefile.h.
 */
#include "basefile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/loader.h"
#include "loader_internal.h"
#include "textsafe.h"

void bf_error(struct bf *S, const cJSON *node, int want_key, const char *path, const char *fmt, ...)
{
	int line = 1, col = 1;
	if (node && S->pos)
		dcs_text_line_col(S->text, jpos_offset(S->pos, node, want_key), &line, &col);
	/* Paths and values come from the file: escaped, one error per line. */
	dcs_fprintf_escaped(S->err, "%s:%d:%d: error: %s: ", S->file, line, col, path);
	va_list ap;
	va_start(ap, fmt);
	dcs_vfprintf_escaped(S->err, fmt, ap);
	va_end(ap);
	fputc('\n', S->err);
	S->nerrors++;
}

cJSON *bf_parse(struct bf *S)
{
	const char *text = S->text;
	size_t len = S->len;
	const char *end = NULL;
	if (memchr(text, '\0', len)) {
		bf_error(S, NULL, 0, "(top level)", "the file contains NUL bytes");
		return NULL;
	}
	cJSON *root = dcs_json_parse(text, len, &end);
	if (!root) {
		size_t off = end && end >= text ? (size_t)(end - text) : 0;
		int line, col;
		dcs_text_line_col(text, off, &line, &col);
		fprintf(S->err, "%s:%d:%d: error: not valid JSON here%s\n", S->file, line, col,
			off >= len ? " (the text ends too soon)"
				   : dcs_json_syntax_hint(text, len, off));
		S->nerrors++;
		return NULL;
	}
	/* Text after the value, bytes that are not UTF-8, raw control
	 * characters in strings: errors, as in scenario files. */
	size_t bad_at = len;
	const char *problem = NULL;
	for (const char *p = end; p && p < text + len && !problem; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			problem = "unexpected text after the JSON value";
			bad_at = (size_t)(p - text);
		}
	if (!problem)
		problem = dcs_json_text_problem(text, len, &bad_at);
	if (problem) {
		int line, col;
		dcs_text_line_col(text, bad_at, &line, &col);
		fprintf(S->err, "%s:%d:%d: error: %s\n", S->file, line, col, problem);
		S->nerrors++;
		cJSON_Delete(root);
		return NULL;
	}
	S->pos = jpos_build(text, len, root);
	if (!S->pos) {
		fprintf(S->err, "%s: error: out of memory\n", S->file);
		S->nerrors++;
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

void bf_keys(struct bf *S, const cJSON *obj, const char *prefix, const char *const *keys, size_t n,
	     const cJSON **slots)
{
	for (size_t i = 0; i < n; i++)
		slots[i] = NULL;
	for (const cJSON *c = obj->child; c; c = c->next) {
		char path[600];
		snprintf(path, sizeof(path), "%s%s", prefix, c->string);
		for (const cJSON *d = obj->child; d != c; d = d->next)
			if (strcmp(d->string, c->string) == 0)
				bf_error(S, c, 1, path, "duplicate key");
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			if (strcmp(c->string, keys[i]) == 0) {
				slots[i] = c;
				known = true;
			}
		if (known)
			continue;
		const char *best = NULL;
		size_t bestd = (size_t)-1;
		for (size_t i = 0; i < n; i++) {
			size_t d = dcs_edit_distance(c->string, keys[i]);
			if (d < bestd) {
				bestd = d;
				best = keys[i];
			}
		}
		if (bestd <= 3) {
			bf_error(S, c, 1, path, "unknown key; did you mean '%s'?", best);
			continue;
		}
		char list[512];
		size_t used = 0;
		for (size_t i = 0; i < n && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 i ? ", " : "", keys[i]);
		bf_error(S, c, 1, path, "unknown key (known: %s)", list);
	}
}

void bf_common_keys(struct bf *S, const cJSON *root, const char *kind, const cJSON *version,
		    const cJSON *base, const cJSON *name, const cJSON *desc)
{
	char key[32];
	snprintf(key, sizeof(key), "dcisim_%s", kind);
	if (!version)
		bf_error(S, root, 0, "(top level)",
			 "missing required key '%s' (the %s format version, 1)", key, kind);
	else if (!cJSON_IsNumber(version) || version->valuedouble != 1)
		bf_error(S, version, 0, key,
			 "must be 1 (the only %s format version this dcisim reads)", kind);
	if (!base)
		bf_error(S, root, 0, "(top level)",
			 "missing required key 'base' (the base scenario, relative to this file)");
	else if (!cJSON_IsString(base) || !base->valuestring[0])
		bf_error(S, base, 0, "base", "must be a file name, e.g. \"../metro.json\"");
	if (name &&
	    (!cJSON_IsString(name) || !name->valuestring[0] || strpbrk(name->valuestring, "/\\") ||
	     name->valuestring[0] == '.' || strlen(name->valuestring) > 100))
		bf_error(S, name, 0, "name",
			 "must be a short text without '/' or a leading '.' (it names the output "
			 "folder)");
	if (desc && !cJSON_IsString(desc))
		bf_error(S, desc, 0, "description", "must be text");
}

char *bf_resolve_base(const char *label, const char *base)
{
	if (base[0] == '/')
		return strdup(base);
	const char *slash = strrchr(label, '/');
	size_t dl = slash ? (size_t)(slash - label) + 1 : 0;
	size_t n = dl + strlen(base) + 1;
	char *p = malloc(n);
	if (!p)
		return NULL;
	memcpy(p, label, dl);
	strcpy(p + dl, base);
	return p;
}

char *bf_default_name(const char *label)
{
	const char *b = strrchr(label, '/');
	b = b ? b + 1 : label;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, b, n);
		s[n] = '\0';
	}
	return s;
}

cJSON *bf_load_base(struct bf *S, const cJSON *base_node, const char *base_path,
		    struct dcs_scenario **scn)
{
	size_t len = 0;
	char *text = dcs_read_file(base_path, &len);
	if (!text) {
		bf_error(S, base_node, 0, "base", "cannot read the base scenario %s: %s", base_path,
			 strerror(errno));
		return NULL;
	}
	int bn = 0;
	struct dcs_scenario *b = dcs_scenario_load_text(text, len, base_path, S->err, &bn);
	if (!b) {
		S->nerrors += bn;
		bf_error(S, base_node, 0, "base", "the base scenario %s is invalid (see above)",
			 base_path);
		free(text);
		return NULL;
	}
	cJSON *root = dcs_json_parse(text, len, NULL);
	free(text);
	if (!root) { /* it loaded just above: memory ran short */
		fprintf(S->err, "%s: error: out of memory reading %s\n", S->file, base_path);
		S->nerrors++;
		dcs_scenario_free(b);
		return NULL;
	}
	if (scn)
		*scn = b;
	else
		dcs_scenario_free(b);
	return root;
}

/* ---- JSON paths ---------------------------------------------------------- */

bool bf_path_parse(const char *path, struct bf_path *bp, const char **why)
{
	size_t n = 0;
	const char *p = path;
	if (!*p) {
		*why = "an empty path";
		return false;
	}
	while (*p) {
		if (n == BF_MAX_SEGS) {
			*why = "too many parts";
			return false;
		}
		size_t k = 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || *p == '_') {
			if (k + 1 >= BF_MAX_SEG_KEY) {
				*why = "a key is too long";
				return false;
			}
			bp->segs[n].key[k++] = *p++;
		}
		if (k == 0) {
			*why = "expected a key name (letters, digits, _)";
			return false;
		}
		bp->segs[n].key[k] = '\0';
		bp->segs[n++].index = -1;
		while (*p == '[') {
			p++;
			if (*p < '0' || *p > '9') {
				*why = "expected a number inside []";
				return false;
			}
			char *end;
			long idx = strtol(p, &end, 10);
			if (*end != ']' || idx > 1000000) {
				*why = "expected a number inside []";
				return false;
			}
			if (n == BF_MAX_SEGS) {
				*why = "too many parts";
				return false;
			}
			bp->segs[n].key[0] = '\0';
			bp->segs[n++].index = idx;
			p = end + 1;
		}
		if (*p == '.') {
			p++;
			if (!*p) {
				*why = "the path ends with '.'";
				return false;
			}
		} else if (*p) {
			*why = "expected '.', '[' or the end of the path";
			return false;
		}
	}
	bp->nsegs = n;
	return true;
}

/* The member of obj with the smallest edit distance to key, if close. */
static const char *closest_member(const cJSON *obj, const char *key)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
		if (!c->string)
			continue;
		size_t d = dcs_edit_distance(key, c->string);
		if (d < bestd) {
			bestd = d;
			best = c->string;
		}
	}
	size_t len = strlen(key);
	return best && bestd <= (len < 6 ? 2 : 3) ? best : NULL;
}

bool bf_path_resolve(struct bf *S, const struct bf_path *bp, const cJSON *root, const cJSON *node,
		     int want_key, const char *where)
{
	const cJSON *cur = root;
	char prefix[512] = "";
	size_t plen = 0;
	for (size_t i = 0; i < bp->nsegs; i++) {
		const char *key = bp->segs[i].key;
		long index = bp->segs[i].index;
		bool last = i + 1 == bp->nsegs;
		if (index < 0) {
			if (!cJSON_IsObject(cur)) {
				bf_error(S, node, want_key, where,
					 "%s is not an object in the base scenario, so it has no "
					 "key '%s'",
					 plen ? prefix : "(top level)", key);
				return false;
			}
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(cur, key);
			if (!m && !last) {
				const char *near = closest_member(cur, key);
				bf_error(S, node, want_key, where,
					 "the base scenario has no '%s'%s%s%s%s%s (a path must "
					 "exist up to its last key)",
					 key, plen ? " in " : "", prefix,
					 near ? "; did you mean '" : "", near ? near : "",
					 near ? "'?" : "");
				return false;
			}
			cur = m;
			plen += (size_t)snprintf(prefix + plen, sizeof(prefix) - plen, "%s%s",
						 plen ? "." : "", key);
		} else {
			if (!cJSON_IsArray(cur)) {
				bf_error(S, node, want_key, where,
					 "%s is not a list in the base scenario", prefix);
				return false;
			}
			int n = cJSON_GetArraySize(cur);
			if (index >= n) {
				bf_error(S, node, want_key, where,
					 "index %ld is out of range: the base scenario's %s has %d "
					 "item%s",
					 index, prefix, n, n == 1 ? "" : "s");
				return false;
			}
			cur = cJSON_GetArrayItem(cur, (int)index);
			plen +=
			    (size_t)snprintf(prefix + plen, sizeof(prefix) - plen, "[%ld]", index);
		}
		if (plen >= sizeof(prefix))
			plen = sizeof(prefix) - 1;
	}
	return true;
}

bool bf_path_set(cJSON *root, const struct bf_path *bp, cJSON *v)
{
	if (!v)
		return false;
	cJSON *cur = root;
	for (size_t i = 0; i + 1 < bp->nsegs; i++) {
		cur = bp->segs[i].index < 0 ? cJSON_GetObjectItemCaseSensitive(cur, bp->segs[i].key)
					    : cJSON_GetArrayItem(cur, (int)bp->segs[i].index);
		if (!cur)
			break;
	}
	const char *key = bp->segs[bp->nsegs - 1].key;
	long index = bp->segs[bp->nsegs - 1].index;
	bool ok = false;
	if (cur && index < 0 && cJSON_IsObject(cur)) {
		if (cJSON_GetObjectItemCaseSensitive(cur, key)) {
			ok = cJSON_ReplaceItemInObjectCaseSensitive(cur, key, v);
			/* cJSON (1.7.15) does not check the copy of the key it
			 * makes: a NULL key is memory that ran out.  The tree owns
			 * v by now. */
			if (ok && !v->string)
				return false;
		} else
			ok = cJSON_AddItemToObject(cur, key, v);
	} else if (cur && index >= 0 && cJSON_IsArray(cur)) {
		ok = cJSON_ReplaceItemInArray(cur, (int)index, v);
	}
	if (!ok)
		cJSON_Delete(v);
	return ok;
}

/* ---- key types, from the loader's tables --------------------------------- */

void bf_key_info(const struct bf_path *bp, struct bf_key *k)
{
	*k = (struct bf_key){.type = BF_KEY_UNKNOWN, .min = -INFINITY, .max = INFINITY};
	const struct spec *sp = &dcs_scenario_spec;
	for (size_t i = 0; i < bp->nsegs && sp; i++) {
		if (bp->segs[i].index >= 0)
			return; /* an index where the format has an object */
		const struct field *f = NULL;
		for (size_t j = 0; j < sp->n && !f; j++)
			if (strcmp(sp->fields[j].key, bp->segs[i].key) == 0)
				f = &sp->fields[j];
		if (!f)
			return;
		bool last = i + 1 == bp->nsegs;
		switch (f->type) {
		case F_OBJ:
			sp = f->sub;
			break;
		case F_ARR:
			/* A list of objects: an index, then the item's keys. */
			if (last || bp->segs[i + 1].index < 0)
				return;
			i++;
			sp = f->sub;
			break;
		case F_NUM:
		case F_INT:
		case F_U64:
			if (!last)
				return;
			k->type = f->type == F_NUM ? BF_KEY_NUMBER : BF_KEY_INTEGER;
			k->min = f->min;
			k->max = f->max;
			k->gt_min = (f->flags & GT_MIN) != 0;
			return;
		default:
			if (last)
				k->type = BF_KEY_OTHER;
			return;
		}
		if (last)
			return; /* an object or a list itself */
	}
}

/* ---- point scenarios ------------------------------------------------------ */

struct dcs_scenario *bf_load_point(const cJSON *base, const struct bf_path *paths,
				   const cJSON *const *vals, size_t n, const char *base_path,
				   char **msgs)
{
	*msgs = NULL;
	cJSON *t = cJSON_Duplicate(base, 1);
	bool ok = t != NULL;
	for (size_t i = 0; i < n && ok; i++)
		ok = bf_path_set(t, &paths[i], cJSON_Duplicate(vals[i], 1));
	char *text = ok ? cJSON_PrintUnformatted(t) : NULL;
	cJSON_Delete(t);
	if (!text)
		return NULL;
	size_t msglen = 0;
	FILE *mf = open_memstream(msgs, &msglen);
	int nerr = 0;
	struct dcs_scenario *scn =
	    mf ? dcs_scenario_load_text(text, strlen(text), base_path, mf, &nerr) : NULL;
	if (mf)
		fclose(mf);
	free(text);
	return scn;
}
