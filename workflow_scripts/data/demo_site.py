"""The bundled demo Q&A site: a seeded synthetic Chinese counselling forum and its loopback server.

Why: the crawl, cleaning and anonymisation steps must be exercised end to end on a laptop, offline,
against what the real web has (PII of every kind, ads, spam, off-topic posts, short answers,
Traditional script, duplicates, malformed pages, HTTP 404/429/500). The generator writes a static
site plus ``ground_truth.jsonl`` saying exactly which spans are PII, which must be kept, which posts
are noise and each post's true topic. No pipeline step uses the ground truth to make its output;
tests and benchmarks read it, and the label rule scores its finished labels against it in
report.json (``label.score_against``).

Text is built from segments (literal text, or a planted PII / keep value), so every planted span
is known exactly, also after OpenCC conversion to Traditional script (segments convert one by one).

Ground truth, one row per listed question: post_id, url_path, topic_id, subtopic_id (null for ads, spam,
off-topic), noise (null|ad|spam|offtopic|empty), script (simplified|traditional), exact_duplicate_of,
near_duplicate_of, malformed (bool) and malformed_kind (no_title|truncated|no_description), fault
(null|404|429|500|500-permanent), tags, n_answers (as served), short_answer_indices (answers of <= 100
characters), spam_answer_indices, and the planted spans ``pii`` / ``keep``: {field (title|description|
answer), answer_index, text (exact substring of the extracted plain text, paragraphs joined by "\\n"),
kind, start (offset in that text), simplified (Traditional posts only: the value before s2t)}. Spans are
listed only where the page serves them (none for 404 and permanent 500; no answers for truncated pages).
Every PII value in the text is listed; keep spans list the planted non-PII values (ages, hotlines, ...).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import logging
import random
import re
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, write_jsonl
from workflow_scripts.common.provenance import recorded_step

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"
DEFAULT_LEXICON = ROOT / "resources" / "demo_site" / "lexicon.yaml"

PII_KINDS = (
    "name", "mobile", "landline", "email", "qq", "wechat", "id_card", "bank_card", "address",
    "school", "employer", "plate", "url", "birth_date",
)  # fmt: skip
KEEP_KINDS = (
    "age", "year", "duration", "dose", "relative", "place", "hotline", "book", "famous_name", "score",
)  # fmt: skip
# Settings of the `demo_site` config section other than seed and n_questions, with the demo's values.
DEFAULTS: dict[str, Any] = {
    "page_size": 20,
    "topic_shares": {"T01": 0.35, "T02": 0.28, "T03": 0.22},
    "site_tag_share": 0.6,
    "traditional_share": 0.05,
    "noise_shares": {"ad": 0.02, "spam": 0.015, "offtopic": 0.03, "empty": 0.01},
    "duplicate_shares": {"exact": 0.02, "near": 0.025},
    "answer_shares": {"short": 0.15, "spam": 0.03},
    "malformed": {"no_title": 2, "truncated": 2, "no_description": 2},
    "faults": {"missing": 4, "rate_limited": 3, "server_error": 3, "permanent_error": 2, "permanent_attempts": 20},
}
_MOBILE_PREFIXES = (
    "130", "133", "135", "136", "138", "139", "150", "152", "157", "158", "159", "166",
    "173", "176", "177", "180", "181", "185", "186", "187", "188", "189", "191", "199",
)  # fmt: skip
_ID_REGIONS = (
    "110101", "110105", "310104", "310115", "440305", "440106", "330106", "320106",
    "510107", "420111", "370102", "410105", "500103", "350102",
)  # fmt: skip
_HOSPITAL_PATTERNS = ("{city}第{num}人民医院", "{cityshort}中心医院", "{cityshort}精神卫生中心")
_SLOT = re.compile(r"\{(?:(pii|keep):)?(\w+)\}")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_BASE_TIME = dt.datetime(2023, 1, 1, 8, 0, 0)

Segment = tuple[str, str | None, str | None]  # (text, "pii"|"keep"|None, kind)
Paragraph = list[Segment]


# --------------------------------------------------------------------------- values


class Values:
    """Seeded generators of realistic (invented) PII and non-PII values."""

    def __init__(self, rng: random.Random, lex: dict[str, Any]) -> None:
        self.rng, self.lex = rng, lex

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def name(self) -> str:
        rng = self.rng
        surname = rng.choice(self.lex["surnames_rare"] if rng.random() < 0.25 else self.lex["surnames_common"])
        given = rng.choice(self.lex["given_2"] if rng.random() < 0.55 else self.lex["given_1"])
        return surname + given

    def given_name(self) -> str:
        return self.rng.choice(self.lex["given_2"])

    def mobile(self) -> str:
        rng = self.rng
        prefix = rng.choice(_MOBILE_PREFIXES)
        number = prefix + self._digits(8)
        a, b, c = number[:3], number[3:7], number[7:]
        style = rng.randrange(7)
        return [
            number,
            f"{a} {b} {c}",
            f"{a}-{b}-{c}",
            f"+86 {a} {b} {c}",
            f"+86{number}",
            f"+86-{number}",
            number.translate(_FULLWIDTH),
        ][style]

    def landline(self) -> str:
        rng = self.rng
        area = rng.choice(["010", "021", "020", "022", "023", "0755", "0571", "028", "027", "0531", "025", "0371"])
        first = rng.choice("2345678")
        number = first + self._digits(7)
        style = rng.randrange(6)
        if style == 0:
            return f"{area}-{number}"
        if style == 1:
            return f"({area}){number}"
        if style == 2:
            return f"（{area}）{number[:4]}-{number[4:]}"
        if style == 3:
            return f"{area}-{number}转{rng.randint(100, 8999)}"
        if style == 4:
            return f"{area} {number[:4]} {number[4:]}"
        return f"{area}-{number}-{rng.randint(10, 999)}"

    def email(self) -> str:
        rng = self.rng
        syl = self.lex["pinyin_syllables"]
        style = rng.randrange(4)
        if style == 0:
            local = f"{rng.randint(10000, 999999999)}"
        elif style == 1:
            local = rng.choice(syl) + rng.choice(syl) + str(rng.randint(1980, 2006))
        elif style == 2:
            local = f"{rng.choice(syl)}_{rng.choice(syl)}{rng.randint(1, 99)}"
        else:
            local = f"{rng.choice(syl)}.{rng.choice(syl)}{rng.choice(syl)}"
        return f"{local}@{rng.choice(self.lex['email_domains'])}"

    def qq(self) -> str:
        return str(self.rng.randint(1, 9)) + self._digits(self.rng.randint(6, 9))

    def wechat(self) -> str:
        rng = self.rng
        syl = self.lex["pinyin_syllables"]
        style = rng.randrange(4)
        if style == 0:
            return "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(12))
        if style == 1:
            return f"{rng.choice(syl)}_{rng.choice(syl)}{rng.randint(1985, 2005)}"
        if style == 2:
            return f"{rng.choice(syl).capitalize()}{rng.choice(syl)}-{rng.randint(10, 999)}"
        return f"{rng.choice(syl)}{rng.choice(syl)}{rng.choice(syl)}{rng.randint(0, 99):02d}"

    def id_card(self) -> str:
        rng = self.rng
        region = rng.choice(_ID_REGIONS)
        birth = _BASE_TIME.date() - dt.timedelta(days=rng.randint(17 * 365, 50 * 365))
        want_x = rng.random() < 0.3
        for _ in range(2000):
            body = f"{region}{birth:%Y%m%d}{self._digits(3)}"
            check = id_card_check_digit(body)
            if (check == "X") == want_x:
                return body + check
        return body + check

    def bank_card(self) -> str:
        rng = self.rng
        prefix = rng.choice(["622202", "622848", "621700", "621483", "622588", "436742", "625965", "622700"])
        length = rng.choice([16, 16, 17, 19, 19])
        body = prefix + self._digits(length - len(prefix) - 1)
        number = body + luhn_check_digit(body)
        if rng.random() < 0.5:
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        return number

    def _city(self) -> tuple[str, str, str]:
        province, city, districts = self.rng.choice(self.lex["provinces_cities"])
        return province, city, self.rng.choice(districts)

    def address(self) -> str:
        rng = self.rng
        province, city, district = self._city()
        road = rng.choice(self.lex["roads"])
        num = rng.randint(1, 999)
        style = rng.randrange(4)
        head = (province if rng.random() < 0.5 else "") + city + district
        if style == 0:
            unit = f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}0{rng.randint(1, 6)}室"
            return f"{head}{road}{num}号{unit}"
        if style == 1:
            estate = rng.choice(self.lex["communities"])
            return f"{city}{district}{road}{num}号{estate}{rng.randint(1, 20)}号楼{rng.randint(101, 2808)}"
        if style == 2:
            return f"{district}{road}{num}弄{rng.randint(1, 60)}号{rng.randint(101, 1204)}室"
        return f"{head}{road}{num}号院{rng.randint(1, 15)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 2605)}"

    def _fill_org(self, pattern: str) -> str:
        _, city, _ = self._city()
        cityshort = city.removesuffix("市")
        return pattern.format(city=city, cityshort=cityshort, num=self.rng.choice("一二三四五六七八九十"),
                              brand=self.rng.choice(self.lex["brands"]))  # fmt: skip

    def school(self) -> str:
        return self._fill_org(self.rng.choice(self.lex["school_patterns"]))

    def employer(self) -> str:
        return self._fill_org(self.rng.choice(self.lex["employer_patterns"]))

    def hospital(self) -> str:
        return self._fill_org(self.rng.choice(_HOSPITAL_PATTERNS))

    def plate(self) -> str:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        head = rng.choice(self.lex["plate_provinces"]) + rng.choice("ABCDEFGH")
        sep = rng.choice(["", "·", ""])
        if rng.random() < 0.3:  # new-energy: D/F + 5 digits, or 5 digits + D/F
            tail = rng.choice("DF") + self._digits(5) if rng.random() < 0.7 else self._digits(5) + rng.choice("DF")
        else:
            chars = [rng.choice("0123456789") for _ in range(5)]
            for pos in rng.sample(range(5), rng.randint(0, 2)):
                chars[pos] = rng.choice(letters)
            tail = "".join(chars)
        return head + sep + tail

    def url(self) -> str:
        rng = self.rng
        syl = self.lex["pinyin_syllables"]
        scheme = rng.choice(["https://", "", "http://", "https://"])
        style = rng.randrange(5)
        if style == 0:
            return f"{scheme}weibo.com/u/{rng.randint(1, 7)}{self._digits(9)}"
        if style == 1:
            return f"{scheme}space.bilibili.com/{rng.randint(1, 9)}{self._digits(rng.randint(6, 9))}"
        if style == 2:
            return f"{scheme}www.douban.com/people/{rng.choice(syl)}{rng.choice(syl)}{rng.randint(1, 999)}/"
        if style == 3:
            return f"{scheme}www.zhihu.com/people/{rng.choice(syl)}-{rng.choice(syl)}-{rng.randint(10, 99)}"
        profile = "".join(rng.choice("0123456789abcdef") for _ in range(24))
        return f"{scheme}www.xiaohongshu.com/user/profile/{profile}"

    def birth_date(self) -> str:
        rng = self.rng
        day = _BASE_TIME.date() - dt.timedelta(days=rng.randint(15 * 365, 45 * 365))
        style = rng.randrange(6)
        return [
            f"{day.year}年{day.month}月{day.day}日",
            f"{day:%Y-%m-%d}",
            f"{day.year % 100:02d}年{day.month}月{day.day}号",
            f"{day:%Y.%m.%d}",
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}号",
        ][style]

    def keep(self, kind: str) -> str:
        plural = {"age": "ages", "year": "years", "duration": "durations", "dose": "doses", "relative": "relatives",
                  "place": "places", "hotline": "hotlines", "book": "books", "famous_name": "famous_names",
                  "score": "scores"}  # fmt: skip
        return self.rng.choice(self.lex[plural[kind]])


def id_card_check_digit(body17: str) -> str:
    """GB 11643 check character of the first 17 digits of a resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return "10X98765432"[total % 11]


