#!/usr/bin/env bash
# Short packet-level check run by ctest: one window-limited TCP flow over a
# 1 Gb/s, 20 ms path in ns-3 (1 simulated second) against dcisim's window
# cap, to 5 % (the full comparison is scripts/ns3-validation).
#   bash tests/validation/smoke.sh DCISIM_TCP_CASES [NS3_TCP_CASES]
# Exits 77 when ns-3 was not found at configure time.
set -u
dc=$1
ns=${2:-}
if [ -z "$ns" ] || [ ! -x "$ns" ]; then
	echo "SKIP: ns-3 3.37 (Debian libns3-dev) not found when the build was configured"
	exit 77
fi
a=$("$dc" window 1 20 262144 1000000 | awk -F, '$2 == "goodput_Bps_0" {print $3}')
b=$("$ns" window 1 20 262144 1000000 | awk -F, '$2 == "goodput_Bps_0" {print $3}')
echo "window-limited flow, 256 KiB over 20 ms at 1 Gb/s: dcisim $a B/s, ns-3 $b B/s"
awk -v a="$a" -v b="$b" 'BEGIN { r = a / b; printf "ratio %.4f (tolerance 5%%)\n", r; exit !(r > 0.95 && r < 1.05) }'
