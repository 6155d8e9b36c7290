# storage_series.csv, the storage latency over time (docs/models.md §3.8):
# its rows add up to storage.csv's `all` rows (counts exactly; the count-weighted mean to
# 1e-9 relative; the largest interval maximum is the run's maximum), every
# site and op that saw I/O has a row at every sample, and an interval in
# which writes were frozen (storage-witness-cut: the DCI cut at 60 s holds
# writes for detach_delay_s) has no completed writes at either site.
set -u
dcisim=${1:?usage: test_storage_series.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for s in storage-witness-cut demo-storage-distance; do
	"$dcisim" run "$s" --out "$tmp/$s" -q || fail "run $s"
done
# A run that ends between two samples has a last row at its end.
"$dcisim" run demo-storage-distance --until 10.5 --out "$tmp/until" -q || fail "run --until"
python3 - "$tmp" <<'PY' || fail "storage_series.csv"
import csv, sys
for name, times_want in (("storage-witness-cut", [float(k) for k in range(1, 201)]),
                         ("demo-storage-distance", [float(k) for k in range(1, 21)]),
                         ("until", [float(k) for k in range(1, 11)] + [10.5])):
    d = sys.argv[1] + "/" + name
    whole = {(r["site"], r["op"]): r for r in csv.DictReader(open(d + "/storage.csv"))
             if r.get("phase", "all") == "all"}
    rows = list(csv.DictReader(open(d + "/storage_series.csv")))
    assert rows, name
    times = sorted({float(r["time_s"]) for r in rows})
    assert times == times_want, (name, times[:3], times[-3:])
    by = {}
    for r in rows:
        by.setdefault((r["site"], r["op"]), []).append(r)
    assert set(by) == set(whole), (name, set(by) ^ set(whole))
    for key, rs in by.items():
        w = whole[key]
        n = sum(int(r["count"]) for r in rs)
        assert n == int(w["count"]), (name, key, n, w["count"])
        mean = sum(int(r["count"]) * float(r["mean_ms"]) for r in rs if int(r["count"])) / n
        assert abs(mean - float(w["mean_ms"])) <= 1e-9 * float(w["mean_ms"]), (name, key, mean, w["mean_ms"])
        mx = max(float(r["max_ms"]) for r in rs if int(r["count"]))
        assert mx == float(w["max_ms"]), (name, key, mx, w["max_ms"])
        first = min(float(r["time_s"]) for r in rs)
        assert len(rs) == len([t for t in times if t >= first]), (name, key, "a sample without a row")
        for r in rs:
            empty = int(r["count"]) == 0
            assert empty == (r["mean_ms"] == "" and r["p99_ms"] == ""), (name, r)
            if not empty:
                assert float(r["p50_ms"]) <= float(r["p99_ms"]) * (1 + 1/128), r
                assert float(r["p99_ms"]) <= float(r["max_ms"]), r
# The cut at 60 s freezes writes at both sites for the 5 s detach delay.
rows = list(csv.DictReader(open(sys.argv[1] + "/storage-witness-cut/storage_series.csv")))
frozen = [r for r in rows if r["op"] == "write" and 61 <= float(r["time_s"]) <= 64]
assert frozen and all(int(r["count"]) == 0 for r in frozen), frozen
before = [r for r in rows if r["op"] == "write" and float(r["time_s"]) == 59]
assert before and all(int(r["count"]) > 0 for r in before), before
PY
echo "storage_series.csv adds up to storage.csv; frozen writes show as empty intervals"
