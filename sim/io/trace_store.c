/*
 * Trace readers (dcisim/tracefile.h): the records of a whole trace, their
 * replay into a sink, and a trace kept in memory from a sink.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

static const char *const note_names[DCS_NOTE_KIND_COUNT] = {
    [DCS_NOTE_LINK_STATE] = "link",       [DCS_NOTE_SITE_STATE] = "site",
    [DCS_NOTE_PATHS_CHANGED] = "paths",   [DCS_NOTE_VM_MOVED] = "vm",
    [DCS_NOTE_NODE_STATE] = "node",       [DCS_NOTE_ARRAY_STATE] = "array",
    [DCS_NOTE_WITNESS_STATE] = "witness", [DCS_NOTE_VM_PAUSED] = "vm_paused",
    [DCS_NOTE_VM_RESUMED] = "vm_resumed", [DCS_NOTE_VM_SPEED] = "vm_speed",
    [DCS_NOTE_STORAGE_STATE] = "storage", [DCS_NOTE_SERVICE_SITE] = "service_site",
};

const char *dcs_note_kind_name(enum dcs_note_kind k)
{
	return (unsigned)k < DCS_NOTE_KIND_COUNT ? note_names[k] : "unknown";
}

int dcs_note_kind_from_name(const char *s)
{
	for (int i = 0; i < DCS_NOTE_KIND_COUNT; i++)
		if (!strcmp(s, note_names[i]))
			return i;
	return -1;
}

void trace_free_strs(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

struct trace_rec *trace_new_rec(struct dcs_trace_reader *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct trace_rec *t = realloc(r->recs, cap * sizeof(*t));
		if (!t)
			return NULL;
		r->recs = t;
		r->cap = cap;
	}
	struct trace_rec *rec = &r->recs[r->n];
	memset(rec, 0, sizeof(*rec));
	return rec;
}


void dcs_trace_reader_free(struct dcs_trace_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		trace_free_strs(r->recs[i].str, r->recs[i].nstr);
	free(r->recs);
	free(r->ncols);
	free(r->name);
	free(r->path);
	free(r);
}

const char *dcs_trace_scenario_name(const struct dcs_trace_reader *r)
{
	return r->name;
}

const char *dcs_trace_scenario_path(const struct dcs_trace_reader *r)
{
	return r->path && *r->path ? r->path : NULL;
}

uint64_t dcs_trace_seed(const struct dcs_trace_reader *r)
{
	return r->seed;
}

dcs_time_t dcs_trace_horizon(const struct dcs_trace_reader *r)
{
	return r->horizon;
}

void dcs_trace_topology(const struct dcs_trace_reader *r, size_t *sites, size_t *links, size_t *vms)
{
	*sites = r->sites;
	*links = r->links;
	*vms = r->vms;
}

dcs_time_t dcs_trace_end(const struct dcs_trace_reader *r, bool *complete)
{
	if (complete)
		*complete = r->complete;
	return r->end;
}

size_t dcs_trace_n_records(const struct dcs_trace_reader *r)
{
	return r->n;
}

dcs_time_t dcs_trace_next_time(const struct dcs_trace_reader *r)
{
	return r->pos < r->n ? r->recs[r->pos].t : DCS_TIME_NEVER;
}

void dcs_trace_rewind(struct dcs_trace_reader *r)
{
	r->pos = 0;
}

dcs_time_t dcs_trace_replay(struct dcs_trace_reader *r, dcs_time_t until,
			    const struct dcs_obs_sink *sink)
{
	return dcs_trace_replay_at(r, &r->pos, until, sink);
}

dcs_time_t dcs_trace_replay_at(const struct dcs_trace_reader *r, size_t *pos, dcs_time_t until,
			       const struct dcs_obs_sink *sink)
{
	while (*pos < r->n && r->recs[*pos].t <= until) {
		const struct trace_rec *rec = &r->recs[(*pos)++];
		switch (rec->type) {
		case 'T':
			if (sink->table)
				sink->table(sink->ctx, rec->id, rec->str[0], rec->nstr - 1,
					    (const char *const *)rec->str + 1);
			break;
		case 'R':
			if (sink->row)
				sink->row(sink->ctx, rec->t, rec->id,
					  (const char *const *)rec->str);
			break;
		case 'L':
			if (sink->link)
				sink->link(sink->ctx, rec->t, rec->id, &rec->link);
			break;
		case 'N':
			if (sink->note)
				sink->note(sink->ctx, rec->t, &rec->note);
			break;
		}
	}
	return *pos < r->n ? r->recs[*pos].t : DCS_TIME_NEVER;
}

/* ---- a trace kept in memory ---- */

