"""PsyQA import: the public PsyQA JSON -> cleaned, topic-labelled posts and a seeded test set.

PsyQA (Sun et al., 2021) is not redistributable: get it from https://github.com/thu-coai/PsyQA
(sign the user agreement there and e-mail it to the authors), save the JSON file and point
``psyqa.path`` in the config at it. The demo config points at a small synthetic file in the same
format, written for this project (``resources/psyqa_demo/psyqa_demo.json``).

Format: a JSON list of ``{questionID, question, description, keywords, answers: [{answer_text,
has_label, labels_sequence}]}``; ``keywords`` is a comma-separated string whose first element is one
of PsyQA's 9 topics (成长, 情绪, 恋爱, 人际, 行为, 家庭, 治疗, 职业, 婚姻).

Writes ``results/psyqa/posts.parquet`` (all cleaned posts), ``results/psyqa/test.parquet`` (the
seeded, topic-stratified test sample) and ``results/psyqa/report.json``. Rows have the labelled
Empathy-QA columns plus ``group_id``: ``source`` "psyqa", ``qid`` "psyqa-<questionID>", ``topic`` the
PsyQA topic, ``topic_id`` "PQ-<topic>", subtopic fields null. Cleaning is the Empathy-QA clean step
itself (``workflow_scripts.data.clean.clean_posts``) with the same ``clean`` settings.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, write_json, write_parquet
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.data import clean as clean_step
from workflow_scripts.data.label import KeywordScorer, keyword_label, load_taxonomy

logger = logging.getLogger(__name__)

PSYQA_TOPICS = ("成长", "情绪", "恋爱", "人际", "行为", "家庭", "治疗", "职业", "婚姻")
# Finer PsyQA keywords (seen in the public sample) -> coarse topic, for rows whose first keyword is not a topic.
FINE_TO_TOPIC = {
    "自我成长": "成长", "人格特质": "成长", "性格完善": "成长", "自我接纳": "成长", "人生意义": "成长",
    "情绪调节": "情绪", "焦虑情绪": "情绪", "抑郁情绪": "情绪", "脆弱流泪": "情绪", "内疚羞耻": "情绪",
    "恋爱经营": "恋爱", "失恋": "恋爱", "挽回前任": "恋爱", "好感": "恋爱", "单身": "恋爱",
    "人际边界": "人际", "社交恐惧": "人际", "舍友同学": "人际", "沟通": "人际", "社会适应": "人际",
    "拖延": "行为", "强迫": "行为", "疑病": "行为", "应激": "行为", "逃避": "行为",
    "家庭关系": "家庭", "父母沟通": "家庭", "家庭创伤": "家庭", "子女沟通": "家庭",
    "治疗方法": "治疗", "心理咨询": "治疗", "疾病诊断": "治疗", "疗愈方法": "治疗",
    "职业管理": "职业", "工作压力": "职业", "择业技巧": "职业", "职场人际": "职业",
    "婚姻经营": "婚姻", "婆媳岳婿": "婚姻", "出轨": "婚姻", "婚姻观念": "婚姻",
}  # fmt: skip
WHERE_TO_GET = (
    "PsyQA is not bundled: request it at https://github.com/thu-coai/PsyQA (read and sign the user "
    "agreement there, e-mail it to the authors), save the JSON file they send, and set psyqa.path in your "
    "config (paper.yaml expects data/psyqa/PsyQA_full.json) to its location"
)


def topic_id(topic: str) -> str:
    return f"PQ-{topic}"


def load_psyqa(path: str | Path) -> list[dict[str, Any]]:
    """Read and check the PsyQA JSON; a missing file says where to get PsyQA, a bad row names its index."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: PsyQA file not found. {WHERE_TO_GET}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}: not valid JSON ({err.msg}); is this the PsyQA JSON file?") from err
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of questions (PsyQA format)")
    for n, row in enumerate(data):
        where = f"{path}: item {n}"
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected an object")
        for key in ("questionID", "question", "description", "keywords", "answers"):
            if key not in row:
                raise InputError(f"{where}: missing field '{key}' (PsyQA format)")
        if not isinstance(row["answers"], list) or not all(
            isinstance(a, dict) and isinstance(a.get("answer_text"), str) for a in row["answers"]
        ):
            raise InputError(f"{where}: 'answers' must be a list of objects with a string 'answer_text'")
        for key in ("question", "description", "keywords"):
            if row[key] is not None and not isinstance(row[key], str):
                raise InputError(f"{where}: field '{key}' must be a string")
    return data


def to_raw(row: dict[str, Any]) -> dict[str, Any]:
    """A PsyQA item in the crawl's raw-post shape, so the clean step can take it unchanged."""
    keywords = [k.strip() for k in (row.get("keywords") or "").replace("，", ",").split(",") if k.strip()]
    return {
        "source": "psyqa",
        "post_id": str(row["questionID"]),
        "url": f"psyqa://{row['questionID']}",
        "title": (row.get("question") or "").strip(),
        "description": (row.get("description") or "").strip(),
        "tags": keywords,
        "answers": [{"text": a["answer_text"].strip()} for a in row["answers"]],
        "fetched_at": None,
    }


