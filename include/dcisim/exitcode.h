/*
 * dcisim's exit statuses (SPEC §1): one table gives the enum, the name and
 * the meaning.  Every command returns one of these, and code that ends the
 * process (out of memory inside an event) exits with DCS_EXIT_RUNTIME.  The
 * README's and the man page's exit-status tables are checked against this
 * one (tests/test_exitcodes.c); the meanings are the README's words.
 */
#ifndef DCISIM_EXITCODE_H
#define DCISIM_EXITCODE_H

/* X(ENUM, code, name, meaning) */
#define DCS_EXIT_CODES(X)                                                                          \
	X(OK, 0, "ok", "success")                                                                  \
	X(DRIFT, 1, "drift",                                                                       \
	  "`check` found drift, or `plan` found no value in the range that meets every target")    \
	X(USAGE, 2, "usage", "usage error or invalid input: nothing is written")                   \
	X(RUNTIME, 3, "runtime",                                                                   \
	  "runtime failure (I/O, resources, `--max-events`/`--max-wall-s` reached)")               \
	X(SIGINT, 130, "sigint", DCS_EXIT_INTERRUPTED_MEANING)                                      \
	X(SIGTERM, 143, "sigterm", DCS_EXIT_INTERRUPTED_MEANING)

#define DCS_EXIT_INTERRUPTED_MEANING                                                               \
	"interrupted by SIGINT / SIGTERM: what completed is written, `run.json` says "             \
	"`\"complete\": false`"

enum dcs_exit {
#define DCS_EXIT_ENUM(e, code, name, meaning) DCS_EXIT_##e = code,
	DCS_EXIT_CODES(DCS_EXIT_ENUM)
#undef DCS_EXIT_ENUM
};

/* The name ("usage") and meaning of a status; NULL for one not in the table. */
const char *dcs_exit_name(int code);
const char *dcs_exit_meaning(int code);
/* The status of a process interrupted by signal signo (SIGINT: 130, SIGTERM:
 * 143, as a shell reports 128 + signo). */
int dcs_exit_for_signal(int signo);

#endif
