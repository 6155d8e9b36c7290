/*
 * The view model: what the viewer knows of a run, built from observation
 * records only (viz_internal.h).  It reads the results tables by column name
 * (SPEC §3), so a model that adds columns changes nothing here, and a table
 * or column that is absent just leaves that part of the view empty.
 *
 * Migration progress inside a round is an estimate: the VM's share of its
 * link (the link's flow rate over its flow count) integrated since the round
 * began; each rounds.csv row replaces the estimate with the round's figures.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcisim/metrics.h"
#include "dcisim/net.h"
#include "dcisim/world.h"
#include "viz_internal.h"

struct tab_spec {
	enum vz_tab kind;
	const char *file;
	const char *cols[VZ_MAXCOL];
};

/* Column roles; the order is the index into vz_table.col (the role enums of
 * viz_internal.h). */
static const struct tab_spec tab_specs[] = {
    {VZ_TAB_EVENTS, "events.csv", {"time_s", "kind", "entity", "detail"}},
    {VZ_TAB_ROUNDS,
     "rounds.csv",
     {"vm", "round", "start_s", "end_s", "bytes", "dirty_bytes_at_end", "phase"}},
    {VZ_TAB_MIGRATIONS,
     "migrations.csv",
     {"vm", "from", "to", "total_s", "downtime_ms", "rounds", "bytes_sent", "outcome", "start_s",
      "end_s"}},
    {VZ_TAB_PATHS,
     "paths.csv",
     {"time_s", "service", "client_site", "serving_site", "ingress_site", "egress_site", "rtt_ms",
      "state"}},
    {VZ_TAB_CLUSTER, "cluster.csv", {"time_s", "cluster", "event", "node", "site", "detail"}},
    {VZ_TAB_STORAGE,
     "storage.csv",
     {"site", "op", "count", "mean_ms", "p99_ms", "phase", "time_s"}},
    /* The same figures every output.sample_s, for the I/O of the last
     * interval: the view shows them as the run goes. */
    {VZ_TAB_STORAGE,
     "storage_series.csv",
     {"site", "op", "count", "mean_ms", "p99_ms", "phase", "time_s"}},
};

void vz_table_resolve(struct vz_table *tb, const char *file, size_t ncols, const char *const *cols)
{
	tb->kind = VZ_TAB_OTHER;
	for (int r = 0; r < VZ_MAXCOL; r++)
		tb->col[r] = -1;
	for (size_t s = 0; s < sizeof(tab_specs) / sizeof(tab_specs[0]); s++) {
		if (strcmp(file, tab_specs[s].file) != 0)
			continue;
		tb->kind = tab_specs[s].kind;
		for (int r = 0; r < VZ_MAXCOL; r++)
			for (size_t c = 0; tab_specs[s].cols[r] && c < ncols; c++)
				if (!strcmp(cols[c], tab_specs[s].cols[r]))
					tb->col[r] = (int)c;
	}
}

#define LOG_MAX 4000

int vz_site_index(const struct dcs_scenario *scn, const char *s)
{
	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < scn->n_sites; i++)
		if (!strcmp(scn->sites[i].id, s) ||
		    (scn->sites[i].name && !strcmp(scn->sites[i].name, s)))
			return (int)i;
	return -1;
}

int vz_vm_index(const struct dcs_scenario *scn, const char *s)
{
	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < scn->n_vms; i++)
		if (!strcmp(scn->vms[i].id, s))
			return (int)i;
	return -1;
}

int vz_service_index(const struct dcs_scenario *scn, const char *s)
{
	for (size_t i = 0; s && i < scn->n_services; i++)
		if (!strcmp(scn->services[i].id, s))
			return (int)i;
	return -1;
}

int vz_cluster_index(const struct dcs_scenario *scn, const char *s)
{
	for (size_t i = 0; s && i < scn->n_clusters; i++)
		if (!strcmp(scn->clusters[i].id, s))
			return (int)i;
	return -1;
}

static int node_index(const struct dcs_cluster_cfg *c, const char *s)
{
	for (size_t i = 0; s && i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].id, s))
			return (int)i;
	return -1;
}

/* Case-insensitive substring. */
bool vz_has(const char *s, const char *word)
{
	if (!s)
		return false;
	size_t n = strlen(word);
	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return true;
	return false;
}

