/*
 * Drawing the view (draw.h): links, client paths, migrations, sites with
 * what runs there, the clock bar and the migration strip; vz_draw() puts
 * them and the overlays together.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/viz.h"
#include "draw.h"

/* ------------------------------------------------------------- the scene */

double vz_dir_util(const struct dcs_link_cfg *c, const struct dcs_obs_link *s, int d)
{
	if (!s->up || !(s->bandwidth_gbps > 0))
		return 0;
	double gf = dcs_link_cfg_goodput_fraction(c);
	double u = (s->rate_Bps[d] * 8.0 / (gf > 0 ? gf : 1) + c->background_gbps * 1e9) /
		   (s->bandwidth_gbps * 1e9);
	return u < 0 ? 0 : u > 1 ? 1 : u;
}

static void fmt_gbps(char *buf, size_t n, double gbps)
{
	if (gbps >= 1)
		snprintf(buf, n, "%.3gG", gbps);
	else
		snprintf(buf, n, "%.3gM", gbps * 1000);
}

static void draw_links(SDL_Renderer *R, struct vz_layout *L, const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	for (size_t i = 0; i < scn->n_links; i++) {
		const struct vz_seg *s = &L->link[i];
		const struct vz_link *lk = &v->m->links[i];
		if (!lk->s.up) {
			float dx = s->bx - s->ax, dy = s->by - s->ay;
			vz_thick_line(R, s->ax, s->ay, s->ax + 0.42f * dx, s->ay + 0.42f * dy,
				      s->thick, DCS_VIZ_CUT_RGB);
			vz_thick_line(R, s->bx - 0.42f * dx, s->by - 0.42f * dy, s->bx, s->by,
				      s->thick, DCS_VIZ_CUT_RGB);
			vz_cross(R, s->ax + 0.5f * dx, s->ay + 0.5f * dy, 7, 3, C_X);
		} else if (lk->s.degraded) {
			vz_dashed_line(R, s->ax, s->ay, s->bx, s->by, s->thick, 12, 6,
				       vz_util_rgb(lk->util));
		} else {
			vz_thick_line(R, s->ax, s->ay, s->bx, s->by, s->thick,
				      vz_util_rgb(lk->util));
		}
	}
}

static void draw_link_labels(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L,
			     const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	for (size_t i = 0; i < scn->n_links; i++) {
		const struct vz_seg *s = &L->link[i];
		const struct vz_link *lk = &v->m->links[i];
		const struct dcs_link_cfg *c = &scn->links[i];
		float nx, ny;
		vz_label_normal(s, &nx, &ny);
		int n = 0, k = 0;
		for (size_t j = 0; j < scn->n_links; j++) {
			const struct dcs_link_cfg *d = &scn->links[j];
			if ((d->a == c->a && d->b == c->b) || (d->a == c->b && d->b == c->a)) {
				k += j < i;
				n++;
			}
		}
		float along = n > 2 ? (float)(k + 1) / (float)(n + 1) : 0.5f;
		float mxp = s->ax + along * (s->bx - s->ax), myp = s->ay + along * (s->by - s->ay);
		/* The label goes outwards: away from the middle of the drawing, or
		 * for parallel links on the side each is drawn towards. */
		int lo = c->a < c->b ? c->a : c->b, hi = c->a < c->b ? c->b : c->a;
		float px = (float)(L->site_y[lo] - L->site_y[hi]),
		      py = (float)(L->site_x[hi] - L->site_x[lo]);
		float side = n > 1 ? (k - (n - 1) / 2.0f) * (px * nx + py * ny)
				   : (mxp - L->gx) * nx + (myp - L->gy) * ny;
		if (side < -0.5f)
			nx = -nx, ny = -ny;
		char bw[16], l1[96], l2[96];
		fmt_gbps(bw, sizeof(bw), c->bandwidth_gbps);
		snprintf(l1, sizeof(l1), "%s %s \xc2\xb7 %.4g km \xc2\xb7 %s \xc2\xb7 RTT %.3g ms",
			 c->id, dcs_tech_name(c->technology), c->distance_km, bw,
			 2 * dcs_link_cfg_one_way_us(c) / 1e3);
		uint32_t rgb2 = C_TEXT;
		if (!lk->s.up) {
			snprintf(l2, sizeof(l2), "CUT");
			rgb2 = C_BAD;
		} else {
			double u0 = vz_dir_util(c, &lk->s, 0), u1 = vz_dir_util(c, &lk->s, 1);
			const char *an = scn->sites[c->a].id, *bn = scn->sites[c->b].id;
			snprintf(l2, sizeof(l2),
				 "%s\xe2\x86\x92%s %.0f%%  %s\xe2\x86\x92%s %.0f%%%s", an, bn,
				 100 * u0, bn, an, 100 * u1, lk->s.degraded ? "  degraded" : "");
			rgb2 = lk->s.degraded ? C_WARN : lk->util >= 0.9 ? C_BAD : C_DIM;
		}
		/* The two-line box sits beside the line, clear of it and of the
		 * client path lanes (when there are any) along its whole width. */
		TTF_Font *f = fo->f[VZ_FONT_SMALL];
		int lh = TTF_FontLineSkip(f);
		int bw_px =
		    vz_text_w(f, l1) > vz_text_w(f, l2) ? vz_text_w(f, l1) : vz_text_w(f, l2);
		float lanes =
		    scn->n_services
			? 12.0f + 7.0f * (float)(scn->n_services < 4 ? scn->n_services : 4)
			: 0;
		float d = (fabsf(nx) * (float)(bw_px + 6) + fabsf(ny) * (float)(2 * lh)) / 2 +
			  s->thick / 2 + 3 + lanes;
		int x = (int)lroundf(mxp + nx * d), yc = (int)lroundf(myp + ny * d);
		vz_label(R, f, x, yc - lh, C_TEXT, DCS_VIZ_BG_RGB, l1);
		vz_label(R, f, x, yc, rgb2, DCS_VIZ_BG_RGB, l2);
	}
}

