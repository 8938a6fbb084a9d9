"""A character CRF trained to tag names and organisations, as evidence inside the PII analyzer: a measurement
harness, not part of the workflow.

The issue asks whether a statistical tagger trained here, from data available here, finds the private names and
organisations the rules miss. ``train`` fits a linear-chain CRF (python-crfsuite, a bench-only install:
``pip install python-crfsuite==0.9.12``) on characters, with jieba's word boundaries and tags, the words around,
and the surname, given-name and organisation-suffix lexicons as features:

- positives: the planted names, schools and employers of the seeded unseen parts (``--parts``, each drawn again
  with ``--reseeds`` other seeds: the same templates with other values), the own corpus and the held-out set;
- negatives, optionally: the sentences of the first ``--real-negatives`` posts of a real corpus, labelled with
  what the rules replace there (those posts are then no longer a fair test of precision: measure on the rest).

It prints the CRF's own span recall on ``--eval-part`` (exact span / overlapping / planted). ``run`` adds the
CRF's spans as candidates to the analyzer's registry (``CrfEvidence``: each span is checked by its kind's
recogniser, ``NameRecognizer.validate`` or ``OrgRecognizer.validate``, and by ``public.py`` like any other
candidate) and runs another bench script unchanged, so the figures before and after come from the same scripts:

    .venv/bin/python bench/bench_pii_crf.py train --parts dev2 dev3 --real-negatives 5000 --real CORPUS
    .venv/bin/python bench/bench_pii_crf.py run bench/bench_anonymize.py --corpus unseen-dev4
    .venv/bin/python bench/bench_pii_crf.py run bench/bench_real_text.py REST_OF_CORPUS --sample 100000 ...
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import re
import runpy
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import jieba  # noqa: E402

from workflow_scripts.data.pii import analyzer  # noqa: E402
from workflow_scripts.data.pii.base import (  # noqa: E402
    Candidate,
    Context,
    Recognizer,
    normalize_width,
    read_lexicon,
    segmenter,
)
from workflow_scripts.data.pii.recognizers.name import NameRecognizer  # noqa: E402
from workflow_scripts.data.pii.recognizers.org import OrgRecognizer  # noqa: E402

MODEL = ROOT / "results/bench_pii_crf/model.crfsuite"
_LABEL = {"name": "N", "school": "O", "employer": "O", "org": "O"}  # planted kinds, and the detector's org
_KIND = {"N": "name", "O": "org"}
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
Sentence = tuple[str, list[str]]  # text and one BIO label per character


@functools.cache
def _lexicons() -> tuple[set[str], set[str], tuple[str, ...]]:
    return (
        {s for s in read_lexicon("surnames.txt") if len(s) == 1},
        set("".join(read_lexicon("given_name_chars.txt"))),
        read_lexicon("org_suffixes.txt"),
    )


def features(sentence: str) -> list[list[str]]:
    """Per character: itself and its neighbours, its word's boundary position, length and jieba tag, the words
    before and after, and lexicon flags."""
    seg = segmenter()
    surnames, given, suffixes = _lexicons()
    words = jieba.lcut(sentence, HMM=True)
    word_of: list[int] = []
    place: list[str] = []
    for k, w in enumerate(words):
        word_of += [k] * len(w)
        place += ["S"] if len(w) == 1 else ["B"] + ["M"] * (len(w) - 2) + ["E"]
    padded = f"##{sentence}##"
    out = []
    for i, ch in enumerate(sentence):
        k = word_of[i]
        w = words[k]
        tag = seg.tags.get(w, "x" if seg.freq.get(w) else "oov")
        f = [f"c={ch}", f"p={place[i]}", f"len={min(len(w), 4)}", f"t={tag}", f"pt={place[i]}{tag[:2]}"]
        f += [f"c{d}={padded[i + 2 + d]}" for d in (-2, -1, 1, 2)]
        f += [f"b-={padded[i + 1 : i + 3]}", f"b+={padded[i + 2 : i + 4]}"]
        f += [f"w{d}={words[k + d] if 0 <= k + d < len(words) else '#'}" for d in (-2, -1, 1, 2)]
        f += [f"w={w}"] * (len(w) <= 4)
        f += ["sur"] * (ch in surnames) + ["given"] * (ch in given) + ["suffix"] * w.endswith(suffixes)
        out.append(f)
    return out


def sentences(texts: list[str], spans: Iterable[tuple[int, int, int, str]]) -> Iterator[Sentence]:
    """Each text's sentences with BIO labels from (text index, start, end, kind) spans of the tagged kinds."""
    spans = list(spans)
    for j, text in enumerate(texts):
        norm = normalize_width(text or "")
        labels = ["O"] * len(norm)
        for tj, s, e, kind in spans:
            if tj == j and kind in _LABEL:
                labels[s:e] = [f"B-{_LABEL[kind]}"] + [f"I-{_LABEL[kind]}"] * (e - s - 1)
        for m in _SENTENCE.finditer(norm):
            yield m.group(0), labels[m.start() : m.end()]


