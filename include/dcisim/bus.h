/*
 * dcisim notifications: how models learn that the world changed.
 *
 * Contract: a change of link, site, node, array or witness state, a VM
 * arriving at a new site, pausing, resuming or changing speed, a site's
 * storage becoming writable or not, and a cluster's service starting or
 * stopping somewhere, is published once on the bus by the code that made the
 * change (the network, the fault injector, the migration, storage and
 * cluster models, through the world for VMs and cluster services).  Every
 * subscriber to that kind is called synchronously, in subscription order, at
 * the simulated instant of the change, so reactions are deterministic.  A
 * subscriber may schedule events and query the network, but must not publish
 * the same kind re-entrantly.  Models never poll for these states.
 */
#ifndef DCISIM_BUS_H
#define DCISIM_BUS_H

#include <stdbool.h>

enum dcs_note_kind {
	DCS_NOTE_LINK_STATE,    /* index = link; up; degraded; converging */
	DCS_NOTE_SITE_STATE,    /* index = site; up */
	DCS_NOTE_PATHS_CHANGED, /* routing between sites changed (after link/site notes) */
	DCS_NOTE_VM_MOVED,      /* index = vm; from, to = sites */
	DCS_NOTE_NODE_STATE,    /* index = cluster; sub = node; up */
	DCS_NOTE_ARRAY_STATE,   /* index = site of the array; up */
	DCS_NOTE_WITNESS_STATE, /* index = site of the witness; up */
	DCS_NOTE_VM_PAUSED,     /* index = vm: the guest is stopped (stop-and-copy) */
	DCS_NOTE_VM_RESUMED,    /* index = vm: the guest runs again, at its current site */
	DCS_NOTE_VM_SPEED, /* index = vm; factor = the guest's speed now (1 normal, < 1 slowed) */
	DCS_NOTE_STORAGE_STATE, /* index = site; up = its hosts may write; degraded = writes held */
	DCS_NOTE_SERVICE_SITE, /* index = cluster; from, to = sites running its service (-1 none) */
	DCS_NOTE_KIND_COUNT
};

struct dcs_note {
	enum dcs_note_kind kind;
	int index;
	int sub;
	int from, to;
	bool up;
	bool degraded;
	bool converging; /* link: carries nothing until detection and reroute */
	double factor;
};

typedef void (*dcs_note_fn)(void *ctx, const struct dcs_note *note);

struct dcs_bus;

struct dcs_bus *dcs_bus_create(void);
void dcs_bus_destroy(struct dcs_bus *bus);
/* Returns false only when out of memory. */
bool dcs_bus_subscribe(struct dcs_bus *bus, enum dcs_note_kind kind, dcs_note_fn fn, void *ctx);
void dcs_bus_publish(struct dcs_bus *bus, const struct dcs_note *note);

#endif
