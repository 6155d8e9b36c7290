/*
 * dcisim scenario: the plain, validated form of a scenario file.
 *
 * Contract: the loader (sim/io/) is the only code that sees JSON.  It fills
 * these structs, checks every type, range and reference, and resolves ids to
 * indices into the arrays below, so models never look anything up by name and
 * never see an invalid value.  A double that the file did not give and whose
 * default depends on another choice (an engine, a preset) is NaN; an integer
 * of that kind is -1; the model that owns the section resolves it.  A
 * reference that is absent is -1.  The scenario is immutable once loaded and
 * owned by whoever called dcs_scenario_load(); dcs_scenario_free() releases it.
 */
#ifndef DCISIM_SCENARIO_H
#define DCISIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dcs_tech {
	DCS_TECH_DWDM,
	DCS_TECH_VPLS,
	DCS_TECH_EVI,
	DCS_TECH_OTV,
	DCS_TECH_VXLAN_EVPN,
	DCS_TECH_L3,
	DCS_TECH_COUNT
};

struct dcs_site_cfg {
	char *id;
	char *name;
	double x, y;
	double bum_pps; /* broadcast/unknown/multicast frames per second offered to stretched VLANs */
};

struct dcs_link_cfg {
	char *id;
	int a, b; /* site indices */
	double distance_km;
	double route_factor;
	double bandwidth_gbps;
	enum dcs_tech technology;
	int transport_mtu;
	int lan_mtu;
	double background_gbps;
	double loss;
	double device_latency_us;
	bool bfd;      /* control-plane failure detection tracked by BFD */
	double mac_update_ms; /* control plane's MAC update origination; NaN: the technology's */
	double mtbf_s; /* random failures: mean time between failures, 0 = none */
	double mttr_s; /* mean time to repair */
	double buffer_kib;  /* egress buffer per direction; NaN: the port class's default */
	int underlay_paths; /* independent transport paths under the link (>= 1) */
};

enum dcs_tcp_share { DCS_SHARE_RTT, DCS_SHARE_EQUAL };

/* How the network routes and shares (SPEC §6.1). */
struct dcs_routing_cfg {
	bool ecmp;                 /* hash flows over equal-cost paths */
	enum dcs_tcp_share tcp_share;
	double igp_convergence_ms; /* from detection to rerouted traffic */
	double bfd_ms;             /* BFD detection time; NaN: no BFD unless a link asks */
};

enum dcs_storage_mode { DCS_STORAGE_SHARED, DCS_STORAGE_ACTIVE_ACTIVE, DCS_STORAGE_ASYNC };
enum dcs_storage_proto { DCS_PROTO_FC, DCS_PROTO_ISCSI, DCS_PROTO_NFS };
enum dcs_service_dist { DCS_DIST_EXP, DCS_DIST_FIXED };
enum dcs_split_brain { DCS_SPLIT_SUSPEND, DCS_SPLIT_ALLOW };
/* How FC crosses the DCI: native FC over optical transport (buffer
 * credits), or FCIP over an IP network (a TCP flow).  DEFAULT: from each
 * path's technologies (native only over dwdm). */
enum dcs_fc_transport { DCS_FC_TRANSPORT_DEFAULT = -1, DCS_FC_NATIVE, DCS_FC_FCIP };

struct dcs_array_cfg {
	int site;
	double read_ms, write_ms;
	int servers;
	enum dcs_service_dist service;
};

struct dcs_workload_cfg {
	int site; /* issuing site, or -1 when the workload belongs to a VM */
	int vm;   /* VM index, or -1 */
	double iops;
	double read_ratio;
	double block_kib;
	double start_s; /* I/O starts at this time */
	double for_s;   /* and lasts this long; NaN: until the end */
	int queue_depth; /* I/Os the host keeps outstanding at most (a closed loop) */
};

