/* Link state of the flow-level network: what a link carries, its failure detection
 * (BFD or routing) and outage, and the changes of state (a link or a site up or down,
 * underlay paths cut, a degradation, convergence) with the notes they publish, and
 * the per-link figures. */

#include "net_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/tech.h"
#include "dcisim/xalloc.h"

/* ---- links ---- */

bool net_carries(const struct link_state *s)
{
	return !s->cut && s->paths_up > 0 && !s->converging;
}

void net_link_refresh(struct dcs_net *net, int i)
{
	net_paths_stale(net); /* loss and capacity: path answers */
	const struct dcs_link_cfg *c = &net->scn->links[i];
	struct link_state *s = &net->ls[i];
	s->one_way = dcs_time_from_us(dcs_link_cfg_one_way_us(c) + s->extra_ms * 1e3);
	double free_gbps = s->bandwidth_gbps - c->background_gbps;
	if (free_gbps < 0)
		free_gbps = 0;
	s->cap_Bps = free_gbps * 1e9 / 8.0 * dcs_link_cfg_goodput_fraction(c);
	s->line_Bps = s->bandwidth_gbps * 1e9 / 8.0;
	double bg = c->background_gbps < s->bandwidth_gbps ? c->background_gbps : s->bandwidth_gbps;
	s->bg_Bps = bg * 1e9 / 8.0;
	s->buffer_bytes = isnan(c->buffer_kib)
			      ? dcs_tech_default_buffer_bytes(c->technology, c->bandwidth_gbps)
			      : c->buffer_kib * 1024.0;
	s->tau_s = s->line_Bps > 0 ? s->buffer_bytes / s->line_Bps : 0;
	int frame = c->lan_mtu + DCS_ETH_WIRE_OVERHEAD + dcs_tech(c->technology)->encap_bytes;
	s->frame_s = s->line_Bps > 0 ? frame / s->line_Bps : 0;
}

double dcs_net_link_detect_s(const struct dcs_net *net, int link, bool *by_bfd)
{
	const struct link_state *s = &net->ls[link];
	double d = dcs_tech(net->scn->links[link].technology)->detect_s;
	bool bfd = !isnan(s->bfd_s) && s->bfd_s < d;
	if (by_bfd)
		*by_bfd = bfd;
	return bfd ? s->bfd_s : d;
}

double dcs_net_cut_outage_s(const struct dcs_net *net, int link, bool one_path)
{
	const struct link_state *s = &net->ls[link];
	if (!one_path)
		return dcs_net_link_detect_s(net, link, NULL) + net->igp_s;
	double p = dcs_tech(net->scn->links[link].technology)->protect_s;
	if (!isnan(p))
		return p;
	/* An overlay on a routed underlay: the underlay's BFD and IGP. */
	return (isnan(s->bfd_s) ? DCS_BFD_DEFAULT_S : s->bfd_s) + net->igp_s;
}

/* ---- changes of state ---- */

static void snapshot_reach(struct dcs_net *net)
{
	for (int a = 0; a < net->n_sites; a++)
		for (int b = 0; b < net->n_sites; b++)
			net->reach_was[(size_t)a * net->n_sites + b] = dcs_net_reachable(net, a, b);
}

static bool reach_changed(const struct dcs_net *net)
{
	for (int a = 0; a < net->n_sites; a++)
		for (int b = 0; b < net->n_sites; b++)
			if (net->reach_was[(size_t)a * net->n_sites + b] !=
			    dcs_net_reachable(net, a, b))
				return true;
	return false;
}

static bool paths_differ(const struct dcs_net *net, const dcs_time_t *old_dist, const int *old_pred)
{
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	return memcmp(old_dist, net->dist, nn * sizeof(dcs_time_t)) != 0 ||
	       memcmp(old_pred, net->pred, nn * sizeof(int)) != 0;
}

/* Recomputes paths and rates after a state change, then publishes `note`
 * and, if routing or reachability changed, DCS_NOTE_PATHS_CHANGED.  The
 * caller took snapshot_reach() before it changed anything. */
static void after_change(struct dcs_net *net, const struct dcs_note *note)
{
	net_paths_stale(net); /* the caller changed a link's or a site's state */
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	dcs_time_t *old_dist = dcs_xmalloc(nn * sizeof(dcs_time_t) + 1, "recomputing paths");
	int *old_pred = dcs_xmalloc(nn * sizeof(int) + 1, "recomputing paths");
	memcpy(old_dist, net->dist, nn * sizeof(dcs_time_t));
	memcpy(old_pred, net->pred, nn * sizeof(int));
	net_compute_paths(net);
	bool changed = paths_differ(net, old_dist, old_pred) || reach_changed(net);
	free(old_dist);
	free(old_pred);
	net_update_all(net);
	if (net->bus) {
		if (note)
			dcs_bus_publish(net->bus, note);
		if (changed) {
			struct dcs_note pc = {.kind = DCS_NOTE_PATHS_CHANGED, .index = -1};
			dcs_bus_publish(net->bus, &pc);
		}
	}
}

static struct dcs_note link_note(const struct dcs_net *net, int link)
{
	const struct link_state *s = &net->ls[link];
	struct dcs_note n = {.kind = DCS_NOTE_LINK_STATE,
			     .index = link,
			     .up = !s->cut && s->paths_up > 0,
			     .degraded = s->degraded,
			     .converging = s->converging};
	return n;
}

