/*
 * The version-1 scenario format (SPEC §2), one descriptor table per object.
 * Defaults carry their source; figures that depend on an engine or preset
 * are left unset here (NODEF) and resolved by the model that owns them.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/faultkinds.h"
#include "dcisim/ingress.h"
#include "dcisim/migration_engines.h"
#include "dcisim/presets.h"
#include "dcisim/syncproducts.h"
#include "dcisim/tech.h"
#include "loader_internal.h"

#define FLD(k, t, st, m, fl, lo, hi, d, doc)                                                       \
	{                                                                                          \
		k, t, offsetof(st, m), 0, fl, lo, hi, d, NULL, NULL, doc, NULL, NULL               \
	}
#define NUM(k, st, m, fl, lo, hi, d, doc) FLD(k, F_NUM, st, m, fl, lo, hi, d, doc)
#define INT(k, st, m, fl, lo, hi, d, doc) FLD(k, F_INT, st, m, fl, lo, hi, d, doc)
#define BOOL(k, st, m, d, doc)            FLD(k, F_BOOL, st, m, 0, 0, 1, d, doc)
#define STR(k, st, m, fl, doc)            FLD(k, F_STR, st, m, fl, 0, 0, 0, doc)
#define ID(k, st, m, doc)                 FLD(k, F_ID, st, m, REQ, 0, 0, 0, doc)
#define REF(k, t, st, m, fl, doc)         FLD(k, t, st, m, fl, 0, 0, 0, doc)
#define ENUM(k, st, m, fl, names, d, doc)                                                          \
	{                                                                                          \
		k, F_ENUM, offsetof(st, m), 0, fl, 0, 0, d, names, NULL, doc, NULL, NULL           \
	}
/* An enum whose values, default and documentation are a table's (dcisim/namelist.h). */
#define LIST(k, st, m, fl, list, doc)                                                              \
	{                                                                                          \
		k, F_ENUM, offsetof(st, m), 0, fl, 0, 0, 0, NULL, NULL, doc, NULL, &list           \
	}
#define OBJ(k, st, m, sub, doc)                                                                    \
	{                                                                                          \
		k, F_OBJ, offsetof(st, m), 0, 0, 0, 0, 0, NULL, &sub, doc, NULL, NULL              \
	}
/* A nested object whose fields are named relative to the parent struct. */
#define GROUP(k, sub, doc)                                                                         \
	{                                                                                          \
		k, F_OBJ, 0, 0, 0, 0, 0, 0, NULL, &sub, doc, NULL, NULL                            \
	}
#define ARR(k, st, m, cnt, fl, sub, doc)                                                           \
	{                                                                                          \
		k, F_ARR, offsetof(st, m), offsetof(st, cnt), fl, 0, 0, 0, NULL, &sub, doc, NULL,  \
		    NULL                                                                           \
	}
#define CUSTOM(k, fl, schema, doc)                                                                 \
	{                                                                                          \
		k, F_CUSTOM, 0, 0, fl, 0, 0, 0, NULL, NULL, doc, schema, NULL                      \
	}
#define SPEC(name, type, fields, check)                                                            \
	{                                                                                          \
		name, sizeof(type), fields, sizeof(fields) / sizeof(fields[0]), check, 0           \
	}
#define INF INFINITY

/* ---- sites ---- */

static void check_site(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)L, (void)obj, (void)i;
	struct dcs_site_cfg *s = elem;
	if (!s->name && s->id) {
		size_t n = strlen(s->id) + 1;
		s->name = malloc(n);
		if (s->name)
			memcpy(s->name, s->id, n);
	}
}

static const struct field site_fields[] = {
    ID("id", struct dcs_site_cfg, id, "Site identifier used by references."),
    STR("name", struct dcs_site_cfg, name, 0,
	"Name shown in reports and the viewer (default: id)."),
    NUM("x", struct dcs_site_cfg, x, 0, -1e6, 1e6, 0,
	"Map position (km or any unit), for the viewer."),
    NUM("y", struct dcs_site_cfg, y, 0, -1e6, 1e6, 0, "Map position, for the viewer."),
    NUM("bum_pps", struct dcs_site_cfg, bum_pps, NODEF, 0, 1e9, 0,
	"ARP and unknown-unicast frames per second that hosts at this site send on the stretched "
	"VLANs (default 100: 500 hosts x 6 peers / 30 s reachable time; models/l2)."),
};
static const struct spec site_spec = SPEC("a site", struct dcs_site_cfg, site_fields, check_site);

/* ---- links ---- */

static void check_link(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_link_cfg *l = elem;
	if (l->a >= 0 && l->a == l->b)
		ld_error(L, obj, "b", "a link joins two different sites ('%s' twice)",
			 L->scn->sites[l->a].id);
	int encap = dcs_tech(l->technology)->encap_bytes;
	if (l->lan_mtu + encap > l->transport_mtu)
		ld_error(
		    L, obj, "transport_mtu",
		    "impossible MTU: lan_mtu %d + %s encapsulation %d = %d bytes exceeds "
		    "transport_mtu %d; frames would be dropped (raise transport_mtu to at least "
		    "%d or lower lan_mtu to %d)",
		    l->lan_mtu, dcs_tech_name(l->technology), encap, l->lan_mtu + encap,
		    l->transport_mtu, l->lan_mtu + encap, l->transport_mtu - encap);
	if (l->background_gbps >= l->bandwidth_gbps && l->bandwidth_gbps > 0)
		ld_error(L, obj, "background_gbps",
			 "background %.12g Gbps leaves nothing of the %.12g Gbps link",
			 l->background_gbps, l->bandwidth_gbps);
	if (l->mtbf_s > 0 && !(l->mttr_s > 0))
		ld_error(L, obj, "mttr_s",
			 "random failures (mtbf_s) need a repair time mttr_s > 0");
}

