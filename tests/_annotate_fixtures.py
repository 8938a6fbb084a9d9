"""Fixtures for the annotation tests: items to rank, people with known access codes, a review sheet."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from werkzeug.serving import make_server

from workflow_scripts import coe
from workflow_scripts.annotate.app import create_app
from workflow_scripts.annotate.storage import add_person
from workflow_scripts.common.io import write_jsonl
from workflow_scripts.distill import review

SYSTEMS = ["empathy_r1", "base_nt", "retrieval"]
CODES = {"a01": "code-a01", "a02": "code-a02", "r01": "code-r01"}


def make_items(path: Path, testset: str = "eqa", n: int = 4) -> Path:
    """items.jsonl with n samples, each answered by every system in SYSTEMS."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "testset": testset,
                "sample_id": f"demo-{i:03d}",
                "qid": f"demo-{i:03d}",
                "topic_id": "T01",
                "title": f"问题{i}：最近总是失眠",
                "description": "我最近压力很大。\n晚上睡不着。",
                "references": ["参考回答"],
                "responses": [
                    {"system": s, "text": f"第{k}种回答 {i}：<b>不要</b>担心"} for k, s in enumerate(SYSTEMS)
                ],
            }
        )
    write_jsonl(path, rows)
    return path


def make_people(path: Path) -> Path:
    for who, role in (("a01", "annotator"), ("a02", "annotator"), ("r01", "reviewer")):
        add_person(path, who, role, CODES[who], method="pbkdf2:sha256:1000")  # cheap hash: tests log in often
    return path


def make_candidates(n: int = 4) -> list[dict]:
    """Distillation candidates: the last one's chain failed validation (only edit/reject allowed)."""
    cands = []
    for i in range(n):
        levels = {lvl: f"第{i}条 {lvl} 内容" for lvl in coe.LEVELS}
        valid = i < n - 1
        cands.append(
            {
                "qid": f"demo-{i}",
                "topic_id": "T01",
                "topic": "抑郁",
                "title": f"标题{i}",
                "description": "描述",
                "answer": "人类参考回答",
                "status": "valid" if valid else "rejected",
                "reason": None if valid else "missing L3",
                "levels": levels if valid else None,
                "final_answer": f"回答{i}" if valid else None,
                "completion": coe.format_coe(levels, f"回答{i}") if valid else None,
                "raw_reply": "raw",
                "teacher": "demo",
            }
        )
    return cands


def make_workspace(tmp: Path) -> dict:
    """Everything the app needs, under tmp; returns the paths."""
    paths = {
        "items": make_items(tmp / "results/human/eqa/items.jsonl"),
        "annotators": make_people(tmp / "config/human/annotators.csv"),
        "rankings": tmp / "config/human/rankings",
        "candidates": tmp / "results/distill/candidates.jsonl",
        "sheet_html": tmp / "results/review/sheet.html",
        "sheet_csv": tmp / "results/review/sheet.csv",
        "decisions": tmp / "config/review/decisions.csv",
    }
    cands = make_candidates()
    write_jsonl(paths["candidates"], cands)
    review.write_sheet(cands, str(paths["sheet_html"]), str(paths["sheet_csv"]), str(paths["decisions"]))
    return paths


def make_app(paths: dict):
    return create_app(
        annotators=paths["annotators"],
        items=[paths["items"]],
        rankings=paths["rankings"],
        seed=7,
        sheet=paths["sheet_csv"],
        decisions=paths["decisions"],
        secret_key=b"test-secret",
    )


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
