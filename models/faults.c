/*
 * Fault injection (SPEC §2 "faults", §4.6; issue 6).
 *
 * What it does:
 * - Scheduled faults from the `faults` section, at their at_s: link_down,
 *   path_down (one underlay path of a link that has several; the network
 *   says what the overlay sees), link_degrade (bandwidth, loss, added
 *   one-way latency), site_down,
 *   node_down, array_down, witness_down, and the matching *_up kinds.
 *   A *_down (or link_degrade) with for_s recovers by itself after for_s;
 *   without for_s it lasts until the matching *_up or the end of the run.
 * - Random link failures from links[].mtbf_s / mttr_s: an alternating renewal
 *   process, up times exponential with mean mtbf_s and repair times
 *   exponential with mean mttr_s, drawn from the stream "faults/<link id>"
 *   (so adding a link or a fault never changes another link's draws).  The
 *   long-run availability is MTBF / (MTBF + MTTR).
 *
 * Who publishes what: link and site changes go through the network
 * (dcs_net_set_link_up, dcs_net_link_degrade / _restore, dcs_net_set_site_up),
 * which publishes DCS_NOTE_LINK_STATE / SITE_STATE / PATHS_CHANGED.  Node,
 * array and witness changes have no network effect; this model publishes
 * DCS_NOTE_NODE_STATE, DCS_NOTE_ARRAY_STATE and DCS_NOTE_WITNESS_STATE.
 *
 * Overlapping faults on one entity: the entity is down while any fault holds
 * it.  A scheduled hold ends at the latest end of the overlapping scheduled
 * faults (a fault without for_s holds until a *_up); a link is up only when
 * neither a scheduled hold nor a random failure holds it down.  link_up
 * repairs the link completely: up, and back to its configured figures.
 * A later link_degrade replaces an earlier one's figures; the link is restored
 * when the latest degradation ends.  witness_down without a site takes down
 * every witness in the scenario (the storage witness and the clusters').
 *
 * Outputs: one events.csv row per fault ("fault") and per recovery
 * ("recovery"); summary.csv per link: link_availability (measured fraction of
 * the run the network had the link up, whoever changed it), link_down_s and
 * link_failures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dcisim/faultkinds.h"
#include "dcisim/metrics.h"
#include "dcisim/world.h"

/* A scheduled hold on an entity. */
struct hold {
	bool down;
	dcs_time_t until; /* DCS_TIME_NEVER: until a *_up */
};

struct link_st {
	struct hold sched;
	bool rand_down;
	bool degraded;
	int paths_cut; /* path_down faults holding underlay paths */
	dcs_time_t degrade_until;
	gsl_rng *rng; /* random failures, NULL when mtbf_s is 0 */
	/* Measured state, from DCS_NOTE_LINK_STATE. */
	bool acc_up;
	dcs_time_t acc_since;
	dcs_time_t down_ns;
	int failures;
	int random_failures;
};

struct faults {
	struct dcs_world *w;
	const struct dcs_scenario *scn;
	struct link_st *links;
	struct hold *sites;
	struct hold *arrays;  /* by site */
	struct hold *witness; /* by site */
	struct hold *nodes;   /* flattened: node_base[cluster] + node */
	size_t *node_base;
	int *witness_sites; /* distinct witness sites in the scenario */
	size_t n_witness_sites;
};

enum ev_kind { EV_APPLY, EV_EXPIRE, EV_RAND_FAIL, EV_RAND_REPAIR };

struct ev {
	int32_t kind;
	int32_t index; /* fault index, or link index for random events */
};

static const char *kind_name(enum dcs_fault_kind k)
{
	return dcs_fault_kind(k)->name;
}

static void on_event(struct dcs_kernel *k, void *ctx, const void *payload);

static void schedule(struct faults *F, dcs_time_t at, enum ev_kind kind, int index)
{
	struct ev e = {.kind = kind, .index = index};
	dcs_schedule(F->w->k, at, on_event, F, &e, sizeof(e));
}

/* Takes a hold; returns true when the entity was up before. */
static bool hold_take(struct hold *h, dcs_time_t now, double for_s)
{
	dcs_time_t until = isnan(for_s) ? DCS_TIME_NEVER : now + dcs_time_from_s(for_s);
	bool was_up = !h->down;
	if (was_up || until > h->until)
		h->until = until;
	h->down = true;
	return was_up;
}

