#!/usr/bin/python3
"""Writes the fixtures of tests/e2e/test_drivers.py (run from anywhere;
deterministic: the same files every time).

drivers.csv   a wide "rate each of these 1-5" survey: one customer response
              per row with the ratings rapidez, trato, precio, surtido
              (attributes), nps = a linear combination of them plus noise,
              clipped to 0-10; constante is 3 on every row; precio has a few
              non-numeric values ("n/s") and decimal commas ("3,5"); some
              rows lack nps or a rating; gasto is a numeric outcome with a
              decimal comma; region splits the rows for --where; a few
              employee rows must be ignored.
drivers_tp.csv  respondents answering the touchpoints of journey.json (nps
              and csat per touchpoint) and one relationship answer each (no
              touchpoint); some skip a touchpoint, some answer one twice, a
              few responses have no respondent_id.
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TOUCHPOINTS = ["web-info", "web-compra", "tienda-compra", "tienda-uso"]


def clip(v, lo, hi):
    return max(lo, min(hi, v))


def attributes(path):
    rng = random.Random(20261123)
    cols = ["response_id", "submitted_at", "respondent_id", "respondent_type", "touchpoint",
            "nps", "csat", "rapidez", "trato", "precio", "surtido", "constante", "gasto",
            "region"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for i in range(1, 241):
            base = rng.gauss(0, 0.8)
            r = [clip(round(3 + base + rng.gauss(0, 0.9)), 1, 5) for _ in range(4)]
            y = -3.0 + 1.1 * r[0] + 0.7 * r[1] + 0.4 * r[2] + 0.1 * r[3] + rng.gauss(0, 1.2)
            nps = clip(round(y), 0, 10)
            precio = str(r[2])
            if i % 37 == 0:
                precio = "n/s"
            elif i % 11 == 0:
                precio = "%d,5" % clip(r[2], 1, 4)
            surtido = "" if i % 29 == 0 else str(r[3])
            gasto = "%.2f" % (20 + 3 * r[0] + 2 * r[3] + rng.gauss(0, 4))
            gasto = gasto.replace(".", ",") if i % 2 else gasto
            month = 1 + (i % 3)
            w.writerow([f"a{i:04d}", f"2026-0{month}-{1 + i % 27:02d}T10:00:00Z", f"c{i:04d}",
                        "customer", "", "" if i % 41 == 0 else nps,
                        clip(r[1] + 1, 1, 5) if i % 2 else 4,
                        r[0], r[1], precio, surtido, 3, gasto, "Norte" if i % 3 else "Sur"])
        for i in range(1, 6):
            w.writerow([f"e{i:04d}", "2026-02-01T10:00:00Z", f"emp{i}", "employee", "", 0,
                        "", 5, 5, 5, 5, 3, "1", "Norte"])


def touchpoints(path):
    rng = random.Random(7)
    cols = ["response_id", "submitted_at", "respondent_id", "respondent_type", "touchpoint",
            "nps", "csat"]
    weights = [0.1, 0.5, 0.3, 0.1]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        n = 0
        for c in range(1, 81):
            who = f"r{c:03d}"
            quality = rng.gauss(0, 1.5)
            scores = []
            for k, t in enumerate(TOUCHPOINTS):
                if c % 9 == k + 1:
                    scores.append(None)
                    continue
                answers = 2 if c % 7 == k else 1
                s = 0.0
                for _ in range(answers):
                    v = clip(round(7 + quality + rng.gauss(0, 1.5)), 0, 10)
                    s += v
                    n += 1
                    w.writerow([f"t{n:05d}", f"2026-02-{1 + n % 27:02d}T09:00:00Z", who,
                                "customer", t, v, clip(round(v / 2), 1, 5)])
                scores.append(s / answers)
            present = [(wt, s) for wt, s in zip(weights, scores) if s is not None]
            y = sum(wt * s for wt, s in present) / sum(wt for wt, _ in present)
            rel = clip(round(y + rng.gauss(0, 0.8)), 0, 10)
            n += 1
            w.writerow([f"t{n:05d}", "2026-03-01T09:00:00Z", who, "customer", "", rel, ""])
        for k in range(4):
            n += 1
            w.writerow([f"t{n:05d}", "2026-03-02T09:00:00Z", "", "customer", TOUCHPOINTS[k],
                        5, 3])


if __name__ == "__main__":
    attributes(os.path.join(HERE, "drivers.csv"))
    touchpoints(os.path.join(HERE, "drivers_tp.csv"))
