"""End-to-end tests of `touchpoint gap`, `linkage`, `flags`, `map --estimates`
and the pages /drivers, /gap and /linkage (docs/analysis.md).

The data set is generated here (numpy, fixed seed) and imported as CSV; every
expected value is computed from the same rows, independently of touchpoint:
  stated importance   mean and scipy.stats.t interval per respondent type
  gaps                scipy.stats.ttest_ind(equal_var=False) (Welch) and the
                      Welch-Satterthwaite df by hand
  derived importance  Shapley values of R^2 by brute force over all subsets
                      (numpy least squares), as % of the full R^2
  rank agreement      scipy.stats.spearmanr
  linkage             NPS by counting; Pearson r (scipy.stats.pearsonr), the
                      Fisher z interval by hand, Spearman rho (spearmanr)
  estimates           z = (mean estimate - measured) / sqrt(se_m^2 + s^2/m)
  flags               Wilson interval (statsmodels) and t interval by hand;
                      text sentiment: the compound values stored in
                      comment_analysis (read with sqlite3), scipy t interval
  stated ranks        positions by scipy.stats.rankdata (average ties),
                      unranked attributes at the mean of the positions
                      left; mean rank with scipy t interval, % first with
                      statsmodels' Wilson interval; gaps by
                      scipy.stats.mannwhitneyu(method="asymptotic",
                      use_continuity=True)
  /drivers outcome    Shapley values by brute force over the customers'
                      responses joined to the imported business outcome
Needs Debian's /usr/bin/python3 (numpy, scipy, statsmodels).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_analysis.py
"""
import csv
import html
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from test_cli import BIN, WRAPPER, CliTest

TOL = 1e-6
EVIL = "<script>alert(1)</script>"
ATTRS = ["rapidez", "experiencia", "trato"]
TEAMS = ["Atencion", "Tiendas", "Web", "Facturas", "Apps", "Ventas", "Redes"]
TOUCHPOINTS = [("t-atencion", "Atencion", 4.8), ("t-tiendas", "Tiendas", 8.6),
               ("t-web", "Web", 7.9), ("t-facturas", "Facturas", 8.2), ("t-apps", "Apps", 7.0),
               ("t-ventas", "Ventas", 6.4), ("t-redes", "Redes", 7.4), ("t-libre", None, 8.9)]
COLUMNS = ["response_id", "submitted_at", "respondent_id", "respondent_type", "touchpoint",
           "nps", "csat", "ces", "emotion", "comment", "lang", "rapidez", "experiencia",
           "trato", "imp_rapidez", "imp_experiencia", "imp_trato", "team", "engagement",
           "estimate_nps", "tienda"]


def journey(touchpoints):
    return {"name": "Prueba", "phases": [{"id": "p1", "name": "Uno"}, {"id": "p2", "name": "Dos"}],
            "channels": [{"id": f"c{i}", "name": f"Canal {i}"} for i in range(len(touchpoints))],
            "touchpoints": [dict({"id": t, "phase": "p1" if i % 2 else "p2", "channel": f"c{i}",
                                  "name": t}, **({"owner": o} if o else {}))
                            for i, (t, o, _) in enumerate(touchpoints)]}


def clamp(x, lo, hi):
    return int(min(hi, max(lo, round(x))))


def generate(seed=5, leaders=True, teams=TEAMS, evil_team=True):
    """Rows as dicts of strings (the CSV), reproducible from the seed."""
    rng = np.random.RandomState(seed)
    rows = []

    def row(**kw):
        r = {c: "" for c in COLUMNS}
        r["response_id"] = f"r{len(rows) + 1}"
        r["submitted_at"] = "2026-03-%02dT10:00:00Z" % (1 + len(rows) % 28)
        r.update({k: str(v) for k, v in kw.items()})
        rows.append(r)

    tps = [t for t in TOUCHPOINTS if t[1] is None or t[1] in teams]
    for i in range(1500):
        tp, _, q = tps[i % len(tps)]
        latent = q + 1.8 * rng.randn()
        kw = {"respondent_id": f"c{i}", "respondent_type": "customer", "touchpoint": tp,
              "tienda": f"T{i % 6}",
              "nps": clamp(latent, 0, 10), "csat": clamp(latent / 2.2 + 0.4 + 0.5 * rng.randn(), 1, 5)}
        if tp == "t-libre":  # satisfied, but it leaves a bad feeling
            kw["emotion"] = clamp(-1.2 + 0.7 * rng.randn(), -3, 3)
        else:
            kw["emotion"] = clamp((latent - 6.5) / 1.2, -3, 3)
        if i % 3 == 0:
            kw["rapidez"] = clamp(0.9 + 0.42 * latent + 0.6 * rng.randn(), 1, 5)
            kw["experiencia"] = clamp(3.6 + 0.9 * rng.randn(), 1, 5)
            kw["trato"] = clamp(2.0 + 0.2 * latent + 0.8 * rng.randn(), 1, 5)
            for a, m in zip(ATTRS, (4.5, 3.1, 3.9)):
                kw["imp_" + a] = clamp(m + 0.8 * rng.randn(), 1, 5)
        row(**kw)
    quality = {o: q for _, o, q in TOUCHPOINTS if o}
    for k, team in enumerate(teams):
        people = 3 if team == "Ventas" else 8  # Ventas: below the anonymity threshold
        for e in range(people * 3):
            q = quality[team]
            kw = {"respondent_id": f"e{k}-{e % people}", "respondent_type": "employee",
                  "team": team, "tienda": f"T{e % 6}",
                  "nps": clamp(7.2 + 0.9 * (q - 7.8) + 1.8 * rng.randn(), 0, 10),
                  "engagement": clamp(3.3 + 0.6 * (q - 7.8) + 0.8 * rng.randn(), 1, 5)}
            if e % 2 == 0:
                for a, m in zip(ATTRS, (3.8, 4.2, 4.0)):
                    kw["imp_" + a] = clamp(m + 0.8 * rng.randn(), 1, 5)
            if e % 4 == 1:
                tp = next(t for t, o, _ in TOUCHPOINTS if o == team)
                bias = 40 if team == "Atencion" else 0
                kw["touchpoint"] = tp
                kw["estimate_nps"] = clamp(10 * (q - 7.5) + bias + 12 * rng.randn(), -100, 100)
            row(**kw)
    if evil_team:
        for e in range(6):
            row(respondent_id=f"evil{e}", respondent_type="employee", team=EVIL, nps=7,
                engagement=3)
    if leaders:
        for l in range(40):
            kw = {"respondent_id": f"l{l}", "respondent_type": "leader", "nps": 9}
            for a, m in zip(ATTRS, (3.2, 4.7, 3.8)):
                kw["imp_" + a] = clamp(m + 0.6 * rng.randn(), 1, 5)
            if l % 4 == 0:
                kw["touchpoint"] = "t-atencion"
                kw["estimate_nps"] = clamp(10 + 10 * rng.randn(), -100, 100)
            row(**kw)
    return rows


