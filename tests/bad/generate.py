#!/usr/bin/env python3
"""Writes tests/bad/*.json, malformed scenarios, and tests/bad/expect.csv.

Each case is the valid scenario BASE with one thing broken.  The expected
line and column of the first error come from an anchor string located in the
text here, independently of the loader's own position tracking, so
tests/test_loader.c checks the loader against this script, not against
itself.  Run from the repository root after changing a case:
    python3 tests/bad/generate.py tests/bad
"""
import csv, json, os, sys
out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
BASE = '''{
  "dcisim": 1,
  "name": "%(name)s",
  "description": "Invalid on purpose: %(why)s",
  "seed": 1,
  "duration_s": 60,
  "sites": [
    {"id": "dc1", "name": "Site A", "x": 0, "y": 0},
    {"id": "dc2", "name": "Site B", "x": 60, "y": 0},
    {"id": "wit", "name": "Witness", "x": 30, "y": 50}
  ],
  "links": [
    {"id": "dci1", "a": "dc1", "b": "dc2", "distance_km": 60,
     "bandwidth_gbps": 10, "technology": "evi", "transport_mtu": 1600, "lan_mtu": 1500,
     "background_gbps": 2.0, "loss": 0.0, "device_latency_us": 20},
    {"id": "wan-a", "a": "dc1", "b": "wit", "distance_km": 50, "bandwidth_gbps": 1,
     "technology": "l3"}
  ],
  "storage": {
    "mode": "active_active", "protocol": "fc", "preferred_site": "dc1", "witness_site": "wit",
    "arrays": [{"site": "dc1"}, {"site": "dc2"}],
    "workloads": [{"site": "dc1", "iops": 2000, "read_ratio": 0.7}],
    "fc": {"speed_gbps": 16, "bb_credits": 64}
  },
  "vms": [{"id": "web01", "site": "dc1", "memory_gib": 16, "dirty_mib_s": 120, "wws_gib": 2}],
  "migrations": [{"vm": "web01", "to": "dc2", "at_s": 10}],
  "services": [{"id": "app", "vm": "web01",
                "clients": [{"site": "dc1", "share": 0.5}, {"site": "dc2", "share": 0.5}]}],
  "clusters": [{"id": "db", "nodes": [{"id": "n1", "site": "dc1"}, {"id": "n2", "site": "dc2"}],
                "quorum": "witness", "witness_site": "wit"}],
  "faults": [{"at_s": 30, "kind": "link_down", "link": "dci1", "for_s": 10}],
  "output": {"sample_s": 1.0}
}
'''
cases = []
def case(name, why, old, new, anchor, path, fragment, nth=0, text=None, anchor_after=None):
    cases.append((name, why, old, new, anchor, path, fragment, nth, text, anchor_after))

# Unknown keys, with and without a suggestion.
case("unknown-key-top", "duration_s misspelt", '"duration_s": 60', '"duraton_s": 60',
     '"duraton_s"', "duraton_s", "unknown key; did you mean 'duration_s'?")
case("unknown-key-link", "distance without its unit", '"distance_km": 50', '"distance": 50',
     '"distance"', "links[1].distance", "did you mean 'distance_km'?")
case("unknown-key-nested", "bb_credit for bb_credits", '"bb_credits": 64', '"bb_credit": 64',
     '"bb_credit"', "storage.fc.bb_credit", "did you mean 'bb_credits'?")
case("unknown-key-no-match", "a key unlike any known one", '"output": {"sample_s": 1.0}',
     '"output": {"sample_s": 1.0, "colour": "blue"}', '"colour"', "output.colour",
     "unknown key (known in output: sample_s)")
# Wrong types.
case("wrong-type-string-for-number", "a number in quotes", '"distance_km": 60', '"distance_km": "60"',
     '"60"', "links[0].distance_km", "must be a number, not a string")
case("wrong-type-bool", "yes for true", '"protocol": "fc",', '"protocol": "fc", "write_acceleration": "yes",',
     '"yes"', "storage.write_acceleration", "must be true or false, not a string")
case("wrong-type-null", "seed null", '"seed": 1', '"seed": null', 'null,', "seed",
     "must be a number, not null")
case("wrong-type-sites-object", "sites as an object", '"sites": [', '"sites": {"list": [',
     '{"list"', "sites", "must be an array, not an object",
     text=lambda t: t.replace('{"id": "wit", "name": "Witness", "x": 30, "y": 50}\n  ],',
                              '{"id": "wit", "name": "Witness", "x": 30, "y": 50}\n  ]},'))
