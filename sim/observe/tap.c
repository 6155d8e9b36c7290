/*
 * dcisim observation taps (include/dcisim/trace.h): what a viewer or a trace
 * sees of a running world.
 *
 * Why a tap never perturbs a run: it reads tables (which only grow), the
 * network through dcs_net_link_up/degraded/flows/rate/bandwidth (const, no
 * settling: dcs_net_link_bytes() would integrate the byte counters in extra
 * pieces and change their rounding), and bus notes (it subscribes last, after
 * every model, and does nothing a model could see).  dcs_tap_run() splits a
 * run into steps; the kernel runs the same events in the same order whatever
 * the split, and leaves its clock where one call would have left it.
 */
#include "dcisim/trace.h"

#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/results.h"
#include "dcisim/world.h"

struct tap_table {
	size_t seen; /* rows reported */
	int id;      /* -1 until declared to the sink */
	bool skip;   /* links.csv: link records carry it */
};

struct dcs_tap {
	struct dcs_world *w;
	struct dcs_obs_sink sink;
	struct tap_table *tabs;
	size_t n_tabs;
	int next_id;
	struct dcs_obs_link *last;
	bool first;
	dcs_time_t polled; /* the last poll of dcs_tap_run, -1 before the first */
	const char **cells;
	size_t cells_cap;
};

static void tap_on_note(void *ctx, const struct dcs_note *n)
{
	struct dcs_tap *tap = ctx;
	if (tap->sink.note)
		tap->sink.note(tap->sink.ctx, dcs_now(tap->w->k), n);
}

struct dcs_tap *dcs_tap_create(struct dcs_world *w, const struct dcs_obs_sink *sink)
{
	struct dcs_tap *tap = calloc(1, sizeof(*tap));
	if (!tap)
		return NULL;
	tap->w = w;
	tap->sink = *sink;
	tap->first = true;
	tap->polled = -1;
	tap->last = calloc(w->scn->n_links + 1, sizeof(*tap->last));
	if (!tap->last) {
		free(tap);
		return NULL;
	}
	for (int k = 0; k < DCS_NOTE_KIND_COUNT; k++) {
		if (!dcs_bus_subscribe(w->bus, (enum dcs_note_kind)k, tap_on_note, tap)) {
			/* Earlier subscriptions point at tap and cannot be undone:
			 * silence it and leave it to the bus rather than dangle. */
			tap->sink = (struct dcs_obs_sink){0};
			return NULL;
		}
	}
	return tap;
}

void dcs_tap_destroy(struct dcs_tap *tap)
{
	if (!tap)
		return;
	free(tap->tabs);
	free(tap->last);
	free(tap->cells);
	free(tap);
}

static bool obs_differ(const struct dcs_obs_link *a, const struct dcs_obs_link *b)
{
	return a->up != b->up || a->degraded != b->degraded || a->rate_Bps[0] != b->rate_Bps[0] ||
	       a->rate_Bps[1] != b->rate_Bps[1] || a->flows[0] != b->flows[0] ||
	       a->flows[1] != b->flows[1] || a->bandwidth_gbps != b->bandwidth_gbps;
}

static void poll_tables(struct dcs_tap *tap, dcs_time_t now)
{
	struct dcs_results *res = tap->w->res;
	size_t n = dcs_results_n_tables(res);
	if (n > tap->n_tabs) {
		struct tap_table *t = realloc(tap->tabs, n * sizeof(*t));
		if (!t)
			return; /* seen again at the next poll */
		for (size_t i = tap->n_tabs; i < n; i++) {
			const char *file = dcs_table_file(dcs_results_table_at(res, i));
			t[i] = (struct tap_table){
			    .seen = 0, .id = -1, .skip = !strcmp(file, "links.csv")};
		}
		tap->tabs = t;
		tap->n_tabs = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct tap_table *tt = &tap->tabs[i];
		struct dcs_table *t = dcs_results_table_at(res, i);
		size_t rows = dcs_table_nrows(t), ncols = dcs_table_ncols(t);
		if (tt->skip) {
			dcs_table_release(t, rows);
			continue;
		}
		if (rows <= tt->seen)
			continue;
		if (ncols > tap->cells_cap) {
			const char **c = realloc(tap->cells, ncols * sizeof(*c));
			if (!c)
				return;
			tap->cells = c;
			tap->cells_cap = ncols;
		}
		if (tt->id < 0) {
			tt->id = tap->next_id++;
			for (size_t c = 0; c < ncols; c++)
				tap->cells[c] = dcs_table_col(t, c);
			if (tap->sink.table)
				tap->sink.table(tap->sink.ctx, tt->id, dcs_table_file(t), ncols,
						tap->cells);
		}
		for (size_t r = tt->seen; r < rows; r++) {
			for (size_t c = 0; c < ncols; c++)
				tap->cells[c] = dcs_table_cell(t, r, c);
			if (tap->sink.row)
				tap->sink.row(tap->sink.ctx, now, tt->id, tap->cells);
		}
		tt->seen = rows;
		dcs_table_release(t, rows); /* streamed runs drop what was seen */
	}
}

static void poll_links(struct dcs_tap *tap, dcs_time_t now)
{
	const struct dcs_net *net = tap->w->net;
	for (size_t l = 0; l < tap->w->scn->n_links; l++) {
		int li = (int)l;
		struct dcs_obs_link s = {
		    .up = dcs_net_link_up(net, li),
		    .degraded = dcs_net_link_degraded(net, li),
		    .rate_Bps = {dcs_net_link_rate_Bps(net, li, 0),
				 dcs_net_link_rate_Bps(net, li, 1)},
		    .flows = {dcs_net_link_flows(net, li, 0), dcs_net_link_flows(net, li, 1)},
		    .bandwidth_gbps = dcs_net_link_bandwidth_gbps(net, li),
		};
		if (tap->first || obs_differ(&s, &tap->last[l])) {
			tap->last[l] = s;
			if (tap->sink.link)
				tap->sink.link(tap->sink.ctx, now, li, &s);
		}
	}
	tap->first = false;
}

void dcs_tap_poll(struct dcs_tap *tap)
{
	dcs_time_t now = dcs_now(tap->w->k);
	poll_tables(tap, now);
	poll_links(tap, now);
}

dcs_time_t dcs_tap_next_poll(const struct dcs_tap *tap, dcs_time_t step)
{
	if (step <= 0)
		step = 1;
	return tap->polled < 0 ? 0 : (tap->polled / step + 1) * step;
}

enum dcs_stop_reason dcs_tap_run(struct dcs_tap *tap, dcs_time_t until, dcs_time_t step)
{
	struct dcs_world *w = tap->w;
	if (until > w->horizon)
		until = w->horizon;
	/* Polls fall on the multiples of step (and at the horizon), whatever
	 * the calls: how a run is cut into calls changes no record. */
	for (;;) {
		dcs_time_t g = dcs_tap_next_poll(tap, step);
		dcs_time_t next = g < until ? g : until;
		enum dcs_stop_reason r = dcs_world_run(w, next);
		if (next == g || next == w->horizon) {
			dcs_tap_poll(tap);
			tap->polled = next;
		}
		if (r != DCS_STOP_HORIZON || next >= until)
			return r;
	}
}

dcs_time_t dcs_trace_step(const struct dcs_world *w)
{
	double s = w->scn->output.sample_s;
	if (!(s > 0) || s > 0.1)
		s = 0.1;
	dcs_time_t step = dcs_time_from_s(s);
	if (w->horizon / step > 100000)
		step = w->horizon / 100000;
	return step > 0 ? step : 1;
}
