"""SFT: conversational data, a tiny TRL run, kill + resume from the last checkpoint, format adherence."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from _train_fixtures import (
    approved_row,
    make_posts,
    run_killed_after_first_checkpoint,
    workflow_dir,
    write_fixtures,
)
from test_base_model import TINY

from workflow_scripts import coe
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.train import base_model, chat, sft

ROOT = Path(__file__).resolve().parents[1]
SFT_TINY = {
    "system_prompt": True,
    "finetuning": "full",
    "lora": {"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"]},
    "epochs": 1,
    "max_steps": 6,
    "per_device_train_batch_size": 4,
    "gradient_accumulation_steps": 1,
    "learning_rate": 0.002,
    "lr_scheduler_type": "linear",
    "warmup_ratio": 0.0,
    "weight_decay": 0.0,
    "max_length": 512,
    "logging_steps": 1,
    "save_steps": 2,
    "bf16": True,
    "gradient_checkpointing": True,
    "deepspeed": "resources/deepspeed/zero3.json",
    "eval": {"max_prompts": 2, "max_new_tokens": 8, "batch_size": 2, "repetition_penalty": 1.0},
}
GOOD = coe.format_coe({lvl: f"{lvl}分析" for lvl in coe.LEVELS}, "你好，谢谢你愿意说出来。")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("sft")
    paths = write_fixtures(root)
    base = root / "models" / "base"
    base_model.build_base(str(paths["train"]), str(base), TINY, 0, {})
    return {**{k: str(v) for k, v in paths.items()}, "base": str(base), "root": root}


def _argv(inputs, out, variant="sft", **overrides):
    params = {"seed": 7, "sft": {**SFT_TINY, **overrides}}
    return [
        "--approved", inputs["approved"], "--base", inputs["base"], "--val", inputs["val"],
        "--variant", variant, "--output", str(out), "--params", json.dumps(params),
    ]  # fmt: skip


def test_format_adherence_on_known_strings():
    texts = [GOOD, GOOD.replace("<L3>", "<L5>"), "<answer>只有回答</answer>", "随便说说", GOOD + "多余"]
    assert chat.format_adherence(texts, "coe") == pytest.approx(1 / 5)
    assert chat.format_adherence(texts, "answer_only") == pytest.approx(1 / 5)
    assert chat.format_adherence([], "coe") == 0.0
    with pytest.raises(ValueError, match="unknown variant"):
        chat.format_adherence([GOOD], "cot")


def test_dataset_variants_share_the_prompt_but_not_the_target():
    row = approved_row(make_posts(1)[0])
    with_coe = sft.build_dataset([row], "coe", system_prompt=True)[0]
    answer_only = sft.build_dataset([row], "answer_only", system_prompt=False)[0]
    assert [m["role"] for m in with_coe["prompt"]] == ["system", "user"]
    assert with_coe["completion"] == [{"role": "assistant", "content": row["completion"]}]
    assert with_coe["chat_template_kwargs"] == {"enable_thinking": False}
    assert [m["role"] for m in answer_only["prompt"]] == ["user"]
    assert answer_only["completion"][0]["content"] == coe.format_answer_only(row["final_answer"])
    assert with_coe["prompt"][1] == answer_only["prompt"][0]


def _long_chain(post: dict) -> dict:
    """An approved chain shaped like the demo teacher's: multi-paragraph answer, ~650 characters."""
    answer = "\n".join([post["answers"][0], "你愿意说出来，已经迈出了很重要的一步。" * 4, "祝你早日走出来。" * 6])
    levels = {lvl: f"{lvl}：求助者感到很难过，希望被理解，也想得到具体可行的建议。" * 2 for lvl in coe.LEVELS}
    return {**approved_row(post), "final_answer": answer, "completion": coe.format_coe(levels, answer)}


@pytest.mark.parametrize("variant", ["coe", "answer_only"])
def test_loss_covers_exactly_what_generation_must_write(inputs, tmp_path, variant):
    """Issue 6 regression: the think block the template pre-fills was trained (newline -> newline), so the
    demo model answered every val prompt with newlines only. The trained sequence must be the very prompt
    generate() renders, with loss on the completion + <|im_end|> alone."""
    from transformers import AutoTokenizer
    from trl import SFTTrainer

    rows = [_long_chain(post) for post in make_posts(3, seed=5)]
    base = base_model.resolve_model_path(inputs["base"])
    tokenizer = AutoTokenizer.from_pretrained(base)
    config = sft.make_config({**SFT_TINY, "max_length": 4096}, tmp_path / "ckpt", 0, cuda=False)
    dataset = sft.build_dataset(rows, variant, system_prompt=True)
    trainer = SFTTrainer(model=base, args=config, train_dataset=dataset, processing_class=tokenizer)
    for row, example in zip(rows, trainer.train_dataset, strict=True):
        ids, labels = example["input_ids"], example["labels"]
        start = next(i for i, label in enumerate(labels) if label != -100)
        messages = chat.prompt_messages(row["title"], row["description"], variant, True)
        prompt_ids = tokenizer(chat.render_prompt(tokenizer, messages), add_special_tokens=False)["input_ids"]
        assert ids[:start] == prompt_ids  # the context the model is trained in is the inference prompt
        assert all(label != -100 for label in labels[start:])
        target = chat.completion_text(row, variant) + "<|im_end|>\n"
        assert tokenizer.decode(labels[start:]) == target  # not "<think>\n\n</think>\n\n" + ...


