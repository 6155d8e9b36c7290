/*
 * The viewer object: its clock, sources and rendering (include/dcisim/viz.h;
 * frames.c writes frames for a video, window.c runs the window).
 *
 * A viz shows simulated time t from a list of observation records
 * (trace.h): a trace file when replaying, or, live, the records its own
 * world's tap reports, kept in memory.  The view model is fed the records
 * up to t, so going back in time is replaying the records from the start
 * into a fresh model (measured in docs/trace.md: well under a millisecond
 * for the demos and the default scenario), and the state shown at t does
 * not depend on the way t was reached.  Live, the world only runs forward:
 * through a tap (dcs_tap_run: the same events and clock as
 * dcs_run_scenario, whatever the step) when t passes what it has run, and
 * it is finished at the horizon exactly as a run is, so the CSVs it can
 * write are the run's CSVs.  The story (story.c) reads the same records
 * once, for the captions and the timeline.  The window advances t by speed
 * x wall time per frame; snapshots, frames and tests call the functions.
 */
#include <errno.h>
#include <math.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcisim/exitcode.h"
#include "dcisim/output.h"
#include "dcisim/trace.h"
#include "dcisim/viz.h"
#include "dcisim/world.h"
#include "viewer.h"

    const char dcs_viz_howto[] = "the viewer is built in; see `dcisim view --help`.\n";

bool dcs_viz_available(void)
{
	return true;
}

/* ------------------------------------------------- records to the model */

static void add_mark(struct dcs_viz *v, dcs_time_t t)
{
	if (v->n_marks && t <= v->marks[v->n_marks - 1])
		return; /* seen before a rewind */
	if (v->n_marks == v->cap_marks) {
		size_t cap = v->cap_marks ? 2 * v->cap_marks : 64;
		dcs_time_t *m = realloc(v->marks, cap * sizeof(*m));
		if (!m)
			return; /* stepping back skips this event */
		v->marks = m;
		v->cap_marks = cap;
	}
	v->marks[v->n_marks++] = t;
}

static void on_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct dcs_viz *v = ctx;
	v->model_sink.table(v->model_sink.ctx, id, file, ncols, cols);
}

static void on_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct dcs_viz *v = ctx;
	uint64_t before = v->m->notable;
	v->model_sink.row(v->model_sink.ctx, t, id, cells);
	if (v->m->notable != before)
		add_mark(v, t);
}

static void on_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct dcs_viz *v = ctx;
	uint64_t before = v->m->notable;
	v->model_sink.link(v->model_sink.ctx, t, link, s);
	if (v->m->notable != before)
		add_mark(v, t);
}

static void on_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct dcs_viz *v = ctx;
	uint64_t before = v->m->notable;
	v->model_sink.note(v->model_sink.ctx, t, n);
	if (v->m->notable != before)
		add_mark(v, t);
}

/* The story reads the records it has not read yet. */
static int read_story(struct dcs_viz *v)
{
	struct dcs_obs_sink s = vz_story_sink(v->story);
	dcs_trace_replay_at(v->rd, &v->story_pos, DCS_TIME_NEVER, &s);
	if (vz_story_ok(v->story) && (!v->live || dcs_trace_memory_ok(v->rd)))
		return 0;
	fprintf(v->err, "dcisim view: error: out of memory keeping the run's records\n");
	return -1;
}

/* --------------------------------------------------------------- sources */