static const struct field link_fields[] = {
    ID("id", struct dcs_link_cfg, id, "Link identifier."),
    REF("a", F_SITE, struct dcs_link_cfg, a, REQ, "One end (site id)."),
    REF("b", F_SITE, struct dcs_link_cfg, b, REQ, "Other end (site id)."),
    NUM("distance_km", struct dcs_link_cfg, distance_km, REQ, 0, 40000, 0,
	"Fibre route length; one way adds 4.9 us per km (SPEC 4.1)."),
    NUM("route_factor", struct dcs_link_cfg, route_factor, 0, 1, 5, 1.0,
	"Multiplies distance_km; 1.3 turns a straight-line distance into dedicated fibre (Bozkurt "
	"et al.)."),
    NUM("bandwidth_gbps", struct dcs_link_cfg, bandwidth_gbps, REQ | GT_MIN, 0, 100000, 0,
	"Line rate per direction (full duplex)."),
    LIST("technology", struct dcs_link_cfg, technology, 0, dcs_tech_list,
	 "Layer-2 extension technology, or l3 for routed only (table: Technologies)."),
    INT("transport_mtu", struct dcs_link_cfg, transport_mtu, 0, 576, 65535, 9216,
	"MTU of the transport under the encapsulation (jumbo 9216 by default)."),
    INT("lan_mtu", struct dcs_link_cfg, lan_mtu, 0, 576, 9216, 1500, "MTU of the hosts' LAN."),
    NUM("background_gbps", struct dcs_link_cfg, background_gbps, 0, 0, 100000, 0,
	"Traffic already on the link, per direction, not shared with modelled flows."),
    NUM("loss", struct dcs_link_cfg, loss, 0, 0, 0.5, 0,
	"Packet loss ratio; caps TCP flows by the Mathis bound."),
    NUM("device_latency_us", struct dcs_link_cfg, device_latency_us, 0, 0, 1e6, 0,
	"One-way delay of the devices on the link (transponders, FEC, switches)."),
    BOOL("bfd", struct dcs_link_cfg, bfd, 0,
	 "BFD tracks this link: a cut is detected in routing.bfd_ms (default 150 = 3 x 50 ms) "
	 "instead of the hold timer."),
    NUM("mac_update_ms", struct dcs_link_cfg, mac_update_ms, NODEF, 0, 60000, 0,
	"Control plane's time to originate a MAC update after a move (default: the technology's, "
	"e.g. evi 100, otv 50, vxlan_evpn 200; table: Technologies)."),
    NUM("mtbf_s", struct dcs_link_cfg, mtbf_s, 0, 0, 1e12, 0,
	"Random failures: mean time between failures (exponential); 0 disables."),
    NUM("mttr_s", struct dcs_link_cfg, mttr_s, 0, 0, 1e12, 0,
	"Random failures: mean time to repair."),
    NUM("buffer_kib", struct dcs_link_cfg, buffer_kib, NODEF | GT_MIN, 0, 1e9, 0,
	"Egress buffer in front of the link, per direction (default by port class: data-center "
	"switch 5176 KiB, Trident+ one congested port; router 95 ms at line rate, Junos MPC; "
	"sim/core/tech.c)."),
    INT("underlay_paths", struct dcs_link_cfg, underlay_paths, 0, 1, 64, 1,
	"Independent transport paths under the link (a protected wave, an overlay over a routed "
	"underlay); path_down cuts one."),
};
static const struct spec link_spec = SPEC("a link", struct dcs_link_cfg, link_fields, check_link);

/* ---- storage ---- */

static const char *const mode_names[] = {"shared", "active_active", "async", NULL};
static const char *const proto_names[] = {"fc", "iscsi", "nfs", NULL};
static const char *const dist_names[] = {"exp", "fixed", NULL};
static const char *const split_names[] = {"suspend", "allow", NULL};
static const char *const fc_transport_names[] = {"native", "fcip", NULL};

static const struct field array_fields[] = {
    REF("site", F_SITE, struct dcs_array_cfg, site, REQ, "Site of the array."),
    NUM("read_ms", struct dcs_array_cfg, read_ms, GT_MIN, 0, 1e4, 0.5,
	"Mean service time of a read."),
    NUM("write_ms", struct dcs_array_cfg, write_ms, GT_MIN, 0, 1e4, 0.2,
	"Mean service time of a write."),
    INT("servers", struct dcs_array_cfg, servers, 0, 1, 100000, 8,
	"Parallel servers of the array queue (M/M/c or M/D/c)."),
    ENUM("service", struct dcs_array_cfg, service, 0, dist_names, DCS_DIST_EXP,
	 "Service time distribution: exponential or fixed."),
};
static const struct spec array_spec = SPEC("an array", struct dcs_array_cfg, array_fields, NULL);

static void check_workload(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_workload_cfg *w = elem;
	bool has_site = ld_member(obj, "site") != NULL, has_vm = ld_member(obj, "vm") != NULL;
	if (has_site == has_vm)
		ld_error(L, obj, NULL, "a workload names exactly one of 'site' or 'vm'");
	(void)w;
}

static const struct field workload_fields[] = {
    REF("site", F_SITE, struct dcs_workload_cfg, site, 0, "Site whose hosts issue the I/O."),
    REF("vm", F_VM, struct dcs_workload_cfg, vm, 0,
	"VM that issues the I/O from wherever it runs."),
    NUM("iops", struct dcs_workload_cfg, iops, REQ | GT_MIN, 0, 1e7, 0,
	"I/Os per second the host offers: its rate if the storage answered at once (each of "
	"queue_depth slots thinks an exponential time of mean queue_depth / iops between I/Os)."),
    NUM("read_ratio", struct dcs_workload_cfg, read_ratio, 0, 0, 1, 0.7, "Share of reads."),
    NUM("block_kib", struct dcs_workload_cfg, block_kib, GT_MIN, 0, 1048576, 8, "I/O size."),
    NUM("start_s", struct dcs_workload_cfg, start_s, 0, 0, 1e9, 0,
	"When the workload starts issuing I/O."),
    NUM("for_s", struct dcs_workload_cfg, for_s, NODEF | GT_MIN, 0, 1e9, 0,
	"How long it issues I/O (default: until the end); a burst is a workload with start_s and "
	"for_s."),
    INT("queue_depth", struct dcs_workload_cfg, queue_depth, 0, 1, 65536, 32,
	"I/Os the host keeps outstanding at most: a closed loop; iops is what it offers (default "
	"32: VMware's per-LUN Disk.SchedNumReqOutstanding and open-iscsi's "
	"node.session.queue_depth; Linux FC drivers use 30 to 64: lpfc lun_queue_depth 30, later "
	"64, qla2xxx ql2xmaxqdepth 32, later 64)."),
};
static const struct spec workload_spec =
    SPEC("a workload", struct dcs_workload_cfg, workload_fields, check_workload);

static const struct field fc_fields[] = {
    NUM("speed_gbps", struct dcs_storage_cfg, fc.speed_gbps, GT_MIN, 0, 256, 16,
	"Nominal FC speed (1, 2, 4, 8, 16, 32, 64)."),
    INT("bb_credits", struct dcs_storage_cfg, fc.bb_credits, 0, 1, 100000, 8,
	"Buffer-to-buffer credits of the ISL (Brocade reserves 8 per E_Port; dci-facts 2.2); "
	"native FC only."),
    ENUM("transport", struct dcs_storage_cfg, fc.transport, NODEF, fc_transport_names, 0,
	 "native FC (buffer credits) or fcip (a TCP flow) across the DCI (default: native only "
	 "over dwdm paths, fcip over the others)."),
    NUM("fcip_max_bandwidth_mbps", struct dcs_storage_cfg, fc.fcip_max_bandwidth_mbps, GT_MIN, 0,
	1e6, 1000,
	"FCIP profile max-bandwidth: the TCP sender's rate cap (Cisco MDS default 1 Gbps)."),
    NUM("fcip_rtt_ms", struct dcs_storage_cfg, fc.fcip_rtt_ms, 0, 0, 300, 1,
	"FCIP profile round-trip-time: window = max-bandwidth x RTT x 0.9375 + 4 KiB, the RTT "
	"measured up to 4 x this (Cisco MDS default 1 ms)."),
};
static const struct spec fc_spec = {"storage.fc", sizeof(struct dcs_storage_cfg),
				    fc_fields,    sizeof(fc_fields) / sizeof(fc_fields[0]),
				    NULL,         0};

