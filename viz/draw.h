/*
 * Drawing the view (internal to viz/): the palette, drawing primitives and
 * text (paint.c), the layout of sites, links and panels (layout.c), the map
 * and its strips (draw.c, with vz_draw()) and the captions, timeline, event
 * log and tooltips over it (overlay.c).  Only SDL_Renderer calls, so the
 * same code draws into a window and into an off-screen surface.
 */
#ifndef DCISIM_VIZ_DRAW_H
#define DCISIM_VIZ_DRAW_H

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
#define C_SVC_DOWN 0x7B2D8E /* the timeline's outage purple */
#define C_TIP_BG   DCS_VIZ_TIP_RGB
#define C_TIP_RIM  0x444444

/* Colours: a VM's, a tone's, between two, a utilisation's. */
uint32_t vz_vm_colour(int vm);
uint32_t vz_tone_rgb(enum vz_tone t);
uint32_t vz_lerp_rgb(uint32_t a, uint32_t b, double f);
uint32_t vz_util_rgb(double u);

/* Primitives. */
SDL_Color vz_sdl_col(uint32_t rgb);
void vz_set_rgb(SDL_Renderer *R, uint32_t rgb);
void vz_fill_rect(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb);
void vz_rect_outline(SDL_Renderer *R, int x, int y, int w, int h, uint32_t rgb);
void vz_tri(SDL_Renderer *R, float x0, float y0, float x1, float y1, float x2, float y2,
	    uint32_t rgb);
void vz_thick_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, uint32_t rgb);
void vz_dashed_line(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, float dash,
		    float gap, uint32_t rgb);
void vz_fill_circle(SDL_Renderer *R, float cx, float cy, float r, uint32_t rgb);
void vz_cross(SDL_Renderer *R, float cx, float cy, float s, float w, uint32_t rgb);
void vz_arrow(SDL_Renderer *R, float ax, float ay, float bx, float by, float w, bool dashed,
	      uint32_t rgb);

/* Text: width, drawn (align 0 left of x, 1 centred, 2 right; returns the
 * width), on a background, cut to a width with an ellipsis, wrapped (returns
 * the height used). */
int vz_text_w(TTF_Font *f, const char *s);
int vz_text(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, const char *s, int align);
void vz_label(SDL_Renderer *R, TTF_Font *f, int x, int y, uint32_t rgb, uint32_t bg, const char *s);
void vz_fit(TTF_Font *f, char *s, int maxw);
int vz_wrapped(SDL_Renderer *R, TTF_Font *f, int x, int y, int maxw, uint32_t rgb, const char *s,
	       int max_lines);

/* layout.c: a clickable box for tooltips; the side a link's label goes. */
void vz_add_hit(struct vz_layout *L, int x, int y, int w, int h, int kind, int index);
void vz_label_normal(const struct vz_seg *s, float *nx, float *ny);

/* draw.c: a link direction's utilisation; how far a VM's current round is. */
double vz_dir_util(const struct dcs_link_cfg *c, const struct dcs_obs_link *s, int d);
double vz_round_fraction(const struct vz_view *v, int vm);

/* overlay.c */
void vz_draw_timeline(SDL_Renderer *R, const struct vz_layout *L, const struct vz_view *v);
void vz_draw_panel(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		   const struct vz_view *v);
void vz_draw_tooltip(SDL_Renderer *R, struct vz_fonts *fo, const struct vz_layout *L,
		     const struct vz_view *v);

#endif
