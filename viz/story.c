/*
 * The story of a run: the phases the viewer captions and paints on its
 * timeline (viz_internal.h), from the results rows of a trace and its bus
 * notes, at the exact times those rows carry in their own columns.
 *
 * The view model (model.c) is causal: it knows a row only from the poll
 * that saw it, up to one trace step late.  The story instead reads the
 * rows' time columns (a round's start_s and end_s, a migration's end_s and
 * downtime_ms, a path sample's time_s, a cluster row's time_s) and the
 * notes' instants, so a 40 ms stop-and-copy is captioned over exactly its
 * 40 ms.  A replay reads the whole trace into the story when it opens (the
 * captions know where each phase ends); a live run adds what it has run so
 * far.  What the story says at a time t depends only on the set of rows
 * and notes it holds, never on how the rows of different tables were
 * interleaved by polling, so a live run and the replay of its trace tell
 * the same story.  Within one table rows keep their order, which the
 * per-table state (path runs, cluster incidents) relies on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"

    static bool grow(void *arr, int *cap, int n, size_t size)
{
	void **p = arr;
	if (n < *cap)
		return true;
	int c = *cap ? 2 * *cap : 8;
	void *q = realloc(*p, (size_t)c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

#define PUSH(st, arr, n, cap)                                                                      \
	(grow(&(arr), &(cap), (n), sizeof(*(arr))) ? &(arr)[(n)++] : ((st)->oom = true, NULL))

size_t vz_story_n_pairs(const struct dcs_scenario *scn)
{
	return scn->n_services * (scn->n_sites + 1);
}

struct vz_story *vz_story_create(const struct dcs_scenario *scn)
{
	struct vz_story *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->scn = scn;
	st->vm = calloc(scn->n_vms + 1, sizeof(*st->vm));
	st->pairs = calloc(vz_story_n_pairs(scn) + 1, sizeof(*st->pairs));
	st->cl = calloc(scn->n_clusters + 1, sizeof(*st->cl));
	st->lk = calloc(scn->n_links + 1, sizeof(*st->lk));
	if (!st->vm || !st->pairs || !st->cl || !st->lk) {
		vz_story_destroy(st);
		return NULL;
	}
	return st;
}

void vz_story_reset(struct vz_story *st)
{
	const struct dcs_scenario *scn = st->scn;
	free(st->tabs);
	st->tabs = NULL;
	st->n_tabs = 0;
	for (size_t i = 0; i < scn->n_vms; i++) {
		free(st->vm[i].r);
		free(st->vm[i].f);
		free(st->vm[i].e);
		st->vm[i] = (struct st_vm){0};
	}
	for (size_t i = 0; i < vz_story_n_pairs(scn); i++) {
		free(st->pairs[i].r);
		st->pairs[i] = (struct st_pair){0};
	}
	for (size_t i = 0; i < scn->n_clusters; i++) {
		free(st->cl[i].r);
		st->cl[i] = (struct st_cluster){0};
	}
	for (size_t i = 0; i < scn->n_links; i++) {
		free(st->lk[i].r);
		st->lk[i] = (struct st_link){0};
	}
	free(st->ticks);
	st->ticks = NULL;
	st->n_ticks = st->c_ticks = 0;
	st->oom = false;
}

void vz_story_destroy(struct vz_story *st)
{
	if (!st)
		return;
	if (st->vm && st->pairs && st->cl && st->lk)
		vz_story_reset(st);
	free(st->vm);
	free(st->pairs);
	free(st->cl);
	free(st->lk);
	free(st);
}

bool vz_story_ok(const struct vz_story *st)
{
	return !st->oom;
}

/* ---------------------------------------------------------------- reading */

/* A time column in seconds, or the record's time when it has none. */
static dcs_time_t col_time(const struct vz_table *tb, const char *const *c, int role, dcs_time_t t)
{
	double s = vz_num(vz_cell(tb, c, role));
	return s >= 0 && s < 1e12 ? dcs_time_from_s(s) : t;
}

/* The VM an entity names: "web01", or "web01#2" for its second migration. */
static int entity_vm(const struct dcs_scenario *scn, const char *ent)
{
	char id[96];
	snprintf(id, sizeof(id), "%s", ent ? ent : "");
	id[strcspn(id, "#")] = '\0';
	return vz_vm_index(scn, id);
}

