#include "dcisim/world.h"

#include <stdlib.h>
#include <string.h>

#include "dcisim/hash.h"

/* The run fingerprint: a hash of every event time, in order.  It runs after
 * every event, so each step is one multiplication and one shift: h = (h xor
 * t) x K, then h xor= h >> 32 (K = 2^64 / golden ratio, odd, as in
 * splitmix64).  Both steps are bijections of h, so two streams that differ
 * in one time differ in h from there; the shift folds the product's high
 * bits into the low ones that the next time's low bits meet.  It replaced
 * FNV-1a over the time's eight bytes (eight dependent multiplications, 7 %
 * of the storage benchmark's CPU time). */
static void fingerprint_observer(void *ctx, dcs_time_t t, dcs_event_fn fn)
{
	(void)fn; /* handler addresses differ between builds and runs (PIE) */
	struct dcs_world *w = ctx;
	uint64_t h = (w->fingerprint ^ (uint64_t)t) * UINT64_C(0x9e3779b97f4a7c15);
	w->fingerprint = h ^ h >> 32;
}

struct dcs_world *dcs_world_create(const struct dcs_scenario *scn, uint64_t seed)
{
	struct dcs_world *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->scn = scn;
	w->horizon = dcs_time_from_s(scn->duration_s);
	w->k = dcs_kernel_create(seed);
	w->bus = dcs_bus_create();
	w->res = dcs_results_create();
	w->vm_site = calloc(scn->n_vms + 1, sizeof(int));
	w->vm_paused = calloc(scn->n_vms + 1, sizeof(bool));
	w->vm_speed = calloc(scn->n_vms + 1, sizeof(double));
	w->service_site = calloc(scn->n_clusters + 1, sizeof(int));
	w->model_state = calloc(dcs_n_models + 1, sizeof(void *));
	if (!w->k || !w->bus || !w->res || !w->vm_site || !w->vm_paused || !w->vm_speed ||
	    !w->service_site || !w->model_state)
		goto fail;
	w->net = dcs_net_create(w->k, w->bus, scn);
	if (!w->net)
		goto fail;
	for (size_t i = 0; i < scn->n_vms; i++) {
		w->vm_site[i] = scn->vms[i].site;
		w->vm_speed[i] = 1.0;
	}
	for (size_t i = 0; i < scn->n_clusters; i++) {
		const struct dcs_cluster_cfg *c = &scn->clusters[i];
		w->service_site[i] = c->service_on >= 0 && (size_t)c->service_on < c->n_nodes
					 ? c->nodes[c->service_on].site
					 : -1;
	}
	dcs_results_set_catalog(w->res, dcs_world_catalog_init(&w->catalog));
	w->fingerprint = dcs_hash64("dcisim", 6, 0);
	dcs_kernel_set_observer(w->k, fingerprint_observer, w);
	for (size_t i = 0; i < dcs_n_models; i++)
		if (dcs_models[i]->create(w, &w->model_state[i]) != 0)
			goto fail;
	return w;
fail:
	dcs_world_destroy(w);
	return NULL;
}

void dcs_world_destroy(struct dcs_world *w)
{
	if (!w)
		return;
	if (w->model_state)
		for (size_t i = dcs_n_models; i-- > 0;)
			if (w->model_state[i])
				dcs_models[i]->destroy(w->model_state[i]);
	free(w->model_state);
	dcs_net_destroy(w->net);
	dcs_results_destroy(w->res);
	dcs_bus_destroy(w->bus);
	dcs_kernel_destroy(w->k);
	free(w->vm_site);
	free(w->vm_paused);
	free(w->vm_speed);
	free(w->service_site);
	free(w);
}

static void start_models(struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (w->model_state[i] && dcs_models[i]->start)
			dcs_models[i]->start(w, w->model_state[i]);
}

void dcs_world_start(struct dcs_world *w)
{
	if (!w->started) {
		w->started = true;
		start_models(w);
	}
}

enum dcs_stop_reason dcs_world_run(struct dcs_world *w, dcs_time_t until)
{
	dcs_world_start(w);
	if (until > w->horizon)
		until = w->horizon;
	return dcs_kernel_run(w->k, until);
}

