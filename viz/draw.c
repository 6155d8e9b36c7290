/*
 * Drawing the view: layout from the scenario's site coordinates, then links,
 * client paths, migrations, sites with what runs there, the clock, the
 * migration strip, the event log and the tooltip.  Only SDL_Renderer calls
 * (geometry, rectangles, textures of text), so the same code draws into a
 * window and into an off-screen surface with the software renderer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/viz.h"
#include "viz_internal.h"

#define C_BAR      0x2B2D42
#define C_BAR_TEXT 0xF2F2F2
#define C_PANEL    0xECECE4
#define C_TEXT     0x222222
#define C_DIM      0x777777
#define C_GOOD     0x2E8B3E
#define C_WARN     0xC77800
#define C_BAD      0xC62020
#define C_SITE_RIM 0x17497E
#define C_DOWN_RIM 0x555555
#define C_X        0xB00000
#define C_TROMBONE 0xE01010
#define C_OPTIMAL  0x2E9E3E
#define C_UNREACH  0x9A9A9A
#define C_TIP_BG   DCS_VIZ_TIP_RGB
#define C_TIP_RIM  0x444444

static const uint32_t vm_palette[] = {0x8E44AD, 0x16A085, 0xD35400, 0x2C3E50, 0xC2185B,
				      0x6D4C41, 0x689F38, 0x0097A7, 0x5E35B1, 0x7F8C8D};

static uint32_t vm_colour(int vm)
{
	return vm_palette[(unsigned)vm % (sizeof(vm_palette) / sizeof(vm_palette[0]))];
}

static uint32_t tone_rgb(enum vz_tone t)
{
	switch (t) {
	case VZ_GOOD:
		return C_GOOD;
	case VZ_WARN:
		return C_WARN;
	case VZ_BAD:
		return C_BAD;
	case VZ_DIM:
		return C_DIM;
	case VZ_NORMAL:
		break;
	}
	return C_TEXT;
}

static uint32_t lerp_rgb(uint32_t a, uint32_t b, double f)
{
	uint32_t out = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double x = ((a >> sh) & 255) + f * ((double)((b >> sh) & 255) - ((a >> sh) & 255));
		out |= (uint32_t)lround(x) << sh;
	}
	return out;
}

/* Utilisation to colour: green, yellow, orange, then DCS_VIZ_HOT_RGB from 90 %. */
static uint32_t util_rgb(double u)
{
	if (u >= 0.9)
		return DCS_VIZ_HOT_RGB;
	if (u < 0.5)
		return lerp_rgb(0x3AA83A, 0xE8C020, u / 0.5);
	if (u < 0.8)
		return lerp_rgb(0xE8C020, 0xF08020, (u - 0.5) / 0.3);
	return lerp_rgb(0xF08020, 0xE0502A, (u - 0.8) / 0.1);
}

/* ------------------------------------------------------------ primitives */

static SDL_Color sdl_col(uint32_t rgb)
{
	return (SDL_Color){(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
}

static void set_rgb(SDL_Renderer *R, uint32_t rgb)
{
	SDL_SetRenderDrawColor(R, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255);
}

static void fill_rect(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb)
{
	set_rgb(R, rgb);
	SDL_Rect r = {x, y, w, h};
	SDL_RenderFillRect(R, &r);
}

static void rect_outline(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb)
{
	set_rgb(R, rgb);
	SDL_Rect r = {x, y, w, h};
	SDL_RenderDrawRect(R, &r);
}

static void tri(SDL_Renderer *R, float x0, float y0, float x1, float y1, float x2, float y2,
		uint32_t rgb)
{
	SDL_Color c = sdl_col(rgb);
	SDL_Vertex v[3] = {{{x0, y0}, c, {0, 0}}, {{x1, y1}, c, {0, 0}}, {{x2, y2}, c, {0, 0}}};
	SDL_RenderGeometry(R, NULL, v, 3, NULL, 0);
}

static void thick_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w,
		       uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 0.5f)
		return;
	float nx = -dy / len * w / 2, ny = dx / len * w / 2;
	SDL_Color c = sdl_col(rgb);
	SDL_Vertex v[4] = {{{ax + nx, ay + ny}, c, {0, 0}},
			   {{bx + nx, by + ny}, c, {0, 0}},
			   {{bx - nx, by - ny}, c, {0, 0}},
			   {{ax - nx, ay - ny}, c, {0, 0}}};
	int idx[6] = {0, 1, 2, 0, 2, 3};
	SDL_RenderGeometry(R, NULL, v, 4, idx, 6);
}

static void dashed_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w,
			float dash, float gap, uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 0.5f)
		return;
	float ux = dx / len, uy = dy / len;
	for (float s = 0; s < len; s += dash + gap) {
		float e = s + dash < len ? s + dash : len;
		thick_line(R, ax + ux * s, ay + uy * s, ax + ux * e, ay + uy * e, w, rgb);
	}
}

