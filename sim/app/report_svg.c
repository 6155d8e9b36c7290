/*
 * SVG charts for report.html, drawn here so that the report needs nothing
 * but a browser: line charts (with optional error bars), grouped bars, and
 * state timelines.  Every chart is one <svg class="chart"> element with a
 * <title>, labelled axes and a legend; coordinates are printed with fixed
 * precision so the same data always gives the same bytes.
 */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void dcs_html_esc(struct dcs_buf *b, const char *s)
{
	char run[256];
	size_t k = 0;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			break;
		}
		if (rep || k + 1 >= sizeof(run)) {
			run[k] = '\0';
			dcs_buf_puts(b, run);
			k = 0;
		}
		if (rep)
			dcs_buf_puts(b, rep);
		else
			run[k++] = *s;
	}
	run[k] = '\0';
	dcs_buf_puts(b, run);
}

/* Colour-blind-friendly (Okabe-Ito) first, then darker variants. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
				      "#56B4E9", "#F0E442", "#000000", "#8C564B", "#7F7F7F"};

const char *dcs_svg_color(size_t i)
{
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

size_t dcs_nice_ticks(double lo, double hi, size_t max, double *first, double *step)
{
	if (!(hi > lo) || max < 2) {
		*first = lo;
		*step = 1;
		return 1;
	}
	double raw = (hi - lo) / (double)(max - 1);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	*step = nice * mag;
	*first = ceil(lo / *step - 1e-9) * *step;
	size_t n = 0;
	for (double t = *first; t <= hi + *step * 1e-9 && n < max + 2; t += *step)
		n++;
	return n;
}

/* Tick labels: short, and no "-0". */
static void tick_label(char *buf, size_t len, double v, double step)
{
	if (fabs(v) < step * 1e-9)
		v = 0;
	snprintf(buf, len, "%.6g", v);
}

struct frame {
	double x0, y0, w, h; /* plot area in pixels */
	double xlo, xhi, ylo, yhi;
	double xlabel_y; /* 0: 40 px below the plot */
};

static double px(const struct frame *f, double x)
{
	return f->x0 + (x - f->xlo) / (f->xhi - f->xlo) * f->w;
}

static double py(const struct frame *f, double y)
{
	return f->y0 + f->h - (y - f->ylo) / (f->yhi - f->ylo) * f->h;
}

/* Characters (not bytes) of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A chart's title across its top, never wider than the chart: in 14 px
 * bold when it fits, else in 12 px, else cut to fit with an ellipsis and the
 * whole title as its tooltip (the chart's own <title> holds it too).
 * Widths are estimated at 0.62 em per character, generous for sans-serif
 * fonts (DejaVu Sans averages about 0.6 em in bold). */
static void chart_title(struct dcs_buf *b, const char *title, int w)
{
	double room = w - 24, chars = (double)utf8_chars(title);
	int px = chars * 0.62 * 14 <= room ? 14 : 12;
	size_t fit = (size_t)(room / (0.62 * px));
	dcs_buf_printf(b,
		       "<text class=\"title\" x=\"%d\" y=\"20\" text-anchor=\"middle\" "
		       "font-size=\"%d\" font-weight=\"bold\">",
		       w / 2, px);
	if (chars <= (double)fit) {
		dcs_html_esc(b, title);
		dcs_buf_puts(b, "</text>\n");
		return;
	}
	dcs_buf_puts(b, "<title>");
	dcs_html_esc(b, title);
	dcs_buf_puts(b, "</title>");
	/* The first fit - 1 characters, then the ellipsis. */
	size_t keep = 0, n = 0;
	for (const char *s = title; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80 && n++ == fit - 1)
			break;
		keep = (size_t)(s - title) + 1;
	}
	char *cut = strndup(title, keep);
	if (cut) {
		dcs_html_esc(b, cut);
		free(cut);
	}
	dcs_buf_puts(b, "\u2026</text>\n");
}

static void open_svg(struct dcs_buf *b, const struct dcs_chart *c, int w, int h, const char *kind)
{
	dcs_buf_printf(b,
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" width=\"%d\" "
		      "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\" "
		      "font-size=\"12\">\n<title>",
		      kind, w, h, w, h);
	dcs_html_esc(b, c->title ? c->title : "");
	dcs_buf_puts(b, "</title>\n");
	dcs_buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w,
		      h);
	chart_title(b, c->title ? c->title : "", w);
}

