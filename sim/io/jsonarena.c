/* cJSON trees parsed into an arena (jsonarena.h). */
#include "jsonarena.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

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
	*a = (struct dcs_json_arena){.next_cap = BLOCK_MIN};
	if (pthread_once(&hooks_once, install_hooks) != 0) {
		/* cJSON's own allocations, freed the usual way. */
		a->root = dcs_json_parse(text, len, end);
		return a->root;
	}
	current = a;
	cJSON *root = dcs_json_parse(text, len, end);
	current = NULL;
	return root;
}

/* ---- The same parse on two threads ---- */

/* Where a text is cut: the array that is member number `member` of the
 * top-level object spans [open, close], and the comma at `comma` separates
 * two of its elements. */
struct cut {
	size_t open, close, comma, member;
};

/* Commas between elements kept while an array is scanned, at least
 * `stride` bytes apart: when full, every other one goes and the stride
 * doubles, so they stay spread over the whole array. */
#define CUT_MARKS 512

/* The scan's state: inside a string or not, the depth of nesting, the
 * member of the top-level object being read, the array member being read
 * (open) and the commas marked in it, and the largest array's cut so far. */
struct cut_scan {
	bool in_str, found;
	size_t depth, member, open, best;
	size_t marks[CUT_MARKS], nmarks, stride;
	double tail;
	struct cut cut;
};

/* The mark nearest to target. */
static size_t nearest(const size_t *marks, size_t n, size_t target)
{
	size_t k = 0, dk = SIZE_MAX;
	for (size_t j = 0; j < n; j++) {
		size_t d = marks[j] > target ? marks[j] - target : target - marks[j];
		if (d < dk)
			k = j, dk = d;
	}
	return marks[k];
}

enum { GO_ON, DONE, FAIL };

/* A bracket or a comma at i, outside strings. */
static int cut_event(struct cut_scan *S, char c, size_t i)
{
	if (c == '{' || c == '[') {
		if (++S->depth > DCS_JSON_CUT_DEPTH)
			return FAIL;
		if (S->depth == 2 && c == '[') {
			S->open = i;
			S->nmarks = 0;
			S->stride = 1;
		}
	} else if (c == '}' || c == ']') {
		if (S->depth == 2 && S->open != SIZE_MAX) {
			if (c == ']' && S->nmarks > 0 && i - S->open > S->best) {
				size_t target =
				    S->open + (size_t)((1.0 - S->tail) * (double)(i - S->open));
				S->cut = (struct cut){
				    S->open, i, nearest(S->marks, S->nmarks, target), S->member};
				S->best = i - S->open;
				S->found = true;
			}
			S->open = SIZE_MAX;
		}
		if (S->depth == 0)
			return FAIL;
		if (--S->depth == 0)
			return DONE;
	} else if (S->depth == 1) { /* a comma between members */
		S->member++;
	} else if (S->depth == 2 && S->open != SIZE_MAX &&
		   (S->nmarks == 0 || i - S->marks[S->nmarks - 1] >= S->stride)) {
		if (S->nmarks == CUT_MARKS) {
			for (size_t j = 0; j < CUT_MARKS / 2; j++)
				S->marks[j] = S->marks[2 * j];
			S->nmarks = CUT_MARKS / 2;
			S->stride *= 2;
		}
		S->marks[S->nmarks++] = i;
	}
	return GO_ON;
}

/* Bytes [i, stop) one at a time (and the byte an escape takes along, which
 * may lie past stop); the index reached, or SIZE_MAX when the scan ends
 * (S->found says how). */
static size_t cut_bytes(struct cut_scan *S, const char *t, size_t i, size_t stop)
{
	for (; i < stop; i++) {
		char c = t[i];
		if (S->in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				S->in_str = false;
		} else if (c == '"') {
			S->in_str = true;
		} else if (c == '{' || c == '[' || c == '}' || c == ']' || c == ',') {
			int r = cut_event(S, c, i);
			if (r != GO_ON) {
				if (r == FAIL)
					S->found = false;
				return SIZE_MAX;
			}
		}
	}
	return i;
}

#if defined(__SSE2__)
/* 64 bytes at t: the quotes, backslashes and brackets or commas, one bit
 * each. */
static void cut_masks(const char *t, uint64_t *quote, uint64_t *bslash, uint64_t *structural)
{
	*quote = *bslash = *structural = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k));
		__m128i up = _mm_andnot_si128(_mm_set1_epi8(0x20), v); /* { } as [ ] */
		__m128i s = _mm_or_si128(_mm_cmpeq_epi8(up, _mm_set1_epi8('[')),
					 _mm_cmpeq_epi8(up, _mm_set1_epi8(']')));
		s = _mm_or_si128(s, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
		*quote |=
		    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')))
		    << (16 * k);
		*bslash |=
		    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))
		    << (16 * k);
		*structural |= (uint64_t)(unsigned)_mm_movemask_epi8(s) << (16 * k);
	}
}
#endif

