#!/usr/bin/env python3
"""Writes tests/bad/plans/*.json, malformed plan files, and tests/bad/plans/expect.csv.

Each case is the valid plan BASE with one thing broken.  The expected line and
column of the first error come from an anchor string located in the text here,
independently of the loader's own position tracking, so tests/test_plan.c
checks the plan loader against this script, not against itself.  Run from the
repository root after changing a case:
    python3 tests/bad/plans/generate.py tests/bad/plans
"""
import csv, os, sys
out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
BASE = '''{
  "dcisim_plan": 1,
  "name": "%(name)s",
  "description": "Invalid on purpose: %(why)s",
  "base": "../../../scenarios/storage-mirror-80km.json",
  "vary": {"path": "links[0].distance_km", "min": 1, "max": 500, "resolution": 1},
  "targets": [
    {"metric": "storage_write_p99_ms", "entity": "dc1", "max": 5},
    {"metric": "storage_write_mean_ms", "entity": "dc2", "max": 3}
  ],
  "replications": 3,
  "confidence": 0.95
}
'''
cases = []
def case(name, why, old, new, anchor, path, fragment):
    cases.append((name, why, old, new, anchor, path, fragment))

# Targets: metric, entity, bound.
case("unknown-metric", "a metric nobody declares", '"storage_write_p99_ms"', '"storage_write_p999_ms"',
     '"storage_write_p999_ms"', "targets[0].metric",
     "unknown metric 'storage_write_p999_ms'; did you mean 'storage_write_p99_ms'?")
case("unknown-entity", "an entity the base scenario does not have", '"entity": "dc2"', '"entity": "dc3"',
     '"dc3"', "targets[1].entity",
     "the base scenario has no site, link, VM, service, cluster or node called 'dc3'; did you mean 'dc1'?")
case("target-unknown-key", "max misspelt", '"max": 5}', '"maxi": 5}', '"maxi"', "targets[0].maxi",
     "unknown key; did you mean 'max'?")
case("target-two-bounds", "both max and min", '"max": 3}', '"max": 3, "min": 1}',
     '{"metric": "storage_write_mean_ms"', "targets[1]", "give one of max, min or equals, not several")
case("target-no-bound", "no max, min or equals", ', "max": 3}', '}', '{"metric": "storage_write_mean_ms"',
     "targets[1]", "missing the bound: one of max")
case("equals-on-number", "equals on a number metric", '"max": 3}', '"equals": "3"}', '"3"}',
     "targets[1].equals", "storage_write_mean_ms is a number (ms); give max or min for it")
case("max-on-text", "max on a text metric", '"metric": "storage_write_mean_ms", "entity": "dc2", "max": 3',
     '"metric": "technology", "entity": "dci1", "max": 3', '3}', "targets[1].max",
     "technology is text")
case("target-missing-metric", "a target without a metric", '"metric": "storage_write_mean_ms", ', '',
     '{"entity": "dc2"', "targets[1]", "missing required key 'metric'")
case("targets-empty", "no targets", None, None, '[]', "targets", "must be a list of 1 to 32 targets")
# vary: path, range, resolution.
case("min-equals-max", "an empty range", '"min": 1, "max": 500', '"min": 500, "max": 500', '500, "resolution"',
     "vary.max", "must be greater than vary.min (500): the range is empty")
case("min-above-max", "min above max", '"min": 1, "max": 500', '"min": 600, "max": 500', '500, "resolution"',
     "vary.max", "must be greater than vary.min (600)")
case("resolution-zero", "a zero resolution", '"resolution": 1', '"resolution": 0', '0}', "vary.resolution",
     "must be a number greater than 0")
case("resolution-negative", "a negative resolution", '"resolution": 1', '"resolution": -2', '-2}',
     "vary.resolution", "must be a number greater than 0")
case("resolution-wider", "a step wider than the range", '"resolution": 1', '"resolution": 1000', '1000}',
     "vary.resolution", "1000 is wider than the range [1, 500]")
