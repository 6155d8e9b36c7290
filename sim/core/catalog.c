/* Catalogs of the scenario format's named lists (dcisim/catalog.h). */
#include "dcisim/catalog.h"

#include <string.h>

#include "dcisim/faultkinds.h"
#include "dcisim/ingress.h"
#include "dcisim/migration_engines.h"
#include "dcisim/presets.h"
#include "dcisim/tech.h"

int dcs_catalog_find(const struct dcs_catalog *c, const char *name)
{
	for (int i = 0; i < c->count; i++)
		if (strcmp(c->name(i), name) == 0)
			return i;
	return -1;
}

int dcs_catalog_default(const struct dcs_catalog *c)
{
	return c->def ? dcs_catalog_find(c, c->def) : -1;
}

const struct dcs_catalog *const dcs_catalogs[] = {
    &dcs_tech_catalog,           &dcs_migration_engine_catalog, &dcs_ingress_catalog,
    &dcs_cluster_preset_catalog, &dcs_fault_kind_catalog,       NULL,
};
