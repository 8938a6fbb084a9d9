"""The base model SFT starts from: a named checkpoint (paper) or a tiny Qwen3 built here (demo).

No model hub is reachable in the demo, so the demo builds its own: a byte-level BPE tokenizer
trained on the train split with Qwen3's special tokens and chat template, a small
Qwen3ForCausalLM from ``Qwen3Config`` and a short causal-LM pre-training on train-split text,
so that the model already writes Chinese before SFT teaches it the CoE format. At paper scale
(``source: pretrained``) the rule only records the checkpoint's name or path.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.cpu_memory import keep_freed_memory_on_cpu
from workflow_scripts.common.io import InputError, read_json, read_parquet, write_json
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.train import chat

log = logging.getLogger(__name__)

POINTER_FILE = "base_model.json"
# Qwen3's control tokens (special: stripped by skip_special_tokens) ...
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
# ... and tokens that are text but must stay single ids: Qwen3's think tags and the CoE tags.
TAG_TOKENS = (
    "<think>", "</think>", "<empathy_think>", "</empathy_think>",
    "<L1>", "</L1>", "<L2>", "</L2>", "<L3>", "</L3>", "<L4>", "</L4>", "<answer>", "</answer>",
)  # fmt: skip
EOS_TOKEN, PAD_TOKEN = "<|im_end|>", "<|endoftext|>"
# Qwen2/3's pre-tokenizer split: words, single digits, punctuation runs, newlines, spaces.
_QWEN_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


def corpus_texts(frame: pd.DataFrame) -> list[str]:
    """Titles, descriptions and answers of the train split: the only text the demo model sees."""
    texts: list[str] = []
    for row in frame.itertuples(index=False):
        texts.extend(t for t in (row.title, row.description) if isinstance(t, str) and t.strip())
        texts.extend(a for a in row.answers if isinstance(a, str) and a.strip())
    return texts


def train_tokenizer(texts: Iterable[str], vocab_size: int, min_frequency: int = 2) -> Any:
    """A byte-level BPE tokenizer (no unknown tokens possible) with Qwen3's specials and chat template."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import AddedToken, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(_QWEN_SPLIT), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=[*SPECIAL_TOKENS, *TAG_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in TAG_TOKENS])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        padding_side="left",
        model_max_length=32768,
        chat_template=chat.load_template("qwen3"),
        clean_up_tokenization_spaces=False,
    )


def build_model(tokenizer: Any, architecture: dict[str, int]) -> Any:
    """A randomly initialised Qwen3ForCausalLM sized by config, wired to the tokenizer's ids."""
    from transformers import GenerationConfig, Qwen3Config, Qwen3ForCausalLM

    eos_id = tokenizer.convert_tokens_to_ids(EOS_TOKEN)
    pad_id = tokenizer.convert_tokens_to_ids(PAD_TOKEN)
    config = Qwen3Config(
        vocab_size=len(tokenizer),
        tie_word_embeddings=True,
        bos_token_id=pad_id,  # as in Qwen3: <|endoftext|>, never prepended
        eos_token_id=eos_id,
        pad_token_id=pad_id,
        **architecture,
    )
    model = Qwen3ForCausalLM(config)
    model.generation_config = GenerationConfig(
        bos_token_id=pad_id, eos_token_id=[eos_id, pad_id], pad_token_id=pad_id, do_sample=False
    )
    return model


def _blocks(tokenizer: Any, texts: Sequence[str], block_size: int) -> Any:
    """Concatenate documents (each ended by <|endoftext|>) and cut them into equal blocks."""
    import torch

    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        ids.append(tokenizer.pad_token_id)
    n_blocks = len(ids) // block_size
    if n_blocks == 0:
        raise InputError(f"train split has only {len(ids)} tokens, fewer than one block of {block_size}")
    return torch.tensor(ids[: n_blocks * block_size]).view(n_blocks, block_size)


