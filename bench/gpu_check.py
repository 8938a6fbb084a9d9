"""One-call GPU check: a few SFT and GRPO steps of Qwen3-architecture models at real sizes, through the project's
own trainer settings (workflow_scripts.train.sft/grpo make_config), with random weights and the project's tokenizer.

Prints per phase: step time, tokens/s, peak memory and MFU against the GPU's bf16 peak. Nothing is downloaded:
the shapes below are Qwen3-0.6B's and Qwen3-8B's published config sizes; the vocabulary size is Qwen3's (the
dry run's tiny models use the tokenizer's: with 151,936 rows its CPU GRPO step took 78 s), the token ids of
the data come from the project's tokenizer (the demo's byte-level BPE with Qwen3's specials and chat template).

    bash bench/gpu_check.sh                 # GPU (one or several; several: ZeRO-3 via torch.distributed.run)
    bash bench/gpu_check.sh --dry           # CPU: tiny versions of the same models, one step each (CI)

Phases (GPU): SFT 0.6B full fine-tuning; SFT 8B (LoRA on one GPU, where full AdamW states do not fit in
80 GB; full fine-tuning under ZeRO-3 with several GPUs); GRPO 0.6B, G = 4, 1,024-token completions (random
weights never stop early), vLLM (colocate) when installed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from workflow_scripts.train import base_model, chat, grpo, rewards, sft  # noqa: E402

QWEN3_VOCAB = 151936
SHAPES = {  # Qwen3's published config.json sizes
    "qwen3-0.6b": {
        "hidden_size": 1024, "intermediate_size": 3072, "num_hidden_layers": 28, "num_attention_heads": 16,
        "num_key_value_heads": 8, "head_dim": 128, "tie_word_embeddings": True,
    },
    "qwen3-8b": {
        "hidden_size": 4096, "intermediate_size": 12288, "num_hidden_layers": 36, "num_attention_heads": 32,
        "num_key_value_heads": 8, "head_dim": 128, "tie_word_embeddings": False,
    },
}  # fmt: skip
TINY = {
    "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "head_dim": 16,
}  # fmt: skip
# Dense bf16 tensor-core peaks (vendor datasheets, SXM parts), TFLOP/s, matched on the device name.
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0}
PHRASES = (
    "最近总是睡不好", "和家人沟通很困难", "工作压力很大", "考试前很焦虑", "不知道该怎么办",
    "感觉很孤独", "希望得到一些建议", "心里很难受", "朋友之间有矛盾", "每天都很疲惫",
)  # fmt: skip


def project_tokenizer(path: str | None) -> Any:
    """The demo's tokenizer (results/models/base) or, when absent, the same recipe trained on a few phrases."""
    from transformers import AutoTokenizer

    if path and Path(path).exists():
        return AutoTokenizer.from_pretrained(path)
    texts = [f"{a}，{b}。" for a in PHRASES for b in PHRASES]
    return base_model.train_tokenizer(texts, vocab_size=600, min_frequency=1)


def build(shape: dict[str, Any], vocab: int, tokenizer: Any, device: str, dtype: Any) -> Any:
    """A randomly initialised Qwen3ForCausalLM, created directly on ``device`` in ``dtype``."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    pad = tokenizer.convert_tokens_to_ids(base_model.PAD_TOKEN)
    eos = tokenizer.convert_tokens_to_ids(base_model.EOS_TOKEN)
    config = Qwen3Config(
        vocab_size=vocab, bos_token_id=pad, eos_token_id=eos, pad_token_id=pad, max_position_embeddings=4096,
        **{"tie_word_embeddings": True, **shape},
    )  # fmt: skip
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            model = Qwen3ForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    model.generation_config.pad_token_id = pad
    return model


def flops_per_token(model: Any, seq: int) -> float:
    """Training FLOPs per token: 6 N (weights, forward + backward) + 12 L d s (attention scores), PaLM's count."""
    cfg = model.config
    n = sum(p.numel() for p in model.parameters())
    return 6 * n + 12 * cfg.num_hidden_layers * cfg.num_attention_heads * cfg.head_dim * seq


def peak_tflops(cuda: bool) -> float | None:
    """The GPU's dense bf16 peak from its name (None on CPU or for an unknown card)."""
    if not cuda:
        return None
    import torch

    name = torch.cuda.get_device_name(0)
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


class StepTimer:
    """A TrainerCallback recording the wall time of every optimizer step (CUDA synchronised)."""

    def __new__(cls, cuda: bool) -> Any:
        import torch
        from transformers import TrainerCallback

        class _Timer(TrainerCallback):
            times: list[float] = []  # noqa: RUF012

            def on_step_begin(self, args, state, control, **kwargs):
                if cuda:
                    torch.cuda.synchronize()
                self.start = time.perf_counter()

            def on_step_end(self, args, state, control, **kwargs):
                if cuda:
                    torch.cuda.synchronize()
                self.times.append(time.perf_counter() - self.start)

        timer = _Timer()
        timer.times = []
        return timer


def reset_peak(cuda: bool) -> None:
    if cuda:
        import torch

        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peak_gib(cuda: bool) -> float:
    """Peak memory of this process: CUDA allocations on GPU, resident set size on CPU."""
    if cuda:
        import torch

        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def report(phase: str, timer: Any, tokens_per_step: float, fpt: float, cuda: bool, **extra: Any) -> dict[str, Any]:
    """Median step time after the first (warm-up) step, tokens/s over all ranks, peak memory, MFU."""
    steady = timer.times[1:] or timer.times
    step = median(steady)
    tps = tokens_per_step / step
    peak = peak_tflops(cuda)
    ranks = sft.world_size()
    mfu = fpt * tps / (peak * 1e12 * ranks) if peak else None
    row = {
        "phase": phase, "steps": len(timer.times), "step_s": round(step, 3), "tokens_per_s": round(tps, 1),
        "peak_mem_gib": round(peak_gib(cuda), 2), "mfu": round(mfu, 4) if mfu is not None else None, **extra,
    }  # fmt: skip
    if sft.is_rank_zero():
        print(json.dumps(row), flush=True)
    return row


