/*
 * Inside the viewer: the view model (what is known about the run, built from
 * observation records only), the fonts, and the drawing.
 *
 * model.c turns records (trace.h: table rows, link samples, bus notes) into
 * the state drawn: it never sees the world, so a live run and a replayed
 * trace look the same.  draw.c draws a model with an SDL renderer into a
 * layout computed from the scenario and the target size.  app.c owns the
 * window, the clock and the keys.
 */
#ifndef DCISIM_VIZ_INTERNAL_H
#define DCISIM_VIZ_INTERNAL_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

#include "dcisim/scenario.h"
#include "dcisim/time.h"
#include "dcisim/trace.h"

/* Tones for text and markers. */
enum vz_tone { VZ_NORMAL, VZ_GOOD, VZ_WARN, VZ_BAD, VZ_DIM };

/* The tables the view reads, and the columns it uses (SPEC §3). */
enum vz_tab {
	VZ_TAB_OTHER,
	VZ_TAB_EVENTS,     /* time_s, kind, entity, detail */
	VZ_TAB_ROUNDS,     /* vm, round, start_s, end_s, bytes, dirty_bytes_at_end */
	VZ_TAB_MIGRATIONS, /* vm, from, to, total_s, downtime_ms, rounds, bytes_sent, outcome */
	VZ_TAB_PATHS,      /* time_s, service, client_site, serving_site, ingress_site, egress_site,
			      rtt_ms, state */
	VZ_TAB_CLUSTER,    /* time_s, cluster, event, node, site, detail */
	VZ_TAB_STORAGE,    /* site, op, count, mean_ms, p99_ms */
};
#define VZ_MAXCOL 8

struct vz_table {
	enum vz_tab kind;
	int col[VZ_MAXCOL]; /* column index of each role, -1 when absent */
};

struct vz_link {
	struct dcs_obs_link s;
	double util; /* wire utilisation of the busier direction, 0..1 */
};

/* A migration as seen: started by an events.csv row or its first round,
 * ended by its migrations.csv row or the VM's move. */
struct vz_mig {
	bool active;
	int from, to;  /* sites */
	int link, dir; /* the direct link carrying it, or -1 */
	int round;     /* round in progress, 0 = the full copy */
	double expect; /* bytes this round sends (memory, then the dirty set) */
	double est;    /* bytes of this round estimated sent by t_est */
	dcs_time_t t_est;
	double share; /* its share of the link's rate now, bytes/s */
	double sent;  /* bytes of completed rounds */
	dcs_time_t started;
	char phase[40];     /* pre-copy, stop-and-copy, stun, stalled */
	dcs_time_t done_at; /* when the last migration of this VM ended, or -1 */
	char result[112];
	enum vz_tone result_tone;
};

struct vz_path {
	bool valid;
	int client, serving, ingress, egress; /* sites, -1 unknown */
	double rtt_ms;
	int state; /* 0 optimal, 1 trombone, 2 unreachable */
};

struct vz_node {
	char state[40];
	enum vz_tone tone;
	bool down;
	bool service;
};

struct vz_cluster {
	char status[96]; /* outage or split brain, while it lasts */
	enum vz_tone tone;
};

struct vz_store {
	bool have[2]; /* read, write */
	double mean_ms[2], p99_ms[2];
};

struct vz_line {
	dcs_time_t t;
	enum vz_tone tone;
	char *text;
};

struct vz_model {
	const struct dcs_scenario *scn;
	dcs_time_t now;
	struct vz_table *tabs;
	int n_tabs;
	struct vz_link *links;
	bool *site_up;
	int *vm_site;
	struct vz_mig *mig;
	struct vz_path *paths; /* n_services x n_sites, by client site */
	struct vz_node **nodes;
	struct vz_cluster *clusters;
	bool *array_up;   /* per site */
	bool *witness_up; /* per site */
	struct vz_store *store;
	struct vz_line *log;
	int log_n, log_cap;
	uint64_t notable; /* events rows and state notes seen: the step key waits for a change */
	bool finished;
};

struct vz_model *vz_model_create(const struct dcs_scenario *scn);
void vz_model_destroy(struct vz_model *m);
void vz_model_reset(struct vz_model *m);
/* The sink that feeds the model. */
struct dcs_obs_sink vz_model_sink(struct vz_model *m);
/* Bytes of the current round estimated sent at time t. */
double vz_mig_round_bytes(const struct vz_model *m, int vm, dcs_time_t t);
/* A route between sites over the links up now, lowest propagation first, as
 * the network picks (for drawing only: the network's own choice may differ
 * on ties).  Fills links[0..h-1] and sites[0..h]; returns h, or -1. */
int vz_route(const struct vz_model *m, int a, int b, int *links, int *sites, int max);
int vz_site_index(const struct dcs_scenario *scn, const char *s);
int vz_vm_index(const struct dcs_scenario *scn, const char *s);

/* Fonts: small, normal, bold. */
enum { VZ_FONT_SMALL, VZ_FONT_NORMAL, VZ_FONT_BOLD, VZ_FONT_BIG, VZ_NFONTS };
struct vz_fonts {
	TTF_Font *f[VZ_NFONTS];
	bool ttf; /* holds a TTF_Init() reference */
};
/* Opens DCISIM_FONT or DejaVu Sans; 0, or -1 with a message on err. */
int vz_fonts_open(struct vz_fonts *fo, FILE *err);
void vz_fonts_close(struct vz_fonts *fo);

/* Geometry of one frame. */
struct vz_seg {
	float ax, ay, bx, by;
	float thick;
};
struct vz_hit {
	SDL_Rect r;
	int kind; /* 1 vm, 2 site, 3 migration marker */
	int index;
};
#define VZ_MAXHITS 512
struct vz_layout {
	int W, H;
	SDL_Rect bar, map, panel, strip;
	double scale, cx, cy, mx, my; /* screen = c + (world - m) * scale, y flipped */
	float gx, gy;                 /* the sites' centroid on screen */
	int *site_x, *site_y;
	struct vz_seg *link;
	struct vz_hit hits[VZ_MAXHITS];
	int n_hits;
	int site_r;
};

struct vz_view {
	const struct dcs_scenario *scn;
	const struct vz_model *m;
	dcs_time_t t, horizon;
	double speed;
	bool paused, finished, replay;
	const char *title;
	int mouse_x, mouse_y; /* -1 when outside */
};

int vz_layout_init(struct vz_layout *L, const struct dcs_scenario *scn);
void vz_layout_free(struct vz_layout *L);
void vz_layout_compute(struct vz_layout *L, const struct dcs_scenario *scn, int W, int H);
void vz_draw(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L, const struct vz_view *v);

#endif
