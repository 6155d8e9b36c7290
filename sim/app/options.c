/* Command-line options for the commands (options.h). */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "dcisim/exitcode.h"

void dcs_options_begin(struct dcs_options *o, int argc, char **argv)
{
	*o = (struct dcs_options){.argc = argc, .argv = argv};
	optind = 0; /* glibc: start over, whatever an earlier parse left */
	opterr = 0; /* the messages are ours */
}

/* The argument an error is about: a long option is the one just passed; a
 * short one may sit in a cluster getopt is still reading ("-xq"). */
static int bad_index(const struct dcs_options *o)
{
	int i = optind - 1;
	if (i >= 1 && strncmp(o->argv[i], "--", 2) == 0)
		return i;
	const char *cur = optind < o->argc ? o->argv[optind] : NULL;
	if (optopt && cur && cur[0] == '-' && cur[1] && cur[1] != '-' && strchr(cur + 1, optopt))
		return optind;
	return i >= 1 ? i : 1;
}

int dcs_options_next(struct dcs_options *o, const char *shortopts, const struct option *longopts)
{
	/* '+' is not used: options may follow the other arguments. */
	char spec[64];
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	int c = getopt_long(o->argc, o->argv, spec, longopts, NULL);
	if (c == '?' || c == ':') {
		int i = bad_index(o);
		o->bad = i < o->argc ? o->argv[i] : "";
		o->bad_last = i == o->argc - 1;
		return '?';
	}
	return c;
}

int dcs_options_first(const struct dcs_options *o)
{
	(void)o;
	return optind;
}

int dcs_options_bad(const struct dcs_options *o, const char *cmd, const char *usage)
{
	fprintf(stderr, "dcisim %s: error: unknown option '%s'%s\n%s", cmd, o->bad,
		o->bad_last ? " (or missing value)" : "", usage);
	return DCS_EXIT_USAGE;
}

int dcs_options_single(const struct dcs_options *o, const char *cmd, const char *what,
		       const char **arg)
{
	int first = dcs_options_first(o);
	if (first < o->argc - 1) {
		fprintf(stderr, "dcisim %s: error: one %s at a time ('%s')\n", cmd, what,
			o->argv[first + 1]);
		return DCS_EXIT_USAGE;
	}
	if (first < o->argc)
		*arg = o->argv[first];
	return 0;
}
