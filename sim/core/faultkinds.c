/* The fault kind table (dcisim/faultkinds.h); the kinds are SPEC §2's. */
#include "dcisim/faultkinds.h"

#include <stdio.h>

/* clang-format off */
static const struct dcs_fault_kind_info table[] = {
	[DCS_FAULT_LINK_DOWN] = {"link_down", DCS_FAULT_ON_LINK, false,
		"every underlay path of the link fails (both directions): it carries nothing until detection and reroute", "SPEC §2, §6.1"},
	[DCS_FAULT_LINK_UP] = {"link_up", DCS_FAULT_ON_LINK, true,
		"the link is repaired, and a degradation ends", "SPEC §2"},
	[DCS_FAULT_LINK_DEGRADE] = {"link_degrade", DCS_FAULT_ON_LINK, false,
		"the link's bandwidth, loss or latency change", "SPEC §2"},
	[DCS_FAULT_SITE_DOWN] = {"site_down", DCS_FAULT_ON_SITE, false,
		"the whole site fails: its hosts, arrays, nodes and transit", "SPEC §2"},
	[DCS_FAULT_SITE_UP] = {"site_up", DCS_FAULT_ON_SITE, true,
		"the site returns", "SPEC §2"},
	[DCS_FAULT_NODE_DOWN] = {"node_down", DCS_FAULT_ON_NODE, false,
		"a cluster node crashes", "SPEC §2"},
	[DCS_FAULT_NODE_UP] = {"node_up", DCS_FAULT_ON_NODE, true,
		"the node boots again", "SPEC §2"},
	[DCS_FAULT_ARRAY_DOWN] = {"array_down", DCS_FAULT_ON_ARRAY, false,
		"the storage array at the site fails", "SPEC §2"},
	[DCS_FAULT_ARRAY_UP] = {"array_up", DCS_FAULT_ON_ARRAY, true,
		"the array returns", "SPEC §2"},
	[DCS_FAULT_WITNESS_DOWN] = {"witness_down", DCS_FAULT_ON_WITNESS, false,
		"the witness at the site (or every witness) fails", "SPEC §2"},
	[DCS_FAULT_WITNESS_UP] = {"witness_up", DCS_FAULT_ON_WITNESS, true,
		"the witness returns", "SPEC §2"},
	[DCS_FAULT_PATH_DOWN] = {"path_down", DCS_FAULT_ON_LINK, false,
		"one underlay path of a link that has several fails: the link stops for protection switching or its underlay's BFD + IGP; link_up or for_s ends it", "SPEC §6.1"},
};
/* clang-format on */

#define N_KINDS ((int)(sizeof(table) / sizeof(table[0])))
_Static_assert(N_KINDS == DCS_FAULT_PATH_DOWN + 1, "one row per enum dcs_fault_kind value");

const struct dcs_fault_kind_info *dcs_fault_kind(enum dcs_fault_kind k)
{
	return &table[k];
}

const char *dcs_fault_target_key(enum dcs_fault_target t)
{
	switch (t) {
	case DCS_FAULT_ON_LINK:
		return "link";
	case DCS_FAULT_ON_SITE:
	case DCS_FAULT_ON_ARRAY:
		return "site";
	case DCS_FAULT_ON_NODE:
		return "node";
	case DCS_FAULT_ON_WITNESS:
		break;
	}
	return NULL;
}

static const char *row_name(int i)
{
	return i >= 0 && i < N_KINDS ? table[i].name : NULL;
}

static void row_cells(int i, char *buf, size_t len)
{
	const struct dcs_fault_kind_info *f = &table[i];
	const char *key = dcs_fault_target_key(f->target);
	char names[32];
	snprintf(names, sizeof(names), "`%s`", key ? key : "site");
	snprintf(buf, len, "%s%s | %s | %s", names, key ? "" : " (optional)", f->meaning,
		 f->source);
}

const struct dcs_namelist dcs_fault_kind_list = {
    .title = "Fault kinds",
    .key = "faults[].kind",
    .count = N_KINDS,
    .def = NULL,
    .name = row_name,
    .columns = "names | what happens | source",
    .cells = row_cells,
};
