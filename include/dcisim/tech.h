/*
 * Layer-2 extension technologies: one table, every figure with its source.
 *
 * Contract: this is the only place that knows what a technology adds to a
 * frame, how it learns MAC addresses and what it does when a path fails.  The
 * network (framing, latency) and the L2 model (MAC moves, BUM traffic,
 * failover) both read it; neither keeps figures of its own.
 * Sources: ../shared/reference/dci-facts.md, sections 1 and 3 (cited per row in
 * sim/tech.c).
 */
#ifndef DCISIM_TECH_H
#define DCISIM_TECH_H

#include <stdbool.h>

#include "dcisim/scenario.h"

struct dcs_tech_info {
	const char *name;
	int encap_bytes;           /* added to every data frame on the DCI */
	double added_latency_us;   /* one way, both edge devices together */
	bool l2_extension;         /* false for l3: routed only */
	bool control_plane;        /* MAC reachability from a control plane */
	bool arp_suppression;      /* ARP answered locally once learnt */
	bool flood_unknown_unicast;/* unknown unicast crosses the DCI */
	bool stp_isolation;        /* BPDUs do not cross the DCI */
	double failover_s;         /* L2 outage when a transport path fails */
	double failover_bfd_s;     /* the same with BFD-tracked detection */
	const char *learning;      /* words for reports */
	const char *failover_source;
};

const struct dcs_tech_info *dcs_tech(enum dcs_tech t);
/* Parses a technology name; returns -1 when unknown. */
int dcs_tech_from_name(const char *name);

#endif
