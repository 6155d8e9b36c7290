"""Shared parts of the benchmark scripts in bench/: the evacuation
scenarios, timed runs with peak memory, and summary look-ups.

Peak memory comes from GNU time (`/usr/bin/time -f %M`, Debian package
`time`): a child's own ru_maxrss would include the Python parent's memory
at fork.  Without GNU time the memory columns are empty.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LINK_GBPS = 100
DISTANCE_KM = 80
ONE_WAY_S = DISTANCE_KM * 4.9e-6  # light in fibre, as dcisim (docs/models.md 1.1)
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def gen_evacuate():
    """scenarios/bench/gen-evacuate.py as a module: one size mix for all."""
    spec = importlib.util.spec_from_file_location(
        "gen_evacuate", os.path.join(ROOT, "scenarios", "bench", "gen-evacuate.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def peer_scenario(n, c):
    """N VMs of the evacuate-1000 mix leave dc1 over one 100 Gb/s link, C at
    a time, with dirty_mib_s 0 and one stream: N transfers of memory."""
    vms = gen_evacuate().vms(n, "dc1", 1000)
    for v in vms:
        v["dirty_mib_s"] = 0
    total_bytes = sum(v["memory_gib"] for v in vms) * 2**30
    return {
        "dcisim": 1,
        "name": "peer-evacuate-%d-%d" % (n, c),
        "description": "bench/peer-evacuate: %d VMs over one 100 Gb/s link, %d at a time"
                       % (n, c),
        "seed": 1,
        # Long enough for every transfer at the link's goodput, with margin.
        "duration_s": int(total_bytes * 8 / (LINK_GBPS * 1e9) * 1.5) + 100,
        "sites": [{"id": "dc1", "x": 0, "y": 0}, {"id": "dc2", "x": DISTANCE_KM, "y": 0}],
        "links": [{"id": "dci", "a": "dc1", "b": "dc2", "distance_km": DISTANCE_KM,
                   "bandwidth_gbps": LINK_GBPS, "technology": "dwdm", "lan_mtu": 9000,
                   "transport_mtu": 9216}],
        "vms": vms,
        "migrations": [{"evacuate": "dc1", "to": "dc2", "at_s": 0, "max_concurrent": c}],
        "migration": {"engine": "vmotion", "streams": 1},
        "output": {"sample_s": 1000.0},
    }


def rounds_scenario(n, c):
    """The evacuate-1000 benchmark (three sites, full pre-copy rounds with
    the mix's dirty rates) with N VMs, C at a time."""
    doc = gen_evacuate().evacuate_1000()
    doc["name"] = "evacuate-%d-%d" % (n, c)
    doc["vms"] = gen_evacuate().vms(n, "dc1", 1000)
    doc["migrations"][0]["max_concurrent"] = c
    doc["duration_s"] = max(doc["duration_s"], 8 * n)
    return doc


def run(cmd, what=None, cpu=None):
    """Runs cmd; returns (wall seconds, peak RSS in KiB or None, stdout).
    With cpu (a list), appends the run's user + system CPU seconds."""
    full = cmd
    if GNU_TIME:
        full = [GNU_TIME, "-f", "@@peak_kib=%M %U %S"] + cmd
    r0 = os.times()
    t0 = time.monotonic()
    p = subprocess.run(full, capture_output=True, text=True)
    wall = time.monotonic() - t0
    r1 = os.times()
    err = p.stderr
    peak = None
    if cpu is not None:
        cpu.append(r1.children_user - r0.children_user + r1.children_system -
                   r0.children_system)
    if GNU_TIME and "@@peak_kib=" in err:
        head, tail = err.rsplit("@@peak_kib=", 1)
        peak = int(tail.split()[0])
        err = head
    if p.returncode != 0:
        sys.stderr.write("%s: %s failed (exit %d):\n%s" %
                         (what or "bench", " ".join(cmd), p.returncode, err))
        sys.exit(3)
    return wall, peak, p.stdout


def summary_value(path, metric, entity=None):
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(",")
            if parts[0] == metric and (entity is None or parts[1] == entity):
                return float(parts[2])
    return float("nan")


def dcisim_path(arg):
    path = os.path.abspath(arg or os.environ.get("DCISIM") or
                           os.path.join(ROOT, "build", "dcisim"))
    if not os.access(path, os.X_OK):
        sys.stderr.write("bench: no dcisim at %s (build first, or --dcisim PATH)\n" % path)
        sys.exit(2)
    return path


def which(name):
    return shutil.which(name)