case("wrong-type-storage-array", "storage as an array", None, None, '[\n    "mode"', "storage",
     "must be an object, not an array",
     text=lambda t: t.replace('"storage": {\n    "mode": "active_active", "protocol": "fc", "preferred_site": "dc1", "witness_site": "wit",\n    "arrays": [{"site": "dc1"}, {"site": "dc2"}],\n    "workloads": [{"site": "dc1", "iops": 2000, "read_ratio": 0.7}],\n    "fc": {"speed_gbps": 16, "bb_credits": 64}\n  },',
                              '"storage": [\n    "mode", "active_active"\n  ],'))
case("not-an-object", "the top level is an array", None, None, '[', "(top level)",
     "must be an object, not an array", text=lambda t: '[\n  {"dcisim": 1}\n]\n')
# Out of range and not whole.
case("range-loss", "loss of 90%", '"loss": 0.0', '"loss": 0.9', '0.9', "links[0].loss",
     "0.9 is out of range: must be >= 0 and <= 0.5")
case("range-negative-distance", "negative distance", '"distance_km": 60', '"distance_km": -5',
     '-5', "links[0].distance_km", "-5 is out of range: must be >= 0")
case("range-zero-bandwidth", "zero bandwidth", '"bandwidth_gbps": 1,', '"bandwidth_gbps": 0,',
     '0,\n     "technology": "l3"', "links[1].bandwidth_gbps", "0 is out of range: must be > 0")
case("range-version", "format version 2", '"dcisim": 1', '"dcisim": 2', '2,', "dcisim",
     "2 is out of range: must be >= 1 and <= 1")
case("range-infinite", "a number too large for a double", '"duration_s": 60', '"duration_s": 1e400',
     '1e400', "duration_s", "must be a finite number")
case("not-whole", "half a byte of MTU", '"lan_mtu": 1500', '"lan_mtu": 1500.5', '1500.5',
     "links[0].lan_mtu", "must be a whole number, not 1500.5")
case("enum-typo", "otvv for otv", '"technology": "evi"', '"technology": "otvv"', '"otvv"',
     "links[0].technology", "unknown value 'otvv'; did you mean 'otv'?")
# References.
case("missing-site", "a link to a site that does not exist", '"b": "dc2", "distance_km": 60',
     '"b": "dc3", "distance_km": 60', '"dc3"', "links[0].b", "no site named 'dc3' (sites: dc1 dc2 wit)")
case("missing-vm", "a migration of an unknown VM", '"vm": "web01", "to": "dc2"',
     '"vm": "web99", "to": "dc2"', '"web99"', "migrations[0].vm", "no VM named 'web99' (vms: web01)")
case("missing-link", "a fault on an unknown link", '"link": "dci1"', '"link": "dci9"', '"dci9"',
     "faults[0].link", "no link named 'dci9' (links: dci1 wan-a)")
case("missing-node", "a fault on an unknown cluster node",
     '{"at_s": 30, "kind": "link_down", "link": "dci1", "for_s": 10}',
     '{"at_s": 30, "kind": "node_down", "node": "n7"}', '"n7"', "faults[0].node",
     "no cluster node named 'n7'")
# Duplicates.
case("duplicate-id", "two sites called dc1", '{"id": "dc2", "name": "Site B"',
     '{"id": "dc1", "name": "Site B"', '"dc1", "name": "Site B"', "sites[1].id",
     "duplicate id 'dc1' (also sites[0])")
case("duplicate-key", "distance_km given twice", '"distance_km": 50, "bandwidth_gbps": 1,',
     '"distance_km": 50, "bandwidth_gbps": 1, "distance_km": 70,', '"distance_km": 70',
     "links[1].distance_km", "duplicate key")
# Impossible MTU (SPEC 4.1: say so, with the figures).
case("mtu-impossible", "VXLAN adds 50 bytes to a 1500-byte LAN over a 1500-byte transport",
     '"technology": "evi", "transport_mtu": 1600', '"technology": "vxlan_evpn", "transport_mtu": 1500',
     '1500, "lan_mtu"', "links[0].transport_mtu",
     "impossible MTU: lan_mtu 1500 + vxlan_evpn encapsulation 50 = 1550 bytes exceeds transport_mtu 1500")
# Cross-field rules.
case("link-loop", "a link from a site to itself", '"b": "wit", "distance_km": 50',
     '"b": "dc1", "distance_km": 50', '"dc1", "distance_km": 50', "links[1].b",
     "a link joins two different sites ('dc1' twice)")
