"""The Chain-of-Empathy output format, defined once.

Distillation writes it, SFT teaches it, the format reward checks it and generation strips
it. The paper's format::

    <empathy_think><L1>…</L1><L2>…</L2><L3>…</L3><L4>…</L4></empathy_think><answer>…</answer>

L1 emotions and context, L2 causes and beliefs, L3 intent, L4 response strategy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("L1", "L2", "L3", "L4")
LEVEL_NAMES = {
    "L1": "情绪与情境 (emotions and context)",
    "L2": "原因与信念 (causes and beliefs)",
    "L3": "意图分析 (intent)",
    "L4": "回应策略 (response strategy)",
}
_COE_RE = re.compile(
    r"^\s*<empathy_think>\s*"
    + r"\s*".join(rf"<{lvl}>(?P<{lvl}>.*?)</{lvl}>" for lvl in LEVELS)
    + r"\s*</empathy_think>\s*<answer>(?P<answer>.*?)</answer>\s*$",
    re.DOTALL,
)
_ANSWER_RE = re.compile(r"^\s*<answer>(?P<answer>.*?)</answer>\s*$", re.DOTALL)


@dataclass(frozen=True)
class CoE:
    """A parsed chain: the four levels and the user-facing answer."""

    levels: dict[str, str]
    answer: str


def format_coe(levels: dict[str, str], answer: str) -> str:
    """Render levels and answer in the CoE format (no whitespace between tags)."""
    missing = [lvl for lvl in LEVELS if not levels.get(lvl, "").strip()]
    if missing:
        raise ValueError(f"CoE levels missing or empty: {missing}")
    think = "".join(f"<{lvl}>{levels[lvl].strip()}</{lvl}>" for lvl in LEVELS)
    return f"<empathy_think>{think}</empathy_think><answer>{answer.strip()}</answer>"


def format_answer_only(answer: str) -> str:
    """The w/o-CoE variant's format: the answer tag alone."""
    return f"<answer>{answer.strip()}</answer>"


def parse_coe(text: str) -> CoE | None:
    """Parse a full CoE completion; None unless every level and the answer are non-empty."""
    match = _COE_RE.match(text)
    if not match:
        return None
    parts = {key: value.strip() for key, value in match.groupdict().items()}
    if not all(parts.values()):
        return None
    return CoE(levels={lvl: parts[lvl] for lvl in LEVELS}, answer=parts["answer"])


def parse_answer_only(text: str) -> str | None:
    """Parse the answer-only format; None when it does not match or is empty."""
    match = _ANSWER_RE.match(text)
    answer = match.group("answer").strip() if match else ""
    return answer or None


def extract_answer(text: str) -> tuple[str, bool]:
    """The text to score: the answer when the output parses, else the raw output (flag False)."""
    parsed = parse_coe(text)
    if parsed is not None:
        return parsed.answer, True
    answer = parse_answer_only(text)
    if answer is not None:
        return answer, True
    return text.strip(), False
