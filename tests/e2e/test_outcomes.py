"""End-to-end tests of `touchpoint outcomes` and `touchpoint benchmark`,
their imports, `drivers --outcome outcome:NAME`, and the /outcomes and
/benchmark pages with their JSON twins.

The fixture is generated here with a fixed seed (numpy default_rng):
customer responses of tests/data/e2e/journey.json's touchpoints over
2026-01..2026-06 by identified respondents (several answers each, unique
times), anonymous and employee responses that must not count, outcomes
revenue and churned (0/1) per respondent, some respondents without
outcomes and some outcomes without responses. Every expected value is
computed here, independently of touchpoint:
  group means, t intervals   numpy + scipy.stats.t
  rates, Wilson intervals    statsmodels proportion_confint(method="wilson")
  Welch p-value              scipy.stats.ttest_ind(equal_var=False)
  Welch interval             Welch-Satterthwaite df by hand, scipy t quantile
  NPS z test                 adjusted-Wald variances by hand (docs/outcomes.md)
  CSAT test                  pooled two-proportion z by hand
  CES test                   scipy.stats.ttest_ind_from_stats(equal_var=False)
  ranks, percentiles         by hand from the definition in docs/outcomes.md
  drivers R^2                statsmodels OLS
Needs Debian's /usr/bin/python3 (numpy, scipy, statsmodels).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_outcomes.py
"""
import csv
import io
import json
import math
import os
import unittest
from datetime import datetime, timedelta, timezone

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from test_cli import CliTest
from test_server import Server

TOUCHPOINTS = ["web-info", "web-compra", "tienda-compra", "tienda-uso", ""]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
TOL = 1e-6


def make_fixture(seed=7):
    """Responses (dicts) and outcomes {respondent: {name: value}}."""
    rng = np.random.default_rng(seed)
    responses, outcomes = [], {}
    used_seconds = set()

    def moment():
        while True:
            s = int(rng.integers(0, 181 * 86400))
            if s not in used_seconds:
                used_seconds.add(s)
                return START + timedelta(seconds=s)

    for k in range(150):
        who = f"c{k:03d}"
        tendency = rng.normal(7.0, 2.2)
        for _ in range(int(rng.integers(1, 4))):
            nps = int(min(10, max(0, round(tendency + rng.normal(0, 1.2)))))
            responses.append({
                "respondent_id": who, "respondent_type": "customer", "nps": nps,
                "csat": int(min(5, max(1, round(1 + nps * 0.4 + rng.normal(0, 0.6))))),
                "ces": int(min(7, max(1, round(2 + nps * 0.45 + rng.normal(0, 0.8))))),
                "touchpoint": TOUCHPOINTS[int(rng.integers(0, 5))],
                "region": ["Norte", "Sur"][int(rng.integers(0, 2))],
                "rapidez": int(rng.integers(1, 6)), "trato": int(rng.integers(1, 6)),
                "at": moment()})
        if k % 10 == 9:
            continue  # respondents without outcomes
        group = 2 if tendency >= 8.5 else 1 if tendency >= 6.5 else 0
        outcomes[who] = {
            "revenue": round(float(500 + 80 * group + rng.normal(0, 120)), 2),
            "churned": int(rng.random() < [0.4, 0.2, 0.1][group]),
        }
    for k in range(12):  # outcomes of people who never answered
        outcomes[f"ghost{k}"] = {"revenue": 100.0 + k, "churned": k % 2}
    for k in range(20):  # anonymous customers and employees: never linked
        responses.append({"respondent_id": "" if k % 2 else f"e{k}",
                          "respondent_type": "customer" if k % 2 else "employee",
                          "nps": int(rng.integers(0, 11)), "csat": 3, "ces": 4,
                          "touchpoint": "", "region": "Norte", "rapidez": 3, "trato": 3,
                          "at": moment()})
    for i, r in enumerate(responses):
        r["response_id"] = f"r{i:05d}"
    return responses, outcomes


