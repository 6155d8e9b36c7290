/* The viewer, loaded when `dcisim view` needs it (viewer_dl.c). */
#ifndef DCISIM_APP_VIEWER_DL_H
#define DCISIM_APP_VIEWER_DL_H

#include <stdbool.h>
#include <stdio.h>

#include "dcisim/viz.h"

/* True when the viewer module is there and loads. */
bool dcs_viewer_available(void);
/* Why it is not, or how to get it, for messages (ends with a newline). */
const char *dcs_viewer_howto(void);
/* dcs_viz_main of the module (viz.h). */
int dcs_viewer_main(const struct dcs_scenario *scn, const struct dcs_viz_opts *o, FILE *err);

#endif
