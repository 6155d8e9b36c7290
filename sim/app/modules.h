/* dcisim's loadable modules (the viewer, MPI sweeps): found and opened only
 * by the commands that need them, so that no other command loads the
 * libraries they bring (modules.c). */
#ifndef DCISIM_APP_MODULES_H
#define DCISIM_APP_MODULES_H

#include <stddef.h>

/* Opens module `file` (dlopen flags `flags`), looked for beside the
 * program (a build tree), then in the library directory relative to the
 * program (BINDIR/../LIBDIR/dcisim: an installed package, wherever it was
 * installed), then in the library directory this build was configured to
 * install into.  NULL when it is not found or does not load, with the
 * reason in why (a sentence and a newline). */
void *dcs_module_open(const char *file, int flags, char *why, size_t whylen);

#endif
