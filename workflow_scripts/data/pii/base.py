"""Shared pieces of the PII detector: the candidate type, the recogniser interface, lexicons, text helpers.

A recogniser proposes ``Candidate`` spans with a base score and the words around them that would make them
PII (its context words); the analyzer (``analyzer.py``) adds the context boost, applies the threshold and
resolves overlaps, in one place. Recognisers never look at each other's results.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

LEXICON_DIR = Path(__file__).resolve().parents[3] / "resources" / "lexicons"

LABELS: dict[str, str] = {
    "name": "姓名",
    "phone": "电话",
    "email": "邮箱",
    "qq": "QQ",
    "wechat": "微信",
    "id_card": "身份证",
    "bank_card": "银行卡",
    "address": "地址",
    "org": "机构",
    "plate": "车牌",
    "url": "网址",
    "birthday": "生日",
}
KINDS = tuple(LABELS)
CJK = "\u4e00-\u9fff"
PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(LABELS.values()) + r")(\d+)\]")
# a group member @-mentioned and then spoken to or asked (@邹明 你懂这个, @小何 会议纪要发我…): the name a group
# shows, not an account's public handle in a repost chain or reply (//@X:, 回复@X:); the name recogniser judges
# whether it is shaped like a person's name
MENTION_ADDRESSED = re.compile(
    r"(?<!//)(?<!回复)@(?P<name>[\u4e00-\u9fff]{2,3}|阿?[A-Za-z]{2,12})"
    r"(?=[ ，,：:]+(?:你|您|麻烦|请|帮|把|会议|明天|今天))"
)
# spans whose names are public, not the writer's PII: a 《book》, a social-media #topic# (not 3#楼5#单元; topics may
# follow each other: #A##B#) and an
# @account handle (//@某某医生: a chosen, public account name; an e-mail address is the e-mail recogniser's)
BOOK_RE = re.compile(
    r"《[^《》\n]{1,40}》|(?<![0-9A-Za-z])#(?![\d\s#])[^#\n]{1,40}#"
    r"|(?<![0-9A-Za-z._-])(?!" + MENTION_ADDRESSED.pattern + r")@[^\s@:：,，。!！?？)）]{1,30}"
)


class Span(NamedTuple):
    """A detected PII span ``text[start:end]`` of a given kind (one of ``KINDS``)."""

    start: int
    end: int
    kind: str


class Candidate(NamedTuple):
    """A recogniser's proposal: a span, its kind, a base score in [0, 1] and the recogniser's name."""

    start: int
    end: int
    kind: str
    score: float
    source: str


@dataclass
class Context:
    """What a recogniser may read: the width-normalised text and cheap facts computed once per text."""

    norm: str
    has_digit: bool
    protected: list[tuple[int, int]] = field(default_factory=list)  # placeholders and 《book titles》


class Recognizer:
    """One PII kind (or one way of finding it). Subclasses set ``kind`` and implement ``candidates``.

    ``context_before`` / ``context_after``: words that, found within ``window`` characters before / after a
    candidate in the same sentence, raise its score by the analyzer's boost (Presidio's context words).
    """

    kind: str = ""
    context_before: tuple[str, ...] = ()
    context_after: tuple[str, ...] = ()
    window: tuple[int, int] = (10, 8)

    def candidates(self, ctx: Context) -> Iterator[Candidate]:  # pragma: no cover - interface
        raise NotImplementedError

    def validate(self, norm: str, c: Candidate) -> bool:
        """A costlier check, run by the analyzer only on candidates that passed the threshold."""
        return True

    def cand(self, start: int, end: int, score: float) -> Candidate:
        return Candidate(start, end, self.kind, score, type(self).__name__)


# --------------------------------------------------------------------------------------------- lexicons
@functools.cache
def read_lexicon(name: str) -> tuple[str, ...]:
    """Entries of ``resources/lexicons/<name>``: whitespace-separated tokens, ``#`` comments ignored."""
    out: list[str] = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        out.extend(line.split("#", 1)[0].split())
    return tuple(out)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 前男友 wins over 男友).

    Words are grouped by their first character (前(?:男友|夫)|男友|…): re tries the branches of an alternation one
    by one at every position its first characters allow, so a list of hundreds of words is slow to scan; grouped,
    only the words starting with the character at hand are tried, still longest first, so what matches is the
    same (two words that start with different characters never both match at one position)."""
    groups: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        groups.setdefault(w[:1], []).append(re.escape(w[1:]))
    return "|".join(re.escape(c) + (rs[0] if len(rs) == 1 else f"(?:{'|'.join(rs)})") for c, rs in groups.items())


# ------------------------------------------------------------------------------------------ normalising
# Full-width ASCII (０-９, Ａ-Ｚ, ＠, ．, －, ＋, （）...) and ideographic space map 1:1 onto ASCII, so offsets
# found in the normalised copy are offsets in the original text.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D})


_WIDE = re.compile("[\uff01-\uff5e\u3000\u2010-\u2014]")
# str.translate with a dict raises and clears a KeyError inside for every character it does not map (most of a
# Chinese text); a list over the whole BMP that maps every other character to itself has no misses and is about
# twice as fast. A character beyond the BMP (an emoji) is an IndexError there, which translate also keeps as is.
_WIDTH_TABLE = [_FULLWIDTH.get(i, i) for i in range(0x10000)]


def normalize_width(text: str) -> str:
    """Full-width ASCII to half-width, length-preserving (offsets stay valid)."""
    return text.translate(_WIDTH_TABLE) if _WIDE.search(text) else text


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


SENTENCE_STOPS = "。！？!?\n"  # sentence ends
CLAUSE_STOPS = SENTENCE_STOPS + "，,；;"  # sentence and clause ends
# a pupil's school year after 读/上/念 (五年级, 初二, 高三, 大班): names a child (name.py) and the school they attend
# (org.py)
SCHOOL_YEAR = "[一二三四五六]年级|初[一二三]|高[一二三]|[大中小]班"


def clause_before(norm: str, start: int, width: int, stops: str = CLAUSE_STOPS) -> str:
    """At most ``width`` characters before ``start``, from the start of their clause (after the last of ``stops``)."""
    left = norm[max(0, start - width) : start]
    return left[max(left.rfind(ch) for ch in stops) + 1 :]


def clause_after(norm: str, end: int, width: int, stops: str = CLAUSE_STOPS) -> str:
    """At most ``width`` characters after ``end``, up to the end of their clause (the first of ``stops``)."""
    right = norm[end : end + width]
    return right[: min([i for i in (right.find(ch) for ch in stops) if i >= 0] or [len(right)])]


# ------------------------------------------------------------------------------------------ segmentation
class Segmenter:
    """jieba word segmentation on a small window: does a candidate agree with the word boundaries, is it one
    word, and which part of speech does jieba's dictionary give that word (a word its HMM made up has none)?

    Only called for candidates that already have a cue, so its cost stays off the common path.
    """

    def __init__(self) -> None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        self._cut = jieba.lcut
        self.freq: dict[str, int] = jieba.dt.FREQ
        self.tags: dict[str, str] = jieba.posseg.dt.word_tag_tab

    def bounds(self, norm: str, start: int, end: int, pad: int = 6) -> set[int]:
        """Word boundaries (absolute offsets) of jieba's segmentation of ``norm`` around ``start:end``."""
        ws = max(0, start - pad)
        out = {ws}
        pos = ws
        for tok in self._cut(norm[ws : min(len(norm), end + pad)], HMM=True):
            pos += len(tok)
            out.add(pos)
        return out

    def agrees(self, norm: str, start: int, end: int) -> bool:
        """Neither end of ``start:end`` cuts a word (同时也: 时也 would cut 同时)."""
        b = self.bounds(norm, start, end)
        return start in b and end in b

    def glued_word(self, norm: str, end: int, pad: int = 4) -> str:
        """The word of jieba's segmentation that crosses ``end`` ("" if ``end`` is a word boundary)."""
        ws = max(0, end - pad)
        pos = ws
        for word in self._cut(norm[ws : end + pad]):
            if pos < end < pos + len(word):
                return word
            pos += len(word)
        return ""

    def tagged_words(self, text: str) -> list[tuple[str, str]]:
        """(word, dictionary tag) pairs of jieba's segmentation of a short text ("" for unknown words)."""
        return [(w, self.tags.get(w, "")) for w in self._cut(text)]

    def is_word(self, w: str) -> bool:
        """An ordinary dictionary word. jieba tags many words ``nr`` (温顺, 殷勤, 田园): above a frequency of
        100 such a word is almost always not a name, below it mostly is (孙悦)."""
        f = self.freq.get(w, 0)
        return f > 0 and (f >= 100 or not self.tags.get(w, "").startswith("nr"))

    def is_place(self, w: str) -> bool:
        """A place name: tagged ``ns`` by jieba, or one of China's provinces, prefectures and counties
        (``place_names``), many of which jieba's dictionary tags as other words (遵义 v, 商丘 n, 邵阳 nr)."""
        return self.tags.get(w, "") == "ns" or w in place_names()


