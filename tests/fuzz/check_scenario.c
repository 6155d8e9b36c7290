/* The loader's promises about a loaded scenario, checked by the fuzz targets. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "dcisim/scenario.h"
#include "fuzz.h"

#define IN(i, n)      ((i) >= 0 && (size_t)(i) < (n))
#define OPT_IN(i, n)  ((i) == -1 || IN(i, n))
#define FIN(x)        isfinite(x)
#define FIN_OR_NAN(x) (isfinite(x) || isnan(x))

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
 * and without control bytes unless allowed (a description may hold an
 * escaped line break). */
static void check_text(const char *s, bool controls, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p, cp, n;
		if (c < 0x80) {
			fuzz_require(controls || (c >= 0x20 && c != 0x7f),
				     "%s has control byte %#x", what, c);
			p++;
			continue;
		}
		n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		cp = c & (0x3f >> n);
		fuzz_require(c >= 0xc2 && c <= 0xf4, "%s: byte %#x is not UTF-8", what, c);
		for (unsigned i = 1; i <= n; i++) {
			fuzz_require((p[i] & 0xc0) == 0x80, "%s: bad continuation byte", what);
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		fuzz_require(cp >= (n == 1   ? 0x80u
				    : n == 2 ? 0x800u
					     : 0x10000u) &&
				 cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff),
			     "%s: code point %#x", what, cp);
		p += n + 1;
	}
}

static void check_id(const char *id, const char *what)
{
	fuzz_require(id && id[0] && strlen(id) <= 64, "%s has no valid id", what);
	fuzz_require(!strpbrk(id, ",\"\n\r\t "), "%s id '%s' has a forbidden character", what, id);
	check_text(id, false, what);
}

