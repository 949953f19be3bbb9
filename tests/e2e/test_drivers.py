"""End-to-end tests of `touchpoint drivers` (key driver analysis).

Fixtures: tests/data/e2e/drivers.csv (a wide "rate each of these 1-5"
survey: the ratings are attributes) and drivers_tp.csv (respondents
answering several touchpoints of journey.json), both written by
make_drivers_fixture.py beside them. Every expected value is computed here
from the CSV, independently of touchpoint:
  R^2                 statsmodels OLS (with intercept) on the complete cases
  relative weights    Johnson (2000) from numpy's eigen decomposition of the
                      drivers' correlation matrix
  Shapley (LMG)       brute force over all subsets of drivers, each subset's
                      R^2 from numpy least squares
  quadrants           by hand from the printed relative weights and 0-100
                      performances (split at their means, ties high)
touchpoint's output is only ever compared with these, never used as one.
Needs Debian's /usr/bin/python3 (numpy, statsmodels).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_drivers.py
"""
import csv
import itertools
import json
import math
import os
import re
import unittest

import numpy as np
import statsmodels.api as sm

from test_cli import DATA, CliTest

WIDE = os.path.join(DATA, "drivers.csv")
BY_TP = os.path.join(DATA, "drivers_tp.csv")
JOURNEY = os.path.join(DATA, "journey.json")
RATINGS = ["rapidez", "trato", "precio", "surtido", "constante"]
TOUCHPOINTS = ["web-info", "web-compra", "tienda-compra", "tienda-uso"]
NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
TOL = 1e-6


def number(text):
    t = (text or "").strip()
    return float(t.replace(",", ".")) if NUMBER.match(t) else math.nan


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- independent computations ---------------------------------------------

def complete(y, x):
    y = np.asarray(y, float)
    x = np.asarray(x, float).reshape(len(y), -1)
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    return y[keep], x[keep], int((~keep).sum())


def r2_of(y, x):
    if x.shape[1] == 0:
        return 0.0
    a = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    resid = y - a @ coef
    return 1.0 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def relative_weights(y, x):
    """Johnson (2000): Lambda = R^{1/2}; beta = Lambda^{-1} r_xy;
    eps_j = sum_k Lambda_jk^2 beta_k^2. Constant drivers get 0."""
    varying = [j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0]
    out = np.zeros(x.shape[1])
    xs = x[:, varying]
    corr = np.corrcoef(np.column_stack([xs, y]), rowvar=False)
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    vals, vecs = np.linalg.eigh(rxx)
    lam = vecs @ np.diag(np.sqrt(vals)) @ vecs.T
    beta = np.linalg.solve(lam, rxy)
    out[varying] = (lam ** 2) @ (beta ** 2)
    return out


def shapley(y, x):
    p = x.shape[1]
    r2 = {}
    for k in range(p + 1):
        for s in itertools.combinations(range(p), k):
            r2[s] = r2_of(y, x[:, list(s)])
    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            w = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for s in itertools.combinations(others, k):
                out[j] += w * (r2[tuple(sorted(s + (j,)))] - r2[s])
    return out


def quadrants(weights, pct):
    mi, mp = sum(weights) / len(weights), sum(pct) / len(pct)
    names = {(True, False): "fix first", (True, True): "keep up",
             (False, True): "possible overkill", (False, False): "low priority"}
    return [names[(w >= mi, q >= mp)] for w, q in zip(weights, pct)]


def wide_data(outcome="nps", attrs=RATINGS, where=None):
    rows = [r for r in read(WIDE) if r["respondent_type"] == "customer"]
    if where:
        rows = [r for r in rows if r[where[0]] == where[1]]
    y = [number(r[outcome[5:]]) if outcome.startswith("attr:") else number(r[outcome])
         for r in rows]
    x = [[number(r[a]) for a in attrs] for r in rows]
    return rows, y, x


def tp_data(metric="nps"):
    """One observation per respondent: the outcome is the mean of their
    relationship answers (no touchpoint); each touchpoint's driver is the
    mean of their answers there."""
    per = {}
    unlinked = 0
    for r in read(BY_TP):
        if r["respondent_type"] != "customer":
            continue
        if not r["respondent_id"]:
            unlinked += 1
            continue
        d = per.setdefault(r["respondent_id"], {"y": [], "x": {t: [] for t in TOUCHPOINTS}})
        if r["touchpoint"]:
            if r[metric]:
                d["x"][r["touchpoint"]].append(float(r[metric]))
        elif r["nps"]:
            d["y"].append(float(r["nps"]))
    y = [np.mean(d["y"]) if d["y"] else math.nan for d in per.values()]
    x = [[np.mean(d["x"][t]) if d["x"][t] else math.nan for t in TOUCHPOINTS]
         for d in per.values()]
    return y, x, unlinked


