/* Finding a command's file by path or bundled name (lookup.h). */
#include "lookup.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcisim/version.h"

/* Folders of bundled files under a base, in the order they are tried. */
static const char *const bundled_dirs[] = {"scenarios", "scenarios/demos", "scenarios/sweeps",
					   "scenarios/plans", "scenarios/bench"};
#define N_DIRS  (sizeof(bundled_dirs) / sizeof(bundled_dirs[0]))
#define N_BASES 4

static bool regular_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The bases, in order; an empty string is a base that does not apply. */
static void bases(char b[N_BASES][PATH_MAX + 32])
{
	for (size_t i = 0; i < N_BASES; i++)
		b[i][0] = '\0';
	snprintf(b[0], sizeof(b[0]), ".");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(b[1], sizeof(b[1]), "%s/../share/dcisim", exe);
		}
	}
	snprintf(b[2], sizeof(b[2]), "%s", DCISIM_SOURCE_DIR);
	snprintf(b[3], sizeof(b[3]), "%s", DCISIM_DATADIR);
}

/* Candidate i of a name (base-major), or false past the last one. */
static bool candidate(char b[N_BASES][PATH_MAX + 32], const char *name, size_t i, char *buf,
		      size_t len)
{
	if (i >= N_BASES * N_DIRS)
		return false;
	const char *base = b[i / N_DIRS];
	if (!base[0]) {
		buf[0] = '\0';
		return true;
	}
	size_t n = strlen(name);
	bool has_ext = n > 5 && !strcmp(name + n - 5, ".json");
	snprintf(buf, len, "%s/%s/%s%s", base, bundled_dirs[i % N_DIRS], name,
		 has_ext ? "" : ".json");
	return true;
}

/* A name must stay inside the bundled folders. */
static bool plausible_name(const char *name)
{
	return name[0] && name[0] != '/' && !strstr(name, "..") && strlen(name) <= 200;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A path the user spelled out as one: absolute, or from . or .. */
static bool explicit_path(const char *name)
{
	return name[0] == '/' || !strncmp(name, "./", 2) || !strncmp(name, "../", 3);
}

char *dcs_lookup(const char *name)
{
	if (!name)
		return NULL;
	/* Anything at that path but a directory is the user's file (a device
	 * or an unreadable file: the loader says what is wrong with it). */
	if (access(name, F_OK) == 0 && !is_dir(name))
		return strdup(name);
	if (explicit_path(name))
		return strdup(name);
	if (plausible_name(name)) {
		char b[N_BASES][PATH_MAX + 32];
		bases(b);
		char buf[2 * PATH_MAX + 300];
		for (size_t i = 0; candidate(b, name, i, buf, sizeof(buf)); i++)
			if (buf[0] && regular_file(buf))
				return strdup(buf);
	}
	/* Not a bundled name: a path after all (sub/dir.json, x.json), for the
	 * loader to report as it finds it; a bare name is not found. */
	size_t n = strlen(name);
	if (strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".json")))
		return strdup(name);
	return NULL;
}

void dcs_lookup_explain(FILE *err, const char *cmd, const char *name)
{
	fprintf(err, "dcisim %s: error: %s: no such file, and no bundled file of that name\n", cmd,
		name);
	if (!plausible_name(name))
		return;
	char b[N_BASES][PATH_MAX + 32];
	bases(b);
	fprintf(err, "  looked for:\n");
	char buf[2 * PATH_MAX + 300];
	for (size_t i = 0; candidate(b, name, i, buf, sizeof(buf)); i++)
		if (buf[0])
			fprintf(err, "    %s\n", buf);
}
