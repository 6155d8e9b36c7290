/*
 * `dcisim view` reaches the viewer through a module loaded when the command
 * runs (dcisim-viewer.so, built from viz/ when SDL2 is found).  Linked into
 * the program, SDL2, SDL2_ttf, libpng and the sixty libraries they bring
 * (X11, Wayland, PulseAudio, ...) were loaded and initialised by every
 * command: 5 of the 6 ms that `dcisim --version` took.  The module finds
 * the rest of dcisim in the program itself (it exports its symbols).
 *
 * The module is found as every dcisim module is (modules.h).
 */
#include "viewer_dl.h"

#include <dlfcn.h>

#include "dcisim/exitcode.h"
#include "dcisim/viz.h"
#include "modules.h"

#ifndef DCISIM_VIEWER_MODULE
#define DCISIM_VIEWER_MODULE "" /* a build without SDL2: no module */
#endif

static const char module_file[] = DCISIM_VIEWER_MODULE;
static void *module;
static char why[512];

static const char no_viewer[] = DCS_VIZ_HOWTO_TEXT;

static bool load(void)
{
	if (!module && module_file[0])
		module = dcs_module_open(module_file, RTLD_NOW | RTLD_LOCAL, why, sizeof(why));
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