def sft_phase(name: str, model: Any, tokenizer: Any, settings: dict, work: Path, cuda: bool, lora: bool) -> dict:
    """A few SFT steps with the project's SFTConfig (bf16, gradient checkpointing, ZeRO JSON when given)."""
    import torch
    from datasets import Dataset
    from trl import SFTTrainer

    seq, batch = settings["max_length"], settings["per_device_train_batch_size"]
    generator = torch.Generator().manual_seed(0)
    n_examples = batch * sft.world_size() * (settings["max_steps"] + 1)
    ids = torch.randint(len(base_model.SPECIAL_TOKENS), len(tokenizer), (n_examples, seq), generator=generator)
    dataset = Dataset.from_dict({"input_ids": ids.tolist()})
    config = sft.make_config({**settings, "finetuning": "lora" if lora else "full"}, work / name, 0, cuda)
    timer = StepTimer(cuda)
    reset_peak(cuda)
    peft = sft.peft_config({**settings, "finetuning": "lora" if lora else "full"})
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft,
        callbacks=[timer],
    )
    with contextlib.redirect_stdout(sys.stderr):
        trainer.train()
    return report(f"sft {name}{' lora' if lora else ''}", timer, batch * seq * sft.world_size(),
                  flops_per_token(model, seq), cuda)  # fmt: skip


def grpo_phase(name: str, model_dir: str, tokenizer: Any, train: dict, work: Path, cuda: bool, fpt: float) -> dict:
    """A few GRPO steps with the project's GRPOConfig: G completions of max_completion_length tokens each.

    Tokens/s and MFU count the completion tokens trained on per step (generation FLOPs are not counted).
    """
    from datasets import Dataset
    from trl import GRPOTrainer

    records = [
        {"prompt": chat.prompt_messages(a, f"{a}，{b}。", "coe", True), "question": a}
        for a in PHRASES
        for b in PHRASES
    ]
    config = grpo.make_config(train, work / "grpo", 0, cuda, sft.world_size())
    timer = StepTimer(cuda)
    reset_peak(cuda)
    trainer = GRPOTrainer(
        model=model_dir, reward_funcs=[rewards.format_reward], args=config,
        train_dataset=Dataset.from_list(records), processing_class=tokenizer, callbacks=[timer],
    )  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr):
        trainer.train()
    completions = train["prompts_per_step"] * train["num_generations"]
    tokens = completions * train["max_completion_length"]
    return report(f"grpo {name}", timer, tokens, fpt, cuda, vllm=bool(config.use_vllm))


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry", action="store_true", help="CPU: tiny shapes, one step each")
    parser.add_argument("--tokenizer", default=str(ROOT / "results/models/base"), help="a saved project tokenizer")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps per phase (GPU)")
    args = parser.parse_args(argv)
    import torch

    cuda = torch.cuda.is_available() and not args.dry
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    tokenizer = project_tokenizer(args.tokenizer)
    steps = 1 if args.dry else args.steps
    several = sft.world_size() > 1
    sft_settings = {
        **config["sft"], "max_steps": steps, "per_device_train_batch_size": 1 if args.dry else 4,
        "gradient_accumulation_steps": 1, "max_length": 64 if args.dry else 1024, "logging_steps": 1,
        "save_steps": 10**9, "deepspeed": "resources/deepspeed/zero3.json" if several else None,
        "warmup_ratio": 0.0,
    }  # fmt: skip
    train = {
        **config["grpo"]["train"], "max_steps": steps, "num_generations": 4,
        "prompts_per_step": 2 * sft.world_size(), "per_device_train_batch_size": 8,
        "max_completion_length": 16 if args.dry else 1024,
        "save_steps": 10**9, "temperature": 1.0, "repetition_penalty": 1.0, "deepspeed": None,
        "use_vllm": cuda and importlib.util.find_spec("vllm") is not None,
    }  # fmt: skip
    dtype = torch.bfloat16 if cuda else torch.float32
    device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu"
    shapes = {name: (TINY if args.dry else shape) for name, shape in SHAPES.items()}
    tag = " (tiny)" if args.dry else ""
    vocab = len(tokenizer) if args.dry else QWEN3_VOCAB
    rows = []
    with tempfile.TemporaryDirectory(prefix="gpu_check.") as tmp:
        work = Path(tmp)
        small = build(shapes["qwen3-0.6b"], vocab, tokenizer, device, dtype)
        fpt_grpo = flops_per_token(small, 1024)
        small.save_pretrained(work / "qwen3-0.6b")
        tokenizer.save_pretrained(work / "qwen3-0.6b")
        rows.append(sft_phase(f"0.6b{tag}", small, tokenizer, sft_settings, work, cuda, lora=False))
        del small
        reset_peak(cuda)
        large = build(shapes["qwen3-8b"], vocab, tokenizer, device, dtype)
        rows.append(sft_phase(f"8b{tag}", large, tokenizer, sft_settings, work, cuda, lora=not several))
        del large
        rows.append(grpo_phase(f"0.6b{tag}", str(work / "qwen3-0.6b"), tokenizer, train, work, cuda, fpt_grpo))
    if sft.is_rank_zero():
        device_name = torch.cuda.get_device_name(0) if cuda else "cpu (dry run)"
        print(f"device: {device_name}; ranks: {sft.world_size()}; peak bf16 TFLOP/s: {peak_tflops(cuda)}")
    return rows


if __name__ == "__main__":
    main()
