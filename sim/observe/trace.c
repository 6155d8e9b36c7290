/*
 * The trace writer of a run (dcisim/trace.h): a tap on the world whose
 * records go to a trace file (dcisim/tracefile.h), polled at the trace step.
 */
#include "dcisim/trace.h"

#include <stdlib.h>

#include "dcisim/world.h"

struct dcs_trace {
	struct dcs_world *w;
	struct dcs_tap *tap;
	struct dcs_trace_file *file;
	dcs_time_t step;
};

static void tr_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct dcs_trace *tr = ctx;
	dcs_trace_file_table(tr->file, dcs_now(tr->w->k), id, file, ncols, cols);
}

static void tr_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct dcs_trace *tr = ctx;
	dcs_trace_file_row(tr->file, t, id, cells);
}

static void tr_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct dcs_trace *tr = ctx;
	dcs_trace_file_link(tr->file, t, link, s);
}

static void tr_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct dcs_trace *tr = ctx;
	dcs_trace_file_note(tr->file, t, n);
}

struct dcs_trace *dcs_trace_open(const char *path, struct dcs_world *w, FILE *err)
{
	struct dcs_trace *tr = calloc(1, sizeof(*tr));
	if (!tr) {
		fprintf(err, "dcisim: error: out of memory opening trace %s\n", path);
		return NULL;
	}
	tr->w = w;
	tr->step = dcs_trace_step(w);
	const struct dcs_scenario *scn = w->scn;
	/* Absolute, so the trace replays from any directory. */
	char *abs = scn->path ? realpath(scn->path, NULL) : NULL;
	struct dcs_trace_meta m = {
	    .scenario = scn->name,
	    .path = abs ? abs : scn->path ? scn->path : "",
	    .seed = dcs_kernel_seed(w->k),
	    .horizon = w->horizon,
	    .step = tr->step,
	    .sites = scn->n_sites,
	    .links = scn->n_links,
	    .vms = scn->n_vms,
	};
	tr->file = dcs_trace_file_create(path, &m, err);
	free(abs);
	if (!tr->file) {
		free(tr);
		return NULL;
	}
	struct dcs_obs_sink sink = {
	    .ctx = tr, .table = tr_table, .row = tr_row, .link = tr_link, .note = tr_note};
	tr->tap = dcs_tap_create(w, &sink);
	if (!tr->tap) {
		fprintf(err, "dcisim: error: out of memory opening trace %s\n", path);
		dcs_trace_free(tr);
		return NULL;
	}
	return tr;
}

enum dcs_stop_reason dcs_trace_run(struct dcs_trace *tr, dcs_time_t until)
{
	return dcs_tap_run(tr->tap, until, tr->step);
}

int dcs_trace_finish(struct dcs_trace *tr, dcs_time_t end, bool complete, FILE *err)
{
	dcs_tap_poll(tr->tap);
	return dcs_trace_file_finish(tr->file, end, complete, err);
}

void dcs_trace_free(struct dcs_trace *tr)
{
	if (!tr)
		return;
	dcs_tap_destroy(tr->tap);
	dcs_trace_file_free(tr->file);
	free(tr);
}
