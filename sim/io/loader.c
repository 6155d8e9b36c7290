#include "dcisim/loader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/kernel.h"
#include "dcisim/output.h"
#include "loader_internal.h"
#include "textsafe.h"

#define MAX_ERRORS 100
#define DEFAULT_MAX_ITEMS 100000

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

static void path_push(struct ld *L, const char *key, long index, size_t *saved)
{
	*saved = L->path_len;
	int n;
	size_t room = sizeof(L->path) - L->path_len;
	if (key)
		n = snprintf(L->path + L->path_len, room, "%s%s", L->path_len ? "." : "", key);
	else
		n = snprintf(L->path + L->path_len, room, "[%ld]", index);
	if (n > 0 && (size_t)n < room)
		L->path_len += (size_t)n;
}

static void path_pop(struct ld *L, size_t saved)
{
	L->path_len = saved;
	L->path[saved] = '\0';
}

/* Prints one error at a text offset, naming the current JSON path; counts
 * every error but prints only the first MAX_ERRORS, then says so once. */
static void report(struct ld *L, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct ld *L, size_t off, const char *fmt, ...)
{
	L->nerrors++;
	if (L->nerrors > MAX_ERRORS)
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
	if (L->nerrors == MAX_ERRORS)
		fprintf(L->err, "%s: error: too many errors; stopping here\n", L->file);
}