bool dcs_net_link_up(const struct dcs_net *net, int link)
{
	return !net->ls[link].cut && net->ls[link].paths_up > 0;
}

bool dcs_net_link_degraded(const struct dcs_net *net, int link)
{
	return net->ls[link].degraded;
}

bool dcs_net_link_converging(const struct dcs_net *net, int link)
{
	return net->ls[link].converging;
}

bool dcs_net_link_carries(const struct dcs_net *net, int link)
{
	return net_carries(&net->ls[link]);
}

const char *dcs_net_link_state_name(const struct dcs_net *net, int link)
{
	const struct link_state *s = &net->ls[link];
	if (s->converging)
		return "converging";
	if (!dcs_net_link_up(net, link))
		return "down";
	return s->degraded ? "degraded" : "up";
}

int dcs_net_link_paths_up(const struct dcs_net *net, int link)
{
	return net->ls[link].paths_up;
}

/* The end of a convergence: the cut is detected and routing has moved
 * (routing drops a link that is cut), or protection has switched. */
static void conv_event(struct dcs_kernel *k, void *ctx, const void *payload)
{
	(void)k;
	struct dcs_net *net = ctx;
	int link;
	memcpy(&link, payload, sizeof(link));
	struct link_state *s = &net->ls[link];
	s->conv_ev = 0;
	snapshot_reach(net);
	s->converging = false;
	bool down = s->cut || s->paths_up == 0;
	if (down)
		s->routed = false;
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

static void converge(struct dcs_net *net, int link, double secs)
{
	struct link_state *s = &net->ls[link];
	if (s->conv_ev)
		dcs_cancel(net->k, s->conv_ev);
	s->converging = true;
	net_paths_stale(net);
	s->conv_ev =
	    dcs_schedule_in(net->k, dcs_time_from_s(secs), conv_event, net, &link, sizeof(link));
}

static void stop_converging(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->conv_ev)
		dcs_cancel(net->k, s->conv_ev);
	s->conv_ev = 0;
	s->converging = false;
	net_paths_stale(net);
}

/* Every path is gone: carries nothing until detection, then routing drops it. */
static void all_paths_cut(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->routed)
		converge(net, link, dcs_net_cut_outage_s(net, link, false));
	else
		stop_converging(net, link);
}

void dcs_net_set_link_up(struct dcs_net *net, int link, bool up)
{
	struct link_state *s = &net->ls[link];
	int total =
	    net->scn->links[link].underlay_paths > 0 ? net->scn->links[link].underlay_paths : 1;
	if (!up && s->cut)
		return;
	if (up && !s->cut && s->paths_up == total && !s->converging)
		return;
	snapshot_reach(net);
	if (up) {
		s->cut = false;
		s->paths_up = total;
		s->routed = true;
		stop_converging(net, link);
	} else {
		bool was_down = s->paths_up == 0;
		s->cut = true;
		if (!was_down)
			all_paths_cut(net, link);
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_path_down(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	if (s->paths_up == 0)
		return;
	snapshot_reach(net);
	s->paths_up--;
	if (!s->cut) {
		if (s->paths_up == 0)
			all_paths_cut(net, link);
		else
			converge(net, link, dcs_net_cut_outage_s(net, link, true));
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_path_up(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	int total =
	    net->scn->links[link].underlay_paths > 0 ? net->scn->links[link].underlay_paths : 1;
	if (s->paths_up >= total)
		return;
	snapshot_reach(net);
	s->paths_up++;
	if (s->paths_up == 1 && !s->cut) {
		/* The link is back. */
		s->routed = true;
		stop_converging(net, link);
	}
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_link_degrade(struct dcs_net *net, int link, double bandwidth_gbps, double loss,
			  double added_latency_ms)
{
	struct link_state *s = &net->ls[link];
	snapshot_reach(net);
	if (!isnan(bandwidth_gbps))
		s->bandwidth_gbps = bandwidth_gbps;
	if (!isnan(loss))
		s->loss = loss;
	if (!isnan(added_latency_ms))
		s->extra_ms = added_latency_ms;
	s->degraded = true;
	net_link_refresh(net, link);
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

void dcs_net_link_restore(struct dcs_net *net, int link)
{
	struct link_state *s = &net->ls[link];
	snapshot_reach(net);
	s->bandwidth_gbps = net->scn->links[link].bandwidth_gbps;
	s->loss = net->scn->links[link].loss;
	s->extra_ms = 0;
	s->degraded = false;
	net_link_refresh(net, link);
	struct dcs_note n = link_note(net, link);
	after_change(net, &n);
}

bool dcs_net_site_up(const struct dcs_net *net, int site)
{
	return net->site_up[site];
}

void dcs_net_set_site_up(struct dcs_net *net, int site, bool up)
{
	if (net->site_up[site] == up)
		return;
	snapshot_reach(net);
	net->site_up[site] = up;
	struct dcs_note n = {.kind = DCS_NOTE_SITE_STATE, .index = site, .up = up};
	after_change(net, &n);
}

dcs_time_t dcs_net_link_one_way(const struct dcs_net *net, int link)
{
	return net->ls[link].one_way;
}

double dcs_net_link_loss(const struct dcs_net *net, int link)
{
	return net->ls[link].loss;
}

double dcs_net_link_capacity_Bps(const struct dcs_net *net, int link)
{
	return net->ls[link].cap_Bps;
}

double dcs_net_link_bandwidth_gbps(const struct dcs_net *net, int link)
{
	return net->ls[link].bandwidth_gbps;
}