static void fill_circle(SDL_Renderer *R, float cx, float cy, float r, uint32_t rgb)
{
	enum { N = 40 };
	SDL_Color c = sdl_col(rgb);
	SDL_Vertex v[N + 1];
	int idx[3 * N];
	v[0] = (SDL_Vertex){{cx, cy}, c, {0, 0}};
	for (int i = 0; i < N; i++) {
		double a = 2 * M_PI * i / N;
		v[i + 1] =
		    (SDL_Vertex){{cx + r * (float)cos(a), cy + r * (float)sin(a)}, c, {0, 0}};
		idx[3 * i] = 0;
		idx[3 * i + 1] = i + 1;
		idx[3 * i + 2] = (i + 1) % N + 1;
	}
	SDL_RenderGeometry(R, NULL, v, N + 1, idx, 3 * N);
}

static void cross(SDL_Renderer *R, float cx, float cy, float s, float w, uint32_t rgb)
{
	thick_line(R, cx - s, cy - s, cx + s, cy + s, w, rgb);
	thick_line(R, cx - s, cy + s, cx + s, cy - s, w, rgb);
}

static void arrow(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, bool dashed,
		  uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 12)
		return;
	float ux = dx / len, uy = dy / len, head = 9;
	float hx = bx - ux * head, hy = by - uy * head;
	if (dashed)
		dashed_line(R, ax, ay, hx, hy, w, 7, 5, rgb);
	else
		thick_line(R, ax, ay, hx, hy, w, rgb);
	tri(R, bx, by, hx - uy * 5, hy + ux * 5, hx + uy * 5, hy - ux * 5, rgb);
}

/* ------------------------------------------------------------------ text */

static int text_w(TTF_Font *f, const char *s)
{
	int w = 0, h = 0;
	if (!s || !*s || TTF_SizeUTF8(f, s, &w, &h) != 0)
		return 0;
	return w;
}

/* Draws s with its top at y; align 0 left of x, 1 centred on x, 2 right of x.
 * Returns the width. */
static int text(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, const char *s, int align)
{
	if (!s || !*s)
		return 0;
	SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, sdl_col(rgb));
	if (!surf)
		return 0;
	SDL_Texture *tex = SDL_CreateTextureFromSurface(R, surf);
	int w = surf->w, h = surf->h;
	SDL_FreeSurface(surf);
	if (!tex)
		return 0;
	SDL_Rect dst = {align == 1 ? x - w / 2 : align == 2 ? x - w : x, y, w, h};
	SDL_RenderCopy(R, tex, NULL, &dst);
	SDL_DestroyTexture(tex);
	return w;
}

/* Text on a background box, for labels over lines. */
static void label(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, uint32_t bg,
		  const char *s)
{
	int w = text_w(f, s);
	if (!w)
		return;
	fill_rect(R, x - w / 2 - 3, y, w + 6, TTF_FontHeight(f), bg);
	text(R, f, x, y, rgb, s, 1);
}

/* Cuts s to fit maxw pixels, ending with an ellipsis. */
static void fit(TTF_Font *f, char *s, int maxw)
{
	if (text_w(f, s) <= maxw)
		return;
	size_t n = strlen(s);
	while (n > 0) {
		n--;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* whole UTF-8 characters */
		memcpy(s + n, "\xe2\x80\xa6", 4);
		if (text_w(f, s) <= maxw)
			return;
	}
}

/* Word-wraps s into at most max_lines lines of maxw; returns the height used. */
static int wrapped(SDL_Renderer *R, TTF_Font *f, int x, int y, int maxw, uint32_t rgb,
		   const char *s, int max_lines)
{
	int lh = TTF_FontLineSkip(f), lines = 0;
	char line[512];
	const char *p = s;
	while (p && *p && lines < max_lines) {
		size_t n = 0, last_fit = 0;
		const char *q = p;
		for (;;) {
			const char *sp = strchr(q, ' ');
			size_t end = sp ? (size_t)(sp - p) : strlen(p);
			if (end >= sizeof(line) - 4)
				end = sizeof(line) - 5;
			memcpy(line, p, end);
			line[end] = '\0';
			if (text_w(f, line) > maxw && last_fit > 0)
				break;
			last_fit = end;
			if (!sp || end == sizeof(line) - 5)
				break;
			q = sp + 1;
		}
		n = last_fit;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		while (*p == ' ')
			p++;
		if (lines == max_lines - 1 && *p) {
			size_t k = strlen(line);
			if (k + 4 < sizeof(line))
				memcpy(line + k, " \xe2\x80\xa6", 5);
		}
		fit(f, line, maxw);
		text(R, f, x, y + lines * lh, rgb, line, 0);
		lines++;
	}
	return lines * lh;
}

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