struct dcs_storage_cfg {
	bool present;
	enum dcs_storage_mode mode;
	enum dcs_storage_proto protocol;
	bool write_acceleration;
	int preferred_site;
	int witness_site;
	struct dcs_array_cfg *arrays;
	size_t n_arrays;
	struct dcs_workload_cfg *workloads;
	size_t n_workloads;
	int replication_round_trips; /* array-to-array mirror round trips per write */
	int sync_product;            /* row of the sync product table (dcisim/syncproducts.h) */
	struct {
		double speed_gbps;
		int bb_credits;
		enum dcs_fc_transport transport;
		double fcip_max_bandwidth_mbps; /* FCIP profile: the TCP sender's rate cap */
		double fcip_rtt_ms; /* FCIP profile: the round trip the window is sized for */
	} fc;
	struct {
		bool initial_r2t;
		bool immediate_data;
		double first_burst_kib;
		double max_burst_kib;
		int max_outstanding_r2t;
		double max_recv_data_segment_kib;
	} iscsi;
	struct {
		double wsize_kib;
		double rsize_kib;
		int outstanding; /* RPCs in flight per I/O */
	} nfs;
	double detach_delay_s;
	enum dcs_split_brain split_brain;
};

struct dcs_vm_cfg {
	char *id;
	int site;
	double memory_gib;
	double dirty_mib_s;
	double wws_gib;
	int vcpus;
	double used_gib;       /* touched memory; the rest are zero pages (default: memory_gib) */
	double zero_fraction;  /* as given (NaN if not); the loader turns it into used_gib */
	double compress_ratio; /* compressed / raw bytes (xbzrle: delta / page); 1 = incompressible */
};

enum dcs_evac_order { DCS_ORDER_AS_LISTED, DCS_ORDER_SMALLEST_FIRST, DCS_ORDER_LARGEST_FIRST };

struct dcs_migration_cfg {
	int vm;       /* a single VM, or -1 for an evacuation */
	int evacuate; /* site to empty, or -1 */
	int to;
	double at_s;
	int max_concurrent;
	enum dcs_evac_order order;
	int postcopy; /* -1: the policy's migration.postcopy; 0 or 1 for this plan */
};

enum dcs_no_progress { DCS_NOPROG_DEFAULT = -1, DCS_NOPROG_STUN, DCS_NOPROG_ABORT, DCS_NOPROG_FORCE };
enum dcs_compression { DCS_COMPRESS_NONE, DCS_COMPRESS_ZLIB, DCS_COMPRESS_ZSTD, DCS_COMPRESS_XBZRLE };

/* Engine settings; NaN / -1 means "the engine's default" (dcisim/migration_engines.h). */
struct dcs_migration_policy {
	int engine; /* row of the engine table (dcisim/migration_engines.h) */
	double max_downtime_ms;
	double switchover_ms;
	int streams;
	double tcp_window_kib;
	enum dcs_no_progress on_no_progress;
	int max_rounds;
	double rate_cap_mib_s;
	bool auto_converge;
	double max_switchover_s;
	double page_kib;
	double stall_timeout_s; /* a migration without a path this long fails */
	int multifd_channels;   /* qemu multifd channels (TCP streams and sender threads); -1: off */
	enum dcs_compression compression;
	double compress_mib_s;   /* sender compression throughput per channel (raw bytes) */
	double channel_mib_s;    /* sender throughput per channel without compression */
	double scan_gib_s;       /* rate at which the source walks guest memory for dirty and zero pages */
	double xbzrle_cache_mib; /* XBZRLE page cache */
	bool postcopy;           /* qemu postcopy-ram: switch to post-copy after some rounds */
	int postcopy_after_rounds;
};

enum dcs_ingress { DCS_INGRESS_NONE, DCS_INGRESS_DNS, DCS_INGRESS_RHI, DCS_INGRESS_LISP };
enum dcs_gateway { DCS_GW_SINGLE, DCS_GW_LOCALIZED };

struct dcs_client_cfg {
	int site;
	double share;
};

