#!/usr/bin/python3
"""check_estimates.py - cross-checks stats/estimate.c against scipy and statsmodels.

Usage: /usr/bin/python3 tests/stats/check_estimates.py PATH/TO/estimate_cli

Generates about 250 cases with a fixed seed (random ones and edge cases),
feeds them to the estimate_cli driver (tests/stats/estimate_cli.c) and
compares each answer with a value computed here, independently of the C
code: only the driver's final output is read, never an intermediate.

References:
  NPS       the adjusted-Wald formula (Rocks 2016, as in stats.h) evaluated
            here, with scipy.stats.norm.ppf for z.
  share     statsmodels proportion_confint(method='wilson').
  mean      scipy.stats.t.interval around numpy's mean and scipy.stats.sem.
  NPS diff  each side's adjusted-Wald variance, summed; z test with
            scipy.stats.norm.
  share diff  statsmodels confint_proportions_2indep(method='wald') and
            proportions_ztest (pooled).
  mean diff scipy.stats.ttest_ind(equal_var=False) for the p-value; the
            Welch-Satterthwaite df from statsmodels' ttest_ind(usevar=
            'unequal'), itself checked against the formula and scipy's p.

On the t quantile: scipy 1.10's t.ppf (cephes stdtrit) is accurate only to
about 3e-9 relative (e.g. df = 29, level 0.8), above the 1e-9 this check
demands, while t.sf is accurate to ~1e-14. The strict comparison therefore
uses t.interval's quantile refined by Newton steps on scipy's own t.sf and
t.pdf; the unrefined bounds (t.interval for a mean, t.ppf, which is what
t.interval uses, for a Welch difference) are also compared, with a
tolerance of 1e-8 relative to the half-width, and the largest such
deviation is reported.

Conventions of stats.h checked as such: a level outside (0, 1) means 0.95;
no answer -> has_value 0 with every number 0 (p = 1); NPS intervals clipped
to -100..100, NPS differences to -200..200, share differences to
-100..100; two samples without spread -> lo = hi = diff, p = 1 if equal
else 0; a pooled share of 0 or 1 -> p = 1.

Prints "N passed, M failed" and exits 1 if any case failed.
"""
import math
import subprocess
import sys
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)
from statsmodels.stats.weightstats import ttest_ind as sm_ttest_ind

SEED = 20240611
TOL = 1e-9
RAW_T_TOL = 1e-8
INVALID_LEVELS = [0.0, 1.0, -0.5, 1.5, 95.0, float("nan"), float("inf")]

raw_t_worst = 0.0


def eff_level(level):
    return level if 0.0 < level < 1.0 else 0.95


def z_crit(level):
    return stats.norm.ppf((1.0 + eff_level(level)) / 2.0)


def t_crit(level, df):
    """The upper (1 - level) / 2 quantile of t(df), refined by Newton."""
    q = (1.0 - eff_level(level)) / 2.0
    x = stats.t.ppf(1.0 - q, df)
    for _ in range(6):
        step = (stats.t.sf(x, df) - q) / stats.t.pdf(x, df)
        x += step
        if abs(step) <= 1e-16 * abs(x):
            break
    return x


def clip(x, lo, hi):
    return min(max(x, lo), hi)


def no_estimate():
    return {"n": 0, "has_value": 0, "value": 0.0, "has_ci": 0, "lo": 0.0, "hi": 0.0}


def no_change():
    return {"has_value": 0, "diff": 0.0, "lo": 0.0, "hi": 0.0, "p": 1.0}


# --- references -------------------------------------------------------------

def adjusted_wald(p, a, d):
    """Adjusted NPS (fraction) and its variance, Rocks 2016."""
    n1 = p + a + d + 3.0
    pp = (p + 0.75) / n1
    dd = (d + 0.75) / n1
    return pp - dd, (pp + dd - (pp - dd) ** 2) / n1


def ref_nps(p, a, d, level):
    n = p + a + d
    if min(p, a, d) < 0 or n == 0:
        return no_estimate()
    center, var = adjusted_wald(p, a, d)
    half = z_crit(level) * math.sqrt(var)
    return {"n": n, "has_value": 1, "value": 100.0 * (p - d) / n, "has_ci": 1,
            "lo": clip(100.0 * (center - half), -100.0, 100.0),
            "hi": clip(100.0 * (center + half), -100.0, 100.0)}