case("resolution-too-fine", "10^11 steps", '"resolution": 1', '"resolution": 0.000000001', '0.000000001}',
     "vary.resolution", "splits the range into more than 1000000000 steps")
case("path-no-container", "links misspelt", '"path": "links[0].distance_km"', '"path": "link[0].distance_km"',
     '"link[0].distance_km"', "vary.path", "the base scenario has no 'link'; did you mean 'links'?")
case("path-index", "a link that does not exist", '"path": "links[0].distance_km"',
     '"path": "links[3].distance_km"', '"links[3].distance_km"', "vary.path",
     "index 3 is out of range: the base scenario's links has 1 item")
case("path-not-a-key", "a key the format does not have", '"path": "links[0].distance_km"',
     '"path": "links[0].distance"', '"links[0].distance"', "vary.path",
     "links[0].distance is not a key of the scenario format")
case("path-not-a-number", "a choice, not a number", '"path": "links[0].distance_km"',
     '"path": "links[0].technology"', '"links[0].technology"', "vary.path", "links[0].technology is not a number")
case("path-syntax", "not a JSON path", '"path": "links[0].distance_km"', '"path": "links[x]"', '"links[x]"',
     "vary.path", "not a JSON path (expected a number inside [])")
case("min-out-of-range", "a negative distance", '"min": 1,', '"min": -5,', '-5,', "vary.min",
     "-5 is out of range for links[0].distance_km (must be >= 0)")
case("integer-key-fraction", "half a credit", '"path": "links[0].distance_km", "min": 1, "max": 500, "resolution": 1',
     '"path": "storage.fc.bb_credits", "min": 1, "max": 500, "resolution": 0.5', '0.5}', "vary.resolution",
     "storage.fc.bb_credits takes whole numbers")
case("end-invalid", "a background above the line rate at the top of the range",
     '"path": "links[0].distance_km", "min": 1, "max": 500, "resolution": 1',
     '"path": "links[0].background_gbps", "min": 0, "max": 20, "resolution": 0.5', '20,', "vary.max",
     "the scenario at links[0].background_gbps=20 is invalid: links[0].background_gbps:")
case("vary-missing-path", "vary without a path", '"path": "links[0].distance_km", ', '', '{"min"', "vary",
     "missing required key 'path'")
# Top level.
case("unknown-top-key", "replications misspelt", '"replications": 3', '"replication": 3', '"replication"',
     "replication", "unknown key; did you mean 'replications'?")
case("replications-zero", "no replications", '"replications": 3', '"replications": 0', '0,\n  "confidence"', "replications",
     "must be a whole number in [1, 1000]")
case("confidence-one", "certainty", '"confidence": 0.95', '"confidence": 1.5', '1.5', "confidence",
     "must be a number in [0.5, 0.999]")
case("missing-version", "no format version", '  "dcisim_plan": 1,\n', '', '{', "(top level)",
     "missing required key 'dcisim_plan'")
case("base-missing", "a base scenario that is not there", '"../../../scenarios/storage-mirror-80km.json"',
     '"../../../scenarios/no-such-scenario.json"', '"../../../scenarios/no-such-scenario.json"', "base",
     "cannot read the base scenario")

os.makedirs(out, exist_ok=True)
rows = []
for (name, why, old, new, anchor, path, fragment) in cases:
    t = BASE % {"name": name, "why": why}
    if name == "targets-empty":
        start = t.index('"targets": [') + len('"targets": ')
        end = t.index('],', start) + 1
        t = t[:start] + '[]' + t[end:]
    elif old is not None:
        assert old in t, (name, old)
        t = t.replace(old, new, 1)
    fn = name + ".json"
    with open(os.path.join(out, fn), "w") as f:
        f.write(t)
    assert anchor in t, (name, anchor)
    off = t.index(anchor)
    line = t.count("\n", 0, off) + 1
    col = off - (t.rfind("\n", 0, off) + 1) + 1
    rows.append((fn, line, col, path, fragment))
with open(os.path.join(out, "expect.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file", "line", "col", "path", "fragment"])
    for r in rows:
        w.writerow(r)
print(len(rows), "cases")
