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
        self.assertEqual(list(out[0]), ["lang", "compound", "label", "pos", "neu", "neg"])
        self.assertEqual(out[0]["lang"], "es")
        self.assertAlmostEqual(out[0]["compound"], norm(1.9 * -0.74), places=4)
        self.assertEqual(out[0]["label"], "negative")
        self.assertEqual(out[1], {"lang": "es", "compound": 0, "label": "neutral",
                                  "pos": 0, "neu": 0, "neg": 0})
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
