"""Automatic metrics exactly as ../shared/METRICS.md defines them: BLEU-1, Distinct-1, ROUGE-L, METEOR, NAvg.

Two paths compute the same numbers:

- the fast path (`sentence_scores`, `corpus_scores`, `item_scores`): texts become cached token-id records
  (bounded LRU that outlives one call, because every system is scored against the same references), and the
  metrics are re-implemented on those ids: clipped unigram precision x brevity penalty (nltk's arithmetic),
  LCS length by rapidfuzz's bit-parallel LCSseq, and nltk 3.10's METEOR alignment (greedy exact stage, then
  Porter-stem stage, each pairing the last unused occurrences first) with its float arithmetic;
- the slow reference path (`reference_sentence_scores`, `reference_corpus_scores`): nltk `sentence_bleu`,
  nltk `single_meteor_score` with a no-synonym wordnet stub and rouge-score's rougeL with a tokenizer object,
  tokenising on every call. Tests and the benchmark compare the two to 1e-9.
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Sequence

from rapidfuzz.distance import LCSseq

# nltk single_meteor_score defaults (METRICS.md fixes them).
ALPHA = 0.9
BETA = 3.0
GAMMA = 0.5

SENTENCE_KEYS = ("BLEU-1", "ROUGE-L", "METEOR")
CORPUS_KEYS = ("BLEU-1", "Distinct-1", "Distinct-1 (pooled)", "ROUGE-L", "METEOR", "NAvg")
# Per-hypothesis values that a corpus score averages (the bootstrap resamples these).
ITEM_KEYS = ("BLEU-1", "Distinct-1", "ROUGE-L", "METEOR", "NAvg")

_DROP_CATEGORIES = frozenset("PSZCM")
_ASCII_LETTER = re.compile("[A-Za-z]")
DEFAULT_CACHE_SIZE = 20_000
# Past this many distinct raw tokens the vocabulary and caches are rebuilt (between calls only).
_MAX_VOCAB = 2_000_000


# --------------------------------------------------------------------------------------------------------------
# Text to tokens


def _is_droppable(token: str) -> bool:
    """METRICS.md step 3: a token made only of whitespace/punctuation/symbols/separators/control/marks is dropped."""
    return all(c.isspace() or unicodedata.category(c)[0] in _DROP_CATEGORIES for c in token)


_segmenter_lock = threading.Lock()
_segmenter = None


def _get_segmenter():
    """A private jieba Tokenizer on the default dictionary: user words added to `jieba.dt` elsewhere cannot leak in."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                import jieba

                seg = jieba.Tokenizer()
                seg.initialize()
                _segmenter = seg
    return _segmenter


