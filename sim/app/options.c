/* Command-line options for the commands (options.h). */
#include "options.h"

#include <ctype.h>
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

void dcs_options_short(const struct option *longopts, char *buf, size_t len)
{
	size_t n = 0;
	if (len)
		buf[n++] = ':';
	for (const struct option *p = longopts; p && p->name && n + 3 < len; p++) {
		if (!(p->val > 0 && p->val < 128 && isalnum(p->val)))
			continue;
		buf[n++] = (char)p->val;
		if (p->has_arg == required_argument)
			buf[n++] = ':';
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
}

int dcs_options_next(struct dcs_options *o, const char *shortopts, const struct option *longopts)
{
	/* '+' is not used: options may follow the other arguments. */
	char spec[64];
	if (shortopts)
		snprintf(spec, sizeof(spec), ":%s", shortopts);
	else
		dcs_options_short(longopts, spec, sizeof(spec));
	int c = getopt_long(o->argc, o->argv, spec, longopts, NULL);
	if (c == '?' || c == ':') {
		int i = bad_index(o);
		o->bad = i < o->argc ? o->argv[i] : "";
		o->bad_last = i == o->argc - 1;
		return '?';
	}
	return c;
}

enum { OPT_MARKDOWN = 256 };

const struct option dcs_options_markdown_table[] = {
    {"help", no_argument, NULL, 'h'},
    {"markdown", no_argument, NULL, OPT_MARKDOWN},
    {NULL, 0, NULL, 0},
};

int dcs_options_markdown(int argc, char **argv, const char *cmd, const char *usage, bool *md)
{
	struct dcs_options opt;
	*md = false;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, dcs_options_markdown_table)) != -1;) {
		if (c == 'h') {
			fputs(usage, stdout);
			return DCS_EXIT_OK;
		} else if (c == OPT_MARKDOWN) {
			*md = true;
		} else {
			return dcs_options_bad(&opt, cmd, usage);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dcisim %s: error: unexpected argument '%s'\n%s", cmd, argv[optind],
			usage);
		return DCS_EXIT_USAGE;
	}
	return -1;
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
