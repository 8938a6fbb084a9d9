"""The analyzer: runs every recogniser, scores and resolves their candidates in one place.

1. Each recogniser proposes candidates with a base score.
2. Context boost: ``BOOST`` for each side (before / after) on which one of the recogniser's context words lies
   within its window, inside the same sentence (Presidio's LemmaContextAwareEnhancer, on characters).
3. Threshold: candidates scoring below ``THRESHOLD`` are dropped; so are candidates overlapping a placeholder,
   names/organisations/addresses inside a 《book title》, a #topic# or an @handle, and those the recogniser's
   ``validate`` (its costly checks, run only here) rejects.
4. Overlaps: the higher score wins, then the longer span, then the kind listed first in ``KINDS``.
5. Post level: a name found in one text of a post is replaced wherever it recurs in the post, and a name that
   one of its mentions shows to be a public person's is kept in all of them (``PostNames``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from workflow_scripts.data.pii.base import (
    BOOK_RE,
    KINDS,
    PLACEHOLDER_RE,
    SENTENCE_STOPS,
    Candidate,
    Context,
    Recognizer,
    Span,
    normalize_width,
    segmenter,
)
from workflow_scripts.data.pii.public import CUED, PostTopics, PublicFacts, is_public, post_is_personal
from workflow_scripts.data.pii.recognizers.address import AddressRecognizer
from workflow_scripts.data.pii.recognizers.contact import (
    EmailRecognizer,
    PhoneRecognizer,
    QQRecognizer,
    URLRecognizer,
    WeChatRecognizer,
)
from workflow_scripts.data.pii.recognizers.dates import BirthDateRecognizer
from workflow_scripts.data.pii.recognizers.name import NameRecognizer
from workflow_scripts.data.pii.recognizers.numbers import BankCardRecognizer, IdCardRecognizer, PlateRecognizer
from workflow_scripts.data.pii.recognizers.org import (
    BrandEmployerRecognizer,
    OrgRecognizer,
    PlatformEmployerRecognizer,
    SchoolShortNameRecognizer,
    WorkplaceSlotRecognizer,
    coordinated,
)

THRESHOLD = 0.5
_BARE_LIST = 4  # this many distinct cue-less names in one text make them a list of public people
BOOST = 0.3
_IN_BOOKS_KEPT = {"name", "org", "address"}
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
_DIGIT = re.compile(r"\d")


@functools.cache
def recognizers() -> tuple[Recognizer, ...]:
    """The registry (add a recogniser here)."""
    return (
        URLRecognizer(),
        EmailRecognizer(),
        WeChatRecognizer(),
        QQRecognizer(),
        IdCardRecognizer(),
        BankCardRecognizer(),
        PhoneRecognizer(),
        PlateRecognizer(),
        BirthDateRecognizer(),
        AddressRecognizer(),
        OrgRecognizer(),
        BrandEmployerRecognizer(),
        PlatformEmployerRecognizer(),
        SchoolShortNameRecognizer(),
        WorkplaceSlotRecognizer(),
        NameRecognizer(),
    )


def _sentence(norm: str, start: int, end: int, before: int, after: int) -> tuple[str, str]:
    """The text within ``before``/``after`` characters of a span, cut at sentence ends."""
    left = norm[max(0, start - before) : start]
    cut = max(left.rfind(c) for c in SENTENCE_STOPS)
    right = norm[end : end + after]
    stops = [i for i in (right.find(c) for c in SENTENCE_STOPS) if i >= 0]
    return left[cut + 1 :], right[: min(stops)] if stops else right


def score(rec: Recognizer, norm: str, c: Candidate) -> float:
    """Base score plus the context boost of the recogniser's context words."""
    s = c.score
    if rec.context_before or rec.context_after:
        left, right = _sentence(norm, c.start, c.end, *rec.window)
        s += BOOST * (any(w in left for w in rec.context_before) + any(w in right for w in rec.context_after))
    return min(s, 1.0)