static void add_hit(struct vz_layout *L, int x, int y, int w, int h, int kind, int index)
{
	if (L->n_hits < VZ_MAXHITS)
		L->hits[L->n_hits++] = (struct vz_hit){{x, y, w, h}, kind, index};
}

/* The side of a segment labels go on: up on screen, or right of vertical lines. */
static void label_normal(const struct vz_seg *s, float *nx, float *ny)
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

/* ------------------------------------------------------------- the scene */

static double dir_util(const struct dcs_link_cfg *c, const struct dcs_obs_link *s, int d)
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
			thick_line(R, s->ax, s->ay, s->ax + 0.42f * dx, s->ay + 0.42f * dy,
				   s->thick, DCS_VIZ_CUT_RGB);
			thick_line(R, s->bx - 0.42f * dx, s->by - 0.42f * dy, s->bx, s->by,
				   s->thick, DCS_VIZ_CUT_RGB);
			cross(R, s->ax + 0.5f * dx, s->ay + 0.5f * dy, 7, 3, C_X);
		} else if (lk->s.degraded) {
			dashed_line(R, s->ax, s->ay, s->bx, s->by, s->thick, 12, 6,
				    util_rgb(lk->util));
		} else {
			thick_line(R, s->ax, s->ay, s->bx, s->by, s->thick, util_rgb(lk->util));
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
		label_normal(s, &nx, &ny);
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
			double u0 = dir_util(c, &lk->s, 0), u1 = dir_util(c, &lk->s, 1);
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
		int bw_px = text_w(f, l1) > text_w(f, l2) ? text_w(f, l1) : text_w(f, l2);
		float lanes =
		    scn->n_services
			? 12.0f + 7.0f * (float)(scn->n_services < 4 ? scn->n_services : 4)
			: 0;
		float d = (fabsf(nx) * (float)(bw_px + 6) + fabsf(ny) * (float)(2 * lh)) / 2 +
			  s->thick / 2 + 3 + lanes;
		int x = (int)lroundf(mxp + nx * d), yc = (int)lroundf(myp + ny * d);
		label(R, f, x, yc - lh, C_TEXT, DCS_VIZ_BG_RGB, l1);
		label(R, f, x, yc, rgb2, DCS_VIZ_BG_RGB, l2);
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
		arrow(R, x0, y0, x1, y1, dashed ? 2 : 3, dashed, rgb);
	else if (dashed)
		dashed_line(R, x0, y0, x1, y1, 2, 7, 5, rgb);
	else
		thick_line(R, x0, y0, x1, y1, 3, rgb);
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
	return state == 1 ? C_TROMBONE : state == 2 ? C_UNREACH : C_OPTIMAL;
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

static double round_fraction(const struct vz_view *v, int vm)
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
			dashed_line(R, ax, ay, bx, by, 2, 6, 6, vm_colour((int)vm));
		float s0 = (float)L->site_r + 10, span = len - 2 * s0;
		if (span < 0)
			span = 0;
		float f = (float)round_fraction(v, (int)vm);
		float px = ax + dx / len * (s0 + f * span), py = ay + dy / len * (s0 + f * span);
		int x = (int)lroundf(px), y = (int)lroundf(py);
		fill_rect(R, x - 8, y - 8, 16, 16, 0x111111);
		fill_rect(R, x - 6, y - 6, 12, 12, vm_colour((int)vm));
		add_hit(L, x - 8, y - 8, 16, 16, 3, (int)vm);
		char buf[96];
		snprintf(buf, sizeof(buf), "round %d", g->round);
		int tw = text_w(fo->f[VZ_FONT_SMALL], buf);
		/* Round and progress ride on the line beside the marker, clear of
		 * the labels on either side of it. */
		fill_rect(R, x + 10, y - 7, tw + 52, TTF_FontHeight(fo->f[VZ_FONT_SMALL]),
			  DCS_VIZ_BG_RGB);
		text(R, fo->f[VZ_FONT_SMALL], x + 13, y - 7, C_TEXT, buf, 0);
		fill_rect(R, x + tw + 19, y - 3, 40, 7, 0x333333);
		fill_rect(R, x + tw + 20, y - 2, (int)lround(38 * f), 5, vm_colour((int)vm));
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
	label(R, f, x, *y, rgb, DCS_VIZ_BG_RGB, s);
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
		fill_circle(R, (float)x, (float)y, (float)r + 2.5f, up ? C_SITE_RIM : C_DOWN_RIM);
		fill_circle(R, (float)x, (float)y, (float)r,
			    up ? DCS_VIZ_SITE_RGB : DCS_VIZ_DOWN_RGB);
		if (!up)
			cross(R, (float)x, (float)y, 9, 3, C_X);
		add_hit(L, x - r, y - r, 2 * r, 2 * r, 2, (int)i);
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
					  nd->down ? C_BAD : tone_rgb(nd->tone), buf);
			}
		}
		for (size_t sv = 0; sv < scn->n_services; sv++) {
			const struct vz_path *p = &m->paths[sv * (scn->n_sites + 1) + i];
			if (!p->valid)
				continue;
			snprintf(buf, sizeof(buf), "users \xe2\x86\x92 %s: %.3g ms%s",
				 scn->services[sv].id, p->rtt_ms,
				 p->state == 1   ? " (trombone)"
				 : p->state == 2 ? " (unreachable)"
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
			fill_rect(R, rx, ry, sq, sq, vm_colour((int)vm));
			if (m->mig[vm].active)
				rect_outline(R, rx - 1, ry - 1, sq + 2, sq + 2, 0x111111);
			add_hit(L, rx, ry, sq, sq, 1, (int)vm);
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
		label(R, sf, x, ny, C_TEXT, DCS_VIZ_BG_RGB, names);
	}
}