/* A segment of a client path, beside the line on the right of its direction. */
static void lane(SDL_Renderer *R, const struct vz_layout *L, float ax, float ay, float bx, float by,
		 float off, bool trim_a, bool trim_b, bool dashed, uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 3 * L->site_r)
		return;
	float ux = dx / len, uy = dy / len;
	float ox = -uy * off, oy = ux * off;
	float s0 = trim_a ? (float)L->site_r + 6 : 0, s1 = trim_b ? (float)L->site_r + 8 : 0;
	float x0 = ax + ux * s0 + ox, y0 = ay + uy * s0 + oy;
	float x1 = bx - ux * s1 + ox, y1 = by - uy * s1 + oy;
	if (trim_b)
		vz_arrow(R, x0, y0, x1, y1, dashed ? 2 : 3, dashed, rgb);
	else if (dashed)
		vz_dashed_line(R, x0, y0, x1, y1, 2, 7, 5, rgb);
	else
		vz_thick_line(R, x0, y0, x1, y1, 3, rgb);
}

/* A leg of a client path from site a to site b, hop by hop along the route
 * over the links up now; straight and grey when there is none. */
static void path_leg(SDL_Renderer *R, const struct vz_layout *L, const struct vz_model *m, int a,
		     int b, float off, bool dashed, uint32_t rgb)
{
	if (a < 0 || b < 0 || a == b)
		return;
	int links[16], sites[17];
	int h = vz_route(m, a, b, links, sites, 16);
	if (h < 0) {
		lane(R, L, (float)L->site_x[a], (float)L->site_y[a], (float)L->site_x[b],
		     (float)L->site_y[b], off, true, true, true, C_UNREACH);
		return;
	}
	for (int i = 0; i < h; i++) {
		int u = sites[i], w = sites[i + 1];
		lane(R, L, (float)L->site_x[u], (float)L->site_y[u], (float)L->site_x[w],
		     (float)L->site_y[w], off, true, true, dashed, rgb);
	}
}

static uint32_t path_rgb(int state)
{
	switch (state) {
	case VZ_PATH_TROMBONE:
		return C_TROMBONE;
	case VZ_PATH_UNREACH:
		return C_UNREACH;
	case VZ_PATH_DOWN:
		return C_SVC_DOWN;
	default:
		return C_OPTIMAL;
	}
}

