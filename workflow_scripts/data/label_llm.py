"""LLM topic labels (``label.method: llm``, the paper setting): the taxonomy in a versioned prompt, a JSON answer.

Keywords reach about 0.6 agreement with PsyQA's authors on real posts (bench/bench_label_real.py); a
language model reads the whole post. Requests go through the distillation teacher client
(``workflow_scripts.distill.teacher``): the same reply cache keyed by the full request, transport retries
with backoff and Retry-After, and token/cost accounting. A reply must be one JSON object whose
``topic_id`` and ``subtopic_id`` are taxonomy ids, the subtopic inside the topic; otherwise the model is
shown its reply and the reason and asked again (``max_invalid_retries`` times), then the post is recorded
as failed and keeps the keyword label with ``label_source = "llm_failed"``. Model, prompt version,
temperature, seed and max tokens are pinned in the config and recorded with the labels.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from workflow_scripts.common.io import InputError
from workflow_scripts.distill.prompts import _fill
from workflow_scripts.distill.teacher import (
    Distiller,
    Messages,
    OpenAITeacher,
    Outcome,
    ReplyCache,
    RetryPolicy,
    Teacher,
)

_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class LabelPrompt:
    """The versioned prompt file: system (with ``{taxonomy}``), user and follow-up templates."""

    path: str
    version: int
    system: str
    user: str
    follow_up: str

    @classmethod
    def load(cls, path: str | Path) -> LabelPrompt:
        try:
            spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise InputError(f"{path}: cannot read the labelling prompt ({err})") from err
        keys = ("system", "user", "follow_up")
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) for k in keys):
            raise InputError(f"{path}: expected the keys {list(keys)} holding text, and a version")
        for key, holders in (("system", ["taxonomy"]), ("user", ["title", "description"]), ("follow_up", ["reason"])):
            missing = [h for h in holders if "{" + h + "}" not in spec[key]]
            if missing:
                raise InputError(f"{path}: the {key} template lacks the placeholders {missing}")
        return cls(str(path), int(spec.get("version", 0)), spec["system"], spec["user"], spec["follow_up"])


def render_taxonomy(taxonomy: Any) -> str:
    """One line per topic and per subtopic: id, name, gloss and keywords (what the model chooses from)."""
    lines = []
    for topic in taxonomy.topics:
        lines.append(f"{topic.id} {topic.name}（{topic.gloss}）：{'、'.join(topic.keywords)}")
        lines += [f"  {s.id} {s.name}（{s.gloss}）：{'、'.join(s.keywords)}" for s in topic.subtopics]
    return "\n".join(lines)


def parse_label(content: str, taxonomy: Any) -> tuple[tuple[str, str] | None, str | None]:
    """(topic_id, subtopic_id) from a reply, or (None, reason): one JSON object with known, nested ids."""
    match = _JSON_OBJECT.search(content)
    if match is None:
        return None, "no JSON object in the reply"
    try:
        answer = json.loads(match.group(0))
    except json.JSONDecodeError as err:
        return None, f"not valid JSON ({err.msg})"
    topic_id, subtopic_id = str(answer.get("topic_id", "")).strip(), str(answer.get("subtopic_id", "")).strip()
    if topic_id not in taxonomy.by_id:
        return None, f"unknown topic_id {topic_id!r}"
    if subtopic_id not in taxonomy.subtopic_by_id:
        return None, f"unknown subtopic_id {subtopic_id!r}"
    if not subtopic_id.startswith(topic_id + "."):
        return None, f"subtopic_id {subtopic_id} is not in topic {topic_id}"
    return (topic_id, subtopic_id), None


@dataclasses.dataclass(frozen=True)
class LLMSettings:
    """``label.llm`` in the config: the prompt, the API, the pinned generation settings, retries, prices."""

    prompt: str
    cache_dir: str
    concurrency: int
    model: str
    base_url: str
    api_key_env: str
    timeout_s: float
    temperature: float
    max_tokens: int
    seed: int
    max_retries: int
    backoff_base_s: float
    backoff_max_s: float
    max_invalid_retries: int
    prices_per_million: dict[str, Any]

    @classmethod
    def from_config(cls, llm: dict[str, Any]) -> LLMSettings:
        api, generation = llm["api"], llm["generation"]
        return cls(
            prompt=str(llm["prompt"]),
            cache_dir=str(llm["cache_dir"]),
            concurrency=int(llm["concurrency"]),
            model=str(api["model"]),
            base_url=str(api["base_url"]),
            api_key_env=str(api["api_key_env"]),
            timeout_s=float(api["timeout_s"]),
            temperature=float(generation["temperature"]),
            max_tokens=int(generation["max_tokens"]),
            seed=int(generation["seed"]),
            max_retries=int(api["max_retries"]),
            backoff_base_s=float(api["backoff_base_s"]),
            backoff_max_s=float(api["backoff_max_s"]),
            max_invalid_retries=int(llm["max_invalid_retries"]),
            prices_per_million=dict(llm["prices_per_million"]),
        )


class LLMLabeller:
    """Labels posts with the configured chat model through the teacher client (cache, retries, usage)."""

    def __init__(
        self, taxonomy: Any, settings: LLMSettings, teacher: Teacher | None = None, sleep: Callable | None = None
    ) -> None:
        self.taxonomy, self.settings = taxonomy, settings
        self.prompt = LabelPrompt.load(settings.prompt)
        self.system = _fill(self.prompt.system, {"taxonomy": render_taxonomy(taxonomy)})
        self.teacher = teacher or OpenAITeacher(
            settings.base_url, settings.model, settings.api_key_env, settings.timeout_s
        )
        params = {"temperature": settings.temperature, "max_tokens": settings.max_tokens, "seed": settings.seed}
        policy = RetryPolicy(
            settings.max_retries, settings.backoff_base_s, settings.backoff_max_s, settings.max_invalid_retries
        )
        extra = {} if sleep is None else {"sleep": sleep}
        self.client = Distiller(
            self.teacher, ReplyCache(settings.cache_dir), params, None, policy, settings.concurrency,
            validate=lambda content: parse_label(content, taxonomy), follow_up=self.prompt.follow_up, **extra,
        )  # fmt: skip

    def messages(self, title: str, description: str) -> Messages:
        values = {"title": title.strip(), "description": description.strip() or "（无）"}
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": _fill(self.prompt.user, values)},
        ]

    def label(self, titles: Sequence[str], descriptions: Sequence[str]) -> list[Outcome]:
        """One outcome per post: ``chain`` is (topic_id, subtopic_id), or None with the failure ``reason``."""
        return self.client.run([self.messages(t, d) for t, d in zip(titles, descriptions, strict=True)])

    def lineage(self, outcomes: Sequence[Outcome], qids: Sequence[str], examples: int = 5) -> dict[str, Any]:
        """What report.json and the provenance record: pinned settings, prompt version, usage, cost, failures."""
        s = self.settings
        failed = [(q, o.reason) for q, o in zip(qids, outcomes, strict=True) if o.chain is None]
        return {
            "model": s.model,
            "base_url": s.base_url,
            "teacher": self.teacher.label,
            "prompt": s.prompt,
            "prompt_version": self.prompt.version,
            "temperature": s.temperature,
            "seed": s.seed,
            "max_tokens": s.max_tokens,
            "max_invalid_retries": s.max_invalid_retries,
            "posts": len(outcomes),
            "labelled": len(outcomes) - len(failed),
            "failed": len(failed),
            "failed_examples": [{"qid": q, "reason": r} for q, r in failed[:examples]],
            "usage": self.client.usage.report(s.prices_per_million),
        }
