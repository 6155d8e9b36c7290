/* cJSON trees parsed into an arena (jsonarena.h). */
#include "jsonarena.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>

#include "textsafe.h"

struct dcs_json_block {
	struct dcs_json_block *prev;
	size_t used, cap;
	alignas(16) unsigned char data[];
};

/* Blocks double from 64 KiB to 4 MiB: a few dozen for a 10 MB scenario,
 * at most one part-used. */
#define BLOCK_MIN ((size_t)64 * 1024)
#define BLOCK_MAX ((size_t)4 * 1024 * 1024)

static _Thread_local struct dcs_json_arena *current;

static void *arena_alloc(struct dcs_json_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7; /* cJSON's nodes hold pointers and doubles */
	struct dcs_json_block *b = a->top;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > a->next_cap ? n : a->next_cap;
		if (a->next_cap < BLOCK_MAX)
			a->next_cap *= 2;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->prev = a->top;
		b->used = 0;
		b->cap = cap;
		a->top = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

static void *hook_malloc(size_t n)
{
	struct dcs_json_arena *a = current;
	return a ? arena_alloc(a, n) : malloc(n);
}

/* During an arena parse cJSON frees only what that parse allocated: it
 * goes with the arena. */
static void hook_free(void *p)
{
	if (!current)
		free(p);
}

static void install_hooks(void)
{
	cJSON_Hooks h = {.malloc_fn = hook_malloc, .free_fn = hook_free};
	cJSON_InitHooks(&h);
}

void dcs_json_arena_free(struct dcs_json_arena *a)
{
	for (struct dcs_json_block *b = a->top, *prev; b; b = prev) {
		prev = b->prev;
		free(b);
	}
	cJSON_Delete(a->root);
	*a = (struct dcs_json_arena){0};
}

cJSON *dcs_json_parse_arena(const char *text, size_t len, const char **end,
			    struct dcs_json_arena *a)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	*a = (struct dcs_json_arena){.next_cap = BLOCK_MIN};
	if (pthread_once(&once, install_hooks) != 0) {
		/* cJSON's own allocations, freed the usual way. */
		a->root = dcs_json_parse(text, len, end);
		return a->root;
	}
	current = a;
	cJSON *root = dcs_json_parse(text, len, end);
	current = NULL;
	return root;
}