/* One pass over the text, strings and escapes skipped as cJSON skips them
 * (a backslash takes the next byte along; a quote ends the string),
 * 64 bytes at a time where there is no backslash.  False when the
 * text is not one object with an array member of two or more elements,
 * nests deeper than DCS_JSON_CUT_DEPTH, or is unfinished. */
static bool find_cut(const char *t, size_t len, double tail, struct cut *cut)
{
	size_t i = 0;
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	if (i == len || t[i] != '{')
		return false;
	struct cut_scan S = {.open = SIZE_MAX, .stride = 1, .tail = tail};
#if defined(__SSE2__)
	while (i + 64 <= len) {
		uint64_t quote, bslash, structural;
		cut_masks(t + i, &quote, &bslash, &structural);
		if (bslash) {
			i = cut_bytes(&S, t, i, i + 64);
			if (i == SIZE_MAX)
				break;
			continue;
		}
		/* Inside a string from an opening quote to the byte before
		 * the closing one: the running parity of the quotes. */
		uint64_t str = quote;
		for (int k = 1; k < 64; k *= 2)
			str ^= str << k;
		if (S.in_str)
			str = ~str;
		S.in_str = str >> 63;
		for (uint64_t ev = structural & ~str; ev; ev &= ev - 1) {
			size_t at = i + (size_t)__builtin_ctzll(ev);
			int r = cut_event(&S, t[at], at);
			if (r != GO_ON) {
				if (r == FAIL)
					S.found = false;
				goto out;
			}
		}
		i += 64;
	}
#endif
	if (i != SIZE_MAX && i < len)
		i = cut_bytes(&S, t, i, len);
	if (i != SIZE_MAX)
		return false; /* unfinished */
#if defined(__SSE2__)
out:
#endif
	*cut = S.cut;
	return S.found;
}

/* The second thread: its part of the text, handed over, then the
 * caller's work. */
static void *par_main(void *p)
{
	struct dcs_json_par *par = p;
	if (par->part_from) {
		/* The elements after the cut, as an array: '[' and the text
		 * from the byte after the comma to the closing bracket. */
		size_t n = par->part_len;
		char *part = malloc(n);
		const char *e = NULL;
		cJSON *r = NULL;
		if (part) {
			part[0] = '[';
			memcpy(part + 1, par->part_from, n - 1);
			current = &par->part_arena;
			r = cJSON_ParseWithLengthOpts(part, n, &e, 0);
			current = NULL;
		}
		pthread_mutex_lock(&par->mu);
		/* Whole, to its last byte, or nothing. */
		par->part_root = r && e == part + n ? r : NULL;
		par->part_done = true;
		pthread_cond_signal(&par->cv);
		pthread_mutex_unlock(&par->mu);
		free(part);
	}
	if (par->then)
		par->then(par->arg);
	return NULL;
}

/* The blocks of b go to a (the tree is never added to afterwards). */
static void arena_take(struct dcs_json_arena *a, struct dcs_json_arena *b)
{
	if (!b->top)
		return;
	struct dcs_json_block *bottom = b->top;
	while (bottom->prev)
		bottom = bottom->prev;
	bottom->prev = a->top;
	a->top = b->top;
	*b = (struct dcs_json_arena){0};
}

static cJSON *last_of(cJSON *first)
{
	/* cJSON (1.7.13 on) keeps the last element in the first one's prev. */
	if (first->prev && !first->prev->next)
		return first->prev;
	while (first->next)
		first = first->next;
	return first;
}

/* cJSON's whitespace: every byte up to the space. */
static size_t skip_space(const char *t, size_t i, size_t to)
{
	while (i < to && (unsigned char)t[i] <= 32)
		i++;
	return i;
}

/* The elements of an array from t[from] (after its '[') to the cut's
 * comma at t[to], each parsed where it lies (no copy): the list, linked
 * as cJSON links an array's elements but for the first one's prev, or
 * NULL unless the text there is elements and commas as the array's parse
 * reads them.  A value at the top of a parse may start with a byte-order
 * mark, one inside an array may not: such an element is refused. */
static cJSON *parse_elements(const char *t, size_t from, size_t to)
{
	cJSON *first = NULL, *last = NULL;
	for (size_t i = from;; i++) {
		i = skip_space(t, i, to);
		if (i == to || t[i] == '\xef')
			return NULL;
		const char *e = NULL;
		cJSON *v = cJSON_ParseWithLengthOpts(t + i, to - i, &e, 0);
		if (!v || !e)
			return NULL; /* what it took goes with the arena */
		if (last) {
			last->next = v;
			v->prev = last;
		} else {
			first = v;
		}
		last = v;
		i = skip_space(t, (size_t)(e - t), to);
		if (i == to)
			break;
		if (t[i] != ',')
			return NULL;
	}
	first->prev = last; /* for last_of; set as cJSON sets it in join_parts */
	return first;
}

