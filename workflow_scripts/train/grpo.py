"""Stage 2: GRPO with r_total = r_format + r_answer (TRL GRPOTrainer), thinking off, and its ablations.

The policy starts from a trained model dir (the SFT model for Empathy-R1), samples G completions
per training question, and is rewarded by the two reward functions of
:mod:`workflow_scripts.train.rewards` (TRL sums them: r_total = r_format + r_answer, each logged).
The CoE lives in the answer format (``<empathy_think>…<answer>``); Qwen3's own thinking is off
(``chat_template_kwargs``). Variants (the rule's ``{grpo_variant}`` wildcard) are config entries
``grpo.variants.<name>: {init, format, rewards}``: Empathy-R1 (from SFT), GRPO only (from base),
w/o CoE (from the answer-only SFT model, answer-only format reward).

Paper batch shape -> TRL (``prompts_per_step`` x G completions per optimizer step): verl's global
mini-batch 6 with micro-batch 1 on each of 6 actor GPUs is 6 prompts x G=4 = 24 completions per
update; TRL counts completions per device, so per_device_train_batch_size 1 x 6 ranks x
gradient_accumulation_steps 4 (derived here) = 24. The paper's 7th GPU holds the reward model:
``reward_device`` puts the answer-reward encoder there (ranks use cuda:0..5).

Same conventions as SFT: checkpoints in a sibling ``<output>.checkpoints/`` dir (a rerun after a kill
resumes from the last complete one), the final model assembled in ``<output>.partial/`` with its
reward curves (rewards.csv, rewards.png) and the before/after eval (eval.json), then renamed.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.cpu_memory import keep_freed_memory_on_cpu
from workflow_scripts.common.io import InputError, atomic_path, read_parquet, write_json
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.train import base_model, chat
from workflow_scripts.train.sft import (
    _CKPT_RE,
    agreed_checkpoint,
    checkpoint_dir,
    cpu_ranks,
    cuda_available,
    deepspeed_config,
    end_rank,
    fingerprint,
    is_rank_zero,
    leave_zero3,
    maybe_relaunch,
    partial_dir,
    start_deepspeed_comm,
    world_size,
)

log = logging.getLogger(__name__)

# rewards.csv: one row per logged step; reward parts by role (the first reward function is the format
# reward, the second the answer reward), total = their sum as TRL adds them.
CURVE_COLUMNS = (
    "step", "format", "answer", "total", "reward_std", "kl", "completion_length", "clipped_ratio", "loss",
    "learning_rate", "step_time", "num_tokens",
)  # fmt: skip
REWARD_ROLES = ("format", "answer")
RewardFunc = Callable[..., list[float]]


# ---------------------------------------------------------------- variants, rewards, data


def variant_settings(params: dict[str, Any], variant: str) -> dict[str, Any]:
    """The variant's {init, format, rewards} from ``grpo.variants.<variant>`` (checked)."""
    key = f"grpo.variants.{variant}"
    if key not in params:
        raise InputError(f"no settings for GRPO variant {variant!r} (config grpo.variants)")
    spec = params[key]
    if spec["format"] not in chat.VARIANTS:
        raise InputError(f"grpo.variants.{variant}.format must be one of {chat.VARIANTS}, not {spec['format']!r}")
    if len(spec["rewards"]) != len(REWARD_ROLES):
        raise InputError(f"grpo.variants.{variant}.rewards must name a format and an answer reward: {spec['rewards']}")
    return spec


def load_reward_funcs(names: Sequence[str], reward_dir: str, device: str | None) -> list[RewardFunc]:
    """Reward callables by registry name (``rewards.REWARD_FUNCS``), sharing one encoder on ``device``."""
    from workflow_scripts.train import rewards

    unknown = [name for name in names if name not in rewards.REWARD_FUNCS]
    if unknown:
        raise InputError(f"grpo.variants: unknown reward(s) {unknown}; known: {sorted(rewards.REWARD_FUNCS)}")
    return rewards.get_reward_funcs(names, reward_dir, device)


def reward_name(func: RewardFunc) -> str:
    """The name TRL logs a reward function under (``rewards/<name>/mean``)."""
    from trl.trainer.utils import get_callable_name

    return get_callable_name(func)


def prompt_records(frame: Any, fmt: str, system_prompt: bool) -> list[dict[str, Any]]:
    """Conversational GRPO prompts plus the ``question`` column the answer reward embeds."""
    records = []
    for row in frame.itertuples(index=False):
        records.append(
            {
                "qid": row.qid,
                "prompt": chat.prompt_messages(row.title, row.description, fmt, system_prompt),
                "question": chat.user_message(row.title, row.description),
            }
        )
    return records


