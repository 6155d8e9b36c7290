/*
 * The story of a run (internal to viz/): what story.c reads from the
 * records, for captions.c (the captions at a time) and story_paint.c (the
 * timeline's lanes).  The contract is in viz_internal.h.
 */
#ifndef DCISIM_VIZ_STORY_H
#define DCISIM_VIZ_STORY_H

#include "viz_internal.h"

#define GIB 1073741824.0
#define MIB 1048576.0

struct st_round {
	dcs_time_t t0, t1;
	int round;
	bool stop; /* the stop-and-copy round */
	bool post; /* the post-copy phase: the guest runs at the destination */
	double bytes;
};

struct st_mig {
	dcs_time_t t0, t1, down;
	int from, to, rounds;
	char outcome[24];
};

enum { EV_START, EV_STUN, EV_STALL, EV_RESUME, EV_LOST };
struct st_vmev {
	dcs_time_t t;
	int kind;
};

struct st_vm {
	struct st_round *r;
	int nr, cr;
	struct st_mig *f;
	int nf, cf;
	struct st_vmev *e;
	int ne, ce;
};

/* A run of path.csv samples of one service and client site with the same
 * state and sites. */
struct st_run {
	dcs_time_t t0;
	int state; /* VZ_PATH_* */
	int serving, ingress;
	double rtt_ms;
};

struct st_pair {
	struct st_run *r;
	int n, cap;
};

/* A cluster.csv row with the incident it leaves the cluster in. */
struct st_crow {
	dcs_time_t t;
	bool outage, split;
	dcs_time_t since; /* start of the incident */
	enum vz_tone tone;
	char text[160]; /* the latest row that is not an incident marker */
};

struct st_cluster {
	struct st_crow *r;
	int n, cap;
	bool outage, split;
	dcs_time_t since;
	char last[160];
	enum vz_tone tone;
};

struct st_lnote {
	dcs_time_t t;
	bool up, degraded;
};

struct st_link {
	struct st_lnote *r;
	int n, cap;
};

struct st_tick {
	dcs_time_t t;
	enum vz_tone tone;
};

struct vz_story {
	const struct dcs_scenario *scn;
	struct vz_table *tabs;
	int n_tabs;
	struct st_vm *vm;
	struct st_pair *pairs; /* n_services x (n_sites + 1), by client site */
	struct st_cluster *cl;
	struct st_link *lk;
	struct st_tick *ticks;
	int n_ticks, c_ticks;
	bool oom;
};

/* Room for one more element in *arr; false when out of memory. */

/* Pairs of cluster nodes the story follows. */
size_t vz_story_n_pairs(const struct dcs_scenario *scn);

#endif