static void axis_labels(struct dcs_buf *b, const struct dcs_chart *c, const struct frame *f)
{
	if (c->xlabel) {
		dcs_buf_printf(
		    b, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		    f->x0 + f->w / 2, f->xlabel_y > 0 ? f->xlabel_y : f->y0 + f->h + 40);
		dcs_html_esc(b, c->xlabel);
		dcs_buf_puts(b, "</text>\n");
	}
	if (c->ylabel) {
		double yx = 16, yy = f->y0 + f->h / 2;
		dcs_buf_printf(b,
			      "<text class=\"ylabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			      "transform=\"rotate(-90 %.1f %.1f)\">",
			      yx, yy, yx, yy);
		dcs_html_esc(b, c->ylabel);
		dcs_buf_puts(b, "</text>\n");
	}
}

/* Grid lines and tick labels on the y axis; widens ylo/yhi to ticks. */
static void y_axis(struct dcs_buf *b, struct frame *f)
{
	double first, step;
	size_t n = dcs_nice_ticks(f->ylo, f->yhi, 6, &first, &step);
	if (n > 1) {
		f->ylo = fmin(f->ylo, floor(f->ylo / step + 1e-9) * step);
		f->yhi = fmax(f->yhi, ceil(f->yhi / step - 1e-9) * step);
		n = dcs_nice_ticks(f->ylo, f->yhi, 8, &first, &step);
	}
	for (size_t i = 0; i < n; i++) {
		double v = first + (double)i * step;
		double y = py(f, v);
		char lab[32];
		tick_label(lab, sizeof(lab), v, step);
		dcs_buf_printf(
		    b,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
		    f->x0, y, f->x0 + f->w, y, f->x0 - 6, y + 4, lab);
	}
}

