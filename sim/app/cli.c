/* dcisim's command table and what is made from it (cli.h). */
#include "cli.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "dcisim/exitcode.h"
#include "dcisim/version.h"

const struct dcs_cli_command *const dcs_cli_commands[] = {
    &dcs_cli_run,     &dcs_cli_validate,
    &dcs_cli_sweep,   &dcs_cli_survive,
    &dcs_cli_plan,    &dcs_cli_report,
    &dcs_cli_compare, &dcs_cli_check,
    &dcs_cli_view,    &dcs_cli_bench,
    &dcs_cli_schema,  &dcs_cli_metrics,
    &dcs_cli_help,    NULL,
};

/* Every option that takes a value, by name (the same name means the same
 * thing in every command). */
static const struct dcs_cli_value values[] = {
    {"out", "DIR", DCS_CLI_DIR, NULL},
    {"runs-dir", "DIR", DCS_CLI_DIR, NULL},
    {"baseline", "DIR", DCS_CLI_DIR, NULL},
    {"frames", "DIR", DCS_CLI_DIR, NULL},
    {"trace", "FILE", DCS_CLI_FILE, NULL},
    {"replay", "TRACE", DCS_CLI_TRACE, NULL},
    {"snapshot", "SECONDS FILE.png|.bmp", DCS_CLI_NONE, NULL},
    {"mode", "exact|tolerance|stat", DCS_CLI_WORDS, "exact tolerance stat"},
    {"format", "png|bmp", DCS_CLI_WORDS, "png bmp"},
    {"seed", "N", DCS_CLI_NONE, NULL},
    {"until", "SECONDS", DCS_CLI_NONE, NULL},
    {"max-events", "N", DCS_CLI_NONE, NULL},
    {"max-wall-s", "SECONDS", DCS_CLI_NONE, NULL},
    {"jobs", "N", DCS_CLI_NONE, NULL},
    {"rtol", "X", DCS_CLI_NONE, NULL},
    {"atol", "Y", DCS_CLI_NONE, NULL},
    {"alpha", "A", DCS_CLI_NONE, NULL},
    {"speed", "X", DCS_CLI_NONE, NULL},
    {"fps", "N", DCS_CLI_NONE, NULL},
    {"from", "S", DCS_CLI_NONE, NULL},
    {"to", "S", DCS_CLI_NONE, NULL},
    {"size", "WxH", DCS_CLI_NONE, NULL},
    {"keys", "SCRIPT", DCS_CLI_NONE, NULL},
    {"pending", "N", DCS_CLI_NONE, NULL},
    {"events", "M", DCS_CLI_NONE, NULL},
    {"repeat", "N", DCS_CLI_NONE, NULL},
    {"label", "NAME", DCS_CLI_NONE, NULL},
    {"metric", "NAME", DCS_CLI_NONE, NULL},
    {"depth", "1|2", DCS_CLI_WORDS, "1 2"},
    {"at", "SECONDS", DCS_CLI_NONE, NULL},
    {"for", "SECONDS", DCS_CLI_NONE, NULL},
    {"max-runs", "N", DCS_CLI_NONE, NULL},
    {"criteria", "FILE", DCS_CLI_FILE, NULL},
};

const struct dcs_cli_command *dcs_cli_find(const char *name)
{
	for (size_t i = 0; dcs_cli_commands[i]; i++)
		if (!strcmp(dcs_cli_commands[i]->name, name))
			return dcs_cli_commands[i];
	return NULL;
}

const struct dcs_cli_value *dcs_cli_value(const char *option)
{
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!strcmp(values[i].option, option))
			return &values[i];
	return NULL;
}

/* ---- synopses --------------------------------------------------------------- */

/* Whether the space-separated list holds word. */
static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '|') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '|'))
			return true;
	return false;
}

static bool has_short(const struct option *o);

/* An option as a synopsis writes it: -q for one with a letter, else --name. */
static void option_word(struct dcs_buf *b, const struct option *o, bool troff)
{
	if (has_short(o))
		dcs_buf_printf(b, troff ? "\\-%c" : "-%c", o->val);
	else if (troff) {
		dcs_buf_puts(b, "\\-\\-");
		for (const char *p = o->name; *p; p++) {
			char ch[2] = {*p, '\0'};
			dcs_buf_puts(b, *p == '-' ? "\\-" : ch);
		}
	} else
		dcs_buf_printf(b, "--%s", o->name);
}

