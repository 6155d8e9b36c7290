# Warnings before a run starts: printed on stderr before the simulation runs
# (and for runs, kept in events.csv as warnings at time 0), silent with -q.
# A migration whose first round alone outlasts the run; ingress that follows
# a moving VM behind a single gateway; replications of a scenario in which
# nothing is random.
set -u
dcisim=${1:?usage: test_preflight.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1 TiB over 1 Gb/s: round 0 needs at least 1024 GiB / (125 MB/s x 1460/1538)
# = 9266 s, and the run ends 3590 s after the migration starts.
cat > "$tmp/big.json" <<'JSON'
{"dcisim": 1, "name": "big", "seed": 1, "duration_s": 3600,
 "sites": [{"id": "a"}, {"id": "b"}],
 "links": [{"id": "l", "a": "a", "b": "b", "distance_km": 50, "bandwidth_gbps": 1}],
 "vms": [{"id": "huge", "site": "a", "memory_gib": 1024, "dirty_mib_s": 10}],
 "migrations": [{"vm": "huge", "to": "b", "at_s": 10}]}
JSON
"$dcisim" run "$tmp/big.json" --out "$tmp/big" 2> "$tmp/big.txt" || fail "run big: $(cat "$tmp/big.txt")"
head -1 "$tmp/big.txt" | grep -q "warning: huge: migrations\[0\] cannot finish: .* needs at least 9266 s" ||
	fail "the first stderr line is not the estimate: $(head -3 "$tmp/big.txt")"
# ... before the run: the end-of-run warning and the summary come after it.
awk '/cannot finish/ {a = NR} /still migrating/ {b = NR} END {exit !(a && b && a < b)}' "$tmp/big.txt" ||
	fail "the estimate is not printed before the run: $(cat "$tmp/big.txt")"
grep -q '^0,warning,huge,"migrations\[0\] cannot finish' "$tmp/big/events.csv" ||
	fail "events.csv has no warning at 0 s: $(head -3 "$tmp/big/events.csv")"
"$dcisim" run "$tmp/big.json" --out "$tmp/big" -q 2> "$tmp/q.txt" || fail "run big -q"
[ ! -s "$tmp/q.txt" ] || fail "-q printed: $(cat "$tmp/q.txt")"
# Time enough: no warning.
sed 's/"duration_s": 3600/"duration_s": 9300/' "$tmp/big.json" > "$tmp/long.json"
"$dcisim" run "$tmp/long.json" --out "$tmp/long" 2> "$tmp/long.txt" || fail "run long"
! grep -q "cannot finish" "$tmp/long.txt" || fail "warned although 9300 s is enough"

# DNS ingress behind the default (single) gateway, with a VM that moves.
cat > "$tmp/dns.json" <<'JSON'
{"dcisim": 1, "name": "dns", "seed": 1, "duration_s": 120,
 "sites": [{"id": "a"}, {"id": "b"}],
 "links": [{"id": "l", "a": "a", "b": "b", "distance_km": 50, "bandwidth_gbps": 10}],
 "vms": [{"id": "web", "site": "a", "memory_gib": 2}],
 "migrations": [{"vm": "web", "to": "b", "at_s": 10}],
 "services": [{"id": "shop", "vm": "web", "ingress": "dns",
               "clients": [{"site": "b", "share": 1}]}]}
JSON
"$dcisim" run "$tmp/dns.json" --out "$tmp/dns" 2> "$tmp/dns.txt" || fail "run dns"
head -1 "$tmp/dns.txt" | grep -q "warning: shop: ingress follows web (dns) but the default gateway is a single VRRP master at a" ||
	fail "no gateway warning first: $(head -3 "$tmp/dns.txt")"
grep -q '^0,warning,shop,' "$tmp/dns/events.csv" || fail "events.csv has no gateway warning"
sed 's/"ingress": "dns"/"ingress": "dns", "gateway": "localized"/' "$tmp/dns.json" > "$tmp/local.json"
"$dcisim" run "$tmp/local.json" --out "$tmp/local" 2> "$tmp/local.txt" || fail "run localized"
! grep -q "VRRP master" "$tmp/local.txt" || fail "warned with a localized gateway"

# Replications of a scenario without randomness (metro-vmotion: one migration
# on a lossless link) are copies; of a storage scenario (Poisson I/O) they
# are not.
base=$(pwd)/scenarios
printf '{"dcisim_sweep": 1, "name": "reps", "base": "%s/metro-vmotion.json", "replications": 3, "grid": {"links[0].distance_km": [10, 20]}}\n' "$base" > "$tmp/reps.json"
"$dcisim" sweep "$tmp/reps.json" --out "$tmp/reps" 2> "$tmp/reps.txt" || fail "sweep reps: $(cat "$tmp/reps.txt")"
head -1 "$tmp/reps.txt" | grep -q "dcisim sweep: warning: reps: 3 replications of a scenario with no randomness" ||
	fail "no replication warning first: $(head -3 "$tmp/reps.txt")"
"$dcisim" sweep "$tmp/reps.json" --out "$tmp/reps2" -q 2> "$tmp/reps2.txt" || fail "sweep reps -q"
[ ! -s "$tmp/reps2.txt" ] || fail "sweep -q printed: $(cat "$tmp/reps2.txt")"
printf '{"dcisim_sweep": 1, "name": "sto", "base": "%s/storage-iscsi-10ms.json", "replications": 2, "grid": {"links[0].distance_km": [10]}}\n' "$base" > "$tmp/sto.json"
"$dcisim" sweep "$tmp/sto.json" --out "$tmp/sto" 2> "$tmp/sto.txt" || fail "sweep sto"
! grep -q "no randomness" "$tmp/sto.txt" || fail "warned about a stochastic scenario"
# A plan's replications of the same scenario: warned, and each value runs once.
cat > "$tmp/plan.json" <<JSON
{"dcisim_plan": 1, "name": "p", "base": "$base/metro-vmotion.json",
 "vary": {"path": "links[0].distance_km", "min": 10, "max": 100, "resolution": 10},
 "targets": [{"metric": "migration_downtime_ms", "entity": "web01", "max": 5000}],
 "replications": 4}
JSON
"$dcisim" plan "$tmp/plan.json" --out "$tmp/plan" > /dev/null 2> "$tmp/plan.txt" || fail "plan: $(cat "$tmp/plan.txt")"
grep -q "dcisim plan: warning: p: 4 replications of a scenario with no randomness" "$tmp/plan.txt" ||
	fail "no plan replication warning: $(cat "$tmp/plan.txt")"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['replications']; assert r['used'] == 1 and r['scenario'].startswith('deterministic (no model'), r" "$tmp/plan/plan.json" ||
	fail "plan.json replications"
echo "preflight warnings: migration estimate, single gateway, replications of sweeps and plans"