static void draw_paths(SDL_Renderer *R, const struct vz_layout *L, const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	for (size_t sv = 0; sv < scn->n_services; sv++) {
		for (size_t c = 0; c < scn->n_sites; c++) {
			const struct vz_path *p = &v->m->paths[sv * (scn->n_sites + 1) + c];
			if (!p->valid || p->serving < 0)
				continue;
			uint32_t rgb = path_rgb(p->state);
			int in = p->ingress >= 0 ? p->ingress : p->client;
			int eg = p->egress >= 0 ? p->egress : p->serving;
			/* Each service in its own lane, right of the direction of travel. */
			float off = 12.0f + 7.0f * (float)(sv % 4);
			path_leg(R, L, v->m, p->client, in, off, false, rgb);
			path_leg(R, L, v->m, in, p->serving, off, false, rgb);
			path_leg(R, L, v->m, p->serving, eg, off, true, rgb);
			path_leg(R, L, v->m, eg, p->client, off, true, rgb);
		}
	}
}

/* Where a migration's marker is: along its link, or straight between sites. */
static void mig_geometry(const struct vz_layout *L, const struct vz_mig *g, float *ax, float *ay,
			 float *bx, float *by)
{
	if (g->link >= 0) {
		const struct vz_seg *s = &L->link[g->link];
		if (g->dir == 0)
			*ax = s->ax, *ay = s->ay, *bx = s->bx, *by = s->by;
		else
			*ax = s->bx, *ay = s->by, *bx = s->ax, *by = s->ay;
	} else {
		*ax = (float)L->site_x[g->from], *ay = (float)L->site_y[g->from];
		*bx = (float)L->site_x[g->to], *by = (float)L->site_y[g->to];
	}
}

double vz_round_fraction(const struct vz_view *v, int vm)
{
	const struct vz_mig *g = &v->m->mig[vm];
	if (!(g->expect > 0))
		return 1;
	double f = vz_mig_round_bytes(v->m, vm, v->t) / g->expect;
	return f < 0 ? 0 : f > 1 ? 1 : f;
}

static void draw_migrations(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L,
			    const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	for (size_t vm = 0; vm < scn->n_vms; vm++) {
		const struct vz_mig *g = &v->m->mig[vm];
		if (!g->active)
			continue;
		float ax, ay, bx, by;
		mig_geometry(L, g, &ax, &ay, &bx, &by);
		float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
		if (len < 1)
			continue;
		if (g->link < 0)
			vz_dashed_line(R, ax, ay, bx, by, 2, 6, 6, vz_vm_colour((int)vm));
		float s0 = (float)L->site_r + 10, span = len - 2 * s0;
		if (span < 0)
			span = 0;
		float f = (float)vz_round_fraction(v, (int)vm);
		float px = ax + dx / len * (s0 + f * span), py = ay + dy / len * (s0 + f * span);
		int x = (int)lroundf(px), y = (int)lroundf(py);
		vz_fill_rect(R, x - 8, y - 8, 16, 16, 0x111111);
		vz_fill_rect(R, x - 6, y - 6, 12, 12, vz_vm_colour((int)vm));
		vz_add_hit(L, x - 8, y - 8, 16, 16, 3, (int)vm);
		char buf[96];
		snprintf(buf, sizeof(buf), "round %d", g->round);
		int tw = vz_text_w(fo->f[VZ_FONT_SMALL], buf);
		/* Round and progress ride on the line beside the marker, clear of
		 * the labels on either side of it. */
		vz_fill_rect(R, x + 10, y - 7, tw + 52, TTF_FontHeight(fo->f[VZ_FONT_SMALL]),
			     DCS_VIZ_BG_RGB);
		vz_text(R, fo->f[VZ_FONT_SMALL], x + 13, y - 7, C_TEXT, buf, 0);
		vz_fill_rect(R, x + tw + 19, y - 3, 40, 7, 0x333333);
		vz_fill_rect(R, x + tw + 20, y - 2, (int)lround(38 * f), 5, vz_vm_colour((int)vm));
	}
}

static bool is_witness(const struct dcs_scenario *scn, int site)
{
	if (scn->storage.present && scn->storage.witness_site == site)
		return true;
	for (size_t c = 0; c < scn->n_clusters; c++)
		if (scn->clusters[c].witness_site == site)
			return true;
	return false;
}

static void site_line(SDL_Renderer *R, TTF_Font *f, int x, int *y, uint32_t rgb, const char *s)
{
	vz_label(R, f, x, *y, rgb, DCS_VIZ_BG_RGB, s);
	*y += TTF_FontLineSkip(f);
}