@functools.cache
def segmenter() -> Segmenter:
    return Segmenter()


# units an administrative division's name ends in; the name without one is how people say it (遵义市 -> 遵义)
_ADMIN_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治区", "地区", "市", "县", "区", "省", "盟", "旗")


@functools.cache
def place_names() -> frozenset[str]:
    """Every province, prefecture and county of cpca's table of administrative divisions (adcodes.csv, 3,511
    entries), with and without its unit where two characters or more remain (霍邱县, 霍邱) and the short form is no
    ordinary word (place_name_words.txt: 和平区 stays, 和平 is a word).

    Read from the package's data file: ``import cpca`` builds its address matcher through pkg_resources, which
    current setuptools no longer ships, and this needs only the names.
    """
    import csv
    import importlib.util

    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca is not installed (pip install cpca==0.5.5): it holds the place names")
    table = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    words = set(read_lexicon("place_name_words.txt"))
    names: set[str] = set()
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"]
            if name in _ADMIN_SUFFIXES or name == "市辖区":
                continue  # groupings of the table (a municipality's counties, its districts), no place
            names.add(name)
            unit = next((u for u in _ADMIN_SUFFIXES if name.endswith(u) and len(name) - len(u) >= 2), "")
            if unit and name[: -len(unit)] not in words:
                names.add(name[: -len(unit)])
    return frozenset(names)