/* Ends a hold whose time has come; returns true when it ended. */
static bool hold_expire(struct hold *h, dcs_time_t now)
{
	if (!h->down || now < h->until)
		return false;
	h->down = false;
	return true;
}

static bool hold_clear(struct hold *h)
{
	bool was_down = h->down;
	h->down = false;
	h->until = 0;
	return was_down;
}

/* Brings the network's link state in line with the holds. */
static void link_apply(struct faults *F, int l)
{
	struct link_st *L = &F->links[l];
	bool up = !L->sched.down && !L->rand_down;
	if (dcs_net_link_up(F->w->net, l) != up)
		dcs_net_set_link_up(F->w->net, l, up);
}

static void publish(struct faults *F, enum dcs_note_kind kind, int index, int sub, bool up)
{
	struct dcs_note n = {
	    .kind = kind, .index = index, .sub = sub, .from = -1, .to = -1, .up = up};
	dcs_bus_publish(F->w->bus, &n);
}

static const char *node_id(const struct faults *F, const struct dcs_fault_cfg *f)
{
	return F->scn->clusters[f->cluster].nodes[f->node].id;
}

/* The entity column of events.csv for a fault. */
static void entity_name(const struct faults *F, const struct dcs_fault_cfg *f, int site, char *buf,
			size_t len)
{
	switch (dcs_fault_kind(f->kind)->target) {
	case DCS_FAULT_ON_LINK:
		snprintf(buf, len, "%s", F->scn->links[f->link].id);
		break;
	case DCS_FAULT_ON_SITE:
		snprintf(buf, len, "%s", F->scn->sites[site].id);
		break;
	case DCS_FAULT_ON_NODE:
		snprintf(buf, len, "%s", node_id(F, f));
		break;
	case DCS_FAULT_ON_ARRAY:
		snprintf(buf, len, "array@%s", F->scn->sites[site].id);
		break;
	case DCS_FAULT_ON_WITNESS:
		snprintf(buf, len, "witness@%s", F->scn->sites[site].id);
		break;
	}
}

static void log_fault(struct faults *F, const struct dcs_fault_cfg *f, int site, bool changed)
{
	char ent[160], dur[64] = "";
	entity_name(F, f, site, ent, sizeof(ent));
	if (!isnan(f->for_s))
		snprintf(dur, sizeof(dur), " for %g s", f->for_s);
	dcs_time_t now = dcs_now(F->w->k);
	if (f->kind == DCS_FAULT_LINK_DEGRADE) {
		char fig[160] = "";
		size_t n = 0;
		if (!isnan(f->bandwidth_gbps))
			n += (size_t)snprintf(fig + n, sizeof(fig) - n, " bandwidth %g Gb/s",
					      f->bandwidth_gbps);
		if (!isnan(f->loss))
			n += (size_t)snprintf(fig + n, sizeof(fig) - n, " loss %g", f->loss);
		if (!isnan(f->latency_ms))
			snprintf(fig + n, sizeof(fig) - n, " +%g ms one way", f->latency_ms);
		dcs_event(F->w->res, now, "fault", ent, "link_degrade:%s%s", fig, dur);
		return;
	}
	dcs_event(F->w->res, now, "fault", ent, "%s%s%s", kind_name(f->kind), dur,
		  changed ? "" : " (already down)");
}

static void log_recovery(struct faults *F, const struct dcs_fault_cfg *f, int site, const char *how)
{
	char ent[160];
	entity_name(F, f, site, ent, sizeof(ent));
	dcs_event(F->w->res, dcs_now(F->w->k), "recovery", ent, "%s", how);
}

/* Sites a witness fault applies to: its site, or every witness. */
static size_t witness_targets(const struct faults *F, const struct dcs_fault_cfg *f,
			      const int **sites, int *one)
{
	if (f->site >= 0) {
		*one = f->site;
		*sites = one;
		return 1;
	}
	*sites = F->witness_sites;
	return F->n_witness_sites;
}

