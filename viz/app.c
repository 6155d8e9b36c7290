/*
 * The viewer's clock, sources and window (include/dcisim/viz.h).
 *
 * A viz shows simulated time t.  Live, it advances its own world to t through
 * a tap (dcs_tap_run: the same events and clock as dcs_run_scenario, whatever
 * the step), and finishes it at the horizon exactly as a run does, so the
 * CSVs it can write are the run's CSVs.  Replaying, it feeds the trace's
 * records up to t into the same view model.  The window advances t by speed
 * x wall time per frame; snapshots and tests call dcs_viz_advance().
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/output.h"
#include "dcisim/trace.h"
#include "dcisim/viz.h"
#include "dcisim/world.h"
#include "viz_internal.h"

const char dcs_viz_howto[] = "the viewer is built in; see `dcisim view --help`.\n";

struct key_ev {
	long frame;
	SDL_Keycode key;
};

struct dcs_viz {
	const struct dcs_scenario *scn;
	struct dcs_viz_opts o;
	FILE *err;
	uint64_t seed;
	/* source: a live world, or a trace */
	struct dcs_world *w;
	struct dcs_tap *tap;
	struct dcs_trace_reader *rd;
	struct vz_model *m;
	struct dcs_obs_sink sink;
	dcs_time_t t, horizon, step;
	bool finished;
	/* drawing */
	SDL_Surface *surf; /* off-screen target (snapshots, tests) */
	SDL_Window *win;
	SDL_Renderer *R;
	struct vz_fonts fonts;
	struct vz_layout L;
	struct vz_view view;
	bool paused;
	double speed;
};

bool dcs_viz_available(void)
{
	return true;
}

static int open_source(struct dcs_viz *v)
{
	vz_model_reset(v->m);
	v->t = 0;
	v->finished = false;
	if (v->rd) {
		dcs_trace_rewind(v->rd);
		dcs_trace_replay(v->rd, 0, &v->sink);
		return 0;
	}
	v->w = dcs_world_create(v->scn, v->seed);
	if (!v->w) {
		fprintf(v->err, "dcisim view: error: out of memory building %s\n", v->scn->name);
		return -1;
	}
	v->w->verbosity = -1;
	v->tap = dcs_tap_create(v->w, &v->sink);
	if (!v->tap) {
		fprintf(v->err, "dcisim view: error: out of memory\n");
		return -1;
	}
	v->horizon = v->w->horizon;
	v->step = dcs_trace_step(v->w);
	/* Start the models and run what happens at time 0. */
	dcs_tap_run(v->tap, 0, v->step);
	return 0;
}

static void close_source(struct dcs_viz *v)
{
	/* The world first: the tap is subscribed to its bus. */
	dcs_world_destroy(v->w);
	v->w = NULL;
	dcs_tap_destroy(v->tap);
	v->tap = NULL;
}

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

/* At the horizon: what dcs_run_scenario() does after its loop. */
static int finish(struct dcs_viz *v)
{
	v->finished = true;
	v->m->finished = true;
	if (!v->w)
		return 0;
	dcs_world_finish(v->w);
	dcs_tap_poll(v->tap);
	return v->o.out_dir ? write_out(v) : 0;
}

int dcs_viz_advance(struct dcs_viz *v, double t_s)
{
	dcs_time_t t = dcs_time_from_s(t_s);
	if (t > v->horizon || t_s > 1e12)
		t = v->horizon;
	if (t < v->t || v->finished)
		return 0;
	if (v->rd)
		dcs_trace_replay(v->rd, t, &v->sink);
	else
		dcs_tap_run(v->tap, t, v->step);
	v->t = t;
	v->m->now = t;
	if (t >= v->horizon)
		return finish(v);
	return 0;
}

double dcs_viz_step(struct dcs_viz *v)
{
	uint64_t before = v->m->notable;
	if (v->rd) {
		while (v->m->notable == before && !v->finished) {
			dcs_time_t next = dcs_trace_next_time(v->rd);
			if (next == DCS_TIME_NEVER || next >= v->horizon) {
				dcs_viz_advance(v, dcs_time_to_s(v->horizon));
				break;
			}
			dcs_viz_advance(v, dcs_time_to_s(next));
		}
		return dcs_time_to_s(v->t);
	}
	/* Live: one kernel event at a time until something notable shows.  The
	 * events are the run's events in the run's order (dcs_kernel_step runs
	 * exactly what dcs_kernel_run would next). */
	for (long n = 0; v->m->notable == before && !v->finished && n < 5000000; n++) {
		if (!dcs_kernel_step(v->w->k, v->horizon)) {
			dcs_viz_advance(v, dcs_time_to_s(v->horizon));
			break;
		}
		dcs_tap_poll(v->tap);
		dcs_time_t now = dcs_now(v->w->k);
		if (now > v->t)
			v->t = v->m->now = now;
	}
	return dcs_time_to_s(v->t);
}