def _resolve(cands: Iterable[tuple[float, Candidate]], n: int) -> list[Span]:
    taken = bytearray(n)
    out: list[Span] = []
    order = sorted(cands, key=lambda sc: (-sc[0], sc[1].start - sc[1].end, _KIND_ORDER[sc[1].kind], sc[1].start))
    for _s, c in order:
        if not any(taken[c.start : c.end]):
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
            out.append(Span(c.start, c.end, c.kind))
    return sorted(out)


def _blocked(ctx: Context, books: list[tuple[int, int]], c: Candidate) -> bool:
    if any(s < c.end and c.start < e for s, e in ctx.protected):
        return True
    return c.kind in _IN_BOOKS_KEPT and any(s < c.end and c.start < e for s, e in books)


def find_pii(text: str, extra_names: Iterable[str] = (), post_personal: bool | None = None) -> list[Span]:
    """PII spans of ``text`` (sorted, non-overlapping); ``extra_names`` are names already found in the post;
    ``post_personal``: whether the post speaks of its writer or to someone (``public.post_is_personal``; by
    default this text alone decides)."""
    return _find_pii_norm(normalize_width(text or ""), extra_names, post_personal)


class PostNames:
    """Names whose mentions in a post disagree: one mention shows a public person (a role before it, a place head
    after it, a news verb: ``validate`` and ``public.is_public``), so the name is kept in every mention, since one
    name is one person throughout a post; unless a mention names someone of the writer's with a cue word (我男朋友X,
    我叫X: scored ``STRONG`` or more), which outweighs it."""

    STRONG = CUED

    def __init__(self) -> None:
        self.public_seen: set[str] = set()
        self.private_seen: set[str] = set()

    @property
    def public(self) -> set[str]:
        return self.public_seen - self.private_seen


def _find_pii_norm(
    norm: str,
    extra_names: Iterable[str] = (),
    post_personal: bool | None = None,
    post_names: PostNames | None = None,
    post_topics: PostTopics | None = None,
    facts: PublicFacts | None = None,
) -> list[Span]:
    """``find_pii`` on a text already width-normalised (offsets are the same: the mapping is one to one);
    ``post_names`` collects, and applies, what the post's mentions say of its names (``PostNames``);
    ``post_topics``: what the whole post is about (``public.PostTopics``); ``facts``: this text's
    ``PublicFacts`` if the caller keeps them across passes (built from the same three inputs)."""
    if not norm:
        return []
    post_names = PostNames() if post_names is None else post_names
    ctx = Context(norm, _DIGIT.search(norm) is not None, [m.span() for m in PLACEHOLDER_RE.finditer(norm)])
    # every protected span opens with 《, # or @: most texts have none, and scanning for them is cheap
    books = [m.span() for m in BOOK_RE.finditer(norm)] if any(c in norm for c in "《#@") else []
    facts = PublicFacts(norm, post_personal, post_topics) if facts is None else facts
    kept: list[tuple[float, Candidate]] = []
    unframed: list[tuple[Recognizer, Candidate]] = []  # organisations proposed without a frame of their own
    for rec in recognizers():
        for c in rec.candidates(ctx):
            s = score(rec, norm, c)
            if _blocked(ctx, books, c):
                continue
            if s < THRESHOLD:
                unframed += [(rec, c)] * (c.kind == "org")
                continue
            valid = rec.validate(norm, c)
            if c.kind == "name" and valid and s >= PostNames.STRONG:
                post_names.private_seen.add(norm[c.start : c.end])  # 同事X表示…: still the writer's colleague
            if valid and not is_public(facts, c):
                kept.append((s, c))
            elif c.kind == "name":
                post_names.public_seen.add(norm[c.start : c.end])
    if unframed or any(c.kind == "org" for _s, c in kept):  # 在新东方和好未来当过老师: both are the writer's
        pending = [c for rec, c in unframed if rec.validate(norm, c)]
        found = [c for _s, c in kept if c.kind == "org"]
        kept += [(THRESHOLD, c) for c in coordinated(norm, found, pending) if not is_public(facts, c)]
    # four or more people named without a cue word in one text (看到W叫…，看到X叫…，看到Y叫…) are public people
    # listed: a counselling post names its own people with relation words (我同事X)
    bare = {norm[c.start : c.end] for s, c in kept if c.kind == "name" and s < PostNames.STRONG}
    if bare and len(bare) < _BARE_LIST:
        bare |= _name_recognizer().famous_in(norm)  # 看到X叫姐姐，看到Y叫阿姨，看到霍建华叫爸爸: stars listed
    if len(bare) >= _BARE_LIST:
        post_names.public_seen.update(bare)
    kept += [(1.0, c) for c in _mentions(norm, extra_names) if not _blocked(ctx, books, c)]
    found = {norm[c.start : c.end] for _s, c in kept if c.kind == "name"}
    _note_public_mentions(norm, found, facts, post_names)
    public = post_names.public
    if public:
        kept = [(s, c) for s, c in kept if c.kind != "name" or norm[c.start : c.end] not in public]
    return _resolve(kept, len(norm))