def fit_prompts(records: Sequence[dict], tokenizer: Any, max_prompt_length: int) -> tuple[list[dict], int]:
    """Drop prompts longer than ``max_prompt_length`` tokens (TRL 1.16 has no prompt limit; verl filters)."""
    kept = []
    for record in records:
        n_tokens = len(
            tokenizer(chat.render_prompt(tokenizer, record["prompt"]), add_special_tokens=False)["input_ids"]
        )
        if n_tokens <= max_prompt_length:
            kept.append(record)
    return kept, len(records) - len(kept)


def load_prompts(path: str, fmt: str, system_prompt: bool, max_prompts: int | None = None) -> list[dict]:
    """Prompt records of a split, ordered by qid (first ``max_prompts`` when set)."""
    frame = read_parquet(path, required=["qid", "title", "description"]).sort_values("qid")
    if max_prompts:
        frame = frame.head(max_prompts)
    return prompt_records(frame, fmt, system_prompt)


# ---------------------------------------------------------------- trainer config


def accumulation_steps(train: dict[str, Any], n_processes: int) -> int:
    """Micro-steps per update so one update sees ``prompts_per_step`` x G completions over all ranks."""
    completions = train["prompts_per_step"] * train["num_generations"]
    per_micro_step = train["per_device_train_batch_size"] * n_processes
    if completions % per_micro_step:
        raise InputError(
            f"grpo.train: prompts_per_step x num_generations = {completions} completions per step is not a multiple "
            f"of per_device_train_batch_size x processes = {per_micro_step}; change one of them"
        )
    return completions // per_micro_step


def resolve_reward_device(setting: str | None, cuda: bool) -> str | None:
    """Where the answer-reward encoder runs: the configured device if it exists here, else the rank's own.

    The rank's own device is ``cuda:LOCAL_RANK`` with CUDA (a bare ``cuda`` would put every rank's copy on
    GPU 0: the encoder is loaded before the trainer sets the rank's device) and the CPU otherwise.
    """
    own = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else None
    if not setting:
        return own
    if setting.startswith("cuda"):
        import torch

        index = int(setting.split(":")[1]) if ":" in setting else 0
        if not cuda or index >= torch.cuda.device_count():
            log.warning(
                "grpo.train.reward_device %s is not available here: the encoder uses the rank's own device", setting
            )
            return own
    return setting


def make_config(train: dict[str, Any], ckpt_dir: Path, seed: int, cuda: bool, n_processes: int = 1) -> Any:
    """GRPOConfig from ``grpo.train``; bf16, gradient checkpointing and vLLM only with CUDA, DeepSpeed with CUDA or
    several CPU ranks."""
    from trl import GRPOConfig

    use_vllm = bool(train["use_vllm"])
    if use_vllm and not cuda:
        log.warning("grpo.train.use_vllm is set but no CUDA device is visible: generating with transformers")
        use_vllm = False
    if use_vllm and importlib.util.find_spec("vllm") is None:
        raise InputError("grpo.train.use_vllm is true but vllm is not installed in this environment")
    bf16 = bool(cuda and train["bf16"])
    extra = {"vllm_mode": train["vllm_mode"], "vllm_gpu_memory_utilization": train["vllm_gpu_memory_utilization"]}
    return GRPOConfig(
        output_dir=str(ckpt_dir),
        max_steps=train["max_steps"],
        learning_rate=train["learning_rate"],
        lr_scheduler_type=train["lr_scheduler_type"],
        warmup_steps=train["warmup_ratio"],
        weight_decay=train["weight_decay"],
        max_grad_norm=train["max_grad_norm"],
        per_device_train_batch_size=train["per_device_train_batch_size"],
        gradient_accumulation_steps=accumulation_steps(train, n_processes),
        num_generations=train["num_generations"],
        max_completion_length=train["max_completion_length"],
        temperature=train["temperature"],
        top_p=train["top_p"],
        repetition_penalty=train["repetition_penalty"],
        beta=train["beta"],
        epsilon=train["epsilon"],
        num_iterations=train["num_iterations"],
        loss_type=train["loss_type"],
        scale_rewards=train["scale_rewards"],
        chat_template_kwargs=dict(chat.CHAT_TEMPLATE_KWARGS),
        disable_dropout=True,
        logging_steps=train["logging_steps"],
        logging_first_step=True,
        save_strategy="steps",
        save_steps=train["save_steps"],
        save_total_limit=2,
        seed=seed,
        data_seed=seed,
        report_to="none",
        use_cpu=not cuda,
        bf16=bf16,
        activation_checkpointing=bool(cuda and train["gradient_checkpointing"]),
        activation_checkpointing_kwargs={"use_reentrant": False},
        deepspeed=deepspeed_config(train.get("deepspeed"), cuda, "grpo.train.deepspeed"),
        model_init_kwargs={"dtype": "bfloat16" if bf16 else "float32"},
        use_vllm=use_vllm,
        **(extra if use_vllm else {}),
        dataloader_num_workers=0,
    )