int vz_path_state(const char *s)
{
	return vz_has(s, "trombone")  ? VZ_PATH_TROMBONE
	       : vz_has(s, "unreach") ? VZ_PATH_UNREACH
	       : vz_has(s, "down")    ? VZ_PATH_DOWN
				      : VZ_PATH_OPTIMAL;
}

double vz_num(const char *s)
{
	if (!s || !*s)
		return NAN;
	char *e;
	double v = strtod(s, &e);
	return e == s ? NAN : v;
}

/* The tone of an event: the severity its producer declares
 * (include/dcisim/metrics.h); an undeclared kind is shown plain. */
enum vz_tone vz_tone_of(const char *file, const char *kind)
{
	struct dcs_world_catalog wc;
	const struct dcs_event_def *e = dcs_catalog_event(dcs_world_catalog_init(&wc), file, kind);
	if (!e)
		return VZ_NORMAL;
	switch (e->severity) {
	case DCS_SEV_GOOD:
		return VZ_GOOD;
	case DCS_SEV_WARNING:
		return VZ_WARN;
	case DCS_SEV_FAILURE:
		return VZ_BAD;
	case DCS_SEV_INFO:
		break;
	}
	return VZ_NORMAL;
}

struct vz_model *vz_model_create(const struct dcs_scenario *scn)
{
	struct vz_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->scn = scn;
	size_t ns = scn->n_sites + 1;
	m->links = calloc(scn->n_links + 1, sizeof(*m->links));
	m->site_up = calloc(ns, sizeof(bool));
	m->vm_site = calloc(scn->n_vms + 1, sizeof(int));
	m->mig = calloc(scn->n_vms + 1, sizeof(*m->mig));
	m->paths = calloc(scn->n_services * ns + 1, sizeof(*m->paths));
	m->nodes = calloc(scn->n_clusters + 1, sizeof(*m->nodes));
	m->clusters = calloc(scn->n_clusters + 1, sizeof(*m->clusters));
	m->array_up = calloc(ns, sizeof(bool));
	m->witness_up = calloc(ns, sizeof(bool));
	m->store = calloc(ns, sizeof(*m->store));
	if (!m->links || !m->site_up || !m->vm_site || !m->mig || !m->paths || !m->nodes ||
	    !m->clusters || !m->array_up || !m->witness_up || !m->store)
		goto fail;
	for (size_t c = 0; c < scn->n_clusters; c++) {
		m->nodes[c] = calloc(scn->clusters[c].n_nodes + 1, sizeof(struct vz_node));
		if (!m->nodes[c])
			goto fail;
	}
	vz_model_reset(m);
	return m;
fail:
	vz_model_destroy(m);
	return NULL;
}

static void clear_log(struct vz_model *m)
{
	for (int i = 0; i < m->log_n; i++)
		free(m->log[i].text);
	m->log_n = 0;
}

void vz_model_destroy(struct vz_model *m)
{
	if (!m)
		return;
	clear_log(m);
	free(m->log);
	free(m->tabs);
	free(m->links);
	free(m->site_up);
	free(m->vm_site);
	free(m->mig);
	free(m->paths);
	if (m->nodes)
		for (size_t c = 0; c < m->scn->n_clusters; c++)
			free(m->nodes[c]);
	free(m->nodes);
	free(m->clusters);
	free(m->array_up);
	free(m->witness_up);
	free(m->store);
	free(m);
}

void vz_model_reset(struct vz_model *m)
{
	const struct dcs_scenario *scn = m->scn;
	m->now = 0;
	m->notable = 0;
	m->finished = false;
	free(m->tabs);
	m->tabs = NULL;
	m->n_tabs = 0;
	clear_log(m);
	for (size_t l = 0; l < scn->n_links; l++) {
		m->links[l] = (struct vz_link){0};
		m->links[l].s.up = true;
		m->links[l].s.bandwidth_gbps = scn->links[l].bandwidth_gbps;
		m->links[l].util =
		    scn->links[l].bandwidth_gbps > 0
			? scn->links[l].background_gbps / scn->links[l].bandwidth_gbps
			: 0;
	}
	for (size_t s = 0; s < scn->n_sites; s++) {
		m->site_up[s] = true;
		m->array_up[s] = true;
		m->witness_up[s] = true;
		m->store[s] = (struct vz_store){0};
	}
	for (size_t v = 0; v < scn->n_vms; v++) {
		m->vm_site[v] = scn->vms[v].site;
		m->mig[v] = (struct vz_mig){.link = -1, .done_at = -1};
	}
	for (size_t i = 0; i < scn->n_services * (scn->n_sites + 1); i++)
		m->paths[i] = (struct vz_path){0};
	for (size_t c = 0; c < scn->n_clusters; c++) {
		const struct dcs_cluster_cfg *cc = &scn->clusters[c];
		m->clusters[c] = (struct vz_cluster){0};
		for (size_t n = 0; n < cc->n_nodes; n++) {
			struct vz_node *nd = &m->nodes[c][n];
			*nd = (struct vz_node){0};
			nd->service = (int)n == cc->service_on;
			snprintf(nd->state, sizeof(nd->state), "%s",
				 nd->service ? "running" : "standby");
			nd->tone = nd->service ? VZ_GOOD : VZ_NORMAL;
		}
	}
}