def psyqa_topic(tags: Sequence[str], title: str, description: str, scorer: KeywordScorer):
    """(PsyQA topic, label_source, confidence): the first keyword if it is a topic, else a finer one, else text.

    Text goes through the label rule's keyword path and is coarsened through ``Taxonomy.psyqa_of`` (the
    subtopic's PsyQA topic first), the one mapping every Empathy-QA -> PsyQA comparison uses.
    """
    if tags and tags[0] in PSYQA_TOPICS:
        return tags[0], "site_tag", 1.0
    for tag in tags:
        if tag in PSYQA_TOPICS:
            return tag, "site_tag", 1.0
        if tag in FINE_TO_TOPIC:
            return FINE_TO_TOPIC[tag], "site_tag", 1.0
    found = keyword_label(scorer, title, description)
    if found is None:
        return "成长", "classifier", 0.0
    topic_id, subtopic_id, share = found
    return scorer.taxonomy.psyqa_of(topic_id, subtopic_id), "classifier", share


def sample_test(frame: pd.DataFrame, size: float, seed: int) -> pd.DataFrame:
    """Seeded sample stratified by topic (largest remainder); a size above what exists takes everything."""
    from workflow_scripts.data.split import allocate

    n = len(frame) if size >= len(frame) else (round(size * len(frame)) if size < 1 else int(size))
    counts = frame["topic"].value_counts().to_dict()
    quota = allocate(n, {t: int(c) for t, c in sorted(counts.items())})
    rng = random.Random(seed)
    picked = []
    for topic in sorted(quota):
        qids = sorted(frame.loc[frame["topic"] == topic, "qid"])
        rng.shuffle(qids)
        picked += qids[: quota[topic]]
    return frame[frame["qid"].isin(set(picked))].sort_values("qid").reset_index(drop=True)


def raw_stats(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Table-1 statistics of the file as published (before cleaning)."""
    n = len(items)
    answers = [a["answer_text"] for r in items for a in r["answers"]]
    return {
        "questions": n,
        "answers": len(answers),
        "avg_chars_question": round(sum(len(r.get("question") or "") for r in items) / n, 2) if n else None,
        "avg_chars_description": round(sum(len(r.get("description") or "") for r in items) / n, 2) if n else None,
        "avg_chars_answer": round(sum(map(len, answers)) / len(answers), 2) if answers else None,
    }


def import_psyqa(
    path: str | Path, params: dict[str, Any], lexicon_paths: dict[str, str | Path], taxonomy_path: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Load, clean (the Empathy-QA clean step), label with PsyQA topics and sample the test set."""
    settings = clean_step.CleanSettings.from_params(params)
    try:
        test_size = float(params["psyqa"]["test_size"])
    except (KeyError, TypeError) as err:
        raise InputError(f"--params lacks psyqa setting {err}; pass settings('psyqa', 'clean', 'seed')") from err
    items = load_psyqa(path)
    raw = [to_raw(r) for r in items]
    raw.sort(key=lambda r: clean_step._natural_key(r["post_id"]))
    lexicons = clean_step.Lexicons.load(lexicon_paths)
    table, clean_report = clean_step.clean_posts(raw, settings, lexicons, ["psyqa"])
    frame = table.to_pandas()
    taxonomy = load_taxonomy(taxonomy_path)
    scorer = KeywordScorer(taxonomy, 2.0)
    labels = [
        psyqa_topic(list(tags), title, desc, scorer)
        for tags, title, desc in zip(frame["tags"], frame["title"], frame["description"], strict=True)
    ]
    frame["topic"] = [t for t, _, _ in labels]
    frame["topic_id"] = [topic_id(t) for t, _, _ in labels]
    frame["subtopic_id"] = pd.Series([None] * len(frame), dtype="object")
    frame["subtopic"] = pd.Series([None] * len(frame), dtype="object")
    frame["label_source"] = [s for _, s, _ in labels]
    frame["label_confidence"] = [c for _, _, c in labels]
    frame["group_id"] = frame["qid"]
    frame = frame[[*clean_step.CLEAN_COLUMNS, "topic_id", "topic", "subtopic_id", "subtopic", "label_source",
                   "label_confidence", "group_id"]]  # fmt: skip
    test = sample_test(frame, test_size, settings.seed)
    report = {
        "source_file": str(path),
        "raw": raw_stats(items),
        "clean": clean_report["totals"],
        "posts": len(frame),
        "test": len(test),
        "topics": {t: int((frame["topic"] == t).sum()) for t in PSYQA_TOPICS},
        "test_topics": {t: int((test["topic"] == t).sum()) for t in PSYQA_TOPICS},
        "label_source": {s: int((frame["label_source"] == s).sum()) for s in ("site_tag", "classifier")},
    }
    return frame, test, report


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--psyqa", required=True, help="the PsyQA JSON file (psyqa.path)")
    parser.add_argument("--taxonomy", required=True, help="resources/taxonomy/taxonomy.yaml (for unlabelled rows)")
    clean_step.add_lexicon_args(parser)
    parser.add_argument("--posts", required=True, help="results/psyqa/posts.parquet")
    parser.add_argument("--test", required=True, help="results/psyqa/test.parquet")
    parser.add_argument("--report", required=True, help="results/psyqa/report.json")
    args = parser.parse_args(argv)
    lexicons = clean_step.lexicon_args(args)
    inputs = [args.psyqa, args.taxonomy, *lexicons.values()]
    seed = int(args.params.get("seed", 42))
    with recorded_step(args.rule, inputs, [args.posts, args.test, args.report], args.params, seed) as facts:
        posts, test, report = import_psyqa(args.psyqa, args.params, lexicons, args.taxonomy)
        write_parquet(args.posts, posts)
        write_parquet(args.test, test)
        write_json(args.report, report)
        facts.update(raw=report["raw"], posts=report["posts"], test=report["test"])
    logger.info("psyqa: %d questions in, %d cleaned, %d test", report["raw"]["questions"], len(posts), len(test))


if __name__ == "__main__":
    run_main(main)
