"""End-to-end tests of the stored-comment text analytics: `text analyze`
(incremental), `text train` (determinism, errors), `sentiment --model
learned`, `report --metric sentiment` and `topics` (c-TF-IDF and
weighted log-odds).

Every expected value is computed here, independently of touchpoint:
  report sentiment  the mean of the stored compounds (kept to 4 decimals,
                    as the dataset does) with scipy.stats.t.interval; shares
                    from the stored labels
  topics            the fixture's comments are simple English words that
                    are their own Snowball stems and not stop words, so the
                    terms are the words and pairs of consecutive words;
                    c-TF-IDF W = (n_tc / N_c) ln(1 + A / f_t) and Monroe et
                    al.'s (2008) delta and z are computed with numpy
Needs Debian's /usr/bin/python3 (numpy, scipy).
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_text.py
"""
import csv
import io
import json
import math
import random
import re
import subprocess
import unittest

import numpy as np
from scipy import stats

from test_cli import BIN, WRAPPER, CliTest

HEADER = ["response_id", "submitted_at", "respondent_id", "respondent_type", "touchpoint",
          "nps", "csat", "ces", "emotion", "comment", "lang", "region"]
TOUCHPOINTS = ["web-info", "web-compra", "tienda-compra", "tienda-uso"]

# Words that are their own Porter2 stem and are not English stop words.
WORDS = ["slow", "wait", "staff", "kind", "fast", "help", "cold", "food", "clean",
         "card", "shop", "door", "cash", "town", "park", "desk", "milk", "book"]

ES_POS = ["muy bueno", "excelente servicio", "todo perfecto", "me encanta", "genial y rápido"]
ES_NEU = ["normal", "sin más", "lo esperado", "correcto"]
ES_NEG = ["muy malo", "terrible atención", "horrible, no vuelvo", "pésimo servicio", "lento y caro"]


def to_csv(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for r in rows:
        w.writerow([r.get(k, "") for k in HEADER])
    return buf.getvalue()


def sentiment_rows(start, n, seed, lang="es"):
    """Customer answers whose NPS follows the tone of their Spanish comment."""
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + n):
        tone = rng.choice([-1, 0, 1])
        if tone > 0:
            nps, text = rng.choice([9, 10]), rng.choice(ES_POS)
        elif tone < 0:
            nps, text = rng.randint(0, 6), rng.choice(ES_NEG)
        else:
            nps, text = rng.choice([7, 8]), rng.choice(ES_NEU)
        if rng.random() < 0.15:  # some noise in the labels
            nps = rng.randint(0, 10)
        rows.append({"response_id": f"s{i}", "submitted_at": f"2026-0{1 + i % 3}-1{i % 9}T10:00:00Z",
                     "respondent_id": f"c{i}", "respondent_type": "customer",
                     "touchpoint": TOUCHPOINTS[i % 4], "nps": nps, "comment": text,
                     "lang": lang, "region": "Norte" if i % 2 else "Sur"})
    return rows