def luhn_check_digit(body: str) -> str:
    """Luhn check digit that makes ``body + digit`` a valid card number."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


# --------------------------------------------------------------------------- text


@dataclass
class Context:
    """What fills template slots for one post: its topic keywords and the value generators."""

    values: Values
    keywords: list[str] = field(default_factory=list)
    sub_keywords: list[str] = field(default_factory=list)
    topic_name: str = ""


def fill(template: str, ctx: Context) -> Paragraph:
    """Expand a template into segments; planted values become tagged segments."""
    out: Paragraph = []
    pos = 0
    rng = ctx.values.rng
    for match in _SLOT.finditer(template):
        if match.start() > pos:
            out.append((template[pos : match.start()], None, None))
        cat, kind = match.group(1), match.group(2)
        if cat == "pii":
            value = getattr(ctx.values, kind)()
            out.append((value, "pii", {"given_name": "name", "hospital": "employer"}.get(kind, kind)))
        elif cat == "keep":
            out.append((ctx.values.keep(kind), "keep", kind))
        elif kind == "kw":
            out.append((rng.choice(ctx.keywords), None, None))
        elif kind == "skw":
            out.append((rng.choice(ctx.sub_keywords or ctx.keywords), None, None))
        elif kind == "topic":
            out.append((ctx.topic_name, None, None))
        else:
            raise ValueError(f"unknown template slot {match.group(0)!r} in {template!r}")
        pos = match.end()
    if pos < len(template):
        out.append((template[pos:], None, None))
    return out


def plain(paragraphs: Sequence[Paragraph]) -> str:
    """The text a crawler extracts: paragraphs joined by a newline."""
    return "\n".join("".join(seg[0] for seg in para) for para in paragraphs)


def spans(paragraphs: Sequence[Paragraph], field_name: str, answer_index: int | None) -> dict[str, list[dict]]:
    """Planted spans of a field, with their offsets in its plain text."""
    found: dict[str, list[dict]] = {"pii": [], "keep": []}
    offset = 0
    for para in paragraphs:
        for text, cat, kind in para:
            if cat:
                found[cat].append(
                    {"field": field_name, "answer_index": answer_index, "text": text, "kind": kind, "start": offset}
                )
            offset += len(text)
        offset += 1
    return found


def convert(paragraphs: Sequence[Paragraph], converter: Any) -> list[Paragraph]:
    """Segment-wise OpenCC conversion, so planted spans stay exact substrings."""
    return [[(converter.convert(t), c, k) for t, c, k in para] for para in paragraphs]


# --------------------------------------------------------------------------- posts


@dataclass
class Post:
    """One question of the demo site with its answers and ground-truth labels."""

    index: int
    post_id: str = ""
    topic_id: str | None = None
    subtopic_id: str | None = None
    title: Paragraph = field(default_factory=list)
    description: list[Paragraph] = field(default_factory=list)
    answers: list[list[Paragraph]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    noise: str | None = None
    script: str = "simplified"
    exact_duplicate_of: str | None = None
    near_duplicate_of: str | None = None
    malformed: str | None = None
    fault: str | None = None
    short_answers: list[int] = field(default_factory=list)
    spam_answers: list[int] = field(default_factory=list)
    asked_at: dt.datetime = _BASE_TIME


class Generator:
    """Builds the posts of one site from a seed, the taxonomy and the lexicon."""

    def __init__(self, seed: int, taxonomy: dict[str, Any], lex: dict[str, Any], opts: dict[str, Any]) -> None:
        self.rng = random.Random(seed)
        self.values = Values(self.rng, lex)
        self.lex, self.opts = lex, opts
        self.topics = {t["id"]: t for t in taxonomy["topics"]}
        self._pii_deck: list[str] = []
        self._keep_deck: list[str] = []

    # decks keep every kind well represented without one fixed template per kind
    def _draw(self, deck: list[str], kinds: Sequence[str]) -> str:
        if not deck:
            deck.extend(kinds)
            self.rng.shuffle(deck)
        return deck.pop()

    def _context(self, topic_id: str, subtopic_id: str) -> Context:
        topic = self.topics[topic_id]
        sub = next(s for s in topic["subtopics"] if s["id"] == subtopic_id)
        keywords = [k for k in topic.get("keywords") or [] if k] or [topic["name"]]
        sub_keywords = [k for k in sub.get("keywords") or [] if k] or [sub["name"]]
        return Context(self.values, keywords, sub_keywords, topic["name"])

    def _pii_sentence(self, ctx: Context) -> Paragraph:
        kind = self._draw(self._pii_deck, [*PII_KINDS, "name", "name", "given_name"])
        rng = self.rng
        if kind == "name":
            return fill(rng.choice(self.lex["name_templates"]), ctx) + fill(rng.choice(self.lex["desc_body"]), ctx)
        if kind == "given_name":
            return fill(rng.choice(self.lex["given_name_templates"]), ctx) + fill(
                rng.choice(self.lex["desc_body"]), ctx
            )
        return fill(rng.choice(self.lex["pii_templates"][kind]), ctx)

    def _keep_sentence(self, ctx: Context) -> Paragraph:
        kind = self._draw(self._keep_deck, KEEP_KINDS)
        prefix = fill(self.rng.choice(self.lex["keep_templates"][kind]), ctx)
        return prefix + fill(self.rng.choice(self.lex["desc_body"]), ctx)

    def psych_title(self, ctx: Context) -> Paragraph:
        rng = self.rng
        title = fill(rng.choice(self.lex["title_templates"]), ctx)
        if rng.random() < 0.04:
            extra = rng.choice(["我叫{pii:name}，", "急！{pii:mobile} ", "求助（微信{pii:wechat}）"])
            title = fill(extra, ctx) + title
        return title

    def psych_description(self, ctx: Context) -> list[Paragraph]:
        rng, lex = self.rng, self.lex
        target = rng.randint(150, 380)
        n_pii = rng.choices([0, 1, 2, 3], weights=[25, 35, 25, 15])[0]
        n_keep = rng.choices([0, 1, 2, 3], weights=[15, 40, 30, 15])[0]
        sentences: list[Paragraph] = [self._pii_sentence(ctx) for _ in range(n_pii)]
        sentences += [self._keep_sentence(ctx) for _ in range(n_keep)]
        bodies = rng.sample(lex["desc_body"], len(lex["desc_body"]))
        rng.shuffle(sentences)
        length = sum(len(plain([s])) for s in sentences)
        while length < target and bodies:
            sentence = fill(bodies.pop(), ctx)
            sentences.insert(rng.randint(0, len(sentences)), sentence)
            length += len(plain([sentence]))
        opener = fill(rng.choice(lex["desc_openers"]), ctx)
        closer = fill(rng.choice(lex["desc_closers"]), ctx)
        n_paras = rng.choice([1, 2, 2, 3])
        cut = sorted(rng.sample(range(1, len(sentences)), min(n_paras - 1, len(sentences) - 1))) if sentences else []
        paras: list[Paragraph] = []
        start = 0
        for end in [*cut, len(sentences)]:
            paras.append([seg for s in sentences[start:end] for seg in s])
            start = end
        paras[0] = opener + paras[0]
        paras[-1] = paras[-1] + closer
        return [p for p in paras if p]

    def psych_answer(self, ctx: Context) -> list[Paragraph]:
        rng, lex = self.rng, self.lex
        target = rng.choices([rng.randint(150, 300), rng.randint(300, 600)], weights=[60, 40])[0]
        middle: list[Paragraph] = []
        if rng.random() < 0.45:
            middle.append(fill(rng.choice(lex["answer_keep_templates"]), ctx))
        if rng.random() < 0.12:
            middle.append(fill(rng.choice(lex["answer_pii_templates"]), ctx))
        bodies = rng.sample(lex["answer_body"], len(lex["answer_body"]))
        opener = fill(rng.choice(lex["answer_openers"]), ctx)
        closer = fill(rng.choice(lex["answer_closers"]), ctx)
        length = len(plain([opener, closer])) + sum(len(plain([m])) for m in middle)
        while (length < target or len(middle) < 2) and bodies:
            sentence = fill(bodies.pop(), ctx)
            middle.insert(rng.randint(0, len(middle)), sentence)
            length += len(plain([sentence]))
        paras = [opener]
        chunk = rng.choice([2, 3, 4])
        for i in range(0, len(middle), chunk):
            paras.append([seg for s in middle[i : i + chunk] for seg in s])
        paras[-1] = paras[-1] + closer
        return paras

    def answers(self, post: Post, ctx: Context | None, kind: str) -> list[list[Paragraph]]:
        """1-8 answers; some short (<= 100 chars), some spam; noise posts get few, short ones."""
        rng, lex = self.rng, self.lex
        shares = self.opts["answer_shares"]
        n = rng.choices(range(1, 9), weights=[14, 22, 22, 16, 10, 7, 5, 4])[0]
        if kind != "psych":
            n = rng.randint(1, 3)
        out: list[list[Paragraph]] = []
        for i in range(n):
            roll = rng.random()
            if roll < shares["spam"]:
                out.append([fill(rng.choice(lex["spam_answers"]), ctx or Context(self.values))])
                post.spam_answers.append(i)
            elif kind == "offtopic":
                out.append([fill(rng.choice(lex["offtopic_answers"]), Context(self.values))])
            elif kind != "psych" or roll < shares["spam"] + shares["short"]:
                pool = lex["short_answers"] if ctx else [t for t in lex["short_answers"] if "{" not in t]
                out.append([fill(rng.choice(pool), ctx or Context(self.values))])
            else:
                out.append(self.psych_answer(ctx))
        return out

    def tags(self, topic_id: str | None) -> list[str]:
        rng = self.rng
        generic = rng.sample(self.lex["generic_tags"], rng.randint(1, 2))
        if topic_id and rng.random() < self.opts["site_tag_share"]:
            return [self.topics[topic_id]["name"], *generic[:1]]
        return generic


def _allocate(n: int, shares: dict[str, float]) -> dict[str, int]:
    return {key: (max(1, round(share * n)) if share > 0 else 0) for key, share in sorted(shares.items())}


def _topic_labels(n: int, shares: dict[str, float], topic_ids: list[str], rng: random.Random) -> list[str]:
    """Exactly-proportioned topic labels: the named shares, the rest round-robin over other topics."""
    labels: list[str] = []
    for tid, share in sorted(shares.items()):
        if tid not in topic_ids:
            raise InputError(f"demo_site.topic_shares: {tid} is not a topic of the taxonomy")
        labels += [tid] * round(share * n)
    others = [t for t in topic_ids if t not in shares]
    rest = n - len(labels)
    if rest < 0:
        raise InputError("demo_site.topic_shares add up to more than 1")
    offset = rng.randrange(len(others)) if others else 0
    labels += [others[(offset + i) % len(others)] for i in range(rest)] if others else [labels[-1]] * rest
    rng.shuffle(labels)
    return labels


def _near_edit(post: Post, source: Post, rng: random.Random) -> None:
    """A near-duplicate: the same question with a small edit to its literal text only."""
    post.title = list(source.title)
    post.description = [list(p) for p in source.description]
    edit = rng.randrange(4)
    if edit == 0:
        post.title = [("求助：", None, None), *post.title]
    elif edit == 1:
        post.description[-1] = [*post.description[-1], ("补充一下，这几天情况好像更严重了。", None, None)]
    elif edit == 2:
        post.title = [*post.title, ("（再发一次）", None, None)]
        post.description[-1] = [*post.description[-1], ("谢谢大家。", None, None)]
    else:
        para = post.description[0]
        idx = next((i for i, s in enumerate(para) if s[1] is None and "，" in s[0]), None)
        if idx is None:
            post.description[0] = [("真的", None, None), *para]
        else:
            text = para[idx][0].replace("，", "。", 1)
            post.description[0] = [*para[:idx], (text, None, None), *para[idx + 1 :]]


def build_posts(seed: int, n_questions: int, taxonomy: dict[str, Any], lex: dict[str, Any], opts: dict[str, Any]):
    """All posts of the site, in id order, with their labels."""
    gen = Generator(seed, taxonomy, lex, opts)
    rng = gen.rng
    n = n_questions
    roles: list[str | None] = [None] * n
    order = list(range(n))
    rng.shuffle(order)
    wanted: list[tuple[str, int]] = []
    for key, count in _allocate(n, opts["noise_shares"]).items():
        wanted.append((f"noise:{key}", count))
    for key, count in _allocate(n, opts["duplicate_shares"]).items():
        wanted.append((f"dup:{key}", count))
    wanted.append(("traditional", _allocate(n, {"t": opts["traditional_share"]})["t"]))
    for key, count in sorted(opts["malformed"].items()):
        wanted.append((f"malformed:{key}", count))
    faults = opts["faults"]
    for key in ("missing", "rate_limited", "server_error", "permanent_error"):
        wanted.append((f"fault:{key}", faults[key]))
    if sum(c for _, c in wanted) > n // 2:
        raise InputError("demo_site: noise, duplicates, malformed pages and faults exceed half the questions")
    cursor = 0
    for role, count in wanted:
        for idx in order[cursor : cursor + count]:
            roles[idx] = role
        cursor += count

    topic_ids = list(gen.topics)
    psych = [i for i in range(n) if not (roles[i] or "").startswith("noise:") or roles[i] == "noise:empty"]
    labels = iter(_topic_labels(len(psych), opts["topic_shares"], topic_ids, rng))
    posts = [Post(index=i) for i in range(n)]
    next_id = 10000 + rng.randint(1, 500)
    when = _BASE_TIME
    for post in posts:
        post.post_id = str(next_id)
        next_id += rng.randint(1, 9)
        when += dt.timedelta(minutes=rng.randint(20, 600), seconds=rng.randint(0, 59))
        post.asked_at = when
    for i in psych:
        post = posts[i]
        post.topic_id = next(labels)
        post.subtopic_id = rng.choice(gen.topics[post.topic_id]["subtopics"])["id"]

    def fill_psych(post: Post, role: str) -> None:
        ctx = gen._context(post.topic_id, post.subtopic_id)
        post.title = gen.psych_title(ctx)
        post.description = gen.psych_description(ctx)
        post.tags = gen.tags(post.topic_id)
        post.answers = gen.answers(post, ctx, "psych")
        if role in ("noise:empty", "malformed:no_description"):
            post.noise = "empty"
            post.description = []
        if role.startswith("malformed:"):
            post.malformed = role.split(":")[1]
        if role.startswith("fault:"):
            post.fault = {"missing": "404", "rate_limited": "429", "server_error": "500",
                          "permanent_error": "500-permanent"}[role.split(":")[1]]  # fmt: skip
        post.script = "traditional" if role == "traditional" else "simplified"

    for post in posts:
        role = roles[post.index] or ""
        if role in ("noise:ad", "noise:spam"):
            kind = role.split(":")[1]
            block = lex["ads" if kind == "ad" else "spam"]
            ctx = Context(gen.values)
            post.noise = kind
            post.title = fill(rng.choice(block["title"]), ctx)
            post.description = [fill(rng.choice(block["body"]), ctx)]
            post.tags = rng.sample(lex["generic_tags"], 1)
            post.answers = gen.answers(post, None, kind)
        elif role == "noise:offtopic":
            item = rng.choice(lex["offtopic"])
            ctx = Context(gen.values)
            post.noise = "offtopic"
            post.title = fill(item["title"], ctx)
            post.description = [fill(item["body"], ctx)]
            post.tags = [rng.choice(["求助", "生活", "闲聊"])]
            post.answers = gen.answers(post, None, "offtopic")
        elif not role.startswith("dup:"):
            fill_psych(post, role)
    # duplicates last: their sources (ordinary posts) are complete by now
    normal = [p for p in posts if roles[p.index] is None]
    for post in posts:
        role = roles[post.index] or ""
        if not role.startswith("dup:"):
            continue
        source = rng.choice(normal)
        post.topic_id, post.subtopic_id = source.topic_id, source.subtopic_id
        fill_psych(post, role)
        post.tags = list(source.tags)
        if role == "dup:exact":
            post.title, post.description = list(source.title), [list(p) for p in source.description]
            post.exact_duplicate_of = source.post_id
        else:
            _near_edit(post, source, rng)
            post.near_duplicate_of = source.post_id
    return posts


# --------------------------------------------------------------------------- HTML


def _p(paragraphs: Sequence[Paragraph]) -> str:
    return "".join(f"<p>{html.escape(''.join(s[0] for s in para), quote=False)}</p>" for para in paragraphs)


def _time(css_class: str, when: dt.datetime) -> str:
    return f'<time class="{css_class}" datetime="{when:%Y-%m-%dT%H:%M:%S}">{when:%Y-%m-%d %H:%M}</time>'


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title, quote=False)}</title>\n</head>\n<body>\n"
        '<div class="site-header"><a href="/list/1.html">心语问答</a> · '
        '<a href="/private/members.html">会员中心</a></div>\n'
        f"{body}\n</body>\n</html>\n"
    )


def question_html(post: Post, title: str, description: list[Paragraph], answers: list[list[Paragraph]],
                  tags: list[str], answer_ids: list[int], authors: list[str], rng: random.Random) -> str:  # fmt: skip
    """The question page; malformed variants drop the title, the description or the tail."""
    parts = ['<div class="question">']
    if post.malformed != "no_title":
        parts.append(f'<h1 class="question-title">{html.escape(title, quote=False)}</h1>')
    if post.malformed != "no_description":
        parts.append(f'<div class="question-desc">{_p(description)}</div>')
    head = "\n".join(parts)
    tag_links = "".join(f'<a class="tag">{html.escape(t)}</a>' for t in tags)
    parts.append(f'<div class="question-tags">{tag_links}</div>')
    parts.append(
        f'<div class="question-meta"><span class="asker">匿名用户</span> {_time("question-time", post.asked_at)}</div>'
    )
    parts.append("</div>")
    parts.append(f'<div class="answers"><h2>{len(answers)}个回答</h2>')
    when = post.asked_at
    for answer, aid in zip(answers, answer_ids, strict=True):
        when += dt.timedelta(minutes=rng.randint(5, 3000))
        author = rng.choice(authors)
        parts.append(
            f'<div class="answer" data-answer-id="{aid}"><div class="answer-text">{_p(answer)}</div>'
            f'<span class="answer-author">{html.escape(author)}</span>'
            f'<span class="answer-votes">{rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 37, 64, 150])}</span>'
            f"{_time('answer-time', when)}</div>"
        )
    parts.append("</div>")
    page = _page(f"{title} - 心语问答" if post.malformed != "no_title" else "心语问答", "\n".join(parts))
    if post.malformed == "truncated":
        cut = page.index(head) + len(head)
        page = page[:cut] + '\n<div class="question-tags"><a cla'
    return page


def list_html(page_no: int, n_pages: int, items: list[tuple[str, str, str]]) -> str:
    """A list page of (post_id, title, category) with the contract's pagination link."""
    lis = "\n".join(
        f'<li class="question-item"><a class="question-link" href="/question/{pid}.html">'
        f'{html.escape(title, quote=False)}</a> <span class="category">{html.escape(cat)}</span></li>'
        for pid, title, cat in items
    )
    pager = []
    if page_no > 1:
        pager.append(f'<a class="prev-page" href="/list/{page_no - 1}.html">上一页</a>')
    if page_no < n_pages:
        pager.append(f'<a class="next-page" href="/list/{page_no + 1}.html">下一页</a>')
    body = (
        f'<h1 class="list-title">最新问题 · 第{page_no}页</h1>\n<ul class="question-list">\n{lis}\n</ul>\n'
        f'<div class="pager">{" ".join(pager)}</div>'
    )
    return _page(f"最新问题 第{page_no}页 - 心语问答", body)


