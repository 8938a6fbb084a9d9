"""The anonymizer: replaces analyzer spans with per-post numbered placeholders ([姓名1], [电话2] ...).

Within one post the same value always gets the same placeholder, also when written differently
(138 1234 5678 = 13812345678, full-width digits); numbering continues after placeholders already in the text,
so anonymising twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workflow_scripts.data.pii.analyzer import find_pii_post, given_name_aliases
from workflow_scripts.data.pii.base import KINDS, LABELS, PLACEHOLDER_RE, Span, digits, normalize_width

_DIGIT_KINDS = {"phone", "qq", "id_card", "bank_card"}


def canonical(kind: str, value: str) -> str:
    """The value a placeholder stands for, independent of how it was written."""
    value = normalize_width(value)
    if kind in _DIGIT_KINDS:
        d = digits(value)
        if kind == "phone" and len(d) > 11 and d.startswith(("0086", "86")):
            d = d[4:] if d.startswith("0086") else d[2:]
        return d + ("X" if value.rstrip()[-1:] in "Xx" else "")
    if kind == "plate":
        return re.sub(r"[\s·•・.\-]", "", value.lower())
    if kind in ("email", "url", "wechat"):
        return value.lower().strip()
    return value.strip()


class Placeholders:
    """Per-post placeholder numbering: one number per (kind, canonical value); a given name alone shares the
    number of the full name it stands for (``aliases``: 梦琪 -> 钟梦琪)."""

    def __init__(self, texts: Sequence[str], aliases: dict[str, str] | None = None) -> None:
        self.aliases = aliases or {}
        self.next: dict[str, int] = dict.fromkeys(KINDS, 1)
        by_label = {v: k for k, v in LABELS.items()}
        for t in texts:
            for m in PLACEHOLDER_RE.finditer(t):
                kind = by_label[m.group(1)]
                self.next[kind] = max(self.next[kind], int(m.group(2)) + 1)
        self.ids: dict[tuple[str, str], int] = {}

    def get(self, kind: str, value: str) -> str:
        value = self.aliases.get(value, value) if kind == "name" else value
        key = (kind, canonical(kind, value))
        if key not in self.ids:
            self.ids[key] = self.next[kind]
            self.next[kind] += 1
        return f"[{LABELS[kind]}{self.ids[key]}]"


def replace(text: str, spans: Sequence[Span], ph: Placeholders) -> str:
    """``text`` with each span replaced by its placeholder; every other character copied verbatim."""
    out: list[str] = []
    last = 0
    for s, e, kind in spans:
        out += [text[last:s], ph.get(kind, text[s:e])]
        last = e
    out.append(text[last:])
    return "".join(out)


def anonymize_post(title: str, description: str, answers: list[str]) -> tuple[str, str, list[str]]:
    """Anonymise a whole post with one placeholder numbering (the same value -> the same placeholder)."""
    texts = [title or "", description or "", *[a or "" for a in answers]]
    spans = find_pii_post(texts)
    found = {t[s:e] for t, sp in zip(texts, spans, strict=True) for s, e, k in sp if k == "name"}
    ph = Placeholders(texts, given_name_aliases(found))
    out = [replace(t, sp, ph) for t, sp in zip(texts, spans, strict=True)]
    return out[0], out[1], out[2:]


def anonymize_text(text: str) -> str:
    """Anonymise one text on its own (placeholders numbered from 1 within it)."""
    return anonymize_post("", text, [])[1] if text else (text or "")
