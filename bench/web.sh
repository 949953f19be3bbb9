#!/bin/sh
# bench/web.sh - the web server's write throughput, page latency and
# durability under kill -9.
#
# Usage: bench/web.sh [SECONDS]   (default 10 seconds per wrk run)
# Environment: TP_BENCH_CONNECTIONS (section 1's wrk connections, default
# 64), TOUCHPOINT_THREADS (the server's worker threads, as `serve
# --threads`; default: the server's own).
# Builds build/bench (Release) when needed (or uses $TOUCHPOINT_BIN), then
# on fresh databases:
#  1. survey answers: wrk, 64 connections (TP_BENCH_CONNECTIONS), POSTs distinct answers to one
#     shared link /s/TOKEN (bench/web/survey.lua); then counts the rows
#     stored against the 2xx answers the script counted. Target: >= 10,000
#     answers/s durably stored.
#  2. API batches: wrk, 16 connections, POST /api/v1/responses with 100
#     responses each (bench/web/api.lua): rows/s.
#  3. the journey map page: GET / on the 200,000-response demo database:
#     the time to render each indicator's map from the data (curl), then
#     wrk --latency with 4 connections, once with a distinct URL per request
#     (rendered from the data every time) and once on / (served from the
#     page cache, as no commit happens meanwhile). Target: p99 < 50 ms for
#     both; the uncached figure is the one that counts.
#  4. kill -9: 32 clients post answers, the server gets SIGKILL after 3 s,
#     every answer acknowledged with a 2xx is looked up by its response id
#     in the database (bench/web/kill_check.py). Target: none lost.
# Every server runs with its defaults (synchronous=FULL: each commit is
# fsync'ed before the answer is sent). Exits 1 when a count does not match.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${TP_BENCH_CONNECTIONS:-64}
command -v wrk >/dev/null || { echo "bench/web.sh needs wrk (Debian: apt install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench/web.sh needs sqlite3" >&2; exit 1; }
if [ -n "${TOUCHPOINT_BIN:-}" ]; then
	tp=$TOUCHPOINT_BIN # a binary built elsewhere
else
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DTP_BUILD_TESTS=OFF >/dev/null
	cmake --build build/bench -j"$(nproc)" >/dev/null
	tp=$(pwd)/build/bench/touchpoint
fi
out=${TP_BENCH_DIR:-build/bench/out}/web
mkdir -p "$out"
server_pid=

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server DB: starts `touchpoint serve` on a free port, sets $port.
start_server() {
	port=$(free_port)
	$tp --db "$1" serve --listen "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
	server_pid=$!
	i=0
	until curl -sf "http://127.0.0.1:$port/api/v1/journey" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "the server did not start:" >&2; cat "$out/serve.log" >&2; exit 1; }
		sleep 0.1
	done
}

stop_server() {
	kill -TERM "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}
trap 'if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; fi' EXIT INT TERM

# new_db DB N: a demo database of N responses and a shared survey link;
# sets $token and $touchpoint.
new_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	$tp --db "$1" demo --responses "$2" >/dev/null
	touchpoint=$(sqlite3 "$1" "SELECT key FROM touchpoint ORDER BY id LIMIT 1")
	token=$($tp --db "$1" survey create --touchpoint "$touchpoint" | sed 's|.*/s/||')
}

rows() { sqlite3 "$1" "$2"; }

# wrk_rate FILE: requests/s from wrk's output
wrk_rate() { awk '/^Requests\/sec:/ {print $2}' "$1"; }

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work running skews every figure)"
echo
echo "== 1. survey answers: wrk -t2 -c$conns -d${secs}s POST /s/TOKEN (server threads: ${TOUCHPOINT_THREADS:-default})"
db="$out/survey.db"
new_db "$db" 5000
start_server "$db"
wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s bench/web/survey.lua "http://127.0.0.1:$port" \
	-- "$token" "$out/survey.count" >"$out/survey.wrk"
cpu_ticks=$(cut -d')' -f2 "/proc/$server_pid/stat" | awk '{print $12 + $13}')
stop_server
cat "$out/survey.wrk"
set -- $(cat "$out/survey.count")
acked=$1 refused=$2
stored=$(rows "$db" "SELECT count(*) FROM response WHERE substr(response_key, 1, 24) = '$token-w'")
rate=$(awk -v n="$stored" -v s="$secs" 'BEGIN {printf "%.0f", n / s}')
echo "acknowledged (2xx): $acked   refused: $refused   stored: $stored"
echo "server CPU per answer: $(awk -v t="$cpu_ticks" -v hz="$(getconf CLK_TCK)" -v n="$stored" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}') us (user + system, all threads)"
echo "survey answers durably stored: $rate /s (target 10000/s: $(awk -v r="$rate" 'BEGIN {printf "%.2fx", r / 10000}'))"
[ "$stored" -ge "$acked" ] || { echo "FAIL: fewer rows stored than acknowledged" >&2; exit 1; }