static void read_event(struct vz_story *st, dcs_time_t t, const struct vz_table *tb,
		       const char *const *c)
{
	const char *kind = vz_cell(tb, c, EV_KIND);
	dcs_time_t at = col_time(tb, c, EV_TIME, t);
	struct st_tick *k = PUSH(st, st->ticks, st->n_ticks, st->c_ticks);
	if (k)
		*k = (struct st_tick){at, vz_tone_of("events.csv", kind)};
	int vm = entity_vm(st->scn, vz_cell(tb, c, EV_ENTITY));
	if (vm < 0 || !kind)
		return;
	int what = -1;
	if (vz_has(kind, "migration_start"))
		what = EV_START;
	else if (vz_has(kind, "stun") || vz_has(kind, "auto_converge"))
		what = EV_STUN;
	else if (vz_has(kind, "stalled"))
		what = EV_STALL;
	else if (vz_has(kind, "resumed"))
		what = EV_RESUME;
	else if (vz_has(kind, "postcopy_lost"))
		what = EV_LOST;
	if (what < 0)
		return;
	struct st_vm *v = &st->vm[vm];
	struct st_vmev *e = PUSH(st, v->e, v->ne, v->ce);
	if (e)
		*e = (struct st_vmev){at, what};
}

static void read_round(struct vz_story *st, dcs_time_t t, const struct vz_table *tb,
		       const char *const *c)
{
	int vm = vz_vm_index(st->scn, vz_cell(tb, c, RD_VM));
	if (vm < 0)
		return;
	struct st_vm *v = &st->vm[vm];
	struct st_round *r = PUSH(st, v->r, v->nr, v->cr);
	if (!r)
		return;
	double k = vz_num(vz_cell(tb, c, RD_ROUND)), b = vz_num(vz_cell(tb, c, RD_BYTES));
	r->t1 = col_time(tb, c, RD_END, t);
	r->t0 = col_time(tb, c, RD_START, r->t1);
	r->round = k >= 0 ? (int)k : v->nr - 1;
	r->bytes = b >= 0 ? b : 0;
	r->stop = vz_has(vz_cell(tb, c, RD_PHASE), "stop");
	r->post = vz_has(vz_cell(tb, c, RD_PHASE), "postcopy");
}

static void read_migration(struct vz_story *st, dcs_time_t t, const struct vz_table *tb,
			   const char *const *c)
{
	const struct dcs_scenario *scn = st->scn;
	int vm = vz_vm_index(scn, vz_cell(tb, c, MG_VM));
	if (vm < 0)
		return;
	struct st_vm *v = &st->vm[vm];
	struct st_mig *f = PUSH(st, v->f, v->nf, v->cf);
	if (!f)
		return;
	double total = vz_num(vz_cell(tb, c, MG_TOTAL)), down = vz_num(vz_cell(tb, c, MG_DOWNTIME));
	double rounds = vz_num(vz_cell(tb, c, MG_ROUNDS));
	f->t1 = col_time(tb, c, MG_END, t);
	f->t0 = col_time(tb, c, MG_START, total >= 0 ? f->t1 - dcs_time_from_s(total) : f->t1);
	f->down = down >= 0 ? dcs_time_from_s(down / 1e3) : 0;
	if (f->down > f->t1 - f->t0)
		f->down = f->t1 - f->t0;
	f->from = vz_site_index(scn, vz_cell(tb, c, MG_FROM));
	f->to = vz_site_index(scn, vz_cell(tb, c, MG_TO));
	f->rounds = rounds >= 0 ? (int)rounds : -1;
	const char *o = vz_cell(tb, c, MG_OUTCOME);
	snprintf(f->outcome, sizeof(f->outcome), "%s", o && *o ? o : "done");
}

static void read_path(struct vz_story *st, dcs_time_t t, const struct vz_table *tb,
		      const char *const *c)
{
	const struct dcs_scenario *scn = st->scn;
	int sv = vz_service_index(scn, vz_cell(tb, c, PA_SERVICE));
	int cl = vz_site_index(scn, vz_cell(tb, c, PA_CLIENT));
	if (sv < 0 || cl < 0)
		return;
	struct st_pair *p = &st->pairs[(size_t)sv * (scn->n_sites + 1) + (size_t)cl];
	const char *s = vz_cell(tb, c, PA_STATE);
	struct st_run now = {
	    .t0 = col_time(tb, c, PA_TIME, t),
	    .state = vz_path_state(s),
	    .serving = vz_site_index(scn, vz_cell(tb, c, PA_SERVING)),
	    .ingress = vz_site_index(scn, vz_cell(tb, c, PA_INGRESS)),
	    .rtt_ms = vz_num(vz_cell(tb, c, PA_RTT)),
	};
	if (p->n) {
		const struct st_run *last = &p->r[p->n - 1];
		if (last->state == now.state && last->serving == now.serving &&
		    last->ingress == now.ingress)
			return;
	}
	struct st_run *r = PUSH(st, p->r, p->n, p->cap);
	if (r)
		*r = now;
}

