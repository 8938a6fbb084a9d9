"""Small labelled frames for the split/stats tests (no crawl or clean needed)."""

from __future__ import annotations

import random

import pandas as pd

KEYWORDS = {"T01": "情绪低落", "T02": "焦虑心慌", "T03": "室友排挤"}


def random_text(rng: random.Random, n: int) -> str:
    """Random CJK characters: two such texts share almost no 3-character shingles."""
    return "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(n))


def labeled_frame(per_topic: int = 20, seed: int = 0) -> pd.DataFrame:
    """Distinct questions (no near duplicates) over three topics, in the labeled-posts contract."""
    rng = random.Random(seed)
    rows = []
    for t_index, (tid, keyword) in enumerate(KEYWORDS.items()):
        for n in range(per_topic):
            pid = f"{t_index}{n:03d}"
            rows.append(
                {
                    "qid": f"demo-{pid}",
                    "source": "demo",
                    "post_id": pid,
                    "url": f"http://127.0.0.1/question/{pid}.html",
                    "title": keyword + random_text(rng, 12),
                    "description": random_text(rng, 60),
                    "tags": [],
                    "answers": [random_text(rng, 150), random_text(rng, 120)],
                    "n_answers": 2,
                    "fetched_at": "2024-01-01T00:00:00",
                    "topic_id": tid,
                    "topic": tid,
                    "subtopic_id": f"{tid}.01",
                    "subtopic": "sub",
                    "label_source": "classifier",
                    "label_confidence": 0.9,
                }
            )
    return pd.DataFrame(rows)
