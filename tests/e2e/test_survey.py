"""End-to-end tests of survey links: `touchpoint survey` and /s/{token}.

A fresh database with tests/data/e2e/journey.json; links are made with the
CLI, the pages fetched and answered over HTTP from a real server, and what
was stored is read back with Python's sqlite3 (independent of the C code)
and through /api/v1/indicators.
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_survey.py
"""
import html
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from test_server import BIN, DATA, Server

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN_PATH = re.compile(r"^/s/[A-Za-z0-9_-]{22}$")


class SurveyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tp-e2e-survey-")
        cls.db = os.path.join(cls.dir, "s.db")
        cls.cli("init")
        cls.cli("journey", "import", os.path.join(DATA, "journey.json"))
        cls.server = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert rc == 0, "".join(cls.server.lines[-20:])

    @classmethod
    def run_cli(cls, *args):
        env = dict(os.environ)
        env.pop("TOUCHPOINT_DB", None)
        return subprocess.run([BIN, "--db", cls.db, *args], capture_output=True, text=True,
                              env=env, timeout=60)

    @classmethod
    def cli(cls, *args):
        p = cls.run_cli(*args)
        assert p.returncode == 0, p.stderr
        return p.stdout

    def create(self, *args):
        out = self.cli("survey", "create", *args).split()
        for path in out:
            self.assertRegex(path, TOKEN_PATH)
        return out

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8")
        finally:
            conn.close()

    def form_of(self, path, headers=None):
        status, hdrs, text = self.http("GET", path, headers=headers)
        self.assertEqual(status, 200, text[:300])
        nonce = re.search(r'name="nonce" value="([A-Za-z0-9_-]{22})"', text).group(1)
        return text, nonce

    def post(self, path, fields):
        return self.http("POST", path, urllib.parse.urlencode(fields), FORM)

    def stored(self, sql, *args):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def test_token_paths_unique_and_listed(self):
        paths = self.create("--touchpoint", "web-info", "--invitation", "a", "--invitation", "b")
        self.assertEqual(len(set(paths)), 2)
        listed = self.cli("survey", "list", "--touchpoint", "web-info")
        for p in paths:
            self.assertIn(p, listed)
        tokens = {r[0] for r in self.stored("SELECT token FROM survey_link")}
        self.assertTrue({p[3:] for p in paths} <= tokens)

    def test_page_shows_only_configured_questions_in_spanish(self):
        (path,) = self.create("--touchpoint", "web-compra", "--questions", "nps,comment")
        text, _ = self.form_of(path, {"Accept-Language": "es-ES,es;q=0.9"})
        self.assertIn('lang="es"', text)
        self.assertIn("¿Qué probabilidad hay de que nos recomiende", text)
        self.assertIn('name="nps"', text)
        self.assertIn('name="comment"', text)
        for absent in ('name="csat"', 'name="ces"', 'name="emotion"', "<script"):
            self.assertNotIn(absent, text)
        self.assertEqual(len(re.findall(r'type="radio" id="nps\d+"', text)), 11)
        text, _ = self.form_of(path, {"Accept-Language": "en"})
        self.assertIn('lang="en"', text)
        self.assertIn("How likely are you to recommend", text)

    def test_link_language_wins(self):
        (path,) = self.create("--touchpoint", "web-compra", "--lang", "es")
        text, _ = self.form_of(path, {"Accept-Language": "en"})
        self.assertIn('lang="es"', text)
        for q in ("nps", "csat", "ces", "emotion"):
            self.assertIn(f'name="{q}"', text)

    def indicator_n(self, touchpoint):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request("GET", "/api/v1/indicators?metric=nps&by=touchpoint")
            body = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        for g in body["groups"]:
            if g["key"]["touchpoint"] == touchpoint:
                return g["n"]
        return 0

    def test_answer_is_stored_counted_and_double_submit_harmless(self):
        (path,) = self.create("--touchpoint", "tienda-uso")
        before = self.indicator_n("tienda-uso")
        _, nonce = self.form_of(path)
        fields = {"nonce": nonce, "nps": "9", "csat": "5", "ces": "6", "emotion": "2",
                  "comment": "Muy bien"}
        status, hdrs, text = self.post(path, fields)
        self.assertEqual(status, 200, text[:500])
        self.assertIn("text/html", hdrs["Content-Type"])
        rows = self.stored("SELECT nps, csat, ces, emotion, comment FROM response"
                           " WHERE response_key = ?", path[3:] + "-" + nonce)
        self.assertEqual(rows, [(9, 5, 6, 2, "Muy bien")])
        status, _, _ = self.post(path, fields)
        self.assertEqual(status, 200)
        rows = self.stored("SELECT count(*) FROM response WHERE response_key LIKE ?",
                           path[3:] + "%")
        self.assertEqual(rows, [(1,)])
        self.assertEqual(self.indicator_n("tienda-uso"), before + 1)

    def test_invitation_answers_once(self):
        (path,) = self.create("--touchpoint", "web-info", "--invitation", "cliente-42")
        _, nonce = self.form_of(path)
        status, _, text = self.post(path, {"nonce": nonce, "nps": "10"})
        self.assertEqual(status, 200, text[:500])
        status, _, _ = self.post(path, {"nonce": nonce, "nps": "10"})
        self.assertEqual(status, 200)  # the same form again: harmless
        other = "A" * 22
        status, _, text = self.post(path, {"nonce": other, "nps": "3"})
        self.assertEqual(status, 409, text[:500])
        self.assertIn("already", text)
        rows = self.stored("SELECT nps, respondent_key FROM response WHERE response_key LIKE ?",
                           path[3:] + "%")
        self.assertEqual(rows, [(10, "cliente-42")])
        used = self.stored("SELECT used_at IS NOT NULL FROM survey_link WHERE token = ?",
                           path[3:])
        self.assertEqual(used, [(1,)])

    def test_concurrent_answers_to_one_invitation(self):
        (path,) = self.create("--touchpoint", "web-compra", "--invitation", "race")
        statuses = []

        def answer(i):
            nonce = f"{i:022d}"
            statuses.append(self.post(path, {"nonce": nonce, "nps": str(i % 11)})[0])

        threads = [threading.Thread(target=answer, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(statuses), [200] + [409] * 15)
        self.assertEqual(self.stored("SELECT count(*) FROM response WHERE response_key LIKE ?",
                                     path[3:] + "%"), [(1,)])

    def test_invalid_score_shows_the_form_again(self):
        (path,) = self.create("--touchpoint", "web-info", "--questions", "nps,csat")
        _, nonce = self.form_of(path, {"Accept-Language": "en"})
        status, _, text = self.post(path, {"nonce": nonce, "nps": "11", "csat": "4"})
        self.assertEqual(status, 400)
        self.assertIn('id="nps-error"', text)
        self.assertIn("Choose one of the values shown.", text)
        self.assertIn('value="4" checked', text)
        status, _, text = self.post(path, {"nonce": nonce})
        self.assertEqual(status, 400)
        self.assertIn("Please answer at least one question.", text)
        status, _, text = self.http("POST", path, "nps=%zz&nonce=" + nonce, FORM)
        self.assertEqual(status, 400)
        self.assertEqual(self.stored("SELECT count(*) FROM response WHERE response_key LIKE ?",
                                     path[3:] + "%"), [(0,)])

    def test_unknown_token_is_404(self):
        for path in ("/s/" + "x" * 22, "/s/short", "/s/" + "x" * 22 + "/qr.svg"):
            status, hdrs, text = self.http("GET", path)
            self.assertEqual(status, 404, path)
        status, _, _ = self.post("/s/" + "x" * 22, {"nps": "5"})
        self.assertEqual(status, 404)

    def test_qr_svg_parses(self):
        (path,) = self.create("--touchpoint", "web-info")
        status, hdrs, text = self.http("GET", path + "/qr.svg")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["Content-Type"].startswith("image/svg+xml"))
        root = ET.fromstring(text)
        self.assertTrue(root.tag.endswith("svg"))
        out = os.path.join(self.dir, "q.svg")
        self.cli("survey", "qr", path[3:], "--base-url", "https://example.org", "--svg", out)
        ET.parse(out)
        png = os.path.join(self.dir, "q.png")
        self.cli("survey", "qr", path[3:], "--png", png)
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_script_comment_is_text(self):
        evil = "<script>alert(1)</script>"
        (path,) = self.create("--touchpoint", "tienda-compra")
        _, nonce = self.form_of(path)
        status, _, text = self.post(path, {"nonce": nonce, "nps": "1", "comment": evil})
        self.assertEqual(status, 200, text[:500])
        rows = self.stored("SELECT comment FROM response WHERE response_key = ?",
                           path[3:] + "-" + nonce)
        self.assertEqual(rows, [(evil,)])
        status, _, page = self.http("GET", "/t/tienda-compra")
        self.assertEqual(status, 200)
        self.assertNotIn(evil, page)
        self.assertIn(html.escape(evil, quote=False), page)

    def test_page_headers_and_log_hide_the_token(self):
        (path,) = self.create("--touchpoint", "web-info")
        status, hdrs, text = self.http("GET", path)
        self.assertEqual(status, 200)
        self.assertIn("default-src 'none'", hdrs["Content-Security-Policy"])
        self.assertTrue(hdrs["Content-Type"].startswith("text/html"))
        self.assertNotIn("<script", text)
        self.assertIn('<meta name="viewport"', text)
        self.assertEqual(len(re.findall(r"<fieldset", text)), len(re.findall(r"<legend>", text)))
        deadline = time.time() + 5
        while time.time() < deadline and not any('"/s/{token}"' in l
                                                 for l in self.server.lines):
            time.sleep(0.05)
        self.assertTrue(any('"/s/{token}"' in l for l in self.server.lines))
        self.assertFalse(any(path[3:] in l for l in self.server.lines))

    def test_cli_usage_errors(self):
        self.assertEqual(self.run_cli("survey", "create").returncode, 2)
        self.assertEqual(self.run_cli("survey", "create", "--touchpoint", "web-info",
                                      "--questions", "nps,foo").returncode, 2)
        self.assertEqual(self.run_cli("survey", "create", "--touchpoint", "nope").returncode, 1)


if __name__ == "__main__":
    unittest.main()
