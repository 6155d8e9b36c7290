/*
 * dcisim cross-site HA clusters, internal: the state shared by the files of
 * the cluster model (models/cluster.c and models/cluster_*.c), the small
 * accessors they all use, and the functions that cross files.  Not a public
 * header: nothing outside models/cluster*.c includes it.
 */
#ifndef DCISIM_CLUSTER_INTERNAL_H
#define DCISIM_CLUSTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cluster.h"
#include "dcisim/world.h"

enum path_class { PATH_GOOD, PATH_LOSSY, PATH_BAD };
enum inst_state { INST_NONE, INST_FENCING, INST_STARTING, INST_CONVERGING, INST_UP };
enum serve { SERVE_NONE, SERVE_UP, SERVE_BLOCKED };

struct pair {
	enum path_class path;
	double loss;
	bool suspect;
	bool dead;
	dcs_time_t last_ok; /* last heartbeat received (meaningful off the good path) */
	dcs_time_t dead_at;
	dcs_time_t window; /* missed x heartbeat for this pair */
	int missed;
	dcs_handle_t suspect_ev, dead_ev;
};

struct node {
	const struct dcs_node_cfg *cfg;
	bool fault_down; /* node_down fault */
	bool up;         /* powered and its site up */
	bool fenced;     /* rebooted by fencing; waits to see a peer before it acts */
	bool quorate;
	bool believed; /* crashed with an instance its peers have not yet detected */
	int comp;
	enum inst_state inst;
	enum serve serving;
	dcs_handle_t inst_ev;
	dcs_time_t inst_since;
	/* vSphere HA */
	bool primary;          /* the HA primary (master) of its partition */
	bool isolated;         /* declared itself isolated */
	dcs_handle_t iso_ev;   /* pending isolation declaration */
	dcs_time_t elect_at;   /* this node becomes its partition's primary then; 0: none */
	dcs_time_t restart_at; /* ... and may restart VMs from then on */
};

struct outage {
	dcs_time_t cause, begin, end; /* end < 0: not recovered */
};

struct model;

struct cluster {
	struct model *m;
	int idx;
	const struct dcs_cluster_cfg *cfg;
	struct dcs_cluster_timers tm;
	int n;
	struct node *nodes;
	struct pair *pairs; /* n x n, used for i < j */
	gsl_rng *rng;
	bool witness_fault;
	bool witness_up_last;
	int witness_holder; /* lowest node of the component holding the witness vote */
	dcs_handle_t tick_ev;
	dcs_handle_t settle_ev; /* availability check after every subscriber has reacted */
	int last_site;          /* where the service last ran: the floating IP's home */
	int lost_holder;        /* node whose instance went away last */
	bool quiet;             /* initial reconfiguration: no quorum rows */
	/* Accounting. */
	bool available;
	dcs_time_t unavail_ns;
	bool in_outage;
	struct outage cur;
	struct outage *outages;
	size_t n_outages, cap_outages;
	bool split;
	dcs_time_t split_begin, split_ns;
	int n_splits;
	/* Scratch, n each; conn is n x n, the connectivity the components were built from. */
	int *size, *quorate, *reach_w;
	bool *conn, *conn_up;
	bool comp_valid;
	int sides_cl,
	    sides_st; /* the last sides reported (sides_st: mask of array sites writing) */
};

struct model {
	struct dcs_world *w;
	struct cluster *cl;
	size_t n;
	struct dcs_table *tab;
	bool monitor;
	dcs_time_t detach_delay; /* storage detach decision delay, 0 when not active-active */
	bool *st_up, *st_held;   /* per site, from DCS_NOTE_STORAGE_STATE: writable, writes held */
};

enum ev_kind {
	EV_SUSPECT,
	EV_DEAD,
	EV_RECONF,
	EV_TICK,
	EV_INST,
	EV_MONITOR,
	EV_SETTLE,
	EV_RECHECK,
	EV_ISOLATE
};

struct ev {
	int32_t kind;
	int32_t i, j;
};

void cluster_on_event(struct dcs_kernel *k, void *ctx, const void *payload);

static inline const char *site_id(const struct cluster *c, int site)
{
	return site >= 0 ? c->m->w->scn->sites[site].id : "";
}

static inline int node_site(const struct cluster *c, int i)
{
	return c->nodes[i].cfg->site;
}

static inline dcs_handle_t schedule(struct cluster *c, dcs_time_t at, enum ev_kind kind, int i,
				    int j)
{
	struct ev e = {.kind = kind, .i = i, .j = j};
	return dcs_schedule(c->m->w->k, at, cluster_on_event, c, &e, sizeof(e));
}

static inline void cancel(struct cluster *c, dcs_handle_t *h)
{
	if (*h)
		dcs_cancel(c->m->w->k, *h);
	*h = 0;
}

static inline struct pair *pair_at(struct cluster *c, int i, int j)
{
	return i < j ? &c->pairs[(size_t)i * c->n + j] : &c->pairs[(size_t)j * c->n + i];
}

static inline dcs_time_t now_of(const struct cluster *c)
{
	return dcs_now(c->m->w->k);
}

static inline bool witness_up(const struct cluster *c)
{
	int ws = c->cfg->witness_site;
	return ws >= 0 && !c->witness_fault && dcs_net_site_up(c->m->w->net, ws);
}

#define NODE_ROW(c, ev, i, ...)                                                                    \
	cluster_row(c, ev, (c)->nodes[i].cfg->id, site_id(c, node_site(c, i)), __VA_ARGS__)

/* cluster_detect.c: rows, heartbeat paths, event and note handlers. */
void cluster_row(struct cluster *c, const char *event, const char *node, const char *site,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool cluster_transits_witness(struct cluster *c, int a, int b);
void cluster_eval_paths(struct cluster *c);
void cluster_on_note(void *ctx, const struct dcs_note *note);

/* cluster_failover.c: the service's instances, availability and outages. */
void cluster_stop_inst(struct cluster *c, int i, const char *why);
void cluster_begin_recovery(struct cluster *c, int i);
void cluster_inst_step(struct cluster *c, int i);
void cluster_settle(struct cluster *c);
void cluster_request_settle(struct cluster *c);

/* cluster_quorum.c: membership, quorum, the witness, vSphere HA. */
bool cluster_reaches_witness(struct cluster *c, int i);
void cluster_vs_isolation(struct cluster *c);
void cluster_vs_isolate(struct cluster *c, int i);
void cluster_reconfigure(struct cluster *c);

#endif
