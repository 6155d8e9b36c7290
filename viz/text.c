/*
 * Fonts for the viewer: DCISIM_FONT if set, else DejaVu Sans from the Debian
 * package fonts-dejavu-core (or where other distributions put it), found at
 * run time so the program never embeds a font.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "viz_internal.h"

static const char *const regular_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", /* Debian, Ubuntu */
    "/usr/share/fonts/TTF/DejaVuSans.ttf",             /* Arch */
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",          /* Fedora */
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
};

static bool readable(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The bold face next to the regular one, when there is one. */
static void bold_of(const char *regular, char *buf, size_t len)
{
	snprintf(buf, len, "%s", regular);
	char *dot = strstr(buf, "DejaVuSans.ttf");
	if (dot && (size_t)(dot - buf) + sizeof("DejaVuSans-Bold.ttf") <= len)
		strcpy(dot, "DejaVuSans-Bold.ttf");
	if (!readable(buf))
		snprintf(buf, len, "%s", regular);
}

int vz_fonts_open(struct vz_fonts *fo, FILE *err)
{
	memset(fo, 0, sizeof(*fo));
	const char *env = getenv("DCISIM_FONT");
	const char *path = NULL;
	if (env && *env) {
		if (!readable(env)) {
			fprintf(err, "dcisim view: error: DCISIM_FONT=%s: no such font file\n",
				env);
			return -1;
		}
		path = env;
	} else {
		for (size_t i = 0; i < sizeof(regular_paths) / sizeof(regular_paths[0]); i++)
			if (readable(regular_paths[i])) {
				path = regular_paths[i];
				break;
			}
	}
	if (!path) {
		fprintf(err,
			"dcisim view: error: no font: %s not found.\n"
			"  Install it with: apt-get install fonts-dejavu-core\n"
			"  or point DCISIM_FONT at any TrueType file.\n",
			regular_paths[0]);
		return -1;
	}
	if (TTF_Init() != 0) {
		fprintf(err, "dcisim view: error: SDL2_ttf: %s\n", TTF_GetError());
		return -1;
	}
	fo->ttf = true;
	char bold[1024];
	if (env && *env)
		snprintf(bold, sizeof(bold), "%s", env);
	else
		bold_of(path, bold, sizeof(bold));
	static const int sizes[VZ_NFONTS] = {11, 13, 13, 17};
	for (int i = 0; i < VZ_NFONTS; i++) {
		const char *p = i >= VZ_FONT_BOLD ? bold : path;
		fo->f[i] = TTF_OpenFont(p, sizes[i]);
		if (!fo->f[i]) {
			fprintf(err, "dcisim view: error: cannot open font %s: %s\n", p,
				TTF_GetError());
			vz_fonts_close(fo);
			return -1;
		}
	}
	return 0;
}

void vz_fonts_close(struct vz_fonts *fo)
{
	for (int i = 0; i < VZ_NFONTS; i++) {
		if (fo->f[i])
			TTF_CloseFont(fo->f[i]);
		fo->f[i] = NULL;
	}
	if (fo->ttf)
		TTF_Quit();
	fo->ttf = false;
}
