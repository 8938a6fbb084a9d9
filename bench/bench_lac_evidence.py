"""LAC's PER and ORG tags as evidence inside the PII analyzer: a measurement harness, not part of the workflow.

Adds two recognisers to the analyzer's registry (``analyzer.recognizers``) and then runs another bench script
unchanged (``bench_anonymize.py`` for recall, ``bench_real_text.py`` for the replacements on real and chat text),
so the figures before and after come from the same scripts:

- ``LacNameEvidence``: a span LAC tags PER that the name recogniser's own shapes accept (surname + given name as
  ``NameRecognizer.full_names`` reads it after a cue, a 小X/老X/X哥/X姐 nickname, or two given-name characters
  that are no word), where the rules proposed nothing, is taken when a relation word stands right before it
  (同事X, 我闺蜜X), when it is a nickname right after 我和/我跟/和我/跟我, or when it is a full name with a person
  frame on both sides (和X…吵架). LAC's word boundary is the evidence the rules lacked (老吴|一起: 一 is also a
  name character). Scored as a cue-less name (0.7 after a relation word, else 0.6), so ``public.py`` still keeps
  public people.
- ``LacOrgEvidence``: a span LAC tags ORG that ends in an organisation suffix and starts with a specific name,
  passing ``OrgRecognizer.validate`` (a person is the subject, not named in general, a proper head) and a
  membership frame (``org._clause_frame``, a strong verb before it, or a frame word after it), not wished for.

LAC runs only on the clause (at most 16 characters either side) around a trigger: a relation word followed by a
name shape the rules did not take, 我和 + a nickname shape, a frame word + surname with a person verb two to four
characters on, or an organisation name in a membership frame. LAC runs through ``bench/lac_paddle.py`` (LAC 2.1.2
on paddlepaddle 2.6, bench-only installs: ``pip install paddlepaddle==2.6.2``, then, since LAC's sdist needs a
setuptools that still has pkg_resources and its metadata pulls paddle in, ``echo setuptools==80.9.0 > /tmp/c.txt;
PIP_CONSTRAINT=/tmp/c.txt pip install --no-deps LAC==2.1.2``).

    .venv/bin/python bench/bench_lac_evidence.py bench/bench_anonymize.py --corpus unseen-dev4
    .venv/bin/python bench/bench_lac_evidence.py bench/bench_real_text.py CORPUS --sample 100000 --sample-out F
"""

from __future__ import annotations

import re
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from workflow_scripts.data.pii import analyzer  # noqa: E402
from workflow_scripts.data.pii.base import CJK, Candidate, Context, Recognizer, alternation  # noqa: E402
from workflow_scripts.data.pii.recognizers import org as orgmod  # noqa: E402
from workflow_scripts.data.pii.recognizers.name import _FRAME_BEFORE, NameRecognizer  # noqa: E402


class Tagger(Protocol):
    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str]]]: ...


_ME = ("我和", "我跟", "和我", "跟我")
_ME_RE = re.compile(f"(?:{'|'.join(_ME)})(?=[小老阿]|.[哥姐])")
_CLAUSE = re.compile("[，。！？；,.!?;\n]")
_CJK_RUN = re.compile(f"[{CJK}]+")
_NUMERALS = "一二三四五六七八九十"
# frame words around an organisation that LAC's ORG needs beside it: the rule's, without those that also say one
# only went there (在, 进了, 住院, 看病, 考研 ...)
_STRONG_BEFORE = tuple(
    w for w in orgmod._BEFORE if w not in ("在", "被", "我们", "去了", "来自", "住进", "我是", "进了", "进入")
)
_AFTER = tuple(
    w
    for w in orgmod._AFTER
    if w not in ("考研", "当", "看过", "看病", "开药", "挂号", "住院", "住了", "做了检查", "做检查")
)
STATS = {"windows": 0, "chars": 0}


