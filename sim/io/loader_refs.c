/*
 * References in a scenario (loader_internal.h): site, VM, link and cluster
 * node ids resolved to indices through hash tables built at the first
 * lookup, so n references to n ids stay linear; unknown ids are errors that
 * list the known ones.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dcisim/hash.h"
#include "dcisim/loader.h"
#include "dcisim/output.h"
#include "loader_internal.h"
#include "textsafe.h"

int ld_find_site(const struct dcs_scenario *scn, const char *id)
{
	for (size_t i = 0; i < scn->n_sites; i++)
		if (scn->sites[i].id && strcmp(scn->sites[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* A reference's index: sites (kind 0), VMs (1) or links (2), looked up in
 * a hash of the array's ids built at the first lookup (arrays are parsed
 * before the sections that refer to them; a changed array is re-indexed).
 * The first of two equal ids wins, as in a linear search.  -1 when absent. */
static int find_ref(struct ld *L, int kind, const char *id)
{
	const struct dcs_scenario *s = L->scn;
	const char *items = kind == 0   ? (const char *)s->sites
			    : kind == 1 ? (const char *)s->vms
					: (const char *)s->links;
	size_t n = kind == 0 ? s->n_sites : kind == 1 ? s->n_vms : s->n_links;
	size_t stride = kind == 0   ? sizeof(*s->sites)
			: kind == 1 ? sizeof(*s->vms)
				    : sizeof(*s->links);
	size_t off = kind == 0   ? offsetof(struct dcs_site_cfg, id)
		     : kind == 1 ? offsetof(struct dcs_vm_cfg, id)
				 : offsetof(struct dcs_link_cfg, id);
#define ID_AT(i) (*(char *const *)(items + (i)*stride + off))
	struct ld_index *x = &L->ix[kind];
	if (x->items != items || x->n != n || !x->slot) {
		free(x->slot);
		x->items = items;
		x->n = n;
		for (x->cap = 16; x->cap < 2 * n; x->cap *= 2)
			;
		x->slot = calloc(x->cap, sizeof(*x->slot));
		for (size_t i = 0; x->slot && i < n; i++) {
			if (!ID_AT(i))
				continue;
			size_t h = (size_t)dcs_hash64(ID_AT(i), strlen(ID_AT(i)), 0) & (x->cap - 1);
			while (x->slot[h])
				h = (h + 1) & (x->cap - 1);
			x->slot[h] = i + 1;
		}
	}
	if (!x->slot) { /* out of memory: search the slow way */
		for (size_t i = 0; i < n; i++)
			if (ID_AT(i) && strcmp(ID_AT(i), id) == 0)
				return (int)i;
		return -1;
	}
	for (size_t h = (size_t)dcs_hash64(id, strlen(id), 0) & (x->cap - 1); x->slot[h];
	     h = (h + 1) & (x->cap - 1))
		if (strcmp(ID_AT(x->slot[h] - 1), id) == 0)
			return (int)(x->slot[h] - 1);
	return -1;
#undef ID_AT
}