static void apply_down(struct faults *F, int i)
{
	const struct dcs_fault_cfg *f = &F->scn->faults[i];
	dcs_time_t now = dcs_now(F->w->k);
	bool changed;
	switch (f->kind) {
	case DCS_FAULT_LINK_DOWN:
		changed = dcs_net_link_up(F->w->net, f->link);
		hold_take(&F->links[f->link].sched, now, f->for_s);
		log_fault(F, f, -1, changed);
		link_apply(F, f->link);
		break;
	case DCS_FAULT_PATH_DOWN: {
		struct link_st *L = &F->links[f->link];
		L->paths_cut++;
		log_fault(F, f, -1, true);
		dcs_net_path_down(F->w->net, f->link);
		break;
	}
	case DCS_FAULT_LINK_DEGRADE: {
		struct link_st *L = &F->links[f->link];
		L->degraded = true;
		L->degrade_until =
		    isnan(f->for_s) ? DCS_TIME_NEVER : now + dcs_time_from_s(f->for_s);
		log_fault(F, f, -1, true);
		dcs_net_link_degrade(F->w->net, f->link, f->bandwidth_gbps, f->loss, f->latency_ms);
		break;
	}
	case DCS_FAULT_SITE_DOWN:
		changed = dcs_net_site_up(F->w->net, f->site);
		hold_take(&F->sites[f->site], now, f->for_s);
		log_fault(F, f, f->site, changed);
		dcs_net_set_site_up(F->w->net, f->site, false);
		break;
	case DCS_FAULT_NODE_DOWN:
		changed =
		    hold_take(&F->nodes[F->node_base[f->cluster] + (size_t)f->node], now, f->for_s);
		log_fault(F, f, -1, changed);
		if (changed)
			publish(F, DCS_NOTE_NODE_STATE, f->cluster, f->node, false);
		break;
	case DCS_FAULT_ARRAY_DOWN:
		changed = hold_take(&F->arrays[f->site], now, f->for_s);
		log_fault(F, f, f->site, changed);
		if (changed)
			publish(F, DCS_NOTE_ARRAY_STATE, f->site, -1, false);
		break;
	case DCS_FAULT_WITNESS_DOWN: {
		int one;
		const int *ws;
		size_t n = witness_targets(F, f, &ws, &one);
		if (n == 0)
			dcs_warn(F->w->res, now, "faults",
				 "witness_down at %g s: the scenario has no witness", f->at_s);
		for (size_t k = 0; k < n; k++) {
			changed = hold_take(&F->witness[ws[k]], now, f->for_s);
			log_fault(F, f, ws[k], changed);
			if (changed)
				publish(F, DCS_NOTE_WITNESS_STATE, ws[k], -1, false);
		}
		break;
	}
	default:
		break;
	}
	if (!isnan(f->for_s))
		schedule(F, now + dcs_time_from_s(f->for_s), EV_EXPIRE, i);
}

static void apply_up(struct faults *F, int i)
{
	const struct dcs_fault_cfg *f = &F->scn->faults[i];
	struct dcs_net *net = F->w->net;
	switch (f->kind) {
	case DCS_FAULT_LINK_UP: {
		struct link_st *L = &F->links[f->link];
		bool was = hold_clear(&L->sched) || L->degraded || L->paths_cut > 0;
		if (L->paths_cut > 0 && !L->sched.down && !L->rand_down) {
			/* Every underlay path back: a full repair. */
			L->paths_cut = 0;
			dcs_net_set_link_up(net, f->link, true);
		}
		if (was)
			log_recovery(F, f, -1, "link_up: repaired");
		if (L->degraded) {
			L->degraded = false;
			dcs_net_link_restore(net, f->link);
		}
		link_apply(F, f->link);
		break;
	}
	case DCS_FAULT_SITE_UP:
		if (hold_clear(&F->sites[f->site])) {
			log_recovery(F, f, f->site, "site_up");
			dcs_net_set_site_up(net, f->site, true);
		}
		break;
	case DCS_FAULT_NODE_UP:
		if (hold_clear(&F->nodes[F->node_base[f->cluster] + (size_t)f->node])) {
			log_recovery(F, f, -1, "node_up");
			publish(F, DCS_NOTE_NODE_STATE, f->cluster, f->node, true);
		}
		break;
	case DCS_FAULT_ARRAY_UP:
		if (hold_clear(&F->arrays[f->site])) {
			log_recovery(F, f, f->site, "array_up");
			publish(F, DCS_NOTE_ARRAY_STATE, f->site, -1, true);
		}
		break;
	case DCS_FAULT_WITNESS_UP: {
		int one;
		const int *ws;
		size_t n = witness_targets(F, f, &ws, &one);
		for (size_t k = 0; k < n; k++)
			if (hold_clear(&F->witness[ws[k]])) {
				log_recovery(F, f, ws[k], "witness_up");
				publish(F, DCS_NOTE_WITNESS_STATE, ws[k], -1, true);
			}
		break;
	}
	default:
		break;
	}
}

