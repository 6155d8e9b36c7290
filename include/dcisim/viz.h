/*
 * dcisim viewer (viz/, built only with SDL2 and SDL2_ttf): a live topology
 * view of a run, or a replay of a trace from `dcisim run --trace`.
 *
 * Contract: the viewer only observes.  It watches a world through a tap
 * (include/dcisim/trace.h) and never changes the simulation, so a run shown
 * by the viewer gives the same CSVs as `dcisim run`.  Text comes from a
 * TrueType font found at run time (DCISIM_FONT, else DejaVu Sans from the
 * Debian package fonts-dejavu-core); without it the viewer says so and fails.
 * A build without SDL2 links viz/stub/viz_none.c instead: dcs_viz_available() is
 * false there, and every other entry point fails politely (NULL, -1), so
 * callers and tests need no #ifdef.
 *
 * The window: sites at their x/y, links thick by capacity and coloured by
 * utilisation (DCS_VIZ_HOT at 90 % and more), a cut link drawn broken, VMs at
 * their site, each migration as a marker crossing its link with its round and
 * progress, client paths as arrows (red while tromboning), cluster nodes,
 * storage arrays, a clock and the events.csv log; captions name the phase
 * under way (pre-copy round k, stop-and-copy, switchover, trombone,
 * converged, a cut, a cluster incident) and a timeline shows the phases and
 * events of the whole run.  Keys: space pause, + and - speed, Right and Left
 * step to the next and previous event, [ and ] jump 10 s back and forth,
 * Home and End, c captions, r restart, q quit; a click on the timeline
 * jumps there; the mouse over a link or a VM shows its figures.
 *
 * Time goes both ways: the view at t is the same however t was reached
 * (played, stepped, sought backwards or forwards), for a replay and for a
 * live run alike; a live run's world only runs forwards, and is finished,
 * with its CSVs written, the first time the view reaches the horizon.
 */
#ifndef DCISIM_VIZ_H
#define DCISIM_VIZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dcisim/scenario.h"

struct dcs_world;

/* Colours (RGB) tests look for in rendered images. */
#define DCS_VIZ_BG_RGB   0xF7F7F2 /* background */
#define DCS_VIZ_SITE_RGB 0x2A6FB5 /* a site that is up (marker fill) */
#define DCS_VIZ_DOWN_RGB 0x8C8C8C /* a site that is down */
#define DCS_VIZ_HOT_RGB  0xD7261E /* a link at >= 90 % utilisation */
#define DCS_VIZ_CUT_RGB  0x5A5A5A /* the two stubs of a cut link */
#define DCS_VIZ_TIP_RGB  0xFFFFF0 /* a tooltip's background */

struct dcs_viz_opts {
	const char *scenario_path; /* as given (file or bundled name), for titles */
	const char *replay_path;   /* a trace to replay, or NULL to run live */
	double speed;              /* simulated seconds per wall second (> 0) */
	double snapshot_s;         /* < 0: open a window; else render this time */
	const char *snapshot_path; /* BMP written by a snapshot */
	int width, height;         /* window or image size in pixels */
	const char *out_dir;       /* live: write the CSVs there when the run ends */
	const char *keys;          /* test hook: "FRAME:KEY,..." synthetic key presses */
	const char *frames_dir;    /* write numbered frames there, no window */
	const char *frames_format; /* "png" (NULL: the default) or "bmp" */
	double fps;                /* frames per second of video (default 10) */
	double from_s, to_s;       /* frames: simulated span (to_s < 0: the end) */
	bool seed_set;
	uint64_t seed;
	int verbosity;
};

/* True when this build has the viewer. */
bool dcs_viz_available(void);
/* How to get the viewer, for messages. */
extern const char dcs_viz_howto[];
/* Its text in a build without SDL2 (viz/stub, and sim/app's module loader). */
#define DCS_VIZ_HOWTO_TEXT                                                                    \
	"this dcisim was built without the viewer (SDL2, SDL2_ttf and libpng were\n"            \
	"not found, or it was configured with -DDCISIM_VIEWER=OFF).\n"                          \
	"To get it on Debian or Ubuntu:\n"                                                      \
	"  apt-get install libsdl2-dev libsdl2-ttf-dev libpng-dev fonts-dejavu-core\n"          \
	"then configure and build again (cmake -S . -B build && cmake --build build).\n"        \
	"Everything else works without it; `dcisim run --trace FILE` records a trace\n"         \
	"that a build with the viewer can replay.\n"