class Windows:
    """LAC's words of the clauses around trigger positions of a text, each clause tagged once."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger
        self.cache: dict[str, list[tuple[int, int, str]]] = {}

    def words(self, norm: str, points: list[int]) -> list[tuple[int, int, str]]:
        spans = []
        for p in points:
            left = norm[max(0, p - 16) : p]
            a = max(0, p - 16) + max((m.end() for m in _CLAUSE.finditer(left)), default=0)
            r = _CLAUSE.search(norm, p)
            spans.append((a, min(r.start() if r else len(norm), p + 16)))
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out = []
        for a, b in merged:
            w = norm[a:b]
            if w not in self.cache:
                self.cache[w] = self.tagger.tag([w])[0]
                STATS["windows"] += 1
                STATS["chars"] += len(w)
            out += [(a + s, a + e, t) for s, e, t in self.cache[w]]
        return out


class LacNameEvidence(Recognizer):
    """Names LAC tags PER, in a shape the rules accept and a frame (module doc)."""

    kind = "name"

    def __init__(self, windows: Windows) -> None:
        self.win = windows
        self.nr: NameRecognizer = analyzer._name_recognizer()
        self.rel_end = re.compile(f"(?:{alternation(self.nr.lex.relations)})(?:的)?(?:叫做|名叫|叫|是|：|:| )?$")
        self.frame_before = (*_FRAME_BEFORE, *_ME)

    def shape(self, norm: str, s: int, e: int) -> str:
        """'full', 'nick', 'given' or '' for the reading ``norm[s:e]``."""
        nr = self.nr
        if e > len(norm):
            return ""
        if e in nr.full_names(norm, s, cued=True):
            return "full"
        w = norm[s:e]
        if len(w) != 2 or not _CJK_RUN.fullmatch(w) or w in nr.lex.stop or w in nr.lex.famous or nr.seg.freq.get(w):
            return ""
        x = w[1] if w[0] in "小老阿" else w[0]
        surname = x in nr.lex.single and x not in nr.lex.ambiguous
        nick = (w[0] in "小老阿" or w[1] in "哥姐") and w not in nr.lex.nick_stop and x not in _NUMERALS
        if nick and (surname or (w[0] != "老" and x in nr.given)):
            return "nick"
        return "given" if all(c in nr.given for c in w) else ""

    def triggers(self, norm: str) -> list[int]:
        nr = self.nr
        out = [
            m.end()
            for m in nr.relation_re.finditer(norm)
            if m.end() < len(norm)
            and not nr._after_relation(norm, m.end())
            and any(self.shape(norm, m.end(), e) for e in (m.end() + 2, m.end() + 3))
        ]
        out += [m.end() for m in _ME_RE.finditer(norm)]
        for m in nr.free_res[0].finditer(norm):
            p = m.start("s")
            if any(nr.frame_after_re.match(norm, e) for e in (p + 2, p + 3, p + 4)):
                out.append(p)
        return out

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        points = self.triggers(norm)
        if not points:
            return
        rule = [(c.start, c.end) for c in self.nr.candidates(ctx)]
        for s, e, tag in self.win.words(norm, points):
            if tag != "PER" or any(a < e and s < b for a, b in rule):
                continue
            shape = self.shape(norm, s, e)
            if not shape:
                continue
            rel = self.rel_end.search(norm, max(0, s - 8), s)
            rel = rel and not self.nr._surnamed_role(norm, rel.start())
            before = norm.endswith(self.frame_before, 0, s)
            after = bool(self.nr.frame_after_re.match(norm, e)) or self.nr._acts_on_writer(norm, e)
            if rel or (shape == "nick" and norm.endswith(_ME, 0, s)) or (shape == "full" and before and after):
                yield self.cand(s, e, 0.7 if rel else 0.6)

    def validate(self, norm: str, c: Candidate) -> bool:
        return self.nr.validate(norm, c)


class LacOrgEvidence(Recognizer):
    """Organisations LAC tags ORG, named specifically, in a membership frame (module doc)."""

    kind = "org"

    def __init__(self, windows: Windows) -> None:
        self.win = windows
        self.rule = orgmod.OrgRecognizer()
        self.suffixes = tuple(orgmod._lex().suffixes)
        self.generic = orgmod._lex().generic

    def _framed(self, norm: str, s: int, e: int) -> bool:
        before = norm[max(0, s - 4) : s].endswith(_STRONG_BEFORE)
        return orgmod._clause_frame(norm, s, e) or before or norm.startswith(_AFTER, e)

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        points = []
        for rx in (self.rule.suffix_re, self.rule.workplace_re):
            for m in rx.finditer(norm):
                named = self.rule._named(norm, m)
                if named and self._framed(norm, named[0], named[1]):
                    points.append(m.start())
        for s, e, tag in self.win.words(norm, points) if points else ():
            w = norm[s:e]
            if tag != "ORG" or len(w) < 4 or not _CJK_RUN.fullmatch(w) or not w.endswith(self.suffixes):
                continue
            prefix = next(w[: -len(x)] for x in self.suffixes if w.endswith(x))
            if orgmod._specific(prefix, self.generic):
                yield self.cand(s, e, 0.6)

    def validate(self, norm: str, c: Candidate) -> bool:
        if not self.rule.validate(norm, c) or orgmod._WISH.search(orgmod._clause(norm, c.start, c.end)[0]):
            return False
        return self._framed(norm, c.start, c.end)


def main(argv: list[str]) -> None:
    from lac_paddle import PaddleLacTagger

    windows = Windows(PaddleLacTagger())
    extra = (LacNameEvidence(windows), LacOrgEvidence(windows))
    base = analyzer.recognizers
    analyzer.recognizers = lambda: (*base(), *extra)
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name="__main__")
    finally:
        print(f"[LAC evidence] tagged {STATS['chars']} chars in {STATS['windows']} clauses", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
