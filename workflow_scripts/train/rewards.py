"""GRPO reward functions: r_total = r_format + r_answer, in the shape TRL's GRPOTrainer calls them.

TRL 1.16 calls every reward function as ``f(prompts=..., completions=..., completion_ids=..., **columns)``
with one entry per completion and every dataset column as a keyword list, and wants ``list[float]``
back. Completions are strings (standard datasets) or conversational lists
(``[{"role": "assistant", "content": ...}]``); both are handled.

- :func:`format_reward`: 1.0 when the completion parses as a full CoE (``coe.parse_coe``), else 0.0;
- :func:`answer_only_format_reward`: the w/o-CoE variant's, ``coe.parse_answer_only``;
- ``get_answer_reward(model_dir)``: loads the reward encoder and its threshold T once and returns
  ``answer_reward``: 1.0 when cos(E(question), E(answer)) > T, batched over the call's completions.
  A completion that does not parse scores 0.0: an answer outside the format is no answer;
- ``get_total_reward(model_dir, variant)``: format + answer, one function (the paper's r_total).

Pure functions, factories for what needs a model, and a registry, after open-r1's ``rewards.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from workflow_scripts import coe
from workflow_scripts.train.chat import user_message

RewardFunc = Callable[..., list[float]]
QUESTION_COLUMN = "question"


def completion_text(completion: Any) -> str:
    """The generated text of one completion: a string, or the assistant content of a conversational list."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    if isinstance(completion, Sequence):
        parts = [
            m.get("content") or ""
            for m in completion
            if isinstance(m, dict) and m.get("role", "assistant") == "assistant"
        ]
        return "".join(str(p) for p in parts)
    raise TypeError(f"unsupported completion type {type(completion).__name__}")


def format_reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
    """1.0 for a completion in the full CoE format (four non-empty levels and an answer), else 0.0.

    >>> good = "<empathy_think><L1>a</L1><L2>b</L2><L3>c</L3><L4>d</L4></empathy_think><answer>e</answer>"
    >>> format_reward([good, [{"role": "assistant", "content": good}], "e"])
    [1.0, 1.0, 0.0]
    """
    return [1.0 if coe.parse_coe(completion_text(c)) is not None else 0.0 for c in completions]


def answer_only_format_reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
    """1.0 for a completion that is exactly one non-empty ``<answer>…</answer>`` (the w/o-CoE variant)."""
    return [1.0 if coe.parse_answer_only(completion_text(c)) is not None else 0.0 for c in completions]


def _prompt_question(prompt: Any) -> str:
    """The last user message of a conversational prompt (or the prompt string itself)."""
    if isinstance(prompt, str):
        return prompt
    users = [m.get("content") or "" for m in prompt if isinstance(m, dict) and m.get("role") == "user"]
    return str(users[-1]) if users else ""


def questions_from(n: int, prompts: Sequence[Any] | None, kwargs: dict[str, Any]) -> list[str]:
    """The question of each completion: the ``question`` column, else title + description, else the prompt."""
    if kwargs.get(QUESTION_COLUMN) is not None:
        questions = [str(q) for q in kwargs[QUESTION_COLUMN]]
    elif kwargs.get("title") is not None:
        descriptions = kwargs.get("description") or [""] * len(kwargs["title"])
        questions = [user_message(t, d) for t, d in zip(kwargs["title"], descriptions, strict=True)]
    elif prompts is not None:
        questions = [_prompt_question(p) for p in prompts]
    else:
        raise ValueError("answer reward needs the question: a 'question' column, 'title'/'description' or prompts")
    if len(questions) != n:
        raise ValueError(f"{len(questions)} questions for {n} completions")
    return questions


def parsed_answer(text: str, variant: str = "coe") -> str | None:
    """The answer of a well-formed completion in the variant's format, else None."""
    if variant == "coe":
        parsed = coe.parse_coe(text)
        return parsed.answer if parsed is not None else None
    return coe.parse_answer_only(text)


