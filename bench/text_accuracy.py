#!/usr/bin/python3
"""bench/text_accuracy.py - how well `touchpoint sentiment` labels the labelled comments.

Usage: bench/text_accuracy.py [--bin TOUCHPOINT] [--db PATH] [--model MODEL ...] [--lang L ...]

For each language (es, en) and each model (default: lexicon), pipes the texts of
data/labelled/<lang>.tsv into `touchpoint [--db PATH] sentiment --lang <lang> --model <model>`
and compares the output labels with the hand labels: accuracy, per-class precision,
recall and F1, macro-F1 and the confusion matrix (rows: hand label, columns: output).
It prints, per hand label, how many comments have any emotion and the mean intensity
of each. It also runs `--lang auto` on both files together and reports how often the language guess
is right, overall and for comments of five words or fewer.

With --split F (textlearn), also: per language, a seeded shuffle of the labelled
comments, the first F (e.g. 0.67) stored in a temporary database as customer answers
whose NPS stands for the hand label (negative 3, neutral 7, positive 10), `touchpoint
text train --lang L --seed S` on them, then the learned model and the lexicon both
scored on the remaining comments (the same held-out texts for both).

Nothing here is a target: it prints figures (docs/text.md quotes them). A model that needs a
database (--model learned) needs --db. The binary defaults to $TOUCHPOINT_BIN, else
build/textlex/touchpoint, else `touchpoint` on PATH.
"""
import argparse
import csv
import json
import random
import tempfile
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = ["negative", "neutral", "positive"]


def read_labelled(lang):
    rows = []
    path = os.path.join(ROOT, "data", "labelled", lang + ".tsv")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            label, sep, text = line.partition("\t")
            if not sep or label not in CLASSES or not text or "\n" in text:
                sys.exit(f"{path}:{n}: expected label<TAB>text with label one of {CLASSES}")
            rows.append((label, text))
    return rows


def run(binary, db, args, texts):
    cmd = [binary] + (["--db", db] if db else []) + ["sentiment"] + args
    p = subprocess.run(cmd, input="".join(t + "\n" for t in texts), capture_output=True,
                       text=True, encoding="utf-8")
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    out = [json.loads(l) for l in p.stdout.splitlines()]
    if len(out) != len(texts):
        sys.exit(f"{' '.join(cmd)}: {len(texts)} texts in, {len(out)} lines out")
    return out