static const struct option *find_option(const struct dcs_cli_command *c, const char *name)
{
	for (const struct option *o = c->options; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* The choice group an option heads ("quiet|verbose" for quiet), or NULL
 * when it is in none; *member tells whether it is in one at all. */
static const char *choice_group(const struct dcs_cli_command *c, const char *name, bool *member,
				char *buf, size_t len)
{
	*member = false;
	for (const char *p = c->choices; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		snprintf(buf, len, "%.*s", (int)n, p);
		if (listed(buf, name)) {
			*member = true;
			size_t first = strcspn(buf, "|");
			return strncmp(buf, name, first) == 0 && first == strlen(name) ? buf : NULL;
		}
		p = end ? end + 1 : p + n;
	}
	return NULL;
}

/* Whether an option has a one-letter form. */
static bool has_short(const struct option *o)
{
	return o->val > 0 && o->val < 128 && isalnum(o->val);
}

/* The options in synopsis order: long ones in their table's order, then
 * those with a one-letter form (-q, -v); --help is left to the end line. */
static const struct option *next_option(const struct dcs_cli_command *c, const struct option *o)
{
	const struct option *start = c->options;
	bool pass2 = o && has_short(o);
	for (const struct option *p = o ? o + 1 : start;; p++) {
		if (!p || !p->name) {
			if (pass2 || !start)
				return NULL;
			pass2 = true;
			p = start;
		}
		if (!strcmp(p->name, "help") || has_short(p) != pass2)
			continue;
		return p;
	}
}

/* A choice group's options ("quiet|verbose") as a synopsis writes them,
 * separated by sep ("|", or " | " in troff). */
static void group_words(struct dcs_buf *b, const struct dcs_cli_command *c, const char *g,
			bool troff, const char *sep)
{
	for (const char *p = g; *p;) {
		size_t n = strcspn(p, "|");
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		const struct option *m = find_option(c, name);
		if (m)
			option_word(b, m, troff);
		p += n;
		if (*p == '|') {
			dcs_buf_puts(b, sep);
			p++;
		}
	}
}

void dcs_cli_synopsis(struct dcs_buf *b, const struct dcs_cli_command *c)
{
	dcs_buf_puts(b, c->name);
	if (c->args && *c->args)
		dcs_buf_printf(b, " %s", c->args);
	for (const struct option *o = next_option(c, NULL); o; o = next_option(c, o)) {
		bool member;
		char group[128];
		const char *g = choice_group(c, o->name, &member, group, sizeof(group));
		if (member && !g)
			continue; /* written with the first of its group */
		if (g) {
			dcs_buf_puts(b, " [");
			group_words(b, c, g, false, "|");
			dcs_buf_puts(b, "]");
			continue;
		}
		bool req = listed(c->required, o->name);
		const struct dcs_cli_value *v = o->has_arg ? dcs_cli_value(o->name) : NULL;
		dcs_buf_puts(b, req ? " " : " [");
		option_word(b, o, false);
		if (o->has_arg)
			dcs_buf_printf(b, " %s", v ? v->metavar : "VALUE");
		if (!req)
			dcs_buf_puts(b, "]");
	}
}

void dcs_cli_usage(FILE *out)
{
	fprintf(out, "dcisim " DCISIM_VERSION
		     " - discrete-event simulator of data center interconnect\n\nusage:\n");
	for (size_t i = 0; dcs_cli_commands[i]; i++) {
		const struct dcs_cli_command *c = dcs_cli_commands[i];
		struct dcs_buf s = {0};
		dcs_cli_synopsis(&s, c);
		if (!s.s)
			continue;
		/* Wrapped at 79 columns, continuation lines under the arguments. */
		size_t indent = strlen("  dcisim ") + strlen(c->name) + 1, col = 0;
		fputs("  dcisim ", out);
		col = strlen("  dcisim ");
		for (const char *p = s.s; *p;) {
			const char *sp = p + 1;
			/* The next word: an option and its value stay together. */
			if (*p == '[') {
				int depth = 0;
				for (sp = p; *sp; sp++) {
					depth += *sp == '[';
					depth -= *sp == ']';
					if (!depth) {
						sp++;
						break;
					}
				}
			} else {
				sp = p + strcspn(p, " ");
			}
			size_t n = (size_t)(sp - p);
			if (col > indent && col + 1 + n > 79) {
				fprintf(out, "\n%*s", (int)indent, "");
				col = indent;
			} else if (p != s.s) {
				fputc(' ', out);
				col++;
			}
			fwrite(p, 1, n, out);
			col += n;
			p = sp;
			while (*p == ' ')
				p++;
		}
		fprintf(out, "\n      %s\n", c->summary);
		dcs_buf_free(&s);
	}
	fputs("  dcisim --help | --version | COMMAND --help\n\n"
	      "Without a scenario, `dcisim run` runs the bundled default: two metro sites\n"
	      "and a witness site.  Results go to results/<scenario name>/ as CSV files.\n"
	      "\nExit status:\n",
	      out);
	static const int codes[] = {DCS_EXIT_OK, DCS_EXIT_DRIFT, DCS_EXIT_USAGE, DCS_EXIT_RUNTIME,
				    DCS_EXIT_SIGINT};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		char code[16];
		snprintf(code, sizeof(code), codes[i] == DCS_EXIT_SIGINT ? "%d/%d" : "%d", codes[i],
			 DCS_EXIT_SIGTERM);
		fprintf(out, "  %-8s", code);
		/* The meaning, wrapped under itself. */
		size_t col = 10;
		const char *m = dcs_exit_meaning(codes[i]);
		while (*m) {
			size_t n = strcspn(m, " ");
			if (col > 10 && col + 1 + n > 79) {
				fprintf(out, "\n%10s", "");
				col = 10;
			}
			fprintf(out, " %.*s", (int)n, m);
			col += n + 1;
			m += n;
			while (*m == ' ')
				m++;
		}
		fputc('\n', out);
	}
}

/* ---- what is made from the table ------------------------------------------------ */

/* The man page's SYNOPSIS section (troff): each command, options in bold,
 * values in italics, lines broken between commands. */
static void man_synopsis(FILE *out)
{
	fputs(".nh\n", out); /* no hyphens inside option names */
	for (size_t i = 0; dcs_cli_commands[i]; i++) {
		const struct dcs_cli_command *c = dcs_cli_commands[i];
		fprintf(out, "%s.B dcisim %s\n", i ? ".br\n" : "", c->name);
		/* Positional arguments: "[X]" as .RI [ X ], a trailing "..." as an
		 * ellipsis. */
		char args[128];
		snprintf(args, sizeof(args), "%s", c->args ? c->args : "");
		for (char *w = strtok(args, " "); w; w = strtok(NULL, " ")) {
			size_t n = strlen(w);
			bool dots = n > 3 && !strcmp(w + n - 3, "...");
			if (dots)
				w[n - 3] = '\0';
			if (w[0] == '[' && w[strlen(w) - 1] == ']') {
				w[strlen(w) - 1] = '\0';
				fprintf(out, ".RI [ %s ]%s\n", w + 1, dots ? " .\\|.\\|." : "");
			} else if (dots) {
				fprintf(out, ".IR %s .\\|.\\|.\n", w);
			} else {
				fprintf(out, ".I %s\n", w);
			}
		}
		for (const struct option *o = next_option(c, NULL); o; o = next_option(c, o)) {
			bool member;
			char group[128];
			const char *g = choice_group(c, o->name, &member, group, sizeof(group));
			if (member && !g)
				continue;
			struct dcs_buf w = {0};
			if (g) {
				dcs_buf_puts(&w, ".RB [ ");
				group_words(&w, c, g, true, " | ");
				dcs_buf_puts(&w, " ]");
				fprintf(out, "%s\n", w.s ? w.s : "");
				dcs_buf_free(&w);
				continue;
			}
			bool req = listed(c->required, o->name);
			const struct dcs_cli_value *v = o->has_arg ? dcs_cli_value(o->name) : NULL;
			dcs_buf_puts(&w, req ? ".B " : ".RB [ ");
			option_word(&w, o, true);
			if (!o->has_arg && !req)
				dcs_buf_puts(&w, " ]");
			fprintf(out, "%s\n", w.s ? w.s : "");
			dcs_buf_free(&w);
			if (o->has_arg)
				fprintf(out, "%s\"%s\"%s\n", req ? ".I " : ".IR ",
					v ? v->metavar : "VALUE", req ? "" : " ]");
		}
	}
	fputs(".br\n.B dcisim\n.BR \\-\\-help \" | \" \\-\\-version \" | \"\n.I COMMAND\n"
	      ".B \\-\\-help\n.hy\n",
	      out);
}

static void readme_synopsis(FILE *out)
{
	for (size_t i = 0; dcs_cli_commands[i]; i++) {
		struct dcs_buf s = {0};
		dcs_cli_synopsis(&s, dcs_cli_commands[i]);
		fprintf(out, "dcisim %s\n", s.s ? s.s : "");
		dcs_buf_free(&s);
	}
	fputs("dcisim --help | --version | COMMAND --help\n", out);
}

/* Every option of a command, long and short, as completion offers them. */
static void completion_options(FILE *out, const struct dcs_cli_command *c)
{
	bool first = true;
	for (const struct option *o = c->options; o && o->name; o++) {
		fprintf(out, "%s--%s", first ? "" : " ", o->name);
		first = false;
		if (o->val > 0 && o->val < 128 && isalnum(o->val))
			fprintf(out, " -%c", o->val);
	}
}

/* The completion of a positional argument or a value, as shell words. */
static const char *completion_of(enum dcs_cli_kind k)
{
	switch (k) {
	case DCS_CLI_SCENARIO:
		return "COMPREPLY=($(compgen -W \"$(_dcisim_names \"\" demos)\" -- \"$cur\") "
		       "$(compgen -f -X '!*.json' -- \"$cur\") $(compgen -d -- \"$cur\"))";
	case DCS_CLI_PLAN:
		return "COMPREPLY=($(compgen -W \"$(_dcisim_names plans)\" -- \"$cur\") "
		       "$(compgen -f -X '!*.json' -- \"$cur\") $(compgen -d -- \"$cur\"))";
	case DCS_CLI_JSON:
		return "COMPREPLY=($(compgen -f -X '!*.json' -- \"$cur\") $(compgen -d -- "
		       "\"$cur\"))";
	case DCS_CLI_DIR:
		return "COMPREPLY=($(compgen -d -- \"$cur\"))";
	case DCS_CLI_FILE:
		return "COMPREPLY=($(compgen -f -- \"$cur\"))";
	case DCS_CLI_TRACE:
		return "COMPREPLY=($(compgen -f -X '!*.trace' -- \"$cur\") $(compgen -d -- "
		       "\"$cur\"))";
	default:
		return NULL;
	}
}

static void bash_completion(FILE *out)
{
	fputs(
	    "# bash completion for dcisim: made by `dcisim help --bash-completion` from the\n"
	    "# program's command table (sim/app/cli.h); a test checks it is current.\n"
	    "\n"
	    "# Names of bundled files in the scenario folders' subfolders given (\"\": the\n"
	    "# folder itself).\n"
	    "_dcisim_names()\n"
	    "{\n"
	    "\tlocal d sub names=\"\"\n"
	    "\tfor d in scenarios /usr/share/dcisim/scenarios /usr/local/share/dcisim/scenarios; "
	    "do\n"
	    "\t\tfor sub in \"$@\"; do\n"
	    "\t\t\t[ -d \"$d/$sub\" ] && names=\"$names $(cd \"$d/$sub\" && ls *.json 2>/dev/null "
	    "| sed 's/\\.json$//')\"\n"
	    "\t\tdone\n"
	    "\tdone\n"
	    "\techo \"$names\"\n"
	    "}\n"
	    "\n"
	    "_dcisim()\n"
	    "{\n"
	    "\tlocal cur prev cmd opts\n"
	    "\tcur=${COMP_WORDS[COMP_CWORD]}\n"
	    "\tprev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\tcmd=${COMP_WORDS[1]}\n"
	    "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"",
	    out);
	for (size_t i = 0; dcs_cli_commands[i]; i++)
		fprintf(out, "%s ", dcs_cli_commands[i]->name);
	fputs("--help --version\" -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase \"$prev\" in\n", out);
	/* Values, by kind. */
	static const enum dcs_cli_kind kinds[] = {DCS_CLI_DIR, DCS_CLI_FILE, DCS_CLI_TRACE,
						  DCS_CLI_NONE};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		bool any = false;
		for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			if (values[i].complete != kinds[k])
				continue;
			fprintf(out, "%s--%s", any ? "|" : "\t", values[i].option);
			any = true;
		}
		if (any)
			fprintf(out, ") %s%sreturn ;;\n",
				completion_of(kinds[k]) ? completion_of(kinds[k]) : "",
				completion_of(kinds[k]) ? "; " : "");
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (values[i].complete == DCS_CLI_WORDS)
			fprintf(out,
				"\t--%s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
				values[i].option, values[i].words);
	fputs("\tesac\n\tcase \"$cmd\" in\n", out);
	for (size_t i = 0; dcs_cli_commands[i]; i++) {
		fprintf(out, "\t%s) opts=\"", dcs_cli_commands[i]->name);
		completion_options(out, dcs_cli_commands[i]);
		fputs("\" ;;\n", out);
	}
	fputs("\tesac\n\tif [[ \"$cur\" == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n\t\treturn\n\tfi\n"
	      "\tcase \"$cmd\" in\n",
	      out);
	for (size_t i = 0; dcs_cli_commands[i]; i++) {
		const struct dcs_cli_command *c = dcs_cli_commands[i];
		if (c == &dcs_cli_help) {
			fputs("\thelp) COMPREPLY=($(compgen -W \"", out);
			for (size_t j = 0; dcs_cli_commands[j]; j++)
				fprintf(out, "%s%s", j ? " " : "", dcs_cli_commands[j]->name);
			fputs("\" -- \"$cur\")) ;;\n", out);
		} else if (completion_of(c->complete)) {
			fprintf(out, "\t%s) %s ;;\n", c->name, completion_of(c->complete));
		}
	}
	fputs("\tesac\n}\ncomplete -F _dcisim dcisim\n", out);
}