int ld_find_node(struct ld *L, const char *id, int *cluster, int *node)
{
	const struct dcs_scenario *s = L->scn;
	struct ld_index *x = &L->nodes_ix;
	size_t total = 0;
	for (size_t c = 0; c < s->n_clusters; c++)
		total += s->clusters[c].n_nodes;
	if (x->items != s->clusters || x->n != total || !x->slot) {
		free(x->slot);
		free(L->node_cluster);
		free(L->node_index);
		x->items = s->clusters;
		x->n = total;
		for (x->cap = 16; x->cap < 2 * total; x->cap *= 2)
			;
		x->slot = calloc(x->cap, sizeof(*x->slot));
		L->node_cluster = malloc((total + 1) * sizeof(int));
		L->node_index = malloc((total + 1) * sizeof(int));
		if (!x->slot || !L->node_cluster || !L->node_index) {
			free(x->slot);
			x->slot = NULL;
			return -1; /* out of memory */
		}
		size_t e = 0;
		for (size_t c = 0; c < s->n_clusters; c++)
			for (size_t k = 0; k < s->clusters[c].n_nodes; k++, e++) {
				L->node_cluster[e] = (int)c;
				L->node_index[e] = (int)k;
				const char *nid = s->clusters[c].nodes[k].id;
				if (!nid)
					continue;
				size_t h = (size_t)dcs_hash64(nid, strlen(nid), 0) & (x->cap - 1);
				while (x->slot[h])
					h = (h + 1) & (x->cap - 1);
				x->slot[h] = e + 1;
			}
	}
	int found = 0;
	for (size_t h = (size_t)dcs_hash64(id, strlen(id), 0) & (x->cap - 1);
	     x->slot[h] && found < 2; h = (h + 1) & (x->cap - 1)) {
		size_t e = x->slot[h] - 1;
		const struct dcs_cluster_cfg *cl = &s->clusters[L->node_cluster[e]];
		if (strcmp(cl->nodes[L->node_index[e]].id, id) != 0)
			continue;
		if (found++ == 0) {
			*cluster = L->node_cluster[e];
			*node = L->node_index[e];
		}
	}
	return found;
}

/* Lists known ids for a "no such ..." message, at most a few. */
static void list_ids(char *buf, size_t len, const char *what, size_t n,
		     const char *(*get)(const struct dcs_scenario *, size_t),
		     const struct dcs_scenario *scn)
{
	size_t used = (size_t)snprintf(buf, len, n ? " (%s:" : " (no %s defined)", what);
	for (size_t i = 0; i < n && i < 8 && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %s", get(scn, i));
	if (n && used < len)
		snprintf(buf + used, len - used, "%s)", n > 8 ? " ..." : "");
}

/* Ids that failed their own checks are NULL. */
static const char *site_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->sites[i].id ? s->sites[i].id : "?";
}
static const char *vm_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->vms[i].id ? s->vms[i].id : "?";
}
static const char *link_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->links[i].id ? s->links[i].id : "?";
}

void ld_parse_ref(struct ld *L, const cJSON *obj, const struct field *f, const cJSON *v, int *out)
{
	if (!cJSON_IsString(v)) {
		ld_error(L, obj, f->key, "must be a string (an id), not %s", ld_type_name(v));
		return;
	}
	const struct dcs_scenario *s = L->scn;
	char known[256];
	int idx;
	idx = find_ref(L, f->type == F_SITE ? 0 : f->type == F_VM ? 1 : 2, v->valuestring);
	if (idx >= 0) {
		*out = idx;
		return;
	}
	if (f->type == F_SITE)
		list_ids(known, sizeof(known), "sites", s->n_sites, site_id_at, s);
	else if (f->type == F_VM)
		list_ids(known, sizeof(known), "vms", s->n_vms, vm_id_at, s);
	else
		list_ids(known, sizeof(known), "links", s->n_links, link_id_at, s);
	ld_error(L, obj, f->key, "no %s named '%s'%s",
		 f->type == F_SITE ? "site"
		 : f->type == F_VM ? "VM"
				   : "link",
		 v->valuestring, known);
}

static const char *cluster_id_at(const struct dcs_scenario *s, size_t i)
{
	return s->clusters[i].id ? s->clusters[i].id : "?";
}

void ld_cluster_ref(struct ld *L, const cJSON *obj, const char *key, const cJSON *v, int *out)
{
	if (!cJSON_IsString(v)) {
		ld_error(L, obj, key, "must be a string (an id), not %s", ld_type_name(v));
		return;
	}
	const struct dcs_scenario *s = L->scn;
	for (size_t i = 0; i < s->n_clusters; i++)
		if (s->clusters[i].id && strcmp(s->clusters[i].id, v->valuestring) == 0) {
			*out = (int)i;
			return;
		}
	char known[256];
	list_ids(known, sizeof(known), "clusters", s->n_clusters, cluster_id_at, s);
	ld_error(L, obj, key, "no cluster named '%s'%s", v->valuestring, known);
}