/* The for_s of fault i has run out. */
static void expire(struct faults *F, int i)
{
	const struct dcs_fault_cfg *f = &F->scn->faults[i];
	dcs_time_t now = dcs_now(F->w->k);
	struct dcs_net *net = F->w->net;
	char how[96];
	snprintf(how, sizeof(how), "end of %s after %g s", kind_name(f->kind), f->for_s);
	switch (f->kind) {
	case DCS_FAULT_LINK_DOWN:
		if (hold_expire(&F->links[f->link].sched, now)) {
			log_recovery(F, f, -1, how);
			link_apply(F, f->link);
		}
		break;
	case DCS_FAULT_PATH_DOWN: {
		struct link_st *L = &F->links[f->link];
		if (L->paths_cut > 0) {
			L->paths_cut--;
			log_recovery(F, f, -1, how);
			dcs_net_path_up(net, f->link);
		}
		break;
	}
	case DCS_FAULT_LINK_DEGRADE: {
		struct link_st *L = &F->links[f->link];
		if (L->degraded && now >= L->degrade_until) {
			L->degraded = false;
			log_recovery(F, f, -1, how);
			dcs_net_link_restore(net, f->link);
		}
		break;
	}
	case DCS_FAULT_SITE_DOWN:
		if (hold_expire(&F->sites[f->site], now)) {
			log_recovery(F, f, f->site, how);
			dcs_net_set_site_up(net, f->site, true);
		}
		break;
	case DCS_FAULT_NODE_DOWN:
		if (hold_expire(&F->nodes[F->node_base[f->cluster] + (size_t)f->node], now)) {
			log_recovery(F, f, -1, how);
			publish(F, DCS_NOTE_NODE_STATE, f->cluster, f->node, true);
		}
		break;
	case DCS_FAULT_ARRAY_DOWN:
		if (hold_expire(&F->arrays[f->site], now)) {
			log_recovery(F, f, f->site, how);
			publish(F, DCS_NOTE_ARRAY_STATE, f->site, -1, true);
		}
		break;
	case DCS_FAULT_WITNESS_DOWN: {
		int one;
		const int *ws;
		size_t n = witness_targets(F, f, &ws, &one);
		for (size_t k = 0; k < n; k++)
			if (hold_expire(&F->witness[ws[k]], now)) {
				log_recovery(F, f, ws[k], how);
				publish(F, DCS_NOTE_WITNESS_STATE, ws[k], -1, true);
			}
		break;
	}
	default:
		break;
	}
}

static void random_fail(struct faults *F, int l)
{
	struct link_st *L = &F->links[l];
	const struct dcs_link_cfg *c = &F->scn->links[l];
	dcs_time_t now = dcs_now(F->w->k);
	double repair_s = gsl_ran_exponential(L->rng, c->mttr_s);
	L->rand_down = true;
	L->random_failures++;
	dcs_event(F->w->res, now, "fault", c->id, "random failure (MTBF %g s, MTTR %g s)",
		  c->mtbf_s, c->mttr_s);
	link_apply(F, l);
	schedule(F, now + dcs_time_from_s(repair_s), EV_RAND_REPAIR, l);
}

