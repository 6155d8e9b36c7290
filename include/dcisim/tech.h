/*
 * Layer-2 extension technologies: one table, every figure with its source.
 *
 * Contract: this is the only place that knows what a technology adds to a
 * frame, how it learns MAC addresses, what it floods across the DCI and what
 * it does when a path fails.  The network (framing, latency), the loader (MTU
 * check) and the L2 model (MAC moves, BUM traffic, failover, pseudowires) all
 * read it; none keeps figures of its own.  The table is constant: two worlds
 * share it safely.
 * Sources: ../shared/reference/dci-facts.md, sections 1, 3 and 4.2 (cited per
 * row in sim/core/tech.c).
 */
#ifndef DCISIM_TECH_H
#define DCISIM_TECH_H

#include <stdbool.h>

#include "dcisim/namelist.h"
#include "dcisim/scenario.h"

/* The kind of device in front of a DCI link, for its default buffer. */
enum dcs_port_class {
	DCS_PORT_SWITCH, /* data-center switch, shared on-chip buffer */
	DCS_PORT_ROUTER  /* WAN router or PE, deep per-queue delay buffer */
};

struct dcs_tech_info {
	const char *name;
	int encap_bytes;            /* added to every data frame on the DCI */
	double added_latency_us;    /* one way, both edge devices together */
	bool l2_extension;          /* false for l3: routed only */
	bool control_plane;         /* remote MAC reachability from a control plane */
	bool arp_suppression;       /* ARP answered locally once learnt */
	bool flood_unknown_unicast; /* unknown unicast crosses the DCI */
	bool stp_isolation;         /* BPDUs do not cross the DCI */
	bool mac_mobility_seq;      /* MAC routes carry a move sequence number */
	bool full_mesh_pseudowires; /* one pseudowire per pair of sites */
	bool mass_withdraw;         /* one update withdraws every MAC behind a failed path */
	/* Failure detection (SPEC §6.1).  detect_s: every underlay path cut
	 * (link_down) and no BFD: carrier loss or the control plane's hold
	 * timer.  protect_s: one underlay path cut with another left
	 * (path_down): the transport's own protection switching, or NaN when
	 * the overlay rides a routed underlay that reconverges (BFD + IGP). */
	double detect_s;
	double protect_s;
	double cp_update_s;     /* control plane: time to originate one MAC update */
	double cp_update_min_s; /* ... the range the sources give (min, max) */
	double cp_update_max_s;
	const char *cp_update_source;
	bool fc_native;           /* native FC can ride it (optical transport); else FCIP */
	enum dcs_port_class port; /* the device whose egress buffer fronts the link */
	const char *learning;     /* words for reports */
	const char *detect_source;
	const char *source; /* where the row's figures come from */
};

const struct dcs_tech_info *dcs_tech(enum dcs_tech t);
/* Default egress buffer of a link of technology t at this line rate, bytes. */
double dcs_tech_default_buffer_bytes(enum dcs_tech t, double bandwidth_gbps);
const char *dcs_port_class_name(enum dcs_port_class p);
/* Parses a technology name; returns -1 when unknown. */
int dcs_tech_from_name(const char *name);
/* The table as the loader, the schema and the key reference read it. */
extern const struct dcs_namelist dcs_tech_list;

#endif
