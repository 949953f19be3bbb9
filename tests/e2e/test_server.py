"""End-to-end tests of `touchpoint serve` and its JSON API.

Each test starts the real binary (TOUCHPOINT_BIN) on a free loopback port
(--listen 127.0.0.1:0; the port is read from the first log line) against a
fresh temporary database holding tests/data/e2e/journey.json, talks to it
with http.client, and checks statuses, JSON bodies, the access log and,
through Python's own sqlite3 module, what the database really holds.
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_server.py
"""
import http.client
import json
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("TOUCHPOINT_BIN", "build/touchpoint")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "e2e")
JSON_TYPE = {"Content-Type": "application/json"}


def response(rid, **fields):
    item = {"response_id": rid, "submitted_at": "2026-03-01T10:00:00Z", "nps": 9}
    item.update(fields)
    return item


class Server:
    """A running `touchpoint serve`; its stderr lines are collected."""

    def __init__(self, db, args=(), env=None):
        full_env = dict(os.environ)
        full_env.pop("TOUCHPOINT_DB", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "--db", db, "serve", "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
        self.lines = []
        self._first = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            first = self._first.get(timeout=20)
        except queue.Empty:
            self.proc.kill()
            raise AssertionError("the server did not start")
        if first is None:
            self.proc.wait(timeout=10)
            raise AssertionError("the server did not start: " + "".join(self.lines))
        event = json.loads(first)
        assert event["event"] == "listening", first
        self.host, port = event["address"].rsplit(":", 1)
        self.port = int(port)
        self.wait_until_it_answers()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            if len(self.lines) == 1:
                self._first.put(line)
        self._first.put(None)

    def wait_until_it_answers(self):
        deadline = time.time() + 20
        while True:
            try:
                if self.request("GET", "/api/v1/openapi.json")[0] == 200:
                    return
            except OSError:
                pass
            if time.time() > deadline:
                raise AssertionError("the server does not answer")
            time.sleep(0.05)

    def request(self, method, path, body=None, headers=None, raw=False):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            if body is not None and not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            hdrs = dict(JSON_TYPE) if body is not None else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            if raw:
                return resp.status, dict(resp.getheaders()), data
            return resp.status, dict(resp.getheaders()), json.loads(data)
        finally:
            conn.close()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=60)
        self._reader.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc


