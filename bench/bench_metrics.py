"""Benchmark: metric suite fast path (cold and warm) against the nltk/rouge-score reference path.

METRICS.md's protocol: n hypotheses x 4 references of 150-400 Chinese characters (synthetic, seeded, built
from jieba's most frequent dictionary words so segmentation does real work), one process, a warm-up call on
other texts first, then in one run: slow path, fast cold (first call on these texts), fast warm (second call).
Targets: warm >= 50x, cold >= 5x. Prints figures only; nothing here asserts on time.

    python bench/bench_metrics.py            # 1,000 x 4
    python bench/bench_metrics.py --n 200    # quicker
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workflow_scripts.eval import metrics as M

PUNCT = "，，，，。。。！？、；"


def _word_list(size: int = 4000) -> tuple[list[str], list[float]]:
    """jieba's most frequent Chinese words (2-4 characters, plus common single characters) with Zipf weights."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq = line.split()[:2]
            if 1 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fa5" for c in word):
                rows.append((int(freq), word))
    rows.sort(reverse=True)
    words = [w for _, w in rows[:size]]
    weights = [1.0 / (rank + 10) for rank in range(len(words))]
    return words, weights


def _text(rnd: random.Random, words: list[str], weights: list[float], topic: list[str]) -> str:
    """150-400 characters: Zipf-sampled words, a third from the item's topic words, clauses closed by punctuation."""
    target = rnd.randint(150, 400)
    parts: list[str] = []
    length = 0
    clause = 0
    while length < target:
        w = rnd.choice(topic) if rnd.random() < 0.35 else rnd.choices(words, weights)[0]
        parts.append(w)
        length += len(w)
        clause += 1
        if clause >= rnd.randint(4, 12):
            parts.append(rnd.choice(PUNCT))
            length += 1
            clause = 0
    text = "".join(parts)[:target]
    return text.rstrip(PUNCT) + "。"


def build_corpus(n: int, n_refs: int, seed: int) -> tuple[list[str], list[list[str]]]:
    rnd = random.Random(seed)
    words, weights = _word_list()
    hyps, refs = [], []
    for _ in range(n):
        topic = rnd.sample(words[200:], 40)
        hyps.append(_text(rnd, words, weights, topic))
        refs.append([_text(rnd, words, weights, topic) for _ in range(n_refs)])
    return hyps, refs


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="hypotheses (default 1000)")
    ap.add_argument("--refs", type=int, default=4, help="references per hypothesis (default 4)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="processes for the parallel cold call (default 2)")
    args = ap.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)

    hyps, refs = build_corpus(args.n, args.refs, args.seed)
    chars = sum(len(h) for h in hyps) + sum(len(r) for rs in refs for r in rs)
    print(f"corpus: {args.n} hypotheses x {args.refs} references, {chars:,} characters, seed {args.seed}")

    # Warm-up on other texts: jieba's dictionary, nltk, rouge-score loaded; none of the corpus texts cached.
    wh, wr = build_corpus(20, args.refs, args.seed + 1000)
    M.corpus_scores(wh, wr)
    M.reference_corpus_scores(wh[:3], wr[:3])

    slow, t_slow = _timed(M.reference_corpus_scores, hyps, refs)
    cold, t_cold = _timed(M.corpus_scores, hyps, refs)
    warm, t_warm = _timed(M.corpus_scores, hyps, refs)
    info = M.cache_info()
    M.clear_cache()
    M.corpus_scores(wh, wr)
    par, t_par = _timed(M.corpus_scores, hyps, refs, workers=args.workers)

    worst = max(abs(slow[k] - cold[k]) for k in M.CORPUS_KEYS)
    same = cold == warm == par
    print(f"cache after warm call: {info}")
    print(f"{'path':<34}{'seconds':>10}{'speed-up':>10}")
    print(f"{'slow (nltk + rouge-score)':<34}{t_slow:>10.3f}{1:>10.1f}")
    print(f"{'fast cold, 1 process':<34}{t_cold:>10.3f}{t_slow / t_cold:>10.1f}   target >= 5")
    print(f"{f'fast cold, {args.workers} worker processes':<34}{t_par:>10.3f}{t_slow / t_par:>10.1f}   target >= 5")
    print(f"{'fast warm (second call)':<34}{t_warm:>10.3f}{t_slow / t_warm:>10.1f}   target >= 50")
    print(f"max |fast - slow| over corpus metrics: {worst:.3g} (tolerance 1e-9); cold == warm == parallel: {same}")
    print("scores:", {k: round(v, 6) for k, v in cold.items() if k != "n"})
    if worst > 1e-9 or not same:
        raise SystemExit("fast path disagrees with the reference path")


if __name__ == "__main__":
    main()
