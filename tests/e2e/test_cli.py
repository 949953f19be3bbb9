"""End-to-end tests of the `touchpoint` command line.

Each test runs the real binary (TOUCHPOINT_BIN) in a fresh temporary
directory and checks exit codes, messages and, through Python's own sqlite3
module, what the database really holds. Expected values are written by hand
from the fixtures in tests/data/e2e (dates converted with calendar.timegm).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_cli.py
"""
import calendar
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

BIN = os.environ.get("TOUCHPOINT_BIN", "build/touchpoint")
# e.g. "valgrind -q --error-exitcode=99 --leak-check=full": runs every command under it
WRAPPER = os.environ.get("TOUCHPOINT_WRAPPER", "").split()
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "e2e")


def utc(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tp-e2e-")
        self.db = os.path.join(self.dir, "t.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_tp(self, *args, db=True, env=None):
        cmd = WRAPPER + [BIN] + (["--db", self.db] if db else []) + list(args)
        full_env = dict(os.environ)
        full_env.pop("TOUCHPOINT_DB", None)
        if env:
            full_env.update(env)
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir,
                           env=full_env, timeout=600)
        if WRAPPER and p.returncode == 99:
            self.fail(f"{args}: memory errors under {WRAPPER[0]}:\n{p.stderr}")
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args, **kw):
        rc, out, err = self.run_tp(*args, **kw)
        self.assertEqual(rc, 0, f"{args} failed: {err}")
        return out

    def data(self, name):
        return os.path.join(DATA, name)

    def write(self, name, content, mode="w"):
        path = os.path.join(self.dir, name)
        with open(path, mode) as f:
            f.write(content)
        return path

    def query(self, sql, args=()):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def dump(self):
        con = sqlite3.connect(self.db)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    def load_journey(self):
        self.ok("journey", "import", self.data("journey.json"))


class InitTest(CliTest):
    def test_init_creates_wal_database_and_is_idempotent(self):
        out = self.ok("init")
        self.assertIn("Created", out)
        self.assertEqual(self.query("PRAGMA user_version"), [(3,)])
        self.assertEqual(self.query("PRAGMA journal_mode"), [("wal",)])
        before = self.dump()
        out = self.ok("init")
        self.assertIn("up to date", out)
        self.assertEqual(before, self.dump())

    def test_database_from_env_then_default_path(self):
        rc, _, _ = self.run_tp("init", db=False, env={"TOUCHPOINT_DB": self.db})
        self.assertEqual(rc, 0)
        self.assertTrue(os.path.exists(self.db))
        rc, _, _ = self.run_tp("init", db=False)
        self.assertEqual(rc, 0)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "touchpoint.db")))

    def test_newer_schema_is_refused_and_untouched(self):
        self.ok("init")
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
        before = self.dump()
        for args in (["init"], ["status"], ["journey", "show"]):
            rc, _, err = self.run_tp(*args)
            self.assertEqual(rc, 1)
            self.assertIn("schema version 99", err)
            self.assertIn("newer", err)
        self.assertEqual(before, self.dump())

    def test_foreign_sqlite_file_is_refused_and_not_converted(self):
        con = sqlite3.connect(self.db)
        con.execute("CREATE TABLE other (x)")
        con.commit()
        con.close()
        rc, _, err = self.run_tp("init")
        self.assertEqual(rc, 1)
        self.assertIn("not a touchpoint database", err)
        self.assertEqual(self.query("PRAGMA journal_mode"), [("delete",)])

    def test_file_that_is_not_sqlite_is_refused(self):
        self.write("t.db", "hello, I am text\n" * 200)
        rc, _, err = self.run_tp("init")
        self.assertEqual(rc, 1)
        self.assertIn("not a touchpoint database", err)

    def test_missing_database_for_read_commands(self):
        for args in (["status"], ["journey", "show"]):
            rc, _, err = self.run_tp(*args)
            self.assertEqual(rc, 1)
            self.assertIn("no database at", err)
        self.assertFalse(os.path.exists(self.db))


