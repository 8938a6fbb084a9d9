"""The offline demo teacher: NOT a language model.

It lets the embedded demo run the distillation path end to end without network or money:
it reads the rendered prompt (exactly what an API teacher would see), matches the post
against small lexicons of emotions, causes, intents and strategies, and fills fixed
sentence templates into a well-formed CoE chain whose answer is the reference answer.
Deterministic: the same prompt and lexicons give the same reply, byte for byte. Every chain
it produces is labelled ``demo-lexicon-teacher (not a language model)``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from workflow_scripts import coe
from workflow_scripts.common.io import InputError
from workflow_scripts.distill.prompts import parse_user_message
from workflow_scripts.distill.teacher import Messages, Reply, TransientError

DEMO_LABEL = "demo-lexicon-teacher (not a language model)"
LEXICON_KINDS = ("emotions", "causes", "intents", "strategies")


def load_lexicons(paths: Mapping[str, str | os.PathLike[str]]) -> tuple[dict[str, Any], str]:
    """Read the four lexicon files; return them and a short hash of their bytes (part of the cache key)."""
    digest = hashlib.sha256()
    lexicons: dict[str, Any] = {}
    for kind in LEXICON_KINDS:
        if kind not in paths:
            raise InputError(f"distill.demo.lexicons lacks the '{kind}' file")
        raw = Path(paths[kind]).read_bytes()
        digest.update(kind.encode() + b"\0" + raw)
        try:
            lexicons[kind] = yaml.safe_load(raw)
        except yaml.YAMLError as err:
            raise InputError(f"{paths[kind]}: not valid YAML ({err})") from err
        if not isinstance(lexicons[kind], dict) or "default" not in lexicons[kind]:
            raise InputError(f"{paths[kind]}: expected a mapping with a 'default' entry")
    return lexicons, digest.hexdigest()[:12]


def matching_entries(text: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries whose keywords occur in ``text``, ordered by first occurrence (lexicon order on ties)."""
    found = []
    for rank, entry in enumerate(entries or []):
        positions = [text.find(k) for k in entry.get("keywords", []) if k and k in text]
        if positions:
            found.append((min(positions), rank, entry))
    return [entry for _, _, entry in sorted(found, key=lambda item: item[:2])]


class DemoTeacher:
    """Lexicon-and-template chains from the prompt alone; implements the ``Teacher`` protocol."""

    kind = "demo"
    label = DEMO_LABEL

    def __init__(self, lexicons: dict[str, Any], lexicon_hash: str):
        self.lexicons = lexicons
        self.model_id = f"demo-lexicon-teacher/{lexicon_hash}"

    def complete(self, messages: Messages, params: dict[str, Any]) -> Reply:
        """Build a CoE chain for the post in the last user message (``params`` are ignored)."""
        user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
        try:
            post = parse_user_message(user)
        except ValueError as err:  # a prompt the demo teacher cannot read is a malformed exchange
            raise TransientError(f"demo teacher: {err}") from err
        levels, answer = self.chain(post["title"], post["description"], post["answer"])
        return Reply(content=coe.format_coe(levels, answer), model=self.model_id, finish_reason="stop")

    def chain(self, title: str, description: str, answer: str) -> tuple[dict[str, str], str]:
        """The four levels for a post, and the answer (the reference answer, unchanged)."""
        lex = self.lexicons
        text = f"{title}\n{description}"
        emotions = [e["name"] for e in matching_entries(text, lex["emotions"].get("emotions"))][:2] or [
            lex["emotions"]["default"]
        ]
        cause = (matching_entries(text, lex["causes"].get("causes")) or [lex["causes"]["default"]])[0]
        intent = (matching_entries(text, lex["intents"].get("intents")) or [lex["intents"]["default"]])[0]
        strat = lex["strategies"]
        fill = {"emotion": "、".join(emotions), "belief": cause["belief"]}
        middle = strat.get("strategies", {}).get(intent["intent"], strat["default"])
        topic = title.strip().rstrip("？?。！!") or "自己的困扰"
        levels = {
            "L1": (
                f"求助者在帖子“{topic}”中流露出{fill['emotion']}的情绪。"
                f"从情境看，{cause['situation']}，这些感受与其当下的处境紧密相连。"
            ),
            "L2": (
                f"{cause['cause']}。其背后可能存在这样的信念：“{cause['belief']}”，"
                f"这一想法放大了{emotions[0]}的感受，让求助者更难看到其他可能。"
            ),
            "L3": f"求助者的主要意图是{intent['intent']}：{intent['need']}。",
            "L4": "；".join(part.format(**fill).rstrip("。") for part in (strat["opening"], middle, strat["closing"]))
            + "。回答应与参考回答的做法保持一致。",
        }
        return levels, answer.strip()