static int write_out(struct dcs_viz *v)
{
	const char *dir = v->o.out_dir;
	if (dcs_mkdir_p(dir) != 0) {
		fprintf(v->err, "dcisim view: error: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < dcs_results_n_tables(v->w->res); i++)
		if (dcs_write_table(dir, dcs_results_table_at(v->w->res, i), v->err) != 0)
			return -1;
	if (v->o.verbosity >= 0)
		fprintf(v->err, "dcisim view: %s: results in %s/\n", v->scn->name, dir);
	return 0;
}

/* Live: runs the world to `until` (at most its horizon), and at the horizon
 * finishes it as dcs_run_scenario() does after its loop. */
static int run_world(struct dcs_viz *v, dcs_time_t until)
{
	if (!v->live || v->world_done)
		return 0;
	if (until > v->horizon)
		until = v->horizon;
	/* Also when stepping has brought the clock to a poll not made yet. */
	if (until > v->ran || dcs_tap_next_poll(v->tap, v->step) <= until) {
		dcs_tap_run(v->tap, until, v->step);
		if (until > v->ran)
			v->ran = until;
	}
	int rc = 0;
	if (v->ran >= v->horizon) {
		v->world_done = true;
		dcs_world_finish(v->w);
		dcs_tap_poll(v->tap);
		if (v->o.out_dir)
			rc = write_out(v);
	}
	return read_story(v) != 0 ? -1 : rc;
}

static void close_source(struct dcs_viz *v)
{
	/* The world first: the tap is subscribed to its bus. */
	dcs_world_destroy(v->w);
	v->w = NULL;
	dcs_tap_destroy(v->tap);
	v->tap = NULL;
	if (v->live) {
		dcs_trace_reader_free(v->rd);
		v->rd = NULL;
		if (v->story)
			vz_story_reset(v->story);
		v->story_pos = 0;
		v->n_marks = 0;
	}
}

/* Shows time 0 of the source: a trace from its start; live, a new world
 * with what happens at time 0 run. */
static int open_source(struct dcs_viz *v)
{
	vz_model_reset(v->m);
	v->t = 0;
	v->finished = false;
	if (!v->live) {
		dcs_trace_rewind(v->rd);
		dcs_trace_replay(v->rd, 0, &v->sink);
		return 0;
	}
	const struct dcs_scenario *scn = v->scn;
	v->w = dcs_world_create(scn, v->seed);
	if (v->w)
		v->rd = dcs_trace_memory(scn->name, scn->n_sites, scn->n_links, scn->n_vms,
					 v->w->horizon);
	if (!v->w || !v->rd) {
		fprintf(v->err, "dcisim view: error: out of memory building %s\n", scn->name);
		return -1;
	}
	v->w->verbosity = -1;
	struct dcs_obs_sink mem = dcs_trace_memory_sink(v->rd);
	v->tap = dcs_tap_create(v->w, &mem);
	if (!v->tap) {
		fprintf(v->err, "dcisim view: error: out of memory\n");
		return -1;
	}
	v->horizon = v->w->horizon;
	v->step = dcs_trace_step(v->w);
	v->ran = -1; /* not started */
	v->world_done = false;
	/* Start the models and run what happens at time 0. */
	if (run_world(v, 0) != 0)
		return -1;
	dcs_trace_replay(v->rd, 0, &v->sink);
	return 0;
}

/* Shows time t, forwards or backwards (a rewind replays the records from
 * the start into a fresh model). */
int vz_show(struct dcs_viz *v, dcs_time_t t)
{
	if (t > v->horizon)
		t = v->horizon;
	if (t < 0)
		t = 0;
	if (t < v->t) {
		vz_model_reset(v->m);
		dcs_trace_rewind(v->rd);
		v->finished = false;
	}
	if (run_world(v, t) != 0)
		return -1;
	dcs_trace_replay(v->rd, t, &v->sink);
	v->t = t;
	v->m->now = t;
	if (t >= v->horizon)
		v->finished = v->m->finished = true;
	return 0;
}

dcs_time_t vz_time_of(const struct dcs_viz *v, double t_s)
{
	if (!(t_s > 0))
		return 0;
	if (t_s > 1e12)
		return v->horizon;
	dcs_time_t t = dcs_time_from_s(t_s);
	return t > v->horizon ? v->horizon : t;
}

int dcs_viz_advance(struct dcs_viz *v, double t_s)
{
	dcs_time_t t = vz_time_of(v, t_s);
	if (t < v->t || v->finished)
		return 0;
	return vz_show(v, t);
}

int dcs_viz_seek(struct dcs_viz *v, double t_s)
{
	return vz_show(v, vz_time_of(v, t_s));
}

double dcs_viz_step(struct dcs_viz *v)
{
	uint64_t before = v->m->notable;
	/* Live, past the records kept: the world runs one kernel event, or to
	 * its next poll, at a time, until something notable shows.  The events
	 * are the run's events in the run's order (dcs_kernel_step runs exactly
	 * what dcs_kernel_run would next), and the polls fall where
	 * dcs_tap_run puts them, after every event of their time, so the
	 * records are those of any other way of running it. */
	for (long n = 0; v->m->notable == before && !v->finished;) {
		dcs_time_t next = dcs_trace_next_time(v->rd);
		if (next != DCS_TIME_NEVER && next < v->horizon) {
			if (vz_show(v, next > v->t ? next : v->t) != 0)
				break;
			continue;
		}
		if (!v->live || v->world_done || n++ >= 5000000) {
			vz_show(v, v->live && !v->world_done ? v->ran : v->horizon);
			break;
		}
		struct dcs_kernel *k = v->w->k;
		dcs_time_t poll = dcs_tap_next_poll(v->tap, v->step);
		dcs_time_t ev = dcs_kernel_next_time(k);
		if (ev <= poll && ev <= v->horizon) {
			dcs_kernel_step(k, v->horizon);
			if (dcs_now(k) > v->ran)
				v->ran = dcs_now(k);
			if (read_story(v) != 0)
				break;
		} else if (poll < v->horizon) {
			if (run_world(v, poll) != 0)
				break;
		} else if (vz_show(v, v->horizon) != 0) {
			break;
		}
	}
	return dcs_time_to_s(v->t);
}

double dcs_viz_step_back(struct dcs_viz *v)
{
	/* The last notable record time before t. */
	size_t lo = 0, hi = v->n_marks;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->marks[mid] < v->t)
			lo = mid + 1;
		else
			hi = mid;
	}
	vz_show(v, lo ? v->marks[lo - 1] : 0);
	return dcs_time_to_s(v->t);
}