case("background-fills-link", "background equal to the line rate", '"background_gbps": 2.0',
     '"background_gbps": 10', '10, "loss"', "links[0].background_gbps",
     "background 10 Gbps leaves nothing of the 10 Gbps link")
case("storage-one-array", "a mirror with one array", '"arrays": [{"site": "dc1"}, {"site": "dc2"}]',
     '"arrays": [{"site": "dc1"}]', '[{"site": "dc1"}]', "storage.arrays",
     "active_active storage needs exactly 2 arrays, not 1")
case("witness-with-array", "the witness in a site with an array", '"witness_site": "wit"',
     '"witness_site": "dc2"', '"dc2",\n    "arrays"', "storage.witness_site",
     "the witness must be in a third site")
case("migrate-in-place", "a move to where the VM already runs", '"to": "dc2", "at_s": 10',
     '"to": "dc1", "at_s": 10', '"dc1", "at_s": 10', "migrations[0].to",
     "VM 'web01' already runs at 'dc1'")
case("client-shares", "client shares adding up to 0.8", '{"site": "dc2", "share": 0.5}',
     '{"site": "dc2", "share": 0.3}', '[{"site": "dc1", "share": 0.5}', "services[0].clients",
     "shares add up to 0.8, not 1")
WL = '"workloads": [{"site": "dc1", "iops": 2000, "read_ratio": 0.7}]'
case("queue-depth-zero", "a host that keeps no I/O outstanding", WL,
     WL[:-2] + ', "queue_depth": 0}]', '0}],\n    "fc"', "storage.workloads[0].queue_depth",
     "0 is out of range: must be >= 1 and <= 65536")
case("queue-depth-negative", "a negative queue depth", WL, WL[:-2] + ', "queue_depth": -4}]',
     '-4}]', "storage.workloads[0].queue_depth", "-4 is out of range: must be >= 1")
SVC = '"services": [{"id": "app", "vm": "web01",'
case("service-vm-and-cluster", "a service on a VM and a cluster at once", SVC,
     SVC + ' "cluster": "db",', '{"id": "app"', "services[0]",
     "a service names exactly one of 'vm' or 'cluster'")
case("service-no-server", "a service on neither a VM nor a cluster", SVC,
     '"services": [{"id": "app",', '{"id": "app"', "services[0]",
     "a service names exactly one of 'vm' or 'cluster'")
case("service-unknown-cluster", "a service on a cluster that does not exist", SVC,
     '"services": [{"id": "app", "cluster": "dbx",', '"dbx"', "services[0].cluster",
     "no cluster named 'dbx' (clusters: db)")
case("fault-after-end", "a fault after the end of the run", '"at_s": 30, "kind"', '"at_s": 90, "kind"',
     '[{"at_s": 90', "faults", "faults[0] at 90 s is after the end (60 s)")
case("wws-over-memory", "a working set larger than memory", '"wws_gib": 2', '"wws_gib": 20', '20}]',
     "vms[0].wws_gib", "writable working set 20 GiB exceeds memory 16 GiB")
# Protocols as practised (SPEC 6.3).
case("range-replication-round-trips", "a mirror with no round trip",
     '"protocol": "fc", "preferred_site"', '"protocol": "fc", "replication_round_trips": 0, "preferred_site"',
     '0, "preferred_site"', "storage.replication_round_trips",
     "0 is out of range: must be >= 1 and <= 16")
case("enum-fc-transport", "FCoE is not a DCI transport", '"bb_credits": 64}',
     '"bb_credits": 64, "transport": "fcoe"}', '"fcoe"', "storage.fc.transport",
     "unknown value 'fcoe'")
case("range-fcip-rtt", "an FCIP profile RTT beyond the MDS range", '"bb_credits": 64}',
     '"bb_credits": 64, "fcip_rtt_ms": 500}', '500}', "storage.fc.fcip_rtt_ms",
     "500 is out of range: must be >= 0 and <= 300")
case("range-nfs-outstanding", "NFS with no RPC in flight", '"bb_credits": 64}\n',
     '"bb_credits": 64},\n    "nfs": {"outstanding": 0}\n', '0}\n  },\n  "vms"',
     "storage.nfs.outstanding", "0 is out of range: must be >= 1 and <= 65536")
case("unknown-sync-product", "a product class not in the table",
     '"protocol": "fc", "preferred_site"', '"protocol": "fc", "sync_product": "vplex", "preferred_site"',
     '"vplex"', "storage.sync_product", "unknown value 'vplex'")
