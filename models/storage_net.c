/*
 * dcisim storage over distance: the network and channel machinery of the
 * storage model (models/storage.c holds the model's physics and sources).
 * What the model asks of the network between two sites (reachability, RTT,
 * queueing, path rate and length, native FC), the time a host protocol or
 * the array mirror spends crossing it, and the replication channels: their
 * flows, FC credits and rate limits, backlog, delay and RPO ring.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_internal.h"

void sto_oom(void)
{
	fprintf(stderr, "dcisim: storage: out of memory\n");
	exit(DCS_EXIT_RUNTIME);
}

const char *sto_site_id(const struct sto *m, int s)
{
	return m->w->scn->sites[s].id;
}

dcs_time_t sto_now_of(const struct sto *m)
{
	return dcs_now(m->w->k);
}

/* ---- network helpers ---- */

bool sto_site_up(const struct sto *m, int s)
{
	return dcs_net_site_up(m->w->net, s);
}

/* The ECMP key of storage connections between two sites, either way, so
 * that a flow's ACKs and the I/O's reverse stretch take one path. */
static uint64_t pair_key(const struct sto *m, int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	return 0x570ull << 32 | (uint64_t)(lo * m->n_sites + hi + 1);
}

/* The path storage traffic takes between two sites: the network's path,
 * unless that transits the witness site (a witness arbitrates, it does not
 * carry replication); then the lowest-latency path over up links and sites
 * that avoids the witness, if any.  Cached per epoch: paths change only with
 * link and site notes, which start a new epoch. */
static const struct spath *spath(struct sto *m, int a, int b)
{
	struct spath *p = &m->sp[a * m->n_sites + b];
	if (p->epoch == m->epoch && p->valid)
		return p;
	struct dcs_net *net = m->w->net;
	const struct dcs_scenario *scn = m->w->scn;
	int W = m->cfg->witness_site, nl = (int)scn->n_links;
	int *keep_links = p->links, *keep_dirs = p->dirs;
	memset(p, 0, sizeof(*p));
	p->links = keep_links;
	p->dirs = keep_dirs;
	if (!p->links) {
		p->links = calloc((size_t)nl + 1, sizeof(int));
		p->dirs = calloc((size_t)nl + 1, sizeof(int));
		if (!p->links || !p->dirs)
			sto_oom();
	}
	p->valid = true;
	p->epoch = m->epoch;
	p->cap_Bps = INFINITY;
	if (a == b) {
		p->ok = sto_site_up(m, a);
		return p;
	}
	uint64_t key = pair_key(m, a, b);
	int hops = dcs_net_path_key(net, a, b, key, m->path_links, NULL, nl);
	bool transit = false;
	for (int i = 0, at = a; i < hops - 1; i++) {
		const struct dcs_link_cfg *l = &scn->links[m->path_links[i]];
		at = l->a == at ? l->b : l->a;
		transit |= at == W;
	}
	if (hops < 0 || !transit) {
		/* A route through a link that carries nothing (converging) is
		 * no path for I/O until routing moves. */
		p->ok = hops >= 0 && dcs_net_latency_now(net, a, b, key) != DCS_TIME_NEVER;
		p->one_way = p->ok ? dcs_net_one_way_base(net, a, b) : DCS_TIME_NEVER;
	} else {
		hops = dcs_net_path_avoiding(net, a, b, W, m->path_links, NULL, nl, &p->one_way);
		p->ok = hops >= 0;
	}
	p->fc_native = p->ok;
	/* Hops in order from a, with their directions for the queues. */
	for (int i = 0, at = a; p->ok && i < hops; i++) {
		int li = m->path_links[i];
		const struct dcs_link_cfg *l = &scn->links[li];
		double c = dcs_net_link_capacity_Bps(net, li);
		p->fc_native &= dcs_tech(l->technology)->fc_native;
		if (c < p->cap_Bps)
			p->cap_Bps = c;
		p->km += l->distance_km * l->route_factor;
		p->links[i] = li;
		p->dirs[i] = l->a == at ? 0 : 1;
		at = l->a == at ? l->b : l->a;
	}
	p->nh = p->ok ? hops : 0;
	return p;
}

/* Queueing delay on the storage path a -> b (net.h): an I/O meets the
 * queues at this instant of their cycle, so the latency distribution carries
 * their spread; `instant` false gives their mean. */