# ---------------------------------------------------------------- reward curves


def curve_rows(log_history: Sequence[dict], names: Sequence[str]) -> list[dict]:
    """Per-step reward parts, total, KL and completion length from the trainer's log history."""
    keys = {role: f"rewards/{name}/mean" for role, name in zip(REWARD_ROLES, names, strict=True)}
    rows = []
    for entry in log_history:
        if "reward" not in entry or "step" not in entry:
            continue
        rows.append(
            {
                "step": entry["step"],
                "format": entry.get(keys["format"]),
                "answer": entry.get(keys["answer"]),
                "total": entry["reward"],
                "reward_std": entry.get("reward_std"),
                "kl": entry.get("kl"),
                "completion_length": entry.get("completions/mean_length"),
                "clipped_ratio": entry.get("completions/clipped_ratio"),
                "loss": entry.get("loss"),
                "learning_rate": entry.get("learning_rate"),
                "step_time": entry.get("step_time"),
                "num_tokens": entry.get("num_tokens"),  # prompt + completion tokens so far, all ranks
            }
        )
    return rows


def write_curve_csv(path: str | os.PathLike[str], rows: Sequence[dict]) -> None:
    """rewards.csv (atomic: a kill mid-write leaves the previous curve)."""
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CURVE_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def plot_curves(rows: Sequence[dict], path: str | os.PathLike[str]) -> bool:
    """rewards.png (rewards, KL, completion length per step); False when matplotlib is missing."""
    if importlib.util.find_spec("matplotlib") is None or not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for key in ("format", "answer", "total"):
        axes[0].plot(steps, [r[key] for r in rows], label=key)
    axes[0].set_title("mean reward")
    axes[0].legend()
    axes[1].plot(steps, [r["kl"] if r["kl"] is not None else float("nan") for r in rows], color="tab:red")
    axes[1].set_title("KL to reference")
    axes[2].plot(steps, [r["completion_length"] for r in rows], color="tab:green")
    axes[2].set_title("mean completion length (tokens)")
    for ax in axes:
        ax.set_xlabel("step")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return True


def curve_callback(csv_path: Path, names: Sequence[str]) -> Any:
    """A TrainerCallback that rewrites ``csv_path`` from the log history at every log (live curves)."""
    from transformers import TrainerCallback

    class RewardCurveCallback(TrainerCallback):
        def on_log(self, args, state, control, **kwargs):
            if state.is_world_process_zero:
                write_curve_csv(csv_path, curve_rows(state.log_history, names))

    return RewardCurveCallback()


# ---------------------------------------------------------------- before/after eval