# --------------------------------------------------------------------------- site


def load_yaml(path: str | Path, what: str) -> dict[str, Any]:
    """Read a YAML mapping; a missing or broken file is a clear InputError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"{path}: {what} not found") from err
    except yaml.YAMLError as err:
        raise InputError(f"{path}: {what} is not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise InputError(f"{path}: {what} must be a YAML mapping")
    return data


def _options(overrides: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise InputError(f"demo_site: unknown settings {unknown}; known: {sorted(DEFAULTS)}")
    merged = {**DEFAULTS, **overrides}
    for key, value in overrides.items():  # a partial mapping overrides only the keys it names
        if isinstance(DEFAULTS[key], dict) and isinstance(value, dict) and key != "topic_shares":
            merged[key] = {**DEFAULTS[key], **value}
    return merged


def generate_site(
    out_dir: str | Path,
    ground_truth_path: str | Path,
    *,
    seed: int,
    n_questions: int,
    taxonomy_path: str | Path = DEFAULT_TAXONOMY,
    lexicon_path: str | Path = DEFAULT_LEXICON,
    **settings: Any,
) -> dict[str, int]:
    """Write the site to ``out_dir`` (replacing it) and the ground truth; return counts.

    Same seed and inputs give identical bytes. ``settings`` are the other keys of the ``demo_site``
    config section (see ``DEFAULTS``).
    """
    import opencc

    opts = _options(settings)
    taxonomy = load_yaml(taxonomy_path, "taxonomy")
    lex = load_yaml(lexicon_path, "demo-site lexicon")
    if n_questions < 20:
        raise InputError("demo_site.n_questions must be at least 20")
    posts = build_posts(seed, n_questions, taxonomy, lex, opts)
    rng = random.Random(seed + 1)
    s2t = opencc.OpenCC("s2t")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    rows: list[dict[str, Any]] = []
    listed: list[tuple[str, str, str]] = []
    faults: dict[str, list[int]] = {}
    answer_id = 700000
    counts = {"questions": 0, "pages": 0, "answers": 0, "pii": 0, "keep": 0}
    try:
        (tmp / "question").mkdir()
        (tmp / "list").mkdir()
        (tmp / "private").mkdir()
        for post in posts:
            title, desc, answers, tags = [post.title], post.description, post.answers, post.tags
            if post.script == "traditional":
                title, desc = convert(title, s2t), convert(desc, s2t)
                answers = [convert(a, s2t) for a in answers]
                tags = [s2t.convert(t) for t in tags]
            title_text = plain(title)
            ids = list(range(answer_id, answer_id + len(answers)))
            answer_id += len(answers) + rng.randint(0, 3)
            found: dict[str, list[dict]] = {"pii": [], "keep": []}
            served_title = post.malformed != "no_title"
            served_answers = post.malformed != "truncated"
            parts = [("title", None, title)] if served_title else []
            parts.append(("description", None, desc))
            if served_answers:
                parts += [("answer", i, a) for i, a in enumerate(answers)]
            if post.fault in ("404", "500-permanent"):
                parts = []
            for field_name, idx, paras in parts:
                for cat, items in spans(paras, field_name, idx).items():
                    found[cat] += items
            if post.script == "traditional":  # the planted value before s2t, for checks after t2s
                source = {"title": [post.title], "description": post.description}
                for cat in ("pii", "keep"):
                    originals = []
                    for field_name, idx, _ in parts:
                        paras = source[field_name] if idx is None else post.answers[idx]
                        originals += spans(paras, field_name, idx)[cat]
                    for span, original in zip(found[cat], originals, strict=True):
                        span["simplified"] = original["text"]
            page = question_html(post, title_text, desc, answers, tags, ids, lex["authors"], rng)
            path = f"/question/{post.post_id}.html"
            if post.fault != "404":
                (tmp / "question" / f"{post.post_id}.html").write_text(page, encoding="utf-8")
                counts["pages"] += 1
            if post.fault == "429":
                faults[path] = [429]
            elif post.fault == "500":
                faults[path] = [500] * rng.randint(1, 2)
            elif post.fault == "500-permanent":
                faults[path] = [500] * opts["faults"]["permanent_attempts"]
            listed.append((post.post_id, title_text, tags[0] if tags else "问答"))
            answer_texts = [plain(a) for a in answers]
            visible = post.fault not in ("404", "500-permanent")
            rows.append(
                {
                    "post_id": post.post_id,
                    "url_path": path,
                    "topic_id": post.topic_id,
                    "subtopic_id": post.subtopic_id,
                    "noise": post.noise,
                    "script": post.script,
                    "exact_duplicate_of": post.exact_duplicate_of,
                    "near_duplicate_of": post.near_duplicate_of,
                    "malformed": post.malformed is not None,
                    "malformed_kind": post.malformed,
                    "fault": post.fault,
                    "tags": tags,
                    "n_answers": len(answers) if served_answers and visible else 0,
                    "pii": found["pii"],
                    "keep": found["keep"],
                    "short_answer_indices": [i for i, t in enumerate(answer_texts) if len(t) <= 100],
                    "spam_answer_indices": list(post.spam_answers),
                }
            )
            counts["questions"] += 1
            counts["answers"] += len(answers)
            counts["pii"] += len(found["pii"])
            counts["keep"] += len(found["keep"])
        listed.reverse()  # newest first, as forums list them
        size = opts["page_size"]
        n_pages = (len(listed) + size - 1) // size
        for page_no in range(1, n_pages + 1):
            items = listed[(page_no - 1) * size : page_no * size]
            (tmp / "list" / f"{page_no}.html").write_text(list_html(page_no, n_pages, items), encoding="utf-8")
        if n_pages >= 3:
            faults["/list/3.html"] = [429]
        (tmp / "index.html").write_text(
            _page("心语问答", '<a class="list-start" href="/list/1.html">最新问题</a>'), encoding="utf-8"
        )
        (tmp / "private" / "members.html").write_text(
            _page("会员中心", '<p class="private">会员资料，禁止抓取。</p>'), encoding="utf-8"
        )
        (tmp / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
        lines = [f"  {json.dumps(path)}: {json.dumps(statuses)}" for path, statuses in sorted(faults.items())]
        (tmp / "_faults.json").write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    write_jsonl(ground_truth_path, rows)
    counts["list_pages"] = n_pages
    counts["faults"] = len(faults)
    return counts


# --------------------------------------------------------------------------- server


def load_faults(site_dir: str | Path) -> dict[str, list[int]]:
    """The site's planned failures: {path: [status, ...]} served in order before the real page."""
    path = Path(site_dir) / "_faults.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): [int(s) for s in v] for k, v in data.items()}