class ServerTest(unittest.TestCase):
    args = ()
    env = None

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tp-e2e-server-")
        self.db = os.path.join(self.dir, "t.db")
        self.cli("init")
        self.cli("journey", "import", os.path.join(DATA, "journey.json"))
        self.server = Server(self.db, self.args, self.env)

    def tearDown(self):
        rc = self.server.stop()
        self.assertEqual(rc, 0, "".join(self.server.lines[-20:]))
        shutil.rmtree(self.dir, ignore_errors=True)

    def cli(self, *args):
        env = dict(os.environ)
        env.pop("TOUCHPOINT_DB", None)
        p = subprocess.run([BIN, "--db", self.db, *args], capture_output=True, text=True,
                           env=env, timeout=120)
        self.assertEqual(p.returncode, 0, f"{args}: {p.stderr}")
        return p.stdout

    def query(self, sql, args=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def stored_ids(self):
        return {r[0] for r in self.query("SELECT response_key FROM response")}

    def post(self, body, **kw):
        return self.server.request("POST", "/api/v1/responses", body, **kw)


class RoutesTest(ServerTest):
    def test_journey_is_journey_show_json(self):
        status, headers, body = self.server.request("GET", "/api/v1/journey")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        self.assertEqual(body, json.loads(self.cli("journey", "show", "--json")))
        self.assertEqual(body["name"], "Tienda de prueba")

    def test_touchpoints_with_response_counts(self):
        self.assertEqual(self.post([response("a", touchpoint="web-compra"),
                                    response("b", touchpoint="web-compra"),
                                    response("c", touchpoint="tienda-uso")])[0], 201)
        status, _, body = self.server.request("GET", "/api/v1/touchpoints")
        self.assertEqual(status, 200)
        self.assertEqual(body["touchpoints"], [
            {"id": "web-info", "phase": "descubrir", "channel": "web",
             "name": "Información web", "owner": "Marketing", "responses": 0},
            {"id": "web-compra", "phase": "comprar", "channel": "web",
             "name": "Compra online", "owner": "Ecommerce", "responses": 2},
            {"id": "tienda-compra", "phase": "comprar", "channel": "tienda",
             "name": "Compra en tienda", "owner": "Tiendas", "responses": 0},
            {"id": "tienda-uso", "phase": "usar", "channel": "tienda",
             "name": "Soporte en tienda", "owner": None, "responses": 1},
        ])

    def test_every_documented_get_answers(self):
        status, _, doc = self.server.request("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(doc["openapi"].startswith("3.0"))
        seen = 0
        for path, item in doc["paths"].items():
            if not path.startswith("/api/"):
                continue  # the HTML pages: tests/e2e/test_pages.py
            for method in item:
                seen += 1
                if method != "get":
                    continue
                required = [p for p in item[method].get("parameters", []) if p.get("required")]
                query = "&".join(f"{p['name']}={p['schema']['enum'][0]}" for p in required)
                status, _, _ = self.server.request("GET", path + ("?" + query if query else ""))
                self.assertEqual(status, 200, path)
        self.assertEqual(seen, 7)  # outcomes: /api/v1/outcomes, /api/v1/benchmark
        self.assertIn("post", doc["paths"]["/api/v1/responses"])

    def test_unknown_route_is_404_json(self):
        status, _, body = self.server.request("GET", "/api/v1/nothing?x=1")
        self.assertEqual(status, 404)
        self.assertIn("/api/v1/nothing", body["error"])

    def test_wrong_method_is_405_with_allow(self):
        status, headers, body = self.server.request("DELETE", "/api/v1/journey")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET")
        self.assertIn("DELETE", body["error"])
        status, headers, _ = self.server.request("GET", "/api/v1/responses")
        self.assertEqual((status, headers["Allow"]), (405, "POST"))


class ResponsesTest(ServerTest):
    def test_valid_batch_is_stored_and_repost_is_already_present(self):
        batch = [response("r1", touchpoint="web-compra", comment="Muy bien", lang="es-ES",
                          attributes={"region": "Norte"}),
                 {"response_id": "r2", "submitted_at": "2026-03-02 10:00:00+02:00",
                  "csat": "4,0", "respondent_type": "empleado", "store": "Madrid"},
                 response("r3", nps=0)]
        status, _, body = self.post(batch)
        self.assertEqual((status, body), (201, {"stored": 3, "already_present": 0}))
        rows = self.query("SELECT response_key, submitted_at, nps, csat, lang "
                          "FROM response ORDER BY response_key")
        self.assertEqual(rows, [("r1", 1772359200, 9, None, "es"),
                                ("r2", 1772438400, None, 4, None),
                                ("r3", 1772359200, 0, None, None)])
        status, _, body = self.post(batch)
        self.assertEqual((status, body), (201, {"stored": 0, "already_present": 3}))
        status, _, body = self.post(response("r4"))
        self.assertEqual((status, body), (201, {"stored": 1, "already_present": 0}))
        self.assertEqual(len(self.stored_ids()), 4)

    def test_bad_items_are_named_and_nothing_is_stored(self):
        batch = [response("ok1"),
                 response("bad1", nps=11),
                 response("ok2"),
                 {"response_id": "bad2", "nps": 5, "touchpoint": "nowhere"},
                 "not an object",
                 response("bad3", csat="mucho")]
        status, _, body = self.post(batch)
        self.assertEqual(status, 400)
        self.assertEqual(body["error"], "4 invalid items; nothing was stored")
        items = [(i["index"], i["field"]) for i in body["items"]]
        self.assertEqual(items, [(1, "nps"), (3, "touchpoint"), (3, "submitted_at"),
                                 (4, None), (5, "csat")])
        self.assertEqual(body["items"][0]["reason"], "11 is out of range 0..10")
        self.assertEqual(self.stored_ids(), set())

    def test_malformed_json_names_line_and_column(self):
        status, _, body = self.post('[{"response_id": "x",\n  "nps": }]')
        self.assertEqual(status, 400)
        self.assertEqual((body["line"], body["column"]), (2, 10))
        self.assertIn("line 2", body["error"])

    def test_body_that_is_not_json_is_refused(self):
        status, _, body = self.post("nps=9", headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        self.assertIn("application/json", body["error"])

    def test_concurrent_posts_store_what_they_acknowledge(self):
        acknowledged = []
        lock = threading.Lock()
        jobs = queue.Queue()
        for b in range(50):
            jobs.put(b)

        def worker():
            while True:
                try:
                    b = jobs.get_nowait()
                except queue.Empty:
                    return
                batch = [response(f"c{b}-{i}", touchpoint="web-compra") for i in range(20)]
                status, _, body = self.post(batch)
                with lock:
                    acknowledged.append((status, body))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(acknowledged), 50)
        ok = [b for s, b in acknowledged if 200 <= s < 300]
        self.assertEqual(len(ok), 50, acknowledged[:3])
        self.assertEqual(sum(b["stored"] for b in ok), 20 * len(ok))
        self.assertEqual(self.query("SELECT count(*) FROM response")[0][0], 20 * len(ok))


class IndicatorsTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.cli("import", os.path.join(DATA, "report.csv"))

    def check_same_as_report(self, params):
        query = "&".join(f"{k}={v}" for k, v in params)
        status, _, body = self.server.request("GET", "/api/v1/indicators?" + query)
        self.assertEqual(status, 200, body)
        args = []
        for k, v in params:
            args += [f"--{k}", v]
        self.assertEqual(body, json.loads(self.cli("report", *args, "--json")), query)
        return body

    def test_same_json_as_report(self):
        body = self.check_same_as_report([("metric", "nps"), ("by", "touchpoint")])
        self.assertTrue(body["groups"])
        self.check_same_as_report([("metric", "csat"), ("by", "touchpoint"), ("by", "month")])
        self.check_same_as_report([("metric", "nps"), ("by", "month"),
                                   ("where", "touchpoint=web-compra"),
                                   ("from", "2026-01-01"), ("to", "2026-02-28")])
        self.check_same_as_report([("metric", "ces"), ("to", "2026-01-15T12:00:00Z")])

    def test_sees_responses_posted_since_the_last_query(self):
        before = self.check_same_as_report([("metric", "responses")])
        self.assertEqual(self.post([response(f"n{i}") for i in range(7)])[0], 201)
        after = self.check_same_as_report([("metric", "responses")])
        self.assertEqual(after["groups"][0]["n"], before["groups"][0]["n"] + 7)

    def test_bad_parameters_are_400(self):
        for query, word in [("", "metric is missing"), ("metric=nope", "metric"),
                            ("metric=nps&by=colour", "colour"),
                            ("metric=nps&from=2026-13-01", "from"),
                            ("metric=nps&by=attr:nothing", "nothing"),
                            ("metric=nps&colour=red", "unknown parameter")]:
            status, _, body = self.server.request("GET", "/api/v1/indicators?" + query)
            self.assertEqual(status, 400, query)
            self.assertIn(word, body["error"])


class LimitsTest(ServerTest):
    env = {"TOUCHPOINT_MAX_BODY": "1K", "TOUCHPOINT_THREADS": "3"}
    args = ("--max-params", "5")

    def test_body_over_the_limit_is_413_naming_the_limit(self):
        big = [response(f"big{i}", comment="x" * 100) for i in range(20)]
        status, _, body = self.post(big)
        self.assertEqual(status, 413)
        self.assertIn("1024 bytes", body["error"])
        self.assertIn("too large", body["error"])
        self.assertEqual(self.stored_ids(), set())

    def test_chunked_body_over_the_limit_is_413(self):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        try:
            chunks = iter([b"[" + b" " * 800, b" " * 800 + b"]"])
            conn.request("POST", "/api/v1/responses", body=chunks,
                         headers={"Content-Type": "application/json"}, encode_chunked=True)
            resp = conn.getresponse()
            self.assertEqual(resp.status, 413)
            self.assertIn("1024 bytes", json.loads(resp.read())["error"])
        finally:
            conn.close()

    def test_too_many_parameters_url_and_headers(self):
        status, _, body = self.server.request(
            "GET", "/api/v1/indicators?" + "&".join(["by=month"] * 6))
        self.assertEqual(status, 400)
        self.assertIn("(the limit is 5)", body["error"])
        status, _, body = self.server.request("GET", "/api/v1/journey?x=" + "a" * 5000)
        self.assertEqual(status, 414)
        self.assertIn("4096", body["error"])
        status, _, body = self.server.request("GET", "/api/v1/journey",
                                              headers={"X-Big": "a" * 9000})
        self.assertEqual(status, 431)
        self.assertIn("8192", body["error"])

    def test_listening_line_shows_the_options(self):
        event = json.loads(self.server.lines[0])
        self.assertEqual(event["threads"], 3)
        self.assertEqual(event["authentication"], "none")


class AccessLogTest(ServerTest):
    def test_one_json_object_a_line_without_bodies_or_queries(self):
        secret = "secret-comment-7f3a"
        self.assertEqual(self.post([response("l1", comment=secret)])[0], 201)
        self.server.request("GET", "/api/v1/indicators?metric=nps&where=region=hidden-q")
        self.server.request("GET", "/nowhere")
        rc = self.server.stop()
        self.assertEqual(rc, 0)
        access = []
        for line in self.server.lines:
            obj = json.loads(line)
            self.assertIsInstance(obj, dict)
            if "event" not in obj:
                access.append(obj)
        text = "".join(self.server.lines)
        self.assertNotIn(secret, text)
        self.assertNotIn("hidden-q", text)
        for obj in access:
            self.assertEqual(set(obj), {"time", "method", "path", "status", "bytes",
                                        "duration_ms"})
            self.assertNotIn("?", obj["path"])
        posted = [a for a in access if a["method"] == "POST"]
        self.assertEqual([(a["path"], a["status"]) for a in posted],
                         [("/api/v1/responses", 201)])
        self.assertIn(("/nowhere", 404), [(a["path"], a["status"]) for a in access])
        events = [json.loads(l)["event"] for l in self.server.lines if '"event"' in l]
        self.assertEqual(events, ["listening", "stopping", "stopped"])


class ShutdownTest(ServerTest):
    def test_sigterm_in_flight_loses_no_acknowledged_write(self):
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def worker(w):
            b = 0
            while not stop.is_set():
                ids = [f"s{w}-{b}-{i}" for i in range(20)]
                b += 1
                try:
                    status, _, _ = self.post([response(x) for x in ids])
                except (OSError, http.client.HTTPException, ValueError):
                    continue
                if 200 <= status < 300:
                    with lock:
                        acknowledged.extend(ids)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        deadline = time.time() + 30
        while len(acknowledged) < 200 and time.time() < deadline:
            time.sleep(0.02)
        rc = self.server.stop(signal.SIGTERM)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(rc, 0, "".join(self.server.lines[-5:]))
        self.assertGreaterEqual(len(acknowledged), 200)
        missing = set(acknowledged) - self.stored_ids()
        self.assertEqual(missing, set())
        self.assertTrue(json.loads(self.server.lines[-1])["event"] == "stopped")


class HelpTest(unittest.TestCase):
    def test_help_documents_every_option_and_no_authentication(self):
        out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True,
                             timeout=30).stdout
        for word in ["--listen", "--db", "--threads", "--max-body", "--max-header", "--max-url",
                     "--max-params", "--max-items", "--timeout", "--grace",
                     "TOUCHPOINT_LISTEN", "TOUCHPOINT_DB", "TOUCHPOINT_THREADS",
                     "TOUCHPOINT_MAX_BODY", "127.0.0.1:8080", "NO AUTHENTICATION"]:
            self.assertIn(word, out)

    def test_bad_listen_address_is_a_usage_error(self):
        p = subprocess.run([BIN, "--db", "/nonexistent/x.db", "serve", "--listen", "nowhere"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
