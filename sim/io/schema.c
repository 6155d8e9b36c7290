/* JSON Schema (draft 2020-12) generated from the loader's descriptor tables. */
#include <math.h>
#include <stdlib.h>

#include "dcisim/loader.h"
#include "loader_internal.h"

static cJSON *schema_of(const struct spec *sp);

static void add_range(cJSON *o, const struct field *f)
{
	if (isfinite(f->min)) {
		if (f->flags & GT_MIN)
			cJSON_AddNumberToObject(o, "exclusiveMinimum", f->min);
		else
			cJSON_AddNumberToObject(o, "minimum", f->min);
	}
	if (isfinite(f->max))
		cJSON_AddNumberToObject(o, "maximum", f->max);
}

static cJSON *field_schema(const struct field *f)
{
	cJSON *o;
	switch (f->type) {
	case F_NUM:
	case F_INT:
	case F_U64:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", f->type == F_NUM ? "number" : "integer");
		add_range(o, f);
		if (!(f->flags & (NODEF | REQ)))
			cJSON_AddNumberToObject(o, "default", f->def);
		break;
	case F_BOOL:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "boolean");
		cJSON_AddBoolToObject(o, "default", f->def != 0);
		break;
	case F_STR:
	case F_ID:
	case F_SITE:
	case F_VM:
	case F_LINK:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "string");
		if (f->type == F_ID) {
			cJSON_AddNumberToObject(o, "minLength", 1);
			cJSON_AddNumberToObject(o, "maxLength", 64);
		}
		break;
	case F_ENUM: {
		o = cJSON_CreateObject();
		cJSON *e = cJSON_AddArrayToObject(o, "enum");
		const char *name;
		for (int i = 0; (name = ld_enum_name(f, i)); i++)
			cJSON_AddItemToArray(e, cJSON_CreateString(name));
		if (!(f->flags & (NODEF | REQ)))
			cJSON_AddStringToObject(o, "default", ld_enum_name(f, ld_enum_default(f)));
		break;
	}
	case F_OBJ:
		o = schema_of(f->sub);
		break;
	case F_ARR:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "array");
		cJSON_AddItemToObject(o, "items", schema_of(f->sub));
		break;
	case F_CUSTOM:
	default:
		o = cJSON_Parse(f->schema ? f->schema : "{}");
		break;
	}
	if (o && f->doc)
		cJSON_AddStringToObject(o, "description", f->doc);
	return o;
}

static cJSON *schema_of(const struct spec *sp)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "object");
	cJSON *props = cJSON_AddObjectToObject(o, "properties");
	cJSON *req = cJSON_CreateArray();
	for (size_t i = 0; i < sp->n; i++) {
		cJSON_AddItemToObject(props, sp->fields[i].key, field_schema(&sp->fields[i]));
		if (sp->fields[i].flags & REQ)
			cJSON_AddItemToArray(req, cJSON_CreateString(sp->fields[i].key));
	}
	if (cJSON_GetArraySize(req) > 0)
		cJSON_AddItemToObject(o, "required", req);
	else
		cJSON_Delete(req);
	cJSON_AddBoolToObject(o, "additionalProperties", 0);
	return o;
}

char *dcs_schema_json(void)
{
	cJSON *root = schema_of(&dcs_scenario_spec);
	if (!root)
		return NULL;
	/* Put the meta keys first, as editors expect. */
	cJSON *top = cJSON_CreateObject();
	cJSON_AddStringToObject(top, "$schema", "https://json-schema.org/draft/2020-12/schema");
	cJSON_AddStringToObject(top, "$id", "https://dcisim.invalid/schema/scenario-1.json");
	cJSON_AddStringToObject(top, "title", "dcisim scenario, format version 1");
	for (cJSON *c = root->child; c;) {
		cJSON *next = c->next;
		cJSON_AddItemToObject(top, c->string, cJSON_DetachItemViaPointer(root, c));
		c = next;
	}
	cJSON_Delete(root);
	char *text = cJSON_Print(top);
	cJSON_Delete(top);
	return text;
}