static double path_queue_s(struct sto *m, int a, int b, bool instant)
{
	const struct spath *p = spath(m, a, b);
	double q = 0;
	for (int i = 0; i < p->nh; i++)
		q += instant ? dcs_net_link_queue_now_s(m->w->net, p->links[i], p->dirs[i])
			     : dcs_net_link_queue_s(m->w->net, p->links[i], p->dirs[i]);
	return q;
}

static double path_queue_now_s(struct sto *m, int a, int b)
{
	return path_queue_s(m, a, b, true);
}

/* What the queues add to a leg issued now: each stretch's round trips pay
 * the queue both ways (the acknowledgement's direction is usually idle). */
dcs_time_t sto_leg_queue(struct sto *m, const struct leg *lg)
{
	double q = 0;
	for (int i = 0; i < lg->nseg; i++) {
		const struct seg *sg = &lg->seg[i];
		q +=
		    sg->n * (path_queue_now_s(m, sg->a, sg->b) + path_queue_now_s(m, sg->b, sg->a));
	}
	return q > 0 ? dcs_time_from_s(q) : 0;
}

bool sto_reach(struct sto *m, int a, int b)
{
	return spath(m, a, b)->ok;
}

dcs_time_t storage_rtt(struct sto *m, int a, int b)
{
	const struct spath *p = spath(m, a, b);
	return p->ok ? 2 * p->one_way : DCS_TIME_NEVER;
}

bool sto_witness_reach(struct sto *m, int s)
{
	int W = m->cfg->witness_site;
	if (W < 0 || !m->witness_up || !sto_site_up(m, W) || !sto_site_up(m, s))
		return false;
	return m->witness_oob || dcs_net_reachable(m->w->net, s, W);
}

/* Goodput rate of the storage path a -> b (its narrowest link), and the FC
 * port's payload rate for FC. */
static double path_rate(struct sto *m, int a, int b)
{
	double r = spath(m, a, b)->cap_Bps;
	if (m->cfg->protocol == DCS_PROTO_FC) {
		double fc = dcs_fc_data_Bps(m->cfg->fc.speed_gbps);
		if (fc < r)
			r = fc;
	}
	return r;
}

double sto_path_km(struct sto *m, int a, int b)
{
	return spath(m, a, b)->km;
}

/* Does FC cross a -> b natively (buffer credits), rather than as FCIP?  The
 * scenario's fc.transport, else the path's technologies (tech.h fc_native:
 * native only over dwdm). */
bool sto_fc_native(struct sto *m, int a, int b)
{
	if (m->cfg->protocol != DCS_PROTO_FC)
		return false;
	if (m->cfg->fc.transport != DCS_FC_TRANSPORT_DEFAULT)
		return m->cfg->fc.transport == DCS_FC_NATIVE;
	return spath(m, a, b)->fc_native;
}

/* Network time of `n` round trips of one I/O of workload `wl` (NULL: a
 * zero-byte probe of one round trip) between sites a and b: the round trips,
 * the serialisation and, for native FC, the waits for credits. */
/* The round trips of `n` protocol round trips of one I/O of `wl` (NULL: a
 * probe, one) between a and b, with native FC's waits for credits. */
int sto_trips_n(struct sto *m, const struct wl *wl, int a, int b, int n)
{
	if (!wl)
		return 1;
	return sto_fc_native(m, a, b) ? n + wl->credit_rounds : n;
}

static dcs_time_t trips_time(struct sto *m, const struct wl *wl, int a, int b, int n)
{
	if (a == b)
		return 0;
	dcs_time_t rtt = storage_rtt(m, a, b);
	if (rtt == DCS_TIME_NEVER)
		return 0;
	if (!wl)
		return rtt;
	n = sto_trips_n(m, wl, a, b, n);
	double rate = path_rate(m, a, b);
	double ser = rate > 0 && isfinite(rate) ? wl->bytes / rate : 0;
	return n * rtt + dcs_time_from_s(ser);
}

/* A host at a doing one I/O on an array at b: the host protocol's round
 * trips (dcs_storage_*_round_trips). */
dcs_time_t sto_net_time(struct sto *m, const struct wl *wl, int a, int b, int op)
{
	return trips_time(m, wl, a, b, wl ? wl->rtt_n[op] : 1);
}

