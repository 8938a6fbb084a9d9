"""Topic and subtopic accuracy of the labelling step on the demo site's ground truth.

Builds the demo site's posts in memory (``workflow_scripts.data.demo_site.build_posts``, the same
generator the demo crawl reads), labels them exactly as the ``label`` rule does (site tags, then
keywords + naive Bayes trained on the tag-labelled posts) and compares with the generator's true
topic and subtopic. Noise posts (ads, spam, off-topic, empty) have no topic and are skipped, as the
clean step removes them.

    python bench/bench_label.py [--n 600] [--seed 42] [--model nb|none] [--json out.json]
    python bench/bench_label.py --labeled results/labeled/posts.parquet \
        --ground-truth results/demo_site/ground_truth.jsonl     # score the label rule's real output

Prints accuracy overall, on the posts labelled from site tags and on those the classifier labelled.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow_scripts.data import demo_site  # noqa: E402
from workflow_scripts.data.label import Labeller, LabelSettings, accuracy_against, load_taxonomy  # noqa: E402

TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"


def demo_frame(n: int, seed: int) -> pd.DataFrame:
    """Demo posts with a topic, as a clean-like frame plus true_topic_id / true_subtopic_id."""
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    lex = yaml.safe_load(demo_site.DEFAULT_LEXICON.read_text(encoding="utf-8"))
    posts = demo_site.build_posts(seed, n, taxonomy, lex, dict(demo_site.DEFAULTS))
    rows = []
    for post in posts:
        if post.topic_id is None or post.noise is not None:
            continue
        rows.append(
            {
                "qid": f"demo-{post.post_id}",
                "source": "demo",
                "title": demo_site.plain([post.title]),
                "description": demo_site.plain(post.description),
                "tags": list(post.tags),
                "answers": [demo_site.plain(a) for a in post.answers],
                "n_answers": len(post.answers),
                "true_topic_id": post.topic_id,
                "true_subtopic_id": post.subtopic_id,
            }
        )
    return pd.DataFrame(rows)


def default_settings(model: str = "nb", seed: int = 42) -> LabelSettings:
    """The demo config's label settings (kept in step with config/config.yaml by tests/test_label.py)."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    settings = LabelSettings.from_params({"label": cfg["label"], "seed": seed})
    return LabelSettings(**{**settings.__dict__, "taxonomy": str(TAXONOMY), "model": model})


def measure(n: int = 600, seed: int = 42, model: str = "nb") -> dict[str, Any]:
    """Label the demo posts and return accuracy figures."""
    frame = demo_frame(n, seed)
    taxonomy = load_taxonomy(TAXONOMY)
    clock = time.perf_counter()
    labeled, facts = Labeller(taxonomy, default_settings(model, seed), {}).label(frame)
    seconds = time.perf_counter() - clock
    topic_ok = labeled["topic_id"] == labeled["true_topic_id"]
    sub_ok = labeled["subtopic_id"] == labeled["true_subtopic_id"]
    out: dict[str, Any] = {"posts": len(labeled), "seconds": round(seconds, 2), "model": model}
    for name, mask in (("all", slice(None)), ("site_tag", labeled["label_source"] == "site_tag"),
                       ("classifier", labeled["label_source"] == "classifier")):  # fmt: skip
        part_t, part_s = topic_ok[mask], sub_ok[mask]
        out[name] = {
            "posts": len(part_t),
            "topic_accuracy": round(float(part_t.mean()), 4) if len(part_t) else None,
            "subtopic_accuracy": round(float(part_s.mean()), 4) if len(part_s) else None,
        }
    out["tag_holdout"] = facts["holdout"]
    return out


def score_output(labeled_path: str, ground_truth_path: str) -> dict[str, Any]:
    """Accuracy of the label rule's output (after crawl + clean) against the demo ground truth."""
    return accuracy_against(pd.read_parquet(labeled_path), ground_truth_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="demo questions to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--model", choices=["nb", "none"], default="nb", help="none: keywords only")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--labeled", help="score this labeled posts.parquet instead (needs --ground-truth)")
    parser.add_argument("--ground-truth", help="results/demo_site/ground_truth.jsonl")
    args = parser.parse_args()
    labeled = args.labeled
    result = score_output(labeled, args.ground_truth) if labeled else measure(args.n, args.seed, args.model)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
