"""End-to-end tests of the server's write path and page cache (docs/web.md,
"Write path and durability"): concurrent survey answers and API batches go
through the group commit writer, a bad batch fails alone, every 2xx is in
the database, and a kept page is never served after the data changed
(whichever process changed it). SuspendTest runs the server with ONE worker
thread: a request waiting for its commit is suspended, not holding the
thread, so other requests are served meanwhile, many answers share a
commit, and SIGTERM answers every suspended request before exiting.

Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_webperf.py
"""
import json
import os
import re
import signal
import sqlite3
import tempfile
import threading
import time
import unittest

from test_server import ServerTest, response

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class WebPerfTest(ServerTest):
    def page_n(self, path, headers=None):
        status, _, body = self.server.request("GET", path, headers=headers, raw=True)
        self.assertEqual(status, 200)
        text = body.decode() if isinstance(body, bytes) else body
        m = re.search(r'<table class="overall">.*?</tr>\s*<tr><td class="num">.*?</td>'
                      r'<td class="num">(\d+)</td>', text, re.S)
        self.assertIsNotNone(m, text[:500])
        return int(m.group(1)), text

    def survey_token(self):
        out = self.cli("survey", "create", "--touchpoint", "web-compra").strip()
        return out.rsplit("/s/", 1)[1]

    def test_concurrent_survey_answers_all_stored(self):
        token = self.survey_token()
        statuses, lock = [], threading.Lock()

        def answer(t):
            for i in range(25):
                nonce = f"t{t:02d}x{i:018d}"[:22].ljust(22, "0")
                status, _, _ = self.server.request(
                    "POST", f"/s/{token}", f"nonce={nonce}&nps={i % 11}", FORM, raw=True)
                with lock:
                    statuses.append((status, f"{token}-{nonce}"))

        threads = [threading.Thread(target=answer, args=(t,)) for t in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(statuses), 16 * 25)
        self.assertEqual({s for s, _ in statuses}, {200})
        stored = self.stored_ids()
        self.assertTrue({rid for _, rid in statuses} <= stored)
        self.assertEqual(len(stored), 400)

    def test_bad_batch_fails_alone_among_concurrent_batches(self):
        results, lock = [], threading.Lock()

        def post(t):
            for i in range(10):
                bad = t == 3 and i == 4
                batch = [response(f"b{t}-{i}-{k}", touchpoint="web-compra",
                                  nps=11 if bad and k == 2 else k) for k in range(5)]
                status, _, body = self.server.request("POST", "/api/v1/responses", batch)
                with lock:
                    results.append((t, i, status, body))

        threads = [threading.Thread(target=post, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for t, i, status, body in results:
            if (t, i) == (3, 4):
                self.assertEqual(status, 400, body)
                self.assertEqual(body["problems"], 1, body)
                self.assertEqual((body["items"][0]["index"], body["items"][0]["field"]),
                                 (2, "nps"))
            else:
                self.assertEqual((status, body), (201, {"stored": 5, "already_present": 0}))
        stored = self.stored_ids()
        # 8 threads x 10 batches x 5, less the bad batch's 5
        self.assertEqual(len(stored), 395)
        self.assertNotIn("b3-4-0", stored)
        self.assertIn("b3-5-0", stored)

    def test_kept_page_follows_every_commit(self):
        n0, _ = self.page_n("/t/web-compra?metric=nps")
        self.assertEqual(self.page_n("/t/web-compra?metric=nps")[0], n0)
        # a write through the server (the group commit writer)
        status, _, _ = self.server.request(
            "POST", "/api/v1/responses", [response("pc-1", touchpoint="web-compra")])
        self.assertEqual(status, 201)
        self.assertEqual(self.page_n("/t/web-compra?metric=nps")[0], n0 + 1)
        # a write by another process (the CLI)
        path = os.path.join(self.dir, "more.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps(response("pc-2", touchpoint="web-compra", nps=3)) + "\n")
        self.cli("import", path)
        self.assertEqual(self.page_n("/t/web-compra?metric=nps")[0], n0 + 2)

    def test_kept_pages_are_per_language(self):
        _, en = self.page_n("/t/web-compra", {"Accept-Language": "en"})
        _, es = self.page_n("/t/web-compra", {"Accept-Language": "es"})
        _, cookie = self.page_n("/t/web-compra", {"Accept-Language": "en", "Cookie": "lang=es"})
        self.assertIn('<html lang="en">', en)
        self.assertIn('<html lang="es">', es)
        self.assertIn('<html lang="es">', cookie)
        _, en_again = self.page_n("/t/web-compra", {"Accept-Language": "en"})
        self.assertEqual(en_again, en)


class WriteLock:
    """Holds the database's write lock (BEGIN IMMEDIATE) from another
    connection, so the group commit writer's next transaction waits for it
    (the store's busy timeout is 10 s): the writes queued meanwhile stay
    suspended until release()."""

    def __init__(self, db):
        self.con = sqlite3.connect(db, timeout=30, isolation_level=None)
        self.con.execute("BEGIN IMMEDIATE")

    def release(self):
        self.con.execute("ROLLBACK")
        self.con.close()


class SuspendTest(ServerTest):
    args = ("--threads", "1")

    def survey_token(self, invitation=None):
        extra = ["--invitation", invitation] if invitation else []
        out = self.cli("survey", "create", "--touchpoint", "web-compra", *extra).strip()
        return out.rsplit("/s/", 1)[1]

    def answer(self, token, nonce, nps):
        status, _, body = self.server.request(
            "POST", f"/s/{token}", f"nonce={nonce}&nps={nps}", FORM, raw=True)
        return status, body.decode()

    def start(self, fn, *args):
        t = threading.Thread(target=fn, args=args)
        t.start()
        return t

    def test_one_thread_serves_others_while_a_write_waits(self):
        token = self.survey_token()
        lock = WriteLock(self.db)
        got = {}
        try:
            t = self.start(lambda: got.update(post=self.answer(token, "a" * 22, 9)))
            time.sleep(0.5)  # the answer is read, checked, queued, suspended
            # The only worker thread is free: these answer while it waits.
            for path in ["/api/v1/journey", "/static/touchpoint.css", "/api/v1/openapi.json"]:
                status, _, _ = self.server.request("GET", path, raw=True)
                self.assertEqual(status, 200, path)
            self.assertNotIn("post", got)  # not answered before its commit
            self.assertEqual(self.stored_ids(), set())
        finally:
            lock.release()
        t.join(timeout=30)
        status, page = got["post"]
        self.assertEqual(status, 200, page)
        self.assertEqual(self.stored_ids(), {f"{token}-{'a' * 22}"})

    def test_many_answers_and_double_submits_on_one_thread(self):
        shared = self.survey_token()
        invitation = self.survey_token("ana@example.com")
        results, mutex = [], threading.Lock()

        def client(c):
            for i in range(8):
                nonce = f"c{c:02d}n{i:018d}"
                for attempt in range(2):  # the same form posted twice
                    status, _ = self.answer(shared, nonce, (c + i) % 11)
                    with mutex:
                        results.append((status, f"{shared}-{nonce}"))
            # eight clients race for one invitation: one answer counts
            status, _ = self.answer(invitation, f"i{c:02d}" + "0" * 19, 10)
            with mutex:
                results.append((status, "invitation"))

        threads = [self.start(client, c) for c in range(8)]
        for t in threads:
            t.join()
        shared_results = [(s, rid) for s, rid in results if rid != "invitation"]
        self.assertEqual(len(shared_results), 8 * 8 * 2)
        self.assertEqual({s for s, _ in shared_results}, {200})
        invited = sorted(s for s, rid in results if rid == "invitation")
        self.assertEqual(invited, [200] + [409] * 7)
        stored = self.stored_ids()
        # 64 distinct nonces on the shared link (each posted twice), one
        # invitation answer
        self.assertEqual(len(stored), 64 + 1)
        self.assertTrue({rid for _, rid in shared_results} <= stored)

    def test_batch_with_bad_item_fails_alone_while_suspended(self):
        token = self.survey_token()
        lock = WriteLock(self.db)
        got = {}
        try:
            good = self.start(lambda: got.update(good=self.post(
                [response(f"g{k}", touchpoint="web-compra") for k in range(3)])))
            bad = self.start(lambda: got.update(bad=self.post(
                [response("x0", touchpoint="web-compra"),
                 response("x1", touchpoint="web-compra", nps=12)])))
            answer = self.start(lambda: got.update(answer=self.answer(token, "b" * 22, 4)))
            time.sleep(0.5)
        finally:
            lock.release()
        for t in (good, bad, answer):
            t.join(timeout=30)
        self.assertEqual(got["good"][0], 201)
        self.assertEqual(got["good"][2], {"stored": 3, "already_present": 0})
        self.assertEqual(got["bad"][0], 400)
        self.assertEqual((got["bad"][2]["items"][0]["index"],
                          got["bad"][2]["items"][0]["field"]), (1, "nps"))
        self.assertEqual(got["answer"][0], 200)
        self.assertEqual(self.stored_ids(), {"g0", "g1", "g2", f"{token}-{'b' * 22}"})

    def test_sigterm_answers_every_suspended_request(self):
        token = self.survey_token()
        lock = WriteLock(self.db)
        got, mutex = [], threading.Lock()

        def answer(i):
            r = self.answer(token, f"t{i:021d}", i % 11)
            with mutex:
                got.append((r[0], f"{token}-t{i:021d}"))

        def batch(i):
            ids = [f"sb{i}-{k}" for k in range(4)]
            status, _, body = self.post([response(x, touchpoint="web-compra") for x in ids])
            with mutex:
                got.extend((status, x) for x in ids)

        try:
            threads = [self.start(answer, i) for i in range(12)]
            threads += [self.start(batch, i) for i in range(2)]
            time.sleep(1.0)  # all read and suspended behind the lock
            self.server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # shutting down, waiting for them
            self.assertEqual(got, [])
            self.assertIsNone(self.server.proc.poll())
        finally:
            lock.release()
        for t in threads:
            t.join(timeout=30)
        rc = self.server.stop()
        self.assertEqual(rc, 0, "".join(self.server.lines[-5:]))
        self.assertEqual(len(got), 12 + 2 * 4)
        self.assertEqual({s for s, _ in got if s != 201}, {200})
        self.assertEqual({s for s, rid in got if rid.startswith("sb")}, {201})
        self.assertEqual({rid for _, rid in got}, self.stored_ids())
        events = [json.loads(l)["event"] for l in self.server.lines if '"event"' in l]
        self.assertEqual(events, ["listening", "stopping", "stopped"])


if __name__ == "__main__":
    unittest.main()
