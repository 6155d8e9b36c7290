/*
 * The layer-3 path model's insides, shared by its files: a trombone flow leg,
 * a client group, a service and the model's state, a group's view after
 * evaluation, and the functions that cross files.  models/l3.c holds the
 * overview, the figures and the model ops; l3_paths.c the ingress weights,
 * the exact integration of the metrics between events, the trombone flows
 * and a group's evaluation; l3_events.c availability, the ingress and
 * gateway mechanisms, the notes that drive them, the samples and the query
 * for the cluster model.  Internal to models/: the contract is models/l3.h.
 */
#ifndef DCISIM_L3_INTERNAL_H
#define DCISIM_L3_INTERNAL_H

#include "l3.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_histogram.h>

#include "dcisim/net.h"
#include "dcisim/world.h"

/* RTT histogram: 1 us to 1000 s in 1 % buckets. */
#define RTT_LO_MS 1e-3
#define RTT_HI_MS 1e6
#define RTT_RATIO 1.01

struct leg {
	int a, m, b; /* segments a->m and m->b */
	double demand;
	struct dcs_flow *f[2];
};

struct group {
	int site;
	double share;
	int lisp_site;
	dcs_handle_t lisp_ev;
	dcs_time_t *rtt_via; /* per ingress site, cached at the last change */
	dcs_time_t rtt_opt;
	struct leg *req; /* per ingress site */
	struct leg resp;
};

struct dns_change {
	dcs_time_t t;
	int site;
};

struct svc {
	struct dcs_l3 *L;
	const struct dcs_service_cfg *cfg;
	int home;
	int gw;
	dcs_handle_t vrrp_ev;
	bool *rhi_up;            /* per site: its host route reaches the clients */
	dcs_time_t *rhi_since;   /* per site: since when it has reached them */
	dcs_handle_t *rhi_ev;    /* per site: a pending injection or withdrawal */
	struct dns_change *hist; /* record changes; hist[0] holds since the start */
	size_t nhist, cap;
	double ttl_eff_s, hold_s, hc_s, up_s, rc_s, req_bytes, resp_bytes;
	int v;      /* VM site at the last change */
	int egress; /* egress site at the last change */
	dcs_time_t last_t;
	int moves;
	dcs_time_t moved_at;
	bool optimal_reached;
	double time_to_optimal_s;
	double trombone_s, trombone_weighted_s, extra_bytes;
	gsl_histogram *h_w, *h_wx;
	struct group *g;
	/* Availability: why the serving side is down at the last refresh (NULL:
	 * up), whether any client group reaches it, and the state last
	 * reported in events.csv (settled once every model has reacted). */
	const char *why_down;
	bool reached;
	bool down;
	dcs_time_t down_since, down_ns;
	int outages;
	dcs_handle_t settle_ev;
	double unserved_weighted_s; /* client-share-weighted seconds requests were lost */
	dcs_time_t paused_at;       /* the VM stopped (stop-and-copy): requests are held */
	double held_requests;
	dcs_time_t held_max;
	/* What limited the tromboned flows (summary limited_by): bytes of
	 * stopped flows per limit, and for each limit the segment, demand and
	 * link-share rate of the last flow it held most. */
	double lim_bytes[DCS_LIMIT_COUNT];
	struct {
		int a, b;
		double demand, share_rate_Bps;
	} lim_at[DCS_LIMIT_COUNT];
};

struct dcs_l3 {
	struct dcs_world *w;
	int n_sites;
	struct svc *s;
	size_t n;
	struct dcs_table *tab;
	dcs_time_t sample_ns;
	int64_t k;
	double *w0, *w1; /* scratch weights per site */
};

/* ---- evaluation ---- */

struct view {
	double trombone, unreachable, rtt_ms;
	int ingress;
	bool down;
};

void l3_ingress_weights(const struct svc *S, const struct group *g, dcs_time_t t, double *w);
void l3_hist_add(struct svc *S, double rtt_ms, double weight);
double l3_hist_quantile(const struct svc *S, double q);
void l3_advance(struct svc *S);
void l3_leg_account(struct svc *S, struct leg *lg);
void l3_leg_limits(struct svc *S, struct leg *lg, double *into);
void l3_leg_set(struct svc *S, struct leg *lg, int a, int m, int b, double demand);
struct view l3_group_view(const struct svc *S, const struct group *g, const double *w);
const char *l3_state_name(const struct view *v);
void l3_refresh(struct svc *S);
void l3_on_note(void *ctx, const struct dcs_note *n);
void l3_sample(struct dcs_kernel *k, void *ctx, const void *payload);

#endif
