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

#endif
