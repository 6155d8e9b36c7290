#!/usr/bin/env python3
"""Writes the scenarios of tests/validation/: published measurements of QEMU
live migrations, each reproduced as a dcisim scenario with the setup its
source states (docs/validation.md, "Live migration: published
measurements"; tests/test_migration_published.c reads them and asserts the
figures).  Run from this directory: python3 generate.py"""
import json

GIB_SILESIA_RATIO = 0.345  # zstd -1 on Silesia: ratio 2.896 (facebook/zstd README benchmark table)


def scenario(name, description, link_gbps, used_gib, memory_gib=64, channels=None,
             compression="none", rate_cap_mib_s=None, compress_mib_s=None, extra=None):
    mig = {"engine": "qemu", "max_downtime_ms": 100}
    if channels:
        mig["multifd_channels"] = channels
    if compression != "none":
        mig["compression"] = compression
    if rate_cap_mib_s:
        mig["rate_cap_mib_s"] = rate_cap_mib_s
    if compress_mib_s:
        mig["compress_mib_s"] = compress_mib_s
    # The hosts sit in one data center: a LAN link of the stated speed.
    return {
        "dcisim": 1, "name": name, "description": description, "seed": 1,
        "duration_s": 1000,
        "sites": [{"id": "src"}, {"id": "dst"}],
        "links": [{"id": "lan", "a": "src", "b": "dst", "distance_km": 0.1,
                   "bandwidth_gbps": link_gbps}],
        "vms": [dict({"id": "vm", "site": "src", "memory_gib": memory_gib, "used_gib": used_gib,
                      "vcpus": 16, "compress_ratio": GIB_SILESIA_RATIO}, **(extra or {}))],
        "migrations": [{"vm": "vm", "to": "dst", "at_s": 0}],
        "migration": mig,
    }


out = {}
# A: Liu, "[PATCH v8 0/7] Live Migration With IAA", qemu-devel, 2024-06-10:
# Sapphire Rapids, 16 vCPU / 64 GiB idle guest, 90 % of memory Silesia,
# downtime-limit 100, max-bandwidth 100G (network 100G) or 1G.
for comp in ("none", "zstd"):
    for ch in (2, 4, 8):
        for cap, cap_mib in (("100g", 102400), ("1g", 1024)):
            out[f"iaa-{comp}-{ch}ch-{cap}"] = scenario(
                f"iaa-{comp}-{ch}ch-{cap}",
                f"Liu 2024 (Live Migration With IAA v8): {comp}, {ch} multifd channels, "
                f"max-bandwidth {cap.upper()}",
                100, 57.6, channels=ch, compression=comp, rate_cap_mib_s=cap_mib)
# B: Liu, reply to "[PATCH v4 0/4] Implement using Intel QAT to offload ZLIB",
# qemu-devel, 2024-07: 64 GiB guest, 54 GiB Silesia, zstd, max-bandwidth 1G/10G.
for ch in (2, 4, 8):
    for cap, cap_mib in (("1g", 1024), ("10g", 10240)):
        out[f"qat-reply-zstd-{ch}ch-{cap}"] = scenario(
            f"qat-reply-zstd-{ch}ch-{cap}",
            f"Liu 2024 (reply on QATzip v4): zstd, {ch} channels, max-bandwidth {cap.upper()}",
            100, 54, channels=ch, compression="zstd", rate_cap_mib_s=cap_mib)
# C: QEMU docs/devel/migration/qatzip-compression.rst: 8 channels, 10 Gbps network,
# 64 GiB guest, 54 GiB Silesia.
for comp in ("none", "zstd"):
    out[f"qemu-doc-qatzip-{comp}-8ch-10gbps"] = scenario(
        f"qemu-doc-qatzip-{comp}-8ch-10gbps",
        f"QEMU qatzip-compression.rst: {comp}, 8 channels, 10 Gbps", 10, 54, channels=8,
        compression=comp, rate_cap_mib_s=102400)
# D: Wang, "[PATCH v4 0/4] Implement using Intel QAT to offload ZLIB", qemu-devel,
# 2024-07: 64 GiB guest, 60 GiB Silesia, ~50 Gbps (iperf3), 4/8/16 threads.
# zstd runs at this host's own per-channel speed (the 4-thread run).
for comp in ("none", "zlib", "zstd"):
    for ch in (4, 8, 16):
        out[f"qat-zlib-{comp}-{ch}ch"] = scenario(
            f"qat-zlib-{comp}-{ch}ch",
            f"Wang 2024 (QAT offload of ZLIB v4): {comp}, {ch} multifd threads, 50 Gbps",
            50, 60, channels=ch, compression=comp, rate_cap_mib_s=102400,
            compress_mib_s=281.7 if comp == "zstd" else None)
# E: QEMU docs dsa-zero-page-detection.rst (Wang, [PATCH v8 12/12], qemu-devel 2024-12-03):
# 100 GB guest (102400520 KiB), all zero pages, 8 channels, CPU zero checking.
out["dsa-zero-8ch"] = scenario(
    "dsa-zero-8ch", "QEMU dsa-zero-page-detection.rst: 100 GB of zero pages, 8 channels",
    100, 0, memory_gib=102400520 / 1048576, channels=8, rate_cap_mib_s=102400)

for name, scn in out.items():
    with open(name + ".json", "w") as f:
        json.dump(scn, f, indent=1)
        f.write("\n")
