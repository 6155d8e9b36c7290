/*
 * Ingress methods: how clients' traffic finds a VM after it moves.  One
 * table, every default with its source.
 *
 * Contract: a method is one row of this table (sim/core/ingress.c), indexed
 * by enum dcs_ingress.  The loader takes the names and the default from it
 * (dcs_ingress_list), the JSON Schema and the key reference list it, and
 * the layer-3 model (models/l3.c) reads the defaults of the service keys the
 * scenario leaves out from the row of the service's method.  How each method
 * reacts to a move is the model's code (models/l3.h).  The table is
 * constant: two worlds share it safely.
 */
#ifndef DCISIM_INGRESS_H
#define DCISIM_INGRESS_H

#include "dcisim/namelist.h"
#include "dcisim/scenario.h"

struct dcs_ingress_method {
	const char *name;
	const char *reaction;         /* how ingress follows a move, in words */
	double health_check_s;        /* detection of the VM at its new site; 0: none */
	double routing_convergence_s; /* after the detection; 0: none */
	double map_cache_ttl_s;       /* a cached mapping without an update; 0: none */
	const char *source;
};

const struct dcs_ingress_method *dcs_ingress_method(enum dcs_ingress m);

extern const struct dcs_namelist dcs_ingress_list;

#endif
