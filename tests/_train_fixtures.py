"""Small Chinese fixtures for the training tests: split parquet files and approved CoE chains.

Written to the data contracts (results/splits/*.parquet, results/distill/approved.jsonl) so the
training steps can be tested before the upstream stages exist.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from workflow_scripts import coe
from workflow_scripts.common.io import write_jsonl, write_parquet

ROOT = Path(__file__).resolve().parents[1]

# The smallest Qwen3 that still runs every code path: for tests that build models, not for quality.
TINY_ARCH = {
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "head_dim": 16,
    "max_position_embeddings": 1024,
}

_KILL_AFTER_FIRST_CHECKPOINT = """
import json, os, signal, sys
from transformers import TrainerCallback

class KillAfterFirstCheckpoint(TrainerCallback):
    def on_save(self, args, state, control, **kwargs):
        print(f"saved step {state.global_step}; SIGKILL", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

args = json.loads(sys.argv[1])
callbacks = [KillAfterFirstCheckpoint()]
"""


def run_killed_after_first_checkpoint(train_call: str, args: dict) -> subprocess.CompletedProcess:
    """Run ``train_call`` (code using ``args`` and ``callbacks``) in a child that SIGKILLs itself at its first save."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}
    code = _KILL_AFTER_FIRST_CHECKPOINT + train_call
    return subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


_WHO = ["我", "我妈妈", "我男朋友", "我的室友", "我的同事", "我爸爸", "我的好朋友", "我的领导"]
_PROBLEM = [
    "最近总是失眠，晚上躺在床上脑子停不下来",
    "一到人多的地方就心慌，手心出汗",
    "和家人一说话就吵架，觉得没有人理解我",
    "工作压力很大，每天都不想去上班",
    "考试快到了，复习不进去，越来越焦虑",
    "分手以后一直走不出来，什么都提不起兴趣",
    "总觉得自己不够好，做什么都没有意义",
    "和朋友之间出现了矛盾，不知道该不该主动联系",
]
_FEEL = ["很难过", "很焦虑", "很委屈", "很迷茫", "很害怕", "很孤独", "很烦躁", "很无助"]
_ASK = ["我该怎么办？", "这正常吗？", "有什么办法可以改善吗？", "我是不是有问题？"]
_ADVICE = [
    "可以试着每天固定时间起床，睡前一小时放下手机，给身体一个稳定的节律",
    "当情绪涌上来的时候，先停下来做几次缓慢的深呼吸，把注意力带回当下",
    "试着把担心的事情写下来，区分哪些是可以控制的，哪些是暂时无法控制的",
    "和信任的人聊一聊，说出来本身就是一种释放，你不需要一个人扛着",
    "如果这种状态持续超过两周，并且影响到了生活，建议寻求专业心理咨询师的帮助",
    "给自己一些耐心，改变需要时间，每一小步的进展都值得被看见",
]


def _post(rng: random.Random, i: int) -> dict:
    who, problem, feel, ask = rng.choice(_WHO), rng.choice(_PROBLEM), rng.choice(_FEEL), rng.choice(_ASK)
    title = f"{problem[:12]}，{ask}"
    description = f"{who}{problem}。这种情况已经持续了{rng.randint(2, 12)}个月，我感到{feel}。{ask}"
    advice = rng.sample(_ADVICE, 3)
    answer = (
        f"你好，能感受到你现在{feel}，谢谢你愿意把这些说出来。"
        f"{'。'.join(advice)}。你已经在努力面对了，这本身就很不容易，愿你慢慢好起来。"
    )
    return {
        "qid": f"demo-{i:04d}",
        "source": "demo",
        "post_id": f"{i:04d}",
        "url": f"http://127.0.0.1/question/{i}.html",
        "title": title,
        "description": description,
        "tags": ["情绪"],
        "answers": [answer],
        "n_answers": 1,
        "fetched_at": "2024-05-01T10:00:00",
        "topic_id": "T01",
        "topic": "抑郁",
        "subtopic_id": "T01.01",
        "subtopic": "情绪低落",
        "label_source": "site_tag",
        "label_confidence": 1.0,
        "group_id": f"g{i:04d}",
        "_feel": feel,
        "_problem": problem,
    }


def make_posts(n: int, seed: int = 0, start: int = 0) -> list[dict]:
    """``n`` synthetic counselling posts in Chinese (contract columns plus two private hints)."""
    rng = random.Random(seed)
    return [_post(rng, start + i) for i in range(n)]


def approved_row(post: dict) -> dict:
    """An approved chain for a post, made with the project's CoE formatter."""
    levels = {
        "L1": f"求助者感到{post['_feel']}，情境是{post['_problem']}。",
        "L2": "这些情绪背后可能是对自己的高要求，以及担心得不到支持。",
        "L3": "求助者希望被理解，同时想得到具体可行的建议。",
        "L4": "先共情和肯定，再给出两三条温和具体的建议。",
    }
    answer = post["answers"][0]
    return {
        "qid": post["qid"],
        "title": post["title"],
        "description": post["description"],
        "answer": answer,
        "levels": levels,
        "final_answer": answer,
        "completion": coe.format_coe(levels, answer),
        "decision": "approve",
        "reviewer": "fixture",
    }


def write_fixtures(root: Path, n_train: int = 40, n_val: int = 10, n_approved: int = 20, seed: int = 0) -> dict:
    """Write splits/train.parquet, splits/val.parquet and distill/approved.jsonl under ``root``."""
    train = make_posts(n_train, seed)
    val = make_posts(n_val, seed + 1, start=n_train)
    paths = {
        "train": root / "splits" / "train.parquet",
        "val": root / "splits" / "val.parquet",
        "approved": root / "distill" / "approved.jsonl",
    }
    for key, posts in (("train", train), ("val", val)):
        frame = pd.DataFrame(posts).drop(columns=["_feel", "_problem"])
        write_parquet(paths[key], frame)
    write_jsonl(paths["approved"], [approved_row(p) for p in train[:n_approved]])
    return paths


def spread_topics(paths: dict) -> None:
    """Give the train and val posts three topics in turn: the reward triplets need mismatched-topic negatives."""
    for key in ("train", "val"):
        frame = pd.read_parquet(paths[key])
        frame["topic_id"] = [("T01", "T02", "T03")[i % 3] for i in range(len(frame))]
        frame["topic"] = frame["topic_id"].map({"T01": "抑郁", "T02": "焦虑", "T03": "人际关系"})
        frame.to_parquet(paths[key])


def workflow_dir(tmp_path: Path, inputs: dict, rules: tuple[str, ...], keys: tuple[str, ...]) -> Path:
    """A workflow dir on fixture files: code linked, ``rules`` copied, only the config sections ``keys``
    (real values, real schema), and the fixture splits and approved chains where the contracts put them,
    so a test does not depend on the stages upstream of the fixtures."""
    for name in ("workflow_scripts", "resources", "envs"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "rules").mkdir()  # copies: a linked rules/ would resolve ../config to the real one
    for name in rules:
        (tmp_path / "rules" / name).write_bytes((ROOT / "rules" / name).read_bytes())
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    schema = yaml.safe_load((ROOT / "config/schema/config.schema.yaml").read_text(encoding="utf-8"))
    schema["properties"] = {k: schema["properties"][k] for k in keys}
    schema["required"] = [k for k in schema.get("required", []) if k in keys]
    (tmp_path / "config" / "schema").mkdir(parents=True)
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump({k: config[k] for k in keys}), encoding="utf-8")
    (tmp_path / "config/schema/config.schema.yaml").write_text(yaml.safe_dump(schema), encoding="utf-8")
    includes = "".join(f'include: "rules/{n}"\n' for n in rules)
    (tmp_path / "Snakefile").write_text(f'configfile: "config/config.yaml"\n\n\n{includes}', encoding="utf-8")
    results = tmp_path / "results"
    (results / "splits").mkdir(parents=True)
    (results / "distill").mkdir()
    for key, dest in (("train", "splits/train.parquet"), ("val", "splits/val.parquet")):
        (results / dest).write_bytes(Path(inputs[key]).read_bytes())
    (results / "distill" / "approved.jsonl").write_bytes(Path(inputs["approved"]).read_bytes())
    return tmp_path