static const struct field iscsi_fields[] = {
    BOOL("initial_r2t", struct dcs_storage_cfg, iscsi.initial_r2t, 1,
	 "InitialR2T (RFC 7143 default Yes)."),
    BOOL("immediate_data", struct dcs_storage_cfg, iscsi.immediate_data, 1,
	 "ImmediateData (RFC 7143 default Yes)."),
    NUM("first_burst_kib", struct dcs_storage_cfg, iscsi.first_burst_kib, GT_MIN, 0, 16384, 64,
	"FirstBurstLength (RFC 7143 default 65536 bytes)."),
    NUM("max_burst_kib", struct dcs_storage_cfg, iscsi.max_burst_kib, GT_MIN, 0, 16384, 256,
	"MaxBurstLength (RFC 7143 default 262144 bytes)."),
    INT("max_outstanding_r2t", struct dcs_storage_cfg, iscsi.max_outstanding_r2t, 0, 1, 65535, 1,
	"MaxOutstandingR2T (RFC 7143 default 1)."),
    NUM("max_recv_data_segment_kib", struct dcs_storage_cfg, iscsi.max_recv_data_segment_kib,
	GT_MIN, 0, 16384, 8,
	"MaxRecvDataSegmentLength: immediate data that fits the command PDU (8 KiB default)."),
};
static const struct spec iscsi_spec = {"storage.iscsi",
				       sizeof(struct dcs_storage_cfg),
				       iscsi_fields,
				       sizeof(iscsi_fields) / sizeof(iscsi_fields[0]),
				       NULL,
				       0};

static const struct field nfs_fields[] = {
    NUM("wsize_kib", struct dcs_storage_cfg, nfs.wsize_kib, GT_MIN, 0, 16384, 1024,
	"NFS WRITE RPC size (Linux client negotiates up to 1 MiB, NFS_MAX_FILE_IO_SIZE)."),
    NUM("rsize_kib", struct dcs_storage_cfg, nfs.rsize_kib, GT_MIN, 0, 16384, 1024,
	"NFS READ RPC size (Linux client negotiates up to 1 MiB)."),
    INT("outstanding", struct dcs_storage_cfg, nfs.outstanding, 0, 1, 65536, 128,
	"RPCs of one I/O in flight at once (NetApp ONTAP serves 128 per TCP connection; the Linux "
	"slot table grows to 65536)."),
};
static const struct spec nfs_spec = {"storage.nfs", sizeof(struct dcs_storage_cfg),
				     nfs_fields,    sizeof(nfs_fields) / sizeof(nfs_fields[0]),
				     NULL,          0};

/* A synchronous mirror beyond what its product class supports is valid but
 * unsupported: a warning with the limit and its source (dcisim/syncproducts.h),
 * from the nominal path between the arrays (propagation and device delay, no
 * load).  The storage model reports the same ratio from the path it measures. */
static void check_sync_distance(struct ld *L, const cJSON *obj, const struct dcs_storage_cfg *s)
{
	if (s->mode != DCS_STORAGE_ACTIVE_ACTIVE || s->n_arrays != 2 || s->arrays[0].site < 0 ||
	    s->arrays[1].site < 0 || s->arrays[0].site == s->arrays[1].site)
		return;
	double ow_us, km;
	if (!dcs_scenario_nominal_path(L->scn, s->arrays[0].site, s->arrays[1].site, &ow_us, &km))
		return;
	double rtt_ms = 2 * ow_us / 1e3;
	int row = dcs_sync_limit_row(s->sync_product, rtt_ms, km);
	double ratio = dcs_sync_limit_ratio(s->sync_product, rtt_ms, km);
	if (!(ratio > 1))
		return;
	const struct dcs_sync_product *p = dcs_sync_product(row);
	char lim[64];
	if (p->max_rtt_ms > 0 && p->max_km > 0)
		snprintf(lim, sizeof(lim), "RTT <= %g ms and <= %g km", p->max_rtt_ms, p->max_km);
	else if (p->max_rtt_ms > 0)
		snprintf(lim, sizeof(lim), "RTT <= %g ms", p->max_rtt_ms);
	else
		snprintf(lim, sizeof(lim), "<= %g km", p->max_km);
	ld_warning(L, obj, ld_member(obj, "sync_product") ? "sync_product" : "arrays",
		   "synchronous mirror %s-%s: nominal RTT %.3g ms over %.4g km is %.3g x the "
		   "supported distance of %s%s (%s; %s): the vendor does not support "
		   "synchronous mode there",
		   L->scn->sites[s->arrays[0].site].id, L->scn->sites[s->arrays[1].site].id, rtt_ms,
		   km, ratio,
		   s->sync_product == DCS_SYNC_PRODUCT_ANY
		       ? "even the most permissive listed product, "
		       : "",
		   p->label, lim, p->source);
}

static void check_storage(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_storage_cfg *s = elem;
	if (L->synthetic)
		return;
	s->present = true;
	if (!ld_member(obj, "arrays")) {
		ld_error(L, obj, NULL, "missing required key 'arrays'");
		return;
	}
	size_t want = s->mode == DCS_STORAGE_SHARED ? 1 : 2;
	if (s->n_arrays != want) {
		ld_error(L, obj, "arrays", "%s storage needs exactly %zu array%s, not %zu",
			 mode_names[s->mode], want, want == 1 ? "" : "s", s->n_arrays);
		return;
	}
	if (want == 2 && s->arrays[0].site >= 0 && s->arrays[0].site == s->arrays[1].site)
		ld_error(L, obj, "arrays", "the two arrays must be at different sites");
	if (s->preferred_site < 0)
		s->preferred_site = s->arrays[0].site;
	bool preferred_has_array = false;
	for (size_t k = 0; k < s->n_arrays; k++)
		preferred_has_array |= s->arrays[k].site == s->preferred_site;
	if (!preferred_has_array && s->preferred_site >= 0)
		ld_error(L, obj, "preferred_site", "'%s' has no array",
			 L->scn->sites[s->preferred_site].id);
	if (s->witness_site >= 0)
		for (size_t k = 0; k < s->n_arrays; k++)
			if (s->arrays[k].site == s->witness_site)
				ld_error(L, obj, "witness_site",
					 "the witness must be in a third site, not with an array");
	check_sync_distance(L, obj, s);
}

static const struct field storage_fields[] = {
    ENUM("mode", struct dcs_storage_cfg, mode, 0, mode_names, DCS_STORAGE_ACTIVE_ACTIVE,
	 "shared (one array), active_active (synchronous mirror) or async."),
    ENUM("protocol", struct dcs_storage_cfg, protocol, 0, proto_names, DCS_PROTO_FC,
	 "Protocol across the DCI."),
    BOOL("write_acceleration", struct dcs_storage_cfg, write_acceleration, 0,
	 "FC write acceleration / Fastwrite: 1 round trip per host write instead of 2."),
    INT("replication_round_trips", struct dcs_storage_cfg, replication_round_trips, 0, 1, 16, 1,
	"Round trips per write between mirrored arrays (1: SRDF/S SiRT, FastWrite-style array "
	"replication)."),
    LIST("sync_product", struct dcs_storage_cfg, sync_product, 0, dcs_sync_product_list,
	 "Product class of the synchronous mirror, whose supported distance is checked (table: "
	 "Synchronous mirror products)."),
    REF("preferred_site", F_SITE, struct dcs_storage_cfg, preferred_site, 0,
	"Site that keeps writing on a partition (default: the first array's site)."),
    REF("witness_site", F_SITE, struct dcs_storage_cfg, witness_site, 0,
	"Third-site witness, if any."),
    ARR("arrays", struct dcs_storage_cfg, arrays, n_arrays, 0, array_spec, "Storage arrays."),
    ARR("workloads", struct dcs_storage_cfg, workloads, n_workloads, 0, workload_spec,
	"I/O workloads."),
    GROUP("fc", fc_spec, "Fibre Channel settings."),
    GROUP("iscsi", iscsi_spec, "iSCSI negotiated keys."),
    GROUP("nfs", nfs_spec, "NFS transfer sizes."),
    NUM("detach_delay_s", struct dcs_storage_cfg, detach_delay_s, 0, 0, 3600, 5,
	"Delay before the winner continues on a partition (VPLEX detach rule example: 5 s)."),
    ENUM("split_brain", struct dcs_storage_cfg, split_brain, 0, split_names, DCS_SPLIT_SUSPEND,
	 "Without a witness: suspend the non-preferred side, or allow both to write."),
};
static const struct spec storage_spec = {
    "storage",      sizeof(struct dcs_storage_cfg),
    storage_fields, sizeof(storage_fields) / sizeof(storage_fields[0]),
    check_storage,  0};