static void random_repair(struct faults *F, int l)
{
	struct link_st *L = &F->links[l];
	const struct dcs_link_cfg *c = &F->scn->links[l];
	dcs_time_t now = dcs_now(F->w->k);
	double up_s = gsl_ran_exponential(L->rng, c->mtbf_s);
	L->rand_down = false;
	dcs_event(F->w->res, now, "recovery", c->id, "random failure repaired%s",
		  L->sched.down ? " (a scheduled fault still holds it down)" : "");
	link_apply(F, l);
	schedule(F, now + dcs_time_from_s(up_s), EV_RAND_FAIL, l);
}

static bool is_up_kind(enum dcs_fault_kind k)
{
	return dcs_fault_kind(k)->repair;
}

static void on_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct faults *F = ctx;
	struct ev e;
	memcpy(&e, payload, sizeof(e));
	switch ((enum ev_kind)e.kind) {
	case EV_APPLY:
		if (is_up_kind(F->scn->faults[e.index].kind))
			apply_up(F, e.index);
		else
			apply_down(F, e.index);
		break;
	case EV_EXPIRE:
		expire(F, e.index);
		break;
	case EV_RAND_FAIL:
		random_fail(F, e.index);
		break;
	case EV_RAND_REPAIR:
		random_repair(F, e.index);
		break;
	}
}

/* Measures link availability from the network's own notes. */
static void on_link_note(void *ctx, const struct dcs_note *n)
{
	struct faults *F = ctx;
	struct link_st *L = &F->links[n->index];
	if (n->up == L->acc_up)
		return;
	dcs_time_t now = dcs_now(F->w->k);
	if (!n->up) {
		L->failures++;
	} else {
		L->down_ns += now - L->acc_since;
	}
	L->acc_up = n->up;
	L->acc_since = now;
}

static void add_witness_site(struct faults *F, int site)
{
	if (site < 0)
		return;
	for (size_t i = 0; i < F->n_witness_sites; i++)
		if (F->witness_sites[i] == site)
			return;
	F->witness_sites[F->n_witness_sites++] = site;
}

static void faults_destroy(void *state)
{
	struct faults *F = state;
	if (!F)
		return;
	free(F->links);
	free(F->sites);
	free(F->arrays);
	free(F->witness);
	free(F->nodes);
	free(F->node_base);
	free(F->witness_sites);
	free(F);
}

static int faults_create(struct dcs_world *w, void **state)
{
	const struct dcs_scenario *scn = w->scn;
	bool random = false;
	for (size_t l = 0; l < scn->n_links; l++)
		random |= scn->links[l].mtbf_s > 0;
	*state = NULL;
	if (scn->n_faults == 0 && !random)
		return 0;
	struct faults *F = calloc(1, sizeof(*F));
	if (!F)
		return -1;
	F->w = w;
	F->scn = scn;
	size_t n_nodes = 0;
	F->node_base = calloc(scn->n_clusters + 1, sizeof(size_t));
	if (!F->node_base)
		goto fail;
	for (size_t c = 0; c < scn->n_clusters; c++) {
		F->node_base[c] = n_nodes;
		n_nodes += scn->clusters[c].n_nodes;
	}
	F->links = calloc(scn->n_links + 1, sizeof(*F->links));
	F->sites = calloc(scn->n_sites + 1, sizeof(*F->sites));
	F->arrays = calloc(scn->n_sites + 1, sizeof(*F->arrays));
	F->witness = calloc(scn->n_sites + 1, sizeof(*F->witness));
	F->nodes = calloc(n_nodes + 1, sizeof(*F->nodes));
	F->witness_sites = calloc(scn->n_clusters + 2, sizeof(int));
	if (!F->links || !F->sites || !F->arrays || !F->witness || !F->nodes || !F->witness_sites)
		goto fail;
	if (scn->storage.present)
		add_witness_site(F, scn->storage.witness_site);
	for (size_t c = 0; c < scn->n_clusters; c++)
		add_witness_site(F, scn->clusters[c].witness_site);
	for (size_t l = 0; l < scn->n_links; l++) {
		F->links[l].acc_up = true;
		if (scn->links[l].mtbf_s > 0) {
			char name[200];
			snprintf(name, sizeof(name), "faults/%s", scn->links[l].id);
			F->links[l].rng = dcs_rng(w->k, name);
		}
	}
	if (!dcs_bus_subscribe(w->bus, DCS_NOTE_LINK_STATE, on_link_note, F))
		goto fail;
	*state = F;
	return 0;
fail:
	faults_destroy(F);
	return -1;
}

