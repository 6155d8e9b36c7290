/*
 * Fuzz target: the criteria file of `dcisim survive`,
 * dcs_criteria_load_text() (sim/io/survivefile.c).
 *
 * Promises checked: a refused file has errors and messages in the error
 * form; accepted criteria have a finite tolerance, every rule names a
 * declared metric with a verdict in range, a label rule lists values and
 * names a label, a threshold rule names a figure or count with a direction,
 * a limit rule a figure or count,
 * and every ignored name is a declared metric or producer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/survivefile.h"
#include "dcisim/world.h"
#include "fuzz.h"

static int producer_declared(const struct dcs_catalog *c, const char *name)
{
	for (size_t f = 0; f < c->n_families; f++)
		if (!strcmp(c->families[f]->producer, name))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dcs_world_catalog wc;
	const struct dcs_catalog *c = dcs_world_catalog_init(&wc);
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *err = open_memstream(&msgs, &mlen);
	if (!err)
		return 0;
	int nerr = -1;
	struct dcs_criteria *cr =
	    dcs_criteria_load_text((const char *)data, size, "crit.json", c, err, &nerr);
	fclose(err);
	if (cr) {
		fuzz_require(nerr == 0, "accepted with %d errors", nerr);
		fuzz_require(isfinite(cr->rtol) && cr->rtol >= 0, "rtol %g", cr->rtol);
		for (size_t i = 0; i < cr->n_atol; i++)
			fuzz_require(isfinite(cr->atol[i].atol) && cr->atol[i].atol >= 0, "atol");
		for (size_t i = 0; i < cr->n_rules; i++) {
			const struct dcs_criteria_rule *r = &cr->rules[i];
			const struct dcs_metric_def *d = dcs_catalog_metric(c, r->metric);
			fuzz_require(d, "rule %zu names an undeclared metric", i);
			fuzz_require((unsigned)r->verdict < DCS_VERDICT_COUNT, "verdict");
			if (r->kind == DCS_RULE_IS)
				fuzz_require(d->kind == DCS_METRIC_LABEL && r->n_is > 0, "is on %s",
					     d->name);
			else if (r->kind == DCS_RULE_WORSE_BY)
				fuzz_require(d->kind != DCS_METRIC_LABEL &&
						 d->better != DCS_BETTER_NEUTRAL &&
						 isfinite(r->worse_by) && r->worse_by >= 0,
					     "worse_by on %s", d->name);
			else
				fuzz_require(d->kind != DCS_METRIC_LABEL && isfinite(r->limit),
					     "a limit on %s", d->name);
		}
		for (size_t i = 0; i < cr->n_ignore; i++)
			fuzz_require(dcs_catalog_metric(c, cr->ignore[i]) ||
					 producer_declared(c, cr->ignore[i]),
				     "ignores '%s'", cr->ignore[i]);
		dcs_criteria_free(cr);
	} else {
		fuzz_require(nerr > 0, "refused with %d errors", nerr);
		fuzz_require(mlen > 0, "refused without a message");
		fuzz_check_messages(msgs, mlen, "crit.json");
	}
	free(msgs);
	return 0;
}
