/*
 * Files that derive scenarios from a base scenario -- sweep files and plan
 * files -- share what is here (internal to sim/io/): the checks on their
 * JSON text, their top-level keys, JSON paths into the base scenario
 * ("links[0].distance_km"), what the scenario format says of the key a path
 * names, and the building of one point's scenario.
 *
 * A point's scenario is the base scenario's JSON tree with values set at
 * paths, printed and loaded with the ordinary scenario loader, so a derived
 * file cannot accept a value that a scenario file would refuse.  Messages
 * go to the derived file's error stream as `FILE:LINE:COL: error:
 * JSON.PATH: message`, positioned in the derived file.
 */
#ifndef DCISIM_IO_BASEFILE_H
#define DCISIM_IO_BASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "dcisim/scenario.h"
#include "jsonpos.h"

/* A derived file being loaded: its text and where its messages go. */
struct bf {
	const char *file; /* the label that opens every message */
	const char *text;
	size_t len;
	struct jpos_index *pos; /* built by bf_parse */
	FILE *err;
	int nerrors;
};

/* One message against node (its key when want_key), counted. */
void bf_error(struct bf *S, const cJSON *node, int want_key, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Parses S->text: NUL bytes, syntax errors, text after the value, bytes
 * that are not UTF-8 and raw control characters are errors, as in scenario
 * files.  Returns the tree with S->pos built, or NULL (reported). */
cJSON *bf_parse(struct bf *S);

/* The members of obj matched against keys[0..n): slots[i] gets the member
 * named keys[i] (or NULL).  Duplicate and unknown keys are reported (their
 * path is prefix + key: "" at the top level, "vary." inside vary), the
 * unknown with the closest known key. */
void bf_keys(struct bf *S, const cJSON *obj, const char *prefix, const char *const *keys, size_t n,
	     const cJSON **slots);

/* The keys every derived file has: the format version "dcisim_KIND" (1),
 * base (required), name (a short text that can name a folder: no '/', no
 * leading '.') and description (text).  Reports what is wrong. */
void bf_common_keys(struct bf *S, const cJSON *root, const char *kind, const cJSON *version,
		    const cJSON *base, const cJSON *name, const cJSON *desc);

/* A relative base path joined to the derived file's folder (malloc'd). */
char *bf_resolve_base(const char *label, const char *base);
/* The file's base name without ".json" (malloc'd): the default name. */
char *bf_default_name(const char *label);

/* The base scenario named by base_node (a path already resolved): loaded
 * (its own errors reported against its own file) and parsed as a tree.
 * Returns the tree, with *scn the loaded scenario when scn is not NULL, or
 * NULL after reporting why. */
cJSON *bf_load_base(struct bf *S, const cJSON *base_node, const char *base_path,
		    struct dcs_scenario **scn);

#define BF_MAX_SEGS    32
#define BF_MAX_SEG_KEY 64

/* A JSON path, as scenario errors print them. */
struct bf_path {
	struct {
		char key[BF_MAX_SEG_KEY]; /* "" for an index segment */
		long index;
	} segs[BF_MAX_SEGS];
	size_t nsegs;
};

/* "links[0].distance_km" -> links, [0], distance_km; false with a reason. */
bool bf_path_parse(const char *path, struct bf_path *p, const char **why);
/* Checks that every container on the path exists in the base tree (the
 * last key may be absent: an optional key the base leaves at its default);
 * reports against node (its key when want_key), under `where`, and returns
 * false when not. */
bool bf_path_resolve(struct bf *S, const struct bf_path *p, const cJSON *root, const cJSON *node,
		     int want_key, const char *where);
/* Sets v at a resolved path in a tree; takes v (freed on failure). */
bool bf_path_set(cJSON *root, const struct bf_path *p, cJSON *v);

/* What the scenario format's tables say of the key at a path. */
enum bf_key_type {
	BF_KEY_UNKNOWN, /* not a key of the format (or a list, an object) */
	BF_KEY_NUMBER,
	BF_KEY_INTEGER,
	BF_KEY_OTHER, /* text, a choice, a boolean, a reference */
};
struct bf_key {
	enum bf_key_type type;
	double min, max; /* the range (numbers) */
	bool gt_min;     /* the value must be > min */
};
void bf_key_info(const struct bf_path *p, struct bf_key *k);

/* The scenario of the base tree with vals[i] set at paths[i] (copies of
 * vals are taken), loaded with the scenario loader under base_path.  NULL
 * when it is invalid or memory ran out: *msgs (malloc'd, may be NULL) then
 * holds the loader's lines. */
struct dcs_scenario *bf_load_point(const cJSON *base, const struct bf_path *paths,
				   const cJSON *const *vals, size_t n, const char *base_path,
				   char **msgs);

#endif