/* ---- VMs and migrations ---- */

static void check_vm(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_vm_cfg *v = elem;
	if (isnan(v->wws_gib))
		v->wws_gib = v->memory_gib;
	else if (v->wws_gib > v->memory_gib)
		ld_error(L, obj, "wws_gib",
			 "writable working set %.12g GiB exceeds memory %.12g GiB", v->wws_gib,
			 v->memory_gib);
	if (!isnan(v->zero_fraction) && !isnan(v->used_gib))
		ld_error(L, obj, "zero_fraction", "give used_gib or zero_fraction, not both");
	else if (!isnan(v->zero_fraction))
		v->used_gib = v->memory_gib * (1 - v->zero_fraction);
	if (isnan(v->used_gib))
		v->used_gib = v->memory_gib;
	else if (v->used_gib > v->memory_gib)
		ld_error(L, obj, "used_gib", "touched memory %.12g GiB exceeds memory %.12g GiB",
			 v->used_gib, v->memory_gib);
}

static const struct field vm_fields[] = {
    ID("id", struct dcs_vm_cfg, id, "VM identifier."),
    REF("site", F_SITE, struct dcs_vm_cfg, site, REQ, "Site where the VM runs at the start."),
    NUM("memory_gib", struct dcs_vm_cfg, memory_gib, REQ | GT_MIN, 0, 65536, 0,
	"Memory sent in pre-copy round 0."),
    NUM("dirty_mib_s", struct dcs_vm_cfg, dirty_mib_s, 0, 0, 1e6, 0, "Page dirty rate."),
    NUM("wws_gib", struct dcs_vm_cfg, wws_gib, NODEF, 0, 65536, 0,
	"Writable working set: the dirty set never exceeds it (default: memory_gib)."),
    INT("vcpus", struct dcs_vm_cfg, vcpus, 0, 1, 4096, 1, "Virtual CPUs."),
    NUM("used_gib", struct dcs_vm_cfg, used_gib, NODEF, 0, 65536, 0,
	"Memory the guest has touched; the rest are zero pages, sent as 8-byte flags but still "
	"scanned (default: memory_gib)."),
    NUM("zero_fraction", struct dcs_vm_cfg, zero_fraction, NODEF, 0, 1, 0,
	"Share of memory that is zero pages, instead of used_gib: used = memory x (1 - "
	"zero_fraction)."),
    NUM("compress_ratio", struct dcs_vm_cfg, compress_ratio, GT_MIN, 0, 1, 1,
	"Compressed / raw size of its pages under zlib or zstd, or the XBZRLE delta / page for "
	"re-sent pages (1: incompressible; Silesia under zstd -1: 0.346)."),
};
static const struct spec vm_spec = SPEC("a VM", struct dcs_vm_cfg, vm_fields, check_vm);

static const char *const order_names[] = {"as_listed", "smallest_first", "largest_first", NULL};

static void check_migration(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_migration_cfg *m = elem;
	bool has_vm = ld_member(obj, "vm") != NULL, has_evac = ld_member(obj, "evacuate") != NULL;
	if (has_vm == has_evac) {
		ld_error(L, obj, NULL, "a migration names exactly one of 'vm' or 'evacuate'");
		return;
	}
	if (m->vm >= 0 && m->to >= 0 && L->scn->vms[m->vm].site == m->to)
		ld_error(L, obj, "to", "VM '%s' already runs at '%s'", L->scn->vms[m->vm].id,
			 L->scn->sites[m->to].id);
	if (m->evacuate >= 0 && m->evacuate == m->to)
		ld_error(L, obj, "to", "cannot evacuate '%s' to itself", L->scn->sites[m->to].id);
	if (has_vm && ld_member(obj, "max_concurrent"))
		ld_error(L, obj, "max_concurrent", "applies to evacuations only");
	const cJSON *pc = ld_member(obj, "postcopy");
	m->postcopy = -1;
	if (pc && !cJSON_IsBool(pc))
		ld_error(L, obj, "postcopy", "must be true or false");
	else if (pc && cJSON_IsTrue(pc) &&
		 !dcs_migration_engine(L->scn->migration.engine)->qemu_features)
		ld_error(L, obj, "postcopy",
			 "engine %s has no post-copy (QEMU's postcopy-ram only)",
			 dcs_migration_engine(L->scn->migration.engine)->name);
	else if (pc)
		m->postcopy = cJSON_IsTrue(pc);
}

static const struct field migration_fields[] = {
    REF("vm", F_VM, struct dcs_migration_cfg, vm, 0, "VM to move."),
    REF("evacuate", F_SITE, struct dcs_migration_cfg, evacuate, 0, "Site whose VMs all move."),
    REF("to", F_SITE, struct dcs_migration_cfg, to, REQ, "Destination site."),
    NUM("at_s", struct dcs_migration_cfg, at_s, REQ, 0, 1e9, 0, "Start time."),
    INT("max_concurrent", struct dcs_migration_cfg, max_concurrent, NODEF, 1, 100000, 0,
	"Evacuation: migrations in flight at once (default: the engine's per-host limit)."),
    ENUM("order", struct dcs_migration_cfg, order, 0, order_names, DCS_ORDER_AS_LISTED,
	 "Evacuation order."),
    CUSTOM("postcopy", 0, "{\"type\": \"boolean\"}",
	   "Post-copy for this plan's migrations (default: migration.postcopy); qemu only."),
};
static const struct spec migration_spec =
    SPEC("a migration", struct dcs_migration_cfg, migration_fields, check_migration);

static const char *const noprog_names[] = {"stun", "abort", "force", NULL};
static const char *const compression_names[] = {"none", "zlib", "zstd", "xbzrle", NULL};

/* QEMU-only features, and the combinations QEMU itself refuses
 * (migration/options.c migrate_caps_check: multifd with xbzrle; multifd
 * compression without multifd). */
