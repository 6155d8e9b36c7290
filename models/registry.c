/*
 * The model registry: every model family, in start order.  The links model
 * comes first so that link state is reported before other models react.
 */
#include "dcisim/world.h"

extern const struct dcs_model_ops dcs_model_links;
/* -- model declarations: add one line per model family below -- */
extern const struct dcs_model_ops dcs_model_l2;
extern const struct dcs_model_ops dcs_model_l3;
extern const struct dcs_model_ops dcs_model_migration;
extern const struct dcs_model_ops dcs_model_cluster;
extern const struct dcs_model_ops dcs_model_faults;
extern const struct dcs_model_ops dcs_model_storage;

const struct dcs_model_ops *const dcs_models[] = {
    &dcs_model_links,
    /* -- model entries: add one line per model family below -- */
    &dcs_model_l2,
    &dcs_model_l3,
    &dcs_model_migration,
    &dcs_model_cluster,
    &dcs_model_faults,
    &dcs_model_storage,
};

const size_t dcs_n_models = sizeof(dcs_models) / sizeof(dcs_models[0]);

const struct dcs_catalog *dcs_world_catalog_init(struct dcs_world_catalog *wc)
{
	size_t n = 0;
	wc->families[n++] = &dcs_core_metrics;
	for (size_t i = 0; i < dcs_n_models && n < DCS_MAX_MODELS + 1; i++)
		if (dcs_models[i]->metrics)
			wc->families[n++] = dcs_models[i]->metrics;
	wc->catalog.families = wc->families;
	wc->catalog.n_families = n;
	return &wc->catalog;
}
