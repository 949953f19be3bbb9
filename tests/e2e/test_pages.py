"""End-to-end tests of the server-rendered pages of `touchpoint serve`.

One server (started as in test_server.py) serves a demo database made with
`touchpoint demo --responses 5000 --seed 3`, plus a few responses posted
through the API (one with a <script> comment). Checks: every page answers
200 text/html with the Content-Security-Policy; user text is escaped;
language from Accept-Language, ?lang= and the cookie; filters change the
numbers exactly as /api/v1/indicators does; unknown ids give a 404 HTML
page; comments page and filter; CSV downloads parse and match the pages.
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_pages.py
"""
import csv
import html
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from test_server import BIN, Server

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
EVIL = "<script>alert(1)</script> & \"quoted\""


def fmt(value, decimals, lang):
    """A number as the pages write it (independent of the C code)."""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if value < 0 and text.strip("0.,") != "":
        text = "-" + text
    return text


class PagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tp-e2e-pages-")
        cls.db = os.path.join(cls.dir, "demo.db")
        env = dict(os.environ)
        env.pop("TOUCHPOINT_DB", None)
        p = subprocess.run([BIN, "--db", cls.db, "demo", "--responses", "5000", "--seed", "3"],
                           capture_output=True, text=True, env=env, timeout=300)
        assert p.returncode == 0, p.stderr
        cls.server = Server(cls.db)
        items = [{"response_id": "xss-1", "submitted_at": "2026-06-30T23:00:00Z",
                  "touchpoint": "call-soporte", "nps": 2, "comment": EVIL, "lang": "en",
                  "segmento": "<b>seg</b>"}]
        # Three employees of a team of their own: below the anonymity threshold.
        items += [{"response_id": f"tiny-{i}", "submitted_at": "2026-06-01T10:00:00Z",
                   "respondent_id": f"emp-tiny-{i}", "respondent_type": "employee",
                   "nps": 9, "equipo": "tiny"} for i in range(3)]
        status, _, body = cls.server.request("POST", "/api/v1/responses", items)
        assert status == 201, body

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert rc == 0, "".join(cls.server.lines[-20:])

    def get(self, path, headers=None):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read().decode("utf-8")
        finally:
            conn.close()

    def page(self, path, headers=None, status=200):
        got, hdrs, text = self.get(path, headers)
        self.assertEqual(got, status, f"{path}: {text[:500]}")
        self.assertTrue(hdrs["Content-Type"].startswith("text/html"), path)
        self.assertEqual(hdrs["Content-Security-Policy"], CSP)
        self.assertNotIn("<script", text)
        self.assertNotIn("style=", text)
        self.assertNotRegex(text, r"\son[a-z]+=")
        return hdrs, text

    def csv(self, path):
        status, hdrs, text = self.get(path)
        self.assertEqual(status, 200, text[:300])
        self.assertTrue(hdrs["Content-Type"].startswith("text/csv"))
        return list(csv.DictReader(io.StringIO(text)))

    def indicators(self, query):
        status, _, body = self.server.request("GET", "/api/v1/indicators?" + query)
        self.assertEqual(status, 200, body)
        return body

    def test_every_page_answers_html_with_the_csp(self):
        for path in ["/", "/?metric=csat", "/?metric=ces", "/?metric=emotion",
                     "/t/call-soporte", "/t/app-activacion?metric=csat&seg=region",
                     "/p/compra", "/c/web", "/respondents"]:
            _, text = self.page(path)
            self.assertIn('<link rel="stylesheet" href="/static/touchpoint.css">', text)
        status, hdrs, css_text = self.get("/static/touchpoint.css")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["Content-Type"].startswith("text/css"))
        self.assertIn("td.good", css_text)

    def test_map_has_phases_channels_links_and_gaps(self):
        _, text = self.page("/")
        journey = self.server.request("GET", "/api/v1/journey")[2]
        header = re.search(r"<tr><th>[^<]*</th>(.*?)</tr>", text, re.S).group(1)
        phases = re.findall(r'href="/p/([^"]+)"', header)
        self.assertEqual(phases, [p["id"] for p in journey["phases"]])
        for t in journey["touchpoints"]:
            self.assertIn(f'href="/t/{t["id"]}?', text)
        self.assertIn('class="gap"', text)
        self.assertRegex(text, r'class="cell (poor|fair|good)"')
        # One cell per phase in every channel's row, even where two
        # touchpoints share a crossing (the demo's App x Activation).
        table = re.search(r'<table class="map">(.*?)</table>', text, re.S).group(1)
        rows = re.findall(r"<tr><th><a href=\"/c/([^\"]+)\">.*?</th>(.*?)</tr>", table, re.S)
        self.assertEqual([c for c, _ in rows], [c["id"] for c in journey["channels"]])
        for _, cells in rows:
            self.assertEqual(len(re.findall(r"<td[ >]", cells)), len(phases))
        where = {}
        for t in journey["touchpoints"]:
            where.setdefault((t["phase"], t["channel"]), []).append(t["id"])
        shared = [ids for ids in where.values() if len(ids) > 1]
        self.assertTrue(shared, "the demo journey has a shared crossing")
        for ids in shared:
            block = re.search(r'<td class="cell multi">(.*?)</td>', text, re.S)
            self.assertIsNotNone(block)
            for tid in ids:
                self.assertIn(f'href="/t/{tid}?', block.group(1))

    def test_comment_with_script_is_escaped(self):
        _, text = self.page("/t/call-soporte")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;", text)
        self.assertNotIn("<script>alert(1)</script>", text)
        # The attribute value shows escaped in the segment comparison.
        _, text = self.page("/t/call-soporte?seg=segmento")
        self.assertIn("&lt;b&gt;seg&lt;/b&gt;", text)
        self.assertNotIn("<b>seg</b>", text)
        # A query value echoed back in the form is escaped too.
        q = urllib.parse.quote('segmento="><script>x</script>')
        _, text = self.page("/?where=" + q)
        self.assertIn("&quot;&gt;&lt;script&gt;x&lt;/script&gt;", text)

    def test_language_from_header_query_and_cookie(self):
        nps = self.indicators("metric=nps&by=touchpoint")
        call = next(g for g in nps["groups"] if g["key"]["touchpoint"] == "call-soporte")
        hdrs, es = self.page("/", {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
        self.assertIn('<html lang="es">', es)
        self.assertIn("Mapa del viaje del cliente", es)
        self.assertIn(fmt(call["value"], 1, "es"), es)
        self.assertIn(",", fmt(call["value"], 1, "es"))
        self.assertIsNone(hdrs.get("Set-Cookie"))
        _, en = self.page("/", {"Accept-Language": "en-US"})
        self.assertIn('<html lang="en">', en)
        self.assertIn(fmt(call["value"], 1, "en"), en)
        _, plain = self.page("/")
        self.assertIn('<html lang="en">', plain)
        hdrs, text = self.page("/?lang=es", {"Accept-Language": "en"})
        self.assertEqual(hdrs["Set-Cookie"], "lang=es; Path=/; SameSite=Lax")
        self.assertIn('<html lang="es">', text)
        _, text = self.page("/respondents", {"Cookie": "lang=es", "Accept-Language": "en"})
        self.assertIn('<html lang="es">', text)
        self.assertIn("Clientes", text)
        # Dates in comments: dd/mm/yyyy in Spanish, ISO in English.
        _, text = self.page("/t/call-soporte?lang=es")
        self.assertIn("30/06/2026", text)
        _, text = self.page("/t/call-soporte?lang=en")
        self.assertIn("2026-06-30", text)

    def test_filters_change_the_numbers_like_the_api(self):
        base = self.csv("/?format=csv&metric=nps")
        filt = self.csv("/?format=csv&metric=nps&from=2026-01-01&to=2026-06-30"
                        "&where=segmento%3Dempresa")
        api = self.indicators("metric=nps&by=touchpoint&from=2026-01-01&to=2026-06-30"
                              "&where=segmento%3Dempresa")
        by_id = {g["key"]["touchpoint"]: g for g in api["groups"]}
        changed = 0
        for row, before in zip(filt, base):
            g = by_id.get(row["touchpoint"])
            if g is None:
                self.assertEqual(row["n"], "0")
                continue
            self.assertEqual(int(row["n"]), g["n"])
            self.assertEqual(row["value"], f"{g['value']:.1f}")
            self.assertEqual(row["ci_lo"], f"{g['ci95'][0]:.1f}")
            changed += row["value"] != before["value"]
        self.assertGreater(changed, 5)
        # The HTML page shows the same, and keeps the filters in its links.
        _, text = self.page("/?metric=nps&from=2026-01-01&to=2026-06-30"
                            "&where=segmento%3Dempresa")
        g = by_id["call-soporte"]
        self.assertIn(f"n = {g['n']}", text)
        self.assertIn("where=segmento%3Dempresa", text)
        self.assertIn('value="segmento=empresa"', text)

    def test_unknown_items_are_404_html(self):
        for path in ["/t/nope", "/p/nope", "/c/nope", "/t/%3Cscript%3E"]:
            _, text = self.page(path, status=404)
            self.assertIn("nope" if "nope" in path else "&lt;script&gt;", text)
        self.page("/?metric=bogus", status=400)
        self.page("/t/call-soporte?page=0", status=400)
        self.page("/t/call-soporte?seg=no-such-attribute", status=400)

    def test_comments_page_and_filter(self):
        rows = self.csv("/t/call-soporte?format=csv&table=comments")
        self.assertGreater(len(rows), 25)
        dates = [r["date"] for r in rows]
        self.assertEqual(dates, sorted(dates, reverse=True))
        _, p1 = self.page("/t/call-soporte")
        _, p2 = self.page("/t/call-soporte?page=2")
        first = re.findall(r'<p class="text">(.*?)</p>', p1, re.S)
        second = re.findall(r'<p class="text">(.*?)</p>', p2, re.S)
        self.assertEqual(len(first), 20)
        self.assertEqual(first, [html.escape(r["comment"]) for r in rows[:20]])
        self.assertEqual(second, [html.escape(r["comment"])
                                  for r in rows[20:40]])
        self.assertIn("page=2", p1)
        promoters = [r for r in rows if r["nps"] and int(r["nps"]) >= 9]
        _, text = self.page("/t/call-soporte?group=promoter")
        found = re.findall(r"NPS (\d+)", text)
        self.assertTrue(all(int(n) >= 9 for n in found))
        self.assertEqual(len(found), min(20, len(promoters)))
        es_rows = self.csv("/t/call-soporte?format=csv&table=comments&clang=es&group=detractor")
        self.assertTrue(es_rows)
        self.assertTrue(all(r["lang"] == "es" and int(r["nps"]) <= 6 for r in es_rows))
        self.assertEqual(len(es_rows), sum(1 for r in rows if r["lang"] == "es" and r["nps"]
                                           and int(r["nps"]) <= 6))

    def test_csv_matches_the_pages(self):
        _, text = self.page("/t/app-activacion?lang=en")
        months = self.csv("/t/app-activacion?format=csv")
        self.assertGreater(len(months), 12)
        for row in months:
            self.assertIn(f"<td class=\"num\">{fmt(float(row['value']), 1, 'en')}", text)
        api = self.indicators("metric=nps&by=month&where=touchpoint%3Dapp-activacion")
        self.assertEqual([r["month"] for r in months], [g["key"]["month"] for g in api["groups"]])
        self.assertEqual([int(r["n"]) for r in months], [g["n"] for g in api["groups"]])
        segs = self.csv("/t/app-activacion?format=csv&table=segments&seg=region")
        api = self.indicators("metric=nps&by=attr:region&where=touchpoint%3Dapp-activacion")
        self.assertEqual([(r["region"], int(r["n"])) for r in segs],
                         [(g["key"]["attr:region"], g["n"]) for g in api["groups"]])
        phase = self.csv("/p/compra?format=csv&metric=csat")
        _, text = self.page("/p/compra?metric=csat&lang=es")
        for row in phase:
            if row["value"]:
                self.assertIn(fmt(float(row["value"]), 1, "es"), text)
        self.assertTrue(all(r["phase"] == "compra" for r in phase))
        chan = self.csv("/c/web?format=csv")
        self.assertTrue(chan and all(r["channel"] == "web" for r in chan))

    def test_respondents_split_customers_employees_leaders(self):
        rows = self.csv("/respondents?format=csv")
        self.assertEqual([r["respondents"] for r in rows], ["customers", "employees", "leaders"])
        enps = self.indicators("metric=enps")
        self.assertEqual(int(rows[1]["n"]), enps["groups"][0]["n"])
        self.assertEqual(rows[1]["value"], f"{enps['groups'][0]['value']:.1f}")
        nps = self.indicators("metric=nps")
        self.assertEqual(rows[0]["value"], f"{nps['groups'][0]['value']:.1f}")
        self.assertGreater(int(rows[2]["responses"]), 0)
        _, text = self.page("/respondents")
        self.assertIn("eNPS", text)
        self.assertIn("Leaders", text)
        # The anonymity rule: a team of 3 employees shows no eNPS.
        hidden = self.csv("/respondents?format=csv&where=equipo%3Dtiny")
        self.assertEqual((hidden[1]["n"], hidden[1]["value"]), ("0", ""))
        _, text = self.page("/respondents?where=equipo%3Dtiny")
        self.assertIn("anonymity threshold", text)
        _, text = self.page("/respondents?where=equipo%3Dtiny&lang=es")
        self.assertIn("umbral de anonimato", text)


if __name__ == "__main__":
    unittest.main()