static void draw_bar(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		     const struct vz_view *v)
{
	fill_rect(R, L->bar.x, L->bar.y, L->bar.w, L->bar.h, C_BAR);
	char buf[160];
	int x = 10;
	snprintf(buf, sizeof(buf), "dcisim \xc2\xb7 %s", v->title ? v->title : v->scn->name);
	x += text(R, fo->f[VZ_FONT_BOLD], x, 9, C_BAR_TEXT, buf, 0) + 24;
	snprintf(buf, sizeof(buf), "t = %.3f s / %.4g s", dcs_time_to_s(v->t),
		 dcs_time_to_s(v->horizon));
	x += text(R, fo->f[VZ_FONT_BIG], x, 6, 0xFFFFFF, buf, 0) + 24;
	const char *state = v->finished ? "\xe2\x96\xa0 finished"
			    : v->paused ? "\xe2\x9d\x9a\xe2\x9d\x9a paused"
					: "\xe2\x96\xb6 running";
	snprintf(buf, sizeof(buf), "%s%s \xc2\xb7 speed \xc3\x97%.4g",
		 v->replay ? "replay \xc2\xb7 " : "", state, v->speed);
	x += text(R, fo->f[VZ_FONT_NORMAL], x, 9, v->paused ? 0xFFD060 : C_BAR_TEXT, buf, 0);
	const char *keys =
	    "space pause \xc2\xb7 +/\xe2\x88\x92 speed \xc2\xb7 \xe2\x86\x90/\xe2\x86\x92 "
	    "step \xc2\xb7 [ ] \xc2\xb1"
	    "10 s \xc2\xb7 Home/End \xc2\xb7 c captions "
	    "\xc2\xb7 r restart \xc2\xb7 q quit";
	if (x + 20 + text_w(fo->f[VZ_FONT_SMALL], keys) >= L->W)
		keys =
		    "space \xc2\xb7 +/\xe2\x88\x92 \xc2\xb7 \xe2\x86\x90/\xe2\x86\x92 \xc2\xb7 [ ] "
		    "\xc2\xb7 Home/End \xc2\xb7 c \xc2\xb7 r \xc2\xb7 q";
	if (x + 20 + text_w(fo->f[VZ_FONT_SMALL], keys) < L->W)
		text(R, fo->f[VZ_FONT_SMALL], L->W - 10, 11, 0xB8B8C8, keys, 2);
}

