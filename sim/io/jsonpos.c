#include "jsonpos.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jpos_index {
	size_t n, cap;
	size_t *val_off;
	size_t *key_off;
	/* open-addressing map from node address to pre-order number */
	const cJSON **keys;
	size_t *vals;
	size_t map_cap;
	int valid;
};

static int push(struct jpos_index *ix, size_t val, size_t key)
{
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64;
		size_t *v = realloc(ix->val_off, cap * sizeof(size_t));
		if (!v)
			return -1;
		ix->val_off = v;
		size_t *k = realloc(ix->key_off, cap * sizeof(size_t));
		if (!k)
			return -1;
		ix->key_off = k;
		ix->cap = cap;
	}
	ix->val_off[ix->n] = val;
	ix->key_off[ix->n] = key;
	ix->n++;
	return 0;
}

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

static size_t skip_string(const char *t, size_t len, size_t i)
{
	i++; /* opening quote */
	while (i < len && t[i] != '"') {
		if (t[i] == '\\')
			i++;
		i++;
	}
	return i + 1;
}

/* Iterative scan (no recursion, so deep nesting cannot exhaust the stack):
 * records each value start in document order. */
static int scan(struct jpos_index *ix, const char *t, size_t len)
{
	size_t i = skip_ws(t, len, 0);
	size_t pending_key = SIZE_MAX;
	while (i < len) {
		char c = t[i];
		if (c == '{' || c == '[') {
			if (push(ix, i, pending_key) != 0)
				return -1;
			pending_key = SIZE_MAX;
			i++;
		} else if (c == '}' || c == ']' || c == ',') {
			i++;
		} else if (c == '"') {
			size_t start = i;
			i = skip_string(t, len, i);
			size_t j = skip_ws(t, len, i);
			if (j < len && t[j] == ':') {
				pending_key = start;
				i = j + 1;
			} else {
				if (push(ix, start, pending_key) != 0)
					return -1;
				pending_key = SIZE_MAX;
			}
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
		} else {
			if (push(ix, i, pending_key) != 0)
				return -1;
			pending_key = SIZE_MAX;
			while (i < len && !strchr(",]} \t\r\n", t[i]))
				i++;
		}
	}
	return 0;
}

static size_t hash_ptr(const void *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(x >> 7) & (cap - 1);
}

static void map_put(struct jpos_index *ix, const cJSON *node, size_t order)
{
	size_t h = hash_ptr(node, ix->map_cap);
	while (ix->keys[h])
		h = (h + 1) & (ix->map_cap - 1);
	ix->keys[h] = node;
	ix->vals[h] = order;
}

/* Pre-order numbering without recursion: follow child, then next, then
 * climb back up through the parents we remember. */
static size_t number_tree(struct jpos_index *ix, const cJSON *root)
{
	size_t order = 0;
	const cJSON **stack = NULL;
	size_t depth = 0, cap = 0;
	const cJSON *node = root;
	while (node) {
		if (order < ix->n)
			map_put(ix, node, order);
		order++;
		if (node->child && (cJSON_IsArray(node) || cJSON_IsObject(node))) {
			if (depth == cap) {
				cap = cap ? 2 * cap : 64;
				const cJSON **s = realloc(stack, cap * sizeof(*s));
				if (!s) {
					free(stack);
					return SIZE_MAX;
				}
				stack = s;
			}
			stack[depth++] = node;
			node = node->child;
			continue;
		}
		while (node && !node->next && depth > 0)
			node = stack[--depth];
		node = (node && node != root) ? node->next : NULL;
	}
	free(stack);
	return order;
}

struct jpos_index *jpos_build(const char *text, size_t len, const cJSON *root)
{
	struct jpos_index *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return NULL;
	if (scan(ix, text, len) != 0)
		goto fail;
	ix->map_cap = 16;
	while (ix->map_cap < 2 * ix->n + 2)
		ix->map_cap *= 2;
	ix->keys = calloc(ix->map_cap, sizeof(*ix->keys));
	ix->vals = calloc(ix->map_cap, sizeof(*ix->vals));
	if (!ix->keys || !ix->vals)
		goto fail;
	size_t count = number_tree(ix, root);
	if (count == SIZE_MAX)
		goto fail;
	ix->valid = count == ix->n;
	return ix;
fail:
	jpos_free(ix);
	return NULL;
}

void jpos_free(struct jpos_index *ix)
{
	if (!ix)
		return;
	free(ix->val_off);
	free(ix->key_off);
	free(ix->keys);
	free(ix->vals);
	free(ix);
}

size_t jpos_offset(const struct jpos_index *ix, const cJSON *node, int want_key)
{
	if (!ix || !ix->valid || !node)
		return 0;
	size_t h = hash_ptr(node, ix->map_cap);
	while (ix->keys[h] && ix->keys[h] != node)
		h = (h + 1) & (ix->map_cap - 1);
	if (!ix->keys[h])
		return 0;
	size_t o = ix->vals[h];
	if (want_key && ix->key_off[o] != SIZE_MAX)
		return ix->key_off[o];
	return ix->val_off[o];
}
