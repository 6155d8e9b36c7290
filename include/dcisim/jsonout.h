/*
 * dcisim JSON documents written by the application (plan.json): built as a
 * tree through this narrow interface, so that only sim/io sees cJSON, then
 * printed indented and written atomically (sim/io/jsonout.c).
 *
 * Contract.  A document owns its nodes; a node is an object or an array of
 * that document.  Adding to an object needs a key; adding to an array takes
 * key NULL.  Numbers print as the shortest text that reads back to the same
 * double; NaN and infinities print as null.  When memory runs out the
 * document remembers it and dcs_jdoc_write() writes nothing and returns -1,
 * so a document with a field missing is never written.  The same calls in
 * the same order give the same bytes.
 */
#ifndef DCISIM_JSONOUT_H
#define DCISIM_JSONOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct dcs_jdoc;
struct dcs_jnode;

struct dcs_jdoc *dcs_jdoc_create(void); /* an empty object at the root; NULL: out of memory */
void dcs_jdoc_destroy(struct dcs_jdoc *d);
struct dcs_jnode *dcs_jdoc_root(struct dcs_jdoc *d);

void dcs_jnode_str(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, const char *s);
void dcs_jnode_num(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, double v);
void dcs_jnode_bool(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key, bool v);
void dcs_jnode_null(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key);
/* A new object or array inside n (NULL when out of memory: adding to NULL
 * does nothing). */
struct dcs_jnode *dcs_jnode_object(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key);
struct dcs_jnode *dcs_jnode_array(struct dcs_jdoc *d, struct dcs_jnode *n, const char *key);

/* What run.json says of the build and the machine: version, commit, dirty,
 * build, build_options, host, started_utc (from started_unix, seconds since
 * 1970 UTC; "" when 0). */
void dcs_jnode_provenance(struct dcs_jdoc *d, struct dcs_jnode *n, int64_t started_unix);

/* Writes the document to dir/name (indented, a final newline). */
int dcs_jdoc_write(struct dcs_jdoc *d, const char *dir, const char *name, FILE *err);

#endif
