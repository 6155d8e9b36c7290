/*
 * dcisim world: one simulation, everything it owns, and the model registry.
 *
 * Contract: a world is built from a loaded scenario, owns its kernel, bus,
 * network, results and model instances, and shares nothing with another
 * world, so sweeps may run worlds on threads.  There are no mutable globals.
 * Models reach each other only through the bus, the network and the few
 * queries below, which a model publishes by setting the function pointer at
 * create time (and which return a neutral answer when nobody published one).
 * The world tracks where each VM runs and whether it runs (paused for a
 * stop-and-copy, or slowed by stun or auto-converge); the migration model
 * changes them with dcs_world_move_vm(), _pause_vm(), _resume_vm() and
 * _set_vm_speed(), which publish DCS_NOTE_VM_MOVED, _PAUSED, _RESUMED and
 * _SPEED.  It tracks where each cluster runs its service (-1 while it runs
 * nowhere); the cluster model changes it with dcs_world_set_service_site(),
 * which publishes DCS_NOTE_SERVICE_SITE.
 */
#ifndef DCISIM_WORLD_H
#define DCISIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>

#include "dcisim/bus.h"
#include "dcisim/kernel.h"
#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/results.h"
#include "dcisim/scenario.h"

struct dcs_world;

/* Every metric and event declaration: the network's, then each model's in
 * registry order, in storage the caller owns (a world keeps its own). */
#define DCS_MAX_MODELS 16
struct dcs_world_catalog {
	const struct dcs_metric_family *families[DCS_MAX_MODELS + 1];
	struct dcs_catalog catalog;
};

/* A model family: created after the network, started in registry order,
 * finished (summary rows) at the end of the run, then destroyed. */
struct dcs_model_ops {
	const char *name;
	/* Returns 0, or -1 when out of memory.  *state may stay NULL when the
	 * scenario does not use the model. */
	int (*create)(struct dcs_world *w, void **state);
	void (*start)(struct dcs_world *w, void *state);
	void (*finish)(struct dcs_world *w, void *state);
	void (*destroy)(void *state);
	/* What it writes to summary.csv, events.csv and its own tables
	 * (include/dcisim/metrics.h); NULL when it writes none. */
	const struct dcs_metric_family *metrics;
	/* What the model draws random numbers for in this scenario, in a few
	 * words ("storage I/O arrivals"), or NULL when it draws none; NULL
	 * callback: never. */
	const char *(*randomness)(const struct dcs_scenario *scn);
};

/* Queries one model answers for others. */
struct dcs_world_queries {
	/* Storage: may a host at this site write to its volume now? */
	bool (*site_writable)(void *ctx, int site);
	/* Storage: I/Os of a VM's workloads held by its pauses so far. */
	uint64_t (*vm_held_ios)(void *ctx, int vm);
	void *storage_ctx;
	/* L3: seconds until clients reach a service's address at its new site. */
	double (*ip_move_convergence_s)(void *ctx, int from_site, int to_site);
	void *l3_ctx;
};

struct dcs_world {
	const struct dcs_scenario *scn;
	struct dcs_kernel *k;
	struct dcs_bus *bus;
	struct dcs_net *net;
	struct dcs_results *res;
	struct dcs_world_queries q;
	int *vm_site;      /* where each VM runs now */
	bool *vm_paused;   /* stopped for a stop-and-copy */
	double *vm_speed;  /* 1, or the factor stun or auto-converge slows it by */
	int *service_site; /* per cluster: where its service runs, -1 nowhere */
	int verbosity;     /* -1 quiet, 0 normal, 1 verbose */
	void **model_state;
	dcs_time_t horizon;
	bool started;
	uint64_t fingerprint; /* hash of the ordered event stream */
	struct dcs_world_catalog catalog; /* what its models declare */
};

struct dcs_world *dcs_world_create(const struct dcs_scenario *scn, uint64_t seed);
void dcs_world_destroy(struct dcs_world *w);
/* Starts the models (first call only): they schedule their first events
 * and raise the warnings they can tell before anything happens (a
 * migration that cannot finish its first round within the run, ...), so a
 * caller may show those before the run.  No event runs. */
void dcs_world_start(struct dcs_world *w);
/* Starts the models (first call only) and runs until `until` or no event is
 * left; returns the kernel's stop reason. */
enum dcs_stop_reason dcs_world_run(struct dcs_world *w, dcs_time_t until);
/* Lets the models write their summary rows; call once, after the run. */
void dcs_world_finish(struct dcs_world *w);

int dcs_world_vm_site(const struct dcs_world *w, int vm);
void dcs_world_move_vm(struct dcs_world *w, int vm, int to_site);
/* Pausing a paused VM, resuming a running one or setting the speed it has
 * already publishes nothing. */
void dcs_world_pause_vm(struct dcs_world *w, int vm);
void dcs_world_resume_vm(struct dcs_world *w, int vm);
bool dcs_world_vm_running(const struct dcs_world *w, int vm);
void dcs_world_set_vm_speed(struct dcs_world *w, int vm, double factor);
double dcs_world_vm_speed(const struct dcs_world *w, int vm);
/* Where cluster `c` runs its service (-1: nowhere); set by the cluster model. */
int dcs_world_service_site(const struct dcs_world *w, int cluster);
void dcs_world_set_service_site(struct dcs_world *w, int cluster, int site);
bool dcs_world_site_writable(const struct dcs_world *w, int site);
uint64_t dcs_world_vm_held_ios(const struct dcs_world *w, int vm);
double dcs_world_ip_move_convergence_s(const struct dcs_world *w, int from_site, int to_site);

/* Whether a scenario's results depend on its seed: what the first model
 * that draws random numbers draws them for, or NULL when no model draws any,
 * so that every seed gives the same results (replications of it are copies).
 * Read from the scenario alone, before anything runs.  A model may answer
 * yes for a scenario whose draws never change a result (a lossy link no
 * heartbeat crosses); never no for one whose results depend on the seed. */
const char *dcs_scenario_randomness(const struct dcs_scenario *scn);
/* Whether any link loses packets, as configured or by a link_degrade fault. */
bool dcs_scenario_has_loss(const struct dcs_scenario *scn);

/* The registry (models/registry.c), in start order. */
extern const struct dcs_model_ops *const dcs_models[];
extern const size_t dcs_n_models;
const struct dcs_catalog *dcs_world_catalog_init(struct dcs_world_catalog *wc);

#endif