def report(title, gold, pred):
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred))
    print(f"\n{title}: {n} comments, accuracy {correct / n:.3f} ({correct}/{n})")
    print(f"  {'class':<9} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    f1s = []
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        npred = sum(p == c for p in pred)
        ngold = sum(g == c for g in gold)
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        print(f"  {c:<9} {prec:>9.3f} {rec:>7.3f} {f1:>6.3f} {ngold:>8}")
    print(f"  macro-F1 {sum(f1s) / len(f1s):.3f}")
    print(f"  confusion (rows hand label, columns output): {' '.join(f'{c[:3]:>5}' for c in CLASSES)}")
    for g in CLASSES:
        cells = " ".join(f"{sum(x == g and y == p for x, y in zip(gold, pred)):>5}" for p in CLASSES)
        print(f"  {g:<9}{'':>38}{cells}")
    return correct / n


def learned_split(binary, lang, rows, fraction, seed):
    """Trains on a seeded share of rows, scores the rest with both models."""
    order = list(rows)
    random.Random(seed).shuffle(order)
    cut = int(len(order) * fraction)
    train, test = order[:cut], order[cut:]
    nps = {"negative": 3, "neutral": 7, "positive": 10}
    with tempfile.TemporaryDirectory(prefix="tp-accuracy-") as tmp:
        db = os.path.join(tmp, "split.db")
        path = os.path.join(tmp, "train.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["response_id", "submitted_at", "respondent_type", "nps", "comment",
                        "lang"])
            for i, (label, text) in enumerate(train):
                w.writerow([f"{lang}{i}", "2026-01-01T00:00:00Z", "customer", nps[label], text,
                            lang])
        for args in (["init"], ["import", path],
                     ["text", "train", "--lang", lang, "--seed", str(seed)]):
            p = subprocess.run([binary, "--db", db] + args, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"touchpoint {' '.join(args)} failed: {p.stderr.strip()}")
            if args[0] == "text":
                print(f"\n{lang}: trained on {len(train)} of {len(rows)} labelled comments "
                      f"(seed {seed}); held out {len(test)}\n  " +
                      p.stdout.strip().replace("\n", "\n  "))
        gold = [g for g, _ in test]
        texts = [t for _, t in test]
        for model in ("lexicon", "learned"):
            out = run(binary, db, ["--lang", lang, "--model", model], texts)
            report(f"{lang} {model} (held-out {len(test)})", gold, [o["label"] for o in out])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=None)
    ap.add_argument("--db", default=None)
    ap.add_argument("--model", action="append", default=None)
    ap.add_argument("--lang", action="append", default=None, choices=["es", "en"])
    ap.add_argument("--split", type=float, default=None,
                    help="train the learned model on this share, test both on the rest")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    binary = a.bin or os.environ.get("TOUCHPOINT_BIN")
    if not binary:
        local = os.path.join(ROOT, "build", "textlex", "touchpoint")
        binary = local if os.path.exists(local) else shutil.which("touchpoint")
    if not binary:
        sys.exit("no touchpoint binary: pass --bin or set TOUCHPOINT_BIN")
    langs = a.lang or ["es", "en"]
    models = a.model or ["lexicon"]
    data = {lang: read_labelled(lang) for lang in langs}
    for lang in langs:
        gold = [g for g, _ in data[lang]]
        texts = [t for _, t in data[lang]]
        for model in models:
            args = ["--lang", lang] + (["--model", model] if model != "lexicon" else [])
            out = run(binary, a.db, args, texts)
            report(f"{lang} {model}", gold, [o["label"] for o in out])
        # Emotions (the same for every model: they come from the word lists).
        out = run(binary, a.db, ["--lang", lang], texts)
        names = list(out[0]["emotions"]) if out else []
        print(f"  emotions: comments with any, and mean intensity per hand label")
        for c in CLASSES:
            sub = [o["emotions"] for g, o in zip(gold, out) if g == c]
            anyc = sum(any(v > 0 for v in e.values()) for e in sub)
            means = " ".join(f"{n}={sum(e[n] for e in sub) / len(sub):.3f}" for n in names)
            print(f"  {c:<9} {anyc:>3}/{len(sub):<3} {means}")

    if a.split:
        if not 0 < a.split < 1:
            sys.exit("--split must be between 0 and 1")
        for lang in langs:
            learned_split(binary, lang, data[lang], a.split, a.seed)

    # Language guess (--lang auto) over every labelled comment.
    texts = [(lang, t) for lang in langs for _, t in data[lang]]
    out = run(binary, a.db, ["--lang", "auto"], [t for _, t in texts])
    right = [o["lang"] == lang for (lang, _), o in zip(texts, out)]
    short = [r for (lang, t), r in zip(texts, right) if len(t.split()) <= 5]
    print(f"\nlanguage guess (--lang auto): {sum(right)}/{len(right)} right "
          f"({sum(right) / len(right):.3f}); comments of <= 5 words: {sum(short)}/{len(short)} "
          f"({sum(short) / len(short):.3f})" if short else "")
    for lang in langs:
        sub = [r for (l, _), r in zip(texts, right) if l == lang]
        print(f"  {lang}: {sum(sub)}/{len(sub)} ({sum(sub) / len(sub):.3f})")
    # The first k words of every comment: how the guess does on very short texts.
    for k in (1, 2, 3):
        cut = [(lang, " ".join(t.split()[:k])) for lang, t in texts]
        out = run(binary, a.db, ["--lang", "auto"], [t for _, t in cut])
        ok = sum(o["lang"] == lang for (lang, _), o in zip(cut, out))
        print(f"  first {k} word{'s' if k > 1 else ''} of each comment: {ok}/{len(cut)} "
              f"({ok / len(cut):.3f})")
    wrong = [(lang, t) for (lang, t), r in zip(texts, right) if not r]
    for lang, t in wrong[:20]:
        print(f"  missed ({lang}): {t}")


if __name__ == "__main__":
    main()
