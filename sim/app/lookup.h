/*
 * Finding the file a command was given: one rule for every command.
 *
 * Contract.  dcs_lookup() turns what a user typed -- a path, or the name of a
 * bundled scenario, sweep or plan ("metro-vmotion", "bench/storage-hour",
 * "storage-mirror-distance") -- into a path:
 *   1. what exists at that path, unless it is a directory, is the user's file
 *      (so is a path spelled from /, ./ or ../);
 *   2. otherwise the name (".json" added when missing) is looked for in each
 *      bundled folder (scenarios/, its demos/, sweeps/, plans/ and bench/)
 *      under each base, in order: the working directory, the data directory
 *      beside the program (PREFIX/share/dcisim, from /proc/self/exe, so an
 *      installed tree can move), the source tree the program was built from
 *      (an uninstalled build works from any directory), and the configured
 *      data directory.
 *   3. a name that is no bundled file but looks like a path (it has a slash
 *      or ends in .json) is returned as it is, for the loader to report
 *      ("No such file or directory", "Is a directory").
 * A directory never hides a name: `dcisim run metro-vmotion` after
 * `--out metro-vmotion` still finds the bundled scenario.  When nothing is
 * found, dcs_lookup_explain() writes one error line naming the command and
 * the name, then every place tried, so a user sees where to put the file.
 */
#ifndef DCISIM_APP_LOOKUP_H
#define DCISIM_APP_LOOKUP_H

#include <stdio.h>

/* A malloc'd path, or NULL when nothing was found (or out of memory). */
char *dcs_lookup(const char *name);
/* Prints "dcisim CMD: error: NAME: no such file or bundled name" and the
 * places tried, one per line, on err. */
void dcs_lookup_explain(FILE *err, const char *cmd, const char *name);

#endif