static void add_log(struct vz_model *m, dcs_time_t t, enum vz_tone tone, const char *text)
{
	if (m->log_n == LOG_MAX) {
		/* Keep the newest lines: drop the oldest quarter at once. */
		int drop = LOG_MAX / 4;
		for (int i = 0; i < drop; i++)
			free(m->log[i].text);
		memmove(m->log, m->log + drop, (size_t)(m->log_n - drop) * sizeof(*m->log));
		m->log_n -= drop;
	}
	if (m->log_n == m->log_cap) {
		int cap = m->log_cap ? 2 * m->log_cap : 64;
		struct vz_line *l = realloc(m->log, (size_t)cap * sizeof(*l));
		if (!l)
			return;
		m->log = l;
		m->log_cap = cap;
	}
	char *s = strdup(text);
	if (!s)
		return;
	m->log[m->log_n++] = (struct vz_line){.t = t, .tone = tone, .text = s};
}

const char *vz_cell(const struct vz_table *tb, const char *const *cells, int role)
{
	return tb->col[role] >= 0 ? cells[tb->col[role]] : NULL;
}

/* Where a VM is headed: its own migration entry, else an evacuation of its site. */
static int planned_dest(const struct vz_model *m, int vm)
{
	const struct dcs_scenario *scn = m->scn;
	for (size_t i = 0; i < scn->n_migrations; i++)
		if (scn->migrations[i].vm == vm)
			return scn->migrations[i].to;
	for (size_t i = 0; i < scn->n_migrations; i++)
		if (scn->migrations[i].vm < 0 && scn->migrations[i].evacuate == m->vm_site[vm])
			return scn->migrations[i].to;
	return -1;
}

static void mig_set_link(struct vz_model *m, struct vz_mig *g)
{
	g->link = -1;
	for (size_t l = 0; l < m->scn->n_links; l++) {
		const struct dcs_link_cfg *c = &m->scn->links[l];
		if ((c->a == g->from && c->b == g->to) || (c->b == g->from && c->a == g->to)) {
			g->link = (int)l;
			g->dir = c->a == g->from ? 0 : 1;
			return;
		}
	}
}

static double mig_share(const struct vz_model *m, const struct vz_mig *g)
{
	if (g->link < 0)
		return 0;
	const struct dcs_obs_link *s = &m->links[g->link].s;
	int n = s->flows[g->dir];
	return n > 0 ? s->rate_Bps[g->dir] / n : 0;
}

static void mig_start(struct vz_model *m, int vm, dcs_time_t t, int to)
{
	struct vz_mig *g = &m->mig[vm];
	if (g->active)
		return;
	int dest = to >= 0 ? to : planned_dest(m, vm);
	if (dest < 0 || dest == m->vm_site[vm])
		return;
	g->active = true;
	g->from = m->vm_site[vm];
	g->to = dest;
	g->round = 0;
	g->expect = m->scn->vms[vm].memory_gib * 1073741824.0;
	g->est = 0;
	g->t_est = t;
	g->sent = 0;
	g->started = t;
	snprintf(g->phase, sizeof(g->phase), "pre-copy");
	mig_set_link(m, g);
	g->share = mig_share(m, g);
}

double vz_mig_round_bytes(const struct vz_model *m, int vm, dcs_time_t t)
{
	const struct vz_mig *g = &m->mig[vm];
	if (!g->active)
		return 0;
	double b = g->est + (t > g->t_est ? g->share * dcs_time_to_s(t - g->t_est) : 0);
	return b < g->expect ? b : g->expect;
}