int dcs_viz_restart(struct dcs_viz *v)
{
	close_source(v);
	return open_source(v);
}

double dcs_viz_time(const struct dcs_viz *v)
{
	return dcs_time_to_s(v->t);
}

bool dcs_viz_finished(const struct dcs_viz *v)
{
	return v->finished;
}

void dcs_viz_set_pointer(struct dcs_viz *v, int x, int y)
{
	v->view.mouse_x = x;
	v->view.mouse_y = y;
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
	if (v->o.width <= 0 || v->o.height <= 0)
		v->o.width = 1280, v->o.height = 720;
	if (vz_fonts_open(&v->fonts, err) != 0)
		goto fail;
	v->m = vz_model_create(scn);
	if (!v->m || vz_layout_init(&v->L, scn) != 0) {
		fprintf(err, "dcisim view: error: out of memory\n");
		goto fail;
	}
	v->sink = vz_model_sink(v->m);
	if (o->replay_path) {
		v->rd = dcs_trace_load(o->replay_path, err);
		if (!v->rd || !trace_matches(v))
			goto fail;
		/* The replay ends where the run did (--until, an interrupt). */
		v->horizon = dcs_trace_end(v->rd, NULL);
		if (v->horizon <= 0)
			v->horizon = dcs_trace_horizon(v->rd);
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
	vz_layout_compute(&v->L, scn, v->o.width, v->o.height);
	v->view = (struct vz_view){
	    .scn = scn, .m = v->m, .mouse_x = -1, .mouse_y = -1, .title = scn->name};
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
	vz_fonts_close(&v->fonts);
	free(v);
}

static void fill_view(struct dcs_viz *v)
{
	v->view.t = v->t;
	v->view.horizon = v->horizon;
	v->view.speed = v->speed;
	v->view.paused = v->paused;
	v->view.finished = v->finished;
	v->view.replay = v->rd != NULL;
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

/* ---------------------------------------------------------------- window */

static int parse_keys(const char *s, struct key_ev **out, int *n, FILE *err)
{
	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	static const struct {
		const char *name;
		SDL_Keycode key;
	} names[] = {{"space", SDLK_SPACE},   {"plus", SDLK_PLUS}, {"minus", SDLK_MINUS},
		     {"right", SDLK_RIGHT},   {"r", SDLK_r},       {"q", SDLK_q},
		     {"escape", SDLK_ESCAPE}, {"+", SDLK_PLUS},    {"-", SDLK_MINUS}};
	const char *p = s;
	while (*p) {
		char *e;
		long frame = strtol(p, &e, 10);
		if (e == p || *e != ':' || frame < 0)
			goto bad;
		p = e + 1;
		size_t len = strcspn(p, ",");
		SDL_Keycode key = SDLK_UNKNOWN;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && !strncmp(p, names[i].name, len))
				key = names[i].key;
		if (key == SDLK_UNKNOWN)
			goto bad;
		struct key_ev *k = realloc(*out, (size_t)(*n + 1) * sizeof(*k));
		if (!k)
			goto bad;
		*out = k;
		k[(*n)++] = (struct key_ev){frame, key};
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
bad:
	fprintf(err,
		"dcisim view: error: --keys wants FRAME:KEY,... with KEY one of space plus "
		"minus right r q escape, not '%s'\n",
		s);
	free(*out);
	*out = NULL;
	return -1;
}

/* Returns true to quit. */
static bool on_key(struct dcs_viz *v, SDL_Keycode k)
{
	switch (k) {
	case SDLK_q:
	case SDLK_ESCAPE:
		return true;
	case SDLK_SPACE:
		v->paused = !v->paused;
		break;
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS:
		if (v->speed < 1e6)
			v->speed *= 2;
		break;
	case SDLK_MINUS:
	case SDLK_KP_MINUS:
		if (v->speed > 1.0 / 1024)
			v->speed /= 2;
		break;
	case SDLK_RIGHT:
		v->paused = true;
		dcs_viz_step(v);
		break;
	case SDLK_r:
		if (dcs_viz_restart(v) != 0)
			return true;
		break;
	default:
		break;
	}
	return false;
}

static int run_window(struct dcs_viz *v, FILE *err)
{
	struct key_ev *keys;
	int n_keys;
	if (parse_keys(v->o.keys, &keys, &n_keys, err) != 0)
		return 2;
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
		fprintf(err,
			"dcisim view: error: cannot open a window: %s\n"
			"  (no display? `dcisim view --snapshot T FILE.bmp` draws without one)\n",
			SDL_GetError());
		free(keys);
		return 3;
	}
	char title[256];
	snprintf(title, sizeof(title), "dcisim view \xe2\x80\x94 %s", v->scn->name);
	/* The window replaces the off-screen image. */
	SDL_DestroyRenderer(v->R);
	v->R = NULL;
	v->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, v->o.width,
				  v->o.height, SDL_WINDOW_RESIZABLE);
	if (v->win)
		v->R = SDL_CreateRenderer(v->win, -1, SDL_RENDERER_PRESENTVSYNC);
	if (v->win && !v->R)
		v->R = SDL_CreateRenderer(v->win, -1, SDL_RENDERER_SOFTWARE);
	if (!v->win || !v->R) {
		fprintf(err, "dcisim view: error: cannot open a window: %s\n", SDL_GetError());
		free(keys);
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return 3;
	}
	SDL_FreeSurface(v->surf);
	v->surf = NULL;
	Uint64 freq = SDL_GetPerformanceFrequency(), last = SDL_GetPerformanceCounter();
	bool quit = false;
	long frame = 0;
	while (!quit) {
		for (int i = 0; i < n_keys; i++) {
			if (keys[i].frame != frame)
				continue;
			SDL_Event e = {0};
			e.type = SDL_KEYDOWN;
			e.key.windowID = SDL_GetWindowID(v->win);
			e.key.state = SDL_PRESSED;
			e.key.keysym.sym = keys[i].key;
			SDL_PushEvent(&e);
		}
		SDL_Event e;
		while (SDL_PollEvent(&e)) {
			if (e.type == SDL_QUIT)
				quit = true;
			else if (e.type == SDL_KEYDOWN)
				quit |= on_key(v, e.key.keysym.sym);
			else if (e.type == SDL_MOUSEMOTION)
				v->view.mouse_x = e.motion.x, v->view.mouse_y = e.motion.y;
			else if (e.type == SDL_WINDOWEVENT &&
				 e.window.event == SDL_WINDOWEVENT_LEAVE)
				v->view.mouse_x = v->view.mouse_y = -1;
		}
		Uint64 now = SDL_GetPerformanceCounter();
		double dt = (double)(now - last) / (double)freq;
		last = now;
		if (dt > 0.25)
			dt = 0.25; /* a stall (window drag, breakpoint) is not a leap */
		if (!quit && !v->paused && !v->finished &&
		    dcs_viz_advance(v, dcs_time_to_s(v->t) + v->speed * dt) != 0)
			quit = true;
		dcs_viz_render(v);
		frame++;
		Uint64 spent = SDL_GetPerformanceCounter() - now;
		double ms = 1000.0 * (double)spent / (double)freq;
		if (ms < 15)
			SDL_Delay((Uint32)(16 - ms));
	}
	if (v->o.verbosity >= 0)
		printf("dcisim view: quit at %.3f s simulated after %ld frames%s\n",
		       dcs_time_to_s(v->t), frame, v->finished ? " (run finished)" : "");
	free(keys);
	SDL_DestroyRenderer(v->R);
	v->R = NULL;
	SDL_DestroyWindow(v->win);
	v->win = NULL;
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	return 0;
}

int dcs_viz_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err)
{
	if (SDL_Init(0) != 0) {
		fprintf(err, "dcisim view: error: SDL: %s\n", SDL_GetError());
		return 3;
	}
	struct dcs_viz *v = dcs_viz_create(scn, o, err);
	int code = 3;
	if (!v)
		goto out;
	if (o->snapshot_s >= 0) {
		if (dcs_viz_advance(v, o->snapshot_s) != 0 || dcs_viz_render(v) != 0 ||
		    dcs_viz_save_bmp(v, o->snapshot_path, err) != 0)
			goto out;
		if (o->verbosity >= 0)
			fprintf(err, "dcisim view: %s at %.3f s: %dx%d image in %s\n", scn->name,
				dcs_viz_time(v), v->o.width, v->o.height, o->snapshot_path);
		code = 0;
		goto out;
	}
	code = run_window(v, err);
out:
	dcs_viz_destroy(v);
	SDL_Quit();
	return code;
}
