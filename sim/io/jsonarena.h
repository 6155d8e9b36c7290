/*
 * A cJSON tree parsed into an arena (internal to sim/io/).
 *
 * A large scenario is a tree of millions of small nodes and strings: one
 * malloc each to build it, one free each to delete it.  Parsed here, they
 * are cut from a few large blocks that go back at once.  cJSON's allocation
 * hooks are process-wide, so they are set once to functions that use the
 * arena of the parse running on the calling thread (thread-local), and
 * malloc and free otherwise: other threads' trees are not affected.
 *
 * Contract: a tree from dcs_json_parse_arena is read, never changed (no
 * item added or detached), and released with dcs_json_arena_free(), never
 * cJSON_Delete().
 */
#ifndef DCISIM_IO_JSONARENA_H
#define DCISIM_IO_JSONARENA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct dcs_json_block;
struct dcs_json_arena {
	struct dcs_json_block *top;
	size_t next_cap;
	cJSON *root; /* the tree, when it could not go into the arena */
};

/* As dcs_json_parse (textsafe.h), the tree's memory in *a (set up here). */
cJSON *dcs_json_parse_arena(const char *text, size_t len, const char **end,
			    struct dcs_json_arena *a);
/* Releases the tree parsed into a. */
void dcs_json_arena_free(struct dcs_json_arena *a);

/*
 * The same parse on two threads, for a long text.  The largest array that
 * is a member of the top-level object (a scenario's "vms") is cut at a
 * comma between two of its elements, found by a scan that knows strings
 * and escapes; the second thread parses the elements after the cut as an
 * array text of their own while this one parses the rest, and the second
 * part's elements are joined after the first's.  The tree is the one a
 * single parse gives (the same nodes in the same order, the same keys,
 * values and strings; the array's tail pointer set as cJSON sets it).
 * Whatever the cut cannot vouch for goes through the single parse instead:
 * a text that is not an object, has no such array, nests deeper than
 * DCS_JSON_CUT_DEPTH, or where either part fails to parse (so an invalid
 * text fails exactly as before, with the same end position), or a thread
 * or buffer that cannot be had.
 *
 * The second thread then runs then(arg), work that can go beside the rest
 * of the parse and after it (the loader's text scan); it is started for
 * every text of min_len bytes or more, cut or not.  dcs_json_par_wait
 * waits for it.  Both threads call cJSON, whose last-error position
 * (cJSON_GetErrorPtr) is one global: dcisim never reads it, the end
 * pointer is what says where a parse stopped.
 */
#define DCS_JSON_CUT_DEPTH 64

struct dcs_json_par {
	/* Set by the caller. */
	size_t min_len; /* shorter texts: one thread, no second thread started */
	double tail;    /* share of the array's bytes parsed by the second thread */
	void (*then)(void *arg);
	void *arg;
	/* Set here. */
	bool started; /* a second thread runs then(arg): dcs_json_par_wait */
	bool cut;     /* the tree was parsed in two parts */
	pthread_t th;
	/* The second part, handed over under mu. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool part_done;
	const char *part_from; /* the text after the cut's comma */
	size_t part_len;       /* of the second part's text, '[' included */
	cJSON *part_root;      /* NULL: that part failed */
	struct dcs_json_arena part_arena;
};

/* As dcs_json_parse_arena, on two threads when par allows (see above). */
cJSON *dcs_json_parse_arena_par(const char *text, size_t len, const char **end,
				struct dcs_json_arena *a, struct dcs_json_par *par);
/* Waits for the second thread; true when it ran then(arg) (false: no
 * second thread, then(arg) is the caller's to run). */
bool dcs_json_par_wait(struct dcs_json_par *par);

#endif
