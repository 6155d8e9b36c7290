/*
 * dcisim storage over distance (SPEC §4.3): the protocol arithmetic, the
 * Fibre Channel distance rules, the array queue and the latency estimator
 * that models/storage.c is built from, exposed so that tests check each
 * against its formula, plus read-only views of a running storage model.
 *
 * Contract:
 * - The functions on configuration values are pure: same input, same answer,
 *   no state.  Round trips count crossings of the DCI per I/O (dci-facts.md
 *   §2.1); the caller multiplies by the current RTT.
 * - struct dcs_mcq is a first-come-first-served queue with `servers`
 *   identical servers.  Because service times are drawn when a request
 *   arrives and the order is FIFO, the completion time of every request is
 *   known at admission (Kiefer-Wolfowitz recursion: a request starts on the
 *   server that frees first), so the model needs no event for the queue
 *   itself and no memory per request.  Arrivals must be admitted in
 *   non-decreasing time.
 * - struct dcs_lathist is a streaming latency estimator in fixed memory
 *   (DCS_LATHIST_BINS counters, about 19 KiB, whatever the run length):
 *   exact below 128 ns, then 64 logarithmic sub-buckets per power of two, so
 *   a reported quantile is within 1/128 (0.78 %) of a value of the sample
 *   with that rank; count, mean, minimum and maximum are exact.  Values above
 *   2^42 ns (73 minutes) share the last bucket (the maximum stays exact).
 */
#ifndef DCISIM_STORAGE_H
#define DCISIM_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcisim/scenario.h"
#include "dcisim/time.h"

struct dcs_world;

/* ---- protocol round trips (dci-facts.md §2.1) ---- */

/* Bytes an iSCSI write may send before the first R2T: up to FirstBurstLength
 * with InitialR2T=No; with InitialR2T=Yes only the immediate data that fits
 * the command PDU, min(FirstBurstLength, MaxRecvDataSegmentLength), and none
 * without ImmediateData (RFC 7143 §13.10, §13.11, §13.14). */
double dcs_iscsi_unsolicited_bytes(const struct dcs_storage_cfg *s);
/* Round trips across the DCI for one read or write of `bytes` by a host
 * reaching an array at another site (mirrored arrays speak their own
 * protocol: storage.replication_round_trips):
 * FC reads 1, writes 2 (1 with write acceleration); iSCSI reads 1, writes 1
 * for the command plus ceil(ceil((bytes - unsolicited) / MaxBurst) /
 * MaxOutstandingR2T) R2T rounds; NFS dcs_nfs_round_trips() with rsize /
 * wsize. */
int dcs_storage_read_round_trips(const struct dcs_storage_cfg *s, double bytes);
int dcs_storage_write_round_trips(const struct dcs_storage_cfg *s, double bytes);
/* NFS: an I/O of `bytes` is ceil(bytes / chunk) RPCs (chunk = rsize for a
 * read, wsize for a write), `outstanding` of them in flight at once:
 * ceil(ceil(bytes / chunk) / outstanding) round trips, at least 1. */
int dcs_nfs_round_trips(double bytes, double chunk_kib, int outstanding);

/* ---- Fibre Channel over distance (dci-facts.md §2.2) ---- */

/* Largest FC data field (2048-byte payloads; 2112 is the maximum a frame may
 * carry, but SCSI data goes in 2 KiB frames). */
#define DCS_FC_FRAME_PAYLOAD 2048.0
/* SOF 4 + header 24 + CRC 4 + EOF 4 bytes around the payload. */
#define DCS_FC_FRAME_OVERHEAD 36.0

/* Payload rate of an FC port: 1GFC is 1.0625 Gbaud with 8b/10b coding, i.e.
 * 106.25 MB/s, and each FC generation doubles it (16GFC 1700 MB/s, 32GFC
 * 3400 MB/s, the "17" and "28.05" rows of the Brocade table). */
double dcs_fc_data_Bps(double speed_gbps);
/* Mean payload per frame of an I/O of `bytes` (all but the last frame full). */
double dcs_fc_frame_payload(double bytes);
/* Brocade's reservation rule: distance_km x speed_gbps / 2 + 6, rounded up. */
int dcs_fc_credits_brocade(double distance_km, double speed_gbps);
/* Credits that keep the link busy for one round trip with frames of this
 * payload: ceil(RTT / frame serialisation time) + 1 (the SNIA table: 11 at
 * 10 km and 2 Gb/s with 2 KiB payloads, 74 with 256-byte payloads). */
int dcs_fc_credits_for_frames(dcs_time_t rtt, double frame_payload, double speed_gbps);
/* Throughput a credit-limited link can carry: at most `credits` frames per
 * round trip, and never more than the port's payload rate. */
double dcs_fc_credit_cap_Bps(int credits, double frame_payload, dcs_time_t rtt, double speed_gbps);
/* Extra round trips one I/O waits for credits to return: a transfer of more
 * frames than credits stops after each `credits` frames for one round trip.
 * Native FC only; FCIP has no credit rule. */
int dcs_fc_credit_rounds(int credits, double bytes);
/* FCIP's TCP window (bytes): max-bandwidth x RTT x 0.9375 + 4096, the RTT
 * being the path's, at most 4 x the profile's round-trip-time (Cisco MDS). */
