/* The queue regimes of the flow-level network's solver: M/D/1 waiting when idle, the
 * window regime's fixed point (a GSL root), the loss regime's sawtooth cycle, overload,
 * and one queue pass that sets each direction's regime from the shares; the queue at an
 * instant. */

#include "net_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

/* CUBIC's Reno-friendly growth, segments per RTT (RFC 9438 §4.3). */
#define RENO_ALPHA (3.0 * (1.0 - DCS_CUBIC_BETA) / (1.0 + DCS_CUBIC_BETA))
/* A direction is full when its flows carry this close to its capacity. */
#define FULL_RTOL 1e-9

/* M/D/1 waiting time at utilisation rho, one frame of service, at most tau. */
static double md1_wait_s(double rho, double frame_s, double tau_s)
{
	if (!(rho < 1))
		return tau_s;
	double w = rho / (2 * (1 - rho)) * frame_s;
	return w < tau_s ? w : tau_s;
}

/* A bulk flow whose rate the queue on direction r can hold back: one that
 * is not held by its own demand. */
static bool queue_cand(const struct dcs_flow *f, int r)
{
	return !f->stalled && !f->offered_now && f->nhops > 0 && f->limit != DCS_LIMIT_DEMAND &&
	       net_crosses(f, r);
}

/* The rate flow f could have at a queue q on direction r: its caps at
 * RTT + q, and on every other full direction of its path the share its
 * weight at that RTT would win there against the flows that share holds
 * (rtt sharing: a longer queue here lowers its share elsewhere). */
static double rate_at_queue(const struct dcs_net *net, const struct dcs_flow *f, int r, double q)
{
	const struct dirq *dq = net_dirq(net, r);
	int x = net_crossings(f, r);
	double rtt = f->rtt_s - x * dq->mean_s + x * q;
	double best = net_flow_cap(net, f, rtt, NULL);
	double w = net->share_rtt ? f->spec.streams / (rtt > 0 ? rtt : 1e-9) : f->spec.streams;
	for (int h = 0; h < f->nhops; h++) {
		int o = 2 * f->links[h] + f->dirs[h];
		const struct dirq *oq = net_dirq(net, o);
		if (o == r || !oq->full)
			continue;
		/* What o leaves to the flows its share holds, f among them. */
		bool mine = f->limit == DCS_LIMIT_LINK_SHARE && f->bott == o;
		double others_w = oq->share_w - (mine ? f->w : 0);
		double held_elsewhere = oq->elastic_rate - oq->share_rate - (mine ? 0 : f->rate);
		double avail = oq->bulk_cap - held_elsewhere;
		double share = avail * w / (w + (others_w > 0 ? others_w : 0));
		if (share < best)
			best = share;
	}
	return best > 0 ? best : 0;
}

/* The window regime's equation: bulk rates at a queue q on direction r,
 * minus the capacity they have. */
struct window_eq {
	const struct dcs_net *net;
	int r;
	double fixed, cap;
};

static double window_excess(double q, void *p)
{
	const struct window_eq *e = p;
	const struct dirq *dq = &e->net->ls[e->r / 2].q[e->r % 2];
	double sum = e->fixed;
	for (int i = 0; i < dq->nrl; i++)
		if (queue_cand(dq->rl[i], e->r))
			sum = net_add_n(sum, rate_at_queue(e->net, dq->rl[i], e->r, q),
					dq->rl[i]->mult);
	return sum - e->cap;
}

static double window_root(struct window_eq *eq, double hi)
{
	gsl_function F = {.function = window_excess, .params = eq};
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s) {
		fprintf(stderr, "dcisim: out of memory solving a queue\n");
		exit(3);
	}
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	double root = hi;
	if (gsl_root_fsolver_set(s, &F, 0, hi) == GSL_SUCCESS) {
		for (int it = 0; it < 200; it++) {
			if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
				break;
			root = gsl_root_fsolver_root(s);
			if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
						   gsl_root_fsolver_x_upper(s), 1e-15,
						   1e-13) == GSL_SUCCESS)
				break;
		}
	}
	gsl_set_error_handler(old);
	gsl_root_fsolver_free(s);
	return root;
}