class AnswerScorer:
    """The reward encoder and its threshold T, loaded once; scores (question, answer) pairs in batches."""

    def __init__(self, model_dir: str | os.PathLike[str], batch_size: int = 32, device: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        from workflow_scripts.train.reward_model import load_reward_config

        self.threshold = float(load_reward_config(model_dir)["threshold"])
        self.model = SentenceTransformer(str(model_dir), device=device)
        self.batch_size = batch_size

    def similarities(self, questions: Sequence[str], answers: Sequence[str]) -> list[float]:
        """cos(E(q), E(a)) per pair, all texts encoded in one batched call."""
        if not questions:
            return []
        emb = self.model.encode(
            [*questions, *answers], batch_size=self.batch_size, convert_to_tensor=True, normalize_embeddings=True
        )
        q, a = emb[: len(questions)], emb[len(questions) :]
        return (q * a).sum(-1).tolist()

    def rewards(self, questions: Sequence[str], answers: Sequence[str | None]) -> list[float]:
        """1.0 where the answer exists and cos(E(q), E(a)) > T, else 0.0."""
        keep = [i for i, a in enumerate(answers) if a]
        sims = self.similarities([questions[i] for i in keep], [answers[i] for i in keep])
        out = [0.0] * len(answers)
        for i, sim in zip(keep, sims, strict=True):
            out[i] = 1.0 if sim > self.threshold else 0.0
        return out


def get_answer_reward(
    model_dir: str | os.PathLike[str], variant: str = "coe", scorer: AnswerScorer | None = None
) -> RewardFunc:
    """r_answer for GRPO: the encoder is loaded here, once, not per call."""
    scorer = scorer or AnswerScorer(model_dir)

    def answer_reward(completions: Sequence[Any], prompts: Sequence[Any] | None = None, **kwargs: Any) -> list[float]:
        """1.0 when the completion's answer is on the question's topic: cos(E(q), E(a)) > T."""
        questions = questions_from(len(completions), prompts, kwargs)
        answers = [parsed_answer(completion_text(c), variant) for c in completions]
        return scorer.rewards(questions, answers)

    answer_reward.scorer = scorer  # type: ignore[attr-defined]
    return answer_reward


def get_total_reward(
    model_dir: str | os.PathLike[str], variant: str = "coe", scorer: AnswerScorer | None = None
) -> RewardFunc:
    """r_total = r_format + r_answer as one function (the paper's reward; 0, 1 or 2 per completion)."""
    answer_reward = get_answer_reward(model_dir, variant, scorer)
    fmt = FORMAT_REWARDS[variant]

    def total_reward(completions: Sequence[Any], prompts: Sequence[Any] | None = None, **kwargs: Any) -> list[float]:
        """Format reward plus answer reward."""
        return [
            f + a
            for f, a in zip(
                fmt(completions, **kwargs), answer_reward(completions, prompts=prompts, **kwargs), strict=True
            )
        ]

    total_reward.scorer = answer_reward.scorer  # type: ignore[attr-defined]
    return total_reward


FORMAT_REWARDS: dict[str, RewardFunc] = {"coe": format_reward, "answer_only": answer_only_format_reward}

# name -> builder(model_dir, scorer) of a reward function; format rewards ignore the model.
REWARD_FUNCS: dict[str, Callable[..., RewardFunc]] = {
    "format": lambda model_dir=None, scorer=None: format_reward,
    "answer_only_format": lambda model_dir=None, scorer=None: answer_only_format_reward,
    "answer": lambda model_dir, scorer=None: get_answer_reward(model_dir, "coe", scorer),
    "answer_only_answer": lambda model_dir, scorer=None: get_answer_reward(model_dir, "answer_only", scorer),
    "total": lambda model_dir, scorer=None: get_total_reward(model_dir, "coe", scorer),
    "answer_only_total": lambda model_dir, scorer=None: get_total_reward(model_dir, "answer_only", scorer),
}


def get_reward_funcs(
    names: Sequence[str], model_dir: str | os.PathLike[str] | None = None, device: str | None = None
) -> list[RewardFunc]:
    """Reward functions by registry name, sharing one encoder loaded on ``device`` (None: the default);
    unknown names raise ValueError."""
    unknown = [name for name in names if name not in REWARD_FUNCS]
    if unknown:
        raise ValueError(f"unknown reward function(s) {unknown}; available: {sorted(REWARD_FUNCS)}")
    needs_model = [name for name in names if "format" not in name]
    if needs_model and model_dir is None:
        raise ValueError(f"reward function(s) {needs_model} need the reward model directory (model_dir)")
    scorer = AnswerScorer(model_dir, device=device) if needs_model else None
    return [REWARD_FUNCS[name](model_dir, scorer) for name in names]
