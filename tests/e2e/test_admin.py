"""End-to-end tests of the admin pages: /admin (the journey), /admin/surveys
(survey links), their CSRF protection, the survey answer's validation by
the importer's rules, ?lang= on the survey page, the PNG QR code, and the
server noticing a journey re-imported by the CLI.

Each test starts the real binary on a fresh database holding
tests/data/e2e/journey.json, drives the HTML forms over HTTP as a browser
would (cookie + hidden token), and checks what the database holds with
Python's own sqlite3 module and what the public pages show.
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_admin.py
"""
import csv
import html
import http.client
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import unittest
import urllib.parse
import zlib

from test_server import BIN, DATA, Server

FORM_TYPE = "application/x-www-form-urlencoded"
TOKEN = re.compile(r'name="csrf" value="([A-Za-z0-9_-]{43})"')
NONCE = re.compile(r'name="nonce" value="([A-Za-z0-9_-]{22})"')
LINK = re.compile(r'href="/s/([A-Za-z0-9_-]{22})"')


class AdminTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tp-e2e-admin-")
        self.db = os.path.join(self.dir, "a.db")
        self.cli("init")
        self.cli("journey", "import", os.path.join(DATA, "journey.json"))
        self.server = Server(self.db)
        self.origin = "http://%s:%d" % (self.server.host, self.server.port)
        self.cookie = None

    def tearDown(self):
        rc = self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.assertEqual(rc, 0, "".join(self.server.lines[-20:]))

    # --- helpers ---

    def cli(self, *args):
        env = dict(os.environ)
        env.pop("TOUCHPOINT_DB", None)
        p = subprocess.run([BIN, "--db", self.db, *args], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def http(self, method, path, body=None, headers=None, raw=False):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            cookies = resp.msg.get_all("Set-Cookie") or []
            hdrs = dict(resp.getheaders())
            hdrs["_cookies"] = cookies
            return resp.status, hdrs, data if raw else data.decode("utf-8")
        finally:
            conn.close()

    def get(self, path, headers=None):
        hdrs = dict(headers or {})
        if self.cookie:
            hdrs.setdefault("Cookie", "tp_csrf=" + self.cookie)
        status, h, text = self.http("GET", path, headers=hdrs)
        for c in h["_cookies"]:
            m = re.match(r"tp_csrf=([A-Za-z0-9_-]{43});", c)
            if m:
                self.cookie = m.group(1)
        return status, h, text

    def token(self, path="/admin"):
        status, _, text = self.get(path)
        self.assertEqual(status, 200, text[:500])
        tok = TOKEN.search(text).group(1)
        self.assertEqual(tok, self.cookie)
        return tok

    def post(self, path, fields, cookie=True, token=True, headers=None):
        if token is True:
            token = self.token()
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if token:
            items.append(("csrf", token))
        hdrs = {"Content-Type": FORM_TYPE, "Origin": self.origin}
        if cookie and self.cookie:
            hdrs["Cookie"] = "tp_csrf=" + self.cookie
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        return self.http("POST", path, urllib.parse.urlencode(items), hdrs)

    def change(self, fields, status=303):
        got, h, text = self.post("/admin/journey?lang=en", fields)
        self.assertEqual(got, status, text[:2000])
        if status == 303:
            self.assertTrue(h["Location"].startswith("/admin?lang=en&saved=1"), h)
        return h, text

    def rows(self, sql, *args):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def phases(self):
        return [r[0] for r in self.rows("SELECT key FROM phase ORDER BY position")]

    def channels(self):
        return [r[0] for r in self.rows("SELECT key FROM channel ORDER BY position")]

    def map_page(self):
        status, _, text = self.get("/?lang=en")
        self.assertEqual(status, 200)
        return text

    def post_responses(self, items):
        status, _, body = self.server.request("POST", "/api/v1/responses", items)
        self.assertEqual(status, 201, body)

    def snapshot(self):
        return (self.rows("SELECT key, name, position FROM phase ORDER BY key"),
                self.rows("SELECT key, name, position FROM channel ORDER BY key"),
                self.rows("SELECT key, phase_id, channel_id, name, owner, customer_problem,"
                          " customer_goal, customer_mood, position FROM touchpoint ORDER BY key"),
                self.rows("SELECT response_key, touchpoint_id FROM response ORDER BY id"),
                self.rows("SELECT token, touchpoint_id, invitation FROM survey_link ORDER BY token"))

    # --- the journey ---

    def test_phases_and_channels_add_rename_reorder_delete(self):
        self.change({"action": "phase_add", "id": "postventa", "name": "Postventa"})
        self.assertEqual(self.phases(), ["descubrir", "comprar", "usar", "postventa"])
        self.change({"action": "phase_rename", "id": "comprar", "name": "Compra & pago"})
        self.assertEqual(self.rows("SELECT name FROM phase WHERE key = 'comprar'"),
                         [("Compra & pago",)])
        self.change({"action": "phase_move", "id": "postventa", "dir": "up"})
        self.assertEqual(self.phases(), ["descubrir", "comprar", "postventa", "usar"])
        self.change({"action": "phase_move", "id": "descubrir", "dir": "down"})
        self.assertEqual(self.phases(), ["comprar", "descubrir", "postventa", "usar"])
        # The map shows the new order and name at once.
        text = self.map_page()
        header = re.search(r"<tr><th>[^<]*</th>(.*?)</tr>", text, re.S).group(1)
        self.assertEqual(re.findall(r'href="/p/([^"]+)"', header),
                         ["comprar", "descubrir", "postventa", "usar"])
        self.assertIn("Compra &amp; pago", header)
        # Moving the first one up is refused, naming why.
        _, text = self.change({"action": "phase_move", "id": "comprar", "dir": "up"}, 400)
        self.assertIn("is already first", text)
        self.change({"action": "phase_delete", "id": "postventa"})
        self.assertEqual(self.phases(), ["comprar", "descubrir", "usar"])
        # A phase still used by touchpoints is not deleted.
        before = self.snapshot()
        _, text = self.change({"action": "phase_delete", "id": "comprar"}, 400)
        self.assertIn("still has 2 touchpoints", text)
        self.assertIn("web-compra", text)
        self.assertEqual(self.snapshot(), before)

        self.change({"action": "channel_add", "id": "app", "name": "App móvil"})
        self.change({"action": "channel_move", "id": "app", "dir": "up"})
        self.assertEqual(self.channels(), ["web", "app", "tienda"])
        self.change({"action": "channel_rename", "id": "app", "name": "Aplicación"})
        self.assertIn(">Aplicación</a></th>", self.map_page())
        self.change({"action": "channel_delete", "id": "app"})
        self.assertEqual(self.channels(), ["web", "tienda"])

    def test_touchpoint_add_edit_delete(self):
        self.change({"action": "touchpoint_add", "id": "nuevo", "name": "<script>alert(1)</script>",
                     "phase": "usar", "channel": "web", "owner": "Ops",
                     "customer_problem": "No encuentra la factura", "customer_goal": "",
                     "customer_mood": ""})
        self.assertEqual(
            self.rows("SELECT t.name, p.key, c.key, t.owner, t.customer_problem, t.customer_goal"
                      " FROM touchpoint t JOIN phase p ON p.id = t.phase_id"
                      " JOIN channel c ON c.id = t.channel_id WHERE t.key = 'nuevo'"),
            [("<script>alert(1)</script>", "usar", "web", "Ops", "No encuentra la factura",
              None)])
        # The name is text everywhere it is shown.
        for path in ["/?lang=en", "/admin?lang=en", "/admin/t/nuevo?lang=en", "/t/nuevo"]:
            status, _, text = self.get(path)
            self.assertEqual(status, 200, path)
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", text, path)
            self.assertNotIn("<script>", text, path)
        # Edit: the form shows the stored values; the change shows at once.
        status, _, text = self.get("/admin/t/web-compra?lang=en")
        self.assertIn("Formularios largos", text)
        self.change({"action": "touchpoint_edit", "id": "web-compra", "name": "Checkout",
                     "phase": "usar", "channel": "tienda", "owner": "",
                     "customer_problem": "Pago lento", "customer_goal": "Pagar ya",
                     "customer_mood": "Nervioso"})
        self.assertEqual(
            self.rows("SELECT t.name, p.key, c.key, t.owner, t.customer_problem,"
                      " t.customer_goal, t.customer_mood FROM touchpoint t"
                      " JOIN phase p ON p.id = t.phase_id JOIN channel c ON c.id = t.channel_id"
                      " WHERE t.key = 'web-compra'"),
            [("Checkout", "usar", "tienda", None, "Pago lento", "Pagar ya", "Nervioso")])
        text = self.map_page()
        self.assertIn(">Checkout</span>", text)
        status, _, text = self.get("/t/web-compra?lang=en")
        self.assertIn("Pago lento", text)
        # Delete one without responses: no confirmation needed.
        self.change({"action": "touchpoint_delete", "id": "tienda-uso"})
        self.assertEqual(self.rows("SELECT count(*) FROM touchpoint WHERE key = 'tienda-uso'"),
                         [(0,)])
        self.assertNotIn("/t/tienda-uso", self.map_page())

    def test_deleting_a_touchpoint_with_responses_asks_first(self):
        self.post_responses([{"response_id": "r%d" % i, "submitted_at": "2026-03-0%dT10:00:00Z" % (i + 1),
                              "touchpoint": "web-compra", "nps": 9} for i in range(3)]
                            + [{"response_id": "other", "submitted_at": "2026-03-01T10:00:00Z",
                                "touchpoint": "web-info", "nps": 3}])
        before = self.snapshot()
        _, text = self.change({"action": "touchpoint_delete", "id": "web-compra"}, 409)
        self.assertIn('<strong class="unassigned">3</strong>', text)
        self.assertIn('name="confirm" value="3"', text)
        self.assertEqual(self.snapshot(), before)
        # An answer arrives before the confirmation is sent: asked again, with 4.
        self.post_responses([{"response_id": "r3", "submitted_at": "2026-03-05T10:00:00Z",
                              "touchpoint": "web-compra", "nps": 6}])
        _, text = self.change({"action": "touchpoint_delete", "id": "web-compra",
                               "confirm": "3"}, 409)
        self.assertIn('<strong class="unassigned">4</strong>', text)
        self.assertEqual(self.rows("SELECT count(*) FROM touchpoint WHERE key = 'web-compra'"),
                         [(1,)])
        h, _ = self.change({"action": "touchpoint_delete", "id": "web-compra", "confirm": "4"})
        self.assertIn("unassigned=4", h["Location"])
        self.assertEqual(self.rows("SELECT count(*) FROM touchpoint WHERE key = 'web-compra'"),
                         [(0,)])
        self.assertEqual(self.rows("SELECT response_key FROM response WHERE touchpoint_id IS NULL"
                                   " ORDER BY response_key"), [("r0",), ("r1",), ("r2",), ("r3",)])
        self.assertEqual(self.rows("SELECT count(*) FROM response"), [(5,)])
        status, _, text = self.get(h["Location"])
        self.assertIn("unassigned: 4", text)

    def test_validation_errors_name_the_field_and_store_nothing(self):
        before = self.snapshot()
        base = {"action": "touchpoint_add", "id": "x1", "name": "X", "phase": "usar",
                "channel": "web"}
        cases = [
            (dict(base, name="   "), "name", '"name" is empty'),
            (dict(base, id="web-info"), "id", "duplicate id"),
            (dict(base, id="a b"), "id", "may not contain spaces"),
            (dict(base, name="n" * 1001), "name", "longer than 1000 bytes"),
            (dict(base, phase="nope"), "phase", 'unknown phase "nope"'),
            (dict(base, owner="o" * 1001), "owner", '"owner" is longer than 1000 bytes'),
        ]
        for fields, field, reason in cases:
            _, text = self.change(fields, 400)
            error = re.search(r'<p class="field-error" id="touchpoint_add-%s-error">(.*?)</p>'
                              % field, text, re.S)
            self.assertIsNotNone(error, (field, text[:3000]))
            self.assertIn(html.escape(reason, quote=True), error.group(1))
            self.assertIn('aria-invalid="true"', text)
            self.assertIn("Nothing was changed.", text)
        # The posted values come back in the form, escaped.
        _, text = self.change(dict(base, id="web-info", owner='"><b>x'), 400)
        self.assertIn('value="&quot;&gt;&lt;b&gt;x"', text)
        # Edit with an unknown phase: the edit form again, with the reason.
        _, text = self.change({"action": "touchpoint_edit", "id": "web-info", "name": "I",
                               "phase": "nope", "channel": "web"}, 400)
        self.assertIn('id="touchpoint_edit-phase-error"', text)
        _, text = self.change({"action": "phase_add", "id": "", "name": "Sin id"}, 400)
        self.assertIn('id="phase_add-id-error"', text)
        _, text = self.change({"action": "phase_rename", "id": "gone", "name": "X"}, 400)
        self.assertIn("phase &quot;gone&quot; does not exist", text)
        _, text = self.change({"action": "bogus"}, 400)
        self.assertIn('unknown action', text)
        self.assertEqual(self.snapshot(), before)

    def test_spanish_admin_page(self):
        status, _, text = self.get("/admin?lang=es")
        self.assertEqual(status, 200)
        self.assertIn('<html lang="es">', text)
        self.assertIn("Administración del recorrido", text)
        self.assertIn("Fases", text)
        self.assertIsNone(re.search(r"<[^>]+\son[a-z]+\s*=", text))
        self.assertNotIn("<script", text)

    def test_an_empty_journey_is_started_from_the_page(self):
        empty = os.path.join(self.dir, "empty.db")
        env = dict(os.environ)
        env.pop("TOUCHPOINT_DB", None)
        subprocess.run([BIN, "--db", empty, "init"], check=True, capture_output=True, env=env)
        self.server.stop()
        self.db = empty
        self.server = Server(empty)
        self.origin = "http://%s:%d" % (self.server.host, self.server.port)
        self.cookie = None
        status, _, text = self.get("/admin?lang=en")
        self.assertIn("The journey is empty", text)
        _, text = self.change({"action": "start", "journey_name": "J", "phase_id": "p1",
                               "phase_name": "", "channel_id": "c1", "channel_name": "C"}, 400)
        self.assertIn('id="start-phase_name-error"', text)
        self.assertIn("&quot;name&quot; is empty", text)
        self.assertEqual(self.phases(), [])
        self.change({"action": "start", "journey_name": "J", "phase_id": "p1",
                     "phase_name": "P", "channel_id": "c1", "channel_name": "C"})
        self.assertEqual((self.phases(), self.channels()), (["p1"], ["c1"]))
        self.change({"action": "touchpoint_add", "id": "t1", "name": "T", "phase": "p1",
                     "channel": "c1"})
        self.assertIn('href="/t/t1', self.map_page())

    # --- CSRF ---

    def test_csrf_rejections(self):
        before = self.snapshot()
        fields = {"action": "phase_add", "id": "x", "name": "X"}
        good = self.token()
        status, h, _ = self.get("/admin")
        # The cookie: SameSite=Strict, HttpOnly (set on the first visit).
        self.cookie = None
        _, h, _ = self.get("/admin")
        self.assertTrue(any("SameSite=Strict" in c and "HttpOnly" in c for c in h["_cookies"]),
                        h["_cookies"])
        good = self.cookie
        cases = [
            ("no cookie", dict(cookie=False, token=good), "cookie is missing"),
            ("no token", dict(token=None), "token is missing"),
            ("wrong token", dict(token="A" * 43), "does not match"),
            ("foreign Origin", dict(token=good, headers={"Origin": "http://evil.example"}),
             "Origin header"),
            ("null Origin", dict(token=good, headers={"Origin": "null"}), "Origin header"),
            ("foreign Referer", dict(token=good, headers={
                "Origin": None, "Referer": "http://evil.example/admin"}), "Referer header"),
            ("other port", dict(token=good, headers={
                "Origin": "http://%s:%d" % (self.server.host, self.server.port + 1)}),
             "Origin header"),
        ]
        for name, kw, reason in cases:
            status, _, text = self.post("/admin/journey", fields, **kw)
            self.assertEqual(status, 403, name)
            self.assertIn("could not be verified", text, name)
            self.assertIn(reason, text, name)
            self.assertEqual(self.snapshot(), before, name)
        for path in ["/admin/surveys"]:
            status, _, _ = self.post(path, {"touchpoint": "web-info", "q": "nps"}, token="B" * 43)
            self.assertEqual(status, 403)
        self.assertEqual(self.snapshot(), before)
        # Right token, same-site Referer and no Origin: accepted; so is no header at all.
        status, _, _ = self.post("/admin/journey", fields, token=good, headers={
            "Origin": None, "Referer": self.origin + "/admin"})
        self.assertEqual(status, 303)
        status, _, _ = self.post("/admin/journey", {"action": "phase_delete", "id": "x"},
                                 token=good, headers={"Origin": None})
        self.assertEqual(status, 303)
        self.assertEqual(self.snapshot(), before)

    # --- the server sees the CLI's journey changes ---

    def test_journey_reimported_by_the_cli_is_seen_without_restart(self):
        self.assertEqual(self.map_page().count('href="/t/'), 4)
        self.post_responses([{"response_id": "a", "submitted_at": "2026-03-01T10:00:00Z",
                              "touchpoint": "web-info", "nps": 9}])
        with open(os.path.join(DATA, "journey.json"), encoding="utf-8") as f:
            journey = json.load(f)
        journey["touchpoints"].append({"id": "app-alta", "phase": "usar", "channel": "web",
                                       "name": "Alta en la app"})
        path = os.path.join(self.dir, "j2.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(journey, f)
        self.cli("journey", "import", path)
        self.post_responses([{"response_id": "b", "submitted_at": "2026-03-02T10:00:00Z",
                              "touchpoint": "app-alta", "nps": 10}])
        self.assertIn("Alta en la app", self.map_page())
        status, _, text = self.get("/t/app-alta?lang=en")
        self.assertEqual(status, 200)
        status, _, body = self.server.request("GET", "/api/v1/touchpoints")
        counts = {t["id"]: t["responses"] for t in body["touchpoints"]}
        self.assertEqual(counts["app-alta"], 1)

    # --- survey links ---

    def survey_post(self, fields):
        token = self.token("/admin/surveys")
        return self.post("/admin/surveys?lang=en", fields, token=token)

    def test_survey_links_shared_invitations_and_csv(self):
        status, h, _ = self.survey_post([("touchpoint", "web-info"), ("q", "nps"),
                                         ("q", "comment"), ("lang_link", "es"), ("count", "0")])
        self.assertEqual(status, 303)
        self.assertIn("created=1", h["Location"])
        self.assertEqual(self.rows("SELECT invitation, questions, lang FROM survey_link"),
                         [(None, 0x01 | 0x10, "es")])
        status, h, _ = self.survey_post([("touchpoint", "web-compra"), ("q", "csat"),
                                         ("lang_link", ""), ("count", "5"),
                                         ("prefix", "cliente")])
        self.assertEqual(status, 303, _)
        invites = self.rows("SELECT s.invitation, s.questions, s.lang, t.key FROM survey_link s"
                            " JOIN touchpoint t ON t.id = s.touchpoint_id"
                            " WHERE invitation IS NOT NULL ORDER BY invitation")
        self.assertEqual(invites, [("cliente-%02d" % i, 0x02, None, "web-compra")
                                   for i in range(1, 6)])
        tokens = {r[0]: r[1] for r in self.rows(
            "SELECT invitation, token FROM survey_link WHERE invitation IS NOT NULL")}
        # The page lists every link with its QR codes.
        status, _, text = self.get(h["Location"])
        self.assertEqual(status, 200)
        self.assertIn("Links created: 5", text)
        status, _, text = self.get("/admin/surveys?lang=en")
        self.assertEqual(len(set(LINK.findall(text))), 6)
        for tok in tokens.values():
            self.assertIn("/s/%s/qr.png" % tok, text)
            self.assertIn("/s/%s/qr.svg" % tok, text)
        self.assertIn("cliente-03", text)
        self.assertEqual(text.count('class="unused"'), 5)
        # Answer one invitation; the page and the CSV say so.
        used = tokens["cliente-02"]
        _, _, form = self.http("GET", "/s/" + used)
        nonce = NONCE.search(form).group(1)
        status, _, _ = self.http("POST", "/s/" + used, urllib.parse.urlencode(
            {"nonce": nonce, "csat": "4"}), {"Content-Type": FORM_TYPE})
        self.assertEqual(status, 200)
        status, _, text = self.get("/admin/surveys?lang=en")
        self.assertEqual(text.count('class="unused"'), 4)
        status, h, text = self.get("/admin/surveys.csv")
        self.assertEqual(status, 200)
        self.assertTrue(h["Content-Type"].startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(rows[0].keys()), ["invitation", "url", "token", "touchpoint",
                                                "questions", "lang", "created_at", "used_at"])
        self.assertEqual({r["invitation"]: r["token"] for r in rows}, tokens)
        for r in rows:
            self.assertEqual(r["url"], "%s/s/%s" % (self.origin, r["token"]))
            self.assertEqual(r["questions"], "csat")
            self.assertEqual(bool(r["used_at"]), r["invitation"] == "cliente-02")
        # Refusals store nothing.
        before = self.snapshot()
        for fields, reason in [
                ([("touchpoint", "web-info"), ("count", "0")], "at least one question"),
                ([("touchpoint", "web-info"), ("q", "nps"), ("count", "5000")], "from 0 to 1000"),
                ([("touchpoint", "nope"), ("q", "nps")], 'unknown touchpoint "nope"'),
                ([("touchpoint", "web-info"), ("q", "nps"), ("lang_link", "fr")], "es, en"),
                ([("touchpoint", "web-info"), ("q", "xyz")], '"xyz" is not one of')]:
            status, _, text = self.survey_post(fields)
            self.assertEqual(status, 400, fields)
            self.assertIn(html.escape(reason, quote=True), text)
        # The refused form comes back as it was sent.
        status, _, text = self.survey_post([("touchpoint", "web-compra"), ("q", "ces"),
                                            ("lang_link", "en"), ("count", "5000"),
                                            ("prefix", '"><i>p')])
        self.assertEqual(status, 400)
        self.assertIn('value="ces" checked', text)
        self.assertIn('value="nps">', text)
        self.assertIn('<option value="en" selected>', text)
        self.assertIn('value="5000"', text)
        self.assertIn('value="&quot;&gt;&lt;i&gt;p"', text)
        self.assertIn('<option value="web-compra" selected>', text)
        self.assertEqual(self.snapshot(), before)

    def test_qr_png_is_a_valid_png_of_the_link(self):
        tok = self.cli("survey", "create", "--touchpoint", "web-info").split()[0][3:]
        status, h, png = self.http("GET", "/s/%s/qr.png" % tok, raw=True)
        self.assertEqual(status, 200)
        self.assertEqual(h["Content-Type"], "image/png")
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        chunks, pos = [], 8
        while pos < len(png):
            n, = struct.unpack(">I", png[pos:pos + 4])
            kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
            crc, = struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])
            self.assertEqual(zlib.crc32(kind + data), crc, kind)
            chunks.append((kind, data))
            pos += 12 + n
        self.assertEqual(chunks[0][0], b"IHDR")
        self.assertEqual(chunks[-1][0], b"IEND")
        width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
        # The URL (http://HOST:PORT/s/TOKEN) in byte mode at level M: the
        # smallest version whose capacity holds it (ISO/IEC 18004 table 7),
        # 17 + 4v modules, a 4-module quiet zone each side, 8 px a module.
        url = "%s/s/%s" % (self.origin, tok)
        capacity_m = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        version = next(v for v, c in enumerate(capacity_m, 1) if c >= len(url))
        side = (17 + 4 * version + 8) * 8
        self.assertEqual((width, height, depth, colour), (side, side, 1, 0))
        raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
        self.assertEqual(len(raw), height * (1 + (width + 7) // 8))
        # The quiet zone is white: the first row is all ones (after its filter byte).
        row0 = raw[1:1 + (width + 7) // 8]
        self.assertEqual(set(row0), {0xff})
        status, _, _ = self.http("GET", "/s/%s/qr.png" % ("A" * 22))
        self.assertEqual(status, 404)

    # --- the survey page ---

    def test_survey_answers_are_validated_like_imported_rows(self):
        tok = self.cli("survey", "create", "--touchpoint", "web-info",
                       "--questions", "nps,comment").split()[0][3:]
        _, _, form = self.http("GET", "/s/" + tok)
        nonce = NONCE.search(form).group(1)
        post = lambda body: self.http("POST", "/s/" + tok, body, {"Content-Type": FORM_TYPE})
        status, _, text = post("nonce=%s&nps=11" % nonce)
        self.assertEqual(status, 400)
        self.assertIn("11 is out of range 0..10", text)
        self.assertIn('id="nps-error"', text)
        status, _, text = post("nonce=%s&nps=abc" % nonce)
        self.assertEqual(status, 400)
        self.assertIn("&quot;abc&quot;", text)
        status, _, text = post("nonce=%s&nps=8&comment=caf%%E9" % nonce)
        self.assertEqual(status, 400)
        self.assertIn("invalid UTF-8 at byte 4", text)
        self.assertEqual(self.rows("SELECT count(*) FROM response"), [(0,)])
        # A valid answer is stored once, however often it is posted.
        for _ in range(2):
            status, _, text = post("nonce=%s&nps=8&comment=%s" % (
                nonce, urllib.parse.quote("  Muy bien\r\nGracias  ")))
            self.assertEqual(status, 200, text[:800])
        self.assertEqual(self.rows("SELECT nps, comment, lang FROM response"),
                         [(8, "Muy bien\nGracias", "en")])

    def test_survey_language_and_shared_head(self):
        tok = self.cli("survey", "create", "--touchpoint", "web-info").split()[0][3:]
        tok_es = self.cli("survey", "create", "--touchpoint", "web-info",
                          "--lang", "es").split()[0][3:]
        cases = [("/s/" + tok, {"Accept-Language": "en"}, "en"),
                 ("/s/" + tok, {"Accept-Language": "es-ES,es;q=0.9"}, "es"),
                 ("/s/%s?lang=es" % tok, {"Accept-Language": "en"}, "es"),
                 ("/s/" + tok_es, {"Accept-Language": "en"}, "es"),
                 ("/s/%s?lang=en" % tok_es, {}, "en")]
        for path, headers, lang in cases:
            status, _, text = self.http("GET", path, headers=headers)
            self.assertEqual(status, 200)
            self.assertIn('<html lang="%s">' % lang, text, path)
            title = "Su opinión" if lang == "es" else "Your opinion"
            # The head every page shares (tp_html_head).
            self.assertIn("<title>%s · touchpoint</title>" % title, text)
            self.assertIn('<link rel="stylesheet" href="/static/touchpoint.css">', text)
            self.assertIn('<body class="survey">', text)
        _, _, text = self.http("GET", "/s/%s?lang=en" % tok_es)
        self.assertIn('action="/s/%s?lang=en"' % tok_es, text)
        nonce = NONCE.search(text).group(1)
        status, _, text = self.http("POST", "/s/%s?lang=en" % tok_es, "nonce=%s&nps=9" % nonce,
                                    {"Content-Type": FORM_TYPE})
        self.assertEqual(status, 200)
        self.assertIn("Thank you", text)
        self.assertEqual(self.rows("SELECT lang FROM response"), [("en",)])
        # The public survey POST takes no CSRF token: posted from anywhere.
        _, _, text = self.http("GET", "/s/" + tok)
        nonce = NONCE.search(text).group(1)
        status, _, _ = self.http("POST", "/s/" + tok, "nonce=%s&nps=7" % nonce,
                                 {"Content-Type": FORM_TYPE, "Origin": "http://elsewhere.example"})
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