/* ---- dcisim help ----------------------------------------------------------------- */

static const char help_usage[] =
    "usage: dcisim help [COMMAND] [--man-synopsis|--readme-synopsis|--bash-completion]\n"
    "\n"
    "Without a command, the list of commands (as `dcisim --help`); with one, its\n"
    "own help (as `dcisim COMMAND --help`).\n"
    "\n"
    "  --man-synopsis     the man page's synopsis (troff), as docs/dcisim.1 has it\n"
    "  --readme-synopsis  the README's list of commands\n"
    "  --bash-completion  the bash completion script (installed as\n"
    "                     share/bash-completion/completions/dcisim)\n"
    "\n"
    "All of them are made from the same table of commands and options.\n"
    "Exit status: 0 printed, 2 unknown command.\n";

enum { OPT_MAN = 256, OPT_README, OPT_BASH };

static const struct option help_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"man-synopsis", no_argument, NULL, OPT_MAN},
    {"readme-synopsis", no_argument, NULL, OPT_README},
    {"bash-completion", no_argument, NULL, OPT_BASH},
    {NULL, 0, NULL, 0},
};

static int cmd_help(int argc, char **argv)
{
	struct dcs_options opt;
	int what = 0;
	dcs_options_begin(&opt, argc, argv);
	for (int c; (c = dcs_options_next(&opt, NULL, help_options)) != -1;) {
		switch (c) {
		case 'h':
			fputs(help_usage, stdout);
			return DCS_EXIT_OK;
		case OPT_MAN:
		case OPT_README:
		case OPT_BASH:
			what = c;
			break;
		default:
			return dcs_options_bad(&opt, "help", help_usage);
		}
	}
	const char *name = NULL;
	int rc = dcs_options_single(&opt, "help", "command", &name);
	if (rc)
		return rc;
	if (what == OPT_MAN)
		man_synopsis(stdout);
	else if (what == OPT_README)
		readme_synopsis(stdout);
	else if (what == OPT_BASH)
		bash_completion(stdout);
	else if (!name)
		dcs_cli_usage(stdout);
	else if (dcs_cli_find(name)) {
		/* As the command gives it (view adds how to build the viewer). */
		char arg0[32], arg1[] = "--help";
		snprintf(arg0, sizeof(arg0), "%s", name);
		char *args[] = {arg0, arg1, NULL};
		return dcs_cli_find(name)->fn(2, args);
	} else {
		fprintf(stderr, "dcisim help: error: unknown command '%s'\n", name);
		return DCS_EXIT_USAGE;
	}
	return DCS_EXIT_OK;
}

const struct dcs_cli_command dcs_cli_help = {
    .name = "help",
    .fn = cmd_help,
    .args = "[COMMAND]",
    .summary = "the commands, or one's help; the synopses and completion made from them",
    .usage = help_usage,
    .options = help_options,
    .choices = "man-synopsis|readme-synopsis|bash-completion",
};
