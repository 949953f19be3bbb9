#!/bin/sh
# bench/import.sh - import speed and peak memory against sqlite3's .import.
#
# Usage: bench/import.sh [ROWS...]   (default: 1000000 10000000)
# For each size: generates a CSV, imports it with `touchpoint import` into a
# new database holding the sample journey (WAL, synchronous=FULL, one
# transaction, dictionary-encoded attributes, duplicate check on
# response_id), then with `sqlite3 DB ".import --csv"` into a plain table as
# the comparator. Each is run 3 times on a fresh database; the median wall
# time is reported with peak memory (max RSS from /usr/bin/time) and the ratio.
set -eu
cd "$(dirname "$0")/.."
scripts/deps bench
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" >/dev/null
out=${TP_BENCH_DIR:-build/bench/out}
mkdir -p "$out"
tp=build/bench/touchpoint
[ $# -eq 0 ] && set -- 1000000 10000000

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run_timed LABEL CMD...: prints "seconds maxrss_kb"
run_timed() {
	/usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || {
		cat "$out/stderr.txt" >&2
		exit 1
	}
	cat "$out/time.txt"
}

printf '%-10s %-12s %10s %12s %10s %8s\n' rows tool seconds rows/s peak_MB ratio
for n in "$@"; do
	csv="$out/responses-$n.csv"
	[ -f "$csv" ] || build/bench/bench/gen_responses "$n" 1 >"$csv"
	tp_times="" sq_times="" tp_mem=0 sq_mem=0
	for i in 1 2 3; do
		rm -f "$out"/tp.db*
		$tp --db "$out/tp.db" journey import examples/journey-telecom.json >/dev/null
		set -- $(run_timed $tp --db "$out/tp.db" import "$csv")
		tp_times="$tp_times $1"
		[ "$2" -gt "$tp_mem" ] && tp_mem=$2
		count=$(sqlite3 "$out/tp.db" "SELECT count(*) FROM response")
		[ "$count" -eq "$n" ] || { echo "touchpoint stored $count of $n rows" >&2; exit 1; }
		rm -f "$out"/sq.db*
		set -- $(run_timed sqlite3 "$out/sq.db" ".import --csv $csv responses")
		sq_times="$sq_times $1"
		[ "$2" -gt "$sq_mem" ] && sq_mem=$2
	done
	tp_s=$(echo $tp_times | tr ' ' '\n' | median)
	sq_s=$(echo $sq_times | tr ' ' '\n' | median)
	size=$(du -m "$csv" | cut -f1)
	awk -v n="$n" -v t="$tp_s" -v s="$sq_s" -v tm="$tp_mem" -v sm="$sq_mem" -v mb="$size" 'BEGIN {
		printf "%-10d %-12s %10.2f %12.0f %10.1f %8s\n", n, "touchpoint", t, n / t, tm / 1024, sprintf("%.2fx", s / t)
		printf "%-10d %-12s %10.2f %12.0f %10.1f %8s\n", n, "sqlite3", s, n / s, sm / 1024, "1.00x"
		printf "           (file %d MB; ratio = sqlite3 time / touchpoint time, median of 3)\n", mb
	}'
done