static void draw_strip(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		       const struct vz_view *v)
{
	const struct dcs_scenario *scn = v->scn;
	const struct vz_model *m = v->m;
	fill_rect(R, L->strip.x, L->strip.y, L->strip.w, 1, 0xC8C8C0);
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
		double f_round = round_fraction(v, (int)vm);
		fill_rect(R, x0, y + 3, 10, 10, vm_colour((int)vm));
		int x = x0 + 16;
		snprintf(buf, sizeof(buf), "%s  %s \xe2\x86\x92 %s  %s, round %d", scn->vms[vm].id,
			 scn->sites[g->from].id, scn->sites[g->to].id, g->phase, g->round);
		x += text(R, f, x, y, C_TEXT, buf, 0) + 10;
		int bw = 160;
		if (x + bw + 150 < L->strip.x + L->strip.w) {
			fill_rect(R, x, y + 3, bw, 10, 0xD0D0C8);
			fill_rect(R, x, y + 3, (int)lround(bw * f_round), 10, vm_colour((int)vm));
			x += bw + 10;
		}
		double sent = g->sent + vz_mig_round_bytes(m, (int)vm, v->t);
		snprintf(buf, sizeof(buf), "%.0f%% of round \xc2\xb7 %.2f GiB sent \xc2\xb7 %.1f s",
			 100 * f_round, sent / 1073741824.0, dcs_time_to_s(v->t - g->started));
		text(R, fo->f[VZ_FONT_SMALL], x, y + 2, C_DIM, buf, 0);
		y += lh;
	}
	/* Recent outcomes stay for 15 simulated seconds. */
	for (size_t vm = 0; vm < scn->n_vms && y <= max_y; vm++) {
		const struct vz_mig *g = &m->mig[vm];
		if (g->active || g->done_at < 0 || v->t - g->done_at > 15 * DCS_NS_PER_S)
			continue;
		any = true;
		fill_rect(R, x0, y + 3, 10, 10, vm_colour((int)vm));
		snprintf(buf, sizeof(buf), "%s", g->result[0] ? g->result : "switched over");
		if (!g->result[0])
			snprintf(buf, sizeof(buf), "%s: switched over to %s", scn->vms[vm].id,
				 scn->sites[m->vm_site[vm]].id);
		text(R, f, x0 + 16, y, tone_rgb(g->result_tone), buf, 0);
		y += lh;
	}
	/* Clusters in trouble, and how it ended (for 15 s). */
	for (size_t c = 0; c < scn->n_clusters && y <= max_y; c++) {
		const struct vz_cluster *cs = &m->clusters[c];
		if (!cs->status[0])
			continue;
		any = true;
		snprintf(buf, sizeof(buf), "cluster %s: %s", scn->clusters[c].id, cs->status);
		text(R, cs->tone == VZ_BAD ? fo->f[VZ_FONT_BOLD] : f, x0, y, tone_rgb(cs->tone),
		     buf, 0);
		y += lh;
	}
	if (!any)
		text(R, fo->f[VZ_FONT_SMALL], x0, y + 2, C_DIM,
		     "No migration running.  Links: thickness = capacity, colour = utilisation "
		     "(green idle \xe2\x86\x92 red 90 %+).  Paths: red = trombone.",
		     0);
}

/* ------------------------------------------------ captions and timeline */

static uint32_t phase_rgb(enum vz_phase ph)
{
	switch (ph) {
	case VZ_PH_PRECOPY:
	case VZ_PH_SUMMARY:
		return 0x3F78C0;
	case VZ_PH_STOPCOPY:
	case VZ_PH_SWITCHOVER:
		return 0xE07B1A;
	case VZ_PH_MOVED:
	case VZ_PH_CONVERGED:
		return C_GOOD;
	case VZ_PH_FAILED:
		return C_BAD;
	case VZ_PH_DEGRADED:
	case VZ_PH_CLUSTER:
		return 0xE8B020;
	case VZ_PH_TROMBONE:
		return C_TROMBONE;
	case VZ_PH_UNREACH:
		return C_UNREACH;
	case VZ_PH_OUTAGE:
		return 0x7B2D8E;
	case VZ_PH_CUT:
		return DCS_VIZ_CUT_RGB;
	case VZ_PH_NONE:
	case VZ_PH_COUNT:
		break;
	}
	return 0xD2D2CA; /* an empty lane */
}

/* The captions at the top of the panel, each wrapped on up to three lines;
 * returns the height used. */
static int draw_captions(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
			 const struct vz_view *v, int x, int y, int w)
{
	TTF_Font *f = fo->f[VZ_FONT_BOLD], *sf = fo->f[VZ_FONT_SMALL];
	int y0 = y, room = (L->panel.y + L->panel.h - y) / 3;
	if (!v->n_caps) {
		y += wrapped(R, sf, x, y, w, C_DIM,
			     "Captions name the phase under way: pre-copy rounds, stop-and-copy, "
			     "switchover, trombone, convergence, cuts, cluster incidents.",
			     3);
	}
	int i;
	for (i = 0; i < v->n_caps && y - y0 < room; i++) {
		const struct vz_caption *cap = &v->caps[i];
		fill_rect(R, x, y + 3, 10, 10, phase_rgb(cap->phase));
		y += wrapped(R, f, x + 16, y, w - 16, tone_rgb(cap->tone), cap->text, 3) + 3;
	}
	if (i < v->n_caps) {
		char more[32];
		snprintf(more, sizeof(more), "+%d more", v->n_caps - i);
		text(R, sf, x + 16, y, C_DIM, more, 0);
		y += TTF_FontLineSkip(sf);
	}
	fill_rect(R, x, y + 4, w, 1, 0xC8C8C0);
	return y + 10 - y0;
}

static int tl_x(const struct vz_layout *L, dcs_time_t t, dcs_time_t horizon)
{
	const SDL_Rect *b = &L->tl_bar;
	if (horizon <= 0 || t <= 0)
		return b->x;
	double f = (double)t / (double)horizon;
	int dx = f >= 1 ? b->w - 1 : (int)(f * b->w);
	return b->x + dx;
}

