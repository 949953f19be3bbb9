"""End-to-end tests of `touchpoint report` and `touchpoint map`.

The fixture is tests/data/e2e/report.csv (written by make_report_fixture.py
beside it) on tests/data/e2e/journey.json. Every expected value is computed
here, independently of touchpoint, from the CSV itself: plain Python for
counts, groups and filters; the methods of include/touchpoint/stats.h with
numpy, scipy and statsmodels for the intervals and changes:
  NPS, eNPS   100 (P - D) / n; adjusted-Wald interval (Rocks 2016) with
              z = scipy.stats.norm.ppf
  CSAT, comment rate  statsmodels proportion_confint(method='wilson')
  CES, emotion        scipy.stats.t.interval around the mean
  changes     NPS: adjusted-Wald variances added, z test; proportions: Wald
              interval, statsmodels proportions_ztest (pooled); means:
              scipy.stats.ttest_ind(equal_var=False) and the
              Welch-Satterthwaite df
touchpoint's output is only ever compared with these, never used as one.
Needs Debian's /usr/bin/python3 (numpy, scipy, statsmodels).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_report.py
"""
import calendar
import csv
import datetime
import io
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
import unittest

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from test_cli import BIN, DATA, CliTest

FIXTURE = os.path.join(DATA, "report.csv")
JOURNEY = os.path.join(DATA, "journey.json")
METRICS = ["nps", "enps", "csat", "ces", "emotion", "responses", "comment_rate"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def utc(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


# --- the fixture, read independently -----------------------------------------

def parse_time(text):
    s = text.replace(" ", "T")
    if len(s) == 10:
        s += "T00:00:00"
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    dt = datetime.datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp())


def load_journey():
    with open(JOURNEY, encoding="utf-8") as f:
        return json.load(f)


def load_rows():
    j = load_journey()
    where = {t["id"]: (t["phase"], t["channel"]) for t in j["touchpoints"]}
    rows = []
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            tp = r["touchpoint"] or None
            rows.append({
                "id": r["response_id"], "t": parse_time(r["submitted_at"]),
                "who": r["respondent_id"], "type": r["respondent_type"], "touchpoint": tp,
                "phase": where[tp][0] if tp else None, "channel": where[tp][1] if tp else None,
                "nps": int(r["nps"]) if r["nps"] else None,
                "csat": int(r["csat"]) if r["csat"] else None,
                "ces": int(r["ces"]) if r["ces"] else None,
                "emotion": int(r["emotion"]) if r["emotion"] else None,
                "comment": r["comment"],
                "attrs": {k: r[k] for k in ("region", "plan", "team") if r[k]},
            })
    return rows


ROWS = load_rows()


def field(r, name):
    if name in ("touchpoint", "phase", "channel"):
        return r[name]
    return r["attrs"].get(name)


def key_of(r, by):
    """A response's key for a --by word, or None when it has none."""
    if by in ("touchpoint", "phase", "channel"):
        return r[by]
    g = time.gmtime(r["t"])
    if by == "month":
        return "%04d-%02d" % (g.tm_year, g.tm_mon)
    if by == "quarter":
        return "%04d-Q%d" % (g.tm_year, (g.tm_mon - 1) // 3 + 1)
    return r["attrs"].get(by[len("attr:"):])


def select(metric, frm=None, to=None, where=()):
    """Who counts where (DESIGN.md): employees for eNPS, customers otherwise;
    leaders never. from <= t < to; same-name filters OR, different AND."""
    typ = "employee" if metric == "enps" else "customer"
    wanted = {}
    for name, value in where:
        wanted.setdefault(name, set()).add(value)
    return [r for r in ROWS
            if r["type"] == typ and (frm is None or r["t"] >= frm)
            and (to is None or r["t"] < to)
            and all(field(r, n) in vs for n, vs in wanted.items())]


# --- the statistics, independently --------------------------------------------

def z(level):
    return stats.norm.ppf((1.0 + level) / 2.0)


def answers(metric, rows):
    if metric in ("nps", "enps"):
        return [r["nps"] for r in rows if r["nps"] is not None]
    if metric in ("csat", "ces", "emotion"):
        return [r[metric] for r in rows if r[metric] is not None]
    return rows


def nps_counts(xs):
    p = sum(1 for x in xs if x >= 9)
    d = sum(1 for x in xs if x <= 6)
    return p, len(xs) - p - d, d


def adjusted_wald(p, a, d):
    n1 = p + a + d + 3.0
    pp, dd = (p + 0.75) / n1, (d + 0.75) / n1
    return pp - dd, (pp + dd - (pp - dd) ** 2) / n1


def successes(metric, xs):
    if metric == "csat":
        return sum(1 for x in xs if x >= 4)
    return sum(1 for r in xs if r["comment"].strip())


def estimate(metric, rows, level):
    """The JSON group (without key, small, change) for rows of a group."""
    xs = answers(metric, rows)
    n = len(xs)
    g = {"n": n}
    if n == 0:
        return g
    if metric in ("nps", "enps"):
        p, a, d = nps_counts(xs)
        center, var = adjusted_wald(p, a, d)
        half = z(level) * math.sqrt(var)
        g["value"] = 100.0 * (p - d) / n
        g["ci"] = [max(-100.0, 100.0 * (center - half)), min(100.0, 100.0 * (center + half))]
        g.update(promoters=p, passives=a, detractors=d)
    elif metric in ("csat", "comment_rate"):
        s = successes(metric, xs)
        lo, hi = proportion_confint(s, n, alpha=1.0 - level, method="wilson")
        g["value"] = 100.0 * s / n
        g["ci"] = [100.0 * lo, 100.0 * hi]
        g["satisfied" if metric == "csat" else "comments"] = s
    elif metric in ("ces", "emotion"):
        x = np.array(xs, dtype=float)
        g["value"] = float(np.mean(x))
        if n >= 2:
            g["sd"] = float(np.std(x, ddof=1))
            if np.ptp(x) == 0:
                g["ci"] = [g["value"], g["value"]]
            else:
                lo, hi = stats.t.interval(level, n - 1, loc=np.mean(x), scale=stats.sem(x))
                g["ci"] = [float(lo), float(hi)]
    else:  # responses
        g["value"] = n
    return g


def change(metric, before, after, level):
    """after - before: {"diff", "ci", "p_value"}, or {} when not computable."""
    xb, xa = answers(metric, before), answers(metric, after)
    if metric in ("nps", "enps"):
        if not xb or not xa:
            return {}
        (pb, ab, db), (pa, aa, da) = nps_counts(xb), nps_counts(xa)
        diff = 100.0 * (pa - da) / len(xa) - 100.0 * (pb - db) / len(xb)
        se = 100.0 * math.sqrt(adjusted_wald(pb, ab, db)[1] + adjusted_wald(pa, aa, da)[1])
        half = z(level) * se
        return {"diff": diff, "ci": [max(-200.0, diff - half), min(200.0, diff + half)],
                "p_value": float(2.0 * stats.norm.sf(abs(diff / se)))}
    if metric in ("csat", "comment_rate"):
        if not xb or not xa:
            return {}
        s1, n1, s2, n2 = successes(metric, xb), len(xb), successes(metric, xa), len(xa)
        p1, p2 = s1 / n1, s2 / n2
        diff = 100.0 * (p2 - p1)
        half = 100.0 * z(level) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        pooled = (s1 + s2) / (n1 + n2)
        p = float(proportions_ztest([s2, s1], [n2, n1])[1]) if 0 < pooled < 1 else 1.0
        return {"diff": diff, "ci": [max(-100.0, diff - half), min(100.0, diff + half)],
                "p_value": p}
    if metric in ("ces", "emotion"):
        if len(xb) < 2 or len(xa) < 2:
            return {}
        a, b = np.array(xb, dtype=float), np.array(xa, dtype=float)
        diff = float(np.mean(b) - np.mean(a))
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        half = stats.t.ppf((1.0 + level) / 2.0, df) * math.sqrt(va + vb)
        p = float(stats.ttest_ind(b, a, equal_var=False).pvalue)
        return {"diff": diff, "ci": [diff - half, diff + half], "p_value": p}
    return {}


def previous_period(by, key):
    if by == "month":
        y, m = int(key[:4]), int(key[5:])
        return "%04d-%02d" % ((y - 1, 12) if m == 1 else (y, m - 1))
    y, q = int(key[:4]), int(key[6:])
    return "%04d-Q%d" % ((y - 1, 4) if q == 1 else (y, q - 1))


def order_of(by, keys):
    """The contract's order: journey order for touchpoints, phases and
    channels; periods in time order; attribute values alphabetically."""
    j = load_journey()
    lists = {"touchpoint": [t["id"] for t in j["touchpoints"]],
             "phase": [p["id"] for p in j["phases"]],
             "channel": [c["id"] for c in j["channels"]]}
    if by in lists:
        return lambda k: lists[by].index(k)
    return lambda k: k.encode("utf-8")


def expected_report(metric, by=(), frm=None, to=None, where=(), level=0.95, min_n=30,
                    anonymity=5, baseline=None):
    """The whole --json answer as this file reads the contract."""
    rows = select(metric, frm, to, where)
    groups = {}
    for r in rows:
        k = tuple(key_of(r, b) for b in by)
        if None not in k:
            groups.setdefault(k, []).append(r)
    counted = {k: v for k, v in groups.items() if answers(metric, v)}
    hidden = 0
    if metric == "enps":
        for k in list(counted):
            if len({r["who"] for r in counted[k]}) < anonymity:
                del counted[k]
                hidden += 1
    base_groups = {}
    if baseline:
        for r in select(metric, baseline[0], baseline[1], where):
            k = tuple(key_of(r, b) for b in by)
            if None not in k:
                base_groups.setdefault(k, []).append(r)
    period = [i for i, b in enumerate(by) if b in ("month", "quarter")]
    rank = [order_of(b, None) for b in by]
    out = []
    for k in sorted(counted, key=lambda k: tuple(f(x) for f, x in zip(rank, k))):
        g = {"key": dict(zip(by, k))}
        g.update(estimate(metric, counted[k], level))
        g["small"] = g["n"] < min_n
        before, vs = None, None
        if baseline:
            before, vs = base_groups.get(k), "baseline"
        elif period:
            i = period[0]
            prev = k[:i] + (previous_period(by[i], k[i]),) + k[i + 1:]
            before, vs = groups.get(prev), previous_period(by[i], k[i])
        # A change is shown when it can be computed: both sides have answers
        # (for means, two each). The count of responses has none.
        c = change(metric, before, counted[k], level) if before else {}
        if c:
            c["vs"] = vs
            c["significant"] = c["p_value"] < 1.0 - level
            g["change"] = c
        out.append(g)
    return {"metric": metric, "level": level, "groups": out, "hidden_groups": hidden}


def interval_name(level):
    return "ci%g" % (level * 100.0)


def display_width(line):
    w = 0
    for ch in ANSI.sub("", line):
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def fmt1(v):
    return "%.1f" % (0.0 if abs(v) < 0.05 else v)


# --- the tests -----------------------------------------------------------------

class ReportBase(CliTest):
    """One database with the fixture, shared by the tests of a class."""

    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="tp-report-")
        cls.shared_db = os.path.join(cls.shared, "report.db")
        for args in (["journey", "import", JOURNEY], ["import", FIXTURE]):
            p = subprocess.run([BIN, "--db", cls.shared_db] + args, capture_output=True,
                               text=True, timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"{args}: {p.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.db = self.shared_db

    def report(self, *args):
        out = self.ok("report", "--json", *args)
        return json.loads(out)

    def close(self, got, want, what):
        self.assertTrue(isinstance(got, (int, float)) and math.isfinite(got),
                        f"{what}: got {got!r}")
        self.assertTrue(math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-7),
                        f"{what}: got {got!r}, want {want!r}")

    def check_report(self, got, want, check_change=True):
        """Compares a --json answer with expected_report(), member by member."""
        self.assertEqual(got["metric"], want["metric"])
        self.close(got["level"], want["level"], "level")
        self.assertEqual(got["hidden_groups"], want["hidden_groups"], "hidden_groups")
        self.assertEqual([g["key"] for g in got["groups"]], [g["key"] for g in want["groups"]])
        ci = interval_name(want["level"])
        for g, w in zip(got["groups"], want["groups"]):
            what = f"{want['metric']} {w['key']}"
            self.assertEqual(g["n"], w["n"], what)
            for name in ("promoters", "passives", "detractors", "satisfied", "comments"):
                self.assertEqual(g.get(name), w.get(name), f"{what}: {name}")
            if "value" in w:
                self.close(g["value"], w["value"], f"{what}: value")
            else:
                self.assertNotIn("value", g, what)
            if "ci" in w:
                self.assertEqual(len(g[ci]), 2, what)
                self.close(g[ci][0], w["ci"][0], f"{what}: {ci} low")
                self.close(g[ci][1], w["ci"][1], f"{what}: {ci} high")
            else:
                self.assertNotIn(ci, g, what)
            if "sd" in w:
                self.close(g["sd"], w["sd"], f"{what}: sd")
            self.assertEqual(g["small"], w["small"], f"{what}: small")
            if not check_change:
                continue
            if "change" not in w:
                self.assertNotIn("change", g, what)
                continue
            self.assertIn("change", g, what)
            c, wc = g["change"], w["change"]
            self.assertEqual(c["vs"], wc["vs"], what)
            self.assertEqual(c["significant"], wc["significant"], f"{what}: significant")
            if "diff" in wc:
                self.close(c["diff"], wc["diff"], f"{what}: change diff")
                self.close(c[ci][0], wc["ci"][0], f"{what}: change low")
                self.close(c[ci][1], wc["ci"][1], f"{what}: change high")
                self.assertTrue(math.isclose(c["p_value"], wc["p_value"], abs_tol=1e-9),
                                f"{what}: p {c['p_value']!r}, want {wc['p_value']!r}")
            else:
                self.assertNotIn("diff", c, what)

    def check(self, metric, *args, **want_kw):
        """Runs report --json with args and compares with expected_report()."""
        check_change = want_kw.pop("check_change", True)
        got = self.report("--metric", metric, *args)
        want = expected_report(metric, **want_kw)
        self.check_report(got, want, check_change)
        return got, want


class ReportJsonTest(ReportBase):
    def test_json_shape_is_the_contract(self):
        out = self.ok("report", "--json", "--metric", "nps", "--by", "touchpoint", "--by",
                      "month")
        got = json.loads(out)
        self.assertEqual(list(got), ["metric", "level", "groups", "hidden_groups"])
        self.assertEqual(got["metric"], "nps")
        self.assertEqual(got["level"], 0.95)
        first, later = got["groups"][0], got["groups"][1]
        self.assertEqual(list(first), ["key", "n", "value", "ci95", "promoters", "passives",
                                       "detractors", "small"])
        self.assertEqual(list(first["key"]), ["touchpoint", "month"])
        self.assertEqual(list(later)[-1], "change")
        self.assertEqual(list(later["change"]), ["vs", "diff", "ci95", "p_value", "significant"])
        self.assertNotIn("NaN", out)
        self.assertNotIn("Infinity", out)

    def test_every_metric_by_touchpoint(self):
        for metric in METRICS:
            with self.subTest(metric=metric):
                got, want = self.check(metric, "--by", "touchpoint", by=("touchpoint",))
                self.assertTrue(got["groups"])

    def test_every_metric_overall(self):
        for metric in METRICS:
            with self.subTest(metric=metric):
                got, _ = self.check(metric)
                self.assertEqual(len(got["groups"]), 1)
                self.assertEqual(got["groups"][0]["key"], {})

    def test_responses_value_is_n(self):
        got, _ = self.check("responses", "--by", "channel", by=("channel",))
        for g in got["groups"]:
            self.assertEqual(g["value"], g["n"])
        total = self.report("--metric", "responses")["groups"][0]["n"]
        self.assertEqual(total, sum(1 for r in ROWS if r["type"] == "customer"))

    def test_by_phase_and_channel(self):
        for metric in ("nps", "csat", "ces"):
            self.check(metric, "--by", "phase", by=("phase",))
            self.check(metric, "--by", "channel", by=("channel",))

    def test_by_month_with_change_against_the_previous_month(self):
        for metric in ("nps", "csat", "ces", "emotion", "comment_rate"):
            with self.subTest(metric=metric):
                self.check(metric, "--by", "month", by=("month",))
        got, want = self.check("nps", "--by", "touchpoint", "--by", "month",
                               by=("touchpoint", "month"))
        jan = [g for g in got["groups"]
               if g["key"] == {"touchpoint": "web-compra", "month": "2026-01"}][0]
        self.assertEqual(jan["change"]["vs"], "2025-12")
        self.assertTrue(jan["change"]["significant"])
        self.assertGreater(jan["change"]["diff"], 0)
        # The first month has nothing to compare with.
        self.assertTrue(all("change" not in g for g in got["groups"]
                            if g["key"]["month"] == "2025-10"))

    def test_by_quarter(self):
        got, _ = self.check("nps", "--by", "quarter", by=("quarter",))
        self.assertEqual([g["key"]["quarter"] for g in got["groups"]], ["2025-Q4", "2026-Q1"])
        self.assertEqual(got["groups"][1]["change"]["vs"], "2025-Q4")
        self.check("csat", "--by", "quarter", "--by", "touchpoint", by=("quarter", "touchpoint"))

    def test_by_attribute_keeps_its_prefix_and_flags_small_groups(self):
        got, _ = self.check("nps", "--by", "attr:region", by=("attr:region",))
        keys = [g["key"]["attr:region"] for g in got["groups"]]
        self.assertEqual(keys, ["Centro", "Este", "Norte", "Sur"])
        este = got["groups"][1]
        self.assertLess(este["n"], 30)
        self.assertTrue(este["small"])
        self.assertFalse(got["groups"][0]["small"])
        self.check("ces", "--by", "attr:plan", by=("attr:plan",))

    def test_cross_tabs(self):
        self.check("csat", "--by", "attr:region", "--by", "attr:plan",
                   by=("attr:region", "attr:plan"))
        self.check("emotion", "--by", "channel", "--by", "quarter", by=("channel", "quarter"))
        self.check("nps", "--by", "month", "--by", "attr:region", by=("month", "attr:region"))
        # Small cells: means of one answer have no interval and no change.
        got, _ = self.check("ces", "--by", "attr:region", "--by", "month",
                            by=("attr:region", "month"))
        ones = [g for g in got["groups"] if g["n"] == 1]
        self.assertTrue(ones)
        for g in ones:
            self.assertNotIn("ci95", g)
            self.assertNotIn("sd", g)
            self.assertNotIn("change", g)

    def test_where_same_name_or_different_names_and(self):
        self.check("nps", "--by", "touchpoint", "--where", "region=Norte", "--where",
                   "region=Sur", by=("touchpoint",),
                   where=[("region", "Norte"), ("region", "Sur")])
        got, _ = self.check("csat", "--by", "month", "--where", "region=Norte", "--where",
                            "plan=prepago", by=("month",),
                            where=[("region", "Norte"), ("plan", "prepago")])
        both = sum(g["n"] for g in got["groups"])
        norte = sum(g["n"] for g in self.report("--metric", "csat", "--where",
                                                "region=Norte")["groups"])
        self.assertLess(both, norte)
        self.check("ces", "--by", "attr:region", "--where", "touchpoint=web-compra",
                   "--where", "touchpoint=tienda-compra", by=("attr:region",),
                   where=[("touchpoint", "web-compra"), ("touchpoint", "tienda-compra")])
        self.check("nps", "--by", "touchpoint", "--where", "phase=comprar",
                   "--where", "channel=web", by=("touchpoint",),
                   where=[("phase", "comprar"), ("channel", "web")])
        # A value no response has matches nothing.
        got = self.report("--metric", "nps", "--where", "region=Oeste")
        self.assertEqual(got["groups"], [])

    def test_from_is_inclusive_and_a_date_to_means_through_that_day(self):
        jan31, feb1 = utc(2026, 1, 31), utc(2026, 2, 1)
        got, _ = self.check("responses", "--from", "2026-01-31", "--to", "2026-01-31",
                            frm=jan31, to=feb1)
        n = got["groups"][0]["n"]
        ids = {r["id"] for r in select("responses", jan31, feb1)}
        # The fixture's edge rows: 23:59:59Z and 00:30+01:00 are on the 31st
        # (UTC), 00:00:00Z and 23:30-02:00 are not.
        self.assertIn("e-0131-2359", ids)
        self.assertIn("e-0201-off", ids)
        self.assertNotIn("e-0201-0000", ids)
        self.assertNotIn("e-0131-off", ids)
        # A date-time --to is exclusive at that instant.
        got, _ = self.check("responses", "--from", "2026-01-31", "--to",
                            "2026-01-31T23:59:59Z", frm=jan31, to=feb1 - 1)
        self.assertEqual(got["groups"][0]["n"], n - 1)
        # Offsets are honoured; --from is inclusive.
        self.check("nps", "--by", "month", "--from", "2026-02-01T01:00:00+01:00", "--to",
                   "2026-02-01T02:00:00+01:00", by=("month",), frm=feb1, to=feb1 + 3600)
        self.check("csat", "--by", "touchpoint", "--from", "2026-01-01", "--to", "2026-03-31",
                   by=("touchpoint",), frm=utc(2026, 1, 1), to=utc(2026, 4, 1))
        self.check("nps", "--by", "month", "--from", "2025-12-15",
                   by=("month",), frm=utc(2025, 12, 15))

    def test_enps_counts_employees_only_and_hides_small_teams(self):
        got, _ = self.check("enps", "--by", "attr:team", by=("attr:team",))
        self.assertEqual([g["key"]["attr:team"] for g in got["groups"]],
                         ["Atención", "Ecommerce", "Tiendas"])
        self.assertEqual(got["hidden_groups"], 2)  # Marketing (3), Logística (4)
        total = self.report("--metric", "enps")["groups"][0]["n"]
        self.assertEqual(total, sum(1 for r in ROWS
                                    if r["type"] == "employee" and r["nps"] is not None))
        got, _ = self.check("enps", "--by", "attr:team", "--anonymity", "3",
                            by=("attr:team",), anonymity=3)
        self.assertEqual(got["hidden_groups"], 0)
        self.assertEqual(len(got["groups"]), 5)
        got, want = self.check("enps", "--by", "month", "--by", "attr:team",
                               by=("month", "attr:team"), check_change=False)
        self.assertGreater(want["hidden_groups"], 2)
        # Only eNPS hides groups: customers' small groups are shown, flagged.
        got = self.report("--metric", "nps", "--by", "attr:region", "--by", "month")
        self.assertEqual(got["hidden_groups"], 0)
        self.assertTrue(any(g["n"] < 5 for g in got["groups"]))

    def test_leaders_never_count(self):
        # Leaders answered on web-compra and tienda-uso, with the lowest scores.
        for metric in ("nps", "csat", "ces", "emotion", "responses", "comment_rate"):
            got = self.report("--metric", metric, "--by", "touchpoint")
            self.assertNotIn("tienda-uso", [g["key"]["touchpoint"] for g in got["groups"]])
        got = self.report("--metric", "enps", "--by", "attr:team", "--anonymity", "1")
        self.assertNotIn("Dirección", [g["key"]["attr:team"] for g in got["groups"]])
        got = self.report("--metric", "nps", "--where", "team=Dirección")
        self.assertEqual(got["groups"], [])

    def test_min_n_and_level(self):
        got, _ = self.check("nps", "--by", "touchpoint", "--by", "quarter", "--min-n", "420",
                            by=("touchpoint", "quarter"), min_n=420)
        self.assertTrue(any(g["small"] for g in got["groups"]))
        self.assertFalse(all(g["small"] for g in got["groups"]))
        for level in (0.9, 0.99):
            for metric in ("nps", "csat", "ces"):
                got, _ = self.check(metric, "--by", "month", "--level", str(level),
                                    by=("month",), level=level)
                self.assertIn(interval_name(level), got["groups"][0])
                self.assertNotIn("ci95", got["groups"][0])

    def test_baseline_comparison(self):
        base = (utc(2025, 10, 1), utc(2026, 1, 1))
        for metric in ("nps", "csat", "ces"):
            with self.subTest(metric=metric):
                got, _ = self.check(metric, "--by", "touchpoint", "--from", "2026-01-01",
                                    "--to", "2026-03-31", "--baseline-from", "2025-10-01",
                                    "--baseline-to", "2025-12-31", by=("touchpoint",),
                                    frm=utc(2026, 1, 1), to=utc(2026, 4, 1), baseline=base)
                for g in got["groups"]:
                    self.assertEqual(g["change"]["vs"], "baseline")
        got = self.report("--metric", "nps", "--by", "touchpoint", "--from", "2026-01-01",
                          "--baseline-from", "2025-10-01", "--baseline-to", "2025-12-31")
        web = [g for g in got["groups"] if g["key"]["touchpoint"] == "web-compra"][0]
        self.assertTrue(web["change"]["significant"])
        self.check("csat", "--where", "region=Sur", "--from", "2026-01-01",
                   "--baseline-from", "2025-10-01", "--baseline-to", "2025-12-31T00:00:00Z",
                   where=[("region", "Sur")], frm=utc(2026, 1, 1),
                   baseline=(utc(2025, 10, 1), utc(2025, 12, 31)))


class ReportCsvTest(ReportBase):
    def csv_rows(self, *args):
        out = self.ok("report", "--csv", *args)
        return list(csv.reader(io.StringIO(out, newline="")))

    def test_csv_matches_json(self):
        queries = [
            ["--metric", "nps", "--by", "touchpoint", "--by", "month"],
            ["--metric", "csat", "--by", "attr:region"],
            ["--metric", "ces", "--by", "touchpoint", "--from", "2026-01-01",
             "--baseline-from", "2025-10-01", "--baseline-to", "2025-12-31"],
            ["--metric", "comment_rate", "--by", "quarter", "--level", "0.9"],
            ["--metric", "enps", "--by", "attr:team"],
            ["--metric", "responses", "--by", "channel"],
            ["--metric", "emotion"],
        ]
        for q in queries:
            with self.subTest(q=q):
                rows = self.csv_rows(*q)
                doc = self.report(*q)
                self.check_csv(rows, doc, q)

    def check_csv(self, rows, doc, q):
        by = [q[i + 1] for i, a in enumerate(q) if a == "--by"]
        metric = q[1]
        counts = {"nps": ["promoters", "passives", "detractors"],
                  "enps": ["promoters", "passives", "detractors"], "csat": ["satisfied"],
                  "comment_rate": ["comments"], "ces": ["sd"], "emotion": ["sd"],
                  "responses": []}[metric]
        header = by + ["n", "value", "ci_low", "ci_high"] + counts + [
            "small", "change_vs", "change_diff", "change_low", "change_high", "change_p",
            "significant"]
        self.assertEqual(rows[0], header)
        self.assertEqual(len(rows) - 1, len(doc["groups"]))
        ci = interval_name(doc["level"])
        for row, g in zip(rows[1:], doc["groups"]):
            r = dict(zip(header, row))
            self.assertEqual(len(row), len(header))
            self.assertEqual([r[b] for b in by], [g["key"][b] for b in by])
            self.assertEqual(int(r["n"]), g["n"])

            def num(name, want):
                if want is None:
                    self.assertEqual(r[name], "", name)
                else:
                    self.close(float(r[name]), want, name)
            num("value", g.get("value"))
            num("ci_low", g[ci][0] if ci in g else None)
            num("ci_high", g[ci][1] if ci in g else None)
            for c in counts:
                num(c, g.get(c))
            self.assertEqual(r["small"], "true" if g["small"] else "false")
            ch = g.get("change")
            self.assertEqual(r["change_vs"], ch["vs"] if ch else "")
            num("change_diff", ch.get("diff") if ch else None)
            num("change_low", ch[ci][0] if ch and ci in ch else None)
            num("change_high", ch[ci][1] if ch and ci in ch else None)
            num("change_p", ch.get("p_value") if ch else None)
            self.assertEqual(r["significant"],
                             ("true" if ch["significant"] else "false") if ch else "")

    def test_csv_quotes_fields(self):
        # Attribute values with a comma or a quote come out RFC 4180-quoted.
        path = self.write("q.csv", 'response_id,submitted_at,touchpoint,nps,store\n'
                                   'q1,2026-01-10,web-compra,9,"Madrid, Centro"\n'
                                   'q2,2026-01-11,web-compra,3,"El ""Faro"""\n')
        self.db = os.path.join(self.dir, "q.db")
        self.ok("journey", "import", JOURNEY)
        self.ok("import", path)
        rows = self.csv_rows("--metric", "nps", "--by", "attr:store")
        self.assertEqual([r[0] for r in rows[1:]], ['El "Faro"', "Madrid, Centro"])
        out = self.ok("report", "--csv", "--metric", "nps", "--by", "attr:store")
        self.assertIn('"El ""Faro"""', out)


class ReportTableTest(ReportBase):
    def test_table_shows_keys_n_values_and_intervals(self):
        out = self.ok("report", "--metric", "nps", "--by", "touchpoint", "--by", "month")
        want = expected_report("nps", by=("touchpoint", "month"))
        lines = out.splitlines()
        self.assertIn("NPS", lines[0])
        self.assertIn("95%", lines[0])
        for g in want["groups"]:
            k = g["key"]
            line = [l for l in lines
                    if re.match(re.escape(k["touchpoint"]) + r" +" + k["month"] + " ", l)]
            self.assertEqual(len(line), 1, k)
            line = line[0]
            self.assertIn(f" {g['n']:,}", line)
            self.assertIn(f" {fmt1(g['value'])} ", line)
            self.assertIn(f"[{fmt1(g['ci'][0])}, {fmt1(g['ci'][1])}]", line)
            c = g.get("change")
            if c and c["significant"]:
                self.assertIn("▲" if c["diff"] > 0 else "▼", line)
                self.assertIn("%+.1f" % c["diff"], line)
            else:
                self.assertNotIn("▲", line)
                self.assertNotIn("▼", line)
        self.assertIn("significant", out)
        self.assertFalse(any(l != l.rstrip() for l in lines), "trailing blanks")

    def test_table_marks_small_groups_and_names_the_filters(self):
        out = self.ok("report", "--metric", "csat", "--by", "attr:region", "--where",
                      "plan=prepago", "--from", "2026-01-01", "--to", "2026-03-31")
        self.assertIn("plan=prepago", out.splitlines()[0])
        self.assertIn("2026-01-01", out.splitlines()[0])
        self.assertIn("n<30: indicative only", out)
        este = [l for l in out.splitlines() if l.startswith("Este ")][0]
        self.assertIn("*", este)
        norte = [l for l in out.splitlines() if l.startswith("Norte ")][0]
        self.assertNotIn("*", norte)

    def test_table_notes_hidden_employee_groups(self):
        out = self.ok("report", "--metric", "enps", "--by", "attr:team")
        self.assertIn("2 employee groups hidden: fewer than 5 respondents", out)
        self.assertNotIn("Marketing", out)
        self.assertIn("Ecommerce", out)
        out = self.ok("report", "--metric", "nps", "--where", "region=Oeste")
        self.assertIn("No responses match", out)


class MapTest(ReportBase):
    def check_width(self, out):
        for line in out.splitlines():
            self.assertLessEqual(display_width(line), 120, repr(line))

    def test_map_of_the_fixture(self):
        out = self.ok("map")
        self.check_width(out)
        self.assertNotIn("\x1b[", out)
        lines = out.splitlines()
        top = [i for i, l in enumerate(lines) if "Descubrir" in l][0]
        head = lines[top]
        self.assertLess(head.index("Descubrir"), head.index("Comprar"))
        self.assertLess(head.index("Comprar"), head.index("Usar"))
        # tienda-uso has answers only from employees and leaders: not measured,
        # in the Usar column of the Tienda row.
        row = [i for i, l in enumerate(lines) if i > top and l.startswith("Tienda ")][0]
        usar = head.index("Usar")
        self.assertIn("Soporte en tienda", lines[row][usar:])
        self.assertEqual(lines[row + 1][usar:].strip(), "not measured")
        # Cells without a touchpoint: Descubrir x Tienda, Usar x Web.
        self.assertEqual(lines[row][len("Tienda"):head.index("Comprar")].strip(), "·")
        web = [i for i, l in enumerate(lines) if i > top and l.startswith("Web ")][0]
        self.assertEqual(lines[web][usar:].strip(), "·")
        self.assertIn("not measured", out)

    def test_map_values_are_the_phase_by_channel_indicators(self):
        bands = {"nps": (0, 30), "csat": (70, 85), "ces": (4, 5.5), "emotion": (0, 1)}
        for metric, (lo, hi) in bands.items():
            with self.subTest(metric=metric):
                out = self.ok("map", "--metric", metric, "--where", "region=Norte")
                self.check_width(out)
                want = expected_report(metric, by=("phase", "channel"),
                                       where=[("region", "Norte")])
                for g in want["groups"]:
                    band = "poor" if g["value"] < lo else "fair" if g["value"] < hi else "good"
                    unit = "%" if metric == "csat" else ""
                    self.assertIn(f"{fmt1(g['value'])}{unit} {band}", out)
                    self.assertIn(f"n={g['n']:,}", out)
                self.assertIn(str(lo), out.splitlines()[-2])  # the legend states the bands

    def test_map_filters_by_period(self):
        out = self.ok("map", "--from", "2026-01-01", "--to", "2026-01-31")
        want = expected_report("nps", by=("phase", "channel"), frm=utc(2026, 1, 1),
                               to=utc(2026, 2, 1))
        for g in want["groups"]:
            self.assertIn(f"{fmt1(g['value'])} ", out)
            self.assertIn(f"n={g['n']}{'*' if g['small'] else ''}", out)

    def test_map_of_six_phases_and_six_channels_fits_120_columns(self):
        self.db = os.path.join(self.dir, "demo.db")
        self.ok("demo", "--responses", "3000", "--seed", "7")
        for metric in ("nps", "csat", "ces", "emotion"):
            out = self.ok("map", "--metric", metric)
            self.check_width(out)
            self.assertTrue(any("…" in l for l in out.splitlines()))
            self.assertFalse(any(l != l.rstrip() for l in out.splitlines()), "trailing blanks")

    def test_colours_only_on_a_terminal(self):
        import pty
        out = self.ok("map")
        self.assertNotIn("\x1b", out)
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        buf = bytearray()
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, "--db", self.db, "map"], env)
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        text = buf.decode("utf-8")
        self.assertIn("\x1b[", text)
        self.check_width(text.replace("\r\n", "\n"))
        self.assertEqual(ANSI.sub("", text).replace("\r\n", "\n"), out)


