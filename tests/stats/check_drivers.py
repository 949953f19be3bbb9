#!/usr/bin/python3
"""check_drivers.py - cross-checks stats/drivers.c against numpy and statsmodels.

Usage: /usr/bin/python3 tests/stats/check_drivers.py PATH/TO/drivers_cli

Generates data sets with known structure (correlated drivers, a fixed seed,
p from 1 to 8, n in the hundreds and thousands), feeds each to the
drivers_cli driver (tests/stats/drivers_cli.c) and compares its answers
with values computed here, independently of the C code; only the driver's
final output is read.

References:
  R^2       statsmodels OLS with an intercept (rsquared).
  Shapley   brute force: the R^2 of every subset of drivers by
            numpy.linalg.lstsq on the centred data (minimum-norm solution,
            so exactly collinear subsets are fine), then the LMG formula
            sum over S not containing j of |S|!(p-|S|-1)!/p! (R2(S+j) - R2(S)).
  Weights   Johnson (2000) with numpy.linalg.eigh of the correlation matrix:
            Lambda = V diag(sqrt l) V', beta = V diag(1/sqrt l) V' r_xy,
            eps_j = sum_k Lambda_jk^2 beta_k^2; eigenvalues below 1e-10 l_max
            dropped from the inverse square root (as documented in
            drivers.c).
Also checked: the listwise deletion counts, constant drivers (share 0, note
"constant", the others as in the model without them), exactly collinear
drivers (finite shares, note), the error cases, p beyond the exact Shapley
limit, the bootstrap's determinism for a seed, and that the shares sum to R^2.

Prints "N passed, M failed" and exits 1 if any case failed.
"""
import itertools
import math
import subprocess
import sys

import numpy as np
import statsmodels.api as sm

SEED = 20261123
TOL = 1e-6
EIG_TOL = 1e-10

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(cli, y, X, boot=None):
    n, p = X.shape
    head = "%d %d" % (p, n)
    if boot:
        head += " %d %d %.17g" % boot
    lines = [head]
    for i in range(n):
        lines.append(" ".join(repr(float(v)) for v in [y[i], *X[i]]))
    out = subprocess.run([cli], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True).stdout
    res = {"drivers": [], "message": None, "error": None}
    for line in out.splitlines():
        tok = line.split(" ")
        if tok[0] == "fit":
            res["n"], res["dropped"], res["p"] = int(tok[1]), int(tok[2]), int(tok[3])
            res["r2"] = float(tok[4])
        elif tok[0] == "driver":
            v = [float(t) for t in tok[2:5]] + [tok[5] == "1"] + [float(t) for t in tok[6:9]]
            note = " ".join(tok[9:])
            res["drivers"].append({"rw": v[0], "rw_lo": v[1], "rw_hi": v[2], "has_sh": v[3],
                                   "sh": v[4], "sh_lo": v[5], "sh_hi": v[6],
                                   "note": None if note == "-" else note})
        elif tok[0] == "message":
            res["message"] = line[len("message "):]
        elif tok[0] == "error":
            res["error"] = line
    return res


def ols_r2(y, X):
    if X.shape[1] == 0:
        return 0.0
    return sm.OLS(y, sm.add_constant(X, has_constant="add")).fit().rsquared


def subset_r2(yc, Xc, cols):
    if not cols:
        return 0.0
    A = Xc[:, cols]
    coef = np.linalg.lstsq(A, yc, rcond=None)[0]
    resid = yc - A @ coef
    return 1.0 - (resid @ resid) / (yc @ yc)


def shapley(y, X):
    n, p = X.shape
    yc = y - y.mean()
    Xc = X - X.mean(axis=0)
    r2 = {}
    for k in range(p + 1):
        for s in itertools.combinations(range(p), k):
            r2[s] = subset_r2(yc, Xc, list(s))
    sh = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            w = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for s in itertools.combinations(others, k):
                sj = tuple(sorted(s + (j,)))
                sh[j] += w * (r2[sj] - r2[s])
    return sh


def relative_weights(y, X):
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    zy = (y - y.mean()) / y.std()
    n = len(y)
    R = Z.T @ Z / n
    rxy = Z.T @ zy / n
    lam, V = np.linalg.eigh(R)
    keep = lam > EIG_TOL * lam.max()
    Vk, lk = V[:, keep], lam[keep]
    Lam = V @ np.diag(np.sqrt(np.clip(lam, 0.0, None))) @ V.T
    beta = Vk @ np.diag(1.0 / np.sqrt(lk)) @ Vk.T @ rxy
    return (Lam ** 2) @ (beta ** 2)


def correlated(rng, n, p):
    A = rng.normal(size=(p, p)) * 0.6 + np.eye(p)
    X = rng.normal(size=(n, p)) @ A + rng.normal(size=p) * 3.0
    b = rng.normal(size=p)
    y = X @ b + rng.normal(size=n) * rng.uniform(0.5, 3.0) + 10.0
    return y, X


worst = 0.0


def close(a, b):
    global worst
    worst = max(worst, abs(a - b))
    return abs(a - b) <= TOL


def all_finite(res):
    vals = [res["r2"]]
    for d in res["drivers"]:
        vals += [d["rw"], d["rw_lo"], d["rw_hi"], d["sh"], d["sh_lo"], d["sh_hi"]]
    return all(math.isfinite(v) for v in vals)


