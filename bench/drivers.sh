#!/bin/sh
# bench/drivers.sh - key driver analysis speed: 1M observations x 15
# drivers, relative weights, exact Shapley values and a 200-resample
# bootstrap (bench/drivers_bench.c, in-process, the data generated in
# memory with a fixed seed). Prints the median of RUNS runs (default 5) and
# the ratio to the target (1 s on 2 cores: ratio < 1 meets it).
#
# Usage: bench/drivers.sh [ROWS [DRIVERS [BOOTSTRAP [RUNS]]]]
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" --target drivers_bench >/dev/null
rows=${1:-1000000} drivers=${2:-15} boot=${3:-200} runs=${4:-5}
target=1.0
line=$(build/bench/bench/drivers_bench "$rows" "$drivers" "$boot" "$runs")
echo "$line"
field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
awk -v m="$(field median_s)" -v t="$target" -v c="$(nproc)" -v cpu="$(field cpu_s)" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "median %.3f s against a target of %.1f s: ratio %.2fx (%s; %d cores, load %s)\n",
	       m, t, m / t, m <= t ? "meets it" : "misses it", c, load
	printf "CPU time %.3f s per run (user + system, both threads)\n", cpu }'
