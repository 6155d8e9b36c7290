/*
 * Source positions for cJSON nodes.  cJSON keeps no offsets, so a small
 * scanner walks the same text and records where each value (and each object
 * member's key) starts, in document order; a pre-order walk of the parsed
 * tree then meets the nodes in that same order.  Internal to sim/io/.
 */
#ifndef DCISIM_IO_JSONPOS_H
#define DCISIM_IO_JSONPOS_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct jpos_index;

/* Builds the index for a tree parsed from text; NULL when out of memory.
 * When the scan and the tree disagree, every lookup answers offset 0. */
struct jpos_index *jpos_build(const char *text, size_t len, const cJSON *root);
void jpos_free(struct jpos_index *ix);
/* Offset of a node's value, or of its key when it is an object member and
 * want_key is set. */
size_t jpos_offset(const struct jpos_index *ix, const cJSON *node, int want_key);

#endif
