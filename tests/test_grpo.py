"""GRPO: batch-shape mapping, config guards, reward curves, a tiny TRL run with a stub answer reward,
kill + resume from the last checkpoint, the variant -> (init model, rewards, prompt) mapping in the rules."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from _train_fixtures import run_killed_after_first_checkpoint, spread_topics, workflow_dir, write_fixtures
from test_base_model import TINY

from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.train import base_model, chat, grpo, rewards

ROOT = Path(__file__).resolve().parents[1]
TRAIN_TINY = {
    "system_prompt": True,
    "max_steps": 4,
    "learning_rate": 0.001,
    "lr_scheduler_type": "constant",
    "warmup_ratio": 0.0,
    "weight_decay": 0.0,
    "max_grad_norm": 1.0,
    "prompts_per_step": 2,
    "per_device_train_batch_size": 4,
    "num_processes": 1,
    "num_generations": 2,
    "max_prompt_length": 1024,
    "max_completion_length": 12,
    "temperature": 1.0,
    "top_p": 1.0,
    "repetition_penalty": 1.0,
    "beta": 0.04,
    "epsilon": 0.2,
    "num_iterations": 1,
    "loss_type": "dapo",
    "scale_rewards": "group",
    "logging_steps": 1,
    "save_steps": 2,
    "max_train_prompts": 16,
    "reward_device": None,
    "bf16": True,
    "gradient_checkpointing": True,
    "deepspeed": None,
    "use_vllm": True,
    "vllm_mode": "colocate",
    "vllm_gpu_memory_utilization": 0.3,
}
EVAL_TINY = {"max_prompts": 3, "samples_per_prompt": 2, "batch_size": 3}
VARIANTS = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["grpo"]["variants"]


def stub_answer_reward(completions, question, **kwargs):
    """Stand-in for the encoder reward: 1.0 when the completion shares a character with the question."""
    return [
        1.0 if set(rewards.completion_text(c)) & set(q) else 0.0 for c, q in zip(completions, question, strict=True)
    ]


STUBS = [rewards.format_reward, stub_answer_reward]


def _params(variant="grpo", **train):
    return {
        "seed": 5,
        "grpo.train": {**TRAIN_TINY, **train},
        "grpo.eval": EVAL_TINY,
        f"grpo.variants.{variant}": VARIANTS[variant],
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("grpo")
    paths = write_fixtures(root, n_train=24, n_val=6, n_approved=4)
    base = root / "models" / "base"
    base_model.build_base(str(paths["train"]), str(base), TINY, 0, {})
    (root / "models" / "reward").mkdir()
    return {
        **{k: str(v) for k, v in paths.items()},
        "base": str(base),
        "reward": str(root / "models/reward"),
        "root": root,
    }


def test_paper_batch_shape_maps_to_trl_accumulation():
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text(encoding="utf-8"))["grpo"]["train"]
    # 6 questions x G=4 = 24 completions per update = 1 per device x 6 actor ranks x 4 accumulation steps
    assert grpo.accumulation_steps(paper, paper["num_processes"]) == 4
    assert grpo.accumulation_steps(paper, 1) == 24  # one GPU: same global batch, more accumulation
    assert grpo.accumulation_steps({**paper, "per_device_train_batch_size": 8}, 3) == 1
    assert paper["num_generations"] == 4 and paper["learning_rate"] == 1e-6 and paper["max_steps"] == 1000
    assert paper["max_prompt_length"] == paper["max_completion_length"] == 1024 and paper["temperature"] == 1.0
    with pytest.raises(grpo.InputError, match="not a multiple"):
        grpo.accumulation_steps({**paper, "per_device_train_batch_size": 5}, 1)


def test_cpu_config_switches_gpu_features_off(tmp_path):
    config = grpo.make_config(TRAIN_TINY, tmp_path, 3, cuda=False)
    assert config.use_cpu and not config.bf16 and not config.activation_checkpointing and not config.use_vllm
    assert config.per_device_train_batch_size == 4 and config.gradient_accumulation_steps == 1
    assert config.num_generations == 2 and config.generation_batch_size == 4 and config.beta == 0.04
    assert config.chat_template_kwargs == {"enable_thinking": False} and config.seed == 3
    assert config.deepspeed is None and config.save_steps == 2


def test_vllm_is_only_imported_when_enabled_on_cuda(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "vllm" else real(name, *a))
    with pytest.raises(grpo.InputError, match="vllm is not installed"):
        grpo.make_config(TRAIN_TINY, tmp_path, 3, cuda=True)
    assert grpo.resolve_reward_device("cuda:6", cuda=False) is None
    assert grpo.resolve_reward_device("cpu", cuda=False) == "cpu"


def test_reward_encoder_sits_on_the_configured_gpu_or_the_rank_own(monkeypatch):
    """With no reward_device each rank keeps its encoder copy on its own GPU (a bare "cuda" would mean GPU 0)."""
    import torch

    monkeypatch.setattr(torch.cuda, "device_count", lambda: 7)
    monkeypatch.setenv("LOCAL_RANK", "3")
    assert grpo.resolve_reward_device(None, cuda=True) == "cuda:3"
    assert grpo.resolve_reward_device("cuda:6", cuda=True) == "cuda:6"  # the paper's 7th GPU
    assert grpo.resolve_reward_device("cuda:7", cuda=True) == "cuda:3"  # not on this node: the rank's own
    assert grpo.resolve_reward_device(None, cuda=False) is None  # CPU: each rank's copy on the CPU


def test_variants_map_to_init_model_rewards_and_prompt():
    assert {k: (v["init"], v["format"]) for k, v in VARIANTS.items()} == {
        "grpo": ("sft", "coe"),
        "grpo_only": ("base", "coe"),
        "grpo_nocoe": ("sft_nocoe", "answer_only"),
    }
    for spec in VARIANTS.values():
        assert all(name in rewards.REWARD_FUNCS for name in spec["rewards"])
    assert VARIANTS["grpo_nocoe"]["rewards"] == ["answer_only_format", "answer_only_answer"]
    nocoe = grpo.prompt_records(
        pd.DataFrame([{"qid": "q1", "title": "失眠", "description": "睡不着"}]), "answer_only", True
    )[0]
    assert nocoe["prompt"][0]["content"] == chat.SYSTEM_PROMPT_ANSWER_ONLY and nocoe["question"] == "失眠\n\n睡不着"
    with pytest.raises(grpo.InputError, match="no settings"):
        grpo.variant_settings(_params(), "grpo_other")
    with pytest.raises(grpo.InputError, match="unknown reward"):
        grpo.load_reward_funcs(["format", "empathy"], "unused", None)


def test_reward_curve_rows_and_csv_columns(tmp_path):
    history = [
        {"loss": 0.1, "reward": 1.5, "reward_std": 0.5, "rewards/format_reward/mean": 1.0,
         "rewards/answer_reward/mean": 0.5, "kl": 0.01, "completions/mean_length": 40.0, "step": 1},
        {"train_runtime": 3.0, "step": 1},
        {"reward": 2.0, "rewards/format_reward/mean": 1.0, "rewards/answer_reward/mean": 1.0, "step": 2},
    ]  # fmt: skip
    rows = grpo.curve_rows(history, ["format_reward", "answer_reward"])
    assert [(r["step"], r["format"], r["answer"], r["total"], r["kl"]) for r in rows] == [
        (1, 1.0, 0.5, 1.5, 0.01),
        (2, 1.0, 1.0, 2.0, None),
    ]
    grpo.write_curve_csv(tmp_path / "rewards.csv", rows)
    with open(tmp_path / "rewards.csv", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == grpo.CURVE_COLUMNS
        assert [r["completion_length"] for r in reader] == ["40.0", ""]


def test_overlong_prompts_are_dropped(inputs):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(inputs["base"])
    records = grpo.load_prompts(inputs["train"], "coe", True, 5)
    assert grpo.fit_prompts(records, tokenizer, 1024) == (records, 0)
    assert grpo.fit_prompts(records, tokenizer, 16) == ([], 5)


def _argv(inputs, out, variant="grpo", **train):
    return [
        "--init", inputs["base"], "--reward", inputs["reward"], "--train", inputs["train"], "--val", inputs["val"],
        "--variant", variant, "--output", str(out), "--params", json.dumps(_params(variant, **train)),
    ]  # fmt: skip


def _curve_steps(out):
    with open(Path(out) / "rewards.csv", encoding="utf-8") as handle:
        return [int(r["step"]) for r in csv.DictReader(handle)]


def test_tiny_grpo_writes_model_curves_and_before_after_eval(inputs, monkeypatch, capsys):
    from transformers import AutoModelForCausalLM

    monkeypatch.setattr(grpo, "load_reward_funcs", lambda names, reward_dir, device: list(STUBS))
    out = inputs["root"] / "models" / "grpo"
    grpo.main(_argv(inputs, out))
    printed = capsys.readouterr()
    assert "'loss'" not in printed.out and "'loss'" in printed.err  # per-step dicts: the log, not the terminal
    assert "total" in printed.out  # the side-by-side summary is what the terminal shows
    assert AutoModelForCausalLM.from_pretrained(out).config.model_type == "qwen3"
    assert _curve_steps(out) == [1, 2, 3, 4]
    assert (out / "rewards.png").read_bytes()[:4] == b"\x89PNG"
    report = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    for side in ("initial", "trained"):
        part = report[side]
        assert part["n_samples"] == 6 and part["total"] == pytest.approx(part["format"] + part["answer"], abs=1e-3)
    assert report["reward_names"] == ["format_reward", "stub_answer_reward"] and report["format"] == "coe"
    facts = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["facts"]
    assert facts["global_step"] == 4 and facts["device"] == "cpu" and facts["resumed_from_step"] is None
    assert facts["train_prompts"] == 16
    assert not grpo.checkpoint_dir(out).exists() and not grpo.partial_dir(out).exists()


def test_kill_then_rerun_resumes_from_last_checkpoint(inputs, monkeypatch):
    out = inputs["root"] / "models" / "killed"
    call = {
        "init_dir": inputs["base"], "reward_dir": inputs["reward"], "train_path": inputs["train"],
        "val_path": inputs["val"], "output": str(out), "variant": "grpo", "params": _params(),
    }  # fmt: skip
    started = time.monotonic()
    proc = run_killed_after_first_checkpoint(
        "from workflow_scripts.train import grpo\nfrom test_grpo import STUBS\n"
        "grpo.train_grpo(**args, facts={}, callbacks=callbacks, reward_funcs=STUBS)",
        call,
    )
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert "saved step 2; SIGKILL" in proc.stderr and not out.exists()  # printed during training: the log
    ckpt = grpo.checkpoint_dir(out)
    assert (ckpt / "checkpoint-2" / "trainer_state.json").exists()
    assert _curve_steps(ckpt) == [1, 2]  # the live curve written by the callback before the kill
    assert time.monotonic() - started < 300

    monkeypatch.setattr(grpo, "load_reward_funcs", lambda names, reward_dir, device: list(STUBS))
    grpo.main(_argv(inputs, out))
    facts = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["facts"]
    assert facts["resumed_from_step"] == 2 and facts["global_step"] == 4
    assert _curve_steps(out) == [1, 2, 3, 4]  # steps 1-2 from before the kill


def _workdir(
    tmp_path,
    inputs,
    rules=("common.smk", "train.smk", "grpo.smk"),
    keys=("seed", "base_model", "train", "sft", "grpo"),
):
    """The given rules and config sections on fixture files (see ``workflow_dir``)."""
    workflow_dir(tmp_path, inputs, rules, keys)
    if "reward.smk" not in rules:
        (tmp_path / "results" / "models" / "reward").mkdir(parents=True)  # stands in for the reward_model output
    return tmp_path


def _snakemake(workdir, *args):
    cmd = [str(Path(sys.executable).parent / "snakemake"), *args, "--cores", "2"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


def test_rules_dry_run_builds_each_variant_from_its_init_model(tmp_path, inputs):
    workdir = _workdir(tmp_path, inputs)
    targets = [f"results/models/{v}" for v in VARIANTS]
    proc = _snakemake(workdir, "-n", "-p", *targets)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    assert text.count("rule grpo:") == 3 and text.count("rule sft:") == 2 and text.count("rule base_model:") == 1
    for variant, spec in VARIANTS.items():
        assert f"--init results/models/{spec['init']} --reward results/models/reward" in text
        assert f"--variant {variant} --output results/models/{variant}" in text
    bad = _snakemake(workdir, "-n", "results/models/grpo", "--config", "grpo={'train': {'beta': -1}}")
    assert bad.returncode != 0 and "['grpo']['train']['beta']" in bad.stdout + bad.stderr


@pytest.mark.e2e
def test_snakemake_grpo_demo_raises_total_reward(tmp_path):
    """The demo config on 200 fixture posts: base -> SFT, reward encoder -> GRPO; mean total reward on val rises."""
    paths = write_fixtures(tmp_path / "fx", n_train=200, n_val=20, n_approved=60)
    spread_topics(paths)
    (tmp_path / "wd").mkdir()
    rules = ("common.smk", "train.smk", "reward.smk", "grpo.smk")
    keys = ("seed", "base_model", "train", "sft", "reward", "grpo")
    workdir = _workdir(tmp_path / "wd", {k: str(v) for k, v in paths.items()}, rules, keys)
    proc = _snakemake(workdir, "results/models/grpo")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((workdir / "results/models/grpo/eval.json").read_text(encoding="utf-8"))
    assert report["trained"]["total"] > report["initial"]["total"]