def ref_prop(s, n, level):
    if n <= 0 or s < 0 or s > n:
        return no_estimate()
    lo, hi = proportion_confint(s, n, alpha=1.0 - eff_level(level), method="wilson")
    return {"n": n, "has_value": 1, "value": 100.0 * s / n, "has_ci": 1,
            "lo": clip(100.0 * lo, 0.0, 100.0), "hi": clip(100.0 * hi, 0.0, 100.0)}


def ref_mean(xs, level):
    n = len(xs)
    if n == 0:
        return no_estimate()
    x = np.array(xs)
    mean = float(np.mean(x))
    if n == 1:
        return {"n": 1, "has_value": 1, "value": mean, "has_ci": 0, "lo": 0.0, "hi": 0.0}
    if np.ptp(x) == 0:
        return {"n": n, "has_value": 1, "value": mean, "has_ci": 1, "lo": mean, "hi": mean}
    sem = float(stats.sem(x))
    half = t_crit(level, n - 1) * sem
    raw_lo, raw_hi = stats.t.interval(eff_level(level), n - 1, loc=mean, scale=sem)
    return {"n": n, "has_value": 1, "value": mean, "has_ci": 1,
            "lo": mean - half, "hi": mean + half, "raw": (raw_lo, raw_hi, half)}


def ref_npsdiff(before, after, level):
    nb, na = sum(before), sum(after)
    if nb == 0 or na == 0:
        return no_change()
    _, var_b = adjusted_wald(*before)
    _, var_a = adjusted_wald(*after)
    diff = 100.0 * (after[0] - after[2]) / na - 100.0 * (before[0] - before[2]) / nb
    se = 100.0 * math.sqrt(var_b + var_a)
    half = z_crit(level) * se
    return {"has_value": 1, "diff": diff, "lo": clip(diff - half, -200.0, 200.0),
            "hi": clip(diff + half, -200.0, 200.0),
            "p": 2.0 * stats.norm.sf(abs(diff / se))}


def ref_propdiff(s1, n1, s2, n2, level):
    if n1 <= 0 or n2 <= 0 or not 0 <= s1 <= n1 or not 0 <= s2 <= n2:
        return no_change()
    lo, hi = confint_proportions_2indep(s2, n2, s1, n1, method="wald", compare="diff",
                                        alpha=1.0 - eff_level(level))
    pooled = (s1 + s2) / (n1 + n2)
    if 0.0 < pooled < 1.0:
        p = float(proportions_ztest([s2, s1], [n2, n1])[1])
    else:
        p = 1.0
    return {"has_value": 1, "diff": 100.0 * (s2 / n2 - s1 / n1),
            "lo": clip(100.0 * float(lo), -100.0, 100.0),
            "hi": clip(100.0 * float(hi), -100.0, 100.0), "p": p}


def ref_meandiff(before, after, level):
    if len(before) < 2 or len(after) < 2:
        return no_change()
    a, b = np.array(before), np.array(after)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        diff = float(b[0] - a[0])
        return {"has_value": 1, "diff": diff, "lo": diff, "hi": diff,
                "p": 1.0 if a[0] == b[0] else 0.0}
    diff = float(np.mean(b) - np.mean(a))
    res = stats.ttest_ind(b, a, equal_var=False)
    _, sm_p, df = sm_ttest_ind(b, a, usevar="unequal")
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    df_formula = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    se = math.sqrt(va + vb)
    # The df used here must be the one scipy used for its p-value.
    consistent = (abs(df - df_formula) <= 1e-9 * df and abs(sm_p - res.pvalue) <= 1e-12
                  and abs(2.0 * stats.t.sf(abs(res.statistic), df) - res.pvalue) <= 1e-12)
    half = t_crit(level, df) * se
    ppf_half = stats.t.ppf((1.0 + eff_level(level)) / 2.0, df) * se
    return {"has_value": 1, "diff": diff, "lo": diff - half, "hi": diff + half,
            "p": float(res.pvalue), "consistent": consistent,
            "raw": (diff - ppf_half, diff + ppf_half, half)}


# --- cases ------------------------------------------------------------------

def fmt(x):
    return repr(float(x))


def fmt_level(level):
    return "nan" if math.isnan(level) else repr(float(level))