class UsageTest(CliTest):
    def test_help_on_every_command(self):
        out = self.ok("--help", db=False)
        self.assertIn("Usage: touchpoint", out)
        for cmd in ("init", "journey", "import", "status", "demo"):
            out = self.ok(cmd, "--help")
            self.assertIn("Usage: touchpoint", out, cmd)

    def test_usage_errors_exit_2(self):
        cases = [["frobnicate"], ["--bogus", "init"], ["import"], ["journey"],
                 ["journey", "dance"], ["import", "--from", "excel", "x.csv"],
                 ["demo", "--responses", "many"], ["init", "extra"], []]
        for args in cases:
            rc, _, err = self.run_tp(*args)
            self.assertEqual(rc, 2, args)
            self.assertTrue(err.strip(), args)

    def test_bad_options_are_named(self):
        cases = [
            (["report", "--bogus"], "touchpoint report: unknown option --bogus\n"),
            (["report", "--metric"], "touchpoint report: --metric needs a value\n"),
            (["map", "--wat=1"], "touchpoint map: unknown option --wat\n"),
            (["demo", "-x"], "touchpoint demo: unknown option -x, or it needs a value\n"),
            # A survey token that starts with '-' is read as options.
            (["survey", "qr", "-Abc"],
             "touchpoint survey: unknown option -A (in \"-Abc\"); a value starting "
             "with '-' goes after --\n"),
        ]
        for args, first_line in cases:
            rc, _, err = self.run_tp(*args)
            self.assertEqual(rc, 2, args)
            self.assertTrue(err.startswith(first_line), (args, err))
            self.assertIn(f"Try `touchpoint {args[0]} --help`.", err)


class JourneyTest(CliTest):
    def test_import_and_show_json_round_trip(self):
        out = self.ok("journey", "import", self.data("journey.json"))
        self.assertIn("3 phases, 2 channels, 4 touchpoints", out)
        shown = json.loads(self.ok("journey", "show", "--json"))
        with open(self.data("journey.json")) as f:
            expected = json.load(f)
        self.assertEqual(shown, expected)
        text = self.ok("journey", "show")
        self.assertIn("Tienda de prueba", text)
        self.assertLess(text.index("Descubrir"), text.index("Comprar"))
        self.assertLess(text.index("Comprar"), text.index("Usar"))

    def check_refused(self, journey, message):
        self.load_journey()
        before = self.dump()
        path = self.write("bad.json", journey if isinstance(journey, str) else json.dumps(journey))
        rc, _, err = self.run_tp("journey", "import", path)
        self.assertEqual(rc, 1, err)
        self.assertIn(message, err)
        self.assertIn("bad.json", err)
        self.assertEqual(before, self.dump())

    def base(self):
        with open(self.data("journey.json")) as f:
            return json.load(f)

    def test_unknown_phase(self):
        j = self.base()
        j["touchpoints"][1]["phase"] = "pagar"
        self.check_refused(j, 'touchpoint "web-compra": unknown phase "pagar"')

    def test_unknown_channel(self):
        j = self.base()
        j["touchpoints"][0]["channel"] = "fax"
        self.check_refused(j, 'touchpoint "web-info": unknown channel "fax"')

    def test_duplicate_ids(self):
        j = self.base()
        j["touchpoints"][2]["id"] = "web-info"
        self.check_refused(j, 'touchpoint "web-info": duplicate id')
        j = self.base()
        j["phases"][2]["id"] = "descubrir"
        self.check_refused(j, 'phase "descubrir": duplicate id')

    def test_empty_name(self):
        j = self.base()
        j["channels"][1]["name"] = "  "
        self.check_refused(j, 'channel "tienda": "name" is empty')

    def test_invalid_json(self):
        self.check_refused('{"name": "x",\n "phases": [}', "invalid JSON at line 2")

    def test_reimport_keeps_links_and_force_unassigns(self):
        self.load_journey()
        self.ok("import", self.data("responses.csv"))
        j = self.base()
        j["touchpoints"][1]["name"] = "Compra en la web"
        j["touchpoints"].append({"id": "web-nuevo", "phase": "usar", "channel": "web",
                                 "name": "Nuevo"})
        self.ok("journey", "import", self.write("j2.json", json.dumps(j)))
        rows = self.query("SELECT t.key, count(*) FROM response r JOIN touchpoint t "
                          "ON t.id = r.touchpoint_id GROUP BY t.key ORDER BY t.key")
        self.assertEqual(rows, [("tienda-compra", 1), ("web-compra", 2)])
        self.assertEqual(self.query("SELECT name FROM touchpoint WHERE key='web-compra'"),
                         [("Compra en la web",)])
        # Dropping web-compra (2 responses) is refused...
        j["touchpoints"] = [t for t in j["touchpoints"] if t["id"] != "web-compra"]
        path = self.write("j3.json", json.dumps(j))
        before = self.dump()
        rc, _, err = self.run_tp("journey", "import", path)
        self.assertEqual(rc, 1)
        self.assertIn('"web-compra" (2)', err)
        self.assertIn("--force", err)
        self.assertEqual(before, self.dump())
        # ...unless forced, which says how many became unassigned.
        out = self.ok("journey", "import", "--force", path)
        self.assertIn("2 responses became unassigned", out)
        self.assertEqual(self.query("SELECT count(*) FROM response WHERE touchpoint_id IS NULL"),
                         [(3,)])  # r3 had none already
        self.assertEqual(self.query("SELECT count(*) FROM response"), [(4,)])