static void check_policy(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_migration_policy *p = elem;
	const char *engine = dcs_migration_engine(p->engine)->name;
	bool qemu = dcs_migration_engine(p->engine)->qemu_features;
	if (!qemu && ld_member(obj, "multifd_channels"))
		ld_error(L, obj, "multifd_channels",
			 "multifd is QEMU's; engine %s takes parallel streams as 'streams'",
			 engine);
	else if (ld_member(obj, "multifd_channels") && ld_member(obj, "streams"))
		ld_error(L, obj, "streams",
			 "give multifd_channels or streams, not both (each multifd channel is a "
			 "stream)");
	if (!qemu && p->compression != DCS_COMPRESS_NONE)
		ld_error(L, obj, "compression",
			 "compression '%s' is a QEMU feature; engine %s has none",
			 compression_names[p->compression], engine);
	else if ((p->compression == DCS_COMPRESS_ZLIB || p->compression == DCS_COMPRESS_ZSTD) &&
		 p->multifd_channels < 1)
		ld_error(L, obj, "compression",
			 "QEMU compresses with %s only on multifd channels: set multifd_channels",
			 compression_names[p->compression]);
	else if (p->compression == DCS_COMPRESS_XBZRLE && p->multifd_channels >= 1)
		ld_error(L, obj, "compression", "QEMU refuses xbzrle together with multifd");
	if (!qemu && p->postcopy)
		ld_error(L, obj, "postcopy",
			 "engine %s has no post-copy (QEMU's postcopy-ram only)", engine);
	if (!qemu && ld_member(obj, "xbzrle_cache_mib"))
		ld_error(L, obj, "xbzrle_cache_mib", "XBZRLE is QEMU's; engine %s has none",
			 engine);
}

static const struct field policy_fields[] = {
    LIST("engine", struct dcs_migration_policy, engine, 0, dcs_migration_engine_list,
	 "Pre-copy engine whose stop rules and defaults apply (table: Migration engines)."),
    NUM("max_downtime_ms", struct dcs_migration_policy, max_downtime_ms, NODEF | GT_MIN, 0, 1e6, 0,
	"Stop-and-copy starts when the rest fits in this (vmotion 500, qemu 300)."),
    NUM("switchover_ms", struct dcs_migration_policy, switchover_ms, NODEF, 0, 1e6, 0,
	"Fixed part of downtime: device state, resume, announce (default vmotion 200, VMware's "
	"stun; qemu, xen 9)."),
    INT("streams", struct dcs_migration_policy, streams, NODEF, 1, 64, 0,
	"Parallel TCP streams (default 1: qemu multifd is off by default)."),
    NUM("tcp_window_kib", struct dcs_migration_policy, tcp_window_kib, NODEF | GT_MIN, 0, 1048576,
	0,
	"TCP window per stream (vmotion: sized to the path, no cap; qemu, xen 6144 = Linux "
	"tcp_rmem max)."),
    ENUM("on_no_progress", struct dcs_migration_policy, on_no_progress, NODEF, noprog_names, 0,
	 "When a round does not shrink the dirty set: stun the guest, abort, or force the copy "
	 "(vmotion stun; qemu, xen keep going)."),
    INT("max_rounds", struct dcs_migration_policy, max_rounds, NODEF, 1, 100000, 0,
	"Bound on live pre-copy rounds, the full first copy included (xen 29; others none)."),
    NUM("rate_cap_mib_s", struct dcs_migration_policy, rate_cap_mib_s, NODEF | GT_MIN, 0, 1e7, 0,
	"Engine bandwidth cap (qemu max-bandwidth 128 MiB/s)."),
    BOOL("auto_converge", struct dcs_migration_policy, auto_converge, 0,
	 "QEMU auto-converge CPU throttling."),
    NUM("max_switchover_s", struct dcs_migration_policy, max_switchover_s, NODEF | GT_MIN, 0, 1e6,
	0, "Fail the migration if switchover would take longer (vmotion 100 s)."),
    NUM("page_kib", struct dcs_migration_policy, page_kib, GT_MIN, 0, 1048576, 4,
	"Memory page size."),
    NUM("stall_timeout_s", struct dcs_migration_policy, stall_timeout_s, 0, 0, 1e9, 150,
	"A migration whose path is lost for longer fails (KubeVirt progressTimeout 150 s)."),
    INT("multifd_channels", struct dcs_migration_policy, multifd_channels, NODEF, 1, 256, 0,
	"QEMU multifd: parallel channels, each a TCP stream and a sender thread (default: off, one "
	"stream)."),
    ENUM("compression", struct dcs_migration_policy, compression, 0, compression_names,
	 DCS_COMPRESS_NONE,
	 "QEMU page compression: none, zlib or zstd (multifd, level 1) or xbzrle (delta of re-sent "
	 "pages)."),
    NUM("compress_mib_s", struct dcs_migration_policy, compress_mib_s, NODEF | GT_MIN, 0, 1e7, 0,
	"Compression throughput per sender thread, raw MiB/s (zstd 377, zlib 59: measured per "
	"multifd channel; xbzrle 1430)."),
    NUM("channel_mib_s", struct dcs_migration_policy, channel_mib_s, NODEF | GT_MIN, 0, 1e7, 0,
	"Sender throughput per stream without compression (qemu 3936 MiB/s per multifd channel, "
	"measured; others none)."),
    NUM("scan_gib_s", struct dcs_migration_policy, scan_gib_s, NODEF | GT_MIN, 0, 1e6, 0,
	"Rate the source walks guest memory for dirty and zero pages; a round lasts at least "
	"scanned / rate (20, measured on QEMU)."),
    NUM("xbzrle_cache_mib", struct dcs_migration_policy, xbzrle_cache_mib, GT_MIN, 0, 1048576, 64,
	"XBZRLE page cache (QEMU xbzrle-cache-size 64 MiB): re-sent pages beyond it go whole."),
    BOOL("postcopy", struct dcs_migration_policy, postcopy, 0,
	 "QEMU post-copy: after postcopy_after_rounds live rounds the guest runs at the "
	 "destination and fetches missing pages over the DCI."),
    INT("postcopy_after_rounds", struct dcs_migration_policy, postcopy_after_rounds, 0, 0, 100000,
	1,
	"Pre-copy rounds before post-copy starts (1: after the first full pass, as libvirt "
	"--postcopy-after-precopy)."),
};
static const struct spec policy_spec = {
    "migration",   sizeof(struct dcs_migration_policy),
    policy_fields, sizeof(policy_fields) / sizeof(policy_fields[0]),
    check_policy,  0};

/* ---- services ---- */

static const char *const gateway_names[] = {"single", "localized", NULL};
static const char *const bgp_session_names[] = {"ebgp", "ibgp", NULL};

static const struct field client_fields[] = {
    REF("site", F_SITE, struct dcs_client_cfg, site, REQ, "Site of these clients."),
    NUM("share", struct dcs_client_cfg, share, REQ, 0, 1, 0, "Share of the requests."),
};
static const struct spec client_spec =
    SPEC("a client group", struct dcs_client_cfg, client_fields, NULL);

static void check_service(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_service_cfg *s = elem;
	s->cluster = -1;
	const cJSON *cl = ld_member(obj, "cluster");
	bool has_vm = ld_member(obj, "vm") != NULL;
	if (has_vm == (cl != NULL))
		ld_error(L, obj, NULL, "a service names exactly one of 'vm' or 'cluster'");
	if (cl)
		ld_cluster_ref(L, obj, "cluster", cl, &s->cluster);
	if (!s->clients || s->n_clients == 0)
		return;
	double sum = 0;
	for (size_t k = 0; k < s->n_clients; k++)
		sum += s->clients[k].share;
	if (fabs(sum - 1.0) > 1e-6)
		ld_error(L, obj, "clients", "shares add up to %.12g, not 1", sum);
}

