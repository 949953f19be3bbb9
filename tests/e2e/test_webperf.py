"""End-to-end tests of the server's write path and page cache (docs/web.md,
"Write path and durability"): concurrent survey answers and API batches go
through the group commit writer, a bad batch fails alone, every 2xx is in
the database, and a kept page is never served after the data changed
(whichever process changed it).

Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_webperf.py
"""
import json
import os
import re
import tempfile
import threading
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


if __name__ == "__main__":
    unittest.main()