class _FastSegmenter:
    """jieba's accurate mode with HMM (`Tokenizer.cut(s, cut_all=False, HMM=True)`), re-implemented for speed.

    Same dictionary, same regexes, same DAG/route arithmetic (log(freq) - log(total) + route, ties to the longer
    word, as jieba's `max` over (score, end) tuples), same buffering of single characters and the same
    `finalseg.cut` for unknown runs (memoised: it is a pure function of the run). Tests compare it with
    `jieba.lcut` on many texts; `_USE_FAST_SEGMENTER = False` falls back to jieba itself.
    """

    def __init__(self, tokenizer):
        import jieba
        from jieba import finalseg

        tokenizer.check_initialized()
        self.freq = tokenizer.FREQ
        self.logtotal = math.log(tokenizer.total)
        self.wlog: dict[str, float] = {}
        self.hmm_memo: dict[str, list[str]] = {}
        self.finalseg = finalseg
        self.force_split_seen = len(finalseg.Force_Split_Words)
        self.re_han = jieba.re_han_default
        self.re_skip = jieba.re_skip_default

    def _hmm(self, buf: str) -> list[str]:
        # jieba.del_word/add_word(freq=0) grow finalseg's global force-split set (it never shrinks): forget
        # memoised runs when it changed.
        if len(self.finalseg.Force_Split_Words) != self.force_split_seen:
            self.hmm_memo.clear()
            self.force_split_seen = len(self.finalseg.Force_Split_Words)
        out = self.hmm_memo.get(buf)
        if out is None:
            if len(self.hmm_memo) > 200_000:
                self.hmm_memo.clear()
            out = self.hmm_memo[buf] = list(self.finalseg.cut(buf))
        return out

    def _cut_dag(self, sentence: str, out: list[str]) -> None:
        get = self.freq.get
        wlog = self.wlog
        logtotal = self.logtotal
        n = len(sentence)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for idx in range(n - 1, -1, -1):
            best = None
            best_x = idx
            i = idx
            frag = sentence[idx]
            while True:
                f = get(frag)
                if f is None:
                    break
                if f:
                    w = wlog.get(frag)
                    if w is None:
                        w = wlog[frag] = math.log(f) - logtotal
                    s = w + score[i + 1]
                    if best is None or s >= best:
                        best = s
                        best_x = i
                i += 1
                if i >= n:
                    break
                frag = sentence[idx : i + 1]
            if best is None:
                best = math.log(1) - logtotal + score[idx + 1]
                best_x = idx
            score[idx] = best
            end[idx] = best_x
        x = 0
        buf = ""
        while x < n:
            y = end[x] + 1
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(sentence[x:y])
            x = y
        if buf:
            self._flush(buf, out)

    def _flush(self, buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not self.freq.get(buf):
            out.extend(self._hmm(buf))
        else:
            out.extend(buf)

    def lcut(self, sentence: str) -> list[str]:
        out: list[str] = []
        re_han = self.re_han
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                self._cut_dag(blk, out)
            else:
                for x in self.re_skip.split(blk):
                    if self.re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out


_USE_FAST_SEGMENTER = True
_fast_segmenter = None


def _get_fast_segmenter() -> _FastSegmenter:
    global _fast_segmenter
    if _fast_segmenter is None:
        _fast_segmenter = _FastSegmenter(_get_segmenter())
    return _fast_segmenter


def _raw_tokens(text: str) -> list[str]:
    """Steps 1-2: NFKC first (it changes '……' to '......' and with it jieba's segmentation), then jieba."""
    text = unicodedata.normalize("NFKC", text)
    if _USE_FAST_SEGMENTER:
        return _get_fast_segmenter().lcut(text)
    return _get_segmenter().lcut(text, cut_all=False, HMM=True)


def _jieba_raw_tokens(text: str) -> list[str]:
    """Steps 1-2 with jieba itself (the reference path)."""
    return _get_segmenter().lcut(unicodedata.normalize("NFKC", text), cut_all=False, HMM=True)


def _clean_token(raw: str) -> str | None:
    """Steps 3-4 for one raw jieba token: None when dropped, else the stripped, lower-cased token."""
    token = raw.strip()
    if not token or _is_droppable(token):
        return None
    return token.lower()


def _check_text(text, what: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, got {type(text).__name__}")


def uncached_tokenize(text: str) -> list[str]:
    """Tokenise without touching any cache (the reference path uses it)."""
    _check_text(text, "text")
    out = []
    for raw in _jieba_raw_tokens(text):
        token = _clean_token(raw)
        if token is not None:
            out.append(token)
    return out


# --------------------------------------------------------------------------------------------------------------
# Fast path: vocabulary, cached per-text records


class _Doc:
    """One tokenised text: token ids and, per id, its positions (ascending); stem-class data on demand."""

    __slots__ = ("_multi", "_multi_version", "ids", "n", "pos")

    def __init__(self, ids: tuple[int, ...]):
        self.ids = ids
        self.n = len(ids)
        pos: dict[int, list[int]] = {}
        for i, t in enumerate(ids):
            lst = pos.get(t)
            if lst is None:
                pos[t] = [i]
            else:
                lst.append(i)
        self.pos = pos
        self._multi = None
        self._multi_version = -1


class _State:
    """Vocabulary (raw jieba token -> id, id -> token, stems) and the bounded LRU of text records."""

    def __init__(self, cache_size: int):
        self.cache_size = cache_size
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        self.raw2id: dict[str, int] = {}  # raw jieba token -> token id, or -1 when dropped
        self.tok2id: dict[str, int] = {}
        self.tokens: list[str] = []
        self.stem_of: list[int] = []  # token id -> stem id
        self.stem2id: dict[str, int] = {}
        self.stem_class_size: list[int] = []  # stem id -> number of token ids with that stem
        self.multi_stems: set[int] = set()  # stem ids shared by >= 2 distinct tokens: only these can stem-match
        self.multi_version = 0
        self.docs: OrderedDict[str, _Doc] = OrderedDict()
        self._stemmer = None

    def _stem(self, token: str) -> str:
        # Porter rules only rewrite ASCII suffixes, so a token without an ASCII letter is its own stem
        # (checked over jieba's whole dictionary and random Unicode in the tests).
        if _ASCII_LETTER.search(token) is None:
            return token
        if self._stemmer is None:
            from nltk.stem.porter import PorterStemmer

            self._stemmer = PorterStemmer()
        return self._stemmer.stem(token)

    def token_id(self, token: str) -> int:
        tid = self.tok2id.get(token)
        if tid is None:
            tid = len(self.tokens)
            self.tok2id[token] = tid
            self.tokens.append(token)
            stem = self._stem(token)
            sid = self.stem2id.get(stem)
            if sid is None:
                sid = len(self.stem_class_size)
                self.stem2id[stem] = sid
                self.stem_class_size.append(0)
            self.stem_class_size[sid] += 1
            if self.stem_class_size[sid] == 2:
                self.multi_stems.add(sid)
                self.multi_version += 1
            self.stem_of.append(sid)
        return tid

    def encode_tokens(self, raw_tokens: list[str]) -> tuple[int, ...]:
        get = self.raw2id.get
        ids = []
        append = ids.append
        for raw in raw_tokens:
            tid = get(raw)
            if tid is None:
                token = _clean_token(raw)
                tid = -1 if token is None else self.token_id(token)
                self.raw2id[raw] = tid
            if tid >= 0:
                append(tid)
        return tuple(ids)

    def put(self, text: str, doc: _Doc) -> None:
        docs = self.docs
        docs[text] = doc
        if len(docs) > self.cache_size:
            docs.popitem(last=False)

    def doc(self, text: str) -> _Doc:
        d = self.docs.get(text)
        if d is not None:
            self.docs.move_to_end(text)
            return d
        d = _Doc(self.encode_tokens(_raw_tokens(text)))
        self.put(text, d)
        return d

    def multi(self, d: _Doc) -> dict[int, list[int]]:
        """Positions per stem id, for the stems that more than one distinct token shares (else empty)."""
        if d._multi_version != self.multi_version:
            multi = self.multi_stems
            out: dict[int, list[int]] = {}
            if multi:
                stem_of = self.stem_of
                for i, t in enumerate(d.ids):
                    s = stem_of[t]
                    if s in multi:
                        out.setdefault(s, []).append(i)
            d._multi = out
            d._multi_version = self.multi_version
        return d._multi


_state = _State(DEFAULT_CACHE_SIZE)


def clear_cache() -> None:
    """Forget every cached text and the vocabulary (results do not change; only speed does)."""
    with _state.lock:
        _state.reset()


def set_cache_size(n: int) -> None:
    """Bound the number of cached texts (least recently used are evicted)."""
    if n < 1:
        raise ValueError("cache size must be >= 1")
    with _state.lock:
        _state.cache_size = n
        while len(_state.docs) > n:
            _state.docs.popitem(last=False)


def cache_info() -> dict:
    """Sizes of the caches, for logs and benchmarks."""
    return {"texts": len(_state.docs), "max_texts": _state.cache_size, "vocabulary": len(_state.tokens)}


def tokenize(text: str) -> list[str]:
    """METRICS.md 'Text to tokens': NFKC, jieba (accurate mode, HMM), strip, drop punctuation-only, lower."""
    _check_text(text, "text")
    with _state.lock:
        d = _state.doc(text)
        tokens = _state.tokens
        return [tokens[i] for i in d.ids]


def _tokenize_many(texts: list[str]) -> list[list[str]]:
    return [_raw_tokens(t) for t in texts]


def _prefetch(texts: list[str], workers: int) -> None:
    """Tokenise uncached texts in `workers` forked processes (segmentation dominates a cold call); same tokens."""
    missing = list(dict.fromkeys(t for t in texts if t not in _state.docs))
    if workers <= 1 or len(missing) < 200:
        return
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:  # no fork on this platform: tokenise serially
        return
    _get_fast_segmenter() if _USE_FAST_SEGMENTER else _get_segmenter()  # load the dictionary once, before forking
    chunk = max(1, math.ceil(len(missing) / (workers * 4)))
    parts = [missing[i : i + chunk] for i in range(0, len(missing), chunk)]
    with ctx.Pool(workers) as pool:
        results = pool.map(_tokenize_many, parts)
    # Insert in text order so that token ids do not depend on worker timing.
    for part, raws in zip(parts, results, strict=True):
        for text, raw in zip(part, raws, strict=True):
            _state.put(text, _Doc(_state.encode_tokens(raw)))


# --------------------------------------------------------------------------------------------------------------
# Fast path: the metrics on two records


def _pair_scores(h: _Doc, r: _Doc, state: _State) -> tuple[float, float, float]:
    """(BLEU-1, ROUGE-L F, METEOR) of hypothesis h against one reference r, bit-for-bit nltk/rouge-score values."""
    lh = h.n
    lr = r.n
    if lh == 0 or lr == 0:
        return 0.0, 0.0, 0.0
    hpos = h.pos
    rpos = r.pos
    # METEOR exact stage (nltk _match_enums): per word, the i-th last hypothesis occurrence takes the i-th last
    # reference occurrence. Its match count is also BLEU's clipped unigram count.
    align = [-10] * lh
    m = 0
    for w in hpos.keys() & rpos.keys():
        hl = hpos[w]
        rl = rpos[w]
        a = len(hl)
        b = len(rl)
        if a == 1:
            align[hl[0]] = rl[-1]
            m += 1
        elif a <= b:
            for p, q in zip(hl, rl[b - a :], strict=True):
                align[p] = q
            m += a
        else:
            for p, q in zip(hl[a - b :], rl, strict=True):
                align[p] = q
            m += b
    if m == 0 and not state.multi_stems:
        return 0.0, 0.0, 0.0

    # BLEU-1 = BP * exp(log(p1)) exactly as nltk corpus_bleu computes it for one reference and weights (1,).
    if m == 0:
        bleu = 0.0
    else:
        bp = 1 if lh > lr else math.exp(1 - lr / lh)
        bleu = bp * math.exp(math.log(m / lh))

    # ROUGE-L F (rouge_score _score_lcs + scoring.fmeasure).
    lcs = LCSseq.similarity(h.ids, r.ids) if m else 0
    if lcs:
        precision = lcs / lh
        recall = lcs / lr
        rouge = 2 * precision * recall / (precision + recall)
    else:
        rouge = 0.0

    # METEOR stem stage: only stems shared by different tokens can match here; leftovers of one stem pair up
    # last-with-last like the exact stage. The wordnet stage matches nothing (the stub has no synonyms, and after
    # the stem stage no stem is left on both sides).
    if state.multi_stems:
        hm = state.multi(h)
        if hm:
            rm = state.multi(r)
            common = hm.keys() & rm.keys() if rm else ()
            if common:
                used = set(align)
                for s in common:
                    hl = [p for p in hm[s] if align[p] < 0]
                    if not hl:
                        continue
                    rl = [q for q in rm[s] if q not in used]
                    k = min(len(hl), len(rl))
                    if k:
                        for p, q in zip(hl[len(hl) - k :], rl[len(rl) - k :], strict=True):
                            align[p] = q
                        m += k
    if m == 0:
        return bleu, rouge, 0.0
    chunks = 0
    prev = -10
    for q in align:
        if q >= 0 and q - 1 != prev:
            chunks += 1
        prev = q
    precision = float(m) / lh
    recall = float(m) / lr
    fmean = (precision * recall) / (ALPHA * precision + (1 - ALPHA) * recall)
    frag_frac = float(chunks) / m
    penalty = GAMMA * frag_frac**BETA
    return bleu, rouge, (1 - penalty) * fmean


def _mean(values) -> float:
    values = list(values)
    return math.fsum(values) / len(values)


def navg(bleu1: float, distinct1: float, rouge_l: float, meteor: float) -> float:
    """NAvg = (BLEU-1 + Distinct-1 + ROUGE-L + METEOR) / 4 with the per-response Distinct-1."""
    return (bleu1 + distinct1 + rouge_l + meteor) / 4


def _distinct(d: _Doc) -> float:
    return len(d.pos) / d.n if d.n else 0.0


# --------------------------------------------------------------------------------------------------------------
# Input validation (shared by both paths)


def _as_list(value, what: str) -> list:
    """A list-like (list, tuple, array, Series) as a list; a bare string where a list belongs is a TypeError."""
    if isinstance(value, (str, bytes, dict, set, frozenset)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{what} must be a list, got {type(value).__name__}")
    return list(value)


def _check_refs(refs, what: str) -> list[str]:
    refs = _as_list(refs, what)
    if not refs:
        raise ValueError(f"{what} is an empty reference list: every hypothesis needs at least one reference")
    for j, r in enumerate(refs):
        _check_text(r, f"{what}[{j}]")
    return refs


def _check_corpus(hyps, refs) -> tuple[list[str], list[list[str]]]:
    hyps = _as_list(hyps, "hyps")
    refs = _as_list(refs, "refs")
    if len(hyps) != len(refs):
        raise ValueError(f"len(hyps) = {len(hyps)} != len(refs) = {len(refs)}")
    if not hyps:
        raise ValueError("empty corpus: no hypotheses to score")
    for i, h in enumerate(hyps):
        _check_text(h, f"hyps[{i}]")
    return hyps, [_check_refs(r, f"refs[{i}]") for i, r in enumerate(refs)]


# --------------------------------------------------------------------------------------------------------------
# Public fast API


def sentence_scores(hyp: str, refs: list[str]) -> dict:
    """BLEU-1, ROUGE-L, METEOR of one hypothesis: each the mean over its references (METRICS.md)."""
    _check_text(hyp, "hyp")
    refs = _check_refs(refs, "refs")
    with _state.lock:
        h = _state.doc(hyp)
        scores = [_pair_scores(h, _state.doc(r), _state) for r in refs]
    return {key: _mean(s[k] for s in scores) for k, key in enumerate(SENTENCE_KEYS)}


def item_scores(hyps: list[str], refs: list[list[str]], workers: int = 1) -> dict[str, list[float]]:
    """Per-hypothesis values (BLEU-1, Distinct-1, ROUGE-L, METEOR, NAvg): what corpus means and bootstraps use."""
    hyps, refs = _check_corpus(hyps, refs)
    return _item_scores(hyps, refs, workers)[0]


def _item_scores(hyps: list[str], refs: list[list[str]], workers: int) -> tuple[dict[str, list[float]], list[_Doc]]:
    with _state.lock:
        if len(_state.raw2id) > _MAX_VOCAB:
            _state.reset()
        if workers > 1:
            _prefetch(hyps + [r for rs in refs for r in rs], workers)
        doc = _state.doc
        out = {key: [] for key in ITEM_KEYS}
        bleu_l, dist_l, rouge_l, met_l, navg_l = (out[k] for k in ITEM_KEYS)
        hdocs = []
        for hyp, rs in zip(hyps, refs, strict=True):
            h = doc(hyp)
            hdocs.append(h)
            n = len(rs)
            b = ro = me = 0.0
            if n == 1:
                b, ro, me = _pair_scores(h, doc(rs[0]), _state)
            else:
                triples = [_pair_scores(h, doc(r), _state) for r in rs]
                b = math.fsum(t[0] for t in triples) / n
                ro = math.fsum(t[1] for t in triples) / n
                me = math.fsum(t[2] for t in triples) / n
            d = _distinct(h)
            bleu_l.append(b)
            dist_l.append(d)
            rouge_l.append(ro)
            met_l.append(me)
            navg_l.append(navg(b, d, ro, me))
    return out, hdocs


def _pooled_distinct(hdocs: list[_Doc]) -> float:
    total = sum(d.n for d in hdocs)
    if not total:
        return 0.0
    seen: set[int] = set()
    for d in hdocs:
        seen.update(d.pos)
    return len(seen) / total


def corpus_scores(hyps: list[str], refs: list[list[str]], workers: int = 1) -> dict:
    """Corpus BLEU-1, Distinct-1 (per-response mean), Distinct-1 (pooled), ROUGE-L, METEOR, NAvg; plus `n`.

    `refs[i]` lists the references of `hyps[i]` (any number >= 1). `workers` > 1 tokenises uncached texts in
    forked processes; the result does not depend on it.
    """
    hyps, refs = _check_corpus(hyps, refs)
    items, hdocs = _item_scores(hyps, refs, workers)
    out = {key: _mean(items[key]) for key in ("BLEU-1", "Distinct-1", "ROUGE-L", "METEOR")}
    out["Distinct-1 (pooled)"] = _pooled_distinct(hdocs)
    out["NAvg"] = navg(out["BLEU-1"], out["Distinct-1"], out["ROUGE-L"], out["METEOR"])
    out["n"] = len(hyps)
    return {key: out[key] for key in (*CORPUS_KEYS, "n")}


# --------------------------------------------------------------------------------------------------------------
# Bootstrap confidence intervals


def bootstrap_ci(
    hyps: list[str],
    refs: list[list[str]],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    workers: int = 1,
) -> dict[str, dict[str, float]]:
    """Percentile bootstrap over hypotheses: {metric: {"value", "low", "high"}} for every corpus metric.

    The same seed, corpus and n_boot give the same intervals; each resample draws len(hyps) items with
    replacement and recomputes every corpus metric (Distinct-1 (pooled) included) on it.
    """
    import numpy as np

    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    hyps, refs = _check_corpus(hyps, refs)
    items, hdocs = _item_scores(hyps, refs, workers)
    n = len(hyps)
    point = corpus_scores(hyps, refs)
    idx = resample_indices(n, n_boot, seed)
    stats: dict[str, np.ndarray] = {}
    for key in ("BLEU-1", "Distinct-1", "ROUGE-L", "METEOR"):
        stats[key] = np.asarray(items[key], dtype=np.float64)[idx].mean(axis=1)
    stats["NAvg"] = (stats["BLEU-1"] + stats["Distinct-1"] + stats["ROUGE-L"] + stats["METEOR"]) / 4
    # Pooled Distinct-1 of a resample: distinct tokens among the drawn items / their total tokens.
    lengths = np.array([d.n for d in hdocs], dtype=np.float64)
    pair_item = np.fromiter((i for i, d in enumerate(hdocs) for _ in d.pos), dtype=np.int64)
    vocab: dict[int, int] = {}
    pair_tok = np.fromiter((vocab.setdefault(t, len(vocab)) for d in hdocs for t in d.pos), dtype=np.int64)
    pooled = np.empty(n_boot)
    for b in range(n_boot):
        weights = np.bincount(idx[b], minlength=n).astype(np.float64)
        total = weights @ lengths
        if total == 0:
            pooled[b] = 0.0
            continue
        present = np.bincount(pair_tok, weights=weights[pair_item], minlength=len(vocab)) > 0
        pooled[b] = present.sum() / total
    stats["Distinct-1 (pooled)"] = pooled
    out = {}
    for key in CORPUS_KEYS:
        lo, hi = percentile_interval(stats[key], level)
        out[key] = {"value": float(point[key]), "low": lo, "high": hi}
    return out


def resample_indices(n: int, n_boot: int, seed: int):
    """The item indices of ``n_boot`` bootstrap resamples of ``n`` items (rows), the same for the same seed."""
    import numpy as np

    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def percentile_interval(draws, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap draws."""
    import numpy as np

    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    lo, hi = np.quantile(np.asarray(draws, dtype=np.float64), [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def mean_ci(values: Sequence[float], n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, float]:
    """Mean of per-item values with its percentile bootstrap CI over items: {"value", "low", "high"}.

    The resampling is ``bootstrap_ci``'s (same indices for the same seed and item count); for any per-item figure
    (judge scores, win indicators, referral flags). Empty input gives NaNs.
    """
    import numpy as np

    if not len(values):
        return {"value": math.nan, "low": math.nan, "high": math.nan}
    arr = np.asarray(values, dtype=np.float64)
    lo, hi = percentile_interval(arr[resample_indices(len(arr), n_boot, seed)].mean(axis=1), level)
    return {"value": float(arr.mean()), "low": lo, "high": hi}


# --------------------------------------------------------------------------------------------------------------
# Slow reference path: the libraries themselves, tokenising on every call


class _NoSynonyms:
    """Stands in for nltk's wordnet: no synonyms, so METEOR uses only its exact and stem stages."""

    def synsets(self, *args, **kwargs):
        return []


class _ListTokenizer:
    """rouge-score tokenizer object (its default tokenizer drops every Chinese character)."""

    def tokenize(self, text: str) -> list[str]:
        return uncached_tokenize(text)


_reference_tools = None


def _get_reference_tools():
    global _reference_tools
    if _reference_tools is None:
        from nltk.stem.porter import PorterStemmer
        from nltk.translate.bleu_score import sentence_bleu
        from nltk.translate.meteor_score import single_meteor_score
        from rouge_score.rouge_scorer import RougeScorer

        _reference_tools = (
            sentence_bleu,
            single_meteor_score,
            RougeScorer(["rougeL"], tokenizer=_ListTokenizer()),
            PorterStemmer(),
            _NoSynonyms(),
        )
    return _reference_tools


def reference_sentence_scores(hyp: str, refs: list[str]) -> dict:
    """The slow path: nltk sentence_bleu / single_meteor_score and rouge-score rougeL, means over references."""
    _check_text(hyp, "hyp")
    refs = _check_refs(refs, "refs")
    sentence_bleu, single_meteor_score, scorer, stemmer, wordnet = _get_reference_tools()
    h = uncached_tokenize(hyp)
    bleu, rouge, meteor = [], [], []
    for ref in refs:
        r = uncached_tokenize(ref)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nltk warns on zero overlaps; the value (0) is what we want
            bleu.append(float(sentence_bleu([r], h, weights=(1,))))
        rouge.append(scorer.score(ref, hyp)["rougeL"].fmeasure)
        meteor.append(single_meteor_score(r, h, stemmer=stemmer, wordnet=wordnet, alpha=ALPHA, beta=BETA, gamma=GAMMA))
    return {"BLEU-1": _mean(bleu), "ROUGE-L": _mean(rouge), "METEOR": _mean(meteor)}


def reference_corpus_scores(hyps: list[str], refs: list[list[str]]) -> dict:
    """The slow path for a corpus (same keys as `corpus_scores`)."""
    hyps, refs = _check_corpus(hyps, refs)
    per = [reference_sentence_scores(h, rs) for h, rs in zip(hyps, refs, strict=True)]
    toks = [uncached_tokenize(h) for h in hyps]
    out = {key: _mean(p[key] for p in per) for key in SENTENCE_KEYS}
    out["Distinct-1"] = _mean(len(set(t)) / len(t) if t else 0.0 for t in toks)
    total = sum(len(t) for t in toks)
    out["Distinct-1 (pooled)"] = len(set().union(*toks)) / total if total else 0.0
    out["NAvg"] = navg(out["BLEU-1"], out["Distinct-1"], out["ROUGE-L"], out["METEOR"])
    out["n"] = len(hyps)
    return {key: out[key] for key in (*CORPUS_KEYS, "n")}


def default_workers() -> int:
    """Worker processes worth using for a cold call on this machine."""
    return max(1, min(4, (os.cpu_count() or 1)))
