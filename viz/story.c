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

#include "viz_internal.h"

#define GIB 1073741824.0
#define MIB 1048576.0

struct st_round {
	dcs_time_t t0, t1;
	int round;
	bool stop; /* the stop-and-copy round */
	double bytes;
};

struct st_mig {
	dcs_time_t t0, t1, down;
	int from, to, rounds;
	char outcome[24];
};

enum { EV_START, EV_STUN, EV_STALL, EV_RESUME };
struct st_vmev {
	dcs_time_t t;
	int kind;
};

struct st_vm {
	struct st_round *r;
	int nr, cr;
	struct st_mig *f;
	int nf, cf;
	struct st_vmev *e;
	int ne, ce;
};

/* A run of path.csv samples of one service and client site with the same
 * state and sites. */
struct st_run {
	dcs_time_t t0;
	int state; /* 0 optimal, 1 trombone, 2 unreachable */
	int serving, ingress;
	double rtt_ms;
};

struct st_pair {
	struct st_run *r;
	int n, cap;
};

/* A cluster.csv row with the incident it leaves the cluster in. */
struct st_crow {
	dcs_time_t t;
	bool outage, split;
	dcs_time_t since; /* start of the incident */
	enum vz_tone tone;
	char text[160]; /* the latest row that is not an incident marker */
};

struct st_cluster {
	struct st_crow *r;
	int n, cap;
	bool outage, split;
	dcs_time_t since;
	char last[160];
	enum vz_tone tone;
};

struct st_lnote {
	dcs_time_t t;
	bool up, degraded;
};

struct st_link {
	struct st_lnote *r;
	int n, cap;
};

struct st_tick {
	dcs_time_t t;
	enum vz_tone tone;
};

struct vz_story {
	const struct dcs_scenario *scn;
	struct vz_table *tabs;
	int n_tabs;
	struct st_vm *vm;
	struct st_pair *pairs; /* n_services x (n_sites + 1), by client site */
	struct st_cluster *cl;
	struct st_link *lk;
	struct st_tick *ticks;
	int n_ticks, c_ticks;
	bool oom;
};

/* Room for one more element in *arr; false when out of memory. */
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