int dcs_viz_restart(struct dcs_viz *v)
{
	if (!v->live)
		return vz_show(v, 0);
	close_source(v);
	return open_source(v);
}

double dcs_viz_time(const struct dcs_viz *v)
{
	return dcs_time_to_s(v->t);
}

double dcs_viz_end(const struct dcs_viz *v)
{
	return dcs_time_to_s(v->horizon);
}

bool dcs_viz_finished(const struct dcs_viz *v)
{
	return v->finished;
}

static void update_captions(struct dcs_viz *v)
{
	v->n_caps =
	    vz_captions(v->story, v->live ? v->m : NULL, v->t, v->horizon, v->caps, VZ_MAXCAPS);
}

int dcs_viz_caption_count(struct dcs_viz *v)
{
	update_captions(v);
	return v->n_caps;
}

const char *dcs_viz_caption(const struct dcs_viz *v, int i)
{
	return i >= 0 && i < v->n_caps ? v->caps[i].text : NULL;
}

void dcs_viz_set_pointer(struct dcs_viz *v, int x, int y)
{
	v->view.mouse_x = x;
	v->view.mouse_y = y;
}

/* The time under x on the timeline, or -1 when (x, y) is not on it. */
dcs_time_t vz_timeline_time(const struct dcs_viz *v, int x, int y, bool clamp)
{
	const SDL_Rect *r = &v->L.tl_bar;
	if (r->w <= 0 || v->horizon <= 0)
		return -1;
	if (!clamp && (x < r->x - 4 || x >= r->x + r->w + 4 || y < v->L.timeline.y ||
		       y >= v->L.timeline.y + v->L.timeline.h))
		return -1;
	double f = ((double)(x - r->x) + 0.5) / r->w;
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return (dcs_time_t)llround(f * (double)v->horizon);
}