def spans_of(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, N|O) runs of B-/I- labels."""
    out: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, label in enumerate([*labels, "O"]):
        if start >= 0 and not label.startswith("I-"):
            out.append((start, i, kind))
            start = -1
        if label.startswith("B-"):
            start, kind = i, label[2:]
    return out


def synthetic(parts: list[str], reseeds: int) -> Iterator[Sentence]:
    from anonymize_corpus import corpus_posts, posts_of
    from pii_heldout import heldout_posts
    from pii_unseen import unseen_entries

    drawn = (posts_of(unseen_entries(p, str(r) if r else "")) for p in parts for r in range(reseeds + 1))
    for _i, texts, spans in itertools.chain(*drawn, corpus_posts(), heldout_posts()):
        yield from sentences(texts, spans)


def real(path: Path, limit: int) -> Iterator[Sentence]:
    """The first ``limit`` posts, labelled with what the rules replace in them."""
    with path.open(encoding="utf-8") as fh:
        for line in itertools.islice(fh, limit):
            post = json.loads(line)
            texts = [post.get("title") or "", post.get("content") or ""]
            found = analyzer.find_pii_post(texts)
            yield from sentences(texts, [(j, s, e, k) for j, spans in enumerate(found) for s, e, k in spans])


def evaluate(tagger: Any, data: Iterable[Sentence]) -> dict[str, str]:
    """exact/overlapping/planted spans per kind."""
    planted, exact, overlap = Counter(), Counter(), Counter()
    for text, labels in data:
        found = spans_of(tagger.tag(features(text)))
        for s, e, kind in spans_of(labels):
            planted[kind] += 1
            exact[kind] += (s, e, kind) in found
            overlap[kind] += any(a < e and s < b for a, b, _ in found)
    return {_KIND[k]: f"{exact[k]}/{overlap[k]}/{planted[k]}" for k in sorted(planted)}


def train(args: argparse.Namespace) -> None:
    import pycrfsuite
    from pii_unseen import unseen_posts

    trainer = pycrfsuite.Trainer(verbose=False)
    counts = Counter()
    data = synthetic(args.parts, args.reseeds)
    if args.real_negatives:
        data = itertools.chain(data, real(args.real, args.real_negatives))
    for text, labels in data:
        trainer.append(features(text), labels)
        counts["sentences"] += 1
        counts.update(label for label in labels if label.startswith("B-"))
    print("training sentences and spans:", dict(counts), flush=True)
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True})
    args.model.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.model))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(args.model))
    held = (s for _i, texts, pii, _keep in unseen_posts(args.eval_part) for s in sentences(texts, pii))
    print(f"CRF alone on unseen-{args.eval_part} (exact/overlapping/planted):", evaluate(tagger, held))


class CrfEvidence(Recognizer):
    """Every span of ``kinds`` the CRF tags, as a candidate at the threshold, checked by its kind's recogniser."""

    kind = "name"

    def __init__(
        self,
        model: Path,
        rules: tuple[Recognizer, ...],
        kinds: Iterable[str] = ("name", "org"),
        shaped: bool = False,
        linked: bool = False,
    ) -> None:
        import pycrfsuite

        self.kinds = set(kinds)
        self.shaped = shaped
        self.linked = linked
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model))
        self.check = {
            "name": next(r for r in rules if isinstance(r, NameRecognizer)),
            "org": next(r for r in rules if isinstance(r, OrgRecognizer)),
        }

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        for m in _SENTENCE.finditer(norm):
            for s, e, label in spans_of(self.tagger.tag(features(m.group(0)))):
                s, e, kind = m.start() + s, m.start() + e, _KIND[label]
                if kind in self.kinds and (kind != "name" or self._name_gates(norm, s, e)):
                    yield Candidate(s, e, kind, analyzer.THRESHOLD, "CrfEvidence")

    def _name_gates(self, norm: str, s: int, e: int) -> bool:
        """The optional gates on a name: ``--linked`` and ``--shaped``."""
        return (not self.linked or _linked(norm, s, e)) and (not self.shaped or _name_shape(norm, s, e))

    def validate(self, norm: str, c: Candidate) -> bool:
        return self.check[c.kind].validate(norm, c)