static size_t n_pairs(const struct dcs_scenario *scn)
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
	st->pairs = calloc(n_pairs(scn) + 1, sizeof(*st->pairs));
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
	for (size_t i = 0; i < n_pairs(scn); i++) {
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
	    .state = vz_has(s, "trombone")  ? 1
		     : vz_has(s, "unreach") ? 2
					    : 0,
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

/* ------------------------------------------------------------- questions */

/* How long an outcome (a switchover, a path that converged) stays
 * captioned after it happened. */
static dcs_time_t hold_for(dcs_time_t horizon)
{
	dcs_time_t h = horizon / 100;
	return h > 5 * DCS_NS_PER_S ? h : 5 * DCS_NS_PER_S;
}

/* What a VM's migration is doing at t. */
struct vm_at {
	enum vz_phase ph;
	const struct st_round *r; /* the round under way (pre-copy, stop-and-copy) */
	const struct st_mig *f;   /* the migration t falls in, or that ended < hold ago */
	bool stun, stalled;
};

static struct vm_at vm_at(const struct st_vm *v, dcs_time_t t, dcs_time_t hold)
{
	struct vm_at a = {.ph = VZ_PH_NONE};
	for (int i = 0; i < v->nr; i++)
		if (v->r[i].t0 <= t && t < v->r[i].t1)
			a.r = &v->r[i];
	for (int i = 0; i < v->nf; i++)
		if (v->f[i].t0 <= t && t < v->f[i].t1 + hold)
			a.f = &v->f[i];
	if (a.r && a.f && a.f->t1 <= a.r->t0)
		a.f = NULL; /* an earlier migration of this VM */
	if (a.r) {
		a.ph = a.r->stop ? VZ_PH_STOPCOPY : VZ_PH_PRECOPY;
	} else if (a.f && t < a.f->t1) {
		/* Paused: after the last copy, before the guest resumes. */
		if (t >= a.f->t1 - a.f->down)
			a.ph = VZ_PH_SWITCHOVER;
	} else if (a.f) {
		a.ph = vz_has(a.f->outcome, "fail") || vz_has(a.f->outcome, "abort") ? VZ_PH_FAILED
										     : VZ_PH_MOVED;
	}
	if (a.ph == VZ_PH_PRECOPY) {
		/* Slowed down or stalled since this migration began? */
		dcs_time_t begin = a.f ? a.f->t0 : 0;
		for (int i = 0; i < v->ne; i++)
			if (v->e[i].kind == EV_START && v->e[i].t <= t && v->e[i].t > begin)
				begin = v->e[i].t;
		for (int i = 0; i < v->ne; i++) {
			const struct st_vmev *e = &v->e[i];
			if (e->t < begin || e->t > t)
				continue;
			if (e->kind == EV_STUN)
				a.stun = true;
			else if (e->kind == EV_STALL)
				a.stalled = true;
			else if (e->kind == EV_RESUME)
				a.stalled = false;
		}
	}
	return a;
}

static void fmt_bytes(char *buf, size_t n, double b)
{
	if (b >= GIB)
		snprintf(buf, n, "%.3g GiB", b / GIB);
	else
		snprintf(buf, n, "%.3g MiB", b / MIB);
}

static const char *site_id(const struct dcs_scenario *scn, int s)
{
	return s >= 0 && (size_t)s < scn->n_sites ? scn->sites[s].id : "?";
}

static struct vz_caption *add_cap(struct vz_caption *out, int *n, int max, enum vz_phase ph,
				  enum vz_tone tone)
{
	if (*n >= max)
		return NULL;
	struct vz_caption *c = &out[(*n)++];
	c->phase = ph;
	c->tone = tone;
	c->text[0] = '\0';
	return c;
}

static void vm_caption(const struct vz_story *st, const struct vz_model *m, int vm,
		       const struct vm_at *a, struct vz_caption *c)
{
	const struct dcs_scenario *scn = st->scn;
	const char *id = scn->vms[vm].id;
	bool seen = m && m->mig[vm].active;
	int to = a->f ? a->f->to : seen ? m->mig[vm].to : -1;
	int from = a->f ? a->f->from : seen ? m->mig[vm].from : -1;
	char dest[64] = "", b[32];
	if (to >= 0)
		snprintf(dest, sizeof(dest), " \xe2\x86\x92 %s", site_id(scn, to));
	size_t n = sizeof(c->text);
	switch (a->ph) {
	case VZ_PH_PRECOPY:
		if (a->r && a->r->round > 0) {
			fmt_bytes(b, sizeof(b), a->r->bytes);
			snprintf(c->text, n,
				 "%s%s: pre-copy round %d \xe2\x80\x94 re-sending the %s dirtied "
				 "during round %d%s%s",
				 id, dest, a->r->round, b, a->r->round - 1,
				 a->stun ? "; the guest is slowed down (stun) to let the copy "
					   "catch up"
					 : "",
				 a->stalled ? "; STALLED: no path" : "");
		} else {
			fmt_bytes(b, sizeof(b), a->r ? a->r->bytes : scn->vms[vm].memory_gib * GIB);
			snprintf(c->text, n,
				 "%s%s: pre-copy round 0 \xe2\x80\x94 copying all %s of memory "
				 "while the guest runs%s",
				 id, dest, b, a->stalled ? "; STALLED: no path" : "");
		}
		break;
	case VZ_PH_STOPCOPY:
		fmt_bytes(b, sizeof(b), a->r ? a->r->bytes : 0);
		snprintf(c->text, n,
			 "%s%s: stop-and-copy \xe2\x80\x94 the guest is paused while the last %s "
			 "of dirty memory is sent",
			 id, dest, b);
		break;
	case VZ_PH_SWITCHOVER:
		snprintf(c->text, n,
			 "%s%s: switchover \xe2\x80\x94 memory copied; the guest's state is handed "
			 "over and it resumes at %s",
			 id, dest, site_id(scn, to));
		break;
	case VZ_PH_MOVED:
		snprintf(c->text, n,
			 "%s switched over to %s: %.4g ms of downtime after %d pre-copy round%s, "
			 "%.3g s in all (%s)",
			 id, site_id(scn, to), dcs_time_to_ms(a->f->down), a->f->rounds,
			 a->f->rounds == 1 ? "" : "s", dcs_time_to_s(a->f->t1 - a->f->t0),
			 a->f->outcome);
		break;
	case VZ_PH_FAILED:
		snprintf(c->text, n, "%s: migration %s \xe2\x80\x94 it stays at %s", id,
			 a->f->outcome, site_id(scn, from));
		break;
	default:
		break;
	}
}

static enum vz_tone vm_tone(const struct vm_at *a)
{
	switch (a->ph) {
	case VZ_PH_STOPCOPY:
	case VZ_PH_SWITCHOVER:
		return VZ_WARN;
	case VZ_PH_MOVED:
		return vz_has(a->f->outcome, "converged") ? VZ_GOOD : VZ_WARN;
	case VZ_PH_FAILED:
		return VZ_BAD;
	default:
		return a->stalled ? VZ_BAD : a->stun ? VZ_WARN : VZ_NORMAL;
	}
}

/* What the model saw of a migration whose rows have not come yet (live). */
static struct vm_at vm_at_live(const struct vz_model *m, int vm, struct st_round *tmp)
{
	const struct vz_mig *g = &m->mig[vm];
	*tmp = (struct st_round){.round = g->round, .bytes = g->expect};
	return (struct vm_at){.ph = vz_has(g->phase, "stop") ? VZ_PH_STOPCOPY : VZ_PH_PRECOPY,
			      .r = tmp,
			      .stalled = vz_has(g->phase, "stall"),
			      .stun = vz_has(g->phase, "stun")};
}

/* The VM captions: one a migration, or a count of each phase when more
 * than two VMs are moving. */
static void vm_captions(const struct vz_story *st, const struct vz_model *m, dcs_time_t t,
			dcs_time_t hold, struct vz_caption *out, int *n, int max)
{
	const struct dcs_scenario *scn = st->scn;
	int count[VZ_PH_COUNT] = {0}, total = 0, lo = -1, hi = -1;
	struct st_round tmp;
	for (size_t vm = 0; vm < scn->n_vms; vm++) {
		struct vm_at a = vm_at(&st->vm[vm], t, hold);
		if (a.ph == VZ_PH_NONE && m && m->mig[vm].active)
			a = vm_at_live(m, (int)vm, &tmp);
		if (a.ph == VZ_PH_NONE)
			continue;
		count[a.ph]++;
		total++;
		if (a.ph == VZ_PH_PRECOPY) {
			lo = lo < 0 || a.r->round < lo ? a.r->round : lo;
			hi = a.r->round > hi ? a.r->round : hi;
		}
	}
	if (total > 2) {
		struct vz_caption *c = add_cap(out, n, max, VZ_PH_SUMMARY, VZ_NORMAL);
		if (!c)
			return;
		char rounds[40] = "";
		if (hi > lo)
			snprintf(rounds, sizeof(rounds), " (rounds %d\xe2\x80\x93%d)", lo, hi);
		else if (lo >= 0)
			snprintf(rounds, sizeof(rounds), " (round %d)", lo);
		static const struct {
			enum vz_phase ph;
			const char *what;
		} parts[] = {{VZ_PH_PRECOPY, "in pre-copy"},
			     {VZ_PH_STOPCOPY, "in stop-and-copy"},
			     {VZ_PH_SWITCHOVER, "in switchover"},
			     {VZ_PH_MOVED, "just switched over"},
			     {VZ_PH_FAILED, "FAILED"}};
		size_t len = (size_t)snprintf(c->text, sizeof(c->text), "%d migrations:", total);
		const char *sep = " ";
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			if (!count[parts[i].ph] || len >= sizeof(c->text))
				continue;
			len += (size_t)snprintf(c->text + len, sizeof(c->text) - len, "%s%d %s%s",
						sep, count[parts[i].ph], parts[i].what,
						parts[i].ph == VZ_PH_PRECOPY ? rounds : "");
			sep = ", ";
		}
		if (count[VZ_PH_FAILED])
			c->tone = VZ_BAD;
		return;
	}
	for (size_t vm = 0; vm < scn->n_vms; vm++) {
		struct vm_at a = vm_at(&st->vm[vm], t, hold);
		if (a.ph == VZ_PH_NONE && m && m->mig[vm].active)
			a = vm_at_live(m, (int)vm, &tmp);
		if (a.ph == VZ_PH_NONE)
			continue;
		struct vz_caption *c = add_cap(out, n, max, a.ph, vm_tone(&a));
		if (!c)
			return;
		vm_caption(st, m, (int)vm, &a, c);
	}
}

