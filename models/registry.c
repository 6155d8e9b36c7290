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