double dcs_viz_click(struct dcs_viz *v, int x, int y)
{
	dcs_time_t t = vz_timeline_time(v, x, y, false);
	if (t < 0 || vz_show(v, t) != 0)
		return -1;
	return dcs_time_to_s(v->t);
}

void dcs_viz_timeline_xy(const struct dcs_viz *v, double t_s, int *x, int *y)
{
	const SDL_Rect *r = &v->L.tl_bar;
	double f = v->horizon > 0 ? dcs_time_from_s(t_s) / (double)v->horizon : 0;
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	int dx = (int)(f * r->w);
	*x = r->x + (dx >= r->w ? r->w - 1 : dx);
	*y = r->y + r->h / 2;
}

struct dcs_world *dcs_viz_world(struct dcs_viz *v)
{
	return v->w;
}

int dcs_viz_log_count(const struct dcs_viz *v)
{
	return v->m->log_n;
}

const char *dcs_viz_log_line(const struct dcs_viz *v, int i)
{
	return i >= 0 && i < v->m->log_n ? v->m->log[i].text : NULL;
}

static bool trace_matches(struct dcs_viz *v)
{
	size_t s, l, n;
	dcs_trace_topology(v->rd, &s, &l, &n);
	if (s == v->scn->n_sites && l == v->scn->n_links && n == v->scn->n_vms)
		return true;
	fprintf(v->err,
		"dcisim view: error: %s: the trace is of scenario '%s' (%zu sites, %zu links, %zu "
		"VMs), not of '%s' (%zu, %zu, %zu); give the scenario it was recorded from\n",
		v->o.replay_path, dcs_trace_scenario_name(v->rd), s, l, n, v->scn->name,
		v->scn->n_sites, v->scn->n_links, v->scn->n_vms);
	return false;
}

struct dcs_viz *dcs_viz_create(const struct dcs_scenario *scn, const struct dcs_viz_opts *o,
			       FILE *err)
{
	struct dcs_viz *v = calloc(1, sizeof(*v));
	if (!v) {
		fprintf(err, "dcisim view: error: out of memory\n");
		return NULL;
	}
	v->scn = scn;
	v->o = *o;
	v->err = err;
	v->seed = o->seed_set ? o->seed : scn->seed;
	v->speed = o->speed > 0 ? o->speed : 1;
	v->live = !o->replay_path;
	if (v->o.width <= 0 || v->o.height <= 0)
		v->o.width = 1280, v->o.height = 720;
	if (vz_fonts_open(&v->fonts, err) != 0)
		goto fail;
	v->m = vz_model_create(scn);
	v->story = vz_story_create(scn);
	if (!v->m || !v->story || vz_layout_init(&v->L, scn) != 0) {
		fprintf(err, "dcisim view: error: out of memory\n");
		goto fail;
	}
	v->model_sink = vz_model_sink(v->m);
	v->sink = (struct dcs_obs_sink){
	    .ctx = v, .table = on_table, .row = on_row, .link = on_link, .note = on_note};
	if (o->replay_path) {
		v->rd = dcs_trace_load(o->replay_path, err);
		if (!v->rd || !trace_matches(v))
			goto fail;
		/* The replay ends where the run did (--until, an interrupt). */
		v->horizon = dcs_trace_end(v->rd, NULL);
		if (v->horizon <= 0)
			v->horizon = dcs_trace_horizon(v->rd);
		/* The story of the whole run, read once: captions know where
		 * each phase ends. */
		if (read_story(v) != 0)
			goto fail;
	}
	if (open_source(v) != 0)
		goto fail;
	/* The off-screen image, drawn with the software renderer: no display,
	 * no video driver needed. */
	v->surf =
	    SDL_CreateRGBSurfaceWithFormat(0, v->o.width, v->o.height, 24, SDL_PIXELFORMAT_RGB888);
	if (!v->surf || !(v->R = SDL_CreateSoftwareRenderer(v->surf))) {
		fprintf(err, "dcisim view: error: cannot make an image of %dx%d: %s\n", v->o.width,
			v->o.height, SDL_GetError());
		goto fail;
	}
	v->view = (struct vz_view){.scn = scn,
				   .m = v->m,
				   .story = v->story,
				   .mouse_x = -1,
				   .mouse_y = -1,
				   .title = scn->name,
				   .captions = true};
	vz_layout_compute(&v->L, scn, v->o.width, v->o.height);
	return v;
fail:
	dcs_viz_destroy(v);
	return NULL;
}