class DriversTest(CliTest):
    def setUp(self):
        super().setUp()
        self.ok("init")
        self.ok("journey", "import", JOURNEY)

    def drivers(self, *args):
        rc, out, err = self.run_tp("drivers", *args)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("nan", out.lower())
        return json.loads(out) if "--json" in args else out

    def fails(self, code, *args):
        rc, out, err = self.run_tp("drivers", *args)
        self.assertEqual(rc, code, f"{args}: {out} {err}")
        self.assertNotIn("nan", (out + err).lower())
        return err

    def check_fit(self, got, y, x, names):
        yc, xc, dropped = complete(y, x)
        self.assertEqual(got["n"], len(yc))
        self.assertEqual(got["dropped"], dropped)
        self.assertEqual(got["missing"], "listwise")
        fit = sm.OLS(yc, sm.add_constant(xc, has_constant="add")).fit()
        self.assertAlmostEqual(got["r2"], fit.rsquared, delta=TOL)
        rw, sh = relative_weights(yc, xc), shapley(yc, xc)
        self.assertEqual([d["driver"] for d in got["drivers"]], names)
        for k, d in enumerate(got["drivers"]):
            self.assertAlmostEqual(d["relative_weight"], rw[k], delta=TOL, msg=names[k])
            self.assertAlmostEqual(d["shapley"], sh[k], delta=TOL, msg=names[k])
            self.assertAlmostEqual(d["performance"], xc[:, k].mean(), delta=TOL)
        self.assertAlmostEqual(sum(d["relative_weight"] for d in got["drivers"]), got["r2"],
                               delta=TOL)
        self.assertAlmostEqual(sum(d["shapley"] for d in got["drivers"]), got["r2"], delta=TOL)
        self.assertEqual([d["quadrant"] for d in got["drivers"]],
                         quadrants([d["relative_weight"] for d in got["drivers"]],
                                   [d["performance_100"] for d in got["drivers"]]))
        return xc


class AttributesTest(DriversTest):
    def setUp(self):
        super().setUp()
        self.ok("import", WIDE)
        self.names = ["attr:" + a for a in RATINGS]

    def test_against_numpy_and_statsmodels(self):
        got = self.drivers("--outcome", "nps", "--drivers", ",".join(self.names),
                           "--bootstrap", "0", "--json")
        self.assertEqual(got["outcome"], "nps")
        _, y, x = wide_data()
        self.check_fit(got, y, x, self.names)
        self.assertGreater(got["dropped"], 0)
        for d in got["drivers"]:
            self.assertNotIn("ci95", d)
        const = got["drivers"][-1]
        self.assertEqual(const["relative_weight"], 0.0)
        self.assertEqual(const["note"], "constant")

    def test_performance_scale(self):
        got = self.drivers("--outcome", "nps", "--drivers", ",".join(self.names),
                           "--bootstrap", "0", "--json")
        _, y, x = wide_data()
        xa = np.asarray(x, float)
        for k, d in enumerate(got["drivers"]):
            lo, hi = np.nanmin(xa[:, k]), np.nanmax(xa[:, k])
            want = 50.0 if hi == lo else 100.0 * (d["performance"] - lo) / (hi - lo)
            self.assertAlmostEqual(d["performance_100"], want, delta=TOL)

    def test_bootstrap_intervals(self):
        args = ["--outcome", "nps", "--drivers", ",".join(self.names[:4]),
                "--bootstrap", "200", "--seed", "7", "--json"]
        got = self.drivers(*args)
        self.assertEqual(got["bootstrap"], 200)
        for d in got["drivers"]:
            for name in ("ci95", "shapley_ci95"):
                lo, hi = d[name]
                self.assertLessEqual(lo, hi)
                self.assertGreaterEqual(lo, 0.0)
                self.assertLessEqual(hi, 1.0)
        self.assertEqual(self.drivers(*args), got)
        args[args.index("7")] = "8"
        self.assertNotEqual(self.drivers(*args)["drivers"][0]["ci95"],
                            got["drivers"][0]["ci95"])

    def test_where_and_attribute_outcome(self):
        got = self.drivers("--outcome", "attr:gasto", "--drivers", ",".join(self.names[:4]),
                           "--where", "region=Norte", "--bootstrap", "0", "--json")
        self.assertEqual(got["outcome"], "attr:gasto")
        _, y, x = wide_data("attr:gasto", RATINGS[:4], ("region", "Norte"))
        self.check_fit(got, y, x, self.names[:4])

    def test_table(self):
        out = self.drivers("--outcome", "nps", "--drivers", ",".join(self.names),
                           "--bootstrap", "50")
        got = self.drivers("--outcome", "nps", "--drivers", ",".join(self.names),
                           "--bootstrap", "0", "--json")
        order = sorted(got["drivers"], key=lambda d: -d["relative_weight"])
        lines = [ln for ln in out.splitlines() if ln.startswith("attr:")]
        self.assertEqual([ln.split()[0] for ln in lines], [d["driver"] for d in order])
        for ln, d in zip(lines, order):
            self.assertIn(d["quadrant"], ln)
        self.assertIn(f"n = {got['n']} responses, R^2 = {got['r2']:.3f}", out)
        self.assertIn(f"listwise, {got['dropped']} dropped", out)

    def test_errors(self):
        err = self.fails(1, "--outcome", "nps", "--drivers", "attr:rapidez,attr:nada")
        self.assertIn('"nada"', err)
        err = self.fails(1, "--outcome", "nps", "--drivers", "attr:region")
        self.assertIn("no numeric value", err)
        err = self.fails(1, "--outcome", "attr:constante", "--drivers", "attr:rapidez")
        self.assertIn("constant", err)
        err = self.fails(1, "--outcome", "nps", "--drivers", ",".join(self.names),
                         "--from", "2027-01-01")
        self.assertIn("n smaller than the number of drivers", err)
        self.fails(2, "--drivers", "attr:rapidez")
        self.fails(2, "--outcome", "nps")
        self.fails(2, "--outcome", "enps", "--drivers", "attr:rapidez")
        self.fails(2, "--outcome", "nps", "--drivers", "rapidez")
        self.fails(2, "--outcome", "nps", "--drivers", "attr:rapidez", "--bootstrap", "-1")