class ImportTest(CliTest):
    def test_canonical_csv(self):
        self.load_journey()
        out = self.ok("import", self.data("responses.csv"))
        self.assertIn("4 rows: 4 new, 0 already present, 0 rejected", out)
        rows = self.query(
            "SELECT r.response_key, r.submitted_at, r.respondent_key, r.respondent_type, t.key,"
            " r.nps, r.csat, r.ces, r.emotion, r.comment, r.lang FROM response r"
            " LEFT JOIN touchpoint t ON t.id = r.touchpoint_id ORDER BY r.response_key")
        self.assertEqual(rows, [
            ("r1", utc(2026, 1, 15, 10), "c1", 0, "web-compra", 9, 5, 6, 2,
             "Muy rápido, gracias", "es"),
            ("r2", utc(2026, 1, 16, 9, 30), "c2", 0, "web-compra", 3, 2, None, None,
             'Tardó "demasiado"\ny no llegó', "es"),
            ("r3", utc(2026, 2, 1), "e1", 1, None, 8, None, None, None, None, None),
            ("r4", utc(2026, 2, 3, 9, 15), "c3", 0, "tienda-compra", None, 4, None, None,
             None, "en"),
        ])

    def attributes(self):
        names = dict(self.query("SELECT id, name FROM attribute"))
        out = {}
        for aid, name in names.items():
            for key, value in self.query(
                    f"SELECT r.response_key, v.value FROM response r JOIN attribute_value v"
                    f" ON v.id = r.a{aid}"):
                out.setdefault(key, {})[name] = value
        return out

    def test_attributes_are_dictionary_encoded(self):
        self.load_journey()
        self.ok("import", self.data("responses.csv"))
        self.assertEqual(self.attributes(), {
            "r1": {"region": "Norte", "plan": "contrato"},
            "r2": {"region": "Sur", "plan": "prepago"},
            "r3": {"region": "Norte"},
            "r4": {"region": "Centro", "plan": "contrato"},
        })
        # "Norte" is stored once.
        self.assertEqual(self.query("SELECT count(*) FROM attribute_value WHERE value='Norte'"),
                         [(1,)])

    def test_reimport_duplicates_nothing(self):
        self.load_journey()
        self.ok("import", self.data("responses.csv"))
        before = self.dump()
        out = self.ok("import", self.data("responses.csv"))
        self.assertIn("4 rows: 0 new, 4 already present, 0 rejected", out)
        self.assertEqual(before, self.dump())

    def test_semicolon_bom_decimal_comma(self):
        self.load_journey()
        out = self.ok("import", self.data("semicolon.csv"))
        self.assertIn("2 rows: 2 new", out)
        self.assertEqual(self.query("SELECT response_key, nps, csat, comment FROM response"
                                    " ORDER BY 1"),
                         [("x1", 7, 4, "uno; dos"), ("x2", 10, 5, None)])

    def test_json_lines(self):
        self.load_journey()
        out = self.ok("import", self.data("responses.jsonl"))
        self.assertIn("2 rows: 2 new", out)
        self.assertEqual(self.query("SELECT response_key, nps, csat, lang FROM response"
                                    " ORDER BY 1"),
                         [("j1", 10, None, "en"), ("j2", None, 2, None)])
        self.assertEqual(self.attributes(), {"j1": {"region": "Este"},
                                             "j2": {"region": "Oeste", "store": "Madrid 3"}})

    def test_invalid_rows_import_nothing_and_name_line_column_reason(self):
        self.load_journey()
        self.ok("import", self.data("responses.csv"))
        before = self.dump()
        rc, out, err = self.run_tp("import", self.data("invalid.csv"))
        self.assertEqual(rc, 1)
        self.assertEqual(before, self.dump())
        lines = err.strip().splitlines()
        expected = [
            ":3: column 2 (submitted_at): ", ":4: column 3 (touchpoint): unknown touchpoint",
            ":5: column 4 (nps): 11 is out of range 0..10", ":6: response_id is missing",
            ":7: column 5 (comment): invalid UTF-8 at byte 1",
            ':8: column 4 (nps): "8.5" is not a whole number',
            ":9: no score (nps, csat, ces, emotion) and no comment",
        ]
        for want, got in zip(expected, lines):
            self.assertIn("invalid.csv" + want, got)
        self.assertIn("month", lines[0])
        self.assertIn("7 invalid rows; nothing was imported", lines[-1])

    def test_skip_invalid_stores_good_rows_and_writes_rejects(self):
        self.load_journey()
        src = self.write("in.csv", open(self.data("invalid.csv"), "rb").read(), "wb")
        out = self.ok("import", "--skip-invalid", src)
        self.assertIn("9 rows: 2 new, 0 already present, 7 rejected", out)
        self.assertIn("in.csv.rejected.csv", out)
        self.assertEqual(self.query("SELECT response_key FROM response ORDER BY 1"),
                         [("b1",), ("b9",)])
        import csv
        with open(src + ".rejected.csv", newline="", encoding="utf-8", errors="replace") as f:
            rejected = list(csv.reader(f))
        self.assertEqual(rejected[0][:3], ["line", "reason", "response_id"])
        self.assertEqual([r[0] for r in rejected[1:]], ["3", "4", "5", "6", "7", "8", "9"])
        self.assertIn("out of range", rejected[3][1])
        self.assertEqual(rejected[3][2], "b4")

    def test_dry_run_stores_nothing(self):
        self.load_journey()
        before = self.dump()
        out = self.ok("import", "--dry-run", self.data("responses.csv"))
        self.assertIn("dry run", out)
        self.assertIn("4 new", out)
        self.assertEqual(before, self.dump())

    def test_more_than_20_errors_are_counted_first_20_shown(self):
        self.load_journey()
        rows = ["response_id,submitted_at,touchpoint,nps"]
        rows += [f"e{i},2026-01-01,web-info,{20 + i}" for i in range(30)]
        path = self.write("many.csv", "\n".join(rows) + "\n")
        rc, _, err = self.run_tp("import", path)
        self.assertEqual(rc, 1)
        shown = [l for l in err.splitlines() if "out of range" in l]
        self.assertEqual(len(shown), 20)
        self.assertIn("and 10 more problems (30 in all)", err)

    def test_field_count_mismatch_is_a_row_error(self):
        self.load_journey()
        path = self.write("short.csv", "response_id,submitted_at,nps\nq1,2026-01-01,5\n"
                                       "q2,2026-01-01\n")
        rc, _, err = self.run_tp("import", path)
        self.assertEqual(rc, 1)
        self.assertIn("short.csv:3:", err)
        self.assertEqual(self.query("SELECT count(*) FROM response"), [(0,)])

    def test_missing_required_column_is_refused_before_reading(self):
        self.load_journey()
        path = self.write("noid.csv", "submitted_at,nps\n2026-01-01,5\n")
        rc, _, err = self.run_tp("import", path)
        self.assertEqual(rc, 1)
        self.assertIn("no response_id column", err)

    def test_unreadable_file(self):
        rc, _, err = self.run_tp("import", os.path.join(self.dir, "nope.csv"))
        self.assertEqual(rc, 1)
        self.assertIn("nope.csv", err)

    def test_huge_comment_is_kept_whole(self):
        self.load_journey()
        comment = "á" * 300000  # 600,000 bytes of UTF-8
        path = self.write("big.csv", f'response_id,submitted_at,comment\nh1,2026-01-01,"{comment}"\n')
        self.ok("import", path)
        self.assertEqual(self.query("SELECT length(comment) FROM response"), [(300000,)])

    def test_huge_comment_trimmed_with_crlf_lines(self):
        self.load_journey()
        body = "a" * 400000 + "\r\n" + "b" * 400000
        path = self.write("big2.csv", f'response_id,submitted_at,comment\nh2,2026-01-01,"   {body}   "\n')
        self.ok("import", path)
        self.assertEqual(self.query("SELECT length(comment), instr(comment, char(13)),"
                                    " substr(comment, 400000, 3) FROM response"),
                         [(800001, 0, "a\nb")])

    def test_map_renames_columns_and_values(self):
        self.load_journey()
        csv_path = self.write("other.csv",
                              "ID;Fecha;Satisfacción;Recomendaría;Zona;IP\n"
                              "m1;15/01/2026 10:30;Muy satisfecho;9;N;1.2.3.4\n"
                              "m2;16/01/2026 18:05;Insatisfecho;2;S;5.6.7.8\n")
        map_path = self.write("map.json", json.dumps({
            "columns": {"ID": "response_id", "Fecha": "submitted_at",
                        "Satisfacción": "csat", "Recomendaría": "nps",
                        "Zona": "attr:region", "IP": None},
            "values": {"csat": {"Muy satisfecho": 5, "Insatisfecho": 2},
                       "attr:region": {"N": "Norte", "S": "Sur"}},
            "defaults": {"touchpoint": "tienda-compra", "lang": "es"},
            "date_format": "%d/%m/%Y %H:%M"}))
        out = self.ok("import", "--map", map_path, csv_path)
        self.assertIn("2 new", out)
        rows = self.query("SELECT r.response_key, r.submitted_at, r.csat, r.nps, t.key, r.lang"
                          " FROM response r JOIN touchpoint t ON t.id = r.touchpoint_id"
                          " ORDER BY 1")
        self.assertEqual(rows, [("m1", utc(2026, 1, 15, 10, 30), 5, 9, "tienda-compra", "es"),
                                ("m2", utc(2026, 1, 16, 18, 5), 2, 2, "tienda-compra", "es")])
        self.assertEqual(self.attributes(), {"m1": {"region": "Norte"},
                                             "m2": {"region": "Sur"}})
        self.assertEqual(self.query("SELECT name FROM attribute"), [("region",)])

    def test_bad_map_is_refused(self):
        self.load_journey()
        map_path = self.write("map.json", json.dumps({"columns": {"x": "nsp"}}))
        rc, _, err = self.run_tp("import", "--map", map_path, self.data("responses.csv"))
        self.assertEqual(rc, 1)
        self.assertIn('map.json: columns."x": unknown target "nsp"', err)