/* The loss regime of direction r: a cycle of the aggregate of `n` streams
 * of rate-weighted mean RTT rbar sharing capacity c (bytes/s). */
static void loss_cycle(struct dirq *q, double tau, double rbar, double n, double c, double mss)
{
	double b = DCS_CUBIC_BETA;
	double D = (1 - b) * (rbar + tau) / n;
	double wmax = c * (rbar + tau) / n / mss; /* segments per stream */
	double K = cbrt(wmax * (1 - b) / DCS_CUBIC_C);
	double rtt_mid = rbar + (tau > D / 2 ? tau - D / 2 : tau / 2);
	double t_reno = (1 - b) * wmax * rtt_mid / RENO_ALPHA;
	double k = t_reno <= K ? 1.0 : 3.0;
	double T = t_reno <= K ? t_reno : K;
	q->hi_s = tau;
	q->drop_s = D;
	q->shape = k;
	q->period_s = T / n;
	q->drops_pps = T > 0 ? n / T : 0;
	if (D <= tau) {
		q->mean_s = tau - D / (k + 1);
		q->eta = 1;
		return;
	}
	double s = pow(tau / D, 1 / k); /* the part of the cycle with a queue */
	q->mean_s = tau * s * k / (k + 1);
	double deficit = rbar > 0 ? (D * (1 - pow(s, k + 1)) / (k + 1) - tau * (1 - s)) / rbar : 0;
	q->eta = deficit < 0 ? 1 : deficit > 1 ? 0 : 1 - deficit;
}

/* One queue pass: each direction's regime from the shares just computed.
 * Returns the largest change of a mean queue or goodput share. */
