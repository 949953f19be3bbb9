"""End-to-end tests of `touchpoint sentiment`: the command's contract (one
JSON object per input line, exit codes, --lang). Expected compounds are
worked out by hand from docs/text.md's rules and the lexicon files
(x / sqrt(x^2 + 15)); the engine's rules are covered in detail by
tests/unit/test_sentiment.c and tests/text/check_vader.mjs.
Run: TOUCHPOINT_BIN=build/touchpoint /usr/bin/python3 -m unittest tests/e2e/test_sentiment.py
"""
import json
import math
import os
import subprocess
import unittest

BIN = os.environ.get("TOUCHPOINT_BIN", "build/touchpoint")


def norm(x):
    return x / math.sqrt(x * x + 15)


def run(args, text):
    return subprocess.run([BIN, "sentiment", *args], input=text.encode(),
                          capture_output=True, timeout=60)


class SentimentCommand(unittest.TestCase):
    def lines(self, args, text):
        r = run(args, text)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return [json.loads(line) for line in r.stdout.decode().splitlines()]

    def test_one_object_per_line(self):
        out = self.lines([], "El servicio no es bueno\n\nmuy bueno\r\nsin comentarios")
        self.assertEqual(len(out), 4)
        self.assertEqual(list(out[0]), ["lang", "compound", "label", "pos", "neu", "neg",
                                        "emotions"])
        self.assertEqual(out[0]["lang"], "es")
        self.assertAlmostEqual(out[0]["compound"], norm(1.9 * -0.74), places=4)
        self.assertEqual(out[0]["label"], "negative")
        self.assertEqual(out[1], {"lang": "es", "compound": 0, "label": "neutral",
                                  "pos": 0, "neu": 0, "neg": 0,
                                  "emotions": {e: 0 for e in ("joy", "trust", "surprise",
                                                              "anger", "fear", "sadness")}})
        self.assertAlmostEqual(out[2]["compound"], norm(1.9 + 0.293), places=4)
        self.assertEqual(out[2]["label"], "positive")
        for o in out:
            self.assertAlmostEqual(o["pos"] + o["neu"] + o["neg"], 1 if o["neu"] or o["pos"] else 0,
                                   delta=0.002)

    def test_lang(self):
        out = self.lines(["--lang", "en"], "The book was good.\n")
        self.assertEqual(out[0]["lang"], "en")
        self.assertAlmostEqual(out[0]["compound"], 0.4404, places=4)  # VADER's README
        out = self.lines(["--lang", "auto"], "The book was good.\nEl libro es muy bueno.\n")
        self.assertEqual([o["lang"] for o in out], ["en", "es"])

    def test_capitalised_negation_and_emoji(self):
        # VADER's README (Python 3.3): "Not bad at all" 0.431 and the emoji example 0.7003.
        out = self.lines(["--lang", "en"],
                         "Not bad at all\nCatch utf-8 emoji such as \U0001F498 and \U0001F48B "
                         "and \U0001F601\n")
        self.assertAlmostEqual(out[0]["compound"], 0.431, places=4)
        self.assertAlmostEqual(out[1]["compound"], 0.7003, places=4)
        # Spanish: "No" and "Pero" in any case (bueno 1.9, lento -1.9); U+1F621 reads as
        # CLDR's "cabreada" (cabreado -1.7): atención 0.3, pésima -3.3.
        out = self.lines(["--lang", "es"],
                         "No es bueno\nBueno. Pero lento\nLa atención fue pésima \U0001F621\n")
        self.assertAlmostEqual(out[0]["compound"], norm(1.9 * -0.74), places=4)
        self.assertAlmostEqual(out[1]["compound"], norm(1.9 * 0.5 - 1.9 * 1.5), places=4)
        self.assertAlmostEqual(out[2]["compound"], norm(0.3 - 3.3 - 1.7), places=4)
        # ... and its anger: pésimo 0.5 + cabreado 0.8 in data/emotion/es.tsv.
        self.assertAlmostEqual(out[2]["emotions"]["anger"], 1.3 / 2.3, places=3)

    def test_emotions(self):
        # Intensity S / (S + 1), S the summed weights of data/emotion/es.tsv:
        # furioso anger 0.9; "decepcionada" through its stem (decepción 0.8);
        # a negated word ("no estoy preocupado", preocupado fear 0.7) counts nothing.
        out = self.lines(["--lang", "es"],
                         "Estoy furioso y decepcionada\nno estoy preocupado\n")
        self.assertEqual(list(out[0]["emotions"]), ["joy", "trust", "surprise", "anger",
                                                    "fear", "sadness"])
        self.assertAlmostEqual(out[0]["emotions"]["anger"], 0.9 / 1.9, places=3)
        self.assertAlmostEqual(out[0]["emotions"]["sadness"], 0.8 / 1.8, places=3)
        self.assertEqual(out[0]["emotions"]["joy"], 0)
        self.assertEqual(set(out[1]["emotions"].values()), {0})
        # English: worried fear 0.7, reached through the stem from "worrying".
        out = self.lines(["--lang", "en"], "Worrying, and I hate waiting\n")
        self.assertAlmostEqual(out[0]["emotions"]["fear"], 0.7 / 1.7, places=3)
        self.assertAlmostEqual(out[0]["emotions"]["anger"], 1.1 / 2.1, places=3)

    def test_labelled_sets_and_accuracy_bench(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        for lang in ("es", "en"):
            with open(os.path.join(root, "data", "labelled", lang + ".tsv"),
                      encoding="utf-8") as f:
                rows = [line.rstrip("\n").split("\t") for line in f]
            self.assertGreaterEqual(len(rows), 300, lang)
            self.assertTrue(all(len(r) == 2 and r[1] for r in rows), lang)
            counts = {c: sum(r[0] == c for r in rows) for c in ("positive", "neutral",
                                                                "negative")}
            self.assertEqual(sum(counts.values()), len(rows), lang)
            self.assertGreaterEqual(min(counts.values()), len(rows) // 4, counts)
        r = subprocess.run(["/usr/bin/python3", os.path.join(root, "bench", "text_accuracy.py"),
                            "--bin", BIN], capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        out = r.stdout.decode()
        self.assertRegex(out, r"es lexicon: \d+ comments, accuracy 0\.\d{3}")
        self.assertRegex(out, r"en lexicon: \d+ comments, accuracy 0\.\d{3}")
        self.assertRegex(out, r"language guess \(--lang auto\): \d+/\d+ right")

    def test_usage_errors(self):
        for args in (["--lang", "fr"], ["--lang"], ["--bogus"], ["extra"]):
            r = run(args, "")
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(b"sentiment", r.stderr)
        r = run(["--help"], "")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--lang", r.stdout)


if __name__ == "__main__":
    unittest.main()
