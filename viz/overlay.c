/*
 * What the viewer draws over the map (draw.h): phase captions, the timeline
 * of the whole run, the event log panel and the tooltips.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/viz.h"
#include "draw.h"

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
		y +=
		    vz_wrapped(R, sf, x, y, w, C_DIM,
			       "Captions name the phase under way: pre-copy rounds, stop-and-copy, "
			       "switchover, trombone, convergence, cuts, cluster incidents.",
			       3);
	}
	int i;
	for (i = 0; i < v->n_caps && y - y0 < room; i++) {
		const struct vz_caption *cap = &v->caps[i];
		vz_fill_rect(R, x, y + 3, 10, 10, phase_rgb(cap->phase));
		y += vz_wrapped(R, f, x + 16, y, w - 16, vz_tone_rgb(cap->tone), cap->text, 3) + 3;
	}
	if (i < v->n_caps) {
		char more[32];
		snprintf(more, sizeof(more), "+%d more", v->n_caps - i);
		vz_text(R, sf, x + 16, y, C_DIM, more, 0);
		y += TTF_FontLineSkip(sf);
	}
	vz_fill_rect(R, x, y + 4, w, 1, 0xC8C8C0);
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
		vz_fill_rect(R, b->x + x0, y, x - x0, h, phase_rgb((enum vz_phase)ph[x0]));
		x0 = x;
	}
}

void vz_draw_timeline(SDL_Renderer *R, const struct vz_layout *L, const struct vz_view *v)
{
	const SDL_Rect *T = &L->timeline, *b = &L->tl_bar;
	vz_fill_rect(R, T->x, T->y, T->w, T->h, 0xE6E6DE);
	vz_fill_rect(R, T->x, T->y, T->w, 1, 0xC8C8C0);
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
			vz_fill_rect(R, b->x + x, b->y, 1, th, vz_tone_rgb((enum vz_tone)tick[x]));
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
	vz_fill_rect(R, xt - 1, T->y + 2, 3, T->h - 4, 0x111111);
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
			 scn->sites[g->to].id, g->round, 100 * vz_round_fraction(v, vm));
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
			 s->flows[d], s->flows[d] == 1 ? "" : "s", 100 * vz_dir_util(c, s, d));
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
	int indent = vz_text_w(f, "00000.000 s  "), lh = TTF_FontLineSkip(f), lines = 0;
	char buf[520];
	const char *p = s;
	while (*p && lines < 3) {
		int avail = lines ? w - indent : w;
		size_t n = strlen(p);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (vz_text_w(f, buf) > avail) {
			/* the longest prefix ending at a space that fits */
			size_t best = 0;
			for (size_t i = 1; i < n; i++)
				if (buf[i] == ' ') {
					buf[i] = '\0';
					if (vz_text_w(f, buf) <= avail)
						best = i;
					buf[i] = ' ';
					if (best != i)
						break;
				}
			if (best == 0 || lines == 2) {
				vz_fit(f, buf, avail);
				best = strlen(p);
			} else {
				buf[best] = '\0';
			}
			n = best;
		}
		if (draw)
			vz_text(R, f, lines ? x + indent : x, y + lines * lh, rgb, buf, 0);
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

void vz_draw_panel(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		   const struct vz_view *v)
{
	const struct vz_model *m = v->m;
	vz_fill_rect(R, L->panel.x, L->panel.y, L->panel.w, L->panel.h, C_PANEL);
	int x = L->panel.x + 12, w = L->panel.w - 24, y = L->panel.y + 10;
	if (v->captions)
		y += draw_captions(R, fo, L, v, x, y, w);
	if (v->scn->description && *v->scn->description) {
		/* The description may take what leaves a dozen log lines. */
		int room =
		    L->panel.y + L->panel.h - y - 30 - 12 * TTF_FontLineSkip(fo->f[VZ_FONT_SMALL]);
		int max_lines = room / TTF_FontLineSkip(fo->f[VZ_FONT_NORMAL]);
		y += vz_wrapped(R, fo->f[VZ_FONT_NORMAL], x, y, w, C_TEXT, v->scn->description,
				max_lines < 3 ? 3 : max_lines) +
		     10;
	}
	vz_text(R, fo->f[VZ_FONT_BOLD], x, y, C_TEXT, "Event log", 0);
	y += TTF_FontLineSkip(fo->f[VZ_FONT_BOLD]) + 4;
	TTF_Font *f = fo->f[VZ_FONT_SMALL];
	int lh = TTF_FontLineSkip(f);
	int rows = (L->panel.y + L->panel.h - 8 - y) / lh;
	if (rows <= 0)
		return;
	int first = m->log_n > rows ? m->log_n - rows : 0;
	if (m->log_n == 0)
		vz_text(R, f, x, y, C_DIM, "(nothing yet: events.csv rows appear here)", 0);
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
		y += lh *
		     log_entry(R, f, x, y, w, vz_tone_rgb(m->log[i].tone), m->log[i].text, true);
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
		 "network (red trombone, grey cut, purple outage or service down)");
	return n;
}

void vz_draw_tooltip(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
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
		if (vz_text_w(f, lines[i]) > w)
			w = vz_text_w(f, lines[i]);
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
	vz_fill_rect(R, x, y, bw, bh, C_TIP_BG);
	vz_rect_outline(R, x, y, bw, bh, C_TIP_RIM);
	for (int i = 0; i < n; i++)
		vz_text(R, f, x + 8, y + 5 + i * lh, C_TEXT, lines[i], 0);
}
