/*
 * The viewer's layout (draw.h): the map from the scenario's site
 * coordinates, the links between them, the panels around it, and the boxes
 * a tooltip answers for.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/viz.h"
#include "draw.h"

/* ---------------------------------------------------------------- layout */

int vz_layout_init(struct vz_layout *L, const struct dcs_scenario *scn)
{
	memset(L, 0, sizeof(*L));
	L->site_x = calloc(scn->n_sites + 1, sizeof(int));
	L->site_y = calloc(scn->n_sites + 1, sizeof(int));
	L->link = calloc(scn->n_links + 1, sizeof(*L->link));
	return L->site_x && L->site_y && L->link ? 0 : -1;
}

void vz_layout_free(struct vz_layout *L)
{
	free(L->site_x);
	free(L->site_y);
	free(L->link);
	memset(L, 0, sizeof(*L));
}

static float link_thickness(double gbps)
{
	float t = 2.0f + 3.0f * (float)log10(1.0 + (gbps > 0 ? gbps : 0));
	return t < 2 ? 2 : t > 12 ? 12 : t;
}

void vz_layout_compute(struct vz_layout *L, const struct dcs_scenario *scn, int W, int H)
{
	L->W = W;
	L->H = H;
	int bar_h = 34;
	int panel_w = W * 3 / 10;
	if (panel_w < 240)
		panel_w = W < 720 ? W / 3 : 240;
	if (panel_w > 440)
		panel_w = 440;
	/* Under the map: the migrations strip, and the timeline at the bottom. */
	int strip_h = H >= 560 ? 100 : 70;
	int tl_h = H >= 560 ? 30 : 24;
	L->bar = (SDL_Rect){0, 0, W, bar_h};
	L->panel = (SDL_Rect){W - panel_w, bar_h, panel_w, H - bar_h};
	L->strip = (SDL_Rect){0, H - strip_h, W - panel_w, strip_h - tl_h};
	L->timeline = (SDL_Rect){0, H - tl_h, W - panel_w, tl_h};
	L->tl_bar = (SDL_Rect){12, H - tl_h + 5, W - panel_w - 24, tl_h - 10};
	L->map = (SDL_Rect){0, bar_h, W - panel_w, H - bar_h - strip_h};
	L->site_r = 13;
	L->n_hits = 0;

	double minx = 0, maxx = 0, miny = 0, maxy = 0;
	for (size_t i = 0; i < scn->n_sites; i++) {
		double x = scn->sites[i].x, y = scn->sites[i].y;
		if (i == 0 || x < minx)
			minx = x;
		if (i == 0 || x > maxx)
			maxx = x;
		if (i == 0 || y < miny)
			miny = y;
		if (i == 0 || y > maxy)
			maxy = y;
	}
	/* Room for VM squares above a site, its labels below, names at the sides. */
	double side = fmin(110, 0.15 * L->map.w), top = fmin(80, 0.15 * L->map.h);
	double bottom = fmin(120, 0.2 * L->map.h);
	double iw = L->map.w - 2 * side, ih = L->map.h - top - bottom;
	if (iw < 40)
		iw = 40;
	if (ih < 40)
		ih = 40;
	double dx = maxx - minx, dy = maxy - miny, sc;
	if (dx <= 0 && dy <= 0)
		sc = 1;
	else if (dx <= 0)
		sc = ih / dy;
	else if (dy <= 0)
		sc = iw / dx;
	else
		sc = fmin(iw / dx, ih / dy);
	L->scale = sc;
	L->mx = (minx + maxx) / 2;
	L->my = (miny + maxy) / 2;
	L->cx = L->map.x + L->map.w / 2.0;
	L->cy = L->map.y + top + ih / 2.0;
	/* Sites without positions (all at the default 0, 0) go round a circle. */
	bool circle = dx <= 0 && dy <= 0 && scn->n_sites > 1;
	double rad = fmin(iw, ih) / 2;
	L->gx = L->gy = 0;
	for (size_t i = 0; i < scn->n_sites; i++) {
		if (circle) {
			double a = M_PI / 2 + 2 * M_PI * (double)i / (double)scn->n_sites;
			L->site_x[i] = (int)lround(L->cx - rad * cos(a));
			L->site_y[i] = (int)lround(L->cy - rad * sin(a));
		} else {
			L->site_x[i] = (int)lround(L->cx + (scn->sites[i].x - L->mx) * sc);
			L->site_y[i] = (int)lround(L->cy - (scn->sites[i].y - L->my) * sc);
		}
		L->gx += (float)L->site_x[i] / (float)scn->n_sites;
		L->gy += (float)L->site_y[i] / (float)scn->n_sites;
	}
	/* Links; parallel links between one pair of sites side by side. */
	for (size_t i = 0; i < scn->n_links; i++) {
		const struct dcs_link_cfg *c = &scn->links[i];
		int lo = c->a < c->b ? c->a : c->b, hi = c->a < c->b ? c->b : c->a;
		int n = 0, k = 0;
		for (size_t j = 0; j < scn->n_links; j++) {
			const struct dcs_link_cfg *d = &scn->links[j];
			int lo2 = d->a < d->b ? d->a : d->b, hi2 = d->a < d->b ? d->b : d->a;
			if (lo2 == lo && hi2 == hi) {
				if (j < i)
					k++;
				n++;
			}
		}
		float ax = (float)L->site_x[c->a], ay = (float)L->site_y[c->a];
		float bx = (float)L->site_x[c->b], by = (float)L->site_y[c->b];
		float px = (float)(L->site_x[hi] - L->site_x[lo]);
		float py = (float)(L->site_y[hi] - L->site_y[lo]);
		float len = sqrtf(px * px + py * py);
		float off = (k - (n - 1) / 2.0f) * 16.0f;
		float nx = len > 0 ? -py / len * off : 0, ny = len > 0 ? px / len * off : 0;
		L->link[i] = (struct vz_seg){ax + nx, ay + ny, bx + nx, by + ny,
					     link_thickness(c->bandwidth_gbps)};
	}
}

void vz_add_hit(struct vz_layout *L, int x, int y, int w, int h, int kind, int index)
{
	if (L->n_hits < VZ_MAXHITS)
		L->hits[L->n_hits++] = (struct vz_hit){{x, y, w, h}, kind, index};
}

/* The side of a segment labels go on: up on screen, or right of vertical lines. */
void vz_label_normal(const struct vz_seg *s, float *nx, float *ny)
{
	float dx = s->bx - s->ax, dy = s->by - s->ay, len = sqrtf(dx * dx + dy * dy);
	if (len <= 0) {
		*nx = 0, *ny = -1;
		return;
	}
	*nx = -dy / len, *ny = dx / len;
	if (fabsf(*ny) < 0.3f) {
		if (*nx < 0)
			*nx = -*nx, *ny = -*ny;
	} else if (*ny > 0) {
		*nx = -*nx, *ny = -*ny;
	}
}
