/* Finding and opening dcisim's modules (modules.h). */
#include "modules.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DCISIM_MODULE_LIBDIR
#define DCISIM_MODULE_LIBDIR ""
#endif
#ifndef DCISIM_MODULE_RELDIR
#define DCISIM_MODULE_RELDIR "../lib/dcisim"
#endif

static const char libdir[] = DCISIM_MODULE_LIBDIR;

/* dir (dlen bytes)/file when it exists; NULL otherwise.  The caller frees it. */
static char *in_dir(const char *dir, size_t dlen, const char *file)
{
	size_t n = strlen(file);
	char *p = malloc(dlen + n + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dlen);
	p[dlen] = '/';
	memcpy(p + dlen + 1, file, n + 1);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

static char *find(const char *file)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *path = NULL;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			path = in_dir(exe, (size_t)(slash - exe), file);
		/* BINDIR/../LIBDIR/dcisim, wherever the package was installed. */
		size_t dl = slash ? (size_t)(slash - exe) : 0;
		if (!path && slash && dl + 1 + sizeof(DCISIM_MODULE_RELDIR) < sizeof(exe)) {
			exe[dl] = '/';
			memcpy(exe + dl + 1, DCISIM_MODULE_RELDIR, sizeof(DCISIM_MODULE_RELDIR));
			path = in_dir(exe, strlen(exe), file);
		}
	}
	if (!path && libdir[0])
		path = in_dir(libdir, strlen(libdir), file);
	return path;
}

void *dcs_module_open(const char *file, int flags, char *why, size_t whylen)
{
	char *path = *file ? find(file) : NULL;
	if (!path) {
		snprintf(why, whylen,
			 "the module %s is neither beside this dcisim nor in %s;\n"
			 "build it (cmake --build BUILD) or install dcisim again.\n",
			 file, DCISIM_MODULE_LIBDIR);
		return NULL;
	}
	void *m = dlopen(path, flags);
	if (!m)
		snprintf(why, whylen, "cannot load the module %s: %s\n", path, dlerror());
	free(path);
	return m;
}