case("isolation-without-vsphere", "an isolation address for a corosync cluster",
     '"quorum": "witness", "witness_site": "wit"}]',
     '"quorum": "witness", "witness_site": "wit", "isolation_site": "dc1"}]', '"dc1"}]',
     "clusters[0].isolation_site", "applies to the vsphere_ha preset only (preset 'corosync')")
case("enum-bgp-session", "a BGP session type that does not exist",
     '"services": [{"id": "app", "vm": "web01",', '"services": [{"id": "app", "vm": "web01", "bgp_session": "obgp",',
     '"obgp"', "services[0].bgp_session", "unknown value 'obgp'")
case("range-mac-update", "a negative MAC update time", '"device_latency_us": 20}',
     '"device_latency_us": 20, "mac_update_ms": -1}', '-1}', "links[0].mac_update_ms",
     "-1 is out of range: must be >= 0")
MIG = '"migrations": [{"vm": "web01", "to": "dc2", "at_s": 10}],'
case("used-over-memory", "more touched memory than memory", '"wws_gib": 2', '"wws_gib": 2, "used_gib": 32',
     '32}]', "vms[0].used_gib", "touched memory 32 GiB exceeds memory 16 GiB")
case("used-and-zero-fraction", "both ways of giving zero pages", '"wws_gib": 2',
     '"wws_gib": 2, "used_gib": 8, "zero_fraction": 0.5', '0.5}]', "vms[0].zero_fraction",
     "give used_gib or zero_fraction, not both")
case("compress-ratio-zero", "a compression ratio of 0", '"wws_gib": 2', '"wws_gib": 2, "compress_ratio": 0',
     '0}]', "vms[0].compress_ratio", "out of range")
case("compress-ratio-over-one", "data that grows when compressed", '"wws_gib": 2',
     '"wws_gib": 2, "compress_ratio": 1.5', '1.5}]', "vms[0].compress_ratio", "out of range")
case("postcopy-vmotion", "post-copy with an engine that has none", MIG,
     MIG + '\n  "migration": {"engine": "vmotion", "postcopy": true},', 'true}', "migration.postcopy",
     "engine vmotion has no post-copy")
case("multifd-xen", "multifd channels on Xen", MIG,
     MIG + '\n  "migration": {"engine": "xen", "multifd_channels": 3},', '3}', "migration.multifd_channels",
     "multifd is QEMU's")
case("zstd-without-multifd", "QEMU zstd without multifd channels", MIG,
     MIG + '\n  "migration": {"engine": "qemu", "compression": "zstd"},', '"zstd"}', "migration.compression",
     "only on multifd channels")
case("postcopy-plan-vmotion", "post-copy asked of one vMotion plan", '"to": "dc2", "at_s": 10}',
     '"to": "dc2", "at_s": 10, "postcopy": true}', 'true}],', "migrations[0].postcopy",
     "engine vmotion has no post-copy")
case("missing-required", "no duration", '  "duration_s": 60,\n', '', '{', "(top level)",
     "missing required key 'duration_s'")
case("missing-required-nested", "a link without a bandwidth", '"distance_km": 50, "bandwidth_gbps": 1,',
     '"distance_km": 50,', '{"id": "wan-a"', "links[1]", "missing required key 'bandwidth_gbps'")
case("name-with-slash", "a name that would escape results/", '"name": "name-with-slash"',
     '"name": "../escape"', '"../escape"', "name", "no slashes or leading dot")
case("id-with-space", "an id with a space", '{"id": "wit", "name": "Witness"', '{"id": "w it", "name": "Witness"',
     '"w it"', "sites[2].id", "may not contain spaces, commas or quotes")
case("name-control-char", "a name with an escaped control character", '"name": "name-control-char"',
     '"name": "h\\u0001x"', '"h\\u0001x"', "name", "may not contain control characters (byte 0x01")
case("id-control-char", "a site id with an escaped bell", '{"id": "wit", "name": "Witness"',
     '{"id": "w\\u0007", "name": "Witness"', '"w\\u0007"', "sites[2].id",
     "may not contain control characters (byte 0x07 at character 2)")
case("sample-too-fine", "10^9 samples per link", '"output": {"sample_s": 1.0}',
     '"output": {"sample_s": 0.000001}', '{"sample_s": 0.000001}', "output", "at most 1e7")
# The network carries time (SPEC 6.1).
case("buffer-zero", "an egress buffer of no bytes", '"device_latency_us": 20}',
     '"device_latency_us": 20, "buffer_kib": 0}', '0},\n    {"id": "wan-a"', "links[0].buffer_kib",
     "0 is out of range: must be > 0")
