/*
 * The viewer's entry points in a build without SDL2 (include/dcisim/viz.h):
 * CMake links this file instead of viz/ when SDL2 or SDL2_ttf is missing.
 */
#include "dcisim/viz.h"

#include "dcisim/exitcode.h"

const char dcs_viz_howto[] = DCS_VIZ_HOWTO_TEXT;

bool dcs_viz_available(void)
{
	return false;
}

int dcs_viz_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err)
{
	(void)scn, (void)o;
	fprintf(err, "dcisim view: error: %s", dcs_viz_howto);
	return DCS_EXIT_USAGE;
}

struct dcs_viz *dcs_viz_create(const struct dcs_scenario *scn, const struct dcs_viz_opts *o,
			       FILE *err)
{
	(void)scn, (void)o, (void)err;
	return NULL;
}

void dcs_viz_destroy(struct dcs_viz *v)
{
	(void)v;
}

int dcs_viz_advance(struct dcs_viz *v, double t_s)
{
	(void)v, (void)t_s;
	return -1;
}

double dcs_viz_step(struct dcs_viz *v)
{
	(void)v;
	return 0;
}

int dcs_viz_seek(struct dcs_viz *v, double t_s)
{
	(void)v, (void)t_s;
	return -1;
}

double dcs_viz_step_back(struct dcs_viz *v)
{
	(void)v;
	return 0;
}

double dcs_viz_end(const struct dcs_viz *v)
{
	(void)v;
	return 0;
}

int dcs_viz_caption_count(struct dcs_viz *v)
{
	(void)v;
	return 0;
}

const char *dcs_viz_caption(const struct dcs_viz *v, int i)
{
	(void)v, (void)i;
	return NULL;
}

double dcs_viz_click(struct dcs_viz *v, int x, int y)
{
	(void)v, (void)x, (void)y;
	return -1;
}

void dcs_viz_timeline_xy(const struct dcs_viz *v, double t_s, int *x, int *y)
{
	(void)v, (void)t_s;
	*x = *y = -1;
}

int dcs_viz_frames(struct dcs_viz *v, const char *dir, const char *format, double fps,
		   double from_s, double to_s, FILE *err)
{
	(void)v, (void)dir, (void)format, (void)fps, (void)from_s, (void)to_s, (void)err;
	return -1;
}

int dcs_viz_save_png(struct dcs_viz *v, const char *path, FILE *err)
{
	(void)v, (void)path, (void)err;
	return -1;
}

int dcs_viz_restart(struct dcs_viz *v)
{
	(void)v;
	return -1;
}

double dcs_viz_time(const struct dcs_viz *v)
{
	(void)v;
	return 0;
}

bool dcs_viz_finished(const struct dcs_viz *v)
{
	(void)v;
	return false;
}

int dcs_viz_render(struct dcs_viz *v)
{
	(void)v;
	return -1;
}

int dcs_viz_save_bmp(struct dcs_viz *v, const char *path, FILE *err)
{
	(void)v, (void)path, (void)err;
	return -1;
}

long dcs_viz_pixel(const struct dcs_viz *v, int x, int y)
{
	(void)v, (void)x, (void)y;
	return -1;
}

void dcs_viz_site_xy(const struct dcs_viz *v, int site, int *x, int *y)
{
	(void)v, (void)site;
	*x = *y = -1;
}

void dcs_viz_link_xy(const struct dcs_viz *v, int link, double f, int *x, int *y)
{
	(void)v, (void)link, (void)f;
	*x = *y = -1;
}

void dcs_viz_set_pointer(struct dcs_viz *v, int x, int y)
{
	(void)v, (void)x, (void)y;
}

struct dcs_world *dcs_viz_world(struct dcs_viz *v)
{
	(void)v;
	return NULL;
}

int dcs_viz_log_count(const struct dcs_viz *v)
{
	(void)v;
	return 0;
}

const char *dcs_viz_log_line(const struct dcs_viz *v, int i)
{
	(void)v, (void)i;
	return NULL;
}
