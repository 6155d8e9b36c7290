/*
 * The links model: reports each link's figures (SPEC §4.1) in summary.csv.
 * Propagation and framing come from the network (sim/net.c), the only place
 * those formulas live.
 */
#include <stdlib.h>

#include "dcisim/net.h"
#include "dcisim/tech.h"
#include "dcisim/world.h"

struct links {
	int unused;
};

static int links_create(struct dcs_world *w, void **state)
{
	(void)w;
	*state = calloc(1, sizeof(struct links));
	return *state ? 0 : -1;
}

static void links_finish(struct dcs_world *w, void *state)
{
	(void)state;
	for (size_t i = 0; i < w->scn->n_links; i++) {
		const struct dcs_link_cfg *l = &w->scn->links[i];
		double one_way_ms = dcs_link_cfg_one_way_us(l) / 1e3;
		dcs_summary(w->res, "one_way_latency_ms", l->id, one_way_ms, "ms");
		dcs_summary(w->res, "rtt_ms", l->id, 2 * one_way_ms, "ms");
		dcs_summary(w->res, "goodput_fraction", l->id, dcs_link_cfg_goodput_fraction(l), "ratio");
		dcs_summary(w->res, "goodput_gbps", l->id,
			    (l->bandwidth_gbps - l->background_gbps) * dcs_link_cfg_goodput_fraction(l),
			    "Gbps");
		dcs_summary_text(w->res, "technology", l->id, dcs_tech_name(l->technology), "");
	}
}

static void links_destroy(void *state)
{
	free(state);
}

const struct dcs_model_ops dcs_model_links = {
	.name = "links",
	.create = links_create,
	.finish = links_finish,
	.destroy = links_destroy,
};