def topic_rows(n, seed):
    """English comments of invented tone: each touchpoint and NPS group
    favours some words."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        tp = TOUCHPOINTS[i % 4]
        nps = rng.randint(0, 10)
        k = rng.randint(3, 6)
        bias = WORDS[(i % 4) * 3:(i % 4) * 3 + 3]
        group = WORDS[12:15] if nps <= 6 else WORDS[15:18] if nps >= 9 else []
        pool = WORDS + bias * 3 + group * 4
        words = [rng.choice(pool) for _ in range(k)]
        rows.append({"response_id": f"t{i}", "submitted_at": "2026-02-01T10:00:00Z",
                     "respondent_id": f"u{i}", "respondent_type": "customer",
                     "touchpoint": tp, "nps": nps, "comment": " ".join(words), "lang": "en"})
    # An employee's comment never counts.
    rows.append({"response_id": "emp1", "submitted_at": "2026-02-01T10:00:00Z",
                 "respondent_type": "employee", "touchpoint": "web-info", "nps": 0,
                 "comment": "milk milk milk milk", "lang": "en"})
    return rows


def terms_of(comment):
    w = comment.split()
    return w + [f"{a} {b}" for a, b in zip(w, w[1:])]


class TextTest(CliTest):
    def import_rows(self, rows, name="r.csv"):
        self.ok("import", self.write(name, to_csv(rows)))

    def setUp(self):
        super().setUp()
        self.load_journey()

    def _cmd(self, *args):
        return WRAPPER + [BIN, "--db", self.db, *args]


class AnalyzeTest(TextTest):
    def test_incremental_and_stored(self):
        self.import_rows(sentiment_rows(0, 40, 1))
        out = self.ok("text", "analyze")
        self.assertRegex(out, r"analysed 40 new comments \(es 40, en 0\); 0 were already")
        self.assertIn("es: lexicon model", out)
        self.assertEqual(self.query("SELECT count(*) FROM comment_analysis")[0][0], 40)
        out = self.ok("text", "analyze")
        self.assertRegex(out, r"analysed 0 new comments .*; 40 were already analysed")
        self.import_rows(sentiment_rows(40, 7, 2), "more.csv")
        out = self.ok("text", "analyze", "--batch", "3")
        self.assertRegex(out, r"analysed 7 new comments .*; 40 were already analysed")
        rows = self.query("SELECT r.comment, a.compound, a.label, a.model, a.lang"
                          " FROM comment_analysis a JOIN response r ON r.id = a.response_id")
        self.assertEqual(len(rows), 47)
        # The stored compound is the lexicon engine's (touchpoint sentiment).
        texts = sorted({r[0] for r in rows})
        p = subprocess.run(self._cmd("sentiment", "--lang", "es"),
                                         input="\n".join(texts) + "\n", capture_output=True,
                                         text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        by_text = dict(zip(texts, [json.loads(line) for line in p.stdout.splitlines()]))
        for comment, compound, label, model, lang in rows:
            self.assertEqual((model, lang), ("lexicon", "es"))
            self.assertAlmostEqual(compound, by_text[comment]["compound"], places=4)
            want = 1 if compound >= 0.05 else -1 if compound <= -0.05 else 0
            self.assertEqual(label, want)
            self.assertEqual(by_text[comment]["label"],
                             {1: "positive", 0: "neutral", -1: "negative"}[label])

    def test_usage(self):
        for args in (["text"], ["text", "bogus"], ["text", "analyze", "--lang", "es"],
                     ["text", "train", "--lang", "fr"], ["text", "train", "--folds", "1"],
                     ["text", "analyze", "--batch", "0"], ["topics", "--by", "month"]):
            rc, out, err = self.run_tp(*args)
            self.assertEqual(rc, 2, (args, err))
        self.assertIn("--folds", self.ok("text", "--help"))
        self.assertIn("class-based TF-IDF", self.ok("topics", "--help"))


class TrainTest(TextTest):
    def test_train_is_deterministic_and_used(self):
        self.import_rows(sentiment_rows(0, 150, 5) + sentiment_rows(150, 8, 6, "en"))
        out = self.ok("text", "train", "--lang", "es", "--seed", "3", "--folds", "4")
        self.assertRegex(out, r"es: 150 labelled comments .*4-fold cross-validation, seed 3")
        first = self.query("SELECT n, seed, cv_accuracy, lexicon_accuracy, model FROM text_model")
        self.ok("text", "train", "--lang", "es", "--seed", "3", "--folds", "4")
        again = self.query("SELECT n, seed, cv_accuracy, lexicon_accuracy, model FROM text_model")
        self.assertEqual(first, again)  # byte-identical model, same accuracies
        n, seed, cv, lex, blob = first[0]
        self.assertEqual((n, seed), (150, 3))
        self.assertEqual(bytes(blob[:4]), b"TPSM")
        self.assertTrue(0 <= lex <= 1 and 0 <= cv <= 1)
        m = re.search(r"learned model accuracy ([0-9.]+), lexicon accuracy ([0-9.]+)", out)
        self.assertAlmostEqual(float(m.group(1)), cv, places=4)
        self.assertAlmostEqual(float(m.group(2)), lex, places=4)
        # Both languages: en has too few examples, es is trained.
        out = self.ok("text", "train")
        self.assertIn("en: not trained: too few labelled comments in en: 8 (at least 30", out)
        # Too few examples for the language asked for: an error naming the minimum.
        rc, out, err = self.run_tp("text", "train", "--lang", "en")
        self.assertEqual(rc, 1)
        self.assertIn("at least 30", err)
        # The learned model scores texts: probabilities, compound = P(pos) - P(neg).
        p = subprocess.run(
            self._cmd("sentiment", "--model", "learned", "--lang", "es"),
            input="muy bueno\nterrible atención\n", capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual(len(lines), 2)
        for o in lines:
            self.assertAlmostEqual(o["pos"] + o["neu"] + o["neg"], 1, delta=0.002)
            self.assertAlmostEqual(o["compound"], o["pos"] - o["neg"], delta=0.0011)
            best = max(("positive", o["pos"]), ("neutral", o["neu"]), ("negative", o["neg"]),
                       key=lambda kv: kv[1])[0]
            self.assertEqual(o["label"], best)
            self.assertEqual(sorted(o["emotions"]),
                             sorted(["joy", "trust", "surprise", "anger", "fear", "sadness"]))
        self.assertEqual(lines[0]["label"], "positive")
        self.assertEqual(lines[1]["label"], "negative")
        # No English model: a clear error.
        p = subprocess.run(
            self._cmd("sentiment", "--model", "learned", "--lang", "en"),
            input="good\n", capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no learned model for language \"en\"", p.stderr)
        # analyze uses the learned model when its accuracy is the higher one.
        out = self.ok("text", "analyze")
        used = "learned" if cv > lex else "lexicon"
        self.assertIn(f"es: {used} model", out)
        models = self.query("SELECT DISTINCT model FROM comment_analysis WHERE lang = 'es'")
        self.assertEqual(models, [(used,)])

class ReportSentimentTest(TextTest):
    def expected(self, where=""):
        rows = self.query(
            "SELECT a.compound, a.label, t.key FROM comment_analysis a"
            " JOIN response r ON r.id = a.response_id"
            " LEFT JOIN touchpoint t ON t.id = r.touchpoint_id"
            " WHERE r.respondent_type = 0" + where)
        return rows

    def check_group(self, g, rows):
        def q(x):  # the dataset keeps compound to 4 decimals (half away from 0)
            return math.copysign(math.floor(abs(x) * 10000 + 0.5), x) / 10000
        x = np.array([q(r[0]) for r in rows])
        self.assertEqual(g["n"], len(x))
        self.assertAlmostEqual(g["value"], x.mean(), places=9)
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        self.assertAlmostEqual(g["ci95"][0], lo, places=9)
        self.assertAlmostEqual(g["ci95"][1], hi, places=9)
        self.assertEqual(g["positive"], sum(1 for r in rows if r[1] > 0))
        self.assertEqual(g["neutral"], sum(1 for r in rows if r[1] == 0))
        self.assertEqual(g["negative"], sum(1 for r in rows if r[1] < 0))

    def test_report_sentiment(self):
        rows = sentiment_rows(0, 80, 9)
        rows.append({"response_id": "e1", "submitted_at": "2026-01-10T00:00:00Z",
                     "respondent_type": "employee", "touchpoint": "web-info", "nps": 3,
                     "comment": "terrible", "lang": "es"})
        self.import_rows(rows)
        out = json.loads(self.ok("report", "--metric", "sentiment", "--json"))
        self.assertEqual(out["groups"], [])  # nothing analysed yet
        self.ok("text", "analyze")
        out = json.loads(self.ok("report", "--metric", "sentiment", "--json"))
        self.assertEqual(out["metric"], "sentiment")
        self.check_group(out["groups"][0], self.expected())
        out = json.loads(self.ok("report", "--metric", "sentiment", "--by", "touchpoint",
                                 "--where", "region=Norte", "--json"))
        # Norte is every odd answer: web-compra and tienda-uso only.
        self.assertEqual([g["key"]["touchpoint"] for g in out["groups"]],
                         ["web-compra", "tienda-uso"])
        for g in out["groups"]:
            tp = g["key"]["touchpoint"]
            rows_tp = [(c, l) for c, l, key, region in self.query(
                "SELECT a.compound, a.label, t.key, r.response_key FROM comment_analysis a"
                " JOIN response r ON r.id = a.response_id JOIN touchpoint t"
                " ON t.id = r.touchpoint_id WHERE r.respondent_type = 0")
                if key == tp and int(region[1:]) % 2 == 1]
            self.check_group(g, rows_tp)
        out = json.loads(self.ok("report", "--metric", "sentiment", "--from", "2026-02-01",
                                 "--to", "2026-02-28", "--json"))
        feb = [r for r in self.query(
            "SELECT a.compound, a.label, r.submitted_at FROM comment_analysis a"
            " JOIN response r ON r.id = a.response_id WHERE r.respondent_type = 0")
            if 1769904000 <= r[2] < 1769904000 + 28 * 86400]
        self.check_group(out["groups"][0], feb)
        table = self.ok("report", "--metric", "sentiment")
        self.assertIn("sentiment", table)
        csv_out = self.ok("report", "--metric", "sentiment", "--csv")
        self.assertIn("positive,neutral,negative", csv_out.splitlines()[0])
        # The terminal map draws it too, banded (poor < 0 <= fair < 0.3 <= good).
        by_cell = json.loads(self.ok("report", "--metric", "sentiment", "--by", "phase",
                                     "--by", "channel", "--json"))
        drawn = self.ok("map", "--metric", "sentiment")
        for g in by_cell["groups"]:
            v = g["value"]
            band = "poor" if v < 0 else "fair" if v < 0.3 else "good"
            self.assertIn(f"{0.0 if abs(v) < 0.005 else v:.2f} {band}", drawn)

    def test_api_and_pages(self):
        """GET /api/v1/indicators?metric=sentiment is the report's JSON; the
        touchpoint page offers sentiment, shows emotion shares and filters
        the comments by label and emotion."""
        from test_server import Server
        self.import_rows(sentiment_rows(0, 60, 4))
        self.ok("text", "analyze")
        want = json.loads(self.ok("report", "--metric", "sentiment", "--by", "touchpoint",
                                  "--json"))
        server = Server(self.db)
        try:
            status, _, got = server.request(
                "GET", "/api/v1/indicators?metric=sentiment&by=touchpoint")
            self.assertEqual(status, 200)
            self.assertEqual(got, want)
            status, _, page = server.request(
                "GET", "/t/web-compra?lang=en&metric=sentiment&sentiment=negative", raw=True)
            self.assertEqual(status, 200)
            html = page.decode()
            self.assertIn('<option value="sentiment" selected', html)
            self.assertIn("Emotions in the comments", html)
            negatives = self.query(
                "SELECT count(*) FROM comment_analysis a JOIN response r ON r.id = a.response_id"
                " JOIN touchpoint t ON t.id = r.touchpoint_id"
                " WHERE t.key = 'web-compra' AND a.label = -1")[0][0]
            self.assertGreater(negatives, 0)
            self.assertRegex(html, rf"Page 1 of \d+ \({negatives}\)")
            self.assertEqual(html.count("Sentiment Negative"), min(negatives, 20))
            self.assertNotIn("Sentiment Positive", html)
            angry = self.query(
                "SELECT count(*) FROM comment_analysis a JOIN response r ON r.id = a.response_id"
                " JOIN touchpoint t ON t.id = r.touchpoint_id"
                " WHERE t.key = 'web-compra' AND a.anger > 0")[0][0]
            status, _, page = server.request("GET", "/t/web-compra?lang=en&emotion=anger",
                                             raw=True)
            self.assertRegex(page.decode(), rf"Page 1 of \d+ \({angry}\)")
            status, _, page = server.request("GET", "/t/web-compra?sentiment=great", raw=True)
            self.assertEqual(status, 400)
            status, _, page = server.request("GET", "/?metric=sentiment&lang=en", raw=True)
            self.assertEqual(status, 200)
        finally:
            self.assertEqual(server.stop(), 0)


def ctfidf(rows, top):
    classes = {}
    for r in rows:
        classes.setdefault(r["touchpoint"], []).extend(terms_of(r["comment"]))
    vocab = sorted({t for ts in classes.values() for t in ts})
    index = {t: i for i, t in enumerate(vocab)}
    names = list(classes)
    counts = np.zeros((len(names), len(vocab)))
    for c, name in enumerate(names):
        for t in classes[name]:
            counts[c, index[t]] += 1
    n_c = counts.sum(axis=1)
    f_t = counts.sum(axis=0)
    a = n_c.mean()
    w = (counts / n_c[:, None]) * np.log(1 + a / f_t)[None, :]
    out = {}
    for c, name in enumerate(names):
        pairs = [(w[c, i], vocab[i], int(counts[c, i])) for i in range(len(vocab)) if counts[c, i]]
        out[name] = sorted(pairs, key=lambda p: (-p[0], p[1]))
    return out


def log_odds(rows):
    corpus, det, pro = {}, {}, {}
    for r in rows:
        ts = terms_of(r["comment"])
        for t in ts:
            corpus[t] = corpus.get(t, 0) + 1
        side = det if r["nps"] <= 6 else pro if r["nps"] >= 9 else None
        if side is not None:
            for t in ts:
                side[t] = side.get(t, 0) + 1
    vocab = sorted(corpus)
    alpha = np.array([corpus[t] for t in vocab], dtype=float)
    yi = np.array([det.get(t, 0) for t in vocab], dtype=float)
    yj = np.array([pro.get(t, 0) for t in vocab], dtype=float)
    a0, ni, nj = alpha.sum(), yi.sum(), yj.sum()
    delta = (np.log((yi + alpha) / (ni + a0 - yi - alpha))
             - np.log((yj + alpha) / (nj + a0 - yj - alpha)))
    z = delta / np.sqrt(1 / (yi + alpha) + 1 / (yj + alpha))
    keep = (yi + yj) > 0
    d = sorted([(z[i], vocab[i], delta[i]) for i in range(len(vocab)) if keep[i]],
               key=lambda p: (-p[0], p[1]))
    p = sorted([(-z[i], vocab[i], -delta[i]) for i in range(len(vocab)) if keep[i]],
               key=lambda p: (-p[0], p[1]))
    return d, p


class TopicsTest(TextTest):
    def assert_ranked(self, got, want, top):
        """got: the command's terms; want: (weight, term, ...) best first. Equal
        weights may come in either order, so each term is checked against its
        own expected weight and the weights against the expected ranking."""
        self.assertEqual(len(got), min(top, len(want)))
        expected = {t: w for w, t, *_ in want}
        for i, g in enumerate(got):
            self.assertEqual(g["term"], g["stem"])  # the words are their own stems
            self.assertAlmostEqual(g["weight" if "weight" in g else "z"], expected[g["stem"]],
                                   places=9)
            self.assertAlmostEqual(g["weight" if "weight" in g else "z"], want[i][0], places=9)

    def test_ctfidf_and_log_odds(self):
        rows = topic_rows(160, 11)
        self.import_rows(rows)
        customers = [r for r in rows if r["respondent_type"] == "customer"]
        out = json.loads(self.ok("topics", "--top", "8", "--json"))
        self.assertEqual(out["method"], "c-tf-idf")
        want = ctfidf(customers, 8)
        self.assertEqual(sorted(c["touchpoint"] for c in out["classes"]), sorted(want))
        for c in out["classes"]:
            self.assert_ranked(c["terms"], want[c["touchpoint"]], 8)
            for t in c["terms"]:
                self.assertEqual(t["count"], next(n for w, s, n in want[c["touchpoint"]]
                                                  if s == t["stem"]))
        one = json.loads(self.ok("topics", "--touchpoint", "web-compra", "--json"))
        self.assertEqual([c["touchpoint"] for c in one["classes"]], ["web-compra"])
        self.assert_ranked(one["classes"][0]["terms"], want["web-compra"], 10)

        out = json.loads(self.ok("topics", "--by", "nps_group", "--top", "6", "--json"))
        self.assertEqual(out["method"], "log-odds")
        d, p = log_odds(customers)
        groups = {g["group"]: g for g in out["classes"]}
        self.assert_ranked(groups["detractors"]["terms"], d, 6)
        self.assert_ranked(groups["promoters"]["terms"], p, 6)
        # The planted words come out on their side.
        self.assertTrue(set(t["stem"] for t in groups["detractors"]["terms"][:3])
                        <= set(WORDS[12:15]) | {f"{a} {b}" for a in WORDS for b in WORDS})
        deltas = {s: dl for z, s, dl in d}
        for t in groups["detractors"]["terms"]:
            self.assertAlmostEqual(t["delta"], deltas[t["stem"]], places=9)

        sub = [r for r in customers if r["touchpoint"] == "tienda-uso"]
        out = json.loads(self.ok("topics", "--by", "nps_group", "--touchpoint", "tienda-uso",
                                 "--json"))
        d, p = log_odds(sub)
        self.assert_ranked(out["classes"][0]["terms"], d, 10)
        table = self.ok("topics", "--by", "nps_group")
        self.assertIn("detractors say more", table)

    def test_readable_word_and_errors(self):
        self.import_rows([
            {"response_id": f"w{i}", "submitted_at": "2026-02-01T10:00:00Z",
             "respondent_type": "customer", "touchpoint": "web-info", "nps": 2,
             "comment": c, "lang": "en"}
            for i, c in enumerate(["waiting waiting", "waited", "Waiting!"])])
        out = json.loads(self.ok("topics", "--json"))
        terms = {t["stem"]: t for t in out["classes"][0]["terms"]}
        self.assertEqual(terms["wait"]["term"], "waiting")  # 3 of 4 occurrences
        self.assertEqual(terms["wait"]["count"], 4)
        self.assertEqual(terms["wait wait"]["term"], "waiting waiting")
        rc, out, err = self.run_tp("topics", "--touchpoint", "nowhere")
        self.assertEqual(rc, 1)
        self.assertIn("unknown touchpoint", err)
        self.assertIn("nowhere", err)

    def test_accents_shown_and_function_words_only_in_phrases(self):
        # "Atención" is shown with its accent (the stem is folded: atencion);
        # "no", "muy" and "pero" are not topics alone, only inside phrases.
        self.import_rows([
            {"response_id": f"a{i}", "submitted_at": "2026-02-01T10:00:00Z",
             "respondent_type": "customer", "touchpoint": "web-info", "nps": 3,
             "comment": c, "lang": "es"}
            for i, c in enumerate(["La atención no funciona", "Atención muy lenta",
                                   "atención pero lenta"])])
        out = json.loads(self.ok("topics", "--top", "50", "--json"))
        terms = {t["term"]: t for t in out["classes"][0]["terms"]}
        self.assertIn("atención", terms)
        self.assertEqual(terms["atención"]["count"], 3)
        for word in ("no", "muy", "pero"):
            self.assertNotIn(word, terms)
        self.assertIn("no funciona", terms)
        self.assertIn("muy lenta", terms)
        self.assertEqual(terms["no funciona"]["count"], 1)


if __name__ == "__main__":
    unittest.main()