void fuzz_check_scenario(const struct dcs_scenario *s)
{
	fuzz_require(s->version == 1, "version %d", s->version);
	check_id(s->name, "the scenario");
	fuzz_require(s->name[0] != '.' && !strchr(s->name, '/'), "name '%s'", s->name);
	if (s->description)
		check_text(s->description, true, "the description");
	fuzz_require(FIN(s->duration_s) && s->duration_s > 0, "duration %g", s->duration_s);
	fuzz_require(s->n_sites >= 1 && s->sites, "%zu sites", s->n_sites);
	fuzz_require(FIN(s->output.sample_s) && s->output.sample_s > 0, "sample_s");
	for (size_t i = 0; i < s->n_sites; i++) {
		check_id(s->sites[i].id, "a site");
		fuzz_require(s->sites[i].name, "site %zu has no name", i);
		check_text(s->sites[i].name, true, "a site name");
		for (size_t j = 0; j < i; j++)
			fuzz_require(strcmp(s->sites[i].id, s->sites[j].id), "duplicate site id");
	}
	for (size_t i = 0; i < s->n_links; i++) {
		const struct dcs_link_cfg *l = &s->links[i];
		check_id(l->id, "a link");
		fuzz_require(IN(l->a, s->n_sites) && IN(l->b, s->n_sites) && l->a != l->b,
			     "link %zu ends %d %d", i, l->a, l->b);
		fuzz_require(l->technology >= 0 && l->technology < DCS_TECH_COUNT, "technology");
		fuzz_require(FIN(l->distance_km) && l->distance_km >= 0, "distance");
		fuzz_require(FIN(l->bandwidth_gbps) && l->bandwidth_gbps > 0, "bandwidth");
		fuzz_require(l->background_gbps < l->bandwidth_gbps, "background");
		fuzz_require(FIN(l->loss) && l->loss >= 0 && l->loss <= 0.5, "loss");
	}
	for (size_t i = 0; i < s->n_vms; i++) {
		check_id(s->vms[i].id, "a VM");
		fuzz_require(IN(s->vms[i].site, s->n_sites), "vm site");
		fuzz_require(FIN(s->vms[i].memory_gib) && s->vms[i].memory_gib > 0, "memory");
		fuzz_require(FIN(s->vms[i].wws_gib) && s->vms[i].wws_gib <= s->vms[i].memory_gib,
			     "wws %g > memory %g", s->vms[i].wws_gib, s->vms[i].memory_gib);
	}
	const struct dcs_storage_cfg *st = &s->storage;
	if (st->present) {
		fuzz_require(st->n_arrays == (st->mode == DCS_STORAGE_SHARED ? 1u : 2u), "arrays");
		for (size_t i = 0; i < st->n_arrays; i++)
			fuzz_require(IN(st->arrays[i].site, s->n_sites) &&
					 st->arrays[i].servers >= 1,
				     "array %zu", i);
		fuzz_require(IN(st->preferred_site, s->n_sites), "preferred site");
		fuzz_require(OPT_IN(st->witness_site, s->n_sites), "witness site");
	}
	for (size_t i = 0; i < st->n_workloads; i++) {
		const struct dcs_workload_cfg *w = &st->workloads[i];
		fuzz_require((w->site >= 0) != (w->vm >= 0), "workload %zu site/vm", i);
		fuzz_require(OPT_IN(w->site, s->n_sites) && OPT_IN(w->vm, s->n_vms),
			     "workload refs");
		fuzz_require(FIN(w->iops) && w->iops > 0 && FIN_OR_NAN(w->for_s) &&
				 w->queue_depth >= 1,
			     "workload rates");
	}
	for (size_t i = 0; i < s->n_migrations; i++) {
		const struct dcs_migration_cfg *m = &s->migrations[i];
		fuzz_require((m->vm >= 0) != (m->evacuate >= 0), "migration %zu vm/evacuate", i);
		fuzz_require(OPT_IN(m->vm, s->n_vms) && OPT_IN(m->evacuate, s->n_sites) &&
				 IN(m->to, s->n_sites),
			     "migration refs");
		fuzz_require(FIN(m->at_s) && m->at_s >= 0, "migration at_s");
	}
	for (size_t i = 0; i < s->n_services; i++) {
		const struct dcs_service_cfg *v = &s->services[i];
		check_id(v->id, "a service");
		fuzz_require(OPT_IN(v->vm, s->n_vms) && OPT_IN(v->cluster, s->n_clusters) &&
				 (v->vm >= 0) != (v->cluster >= 0) && v->n_clients >= 1,
			     "service %zu", i);
		double sum = 0;
		for (size_t k = 0; k < v->n_clients; k++) {
			fuzz_require(IN(v->clients[k].site, s->n_sites), "client site");
			sum += v->clients[k].share;
		}
		fuzz_require(fabs(sum - 1) <= 1e-6, "shares %g", sum);
	}
	for (size_t i = 0; i < s->n_clusters; i++) {
		const struct dcs_cluster_cfg *c = &s->clusters[i];
		check_id(c->id, "a cluster");
		fuzz_require(c->n_nodes >= 2 && IN(c->service_on, c->n_nodes), "cluster %zu", i);
		for (size_t k = 0; k < c->n_nodes; k++) {
			check_id(c->nodes[k].id, "a node");
			fuzz_require(IN(c->nodes[k].site, s->n_sites), "node site");
		}
		fuzz_require(OPT_IN(c->witness_site, s->n_sites), "cluster witness");
		fuzz_require(c->quorum != DCS_QUORUM_WITNESS || c->witness_site >= 0, "witness");
	}
	for (size_t i = 0; i < s->n_faults; i++) {
		const struct dcs_fault_cfg *f = &s->faults[i];
		fuzz_require(FIN(f->at_s) && f->at_s <= s->duration_s, "fault %zu at_s", i);
		fuzz_require(OPT_IN(f->link, s->n_links) && OPT_IN(f->site, s->n_sites),
			     "fault refs");
		if (f->kind == DCS_FAULT_NODE_DOWN || f->kind == DCS_FAULT_NODE_UP)
			fuzz_require(IN(f->cluster, s->n_clusters) &&
					 IN(f->node, s->clusters[f->cluster].n_nodes),
				     "fault node");
		if (f->kind <= DCS_FAULT_LINK_DEGRADE)
			fuzz_require(f->link >= 0, "link fault without a link");
	}
}
