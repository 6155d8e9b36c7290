/* The viewer's numbered frames for a video (include/dcisim/viz.h). */
#include <errno.h>
#include <math.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcisim/exitcode.h"
#include "dcisim/output.h"
#include "dcisim/trace.h"
#include "dcisim/viz.h"
#include "dcisim/world.h"
#include "viewer.h"

/* ---------------------------------------------------------------- frames */

/* Frames past the last one written (frame-NNNNNN.png or .bmp, NNNNNN >= n)
 * or in the other format are left from an earlier render: a video made from
 * the folder would play them after this one. */
static void remove_stale_frames(const char *dir, long n, const char *kept_ext)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		long k;
		char ext[8];
		int used = 0;
		if (sscanf(e->d_name, "frame-%6ld.%4[a-z]%n", &k, ext, &used) != 2 ||
		    e->d_name[used] != '\0' || (strcmp(ext, "png") && strcmp(ext, "bmp")))
			continue;
		if (k < n && !strcmp(ext, kept_ext) &&
		    strlen(e->d_name) == strlen("frame-000000.png"))
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		remove(p);
	}
	closedir(d);
}

int dcs_viz_frames(struct dcs_viz *v, const char *dir, const char *format, double fps,
		   double from_s, double to_s, FILE *err)
{
	bool png = !format || !strcmp(format, "png");
	if (!png && strcmp(format, "bmp") != 0) {
		fprintf(err, "dcisim view: error: frames are png or bmp, not '%s'\n", format);
		return -1;
	}
	if (dcs_mkdir_p(dir) != 0) {
		fprintf(err, "dcisim view: error: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	dcs_time_t from = vz_time_of(v, from_s), to = to_s < 0 ? v->horizon : vz_time_of(v, to_s);
	if (to < from) {
		fprintf(err, "dcisim view: error: --to %.9g s is before --from %.9g s\n",
			dcs_time_to_s(to), dcs_time_to_s(from));
		return -1;
	}
	/* Frame i shows from + i x speed / fps: `speed` simulated seconds per
	 * second of video. */
	double dt = v->speed / fps;
	double nf = floor(dcs_time_to_s(to - from) / dt + 1e-9) + 1;
	if (nf > 1e6) {
		fprintf(err,
			"dcisim view: error: that is %.0f frames; raise --speed, lower --fps or "
			"narrow --from/--to\n",
			nf);
		return -1;
	}
	long n = (long)nf;
	size_t len = strlen(dir) + 40;
	char *path = malloc(len), *tmp = malloc(len + 8);
	if (!path || !tmp) {
		free(path);
		free(tmp);
		fprintf(err, "dcisim view: error: out of memory\n");
		return -1;
	}
	long i;
	for (i = 0; i < n; i++) {
		dcs_time_t t = from + dcs_time_from_s((double)i * dt);
		if (vz_show(v, t < to ? t : to) != 0 || dcs_viz_render(v) != 0)
			break;
		snprintf(path, len, "%s/frame-%06ld.%s", dir, i, png ? "png" : "bmp");
		snprintf(tmp, len + 8, "%s.tmp", path);
		if (vz_save_image(v, tmp, path, err) != 0)
			break;
		if (rename(tmp, path) != 0) {
			fprintf(err, "dcisim view: error: cannot write %s: %s\n", path,
				strerror(errno));
			remove(tmp);
			break;
		}
	}
	free(path);
	free(tmp);
	if (i == n)
		remove_stale_frames(dir, n, png ? "png" : "bmp");
	return i == n ? (int)n : -1;
}
