"""Asking a teacher for CoE chains: the client, the reply cache, retries, validation, accounting.

Distillation costs money and hours, so every reply is stored on disk under the sha256 of the
full request (model, messages, params) before anything else happens: a rerun or a killed run
never pays twice for a finished reply. Transport failures (429, 5xx, timeouts, malformed
bodies) are retried with exponential backoff and jitter, never sooner than the server's Retry-After
(seconds or an HTTP date) asks; replies that do not validate as CoE
are asked again up to N times (each attempt cached under its own key), then the item is
recorded as rejected with its reason. The API key is read from the environment at call time
and never written anywhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workflow_scripts import coe
from workflow_scripts.common.io import InputError, write_json
from workflow_scripts.common.retry_after import polite_pause

log = logging.getLogger(__name__)
Messages = list[dict[str, str]]
# Usage fields in which DeepSeek splits prompt_tokens by its context cache (billed at different prices).
CACHE_TOKEN_FIELDS = ("prompt_cache_hit_tokens", "prompt_cache_miss_tokens")


class TransientError(Exception):
    """A failure worth retrying after a pause: rate limit, server error, timeout, malformed body.

    ``retry_after`` is the server's Retry-After header, if it sent one: the next try waits at least that long.
    """

    def __init__(self, message: str, retry_after: str | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RequestRejected(Exception):
    """The API refused this one request (HTTP 400/422, e.g. a content filter): reject the item."""


class TeacherError(InputError):
    """The teacher cannot be used at all (no key, bad model, retries exhausted): stop the step."""


@dataclass
class Reply:
    """What the teacher said; ``reasoning_content`` is DeepSeek-R1's visible reasoning, if any."""

    content: str
    reasoning_content: str | None = None
    model: str = ""
    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)


class Teacher(Protocol):
    """Anything that answers chat messages: the API client or the offline demo teacher."""

    kind: str  # "api" or "demo"
    label: str  # recorded with every chain
    model_id: str  # part of the cache key

    def complete(self, messages: Messages, params: dict[str, Any]) -> Reply: ...


class OpenAITeacher:
    """A chat-completions teacher over any OpenAI-compatible API (DeepSeek, vLLM, OpenAI...)."""

    kind = "api"

    def __init__(self, base_url: str, model: str, api_key_env: str, timeout_s: float):
        key = os.environ.get(api_key_env, "")
        if not key:
            raise TeacherError(
                f"the environment variable {api_key_env} holding the teacher's API key is not set; "
                f"export {api_key_env}=... (never put the key in a config file) and rerun"
            )
        import openai  # imported here so the demo path needs no network client

        self._openai = openai
        # max_retries=0: openai's own retry loop would sleep on its own schedule; ask_with_retries is the one loop
        # that retries, so every attempt is counted and waits out the backoff and the server's Retry-After.
        self._client = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=timeout_s)
        self.base_url = base_url
        self.api_key_env = api_key_env
        self.model_id = model
        self.label = f"{model} @ {base_url}"

    def complete(self, messages: Messages, params: dict[str, Any]) -> Reply:
        """One request; failures are sorted into transient, per-item and fatal."""
        err = self._openai
        try:
            result = self._client.chat.completions.create(model=self.model_id, messages=messages, **params)
        except (err.RateLimitError, err.InternalServerError, err.APITimeoutError, err.APIConnectionError) as exc:
            raise TransientError(f"{type(exc).__name__}: {_short(exc)}", _retry_after(exc)) from exc
        except (err.AuthenticationError, err.PermissionDeniedError, err.NotFoundError) as exc:
            raise TeacherError(
                f"{self.base_url} refused the request ({exc.status_code}: {_short(exc)}); "
                f"check the model name and the key in ${self.api_key_env}"
            ) from exc
        except (err.BadRequestError, err.UnprocessableEntityError) as exc:
            raise RequestRejected(f"HTTP {exc.status_code}: {_short(exc)}") from exc
        except err.APIStatusError as exc:
            if exc.status_code in (408, 409) or exc.status_code >= 500:
                raise TransientError(f"HTTP {exc.status_code}: {_short(exc)}", _retry_after(exc)) from exc
            raise TeacherError(f"{self.base_url} answered HTTP {exc.status_code}: {_short(exc)}") from exc
        except (json.JSONDecodeError, err.APIResponseValidationError) as exc:
            raise TransientError(f"malformed reply body: {_short(exc)}") from exc
        choices = getattr(result, "choices", None) or []
        message = choices[0].message if choices else None
        if message is None or not isinstance(message.content, str):
            raise TransientError("malformed reply: no choices[0].message.content")
        usage = getattr(result, "usage", None)
        counts: dict[str, int] = {}
        if usage is not None:
            counts = {"prompt_tokens": usage.prompt_tokens or 0, "completion_tokens": usage.completion_tokens or 0}
            details = getattr(usage, "completion_tokens_details", None)
            if details is not None and getattr(details, "reasoning_tokens", None):
                counts["reasoning_tokens"] = details.reasoning_tokens
            for name in CACHE_TOKEN_FIELDS:  # DeepSeek's context-cache split of prompt_tokens
                value = (usage.model_extra or {}).get(name)
                if isinstance(value, int):
                    counts[name] = value
        reasoning = getattr(message, "reasoning_content", None)
        return Reply(
            content=message.content,
            reasoning_content=reasoning if isinstance(reasoning, str) else None,
            model=str(getattr(result, "model", "") or self.model_id),
            finish_reason=choices[0].finish_reason,
            usage=counts,
        )