void ld_error(struct ld *L, const cJSON *node, const char *key, const char *fmt, ...)
{
	if (L->nerrors >= MAX_ERRORS) {
		L->nerrors++;
		return;
	}
	/* At the member's value when the object has it, else at the object. */
	const cJSON *at = node;
	if (key && node) {
		const cJSON *m = ld_member(node, key);
		if (m)
			at = m;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t saved = 0;
	if (key)
		path_push(L, key, 0, &saved);
	report(L, jpos_offset(L->pos, at, 0), "%s", msg);
	if (key)
		path_pop(L, saved);
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

int ld_find_site(const struct dcs_scenario *scn, const char *id)
{
	for (size_t i = 0; i < scn->n_sites; i++)
		if (scn->sites[i].id && strcmp(scn->sites[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* A reference's index: sites (kind 0), VMs (1) or links (2), looked up in
 * a hash of the array's ids built at the first lookup (arrays are parsed
 * before the sections that refer to them; a changed array is re-indexed).
 * The first of two equal ids wins, as in a linear search.  -1 when absent. */
static int find_ref(struct ld *L, int kind, const char *id)
{
	const struct dcs_scenario *s = L->scn;
	const char *items = kind == 0 ? (const char *)s->sites
			    : kind == 1 ? (const char *)s->vms
					: (const char *)s->links;
	size_t n = kind == 0 ? s->n_sites : kind == 1 ? s->n_vms : s->n_links;
	size_t stride = kind == 0 ? sizeof(*s->sites) : kind == 1 ? sizeof(*s->vms) : sizeof(*s->links);
	size_t off = kind == 0 ? offsetof(struct dcs_site_cfg, id)
		     : kind == 1 ? offsetof(struct dcs_vm_cfg, id)
				 : offsetof(struct dcs_link_cfg, id);
#define ID_AT(i) (*(char *const *)(items + (i) * stride + off))
	struct ld_index *x = &L->ix[kind];
	if (x->items != items || x->n != n || !x->slot) {
		free(x->slot);
		x->items = items;
		x->n = n;
		for (x->cap = 16; x->cap < 2 * n; x->cap *= 2)
			;
		x->slot = calloc(x->cap, sizeof(*x->slot));
		for (size_t i = 0; x->slot && i < n; i++) {
			if (!ID_AT(i))
				continue;
			size_t h = (size_t)dcs_hash64(ID_AT(i), strlen(ID_AT(i)), 0) & (x->cap - 1);
			while (x->slot[h])
				h = (h + 1) & (x->cap - 1);
			x->slot[h] = i + 1;
		}
	}
	if (!x->slot) { /* out of memory: search the slow way */
		for (size_t i = 0; i < n; i++)
			if (ID_AT(i) && strcmp(ID_AT(i), id) == 0)
				return (int)i;
		return -1;
	}
	for (size_t h = (size_t)dcs_hash64(id, strlen(id), 0) & (x->cap - 1); x->slot[h];
	     h = (h + 1) & (x->cap - 1))
		if (strcmp(ID_AT(x->slot[h] - 1), id) == 0)
			return (int)(x->slot[h] - 1);
	return -1;
#undef ID_AT
}

int ld_find_node(struct ld *L, const char *id, int *cluster, int *node)
{
	const struct dcs_scenario *s = L->scn;
	struct ld_index *x = &L->nodes_ix;
	size_t total = 0;
	for (size_t c = 0; c < s->n_clusters; c++)
		total += s->clusters[c].n_nodes;
	if (x->items != s->clusters || x->n != total || !x->slot) {
		free(x->slot);
		free(L->node_cluster);
		free(L->node_index);
		x->items = s->clusters;
		x->n = total;
		for (x->cap = 16; x->cap < 2 * total; x->cap *= 2)
			;
		x->slot = calloc(x->cap, sizeof(*x->slot));
		L->node_cluster = malloc((total + 1) * sizeof(int));
		L->node_index = malloc((total + 1) * sizeof(int));
		if (!x->slot || !L->node_cluster || !L->node_index) {
			free(x->slot);
			x->slot = NULL;
			return -1; /* out of memory */
		}
		size_t e = 0;
		for (size_t c = 0; c < s->n_clusters; c++)
			for (size_t k = 0; k < s->clusters[c].n_nodes; k++, e++) {
				L->node_cluster[e] = (int)c;
				L->node_index[e] = (int)k;
				const char *nid = s->clusters[c].nodes[k].id;
				if (!nid)
					continue;
				size_t h = (size_t)dcs_hash64(nid, strlen(nid), 0) & (x->cap - 1);
				while (x->slot[h])
					h = (h + 1) & (x->cap - 1);
				x->slot[h] = e + 1;
			}
	}
	int found = 0;
	for (size_t h = (size_t)dcs_hash64(id, strlen(id), 0) & (x->cap - 1); x->slot[h] && found < 2;
	     h = (h + 1) & (x->cap - 1)) {
		size_t e = x->slot[h] - 1;
		const struct dcs_cluster_cfg *cl = &s->clusters[L->node_cluster[e]];
		if (strcmp(cl->nodes[L->node_index[e]].id, id) != 0)
			continue;
		if (found++ == 0) {
			*cluster = L->node_cluster[e];
			*node = L->node_index[e];
		}
	}
	return found;
}

static const char *type_name(const cJSON *v)
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

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* Lists known ids for a "no such ..." message, at most a few. */
static void list_ids(char *buf, size_t len, const char *what, size_t n,
		     const char *(*get)(const struct dcs_scenario *, size_t),
		     const struct dcs_scenario *scn)
{
	size_t used = (size_t)snprintf(buf, len, n ? " (%s:" : " (no %s defined)", what);
	for (size_t i = 0; i < n && i < 8 && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %s", get(scn, i));
	if (n && used < len)
		snprintf(buf + used, len - used, "%s)", n > 8 ? " ..." : "");
}

/* Ids that failed their own checks are NULL. */
static const char *site_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->sites[i].id ? s->sites[i].id : "?";
}
static const char *vm_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->vms[i].id ? s->vms[i].id : "?";
}
static const char *link_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->links[i].id ? s->links[i].id : "?";
}

static bool check_range(struct ld *L, const cJSON *obj, const struct field *f, double v)
{
	if (!isfinite(v)) {
		ld_error(L, obj, f->key, "must be a finite number");
		return false;
	}
	bool low = (f->flags & GT_MIN) ? v <= f->min : v < f->min;
	if (low || v > f->max) {
		char lo[40], hi[40];
		snprintf(lo, sizeof(lo), "%.12g", f->min);
		snprintf(hi, sizeof(hi), "%.12g", f->max);
		ld_error(L, obj, f->key, "%.12g is out of range: must be %s %s and <= %s", v,
			 (f->flags & GT_MIN) ? ">" : ">=", lo, hi);
		return false;
	}
	return true;
}

static void set_default(const struct field *f, char *base)
{
	switch (f->type) {
	case F_NUM:
		*(double *)(base + f->off) = (f->flags & NODEF) ? NAN : f->def;
		break;
	case F_INT:
		*(int *)(base + f->off) = (f->flags & NODEF) ? -1 : (int)f->def;
		break;
	case F_ENUM:
		*(int *)(base + f->off) = (f->flags & NODEF) ? -1 : ld_enum_default(f);
		break;
	case F_U64:
		*(uint64_t *)(base + f->off) = (uint64_t)f->def;
		break;
	case F_BOOL:
		*(bool *)(base + f->off) = f->def != 0;
		break;
	case F_SITE:
	case F_VM:
	case F_LINK:
		*(int *)(base + f->off) = -1;
		break;
	default:
		break;
	}
}

/* Length of a key without its unit suffix ("distance_km" -> "distance"). */
static size_t key_base_len(const char *key)
{
	const char *u = strrchr(key, '_');
	return u && u != key ? (size_t)(u - key) : strlen(key);
}

/* The known key an unknown one was probably meant to be, or NULL: the same
 * quantity with its unit ("distance" -> "distance_km") or another unit
 * ("sample_ms" -> "sample_s"), else the closest spelling. */
static const char *suggest_key(const char *unknown, const struct spec *sp)
{
	size_t ulen = strlen(unknown), ubase = key_base_len(unknown);
	for (size_t i = 0; i < sp->n; i++) {
		const char *k = sp->fields[i].key;
		if (strncmp(k, unknown, ulen) == 0 && k[ulen] == '_')
			return k;
	}
	for (size_t i = 0; i < sp->n; i++) {
		const char *k = sp->fields[i].key;
		size_t kbase = key_base_len(k);
		if (kbase == ubase && kbase < strlen(k) && ubase < ulen &&
		    strncmp(k, unknown, kbase) == 0)
			return k;
	}
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (size_t i = 0; i < sp->n; i++) {
		size_t d = dcs_edit_distance(unknown, sp->fields[i].key);
		if (d < best_d) {
			best_d = d;
			best = sp->fields[i].key;
		}
	}
	size_t tol = ulen / 3 > 2 ? ulen / 3 : 2;
	return best_d <= tol ? best : NULL;
}

static void parse_object(struct ld *L, const cJSON *obj, const struct spec *sp, void *elem,
			 size_t index);

static void parse_array(struct ld *L, const cJSON *obj, const struct field *f, char *base)
{
	const cJSON *arr = ld_member(obj, f->key);
	void **ptr = (void **)(base + f->off);
	size_t *count = (size_t *)(base + f->off2);
	if (!cJSON_IsArray(arr)) {
		ld_error(L, obj, f->key, "must be an array, not %s", type_name(arr));
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	size_t limit = f->sub->max_items ? f->sub->max_items : DEFAULT_MAX_ITEMS;
	if (n > limit) {
		ld_error(L, obj, f->key, "has %zu entries; at most %zu are allowed", n, limit);
		return;
	}
	char *items = calloc(n + 1, f->sub->size);
	if (!items) {
		ld_error(L, obj, f->key, "out of memory for %zu entries", n);
		return;
	}
	*ptr = items;
	*count = n;
	size_t saved;
	path_push(L, f->key, 0, &saved);
	size_t i = 0;
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		size_t saved2;
		path_push(L, NULL, (long)i, &saved2);
		parse_object(L, it, f->sub, items + i * f->sub->size, i);
		path_pop(L, saved2);
	}
	/* Ids are unique within their array (a hash of the ids seen, so that a
	 * large array stays linear). */
	for (size_t k = 0; k < f->sub->n; k++) {
		const struct field *idf = &f->sub->fields[k];
		if (idf->type != F_ID || n == 0)
			continue;
		size_t cap = 16;
		while (cap < 2 * n)
			cap *= 2;
		size_t *seen = malloc(cap * sizeof(*seen)); /* item index + 1; 0 = empty */
		if (!seen) {
			ld_error(L, obj, f->key, "out of memory checking %zu ids", n);
			break;
		}
		memset(seen, 0, cap * sizeof(*seen));
		i = 0;
		for (const cJSON *it = arr->child; it; it = it->next, i++) {
			const char *id = *(char **)(items + i * f->sub->size + idf->off);
			if (!id)
				continue;
			size_t h = (size_t)dcs_hash64(id, strlen(id), 0) & (cap - 1);
			for (;; h = (h + 1) & (cap - 1)) {
				if (seen[h] == 0) {
					seen[h] = i + 1;
					break;
				}
				size_t j = seen[h] - 1;
				const char *other = *(char **)(items + j * f->sub->size + idf->off);
				if (strcmp(id, other) == 0) {
					size_t saved2;
					path_push(L, NULL, (long)i, &saved2);
					ld_error(L, it, idf->key, "duplicate id '%s' (also %s[%zu])",
						 id, f->key, j);
					path_pop(L, saved2);
					break;
				}
			}
		}
		free(seen);
	}
	path_pop(L, saved);
}

static void parse_ref(struct ld *L, const cJSON *obj, const struct field *f, const cJSON *v,
		      int *out)
{
	if (!cJSON_IsString(v)) {
		ld_error(L, obj, f->key, "must be a string (an id), not %s", type_name(v));
		return;
	}
	const struct dcs_scenario *s = L->scn;
	char known[256];
	int idx;
	if (f->type == F_SITE) {
		idx = find_ref(L, 0, v->valuestring);
		list_ids(known, sizeof(known), "sites", s->n_sites, site_id_at, s);
	} else if (f->type == F_VM) {
		idx = find_ref(L, 1, v->valuestring);
		list_ids(known, sizeof(known), "vms", s->n_vms, vm_id_at, s);
	} else {
		idx = find_ref(L, 2, v->valuestring);
		list_ids(known, sizeof(known), "links", s->n_links, link_id_at, s);
	}
	if (idx < 0)
		ld_error(L, obj, f->key, "no %s named '%s'%s",
			 f->type == F_SITE ? "site" : f->type == F_VM ? "VM" : "link",
			 v->valuestring, known);
	else
		*out = idx;
}

/* The first control character (C0 or DEL) of s, or NULL.  A description is
 * free text (its control bytes are escaped wherever it is printed); ids and
 * names become file names and table cells. */
static const char *control_char(const char *s, bool free_text)
{
	for (const char *p = s; *p && !free_text; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return p;
	return NULL;
}

static void parse_field(struct ld *L, const cJSON *obj, const struct field *f, char *base,
			const cJSON *v)
{
	switch (f->type) {
	case F_NUM:
	case F_INT:
	case F_U64: {
		if (!cJSON_IsNumber(v)) {
			ld_error(L, obj, f->key, "must be a number, not %s", type_name(v));
			return;
		}
		double d = v->valuedouble;
		if (d == 0)
			d = 0; /* -0 reads as 0: no "-0" in outputs, no sign tricks in models */
		if (!check_range(L, obj, f, d))
			return;
		if (f->type != F_NUM && d != floor(d)) {
			ld_error(L, obj, f->key, "must be a whole number, not %.12g", d);
			return;
		}
		if (f->type == F_NUM)
			*(double *)(base + f->off) = d;
		else if (f->type == F_INT)
			*(int *)(base + f->off) = (int)d;
		else
			*(uint64_t *)(base + f->off) = (uint64_t)d;
		return;
	}
	case F_BOOL:
		if (!cJSON_IsBool(v)) {
			ld_error(L, obj, f->key, "must be true or false, not %s", type_name(v));
			return;
		}
		*(bool *)(base + f->off) = cJSON_IsTrue(v);
		return;
	case F_STR:
	case F_ID: {
		if (!cJSON_IsString(v)) {
			ld_error(L, obj, f->key, "must be a string, not %s", type_name(v));
			return;
		}
		size_t n = strlen(v->valuestring);
		size_t maxlen = f->type == F_ID ? 64 : 4096;
		if ((f->type == F_ID && n == 0) || n > maxlen) {
			ld_error(L, obj, f->key, "must be 1 to %zu characters long", maxlen);
			return;
		}
		const char *ctl = control_char(v->valuestring, !strcmp(f->key, "description"));
		if (ctl) {
			ld_error(L, obj, f->key,
				 "may not contain control characters (byte 0x%02x at character %zu): "
				 "ids and names become file names and table cells",
				 (unsigned)(unsigned char)*ctl, (size_t)(ctl - v->valuestring) + 1);
			return;
		}
		if (f->type == F_ID && strpbrk(v->valuestring, ",\"\n\r\t ")) {
			ld_error(L, obj, f->key, "'%s' may not contain spaces, commas or quotes",
				 v->valuestring);
			return;
		}
		char **dst = (char **)(base + f->off);
		free(*dst);
		*dst = xstrdup(v->valuestring);
		if (!*dst)
			ld_error(L, obj, f->key, "out of memory");
		return;
	}
	case F_ENUM: {
		if (!cJSON_IsString(v)) {
			ld_error(L, obj, f->key, "must be a string, not %s", type_name(v));
			return;
		}
		const char *name;
		for (int i = 0; (name = ld_enum_name(f, i)); i++) {
			if (strcmp(name, v->valuestring) == 0) {
				*(int *)(base + f->off) = i;
				return;
			}
		}
		char opts[256];
		size_t used = 0;
		const char *best = NULL;
		size_t best_d = SIZE_MAX;
		for (int i = 0; (name = ld_enum_name(f, i)); i++) {
			used += (size_t)snprintf(opts + used, sizeof(opts) - used, "%s%s",
						 i ? ", " : "", name);
			if (used >= sizeof(opts))
				used = sizeof(opts) - 1;
			size_t d = dcs_edit_distance(v->valuestring, name);
			if (d < best_d) {
				best_d = d;
				best = name;
			}
		}
		if (best && best_d <= 3)
			ld_error(L, obj, f->key, "unknown value '%s'; did you mean '%s'? (one of: %s)",
				 v->valuestring, best, opts);
		else
			ld_error(L, obj, f->key, "unknown value '%s' (one of: %s)", v->valuestring,
				 opts);
		return;
	}
	case F_SITE:
	case F_VM:
	case F_LINK:
		parse_ref(L, obj, f, v, (int *)(base + f->off));
		return;
	case F_OBJ: {
		size_t saved;
		path_push(L, f->key, 0, &saved);
		parse_object(L, v, f->sub, base + f->off, 0);
		path_pop(L, saved);
		return;
	}
	case F_ARR:
		parse_array(L, obj, f, base);
		return;
	case F_CUSTOM:
		return;
	}
}

static void parse_object(struct ld *L, const cJSON *obj, const struct spec *sp, void *elem,
			 size_t index)
{
	char *base = elem;
	if (!cJSON_IsObject(obj)) {
		ld_error(L, obj, NULL, "must be an object, not %s", type_name(obj));
		return;
	}
	/* Unknown and duplicate keys, in document order.  An object with many
	 * members piles up errors quickly; stopping at the error limit keeps
	 * the duplicate search from going quadratic. */
	for (const cJSON *c = obj->child; c && L->nerrors <= MAX_ERRORS; c = c->next) {
		bool known = false;
		for (size_t i = 0; i < sp->n; i++)
			if (strcmp(sp->fields[i].key, c->string) == 0)
				known = true;
		for (const cJSON *d = obj->child; d != c; d = d->next) {
			if (strcmp(d->string, c->string) == 0) {
				size_t saved;
				path_push(L, c->string, 0, &saved);
				report(L, jpos_offset(L->pos, c, 1), "duplicate key");
				path_pop(L, saved);
				break;
			}
		}
		if (known)
			continue;
		size_t saved;
		path_push(L, c->string, 0, &saved);
		size_t off = jpos_offset(L->pos, c, 1);
		const char *best = suggest_key(c->string, sp);
		if (best) {
			report(L, off, "unknown key; did you mean '%s'?", best);
		} else {
			char known_keys[2048];
			size_t used = 0;
			for (size_t i = 0; i < sp->n && used < sizeof(known_keys); i++)
				used += (size_t)snprintf(known_keys + used, sizeof(known_keys) - used,
							 "%s%s", i ? ", " : "", sp->fields[i].key);
			report(L, off, "unknown key (known in %s: %s)", sp->title, known_keys);
		}
		path_pop(L, saved);
	}
	/* Fields in table order, so references meet what they refer to. */
	for (size_t i = 0; i < sp->n; i++) {
		const struct field *f = &sp->fields[i];
		set_default(f, base);
		const cJSON *v = ld_member(obj, f->key);
		if (!v) {
			if (f->flags & REQ)
				ld_error(L, obj, NULL, "missing required key '%s'", f->key);
			else if (f->type == F_OBJ) {
				/* An absent section still gets its defaults, from an
				 * empty object that needs no allocation. */
				cJSON empty = {.type = cJSON_Object};
				bool keep = L->synthetic;
				size_t saved;
				L->synthetic = true;
				path_push(L, f->key, 0, &saved);
				parse_object(L, &empty, f->sub, base + f->off, 0);
				path_pop(L, saved);
				L->synthetic = keep;
			}
			continue;
		}
		parse_field(L, obj, f, base, v);
	}
	if (sp->check)
		sp->check(L, obj, elem, index);
}

static void free_fields(const struct spec *sp, void *elem)
{
	char *base = elem;
	for (size_t i = 0; i < sp->n; i++) {
		const struct field *f = &sp->fields[i];
		if (f->type == F_STR || f->type == F_ID) {
			free(*(char **)(base + f->off));
		} else if (f->type == F_OBJ) {
			free_fields(f->sub, base + f->off);
		} else if (f->type == F_ARR) {
			char *items = *(char **)(base + f->off);
			size_t n = *(size_t *)(base + f->off2);
			for (size_t k = 0; items && k < n; k++)
				free_fields(f->sub, items + k * f->sub->size);
			free(items);
		}
	}
}

void dcs_scenario_free(struct dcs_scenario *scn)
{
	if (!scn)
		return;
	free_fields(&dcs_scenario_spec, scn);
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

struct dcs_scenario *dcs_scenario_load_text(const char *text, size_t len, const char *label,
					    FILE *err, int *nerrors)
{
	struct ld L = {.file = label, .text = text, .err = err};
	*nerrors = 0;
	if (memchr(text, '\0', len)) {
		fprintf(err, "%s:1:1: error: the file contains NUL bytes; is it a JSON text file?\n",
			label);
		*nerrors = 1;
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = dcs_json_parse(text, len, &end);
	if (!root) {
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
			int line, col;
			dcs_text_line_col(text, (size_t)(p - text), &line, &col);
			fprintf(err, "%s:%d:%d: error: unexpected text after the JSON value\n", label,
				line, col);
			cJSON_Delete(root);
			*nerrors = 1;
			return NULL;
		}
	}
	size_t bad_at = 0;
	const char *problem = dcs_json_text_problem(text, len, &bad_at);
	if (problem) {
		int line, col;
		dcs_text_line_col(text, bad_at, &line, &col);
		fprintf(err, "%s:%d:%d: error: %s\n", label, line, col, problem);
		cJSON_Delete(root);
		*nerrors = 1;
		return NULL;
	}
	L.pos = jpos_build(text, len, root);
	L.scn = calloc(1, sizeof(*L.scn));
	if (!L.pos || !L.scn) {
		fprintf(err, "%s: error: out of memory\n", label);
		*nerrors = 1;
		jpos_free(L.pos);
		free(L.scn);
		cJSON_Delete(root);
		return NULL;
	}
	parse_object(&L, root, &dcs_scenario_spec, L.scn, 0);
	for (size_t i = 0; i < sizeof(L.ix) / sizeof(L.ix[0]); i++)
		free(L.ix[i].slot);
	free(L.nodes_ix.slot);
	free(L.node_cluster);
	free(L.node_index);
	jpos_free(L.pos);
	cJSON_Delete(root);
	L.scn->path = xstrdup(label);
	dcs_sha256_hex(text, len, L.scn->text_sha256);
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
			fprintf(err, "%s: error: cannot read scenario: %s\n", path, strerror(errno));
		*nerrors = 1;
		return NULL;
	}
	struct dcs_scenario *s = dcs_scenario_load_text(text, len, path, err, nerrors);
	free(text);
	return s;
}