def responses_csv(responses):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["response_id", "submitted_at", "respondent_id", "respondent_type",
                "touchpoint", "nps", "csat", "ces", "region", "rapidez", "trato"])
    for r in responses:
        w.writerow([r["response_id"], r["at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                    r["respondent_id"], r["respondent_type"], r["touchpoint"], r["nps"],
                    r["csat"], r["ces"], r["region"], r["rapidez"], r["trato"]])
    return out.getvalue()


def outcomes_csv(outcomes, names=("revenue", "churned")):
    lines = ["respondent_id," + ",".join(names)]
    for who, vals in outcomes.items():
        lines.append(who + "," + ",".join(repr(vals[n]) for n in names))
    return "\n".join(lines) + "\n"


def group_of(nps):
    return "promoters" if nps >= 9 else "passives" if nps >= 7 else "detractors"


def latest_groups(responses, lo=None, hi=None, region=None):
    """respondent -> NPS group of their latest customer NPS answer."""
    latest = {}
    for r in responses:
        if r["respondent_type"] != "customer" or not r["respondent_id"]:
            continue
        if (lo and r["at"] < lo) or (hi and r["at"] >= hi):
            continue
        if region and r["region"] != region:
            continue
        prev = latest.get(r["respondent_id"])
        if prev is None or r["at"] > prev["at"]:
            latest[r["respondent_id"]] = r
    return {who: group_of(r["nps"]) for who, r in latest.items()}


def t_interval(x):
    x = np.asarray(x, float)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return x.mean(), x.mean() - half, x.mean() + half


def welch_interval(a, b):
    """mean(b) - mean(a) and its 95% Welch interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    d = b.mean() - a.mean()
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    return d, d - half, d + half


def expected_outcome(responses, outcomes, name, move=0.1, **filters):
    groups = latest_groups(responses, **filters)
    values = {g: [] for g in ("promoters", "passives", "detractors")}
    for who, g in groups.items():
        if who in outcomes:
            values[g].append(outcomes[who][name])
    return groups, values


class OutcomesTest(CliTest):
    def setUp(self):
        super().setUp()
        self.responses, self.outcomes = make_fixture()
        self.load_journey()
        self.ok("import", self.write("responses.csv", responses_csv(self.responses)))
        out = self.ok("outcomes", "import",
                      self.write("outcomes.csv", outcomes_csv(self.outcomes)))
        self.import_summary = out

    def outcome_json(self, *args):
        return json.loads(self.ok("outcomes", *args, "--json"))

    def test_import_summary_counts_respondents_values_and_unmatched(self):
        self.assertIn(f"Imported {len(self.outcomes)} respondents, "
                      f"{2 * len(self.outcomes)} outcome values (2 outcomes)",
                      self.import_summary)
        self.assertIn("12 of these respondents have no response", self.import_summary)
        self.assertEqual(self.query("SELECT count(*) FROM outcome"),
                         [(2 * len(self.outcomes),)])
        self.assertIn(f"Outcomes: 2 names for {len(self.outcomes)} respondents "
                      "(12 without a response)", self.ok("status"))

    def test_revenue_by_nps_group_means_t_intervals_welch_and_move(self):
        groups, values = expected_outcome(self.responses, self.outcomes, "revenue")
        got = self.outcome_json("--outcome", "revenue")
        self.assertFalse(got["binary"])
        self.assertEqual(got["counts"]["respondents"], len(groups))
        self.assertEqual(got["counts"]["linked"], sum(len(v) for v in values.values()))
        for g in got["groups"]:
            x = values[g["nps_group"]]
            mean, lo, hi = t_interval(x)
            self.assertEqual(g["n"], len(x))
            self.assertAlmostEqual(g["value"], mean, delta=TOL)
            self.assertAlmostEqual(g["ci95"][0], lo, delta=TOL)
            self.assertAlmostEqual(g["ci95"][1], hi, delta=TOL)
            self.assertAlmostEqual(g["sd"], np.std(x, ddof=1), delta=TOL)
        pro, pas, det = values["promoters"], values["passives"], values["detractors"]
        diff = got["promoters_vs_detractors"]
        p = stats.ttest_ind(pro, det, equal_var=False).pvalue
        d, lo, hi = welch_interval(det, pro)
        self.assertAlmostEqual(diff["p_value"], p, delta=1e-9)
        self.assertAlmostEqual(diff["value"], d, delta=TOL)
        self.assertAlmostEqual(diff["ci95"][0], lo, delta=TOL)
        self.assertAlmostEqual(diff["ci95"][1], hi, delta=TOL)
        move = got["move"]
        d, lo, hi = welch_interval(det, pas)
        self.assertAlmostEqual(move["detractors_moved"], 0.1 * len(det), delta=TOL)
        self.assertAlmostEqual(move["value"], 0.1 * len(det) * d, delta=1e-5)
        self.assertAlmostEqual(move["ci95"][0], 0.1 * len(det) * lo, delta=1e-5)
        self.assertAlmostEqual(move["ci95"][1], 0.1 * len(det) * hi, delta=1e-5)
        self.assertEqual(len(move["assumptions"]), 4)

    def test_binary_outcome_is_a_rate_with_wilson_and_move_share(self):
        lo_t = datetime(2026, 3, 1, tzinfo=timezone.utc)
        hi_t = datetime(2026, 7, 1, tzinfo=timezone.utc)
        groups, values = expected_outcome(self.responses, self.outcomes, "churned",
                                          lo=lo_t, hi=hi_t, region="Sur")
        got = self.outcome_json("--outcome", "churned", "--move", "0.25", "--from",
                                "2026-03-01", "--to", "2026-06-30", "--where", "region=Sur")
        self.assertTrue(got["binary"])
        self.assertEqual(got["counts"]["respondents"], len(groups))
        for g in got["groups"]:
            x = values[g["nps_group"]]
            lo, hi = proportion_confint(sum(x), len(x), alpha=0.05, method="wilson")
            self.assertEqual(g["n"], len(x))
            self.assertAlmostEqual(g["value"], 100 * sum(x) / len(x), delta=TOL)
            self.assertAlmostEqual(g["ci95"][0], 100 * lo, delta=TOL)
            self.assertAlmostEqual(g["ci95"][1], 100 * hi, delta=TOL)
        pro, pas, det = values["promoters"], values["passives"], values["detractors"]
        p = stats.ttest_ind(pro, det, equal_var=False).pvalue
        self.assertAlmostEqual(got["promoters_vs_detractors"]["p_value"], p, delta=1e-9)
        self.assertAlmostEqual(got["promoters_vs_detractors"]["value"],
                               100 * (np.mean(pro) - np.mean(det)), delta=TOL)
        d, _, _ = welch_interval(det, pas)
        self.assertAlmostEqual(got["move"]["value"], 0.25 * len(det) * d, delta=TOL)

    def test_table_output_and_default_outcome(self):
        out = self.ok("outcomes", "--outcome", "churned")
        self.assertIn("rate in %", out)
        self.assertIn("Welch t test", out)
        self.assertIn("Assumes", out)
        rc, _, err = self.run_tp("outcomes")  # two outcomes stored: must choose
        self.assertEqual(rc, 2)
        self.assertIn("churned, revenue", err)
        rc, _, err = self.run_tp("outcomes", "--outcome", "nothing")
        self.assertEqual(rc, 1)
        self.assertIn("no outcome \"nothing\"", err)
        rc, _, _ = self.run_tp("outcomes", "--move", "1.5")
        self.assertEqual(rc, 2)
        self.assertEqual(self.run_tp("outcomes", "--help")[0], 0)
        self.assertEqual(self.run_tp("outcomes", "import", "--help")[0], 0)

    def test_reimport_replaces_values_and_jsonl_works(self):
        path = self.write("more.jsonl", json.dumps({"respondent_id": "c000", "revenue": 1.5,
                                                    "tenure": 3}) + "\n")
        out = self.ok("outcomes", "import", path)
        self.assertIn("Imported 1 respondents, 2 outcome values", out)
        self.assertEqual(self.query("SELECT value FROM outcome WHERE respondent_key='c000' "
                                    "AND name='revenue'"), [(1.5,)])
        self.assertEqual(self.query("SELECT count(*) FROM outcome WHERE name='tenure'"),
                         [(1,)])

    def bad(self, name, content, *expected):
        before = self.dump()
        path = self.write(name, content)
        rc, _, err = self.run_tp("outcomes", "import", path)
        self.assertEqual(rc, 1, err)
        for e in expected:
            self.assertIn(e.replace("FILE", path), err)
        self.assertEqual(self.dump(), before, "a bad file changed the database")

    def test_bad_files_name_line_and_column_and_store_nothing(self):
        self.bad("nokey.csv", "who,revenue\nc001,5\n", "FILE:1: missing column respondent_id")
        self.bad("text.csv", "respondent_id,revenue,churned\nc001,5,0\nc002,abc,1\n",
                 'FILE:3: column 2 (revenue): "abc" is not a number')
        self.bad("dup.csv", "respondent_id,revenue\nc001,5\nc002,6\nc001,7\n",
                 'FILE:4: column 1 (respondent_id): "c001" repeats line 2')
        self.bad("empty.csv", "", "empty file")
        self.bad("header.csv", "respondent_id,revenue\n", "FILE:1: empty file")
        self.bad("inf.csv", "respondent_id,revenue\nc001,inf\n",
                 'FILE:2: column 2 (revenue): "inf" is not a number')
        self.bad("nokey.jsonl", '{"respondent_id": "c1", "revenue": 2}\n{"revenue": 3}\n',
                 "FILE:2: missing column respondent_id")

    def test_garbage_files_fail_cleanly(self):
        """Random bytes and mangled CSV/JSON Lines: exit 0 or 1 with a message,
        never a crash (the ASan build checks memory)."""
        rng = np.random.default_rng(5)
        pieces = ["respondent_id", "revenue", "sector", "company", "metric", "period",
                  "value", "n", "sd", "nps", "ces", "2026-Q2", "1e400", "-0", "3,5", '"',
                  ",", ";", "\n", "\r\n", "{", "}", ":", "\ufeff", "\x00", "9" * 40]
        for k in range(40):
            if k % 3 == 0:
                data = bytes(rng.integers(0, 256, size=int(rng.integers(0, 300)),
                                          dtype=np.uint8))
            else:
                data = "".join(pieces[int(i)] for i in
                               rng.integers(0, len(pieces), size=60)).encode("utf-8")
            for cmd, ext in (("outcomes", ".csv"), ("benchmark", ".jsonl")):
                path = self.write(f"g{k}{ext}", data, mode="wb")
                rc, _, err = self.run_tp(cmd, "import", path)
                self.assertIn(rc, (0, 1), f"{cmd} {data!r}: {err}")
                if rc == 1:
                    self.assertTrue(err.startswith("touchpoint: "), err)

    def test_drivers_of_an_outcome_match_statsmodels_r2(self):
        got = json.loads(self.ok("drivers", "--outcome", "outcome:revenue", "--drivers",
                                 "attr:rapidez,attr:trato", "--bootstrap", "0", "--json"))
        y, x = [], []
        for r in self.responses:
            if r["respondent_type"] != "customer":
                continue
            if r["respondent_id"] not in self.outcomes:
                continue  # anonymous or no outcome: missing, dropped listwise
            y.append(self.outcomes[r["respondent_id"]]["revenue"])
            x.append([r["rapidez"], r["trato"]])
        fit = sm.OLS(np.asarray(y), sm.add_constant(np.asarray(x, float))).fit()
        self.assertEqual(got["n"], len(y))
        self.assertAlmostEqual(got["r2"], fit.rsquared, delta=1e-9)
        self.assertEqual(got["outcome"], "outcome:revenue")
        rc, _, err = self.run_tp("drivers", "--outcome", "outcome:nothing", "--drivers",
                                 "attr:rapidez")
        self.assertEqual(rc, 1)
        self.assertIn("no outcome", err)


class DriversTouchpointOutcomeTest(CliTest):
    def test_one_observation_per_respondent_matches_statsmodels(self):
        """40 respondents answer the 4 touchpoints once each; 6 have no outcome."""
        rng = np.random.default_rng(11)
        tps = TOUCHPOINTS[:4]
        responses, outcomes, y, x = [], {}, [], []
        for k in range(40):
            scores = [int(v) for v in rng.integers(0, 11, size=4)]
            for j, (tp, v) in enumerate(zip(tps, scores)):
                responses.append({"response_id": f"r{k}-{j}", "respondent_id": f"p{k}",
                                  "respondent_type": "customer", "nps": v, "csat": 3,
                                  "ces": 4, "touchpoint": tp, "region": "Norte",
                                  "rapidez": 3, "trato": 3,
                                  "at": START + timedelta(hours=4 * k + j)})
            if k % 7 == 3:
                continue
            value = float(200 + 9 * scores[1] + 4 * scores[3] + rng.normal(0, 15))
            outcomes[f"p{k}"] = {"revenue": round(value, 3), "churned": 0}
            y.append(outcomes[f"p{k}"]["revenue"])
            x.append(scores)
        self.load_journey()
        self.ok("import", self.write("responses.csv", responses_csv(responses)))
        self.ok("outcomes", "import", self.write("outcomes.csv", outcomes_csv(outcomes)))
        rc, _, err = self.run_tp("drivers", "--outcome", "outcome:revenue", "--drivers",
                                 "touchpoint")
        self.assertEqual(rc, 2)
        self.assertIn("--driver-metric", err)
        got = json.loads(self.ok("drivers", "--outcome", "outcome:revenue", "--drivers",
                                 "touchpoint", "--driver-metric", "nps", "--bootstrap", "0",
                                 "--json"))
        fit = sm.OLS(np.asarray(y), sm.add_constant(np.asarray(x, float))).fit()
        self.assertEqual(got["observations"], "respondents")
        self.assertEqual(got["n"], len(y))
        self.assertEqual(got["dropped"], 40 - len(y))
        self.assertAlmostEqual(got["r2"], fit.rsquared, delta=1e-9)


# --- benchmark ----------------------------------------------------------------

Q2_LO = datetime(2026, 4, 1, tzinfo=timezone.utc)
Q2_HI = datetime(2026, 7, 1, tzinfo=timezone.utc)


def q2_customers(responses):
    return [r for r in responses if r["respondent_type"] == "customer"
            and Q2_LO <= r["at"] < Q2_HI]


def our_nps(responses):
    rs = q2_customers(responses)
    p = sum(r["nps"] >= 9 for r in rs)
    d = sum(r["nps"] <= 6 for r in rs)
    return p, d, len(rs), 100.0 * (p - d) / len(rs)


def adjusted_variance(p_share, d_share, n):
    n2 = n + 3
    p2, d2 = (p_share * n + 0.75) / n2, (d_share * n + 0.75) / n2
    return (p2 + d2 - (p2 - d2) ** 2) / n2


def percentile_and_rank(ours, others):
    worse = sum(v < ours for v in others)
    ties = sum(v == ours for v in others)
    better = sum(v > ours for v in others)
    return 100.0 * (worse + 0.5 * ties) / len(others), better + 1


class BenchmarkTest(CliTest):
    def setUp(self):
        super().setUp()
        self.responses, _ = make_fixture()
        self.load_journey()
        self.ok("import", self.write("responses.csv", responses_csv(self.responses)))
        p, d, n, self.nps = our_nps(self.responses)
        self.counts = (p, d, n)
        rows = [("sector", "company", "metric", "period", "value", "n", "sd"),
                ("retail", "Alfa", "nps", "2026-Q2", "35", "400", ""),
                ("retail", "Beta", "nps", "2026-Q2", repr(self.nps), "250", ""),  # a tie
                ("retail", "Gamma", "nps", "2026-Q2", "-12", "300", ""),
                ("banca", "Delta", "nps", "2026-Q2", "60", "900", ""),
                ("banca", "Epsilon", "nps", "2026-Q2", "-40", "120", ""),
                ("retail", "Nosotros", "nps", "2026-Q2", "99", "10", ""),  # our own row
                ("retail", "Alfa", "nps", "2026-Q1", "10", "400", ""),
                ("retail", "Alfa", "csat", "2026-Q2", "80", "500", ""),
                ("banca", "Delta", "csat", "2026-Q2", "40", "250", ""),
                ("retail", "Alfa", "ces", "2026-Q2", "5.2", "300", "1.1"),
                ("banca", "Delta", "ces", "2026-Q2", "4.1", "200", "")]
        self.ok("benchmark", "import",
                self.write("bench.csv", "\n".join(",".join(r) for r in rows) + "\n"))
        self.ok("benchmark", "company", "Nosotros", "--sector", "retail")

    def bench(self, *args):
        return json.loads(self.ok("benchmark", *args, "--json"))

    def test_nps_rank_percentile_and_z_tests(self):
        got = self.bench("--metric", "nps")
        self.assertEqual(got["period"], "2026-Q2")  # the latest stored
        self.assertEqual(got["own_rows_replaced"], 1)
        self.assertAlmostEqual(got["ours"]["value"], self.nps, delta=1e-9)
        all_others = [35.0, self.nps, -12.0, 60.0, -40.0]
        pct, rank = percentile_and_rank(self.nps, all_others)
        self.assertEqual(got["all_sectors"], {"rank": rank, "of": 6, "percentile": pct})
        pct, rank = percentile_and_rank(self.nps, [35.0, self.nps, -12.0])
        self.assertEqual(got["in_sector"]["rank"], rank)
        self.assertEqual(got["in_sector"]["of"], 4)
        self.assertAlmostEqual(got["in_sector"]["percentile"], pct, delta=1e-9)
        p, d, n = self.counts
        var_ours = adjusted_variance(p / n, d / n, n)
        by_company = {c["company"]: c for c in got["companies"]}
        self.assertTrue(by_company["Nosotros"]["ours"])
        for name, value, size in [("Alfa", 35, 400), ("Gamma", -12, 300),
                                  ("Delta", 60, 900), ("Epsilon", -40, 120)]:
            v = value / 100
            var_them = adjusted_variance((1 + v) / 2, (1 - v) / 2, size)
            z = (self.nps - value) / (100 * math.sqrt(var_ours + var_them))
            expected = 2 * stats.norm.sf(abs(z))
            c = by_company[name]
            self.assertAlmostEqual(c["p_value"], expected, delta=1e-9, msg=name)
            self.assertEqual(c["significant"], expected < 0.05)
            self.assertAlmostEqual(c["diff"], self.nps - value, delta=1e-9)
        values = [c["value"] for c in got["companies"]]
        self.assertEqual(values, sorted(values, reverse=True))

    def test_csat_two_proportion_and_ces_welch_or_no_test(self):
        rs = q2_customers(self.responses)
        s, n = sum(r["csat"] >= 4 for r in rs), len(rs)
        got = self.bench("--metric", "csat")
        by_company = {c["company"]: c for c in got["companies"]}
        for name, value, size in [("Alfa", 80, 500), ("Delta", 40, 250)]:
            x2 = round(value * size / 100)
            pooled = (s + x2) / (n + size)
            z = (s / n - x2 / size) / math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / size))
            self.assertAlmostEqual(by_company[name]["p_value"], 2 * stats.norm.sf(abs(z)),
                                   delta=1e-9)
        got = self.bench("--metric", "ces")
        by_company = {c["company"]: c for c in got["companies"]}
        ces = np.array([r["ces"] for r in rs], float)
        expected = stats.ttest_ind_from_stats(ces.mean(), ces.std(ddof=1), len(ces),
                                              5.2, 1.1, 300, equal_var=False).pvalue
        self.assertAlmostEqual(by_company["Alfa"]["p_value"], expected, delta=1e-9)
        self.assertIsNone(by_company["Delta"]["p_value"])
        self.assertIn("sd", by_company["Delta"]["no_test"])
        self.assertAlmostEqual(got["ours"]["value"], ces.mean(), delta=1e-9)
        out = self.ok("benchmark", "--metric", "ces")
        self.assertIn("no test", out)

    def test_period_option_and_errors(self):
        got = self.bench("--period", "2026-Q1")
        q1 = [r for r in self.responses if r["respondent_type"] == "customer"
              and datetime(2026, 1, 1, tzinfo=timezone.utc) <= r["at"] < Q2_LO]
        self.assertEqual(got["ours"]["n"], len(q1))
        self.assertEqual(len(got["companies"]), 2)
        rc, _, err = self.run_tp("benchmark", "--period", "2026-13")
        self.assertEqual(rc, 2)
        rc, _, err = self.run_tp("benchmark", "--period", "2025")
        self.assertEqual(rc, 1)
        self.assertIn("no nps benchmark", err)

    def bad(self, content, *expected):
        before = self.dump()
        path = self.write("bad.csv", content)
        rc, _, err = self.run_tp("benchmark", "import", path)
        self.assertEqual(rc, 1, err)
        for e in expected:
            self.assertIn(e.replace("FILE", path), err)
        self.assertEqual(self.dump(), before)

    def test_bad_benchmark_files(self):
        head = "sector,company,metric,period,value,n\n"
        self.bad("sector,company,metric,value,n\nx,y,nps,3,4\n", "FILE:1: missing column period")
        self.bad(head + "x,y,nps,2026-Q2,abc,4\n", 'FILE:2: column 5 (value): "abc" is not a number')
        self.bad(head + "x,y,nps,2026-Q2,120,4\n", "FILE:2: column 5 (value): 120 is outside")
        self.bad(head + "x,y,nps,2026-Q2,10,-4\n", "FILE:2: column 6 (n)")
        self.bad(head + "x,y,nps,Q2,10,4\n", "FILE:2: column 4 (period)")
        self.bad(head + "x,y,rev,2026,10,4\n", "FILE:2: column 3 (metric)")
        self.bad(head + "x,y,nps,2026,10,4\nx,y,nps,2026,11,5\n", "FILE:3:", "repeats line 2")
        self.bad("", "empty file")

    def test_pages_and_api(self):
        server = Server(self.db)
        try:
            status, headers, body = server.request("GET", "/benchmark?metric=nps&lang=es",
                                                   raw=True)
            self.assertEqual(status, 200)
            text = body.decode()
            self.assertIn("Percentil", text)
            self.assertIn("<svg", text)
            self.assertIn("Nosotros (nosotros)", text)
            status, _, body = server.request("GET", "/benchmark?metric=nps&format=csv",
                                             raw=True)
            rows = list(csv.DictReader(io.StringIO(body.decode())))
            self.assertEqual([r["company"] for r in rows][0], "Delta")
            self.assertEqual(len(rows), 6)
            status, _, api = server.request("GET", "/api/v1/benchmark?metric=nps")
            self.assertEqual(api, self.bench("--metric", "nps"))
            status, _, _ = server.request("GET", "/api/v1/benchmark?period=bad")
            self.assertEqual(status, 400)
            status, _, body = server.request("GET", "/outcomes", raw=True)
            self.assertEqual(status, 200)
            self.assertIn(b"touchpoint outcomes import", body)
        finally:
            server.stop()


class OutcomesPagesTest(CliTest):
    def test_outcomes_page_csv_and_api_match_the_expected_values(self):
        responses, outcomes = make_fixture()
        self.load_journey()
        self.ok("import", self.write("responses.csv", responses_csv(responses)))
        self.ok("outcomes", "import", self.write("outcomes.csv", outcomes_csv(outcomes)))
        _, values = expected_outcome(responses, outcomes, "revenue")
        server = Server(self.db)
        try:
            status, _, body = server.request(
                "GET", "/outcomes?outcome=revenue&format=csv", raw=True)
            self.assertEqual(status, 200)
            rows = list(csv.DictReader(io.StringIO(body.decode())))
            self.assertEqual([r["nps_group"] for r in rows],
                             ["promoters", "passives", "detractors"])
            for r in rows:
                mean, lo, hi = t_interval(values[r["nps_group"]])
                self.assertAlmostEqual(float(r["value"]), mean, delta=1e-6)
                self.assertAlmostEqual(float(r["ci_lo"]), lo, delta=1e-6)
            status, _, body = server.request(
                "GET", "/outcomes?outcome=%3Cb%3E&lang=en", raw=True)
            self.assertEqual(status, 404)
            self.assertNotIn(b"<b>", body)
            status, _, body = server.request("GET", "/outcomes?outcome=churned&lang=es",
                                             raw=True)
            text = body.decode()
            self.assertIn("Grupo NPS", text)
            self.assertIn("Supuestos", text)
            self.assertIn("<svg", text)
            self.assertIn("format=csv", text)
            status, _, api = server.request("GET", "/api/v1/outcomes?outcome=churned")
            cli = json.loads(self.ok("outcomes", "--outcome", "churned", "--json"))
            cli["period"] = None
            self.assertEqual(api, cli)
            status, _, _ = server.request("GET", "/api/v1/outcomes?outcome=churned&move=2")
            self.assertEqual(status, 400)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
