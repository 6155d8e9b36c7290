/* Exit statuses (dcisim/exitcode.h). */
#include "dcisim/exitcode.h"

#include <signal.h>
#include <stddef.h>

struct row {
	int code;
	const char *name, *meaning;
};

static const struct row rows[] = {
#define DCS_EXIT_ROW(e, code, name, meaning) {code, name, meaning},
    DCS_EXIT_CODES(DCS_EXIT_ROW)
#undef DCS_EXIT_ROW
};

static const struct row *find(int code)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].code == code)
			return &rows[i];
	return NULL;
}

const char *dcs_exit_name(int code)
{
	const struct row *r = find(code);
	return r ? r->name : NULL;
}

const char *dcs_exit_meaning(int code)
{
	const struct row *r = find(code);
	return r ? r->meaning : NULL;
}

int dcs_exit_for_signal(int signo)
{
	return signo == SIGTERM ? DCS_EXIT_SIGTERM : DCS_EXIT_SIGINT;
}
