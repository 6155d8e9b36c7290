/* The scenario format's named lists, seen from outside their tables (dcisim/namelist.h). */
#include "dcisim/namelist.h"

#include <string.h>

#include "dcisim/faultkinds.h"
#include "dcisim/ingress.h"
#include "dcisim/migration_engines.h"
#include "dcisim/presets.h"
#include "dcisim/syncproducts.h"
#include "dcisim/tech.h"

int dcs_namelist_find(const struct dcs_namelist *c, const char *name)
{
	for (int i = 0; i < c->count; i++)
		if (strcmp(c->name(i), name) == 0)
			return i;
	return -1;
}

int dcs_namelist_default(const struct dcs_namelist *c)
{
	return c->def ? dcs_namelist_find(c, c->def) : -1;
}

const struct dcs_namelist *const dcs_namelists[] = {
    &dcs_tech_list,
    &dcs_migration_engine_list,
    &dcs_ingress_list,
    &dcs_cluster_preset_list,
    &dcs_fault_kind_list,
    &dcs_sync_product_list,
    NULL,
};