/* `dcisim view` once its options are parsed: opens the window (or renders
 * the snapshot) for scn, which the caller owns.  Returns an exit code. */
int dcs_viz_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err);

/* The viewer without a window, for snapshots and tests.  A viz draws into an
 * off-screen image of o->width x o->height with the software renderer. */
struct dcs_viz;
struct dcs_viz *dcs_viz_create(const struct dcs_scenario *scn, const struct dcs_viz_opts *o,
			       FILE *err);
void dcs_viz_destroy(struct dcs_viz *v);
/* Runs (or replays) to simulated time t, as the window would show it; at the
 * horizon the run is finished (summary rows, --out CSVs).  0, or -1. */
int dcs_viz_advance(struct dcs_viz *v, double t_s);
/* Steps to the next notable event (an events.csv row or a state change);
 * returns the new time in seconds. */
double dcs_viz_step(struct dcs_viz *v);
/* Shows simulated time t, before or after the current time; 0, or -1. */
int dcs_viz_seek(struct dcs_viz *v, double t_s);
/* Steps back to the previous notable event (the time dcs_viz_step() would
 * have stopped at); returns the new time in seconds. */
double dcs_viz_step_back(struct dcs_viz *v);
/* Starts again from time 0 (the r key): a live run with a new world. */
int dcs_viz_restart(struct dcs_viz *v);
double dcs_viz_time(const struct dcs_viz *v);
/* Where the view ends: the horizon, or where the replayed run stopped. */
double dcs_viz_end(const struct dcs_viz *v);
bool dcs_viz_finished(const struct dcs_viz *v);
/* The captions of the current time, most telling first (a readable
 * sentence each, naming the phase: "web01 -> dc2: pre-copy round 1 ...");
 * the count refreshes them. */
int dcs_viz_caption_count(struct dcs_viz *v);
const char *dcs_viz_caption(const struct dcs_viz *v, int i);
/* A click at (x, y): on the timeline it shows the time under it and
 * returns it in seconds; elsewhere -1.  dcs_viz_timeline_xy() is the point
 * of the timeline for time t in the layout of the last render. */
double dcs_viz_click(struct dcs_viz *v, int x, int y);
void dcs_viz_timeline_xy(const struct dcs_viz *v, double t_s, int *x, int *y);
/* Renders frames numbered from 0 into dir as frame-NNNNNN.png (format
 * "png" or NULL) or .bmp ("bmp"), frame i at from_s + i * speed / fps
 * (speed: the opts' simulated seconds per second of video) up to to_s
 * (< 0: the end).  The number of frames, or -1. */
int dcs_viz_frames(struct dcs_viz *v, const char *dir, const char *format, double fps,
		   double from_s, double to_s, FILE *err);
/* Draws the current view; 0, or -1. */
int dcs_viz_render(struct dcs_viz *v);
int dcs_viz_save_bmp(struct dcs_viz *v, const char *path, FILE *err);
/* The same as an 8-bit RGB PNG, written without a library (viz/png.c). */
int dcs_viz_save_png(struct dcs_viz *v, const char *path, FILE *err);
/* The rendered pixel at (x, y) as 0xRRGGBB, or -1 outside the image. */
long dcs_viz_pixel(const struct dcs_viz *v, int x, int y);
/* Where things are drawn in the layout of the last render (before the first,
 * of the image size asked for), in pixels. */
void dcs_viz_site_xy(const struct dcs_viz *v, int site, int *x, int *y);
/* A point at fraction f (0 at end a, 1 at end b) along the drawn link. */
void dcs_viz_link_xy(const struct dcs_viz *v, int link, double f, int *x, int *y);
/* Where the mouse pointer is, in pixels (-1, -1: outside); the next render
 * shows the tooltip of what lies under it. */
void dcs_viz_set_pointer(struct dcs_viz *v, int x, int y);
/* The live run's world (NULL when replaying), for tests to inspect. */
struct dcs_world *dcs_viz_world(struct dcs_viz *v);
/* Event-log lines so far (readable sentences), newest last. */
int dcs_viz_log_count(const struct dcs_viz *v);
const char *dcs_viz_log_line(const struct dcs_viz *v, int i);

#endif
