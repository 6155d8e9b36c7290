/* The sharing passes of the flow-level network's solver: how a flow's round trip
 * crosses link directions, its caps and weights at a loaded RTT, weighted progressive
 * filling of offered then bulk flows, and one sharing pass at the current queues. */

#include "net_internal.h"

#include <math.h>

/* ---- the solver: shares and queues ---- */

/* How many times a flow's round trip crosses direction r (forward and ACKs). */
int net_crossings(const struct dcs_flow *f, int r)
{
	int c = 0;
	for (int h = 0; h < f->nhops; h++)
		c += 2 * f->links[h] + f->dirs[h] == r;
	for (int h = 0; h < f->nrev; h++)
		c += 2 * f->rev_links[h] + f->rev_dirs[h] == r;
	return c;
}

bool net_crosses(const struct dcs_flow *f, int r)
{
	for (int h = 0; h < f->nhops; h++)
		if (2 * f->links[h] + f->dirs[h] == r)
			return true;
	return false;
}

/* The flow's caps at a loaded RTT of rtt_s; *lim says which holds. */
double net_flow_cap(const struct dcs_net *net, const struct dcs_flow *f, double rtt_s,
		    enum dcs_limit *lim)
{
	double cap = f->spec.demand_Bps;
	enum dcs_limit l = DCS_LIMIT_DEMAND;
	double w = dcs_window_cap_Bps(f->spec.streams, f->spec.window_bytes, rtt_s);
	if (w < cap) {
		cap = w;
		l = DCS_LIMIT_WINDOW;
	}
	(void)net;
	double m = dcs_mathis_cap_Bps(f->spec.streams, f->path_mss, rtt_s, f->path_loss);
	if (m < cap) {
		cap = m;
		l = DCS_LIMIT_LOSS;
	}
	if (lim)
		*lim = l;
	return cap;
}

/* Caps, weights and loaded RTTs from the current mean queues. */
static void flow_figures(struct dcs_net *net)
{
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		if (f->stalled || f->nhops == 0)
			continue;
		double q = 0;
		for (int h = 0; h < f->nhops; h++)
			q += net->ls[f->links[h]].q[f->dirs[h]].mean_s;
		for (int h = 0; h < f->nrev; h++)
			q += net->ls[f->rev_links[h]].q[f->rev_dirs[h]].mean_s;
		f->rtt_s = dcs_time_to_s(f->rtt_base) + q;
		f->cap = net_flow_cap(net, f, f->rtt_s, &f->limit);
		f->offered_now = f->spec.offered && isfinite(f->spec.demand_Bps);
		double rtt = f->rtt_s > 0 ? f->rtt_s : 1e-9;
		f->w = f->offered_now   ? 1.0
		       : net->share_rtt ? f->spec.streams / rtt
					: (double)f->spec.streams;
	}
}

/* Weighted progressive filling of one class of flows (offered or bulk) over
 * res_left: each unfrozen flow runs at w x level until a direction fills
 * (its flows freeze at their share) or a flow reaches its cap. */
static void fill(struct dcs_net *net, bool offered)
{
	for (size_t j = 0; j < net->ncd; j++)
		net->res_w[net->cd[j]] = 0;
	size_t unfrozen = 0;
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		f->frozen = true;
		if (f->stalled || f->nhops == 0 || f->offered_now != offered)
			continue;
		f->frozen = false;
		unfrozen += (size_t)f->mult;
		for (int h = 0; h < f->nhops; h++) {
			int r = 2 * f->links[h] + f->dirs[h];
			net->res_w[r] = net_add_n(net->res_w[r], f->w, f->mult);
		}
	}
	while (unfrozen > 0) {
		double share = INFINITY;
		int bottleneck = -1;
		for (size_t j = 0; j < net->ncd; j++) {
			int r = net->cd[j];
			if (!(net->res_w[r] > 0))
				continue;
			double left = net->res_left[r] > 0 ? net->res_left[r] : 0;
			double s = left / net->res_w[r];
			if (s < share) {
				share = s;
				bottleneck = r;
			}
		}
		double mincap = INFINITY;
		for (size_t i = 0; i < net->ncf; i++) {
			const struct dcs_flow *f = net->cf[i];
			if (!f->frozen && f->cap / f->w < mincap)
				mincap = f->cap / f->w;
		}
		/* A cap that meets the share (a window that just fills the link)
		 * counts as the link's: the link is what is full. */
		bool by_cap = mincap < share * (1 - 1e-9);
		double level = by_cap ? mincap : share;
		if (!isfinite(level))
			level = 0; /* no capacity bound at all: cannot happen with links */
		for (size_t i = 0; i < net->ncf; i++) {
			struct dcs_flow *f = net->cf[i];
			if (f->frozen)
				continue;
			bool at_cap = by_cap && f->cap / f->w <= level;
			if (!at_cap && (by_cap || !net_crosses(f, bottleneck)))
				continue;
			if (at_cap) {
				f->rate = f->cap;
			} else {
				f->rate = f->w * level;
				f->limit = DCS_LIMIT_LINK_SHARE;
				f->bott = bottleneck;
			}
			if (f->rate < 0)
				f->rate = 0;
			f->frozen = true;
			unfrozen -= (size_t)f->mult;
			for (int h = 0; h < f->nhops; h++) {
				int r = 2 * f->links[h] + f->dirs[h];
				net->res_left[r] = net_add_n(net->res_left[r], -f->rate, f->mult);
				net->res_w[r] = net_add_n(net->res_w[r], -f->w, f->mult);
			}
		}
		if (bottleneck >= 0 && !by_cap)
			net->res_w[bottleneck] = 0;
	}
}

/* One sharing pass at the current queues: offered flows first over the whole
 * capacity, then bulk flows over what they leave (times the goodput the
 * buffer allows). */
void net_share_pass(struct dcs_net *net)
{
	flow_figures(net);
	for (size_t i = 0; i < net->ncf; i++) {
		struct dcs_flow *f = net->cf[i];
		f->bott = -1;
		if (f->stalled) {
			f->rate = 0;
			f->limit = DCS_LIMIT_STALLED;
		} else if (f->nhops == 0) {
			/* Within one site: only the caps apply (RTT 0). */
			f->cap = net_flow_cap(net, f, 0, &f->limit);
			f->rate = f->cap; /* INFINITY completes at once */
		}
	}
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct dirq *q = net_dirq(net, r);
		net->res_left[r] = net_carries(&net->ls[r / 2]) ? net->ls[r / 2].cap_Bps : 0;
		q->offered_demand = q->offered_rate = q->elastic_rate = 0;
	}
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (f->offered_now && !f->stalled)
			for (int h = 0; h < f->nhops; h++) {
				struct dirq *q = &net->ls[f->links[h]].q[f->dirs[h]];
				q->offered_demand = net_add_n(q->offered_demand, f->cap, f->mult);
			}
	}
	fill(net, true);
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		double cap = net_carries(s) ? s->cap_Bps : 0;
		double used = cap - (net->res_left[r] > 0 ? net->res_left[r] : 0);
		s->q[r % 2].offered_rate = used;
		double left = cap - used;
		net->res_left[r] = (left > 0 ? left : 0) * s->q[r % 2].eta;
	}
	fill(net, false);
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (!f->offered_now && !f->stalled)
			for (int h = 0; h < f->nhops; h++) {
				struct dirq *q = &net->ls[f->links[h]].q[f->dirs[h]];
				q->elastic_rate = net_add_n(q->elastic_rate, f->rate, f->mult);
			}
	}
}
