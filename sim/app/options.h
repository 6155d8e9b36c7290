/*
 * Command-line options for the commands (sim/app/cmd_*.c): getopt_long with
 * the messages every command gives.
 *
 * Contract: a command starts with dcs_options_begin() on its own argv
 * (argv[0] its name) and takes options with dcs_options_next() until it
 * returns -1; the arguments that are not options are then argv[first ...
 * argc - 1], in their order.  For an option getopt does not know, or one
 * missing its value, dcs_options_next() returns '?' and dcs_options_bad()
 * prints "dcisim CMD: error: unknown option 'X'" (with " (or missing
 * value)" when X was the last argument) and the usage, and gives the exit
 * status (usage).  Long options may be abbreviated and written --opt=value,
 * as getopt_long allows.  getopt's state is global: one parse at a time.
 */
#ifndef DCISIM_APP_OPTIONS_H
#define DCISIM_APP_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct dcs_options {
	int argc;
	char **argv;
	const char *bad; /* the argument of the last '?' */
	bool bad_last;   /* ... was the last one */
};

void dcs_options_begin(struct dcs_options *o, int argc, char **argv);
/* shortopts NULL: the short options are the long options' letter values
 * ({"quiet", no_argument, NULL, 'q'} is also -q), so a command's table of
 * long options is the one list of what it takes (sim/app/cli.h). */
int dcs_options_next(struct dcs_options *o, const char *shortopts, const struct option *longopts);
/* Commands whose only option is --markdown (schema, metrics): their table,
 * and the parse -- *md set by --markdown; returns -1 to go on, or the exit
 * status (help printed, or a usage error said). */
extern const struct option dcs_options_markdown_table[];
int dcs_options_markdown(int argc, char **argv, const char *cmd, const char *usage, bool *md);
/* The getopt spec that derivation gives (":hq" for help and quiet), in buf. */
void dcs_options_short(const struct option *longopts, char *buf, size_t len);
/* The index of the first argument that is not an option (after the last
 * dcs_options_next()). */
int dcs_options_first(const struct dcs_options *o);
int dcs_options_bad(const struct dcs_options *o, const char *cmd, const char *usage);
/* The one argument that is not an option, in *arg (left as it is when there
 * is none); with more than one, says "dcisim CMD: error: one WHAT at a time
 * ('X')" and returns the exit status (usage), else 0. */
int dcs_options_single(const struct dcs_options *o, const char *cmd, const char *what,
		       const char **arg);

#endif