static void mig_end(struct vz_model *m, int vm, dcs_time_t t, const char *result, enum vz_tone tone)
{
	struct vz_mig *g = &m->mig[vm];
	g->active = false;
	g->done_at = t;
	if (result)
		snprintf(g->result, sizeof(g->result), "%s", result);
	g->result_tone = tone;
}

static void underscores_to_spaces(char *s)
{
	for (; *s; s++)
		if (*s == '_')
			*s = ' ';
}

/* Whether a VM's migration can switch to post-copy (its plan, or an
 * evacuation, under a policy or plan with postcopy). */
static bool uses_postcopy(const struct dcs_scenario *scn, int vm)
{
	for (size_t i = 0; i < scn->n_migrations; i++) {
		const struct dcs_migration_cfg *c = &scn->migrations[i];
		if (c->vm != vm && c->evacuate < 0)
			continue;
		if (c->postcopy == 1 || (c->postcopy < 0 && scn->migration.postcopy))
			return true;
	}
	return false;
}

static void on_event_row(struct vz_model *m, dcs_time_t t, const struct vz_table *tb,
			 const char *const *c)
{
	const char *ts = vz_cell(tb, c, EV_TIME), *kind = vz_cell(tb, c, EV_KIND);
	const char *ent = vz_cell(tb, c, EV_ENTITY), *det = vz_cell(tb, c, EV_DETAIL);
	char k[64];
	snprintf(k, sizeof(k), "%s", kind ? kind : "event");
	underscores_to_spaces(k);
	double at = vz_num(ts);
	if (!(at >= 0))
		at = dcs_time_to_s(t);
	char line[512];
	snprintf(line, sizeof(line), "%9.3f s  %s%s%s%s%s", at, ent && *ent ? ent : "",
		 ent && *ent ? ": " : "", k, det && *det ? " \xe2\x80\x94 " : "", det ? det : "");
	add_log(m, t, vz_tone_of("events.csv", kind), line);
	m->notable++;
	/* A migration's phases, from the migration model's events.csv rows; the
	 * entity is the VM, or "vm#2" for its second migration. */
	char id[96];
	snprintf(id, sizeof(id), "%s", ent ? ent : "");
	id[strcspn(id, "#")] = '\0';
	int vm = vz_vm_index(m->scn, id);
	if (vm < 0)
		return;
	if (vz_has(kind, "migrat") && (vz_has(kind, "start") || vz_has(det, "start")))
		mig_start(m, vm, t, -1);
	struct vz_mig *g = &m->mig[vm];
	if (!g->active)
		return;
	if (vz_has(kind, "postcopy_start"))
		snprintf(g->phase, sizeof(g->phase), "post-copy: faults across the DCI");
	else if (vz_has(kind, "postcopy_lost"))
		snprintf(g->phase, sizeof(g->phase), "post-copy cut: VM lost");
	else if (vz_has(kind, "switchover"))
		snprintf(g->phase, sizeof(g->phase), "stop-and-copy");
	else if (vz_has(kind, "stun") || vz_has(kind, "converge"))
		snprintf(g->phase, sizeof(g->phase), "%.39s", k);
	else if (vz_has(kind, "stall"))
		snprintf(g->phase, sizeof(g->phase), "stalled: no path");
	else if (vz_has(kind, "resum"))
		snprintf(g->phase, sizeof(g->phase), "pre-copy");
}

static void on_round_row(struct vz_model *m, dcs_time_t t, const struct vz_table *tb,
			 const char *const *c)
{
	int vm = vz_vm_index(m->scn, vz_cell(tb, c, RD_VM));
	if (vm < 0)
		return;
	struct vz_mig *g = &m->mig[vm];
	if (!g->active)
		mig_start(m, vm, t, -1);
	if (!g->active)
		return;
	double r = vz_num(vz_cell(tb, c, RD_ROUND)), bytes = vz_num(vz_cell(tb, c, RD_BYTES));
	double dirty = vz_num(vz_cell(tb, c, RD_DIRTY)), end = vz_num(vz_cell(tb, c, RD_END));
	if (bytes >= 0)
		g->sent += bytes;
	g->round = r >= 0 ? (int)r + 1 : g->round + 1;
	g->expect = dirty >= 0 ? dirty : 0;
	g->est = 0;
	g->t_est = end >= 0 && dcs_time_from_s(end) <= t ? dcs_time_from_s(end) : t;
	g->share = mig_share(m, g);
}

