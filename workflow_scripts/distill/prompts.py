"""The CoE distillation prompt: loaded from resources/prompts, rendered into chat messages.

The wording lives in a YAML file under version control so reviewers can read and change it
without touching code; the output format itself is rendered by ``workflow_scripts.coe`` so
the prompt, SFT, rewards and generation can never disagree about tags.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from workflow_scripts import coe
from workflow_scripts.common.io import InputError

_FIELDS = ("title", "description", "answer")
# The user template's section headings; the demo teacher parses the same markers back.
SECTION_MARKERS = {"title": "【标题】", "description": "【问题描述】", "answer": "【参考回答】", "task": "【任务】"}


@dataclass(frozen=True)
class PromptTemplate:
    """A versioned system + user template pair."""

    version: int
    system: str
    user: str

    def messages(self, title: str, description: str, answer: str) -> list[dict[str, str]]:
        """Chat messages for one post; the post text is inserted verbatim (never re-formatted)."""
        values = {"title": title.strip(), "description": description.strip() or "（无）", "answer": answer.strip()}
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": _fill(self.user, values)},
        ]


def _fill(template: str, values: dict[str, str]) -> str:
    # str.format would choke on braces inside posts; replace only our own placeholders.
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def load_prompt(path: str | os.PathLike[str]) -> PromptTemplate:
    """Load and check the prompt file; the format example comes from ``coe.format_coe``."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the distillation prompt ({err})") from err
    if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) for k in ("system", "user")):
        raise InputError(f"{path}: expected keys 'system' and 'user' holding text")
    holders = spec.get("format_placeholders") or {}
    missing = [k for k in (*coe.LEVELS, "answer") if not str(holders.get(k, "")).strip()]
    if missing:
        raise InputError(f"{path}: format_placeholders lacks {missing}")
    for field in _FIELDS:
        if "{" + field + "}" not in spec["user"]:
            raise InputError(f"{path}: the user template must contain the placeholder {{{field}}}")
    example = coe.format_coe({lvl: f"……{holders[lvl]}……" for lvl in coe.LEVELS}, f"……{holders['answer']}……")
    guide = "\n".join(f"- {lvl} {coe.LEVEL_NAMES[lvl]}：{holders[lvl]}" for lvl in coe.LEVELS)
    system = _fill(spec["system"], {"format_example": example, "level_guide": guide})
    return PromptTemplate(version=int(spec.get("version", 0)), system=system, user=spec["user"])


def parse_user_message(text: str, markers: dict[str, str] = SECTION_MARKERS) -> dict[str, str]:
    """Split a rendered user message back into its sections, in the markers' order (demo teacher, demo judge)."""
    order = list(markers.items())
    parts: dict[str, str] = {}
    for (key, marker), (_, next_marker) in itertools.pairwise(order):
        start = text.find(marker)
        end = text.find(next_marker, start + len(marker)) if start >= 0 else -1
        if start < 0 or end < 0:
            raise ValueError(f"user message lacks the section {marker} or {next_marker}")
        parts[key] = text[start + len(marker) : end].strip()
    return parts
