#!/bin/sh
# bench/report.sh - query speed: NPS by touchpoint by month, region = Norte.
#
# Usage: bench/report.sh [ROWS...]   (default: 1000000 10000000)
# For each size: generates the CSV (bench/gen_responses.c) and imports it
# into a database holding the sample journey, both reused when already there
# (under $TP_BENCH_DIR, default build/bench/out). Then times one query:
#   - touchpoint: bench/report_bench.c, in-process: the dataset is opened
#     once (reported as "open"), then the query runs 21 times;
#   - sqlite3: the same aggregation as SQL on the same database file, the
#     CLI run 3 times (hyperfine);
#   - DuckDB: bench/duckdb/report.mjs, the CSV loaded into an in-memory
#     table (reported as "load"), then the query run 21 times on 2 threads.
# Prints medians (and minimums) in ms with the ratio comparator / touchpoint,
# and checks that the three found the same groups (count, sum of n, sum of
# NPS to 1e-6): a mismatch fails the benchmark.
set -eu
cd "$(dirname "$0")/.."
scripts/deps bench
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" >/dev/null
command -v npm >/dev/null || { echo "bench/report.sh: npm is needed for the DuckDB comparator (apt-get install npm)" >&2; exit 1; }
if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
	(cd bench/duckdb && npm ci --no-audit --no-fund >/dev/null)
fi
out=${TP_BENCH_DIR:-build/bench/out}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: report.mjs runs in bench/duckdb
tp=build/bench/touchpoint
[ $# -eq 0 ] && set -- 1000000 10000000

die() { echo "bench/report.sh: $*" >&2; exit 1; }

# field KEY LINE: the value of KEY=VALUE in LINE.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# prepare N: makes $csv and $db hold N responses, reusing what is there.
prepare() {
	csv="$out/responses-$1.csv"
	db="$out/tp-$1.db"
	if [ ! -f "$csv" ]; then
		build/bench/bench/gen_responses "$1" 1 >"$csv.tmp"
		mv "$csv.tmp" "$csv"
	fi
	count=0
	[ -f "$db" ] && count=$(sqlite3 -readonly "$db" "SELECT count(*) FROM response" 2>/dev/null || echo 0)
	[ "$count" = "$1" ] && return
	echo "importing $csv into $db ..." >&2
	rm -f "$db" "$db-wal" "$db-shm"
	$tp --db "$db" journey import examples/journey-telecom.json >/dev/null
	$tp --db "$db" import "$csv" >/dev/null
	count=$(sqlite3 -readonly "$db" "SELECT count(*) FROM response")
	[ "$count" = "$1" ] || die "$db holds $count responses, not $1"
}

# sqlite_sql DB: the query for sqlite3 (the region column is a<attribute id>).
sqlite_sql() {
	rid=$(sqlite3 -readonly "$1" "SELECT id FROM attribute WHERE name = 'region'")
	[ -n "$rid" ] || die "$1 has no attribute 'region'"
	cat <<EOF
SELECT t.key, strftime('%Y-%m', r.submitted_at, 'unixepoch') AS month, count(*) AS n,
       100.0 * (sum(r.nps >= 9) - sum(r.nps <= 6)) / count(*) AS nps
FROM response r JOIN touchpoint t ON t.id = r.touchpoint_id
WHERE r.respondent_type = 0 AND r.nps IS NOT NULL
  AND r.a$rid = (SELECT v.id FROM attribute_value v
                 WHERE v.attribute_id = $rid AND v.value = 'Norte')
GROUP BY t.key, month
ORDER BY min(t.position), month;
EOF
}

# run_sqlite DB: prints "median_ms=M min_ms=M groups=G n=N nps_sum=X".
run_sqlite() {
	sqlite_sql "$1" >"$out/report.sql"
	sum=$(sqlite3 -readonly "$1" ".read $out/report.sql" | awk -F'|' '
		{ g++; n += $3; s += $4 }
		END { printf "groups=%d n=%d nps_sum=%.6f", g, n, s }')
	hyperfine --runs 3 --style none --command-name sqlite3 --export-csv "$out/hyperfine.csv" \
		"sqlite3 -readonly '$1' '.read $out/report.sql'" >/dev/null 2>"$out/hyperfine.err" || {
		cat "$out/hyperfine.err" >&2
		exit 1
	}
	awk -F, -v sum="$sum" 'NR == 2 {
		printf "median_ms=%.3f min_ms=%.3f %s\n", $4 * 1000, $7 * 1000, sum }' "$out/hyperfine.csv"
}

checksum() { echo "groups=$(field groups "$1") n=$(field n "$1") nps_sum=$(field nps_sum "$1")"; }

for n in "$@"; do
	prepare "$n"
done
printf '%-10s %-12s %12s %14s %12s %9s\n' rows tool open/load_s median_ms min_ms ratio
for n in "$@"; do
	csv="$out/responses-$n.csv"
	db="$out/tp-$n.db"
	tp_line=$(build/bench/bench/report_bench "$db" 21)
	sq_line=$(run_sqlite "$db")
	dk_line=$(cd bench/duckdb && node report.mjs "$csv" 21)
	tp_ms=$(field median_ms "$tp_line")
	for tool in touchpoint sqlite3 duckdb; do
		case $tool in
		touchpoint) line=$tp_line s=$(field open_s "$line") ;;
		sqlite3) line=$sq_line s=- ;;
		duckdb) line=$dk_line s=$(field load_s "$line") ;;
		esac
		awk -v n="$n" -v tool="$tool" -v s="$s" -v med="$(field median_ms "$line")" \
			-v min="$(field min_ms "$line")" -v base="$tp_ms" 'BEGIN {
			printf "%-10d %-12s %12s %14.1f %12.1f %9s\n", n, tool,
				s == "-" ? s : sprintf("%.2f", s), med, min, sprintf("%.1fx", med / base)
		}'
	done
	tp_sum=$(checksum "$tp_line")
	sq_sum=$(checksum "$sq_line")
	dk_sum=$(checksum "$dk_line")
	if [ "$tp_sum" != "$sq_sum" ] || [ "$tp_sum" != "$dk_sum" ]; then
		printf 'CHECKSUMS DIFFER (%s rows):\n  touchpoint %s\n  sqlite3    %s\n  duckdb     %s\n' \
			"$n" "$tp_sum" "$sq_sum" "$dk_sum" >&2
		exit 1
	fi
	echo "           checksums agree: $tp_sum"
	awk -v t="$tp_ms" -v sq="$(field median_ms "$sq_line")" -v dk="$(field median_ms "$dk_line")" 'BEGIN {
		printf "           targets: < 50 ms %s; >= 50x sqlite3 %s; >= 5x DuckDB %s\n",
			(t < 50 ? "met" : "NOT met"), (sq / t >= 50 ? "met" : "NOT met"),
			(dk / t >= 5 ? "met" : "NOT met")
	}'
done
echo "(median of 21 in-process runs for touchpoint and DuckDB, of 3 CLI runs for sqlite3;"
echo " ratio = tool's median / touchpoint's median; open/load not included in the query)"