class DemoTest(CliTest):
    def test_demo_is_deterministic_and_shows_the_data(self):
        out = self.ok("demo", "--responses", "3000", "--seed", "7")
        self.assertIn("Responses: 3,000", out)
        self.assertIn("Atención telefónica de averías", out)
        first = self.query("SELECT * FROM response ORDER BY id")
        other = os.path.join(self.dir, "u.db")
        rc, _, _ = self.run_tp("--db", other, "demo", "--responses", "3000", "--seed", "7",
                               db=False)
        self.assertEqual(rc, 0)
        con = sqlite3.connect(other)
        second = con.execute("SELECT * FROM response ORDER BY id").fetchall()
        con.close()
        self.assertEqual(first, second)
        rc, _, err = self.run_tp("demo", "--responses", "10")
        self.assertEqual(rc, 1)
        self.assertIn("--force", err)
        self.ok("demo", "--responses", "10", "--force")
        self.assertEqual(self.query("SELECT count(*) FROM response"), [(10,)])


IMPORT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "import")


class ToolExportTest(CliTest):
    """--from qualtrics|surveymonkey|googleforms on the fixtures in
    tests/data/import; expected values read off those files by hand."""

    def rows(self):
        return self.query(
            "SELECT r.response_key, r.submitted_at, r.respondent_key, t.key, r.nps, r.csat,"
            " r.comment, r.lang FROM response r LEFT JOIN touchpoint t"
            " ON t.id = r.touchpoint_id ORDER BY r.submitted_at")

    def attribute_names(self):
        return sorted(n for (n,) in self.query("SELECT name FROM attribute"))

    def test_qualtrics_three_header_rows(self):
        self.load_journey()
        # Q1 named by its id, Q2_1 by its ImportId, Q4 by its question text.
        map_path = self.write("q.json", json.dumps({
            "columns": {"Q1": "nps", "QID2_1": "csat",
                        "What could we improve? (Please be specific, we read every answer)":
                            "comment",
                        "Q3": "attr:canal"},
            "defaults": {"touchpoint": "tienda-compra"}}))
        out = self.ok("import", "--from", "qualtrics", "--map", map_path,
                      os.path.join(IMPORT_DATA, "qualtrics.csv"))
        self.assertIn("3 rows: 3 new", out)
        self.assertEqual(self.rows(), [
            ("R_1a2B3c4D5e6F7g8", utc(2024, 3, 1, 10, 4, 46), "cust-001", "tienda-compra", 9, 4,
             "Nothing really", "en"),
            ("R_2b3C4d5E6f7G8h9", utc(2024, 3, 1, 11, 19, 31), "cust-002", "tienda-compra", 3, 1,
             'The queue was long, and the staff said "wait"\nfor 20 minutes.', "es"),
            ("R_3c4D5e6F7g8H9i0", utc(2024, 3, 2, 9, 1, 11), None, "tienda-compra", 10, 5,
             None, "en"),
        ])
        # Unmapped questions and personal data (IP, e-mail, location) are not attributes.
        self.assertEqual(self.attribute_names(), ["canal"])

    def test_surveymonkey_two_header_rows_filled_forward(self):
        self.load_journey()
        map_path = self.write("s.json", json.dumps({
            "columns": {
                "How likely is it that you would recommend Telco to a friend or colleague?": "nps",
                "Please rate our support: [Speed]": "csat",
                "What could we do better?": "comment",
                "Which of our channels did you use? (select all that apply) [App]": "attr:app"},
            "values": {"csat": {"Poor": 2, "Fair": 3, "Good": 4, "Excellent": 5}},
            "defaults": {"touchpoint": "web-compra", "lang": "en"}}))
        out = self.ok("import", "--from", "surveymonkey", "--map", map_path,
                      os.path.join(IMPORT_DATA, "surveymonkey.csv"))
        self.assertIn("2 rows: 2 new", out)
        self.assertEqual(self.rows(), [
            ("114238374839", utc(2024, 3, 1, 10, 5, 40), None, "web-compra", 9, 4,
             "Faster refunds", "en"),
            ("114238374840", utc(2024, 3, 1, 13, 12, 13), None, "web-compra", 6, 2, None, "en"),
        ])
        self.assertEqual(self.query("SELECT value FROM attribute_value"), [("App",)])

    def test_googleforms_grid_columns_and_derived_ids(self):
        self.load_journey()
        map_path = self.write("g.json", json.dumps({
            "columns": {"How likely are you to recommend us?": "nps",
                        "Rate our service [Speed]": "csat", "Any comments?": "comment",
                        "Rate our service [Price]": "attr:precio"},
            "values": {"csat": {"Poor": 2, "Good": 4}},
            "defaults": {"touchpoint": "web-info"}}))
        src = os.path.join(IMPORT_DATA, "googleforms.csv")
        out = self.ok("import", "--from", "googleforms", "--map", map_path, src)
        self.assertIn("2 rows: 2 new", out)
        rows = self.rows()
        self.assertEqual([r[1:] for r in rows], [
            (utc(2024, 3, 1, 10, 2, 11), "ana@example.com", "web-info", 9, 4, "Great, thanks!",
             None),
            (utc(2024, 3, 1, 12, 45, 9), "luis@example.com", "web-info", 4, 2, None, None),
        ])
        self.assertTrue(all(r[0].startswith("gf-") for r in rows))
        self.assertNotEqual(rows[0][0], rows[1][0])
        out = self.ok("import", "--from", "googleforms", "--map", map_path, src)
        self.assertIn("2 rows: 0 new, 2 already present", out)

    def test_tool_export_with_unmapped_scores_needs_a_map(self):
        self.load_journey()
        rc, _, err = self.run_tp("import", "--from", "qualtrics",
                                 os.path.join(IMPORT_DATA, "qualtrics.csv"))
        self.assertEqual(rc, 1)
        self.assertIn("no score (nps, csat, ces, emotion) and no comment", err)


class ProgressTest(CliTest):
    def test_progress_bar_only_on_a_terminal(self):
        import pty
        self.load_journey()
        rc, _, err = self.run_tp("import", self.data("responses.csv"))
        self.assertEqual(rc, 0)
        self.assertNotIn("rows/s  ETA", err)
        out = bytearray()
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BIN, [BIN, "--db", self.db, "import", self.data("semicolon.csv")])
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertIn(b"rows/s  ETA", bytes(out))
        self.assertIn(b"2 rows: 2 new", bytes(out))


if __name__ == "__main__":
    unittest.main()