def test_config_enables_gpu_features_only_with_cuda(tmp_path):
    cpu = sft.make_config(SFT_TINY, tmp_path, 1, cuda=False)
    assert cpu.use_cpu and not cpu.bf16 and not cpu.activation_checkpointing and cpu.deepspeed is None
    assert cpu.completion_only_loss and not cpu.assistant_only_loss and cpu.save_steps == 2 and cpu.seed == 1
    with pytest.raises(sft.InputError, match="does not exist"):
        sft.resolve_deepspeed("resources/deepspeed/zero9.json")
    for stage in ("zero2", "zero3"):
        ds = json.loads(Path(sft.resolve_deepspeed(f"resources/deepspeed/{stage}.json")).read_text())
        assert ds["zero_optimization"]["stage"] == int(stage[-1]) and ds["bf16"]["enabled"] == "auto"


def test_relaunch_starts_one_rank_per_gpu_or_cpu_ranks(monkeypatch):
    """The launcher command: cpu_ranks processes without CUDA, one per GPU (capped) with it, none under a launcher."""
    import torch

    calls = []
    monkeypatch.setattr(os, "execv", lambda exe, argv: calls.append(argv))
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    monkeypatch.setattr(sft, "cuda_available", lambda: False)
    sft.maybe_relaunch("workflow_scripts.train.sft", ["--x", "1"], cpu_ranks=1)
    assert calls == []
    sft.maybe_relaunch("workflow_scripts.train.sft", ["--x", "1"], cpu_ranks=2, max_gpus=1)  # the GPU cap is not CPU's
    assert calls[-1][1:] == [
        "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "workflow_scripts.train.sft",
        "--x", "1",
    ]  # fmt: skip
    monkeypatch.setattr(sft, "cuda_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 8)
    sft.maybe_relaunch("workflow_scripts.train.grpo", [], cpu_ranks=2, max_gpus=6)
    assert "--nproc_per_node=6" in calls[-1]
    monkeypatch.setenv("LOCAL_RANK", "0")
    sft.maybe_relaunch("workflow_scripts.train.sft", [], cpu_ranks=2)
    assert len(calls) == 2
    assert sft.cpu_ranks({"train.cpu_ranks": 2}) == 2 and sft.cpu_ranks({}) == 1


def test_close_process_group_tears_the_group_down_and_is_a_no_op_without_one(tmp_path):
    """Every rank ends its own group (a rank left to interpreter exit can abort: see close_process_group)."""
    import torch.distributed as dist

    sft.close_process_group()
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    assert dist.is_initialized()
    sft.close_process_group()
    assert not dist.is_initialized()


def test_a_rank_of_a_multi_rank_run_ends_without_interpreter_finalisation_and_a_single_process_ends_normally():
    """end_rank: in a multi-rank run the rank leaves with status 0 before finalisation (where a CPU rank under ZeRO
    can abort), its output flushed; a single process returns normally and finalises."""
    script = (
        "import atexit, os, sys; atexit.register(lambda: print('finalised', flush=True)); "
        "from workflow_scripts.train.sft import end_rank; print('written'); end_rank(); print('returned')"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORLD_SIZE": "2"}
    multi = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert multi.returncode == 0 and multi.stdout.split() == ["written"], multi.stdout + multi.stderr
    env["WORLD_SIZE"] = "1"
    single = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert single.returncode == 0 and single.stdout.split() == ["written", "returned", "finalised"], single.stdout


def test_checkpoints_of_another_run_are_not_resumed(tmp_path):
    ckpt = tmp_path / "m.checkpoints"
    (ckpt / "checkpoint-4").mkdir(parents=True)
    (ckpt / "checkpoint-4" / "trainer_state.json").write_text("{}")
    assert sft.last_checkpoint(ckpt, "run-a") is None  # no fingerprint: unknown origin, wiped
    (ckpt / "checkpoint-2").mkdir()
    (ckpt / "checkpoint-2" / "trainer_state.json").write_text("{}")
    (ckpt / "checkpoint-6").mkdir()  # killed while saving: no trainer state
    assert sft.last_checkpoint(ckpt, "run-a") == str(ckpt / "checkpoint-2")
    assert not (ckpt / "checkpoint-6").exists()
    assert sft.last_checkpoint(ckpt, "run-b") is None and not (ckpt / "checkpoint-2").exists()


def test_tiny_sft_writes_model_loss_curve_and_eval(inputs, capsys):
    from transformers import AutoModelForCausalLM

    out = inputs["root"] / "models" / "sft"
    sft.main(_argv(inputs, out))
    printed = capsys.readouterr()
    [summary] = printed.out.splitlines()  # the one line the terminal shows
    assert summary.startswith("format adherence (coe, 2 val prompts): ")
    assert "'loss'" in printed.err  # the trainer's per-step dicts go to the rule's log, not the terminal
    assert AutoModelForCausalLM.from_pretrained(out).config.model_type == "qwen3"
    assert (out / "chat_template.jinja").read_text(encoding="utf-8") == chat.load_template("qwen3")
    with open(out / "loss.csv", encoding="utf-8") as handle:
        assert [int(r["step"]) for r in csv.DictReader(handle)] == [1, 2, 3, 4, 5, 6]
    report = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert report["n_prompts"] == 2 and 0.0 <= report["format_adherence"] <= 1.0
    assert report["repetition_penalty"] == 1.0
    facts = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["facts"]
    assert facts["global_step"] == 6 and facts["device"] == "cpu" and facts["resumed_from_step"] is None
    assert not sft.checkpoint_dir(out).exists() and not sft.partial_dir(out).exists()


def test_lora_nocoe_variant_saves_a_merged_model(inputs):
    out = inputs["root"] / "models" / "sft_nocoe"
    sft.main(_argv(inputs, out, variant="sft_nocoe", finetuning="lora", max_steps=2, learning_rate=0.01))
    assert not (out / "adapter_config.json").exists() and (out / "model.safetensors").exists()
    facts = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["facts"]
    assert facts["variant"] == "answer_only" and facts["finetuning"] == "lora"


def test_kill_then_rerun_resumes_from_last_checkpoint(inputs):
    out = inputs["root"] / "models" / "killed"
    params = {"seed": 7, "sft": SFT_TINY}
    call = {
        "approved": inputs["approved"], "base_dir": inputs["base"], "val": inputs["val"],
        "output": str(out), "variant": "coe", "params": params,
    }  # fmt: skip
    started = time.monotonic()
    proc = run_killed_after_first_checkpoint(
        "from workflow_scripts.train import sft\nsft.train_sft(**args, facts={}, callbacks=callbacks)", call
    )
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert "saved step 2; SIGKILL" in proc.stderr  # printed during training: the log
    assert not out.exists()
    ckpt = sft.checkpoint_dir(out)
    assert (ckpt / "checkpoint-2" / "trainer_state.json").exists()
    assert time.monotonic() - started < 300

    sft.main(_argv(inputs, out, variant="sft"))
    facts = json.loads(sidecar_path(out).read_text(encoding="utf-8"))["facts"]
    assert facts["resumed_from_step"] == 2 and facts["global_step"] == 6
    with open(out / "loss.csv", encoding="utf-8") as handle:
        assert [int(r["step"]) for r in csv.DictReader(handle)] == [1, 2, 3, 4, 5, 6]  # steps 1-2 from before the kill


def _workdir(tmp_path, inputs):
    """The common and training rules on fixture files, with the tiny settings in tiny.yaml."""
    workflow_dir(tmp_path, inputs, ("common.smk", "train.smk"), ("seed", "base_model", "train", "sft"))
    overrides = {"base_model": TINY, "sft": SFT_TINY}
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(overrides, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _snakemake(workdir, *args):
    cmd = [str(Path(sys.executable).parent / "snakemake"), *args, "--cores", "2"]
    cmd += ["--configfile", "config/config.yaml", "tiny.yaml"]  # nargs options last: targets come first
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


def test_rules_dry_run_on_fixture_files(tmp_path, inputs):
    proc = _snakemake(_workdir(tmp_path, inputs), "-n", "results/models/sft", "results/models/sft_nocoe")
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    assert text.count("rule sft:") == 2 and "rule base_model:" in text
    assert not (tmp_path / "results" / "models").exists()


@pytest.mark.e2e
def test_snakemake_sft_demo_size_reaches_format_adherence(tmp_path):
    """The demo config (tiny Qwen3, 150 SFT steps) on 200 fixture posts: format adherence >= 0.9."""
    paths = write_fixtures(tmp_path / "fx", n_train=200, n_val=20, n_approved=60)
    (tmp_path / "wd").mkdir()
    workdir = _workdir(tmp_path / "wd", {k: str(v) for k, v in paths.items()})
    (workdir / "tiny.yaml").write_text("{}\n", encoding="utf-8")  # the demo config itself
    proc = _snakemake(workdir, "results/models/sft")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((workdir / "results/models/sft/eval.json").read_text(encoding="utf-8"))
    assert report["format_adherence"] >= 0.9