double dcs_fcip_window_bytes(double max_bandwidth_mbps, double profile_rtt_ms, double rtt_s);

/* ---- the array queue ---- */

struct dcs_mcq {
	dcs_time_t *free_at; /* min-heap: when each server is next free */
	int servers;
	uint64_t admitted;
	uint64_t waited; /* requests that found every server busy */
};

/* Returns 0, or -1 when out of memory. */
int dcs_mcq_init(struct dcs_mcq *q, int servers);
void dcs_mcq_release(struct dcs_mcq *q);
/* Admits a request arriving at `now` that needs `service`; returns when it
 * completes. */
dcs_time_t dcs_mcq_admit(struct dcs_mcq *q, dcs_time_t now, dcs_time_t service);

/* Erlang C: probability that an arrival waits in M/M/c with offered load
 * a = lambda / mu < c. */
double dcs_erlang_c(int servers, double offered_load);
/* Mean response time (wait + service) of M/M/c, in the unit of mean_service. */
double dcs_mmc_response(int servers, double lambda, double mean_service);

/* ---- the latency estimator ---- */

#define DCS_LATHIST_SUB_BITS 6
#define DCS_LATHIST_MAX_LOG2 42
#define DCS_LATHIST_BINS     ((DCS_LATHIST_MAX_LOG2 - DCS_LATHIST_SUB_BITS + 1) << DCS_LATHIST_SUB_BITS)

struct dcs_lathist {
	uint64_t n;
	int64_t sum_ns;
	dcs_time_t min_ns, max_ns;
	uint64_t bins[DCS_LATHIST_BINS];
};

void dcs_lathist_clear(struct dcs_lathist *h);
/* The bin of a value: exact below 2^(SUB_BITS + 1) ns, then 2^SUB_BITS bins
 * per power of two; the last bin takes everything from 2^MAX_LOG2 ns. */
static inline unsigned dcs_lathist_index(uint64_t v)
{
	const unsigned sub = 1u << DCS_LATHIST_SUB_BITS;
	if (v < 2 * sub)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);
	if (e >= DCS_LATHIST_MAX_LOG2)
		return DCS_LATHIST_BINS - 1;
	unsigned shift = e - DCS_LATHIST_SUB_BITS;
	return (shift + 1) * sub + (unsigned)((v >> shift) & (sub - 1));
}

/* Inline: every storage I/O adds to two or three. */
static inline void dcs_lathist_add(struct dcs_lathist *h, dcs_time_t v)
{
	if (v < 0)
		v = 0;
	if (h->n == 0 || v < h->min_ns)
		h->min_ns = v;
	if (v > h->max_ns)
		h->max_ns = v;
	h->n++;
	h->sum_ns += v;
	h->bins[dcs_lathist_index((uint64_t)v)]++;
}
/* Adds every sample of h to into: the histogram of both samples together. */
void dcs_lathist_merge(struct dcs_lathist *into, const struct dcs_lathist *h);
double dcs_lathist_mean_ns(const struct dcs_lathist *h);
/* Nearest-rank quantile (q in (0, 1]); 0 when empty. */
double dcs_lathist_quantile_ns(const struct dcs_lathist *h, double q);

/* ---- views of a running storage model (tests, viewer) ---- */

struct dcs_storage;
enum dcs_storage_op { DCS_OP_READ, DCS_OP_WRITE };

/* The storage model of a world, or NULL when the scenario has no storage. */
struct dcs_storage *dcs_storage_of(const struct dcs_world *w);
/* Latencies of I/O issued by hosts at `site`: steady state (I/O never
 * held), or disrupted (I/O that waited out a mirror freeze or its VM's
 * pause, the wait included). */
const struct dcs_lathist *dcs_storage_latency(const struct dcs_storage *s, int site,
					      enum dcs_storage_op op, bool disrupted);
/* One workload's closed loop so far (workloads in the scenario's order). */
struct dcs_storage_workload {
	uint64_t completed;   /* I/Os completed, held ones included */
	uint64_t held;        /* I/Os that waited out a freeze or a pause */
	double held_max_s;    /* the longest such wait */
	double achieved_iops; /* completed per second of its active time */
	double mean_s[2];     /* steady-state mean latency per op */
};
struct dcs_storage_workload dcs_storage_workload(const struct dcs_storage *s, size_t i);
const struct dcs_mcq *dcs_storage_array_queue(const struct dcs_storage *s, int array);
uint64_t dcs_storage_failed(const struct dcs_storage *s, int site);
uint64_t dcs_storage_divergent(const struct dcs_storage *s, int site);
/* Seconds in which hosts at an up site could not write, so far. */
double dcs_storage_unavailable_s(const struct dcs_storage *s, int site);
/* Storage traffic from one site to another: offered and carried rate
 * (bytes/s), backlog (bytes) and, for asynchronous replication, the RPO (s). */
struct dcs_storage_channel {
	bool exists;
	double offered_Bps, rate_Bps, cap_Bps, backlog_bytes, rpo_s;
	double max_backlog_bytes, max_rpo_s;
};
struct dcs_storage_channel dcs_storage_channel(struct dcs_storage *s, int src, int dst);

#endif