echo
echo "== 2. API batches of 100: wrk -t2 -c16 -d${secs}s POST /api/v1/responses"
db="$out/api.db"
new_db "$db" 5000
start_server "$db"
wrk -t2 -c16 -d"${secs}s" --timeout 10s -s bench/web/api.lua "http://127.0.0.1:$port" \
	-- "$touchpoint" 100 "$out/api.count" >"$out/api.wrk"
stop_server
cat "$out/api.wrk"
set -- $(cat "$out/api.count")
batches=$1 refused=$2
stored=$(rows "$db" "SELECT count(*) FROM response WHERE substr(response_key, 1, 1) = 'b'")
echo "batches acknowledged (201): $batches   refused: $refused   rows stored: $stored"
echo "API ingestion: $(awk -v n="$stored" -v s="$secs" 'BEGIN {printf "%.0f", n / s}') rows/s"
[ "$stored" -ge $((batches * 100)) ] || { echo "FAIL: fewer rows stored than acknowledged" >&2; exit 1; }

echo
echo "== 3. journey map GET / on the 200,000-response demo: wrk -t2 -c4 -d${secs}s --latency"
echo "   (no writes during the run: the views after the first come from the page cache)"
db="$out/map.db"
[ -f "$db" ] && [ "$(rows "$db" "SELECT count(*) FROM response")" = 200000 ] || new_db "$db" 200000
start_server "$db"
curl -sf "http://127.0.0.1:$port/" >/dev/null # the first view builds the in-memory dataset
# Rendering from the data (each first view after a commit; later views of the
# same URL are served from the page cache until the next commit).
for metric in nps csat ces emotion; do
	curl -sf -o /dev/null -w "render of /?metric=$metric from the data: %{time_total} s\n" \
		"http://127.0.0.1:$port/?metric=$metric"
done
# Every request a distinct URL: no page cache, each map rendered from the data.
wrk -t2 -c4 -d"${secs}s" --latency -s bench/web/map_uncached.lua "http://127.0.0.1:$port/" \
	>"$out/map_uncached.wrk"
ticks0=$(cut -d')' -f2 "/proc/$server_pid/stat" | awk '{print $12 + $13}')
wrk -t2 -c4 -d"${secs}s" --latency "http://127.0.0.1:$port/" >"$out/map.wrk"
cpu_ticks=$(cut -d')' -f2 "/proc/$server_pid/stat" | awk -v t0="$ticks0" '{print $12 + $13 - t0}')
stop_server
cat "$out/map.wrk"
median=$(awk '$1 == "50%" {print $2}' "$out/map.wrk")
p99=$(awk '$1 == "99%" {print $2}' "$out/map.wrk")
p99_ms=$(echo "$p99" | awk '/us$/ {sub("us",""); print $1/1000; next} /ms$/ {sub("ms",""); print $1; next} /s$/ {sub("s",""); print $1*1000}')
pages=$(awk '/requests in/ {print $1}' "$out/map.wrk")
echo "server CPU per map page: $(awk -v t="$cpu_ticks" -v hz="$(getconf CLK_TCK)" -v n="$pages" 'BEGIN {printf "%.3f", t / hz * 1000 / n}') ms"
echo "map page: median $median, p99 $p99 (target p99 < 50 ms: $(awk -v p="$p99_ms" 'BEGIN {printf "%.2fx of the limit", p / 50}')), $(wrk_rate "$out/map.wrk") pages/s"
u_median=$(awk '$1 == "50%" {print $2}' "$out/map_uncached.wrk")
u_p99=$(awk '$1 == "99%" {print $2}' "$out/map_uncached.wrk")
u_p99_ms=$(echo "$u_p99" | awk '/us$/ {sub("us",""); print $1/1000; next} /ms$/ {sub("ms",""); print $1; next} /s$/ {sub("s",""); print $1*1000}')
echo "map page rendered from the data (no cache): median $u_median, p99 $u_p99 (target p99 < 50 ms: $(awk -v p="$u_p99_ms" 'BEGIN {printf "%.2fx of the limit", p / 50}')), $(wrk_rate "$out/map_uncached.wrk") pages/s"

echo
echo "== 4. kill -9 under load: every acknowledged answer stored?"
db="$out/kill.db"
new_db "$db" 5000
/usr/bin/python3 bench/web/kill_check.py "$tp" "$db" "$token" "$(free_port)" 3 32