/* The last note of a link at or before t, or NULL. */
static const struct st_lnote *link_at(const struct st_link *lk, dcs_time_t t)
{
	const struct st_lnote *last = NULL;
	for (int i = 0; i < lk->n && lk->r[i].t <= t; i++)
		last = &lk->r[i];
	return last && (!last->up || last->degraded) ? last : NULL;
}

/* Cut and degraded links: one caption each, or one for all when more than
 * two. */
static void link_captions(const struct vz_story *st, dcs_time_t t, struct vz_caption *out, int *n,
			  int max)
{
	const struct dcs_scenario *scn = st->scn;
	int count = 0, cut = 0;
	dcs_time_t since = DCS_TIME_NEVER;
	for (size_t l = 0; l < scn->n_links; l++) {
		const struct st_lnote *last = link_at(&st->lk[l], t);
		if (!last)
			continue;
		count++;
		cut += !last->up;
		since = last->t < since ? last->t : since;
	}
	if (count > 2) {
		struct vz_caption *c =
		    add_cap(out, n, max, cut ? VZ_PH_CUT : VZ_PH_DEGRADED, cut ? VZ_BAD : VZ_WARN);
		if (!c)
			return;
		size_t len =
		    (size_t)snprintf(c->text, sizeof(c->text), "%d links %s since %.4g s:", count,
				     cut == count ? "CUT"
				     : cut        ? "cut or degraded"
						  : "degraded",
				     dcs_time_to_s(since));
		for (size_t l = 0; l < scn->n_links && len < sizeof(c->text); l++)
			if (link_at(&st->lk[l], t))
				len += (size_t)snprintf(c->text + len, sizeof(c->text) - len, " %s",
							scn->links[l].id);
		return;
	}
	for (size_t l = 0; l < scn->n_links; l++) {
		const struct st_lnote *last = link_at(&st->lk[l], t);
		if (!last)
			continue;
		const struct dcs_link_cfg *c = &scn->links[l];
		struct vz_caption *cap = add_cap(out, n, max, last->up ? VZ_PH_DEGRADED : VZ_PH_CUT,
						 last->up ? VZ_WARN : VZ_BAD);
		if (!cap)
			return;
		snprintf(cap->text, sizeof(cap->text),
			 "link %s (%s \xe2\x80\x94 %s) %s since %.4g s", c->id, site_id(scn, c->a),
			 site_id(scn, c->b), last->up ? "degraded" : "CUT", dcs_time_to_s(last->t));
	}
}