double net_queue_pass(struct dcs_net *net)
{
	/* Who each full direction holds, for rate_at_queue(). */
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		struct dirq *q = &s->q[r % 2];
		double cap = net_carries(s) ? s->cap_Bps : 0;
		q->bulk_cap = (cap - q->offered_rate > 0 ? cap - q->offered_rate : 0) * q->eta;
		q->share_w = q->share_rate = 0;
		q->full = q->bulk_cap > 0 && q->elastic_rate >= q->bulk_cap * (1 - FULL_RTOL);
	}
	for (size_t i = 0; i < net->ncf; i++) {
		const struct dcs_flow *f = net->cf[i];
		if (!f->stalled && !f->offered_now && f->limit == DCS_LIMIT_LINK_SHARE &&
		    f->bott >= 0) {
			struct dirq *q = net_dirq(net, f->bott);
			q->share_w = net_add_n(q->share_w, f->w, f->mult);
			q->share_rate = net_add_n(q->share_rate, f->rate, f->mult);
		}
	}
	double moved = 0;
	for (size_t j = 0; j < net->ncd; j++) {
		int r = net->cd[j];
		struct link_state *s = &net->ls[r / 2];
		struct dirq *q = &s->q[r % 2];
		const struct dcs_link_cfg *c = &net->scn->links[r / 2];
		double old_mean = q->mean_s, old_eta = q->eta;
		double tau = s->tau_s;
		enum regime rg = Q_IDLE;
		double cap = net_carries(s) ? s->cap_Bps : 0;
		double bulk_cap = cap - q->offered_rate;
		if (bulk_cap < 0)
			bulk_cap = 0;
		q->drops_pps = 0;
		q->eta = 1;
		if (!net_carries(s)) {
			q->mean_s = 0;
		} else if (q->offered_demand > cap * (1 + 1e-12)) {
			rg = Q_OVERLOAD;
			q->mean_s = q->hi_s = tau;
			q->drops_pps = (q->offered_demand - cap) / dcs_link_cfg_mss(c);
		} else {
			/* The bulk flows the queue can hold back, and the streams
			 * whose losses drive a full buffer (those this direction's
			 * share holds; all of them when it holds none). */
			double fixed = q->elastic_rate, mss = 1e9;
			double n_own = 0, rate_own = 0, rtt_own = 0;
			double n_all = 0, rate_all = 0, rtt_all = 0;
			int cands = 0;
			for (int fi = 0; fi < q->nrl; fi++) {
				const struct dcs_flow *f = q->rl[fi];
				if (!queue_cand(f, r))
					continue;
				int mu = f->mult;
				cands += mu;
				fixed = net_add_n(fixed, -f->rate, mu);
				double other = f->rtt_s - net_crossings(f, r) * old_mean;
				double rtt_w = (f->rate > 0 ? f->rate : 1) * other;
				n_all = net_add_n(n_all, f->spec.streams, mu);
				rate_all = net_add_n(rate_all, f->rate, mu);
				rtt_all = net_add_n(rtt_all, rtt_w, mu);
				if (f->limit == DCS_LIMIT_LINK_SHARE && f->bott == r) {
					n_own = net_add_n(n_own, f->spec.streams, mu);
					rate_own = net_add_n(rate_own, f->rate, mu);
					rtt_own = net_add_n(rtt_own, rtt_w, mu);
				}
				double m = f->path_mss;
				if (m < mss)
					mss = m;
			}
			/* The regime from what the bulk flows would carry at a queue
			 * q, not from this pass's rates: at a standing queue the
			 * rates meet the capacity only to rounding. */
			struct window_eq eq = {net, r, fixed, bulk_cap};
			if (cands > 0 && bulk_cap > 0 && window_excess(tau, &eq) >= 0) {
				rg = Q_LOSS;
				double n = n_own > 0 ? n_own : n_all;
				double rr = n_own > 0 ? rtt_own : rtt_all;
				double rw = n_own > 0 ? rate_own : rate_all;
				double sumw = 0;
				if (!(rw > 0)) /* every rate 0: weights of 1 were used */
					for (int fi = 0; fi < q->nrl; fi++)
						sumw = net_add_n(sumw, queue_cand(q->rl[fi], r),
								 q->rl[fi]->mult);
				loss_cycle(q, tau, rr / (rw > 0 ? rw : sumw), n, bulk_cap, mss);
			} else if (cands > 0 && bulk_cap > 0 && window_excess(0, &eq) > 0) {
				rg = Q_WINDOW;
				q->mean_s = window_root(&eq, tau);
			} else {
				double rho = s->line_Bps > 0
						 ? ((q->offered_rate + q->elastic_rate) /
							dcs_link_cfg_goodput_fraction(c) +
						    s->bg_Bps) /
						       s->line_Bps
						 : 1;
				q->mean_s = md1_wait_s(rho, s->frame_s, tau);
			}
		}
		if (rg == Q_LOSS && q->regime != Q_LOSS) {
			q->t0 = dcs_now(net->k);
			q->loss_later = q->loss_later || net->qpass > 0;
		}
		if (net->qpass == 0)
			q->rg_first = rg;
		q->regime = rg;
		double dm = fabs(q->mean_s - old_mean), de = fabs(q->eta - old_eta);
		if (dm > moved)
			moved = dm;
		if (de > moved)
			moved = de;
	}
	return moved;
}

double net_queue_instant(const struct link_state *s, int d, dcs_time_t now)
{
	const struct dirq *q = &s->q[d];
	if (q->regime != Q_LOSS || !(q->period_s > 0))
		return q->mean_s;
	double u = dcs_time_to_s(now - q->t0) / q->period_s;
	u -= floor(u);
	double v = q->hi_s - q->drop_s * pow(1 - u, q->shape);
	return v > 0 ? v : 0;
}
