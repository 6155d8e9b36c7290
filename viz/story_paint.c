/* The viewer's timeline lanes, painted from the story (story.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"

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
	for (size_t i = 0; i < vz_story_n_pairs(scn); i++) {
		const struct st_pair *p = &st->pairs[i];
		for (int k = 0; k < p->n; k++) {
			dcs_time_t end = k + 1 < p->n ? p->r[k + 1].t0 : known;
			if (p->r[k].state)
				paint(&P, lane_net, p->r[k].t0, end,
				      p->r[k].state == VZ_PATH_TROMBONE ? VZ_PH_TROMBONE
				      : p->r[k].state == VZ_PATH_DOWN   ? VZ_PH_OUTAGE
									: VZ_PH_UNREACH);
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