static void words(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
	for (char *p = dst; *p; p++)
		if (*p == '_')
			*p = ' ';
}

static void read_cluster(struct vz_story *st, dcs_time_t t, const struct vz_table *tb,
			 const char *const *c)
{
	int ci = vz_cluster_index(st->scn, vz_cell(tb, c, CL_CLUSTER));
	const char *ev = vz_cell(tb, c, CL_EVENT), *det = vz_cell(tb, c, CL_DETAIL);
	const char *node = vz_cell(tb, c, CL_NODE);
	if (ci < 0 || !ev)
		return;
	struct st_cluster *cs = &st->cl[ci];
	dcs_time_t at = col_time(tb, c, CL_TIME, t);
	bool begin = vz_has(ev, "begin"), end = vz_has(ev, "_end");
	bool split = vz_has(ev, "split"), outage = vz_has(ev, "outage");
	if ((split || outage) && (begin || end)) {
		if (begin && !cs->split && !cs->outage)
			cs->since = at;
		if (split)
			cs->split = begin;
		else
			cs->outage = begin;
		if (end) {
			/* How it ended says what it cost: "RTO 19.6 s", "lasted 15.4 s". */
			snprintf(cs->last, sizeof(cs->last), "%s over \xe2\x80\x94 %s",
				 split ? "split brain" : "outage", det ? det : "");
			cs->tone = VZ_GOOD;
		}
	} else {
		char e[48];
		words(e, sizeof(e), ev);
		snprintf(cs->last, sizeof(cs->last), "%s%s%s%s%s", node && *node ? node : "",
			 node && *node ? " " : "", e, det && *det ? " \xe2\x80\x94 " : "",
			 det ? det : "");
		cs->tone = vz_tone_of("cluster.csv", ev);
	}
	struct st_crow *r = PUSH(st, cs->r, cs->n, cs->cap);
	if (!r)
		return;
	*r = (struct st_crow){.t = at,
			      .outage = cs->outage,
			      .split = cs->split,
			      .since = cs->since,
			      .tone = cs->tone};
	snprintf(r->text, sizeof(r->text), "%s", cs->last);
}

static void sink_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct vz_story *st = ctx;
	if (id < 0 || id > 4096)
		return;
	if (id >= st->n_tabs) {
		struct vz_table *t = realloc(st->tabs, (size_t)(id + 1) * sizeof(*t));
		if (!t) {
			st->oom = true;
			return;
		}
		for (int i = st->n_tabs; i <= id; i++)
			t[i].kind = VZ_TAB_OTHER;
		st->tabs = t;
		st->n_tabs = id + 1;
	}
	vz_table_resolve(&st->tabs[id], file, ncols, cols);
}

static void sink_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct vz_story *st = ctx;
	if (id < 0 || id >= st->n_tabs)
		return;
	const struct vz_table *tb = &st->tabs[id];
	switch (tb->kind) {
	case VZ_TAB_EVENTS:
		read_event(st, t, tb, cells);
		break;
	case VZ_TAB_ROUNDS:
		read_round(st, t, tb, cells);
		break;
	case VZ_TAB_MIGRATIONS:
		read_migration(st, t, tb, cells);
		break;
	case VZ_TAB_PATHS:
		read_path(st, t, tb, cells);
		break;
	case VZ_TAB_CLUSTER:
		read_cluster(st, t, tb, cells);
		break;
	case VZ_TAB_STORAGE:
	case VZ_TAB_OTHER:
		break;
	}
}

static void sink_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct vz_story *st = ctx;
	if (n->kind != DCS_NOTE_LINK_STATE || n->index < 0 || (size_t)n->index >= st->scn->n_links)
		return;
	struct st_link *l = &st->lk[n->index];
	/* A cut is noted when it happens and again when routing has moved:
	 * the link was cut since the first. */
	if (l->n > 0 && l->r[l->n - 1].up == n->up && l->r[l->n - 1].degraded == n->degraded)
		return;
	struct st_lnote *r = PUSH(st, l->r, l->n, l->cap);
	if (r)
		*r = (struct st_lnote){t, n->up, n->degraded};
}

struct dcs_obs_sink vz_story_sink(struct vz_story *st)
{
	return (struct dcs_obs_sink){
	    .ctx = st, .table = sink_table, .row = sink_row, .link = NULL, .note = sink_note};
}