/* The empty array member of root (the text's array, emptied) given the
 * elements before the cut (first) and after it (the part's): linked as
 * one parse links them, the first element's prev at the last where cJSON
 * keeps it so (as the part's own array shows). */
static bool join_parts(cJSON *root, const struct cut *cut, cJSON *first, cJSON *part)
{
	if (!cJSON_IsObject(root) || !first || !cJSON_IsArray(part) || !part->child)
		return false;
	cJSON *arr = root->child;
	for (size_t m = 0; arr && m < cut->member; m++)
		arr = arr->next;
	if (!cJSON_IsArray(arr) || arr->child)
		return false;
	cJSON *last = last_of(first);
	cJSON *pfirst = part->child, *plast = last_of(pfirst);
	bool tail_kept = pfirst->prev != NULL;
	last->next = pfirst;
	pfirst->prev = last;
	first->prev = tail_kept ? plast : NULL;
	arr->child = first;
	part->child = NULL;
	return true;
}

cJSON *dcs_json_parse_arena_par(const char *text, size_t len, const char **end,
				struct dcs_json_arena *a, struct dcs_json_par *par)
{
	par->started = par->cut = false;
	par->part_from = NULL;
	if (len < par->min_len || pthread_once(&hooks_once, install_hooks) != 0)
		return dcs_json_parse_arena(text, len, end, a);
	/* Three pieces: the text with the array emptied (a copy, small: the
	 * array is most of it); the elements before the cut, parsed where
	 * they lie; those after it, as an array of their own (copied by the
	 * second thread). */
	struct cut cut;
	char *outer = NULL;
	size_t outer_len = 0;
	if (find_cut(text, len, par->tail, &cut)) {
		outer_len = cut.open + 1 + (len - cut.close);
		outer = malloc(outer_len);
		if (outer) {
			memcpy(outer, text, cut.open + 1);
			memcpy(outer + cut.open + 1, text + cut.close, len - cut.close);
			par->part_from = text + cut.comma + 1;
			par->part_len = cut.close - cut.comma + 1;
		}
	}
	par->part_arena = (struct dcs_json_arena){.next_cap = BLOCK_MIN};
	if (outer) {
		/* The second part's first block, from this thread's heap: a
		 * block the second thread took from its own would go back to
		 * that thread's heap, which glibc trims, and be faulted in
		 * again at the next long load.  About 3.3 bytes of tree a byte
		 * of text (the 10,000-VM scenario's 0.97 MB: 3.2 MB). */
		size_t cap = 4 * par->part_len;
		struct dcs_json_block *b = malloc(sizeof(*b) + cap);
		if (b) {
			*b = (struct dcs_json_block){.prev = NULL, .used = 0, .cap = cap};
			par->part_arena.top = b;
		}
	}
	par->part_root = NULL;
	par->part_done = false;
	if (pthread_mutex_init(&par->mu, NULL) != 0)
		goto single;
	if (pthread_cond_init(&par->cv, NULL) != 0) {
		pthread_mutex_destroy(&par->mu);
		goto single;
	}
	if (pthread_create(&par->th, NULL, par_main, par) != 0) {
		pthread_cond_destroy(&par->cv);
		pthread_mutex_destroy(&par->mu);
		goto single;
	}
	par->started = true;
	if (!outer)
		return dcs_json_parse_arena(text, len, end, a);

	*a = (struct dcs_json_arena){.next_cap = BLOCK_MIN};
	const char *outer_end = NULL;
	current = a;
	cJSON *first = parse_elements(text, cut.open + 1, cut.comma);
	cJSON *root = cJSON_ParseWithLengthOpts(outer, outer_len, &outer_end, 0);
	current = NULL;
	pthread_mutex_lock(&par->mu);
	while (!par->part_done)
		pthread_cond_wait(&par->cv, &par->mu);
	pthread_mutex_unlock(&par->mu);
	par->part_from = NULL;
	/* Every piece whole, the outer text past its array: then the text
	 * parses in one piece to the same tree. */
	if (root && outer_end && outer_end > outer + cut.open + 1 &&
	    join_parts(root, &cut, first, par->part_root)) {
		arena_take(a, &par->part_arena);
		if (end)
			*end = text + (outer_end - outer) + (cut.close - cut.open - 1);
		par->cut = true;
	} else {
		dcs_json_arena_free(a);
		dcs_json_arena_free(&par->part_arena);
		root = dcs_json_parse_arena(text, len, end, a);
	}
	free(outer);
	return root;

single:
	free(outer);
	par->part_from = NULL;
	return dcs_json_parse_arena(text, len, end, a);
}

bool dcs_json_par_wait(struct dcs_json_par *par)
{
	if (!par->started)
		return false;
	pthread_join(par->th, NULL);
	pthread_cond_destroy(&par->cv);
	pthread_mutex_destroy(&par->mu);
	par->started = false;
	return true;
}