static void x_axis_numeric(struct dcs_buf *b, struct frame *f)
{
	double first, step;
	size_t n = dcs_nice_ticks(f->xlo, f->xhi, 8, &first, &step);
	for (size_t i = 0; i < n; i++) {
		double v = first + (double)i * step;
		if (v < f->xlo - step * 1e-9 || v > f->xhi + step * 1e-9)
			continue;
		double x = px(f, v);
		char lab[32];
		tick_label(lab, sizeof(lab), v, step);
		dcs_buf_printf(
		    b,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#f0f0f0\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		    x, f->y0, x, f->y0 + f->h, x, f->y0 + f->h + 16, lab);
	}
}

static void frame_box(struct dcs_buf *b, const struct frame *f)
{
	dcs_buf_printf(b,
		      "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		      "fill=\"none\" stroke=\"#444444\"/>\n",
		      f->x0, f->y0, f->w, f->h);
}

static void legend(struct dcs_buf *b, double x, double y, const char *const *labels, size_t n,
		   const char *const *colors)
{
	for (size_t i = 0; i < n; i++) {
		double yy = y + 18.0 * (double)i;
		dcs_buf_printf(b,
			      "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
			      "height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">",
			      x, yy, colors ? colors[i] : dcs_svg_color(i), x + 18, yy + 10);
		dcs_html_esc(b, labels[i] ? labels[i] : "");
		dcs_buf_puts(b, "</text></g>\n");
	}
}

/* The chart's references: bands (behind the series) or lines (over them). */
static void refs(struct dcs_buf *b, const struct dcs_chart *c, const struct frame *f, bool bands)
{
	for (size_t i = 0; i < c->n_refs; i++) {
		const struct dcs_ref *r = &c->refs[i];
		if (!isfinite(r->v) || (r->kind == DCS_REF_XBAND) != bands)
			continue;
		const char *label = r->label ? r->label : "";
		if (r->kind == DCS_REF_XBAND) {
			double x0 = px(f, r->v), x1 = px(f, isfinite(r->v2) ? r->v2 : r->v);
			dcs_buf_printf(b,
				      "<rect class=\"refband\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
				      "height=\"%.2f\" fill=\"#d8f3dc\" opacity=\"0.8\"><title>",
				      x0, f->y0, fmax(x1 - x0, 1.0), f->h);
			dcs_html_esc(b, label);
			dcs_buf_puts(b, "</title></rect>\n");
		} else if (r->kind == DCS_REF_Y) {
			double y = py(f, r->v);
			dcs_buf_printf(b,
				      "<g class=\"refline target\"><line x1=\"%.2f\" y1=\"%.2f\" "
				      "x2=\"%.2f\" y2=\"%.2f\" stroke=\"#C0392B\" stroke-width=\"1.5\" "
				      "stroke-dasharray=\"6 4\"/><text x=\"%.2f\" y=\"%.2f\" "
				      "text-anchor=\"end\" fill=\"#C0392B\">",
				      f->x0, y, f->x0 + f->w, y, f->x0 + f->w - 4, y - 4);
			dcs_html_esc(b, label);
			dcs_buf_puts(b, "</text></g>\n");
		} else {
			double x = px(f, r->v);
			dcs_buf_printf(b,
				      "<g class=\"refline boundary\"><line x1=\"%.2f\" y1=\"%.2f\" "
				      "x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\" stroke-width=\"1.5\" "
				      "stroke-dasharray=\"2 3\"/><text x=\"%.2f\" y=\"%.2f\" "
				      "text-anchor=\"start\" fill=\"#333333\">",
				      x, f->y0, x, f->y0 + f->h, x + 4, f->y0 + 12);
			dcs_html_esc(b, label);
			dcs_buf_puts(b, "</text></g>\n");
		}
	}
}

static void size_of(const struct dcs_chart *c, int *w, int *h)
{
	*w = c->width > 0 ? c->width : 760;
	*h = c->height > 0 ? c->height : 320;
}

/* A logarithmic y axis: f's y range is in decades (log10); ticks at each
 * power of ten, and at 2 and 5 times it when the range is short. */
static void y_axis_log(struct dcs_buf *b, struct frame *f)
{
	double lo = floor(f->ylo + 1e-9), hi = ceil(f->yhi - 1e-9);
	if (hi <= lo)
		hi = lo + 1;
	f->ylo = lo;
	f->yhi = hi;
	for (double k = lo; k <= hi + 1e-9; k++) {
		static const double mult[] = {1, 2, 5};
		for (size_t m = 0; m < (hi - lo <= 2 ? 3u : 1u); m++) {
			double v = k + log10(mult[m]);
			if (v > hi + 1e-9)
				break;
			double y = py(f, v);
			dcs_buf_printf(
			    b,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
			    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n",
			    f->x0, y, f->x0 + f->w, y, m ? "#f0f0f0" : "#e0e0e0", f->x0 - 6, y + 4,
			    mult[m] * pow(10, k));
		}
	}
}

static void lines(struct dcs_buf *b, const struct dcs_chart *c, const struct dcs_series *s, size_t ns,
		  bool ylog);

void dcs_svg_lines(struct dcs_buf *b, const struct dcs_chart *c, const struct dcs_series *s,
		   size_t ns)
{
	if (!c->y_log) {
		lines(b, c, s, ns, false);
		return;
	}
	/* The same chart of log10(y): values <= 0 have no place on it (gaps). */
	struct dcs_series *ls = calloc(ns ? ns : 1, sizeof(*ls));
	double **keep = calloc(3 * ns + 1, sizeof(double *));
	bool ok = ls && keep;
	for (size_t k = 0; ok && k < ns; k++) {
		ls[k] = s[k];
		const double *src[3] = {s[k].y, s[k].lo, s[k].hi};
		for (int j = 0; j < 3 && ok; j++) {
			if (!src[j])
				continue;
			double *v = malloc((s[k].n ? s[k].n : 1) * sizeof(double));
			ok = v != NULL;
			for (size_t i = 0; ok && i < s[k].n; i++)
				v[i] = src[j][i] > 0 ? log10(src[j][i]) : NAN;
			keep[3 * k + (size_t)j] = v;
			if (j == 0)
				ls[k].y = v;
			else if (j == 1)
				ls[k].lo = v;
			else
				ls[k].hi = v;
		}
	}
	if (ok)
		lines(b, c, ls, ns, true);
	else
		b->oom = true;
	for (size_t i = 0; keep && i < 3 * ns; i++)
		free(keep[i]);
	free(keep);
	free(ls);
}

static void lines(struct dcs_buf *b, const struct dcs_chart *c, const struct dcs_series *s, size_t ns,
		  bool ylog)
{
	int W, H;
	size_of(c, &W, &H);
	double legend_w = ns > 1 ? 200 : 0;
	struct frame f = {.x0 = 70,
			  .y0 = 36,
			  .w = W - 70 - 20 - legend_w,
			  .h = H - 36 - 56,
			  .xlo = INFINITY,
			  .xhi = -INFINITY,
			  .ylo = INFINITY,
			  .yhi = -INFINITY};
	for (size_t k = 0; k < ns; k++) {
		for (size_t i = 0; i < s[k].n; i++) {
			if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i]))
				continue;
			f.xlo = fmin(f.xlo, s[k].x[i]);
			f.xhi = fmax(f.xhi, s[k].x[i]);
			double lo = s[k].lo && isfinite(s[k].lo[i]) ? s[k].lo[i] : s[k].y[i];
			double hi = s[k].hi && isfinite(s[k].hi[i]) ? s[k].hi[i] : s[k].y[i];
			f.ylo = fmin(f.ylo, fmin(lo, s[k].y[i]));
			f.yhi = fmax(f.yhi, fmax(hi, s[k].y[i]));
		}
	}
	for (size_t i = 0; i < c->n_refs; i++) {
		const struct dcs_ref *r = &c->refs[i];
		if (!isfinite(r->v))
			continue;
		if (r->kind == DCS_REF_Y) {
			f.ylo = fmin(f.ylo, r->v);
			f.yhi = fmax(f.yhi, r->v);
		} else {
			f.xlo = fmin(f.xlo, r->v);
			f.xhi = fmax(f.xhi, r->kind == DCS_REF_XBAND && isfinite(r->v2) ? r->v2 : r->v);
		}
	}
	if (!isfinite(f.xlo) || !isfinite(f.ylo)) {
		f.xlo = isfinite(f.xlo) ? f.xlo : 0;
		f.xhi = isfinite(f.xhi) ? f.xhi : 1;
		f.ylo = isfinite(f.ylo) ? f.ylo : 0;
		f.yhi = isfinite(f.yhi) ? f.yhi : 1;
	}
	if (c->x_max > c->x_min) {
		f.xlo = c->x_min;
		f.xhi = c->x_max;
	}
	if (c->y_from_zero && f.ylo > 0 && !ylog)
		f.ylo = 0;
	if (f.xhi <= f.xlo) {
		double d = fabs(f.xlo) > 0 ? fabs(f.xlo) * 0.5 : 1;
		f.xlo -= d;
		f.xhi += d;
	}
	if (f.yhi <= f.ylo) {
		double d = fabs(f.ylo) > 0 ? fabs(f.ylo) * 0.1 : 1;
		f.ylo = c->y_from_zero && f.ylo >= 0 ? 0 : f.ylo - d;
		f.yhi += d;
	}
	open_svg(b, c, W, H, "lines");
	if (ylog)
		y_axis_log(b, &f);
	else
		y_axis(b, &f);
	x_axis_numeric(b, &f);
	refs(b, c, &f, true);
	frame_box(b, &f);
	axis_labels(b, c, &f);
	for (size_t k = 0; k < ns; k++) {
		const char *col = dcs_svg_color(k);
		dcs_buf_printf(b, "<g class=\"series\" data-label=\"");
		dcs_html_esc(b, s[k].label ? s[k].label : "");
		dcs_buf_puts(b, "\">\n");
		bool open = false;
		for (size_t i = 0; i < s[k].n; i++) {
			bool ok = isfinite(s[k].x[i]) && isfinite(s[k].y[i]);
			if (ok && !open) {
				dcs_buf_printf(b,
					      "<polyline fill=\"none\" stroke=\"%s\" "
					      "stroke-width=\"2\" points=\"",
					      col);
				open = true;
			}
			if (ok)
				dcs_buf_printf(b, "%.2f,%.2f ", px(&f, s[k].x[i]),
					      py(&f, s[k].y[i]));
			if ((!ok || i + 1 == s[k].n) && open) {
				dcs_buf_puts(b, "\"/>\n");
				open = false;
			}
		}
		for (size_t i = 0; i < s[k].n && s[k].n <= 60; i++) {
			if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i]))
				continue;
			double x = px(&f, s[k].x[i]);
			if (s[k].lo && s[k].hi && isfinite(s[k].lo[i]) && isfinite(s[k].hi[i]))
				dcs_buf_printf(
				    b,
				    "<line class=\"errbar\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
				    "y2=\"%.2f\" stroke=\"%s\"/>",
				    x, py(&f, s[k].lo[i]), x, py(&f, s[k].hi[i]), col);
			dcs_buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\"/>\n",
				      x, py(&f, s[k].y[i]), col);
		}
		dcs_buf_puts(b, "</g>\n");
	}
	refs(b, c, &f, false);
	if (ns > 1) {
		const char **labels = calloc(ns, sizeof(char *));
		for (size_t k = 0; labels && k < ns; k++)
			labels[k] = s[k].label;
		if (labels)
			legend(b, f.x0 + f.w + 16, f.y0, labels, ns, NULL);
		else
			b->oom = true; /* a chart without its legend is not written */
		free(labels);
	}
	dcs_buf_puts(b, "</svg>\n");
}

