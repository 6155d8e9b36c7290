#!/usr/bin/env python3
"""Runs a scenario with every numeric key, in turn, at the ends of its range.

    tests/fuzz/extremes.py DCISIM SCENARIO.json [--wall S] [--jobs N]

For each object of the scenario and each number the schema (scenarios/
schema.json) allows there, present or not, the scenario is run with that
one value at its minimum (just above it when the minimum is exclusive), at
its maximum, and at a tiny positive value: the ends a hand-edited file can
reach.  Each run gets --max-wall-s S (default 5).  Printed, one line each:
a crash (a signal or an exit other than 0, 2 or 3), a run stopped by the
wall-clock limit (a hang, or a scenario too big to refuse up front), and,
with -v, every run.  Exit 1 when something was found.  The loader refusing a
value (exit 2) is fine: that is a clear error.
"""
import concurrent.futures
import copy
import json
import os
import subprocess
import sys
import tempfile


def variants(schema, node, path):
    """(path, key, value) triples for numbers the schema allows in node."""
    if not isinstance(node, dict) or schema.get("type") != "object":
        return
    for key, sub in schema.get("properties", {}).items():
        p = f"{path}.{key}" if path else key
        t = sub.get("type")
        if t in ("number", "integer"):
            lo = sub.get("minimum", sub.get("exclusiveMinimum"))
            hi = sub.get("maximum")
            vals = set()
            if lo is not None:
                vals.add(lo if "minimum" in sub else (1 if t == "integer" else lo + 1e-9))
            if hi is not None:
                vals.add(hi)
            if t == "number" and (lo is None or lo < 1e-12):
                vals.add(1e-12)
            for v in sorted(vals):
                yield (p, key, node, v)
        elif t == "object" and key in node:
            yield from variants(sub, node[key], p)
        elif t == "array" and isinstance(node.get(key), list) and node[key]:
            yield from variants(sub["items"], node[key][0], p + "[0]")


def run_one(dcisim, scn, path, key, obj_id, value, wall, tmp):
    doc = copy.deepcopy(scn)
    target = objects[obj_id](doc)
    target[key] = value
    fd, f = tempfile.mkstemp(suffix=".json", dir=tmp)
    with os.fdopen(fd, "w") as fp:
        json.dump(doc, fp)
    out = f + ".out"
    try:
        r = subprocess.run([dcisim, "run", f, "--out", out, "-q", "--max-wall-s", str(wall)],
                           capture_output=True, text=True, timeout=wall * 6 + 30)
        rc = r.returncode
        err = r.stderr.strip().splitlines()
    except subprocess.TimeoutExpired:
        rc, err = "timeout", []
    note = ""
    try:
        with open(os.path.join(out, "run.json")) as fp:
            rj = json.load(fp)
        note = f'{rj.get("note", "")} at {rj.get("simulated_s")} s of {doc["duration_s"]} s'
    except (OSError, ValueError):
        pass
    return path, value, rc, note, err[-1] if err else ""


objects = {}


def collect(schema, node, path, getter):
    """Remembers how to reach each object of the document (by path)."""
    if not isinstance(node, dict):
        return
    objects[path] = getter
    for key, sub in schema.get("properties", {}).items():
        if key not in node:
            continue
        p = f"{path}.{key}" if path else key
        if sub.get("type") == "object":
            collect(sub, node[key], p, lambda d, g=getter, k=key: g(d)[k])
        elif sub.get("type") == "array" and isinstance(node[key], list) and node[key]:
            collect(sub["items"], node[key][0], p + "[0]",
                    lambda d, g=getter, k=key: g(d)[k][0])


def main():
    import argparse
    ap = argparse.ArgumentParser(description="numeric keys at the ends of their ranges")
    ap.add_argument("dcisim")
    ap.add_argument("scenario")
    ap.add_argument("--wall", type=float, default=5.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    dcisim, scenario, wall, jobs, verbose = a.dcisim, a.scenario, a.wall, a.jobs, a.v
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "scenarios", "schema.json")) as fp:
        schema = json.load(fp)
    with open(scenario) as fp:
        scn = json.load(fp)
    collect(schema, scn, "", lambda d: d)
    todo = []
    for path, key, node, value in variants(schema, scn, ""):
        obj_path = path.rsplit(".", 1)[0] if "." in path else ""
        todo.append((path, key, obj_path, value))
    found = 0
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(run_one, dcisim, scn, p, k, o, v, wall, tmp) for p, k, o, v in todo]
        for fu in futs:
            path, value, rc, note, last = fu.result()
            bad = rc not in (0, 2, 3) or "max-wall-s" in note or "pending" in note
            if bad:
                found += 1
            if bad or verbose:
                print(f"{'FOUND' if bad else 'ok   '} {path} = {value}: exit {rc} {note} {last}")
    print(f"extremes: {len(todo)} runs of {scenario}, {found} found")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
