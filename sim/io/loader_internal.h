/*
 * The descriptor engine behind the scenario loader (internal to sim/io/).
 *
 * Each JSON object of the format is described by a struct spec: its fields
 * with type, unit-bearing key, range, default and one line of documentation.
 * The same tables parse files, fill defaults, suggest keys and generate the
 * JSON Schema, so none of those can drift from the others.  Cross-field rules
 * live in each spec's check function.
 */
#ifndef DCISIM_IO_LOADER_INTERNAL_H
#define DCISIM_IO_LOADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "dcisim/namelist.h"
#include "dcisim/scenario.h"
#include "jsonpos.h"

enum ftype {
	F_NUM,    /* double */
	F_INT,    /* int */
	F_U64,    /* uint64_t, 0 .. 2^53 */
	F_BOOL,   /* bool */
	F_STR,    /* char *, free text */
	F_ID,     /* char *, unique within its array */
	F_ENUM,   /* int (enum), from names[] */
	F_SITE,   /* int, index of a site id */
	F_VM,     /* int, index of a VM id */
	F_LINK,   /* int, index of a link id */
	F_OBJ,    /* embedded struct described by sub */
	F_ARR,    /* array of structs: pointer at off, count at off2 */
	F_CUSTOM, /* accepted here, parsed by the spec's check function */
};

#define REQ 0x1u     /* required */
#define GT_MIN 0x2u  /* value must be > min (not >=) */
#define NODEF 0x4u   /* no fixed default: NaN / -1 until a model resolves it */
#define INT_ONLY 0x8u

struct spec;
struct ld;

struct field {
	const char *key;
	enum ftype type;
	size_t off, off2;
	unsigned flags;
	double min, max, def;
	const char *const *names; /* F_ENUM, NULL-terminated (or list) */
	const struct spec *sub;   /* F_OBJ, F_ARR */
	const char *doc;
	const char *schema; /* F_CUSTOM: JSON Schema fragment */
	const struct dcs_namelist *list; /* F_ENUM: the values and default from a table */
};

/* An enum field's value names (NULL past the last) and default. */
static inline const char *ld_enum_name(const struct field *f, int i)
{
	return f->list ? f->list->name(i) : f->names[i];
}

static inline int ld_enum_default(const struct field *f)
{
	if (!f->list)
		return (int)f->def;
	int d = dcs_namelist_default(f->list);
	return d >= 0 ? d : 0; /* required: the first row, so cross-field checks can run */
}

struct spec {
	const char *title;
	size_t size;
	const struct field *fields;
	size_t n;
	/* Cross-field rules, called after the fields are parsed. */
	void (*check)(struct ld *L, const cJSON *obj, void *elem, size_t index);
	size_t max_items; /* F_ARR: 0 = default limit */
};

struct ld {
	const char *file;
	const char *text;
	size_t len;
	const cJSON *root;
	/* Positions of the tree's nodes in the text: found at the first
	 * message that needs one (ld_offset), as a valid file needs none. */
	struct jpos_index *pos;
	bool pos_tried;
	FILE *err;
	int nerrors;
	struct dcs_scenario *scn;
	char path[512];
	size_t path_len;
	bool synthetic; /* parsing defaults of an absent section */
	/* Hashed id lookups for references to sites, VMs and links (loader.c),
	 * so that n references to n ids stay linear. */
	struct ld_index {
		const void *items; /* the array indexed, and its length */
		size_t n, cap;
		size_t *slot; /* item index + 1; 0 = empty */
	} ix[3];
	/* The same for cluster node ids, across clusters (ld_find_node). */
	struct ld_index nodes_ix;
	int *node_cluster, *node_index;
};

/* Reporting, with the current JSON path (plus `key` when given). */
void ld_error(struct ld *L, const cJSON *node, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A warning at the same position, kept in the scenario's warnings (not
 * printed, not counted as an error): the scenario stays valid. */
void ld_warning(struct ld *L, const cJSON *node, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The offset in the text of a node's value (or of its key, want_key): 0
 * when unknown. */
size_t ld_offset(struct ld *L, const cJSON *node, int want_key);
/* Looks a member up (NULL when absent). */
const cJSON *ld_member(const cJSON *obj, const char *key);
int ld_find_site(const struct dcs_scenario *scn, const char *id);
/* Resolves the cluster id v (member `key` of obj) into *out, or reports it:
 * not a string, or no such cluster (listing the known ones). */
void ld_cluster_ref(struct ld *L, const cJSON *obj, const char *key, const cJSON *v, int *out);
/* Cluster node by id, in any cluster: the number of nodes so named (0, 1,
 * or 2 for two or more), with the first one's cluster and node index; -1
 * when out of memory. */
int ld_find_node(struct ld *L, const char *id, int *cluster, int *node);

extern const struct spec dcs_scenario_spec;

/* The loader's parts (sim/io/): loader_report.c says where an error is;
 * loader_refs.c resolves ids; loader_fields.c is the descriptor engine;
 * loader.c reads files and puts them together. */
#define LD_MAX_ERRORS        100    /* errors printed; more are counted */
#define LD_DEFAULT_MAX_ITEMS 100000 /* items of an array without its own limit */

/* The JSON path of the value being read: push a key or an index, pop back. */
void ld_path_push(struct ld *L, const char *key, long index, size_t *saved);
void ld_path_pop(struct ld *L, size_t saved);
/* An error at a byte offset of the text, with the current path. */
void ld_report(struct ld *L, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "a number", "a string", ... for messages. */
const char *ld_type_name(const cJSON *v);
/* strdup: a copy of s, or NULL when out of memory. */
char *ld_strdup(const char *s);
/* A reference (site, VM or link id) into its index, with "no such id" errors. */
void ld_parse_ref(struct ld *L, const cJSON *obj, const struct field *f, const cJSON *v, int *out);
/* Parses obj into elem by the spec (defaults, ranges, unknown keys, the
 * spec's check), and frees what it allocated. */
void ld_parse_object(struct ld *L, const cJSON *obj, const struct spec *sp, void *elem,
		     size_t index);
void ld_free_fields(const struct spec *sp, void *elem);

#endif