static void on_migration_row(struct vz_model *m, dcs_time_t t, const struct vz_table *tb,
			     const char *const *c)
{
	int vm = vz_vm_index(m->scn, vz_cell(tb, c, MG_VM));
	if (vm < 0)
		return;
	const char *outcome = vz_cell(tb, c, MG_OUTCOME);
	double total = vz_num(vz_cell(tb, c, MG_TOTAL)), down = vz_num(vz_cell(tb, c, MG_DOWNTIME));
	double rounds = vz_num(vz_cell(tb, c, MG_ROUNDS));
	char res[112];
	snprintf(res, sizeof(res), "%s: %s in %.1f s, %.0f rounds, downtime %.0f ms",
		 m->scn->vms[vm].id, outcome && *outcome ? outcome : "done", total, rounds, down);
	/* Failed after the guest moved: only post-copy does that, and the VM is lost. */
	if (vz_has(outcome, "fail") &&
	    m->vm_site[vm] == vz_site_index(m->scn, vz_cell(tb, c, MG_TO)))
		snprintf(res, sizeof(res), "%s: VM LOST: the DCI failed during post-copy",
			 m->scn->vms[vm].id);
	enum vz_tone tone = vz_has(outcome, "converged")                               ? VZ_GOOD
			    : vz_has(outcome, "stun") || vz_has(outcome, "max_rounds") ? VZ_WARN
										       : VZ_BAD;
	if (!outcome)
		tone = VZ_NORMAL;
	mig_end(m, vm, t, res, tone);
}

static void on_path_row(struct vz_model *m, const struct vz_table *tb, const char *const *c)
{
	const struct dcs_scenario *scn = m->scn;
	int sv = vz_service_index(scn, vz_cell(tb, c, PA_SERVICE));
	int cl = vz_site_index(scn, vz_cell(tb, c, PA_CLIENT));
	if (sv < 0 || cl < 0)
		return;
	struct vz_path *p = &m->paths[(size_t)sv * (scn->n_sites + 1) + (size_t)cl];
	p->valid = true;
	p->client = cl;
	p->serving = vz_site_index(scn, vz_cell(tb, c, PA_SERVING));
	p->ingress = vz_site_index(scn, vz_cell(tb, c, PA_INGRESS));
	p->egress = vz_site_index(scn, vz_cell(tb, c, PA_EGRESS));
	p->rtt_ms = vz_num(vz_cell(tb, c, PA_RTT));
	const char *st = vz_cell(tb, c, PA_STATE);
	p->state = vz_path_state(st);
}

static void on_cluster_row(struct vz_model *m, const struct vz_table *tb, const char *const *c)
{
	int ci = vz_cluster_index(m->scn, vz_cell(tb, c, CL_CLUSTER));
	const char *ev = vz_cell(tb, c, CL_EVENT), *det = vz_cell(tb, c, CL_DETAIL);
	if (ci < 0 || !ev)
		return;
	const struct dcs_cluster_cfg *cc = &m->scn->clusters[ci];
	struct vz_cluster *cs = &m->clusters[ci];
	/* The cluster's own condition: outages and split brains. */
	if (vz_has(ev, "split") && vz_has(ev, "begin"))
		snprintf(cs->status, sizeof(cs->status), "SPLIT BRAIN: %.60s", det ? det : ""),
		    cs->tone = VZ_BAD;
	else if (vz_has(ev, "outage") && vz_has(ev, "begin"))
		snprintf(cs->status, sizeof(cs->status), "service unavailable"), cs->tone = VZ_BAD;
	else if ((vz_has(ev, "split") || vz_has(ev, "outage")) && vz_has(ev, "end"))
		snprintf(cs->status, sizeof(cs->status), "%.80s", det ? det : "over"),
		    cs->tone = VZ_GOOD;
	int ni = node_index(cc, vz_cell(tb, c, CL_NODE));
	if (ni < 0)
		return;
	struct vz_node *nd = &m->nodes[ci][ni];
	snprintf(nd->state, sizeof(nd->state), "%s", ev);
	underscores_to_spaces(nd->state);
	nd->tone = vz_tone_of("cluster.csv", ev);
	/* Where the service runs: started or up on a node puts it there (two
	 * nodes at once in a split brain); stopped or fenced takes it away (an
	 * unconfirmed fence, fence_unconfirmed, leaves the node running). */
	if (!strcmp(ev, "up") || vz_has(ev, "running") || vz_has(ev, "split"))
		nd->service = true;
	else if (vz_has(ev, "stop") || !strcmp(ev, "fence"))
		nd->service = false;
}