/* The mirror leg of a write, array S to array R: the arrays' replication
 * protocol, storage.replication_round_trips (1 by default), whatever the
 * hosts speak. */
dcs_time_t sto_mirror_time(struct sto *m, const struct wl *wl, int S, int R)
{
	return trips_time(m, wl, S, R, m->cfg->replication_round_trips);
}

/* ---- channels ---- */

int sto_chan_id(struct sto *m, int src, int dst)
{
	if (src == dst)
		return -1;
	int id = src * m->n_sites + dst;
	if (!m->chans[id]) {
		struct chan *c = calloc(1, sizeof(*c));
		if (!c)
			sto_oom();
		c->src = src;
		c->dst = dst;
		c->async = m->cfg->mode == DCS_STORAGE_ASYNC;
		c->cap = INFINITY;
		c->reachable = true;
		c->t_upd = sto_now_of(m);
		snprintf(c->label, sizeof(c->label), "storage %s->%s", sto_site_id(m, src),
			 sto_site_id(m, dst));
		m->chans[id] = c;
	}
	return id;
}

/* Takes the bytes the channel's flow carried under each limit since the
 * last call.  Called before the flow's demand changes or it stops, which
 * settle the network at this instant anyway, so it changes no result. */
void sto_chan_take_limits(struct sto *m, struct chan *ch)
{
	if (!ch->f)
		return;
	for (int l = 0; l < DCS_LIMIT_COUNT; l++) {
		double b = dcs_flow_limit_bytes(m->w->net, ch->f, (enum dcs_limit)l);
		double d = b - ch->lim_seen[l];
		ch->lim_seen[l] = b;
		ch->lim_bytes[l == DCS_LIMIT_DEMAND && ch->demand_is_cap ? LIM_CAP : l] += d;
	}
	if (dcs_flow_limited_by(ch->f) == DCS_LIMIT_LINK_SHARE)
		ch->share_rate_Bps = dcs_flow_rate_Bps(ch->f);
}

/* What caps the channel's demand: FC buffer credits (native) or the FCIP
 * profile's max-bandwidth. */
const char *sto_chan_cap_name(const struct chan *ch)
{
	return ch->fcip ? "fcip_max_bandwidth" : "fc_credits";
}

/* The limit holding the channel now, in the words of replication.csv. */
const char *sto_chan_limit_now(const struct chan *ch)
{
	if (!ch->f)
		return "none";
	enum dcs_limit l = dcs_flow_limited_by(ch->f);
	if (l == DCS_LIMIT_DEMAND)
		return ch->demand_is_cap ? sto_chan_cap_name(ch) : "offered_load";
	return dcs_limit_name(l);
}

static void chan_apply(struct sto *m, struct chan *ch)
{
	struct dcs_net *net = m->w->net;
	bool want = ch->offered > 0 || ch->backlog > 0;
	sto_chan_take_limits(m, ch);
	if (ch->offered > ch->peak_offered)
		ch->peak_offered = ch->offered;
	if (!want) {
		if (ch->f)
			dcs_flow_stop(net, ch->f);
		ch->f = NULL;
		ch->sent_upd = 0;
		ch->draining = false;
		return;
	}
	double demand = ch->draining ? ch->cap : fmin(ch->offered, ch->cap);
	ch->demand_is_cap = isfinite(ch->cap) && demand == ch->cap;
	if (!ch->f) {
		memset(ch->lim_seen, 0, sizeof(ch->lim_seen));
		struct dcs_flow_spec spec = {.src = ch->src,
					     .dst = ch->dst,
					     .bytes = INFINITY,
					     .demand_Bps = demand,
					     .streams = 1,
					     .window_bytes = ch->window,
					     .offered = !ch->draining,
					     .key = pair_key(m, ch->src, ch->dst),
					     .label = ch->label};
		ch->f = dcs_flow_start(net, &spec);
		if (!ch->f)
			sto_oom();
		ch->sent_upd = 0;
		ch->used = true;
	} else {
		dcs_flow_set_load(net, ch->f, demand, !ch->draining);
	}
}

static void rpo_push(struct chan *ch, dcs_time_t t)
{
	if (ch->bp_n == RPO_RING) {
		ch->bp_first = (ch->bp_first + 1) % RPO_RING;
		ch->bp_n--;
	}
	struct bp *b = &ch->bp[(ch->bp_first + ch->bp_n) % RPO_RING];
	b->t = t;
	b->cum = ch->off_cum;
	b->slope = ch->offered;
	ch->bp_n++;
}