def pretrain(model: Any, tokenizer: Any, texts: Sequence[str], settings: dict[str, Any], seed: int) -> list[dict]:
    """Short causal-LM pre-training (warm-up + cosine); returns the logged losses."""
    import torch

    torch.manual_seed(seed)
    blocks = _blocks(tokenizer, texts, settings["block_size"])
    steps, batch_size, warmup = settings["max_steps"], settings["batch_size"], settings["warmup_steps"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings["learning_rate"], weight_decay=0.01)

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(blocks), generator=generator)
    losses, cursor = [], 0
    model.train()
    for step in range(1, steps + 1):
        if cursor + batch_size > len(order):
            order, cursor = torch.randperm(len(blocks), generator=generator), 0
        batch = blocks[order[cursor : cursor + batch_size]]
        cursor += batch_size
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if step == 1 or step % 10 == 0 or step == steps:
            losses.append({"step": step, "loss": round(loss.item(), 5), "learning_rate": scheduler.get_last_lr()[0]})
            log.info("pretrain step %d/%d loss %.4f", step, steps, loss.item())
    model.eval()
    return losses


def write_loss_csv(path: str | os.PathLike[str], rows: Sequence[dict]) -> None:
    """Loss curve as CSV (step, loss, learning_rate, num_tokens: tokens trained on so far, empty if not counted)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        fields = ["step", "loss", "learning_rate", "num_tokens"]
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def resolve_model_path(model_dir: str | os.PathLike[str]) -> str:
    """What ``from_pretrained`` should load for a models/ dir: the dir itself or the name it points to."""
    model_dir = Path(model_dir)
    if (model_dir / "config.json").exists():
        return str(model_dir)
    pointer = model_dir / POINTER_FILE
    if pointer.exists():
        return read_json(pointer)["name_or_path"]
    raise InputError(
        f"{model_dir}: neither a saved model (config.json) nor a {POINTER_FILE}; rerun the base_model rule"
    )


def build_base(train_path: str, out_dir: str, settings: dict[str, Any], seed: int, facts: dict[str, Any]) -> None:
    """Write the base model dir: a pointer (pretrained) or a tokenizer + pre-trained tiny Qwen3 (build)."""
    import torch

    torch.manual_seed(seed)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if settings["source"] == "pretrained":
            if not settings.get("name_or_path"):
                raise InputError("base_model.name_or_path must name a checkpoint when base_model.source is pretrained")
            write_json(tmp / POINTER_FILE, {"name_or_path": settings["name_or_path"]})
            facts["name_or_path"] = settings["name_or_path"]
        else:
            frame = read_parquet(train_path, required=["title", "description", "answers"])
            texts = corpus_texts(frame)
            if not texts:
                raise InputError(f"{train_path}: no text to train the demo tokenizer on")
            tok_cfg = settings["tokenizer"]
            tokenizer = train_tokenizer(texts, tok_cfg["vocab_size"], tok_cfg["min_frequency"])
            model = build_model(tokenizer, settings["architecture"])
            losses = pretrain(model, tokenizer, texts, settings["pretrain"], seed)
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            write_loss_csv(tmp / "loss.csv", losses)
            facts.update(
                documents=len(texts),
                vocab_size=len(tokenizer),
                parameters=sum(p.numel() for p in model.parameters()),
                pretrain_steps=settings["pretrain"]["max_steps"],
                final_loss=losses[-1]["loss"] if losses else None,
            )
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="results/splits/train.parquet")
    parser.add_argument("--output", required=True, help="output model directory")
    args = parser.parse_args(argv)
    keep_freed_memory_on_cpu()
    settings, seed = args.params["base_model"], int(args.params.get("seed", 0))
    with recorded_step(args.rule, [args.train], [args.output], args.params, seed) as facts:
        build_base(args.train, args.output, settings, seed, facts)
    log.info("base model written to %s: %s", args.output, facts)


if __name__ == "__main__":
    run_main(main)
