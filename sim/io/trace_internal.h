/*
 * Trace readers' records (internal to sim/io/): a whole trace in memory,
 * read from a file (trace_read.c) or filled from a sink (trace_store.c).
 */
#ifndef DCISIM_IO_TRACE_INTERNAL_H
#define DCISIM_IO_TRACE_INTERNAL_H

#include "dcisim/tracefile.h"

struct trace_rec {
	char type; /* T R L N */
	dcs_time_t t;
	int id; /* table id (T, R) or link (L) */
	struct dcs_obs_link link;
	struct dcs_note note;
	char **str; /* T: file then columns; R: cells */
	size_t nstr;
};

struct dcs_trace_reader {
	char *name, *path;
	uint64_t seed;
	dcs_time_t horizon, end;
	bool complete;
	size_t sites, links, vms;
	struct trace_rec *recs;
	size_t n, cap, pos;
	size_t *ncols; /* per table id */
	size_t n_ids;
	bool oom; /* a memory reader lost a record */
};


/* A new record at the end (not counted until the caller has filled it and
 * incremented r->n); NULL when out of memory. */
struct trace_rec *trace_new_rec(struct dcs_trace_reader *r);
void trace_free_strs(char **s, size_t n);

#endif