/* One lane: runs of equal colour as rectangles. */
static void draw_lane(SDL_Renderer *R, const SDL_Rect *b, int y, int h, const unsigned char *ph)
{
	int x0 = 0;
	for (int x = 1; x <= b->w; x++) {
		if (x < b->w && ph[x] == ph[x0])
			continue;
		fill_rect(R, b->x + x0, y, x - x0, h, phase_rgb((enum vz_phase)ph[x0]));
		x0 = x;
	}
}

static void draw_timeline(SDL_Renderer *R, const struct vz_layout *L, const struct vz_view *v)
{
	const SDL_Rect *T = &L->timeline, *b = &L->tl_bar;
	fill_rect(R, T->x, T->y, T->w, T->h, 0xE6E6DE);
	fill_rect(R, T->x, T->y, T->w, 1, 0xC8C8C0);
	if (b->w <= 0 || !v->story)
		return;
	unsigned char *lane = malloc(2 * (size_t)b->w);
	signed char *tick = malloc((size_t)b->w);
	if (!lane || !tick) {
		free(lane);
		free(tick);
		return;
	}
	vz_story_paint(v->story, v->horizon, v->known, b->w, lane, lane + b->w, tick);
	int th = b->h / 4, lh = (b->h - th - 2) / 2;
	for (int x = 0; x < b->w; x++)
		if (tick[x] >= 0)
			fill_rect(R, b->x + x, b->y, 1, th, tone_rgb((enum vz_tone)tick[x]));
	draw_lane(R, b, b->y + th + 1, lh, lane);
	draw_lane(R, b, b->y + th + 2 + lh, lh, lane + b->w);
	free(lane);
	free(tick);
	/* What lies ahead is paler, and paler still where a live run has not
	 * been yet. */
	SDL_SetRenderDrawBlendMode(R, SDL_BLENDMODE_BLEND);
	int xt = tl_x(L, v->t, v->horizon), xk = tl_x(L, v->known, v->horizon);
	SDL_SetRenderDrawColor(R, 255, 255, 255, 120);
	SDL_Rect ahead = {xt + 1, b->y, b->x + b->w - xt - 1, b->h};
	if (ahead.w > 0)
		SDL_RenderFillRect(R, &ahead);
	SDL_Rect unknown = {xk + 1, b->y, b->x + b->w - xk - 1, b->h};
	if (v->known < v->horizon && unknown.w > 0)
		SDL_RenderFillRect(R, &unknown);
	SDL_SetRenderDrawBlendMode(R, SDL_BLENDMODE_NONE);
	fill_rect(R, xt - 1, T->y + 2, 3, T->h - 4, 0x111111);
}

static double seg_dist(float px, float py, const struct vz_seg *s)
{
	float dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
	float t = l2 > 0 ? ((px - s->ax) * dx + (py - s->ay) * dy) / l2 : 0;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	float qx = s->ax + t * dx - px, qy = s->ay + t * dy - py;
	return sqrt((double)(qx * qx + qy * qy));
}

static int tip_vm(const struct vz_view *v, int vm, char lines[][160])
{
	const struct dcs_scenario *scn = v->scn;
	const struct dcs_vm_cfg *c = &scn->vms[vm];
	const struct vz_mig *g = &v->m->mig[vm];
	int n = 0;
	snprintf(lines[n++], 160, "VM %s: %.4g GiB, %d vCPU", c->id, c->memory_gib, c->vcpus);
	snprintf(lines[n++], 160, "dirties %.4g MiB/s, working set %.4g GiB", c->dirty_mib_s,
		 c->wws_gib);
	snprintf(lines[n++], 160, "runs at %s",
		 scn->sites[v->m->vm_site[vm]].name ? scn->sites[v->m->vm_site[vm]].name
						    : scn->sites[v->m->vm_site[vm]].id);
	if (g->active) {
		snprintf(lines[n++], 160, "migrating to %s: round %d, %.0f%% of this round",
			 scn->sites[g->to].id, g->round, 100 * round_fraction(v, vm));
		snprintf(lines[n++], 160, "sent %.3f GiB; its share of the link now %.3g Gbps",
			 (g->sent + vz_mig_round_bytes(v->m, vm, v->t)) / 1073741824.0,
			 g->share * 8 / 1e9);
	} else if (g->done_at >= 0 && g->result[0]) {
		snprintf(lines[n++], 160, "last migration: %s", g->result);
	}
	return n;
}