/* Age of the oldest byte not yet replicated, from the offered curve. */
static double rpo_age_s(struct chan *ch, dcs_time_t now)
{
	double pos = ch->off_cum - ch->backlog;
	while (ch->bp_n >= 2 && ch->bp[(ch->bp_first + 1) % RPO_RING].cum <= pos) {
		ch->bp_first = (ch->bp_first + 1) % RPO_RING;
		ch->bp_n--;
	}
	if (ch->bp_n == 0)
		return 0;
	const struct bp *b = &ch->bp[ch->bp_first];
	double t_o = dcs_time_to_s(b->t);
	if (b->slope > 0 && pos > b->cum)
		t_o += (pos - b->cum) / b->slope;
	double age = dcs_time_to_s(now) - t_o;
	return age > 0 ? age : 0;
}

/* Integrates the channel's backlog up to now and switches between following
 * the offered rate and draining a backlog. */
void sto_chan_update(struct sto *m, struct chan *ch)
{
	dcs_time_t now = sto_now_of(m);
	double dt = dcs_time_to_s(now - ch->t_upd);
	double sent = ch->f ? dcs_flow_sent(m->w->net, ch->f) : 0;
	double carried = ch->f ? sent - ch->sent_upd : 0;
	ch->sent_upd = sent;
	ch->t_upd = now;
	ch->carried += carried;
	ch->off_cum += ch->offered * dt;
	/* A synchronous channel short of its demand queues what the hosts'
	 * closed loops actually sent, so it never holds more than their queue
	 * depths allow (while its flow carries the whole demand no backlog
	 * forms); the asynchronous replication takes the offered rate. */
	bool whole = ch->f && !ch->draining && dcs_flow_rate_Bps(ch->f) >= ch->offered * (1 - 1e-9);
	ch->backlog += (ch->async ? ch->offered * dt : whole ? carried : ch->issued) - carried;
	ch->issued = 0;
	if (!ch->async && ch->backlog > ch->outstanding)
		ch->backlog = ch->outstanding;
	if (ch->backlog < BACKLOG_EPS)
		ch->backlog = 0;
	if (ch->backlog > ch->max_backlog)
		ch->max_backlog = ch->backlog;
	if (ch->async) {
		double rpo = ch->backlog > 0 ? rpo_age_s(ch, now) : 0;
		const struct spath *p = spath(m, ch->src, ch->dst);
		if (p->ok)
			rpo += dcs_time_to_s(p->one_way) + path_queue_s(m, ch->src, ch->dst, false);
		ch->rpo_s = rpo;
		if (rpo > ch->max_rpo_s)
			ch->max_rpo_s = rpo;
	}
	bool drain = ch->backlog > 0;
	if (drain != ch->draining) {
		ch->draining = drain;
		chan_apply(m, ch);
	}
}

/* How long a synchronous transfer on this channel waits behind its backlog. */
dcs_time_t sto_chan_delay(struct sto *m, int c)
{
	if (c < 0)
		return 0;
	struct chan *ch = m->chans[c];
	if (!ch->f)
		return 0;
	if (!ch->draining && dcs_flow_rate_Bps(ch->f) >= ch->offered * (1 - 1e-9))
		return 0;
	sto_chan_update(m, ch);
	if (ch->backlog <= 0 || !ch->f)
		return 0;
	double rate = dcs_flow_rate_Bps(ch->f);
	if (rate <= 0)
		return MAX_DELAY;
	double s = ch->backlog / rate;
	return s * 1e9 >= (double)MAX_DELAY ? MAX_DELAY : dcs_time_from_s(s);
}

void sto_chan_set_offered(struct sto *m, struct chan *ch, double offered, double frames)
{
	sto_chan_update(m, ch);
	ch->frames_ps = frames;
	if (offered == ch->offered)
		return;
	ch->offered = offered;
	if (!ch->async && offered == 0) {
		/* A synchronous channel that stops carrying writes has none left
		 * to deliver: they were held, failed or are resynchronised. */
		ch->backlog = 0;
		ch->issued = 0;
		ch->bp_n = 0;
	}
	if (ch->backlog == 0)
		ch->bp_n = 0;
	rpo_push(ch, sto_now_of(m));
	ch->draining = ch->backlog > 0;
	chan_apply(m, ch);
}

