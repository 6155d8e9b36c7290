/*
 * The viewer's window (include/dcisim/viz.h): keys, mouse, the frame loop
 * that advances time by speed x wall time, and dcs_viz_main().
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

struct key_ev {
	long frame;
	SDL_Keycode key;
};

/* ---------------------------------------------------------------- window */

static const struct {
	const char *name;
	SDL_Keycode key;
} key_names[] = {{"space", SDLK_SPACE},   {"plus", SDLK_PLUS},     {"minus", SDLK_MINUS},
		 {"right", SDLK_RIGHT},   {"left", SDLK_LEFT},     {"home", SDLK_HOME},
		 {"end", SDLK_END},       {"[", SDLK_LEFTBRACKET}, {"]", SDLK_RIGHTBRACKET},
		 {"c", SDLK_c},           {"r", SDLK_r},           {"q", SDLK_q},
		 {"escape", SDLK_ESCAPE}, {"+", SDLK_PLUS},        {"-", SDLK_MINUS}};

static int parse_keys(const char *s, struct key_ev **out, int *n, FILE *err)
{
	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	const char *p = s;
	while (*p) {
		char *e;
		long frame = strtol(p, &e, 10);
		if (e == p || *e != ':' || frame < 0)
			goto bad;
		p = e + 1;
		size_t len = strcspn(p, ",");
		SDL_Keycode key = SDLK_UNKNOWN;
		for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
			if (strlen(key_names[i].name) == len && !strncmp(p, key_names[i].name, len))
				key = key_names[i].key;
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
		"minus right left home end [ ] c r q escape, not '%s'\n",
		s);
	free(*out);
	*out = NULL;
	return -1;
}

/* Returns true to quit. */
static bool on_key(struct dcs_viz *v, SDL_Keycode k)
{
	int rc = 0;
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
	case SDLK_LEFT:
		v->paused = true;
		dcs_viz_step_back(v);
		break;
	case SDLK_HOME:
		rc = vz_show(v, 0);
		break;
	case SDLK_END:
		rc = vz_show(v, v->horizon);
		break;
	case SDLK_LEFTBRACKET:
		rc = vz_show(v, v->t - 10 * DCS_NS_PER_S);
		break;
	case SDLK_RIGHTBRACKET:
		rc = vz_show(v, v->t + 10 * DCS_NS_PER_S);
		break;
	case SDLK_c:
		v->view.captions = !v->view.captions;
		break;
	case SDLK_r:
		rc = dcs_viz_restart(v);
		break;
	default:
		break;
	}
	return rc != 0;
}

/* A press on the timeline seeks there, and dragging scrubs. */
static bool on_mouse(struct dcs_viz *v, const SDL_Event *e)
{
	if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT) {
		dcs_time_t t = vz_timeline_time(v, e->button.x, e->button.y, false);
		if (t >= 0) {
			v->dragging = true;
			return vz_show(v, t) != 0;
		}
	} else if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT) {
		v->dragging = false;
	} else if (e->type == SDL_MOUSEMOTION && v->dragging) {
		return vz_show(v, vz_timeline_time(v, e->motion.x, e->motion.y, true)) != 0;
	}
	return false;
}

/* One window event; true to quit. */
static bool on_event(struct dcs_viz *v, const SDL_Event *e)
{
	switch (e->type) {
	case SDL_QUIT:
		return true;
	case SDL_KEYDOWN:
		return on_key(v, e->key.keysym.sym);
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		return on_mouse(v, e);
	case SDL_MOUSEMOTION:
		v->view.mouse_x = e->motion.x;
		v->view.mouse_y = e->motion.y;
		return on_mouse(v, e);
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_LEAVE)
			v->view.mouse_x = v->view.mouse_y = -1;
		return false;
	default:
		return false;
	}
}

static int run_window(struct dcs_viz *v, FILE *err)
{
	struct key_ev *keys;
	int n_keys;
	if (parse_keys(v->o.keys, &keys, &n_keys, err) != 0)
		return DCS_EXIT_USAGE;
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
		fprintf(err,
			"dcisim view: error: cannot open a window: %s\n"
			"  (no display? `dcisim view --snapshot T FILE.bmp` draws without one)\n",
			SDL_GetError());
		free(keys);
		return DCS_EXIT_RUNTIME;
	}
	/* With no display SDL falls back to a driver that draws nowhere; a
	 * window nobody sees is no use unless asked for by name. */
	const char *drv = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");
	if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
	    !(asked && !strcmp(asked, drv))) {
		fprintf(err,
			"dcisim view: error: no display to open a window on (SDL fell back to its "
			"'%s' driver; is DISPLAY or WAYLAND_DISPLAY set?)\n"
			"  without a display: `dcisim view SCENARIO --snapshot SECONDS FILE.png` "
			"draws one image,\n"
			"  `dcisim run SCENARIO --trace T && dcisim view --replay T --frames DIR` "
			"draws frames for a video\n",
			drv);
		free(keys);
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return DCS_EXIT_USAGE;
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
		return DCS_EXIT_RUNTIME;
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
		while (SDL_PollEvent(&e))
			quit |= on_event(v, &e);
		Uint64 now = SDL_GetPerformanceCounter();
		double dt = (double)(now - last) / (double)freq;
		last = now;
		if (dt > 0.25)
			dt = 0.25; /* a stall (window drag, breakpoint) is not a leap */
		if (!quit && !v->paused && !v->finished && !v->dragging &&
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
	return DCS_EXIT_OK;
}

int dcs_viz_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err)
{
	if (SDL_Init(0) != 0) {
		fprintf(err, "dcisim view: error: SDL: %s\n", SDL_GetError());
		return DCS_EXIT_RUNTIME;
	}
	struct dcs_viz *v = dcs_viz_create(scn, o, err);
	int code = DCS_EXIT_RUNTIME;
	if (!v)
		goto out;
	if (o->frames_dir) {
		int n = dcs_viz_frames(v, o->frames_dir, o->frames_format, o->fps > 0 ? o->fps : 10,
				       o->from_s, o->to_s, err);
		if (n < 0)
			goto out;
		if (o->verbosity >= 0)
			fprintf(err,
				"dcisim view: %s: %d frames of %dx%d at %.4g per second in %s/ "
				"(%.4g s to %.4g s simulated)\n",
				scn->name, n, v->o.width, v->o.height, o->fps > 0 ? o->fps : 10,
				o->frames_dir, o->from_s > 0 ? o->from_s : 0, dcs_viz_time(v));
		code = DCS_EXIT_OK;
		goto out;
	}
	if (o->snapshot_s >= 0) {
		if (dcs_viz_advance(v, o->snapshot_s) != 0 || dcs_viz_render(v) != 0 ||
		    vz_save_image(v, o->snapshot_path, o->snapshot_path, err) != 0)
			goto out;
		if (o->verbosity >= 0)
			fprintf(err, "dcisim view: %s at %.3f s: %dx%d image in %s\n", scn->name,
				dcs_viz_time(v), v->o.width, v->o.height, o->snapshot_path);
		code = DCS_EXIT_OK;
		goto out;
	}
	code = run_window(v, err);
out:
	dcs_viz_destroy(v);
	SDL_Quit();
	return code;
}