static void on_storage_row(struct vz_model *m, const struct vz_table *tb, const char *const *c)
{
	int s = vz_site_index(m->scn, vz_cell(tb, c, ST_SITE));
	const char *op = vz_cell(tb, c, ST_OP), *phase = vz_cell(tb, c, ST_PHASE);
	if (s < 0 || !op)
		return;
	if (phase && *phase && strcmp(phase, "normal") != 0)
		return; /* the steady state; held I/O is reported apart */
	int k = vz_has(op, "write") ? 1 : vz_has(op, "read") ? 0 : -1;
	if (k < 0)
		return;
	/* An interval in which no I/O of this op completed (frozen, failed)
	 * leaves the figures empty: the view says none completed. */
	m->store[s].have[k] = true;
	m->store[s].none[k] = vz_num(vz_cell(tb, c, ST_COUNT)) == 0;
	m->store[s].interval = vz_cell(tb, c, ST_TIME) != NULL;
	m->store[s].mean_ms[k] = vz_num(vz_cell(tb, c, ST_MEAN));
	m->store[s].p99_ms[k] = vz_num(vz_cell(tb, c, ST_P99));
}

static void sink_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct vz_model *m = ctx;
	if (id < 0 || id > 4096)
		return;
	if (id >= m->n_tabs) {
		struct vz_table *t = realloc(m->tabs, (size_t)(id + 1) * sizeof(*t));
		if (!t)
			return;
		for (int i = m->n_tabs; i <= id; i++)
			t[i].kind = VZ_TAB_OTHER;
		m->tabs = t;
		m->n_tabs = id + 1;
	}
	vz_table_resolve(&m->tabs[id], file, ncols, cols);
}

static void sink_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct vz_model *m = ctx;
	if (id < 0 || id >= m->n_tabs)
		return;
	const struct vz_table *tb = &m->tabs[id];
	switch (tb->kind) {
	case VZ_TAB_EVENTS:
		on_event_row(m, t, tb, cells);
		break;
	case VZ_TAB_ROUNDS:
		on_round_row(m, t, tb, cells);
		break;
	case VZ_TAB_MIGRATIONS:
		on_migration_row(m, t, tb, cells);
		break;
	case VZ_TAB_PATHS:
		on_path_row(m, tb, cells);
		break;
	case VZ_TAB_CLUSTER:
		on_cluster_row(m, tb, cells);
		break;
	case VZ_TAB_STORAGE:
		on_storage_row(m, tb, cells);
		break;
	case VZ_TAB_OTHER:
		break;
	}
}

static double wire_util(const struct dcs_link_cfg *c, const struct dcs_obs_link *s)
{
	if (!s->up || !(s->bandwidth_gbps > 0))
		return 0;
	double gf = dcs_link_cfg_goodput_fraction(c);
	double flows = s->rate_Bps[0] > s->rate_Bps[1] ? s->rate_Bps[0] : s->rate_Bps[1];
	double bps = flows * 8.0 / (gf > 0 ? gf : 1) + c->background_gbps * 1e9;
	double u = bps / (s->bandwidth_gbps * 1e9);
	return u < 0 ? 0 : u > 1 ? 1 : u;
}

static void sink_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct vz_model *m = ctx;
	if (link < 0 || (size_t)link >= m->scn->n_links)
		return;
	/* Bank each migration's estimate at the old rate before the rate changes. */
	for (size_t v = 0; v < m->scn->n_vms; v++) {
		struct vz_mig *g = &m->mig[v];
		if (g->active && g->link == link) {
			g->est = vz_mig_round_bytes(m, (int)v, t);
			g->t_est = t > g->t_est ? t : g->t_est;
		}
	}
	struct vz_link *L = &m->links[link];
	bool state_changed = L->s.up != s->up || L->s.degraded != s->degraded;
	L->s = *s;
	L->util = wire_util(&m->scn->links[link], s);
	for (size_t v = 0; v < m->scn->n_vms; v++)
		if (m->mig[v].active && m->mig[v].link == link)
			m->mig[v].share = mig_share(m, &m->mig[v]);
	if (state_changed)
		m->notable++;
}