void dcs_svg_bars(struct dcs_buf *b, const struct dcs_chart *c, const char *const *groups, size_t ng,
		  const char *const *series, size_t ns, const double *v)
{
	int W, H;
	size_of(c, &W, &H);
	double legend_w = ns > 1 ? 200 : 0;
	/* Long or many group labels are slanted, which needs room below. */
	size_t maxlab = 0;
	for (size_t g = 0; g < ng; g++)
		if (groups[g] && strlen(groups[g]) > maxlab)
			maxlab = strlen(groups[g]);
	double slot = ng ? (W - 70 - 20 - legend_w) / (double)ng : 1;
	bool slant = (double)maxlab * 7 > slot;
	double below = slant ? 40 + fmin(160, (double)maxlab * 6) : 56;
	struct frame f = {.x0 = 70,
			  .y0 = 36,
			  .w = W - 70 - 20 - legend_w,
			  .h = H - 36 - below,
			  .xlo = 0,
			  .xhi = (double)(ng ? ng : 1),
			  .ylo = 0,
			  .yhi = -INFINITY,
			  .xlabel_y = H - 10};
	for (size_t i = 0; i < ng * ns; i++) {
		if (isfinite(v[i])) {
			f.yhi = fmax(f.yhi, v[i]);
			f.ylo = fmin(f.ylo, v[i]);
		}
	}
	if (!isfinite(f.yhi) || f.yhi <= f.ylo)
		f.yhi = f.ylo + 1;
	open_svg(b, c, W, H, "bars");
	y_axis(b, &f);
	frame_box(b, &f);
	axis_labels(b, c, &f);
	double gw = f.w / (double)(ng ? ng : 1);
	double bw = gw * 0.8 / (double)(ns ? ns : 1);
	for (size_t g = 0; g < ng; g++) {
		for (size_t k = 0; k < ns; k++) {
			double val = v[g * ns + k];
			if (!isfinite(val))
				continue;
			double x = f.x0 + gw * (double)g + gw * 0.1 + bw * (double)k;
			double y1 = py(&f, fmax(val, 0)), y0 = py(&f, fmin(val, 0));
			char lab[32];
			snprintf(lab, sizeof(lab), "%.6g", val);
			dcs_buf_printf(b,
				      "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
				      "height=\"%.2f\" fill=\"%s\"><title>",
				      x, y1, bw, fmax(y0 - y1, 0.5), dcs_svg_color(k));
			dcs_html_esc(b, series[k] ? series[k] : "");
			dcs_buf_puts(b, ": ");
			dcs_html_esc(b, groups[g] ? groups[g] : "");
			dcs_buf_printf(b, " = %s</title></rect>\n", lab);
		}
		double cx = f.x0 + gw * ((double)g + 0.5), ty = f.y0 + f.h + 16;
		if (slant)
			dcs_buf_printf(b,
				      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
				      "transform=\"rotate(-60 %.1f %.1f)\">",
				      cx + 4, ty - 4, cx + 4, ty - 4);
		else
			dcs_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", cx,
				      ty);
		dcs_html_esc(b, groups[g] ? groups[g] : "");
		dcs_buf_puts(b, "</text>\n");
	}
	if (ns > 1)
		legend(b, f.x0 + f.w + 16, f.y0, series, ns, NULL);
	dcs_buf_puts(b, "</svg>\n");
}