static void draw_sites(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L,
		       const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	const struct vz_model *m = v->m;
	int r = L->site_r;
	for (size_t i = 0; i < scn->n_sites; i++) {
		int x = L->site_x[i], y = L->site_y[i];
		bool up = m->site_up[i];
		vz_fill_circle(R, (float)x, (float)y, (float)r + 2.5f,
			       up ? C_SITE_RIM : C_DOWN_RIM);
		vz_fill_circle(R, (float)x, (float)y, (float)r,
			       up ? DCS_VIZ_SITE_RGB : DCS_VIZ_DOWN_RGB);
		if (!up)
			vz_cross(R, (float)x, (float)y, 9, 3, C_X);
		vz_add_hit(L, x - r, y - r, 2 * r, 2 * r, 2, (int)i);
		int ty = y + r + 5;
		char buf[160];
		snprintf(buf, sizeof(buf), "%s%s",
			 scn->sites[i].name ? scn->sites[i].name : scn->sites[i].id,
			 up ? "" : " \xe2\x80\x94 DOWN");
		site_line(R, fo->f[VZ_FONT_BOLD], x, &ty, up ? C_TEXT : C_BAD, buf);
		TTF_Font *sf = fo->f[VZ_FONT_SMALL];
		if (scn->storage.present) {
			for (size_t a = 0; a < scn->storage.n_arrays; a++) {
				const struct dcs_array_cfg *ac = &scn->storage.arrays[a];
				if (ac->site != (int)i)
					continue;
				if (!m->array_up[i])
					snprintf(buf, sizeof(buf), "array DOWN");
				else
					snprintf(buf, sizeof(buf),
						 "array: service R %.2g / W %.2g ms", ac->read_ms,
						 ac->write_ms);
				site_line(R, sf, x, &ty, m->array_up[i] ? C_TEXT : C_BAD, buf);
			}
			const struct vz_store *st = &m->store[i];
			if (st->have[0] || st->have[1]) {
				char rd[48] = "", wr[48] = "";
				if (st->have[0] && st->none[0])
					snprintf(rd, sizeof(rd), "no read completed");
				else if (st->have[0])
					snprintf(rd, sizeof(rd), "read %.3g ms", st->mean_ms[0]);
				if (st->have[1] && st->none[1])
					snprintf(wr, sizeof(wr), "no write completed");
				else if (st->have[1])
					snprintf(wr, sizeof(wr), "write %.3g ms (p99 %.3g)",
						 st->mean_ms[1], st->p99_ms[1]);
				char when[32] = "whole run";
				if (st->interval)
					snprintf(when, sizeof(when), "last %.3g s",
						 scn->output.sample_s);
				snprintf(buf, sizeof(buf), "I/O here (%s): %s%s%s", when, rd,
					 *rd && *wr ? ", " : "", wr);
				site_line(R, sf, x, &ty,
					  st->none[0] || st->none[1] ? C_BAD : C_TEXT, buf);
			}
		}
		if (is_witness(scn, (int)i))
			site_line(R, sf, x, &ty, m->witness_up[i] ? C_GOOD : C_BAD,
				  m->witness_up[i] ? "witness" : "witness DOWN");
		for (size_t c = 0; c < scn->n_clusters; c++) {
			const struct dcs_cluster_cfg *cc = &scn->clusters[c];
			for (size_t n = 0; n < cc->n_nodes; n++) {
				if (cc->nodes[n].site != (int)i)
					continue;
				const struct vz_node *nd = &m->nodes[c][n];
				snprintf(buf, sizeof(buf), "%s%s/%s: %s",
					 nd->service ? "\xe2\x98\x85 " : "", cc->id,
					 cc->nodes[n].id, nd->down ? "node down" : nd->state);
				site_line(R, nd->service ? fo->f[VZ_FONT_BOLD] : sf, x, &ty,
					  nd->down ? C_BAD : vz_tone_rgb(nd->tone), buf);
			}
		}
		for (size_t sv = 0; sv < scn->n_services; sv++) {
			const struct vz_path *p = &m->paths[sv * (scn->n_sites + 1) + i];
			if (!p->valid)
				continue;
			snprintf(buf, sizeof(buf), "users \xe2\x86\x92 %s: %.3g ms%s",
				 scn->services[sv].id, p->rtt_ms,
				 p->state == VZ_PATH_TROMBONE  ? " (trombone)"
				 : p->state == VZ_PATH_UNREACH ? " (unreachable)"
				 : p->state == VZ_PATH_DOWN    ? " (service down)"
							       : "");
			site_line(R, sf, x, &ty, path_rgb(p->state), buf);
		}
		/* VMs running here, as squares above the site. */
		int count = 0;
		for (size_t vm = 0; vm < scn->n_vms; vm++)
			count += m->vm_site[vm] == (int)i;
		if (!count)
			continue;
		int per_row = count < 10 ? count : 10, shown = 0;
		int sq = 11, gap = 3, row_w = per_row * (sq + gap) - gap;
		int base = y - r - 8 - sq;
		char names[128] = "";
		for (size_t vm = 0; vm < scn->n_vms && shown < 30; vm++) {
			if (m->vm_site[vm] != (int)i)
				continue;
			int rx = x - row_w / 2 + (shown % per_row) * (sq + gap);
			int ry = base - (shown / per_row) * (sq + gap);
			vz_fill_rect(R, rx, ry, sq, sq, vz_vm_colour((int)vm));
			if (m->mig[vm].active)
				vz_rect_outline(R, rx - 1, ry - 1, sq + 2, sq + 2, 0x111111);
			vz_add_hit(L, rx, ry, sq, sq, 1, (int)vm);
			if (count <= 3) {
				size_t k = strlen(names);
				snprintf(names + k, sizeof(names) - k, "%s%s", k ? " " : "",
					 scn->vms[vm].id);
			}
			shown++;
		}
		int rows = (shown + per_row - 1) / per_row;
		int ny = base - (rows - 1) * (sq + gap) - TTF_FontLineSkip(sf) - 1;
		if (count > 3)
			snprintf(names, sizeof(names), "%d VMs", count);
		vz_label(R, sf, x, ny, C_TEXT, DCS_VIZ_BG_RGB, names);
	}
}