static void sink_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct vz_model *m = ctx;
	const struct dcs_scenario *scn = m->scn;
	switch (n->kind) {
	case DCS_NOTE_VM_MOVED:
		if (n->index >= 0 && (size_t)n->index < scn->n_vms) {
			/* After post-copy's switch the guest runs at the destination
			 * but its migration goes on until the last page arrives. */
			if (m->mig[n->index].active && uses_postcopy(scn, n->index))
				snprintf(m->mig[n->index].phase, sizeof(m->mig[n->index].phase),
					 "post-copy: faults across the DCI");
			else if (m->mig[n->index].active)
				mig_end(m, n->index, t, NULL, VZ_GOOD);
			if (n->to >= 0 && (size_t)n->to < scn->n_sites)
				m->vm_site[n->index] = n->to;
		}
		break;
	case DCS_NOTE_SITE_STATE:
		if (n->index >= 0 && (size_t)n->index < scn->n_sites)
			m->site_up[n->index] = n->up;
		break;
	case DCS_NOTE_NODE_STATE:
		if (n->index >= 0 && (size_t)n->index < scn->n_clusters && n->sub >= 0 &&
		    (size_t)n->sub < scn->clusters[n->index].n_nodes)
			m->nodes[n->index][n->sub].down = !n->up;
		break;
	case DCS_NOTE_ARRAY_STATE:
		if (n->index >= 0 && (size_t)n->index < scn->n_sites)
			m->array_up[n->index] = n->up;
		break;
	case DCS_NOTE_WITNESS_STATE:
		if (n->index >= 0 && (size_t)n->index < scn->n_sites)
			m->witness_up[n->index] = n->up;
		break;
	case DCS_NOTE_VM_PAUSED:
	case DCS_NOTE_VM_RESUMED:
	case DCS_NOTE_STORAGE_STATE:
	case DCS_NOTE_SERVICE_SITE:
		break; /* the tables (events.csv, paths.csv) carry what they change */
	case DCS_NOTE_LINK_STATE:
	case DCS_NOTE_PATHS_CHANGED:
	case DCS_NOTE_VM_SPEED:
	case DCS_NOTE_KIND_COUNT:
		return; /* link records carry link state; no step stop for routing alone */
	}
	m->notable++;
}

struct dcs_obs_sink vz_model_sink(struct vz_model *m)
{
	return (struct dcs_obs_sink){
	    .ctx = m, .table = sink_table, .row = sink_row, .link = sink_link, .note = sink_note};
}

int vz_route(const struct vz_model *m, int a, int b, int *links, int *sites, int max)
{
	const struct dcs_scenario *scn = m->scn;
	int n = (int)scn->n_sites;
	if (a < 0 || b < 0 || a >= n || b >= n || max < 1)
		return -1;
	double *dist = malloc((size_t)n * sizeof(double));
	int *via = malloc((size_t)n * sizeof(int));
	bool *done = calloc((size_t)n, sizeof(bool));
	int hops = -1;
	if (!dist || !via || !done)
		goto out;
	for (int i = 0; i < n; i++)
		dist[i] = INFINITY, via[i] = -1;
	dist[a] = 0;
	for (;;) {
		int u = -1;
		for (int i = 0; i < n; i++)
			if (!done[i] && isfinite(dist[i]) && (u < 0 || dist[i] < dist[u]))
				u = i;
		if (u < 0 || u == b)
			break;
		done[u] = true;
		if (!m->site_up[u] && u != a)
			continue;
		for (size_t l = 0; l < scn->n_links; l++) {
			const struct dcs_link_cfg *c = &scn->links[l];
			if (!m->links[l].s.up || (c->a != u && c->b != u))
				continue;
			int o = c->a == u ? c->b : c->a;
			double d = dist[u] + dcs_link_cfg_one_way_us(c);
			if (d < dist[o]) {
				dist[o] = d;
				via[o] = (int)l;
			}
		}
	}
	if (!isfinite(dist[b]))
		goto out;
	int k = 0;
	for (int s = b; s != a && k <= max; k++) {
		const struct dcs_link_cfg *c = &scn->links[via[s]];
		s = c->a == s ? c->b : c->a;
	}
	if (k > max)
		goto out;
	hops = k;
	for (int s = b, i = k - 1; s != a; i--) {
		const struct dcs_link_cfg *c = &scn->links[via[s]];
		links[i] = via[s];
		sites[i + 1] = s;
		s = c->a == s ? c->b : c->a;
	}
	sites[0] = a;
out:
	free(dist);
	free(via);
	free(done);
	return hops;
}