static void faults_start(struct dcs_world *w, void *state)
{
	struct faults *F = state;
	for (size_t l = 0; l < F->scn->n_links; l++) {
		F->links[l].acc_up = dcs_net_link_up(w->net, (int)l);
		F->links[l].acc_since = dcs_now(w->k);
	}
	for (size_t i = 0; i < F->scn->n_faults; i++)
		schedule(F, dcs_time_from_s(F->scn->faults[i].at_s), EV_APPLY, (int)i);
	for (size_t l = 0; l < F->scn->n_links; l++)
		if (F->links[l].rng)
			schedule(F,
				 dcs_now(w->k) + dcs_time_from_s(gsl_ran_exponential(
						     F->links[l].rng, F->scn->links[l].mtbf_s)),
				 EV_RAND_FAIL, (int)l);
}

/* The end of the simulated run: the horizon, unless the run was cut short
 * with events still pending (then the kernel's clock). */
static dcs_time_t run_end(const struct dcs_world *w)
{
	dcs_time_t now = dcs_now(w->k);
	if (dcs_kernel_pending(w->k) == 0 && w->horizon > now)
		return w->horizon;
	return now;
}

static void faults_finish(struct dcs_world *w, void *state)
{
	struct faults *F = state;
	dcs_time_t end = run_end(w);
	for (size_t l = 0; l < F->scn->n_links; l++) {
		struct link_st *L = &F->links[l];
		dcs_time_t down = L->down_ns + (L->acc_up ? 0 : end - L->acc_since);
		double avail = end > 0 ? 1.0 - (double)down / (double)end : 1.0;
		const char *id = F->scn->links[l].id;
		dcs_summary(w->res, "link_availability", id, avail, "ratio");
		dcs_summary(w->res, "link_down_s", id, dcs_time_to_s(down), "s");
		dcs_summary(w->res, "link_failures", id, L->failures, "count");
		if (F->scn->links[l].mtbf_s > 0) {
			const struct dcs_link_cfg *c = &F->scn->links[l];
			dcs_summary(w->res, "link_availability_expected", id,
				    c->mtbf_s / (c->mtbf_s + c->mttr_s), "ratio");
		}
	}
}

/* What this model writes to summary.csv and events.csv (include/dcisim/metrics.h). */
static const struct dcs_metric_def faults_metrics[] = {
    {"link_availability", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "share of the run the link was up"},
    {"link_down_s", "s", DCS_BETTER_LOWER, DCS_METRIC_FIGURE, "seconds the link was down"},
    {"link_failures", "count", DCS_BETTER_LOWER, DCS_METRIC_COUNT,
     "times the link went down (scheduled faults and random failures)"},
    {"link_availability_expected", "ratio", DCS_BETTER_HIGHER, DCS_METRIC_FIGURE,
     "steady-state availability MTBF / (MTBF + MTTR) of the link's random failures"},
};

static const struct dcs_event_def faults_events[] = {
    {"events.csv", "fault", DCS_SEV_FAILURE,
     "a fault is injected: something goes down or degrades"},
    {"events.csv", "recovery", DCS_SEV_GOOD, "a fault ends: what went down comes back"},
};

static const struct dcs_metric_family faults_family = {
    .producer = "faults",
    .metrics = faults_metrics,
    .n_metrics = sizeof(faults_metrics) / sizeof(faults_metrics[0]),
    .events = faults_events,
    .n_events = sizeof(faults_events) / sizeof(faults_events[0]),
};

/* Random link failures draw their up and repair times. */
static const char *faults_randomness(const struct dcs_scenario *scn)
{
	for (size_t l = 0; l < scn->n_links; l++)
		if (scn->links[l].mtbf_s > 0)
			return "random link failures (links[].mtbf_s)";
	return NULL;
}

const struct dcs_model_ops dcs_model_faults = {
    .name = "faults",
    .create = faults_create,
    .start = faults_start,
    .finish = faults_finish,
    .destroy = faults_destroy,
    .metrics = &faults_family,
    .randomness = faults_randomness,
};
