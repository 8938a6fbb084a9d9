"""GRPO reward functions on well-formed, malformed and off-topic completions, with a fixture encoder.

The fixture encoder is a StaticEmbedding (mean of per-character vectors) whose vectors are set by
hand: anxiety characters point one way, depression characters another, everything else is a weak
shared direction. So cos(question, answer) is high exactly when both are about the same topic,
and the reward's behaviour can be asserted without training anything.
"""

import json

import numpy as np
import pytest

from workflow_scripts import coe
from workflow_scripts.train import rewards

ANXIETY, DEPRESSION = "焦虑紧张心慌", "抑郁低落麻木"
FILLER = "你好我最近很严重怎么办的是了这样可以试着慢慢来放松呼吸不必责怪自己睡不着觉每天都觉得没有意思"
THRESHOLD = 0.5


@pytest.fixture(scope="module")
def reward_dir(tmp_path_factory):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    chars = sorted(set(ANXIETY + DEPRESSION + FILLER + "，。？！"))
    vocab = {"[UNK]": 0, "[PAD]": 1, **{ch: i + 2 for i, ch in enumerate(chars)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    weights = np.zeros((len(vocab), 3), dtype=np.float32)
    for ch, i in vocab.items():
        weights[i] = [1, 0, 0] if ch in ANXIETY else [0, 1, 0] if ch in DEPRESSION else [0, 0, 0.15]
    model = SentenceTransformer(modules=[StaticEmbedding(fast, embedding_weights=weights)], device="cpu")
    path = tmp_path_factory.mktemp("reward")
    model.save(str(path))
    (path / "reward.json").write_text(json.dumps({"threshold": THRESHOLD}), encoding="utf-8")
    return path


QUESTION = "最近很焦虑怎么办\n\n我每天都心慌紧张，睡不着觉"
ON_TOPIC = "焦虑的时候可以试着慢慢呼吸，紧张和心慌都会过去"
OFF_TOPIC = "抑郁低落的时候，麻木是正常的，不必责怪自己"
LEVELS = {lvl: f"{lvl}的分析" for lvl in coe.LEVELS}


def _coe(answer: str) -> str:
    return coe.format_coe(LEVELS, answer)


def test_format_reward_well_formed_and_malformed():
    good = _coe(ON_TOPIC)
    missing_level = good.replace("<L3>L3的分析</L3>", "")
    unclosed = good.replace("</answer>", "")
    empty_answer = _coe("x").replace("<answer>x</answer>", "<answer> </answer>")
    completions = [good, missing_level, unclosed, empty_answer, ON_TOPIC, coe.format_answer_only(ON_TOPIC)]
    assert rewards.format_reward(completions) == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert rewards.answer_only_format_reward(completions) == [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]


def test_conversational_completions_are_read():
    conv = [[{"role": "assistant", "content": _coe(ON_TOPIC)}], [{"role": "assistant", "content": "乱写"}]]
    assert rewards.format_reward(conv) == [1.0, 0.0]
    assert rewards.completion_text({"role": "assistant", "content": "x"}) == "x"
    with pytest.raises(TypeError):
        rewards.completion_text(3)


def test_answer_reward_on_and_off_topic(reward_dir):
    scorer = rewards.AnswerScorer(reward_dir, device="cpu")
    assert scorer.threshold == THRESHOLD
    sims = scorer.similarities([QUESTION, QUESTION], [ON_TOPIC, OFF_TOPIC])
    assert sims[0] > THRESHOLD > sims[1]
    answer = rewards.get_answer_reward(reward_dir, scorer=scorer)
    completions = [_coe(ON_TOPIC), _coe(OFF_TOPIC), ON_TOPIC, "<empathy_think>", coe.format_answer_only(ON_TOPIC)]
    # TRL passes prompts, completions, completion_ids and the dataset columns as keywords
    got = answer(prompts=[[]] * 5, completions=completions, completion_ids=[[0]] * 5, question=[QUESTION] * 5)
    # on topic; off topic; right words but no format; malformed; answer-only is not the CoE format
    assert got == [1.0, 0.0, 0.0, 0.0, 0.0]
    answer_only = rewards.get_answer_reward(reward_dir, variant="answer_only", scorer=scorer)
    got = answer_only(
        completions=[coe.format_answer_only(ON_TOPIC), coe.format_answer_only(OFF_TOPIC)], question=[QUESTION] * 2
    )
    assert got == [1.0, 0.0]


def test_question_from_title_or_prompt(reward_dir):
    answer = rewards.get_answer_reward(reward_dir)
    completions = [_coe(ON_TOPIC), _coe(OFF_TOPIC)]
    by_title = answer(completions=completions, title=["最近很焦虑怎么办"] * 2, description=["心慌紧张"] * 2)
    prompts = [[{"role": "system", "content": "抑郁"}, {"role": "user", "content": QUESTION}]] * 2
    by_prompt = answer(prompts=prompts, completions=completions)
    assert by_title == by_prompt == [1.0, 0.0]
    with pytest.raises(ValueError, match="questions for"):
        answer(completions=completions, question=[QUESTION])


def test_total_reward_sums_parts(reward_dir):
    total = rewards.get_total_reward(reward_dir)
    completions = [_coe(ON_TOPIC), _coe(OFF_TOPIC), "没有格式的回答，焦虑紧张"]
    assert total(completions=completions, question=[QUESTION] * 3) == [2.0, 1.0, 0.0]


def test_registry_builds_named_functions_sharing_one_encoder(reward_dir):
    fmt, ans, tot = rewards.get_reward_funcs(["format", "answer", "total"], reward_dir)
    assert fmt is rewards.format_reward
    assert ans.scorer is tot.scorer
    assert rewards.get_reward_funcs(["answer_only_format"]) == [rewards.answer_only_format_reward]


def test_registry_errors_name_the_choices():
    with pytest.raises(ValueError, match=r"unknown reward function\(s\) \['cosine'\].*available: .*'answer'"):
        rewards.get_reward_funcs(["format", "cosine"])
    with pytest.raises(ValueError, match="need the reward model directory"):
        rewards.get_reward_funcs(["answer"])


def test_missing_reward_json_is_a_clear_error(tmp_path):
    from workflow_scripts.common.io import InputError

    with pytest.raises(InputError, match="rerun the reward_model rule"):
        rewards.AnswerScorer(tmp_path)
