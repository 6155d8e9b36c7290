/*
 * A name list: one of the scenario format's named lists (technologies, cluster
 * presets, migration engines, ingress methods, fault kinds) seen from outside
 * its table.
 *
 * Contract: each list is one constant table in sim/core/ (name, figures,
 * source per row) with its own header for the models that use its figures.
 * Its name list lets the code that only needs names and a description read it
 * without knowing its columns: the loader (accepted values, "did you mean",
 * the default), the JSON Schema (the enum), the key reference
 * (docs/scenario-keys.md: one table per list, the rows' figures and
 * sources).  Adding a row to a table adds it everywhere at once.  Catalogs
 * are constant; two worlds share them safely.
 */
#ifndef DCISIM_NAMELIST_H
#define DCISIM_NAMELIST_H

#include <stddef.h>

struct dcs_namelist {
	const char *title; /* heading in the key reference */
	const char *key;   /* the scenario key that names a row, e.g. "links[].technology" */
	int count;
	const char *def; /* name of the row used when the key is absent; NULL: required */
	const char *(*name)(int row);
	/* The key reference's columns after the name, Markdown cells separated
	 * by " | ", the last one the source; and one row's cells. */
	const char *columns;
	void (*cells)(int row, char *buf, size_t len);
};

/* The row named `name`, or -1. */
int dcs_namelist_find(const struct dcs_namelist *c, const char *name);
/* The default row, or -1 when the key is required. */
int dcs_namelist_default(const struct dcs_namelist *c);

/* The scenario format's name lists, in the order the key reference lists them
 * (NULL-terminated). */
extern const struct dcs_namelist *const dcs_namelists[];

#endif
