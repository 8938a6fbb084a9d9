"""Shared test settings: offline model loading, repository root on sys.path, the real-posts corpus."""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Real counselling posts (not in the repository; see ../shared/data/real-posts/README.md). Read in place,
# never copied into fixtures. EMPATHY_REAL_POSTS overrides the path (e.g. from a git worktree).
REAL_POSTS = Path(
    os.environ.get("EMPATHY_REAL_POSTS", ROOT.parent / "shared" / "data" / "real-posts" / "xinli001_questions.jsonl")
)


@pytest.fixture(scope="session")
def real_posts() -> list[dict]:
    """The 9,122 real xinli001 questions (id, url, title, content, created)."""
    if not REAL_POSTS.exists():
        pytest.skip(f"real posts not found at {REAL_POSTS} (set EMPATHY_REAL_POSTS)")
    with REAL_POSTS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