/* Native FC: the cap the buffer credits put on the channel, and a warning
 * when the distance needs more than the ISL has. */
static void chan_credits(struct sto *m, struct chan *ch, double *cap_out)
{
	double speed = m->cfg->fc.speed_gbps;
	int credits = m->cfg->fc.bb_credits;
	double payload =
	    ch->next_frames > 0 ? ch->next_offered / ch->next_frames : DCS_FC_FRAME_PAYLOAD;
	dcs_time_t rtt = storage_rtt(m, ch->src, ch->dst);
	double cap = dcs_fc_credit_cap_Bps(credits, payload, rtt, speed);
	ch->path_km = sto_path_km(m, ch->src, ch->dst);
	ch->need_brocade = dcs_fc_credits_brocade(ch->path_km, speed);
	ch->need_frames = dcs_fc_credits_for_frames(rtt, payload, speed);
	int need = ch->need_brocade > ch->need_frames ? ch->need_brocade : ch->need_frames;
	double line = dcs_fc_credit_cap_Bps(1 << 30, payload, rtt, speed);
	bool starved = cap < line * (1 - 1e-12);
	*cap_out = cap;
	/* One warning per site pair and figure: both directions need the same. */
	struct chan *rev = m->chans[ch->dst * m->n_sites + ch->src];
	if (credits < need && need != ch->warned_need && (!rev || need != rev->warned_need)) {
		ch->warned_need = need;
		if (rev)
			rev->warned_need = need;
		dcs_warn(m->w->res, sto_now_of(m), "storage",
			 "FC %s->%s: %.4g km at %gGFC needs %d buffer credits by the Brocade rule "
			 "(km x Gbps / 2 + 6) and %d for %.0f-byte frames at RTT %.4g ms; with %d "
			 "credits %s %.4g MB/s (%.4g Gbps)",
			 sto_site_id(m, ch->src), sto_site_id(m, ch->dst), ch->path_km, speed,
			 ch->need_brocade, ch->need_frames, payload, dcs_time_to_ms(rtt), credits,
			 starved ? "replication is capped at" : "the port still carries", cap / 1e6,
			 cap * 8 / 1e9);
	}
}

/* How FC crosses the channel's path and what that caps: native FC over
 * optical transport is capped by its buffer credits (chan_credits); FCIP is
 * a TCP flow whose window the FCIP profile sizes from its max-bandwidth and
 * the path's RTT (dcs_fcip_window_bytes), sending no faster than the
 * max-bandwidth, and has no credit rule.  A window change restarts the flow
 * (the bytes already carried stay counted). */
void sto_chan_transport(struct sto *m, struct chan *ch)
{
	if (m->cfg->protocol != DCS_PROTO_FC || ch->next_offered <= 0 ||
	    !sto_reach(m, ch->src, ch->dst))
		return;
	bool native = sto_fc_native(m, ch->src, ch->dst);
	double cap, window = 0;
	ch->fcip = !native;
	if (native) {
		chan_credits(m, ch, &cap);
		if (!spath(m, ch->src, ch->dst)->fc_native && !ch->warned_native) {
			ch->warned_native = true;
			dcs_warn(m->w->res, sto_now_of(m), "storage",
				 "FC %s->%s: storage.fc.transport is native but the path crosses "
				 "links that are not optical transport (dwdm); native FC cannot "
				 "ride them (FCIP would)",
				 sto_site_id(m, ch->src), sto_site_id(m, ch->dst));
		}
	} else {
		ch->need_brocade = ch->need_frames = 0;
		cap = m->cfg->fc.fcip_max_bandwidth_mbps * 1e6 / 8;
		window = dcs_fcip_window_bytes(m->cfg->fc.fcip_max_bandwidth_mbps,
					       m->cfg->fc.fcip_rtt_ms,
					       dcs_time_to_s(storage_rtt(m, ch->src, ch->dst)));
	}
	if (cap == ch->cap && window == ch->window)
		return;
	sto_chan_update(m, ch);
	ch->cap = cap;
	if (window != ch->window && ch->f) {
		sto_chan_take_limits(m, ch);
		dcs_flow_stop(m->w->net, ch->f);
		ch->f = NULL;
		ch->sent_upd = 0;
	}
	ch->window = window;
	chan_apply(m, ch);
}