static void cluster_captions(const struct vz_story *st, dcs_time_t t, dcs_time_t hold,
			     struct vz_caption *out, int *n, int max)
{
	const struct dcs_scenario *scn = st->scn;
	for (size_t ci = 0; ci < scn->n_clusters; ci++) {
		const struct st_cluster *cs = &st->cl[ci];
		const struct st_crow *r = NULL;
		for (int i = 0; i < cs->n && cs->r[i].t <= t; i++)
			r = &cs->r[i];
		if (!r || (!r->outage && !r->split && (r->t <= 0 || t - r->t >= hold)))
			continue;
		enum vz_phase ph = r->split || r->outage ? VZ_PH_OUTAGE : VZ_PH_CLUSTER;
		struct vz_caption *c =
		    add_cap(out, n, max, ph, ph == VZ_PH_OUTAGE ? VZ_BAD : r->tone);
		if (!c)
			return;
		const char *id = scn->clusters[ci].id;
		if (r->split)
			snprintf(c->text, sizeof(c->text),
				 "cluster %s: SPLIT BRAIN since %.4g s \xe2\x80\x94 %s", id,
				 dcs_time_to_s(r->since), r->text);
		else if (r->outage)
			snprintf(c->text, sizeof(c->text),
				 "cluster %s: service unavailable since %.4g s \xe2\x80\x94 %s", id,
				 dcs_time_to_s(r->since), r->text);
		else
			snprintf(c->text, sizeof(c->text), "cluster %s: %s", id, r->text);
	}
}