void dcs_svg_timeline(struct dcs_buf *b, const struct dcs_chart *c, const char *const *rows,
		      size_t nrows, const struct dcs_span *spans, size_t nspans,
		      const char *const *states, const char *const *colors, size_t nstates)
{
	dcs_svg_timeline_marks(b, c, rows, nrows, spans, nspans, states, colors, nstates, NULL, 0);
}

void dcs_svg_timeline_marks(struct dcs_buf *b, const struct dcs_chart *c, const char *const *rows,
			    size_t nrows, const struct dcs_span *spans, size_t nspans,
			    const char *const *states, const char *const *colors, size_t nstates,
			    const struct dcs_mark *marks, size_t nmarks)
{
	int W, H;
	size_of(c, &W, &H);
	double band = 22, left = 230;
	H = (int)(36 + 28 + band * (double)nrows + 56);
	struct frame f = {.x0 = left,
			  .y0 = 36 + 28,
			  .w = W - left - 20,
			  .h = band * (double)nrows,
			  .xlo = INFINITY,
			  .xhi = -INFINITY,
			  .ylo = 0,
			  .yhi = 1};
	for (size_t i = 0; i < nspans; i++) {
		f.xlo = fmin(f.xlo, spans[i].t0);
		f.xhi = fmax(f.xhi, spans[i].t1);
	}
	for (size_t i = 0; i < nmarks; i++) {
		f.xlo = fmin(f.xlo, marks[i].t);
		f.xhi = fmax(f.xhi, marks[i].t);
	}
	if (c->x_max > c->x_min) {
		f.xlo = c->x_min;
		f.xhi = c->x_max;
	}
	if (!isfinite(f.xlo) || f.xhi <= f.xlo) {
		f.xlo = isfinite(f.xlo) ? f.xlo : 0;
		f.xhi = f.xlo + 1;
	}
	open_svg(b, c, W, H, "timeline");
	/* The state legend runs across the top, each entry as wide as its text. */
	double lx = left;
	for (size_t s = 0; s < nstates; s++) {
		if (s)
			lx += 18 + 7.0 * (double)strlen(states[s - 1]) + 24;
		dcs_buf_printf(b,
			      "<g class=\"legend\"><rect x=\"%.1f\" y=\"36\" width=\"12\" "
			      "height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"46\">",
			      lx, colors[s], lx + 18);
		dcs_html_esc(b, states[s]);
		dcs_buf_puts(b, "</text></g>\n");
	}
	x_axis_numeric(b, &f);
	for (size_t r = 0; r < nrows; r++) {
		dcs_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 8,
			      f.y0 + band * ((double)r + 0.5) + 4);
		dcs_html_esc(b, rows[r]);
		dcs_buf_puts(b, "</text>\n");
	}
	for (size_t i = 0; i < nspans; i++) {
		const struct dcs_span *sp = &spans[i];
		if (sp->row >= nrows || sp->state >= nstates)
			continue;
		double x0 = px(&f, sp->t0), x1 = px(&f, sp->t1);
		dcs_buf_printf(b,
			      "<rect class=\"span\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			      "height=\"%.2f\" fill=\"%s\"><title>",
			      x0, f.y0 + band * (double)sp->row + 2, fmax(x1 - x0, 0.5), band - 4,
			      colors[sp->state]);
		if (sp->title) {
			dcs_html_esc(b, sp->title);
			dcs_buf_puts(b, "</title></rect>\n");
			continue;
		}
		dcs_html_esc(b, rows[sp->row]);
		dcs_buf_printf(b, ": %s from %.6g s to %.6g s</title></rect>\n", states[sp->state],
			      sp->t0, sp->t1);
	}
	for (size_t i = 0; i < nmarks; i++) {
		const struct dcs_mark *mk = &marks[i];
		if (mk->row >= nrows || !(mk->t >= f.xlo && mk->t <= f.xhi))
			continue;
		double mx = px(&f, mk->t), my = f.y0 + band * (double)mk->row;
		dcs_buf_printf(b,
			      "<rect class=\"mark\" x=\"%.2f\" y=\"%.2f\" width=\"3\" "
			      "height=\"%.2f\" fill=\"%s\"><title>",
			      mx - 1.5, my + 2, band - 4, mk->color ? mk->color : "#444444");
		dcs_html_esc(b, mk->title ? mk->title : "");
		dcs_buf_puts(b, "</title></rect>\n");
	}
	frame_box(b, &f);
	axis_labels(b, c, &f);
	dcs_buf_puts(b, "</svg>\n");
}
