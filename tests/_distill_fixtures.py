"""Fixtures for the distillation tests: a tiny train split (data contract) and an API stand-in.

``ChatServer`` is a loopback HTTP server speaking the chat-completions protocol; it answers with
well-formed CoE chains (built by the demo teacher from the prompt it receives) and can be told
to fail first: 429, 500, 503 (optionally with a Retry-After header), a timeout (sleeps past the
client's limit) or a malformed JSON body. It counts requests per prompt so tests can prove that
cached items are never asked again, stamps each request's arrival and the earliest retry its
Retry-After allowed (server-side clocks), and records the usage it reported for each reply.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

from workflow_scripts import coe
from workflow_scripts.common.io import write_parquet
from workflow_scripts.distill.demo_teacher import DemoTeacher, load_lexicons

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = {k: str(ROOT / f"resources/lexicons/coe_{k}.yaml") for k in ("emotions", "causes", "intents", "strategies")}
TOPICS = [("T01", "抑郁"), ("T02", "焦虑"), ("T03", "人际关系"), ("T04", "家庭")]
_SITUATIONS = [
    "最近工作压力很大，领导总是批评我，每天都不想去上班，晚上也睡不着",
    "考试快到了，复习不进去，越来越焦虑，担心考不好让父母失望",
    "和男朋友分手以后一直走不出来，什么都提不起兴趣，常常一个人哭",
    "和室友相处得不好，总觉得别人在议论我，不敢和大家说话",
    "妈妈总是控制我的生活，我一反抗她就生气，我觉得很委屈",
]
# A price table as the config gives it (per 1M tokens).
PRICES = {
    "currency": "USD",
    "input_cache_hit": 0.14,
    "input_cache_miss": 0.55,
    "output": 2.19,
    "date": "2025-09-05",
    "source": "https://api-docs.deepseek.com/quick_start/pricing",
}
_ASKS = ["我该怎么办？", "这正常吗？", "没人理解我，只想说说。", "为什么会这样？"]


def train_frame(n: int = 40) -> pd.DataFrame:
    """A train split following the contract (labeled columns + group_id), topics unevenly sized."""
    rows = []
    for i in range(n):
        topic_id, topic = TOPICS[0 if i % 10 < 4 else 1 if i % 10 < 7 else 2 if i % 10 < 9 else 3]
        situation, ask = _SITUATIONS[i % len(_SITUATIONS)], _ASKS[i % len(_ASKS)]
        answer = (
            f"你好，谢谢你愿意说出这些（第{i}号回答）。能感受到你现在承受了很多，这些感受都是可以理解的。"
            "可以先试着把担心的事情写下来，分清哪些可以控制，哪些暂时无法控制；也可以和信任的人聊一聊。"
            "如果这种状态持续超过两周并影响生活，建议寻求专业心理咨询师的帮助。愿你慢慢好起来。"
        )
        rows.append(
            {
                "qid": f"demo-{i:04d}",
                "source": "demo",
                "post_id": f"{i:04d}",
                "url": f"http://127.0.0.1/question/{i:04d}.html",
                "title": f"{situation[:10]}，{ask}",
                "description": f"{situation}。已经持续了{i % 7 + 2}个月。{ask}",
                "tags": [topic],
                "answers": [answer, "第二个回答。" * 20],
                "n_answers": 2,
                "fetched_at": "2025-01-01T00:00:00",
                "topic_id": topic_id,
                "topic": topic,
                "subtopic_id": f"{topic_id}.01",
                "subtopic": topic,
                "label_source": "site_tag",
                "label_confidence": 1.0,
                "group_id": f"g{i:04d}",
            }
        )
    return pd.DataFrame(rows)


def write_train(path: Path, n: int = 40) -> Path:
    write_parquet(path, train_frame(n))
    return path


def billed_cost(usages: list[dict]) -> float:
    """What PRICES bill for the usages a fake server sent, per token (an oracle apart from the teacher's code)."""
    total = sum(
        u["prompt_cache_hit_tokens"] * PRICES["input_cache_hit"]
        + u["prompt_cache_miss_tokens"] * PRICES["input_cache_miss"]
        + u["completion_tokens"] * PRICES["output"]
        for u in usages
    )
    return total / 1e6


def usage_with_cache_split(n: int) -> dict:
    """The usage DeepSeek reports for the ``n``-th reply: prompt split into context-cache hits and misses."""
    hit = 16 * (n % 4)
    return {
        "prompt_tokens": 100,
        "completion_tokens": 40 + n,
        "total_tokens": 140 + n,
        "prompt_cache_hit_tokens": hit,
        "prompt_cache_miss_tokens": 100 - hit,
    }


class ChatServer:
    """Chat completions on 127.0.0.1.

    ``faults``: a queue of 429, 500, 503, "timeout", "malformed", "invalid", or ``(status, "seconds")`` /
    ``(status, "date+N")`` for a 429/503 whose Retry-After is N seconds or an HTTP date N seconds ahead (rounded up
    to the next whole second). ``usage``: the usage block of the n-th successful reply (default 100 in, 50 out).
    ``content``: the reply text for the messages (default a CoE chain from the demo teacher).
    """

    def __init__(
        self,
        faults: list | None = None,
        delay_s: float = 0.0,
        timeout_sleep_s: float = 2.0,
        usage: Callable[[int], dict] | None = None,
        content: Callable[[list[dict]], str] | None = None,
    ):
        lexicons, digest = load_lexicons(LEXICONS)
        self.teacher = DemoTeacher(lexicons, digest)
        self.faults = list(faults or [])
        self.delay_s = delay_s
        self.timeout_sleep_s = timeout_sleep_s
        self.requests = 0
        self.per_prompt: Counter[str] = Counter()
        self.auth_headers: set[str] = set()
        self.bodies: list[dict] = []
        self.arrivals: list[float] = []  # time.time() when each request arrived
        self.not_before: dict[int, float] = {}  # request index -> earliest retry its Retry-After allowed
        self.usage = usage or (lambda n: {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150})
        self.usages_sent: list[dict] = []
        self.content = content
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    index = server.requests
                    server.arrivals.append(time.time())
                    server.requests += 1
                    server.bodies.append(body)
                    server.per_prompt[body["messages"][-1]["content"]] += 1
                    server.auth_headers.add(self.headers.get("Authorization", ""))
                    fault = server.faults.pop(0) if server.faults else None
                if server.delay_s:
                    time.sleep(server.delay_s)
                if isinstance(fault, tuple):
                    status, retry_after = fault
                    now = time.time()
                    if retry_after.startswith("date+"):
                        when = math.ceil(now) + int(retry_after[5:])
                        header = formatdate(when, usegmt=True)
                    else:
                        when, header = now + int(retry_after), retry_after
                    server.not_before[index] = when
                    error = json.dumps({"error": {"message": f"injected {status}"}}).encode()
                    self._send(status, error, {"Retry-After": header})
                    return
                if fault in (429, 500, 503):
                    self._send(fault, json.dumps({"error": {"message": f"injected {fault}"}}).encode())
                    return
                if fault == "timeout":
                    time.sleep(server.timeout_sleep_s)
                    return
                if fault == "malformed":
                    self._send(200, b'{"id": "x", "choices": [{"message": ')
                    return
                content = "这不是一个合格的回答" if fault == "invalid" else server.answer(body["messages"])
                with server._lock:
                    usage = server.usage(len(server.usages_sent))
                    server.usages_sent.append(usage)
                reply = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content, "reasoning_content": "先想情绪。"},
                        }
                    ],
                    "usage": usage,
                }
                self._send(200, json.dumps(reply, ensure_ascii=False).encode())

            def _send(self, status, payload, headers=None):
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"

    def retries_waited(self) -> list[tuple[float, float]]:
        """(arrival of the retry, earliest time its Retry-After allowed) for each fault that sent the header."""
        return [(self.arrivals[i + 1], when) for i, when in sorted(self.not_before.items())]

    def answer(self, messages: list[dict]) -> str:
        return self.content(messages) if self.content else self.teacher.complete(messages, {}).content

    def __enter__(self) -> ChatServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def distill_settings(tmp: Path, teacher: str = "demo", base_url: str = "http://127.0.0.1:9/v1", **over) -> dict:
    """The ``distill`` section for tests: fast backoff, short timeouts, cache under ``tmp``."""
    settings = {
        "teacher": teacher,
        "n_candidates": 12,
        "answer_source": "reference",
        "prompt": str(ROOT / "resources/prompts/coe_distill.yaml"),
        "cache_dir": str(tmp / "cache"),
        "concurrency": 2,
        "generation": {"temperature": 0.6, "max_tokens": 512},
        "api": {
            "base_url": base_url,
            "model": "test-r1",
            "api_key_env": "TEST_TEACHER_KEY",
            "timeout_s": 0.5,
            "max_retries": 4,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.05,
        },
        "validation": {
            "max_invalid_retries": 1,
            "min_level_chars": 10,
            "max_level_chars": 800,
            "min_answer_chars": 20,
            "max_answer_chars": 4000,
            "min_chinese_share": 0.7,
        },
        "prices_per_million": PRICES,
        "demo": {"lexicons": LEXICONS},
    }
    settings.update(over)
    return settings


def chain_text(tag: str = "") -> str:
    """A valid CoE completion for edit decisions."""
    levels = {lvl: f"审阅者修改后的第{lvl}层内容{tag}，更贴近求助者的处境。" for lvl in coe.LEVELS}
    return coe.format_coe(levels, f"审阅者修改后的回答{tag}：你的感受是真实的，我们一起慢慢来。")
