/*
 * The descriptor engine of the scenario loader (loader_internal.h): a JSON
 * object parsed into its struct by its spec: types, ranges, defaults,
 * arrays with their limits, unknown keys with a suggestion, the spec's
 * cross-field check; and the fields freed again.
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

char *ld_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
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

static void parse_array(struct ld *L, const cJSON *obj, const struct field *f, char *base)
{
	const cJSON *arr = ld_member(obj, f->key);
	void **ptr = (void **)(base + f->off);
	size_t *count = (size_t *)(base + f->off2);
	if (!cJSON_IsArray(arr)) {
		ld_error(L, obj, f->key, "must be an array, not %s", ld_type_name(arr));
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	size_t limit = f->sub->max_items ? f->sub->max_items : LD_DEFAULT_MAX_ITEMS;
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
	ld_path_push(L, f->key, 0, &saved);
	size_t i = 0;
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		size_t saved2;
		ld_path_push(L, NULL, (long)i, &saved2);
		ld_parse_object(L, it, f->sub, items + i * f->sub->size, i);
		ld_path_pop(L, saved2);
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
					ld_path_push(L, NULL, (long)i, &saved2);
					ld_error(L, it, idf->key,
						 "duplicate id '%s' (also %s[%zu])", id, f->key, j);
					ld_path_pop(L, saved2);
					break;
				}
			}
		}
		free(seen);
	}
	ld_path_pop(L, saved);
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
			ld_error(L, obj, f->key, "must be a number, not %s", ld_type_name(v));
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
			ld_error(L, obj, f->key, "must be true or false, not %s", ld_type_name(v));
			return;
		}
		*(bool *)(base + f->off) = cJSON_IsTrue(v);
		return;
	case F_STR:
	case F_ID: {
		if (!cJSON_IsString(v)) {
			ld_error(L, obj, f->key, "must be a string, not %s", ld_type_name(v));
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
			ld_error(
			    L, obj, f->key,
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
		*dst = ld_strdup(v->valuestring);
		if (!*dst)
			ld_error(L, obj, f->key, "out of memory");
		return;
	}
	case F_ENUM: {
		if (!cJSON_IsString(v)) {
			ld_error(L, obj, f->key, "must be a string, not %s", ld_type_name(v));
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
			ld_error(L, obj, f->key,
				 "unknown value '%s'; did you mean '%s'? (one of: %s)",
				 v->valuestring, best, opts);
		else
			ld_error(L, obj, f->key, "unknown value '%s' (one of: %s)", v->valuestring,
				 opts);
		return;
	}
	case F_SITE:
	case F_VM:
	case F_LINK:
		ld_parse_ref(L, obj, f, v, (int *)(base + f->off));
		return;
	case F_OBJ: {
		size_t saved;
		ld_path_push(L, f->key, 0, &saved);
		ld_parse_object(L, v, f->sub, base + f->off, 0);
		ld_path_pop(L, saved);
		return;
	}
	case F_ARR:
		parse_array(L, obj, f, base);
		return;
	case F_CUSTOM:
		return;
	}
}

void ld_parse_object(struct ld *L, const cJSON *obj, const struct spec *sp, void *elem,
		     size_t index)
{
	char *base = elem;
	if (!cJSON_IsObject(obj)) {
		ld_error(L, obj, NULL, "must be an object, not %s", ld_type_name(obj));
		return;
	}
	/* Unknown and duplicate keys, in document order.  An object with many
	 * members piles up errors quickly; stopping at the error limit keeps
	 * the duplicate search from going quadratic.
	 * Each member is matched to its field once here (the first member of a
	 * key is the one ld_member finds), so the fields below need no second
	 * search; a key seen before is a known key whose field is matched
	 * already, or an unknown key found among the members before it. */
	const cJSON *match_buf[64], **match = sp->n <= 64 ? match_buf : NULL;
	bool matched = match != NULL;
	for (size_t i = 0; match && i < sp->n; i++)
		match[i] = NULL;
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (L->nerrors > LD_MAX_ERRORS) {
			matched = false;
			break;
		}
		size_t k = sp->n;
		for (size_t i = 0; i < sp->n; i++)
			if (sp->fields[i].key[0] == c->string[0] &&
			    strcmp(sp->fields[i].key, c->string) == 0) {
				k = i;
				break;
			}
		bool known = k < sp->n;
		bool seen = false;
		if (known && match) {
			seen = match[k] != NULL;
			if (!seen)
				match[k] = c;
		}
		for (const cJSON *d = obj->child; !seen && (!known || !match) && d != c;
		     d = d->next)
			seen = strcmp(d->string, c->string) == 0;
		if (seen) {
			size_t saved;
			ld_path_push(L, c->string, 0, &saved);
			ld_report(L, ld_offset(L, c, 1), "duplicate key");
			ld_path_pop(L, saved);
		}
		if (known)
			continue;
		size_t saved;
		ld_path_push(L, c->string, 0, &saved);
		size_t off = ld_offset(L, c, 1);
		const char *best = suggest_key(c->string, sp);
		if (best) {
			ld_report(L, off, "unknown key; did you mean '%s'?", best);
		} else {
			char known_keys[2048];
			size_t used = 0;
			for (size_t i = 0; i < sp->n && used < sizeof(known_keys); i++)
				used +=
				    (size_t)snprintf(known_keys + used, sizeof(known_keys) - used,
						     "%s%s", i ? ", " : "", sp->fields[i].key);
			ld_report(L, off, "unknown key (known in %s: %s)", sp->title, known_keys);
		}
		ld_path_pop(L, saved);
	}
	/* Fields in table order, so references meet what they refer to. */
	for (size_t i = 0; i < sp->n; i++) {
		const struct field *f = &sp->fields[i];
		set_default(f, base);
		const cJSON *v = matched ? match[i] : ld_member(obj, f->key);
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
				ld_path_push(L, f->key, 0, &saved);
				ld_parse_object(L, &empty, f->sub, base + f->off, 0);
				ld_path_pop(L, saved);
				L->synthetic = keep;
			}
			continue;
		}
		parse_field(L, obj, f, base, v);
	}
	if (sp->check)
		sp->check(L, obj, elem, index);
}

void ld_free_fields(const struct spec *sp, void *elem)
{
	char *base = elem;
	for (size_t i = 0; i < sp->n; i++) {
		const struct field *f = &sp->fields[i];
		if (f->type == F_STR || f->type == F_ID) {
			free(*(char **)(base + f->off));
		} else if (f->type == F_OBJ) {
			ld_free_fields(f->sub, base + f->off);
		} else if (f->type == F_ARR) {
			char *items = *(char **)(base + f->off);
			size_t n = *(size_t *)(base + f->off2);
			for (size_t k = 0; items && k < n; k++)
				ld_free_fields(f->sub, items + k * f->sub->size);
			free(items);
		}
	}
}