static const struct field service_fields[] = {
    ID("id", struct dcs_service_cfg, id, "Service identifier."),
    REF("vm", F_VM, struct dcs_service_cfg, vm, 0, "VM that serves it (or name a cluster)."),
    CUSTOM("cluster", 0, "{\"type\": \"string\"}",
	   "Cluster whose service it is, instead of a VM: it runs wherever the cluster runs it and "
	   "moves when the cluster fails over."),
    NUM("rps", struct dcs_service_cfg, rps, GT_MIN, 0, 1e7, 100,
	"Requests per second, all clients."),
    NUM("response_kib", struct dcs_service_cfg, response_kib, 0, 0, 1048576, 32, "Response size."),
    NUM("request_kib", struct dcs_service_cfg, request_kib, 0, 0, 1048576, 1, "Request size."),
    NUM("server_ms", struct dcs_service_cfg, server_ms, 0, 0, 1e6, 1, "Server time per request."),
    ARR("clients", struct dcs_service_cfg, clients, n_clients, REQ, client_spec,
	"Where the clients are."),
    LIST("ingress", struct dcs_service_cfg, ingress, 0, dcs_ingress_list,
	 "How inbound traffic follows the VM (table: Ingress methods)."),
    NUM("dns_ttl_s", struct dcs_service_cfg, dns_ttl_s, 0, 0, 1e6, 10,
	"DNS answer TTL (Brocade ADX GSLB default 10 s)."),
    NUM("dns_violator_share", struct dcs_service_cfg, dns_violator_share, 0, 0, 1, 0.0874,
	"Share of resolvers that ignore the TTL (8.74%, PAM 2023)."),
    NUM("dns_client_floor_s", struct dcs_service_cfg, dns_client_floor_s, 0, 0, 1e6, 60,
	"Client cache floor (Chromium 60 s)."),
    NUM("dns_violator_hold_s", struct dcs_service_cfg, dns_violator_hold_s, NODEF, 0, 1e7, 0,
	"How long a TTL-violating resolver keeps an answer (default 3600 s: dnsmasq caps its "
	"min-cache-ttl at one hour)."),
    NUM("health_check_s", struct dcs_service_cfg, health_check_s, NODEF, 0, 1e6, 0,
	"RHI mark-down: a failing probe withdraws the old site's route after this (default 16 s, "
	"F5 BIG-IP monitor timeout)."),
    NUM("probe_up_s", struct dcs_service_cfg, probe_up_s, NODEF, 0, 1e6, 0,
	"RHI mark-up: the new site's probe passes and injects the route after this (default 5 s, "
	"one F5 monitor interval)."),
    ENUM("bgp_session", struct dcs_service_cfg, bgp_session, 0, bgp_session_names, 0,
	 "RHI: the BGP session type the host route crosses to the clients, whose advertisement "
	 "interval applies (ebgp 30 s, ibgp 5 s; RFC 4271)."),
    NUM("routing_convergence_s", struct dcs_service_cfg, routing_convergence_s, NODEF, 0, 1e6, 0,
	"RHI: delay from injection or withdrawal to the clients' routers (default: the "
	"bgp_session's advertisement interval)."),
    ENUM("gateway", struct dcs_service_cfg, gateway, 0, gateway_names, DCS_GW_SINGLE,
	 "single active VRRP gateway, or localized in every site."),
    INT("vrrp_priority", struct dcs_service_cfg, vrrp_priority, 0, 1, 254, 100,
	"VRRP priority of the backup."),
    NUM("vrrp_advert_s", struct dcs_service_cfg, vrrp_advert_s, GT_MIN, 0, 40, 1,
	"VRRP advertisement interval (1 s)."),
};
static const struct spec service_spec =
    SPEC("a service", struct dcs_service_cfg, service_fields, check_service);

/* ---- clusters ---- */

static const char *const quorum_names[] = {"majority", "witness", "none", NULL};
static const char *const isolation_names[] = {"leave_powered_on", "power_off", NULL};

static const struct field node_fields[] = {
    ID("id", struct dcs_node_cfg, id, "Node identifier (unique in the scenario)."),
    REF("site", F_SITE, struct dcs_node_cfg, site, REQ, "Site of the node."),
};
static const struct spec node_spec = SPEC("a node", struct dcs_node_cfg, node_fields, NULL);

static void check_cluster(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_cluster_cfg *c = elem;
	c->service_on = 0;
	if (c->n_nodes < 2) {
		if (c->nodes)
			ld_error(L, obj, "nodes", "a cluster needs at least two nodes");
		return;
	}
	const cJSON *so = ld_member(obj, "service_on");
	if (so) {
		c->service_on = -1;
		if (!cJSON_IsString(so))
			ld_error(L, obj, "service_on", "must be a node id");
		else
			for (size_t k = 0; k < c->n_nodes; k++)
				if (c->nodes[k].id && strcmp(c->nodes[k].id, so->valuestring) == 0)
					c->service_on = (int)k;
		if (c->service_on < 0 && cJSON_IsString(so))
			ld_error(L, obj, "service_on", "no node named '%s' in this cluster",
				 so->valuestring);
	}
	c->quorum_given = ld_member(obj, "quorum") != NULL;
	bool vsphere = dcs_cluster_preset(c->preset)->mode == DCS_CLUSTER_VSPHERE_HA;
	if (!vsphere) {
		if (c->quorum == DCS_QUORUM_WITNESS && c->witness_site < 0)
			ld_error(L, obj, "witness_site", "quorum 'witness' needs a witness_site");
		static const char *const vs_keys[] = {"isolation_site", "isolation_response"};
		for (size_t k = 0; k < 2; k++)
			if (ld_member(obj, vs_keys[k]))
				ld_error(L, obj, vs_keys[k],
					 "applies to the vsphere_ha preset only (preset '%s')",
					 dcs_cluster_preset(c->preset)->name);
	} else {
		static const char *const ignored[] = {"quorum", "witness_site", "two_node",
						      "fence_s"};
		for (size_t k = 0; k < 4; k++)
			if (ld_member(obj, ignored[k]))
				ld_warning(
				    L, obj, ignored[k],
				    "ignored: vSphere HA has no quorum and fences nothing (a "
				    "failed host is told from a partitioned one by its datastore "
				    "heartbeats; VMFS locks keep a VM from running twice)");
	}
}