void dcs_world_finish(struct dcs_world *w)
{
	for (size_t i = 0; i < dcs_n_models; i++)
		if (w->model_state[i] && dcs_models[i]->finish)
			dcs_models[i]->finish(w, w->model_state[i]);
}

const char *dcs_scenario_randomness(const struct dcs_scenario *scn)
{
	for (size_t i = 0; i < dcs_n_models; i++) {
		const char *why = dcs_models[i]->randomness ? dcs_models[i]->randomness(scn) : NULL;
		if (why)
			return why;
	}
	return NULL;
}

bool dcs_scenario_has_loss(const struct dcs_scenario *scn)
{
	for (size_t i = 0; i < scn->n_links; i++)
		if (scn->links[i].loss > 0)
			return true;
	for (size_t i = 0; i < scn->n_faults; i++)
		if (scn->faults[i].kind == DCS_FAULT_LINK_DEGRADE && scn->faults[i].loss > 0)
			return true;
	return false;
}

int dcs_world_vm_site(const struct dcs_world *w, int vm)
{
	return w->vm_site[vm];
}

void dcs_world_move_vm(struct dcs_world *w, int vm, int to_site)
{
	int from = w->vm_site[vm];
	w->vm_site[vm] = to_site;
	struct dcs_note n = {
	    .kind = DCS_NOTE_VM_MOVED, .index = vm, .from = from, .to = to_site, .up = true};
	dcs_bus_publish(w->bus, &n);
}

static void publish_vm(struct dcs_world *w, enum dcs_note_kind kind, int vm)
{
	struct dcs_note n = {.kind = kind,
			     .index = vm,
			     .from = w->vm_site[vm],
			     .to = w->vm_site[vm],
			     .up = !w->vm_paused[vm],
			     .factor = w->vm_speed[vm]};
	dcs_bus_publish(w->bus, &n);
}

void dcs_world_pause_vm(struct dcs_world *w, int vm)
{
	if (w->vm_paused[vm])
		return;
	w->vm_paused[vm] = true;
	publish_vm(w, DCS_NOTE_VM_PAUSED, vm);
}

void dcs_world_resume_vm(struct dcs_world *w, int vm)
{
	if (!w->vm_paused[vm])
		return;
	w->vm_paused[vm] = false;
	publish_vm(w, DCS_NOTE_VM_RESUMED, vm);
}

bool dcs_world_vm_running(const struct dcs_world *w, int vm)
{
	return !w->vm_paused[vm];
}

void dcs_world_set_vm_speed(struct dcs_world *w, int vm, double factor)
{
	if (w->vm_speed[vm] == factor)
		return;
	w->vm_speed[vm] = factor;
	publish_vm(w, DCS_NOTE_VM_SPEED, vm);
}

double dcs_world_vm_speed(const struct dcs_world *w, int vm)
{
	return w->vm_speed[vm];
}

int dcs_world_service_site(const struct dcs_world *w, int cluster)
{
	return w->service_site[cluster];
}

void dcs_world_set_service_site(struct dcs_world *w, int cluster, int site)
{
	int from = w->service_site[cluster];
	if (from == site)
		return;
	w->service_site[cluster] = site;
	struct dcs_note n = {.kind = DCS_NOTE_SERVICE_SITE,
			     .index = cluster,
			     .from = from,
			     .to = site,
			     .up = site >= 0};
	dcs_bus_publish(w->bus, &n);
}

uint64_t dcs_world_vm_held_ios(const struct dcs_world *w, int vm)
{
	if (!w->q.vm_held_ios)
		return 0;
	return w->q.vm_held_ios(w->q.storage_ctx, vm);
}

bool dcs_world_site_writable(const struct dcs_world *w, int site)
{
	if (!w->q.site_writable)
		return true;
	return w->q.site_writable(w->q.storage_ctx, site);
}

double dcs_world_ip_move_convergence_s(const struct dcs_world *w, int from_site, int to_site)
{
	if (!w->q.ip_move_convergence_s)
		return 0.0;
	return w->q.ip_move_convergence_s(w->q.l3_ctx, from_site, to_site);
}
