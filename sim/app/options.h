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

struct dcs_options {
	int argc;
	char **argv;
	const char *bad; /* the argument of the last '?' */
	bool bad_last;   /* ... was the last one */
};

void dcs_options_begin(struct dcs_options *o, int argc, char **argv);
int dcs_options_next(struct dcs_options *o, const char *shortopts, const struct option *longopts);
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
