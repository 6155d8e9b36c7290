/*
 * The viewer's captions (story.h): what is under way at a time t, read from
 * the story: a migration's round or stop-and-copy, a cut or degraded link, a
 * cluster outage, a trombone; each with its phase and tone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"

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
	bool lost; /* failed: the DCI was cut during post-copy */
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
		for (int i = 0; i < v->ne; i++)
			if (v->e[i].kind == EV_LOST && v->e[i].t >= a.f->t0 && v->e[i].t <= a.f->t1)
				a.lost = true;
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
		if (a->r && a->r->post) {
			fmt_bytes(b, sizeof(b), a->r->bytes);
			snprintf(
			    c->text, n,
			    "%s%s: post-copy \xe2\x80\x94 the guest runs at %s while the last %s "
			    "arrive; each page it touches first costs a DCI round trip",
			    id, dest, site_id(scn, to), b);
			break;
		}
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
		if (a->lost)
			snprintf(
			    c->text, n,
			    "%s: the DCI failed during post-copy \xe2\x80\x94 its memory is split "
			    "between %s and %s: the VM is lost",
			    id, site_id(scn, from), site_id(scn, to));
		else
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

/* What a VM is doing at t: the story's phase, else (live, before the
 * story knows the round) the model's. */
static struct vm_at vm_now(const struct vz_story *st, const struct vz_model *m, size_t vm,
			   dcs_time_t t, dcs_time_t hold, struct st_round *tmp)
{
	struct vm_at a = vm_at(&st->vm[vm], t, hold);
	if (a.ph == VZ_PH_NONE && m && m->mig[vm].active)
		a = vm_at_live(m, (int)vm, tmp);
	return a;
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
		struct vm_at a = vm_now(st, m, vm, t, hold, &tmp);
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
		struct vm_at a = vm_now(st, m, vm, t, hold, &tmp);
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
			if (r->state == VZ_PATH_TROMBONE) {
				c = add_cap(out, n, max, VZ_PH_TROMBONE, VZ_BAD);
				if (!c)
					return;
				char was[48] = "";
				if (prev && prev->state == VZ_PATH_OPTIMAL &&
				    fabs(prev->rtt_ms - r->rtt_ms) > 0.005 * r->rtt_ms)
					snprintf(was, sizeof(was), " (was %.4g ms)", prev->rtt_ms);
				snprintf(
				    c->text, sizeof(c->text),
				    "%s: trombone since %.4g s \xe2\x80\x94 traffic from %s enters "
				    "at %s and crosses to %s: RTT %.4g ms%s",
				    svc, dcs_time_to_s(r->t0), client, site_id(scn, r->ingress),
				    site_id(scn, r->serving), r->rtt_ms, was);
			} else if (r->state == VZ_PATH_UNREACH) {
				c = add_cap(out, n, max, VZ_PH_UNREACH, VZ_BAD);
				if (!c)
					return;
				snprintf(c->text, sizeof(c->text),
					 "%s: unreachable from %s since %.4g s", svc, client,
					 dcs_time_to_s(r->t0));
			} else if (r->state == VZ_PATH_DOWN) {
				c = add_cap(out, n, max, VZ_PH_OUTAGE, VZ_BAD);
				if (!c)
					return;
				snprintf(
				    c->text, sizeof(c->text),
				    "%s: down since %.4g s \xe2\x80\x94 its VM is stopped, its "
				    "site "
				    "is down or its storage is not writable (events.csv says why)",
				    svc, dcs_time_to_s(r->t0));
			} else if (prev && prev->state == VZ_PATH_TROMBONE && t - r->t0 < hold) {
				c = add_cap(out, n, max, VZ_PH_CONVERGED, VZ_GOOD);
				if (!c)
					return;
				int k = i - 1;
				while (k > 0 && p->r[k - 1].state == VZ_PATH_TROMBONE)
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