static void draw_bar(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		     const struct vz_view *v)
{
	vz_fill_rect(R, L->bar.x, L->bar.y, L->bar.w, L->bar.h, C_BAR);
	char buf[160];
	int x = 10;
	snprintf(buf, sizeof(buf), "dcisim \xc2\xb7 %s", v->title ? v->title : v->scn->name);
	x += vz_text(R, fo->f[VZ_FONT_BOLD], x, 9, C_BAR_TEXT, buf, 0) + 24;
	snprintf(buf, sizeof(buf), "t = %.3f s / %.4g s", dcs_time_to_s(v->t),
		 dcs_time_to_s(v->horizon));
	x += vz_text(R, fo->f[VZ_FONT_BIG], x, 6, 0xFFFFFF, buf, 0) + 24;
	const char *state = v->finished ? "\xe2\x96\xa0 finished"
			    : v->paused ? "\xe2\x9d\x9a\xe2\x9d\x9a paused"
					: "\xe2\x96\xb6 running";
	snprintf(buf, sizeof(buf), "%s%s \xc2\xb7 speed \xc3\x97%.4g",
		 v->replay ? "replay \xc2\xb7 " : "", state, v->speed);
	x += vz_text(R, fo->f[VZ_FONT_NORMAL], x, 9, v->paused ? 0xFFD060 : C_BAR_TEXT, buf, 0);
	const char *keys =
	    "space pause \xc2\xb7 +/\xe2\x88\x92 speed \xc2\xb7 \xe2\x86\x90/\xe2\x86\x92 "
	    "step \xc2\xb7 [ ] \xc2\xb1"
	    "10 s \xc2\xb7 Home/End \xc2\xb7 c captions "
	    "\xc2\xb7 r restart \xc2\xb7 q quit";
	if (x + 20 + vz_text_w(fo->f[VZ_FONT_SMALL], keys) >= L->W)
		keys =
		    "space \xc2\xb7 +/\xe2\x88\x92 \xc2\xb7 \xe2\x86\x90/\xe2\x86\x92 \xc2\xb7 [ ] "
		    "\xc2\xb7 Home/End \xc2\xb7 c \xc2\xb7 r \xc2\xb7 q";
	if (x + 20 + vz_text_w(fo->f[VZ_FONT_SMALL], keys) < L->W)
		vz_text(R, fo->f[VZ_FONT_SMALL], L->W - 10, 11, 0xB8B8C8, keys, 2);
}