static int tip_link(const struct vz_view *v, int li, char lines[][160])
{
	const struct dcs_scenario *scn = v->scn;
	const struct dcs_link_cfg *c = &scn->links[li];
	const struct dcs_obs_link *s = &v->m->links[li].s;
	int n = 0;
	snprintf(lines[n++], 160, "link %s: %s \xe2\x80\x94 %s, %s", c->id, scn->sites[c->a].id,
		 scn->sites[c->b].id, dcs_tech_name(c->technology));
	snprintf(lines[n++], 160, "%.4g km (route factor %.3g), %.4g Gbps, background %.4g Gbps",
		 c->distance_km, c->route_factor, c->bandwidth_gbps, c->background_gbps);
	double ow = dcs_link_cfg_one_way_us(c) / 1e3;
	snprintf(lines[n++], 160, "one way %.3f ms, RTT %.3f ms, goodput fraction %.4f", ow, 2 * ow,
		 dcs_link_cfg_goodput_fraction(c));
	for (int d = 0; d < 2; d++) {
		int from = d ? c->b : c->a, to = d ? c->a : c->b;
		snprintf(lines[n++], 160,
			 "%s\xe2\x86\x92%s: %.3f Gbps goodput, %d flow%s, %.0f%% busy",
			 scn->sites[from].id, scn->sites[to].id, s->rate_Bps[d] * 8 / 1e9,
			 s->flows[d], s->flows[d] == 1 ? "" : "s", 100 * dir_util(c, s, d));
	}
	snprintf(lines[n++], 160, "state: %s",
		 !s->up        ? "DOWN (cut)"
		 : s->degraded ? "degraded"
			       : "up");
	if (s->up && s->degraded)
		snprintf(lines[n - 1], 160, "state: degraded to %.4g Gbps", s->bandwidth_gbps);
	return n;
}

static int tip_site(const struct vz_view *v, int si, char lines[][160])
{
	const struct dcs_site_cfg *c = &v->scn->sites[si];
	int n = 0, vms = 0;
	for (size_t vm = 0; vm < v->scn->n_vms; vm++)
		vms += v->m->vm_site[vm] == si;
	snprintf(lines[n++], 160, "site %s (%s) at x %.4g, y %.4g", c->id,
		 c->name ? c->name : c->id, c->x, c->y);
	snprintf(lines[n++], 160, "%s; %d VM%s running here", v->m->site_up[si] ? "up" : "DOWN",
		 vms, vms == 1 ? "" : "s");
	return n;
}

/* The lines an event-log entry takes (at most 3), drawn when draw is set:
 * the first full width, the rest indented under the text after the time. */
static int log_entry(SDL_Renderer *R, TTF_Font *f, int x, int y, int w, uint32_t rgb, const char *s,
		     bool draw)
{
	int indent = text_w(f, "00000.000 s  "), lh = TTF_FontLineSkip(f), lines = 0;
	char buf[520];
	const char *p = s;
	while (*p && lines < 3) {
		int avail = lines ? w - indent : w;
		size_t n = strlen(p);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (text_w(f, buf) > avail) {
			/* the longest prefix ending at a space that fits */
			size_t best = 0;
			for (size_t i = 1; i < n; i++)
				if (buf[i] == ' ') {
					buf[i] = '\0';
					if (text_w(f, buf) <= avail)
						best = i;
					buf[i] = ' ';
					if (best != i)
						break;
				}
			if (best == 0 || lines == 2) {
				fit(f, buf, avail);
				best = strlen(p);
			} else {
				buf[best] = '\0';
			}
			n = best;
		}
		if (draw)
			text(R, f, lines ? x + indent : x, y + lines * lh, rgb, buf, 0);
		lines++;
		p += n;
		while (*p == ' ')
			p++;
	}
	return lines ? lines : 1;
}

static int log_lines(TTF_Font *f, const char *s, int w)
{
	return log_entry(NULL, f, 0, 0, w, 0, s, false);
}