static const struct field cluster_fields[] = {
    ID("id", struct dcs_cluster_cfg, id, "Cluster identifier."),
    ARR("nodes", struct dcs_cluster_cfg, nodes, n_nodes, REQ, node_spec, "Cluster nodes."),
    CUSTOM("service_on", 0, "{\"type\": \"string\"}",
	   "Node that runs the service at the start (default: the first)."),
    LIST("preset", struct dcs_cluster_cfg, preset, 0, dcs_cluster_preset_list,
	 "Timer preset whose figures apply (table: Cluster presets)."),
    NUM("heartbeat_ms", struct dcs_cluster_cfg, heartbeat_ms, NODEF | GT_MIN, 0, 1e6, 0,
	"Heartbeat interval (default: the preset)."),
    INT("missed", struct dcs_cluster_cfg, missed, NODEF, 1, 100000, 0,
	"Heartbeats missed before a peer is dead (default: the preset)."),
    ENUM("quorum", struct dcs_cluster_cfg, quorum, 0, quorum_names, DCS_QUORUM_MAJORITY,
	 "majority, witness (third-site vote) or none."),
    REF("witness_site", F_SITE, struct dcs_cluster_cfg, witness_site, 0,
	"Site of the quorum witness."),
    NUM("fence_s", struct dcs_cluster_cfg, fence_s, NODEF, 0, 1e6, 0,
	"Fencing time (default: the preset's: corosync SBD msgwait 10, wsfc disk arbitration 7, "
	"vcs, vsphere_ha, custom 0)."),
    NUM("start_s", struct dcs_cluster_cfg, start_s, NODEF, 0, 1e6, 0,
	"Resource start time (default: the preset's, 20)."),
    BOOL("two_node", struct dcs_cluster_cfg, two_node, 0,
	 "Corosync two_node: quorum of 1 with wait_for_all."),
    NUM("arbitration_ms", struct dcs_cluster_cfg, arbitration_ms, NODEF, 0, 1e7, 0,
	"Membership and quorum settling after a peer is declared dead (default: corosync consensus "
	"1.2 x token, vsphere_ha 3000 for datastore heartbeats, else 0)."),
    REF("isolation_site", F_SITE, struct dcs_cluster_cfg, isolation_site, 0,
	"vsphere_ha: site of the isolation address every host pings (default: each host's own "
	"gateway)."),
    ENUM("isolation_response", struct dcs_cluster_cfg, isolation_response, 0, isolation_names,
	 DCS_ISOLATION_LEAVE_ON,
	 "vsphere_ha: an isolated host leaves its VMs powered on (the default) or powers them off "
	 "for a restart elsewhere."),
};
static const struct spec cluster_spec =
    SPEC("a cluster", struct dcs_cluster_cfg, cluster_fields, check_cluster);

/* ---- faults ---- */

static void check_fault(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_fault_cfg *f = elem;
	f->cluster = f->node = -1;
	const struct dcs_fault_kind_info *kind = dcs_fault_kind(f->kind);
	const char *key = dcs_fault_target_key(kind->target);
	if (kind->target == DCS_FAULT_ON_NODE) {
		const cJSON *n = ld_member(obj, "node");
		if (!cJSON_IsString(n)) {
			ld_error(L, obj, n ? "node" : NULL, "a %s fault names a 'node' (string id)",
				 kind->name);
		} else {
			/* By hash: many node faults against many nodes stay linear. */
			int found = ld_find_node(L, n->valuestring, &f->cluster, &f->node);
			if (found < 0)
				ld_error(L, obj, "node", "out of memory looking '%s' up",
					 n->valuestring);
			else if (found > 1)
				ld_error(L, obj, "node", "node id '%s' is in two clusters",
					 n->valuestring);
			else if (f->cluster < 0)
				ld_error(L, obj, "node", "no cluster node named '%s'",
					 n->valuestring);
		}
	} else if (key && !ld_member(obj, key)) {
		ld_error(L, obj, NULL, "a %s fault names a '%s'", kind->name, key);
	} else if (f->kind == DCS_FAULT_PATH_DOWN && f->link >= 0 &&
		   L->scn->links[f->link].underlay_paths < 2) {
		ld_error(L, obj, "link",
			 "path_down cuts one underlay path, but link '%s' has only one "
			 "(give it underlay_paths >= 2, or cut it with link_down)",
			 L->scn->links[f->link].id);
	}
	if (f->kind == DCS_FAULT_LINK_DEGRADE && isnan(f->bandwidth_gbps) && isnan(f->loss) &&
	    isnan(f->latency_ms))
		ld_error(L, obj, NULL,
			 "link_degrade changes at least one of bandwidth_gbps, loss, latency_ms");
	if (kind->target != DCS_FAULT_ON_NODE && ld_member(obj, "node"))
		ld_error(L, obj, "node", "applies to node faults only");
}

static const struct field fault_fields[] = {
    NUM("at_s", struct dcs_fault_cfg, at_s, REQ, 0, 1e9, 0, "When the fault happens."),
    LIST("kind", struct dcs_fault_cfg, kind, REQ, dcs_fault_kind_list,
	 "What fails (or recovers) (table: Fault kinds)."),
    REF("link", F_LINK, struct dcs_fault_cfg, link, 0, "Link, for link faults."),
    REF("site", F_SITE, struct dcs_fault_cfg, site, 0, "Site, for site, array and witness faults."),
    CUSTOM("node", 0, "{\"type\": \"string\"}", "Cluster node id, for node faults."),
    NUM("for_s", struct dcs_fault_cfg, for_s, NODEF | GT_MIN, 0, 1e9, 0,
	"Recover after this long (default: stays failed)."),
    NUM("bandwidth_gbps", struct dcs_fault_cfg, bandwidth_gbps, NODEF, 0, 100000, 0,
	"link_degrade: new line rate."),
    NUM("loss", struct dcs_fault_cfg, loss, NODEF, 0, 1, 0, "link_degrade: new loss ratio."),
    NUM("latency_ms", struct dcs_fault_cfg, latency_ms, NODEF, 0, 1e5, 0,
	"link_degrade: added one-way latency."),
};
static const struct spec fault_spec =
    SPEC("a fault", struct dcs_fault_cfg, fault_fields, check_fault);

/* ---- routing ---- */

static const char *const share_names[] = {"rtt", "equal", NULL};

static const struct field routing_fields[] = {
    BOOL("ecmp", struct dcs_routing_cfg, ecmp, 1,
	 "Hash each flow onto one of the equal-cost paths (true), or use one path per site pair."),
    ENUM("tcp_share", struct dcs_routing_cfg, tcp_share, 0, share_names, DCS_SHARE_RTT,
	 "How TCP streams share a bottleneck: rtt (in inverse proportion to each stream's loaded "
	 "RTT, as loss-based TCP) or equal (max-min per stream)."),
    NUM("igp_convergence_ms", struct dcs_routing_cfg, igp_convergence_ms, 0, 0, 1e7, 200,
	"From failure detection to rerouted traffic (SPF initial wait 200 ms, Cisco NX-OS/ACI OSPF "
	"timer policy; 5000 on classic IOS)."),
    NUM("bfd_ms", struct dcs_routing_cfg, bfd_ms, NODEF | GT_MIN, 0, 1e6, 0,
	"BFD detection time on every link (interval x multiplier; 150 = 3 x 50 ms; default: no "
	"BFD, or 150 ms on links with bfd)."),
};
static const struct spec routing_spec =
    SPEC("routing", struct dcs_routing_cfg, routing_fields, NULL);

/* ---- output and the top level ---- */

static const struct field output_fields[] = {
    NUM("sample_s", struct dcs_scenario, output.sample_s, GT_MIN, 0, 1e9, 1.0,
	"Sampling interval of links.csv and paths.csv."),
};
static const struct spec output_spec = {
    "output", sizeof(struct dcs_scenario), output_fields, 1, NULL, 0};

/* The up-front budget (docs/hardening.md): a scenario whose outputs, event
 * count or model state would exhaust memory or take hours is refused with
 * the estimate and the key to change, instead of being killed later.  The
 * estimates are coarse on purpose (within 2x): sampled rows cost about 350
 * bytes each in memory until written; a storage I/O is 2 events; a random
 * link failure 2; the quadratic tables are the cluster's node pairs (about
 * 64 bytes each) and the layer-2 MAC table (VMs x sites, about 32 bytes). */