void dcs_viz_destroy(struct dcs_viz *v)
{
	if (!v)
		return;
	close_source(v);
	dcs_trace_reader_free(v->rd);
	if (v->R)
		SDL_DestroyRenderer(v->R);
	if (v->win)
		SDL_DestroyWindow(v->win);
	if (v->surf)
		SDL_FreeSurface(v->surf);
	vz_layout_free(&v->L);
	vz_model_destroy(v->m);
	vz_story_destroy(v->story);
	free(v->marks);
	vz_fonts_close(&v->fonts);
	free(v);
}

static void fill_view(struct dcs_viz *v)
{
	update_captions(v);
	v->view.t = v->t;
	v->view.horizon = v->horizon;
	v->view.known = v->live ? v->ran : v->horizon;
	v->view.speed = v->speed;
	v->view.paused = v->paused;
	v->view.finished = v->finished;
	v->view.replay = !v->live;
	v->view.caps = v->caps;
	v->view.n_caps = v->n_caps;
}

int dcs_viz_render(struct dcs_viz *v)
{
	int W, H;
	if (SDL_GetRendererOutputSize(v->R, &W, &H) != 0)
		return -1;
	fill_view(v);
	vz_layout_compute(&v->L, v->scn, W, H);
	vz_draw(v->R, &v->fonts, &v->L, &v->view);
	SDL_RenderPresent(v->R);
	return 0;
}

int dcs_viz_save_bmp(struct dcs_viz *v, const char *path, FILE *err)
{
	if (!v->surf) {
		fprintf(err, "dcisim view: error: no image to save\n");
		return -1;
	}
	if (SDL_SaveBMP(v->surf, path) != 0) {
		fprintf(err, "dcisim view: error: cannot write %s: %s\n", path, SDL_GetError());
		return -1;
	}
	return 0;
}

int dcs_viz_save_png(struct dcs_viz *v, const char *path, FILE *err)
{
	if (!v->surf) {
		fprintf(err, "dcisim view: error: no image to save\n");
		return -1;
	}
	if (vz_save_png(v->surf, path) != 0) {
		fprintf(err, "dcisim view: error: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* PNG when the name ends in .png, else BMP. */
int vz_save_image(struct dcs_viz *v, const char *path, const char *name, FILE *err)
{
	size_t n = strlen(name);
	bool png = n > 4 && !strcasecmp(name + n - 4, ".png");
	return png ? dcs_viz_save_png(v, path, err) : dcs_viz_save_bmp(v, path, err);
}

long dcs_viz_pixel(const struct dcs_viz *v, int x, int y)
{
	const SDL_Surface *s = v->surf;
	if (!s || x < 0 || y < 0 || x >= s->w || y >= s->h)
		return -1;
	Uint32 px =
	    *(const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4);
	Uint8 r, g, b;
	SDL_GetRGB(px, s->format, &r, &g, &b);
	return (long)r << 16 | (long)g << 8 | b;
}

void dcs_viz_site_xy(const struct dcs_viz *v, int site, int *x, int *y)
{
	*x = v->L.site_x[site];
	*y = v->L.site_y[site];
}

void dcs_viz_link_xy(const struct dcs_viz *v, int link, double f, int *x, int *y)
{
	const struct vz_seg *s = &v->L.link[link];
	*x = (int)lround(s->ax + f * (s->bx - s->ax));
	*y = (int)lround(s->ay + f * (s->by - s->ay));
}