@functools.cache
def _shape_reader():
    """``bench_lac_evidence``'s reading of a name shape (its recogniser needs no tagger for it)."""
    from bench_lac_evidence import LacNameEvidence

    return LacNameEvidence(None).shape


def _name_shape(norm: str, s: int, e: int) -> bool:
    """The rules' own reading of a name: a full name, a nickname, two given-name characters that are no word."""
    return bool(_shape_reader()(norm, s, e))


_CLAUSE_END = re.compile(r"[，,。！？!?；;\n]")
_LINK = re.compile(r"我|你|您|本人")
_NEWS = re.compile(
    r"新闻|消息|报道|的死|去世|逝世|明星|演员|歌手|导演|主演|电影|电视剧|综艺|节目|微博|粉丝|热搜|官宣|委员|表示"
)


def _linked(norm: str, s: int, e: int) -> bool:
    """The name's clause speaks of the writer or to a reader (我, 你, 本人, or a relation word right before it),
    and its sentence is no news (新闻, 的死, 演员, 表示...)."""
    from workflow_scripts.data.pii.analyzer import _name_recognizer

    a = max((m.end() for m in _CLAUSE_END.finditer(norm, 0, s)), default=0)
    b = next((m.start() for m in _CLAUSE_END.finditer(norm, e)), len(norm))
    clause = norm[a:s] + norm[e:b]
    related = norm.endswith(_name_recognizer().lex.relations, 0, s)
    left, right = analyzer._sentence(norm, s, e, s, len(norm) - e)
    return bool(_LINK.search(clause) or related) and not _NEWS.search(left + norm[s:e] + right)


def run(model: Path, kinds: list[str], shaped: bool, linked: bool, script: list[str]) -> None:
    rules = analyzer.recognizers()
    with_crf = (*rules, CrfEvidence(model, rules, kinds, shaped, linked))
    analyzer.recognizers = lambda: with_crf
    sys.argv = script
    runpy.run_path(script[0], run_name="__main__")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="fit the CRF and print its own recall on an unseen part")
    t.add_argument("--parts", nargs="+", default=["dev2", "dev3"], help="unseen parts to train on")
    t.add_argument("--reseeds", type=int, default=2, help="other draws of each part")
    t.add_argument("--eval-part", default="dev4")
    t.add_argument("--real", type=Path, help="a real posts JSONL (negatives)")
    t.add_argument("--real-negatives", type=int, default=0, help="how many of its first posts to train on")
    t.add_argument("--model", type=Path, default=MODEL)
    r = sub.add_parser("run", help="run a bench script with the CRF's spans as candidates")
    r.add_argument("--model", type=Path, default=MODEL)
    r.add_argument("--shaped", action="store_true", help="a name must have a shape the rules read as a name")
    r.add_argument("--linked", action="store_true", help="a name's clause must speak of the writer, not news")
    r.add_argument("--kind", action="append", choices=["name", "org"], help="a kind it may add (default: both)")
    r.add_argument("script", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "train":
        if args.real_negatives and not args.real:
            parser.error("--real-negatives needs --real")
        train(args)
    else:
        run(args.model, args.kind or ["name", "org"], args.shaped, args.linked, args.script)


if __name__ == "__main__":
    main()