static void path_captions(const struct vz_story *st, dcs_time_t t, dcs_time_t hold,
			  struct vz_caption *out, int *n, int max)
{
	const struct dcs_scenario *scn = st->scn;
	for (size_t sv = 0; sv < scn->n_services; sv++) {
		for (size_t cl = 0; cl < scn->n_sites; cl++) {
			const struct st_pair *p = &st->pairs[sv * (scn->n_sites + 1) + cl];
			int i = -1;
			while (i + 1 < p->n && p->r[i + 1].t0 <= t)
				i++;
			if (i < 0)
				continue;
			const struct st_run *r = &p->r[i], *prev = i ? &p->r[i - 1] : NULL;
			const char *svc = scn->services[sv].id, *client = site_id(scn, (int)cl);
			struct vz_caption *c;
			if (r->state == 1) {
				c = add_cap(out, n, max, VZ_PH_TROMBONE, VZ_BAD);
				if (!c)
					return;
				char was[48] = "";
				if (prev && prev->state == 0 &&
				    fabs(prev->rtt_ms - r->rtt_ms) > 0.005 * r->rtt_ms)
					snprintf(was, sizeof(was), " (was %.4g ms)", prev->rtt_ms);
				snprintf(
				    c->text, sizeof(c->text),
				    "%s: trombone since %.4g s \xe2\x80\x94 traffic from %s enters "
				    "at %s and crosses to %s: RTT %.4g ms%s",
				    svc, dcs_time_to_s(r->t0), client, site_id(scn, r->ingress),
				    site_id(scn, r->serving), r->rtt_ms, was);
			} else if (r->state == 2) {
				c = add_cap(out, n, max, VZ_PH_UNREACH, VZ_BAD);
				if (!c)
					return;
				snprintf(c->text, sizeof(c->text),
					 "%s: unreachable from %s since %.4g s", svc, client,
					 dcs_time_to_s(r->t0));
			} else if (prev && prev->state == 1 && t - r->t0 < hold) {
				c = add_cap(out, n, max, VZ_PH_CONVERGED, VZ_GOOD);
				if (!c)
					return;
				int k = i - 1;
				while (k > 0 && p->r[k - 1].state == 1)
					k--;
				snprintf(c->text, sizeof(c->text),
					 "%s: converged at %.4g s \xe2\x80\x94 traffic from %s now "
					 "enters at %s, where it is served at %s: RTT %.4g ms; the "
					 "trombone lasted %.3g s",
					 svc, dcs_time_to_s(r->t0), client,
					 site_id(scn, r->ingress), site_id(scn, r->serving),
					 r->rtt_ms, dcs_time_to_s(r->t0 - p->r[k].t0));
			}
		}
	}
}

int vz_captions(const struct vz_story *st, const struct vz_model *m, dcs_time_t t,
		dcs_time_t horizon, struct vz_caption *out, int max)
{
	int n = 0;
	dcs_time_t hold = hold_for(horizon);
	vm_captions(st, m, t, hold, out, &n, max);
	link_captions(st, t, out, &n, max);
	cluster_captions(st, t, hold, out, &n, max);
	path_captions(st, t, hold, out, &n, max);
	return n;
}

