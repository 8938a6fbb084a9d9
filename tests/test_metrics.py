"""The metric suite of ../shared/METRICS.md: fast path == nltk/rouge-score reference path, edge cases, errors."""

import math
import os
import random
import sys
import unicodedata

import jieba
import pytest

from workflow_scripts.eval import metrics as M

TOL = 1e-9


def _words(text: str) -> list[str]:
    return text.split()


ZH_WORDS = _words(
    "我 你 他 她 我们 今天 昨天 真的 很 非常 难过 开心 焦虑 抑郁 害怕 担心 工作 学习 考试 "
    "父母 朋友 男朋友 女朋友 老师 同事 睡眠 失眠 情绪 感觉 觉得 想 不想 可以 需要 休息 一下 "
    "试着 倾诉 陪伴 理解 接纳 自己 的 了 吗 吧 呢 是 不是 没有 也 都 还 就 会 能 在 和 跟 对 "
    "说 知道 怎么办 为什么 这样 那样 其实 也许"
)
EN_WORDS = _words(
    "run running runs ran runner happy happily happiness connect connected "
    "connection connects the a is was i you feel feeling feelings tired "
    "sleep sleeping help helps helped helpful anxiety anxious Stress "
    "STRESSED"
)
SEPS = ["", "", "", " ", "，", "。", "！", "？", "……", "、", "  ", "\n", "~", "😊", "\u200d", "（", "）"]
HAND = [
    ("", ["你好"]),
    ("你好", [""]),
    ("", [""]),
    ("你好", ["你好", ""]),
    ("，。！？……", ["你好，世界"]),
    ("你好，世界", ["，。！？……", "世界你好"]),
    ("我真的好累……不想说话", ["我真的好累...不想说话", "好累"]),
    ("running runs", ["run ran runner", "runs running"]),
    ("the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"]),
    ("好 好 好 好 好", ["好", "好 坏 好"]),
    ("我 我 我 你 你 他", ["他 你 我 我 你 我 我"]),
    ("Running RUNS happily", ["running runs happy"]),
    ("Ａ ＢＣ １２３ ｆｕｌｌ", ["a bc 123 full"]),
    ("Straße ΣΑΣ", ["straße σας"]),
    ("家\u200d人 👨\u200d👩\u200d👧 ❤\ufe0f", ["家人 ❤"]),
    ("我觉得你需要休息", ["你需要休息", "我觉得", "休息休息", "完全不同的内容"]),
    ("connected connection connects", ["connect", "connecting connected", "CONNECTION"]),
]


def _random_text(rnd: random.Random, words: list[str], n: int) -> str:
    return "".join(rnd.choice(words) + rnd.choice(SEPS) for _ in range(n))


def _random_cases(seed: int, count: int) -> list[tuple[str, list[str]]]:
    rnd = random.Random(seed)
    cases = []
    for _ in range(count):
        kind = rnd.random()
        words = ZH_WORDS if kind < 0.5 else EN_WORDS if kind < 0.7 else ZH_WORDS + EN_WORDS
        pool = rnd.sample(words, k=min(len(words), rnd.choice([4, 8, 20, len(words)])))
        hyp = _random_text(rnd, pool, rnd.choice([0, 1, 3, 10, 40, 120]))
        refs = [_random_text(rnd, pool, rnd.choice([0, 1, 5, 20, 60, 150])) for _ in range(rnd.randint(1, 5))]
        cases.append((hyp, refs))
    return cases


def _close(a: dict, b: dict, keys) -> None:
    for key in keys:
        assert abs(a[key] - b[key]) <= TOL, (key, a[key], b[key])


# ---------------------------------------------------------------------------------------------- tokenisation


def test_tokenize_follows_the_four_steps():
    text = "我今天很难过，真的！ Running  runs ＡＢＣ 😊 \u200d Straße"
    expected = []
    for raw in jieba.lcut(unicodedata.normalize("NFKC", text), cut_all=False, HMM=True):
        tok = raw.strip()
        if tok and not all(c.isspace() or unicodedata.category(c)[0] in "PSZCM" for c in tok):
            expected.append(tok.lower())
    assert M.tokenize(text) == expected
    assert M.uncached_tokenize(text) == expected
    assert "ß" in expected and "ss" not in expected  # str.lower, not casefold
    assert "abc" in expected and "😊" not in expected


def test_nfkc_comes_before_jieba():
    text = "我真的好累……不想说话"
    assert M.tokenize(text) == ["我", "真的", "好累", "不想", "说话"]
    assert "好累" not in jieba.lcut(text)  # without NFKC jieba segments differently


def test_dropped_tokens():
    assert M.tokenize("，。！？……  \n\t、") == []
    assert M.tokenize("") == []
    assert M.tokenize("\u200d\ufe0f") == []  # format char + variation selector only
    assert M.tokenize("家\u200d人")  # a word with a joiner inside keeps its letters