case("buffer-negative", "a negative egress buffer", '"device_latency_us": 20}',
     '"device_latency_us": 20, "buffer_kib": -64}', '-64},\n    {"id": "wan-a"', "links[0].buffer_kib",
     "-64 is out of range: must be > 0")
case("path-down-one-path", "path_down on a link with one underlay path",
     '"kind": "link_down", "link": "dci1"', '"kind": "path_down", "link": "dci1"', '"dci1", "for_s"',
     "faults[0].link", "path_down cuts one underlay path, but link 'dci1' has only one")
case("tcp-share-unknown", "an unknown TCP sharing rule", '"output": {"sample_s": 1.0}',
     '"routing": {"tcp_share": "fair"},\n  "output": {"sample_s": 1.0}', '"fair"',
     "routing.tcp_share", "unknown value 'fair'")
# Malformed JSON.
case("truncated", "the file ends in the middle", None, None, None, None,
     "not valid JSON here (the text ends too soon)",
     text=lambda t: t[:t.index('"vms"') + 14])
case("trailing-garbage", "text after the closing brace", None, None, 'xyz', None,
     "unexpected text after the JSON value", text=lambda t: t + 'xyz\n')
case("missing-comma", "two members without a comma", '"seed": 1,', '"seed": 1', '"duration_s"',
     None, "not valid JSON here")
case("empty", "an empty file", None, None, None, None, "not valid JSON here (the text ends too soon)",
     text=lambda t: '')

case("unknown-key-unit", "a latency in the wrong unit", '"device_latency_us": 20',
     '"device_latency_ms": 0.02', '"device_latency_ms"', "links[0].device_latency_ms",
     "did you mean 'device_latency_us'?")
case("tricky-strings", "escaped quotes and brackets before the error", '"output": {"sample_s": 1.0}',
     '"output": {"sample_s": 1.0, "tags": "x"}', '"tags"', "output.tags", "unknown key",
     text=lambda t: t.replace('"description": "Invalid on purpose: escaped quotes and brackets before the error"',
                              '"description": "a \\"quoted\\" {brace} [bracket]: colon, \\u00e9, \\\\ and \\"\\""')
                     .replace('"name": "Site A"', '"name": "A\\\\\\"}]:\\\\"'))
case("minified", "all on one line", None, None, '"oops"', "links[1].loss",
     "must be a number, not a string",
     text=lambda t: json.dumps(dict(json.loads(t), links=[json.loads(t)["links"][0],
                                                          dict(json.loads(t)["links"][1], loss="oops")]),
                               separators=(",", ":")) + "\n")
case("nul-byte", "a NUL byte in the text", None, None, "", None, "NUL bytes",
     text=lambda t: t.replace('"seed": 1', '"seed": 1\0'))
case("deep-nesting", "arrays nested 1500 deep", None, None, None, None,
     "not valid JSON here (objects and arrays nest too deep)",
     text=lambda t: t.replace('"output": {"sample_s": 1.0}',
                              '"output": {"sample_s": 1.0}, "x": ' + "[" * 1500 + "]" * 1500))

os.makedirs(out, exist_ok=True)
rows = []
for (name, why, old, new, anchor, path, fragment, nth, text, anchor_after) in cases:
    t = BASE % {"name": name, "why": why}
    if old is not None:
        assert old in t, (name, old)
        t = t.replace(old, new, 1)
    if text:
        t = text(t)
    fn = name + ".json"
    with open(os.path.join(out, fn), "w") as f:
        f.write(t)
    if name == "deep-nesting":
        off = t.index("[" * 1500) + 999  # the bracket past cJSON's 1000 levels
    elif anchor is None:
        off = len(t)  # the end of the text
    else:
        assert anchor in t, (name, anchor)
        off = t.index(anchor)
    line = t.count("\n", 0, off) + 1
    col = off - (t.rfind("\n", 0, off) + 1) + 1
    rows.append((fn, line, col, path or "", fragment))
# Written by hand elsewhere (docs/models-l2l3.md cites it): only its row here.
t = open(os.path.join(out, "l2-mtu-mismatch.json")).read()
off = t.index('1500,\n      "lan_mtu"')
rows.append(("l2-mtu-mismatch.json", t.count("\n", 0, off) + 1, off - (t.rfind("\n", 0, off) + 1) + 1,
             "links[0].transport_mtu", "lan_mtu 1500 + otv encapsulation 42 = 1542 bytes exceeds transport_mtu 1500"))
with open(os.path.join(out, "expect.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file", "line", "col", "path", "fragment"])
    for r in rows:
        w.writerow(r)
print(len(rows), "cases")
