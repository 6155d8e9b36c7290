/* What kind of dcisim JSON file a text is, from its top-level keys, so that
 * `dcisim validate` over a whole folder can treat sweeps, plans and the
 * schema too. */
#include <cjson/cJSON.h>

#include "dcisim/loader.h"

enum dcs_file_kind dcs_json_file_kind(const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	enum dcs_file_kind kind = DCS_FILE_SCENARIO;
	if (cJSON_IsObject(root)) {
		if (cJSON_GetObjectItemCaseSensitive(root, "dcisim_sweep"))
			kind = DCS_FILE_SWEEP;
		else if (cJSON_GetObjectItemCaseSensitive(root, "dcisim_plan") ||
			 (cJSON_GetObjectItemCaseSensitive(root, "vary") &&
			  cJSON_GetObjectItemCaseSensitive(root, "targets")))
			kind = DCS_FILE_PLAN; /* a plan, perhaps without its version key */
		else if (cJSON_GetObjectItemCaseSensitive(root, "$schema"))
			kind = DCS_FILE_SCHEMA;
	}
	cJSON_Delete(root);
	return kind;
}
