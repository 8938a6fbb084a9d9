"""Stage 1: supervised fine-tuning on the approved CoE chains (TRL SFTTrainer), thinking off.

One code path for both scales: on CPU (demo) plain fp32 training with ``use_cpu``; on CUDA
bf16, gradient checkpointing and a DeepSpeed ZeRO JSON from config, relaunched under
``torch.distributed.run`` when several GPUs are visible. Checkpoints go to a sibling
``<output>.checkpoints/`` dir and a rerun after a kill resumes from the last complete one;
the output dir appears only once the final model and its format-adherence eval are written.

Variants (the rule's ``{sft_variant}`` wildcard): ``sft`` trains CoE + answer; ``sft_nocoe``
trains the answer alone (the paper's w/o-CoE ablation, Table 4).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.cpu_memory import keep_freed_memory_on_cpu
from workflow_scripts.common.io import InputError, read_jsonl, read_parquet, write_json
from workflow_scripts.common.provenance import recorded_step, sha256_path
from workflow_scripts.train import base_model, chat

log = logging.getLogger(__name__)

VARIANT_OF = {"sft": "coe", "sft_nocoe": "answer_only"}
REPO_ROOT = Path(__file__).resolve().parents[2]
FINGERPRINT_FILE = "fingerprint.json"
_CKPT_RE = re.compile(r"checkpoint-(\d+)$")


def checkpoint_dir(output: str | os.PathLike[str]) -> Path:
    """Where intermediate checkpoints live: a sibling, so the output dir only exists when complete."""
    return Path(str(output).rstrip("/") + ".checkpoints")


def partial_dir(output: str | os.PathLike[str]) -> Path:
    """Where the final model is assembled before it is renamed onto the output dir."""
    return Path(str(output).rstrip("/") + ".partial")


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def build_dataset(rows: Sequence[dict], variant: str, system_prompt: bool) -> Any:
    """A conversational prompt-completion dataset with Qwen3 thinking disabled per example.

    Why prompt + completion and not ``messages`` with an assistant-only mask: with thinking off the
    chat template pre-fills ``<think>\n\n</think>\n\n`` into the generation prompt, so at inference
    the model never writes that block; it only continues after it. Training on it (as the
    assistant mask of a training template does) teaches newline -> newline, which a small model
    turns into an endless run of newlines at inference (issue 6: empty generations). Here the
    loss covers exactly what generation must produce (CoE/answer + ``<|im_end|>``), after exactly
    the prompt :func:`chat.render_prompt` builds.
    """
    from datasets import Dataset

    required = ("qid", "title", "description", "completion" if variant == "coe" else "final_answer")
    records = []
    for i, row in enumerate(rows, start=1):
        missing = [key for key in required if not isinstance(row.get(key), str)]
        if missing:
            raise InputError(f"approved chain {i} ({row.get('qid')}): missing text fields {missing}")
        *prompt, answer = chat.conversation(row, variant, system_prompt)
        records.append(
            {
                "prompt": prompt,
                "completion": [answer],
                "chat_template_kwargs": dict(chat.CHAT_TEMPLATE_KWARGS),
            }
        )
    if not records:
        raise InputError("no approved chains to train on; review the distillation sheet first")
    return Dataset.from_list(records)


def deepspeed_config(path: str | None, cuda: bool, key: str) -> str | None:
    """The ZeRO JSON to train with: on CUDA, or on several CPU ranks (DeepSpeed's CPU accelerator, gloo)."""
    if not path:
        return None
    if cuda or world_size() > 1:
        return resolve_deepspeed(path)
    log.warning("%s is set but neither CUDA nor several CPU ranks are here: training without DeepSpeed", key)
    return None


def start_deepspeed_comm(config: Any, cuda: bool) -> None:
    """Start deepspeed.comm on CPU ranks before the model is built.

    ZeRO-3 builds the model inside deepspeed.zero.Init, which takes the world size from deepspeed.comm; on GPUs
    accelerate starts it, on CPU ranks nothing does, and ZeRO-3 then sees one rank and rejects the batch sizes
    ("train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size").
    """
    if config.deepspeed and not cuda:
        import deepspeed

        deepspeed.init_distributed(dist_backend="gloo")


def resolve_deepspeed(path: str | None) -> str | None:
    """The DeepSpeed JSON (relative paths are relative to the workflow root), checked to exist."""
    if not path:
        return None
    resolved = Path(path) if Path(path).is_absolute() else REPO_ROOT / path
    if not resolved.is_file():
        raise InputError(f"sft.deepspeed: {path} does not exist (see resources/deepspeed/)")
    return str(resolved)


def make_config(settings: dict[str, Any], ckpt_dir: Path, seed: int, cuda: bool) -> Any:
    """SFTConfig from the ``sft`` settings; bf16 and gradient checkpointing only with CUDA, DeepSpeed with CUDA or
    several CPU ranks."""
    from trl import SFTConfig

    return SFTConfig(
        output_dir=str(ckpt_dir),
        num_train_epochs=settings["epochs"],
        max_steps=settings["max_steps"] if settings.get("max_steps") else -1,
        per_device_train_batch_size=settings["per_device_train_batch_size"],
        gradient_accumulation_steps=settings["gradient_accumulation_steps"],
        learning_rate=settings["learning_rate"],
        lr_scheduler_type=settings["lr_scheduler_type"],
        warmup_steps=settings["warmup_ratio"],
        weight_decay=settings["weight_decay"],
        max_length=settings["max_length"],
        # Loss on the completion only (see build_dataset): the prompt, pre-filled think block included, is context.
        assistant_only_loss=False,
        completion_only_loss=True,
        packing=False,
        logging_steps=settings["logging_steps"],
        logging_first_step=True,
        save_strategy="steps",
        save_steps=settings["save_steps"],
        save_total_limit=2,
        seed=seed,
        data_seed=seed,
        report_to="none",
        use_cpu=not cuda,
        bf16=bool(cuda and settings["bf16"]),
        activation_checkpointing=bool(cuda and settings["gradient_checkpointing"]),
        activation_checkpointing_kwargs={"use_reentrant": False},
        deepspeed=deepspeed_config(settings.get("deepspeed"), cuda, "sft.deepspeed"),
        model_init_kwargs={"dtype": "bfloat16" if cuda and settings["bf16"] else "float32"},
        dataloader_num_workers=0,
    )


def peft_config(settings: dict[str, Any]) -> Any:
    """A LoRA config when ``sft.finetuning`` is ``lora``; None for full fine-tuning."""
    if settings["finetuning"] != "lora":
        return None
    from peft import LoraConfig

    lora = settings["lora"]
    return LoraConfig(
        r=lora["r"],
        lora_alpha=lora["alpha"],
        lora_dropout=lora["dropout"],
        target_modules=lora["target_modules"],
        task_type="CAUSAL_LM",
    )


def fingerprint(params: dict[str, Any], inputs: Sequence[str], variant: str) -> str:
    """Identity of a training run: checkpoints of another run (other data or settings) are not resumed."""
    payload = {"params": params, "variant": variant, "inputs": [sha256_path(p) for p in inputs]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def last_checkpoint(ckpt_dir: Path, fp: str) -> str | None:
    """The newest complete checkpoint of this same run, or None (stale checkpoints are removed)."""
    from transformers.trainer_utils import get_last_checkpoint

    marker = ckpt_dir / FINGERPRINT_FILE
    if ckpt_dir.exists() and (not marker.exists() or json.loads(marker.read_text())["fingerprint"] != fp):
        log.info("removing checkpoints of a different run in %s", ckpt_dir)
        shutil.rmtree(ckpt_dir)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    while (last := get_last_checkpoint(str(ckpt_dir))) is not None:
        if (Path(last) / "trainer_state.json").exists():
            break
        log.warning("removing incomplete checkpoint %s (killed while saving)", last)
        shutil.rmtree(last)
    write_json(marker, {"fingerprint": fp})
    return last


def agreed_checkpoint(ckpt_dir: Path, fp: str) -> str | None:
    """:func:`last_checkpoint` decided by rank 0 alone and sent to every rank (one answer, no race on cleanup).

    Call it after the trainer config: building TrainingArguments starts the process group under a launcher.
    """
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return last_checkpoint(ckpt_dir, fp)
    box = [last_checkpoint(ckpt_dir, fp) if dist.get_rank() == 0 else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def loss_rows(log_history: Sequence[dict]) -> list[dict]:
    """The training-loss curve from the trainer's log history (resumed runs keep earlier entries).

    ``num_tokens``: tokens trained on so far over all ranks (TRL counts from 0 again after a resume); per step,
    it shows that N ranks saw the same data as one.
    """
    return [
        {key: e.get(key) for key in ("step", "loss", "learning_rate", "num_tokens")}
        for e in log_history
        if "loss" in e and "step" in e
    ]


def generate(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[list[dict]],
    max_new_tokens: int,
    batch_size: int,
    repetition_penalty: float = 1.0,
) -> list:
    """Greedy completions (special tokens stripped) for chat prompts, in batches with left padding.

    ``repetition_penalty`` > 1 (transformers' CTRL penalty) keeps a small model's greedy decoding
    from cycling through one sentence until the token budget runs out (no closing tag).
    """
    import torch

    tokenizer.padding_side = "left"
    texts = []
    for start in range(0, len(prompts), batch_size):
        rendered = [chat.render_prompt(tokenizer, msgs) for msgs in prompts[start : start + batch_size]]
        batch = tokenizer(rendered, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
        with torch.no_grad():
            out = model.generate(
                **batch, max_new_tokens=max_new_tokens, do_sample=False, repetition_penalty=repetition_penalty
            )
        new_tokens = out[:, batch["input_ids"].shape[1] :]
        texts.extend(tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
    return [t.strip() for t in texts]


def evaluate_format(model_dir: str | os.PathLike[str], val_path: str, variant: str, settings: dict) -> dict:
    """Format adherence on val: share of greedy generations from val prompts that parse."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    frame = read_parquet(val_path, required=["qid", "title", "description"]).sort_values("qid")
    frame = frame.head(settings["eval"]["max_prompts"])
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    dtype = torch.bfloat16 if cuda_available() and settings["bf16"] else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
    model.to("cuda" if cuda_available() else "cpu").eval()
    prompts = [
        chat.prompt_messages(row.title, row.description, variant, settings["system_prompt"])
        for row in frame.itertuples(index=False)
    ]
    ev = settings["eval"]
    texts = generate(model, tokenizer, prompts, ev["max_new_tokens"], ev["batch_size"], ev["repetition_penalty"])
    return {
        "variant": variant,
        "n_prompts": len(texts),
        "format_adherence": round(chat.format_adherence(texts, variant), 4),
        "max_new_tokens": ev["max_new_tokens"],
        "repetition_penalty": ev["repetition_penalty"],
        "generations": [
            {"qid": qid, "text": text, "well_formed": chat.is_well_formed(text, variant)}
            for qid, text in zip(frame["qid"], texts, strict=True)
        ],
    }


def leave_zero3() -> None:
    """After the last collective (the final save): models loaded from here on are whole, not ZeRO-3 partitioned.

    Under ZeRO-3, ``from_pretrained`` builds inside deepspeed.zero.Init and broadcasts every weight; rank 0
    loading alone (its eval, the LoRA merge) would wait for ranks that have already exited.
    """
    from transformers.integrations.deepspeed import unset_hf_deepspeed_config

    unset_hf_deepspeed_config()


def _save_final(trainer: Any, settings: dict, base_path: str, target: Path) -> None:
    """Save a plain (merged) model + tokenizer: downstream stages load it without PEFT."""
    if settings["finetuning"] != "lora":
        trainer.save_model(str(target))
        leave_zero3()
        return
    adapter = target.with_name(target.name + ".adapter")
    trainer.save_model(str(adapter))
    leave_zero3()
    if trainer.is_world_process_zero():
        from peft import PeftModel
        from transformers import AutoModelForCausalLM

        base = AutoModelForCausalLM.from_pretrained(base_path, dtype=trainer.model.dtype)
        PeftModel.from_pretrained(base, str(adapter)).merge_and_unload().save_pretrained(str(target))
        shutil.rmtree(adapter, ignore_errors=True)


def train_sft(
    approved: str,
    base_dir: str,
    val: str,
    output: str,
    variant: str,
    params: dict[str, Any],
    facts: dict[str, Any],
    callbacks: Sequence[Any] = (),
) -> None:
    """Train, save the final model, evaluate format adherence, then move it onto ``output``."""
    from transformers import AutoTokenizer
    from trl import SFTTrainer

    settings, seed = params["sft"], int(params.get("seed", 0))
    cuda = cuda_available()
    out, ckpt_dir, partial = Path(output), checkpoint_dir(output), partial_dir(output)
    base_path = base_model.resolve_model_path(base_dir)
    rows = read_jsonl(approved)
    dataset = build_dataset(rows, variant, settings["system_prompt"])
    fp = fingerprint(params, [approved, base_dir], variant)
    config = make_config(settings, ckpt_dir, seed, cuda)  # before the model: ZeRO-3 must see it first
    start_deepspeed_comm(config, cuda)
    resume = agreed_checkpoint(ckpt_dir, fp)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    trainer = SFTTrainer(
        model=base_path,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config(settings),
        callbacks=list(callbacks),
    )
    log.info("SFT %s on %d chains from %s; resume from %s", variant, len(dataset), base_path, resume)
    with contextlib.redirect_stdout(sys.stderr):  # the trainer prints a dict per logging step: log, not terminal
        result = trainer.train(resume_from_checkpoint=resume)
    if trainer.is_world_process_zero():
        shutil.rmtree(partial, ignore_errors=True)
    _save_final(trainer, settings, base_path, partial)
    if not trainer.is_world_process_zero():
        return
    tokenizer.save_pretrained(str(partial))
    losses = loss_rows(trainer.state.log_history)
    base_model.write_loss_csv(partial / "loss.csv", losses)
    report = evaluate_format(partial, val, variant, settings)
    write_json(partial / "eval.json", report)
    if out.exists():
        shutil.rmtree(out)
    os.replace(partial, out)
    shutil.rmtree(ckpt_dir, ignore_errors=True)
    facts.update(
        variant=variant,
        chains=len(dataset),
        device="cuda" if cuda else "cpu",
        finetuning=settings["finetuning"],
        global_step=trainer.state.global_step,
        ranks=world_size(),
        resumed_from_step=int(_CKPT_RE.search(resume).group(1)) if resume else None,
        final_loss=losses[-1]["loss"] if losses else None,
        train_seconds=round(result.metrics.get("train_runtime", 0.0), 2),
        format_adherence=report["format_adherence"],
        eval_prompts=report["n_prompts"],
    )
    line = f"format adherence ({variant}, {report['n_prompts']} val prompts): {report['format_adherence']:.3f}"
    log.info(line)
    print(line)


def is_rank_zero() -> bool:
    """True in a single process and on the first rank of a distributed run (the one that writes results)."""
    return int(os.environ.get("RANK", "0")) == 0


def close_process_group() -> None:
    """Tear this rank's process group down before the interpreter exits.

    Left to interpreter finalisation, gloo's worker threads can outlive Python and the rank aborts at exit
    ("terminate called without an active exception", pytorch/pytorch#190489), failing a run whose training and
    saving already succeeded. Local to the rank: no collective, so rank 0 may still be evaluating.
    """
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def end_rank() -> None:
    """End a training step's rank once its results are written: tear its process group down and, in a multi-rank
    run, leave without interpreter finalisation.

    With the group destroyed a CPU rank under DeepSpeed ZeRO can still abort while Python finalises ("terminate
    called without an active exception", SIGABRT: worker threads still joinable when their owners are destroyed,
    pytorch/pytorch#190489), and torchrun then fails a run whose training and saving succeeded (seen in CI on
    2026-12-07 after close_process_group alone). Everything is written by then: logs and streams are flushed and
    the rank exits at once with status 0. A single process ends normally.
    """
    close_process_group()
    if world_size() > 1:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def world_size() -> int:
    """Ranks of this run (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def maybe_relaunch(module: str, argv: Sequence[str], cpu_ranks: int = 1, max_gpus: int | None = None) -> None:
    """Without a launcher yet, re-exec ``python -m module argv`` under torch.distributed.run when >1 rank is due.

    Ranks: one per visible GPU, at most ``max_gpus`` (GRPO keeps a GPU free for its reward model); without
    CUDA, ``cpu_ranks`` (config ``train.cpu_ranks``: the same multi-process path on the gloo backend, one
    thread each, to rehearse the GPU run on CPU).
    """
    if "LOCAL_RANK" in os.environ:
        return
    if cuda_available():
        import torch

        n = torch.cuda.device_count() if max_gpus is None else min(torch.cuda.device_count(), max_gpus)
    else:
        n = cpu_ranks
    if n > 1:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={n}"]
        os.execv(sys.executable, [*cmd, "-m", module, *argv])


def cpu_ranks(params: dict[str, Any]) -> int:
    """``train.cpu_ranks`` from a step's params (1 when the step was called without it)."""
    return int(params.get("train.cpu_ranks", 1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--approved", required=True, help="results/distill/approved.jsonl")
    parser.add_argument("--base", required=True, help="base model dir (results/models/base)")
    parser.add_argument("--val", required=True, help="results/splits/val.parquet (format-adherence prompts)")
    parser.add_argument("--variant", required=True, choices=sorted(VARIANT_OF), help="sft or sft_nocoe")
    parser.add_argument("--output", required=True, help="output model dir")
    args = parser.parse_args(argv)
    keep_freed_memory_on_cpu()
    maybe_relaunch("workflow_scripts.train.sft", list(sys.argv[1:] if argv is None else argv), cpu_ranks(args.params))
    variant = VARIANT_OF[args.variant]
    seed = int(args.params.get("seed", 0))
    inputs = [args.approved, args.base, args.val]
    if not is_rank_zero():
        train_sft(args.approved, args.base, args.val, args.output, variant, args.params, {})
    else:
        with recorded_step(args.rule, inputs, [args.output], args.params, seed) as facts:
            train_sft(args.approved, args.base, args.val, args.output, variant, args.params, facts)
        log.info("SFT facts: %s", facts)
    end_rank()


if __name__ == "__main__":
    run_main(main)