def test_tokenize_rejects_non_strings():
    with pytest.raises(TypeError):
        M.tokenize(["你好"])


# ---------------------------------------------------------------------------------------------- equality


@pytest.mark.parametrize("hyp,refs", HAND)
def test_hand_cases_equal_reference(hyp, refs):
    _close(M.sentence_scores(hyp, refs), M.reference_sentence_scores(hyp, refs), M.SENTENCE_KEYS)


def test_random_cases_equal_reference():
    cases = _random_cases(seed=7, count=150)
    for hyp, refs in cases:
        _close(M.sentence_scores(hyp, refs), M.reference_sentence_scores(hyp, refs), M.SENTENCE_KEYS)
    hyps = [h for h, _ in cases]
    refs = [r for _, r in cases]
    fast = M.corpus_scores(hyps, refs)
    _close(fast, M.reference_corpus_scores(hyps, refs), M.CORPUS_KEYS)
    assert set(M.CORPUS_KEYS) <= set(fast)


def test_equal_after_cache_eviction_and_clear():
    cases = _random_cases(seed=11, count=40)
    hyps = [h for h, _ in cases]
    refs = [r for _, r in cases]
    first = M.corpus_scores(hyps, refs)
    assert M.corpus_scores(hyps, refs) == first  # warm call
    old = M.cache_info()["max_texts"]
    try:
        M.set_cache_size(3)
        assert M.corpus_scores(hyps, refs) == first
        assert M.cache_info()["texts"] <= 3
    finally:
        M.set_cache_size(old)
    M.clear_cache()
    assert M.cache_info()["texts"] == 0
    assert M.corpus_scores(hyps, refs) == first


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_workers_give_identical_results():
    cases = _random_cases(seed=13, count=120)
    hyps = [h for h, _ in cases]
    refs = [r for _, r in cases]
    M.clear_cache()
    parallel = M.corpus_scores(hyps, refs, workers=2)
    M.clear_cache()
    assert M.corpus_scores(hyps, refs) == parallel


def test_hand_computed_values():
    # identical 2-token texts: BLEU 1, ROUGE-L 1, METEOR (1 - 0.5 * (1/2)**3) * 1
    s = M.sentence_scores("the cat", ["the cat"])
    assert s == {"BLEU-1": 1.0, "ROUGE-L": 1.0, "METEOR": 1 - 0.5 * 0.5**3}
    # nltk's textbook clipping example: p1 = 2/7, hyp longer than ref so BP = 1
    s = M.sentence_scores("the the the the the the the", ["the cat is on the mat"])
    assert s["BLEU-1"] == pytest.approx(2 / 7, abs=TOL)
    # short hyp: BP = exp(1 - 4/2); p1 = 1
    s = M.sentence_scores("好 坏", ["好 坏 好 坏"])
    assert s["BLEU-1"] == pytest.approx(math.exp(1 - 4 / 2), abs=TOL)
    # an empty reference counts in the mean over references
    assert M.sentence_scores("你好", ["你好", ""])["BLEU-1"] == pytest.approx(0.5, abs=TOL)
    # stems: "runs" ~ "running" match in METEOR only
    s = M.sentence_scores("runs", ["running"])
    assert s["BLEU-1"] == 0 and s["ROUGE-L"] == 0 and s["METEOR"] > 0


def test_empty_texts_score_zero():
    for hyp, refs in [("", ["你好"]), ("你好", [""]), ("……！", ["你好"]), ("你好", ["。。。"])]:
        assert M.sentence_scores(hyp, refs) == {"BLEU-1": 0.0, "ROUGE-L": 0.0, "METEOR": 0.0}


# ---------------------------------------------------------------------------------------------- corpus


def test_distinct_per_response_vs_pooled():
    hyps = ["好 好 好 好", "好 坏", ""]
    refs = [["好"], ["坏"], ["好"]]
    s = M.corpus_scores(hyps, refs)
    assert s["Distinct-1"] == pytest.approx((1 / 4 + 2 / 2 + 0) / 3, abs=TOL)
    assert s["Distinct-1 (pooled)"] == pytest.approx(2 / 6, abs=TOL)
    assert M.corpus_scores([""], [["好"]])["Distinct-1 (pooled)"] == 0.0


def test_navg_combiner_matches_paper_row():
    assert round(M.navg(0.314, 0.375, 0.045, 0.314), 3) == 0.262
    s = M.corpus_scores(["我 很 难过 难过", "你好"], [["我 难过"], ["你好 呀", "你"]])
    expected = (s["BLEU-1"] + s["Distinct-1"] + s["ROUGE-L"] + s["METEOR"]) / 4
    assert s["NAvg"] == pytest.approx(expected, abs=TOL)
    items = M.item_scores(["我 很 难过 难过", "你好"], [["我 难过"], ["你好 呀", "你"]])
    assert sum(items["BLEU-1"]) / 2 == pytest.approx(s["BLEU-1"], abs=TOL)


