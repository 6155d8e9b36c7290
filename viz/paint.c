/* The viewer's palette, drawing primitives and text (draw.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/viz.h"
#include "draw.h"

static const uint32_t vm_palette[] = {0x8E44AD, 0x16A085, 0xD35400, 0x2C3E50, 0xC2185B,
				      0x6D4C41, 0x689F38, 0x0097A7, 0x5E35B1, 0x7F8C8D};

uint32_t vz_vm_colour(int vm)
{
	return vm_palette[(unsigned)vm % (sizeof(vm_palette) / sizeof(vm_palette[0]))];
}

uint32_t vz_tone_rgb(enum vz_tone t)
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

uint32_t vz_lerp_rgb(uint32_t a, uint32_t b, double f)
{
	uint32_t out = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double x = ((a >> sh) & 255) + f * ((double)((b >> sh) & 255) - ((a >> sh) & 255));
		out |= (uint32_t)lround(x) << sh;
	}
	return out;
}

/* Utilisation to colour: green, yellow, orange, then DCS_VIZ_HOT_RGB from 90 %. */
uint32_t vz_util_rgb(double u)
{
	if (u >= 0.9)
		return DCS_VIZ_HOT_RGB;
	if (u < 0.5)
		return vz_lerp_rgb(0x3AA83A, 0xE8C020, u / 0.5);
	if (u < 0.8)
		return vz_lerp_rgb(0xE8C020, 0xF08020, (u - 0.5) / 0.3);
	return vz_lerp_rgb(0xF08020, 0xE0502A, (u - 0.8) / 0.1);
}

/* ------------------------------------------------------------ primitives */

SDL_Color vz_sdl_col(uint32_t rgb)
{
	return (SDL_Color){(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
}

void vz_set_rgb(SDL_Renderer *R, uint32_t rgb)
{
	SDL_SetRenderDrawColor(R, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255);
}

void vz_fill_rect(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb)
{
	vz_set_rgb(R, rgb);
	SDL_Rect r = {x, y, w, h};
	SDL_RenderFillRect(R, &r);
}

void vz_rect_outline(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb)
{
	vz_set_rgb(R, rgb);
	SDL_Rect r = {x, y, w, h};
	SDL_RenderDrawRect(R, &r);
}

void vz_tri(SDL_Renderer *R, float x0, float y0, float x1, float y1, float x2, float y2,
	    uint32_t rgb)
{
	SDL_Color c = vz_sdl_col(rgb);
	SDL_Vertex v[3] = {{{x0, y0}, c, {0, 0}}, {{x1, y1}, c, {0, 0}}, {{x2, y2}, c, {0, 0}}};
	SDL_RenderGeometry(R, NULL, v, 3, NULL, 0);
}

void vz_thick_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 0.5f)
		return;
	float nx = -dy / len * w / 2, ny = dx / len * w / 2;
	SDL_Color c = vz_sdl_col(rgb);
	SDL_Vertex v[4] = {{{ax + nx, ay + ny}, c, {0, 0}},
			   {{bx + nx, by + ny}, c, {0, 0}},
			   {{bx - nx, by - ny}, c, {0, 0}},
			   {{ax - nx, ay - ny}, c, {0, 0}}};
	int idx[6] = {0, 1, 2, 0, 2, 3};
	SDL_RenderGeometry(R, NULL, v, 4, idx, 6);
}

void vz_dashed_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, float dash,
		    float gap, uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 0.5f)
		return;
	float ux = dx / len, uy = dy / len;
	for (float s = 0; s < len; s += dash + gap) {
		float e = s + dash < len ? s + dash : len;
		vz_thick_line(R, ax + ux * s, ay + uy * s, ax + ux * e, ay + uy * e, w, rgb);
	}
}

void vz_fill_circle(SDL_Renderer *R, float cx, float cy, float r, uint32_t rgb)
{
	enum { N = 40 };
	SDL_Color c = vz_sdl_col(rgb);
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

void vz_cross(SDL_Renderer *R, float cx, float cy, float s, float w, uint32_t rgb)
{
	vz_thick_line(R, cx - s, cy - s, cx + s, cy + s, w, rgb);
	vz_thick_line(R, cx - s, cy + s, cx + s, cy - s, w, rgb);
}

void vz_arrow(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, bool dashed,
	      uint32_t rgb)
{
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	if (len < 12)
		return;
	float ux = dx / len, uy = dy / len, head = 9;
	float hx = bx - ux * head, hy = by - uy * head;
	if (dashed)
		vz_dashed_line(R, ax, ay, hx, hy, w, 7, 5, rgb);
	else
		vz_thick_line(R, ax, ay, hx, hy, w, rgb);
	vz_tri(R, bx, by, hx - uy * 5, hy + ux * 5, hx + uy * 5, hy - ux * 5, rgb);
}

/* ------------------------------------------------------------------ text */

int vz_text_w(TTF_Font *f, const char *s)
{
	int w = 0, h = 0;
	if (!s || !*s || TTF_SizeUTF8(f, s, &w, &h) != 0)
		return 0;
	return w;
}

/* Draws s with its top at y; align 0 left of x, 1 centred on x, 2 right of x.
 * Returns the width. */
int vz_text(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, const char *s, int align)
{
	if (!s || !*s)
		return 0;
	SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, vz_sdl_col(rgb));
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
void vz_label(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, uint32_t bg, const char *s)
{
	int w = vz_text_w(f, s);
	if (!w)
		return;
	vz_fill_rect(R, x - w / 2 - 3, y, w + 6, TTF_FontHeight(f), bg);
	vz_text(R, f, x, y, rgb, s, 1);
}

/* Cuts s to fit maxw pixels, ending with an ellipsis. */
void vz_fit(TTF_Font *f, char *s, int maxw)
{
	if (vz_text_w(f, s) <= maxw)
		return;
	size_t n = strlen(s);
	while (n > 0) {
		n--;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* whole UTF-8 characters */
		memcpy(s + n, "\xe2\x80\xa6", 4);
		if (vz_text_w(f, s) <= maxw)
			return;
	}
}

/* Word-wraps s into at most max_lines lines of maxw; returns the height used. */
int vz_wrapped(SDL_Renderer *R, TTF_Font *f, int x, int y, int maxw, uint32_t rgb, const char *s,
	       int max_lines)
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
			if (vz_text_w(f, line) > maxw && last_fit > 0)
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
		vz_fit(f, line, maxw);
		vz_text(R, f, x, y + lines * lh, rgb, line, 0);
		lines++;
	}
	return lines * lh;
}