static void draw_panel(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		       const struct vz_view *v)
{
	const struct vz_model *m = v->m;
	fill_rect(R, L->panel.x, L->panel.y, L->panel.w, L->panel.h, C_PANEL);
	int x = L->panel.x + 12, w = L->panel.w - 24, y = L->panel.y + 10;
	if (v->captions)
		y += draw_captions(R, fo, L, v, x, y, w);
	if (v->scn->description && *v->scn->description) {
		/* The description may take what leaves a dozen log lines. */
		int room =
		    L->panel.y + L->panel.h - y - 30 - 12 * TTF_FontLineSkip(fo->f[VZ_FONT_SMALL]);
		int max_lines = room / TTF_FontLineSkip(fo->f[VZ_FONT_NORMAL]);
		y += wrapped(R, fo->f[VZ_FONT_NORMAL], x, y, w, C_TEXT, v->scn->description,
			     max_lines < 3 ? 3 : max_lines) +
		     10;
	}
	text(R, fo->f[VZ_FONT_BOLD], x, y, C_TEXT, "Event log", 0);
	y += TTF_FontLineSkip(fo->f[VZ_FONT_BOLD]) + 4;
	TTF_Font *f = fo->f[VZ_FONT_SMALL];
	int lh = TTF_FontLineSkip(f);
	int rows = (L->panel.y + L->panel.h - 8 - y) / lh;
	if (rows <= 0)
		return;
	int first = m->log_n > rows ? m->log_n - rows : 0;
	if (m->log_n == 0)
		text(R, f, x, y, C_DIM, "(nothing yet: events.csv rows appear here)", 0);
	/* Newest at the bottom; an entry wraps onto indented lines. */
	int y_end = L->panel.y + L->panel.h - 8;
	int used = 0, start = m->log_n;
	while (start > 0) {
		int need = log_lines(f, m->log[start - 1].text, w);
		if (used + need > rows)
			break;
		used += need;
		start--;
	}
	(void)first;
	if (start > 0)
		y = y_end - used * lh; /* scrolled: newest at the bottom */
	for (int i = start; i < m->log_n; i++)
		y += lh * log_entry(R, f, x, y, w, tone_rgb(m->log[i].tone), m->log[i].text, true);
}

/* Over the timeline: the time there and what the captions say then. */
static int tip_timeline(const struct vz_layout *L, const struct vz_view *v, int mx,
			char lines[][160])
{
	const SDL_Rect *b = &L->tl_bar;
	double f = ((double)(mx - b->x) + 0.5) / (b->w > 0 ? b->w : 1);
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	dcs_time_t t = (dcs_time_t)llround(f * (double)v->horizon);
	int n = 0;
	snprintf(lines[n++], 160, "t = %.3f s: click or drag to go there", dcs_time_to_s(t));
	struct vz_caption caps[5];
	/* The view model knows only the current time. */
	int k =
	    vz_captions(v->story, !v->replay && t == v->t ? v->m : NULL, t, v->horizon, caps, 5);
	for (int i = 0; i < k; i++)
		snprintf(lines[n++], 160, "%.159s", caps[i].text);
	snprintf(lines[n++], 160,
		 "top: events \xc2\xb7 migrations (blue pre-copy, orange downtime) \xc2\xb7 "
		 "network (red trombone, grey cut, purple outage)");
	return n;
}

static void draw_tooltip(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
			 const struct vz_view *v)
{
	int mx = v->mouse_x, my = v->mouse_y;
	if (mx < 0 || my < 0)
		return;
	char lines[8][160];
	int n = 0;
	SDL_Point mp = {mx, my};
	if (v->story && SDL_PointInRect(&mp, &L->timeline))
		n = tip_timeline(L, v, mx, lines);
	for (int i = L->n_hits - 1; i >= 0 && !n; i--) {
		const struct vz_hit *h = &L->hits[i];
		SDL_Point p = {mx, my};
		if (!SDL_PointInRect(&p, &h->r))
			continue;
		n = h->kind == 2 ? tip_site(v, h->index, lines) : tip_vm(v, h->index, lines);
	}
	if (!n) {
		SDL_Point p = {mx, my};
		if (!SDL_PointInRect(&p, &L->map))
			return;
		int best = -1;
		double bd = 1e9;
		for (size_t i = 0; i < v->scn->n_links; i++) {
			double d = seg_dist((float)mx, (float)my, &L->link[i]);
			if (d <= L->link[i].thick / 2 + 5 && d < bd)
				bd = d, best = (int)i;
		}
		if (best < 0)
			return;
		n = tip_link(v, best, lines);
	}
	TTF_Font *f = fo->f[VZ_FONT_SMALL];
	int lh = TTF_FontLineSkip(f), w = 0;
	for (int i = 0; i < n; i++)
		if (text_w(f, lines[i]) > w)
			w = text_w(f, lines[i]);
	int bw = w + 16, bh = n * lh + 10;
	int x = mx + 16, y = my + 16;
	if (x + bw > L->W)
		x = mx - bw - 8;
	if (y + bh > L->H)
		y = my - bh - 8;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	fill_rect(R, x, y, bw, bh, C_TIP_BG);
	rect_outline(R, x, y, bw, bh, C_TIP_RIM);
	for (int i = 0; i < n; i++)
		text(R, f, x + 8, y + 5 + i * lh, C_TEXT, lines[i], 0);
}

void vz_draw(SDL_Renderer *R, struct vz_fonts *fo, struct vz_layout *L, const struct vz_view *v)
{
	SDL_SetRenderDrawBlendMode(R, SDL_BLENDMODE_NONE);
	set_rgb(R, DCS_VIZ_BG_RGB);
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
	draw_timeline(R, L, v);
	draw_panel(R, fo, L, v);
	draw_bar(R, fo, L, v);
	draw_tooltip(R, fo, L, v);
}
