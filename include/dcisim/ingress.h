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

/* BGP session types the RHI host route crosses to reach the clients. */
enum dcs_bgp_session { DCS_BGP_EBGP, DCS_BGP_IBGP };

struct dcs_ingress_method {
	const char *name;
	const char *reaction;   /* how ingress follows a move, in words */
	double health_check_s;  /* RHI: mark-down, a probe failing this long withdraws; 0: none */
	double probe_up_s;      /* RHI: mark-up, a passing probe injects the route this soon */
	double advert_ebgp_s;   /* RHI: BGP advertisement interval (MRAI), eBGP sessions */
	double advert_ibgp_s;   /* ... iBGP sessions */
	double map_cache_ttl_s; /* a cached mapping without an update; 0: none */
	double violator_hold_s; /* DNS: how long a TTL-violating resolver keeps an answer */
	const char *source;
};

/* The advertisement interval a host route waits per BGP session type. */
double dcs_ingress_advert_s(enum dcs_bgp_session s);

const struct dcs_ingress_method *dcs_ingress_method(enum dcs_ingress m);

extern const struct dcs_namelist dcs_ingress_list;

#endif