/* -------------------------------------------------------------- timeline */

struct painter {
	dcs_time_t horizon;
	int w;
};

static int px(const struct painter *P, dcs_time_t t)
{
	if (P->horizon <= 0 || t <= 0)
		return 0;
	double x = (double)t / (double)P->horizon * P->w;
	return x >= P->w ? P->w - 1 : (int)x;
}

/* Paints [t0, t1) with ph where nothing stronger is; at least one pixel. */
static void paint(const struct painter *P, unsigned char *lane, dcs_time_t t0, dcs_time_t t1,
		  enum vz_phase ph)
{
	if (t1 < t0 || t0 > P->horizon)
		return;
	int a = px(P, t0), b = px(P, t1 < P->horizon ? t1 : P->horizon);
	if (b <= a)
		b = a + 1;
	for (int x = a; x < b && x < P->w; x++)
		if (lane[x] < ph)
			lane[x] = (unsigned char)ph;
}

static int tone_rank(enum vz_tone t)
{
	return t == VZ_BAD ? 4 : t == VZ_WARN ? 3 : t == VZ_GOOD ? 2 : 1;
}

void vz_story_paint(const struct vz_story *st, dcs_time_t horizon, dcs_time_t known, int w,
		    unsigned char *lane_mig, unsigned char *lane_net, signed char *tick)
{
	const struct dcs_scenario *scn = st->scn;
	struct painter P = {horizon, w};
	memset(lane_mig, 0, (size_t)w);
	memset(lane_net, 0, (size_t)w);
	memset(tick, -1, (size_t)w);
	if (w <= 0 || horizon <= 0)
		return;
	for (size_t vm = 0; vm < scn->n_vms; vm++) {
		const struct st_vm *v = &st->vm[vm];
		for (int i = 0; i < v->nr; i++)
			paint(&P, lane_mig, v->r[i].t0, v->r[i].t1,
			      v->r[i].stop ? VZ_PH_STOPCOPY : VZ_PH_PRECOPY);
		for (int i = 0; i < v->nf; i++)
			paint(&P, lane_mig, v->f[i].t1 - v->f[i].down, v->f[i].t1, VZ_PH_STOPCOPY);
	}
	for (size_t i = 0; i < n_pairs(scn); i++) {
		const struct st_pair *p = &st->pairs[i];
		for (int k = 0; k < p->n; k++) {
			dcs_time_t end = k + 1 < p->n ? p->r[k + 1].t0 : known;
			if (p->r[k].state)
				paint(&P, lane_net, p->r[k].t0, end,
				      p->r[k].state == 1 ? VZ_PH_TROMBONE : VZ_PH_UNREACH);
		}
	}
	for (size_t ci = 0; ci < scn->n_clusters; ci++) {
		const struct st_cluster *cs = &st->cl[ci];
		for (int k = 0; k < cs->n; k++) {
			dcs_time_t end = k + 1 < cs->n ? cs->r[k + 1].t : known;
			if (cs->r[k].outage || cs->r[k].split)
				paint(&P, lane_net, cs->r[k].t, end, VZ_PH_OUTAGE);
		}
	}
	for (size_t l = 0; l < scn->n_links; l++) {
		const struct st_link *lk = &st->lk[l];
		for (int k = 0; k < lk->n; k++) {
			dcs_time_t end = k + 1 < lk->n ? lk->r[k + 1].t : known;
			if (!lk->r[k].up || lk->r[k].degraded)
				paint(&P, lane_net, lk->r[k].t, end,
				      lk->r[k].up ? VZ_PH_DEGRADED : VZ_PH_CUT);
		}
	}
	for (int i = 0; i < st->n_ticks; i++) {
		if (st->ticks[i].t > horizon)
			continue;
		int x = px(&P, st->ticks[i].t);
		if (tick[x] < 0 || tone_rank(st->ticks[i].tone) > tone_rank((enum vz_tone)tick[x]))
			tick[x] = (signed char)st->ticks[i].tone;
	}
}
