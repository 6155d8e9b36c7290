/*
 * dcisim's command table: every command with what it takes, in one place.
 *
 * Contract.  Each command file declares its command (struct dcs_cli_command)
 * beside its getopt table of long options, which is the one list of the
 * options it takes (short options are the long ones' letter values,
 * options.h).  From the table and the table of option values below come the
 * top-level `dcisim --help`, `dcisim help`, the synopsis of the man page
 * (docs/dcisim.1) and of the README, and the bash completion
 * (scripts/dcisim.bash-completion): `dcisim help --man-synopsis`,
 * `--readme-synopsis` and `--bash-completion` print them, and tests check
 * that the files hold what they print, that every option of every command
 * has a value in the table below and appears in the command's own --help.
 * A new command is one descriptor and one line in dcs_cli_commands
 * (sim/app/cli.c); a new option is one line in its command's getopt table
 * and, when it takes a value, one in the value table.
 */
#ifndef DCISIM_APP_CLI_H
#define DCISIM_APP_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "dcisim/buf.h"

/* What an argument is, for shell completion. */
enum dcs_cli_kind {
	DCS_CLI_NONE,     /* nothing to complete (a number, a name) */
	DCS_CLI_SCENARIO, /* a scenario file or a bundled scenario's name */
	DCS_CLI_JSON,     /* a .json file (sweep, or any file validate reads) */
	DCS_CLI_PLAN,     /* a plan file or a bundled plan's name */
	DCS_CLI_DIR,      /* a directory */
	DCS_CLI_FILE,     /* any file */
	DCS_CLI_TRACE,    /* a trace file */
	DCS_CLI_WORDS,    /* one of a few words */
};

struct dcs_cli_command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command's name */
	const char *args;                 /* positional arguments as synopses write them */
	enum dcs_cli_kind complete;       /* what those arguments are */
	const char *summary;              /* one line: what the command does */
	const char *usage;                /* its own --help text */
	const struct option *options;     /* its getopt table ({NULL} ends it) */
	/* Synopsis hints: options written without brackets (required), and
	 * groups written as one choice ("quiet|verbose"), space-separated. */
	const char *required;
	const char *choices;
};

/* The value an option takes: its name in synopses and what it is. */
struct dcs_cli_value {
	const char *option;
	const char *metavar;
	enum dcs_cli_kind complete;
	const char *words; /* DCS_CLI_WORDS: the words, space-separated */
};

/* Every command, in the order help lists them; NULL-terminated. */
extern const struct dcs_cli_command *const dcs_cli_commands[];
const struct dcs_cli_command *dcs_cli_find(const char *name);
/* The value of a long option that takes one, or NULL. */
const struct dcs_cli_value *dcs_cli_value(const char *option);

/* One command's synopsis on one line ("run [SCENARIO] [--out DIR] ..."),
 * without the program's name. */
void dcs_cli_synopsis(struct dcs_buf *b, const struct dcs_cli_command *c);
/* The top-level help: every command's synopsis, wrapped, and its summary. */
void dcs_cli_usage(FILE *out);

/* The descriptors (each in its command's file). */
extern const struct dcs_cli_command dcs_cli_run, dcs_cli_validate, dcs_cli_sweep, dcs_cli_plan,
    dcs_cli_report, dcs_cli_compare, dcs_cli_check, dcs_cli_view, dcs_cli_bench, dcs_cli_schema,
    dcs_cli_metrics, dcs_cli_help, dcs_cli_survive;

#endif
