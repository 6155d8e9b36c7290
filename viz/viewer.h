/*
 * The viewer object (internal to viz/): its clock, sources, drawing state
 * and window, shared by app.c (the object: sources, time, rendering), frames.c
 * (numbered frames for a video) and window.c (the interactive window).
 */
#ifndef DCISIM_VIZ_VIEWER_H
#define DCISIM_VIZ_VIEWER_H

#include "dcisim/trace.h"
#include "dcisim/viz.h"
#include "dcisim/world.h"
#include "viz_internal.h"

struct key_ev;

struct dcs_viz {
	const struct dcs_scenario *scn;
	struct dcs_viz_opts o;
	FILE *err;
	uint64_t seed;
	/* the records: a trace file, or the live run's, kept in memory */
	struct dcs_trace_reader *rd;
	bool live;
	struct dcs_world *w; /* live */
	struct dcs_tap *tap;
	dcs_time_t ran;  /* live: how far the world has run */
	bool world_done; /* live: finished at its horizon */
	/* what is shown: the model fed the records up to t */
	struct vz_model *m;
	struct dcs_obs_sink sink; /* the model's, through on_* below */
	struct dcs_obs_sink model_sink;
	struct vz_story *story;
	size_t story_pos;  /* records the story has read */
	dcs_time_t *marks; /* record times where the model saw something notable */
	size_t n_marks, cap_marks;
	dcs_time_t t, horizon, step;
	bool finished;
	struct vz_caption caps[VZ_MAXCAPS];
	int n_caps;
	/* drawing */
	SDL_Surface *surf; /* off-screen target (snapshots, frames, tests) */
	SDL_Window *win;
	SDL_Renderer *R;
	struct vz_fonts fonts;
	struct vz_layout L;
	struct vz_view view;
	bool paused, dragging;
	double speed;
};

/* Shows time t: the model fed the records up to t, the view filled; 0, or
 * -1 after an error said on v->err. */
int vz_show(struct dcs_viz *v, dcs_time_t t);
/* Simulated seconds as a time on the run's clock (clamped to the run). */
dcs_time_t vz_time_of(const struct dcs_viz *v, double t_s);
/* The time under a pointer on the timeline, or -1 off it. */
dcs_time_t vz_timeline_time(const struct dcs_viz *v, int x, int y, bool clamp);
/* Renders the view at the current time into an image file (PNG or BMP by
 * name). */
int vz_save_image(struct dcs_viz *v, const char *path, const char *name, FILE *err);

#endif