def _note_public_mentions(norm: str, names: Iterable[str], facts: PublicFacts, post_names: PostNames) -> None:
    """Every mention of these names that shows a public person (中心主任X, X表示, 歌手X) marks the name public,
    whether or not the recogniser proposed that mention; only strong evidence counts (a mention scores 1.0)."""
    rec = _name_recognizer()
    for c in _mentions(norm, names):
        if not rec.validate(norm, c) or is_public(facts, c):
            post_names.public_seen.add(norm[c.start : c.end])


@functools.cache
def _name_recognizer() -> Recognizer:
    return next(r for r in recognizers() if isinstance(r, NameRecognizer))


def _mentions(norm: str, names: Iterable[str]) -> list[Candidate]:
    """Every occurrence of an already found name (a Latin name as a whole word: Tom, not Tomorrow; a Chinese one
    not glued to a noun morpheme that makes it part of a place's name: 松堂|斋 for 松堂)."""
    out = []
    for name in names:
        start = norm.find(name)
        while start != -1:
            end = start + len(name)
            edge = norm[start - 1 : start] + norm[end : end + 1]
            if name.isascii():
                whole = not any(c.isascii() and c.isalnum() for c in edge)
            else:
                after = segmenter().tagged_words(norm[end : end + 3])
                whole = not after or after[0][1] != "ng"
            if whole:
                out.append(Candidate(start, end, "name", 1.0, "mention"))
            start = norm.find(name, end)
    return out


def given_name_aliases(names: Iterable[str]) -> dict[str, str]:
    """Given names alone that stand for a full name found (梦琪 -> 钟梦琪), so a post that names a person again
    by the given name has that mention replaced too, by the same placeholder."""
    rec = _name_recognizer()
    return {g: n for n in sorted(names) if (g := rec.given_of(n))}


def find_pii_post(texts: Sequence[str]) -> list[list[Span]]:
    """Spans for each text of one post; a name found in any text is also removed everywhere else."""
    norms = [normalize_width(t or "") for t in texts]  # once per text: every step below reads the same copy
    personal = post_is_personal(norms)
    post_names = PostNames()  # what all the post's texts say of its names
    topics = PostTopics(norms)
    facts = [PublicFacts(n, personal, topics) for n in norms]  # lazy caches, shared by every pass below
    first = [
        _find_pii_norm(n, post_personal=personal, post_names=post_names, post_topics=topics, facts=f)
        for n, f in zip(norms, facts, strict=True)
    ]
    names = {n[s:e] for n, spans in zip(norms, first, strict=True) for s, e, k in spans if k == "name"}
    names = {n for n in names if len(n) >= 2}
    names |= set(given_name_aliases(names))  # 钟梦琪 … 梦琪: the same person by the given name
    for n, f in zip(norms, facts, strict=True):  # a mention elsewhere may show a name public (before spans are final)
        if any(name in n for name in names):
            _note_public_mentions(n, names, f, post_names)
    public = post_names.public
    names -= public
    if not names and not public:
        return first
    return [
        _find_pii_norm(n, names, personal, post_names, topics, f) if any(name in n for name in names | public) else sp
        for n, f, sp in zip(norms, facts, first, strict=True)
    ]