struct dcs_trace_reader *dcs_trace_memory(const char *scenario, size_t sites, size_t links,
					  size_t vms, dcs_time_t horizon)
{
	struct dcs_trace_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->name = strdup(scenario ? scenario : "");
	if (!r->name) {
		free(r);
		return NULL;
	}
	r->sites = sites;
	r->links = links;
	r->vms = vms;
	r->horizon = horizon;
	r->end = -1;
	return r;
}

bool dcs_trace_memory_ok(const struct dcs_trace_reader *r)
{
	return !r->oom;
}

/* Appends a record of type T or R with copies of n strings; false when out
 * of memory (the record is not added). */
static bool mem_add_strs(struct dcs_trace_reader *r, char type, dcs_time_t t, int id,
			 const char *first, size_t n, const char *const *strs)
{
	struct trace_rec *rec = trace_new_rec(r);
	if (!rec)
		return false;
	size_t total = n + (first ? 1 : 0);
	rec->type = type;
	rec->t = t;
	rec->id = id;
	rec->str = calloc(total + 1, sizeof(char *));
	if (!rec->str)
		return false;
	for (size_t i = 0; i < total; i++) {
		const char *src = first ? (i ? strs[i - 1] : first) : strs[i];
		if (!(rec->str[i] = strdup(src ? src : ""))) {
			trace_free_strs(rec->str, i);
			rec->str = NULL;
			return false;
		}
	}
	rec->nstr = total;
	r->n++;
	return true;
}

static void mem_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct dcs_trace_reader *r = ctx;
	if (id < 0 || id > 4096) {
		r->oom = true;
		return;
	}
	size_t u = (size_t)id;
	if (u >= r->n_ids) {
		size_t *n = realloc(r->ncols, (u + 1) * sizeof(*n));
		if (!n) {
			r->oom = true;
			return;
		}
		for (size_t i = r->n_ids; i <= u; i++)
			n[i] = 0;
		r->ncols = n;
		r->n_ids = u + 1;
	}
	r->ncols[u] = ncols;
	/* A table is declared when its first row is seen: stamp it then. */
	dcs_time_t t = r->n ? r->recs[r->n - 1].t : 0;
	if (!mem_add_strs(r, 'T', t, id, file, ncols, cols))
		r->oom = true;
}

static void mem_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct dcs_trace_reader *r = ctx;
	if (id < 0 || (size_t)id >= r->n_ids ||
	    !mem_add_strs(r, 'R', t, id, NULL, r->ncols[id], cells))
		r->oom = true;
}

static void mem_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct dcs_trace_reader *r = ctx;
	struct trace_rec *rec = trace_new_rec(r);
	if (!rec) {
		r->oom = true;
		return;
	}
	rec->type = 'L';
	rec->t = t;
	rec->id = link;
	rec->link = *s;
	r->n++;
}

static void mem_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct dcs_trace_reader *r = ctx;
	struct trace_rec *rec = trace_new_rec(r);
	if (!rec) {
		r->oom = true;
		return;
	}
	rec->type = 'N';
	rec->t = t;
	rec->note = *n;
	r->n++;
}

struct dcs_obs_sink dcs_trace_memory_sink(struct dcs_trace_reader *r)
{
	return (struct dcs_obs_sink){
	    .ctx = r, .table = mem_table, .row = mem_row, .link = mem_link, .note = mem_note};
}
