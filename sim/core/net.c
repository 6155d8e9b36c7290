/* The flow-level network of dcisim: the pure figures of a link and a flow (one-way
 * delay, MSS, goodput fraction, window and Mathis caps and their inverses) and the
 * network's life: creating it from a scenario, destroying it, its size.  The rest of
 * the network lives beside it, one job a file (net_internal.h lists them). */

#include "net_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/tech.h"

/* ---- pure figures ---- */

double dcs_link_cfg_one_way_us(const struct dcs_link_cfg *l)
{
	return l->distance_km * l->route_factor * DCS_FIBRE_US_PER_KM + l->device_latency_us +
	       dcs_tech(l->technology)->added_latency_us;
}

int dcs_link_cfg_mss(const struct dcs_link_cfg *l)
{
	return l->lan_mtu - DCS_TCP_IP_HEADERS;
}

double dcs_link_cfg_goodput_fraction(const struct dcs_link_cfg *l)
{
	return (double)(l->lan_mtu - DCS_TCP_IP_HEADERS) /
	       (double)(l->lan_mtu + DCS_ETH_WIRE_OVERHEAD + dcs_tech(l->technology)->encap_bytes);
}

double dcs_window_cap_Bps(int streams, double window_bytes, double rtt_s)
{
	if (window_bytes <= 0 || rtt_s <= 0)
		return INFINITY;
	return streams * window_bytes / rtt_s;
}

double dcs_mathis_cap_Bps(int streams, double mss_bytes, double rtt_s, double loss)
{
	if (loss <= 0 || rtt_s <= 0)
		return INFINITY;
	return streams * mss_bytes / rtt_s * DCS_MATHIS_C / sqrt(loss);
}

double dcs_window_for_rate(int streams, double rate_Bps, double rtt_s)
{
	if (!(rate_Bps > 0) || !isfinite(rate_Bps) || !(rtt_s > 0) || streams < 1)
		return NAN;
	return rate_Bps * rtt_s / streams;
}

double dcs_loss_for_rate(int streams, double mss_bytes, double rtt_s, double rate_Bps)
{
	if (!(rate_Bps > 0) || !isfinite(rate_Bps) || !(rtt_s > 0) || streams < 1)
		return NAN;
	double r = streams * mss_bytes * DCS_MATHIS_C / (rtt_s * rate_Bps);
	return r * r;
}

const char *dcs_limit_name(enum dcs_limit l)
{
	static const char *const names[] = {"none", "link_share", "window",
					    "loss", "demand",     "stalled"};
	return names[l];
}

/* ---- lifecycle ---- */

struct dcs_net *dcs_net_create(struct dcs_kernel *k, struct dcs_bus *bus,
			       const struct dcs_scenario *scn)
{
	struct dcs_net *net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	net->k = k;
	net->bus = bus;
	net->scn = scn;
	net->n_sites = (int)scn->n_sites;
	net->n_links = (int)scn->n_links;
	net->ecmp = scn->routing.ecmp;
	net->share_rtt = scn->routing.tcp_share == DCS_SHARE_RTT;
	net->igp_s = scn->routing.igp_convergence_ms / 1e3;
	/* Every answer of the solve memo and the path memo checked against a
	 * fresh computation (tests/test_net_memo_scenarios.sh). */
	const char *check = getenv("DCISIM_NET_MEMO_CHECK");
	net->memo_check = check && *check && strcmp(check, "0") != 0;
	size_t nn = (size_t)net->n_sites * (size_t)net->n_sites;
	net->ls = calloc(scn->n_links + 1, sizeof(*net->ls));
	net->site_up = calloc(scn->n_sites + 1, sizeof(bool));
	net->dist = calloc(nn + 1, sizeof(dcs_time_t));
	net->pred = calloc(nn + 1, sizeof(int));
	net->order = calloc(nn + 1, sizeof(int));
	net->reach_was = calloc(nn + 1, sizeof(bool));
	net->adj = calloc(2 * scn->n_links + 1, sizeof(int));
	net->adj_at = calloc(scn->n_sites + 2, sizeof(int));
	net->cd = calloc(2 * scn->n_links + 1, sizeof(int));
	net->res_left = calloc(2 * scn->n_links + 1, sizeof(double));
	net->res_w = calloc(2 * scn->n_links + 1, sizeof(double));
	if (!net->ls || !net->site_up || !net->dist || !net->pred || !net->order ||
	    !net->reach_was || !net->adj || !net->adj_at || !net->res_left || !net->res_w ||
	    !net->cd) {
		dcs_net_destroy(net);
		return NULL;
	}
	/* Adjacency in file order: a site's links, lowest index first. */
	for (int l = 0; l < net->n_links; l++) {
		net->adj_at[scn->links[l].a + 1]++;
		net->adj_at[scn->links[l].b + 1]++;
	}
	for (int s = 0; s < net->n_sites; s++)
		net->adj_at[s + 1] += net->adj_at[s];
	int *next = calloc((size_t)net->n_sites + 1, sizeof(int));
	if (!next) {
		dcs_net_destroy(net);
		return NULL;
	}
	for (int s = 0; s < net->n_sites; s++)
		next[s] = net->adj_at[s];
	for (int l = 0; l < net->n_links; l++) {
		net->adj[next[scn->links[l].a]++] = l;
		net->adj[next[scn->links[l].b]++] = l;
	}
	free(next);
	for (int s = 0; s < net->n_sites; s++)
		net->site_up[s] = true;
	double bfd_all = scn->routing.bfd_ms / 1e3; /* NaN: no BFD */
	for (int l = 0; l < net->n_links; l++) {
		struct link_state *s = &net->ls[l];
		s->paths_up = scn->links[l].underlay_paths > 0 ? scn->links[l].underlay_paths : 1;
		s->routed = true;
		s->bandwidth_gbps = scn->links[l].bandwidth_gbps;
		s->loss = scn->links[l].loss;
		s->bfd_s = !isnan(bfd_all) ? bfd_all : scn->links[l].bfd ? DCS_BFD_DEFAULT_S : NAN;
		s->q[0].eta = s->q[1].eta = 1;
		net_link_refresh(net, l);
	}
	net_compute_paths(net);
	net_update_all(net); /* the queues of background traffic alone */
	return net;
}

void dcs_net_destroy(struct dcs_net *net)
{
	if (!net)
		return;
	struct dcs_flow *f = net->head;
	while (f) {
		struct dcs_flow *next = f->next;
		for (int i = 0; i < f->nmemb; i++)
			net_flow_free(f->mh[i]);
		net_flow_free(f);
		f = next;
	}
	for (int l = 0; net->ls && l < net->n_links; l++)
		for (int d = 0; d < 2; d++) {
			free(net->ls[l].q[d].fl);
			free(net->ls[l].q[d].rl);
		}
	if (net->k)
		dcs_kernel_hold(net->k, net->held, 0);
	free(net->heap);
	free(net->cf);
	free(net->runs);
	net_paths_free(net);
	net_memo_free(net);
	net_path_memo_free(net);
	free(net->cd);
	free(net->ls);
	free(net->site_up);
	free(net->dist);
	free(net->pred);
	free(net->order);
	free(net->reach_was);
	free(net->adj);
	free(net->adj_at);
	free(net->res_left);
	free(net->res_w);
	free(net);
}

size_t dcs_net_n_sites(const struct dcs_net *net)
{
	return (size_t)net->n_sites;
}

size_t dcs_net_n_links(const struct dcs_net *net)
{
	return (size_t)net->n_links;
}
