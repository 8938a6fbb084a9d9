"""Conversations and prompts for SFT, GRPO and generation, built in one place.

Every stage that talks to the policy (SFT data, GRPO prompts, test-set generation) must show
it the same system prompt, the same user message and the same Qwen3 chat template with
thinking disabled (the paper turns Qwen3's own thinking off and puts the CoE in
``<empathy_think>`` instead); a drift between them silently costs format adherence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow_scripts import coe

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "resources" / "chat_templates"
VARIANTS = ("coe", "answer_only")

_LEVEL_GUIDE = "\n".join(f"{lvl}：{coe.LEVEL_NAMES[lvl]}" for lvl in coe.LEVELS)
# The paper's SFT system prompt: persona, task and the four CoE levels (Sec. 3.1, 3.2).
SYSTEM_PROMPT_COE = (
    "你是一名温暖、专业的心理咨询师，擅长运用认知行为疗法帮助求助者。"
    "请先在 <empathy_think> 中按四个层次依次思考，再在 <answer> 中给出面向求助者的回答。\n"
    f"{_LEVEL_GUIDE}\n"
    "输出格式：<empathy_think><L1>…</L1><L2>…</L2><L3>…</L3><L4>…</L4></empathy_think><answer>…</answer>"
)
# The w/o-CoE ablation (Table 4): the L1-L4 analysis removed, only the counsellor instruction left.
SYSTEM_PROMPT_ANSWER_ONLY = (
    "你是一名温暖、专业的心理咨询师，擅长运用认知行为疗法帮助求助者。"
    "请直接在 <answer> 中给出面向求助者的回答。\n输出格式：<answer>…</answer>"
)
SYSTEM_PROMPTS = {"coe": SYSTEM_PROMPT_COE, "answer_only": SYSTEM_PROMPT_ANSWER_ONLY}
# Qwen3 non-thinking mode: the template then pre-fills an empty <think></think> block.
CHAT_TEMPLATE_KWARGS = {"enable_thinking": False}


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")


def load_template(name: str = "qwen3") -> str:
    """A chat template from resources/chat_templates (``qwen3`` or ``qwen3_training``)."""
    return (TEMPLATE_DIR / f"{name}.jinja").read_text(encoding="utf-8")


def user_message(title: str, description: str) -> str:
    """The help-seeker's query as the user turn: title, blank line, description."""
    title, description = (title or "").strip(), (description or "").strip()
    return f"{title}\n\n{description}" if description else title


def prompt_messages(title: str, description: str, variant: str = "coe", system_prompt: bool = True) -> list[dict]:
    """System (optional) + user messages for one post: what the policy is asked."""
    _check_variant(variant)
    messages = [{"role": "system", "content": SYSTEM_PROMPTS[variant]}] if system_prompt else []
    messages.append({"role": "user", "content": user_message(title, description)})
    return messages


def completion_text(row: dict[str, Any], variant: str = "coe") -> str:
    """The assistant target for an approved chain: the CoE completion, or the answer alone for w/o CoE."""
    _check_variant(variant)
    if variant == "coe":
        return row["completion"]
    return coe.format_answer_only(row["final_answer"])


def conversation(row: dict[str, Any], variant: str = "coe", system_prompt: bool = True) -> list[dict]:
    """A full single-turn training conversation for one approved chain."""
    messages = prompt_messages(row["title"], row["description"], variant, system_prompt)
    messages.append({"role": "assistant", "content": completion_text(row, variant)})
    return messages


def render_prompt(tokenizer: Any, messages: list[dict]) -> str:
    """The prompt text a generator continues: chat template, generation prompt, thinking off."""
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True, **CHAT_TEMPLATE_KWARGS)


def is_well_formed(text: str, variant: str = "coe") -> bool:
    """Whether a generation parses in the variant's format (CoE + answer, or answer only)."""
    _check_variant(variant)
    if variant == "coe":
        return coe.parse_coe(text) is not None
    return coe.parse_answer_only(text) is not None


def format_adherence(texts: list[str], variant: str = "coe") -> float:
    """Share of generations that parse in the variant's format (0.0 for no texts)."""
    if not texts:
        return 0.0
    return sum(is_well_formed(text, variant) for text in texts) / len(texts)