struct dcs_service_cfg {
	char *id;
	int vm;      /* the VM that serves it, or -1 */
	int cluster; /* or the cluster whose service it is (index), or -1 */
	double rps;
	double response_kib;
	double request_kib;
	double server_ms;
	struct dcs_client_cfg *clients;
	size_t n_clients;
	enum dcs_ingress ingress;
	double dns_ttl_s;
	double dns_violator_share;
	double dns_client_floor_s;
	double dns_violator_hold_s;   /* NaN: the dns method's */
	double health_check_s;        /* RHI mark-down; NaN: the rhi method's */
	double probe_up_s;            /* RHI mark-up; NaN: the rhi method's */
	int bgp_session;              /* enum dcs_bgp_session (dcisim/ingress.h) */
	double routing_convergence_s; /* NaN: the session's advertisement interval */
	enum dcs_gateway gateway;
	int vrrp_priority;
	double vrrp_advert_s;
};

enum dcs_quorum { DCS_QUORUM_MAJORITY, DCS_QUORUM_WITNESS, DCS_QUORUM_NONE };
enum dcs_isolation_response { DCS_ISOLATION_LEAVE_ON, DCS_ISOLATION_POWER_OFF };

struct dcs_node_cfg {
	char *id;
	int site;
};

/* Timers left at NaN / -1 come from the preset (dcisim/presets.h). */
struct dcs_cluster_cfg {
	char *id;
	struct dcs_node_cfg *nodes;
	size_t n_nodes;
	int service_on; /* node index */
	int preset;     /* row of the preset table (dcisim/presets.h) */
	double heartbeat_ms;
	int missed;
	enum dcs_quorum quorum;
	int witness_site;
	double fence_s;
	double start_s;
	bool two_node;
	double arbitration_ms; /* membership/quorum settling after a death (default: the preset) */
	/* vSphere HA: where a host pings to tell isolation from a partition
	 * (-1: its own site's gateway), and what an isolated host does. */
	int isolation_site;
	enum dcs_isolation_response isolation_response;
	bool quorum_given; /* `quorum` was in the file (ignored by vSphere HA) */
};

enum dcs_fault_kind {
	DCS_FAULT_LINK_DOWN,
	DCS_FAULT_LINK_UP,
	DCS_FAULT_LINK_DEGRADE,
	DCS_FAULT_SITE_DOWN,
	DCS_FAULT_SITE_UP,
	DCS_FAULT_NODE_DOWN,
	DCS_FAULT_NODE_UP,
	DCS_FAULT_ARRAY_DOWN,
	DCS_FAULT_ARRAY_UP,
	DCS_FAULT_WITNESS_DOWN,
	DCS_FAULT_WITNESS_UP,
	DCS_FAULT_PATH_DOWN
};

struct dcs_fault_cfg {
	double at_s;
	enum dcs_fault_kind kind;
	int link;    /* link faults */
	int site;    /* site_down, array_down (the array at this site), witness_down */
	int cluster; /* node faults: cluster index */
	int node;    /* node faults: node index within the cluster */
	double for_s; /* NaN: until a matching *_up fault or the end */
	double bandwidth_gbps; /* link_degrade: NaN keeps the current value */
	double loss;
	double latency_ms; /* added one-way latency */
};

struct dcs_scenario {
	char *path; /* file it came from, for messages */
	/* Warnings the loader found (FILE:LINE:COL: warning: ... lines): the
	 * scenario is valid, but something in it is outside what vendors
	 * support.  Printed by the commands unless quiet. */
	char **warnings;
	size_t n_warnings;
	char text_sha256[65]; /* SHA-256 of the text it was loaded from (provenance) */
	int version;
	char *name;
	char *description;
	uint64_t seed;
	double duration_s;
	struct dcs_site_cfg *sites;
	size_t n_sites;
	struct dcs_link_cfg *links;
	size_t n_links;
	struct dcs_routing_cfg routing;
	struct dcs_vm_cfg *vms;
	size_t n_vms;
	struct dcs_storage_cfg storage;
	struct dcs_migration_policy migration;
	struct dcs_migration_cfg *migrations;
	size_t n_migrations;
	struct dcs_service_cfg *services;
	size_t n_services;
	struct dcs_cluster_cfg *clusters;
	size_t n_clusters;
	struct dcs_fault_cfg *faults;
	size_t n_faults;
	struct {
		double sample_s;
	} output;
};

const char *dcs_tech_name(enum dcs_tech t);

#endif
