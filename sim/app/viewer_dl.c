/*
 * `dcisim view` reaches the viewer through a module loaded when the command
 * runs (dcisim-viewer.so, built from viz/ when SDL2 is found).  Linked into
 * the program, SDL2, SDL2_ttf, libpng and the sixty libraries they bring
 * (X11, Wayland, PulseAudio, ...) were loaded and initialised by every
 * command: 5 of the 6 ms that `dcisim --version` took.  The module finds
 * the rest of dcisim in the program itself (it exports its symbols).
 *
 * The module is looked for beside the program (a build tree), then in the
 * library directory relative to the program (an installed package), then
 * in the library directory this build was configured to install into.
 */
#include "viewer_dl.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcisim/exitcode.h"
#include "dcisim/viz.h"

#ifndef DCISIM_VIEWER_MODULE
#define DCISIM_VIEWER_MODULE "" /* a build without SDL2: no module */
#endif
#ifndef DCISIM_VIEWER_LIBDIR
#define DCISIM_VIEWER_LIBDIR ""
#endif
#ifndef DCISIM_VIEWER_RELDIR
#define DCISIM_VIEWER_RELDIR "../lib/dcisim"
#endif

static void *module;
static char why[512];

static const char no_viewer[] = DCS_VIZ_HOWTO_TEXT;

/* dir/name when it exists; NULL otherwise.  The caller frees it. */
static char *in_dir(const char *dir, size_t dlen)
{
	size_t n = strlen(DCISIM_VIEWER_MODULE);
	char *p = malloc(dlen + n + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dlen);
	p[dlen] = '/';
	memcpy(p + dlen + 1, DCISIM_VIEWER_MODULE, n + 1);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

static bool load(void)
{
	if (module)
		return true;
	if (!*DCISIM_VIEWER_MODULE)
		return false;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *path = NULL;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			path = in_dir(exe, (size_t)(slash - exe));
		/* BINDIR/../LIBDIR/dcisim, wherever the package was installed. */
		size_t dl = slash ? (size_t)(slash - exe) : 0;
		if (!path && slash && dl + 1 + sizeof(DCISIM_VIEWER_RELDIR) < sizeof(exe)) {
			exe[dl] = '/';
			memcpy(exe + dl + 1, DCISIM_VIEWER_RELDIR, sizeof(DCISIM_VIEWER_RELDIR));
			path = in_dir(exe, strlen(exe));
		}
	}
	if (!path && *DCISIM_VIEWER_LIBDIR)
		path = in_dir(DCISIM_VIEWER_LIBDIR, strlen(DCISIM_VIEWER_LIBDIR));
	if (!path) {
		snprintf(why, sizeof(why),
			 "the viewer module %s is neither beside this dcisim nor in %s;\n"
			 "build it (cmake --build BUILD) or install dcisim again.\n",
			 DCISIM_VIEWER_MODULE, DCISIM_VIEWER_LIBDIR);
		return false;
	}
	module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!module)
		snprintf(why, sizeof(why), "cannot load the viewer module %s: %s\n", path,
			 dlerror());
	free(path);
	return module != NULL;
}

bool dcs_viewer_available(void)
{
	return load();
}

const char *dcs_viewer_howto(void)
{
	return *why ? why : no_viewer;
}

int dcs_viewer_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err)
{
	if (!load()) {
		fprintf(err, "dcisim view: error: %s", dcs_viewer_howto());
		return DCS_EXIT_USAGE;
	}
	int (*fn)(const struct dcs_scenario *, const struct dcs_viz_opts *, FILE *);
	*(void **)&fn = dlsym(module, "dcs_viz_main");
	if (!fn) {
		fprintf(err, "dcisim view: error: the viewer module has no dcs_viz_main: %s\n",
			dlerror());
		return DCS_EXIT_RUNTIME;
	}
	return fn(scn, o, err);
}
