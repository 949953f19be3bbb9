#!/usr/bin/python3
"""make_report_fixture.py - writes report.csv, the fixture of test_report.py.

Usage: /usr/bin/python3 tests/data/e2e/make_report_fixture.py [OUT.csv]
(default: report.csv beside this script). The output depends only on the
seed below, so running it again reproduces the committed file byte for byte.

About 3,000 responses from 2025-10-01 to 2026-03-31 on the touchpoints of
journey.json:
  - customers on web-info, web-compra and tienda-compra (and a few with no
    touchpoint); none on tienda-uso, which the map must show as "not
    measured"; attributes region (Norte, Sur, Centro, and a rare Este for
    small groups) and plan (contrato, prepago); web-compra improves sharply
    from January 2026 (a significant change), tienda-compra is worse in Sur;
  - employees answering eNPS once a month or so, with a team attribute:
    Ecommerce, Tiendas and Atención are large enough to be shown, Marketing
    (3 people) and Logística (4 people) are below the anonymity threshold of
    5 and must stay hidden; Tiendas employees answer on tienda-uso;
  - leaders whose scores are all at the bottom (NPS 0, CSAT 1, CES 1,
    emotion -3), on web-compra and tienda-uso: counting them anywhere would
    show;
  - comments in Spanish and English, some with commas, quotes and line
    breaks;
  - rows on the edges of days and months, some written with UTC offsets, to
    test --from/--to and the month a response falls in (UTC).
Only random.Random.random() is used (with helpers built on it), whose
sequence is stable across Python versions.
"""
import calendar
import csv
import math
import os
import random
import time
import sys