static void draw_strip(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		       const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	const struct vz_model *m = v->m;
	vz_fill_rect(R, L->strip.x, L->strip.y, L->strip.w, 1, 0xC8C8C0);
	TTF_Font *f = fo->f[VZ_FONT_NORMAL];
	int lh = TTF_FontLineSkip(f) + 2, y = L->strip.y + 6, x0 = L->strip.x + 12;
	int max_y = L->strip.y + L->strip.h - lh;
	bool any = false;
	char buf[200];
	for (size_t vm = 0; vm < scn->n_vms && y <= max_y; vm++) {
		const struct vz_mig *g = &m->mig[vm];
		if (!g->active)
			continue;
		any = true;
		double f_round = vz_round_fraction(v, (int)vm);
		vz_fill_rect(R, x0, y + 3, 10, 10, vz_vm_colour((int)vm));
		int x = x0 + 16;
		snprintf(buf, sizeof(buf), "%s  %s \xe2\x86\x92 %s  %s, round %d", scn->vms[vm].id,
			 scn->sites[g->from].id, scn->sites[g->to].id, g->phase, g->round);
		x += vz_text(R, f, x, y, C_TEXT, buf, 0) + 10;
		int bw = 160;
		if (x + bw + 150 < L->strip.x + L->strip.w) {
			vz_fill_rect(R, x, y + 3, bw, 10, 0xD0D0C8);
			vz_fill_rect(R, x, y + 3, (int)lround(bw * f_round), 10,
				     vz_vm_colour((int)vm));
			x += bw + 10;
		}
		double sent = g->sent + vz_mig_round_bytes(m, (int)vm, v->t);
		snprintf(buf, sizeof(buf), "%.0f%% of round \xc2\xb7 %.2f GiB sent \xc2\xb7 %.1f s",
			 100 * f_round, sent / 1073741824.0, dcs_time_to_s(v->t - g->started));
		vz_text(R, fo->f[VZ_FONT_SMALL], x, y + 2, C_DIM, buf, 0);
		y += lh;
	}
	/* Recent outcomes stay for 15 simulated seconds. */
	for (size_t vm = 0; vm < scn->n_vms && y <= max_y; vm++) {
		const struct vz_mig *g = &m->mig[vm];
		if (g->active || g->done_at < 0 || v->t - g->done_at > 15 * DCS_NS_PER_S)
			continue;
		any = true;
		vz_fill_rect(R, x0, y + 3, 10, 10, vz_vm_colour((int)vm));
		snprintf(buf, sizeof(buf), "%s", g->result[0] ? g->result : "switched over");
		if (!g->result[0])
			snprintf(buf, sizeof(buf), "%s: switched over to %s", scn->vms[vm].id,
				 scn->sites[m->vm_site[vm]].id);
		vz_text(R, f, x0 + 16, y, vz_tone_rgb(g->result_tone), buf, 0);
		y += lh;
	}
	/* Clusters in trouble, and how it ended (for 15 s). */
	for (size_t c = 0; c < scn->n_clusters && y <= max_y; c++) {
		const struct vz_cluster *cs = &m->clusters[c];
		if (!cs->status[0])
			continue;
		any = true;
		snprintf(buf, sizeof(buf), "cluster %s: %s", scn->clusters[c].id, cs->status);
		vz_text(R, cs->tone == VZ_BAD ? fo->f[VZ_FONT_BOLD] : f, x0, y,
			vz_tone_rgb(cs->tone), buf, 0);
		y += lh;
	}
	if (!any)
		vz_text(R, fo->f[VZ_FONT_SMALL], x0, y + 2, C_DIM,
			"No migration running.  Links: thickness = capacity, colour = utilisation "
			"(green idle \xe2\x86\x92 red 90 %+).  Paths: red = trombone.",
			0);
}

void vz_draw(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L, const struct vz_view *v)
{
	SDL_SetRenderDrawBlendMode(R, SDL_BLENDMODE_NONE);
	vz_set_rgb(R, DCS_VIZ_BG_RGB);
	SDL_RenderClear(R);
	L->n_hits = 0;
	SDL_RenderSetClipRect(R, &L->map);
	draw_links(R, L, v);
	draw_paths(R, L, v);
	draw_link_labels(R, fo, L, v);
	draw_sites(R, fo, L, v);
	draw_migrations(R, fo, L, v);
	SDL_RenderSetClipRect(R, NULL);
	draw_strip(R, fo, L, v);
	vz_draw_timeline(R, L, v);
	vz_draw_panel(R, fo, L, v);
	draw_bar(R, fo, L, v);
	vz_draw_tooltip(R, fo, L, v);
}
