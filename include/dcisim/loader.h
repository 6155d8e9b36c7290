/*
 * dcisim scenario loading (sim/io/): the only code that sees JSON.
 *
 * Contract: every problem in a file is reported, all in one pass, one line
 * each on `err`, as `FILE:LINE:COL: error: JSON.PATH: message` (unknown keys
 * with "did you mean" the closest known key).  On any error the result is
 * NULL and *nerrors > 0; nothing else happens (no file is written).  On
 * success the scenario is fully validated (see scenario.h) and owned by the
 * caller.  The same descriptor tables that drive loading generate the JSON
 * Schema (dcs_schema_json), so the two cannot disagree.
 */
#ifndef DCISIM_LOADER_H
#define DCISIM_LOADER_H

#include <stddef.h>
#include <stdio.h>

#include "dcisim/scenario.h"

struct dcs_scenario *dcs_scenario_load_file(const char *path, FILE *err, int *nerrors);
struct dcs_scenario *dcs_scenario_load_text(const char *text, size_t len, const char *label,
					    FILE *err, int *nerrors);
void dcs_scenario_free(struct dcs_scenario *scn);

/* The JSON Schema of the format, as text the caller frees. */
char *dcs_schema_json(void);
/* The key reference in Markdown (docs/scenario-keys.md), from the same tables. */
char *dcs_schema_markdown(void);

/* Scenario, sweep file, plan file or JSON Schema, judged by the top-level
 * keys; anything unparsable counts as a scenario (whose loader then reports
 * the problem). */
enum dcs_file_kind { DCS_FILE_SCENARIO, DCS_FILE_SWEEP, DCS_FILE_SCHEMA, DCS_FILE_PLAN };
enum dcs_file_kind dcs_json_file_kind(const char *text, size_t len);

/* The bundled default scenario, compiled into the program. */
extern const char dcs_default_scenario[];

/* Reads a whole file of at most 1 GiB (EFBIG beyond: /dev/zero is refused,
 * not read until memory runs out); NULL with errno set on failure.  *len
 * excludes the NUL. */
char *dcs_read_file(const char *path, size_t *len);

/* Line and column (1-based, columns in bytes) of an offset in text. */
void dcs_text_line_col(const char *text, size_t off, int *line, int *col);

/* Levenshtein distance, for "did you mean". */
size_t dcs_edit_distance(const char *a, const char *b);

#endif