def compare(cli, y, X, label, active=None):
    """Compares the C fit of (y, X) with the references; active lists the
    drivers the references see (the others must have share 0)."""
    p = X.shape[1]
    active = list(range(p)) if active is None else active
    res = run(cli, y, X)
    check(res["error"] is None, "%s: error %s" % (label, res["error"]))
    if res["error"]:
        return res
    Xa = X[:, active]
    r2 = ols_r2(y, Xa)
    sh = shapley(y, Xa)
    rw = relative_weights(y, Xa)
    check(close(res["r2"], r2), "%s: r2 %r vs %r" % (label, res["r2"], r2))
    check(all_finite(res), "%s: non-finite output" % label)
    for j in range(p):
        d = res["drivers"][j]
        if j in active:
            k = active.index(j)
            check(close(d["rw"], rw[k]), "%s: rw[%d] %r vs %r" % (label, j, d["rw"], rw[k]))
            check(close(d["sh"], sh[k]), "%s: sh[%d] %r vs %r" % (label, j, d["sh"], sh[k]))
        else:
            check(d["rw"] == 0.0 and d["sh"] == 0.0 and d["note"] == "constant",
                  "%s: constant driver %d: %r" % (label, j, d))
    check(close(sum(d["rw"] for d in res["drivers"]), res["r2"]), "%s: rw sum" % label)
    check(close(sum(d["sh"] for d in res["drivers"]), res["r2"]), "%s: sh sum" % label)
    return res


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    cli = sys.argv[1]
    rng = np.random.default_rng(SEED)

    # Random correlated data sets.
    for p in (1, 2, 3, 4, 5, 6, 8):
        for n in (150, 800, 3000):
            y, X = correlated(rng, n, p)
            compare(cli, y, X, "random p=%d n=%d" % (p, n))

    # Orthogonal drivers: each share is its squared correlation.
    n = 400
    X = rng.normal(size=(n, 3))
    X, _ = np.linalg.qr(X - X.mean(axis=0))  # centred, orthogonal columns
    y = X @ np.array([1.0, 2.0, -0.5]) + rng.normal(size=n)
    res = compare(cli, y, X, "orthogonal")
    for j in range(3):
        r = np.corrcoef(X[:, j], y)[0, 1]
        check(close(res["drivers"][j]["rw"], r * r), "orthogonal rw = r^2 (%d)" % j)

    # A constant driver among correlated ones.
    y, X = correlated(rng, 500, 4)
    X[:, 2] = 7.25
    compare(cli, y, X, "constant driver", active=[0, 1, 3])

    # Missing values: dropped rows counted, fit on the complete ones.
    y, X = correlated(rng, 600, 3)
    ym, Xm = y.copy(), X.copy()
    ym[[3, 50]] = np.nan
    Xm[[10, 50, 77], [0, 1, 2]] = np.nan
    keep = ~(np.isnan(ym) | np.isnan(Xm).any(axis=1))
    res = compare(cli, y[keep], X[keep], "missing (reference)")
    res2 = run(cli, ym, Xm)
    check(res2.get("n") == int(keep.sum()) and res2.get("dropped") == 4,
          "missing: n %r dropped %r" % (res2.get("n"), res2.get("dropped")))
    check(close(res2.get("r2", -1), res["r2"]), "missing: r2 as the complete rows")

    # Exactly collinear drivers: x3 = 2 x1 - 1 and x4 = x1 + x2.
    y, X = correlated(rng, 700, 2)
    X = np.column_stack([X, 2.0 * X[:, 0] - 1.0, X[:, 0] + X[:, 1], rng.normal(size=700)])
    y = y + X[:, 4]
    res = compare(cli, y, X, "collinear")
    check(all(res["drivers"][j]["note"] == "collinear with another driver" for j in range(4)),
          "collinear: notes %r" % [d["note"] for d in res["drivers"]])
    check(res["drivers"][4]["note"] is None, "collinear: independent driver noted")

    # Errors.
    y, X = correlated(rng, 5, 4)
    res = run(cli, y, X)
    check(res["error"] is not None and "n smaller" in res["error"], "n < p + 2: %r" % res)
    y, X = correlated(rng, 6, 2)
    res = run(cli, np.full(6, 3.0), X)
    check(res["error"] is not None and "constant" in res["error"], "constant y: %r" % res)

    # Beyond the exact Shapley limit: relative weights only.
    y, X = correlated(rng, 400, 17)
    res = run(cli, y, X)
    rw = relative_weights(y, X)
    check(res["error"] is None and not any(d["has_sh"] for d in res["drivers"]),
          "p=17: has_shapley")
    check(res["message"] is not None and "2^p" in res["message"], "p=17: message")
    check(all(close(res["drivers"][j]["rw"], rw[j]) for j in range(17)), "p=17: weights")
    check(close(res["r2"], ols_r2(y, X)), "p=17: r2")

    # Bootstrap: deterministic for a seed, finite, ordered intervals.
    y, X = correlated(rng, 300, 3)
    a = run(cli, y, X, (200, 42, 0.9))
    b = run(cli, y, X, (200, 42, 0.9))
    c = run(cli, y, X, (200, 43, 0.9))
    check(a == b, "bootstrap: same seed, same output")
    check(a != c, "bootstrap: another seed, other intervals")
    check(all_finite(a), "bootstrap: finite")
    check(all(d["rw_lo"] <= d["rw_hi"] and d["sh_lo"] <= d["sh_hi"] for d in a["drivers"]),
          "bootstrap: lo <= hi")

    print("largest deviation from the references: %.3g (tolerance %g)" % (worst, TOL))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