_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


def _handler(root: Path, faults: dict[str, deque[int]], lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "DemoQA/1.0"

        def _respond(self, head_only: bool) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            with lock:
                queue = faults.get(path)
                status = queue.popleft() if queue else None
            if status is not None:
                body = f"error {status}\n".encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head_only:
                    self.wfile.write(body)
                return
            rel = "index.html" if path in ("", "/") else path.lstrip("/")
            target = (root / rel).resolve()
            if (
                not target.is_relative_to(root)
                or not target.is_file()
                or any(part.startswith(("_", ".")) for part in Path(rel).parts)
            ):
                body = b"<html><body><h1>404 Not Found</h1></body></html>"
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            else:
                body = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", _TYPES.get(target.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def do_GET(self) -> None:  # http.server API
            self._respond(head_only=False)

        def do_HEAD(self) -> None:
            self._respond(head_only=True)

        def log_message(self, format: str, *args: Any) -> None:
            LOG.debug("%s " + format, self.address_string(), *args)

    return Handler


@contextlib.contextmanager
def serve_site(site_dir: str | Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve a generated site on a threaded loopback server for the block; yield its base URL.

    Faults from ``_faults.json`` are replayed per path, in order, once per server instance.
    """
    root = Path(site_dir).resolve()
    if not root.is_dir():
        raise InputError(f"{site_dir}: no demo site here; run the demo_site rule first")
    faults = {path: deque(statuses) for path, statuses in load_faults(root).items()}
    server = ThreadingHTTPServer((host, port), _handler(root, faults, threading.Lock()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host}:{bound_port}"
    LOG.info("serving %s at %s", root, url)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> None:
    """`generate` the site (rule demo_site) or `serve` it for a human to browse."""
    parser = step_parser("Generate or serve the synthetic demo counselling Q&A site.")
    parser.add_argument("command", choices=["generate", "serve"])
    parser.add_argument("--site", required=True, help="site directory (written by generate, read by serve)")
    parser.add_argument("--ground-truth", help="ground_truth.jsonl to write (generate)")
    parser.add_argument("--taxonomy", default=str(DEFAULT_TAXONOMY), help="taxonomy YAML (generate)")
    parser.add_argument("--lexicon", default=str(DEFAULT_LEXICON), help="lexicon/templates YAML (generate)")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (serve)")
    parser.add_argument("--port", type=int, default=8000, help="port (serve; 0 picks a free one)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        import time

        with serve_site(args.site, args.host, args.port) as url:
            print(f"demo site at {url}/list/1.html (Ctrl-C to stop)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return
    if not args.ground_truth:
        parser.error("generate needs --ground-truth")
    section = dict(args.params.get("demo_site", args.params))
    if "seed" not in section or "n_questions" not in section:
        raise InputError("--params must carry demo_site.seed and demo_site.n_questions")
    seed, n_questions = section.pop("seed"), section.pop("n_questions")
    with recorded_step(
        args.rule, [args.taxonomy, args.lexicon], [args.site, args.ground_truth], params=args.params, seed=seed
    ) as facts:
        counts = generate_site(
            args.site,
            args.ground_truth,
            seed=seed,
            n_questions=n_questions,
            taxonomy_path=args.taxonomy,
            lexicon_path=args.lexicon,
            **section,
        )
        facts.update(counts)
    LOG.info("demo site: %s", counts)


if __name__ == "__main__":
    run_main(main)