def _retry_after(exc: BaseException) -> str | None:
    """The Retry-After header of the HTTP response behind an openai error (None for timeouts, no response)."""
    response = getattr(exc, "response", None)
    return response.headers.get("retry-after") if response is not None else None


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "..."


# --- cache -------------------------------------------------------------------------------------


def request_key(request: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a request: same request, same key, on any machine."""
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ReplyCache:
    """Content-addressed replies on disk: ``<dir>/<key[:2]>/<key>.json``, written atomically."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Reply | None:
        path = self.path(key)
        if not path.exists():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            return Reply(**entry["reply"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("ignoring unreadable cache entry %s (%s); asking again", path, err)
            return None

    def put(self, key: str, request: dict[str, Any], reply: Reply) -> None:
        entry = {"key": key, "request": request, "reply": asdict(reply), "cached_at": _now()}
        write_json(self.path(key), entry)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --- validation --------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_TAG = re.compile(r"</?[A-Za-z0-9_]+>")


def chinese_share(text: str) -> float:
    """Share of CJK characters among letters (CJK + Latin), tags ignored; 0 for no letters."""
    text = _TAG.sub("", text)
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


@dataclass(frozen=True)
class Bounds:
    """What a usable chain looks like; from ``distill.validation`` in the config."""

    min_level_chars: int
    max_level_chars: int
    min_answer_chars: int
    max_answer_chars: int
    min_chinese_share: float

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Bounds:
        return cls(**{name: settings[name] for name in cls.__dataclass_fields__})


def validate_reply(content: str, bounds: Bounds) -> tuple[coe.CoE | None, str | None]:
    """Parse a reply as CoE and check it; return (chain, None) or (None, reason)."""
    parsed = coe.parse_coe(content)
    if parsed is None:
        missing = [tag for tag in (*coe.LEVELS, "answer") if f"<{tag}>" not in content or f"</{tag}>" not in content]
        detail = f"missing or unclosed tags {missing}" if missing else "tags out of order, empty, or text outside them"
        return None, f"format: {detail}"
    for level in coe.LEVELS:
        size = len(parsed.levels[level])
        if not bounds.min_level_chars <= size <= bounds.max_level_chars:
            return None, f"length: {level} has {size} chars, bounds {bounds.min_level_chars}-{bounds.max_level_chars}"
    size = len(parsed.answer)
    if not bounds.min_answer_chars <= size <= bounds.max_answer_chars:
        return None, f"length: answer has {size} chars, bounds {bounds.min_answer_chars}-{bounds.max_answer_chars}"
    share = chinese_share(content)
    if share < bounds.min_chinese_share:
        return None, f"language: Chinese share {share:.2f} < {bounds.min_chinese_share}"
    return parsed, None


# --- the distillation loop ---------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """Transport retries (backoff with jitter) and validation retries; from ``distill.api``/``validation``."""

    max_retries: int
    backoff_base_s: float
    backoff_max_s: float
    max_invalid_retries: int

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        return rng.uniform(0, min(self.backoff_max_s, self.backoff_base_s * 2**attempt))

    def pause(self, attempt: int, rng: random.Random, retry_after: str | None) -> float:
        """The wait before the next try: the jittered backoff, raised to what the server's Retry-After asks."""
        return polite_pause(self.delay(attempt, rng), retry_after)


def ask_with_retries(
    teacher: Teacher,
    messages: Messages,
    params: dict[str, Any],
    policy: RetryPolicy,
    usage: Usage,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Reply:
    """One reply, transient failures retried up to ``policy.max_retries`` times (then the last one is raised).

    The one retry loop between the workflow and an API (the openai client's own is off): each retry is
    counted in ``usage`` and waits the jittered backoff or the server's Retry-After, whichever is longer.
    """
    rng = rng or random.Random()  # jitter only; never shapes an artifact
    for attempt in range(policy.max_retries + 1):
        try:
            return teacher.complete(messages, params)
        except TransientError as exc:
            if attempt == policy.max_retries:
                raise
            pause = policy.pause(attempt, rng, exc.retry_after)
            usage.bump("transient_retries")
            log.info(
                "transient failure (%s, Retry-After %s); retry %d in %.2fs", exc, exc.retry_after, attempt + 1, pause
            )
            sleep(pause)
    raise AssertionError("unreachable")


# Token counts billed at each price of ``prices_per_million``.
BILLED_TOKENS = {
    "prompt_cache_hit_tokens": "input_cache_hit",
    "prompt_cache_miss_tokens": "input_cache_miss",
    "completion_tokens": "output",
}


def with_cache_split(counts: dict[str, int]) -> dict[str, int]:
    """Token counts with the prompt split into cache hits and misses as the API reported them.

    An API that reports no split (or a reply cached before it was recorded) bills every prompt token as a miss.
    """
    counts = dict(counts)
    hit = counts.setdefault("prompt_cache_hit_tokens", 0)
    counts.setdefault("prompt_cache_miss_tokens", max(0, counts.get("prompt_tokens", 0) - hit))
    return counts


def cost(tokens: dict[str, int], prices: dict[str, Any]) -> float:
    """Cost of ``tokens`` at ``prices`` per 1M tokens: cache hits, cache misses and output apart."""
    return round(sum(tokens.get(name, 0) * float(prices[price]) for name, price in BILLED_TOKENS.items()) / 1e6, 8)


@dataclass
class Usage:
    """Per-run accounting: requests paid for versus replayed from the cache, tokens, retries."""

    calls_made: int = 0
    calls_cached: int = 0
    transient_retries: int = 0
    invalid_replies: int = 0
    tokens: dict[str, int] = field(default_factory=dict)
    cached_tokens: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, reply: Reply, cached: bool) -> None:
        with self._lock:
            if cached:
                self.calls_cached += 1
            else:
                self.calls_made += 1
            target = self.cached_tokens if cached else self.tokens
            for name, count in with_cache_split(reply.usage).items():
                target[name] = target.get(name, 0) + int(count)

    def bump(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def report(self, prices: dict[str, Any]) -> dict[str, Any]:
        """The usage.json body: counts plus cost at the configured prices per 1M tokens (with their date)."""
        return {
            "calls_made": self.calls_made,
            "calls_cached": self.calls_cached,
            "transient_retries": self.transient_retries,
            "invalid_replies": self.invalid_replies,
            "tokens_this_run": dict(sorted(self.tokens.items())),
            "tokens_replayed_from_cache": dict(sorted(self.cached_tokens.items())),
            "cost": {
                "currency": prices["currency"],
                "this_run": cost(self.tokens, prices),
                "replayed_from_cache": cost(self.cached_tokens, prices),
                "prices_per_million": dict(prices),
            },
        }


@dataclass
class Outcome:
    """One item's result: the valid chain (or what ``validate`` parsed) or why it was rejected; its cache keys."""

    chain: Any
    reply: Reply | None
    reason: str | None
    attempts: int
    cache_keys: list[str]
    failed: bool = False  # transport retries exhausted: not a verdict on the item, rerun to resume


class Distiller:
    """Runs items through a teacher with caching, retries and validation, in a bounded thread pool.

    Replies are CoE chains checked against ``bounds`` unless another ``validate`` (reply text -> (parsed,
    None) or (None, reason)) is given, as the LLM topic labeller and the judge do. With ``follow_up`` (a
    template whose one placeholder is ``{reason}``; other braces stay as written), a re-ask after an invalid
    reply shows the model its reply and the reason instead of sending the same messages again, which at
    temperature 0 would mostly repeat the mistake.
    """

    def __init__(
        self,
        teacher: Teacher,
        cache: ReplyCache,
        params: dict[str, Any],
        bounds: Bounds | None,
        policy: RetryPolicy,
        concurrency: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        validate: Callable[[str], tuple[Any, str | None]] | None = None,
        follow_up: str | None = None,
    ):
        self.teacher, self.cache, self.params = teacher, cache, params
        self.bounds, self.policy, self.concurrency = bounds, policy, max(1, concurrency)
        if validate is None and bounds is None:
            raise ValueError("a Distiller needs CoE bounds or its own validate function")
        self.validate = validate or (lambda content: validate_reply(content, bounds))
        self.follow_up = follow_up
        self.usage = Usage()
        self._sleep = sleep
        self._rng = random.Random()  # jitter only; never shapes an artifact

    def request(self, messages: Messages, attempt: int) -> dict[str, Any]:
        """The full request that keys the cache; later validation attempts get their own key."""
        request: dict[str, Any] = {"model": self.teacher.model_id, "messages": messages, "params": self.params}
        if attempt:
            request["attempt"] = attempt
        return request

    def distill_one(self, messages: Messages) -> Outcome:
        """Ask until a reply validates or the invalid-reply budget is spent."""
        keys: list[str] = []
        reasons: list[str] = []
        reply: Reply | None = None
        asked, reason = messages, None
        for attempt in range(self.policy.max_invalid_retries + 1):
            if attempt and self.follow_up is not None and reply is not None:
                asked = [*asked, {"role": "assistant", "content": reply.content},
                         {"role": "user", "content": self.follow_up.replace("{reason}", reason or "")}]  # fmt: skip
            request = self.request(asked, attempt)
            key = request_key(request)
            keys.append(key)
            reply = self.cache.get(key)
            if reply is not None:
                self.usage.add(reply, cached=True)
            else:
                try:
                    reply = ask_with_retries(
                        self.teacher, asked, self.params, self.policy, self.usage, self._sleep, self._rng
                    )
                except RequestRejected as exc:
                    return Outcome(None, None, f"api: {exc}", attempt + 1, keys)
                except TransientError as exc:
                    return Outcome(None, None, f"transport: {exc}", attempt + 1, keys, failed=True)
                self.cache.put(key, request, reply)
                self.usage.add(reply, cached=False)
            chain, reason = self.validate(reply.content)
            if chain is not None:
                return Outcome(chain, reply, None, attempt + 1, keys)
            self.usage.bump("invalid_replies")
            reasons.append(f"attempt {attempt + 1}: {reason}")
        return Outcome(None, reply, "; ".join(reasons), len(keys), keys)

    def run(self, batches: Sequence[Messages]) -> list[Outcome]:
        """Distill every item, ``concurrency`` at a time, logging progress about every 10%."""
        outcomes: list[Outcome | None] = [None] * len(batches)
        step = max(1, len(batches) // 10)
        done = 0
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self.distill_one, messages): i for i, messages in enumerate(batches)}
            for future in as_completed(futures):
                try:
                    outcomes[futures[future]] = future.result()
                except BaseException:
                    for pending in futures:  # a fatal error (bad key, bad model) stops queued items too
                        pending.cancel()
                    raise
                done += 1
                if done % step == 0 or done == len(batches):
                    log.info(
                        "progress %d/%d items (%.0fs): %d requests made, %d replayed from cache",
                        done,
                        len(batches),
                        time.monotonic() - started,
                        self.usage.calls_made,
                        self.usage.calls_cached,
                    )
        return [o for o in outcomes if o is not None]
