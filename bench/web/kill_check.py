#!/usr/bin/python3
"""bench/web/kill_check.py - no acknowledged survey answer is lost to kill -9.

Usage: kill_check.py TOUCHPOINT_BIN DB TOKEN PORT [SECONDS_BEFORE_KILL] [CLIENTS]

Starts `touchpoint serve` on DB, has CLIENTS threads post distinct answers to
/s/TOKEN on keep-alive connections, each remembering the response id of every
answer acknowledged with a 2xx, sends SIGKILL to the server mid-run, then
opens the database (SQLite recovers the WAL) and checks that every
acknowledged id is stored. Prints one line of figures; exits 1 on any loss.
"""
import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time


def main():
    if len(sys.argv) < 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary, db, token, port = sys.argv[1:5]
    before_kill = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
    clients = int(sys.argv[6]) if len(sys.argv) > 6 else 32
    server = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=2)
            c.request("GET", "/api/v1/journey")
            c.getresponse().read()
            c.close()
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                print("kill_check: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.05)

    acknowledged = [[] for _ in range(clients)]
    refused = [0] * clients
    stop = threading.Event()

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        n = 0
        while not stop.is_set():
            n += 1
            nonce = f"k{index:03d}{n:018d}"
            body = f"nonce={nonce}&nps={n % 11}&comment=kill+check"
            try:
                conn.request("POST", f"/s/{token}", body,
                             {"Content-Type": "application/x-www-form-urlencoded"})
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone: the answer in flight was never acknowledged
            if 200 <= resp.status < 300:
                acknowledged[index].append(f"{token}-{nonce}")
            else:
                refused[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(before_kill)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for t in threads:
        t.join()

    acked = [i for ids in acknowledged for i in ids]
    db_conn = sqlite3.connect(db)
    stored = set()
    for (rid,) in db_conn.execute("SELECT response_key FROM response WHERE substr(response_key, 1, 24) = ?",
                                  (token + "-k",)):
        stored.add(rid)
    db_conn.close()
    lost = [i for i in acked if i not in stored]
    print(f"acknowledged={len(acked)} stored={len(stored)} lost={len(lost)} "
          f"refused={sum(refused)} (stored but unacknowledged: {len(stored) - len(acked) + len(lost)})")
    for i in lost[:10]:
        print(f"lost: {i}", file=sys.stderr)
    return 1 if lost or not acked else 0


if __name__ == "__main__":
    sys.exit(main())