def num(text):
    return float(text) if text not in ("", None) else math.nan


def nps_of(values):
    v = np.asarray(values)
    return 100.0 * ((v >= 9).sum() - (v <= 6).sum()) / len(v)


def nps_se(values):
    v = np.asarray(values)
    p, d = (v >= 9).mean(), (v <= 6).mean()
    return 100.0 * math.sqrt((p + d - (p - d) ** 2) / len(v))


def r2(y, x):
    if x.shape[1] == 0:
        return 0.0
    a = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    res = y - a @ beta
    return 1.0 - (res @ res) / ((y - y.mean()) @ (y - y.mean()))


def shapley(y, x):
    p = x.shape[1]
    cache = {s: r2(y, x[:, list(s)]) for k in range(p + 1)
             for s in itertools.combinations(range(p), k)}
    out = []
    for j in range(p):
        others = [i for i in range(p) if i != j]
        total = 0.0
        for k in range(p):
            for s in itertools.combinations(others, k):
                w = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
                total += w * (cache[tuple(sorted(s + (j,)))] - cache[s])
        out.append(total)
    return out, cache[tuple(range(p))]


def welch(a, b):
    """b - a, Welch: (diff, t, df, p)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t, p = stats.ttest_ind(b, a, equal_var=False)
    return b.mean() - a.mean(), t, df, p


class AnalysisTest(CliTest):
    def setUp(self):
        super().setUp()
        self.rows = None

    def load(self, rows=None, touchpoints=TOUCHPOINTS, columns=COLUMNS, **kw):
        self.rows = rows if rows is not None else generate(**kw)
        path = os.path.join(self.dir, "journey.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(journey(touchpoints), f, ensure_ascii=False)
        self.ok("journey", "import", path)
        data = os.path.join(self.dir, "rows.csv")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=columns)
            w.writeheader()
            w.writerows(self.rows)
        self.ok("import", data)

    def of(self, typ):
        return [r for r in self.rows if r["respondent_type"] == typ]

    def json_of(self, *args):
        return json.loads(self.ok(*args, "--json"))


class GapTest(AnalysisTest):
    def test_stated_derived_and_gaps_match_scipy(self):
        self.load()
        got = self.json_of("gap", "--attributes", ",".join("attr:" + a for a in ATTRS))
        self.assertEqual(got["groups_without_ratings"], [])
        by_attr = {a["attribute"]: a for a in got["attributes"]}
        groups = {"customers": "customer", "employees": "employee", "leaders": "leader"}
        ratings = {}
        for a in ATTRS:
            for g, typ in groups.items():
                v = [num(r["imp_" + a]) for r in self.of(typ) if r["imp_" + a]]
                ratings[a, g] = v
                s = by_attr[a]["stated"][g]
                self.assertEqual(s["n"], len(v))
                self.assertAlmostEqual(s["value"], np.mean(v), delta=TOL)
                lo, hi = stats.t.interval(0.95, len(v) - 1, loc=np.mean(v), scale=stats.sem(v))
                self.assertAlmostEqual(s["ci95"][0], lo, delta=TOL)
                self.assertAlmostEqual(s["ci95"][1], hi, delta=TOL)
        # Gaps: every (attribute, group) pair, largest |gap| first.
        self.assertEqual(len(got["gaps"]), 2 * len(ATTRS))
        sizes = [abs(g["gap"]) for g in got["gaps"]]
        self.assertEqual(sizes, sorted(sizes, reverse=True))
        for g in got["gaps"]:
            diff, t, df, p = welch(ratings[g["attribute"], "customers"],
                                   ratings[g["attribute"], g["group"]])
            self.assertAlmostEqual(g["gap"], diff, delta=TOL)
            self.assertAlmostEqual(g["t"], t, delta=1e-6)
            self.assertAlmostEqual(g["df"], df, delta=1e-6)
            self.assertAlmostEqual(g["p_value"], p, delta=1e-9)
            self.assertEqual(g["significant"], p < 0.05)
        # The planted story: leaders overrate experiencia the most.
        self.assertEqual((got["gaps"][0]["attribute"], got["gaps"][0]["group"]),
                         ("experiencia", "leaders"))
        # Derived: Shapley shares of customers' NPS on their performance ratings.
        cust = [r for r in self.of("customer")
                if r["nps"] and all(r[a] for a in ATTRS)]
        y = np.array([num(r["nps"]) for r in cust])
        x = np.array([[num(r[a]) for a in ATTRS] for r in cust])
        sh, full = shapley(y, x)
        self.assertEqual(got["derived_n"], len(cust))
        self.assertAlmostEqual(got["derived_r2"], full, delta=TOL)
        for a, s in zip(ATTRS, sh):
            self.assertAlmostEqual(by_attr[a]["derived"]["share_pct"], 100 * s / full, delta=1e-6)
        order = sorted(ATTRS, key=lambda a: -by_attr[a]["derived"]["share_pct"])
        self.assertEqual(order[0], "rapidez")
        self.assertEqual([by_attr[a]["derived"]["rank"] for a in order], [1, 2, 3])
        # Rank agreement: Spearman of the means.
        derived = [by_attr[a]["derived"]["share_pct"] for a in ATTRS]
        for ag in got["rank_agreement"]:
            mine = [np.mean(ratings[a, ag["group"]]) for a in ATTRS]
            other = ([np.mean(ratings[a, "customers"]) for a in ATTRS]
                     if ag["against"] == "customers stated" else derived)
            rho, _ = stats.spearmanr(mine, other)
            self.assertAlmostEqual(ag["spearman"], rho, delta=TOL)
        # The table says the same, with its significance marks.
        out = self.ok("gap", "--attributes", "attr:rapidez,attr:experiencia")
        self.assertIn("experiencia", out)
        self.assertIn("leaders", out)
        self.assertIn("***", out)

    def test_missing_attribute_no_leaders_and_constant_ratings(self):
        rows = generate(leaders=False)
        for r in rows:  # everyone rates trato 4: nothing to test
            if r["imp_trato"]:
                r["imp_trato"] = "4"
        self.load(rows=rows)
        rc, _, err = self.run_tp("gap", "--attributes", "attr:rapidez,attr:nada")
        self.assertEqual(rc, 1)
        self.assertIn('"imp_nada"', err)
        self.assertIn("nada", err)
        got = self.json_of("gap", "--attributes", "attr:rapidez,attr:trato", "--no-derived")
        self.assertEqual(got["groups_without_ratings"], ["leaders"])
        self.assertNotIn("derived", got["attributes"][0])
        self.assertTrue(all(g["group"] == "employees" for g in got["gaps"]))
        trato = next(g for g in got["gaps"] if g["attribute"] == "trato")
        self.assertEqual(trato["gap"], 0.0)
        self.assertIn("no test", trato["note"])
        self.assertNotIn("p_value", trato)
        out = self.ok("gap", "--attributes", "attr:trato")
        self.assertIn("No leaders rated these attributes.", out)
        # An outcome that cannot be fitted only drops the derived part, saying why.
        got = self.json_of("gap", "--attributes", "attr:rapidez,attr:trato",
                           "--outcome", "attr:nada")
        self.assertNotIn("derived", got["attributes"][0])
        self.assertIn('no derived importance', got["message"])
        self.assertIn('"nada"', got["message"])
        self.assertEqual(len(got["gaps"]), 2)

    def test_usage_errors(self):
        self.load()
        for args in (["gap"], ["gap", "--attributes", "rapidez"],
                     ["gap", "--attributes", "attr:a,attr:a"], ["gap", "--outcome", "x",
                                                                 "--attributes", "attr:a"]):
            rc, _, err = self.run_tp(*args)
            self.assertEqual(rc, 2, args)
            self.assertIn("--help", err)
        self.assertIn("imp_NAME", self.ok("gap", "--help"))


RANKED = ["rapidez", "experiencia", "trato", "precio"]
RANK_COLUMNS = (["response_id", "submitted_at", "respondent_id", "respondent_type", "nps"]
                + RANKED + ["rank_" + a for a in RANKED]
                + ["imp_" + a for a in RANKED[:3]])
# How much each group values each attribute (utility; the ranking follows it).
UTILITY = {"customer": (2.0, 0.6, 1.2, 1.0), "employee": (1.4, 1.3, 1.2, 0.9),
           "leader": (0.5, 2.2, 1.0, 0.9)}


def generate_ranks(seed=11):
    """Rankings of RANKED by each respondent type: full, partial (top 2),
    with ties, and none; ratings imp_ for the first three attributes."""
    rng = np.random.RandomState(seed)
    rows = []
    sizes = {"customer": 240, "employee": 70, "leader": 35}
    for typ, n in sizes.items():
        for i in range(n):
            u = np.array(UTILITY[typ]) + 0.9 * rng.randn(4)
            order = list(np.argsort(-u))  # most important first
            r = {c: "" for c in RANK_COLUMNS}
            r.update(response_id=f"{typ}{i}", submitted_at="2026-04-%02dT09:00:00Z" % (1 + i % 28),
                     respondent_id=f"{typ[0]}{i}", respondent_type=typ,
                     nps=str(clamp(7 + 1.5 * rng.randn(), 0, 10)))
            kind = i % 10
            if kind == 9:
                pass  # ranks nothing
            elif kind in (7, 8):  # only the top two
                for pos, k in enumerate(order[:2]):
                    r["rank_" + RANKED[k]] = str(pos + 1)
            elif kind == 6:  # the last two tied
                for pos, k in enumerate(order):
                    r["rank_" + RANKED[k]] = str(min(pos, 2) + 1)
            else:
                for pos, k in enumerate(order):
                    r["rank_" + RANKED[k]] = str(pos + 1)
            for k, a in enumerate(RANKED[:3]):
                r["imp_" + a] = str(clamp(3 + u[k], 1, 5))
            if typ == "customer":
                for k, a in enumerate(RANKED):
                    r[a] = str(clamp(3 + 0.5 * u[k] + 0.8 * rng.randn(), 1, 5))
            rows.append(r)
    return rows


def positions(row, attrs):
    """A response's positions among attrs (None: nothing ranked) and which
    attributes it ranks first."""
    given = [num(row["rank_" + a]) for a in attrs]
    ranked = [i for i, v in enumerate(given) if not math.isnan(v)]
    if not ranked:
        return None, None
    ranks = stats.rankdata([given[i] for i in ranked], method="average")
    pos = [(len(ranked) + 1 + len(attrs)) / 2.0] * len(attrs)
    best = min(given[i] for i in ranked)
    first = [False] * len(attrs)
    for i, r in zip(ranked, ranks):
        pos[i] = r
        first[i] = given[i] == best
    return pos, first


class RankGapTest(AnalysisTest):
    GROUPS = {"customers": "customer", "employees": "employee", "leaders": "leader"}

    def expected(self, attrs):
        pos = {(a, g): [] for a in attrs for g in self.GROUPS}
        first = {(a, g): 0 for a in attrs for g in self.GROUPS}
        for g, typ in self.GROUPS.items():
            for r in self.of(typ):
                p, f = positions(r, attrs)
                if p is None:
                    continue
                for a, v, top in zip(attrs, p, f):
                    pos[a, g].append(v)
                    first[a, g] += top
        return pos, first

    def test_ranks_match_scipy(self):
        self.load(rows=generate_ranks(), touchpoints=TOUCHPOINTS[:1], columns=RANK_COLUMNS)
        spec = ",".join("attr:" + a for a in RANKED)
        # imp_precio does not exist: the ranks are read.
        got = self.json_of("gap", "--attributes", spec)
        self.assertEqual(got["stated"], "rank")
        self.assertEqual(got["test"], "mann-whitney")
        pos, first = self.expected(RANKED)
        by_attr = {a["attribute"]: a for a in got["attributes"]}
        for a in RANKED:
            for g in self.GROUPS:
                v = np.array(pos[a, g])
                s = by_attr[a]["stated"][g]
                self.assertEqual(s["n"], len(v))
                self.assertAlmostEqual(s["value"], v.mean(), delta=TOL)
                lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
                self.assertAlmostEqual(s["ci95"][0], lo, delta=TOL)
                self.assertAlmostEqual(s["ci95"][1], hi, delta=TOL)
                f = s["first_pct"]
                self.assertAlmostEqual(f["value"], 100 * first[a, g] / len(v), delta=TOL)
                flo, fhi = proportion_confint(first[a, g], len(v), alpha=0.05, method="wilson")
                self.assertAlmostEqual(f["ci95"][0], 100 * flo, delta=1e-6)
                self.assertAlmostEqual(f["ci95"][1], 100 * fhi, delta=1e-6)
            # rank of the attribute within the group: by mean rank, lowest first
            for g in self.GROUPS:
                means = [np.mean(pos[b, g]) for b in RANKED]
                want = stats.rankdata(means)[RANKED.index(a)]
                self.assertAlmostEqual(by_attr[a]["stated"][g]["rank"], want, delta=TOL)
        # 240 customers, one in ten ranks nothing.
        self.assertEqual(by_attr["rapidez"]["stated"]["customers"]["n"], 216)
        self.assertEqual(len(got["gaps"]), 2 * len(RANKED))
        sizes = [abs(g["gap"]) for g in got["gaps"]]
        self.assertEqual(sizes, sorted(sizes, reverse=True))
        for g in got["gaps"]:
            cust, mine = pos[g["attribute"], "customers"], pos[g["attribute"], g["group"]]
            res = stats.mannwhitneyu(mine, cust, use_continuity=True,
                                     alternative="two-sided", method="asymptotic")
            self.assertAlmostEqual(g["gap"], np.mean(mine) - np.mean(cust), delta=TOL)
            self.assertAlmostEqual(g["u"], res.statistic, delta=1e-9)
            self.assertAlmostEqual(g["superiority"], res.statistic / (len(mine) * len(cust)),
                                   delta=1e-12)
            self.assertAlmostEqual(g["p_value"], res.pvalue, delta=1e-12)
            self.assertEqual(g["significant"], res.pvalue < 0.05)
            self.assertEqual(g["z"] < 0, res.statistic < len(mine) * len(cust) / 2)
        # The planted story: leaders put experiencia far higher (lower rank).
        top = got["gaps"][0]
        self.assertEqual((top["attribute"], top["group"]), ("experiencia", "leaders"))
        self.assertLess(top["gap"], 0)
        self.assertLess(top["p_value"], 0.001)
        # Agreement: Spearman of the mean ranks (sign kept: both orderings
        # read "more important" the same way).
        derived = {a: by_attr[a]["derived"]["share_pct"] for a in RANKED}
        for ag in got["rank_agreement"]:
            mine = [np.mean(pos[a, ag["group"]]) for a in RANKED]
            if ag["against"] == "customers stated":
                other = [np.mean(pos[a, "customers"]) for a in RANKED]
            else:
                other = [-derived[a] for a in RANKED]
            rho, _ = stats.spearmanr(mine, other)
            self.assertAlmostEqual(ag["spearman"], rho, delta=TOL)
        # The table.
        out = self.ok("gap", "--attributes", spec, "--no-derived")
        self.assertIn("Stated importance: ranks (rank_NAME)", out)
        self.assertIn("Mann-Whitney", out)
        mine = pos["experiencia", "leaders"]
        self.assertIn("%.2f, %.0f%% 1st (n %d)" % (np.mean(mine),
                      100 * first["experiencia", "leaders"] / len(mine), len(mine)), out)

    def test_choice_between_ratings_and_ranks(self):
        self.load(rows=generate_ranks(), touchpoints=TOUCHPOINTS[:1], columns=RANK_COLUMNS)
        three = "attr:rapidez,attr:experiencia,attr:trato"
        # Both exist: ratings first, unless --stated rank.
        got = self.json_of("gap", "--attributes", three, "--no-derived")
        self.assertEqual(got["stated"], "rating")
        v = [num(r["imp_trato"]) for r in self.of("leader")]
        by_attr = {a["attribute"]: a for a in got["attributes"]}
        self.assertAlmostEqual(by_attr["trato"]["stated"]["leaders"]["value"], np.mean(v),
                               delta=TOL)
        self.assertNotIn("first_pct", by_attr["trato"]["stated"]["leaders"])
        got = self.json_of("gap", "--attributes", three, "--no-derived", "--stated", "rank")
        self.assertEqual(got["stated"], "rank")
        pos, _ = self.expected(["rapidez", "experiencia", "trato"])
        by_attr = {a["attribute"]: a for a in got["attributes"]}
        # Positions among the three asked (not the four ranked).
        self.assertAlmostEqual(by_attr["trato"]["stated"]["leaders"]["value"],
                               np.mean(pos["trato", "leaders"]), delta=TOL)
        # --stated rating where imp_precio is missing: an error naming it.
        rc, _, err = self.run_tp("gap", "--attributes", "attr:rapidez,attr:precio",
                                 "--stated", "rating")
        self.assertEqual(rc, 1)
        self.assertIn('"imp_precio"', err)
        rc, _, err = self.run_tp("gap", "--attributes", "attr:rapidez,attr:nada")
        self.assertEqual(rc, 1)
        self.assertIn("nada", err)
        rc, _, err = self.run_tp("gap", "--attributes", three, "--stated", "ordinal")
        self.assertEqual(rc, 2)
        self.assertIn("--stated", err)

    def test_gap_page_and_csv_with_ranks(self):
        self.load(rows=generate_ranks(), touchpoints=TOUCHPOINTS[:1], columns=RANK_COLUMNS)
        from test_server import Server
        import http.client
        server = Server(self.db)

        def get(path):
            conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                return resp.status, resp.read().decode("utf-8")
            finally:
                conn.close()
        try:
            spec = urllib.parse.quote(",".join("attr:" + a for a in RANKED))
            status, text = get("/gap?attributes=" + spec)
            csv_status, csv_text = get("/gap?format=csv&stated=rank&attributes=" + spec)
            es_status, es = get("/gap?lang=es&attributes=" + spec)
            empty_status, empty = get("/gap")
        finally:
            self.assertEqual(server.stop(), 0)
        # The empty form offers every attribute with a rank_ (or imp_) companion.
        self.assertEqual(empty_status, 200)
        m = re.search(r'<a href="(/gap\?attributes=[^"]*)">([^<]*)</a></p>', empty)
        self.assertIsNotNone(m, empty[-600:])
        self.assertEqual(m.group(2), ", ".join(RANKED))
        self.assertEqual(status, 200, text[:300])
        self.assertIn("mean rank", text)
        self.assertIn("p (Mann-Whitney)", text)
        self.assertIn("<svg", text)
        self.assertIn('<option value="auto" selected>', text)
        self.assertIn("Stated importance (mean rank", text)
        self.assertNotRegex(text, r"\son[a-z]+=")
        self.assertEqual(es_status, 200)
        self.assertIn("posición media", es)
        pos, first = self.expected(RANKED)
        # the leaders' row for experiencia: mean rank, % first, n
        m = np.mean(pos["experiencia", "leaders"])
        self.assertIn('<td class="num">%.2f</td><td class="num">%.1f</td><td class="num">%d</td>'
                      % (m, 100 * first["experiencia", "leaders"] / len(pos["experiencia", "leaders"]),
                         len(pos["experiencia", "leaders"])), text)
        self.assertEqual(csv_status, 200)
        rows = list(csv.DictReader(csv_text.splitlines()))
        self.assertEqual([r["attribute"] for r in rows], RANKED)
        for r in rows:
            a = r["attribute"]
            for g in self.GROUPS:
                self.assertAlmostEqual(float(r[g + "_mean_rank"]), np.mean(pos[a, g]), delta=6e-5)
                self.assertEqual(int(r[g + "_n"]), len(pos[a, g]))
                self.assertAlmostEqual(float(r[g + "_first_pct"]),
                                       100 * first[a, g] / len(pos[a, g]), delta=6e-5)
            for g in ("employees", "leaders"):
                res = stats.mannwhitneyu(pos[a, g], pos[a, "customers"], method="asymptotic")
                self.assertAlmostEqual(float(r["p_" + g]), res.pvalue, delta=6e-7)
                self.assertAlmostEqual(float(r["gap_" + g]),
                                       np.mean(pos[a, g]) - np.mean(pos[a, "customers"]),
                                       delta=6e-5)

    def test_bad_rank_value_is_an_error(self):
        rows = generate_ranks()
        rows[5]["rank_trato"] = "2.5"
        self.load(rows=rows, touchpoints=TOUCHPOINTS[:1], columns=RANK_COLUMNS)
        rc, _, err = self.run_tp("gap", "--attributes", "attr:rapidez,attr:trato",
                                 "--stated", "rank")
        self.assertEqual(rc, 1)
        self.assertIn('"rank_trato"', err)
        self.assertIn('"2.5"', err)
        self.assertIn("whole number", err)
        # Text is no value (as with ratings): "n/a" is skipped.
        rows[5]["rank_trato"] = "n/a"
        rows[5]["response_id"] = "again"
        os.remove(self.db)
        self.load(rows=rows, touchpoints=TOUCHPOINTS[:1], columns=RANK_COLUMNS)
        got = self.json_of("gap", "--attributes", "attr:rapidez,attr:trato", "--stated", "rank",
                           "--no-derived")
        self.assertEqual(got["stated"], "rank")


class LinkageTest(AnalysisTest):
    def expected(self):
        teams = {}
        for r in self.of("employee"):
            teams.setdefault(r["team"], []).append(r)
        want = {}
        for team, rs in teams.items():
            people = {r["respondent_id"] for r in rs}
            if len(people) < 5:
                continue
            owned = [t for t, o, _ in TOUCHPOINTS if o == team]
            cust = [num(r["nps"]) for r in self.of("customer") if r["touchpoint"] in owned]
            want[team] = {"employees": len(people),
                          "enps": nps_of([num(r["nps"]) for r in rs]),
                          "engagement": np.mean([num(r["engagement"]) for r in rs]),
                          "customer": nps_of(cust) if cust else None}
        return want

    def test_teams_and_correlation_match_scipy(self):
        self.load()
        got = self.json_of("linkage")
        want = self.expected()
        shown = {t["team"]: t for t in got["teams"]}
        self.assertEqual(set(shown), set(want))
        self.assertNotIn("Ventas", shown)  # 3 employees: hidden
        self.assertEqual(got["hidden"], 1)
        for team, w in want.items():
            t = shown[team]
            self.assertEqual(t["employees"], w["employees"])
            self.assertAlmostEqual(t["enps"]["value"], w["enps"], delta=TOL)
            self.assertAlmostEqual(t["engagement"]["value"], w["engagement"], delta=TOL)
            if w["customer"] is None:
                self.assertIsNone(t["customer"]["value"])
            else:
                self.assertAlmostEqual(t["customer"]["value"], w["customer"], delta=TOL)
        pairs = [(w["enps"], w["customer"]) for w in want.values() if w["customer"] is not None]
        x, y = np.array(pairs).T
        r, p = stats.pearsonr(x, y)
        z, half = math.atanh(r), stats.norm.ppf(0.975) / math.sqrt(len(x) - 3)
        c = got["enps_vs_customer"]
        self.assertEqual(c["n"], len(x))
        self.assertEqual(got["paired"], len(x))
        self.assertAlmostEqual(c["pearson"], r, delta=TOL)
        self.assertAlmostEqual(c["p_value"], p, delta=1e-9)
        self.assertAlmostEqual(c["ci95"][0], math.tanh(z - half), delta=TOL)
        self.assertAlmostEqual(c["ci95"][1], math.tanh(z + half), delta=TOL)
        rho, rho_p = stats.spearmanr(x, y)
        self.assertAlmostEqual(c["spearman"], rho, delta=TOL)
        self.assertAlmostEqual(c["spearman_p_value"], rho_p, delta=1e-9)
        e = np.array([w["engagement"] for w in want.values() if w["customer"] is not None])
        self.assertAlmostEqual(got["engagement_vs_customer"]["pearson"],
                               stats.pearsonr(e, y)[0], delta=TOL)
        out = self.ok("linkage")
        self.assertIn("eNPS vs customers: r = ", out)
        self.assertIn("1 team(s) with fewer than 5 employees hidden", out)

    def test_by_shared_attribute(self):
        self.load()
        got = self.json_of("linkage", "--by", "attr:tienda", "--metric", "csat")
        self.assertEqual(got["by"], "attr")
        want = {}
        for k in range(6):
            emp = [r for r in self.of("employee") if r["tienda"] == f"T{k}"]
            cust = [num(r["csat"]) for r in self.of("customer") if r["tienda"] == f"T{k}"]
            want[f"T{k}"] = (len({r["respondent_id"] for r in emp}),
                             nps_of([num(r["nps"]) for r in emp]),
                             100 * sum(v >= 4 for v in cust) / len(cust))
        self.assertEqual({t["team"] for t in got["teams"]}, set(want))
        for t in got["teams"]:
            people, enps, csat = want[t["team"]]
            self.assertEqual(t["employees"], people)
            self.assertAlmostEqual(t["enps"]["value"], enps, delta=TOL)
            self.assertAlmostEqual(t["customer"]["value"], csat, delta=TOL)
            self.assertNotIn("touchpoints", t)
        x = [want[k][1] for k in sorted(want)]
        y = [want[k][2] for k in sorted(want)]
        self.assertAlmostEqual(got["enps_vs_customer"]["pearson"], stats.pearsonr(x, y)[0],
                               delta=TOL)

    def test_too_few_teams_says_so(self):
        self.load(teams=["Atencion", "Tiendas", "Web", "Ventas"], evil_team=False)
        got = self.json_of("linkage")
        self.assertIsNone(got["enps_vs_customer"])
        self.assertIn("at least 5", got["message"])
        self.assertIn("3 with both", got["message"])
        out = self.ok("linkage")
        self.assertIn("too few teams", out)

    def test_errors(self):
        self.load()
        rc, _, err = self.run_tp("linkage", "--team-attr", "equipo")
        self.assertEqual(rc, 1)
        self.assertIn('"equipo"', err)
        rc, _, err = self.run_tp("linkage", "--engagement", "animo")
        self.assertEqual(rc, 1)
        self.assertIn('"animo"', err)
        rc, _, _ = self.run_tp("linkage", "--by", "region")
        self.assertEqual(rc, 2)
        rc, _, _ = self.run_tp("linkage", "--metric", "enps")
        self.assertEqual(rc, 2)


class FlagsAndEstimatesTest(AnalysisTest):
    def test_flags_match_wilson_and_t(self):
        self.load()
        got = self.json_of("flags")
        rows = {t["touchpoint"]: t for t in got["touchpoints"]}
        for tp, _, _ in TOUCHPOINTS:
            cust = [r for r in self.of("customer") if r["touchpoint"] == tp]
            cs = [num(r["csat"]) for r in cust]
            em = np.array([num(r["emotion"]) for r in cust])
            ok = sum(v >= 4 for v in cs)
            lo, hi = proportion_confint(ok, len(cs), alpha=0.05, method="wilson")
            self.assertAlmostEqual(rows[tp]["csat"]["value"], 100 * ok / len(cs), delta=TOL)
            self.assertAlmostEqual(rows[tp]["csat"]["ci95"][0], 100 * lo, delta=1e-6)
            half = stats.t.ppf(0.975, len(em) - 1) * em.std(ddof=1) / math.sqrt(len(em))
            self.assertAlmostEqual(rows[tp]["emotion"]["value"], em.mean(), delta=TOL)
            emo_hi = em.mean() + half
            want = None
            if 100 * lo >= 65 and emo_hi < 0:
                want = "satisfied but negative emotion"
            elif 100 * lo >= 65 and emo_hi < 1:
                want = "satisfied without emotion"
            elif 100 * hi < 50 and em.mean() - half > 0:
                want = "emotion without satisfaction"
            self.assertEqual(rows[tp]["flag"], want, tp)
        self.assertEqual(rows["t-libre"]["flag"], "satisfied but negative emotion")
        out = self.ok("flags")
        self.assertIn("t-libre", out)
        self.assertNotIn("t-atencion", out)
        self.assertIn("t-atencion", self.ok("flags", "--all"))

    def test_map_estimates_z_test(self):
        self.load()
        out = self.ok("map", "--estimates")
        lines = {l.split()[0]: l for l in out.splitlines()
                 if l.startswith("  t-")}
        for tp in ("t-atencion", "t-web"):
            est = [num(r["estimate_nps"]) for r in self.rows
                   if r["touchpoint"] == tp and r["estimate_nps"]]
            cust = [num(r["nps"]) for r in self.of("customer") if r["touchpoint"] == tp]
            m = nps_of(cust)
            se = math.sqrt(nps_se(cust) ** 2 + np.var(est, ddof=1) / len(est))
            z = (np.mean(est) - m) / se
            p = 2 * stats.norm.sf(abs(z))
            self.assertIn(f"z = {z:.2f}, p = {p:.4f}", lines[tp])
            self.assertIn(f"{np.mean(est):.1f} (n {len(est)})", lines[tp])
        self.assertIn("***", lines["t-atencion"])
        self.assertNotIn("t-libre", lines)
        out = self.ok("map", "--estimates", "--metric", "ces")
        self.assertIn("none: no employee or leader response carries estimate_ces", out)


NEGATIVE_COMMENTS = ["Horrible, un desastre, pésimo servicio", "Muy mal, lento y caro",
                     "Pésimo, nunca más", "Fatal, me trataron muy mal",
                     "Terrible experiencia, qué vergüenza", "Malo, lento, un desastre total"]
POSITIVE_COMMENTS = ["Excelente, muy amables", "Genial, todo perfecto", "Muy bien, rápido y fácil",
                     "Estupendo servicio, gracias", "Maravilloso, me encantó"]
TEXT_TOUCHPOINTS = [("t-quejas", None, 0), ("t-elogios", None, 0), ("t-pocas", None, 0)]


def generate_comments(seed=3):
    """Satisfied customers everywhere (CSAT 4-5, emotion +1..+3): at
    t-quejas with negative comments, at t-elogios with positive ones, at
    t-pocas with only 20 (negative) comments."""
    rng = np.random.RandomState(seed)
    rows = []
    for tp, n, texts in (("t-quejas", 60, NEGATIVE_COMMENTS), ("t-elogios", 60, POSITIVE_COMMENTS),
                         ("t-pocas", 40, NEGATIVE_COMMENTS)):
        for i in range(n):
            r = {c: "" for c in COLUMNS}
            r.update(response_id=f"{tp}-{i}", submitted_at="2026-05-%02dT12:00:00Z" % (1 + i % 28),
                     respondent_id=f"{tp}-{i}", respondent_type="customer", touchpoint=tp,
                     csat=str(5 if rng.rand() < 0.9 else 4), emotion=str(rng.randint(1, 4)),
                     lang="es")
            if tp != "t-pocas" or i < 20:
                r["comment"] = texts[rng.randint(len(texts))]
            rows.append(r)
    return rows


class FlagsTextTest(AnalysisTest):
    def stored_sentiment(self, tp):
        rows = self.query(
            "SELECT a.compound FROM comment_analysis a JOIN response r ON r.id = a.response_id "
            "JOIN touchpoint t ON t.id = r.touchpoint_id WHERE t.key = ? "
            "AND r.respondent_type = 0", (tp,))
        return np.array([r[0] for r in rows])

    def test_negative_comments_flag_a_satisfied_touchpoint(self):
        self.load(rows=generate_comments(), touchpoints=TEXT_TOUCHPOINTS)
        # Before `text analyze`: no sentiment, no flag (emotion is positive).
        got = self.json_of("flags")
        rows = {t["touchpoint"]: t for t in got["touchpoints"]}
        self.assertEqual(rows["t-quejas"]["sentiment"]["n"], 0)
        self.assertFalse(rows["t-quejas"]["negative_text"])
        self.assertIsNone(rows["t-quejas"]["flag"])
        self.ok("text", "analyze")
        got = self.json_of("flags")
        rows = {t["touchpoint"]: t for t in got["touchpoints"]}
        for tp, _, _ in TEXT_TOUCHPOINTS:
            v = self.stored_sentiment(tp)
            s = rows[tp]["sentiment"]
            self.assertEqual(s["n"], len(v))
            # the dataset keeps compound to 4 decimals
            self.assertAlmostEqual(s["value"], v.mean(), delta=1e-4)
            lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
            self.assertAlmostEqual(s["ci95"][0], lo, delta=2e-4)
            self.assertAlmostEqual(s["ci95"][1], hi, delta=2e-4)
            cust = [r for r in self.rows if r["touchpoint"] == tp]
            ok = sum(num(r["csat"]) >= 4 for r in cust)
            clo, _ = proportion_confint(ok, len(cust), alpha=0.05, method="wilson")
            want = 100 * clo >= 65 and len(v) >= 30 and hi < 0
            self.assertEqual(rows[tp]["negative_text"], want, tp)
            self.assertEqual(rows[tp]["flag"], "satisfied but negative comments" if want else None)
        self.assertTrue(rows["t-quejas"]["negative_text"])
        self.assertFalse(rows["t-elogios"]["negative_text"])
        self.assertLess(rows["t-pocas"]["sentiment"]["value"], 0)
        self.assertFalse(rows["t-pocas"]["negative_text"])  # 20 comments: not judged
        out = self.ok("flags")
        self.assertIn("t-quejas", out)
        self.assertIn("satisfied but negative comments", out)
        self.assertNotIn("t-elogios", out)
        # The map marks it too.
        from test_server import Server
        server = Server(self.db)
        try:
            import http.client
            conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
            conn.request("GET", "/?metric=csat")  # the data has no NPS
            text = conn.getresponse().read().decode("utf-8")
            conn.close()
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertEqual(text.count('class="flag-mark" title="satisfied but negative comments"'), 1)
        self.assertIn("t-quejas: satisfied but negative comments", text)


class PagesTest(AnalysisTest):
    """/drivers, /gap and /linkage: status, escaping, CSV."""

    def setUp(self):
        super().setUp()
        from test_server import Server
        self.load()
        self.server = Server(self.db)

    def tearDown(self):
        rc = self.server.stop()
        super().tearDown()
        self.assertEqual(rc, 0)

    def get(self, path):
        import http.client
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read().decode("utf-8")
        finally:
            conn.close()

    def test_pages(self):
        attrs = urllib.parse.quote("attr:rapidez,attr:experiencia,attr:trato")
        for path in ("/drivers?outcome=nps&drivers=" + attrs, "/drivers",
                     "/gap?attributes=" + attrs, "/gap", "/linkage", "/linkage?lang=es",
                     "/gap?attributes=" + attrs + "&lang=es"):
            status, hdrs, text = self.get(path)
            self.assertEqual(status, 200, f"{path}: {text[:300]}")
            self.assertTrue(hdrs["Content-Type"].startswith("text/html"))
            self.assertNotIn("<script", text)
            self.assertNotRegex(text, r"\son[a-z]+=")
            self.assertNotIn("style=", text)
        _, _, text = self.get("/linkage")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", text)
        self.assertIn("<svg", text)
        _, _, text = self.get("/drivers?outcome=nps&drivers=" + attrs)
        self.assertIn("<svg", text)
        self.assertIn("rapidez", text)
        _, _, es = self.get("/gap?attributes=" + attrs + "&lang=es")
        self.assertIn("Brecha de percepción", es)
        # Bad input: a clear 400 page, the value escaped.
        status, _, text = self.get("/gap?attributes=" + urllib.parse.quote("attr:" + EVIL))
        self.assertEqual(status, 400)
        self.assertNotIn("<script", text)
        self.assertIn("&lt;script&gt;", text)
        status, _, text = self.get("/drivers?outcome=nps&drivers=" + urllib.parse.quote("attr:nada"))
        self.assertEqual(status, 400)

    def test_empty_forms_suggest_the_rated_attributes(self):
        # Attributes with an importance companion (NAME and imp_NAME), in
        # the store's order, offered as one link on each empty form.
        want = [c for c in COLUMNS if "imp_" + c in COLUMNS]  # the file's column order
        self.assertEqual(want, ["rapidez", "experiencia", "trato"])
        for page, name in (("/gap", "attributes"), ("/drivers", "drivers")):
            _, _, text = self.get(page)
            m = re.search(r'<a href="(%s\?%s=[^"]*)">([^<]*)</a></p>' % (page, name), text)
            self.assertIsNotNone(m, text[-800:])
            link = html.unescape(m.group(1))
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
            self.assertEqual(query[name], [",".join("attr:" + a for a in want)])
            self.assertEqual(m.group(2), ", ".join(want))
            status, _, followed = self.get(link)
            self.assertEqual(status, 200)
            self.assertIn("<svg", followed)

    def test_map_marks_flags_and_shows_estimates(self):
        status, _, text = self.get("/")
        self.assertEqual(status, 200)
        self.assertEqual(text.count('class="flag-mark" title="satisfied but negative emotion"'), 1)
        self.assertIn("satisfied without emotion, or the reverse", text)
        self.assertIn("<h2>Staff estimate</h2>", text)
        # The estimate of t-atencion: its mean, and significant.
        est = [num(r["estimate_nps"]) for r in self.rows
               if r["touchpoint"] == "t-atencion" and r["estimate_nps"]]
        row = text[text.index("<tr><th>t-atencion</th>", text.index("Staff estimate")):]
        row = row[:row.index("</tr>")]
        self.assertIn(f'<td class="num">{np.mean(est):.1f}</td>'.replace("-", "-"), row)
        self.assertIn("significant", row)
        _, _, es = self.get("/?lang=es")
        self.assertIn("Estimación del personal", es)

    def test_ranks_on_the_gap_page(self):
        # The page's own data set has no ranks: asking for them names rank_.
        attrs = urllib.parse.quote("attr:rapidez,attr:trato")
        status, _, text = self.get("/gap?stated=rank&attributes=" + attrs)
        self.assertEqual(status, 400)
        self.assertIn("rank_rapidez", text)
        status, _, text = self.get("/gap?stated=bogus&attributes=" + attrs)
        self.assertEqual(status, 400)

    def test_drivers_page_with_a_business_outcome(self):
        # revenue per customer: grows with rapidez, for the customers who rated it
        rng = np.random.RandomState(8)
        revenue = {}
        for r in self.of("customer"):
            if r["rapidez"] and int(r["respondent_id"][1:]) % 2 == 0:
                revenue[r["respondent_id"]] = round(50 + 20 * num(r["rapidez"])
                                                    + 15 * rng.randn(), 2)
        path = os.path.join(self.dir, "revenue.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("respondent_id,revenue\n")
            f.writelines(f"{k},{v}\n" for k, v in revenue.items())
        self.ok("outcomes", "import", path)
        attrs = urllib.parse.quote("attr:rapidez,attr:experiencia,attr:trato")
        status, hdrs, text = self.get("/drivers?format=csv&outcome=outcome:revenue&drivers=" + attrs)
        self.assertEqual(status, 200, text[:300])
        got = {r["driver"]: r for r in csv.DictReader(text.splitlines())}
        cust = [r for r in self.of("customer")
                if r["respondent_id"] in revenue and all(r[a] for a in ATTRS)]
        y = np.array([revenue[r["respondent_id"]] for r in cust])
        x = np.array([[num(r[a]) for a in ATTRS] for r in cust])
        sh, _ = shapley(y, x)
        for a, v in zip(ATTRS, sh):
            self.assertAlmostEqual(float(got["attr:" + a]["shapley"]), v, delta=2e-6)
        self.assertGreater(sh[0], sh[1])
        status, _, text = self.get("/drivers?outcome=outcome:revenue&drivers=" + attrs)
        self.assertEqual(status, 200)
        self.assertIn("<svg", text)
        self.assertIn('value="outcome:revenue"', text)
        self.assertIn("n = %d," % len(cust), text)
        status, _, text = self.get("/drivers?outcome=outcome:" + urllib.parse.quote(EVIL)
                                   + "&drivers=" + attrs)
        self.assertEqual(status, 400)
        self.assertNotIn("<script", text)
        status, _, text = self.get("/drivers?outcome=outcome:revenue&drivers=touchpoint")
        self.assertEqual(status, 400)

    def test_csv_downloads(self):
        status, hdrs, text = self.get("/linkage?format=csv")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["Content-Type"].startswith("text/csv"))
        rows = list(csv.DictReader(text.splitlines()))
        got = {r["team"]: r for r in rows}
        self.assertIn("'" + EVIL if EVIL[0] in "=+-@" else EVIL, got)
        want = LinkageTest.expected(self)
        for team, w in want.items():
            self.assertAlmostEqual(float(got[team]["enps"]), w["enps"], delta=0.05)
        attrs = urllib.parse.quote("attr:rapidez,attr:experiencia,attr:trato")
        status, _, text = self.get("/gap?format=csv&attributes=" + attrs)
        self.assertEqual(status, 200)
        rows = list(csv.DictReader(text.splitlines()))
        self.assertEqual([r["attribute"] for r in rows], ATTRS)
        for r in rows:
            v = [num(x["imp_" + r["attribute"]]) for x in self.of("leader") if x["imp_" + r["attribute"]]]
            self.assertAlmostEqual(float(r["leaders"]), np.mean(v), delta=0.005)
        status, _, text = self.get("/drivers?format=csv&outcome=nps&drivers=" + attrs)
        self.assertEqual(status, 200)
        rows = list(csv.DictReader(text.splitlines()))
        self.assertEqual([r["driver"] for r in rows], ["attr:" + a for a in ATTRS])


if __name__ == "__main__":
    unittest.main()
