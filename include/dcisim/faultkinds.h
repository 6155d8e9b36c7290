/*
 * Fault kinds: what a scenario's `faults` can break or repair.  One table.
 *
 * Contract: a kind is one row of this table (sim/core/faultkinds.c), indexed
 * by enum dcs_fault_kind.  The loader takes the names from it
 * (dcs_fault_kind_list) and, from the row's target, which reference a
 * fault of that kind must name; the JSON Schema and the key reference list
 * it; the faults model (models/faults.c) names the kind and its entity in
 * events.csv from it.  What a fault does is the faults model's code.  The
 * table is constant: two worlds share it safely.
 */
#ifndef DCISIM_FAULTKINDS_H
#define DCISIM_FAULTKINDS_H

#include <stdbool.h>

#include "dcisim/namelist.h"
#include "dcisim/scenario.h"

/* What a fault names, and so which key it needs. */
enum dcs_fault_target {
	DCS_FAULT_ON_LINK,    /* `link` */
	DCS_FAULT_ON_SITE,    /* `site` */
	DCS_FAULT_ON_NODE,    /* `node`, a cluster node id */
	DCS_FAULT_ON_ARRAY,   /* `site`: the storage array there */
	DCS_FAULT_ON_WITNESS, /* `site` optional: the witness there, else every witness */
};

struct dcs_fault_kind_info {
	const char *name;
	enum dcs_fault_target target;
	bool repair;         /* ends an earlier fault of its pair (`*_up`) */
	const char *meaning; /* one line, for the key reference */
	const char *source;
};

const struct dcs_fault_kind_info *dcs_fault_kind(enum dcs_fault_kind k);
/* The key a fault of this target names ("link", "site", "node"), or NULL. */
const char *dcs_fault_target_key(enum dcs_fault_target t);

extern const struct dcs_namelist dcs_fault_kind_list;

#endif