class BadInputTest(ReportBase):
    def fails(self, code, *args, says=()):
        rc, out, err = self.run_tp(*args)
        self.assertEqual(rc, code, f"{args}: {err}")
        self.assertTrue(err.strip(), args)
        self.assertEqual(out, "", args)
        for s in says:
            self.assertIn(s, err, args)
        return err

    def test_usage_errors_exit_2(self):
        r = ["report", "--metric", "nps"]
        self.fails(2, "report", "--metric", "happiness", says=["happiness"])
        self.fails(2, "report", says=["--metric"])
        self.fails(2, *r, "--by", "weekday", says=["weekday"])
        self.fails(2, *r, "--where", "region", says=["NAME=VALUE"])
        self.fails(2, *r, "--where", "=Norte")
        self.fails(2, *r, "--level", "95", says=["--level"])
        self.fails(2, *r, "--min-n", "-1")
        self.fails(2, *r, "--anonymity", "some")
        self.fails(2, *r, "--baseline-from", "2025-10-01", says=["--baseline-to"])
        self.fails(2, *r, "--json", "--csv")
        self.fails(2, *r, "--by", "touchpoint", "--by", "month", "--by", "quarter", "--by",
                   "phase", "--by", "channel")
        self.fails(2, *r, "extra")
        self.fails(2, *r, "--bogus")
        self.fails(2, "map", "--metric", "enps")
        self.fails(2, "map", "--metric", "responses")
        self.fails(2, "map", "--where", "x")
        self.fails(2, "map", "stray")

    def test_bad_dates_name_the_option_and_the_value(self):
        r = ["report", "--metric", "nps"]
        self.fails(2, *r, "--from", "2026-13-01", says=["--from", "2026-13-01", "ISO 8601"])
        self.fails(2, *r, "--to", "yesterday", says=["--to", "yesterday"])
        self.fails(2, *r, "--baseline-from", "2025-02-30", "--baseline-to", "2025-03-01",
                   says=["--baseline-from"])
        self.fails(2, "map", "--from", "2026-02-30", says=["--from"])

    def test_data_errors_exit_1(self):
        r = ["report", "--metric", "nps"]
        self.fails(1, *r, "--by", "attr:color", says=["color"])
        self.fails(1, *r, "--where", "color=red", says=["color"])
        self.fails(1, *r, "--where", "touchpoint=nope", says=["nope"])
        self.fails(1, *r, "--from", "2026-02-01", "--to", "2026-01-01")
        self.fails(1, *r, "--by", "month", "--by", "month")
        self.fails(1, "map", "--where", "color=red", says=["color"])

    def test_missing_database(self):
        missing = os.path.join(self.dir, "none.db")
        for args in (["report", "--metric", "nps"], ["map"]):
            rc, out, err = self.run_tp("--db", missing, *args, db=False)
            self.assertEqual(rc, 1, args)
            self.assertIn("no database at", err)
            self.assertEqual(out, "")
        self.assertFalse(os.path.exists(missing))

    def test_help_documents_every_option(self):
        out = self.ok("report", "--help")
        for opt in ("--metric", "--by", "--from", "--to", "--where", "--level", "--min-n",
                    "--anonymity", "--baseline-from", "--baseline-to", "--json", "--csv",
                    "--db", "attr:NAME", "whole day", "exclusive"):
            self.assertIn(opt, out)
        out = self.ok("map", "--help")
        for opt in ("--metric", "--from", "--to", "--where", "--db", "not measured"):
            self.assertIn(opt, out)
        out = self.ok("--help", db=False)
        self.assertIn("report", out)
        self.assertIn("map", out)


if __name__ == "__main__":
    unittest.main()