class ShapleyLimitTest(DriversTest):
    def test_more_than_16_drivers(self):
        rng = np.random.default_rng(3)
        p = 17
        names = [f"q{k:02d}" for k in range(p)]
        lines = ["response_id,submitted_at,respondent_type,nps," + ",".join(names)]
        for i in range(60):
            x = rng.integers(1, 6, p)
            nps = int(min(10, max(0, round(x[:3].sum() / 1.5 + rng.normal(0, 1)))))
            lines.append(f"s{i},2026-01-05T10:00:00Z,customer,{nps}," + ",".join(map(str, x)))
        self.ok("import", self.write("wide17.csv", "\n".join(lines) + "\n"))
        got = self.drivers("--outcome", "nps", "--drivers", ",".join("attr:" + n for n in names),
                           "--bootstrap", "0", "--json")
        self.assertIn("message", got)
        self.assertTrue(all("shapley" not in d for d in got["drivers"]))
        y = [float(ln.split(",")[3]) for ln in lines[1:]]
        x = [[float(v) for v in ln.split(",")[4:]] for ln in lines[1:]]
        yc, xc, _ = complete(y, x)
        for k, d in enumerate(got["drivers"]):
            self.assertAlmostEqual(d["relative_weight"], relative_weights(yc, xc)[k], delta=TOL)


class CollinearTest(DriversTest):
    def test_copies_split_their_share(self):
        rng = np.random.default_rng(5)
        lines = ["response_id,submitted_at,respondent_type,nps,a,b,c"]
        for i in range(50):
            a, c = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            nps = int(min(10, max(0, round(1.2 * a + 0.5 * c + rng.normal(0, 1)))))
            lines.append(f"k{i},2026-01-05T10:00:00Z,customer,{nps},{a},{a},{c}")
        self.ok("import", self.write("copies.csv", "\n".join(lines) + "\n"))
        got = self.drivers("--outcome", "nps", "--drivers", "attr:a,attr:b,attr:c",
                           "--bootstrap", "0", "--json")
        y = [float(ln.split(",")[3]) for ln in lines[1:]]
        x = np.array([[float(v) for v in ln.split(",")[4:]] for ln in lines[1:]])
        fit = sm.OLS(np.array(y), sm.add_constant(x[:, [0, 2]])).fit()
        self.assertAlmostEqual(got["r2"], fit.rsquared, delta=TOL)
        a, b, c = got["drivers"]
        self.assertAlmostEqual(a["relative_weight"], b["relative_weight"], delta=TOL)
        self.assertAlmostEqual(a["shapley"], b["shapley"], delta=TOL)
        sh = shapley(np.array(y), x)  # subsets' R^2 by least squares, copies and all
        for k, d in enumerate(got["drivers"]):
            self.assertAlmostEqual(d["shapley"], sh[k], delta=TOL)
        self.assertAlmostEqual(sum(d["relative_weight"] for d in got["drivers"]), got["r2"],
                               delta=TOL)


class TouchpointTest(DriversTest):
    def setUp(self):
        super().setUp()
        self.ok("import", BY_TP)

    def test_nps_by_touchpoint(self):
        got = self.drivers("--outcome", "nps", "--drivers", "touchpoint", "--bootstrap", "0",
                           "--json")
        y, x, unlinked = tp_data("nps")
        self.assertEqual(got["observations"], "respondents")
        self.assertEqual(got["unlinked"], unlinked)
        self.assertEqual(got["driver_metric"], "nps")
        self.check_fit(got, y, x, TOUCHPOINTS)

    def test_csat_driver_metric(self):
        got = self.drivers("--outcome", "nps", "--drivers", "touchpoint", "--driver-metric",
                           "csat", "--bootstrap", "0", "--json")
        y, x, _ = tp_data("csat")
        xc = self.check_fit(got, y, x, TOUCHPOINTS)
        for k, d in enumerate(got["drivers"]):
            self.assertAlmostEqual(d["performance_100"], 25.0 * (xc[:, k].mean() - 1), delta=TOL)

    def test_attribute_outcome_needs_metric(self):
        self.fails(2, "--outcome", "attr:x", "--drivers", "touchpoint")


if __name__ == "__main__":
    unittest.main()
