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
/* The tone of an events.csv kind or cluster.csv event: the severity its
 * producer declares (include/dcisim/metrics.h). */
enum vz_tone vz_tone_of(const char *file, const char *kind);

/* The tables the view reads, and the columns it uses (SPEC §3). */
enum vz_tab {
	VZ_TAB_OTHER,
	VZ_TAB_EVENTS,     /* time_s, kind, entity, detail */
	VZ_TAB_ROUNDS,     /* vm, round, start_s, end_s, bytes, dirty_bytes_at_end */
	VZ_TAB_MIGRATIONS, /* vm, from, to, total_s, downtime_ms, rounds, bytes_sent, outcome */
	VZ_TAB_PATHS,      /* time_s, service, client_site, serving_site, ingress_site, egress_site,
			      rtt_ms, state */
	VZ_TAB_CLUSTER,    /* time_s, cluster, event, node, site, detail */
	VZ_TAB_STORAGE,    /* site, op, count, mean_ms, p99_ms, phase, time_s (storage.csv
			      at the end, storage_series.csv every sample) */
};
#define VZ_MAXCOL 10

/* Column roles, per table: the index into vz_table.col. */
enum { EV_TIME, EV_KIND, EV_ENTITY, EV_DETAIL };
enum { RD_VM, RD_ROUND, RD_START, RD_END, RD_BYTES, RD_DIRTY, RD_PHASE };
enum {
	MG_VM,
	MG_FROM,
	MG_TO,
	MG_TOTAL,
	MG_DOWNTIME,
	MG_ROUNDS,
	MG_BYTES,
	MG_OUTCOME,
	MG_START,
	MG_END
};
enum { PA_TIME, PA_SERVICE, PA_CLIENT, PA_SERVING, PA_INGRESS, PA_EGRESS, PA_RTT, PA_STATE };
enum { CL_TIME, CL_CLUSTER, CL_EVENT, CL_NODE, CL_SITE, CL_DETAIL };
enum { ST_SITE, ST_OP, ST_COUNT, ST_MEAN, ST_P99, ST_PHASE, ST_TIME };

struct vz_table {
	enum vz_tab kind;
	int col[VZ_MAXCOL]; /* column index of each role, -1 when absent */
};

/* What a table declaration says: its kind and where each role's column is. */
void vz_table_resolve(struct vz_table *tb, const char *file, size_t ncols, const char *const *cols);
/* The cell of a role, NULL when the table has no such column. */
const char *vz_cell(const struct vz_table *tb, const char *const *cells, int role);
/* Case-insensitive substring (NULL s: false); a number, NAN when empty or not one. */
bool vz_has(const char *s, const char *word);
/* paths.csv's state column as a number: VZ_PATH_OPTIMAL, _TROMBONE, _UNREACH, _DOWN. */
enum { VZ_PATH_OPTIMAL, VZ_PATH_TROMBONE, VZ_PATH_UNREACH, VZ_PATH_DOWN };
int vz_path_state(const char *s);
double vz_num(const char *s);

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
	int state; /* VZ_PATH_* */
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
	bool have[2];  /* read, write */
	bool none[2];  /* no I/O of the op completed in the last interval */
	bool interval; /* figures of the last output.sample_s, not of the whole run */
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
int vz_service_index(const struct dcs_scenario *scn, const char *s);
int vz_cluster_index(const struct dcs_scenario *scn, const char *s);

/* The story (story.c): the phases of the run at the exact times its rows
 * carry, for captions and the timeline.  Phases are ordered: on the
 * timeline a pixel shows the strongest phase of its lane. */
enum vz_phase {
	VZ_PH_NONE,
	/* migrations (lane 0) */
	VZ_PH_PRECOPY,
	VZ_PH_STOPCOPY, /* on the timeline: all of the downtime */
	VZ_PH_SWITCHOVER,
	VZ_PH_MOVED,
	VZ_PH_FAILED,
	VZ_PH_SUMMARY, /* several migrations at once */
	/* the network and services (lane 1) */
	VZ_PH_CONVERGED,
	VZ_PH_CLUSTER,
	VZ_PH_DEGRADED,
	VZ_PH_TROMBONE,
	VZ_PH_UNREACH,
	VZ_PH_CUT,
	VZ_PH_OUTAGE, /* a cluster's outage or split brain (often the cut's effect) */
	VZ_PH_COUNT
};
struct vz_caption {
	enum vz_phase phase;
	enum vz_tone tone;
	char text[240];
};
#define VZ_MAXCAPS 12
struct vz_story;
struct vz_story *vz_story_create(const struct dcs_scenario *scn);
void vz_story_destroy(struct vz_story *st);
void vz_story_reset(struct vz_story *st);
struct dcs_obs_sink vz_story_sink(struct vz_story *st);
bool vz_story_ok(const struct vz_story *st);
/* The captions at t, most telling first: migrations, cut or degraded
 * links, cluster incidents, client paths.  m, the view model at t in a live
 * run (else NULL), supplies what the rows do not say yet: a round under way
 * has no row before it ends. */
int vz_captions(const struct vz_story *st, const struct vz_model *m, dcs_time_t t,
		dcs_time_t horizon, struct vz_caption *out, int max);
/* The timeline of [0, horizon] over w pixels: per pixel the strongest
 * migration phase, the strongest network/service phase, and the tone of
 * the most serious events.csv row there (-1: none).  Phases still open end
 * at `known`. */
void vz_story_paint(const struct vz_story *st, dcs_time_t horizon, dcs_time_t known, int w,
		    unsigned char *lane_mig, unsigned char *lane_net, signed char *tick);

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
	SDL_Rect timeline;            /* the whole run, under the strip */
	SDL_Rect tl_bar;              /* its time axis: x = tl_bar.x + t / horizon * tl_bar.w */
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
	const struct vz_story *story;
	const struct vz_caption *caps; /* at t */
	int n_caps;
	dcs_time_t t, horizon;
	dcs_time_t known; /* records exist up to here (live: what has run) */
	double speed;
	bool paused, finished, replay;
	bool captions; /* shown (the c key) */
	const char *title;
	int mouse_x, mouse_y; /* -1 when outside */
};

int vz_layout_init(struct vz_layout *L, const struct dcs_scenario *scn);
void vz_layout_free(struct vz_layout *L);
void vz_layout_compute(struct vz_layout *L, const struct dcs_scenario *scn, int W, int H);
void vz_draw(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L, const struct vz_view *v);
/* Writes a 32-bit surface as an 8-bit RGB PNG (png.c); 0, or -1. */
int vz_save_png(SDL_Surface *s, const char *path);

#endif