def test_corpus_means_over_hypotheses():
    hyps = ["我 难过", "你好 朋友", "走 吧"]
    refs = [["我 很 难过"], ["你好", "朋友 你好"], ["走"]]
    s = M.corpus_scores(hyps, refs)
    per = [M.sentence_scores(h, r) for h, r in zip(hyps, refs, strict=True)]
    for key in M.SENTENCE_KEYS:
        assert s[key] == pytest.approx(sum(p[key] for p in per) / 3, abs=TOL)


@pytest.mark.parametrize(
    "hyps,refs,exc",
    [
        (["a", "b"], [["a"]], ValueError),
        ([], [], ValueError),
        (["a"], [[]], ValueError),
        (["a", "b"], [["a"], []], ValueError),
        ("a", [["a"]], TypeError),
        (["a"], "a", TypeError),
        (["a"], ["a"], TypeError),
        ([["a"]], [["a"]], TypeError),
        ([None], [["a"]], TypeError),
        (["a"], [[None]], TypeError),
    ],
)
def test_corpus_errors(hyps, refs, exc):
    with pytest.raises(exc):
        M.corpus_scores(hyps, refs)
    with pytest.raises(exc):
        M.reference_corpus_scores(hyps, refs)


def test_sentence_errors():
    with pytest.raises(ValueError):
        M.sentence_scores("a", [])
    with pytest.raises(TypeError):
        M.sentence_scores("a", "a")
    with pytest.raises(TypeError):
        M.sentence_scores(["a"], ["a"])


def test_tuples_are_accepted_as_lists():
    assert M.corpus_scores(("你好",), (("你好",),)) == M.corpus_scores(["你好"], [["你好"]])


# ---------------------------------------------------------------------------------------------- bootstrap


def test_bootstrap_ci_is_seeded_and_brackets_the_value():
    cases = _random_cases(seed=17, count=60)
    hyps = [h for h, _ in cases]
    refs = [r for _, r in cases]
    a = M.bootstrap_ci(hyps, refs, n_boot=200, seed=3)
    assert a == M.bootstrap_ci(hyps, refs, n_boot=200, seed=3)
    assert a != M.bootstrap_ci(hyps, refs, n_boot=200, seed=4)
    point = M.corpus_scores(hyps, refs)
    for key in M.CORPUS_KEYS:
        assert a[key]["value"] == point[key]
        assert a[key]["low"] <= a[key]["high"]
        assert a[key]["low"] - 0.05 <= point[key] <= a[key]["high"] + 0.05
    # pooled Distinct-1 of a resample that draws everything once equals the corpus value
    one = M.bootstrap_ci(["好 坏"], [["好"]], n_boot=5, seed=0)
    assert one["Distinct-1 (pooled)"]["low"] == one["Distinct-1 (pooled)"]["high"] == 1.0


# ---------------------------------------------------------------------------------------------- assumptions


def test_stem_shortcut_and_lower_idempotence():
    """The fast path assumes a token without ASCII letters is its own Porter stem and that lower() is idempotent."""
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer()
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(dict_path, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh]
    rnd = random.Random(5)
    sample = rnd.sample(words, 30000)
    sample += ["".join(chr(rnd.randrange(0x80, 0x3000)) for _ in range(rnd.randint(1, 6))) for _ in range(20000)]
    for w in sample:
        w = w.lower()
        if not any("a" <= c <= "z" or "A" <= c <= "Z" for c in w):
            assert stemmer.stem(w) == w, w
    for cp in range(0, sys.maxunicode + 1, 7):
        c = chr(cp)
        assert c.lower().lower() == c.lower()


def test_fast_segmenter_equals_jieba():
    """The re-implemented accurate+HMM segmentation must give jieba.lcut's tokens on any text."""
    seg = M._get_fast_segmenter()
    default_jieba = jieba.Tokenizer()  # default dictionary, no user words, whatever other code did to jieba.dt
    dict_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(dict_path, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh]
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA6)] + list("abcXYZ0123456789+#&._%- \t\n，。！？…ａＢ１😊\u200d")
    rnd = random.Random(2)
    texts = [h for h, _ in HAND] + [r for _, rs in HAND for r in rs]
    for _ in range(800):
        parts = []
        for _ in range(rnd.randint(1, 30)):
            x = rnd.random()
            parts.append(rnd.choice(words) if x < 0.6 else rnd.choice(alphabet) if x < 0.95 else "\r\n")
        texts.append("".join(parts))
    for text in texts:
        for t in (text, unicodedata.normalize("NFKC", text)):
            assert seg.lcut(t) == default_jieba.lcut(t, cut_all=False, HMM=True), t
