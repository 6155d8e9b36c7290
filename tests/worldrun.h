/*
 * Test helpers on top of harness.h for tests that write scenarios inline
 * and run them step by step: the text is printf-style with single quotes for
 * JSON's double ones (so it sits in C strings), the world is built at the
 * scenario's seed and run to given times, and the storage model is at hand.
 * Include after cmocka.h.
 */
#ifndef DCISIM_TESTS_WORLDRUN_H
#define DCISIM_TESTS_WORLDRUN_H

#include <stdarg.h>

#include "harness.h"
#include "storage.h"

struct run {
	struct dcs_scenario *scn;
	struct dcs_world *w;
	struct dcs_storage *st; /* the storage model, NULL without storage */
};

static inline void run_take(struct run *r, struct harness h)
{
	r->scn = h.scn;
	r->w = h.w;
	r->w->verbosity = -1;
	r->st = dcs_storage_of(r->w);
}

static inline void run_open(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Formats a scenario written with single quotes into buf (8 KiB at most)
 * with JSON's double quotes. */
static inline void run_format(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	assert_true(n > 0 && (size_t)n < size);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
}

static inline void run_open(struct run *r, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	run_format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	run_take(r, h_open(buf, H_SCENARIO_SEED));
}

/* A scenario file (a bundled one, by its path from the source root). */
static inline void run_file(struct run *r, const char *path)
{
	int nerr = 0;
	struct harness h = {.scn = dcs_scenario_load_file(path, stderr, &nerr)};
	if (!h.scn || nerr)
		fail_msg("%s did not load (%d errors)", path, nerr);
	h.w = dcs_world_create(h.scn, h.scn->seed);
	if (!h.w)
		fail_msg("the world of %s could not be built", path);
	run_take(r, h);
}

static inline void run_until(struct run *r, double s)
{
	dcs_world_run(r->w, dcs_time_from_s(s));
}

static inline void run_close(struct run *r)
{
	dcs_world_destroy(r->w);
	dcs_scenario_free(r->scn);
}

static inline const struct dcs_table *table(struct run *r, const char *file)
{
	return h_table(r->w->res, file);
}

static inline double summary(struct run *r, const char *metric, const char *entity)
{
	return strtod(h_summary_text_req(r->w->res, metric, entity), NULL);
}

#endif