def make_cases():
    rng = np.random.default_rng(SEED)
    std_levels = [0.8, 0.9, 0.95, 0.99, 0.999]

    def level():
        if rng.random() < 0.5:
            return std_levels[rng.integers(len(std_levels))]
        return float(rng.uniform(0.5, 0.999))

    def nps_counts():
        n = int(rng.choice([rng.integers(1, 30), rng.integers(30, 2000),
                            rng.integers(2000, 1000000)]))
        probs = rng.dirichlet([1.0, 1.0, 1.0])
        return [int(v) for v in rng.multinomial(n, probs)]

    def prop_counts():
        n = int(rng.choice([rng.integers(1, 30), rng.integers(30, 5000),
                            rng.integers(5000, 10 ** 9)]))
        return int(rng.integers(0, n + 1)), n

    def sample(n=None):
        if n is None:
            n = int(rng.integers(2, 60))
        kind = rng.integers(3)
        if kind == 0:  # a 1..7 rating (CES), ties everywhere
            return [float(v) for v in rng.integers(1, 8, n)]
        if kind == 1:  # emotion scores
            return [float(v) for v in rng.uniform(-1.0, 1.0, n)]
        loc, scale = rng.uniform(-1000.0, 1000.0), 10.0 ** rng.uniform(-3, 3)
        return [float(v) for v in rng.normal(loc, scale, n)]

    cases = []  # (kind, command, expected)

    def nps(p, a, d, lv):
        cases.append(("nps", f"nps {p} {a} {d} {fmt_level(lv)}", ref_nps(p, a, d, lv)))

    def prop(s, n, lv):
        cases.append(("prop", f"prop {s} {n} {fmt_level(lv)}", ref_prop(s, n, lv)))

    def mean(xs, lv, merge=False):
        cmd = ("mmean " if merge else "mean ") + " ".join([fmt_level(lv)] + [fmt(v) for v in xs])
        cases.append(("mmean" if merge else "mean", cmd, ref_mean(xs, lv)))

    def npsdiff(b, a, lv):
        cmd = "npsdiff " + " ".join(str(v) for v in b + a) + " " + fmt_level(lv)
        cases.append(("npsdiff", cmd, ref_npsdiff(b, a, lv)))

    def propdiff(s1, n1, s2, n2, lv):
        cmd = f"propdiff {s1} {n1} {s2} {n2} {fmt_level(lv)}"
        cases.append(("propdiff", cmd, ref_propdiff(s1, n1, s2, n2, lv)))

    def meandiff(xb, xa, lv):
        cmd = "meandiff " + " ".join([fmt_level(lv), str(len(xb))] + [fmt(v) for v in xb + xa])
        cases.append(("meandiff", cmd, ref_meandiff(xb, xa, lv)))

    # Edge cases.
    for c in [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (10, 0, 0), (0, 10, 0), (0, 0, 10),
              (5, 3, 2), (1000, 0, 0), (0, 0, 1000), (10 ** 12, 5 * 10 ** 11, 10 ** 11)]:
        nps(*c, 0.95)
    for lv in INVALID_LEVELS:
        nps(5, 3, 2, lv)
        prop(3, 10, lv)
        mean([2.0, 4.0, 6.5], lv)
    for s, n in [(0, 0), (0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (0, 1000), (1000, 1000),
                 (1, 2), (10 ** 12 // 3, 10 ** 12), (5, 3), (-1, 3)]:
        prop(s, n, 0.95)
    for xs in [[], [4.5], [0.1, 0.1, 0.1], [7.0] * 20, [1.0, 3.0], [1.0, 2.0],
               [1e6 + v for v in (0.25, -0.5, 0.75, 0.0)]]:
        mean(xs, 0.95)
        mean(xs, 0.95, merge=True)
    for b, a in [((0, 0, 0), (1, 2, 3)), ((1, 2, 3), (0, 0, 0)), ((10, 0, 0), (25, 0, 0)),
                 ((0, 0, 10), (10, 0, 0)), ((0, 10, 0), (0, 7, 0)), ((1, 0, 0), (0, 0, 1)),
                 ((5, 3, 2), (7, 2, 1))]:
        npsdiff(list(b), list(a), 0.95)
    for c in [(0, 10, 0, 20), (10, 10, 20, 20), (0, 10, 10, 10), (0, 0, 1, 2), (1, 2, 0, 0),
              (30, 100, 45, 100), (1, 1, 0, 1), (500, 1000, 500, 1000)]:
        propdiff(*c, 0.95)
    for xb, xa in [([5.0], [5.0, 6.0, 7.0]), ([5.0, 6.0], [7.0]), ([5.0, 5.0], [5.0, 5.0, 5.0]),
                   ([5.0, 5.0], [7.0, 7.0, 7.0]), ([5.0, 5.0, 5.0], [1.0, 3.0]),
                   ([1.0, 3.0], [4.0, 6.0]), ([0.1] * 4, [0.3, 0.2, 0.25]),
                   ([2.0, 4.0, 6.0], [5.0, 7.0, 9.0])]:
        meandiff(xb, xa, 0.95)
    for lv in INVALID_LEVELS[:3]:
        npsdiff([5, 3, 2], [7, 2, 1], lv)
        propdiff(30, 100, 45, 100, lv)
        meandiff([1.0, 3.0, 4.0], [4.0, 6.0, 9.0], lv)

    # Random cases.
    for _ in range(30):
        nps(*nps_counts(), level())
    for _ in range(30):
        prop(*prop_counts(), level())
    for _ in range(25):
        mean(sample(), level())
    for _ in range(10):
        mean(sample(), level(), merge=True)
    for _ in range(25):
        npsdiff(nps_counts(), nps_counts(), level())
    for _ in range(25):
        s1, n1 = prop_counts()
        s2, n2 = prop_counts()
        propdiff(s1, n1, s2, n2, level())
    for _ in range(25):
        xb = sample()
        xa = [v + float(rng.normal(0.0, 1.0)) * (np.std(xb) + 0.1) for v in sample()]
        meandiff(xb, xa, level())
    return cases


# --- comparison -------------------------------------------------------------

def close(got, want):
    return math.isfinite(got) and abs(got - want) <= TOL * max(1.0, abs(want))


def parse(line):
    f = line.split()
    if f and f[0] == "est" and len(f) == 7:
        return {"n": int(f[1]), "has_value": int(f[2]), "value": float(f[3]),
                "has_ci": int(f[4]), "lo": float(f[5]), "hi": float(f[6])}
    if f and f[0] == "chg" and len(f) == 6:
        return {"has_value": int(f[1]), "diff": float(f[2]), "lo": float(f[3]),
                "hi": float(f[4]), "p": float(f[5])}
    return None


def compare(got, want):
    """A list of mismatch descriptions, empty when the case passes."""
    global raw_t_worst
    if got is None:
        return ["unparsable output"]
    bad = []
    for key, w in want.items():
        if key in ("raw", "consistent"):
            continue
        g = got[key]
        if isinstance(w, int):
            if g != w:
                bad.append(f"{key}: got {g}, want {w}")
        elif key == "p":
            if not (math.isfinite(g) and abs(g - w) <= TOL):
                bad.append(f"p: got {g!r}, want {w!r}")
        elif not close(g, w):
            bad.append(f"{key}: got {g!r}, want {w!r}")
    if "consistent" in want and not want["consistent"]:
        bad.append("Welch df disagrees between statsmodels, the formula and scipy")
    if "raw" in want:
        raw_lo, raw_hi, half = want["raw"]
        dev = max(abs(got["lo"] - raw_lo), abs(got["hi"] - raw_hi)) / half
        raw_t_worst = max(raw_t_worst, dev)
        if dev > RAW_T_TOL:
            bad.append(f"raw scipy t interval off by {dev:.3g} of the half-width")
    return bad


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: check_estimates.py PATH/TO/estimate_cli\n")
        return 2
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = make_cases()
    stdin = "".join(cmd + "\n" for _, cmd, _ in cases)
    proc = subprocess.run([sys.argv[1]], input=stdin, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        sys.stderr.write(f"driver exited with {proc.returncode}: {proc.stderr}")
        return 1
    lines = proc.stdout.splitlines()
    if len(lines) != len(cases):
        sys.stderr.write(f"driver printed {len(lines)} lines for {len(cases)} cases\n")
        return 1
    passed = failed = 0
    by_kind = {}
    for (kind, cmd, want), line in zip(cases, lines):
        bad = compare(parse(line), want)
        by_kind[kind] = by_kind.get(kind, 0) + 1
        if bad:
            failed += 1
            short = cmd if len(cmd) < 120 else cmd[:117] + "..."
            sys.stderr.write(f"FAIL {short}\n  got  {line}\n  " + "\n  ".join(bad) + "\n")
        else:
            passed += 1
    kinds = ", ".join(f"{k} {v}" for k, v in by_kind.items())
    print(f"cases: {kinds}")
    print(f"largest deviation from raw scipy t.interval: {raw_t_worst:.3g} of the half-width")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
