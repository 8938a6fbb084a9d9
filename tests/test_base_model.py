"""Demo base model: Chinese BPE tokenizer with Qwen3 specials, Qwen3 chat template, tiny Qwen3 build."""

import csv
import json

import pandas as pd
import pytest
from _train_fixtures import TINY_ARCH, approved_row, make_posts, write_fixtures

from workflow_scripts.common.io import InputError
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.train import base_model, chat

TINY = {
    "source": "build",
    "name_or_path": None,
    "tokenizer": {"vocab_size": 1000, "min_frequency": 2},
    "architecture": TINY_ARCH,
    "pretrain": {"max_steps": 20, "batch_size": 4, "block_size": 64, "learning_rate": 0.003, "warmup_steps": 2},
}


@pytest.fixture(scope="module")
def tokenizer():
    frame = pd.DataFrame(make_posts(40))
    return base_model.train_tokenizer(base_model.corpus_texts(frame), vocab_size=1000)


def test_tokenizer_round_trips_chinese_without_unknowns(tokenizer):
    text = "我最近总是失眠，感到很焦虑。龘齉（生僻字）也不会变成未知符号 ok 123"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.unk_token is None
    assert tokenizer.decode(ids) == text
    # Merges learned from the corpus: frequent words take fewer tokens than their UTF-8 bytes.
    assert len(tokenizer("我感到很焦虑", add_special_tokens=False)["input_ids"]) < len("我感到很焦虑".encode())


@pytest.mark.parametrize("token", [*base_model.SPECIAL_TOKENS, *base_model.TAG_TOKENS])
def test_special_and_tag_tokens_are_single_ids(tokenizer, token):
    ids = tokenizer(f"前{token}后", add_special_tokens=False)["input_ids"]
    assert tokenizer.convert_tokens_to_ids(token) in ids
    assert token in tokenizer.convert_ids_to_tokens(ids)


def test_coe_tags_survive_skip_special_tokens(tokenizer):
    row = approved_row(make_posts(1)[0])
    ids = tokenizer(row["completion"] + "<|im_end|>", add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == row["completion"]
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token == "<|endoftext|>"


def test_chat_template_disables_thinking(tokenizer):
    assert tokenizer.chat_template == chat.load_template("qwen3")
    prompt = chat.render_prompt(tokenizer, chat.prompt_messages("睡不着", "每天都失眠。"))
    assert prompt.startswith("<|im_start|>system\n" + chat.SYSTEM_PROMPT_COE)
    assert "<|im_start|>user\n睡不着\n\n每天都失眠。<|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    thinking = tokenizer.apply_chat_template(
        chat.prompt_messages("睡不着", "", system_prompt=False), tokenize=False, add_generation_prompt=True
    )
    assert thinking.endswith("<|im_start|>assistant\n")


def test_training_template_masks_exactly_the_assistant_turn(tokenizer):
    row = approved_row(make_posts(1)[0])
    conv = chat.conversation(row)
    out = tokenizer.apply_chat_template(
        conv,
        chat_template=chat.load_template("qwen3_training"),
        tokenize=True,
        return_dict=True,
        return_assistant_tokens_mask=True,
        **chat.CHAT_TEMPLATE_KWARGS,
    )
    masked = [i for i, keep in zip(out["input_ids"], out["assistant_masks"], strict=True) if keep]
    assert tokenizer.decode(masked) == "<think>\n\n</think>\n\n" + row["completion"] + "<|im_end|>\n"
    # Training text = inference prompt + completion: what SFT teaches is what generation continues.
    full = tokenizer.apply_chat_template(conv, tokenize=False, **chat.CHAT_TEMPLATE_KWARGS)
    assert full == chat.render_prompt(tokenizer, conv[:-1]) + row["completion"] + "<|im_end|>\n"


def test_build_base_writes_a_loadable_pretrained_model(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    paths = write_fixtures(tmp_path)
    out = tmp_path / "models" / "base"
    params = {"base_model": TINY, "seed": 3}
    base_model.main(["--train", str(paths["train"]), "--output", str(out), "--params", json.dumps(params)])
    assert base_model.resolve_model_path(out) == str(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    tok = AutoTokenizer.from_pretrained(out)
    assert model.config.model_type == "qwen3" and model.config.vocab_size == len(tok)
    assert model.config.eos_token_id == tok.convert_tokens_to_ids("<|im_end|>")
    with open(out / "loss.csv", encoding="utf-8") as handle:
        losses = [float(r["loss"]) for r in csv.DictReader(handle)]
    assert losses[-1] < losses[0]
    record = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert record["facts"]["pretrain_steps"] == 20 and record["seed"] == 3
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".base.")]


def test_pretrained_source_only_records_the_name(tmp_path):
    out = tmp_path / "base"
    settings = {**TINY, "source": "pretrained", "name_or_path": "Qwen/Qwen3-8B"}
    base_model.build_base(str(tmp_path / "unused.parquet"), str(out), settings, 42, facts := {})
    assert base_model.resolve_model_path(out) == "Qwen/Qwen3-8B"
    assert facts == {"name_or_path": "Qwen/Qwen3-8B"}
    with pytest.raises(InputError, match="name_or_path"):
        base_model.build_base("x", str(tmp_path / "b2"), {**settings, "name_or_path": None}, 42, {})


def test_resolve_model_path_rejects_an_empty_dir(tmp_path):
    with pytest.raises(InputError, match="rerun the base_model rule"):
        base_model.resolve_model_path(tmp_path)