def sample_completions(
    model_path: str, records: Sequence[dict], sampling: dict[str, Any], seed: int
) -> list[list[str]]:
    """``samples_per_prompt`` sampled completions per prompt, as GRPO samples them (temperature, top_p, length)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cuda = cuda_available()
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    tokenizer.padding_side = "left"
    dtype = torch.bfloat16 if cuda and sampling["bf16"] else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype).to("cuda" if cuda else "cpu").eval()
    torch.manual_seed(seed)
    n, out = sampling["samples_per_prompt"], []
    for start in range(0, len(records), sampling["batch_size"]):
        chunk = records[start : start + sampling["batch_size"]]
        rendered = [chat.render_prompt(tokenizer, r["prompt"]) for r in chunk]
        batch = tokenizer(rendered, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
        with torch.no_grad():
            ids = model.generate(
                **batch,
                do_sample=True,
                temperature=sampling["temperature"],
                top_p=sampling["top_p"],
                top_k=0,
                repetition_penalty=sampling["repetition_penalty"],
                max_new_tokens=sampling["max_completion_length"],
                num_return_sequences=n,
            )
        texts = tokenizer.batch_decode(ids[:, batch["input_ids"].shape[1] :], skip_special_tokens=True)
        out.extend([t.strip() for t in texts[i * n : (i + 1) * n]] for i in range(len(chunk)))
    del model
    return out


def score_completions(
    records: Sequence[dict], samples: Sequence[Sequence[str]], funcs: Sequence[RewardFunc], fmt: str
) -> dict[str, Any]:
    """Mean reward parts and total over all samples, called the way GRPOTrainer calls the reward functions."""
    prompts, completions, columns = [], [], {"qid": [], "question": []}
    for record, texts in zip(records, samples, strict=True):
        for text in texts:
            prompts.append(record["prompt"])
            completions.append([{"role": "assistant", "content": text}])
            columns["qid"].append(record["qid"])
            columns["question"].append(record["question"])
    parts = {}
    per_sample = [0.0] * len(completions)
    for role, func in zip(REWARD_ROLES, funcs, strict=True):
        values = [float(v) for v in func(prompts=prompts, completions=completions, **columns)]
        parts[role] = sum(values) / len(values) if values else 0.0
        per_sample = [a + b for a, b in zip(per_sample, values, strict=True)]
    texts = [c[0]["content"] for c in completions]
    return {
        **{role: round(value, 4) for role, value in parts.items()},
        "total": round(sum(per_sample) / len(per_sample), 4) if per_sample else 0.0,
        "format_adherence": round(chat.format_adherence(texts, fmt), 4),
        "mean_completion_chars": round(sum(map(len, texts)) / len(texts), 1) if texts else 0.0,
        "n_samples": len(texts),
    }


def evaluate_pair(
    initial: str,
    trained: str,
    records: Sequence[dict],
    funcs: Sequence[RewardFunc],
    fmt: str,
    sampling: dict,
    seed: int,
) -> dict[str, Any]:
    """Initial vs trained policy on the same val prompts, sampled the same way (same seed and temperature)."""
    report: dict[str, Any] = {"n_prompts": len(records), "sampling": sampling, "seed": seed}
    examples = {}
    for label, path in (("initial", initial), ("trained", trained)):
        samples = sample_completions(path, records, sampling, seed)
        report[label] = score_completions(records, samples, funcs, fmt)
        examples[label] = samples[0][0] if samples else ""
    report["delta"] = {k: round(report["trained"][k] - report["initial"][k], 4) for k in ("format", "answer", "total")}
    report["examples"] = {"qid": records[0]["qid"] if records else None, **examples}
    return report


def side_by_side(report: dict[str, Any], initial_name: str, trained_name: str) -> str:
    """The before/after table printed in the log."""
    lines = [
        f"mean reward on val ({report['n_prompts']} prompts x {report['sampling']['samples_per_prompt']} samples, "
        f"temperature {report['sampling']['temperature']}, seed {report['seed']})",
        f"{'':<22}{initial_name:>14}{trained_name:>14}{'delta':>10}",
    ]
    for key in ("format", "answer", "total", "format_adherence", "mean_completion_chars"):
        a, b = report["initial"][key], report["trained"][key]
        lines.append(f"{key:<22}{a:>14.3f}{b:>14.3f}{b - a:>+10.3f}")
    return "\n".join(lines)


# ---------------------------------------------------------------- training


def train_grpo(
    init_dir: str,
    reward_dir: str,
    train_path: str,
    val_path: str,
    output: str,
    variant: str,
    params: dict[str, Any],
    facts: dict[str, Any],
    callbacks: Sequence[Any] = (),
    reward_funcs: Sequence[RewardFunc] | None = None,
) -> None:
    """Train from ``init_dir``, save the final model + curves, evaluate before/after, rename onto ``output``.

    ``reward_funcs`` replaces the registry lookup (tests use stand-ins for the encoder reward).
    """
    from transformers import AutoTokenizer
    from trl import GRPOTrainer

    train, evals, spec = params["grpo.train"], params["grpo.eval"], variant_settings(params, variant)
    seed, cuda, fmt = int(params.get("seed", 0)), cuda_available(), spec["format"]
    out, ckpt_dir, partial = Path(output), checkpoint_dir(output), partial_dir(output)
    init_path = base_model.resolve_model_path(init_dir)
    if reward_funcs is None:
        reward_funcs = load_reward_funcs(
            spec["rewards"], reward_dir, resolve_reward_device(train["reward_device"], cuda)
        )
    names = [reward_name(f) for f in reward_funcs]
    tokenizer = AutoTokenizer.from_pretrained(init_path)
    records, too_long = fit_prompts(
        load_prompts(train_path, fmt, train["system_prompt"], train.get("max_train_prompts")),
        tokenizer,
        train["max_prompt_length"],
    )
    if not records:
        raise InputError(
            f"{train_path}: no training prompt fits grpo.train.max_prompt_length={train['max_prompt_length']}"
        )
    from datasets import Dataset

    run = {key: params.get(key) for key in ("seed", "grpo.train", f"grpo.variants.{variant}")}  # not grpo.eval
    fp = fingerprint(run, [init_dir, reward_dir, train_path], variant)
    config = make_config(train, ckpt_dir, seed, cuda, world_size())
    start_deepspeed_comm(config, cuda)
    resume = agreed_checkpoint(ckpt_dir, fp)
    trainer = GRPOTrainer(
        model=init_path,
        reward_funcs=list(reward_funcs),
        args=config,
        train_dataset=Dataset.from_list(records),
        processing_class=tokenizer,
        callbacks=[curve_callback(ckpt_dir / "rewards.csv", names), *callbacks],
    )
    log.info(
        "GRPO %s from %s on %d prompts (%d over %d tokens dropped), rewards %s, %d x %d completions/step; resume %s",
        variant, init_path, len(records), too_long, train["max_prompt_length"], names,
        train["prompts_per_step"], train["num_generations"], resume,
    )  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr):  # the trainer prints a dict per logging step: log, not terminal
        result = trainer.train(resume_from_checkpoint=resume)
    if trainer.is_world_process_zero():
        shutil.rmtree(partial, ignore_errors=True)
    trainer.save_model(str(partial))
    leave_zero3()
    if not trainer.is_world_process_zero():
        return
    tokenizer.save_pretrained(str(partial))
    rows = curve_rows(trainer.state.log_history, names)
    write_curve_csv(partial / "rewards.csv", rows)
    plotted = plot_curves(rows, partial / "rewards.png")
    if not plotted:
        log.warning("matplotlib is not installed: rewards.png skipped (rewards.csv holds the curves)")
    del trainer
    sampling = {
        **{k: train[k] for k in ("temperature", "top_p", "repetition_penalty", "max_completion_length", "bf16")},
        "samples_per_prompt": evals["samples_per_prompt"],
        "batch_size": evals["batch_size"],
    }
    val_records = load_prompts(val_path, fmt, train["system_prompt"], evals["max_prompts"])
    report = evaluate_pair(init_path, str(partial), val_records, reward_funcs, fmt, sampling, seed)
    report.update(variant=variant, init=str(init_dir), reward_names=names, format=fmt)
    write_json(partial / "eval.json", report)
    if out.exists():
        shutil.rmtree(out)
    os.replace(partial, out)
    shutil.rmtree(ckpt_dir, ignore_errors=True)
    table = side_by_side(report, Path(init_dir).name or "initial", variant)
    log.info("\n%s", table)
    print(table)
    facts.update(
        variant=variant,
        init=str(init_dir),
        rewards=names,
        device="cuda" if cuda else "cpu",
        train_prompts=len(records),
        prompts_dropped_too_long=too_long,
        global_step=trainer_step(rows),
        ranks=world_size(),
        resumed_from_step=int(_CKPT_RE.search(resume).group(1)) if resume else None,
        train_seconds=round(result.metrics.get("train_runtime", 0.0), 2),
        plot=plotted,
        val_total_initial=report["initial"]["total"],
        val_total_trained=report["trained"]["total"],
    )


def trainer_step(rows: Sequence[dict]) -> int | None:
    """The last logged step (the run's global step when logging_steps is 1)."""
    return int(rows[-1]["step"]) if rows else None


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--init", required=True, help="model dir GRPO starts from (results/models/sft, base, ...)")
    parser.add_argument("--reward", required=True, help="reward model dir (results/models/reward)")
    parser.add_argument("--train", required=True, help="results/splits/train.parquet (training questions)")
    parser.add_argument("--val", required=True, help="results/splits/val.parquet (before/after eval prompts)")
    parser.add_argument("--variant", required=True, help="a key of grpo.variants (grpo, grpo_only, grpo_nocoe)")
    parser.add_argument("--output", required=True, help="output model dir")
    args = parser.parse_args(argv)
    keep_freed_memory_on_cpu()
    variant_settings(args.params, args.variant)
    # at most num_processes actor ranks (paper: 6), so a 7th visible GPU stays free for reward_device
    maybe_relaunch(
        "workflow_scripts.train.grpo",
        list(sys.argv[1:] if argv is None else argv),
        cpu_ranks(args.params),
        args.params["grpo.train"]["num_processes"],
    )
    seed = int(args.params.get("seed", 0))
    call = (args.init, args.reward, args.train, args.val, args.output, args.variant, args.params)
    if not is_rank_zero():
        train_grpo(*call, facts={})
    else:
        with recorded_step(
            args.rule, [args.init, args.reward, args.train, args.val], [args.output], args.params, seed
        ) as facts:
            train_grpo(*call, facts=facts)
        log.info("GRPO facts: %s", facts)
    end_rank()


if __name__ == "__main__":
    run_main(main)