SEED = 20260115
CUSTOMERS = 2700
MONTHS = [(2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
TEAMS = [("Ecommerce", 12), ("Tiendas", 15), ("Atención", 8), ("Marketing", 3),
         ("Logística", 4)]
COLUMNS = ["response_id", "submitted_at", "respondent_id", "respondent_type", "touchpoint",
           "nps", "csat", "ces", "emotion", "comment", "lang", "region", "plan", "team"]

COMMENTS_ES = [
    "Muy rápido, gracias",
    "El formulario es largo, y se pierde la sesión",
    'Me dijeron "mañana" y no llegó',
    "La tienda estaba llena;\nesperé 40 minutos",
    "Todo bien",
    "Precio claro, atención amable",
    "No encontré la información de envío",
]
COMMENTS_EN = [
    "Quick and easy",
    "The page kept timing out, twice",
    'They said "tomorrow", it never came',
    "Helpful staff\nbut a long queue",
]


class Rng:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def u(self):
        return self.r.random()

    def below(self, n):
        return min(int(self.u() * n), n - 1)

    def pick(self, items):
        return items[self.below(len(items))]

    def weighted(self, pairs):
        x = self.u() * sum(w for _, w in pairs)
        for item, w in pairs:
            x -= w
            if x < 0:
                return item
        return pairs[-1][0]

    def normal(self):
        # Box-Muller on random() only.
        u1 = 1.0 - self.u()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * self.u())


def month_bounds(y, m):
    start = calendar.timegm((y, m, 1, 0, 0, 0, 0, 0, 0))
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return start, calendar.timegm((ny, nm, 1, 0, 0, 0, 0, 0, 0))


def iso(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(time.gmtime(t)[:6])


def clamp(x, lo, hi):
    return max(lo, min(hi, int(round(x))))


def scores(rng, quality):
    return {
        "nps": clamp(1.5 + quality * 9.0 + rng.normal() * 2.0, 0, 10),
        "csat": clamp(1.4 + quality * 4.0 + rng.normal() * 0.9, 1, 5),
        "ces": clamp(1.0 + quality * 6.0 + rng.normal() * 1.3, 1, 7),
        "emotion": clamp(-3.0 + quality * 6.0 + rng.normal() * 1.2, -3, 3),
    }


def customer_row(rng, i, t, tp, region, plan):
    base = {"web-info": 0.68, "web-compra": 0.6, "tienda-compra": 0.8, "": 0.7}[tp]
    if tp == "web-compra" and t >= calendar.timegm((2026, 1, 1, 0, 0, 0, 0, 0, 0)):
        base += 0.22
    if tp == "tienda-compra" and region == "Sur":
        base -= 0.2
    if plan == "prepago":
        base -= 0.04
    s = scores(rng, base + rng.normal() * 0.12)
    keep = {"nps": rng.u() < 0.92, "csat": rng.u() < 0.70, "ces": rng.u() < 0.45,
            "emotion": rng.u() < 0.40}
    lang = "en" if rng.u() < 0.2 else "es"
    comment = ""
    if rng.u() < 0.25:
        comment = rng.pick(COMMENTS_EN if lang == "en" else COMMENTS_ES)
    if not any(keep.values()) and not comment:
        keep["nps"] = True
    row = {"response_id": "c%05d" % i, "submitted_at": iso(t),
           "respondent_id": "cust-%04d" % rng.below(1800), "respondent_type": "customer",
           "touchpoint": tp, "comment": comment, "lang": lang, "region": region,
           "plan": plan, "team": ""}
    for k, v in s.items():
        row[k] = str(v) if keep[k] else ""
    return row


def customers(rng):
    rows = []
    for i in range(CUSTOMERS):
        y, m = rng.pick(MONTHS)
        start, end = month_bounds(y, m)
        t = start + rng.below(end - start)
        tp = rng.weighted([("web-info", 30), ("web-compra", 35), ("tienda-compra", 33),
                           ("", 2)])
        region = rng.weighted([("Norte", 40), ("Sur", 30), ("Centro", 29), ("Este", 1.2)])
        plan = rng.weighted([("contrato", 60), ("prepago", 40)])
        rows.append(customer_row(rng, i, t, tp, region, plan))
    return rows


def edge_rows(rng):
    """Responses on the edges of a day, a month and a quarter."""
    edges = [("e-0131-2359", "2026-01-31T23:59:59Z"),       # January
             ("e-0201-0000", "2026-02-01T00:00:00Z"),       # February
             ("e-0131-off", "2026-01-31T23:30:00-02:00"),   # 2026-02-01T01:30Z: February
             ("e-0201-off", "2026-02-01T00:30:00+01:00"),   # 2026-01-31T23:30Z: January
             ("e-1231-2359", "2025-12-31 23:59:59"),        # 2025-Q4, UTC
             ("e-0101-0000", "2026-01-01"),                 # 2026-Q1
             ("e-0115-noon", "2026-01-15T12:00:00Z")]
    rows = []
    for k, (rid, when) in enumerate(edges):
        tp = ["web-compra", "web-info", "tienda-compra"][k % 3]
        row = customer_row(rng, 0, calendar.timegm((2026, 1, 15, 0, 0, 0, 0, 0, 0)), tp,
                           "Norte", "contrato")
        row.update({"response_id": rid, "submitted_at": when, "nps": str(k + 3),
                    "csat": str(1 + k % 5)})
        rows.append(row)
    return rows


def employees(rng):
    rows = []
    n = 0
    for team, size in TEAMS:
        for e in range(size):
            who = "emp-%s-%02d" % (team[:3].lower(), e)
            mood = {"Ecommerce": 0.7, "Tiendas": 0.5, "Atención": 0.4, "Marketing": 0.8,
                    "Logística": 0.3}[team] + rng.normal() * 0.1
            region = rng.pick(["Norte", "Sur"])
            for y, m in MONTHS:
                if rng.u() >= 0.8:
                    continue
                start, end = month_bounds(y, m)
                t = start + rng.below(end - start)
                n += 1
                rows.append({
                    "response_id": "emp%04d" % n, "submitted_at": iso(t), "respondent_id": who,
                    "respondent_type": "employee",
                    "touchpoint": "tienda-uso" if team == "Tiendas" else "",
                    "nps": str(clamp(1.5 + mood * 10.0 + rng.normal() * 2.0, 0, 10)), "csat": "",
                    "ces": "", "emotion": "",
                    "comment": "Falta personal los sábados" if rng.u() < 0.1 else "",
                    "lang": "es", "region": region, "plan": "", "team": team})
    return rows


def leaders(rng):
    rows = []
    for i in range(60):
        y, m = MONTHS[i % len(MONTHS)]
        start, end = month_bounds(y, m)
        rows.append({
            "response_id": "lead%03d" % i, "submitted_at": iso(start + rng.below(end - start)),
            "respondent_id": "lead-%02d" % (i % 6), "respondent_type": "leader",
            "touchpoint": "tienda-uso" if i % 2 else "web-compra",
            "nps": "0", "csat": "1", "ces": "1", "emotion": "-3",
            "comment": "Customers value product expertise" if i % 5 == 0 else "",
            "lang": "en", "region": "Norte", "plan": "contrato", "team": "Dirección"})
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "report.csv")
    rng = Rng(SEED)
    rows = customers(rng) + edge_rows(rng) + employees(rng) + leaders(rng)
    # A stable, shuffled order: the import must not depend on rows being sorted.
    order = sorted(range(len(rows)), key=lambda i: (rng.u(), i))
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for i in order:
            w.writerow(rows[i])
    print(f"{out}: {len(rows)} responses")


if __name__ == "__main__":
    main()