#define BUDGET_SAMPLED_ROWS 4e6  /* under sim/app/run.c RUN_MAX_ROWS */
#define BUDGET_EVENTS       1e10 /* about half an hour at 5e6 events/s */
#define BUDGET_STATE_BYTES  2147483648.0

static void check_budget(struct ld *L, const cJSON *obj, const struct dcs_scenario *s)
{
	double dur = s->duration_s, dt = s->output.sample_s;
	if (!(dur > 0) || !(dt > 0))
		return; /* already an error */
	if (dt < 1e-9) {
		ld_error(L, obj, "output", "sample_s %.3g is below the 1 ns time resolution", dt);
		return;
	}
	double samples = floor(dur / dt), per_sample = 2.0 * (double)s->n_links;
	for (size_t k = 0; k < s->n_services; k++)
		per_sample += (double)s->services[k].n_clients;
	double rows = samples * per_sample;
	if (rows > BUDGET_SAMPLED_ROWS && samples <= 1e7) /* more: check_top says so */
		ld_error(
		    L, obj, "output",
		    "links.csv and paths.csv would hold %.3g rows (%.3g samples x %.0f per "
		    "sample), about %.3g GB in memory; at most %.0e rows: raise output.sample_s "
		    "to %.6g or shorten duration_s",
		    rows, samples, per_sample, rows * 350 / 1e9, BUDGET_SAMPLED_ROWS,
		    dur * per_sample / BUDGET_SAMPLED_ROWS);
	/* Events, naming the largest part. */
	double events = samples <= 1e7 ? samples * 3 : 0, top = events;
	char top_key[96] = "raise output.sample_s";
	for (size_t k = 0; k < s->storage.n_workloads; k++) {
		const struct dcs_workload_cfg *wl = &s->storage.workloads[k];
		double active = dur - wl->start_s;
		if (!isnan(wl->for_s) && wl->for_s < active)
			active = wl->for_s;
		double e = active > 0 ? 2 * wl->iops * active : 0;
		events += e;
		if (e > top) {
			top = e;
			snprintf(top_key, sizeof(top_key), "lower storage.workloads[%zu].iops", k);
		}
	}
	for (size_t k = 0; k < s->n_links; k++) {
		const struct dcs_link_cfg *l = &s->links[k];
		double e = l->mtbf_s > 0 ? 2 * dur / (l->mtbf_s + l->mttr_s) : 0;
		events += e;
		if (e > top) {
			top = e;
			snprintf(top_key, sizeof(top_key), "raise links[%zu].mtbf_s", k);
		}
	}
	if (events > BUDGET_EVENTS)
		ld_error(L, obj, NULL,
			 "this scenario would take about %.3g events (about %.2g hours at 5e6 "
			 "events/s); at most %.0e: %s or shorten duration_s",
			 events, events / 5e6 / 3600, BUDGET_EVENTS, top_key);
	/* Model state that grows with a product of counts. */
	double mac = 32.0 * (double)s->n_vms * (double)s->n_sites, pairs = 0;
	size_t big = 0;
	for (size_t k = 0; k < s->n_clusters; k++) {
		double n = (double)s->clusters[k].n_nodes;
		if (64 * n * n > pairs) {
			pairs = 64 * n * n;
			big = k;
		}
	}
	if (mac > BUDGET_STATE_BYTES)
		ld_error(L, obj, "vms",
			 "%zu VMs x %zu sites need about %.3g GB of layer-2 MAC tables; at most "
			 "%.3g GB: fewer VMs or sites",
			 s->n_vms, s->n_sites, mac / 1e9, BUDGET_STATE_BYTES / 1e9);
	if (pairs > BUDGET_STATE_BYTES)
		ld_error(
		    L, obj, "clusters",
		    "clusters[%zu] has %zu nodes: their node pairs need about %.3g GB; at most "
		    "%.3g GB: fewer nodes (%.0f at most)",
		    big, s->clusters[big].n_nodes, pairs / 1e9, BUDGET_STATE_BYTES / 1e9,
		    floor(sqrt(BUDGET_STATE_BYTES / 64)));
}

static void check_top(struct ld *L, const cJSON *obj, void *elem, size_t i)
{
	(void)i;
	struct dcs_scenario *s = elem;
	if (s->name && (strchr(s->name, '/') || strchr(s->name, '\\') || s->name[0] == '.'))
		ld_error(L, obj, "name",
			 "'%s' names the output directory: no slashes or leading dot", s->name);
	if (s->sites && s->n_sites == 0)
		ld_error(L, obj, "sites", "at least one site is needed");
	if (s->output.sample_s > 0 && s->duration_s / s->output.sample_s > 1e7)
		ld_error(L, obj, "output",
			 "duration_s / sample_s = %.3g samples per link; at most 1e7 (raise "
			 "output.sample_s to %.6g)",
			 s->duration_s / s->output.sample_s, s->duration_s / 1e7);
	for (size_t k = 0; k < s->n_faults && s->duration_s > 0; k++) /* 0: duration_s invalid */
		if (s->faults[k].at_s > s->duration_s)
			ld_error(L, obj, "faults",
				 "faults[%zu] at %.12g s is after the end (%.12g s)", k,
				 s->faults[k].at_s, s->duration_s);
	check_budget(L, obj, s); /* last: the other rules come first */
}

static const struct field top_fields[] = {
    INT("dcisim", struct dcs_scenario, version, REQ, 1, 1, 1, "Format version: 1."),
    ID("name", struct dcs_scenario, name, "Scenario name; results go to results/<name>/."),
    STR("description", struct dcs_scenario, description, 0, "What the scenario shows."),
    FLD("seed", F_U64, struct dcs_scenario, seed, 0, 0, 9007199254740992.0, 1, "Random seed."),
    NUM("duration_s", struct dcs_scenario, duration_s, REQ | GT_MIN, 0, 1e9, 0, "Simulated time."),
    ARR("sites", struct dcs_scenario, sites, n_sites, REQ, site_spec, "Data center sites."),
    ARR("links", struct dcs_scenario, links, n_links, 0, link_spec, "DCI links."),
    OBJ("routing", struct dcs_scenario, routing, routing_spec, "Routing and TCP sharing."),
    ARR("vms", struct dcs_scenario, vms, n_vms, 0, vm_spec, "Virtual machines."),
    OBJ("storage", struct dcs_scenario, storage, storage_spec, "Storage across the sites."),
    OBJ("migration", struct dcs_scenario, migration, policy_spec, "Migration engine and settings."),
    ARR("migrations", struct dcs_scenario, migrations, n_migrations, 0, migration_spec,
	"Planned migrations."),
    ARR("clusters", struct dcs_scenario, clusters, n_clusters, 0, cluster_spec, "HA clusters."),
    ARR("services", struct dcs_scenario, services, n_services, 0, service_spec,
	"Client-facing services."),
    ARR("faults", struct dcs_scenario, faults, n_faults, 0, fault_spec, "Injected faults."),
    GROUP("output", output_spec, "Output settings."),
};

const struct spec dcs_scenario_spec = {"the scenario", sizeof(struct dcs_scenario),
				       top_fields,     sizeof(top_fields) / sizeof(top_fields[0]),
				       check_top,      0};
