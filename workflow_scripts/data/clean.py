"""Clean stage: raw crawled Q&A -> simplified, filtered, anonymised, de-duplicated posts.

Reads ``results/raw/{source}/posts.jsonl`` (one question per row, schema checked row by row) and
writes ``results/clean/posts.parquet`` plus ``results/clean/report.json`` with a counted reason for
every post and answer removed.

Order of work, and why:

1. OpenCC t2s on title, description, tags and answers: the lexicons and the paper's corpus are in
   Simplified script, so every later check sees one script.
2. Filters, each item counted under the *first* reason that removes it (an empty question has no
   description, or with ``require_description: false`` neither title nor description):
   posts ``empty_question`` -> ``spam_post`` -> ``off_topic``; answers ``spam_answer`` ->
   ``short_answer``; then posts with no answer left are ``no_answers``.
   The spam and off-topic filters (``filter_question``) must be precise on real counselling posts,
   which often name no psychological term at all: a post is off-topic only on positive evidence
   (``min_offtopic_terms`` distinct off-topic keywords, outnumbering its psych terms), and a post
   that mentions suicide, self-harm or abuse (the crisis lexicon) is never spam or off-topic: losing
   one of those costs far more than keeping an ad.
   They run *before* anonymisation: spam detection needs the contacts (WeChat IDs, phones, URLs) that
   anonymisation would replace, and dropped posts cost nothing to anonymise.
3. Anonymisation (``workflow_scripts.data.anonymize.anonymize_post``) of the survivors, *before*
   de-duplication: a repost that differs only in a phone number or a name becomes identical once
   both carry the same placeholders, so de-duplication sees through PII instead of being hidden by it.
   Answer length is checked again afterwards, so the output contract (every answer longer than
   ``min_answer_chars``) holds whatever length the placeholders have.
4. De-duplication of questions on their normalised title + description: exact (``duplicate_qid``
   for a qid seen twice, then ``exact_duplicate`` by hash) and near (``near_duplicate``: datasketch
   MinHash over character shingles + MinHashLSH, candidates confirmed by estimated Jaccard).
   Posts are ordered by (source in config order, natural post_id) first, so the first occurrence
   kept does not depend on the order the crawler happened to write rows in.

The per-post work (1-3, plus shingling and MinHash) runs in a process pool over chunks; the
de-duplication pass is sequential (it is order dependent) and cheap.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import logging
import multiprocessing
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, read_jsonl, write_json
from workflow_scripts.common.provenance import recorded_step

logger = logging.getLogger(__name__)

# The results/clean/posts.parquet contract, typed explicitly so an all-empty column keeps its type.
CLEAN_SCHEMA = pa.schema(
    [
        ("qid", pa.string()),
        ("source", pa.string()),
        ("post_id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("answers", pa.list_(pa.string())),
        ("n_answers", pa.int64()),
        ("fetched_at", pa.string()),
    ]
)
CLEAN_COLUMNS = CLEAN_SCHEMA.names  # the results/clean/posts.parquet contract
# Post reasons in the order they are applied (the funnel order of the report).
POST_REASONS = (
    "empty_question",
    "spam_post",
    "off_topic",
    "no_answers",
    "duplicate_qid",
    "exact_duplicate",
    "near_duplicate",
)
DUPLICATE_REASONS = ("duplicate_qid", "exact_duplicate", "near_duplicate")
ANSWER_REASONS = ("spam_answer", "short_answer", "post_removed")
REASON_DOC = {
    "empty_question": "no description (with require_description) or neither title nor description",
    "spam_post": "title + description score >= spam_min_score (ad/spam phrases, flooding, contact/URL patterns);"
    " never a post with a crisis term",
    "off_topic": "at least min_offtopic_terms distinct off-topic keywords and more of them than psych terms;"
    " never a post with a crisis term",
    "no_answers": "no answer left after the answer filters",
    "duplicate_qid": "the same source-post_id seen again (first row kept)",
    "exact_duplicate": "same normalised title + description as an earlier post",
    "near_duplicate": "MinHash/LSH estimated Jaccard >= threshold with an earlier kept post",
    "spam_answer": "answer scores >= spam_min_score (ad/spam phrases, flooding, contact/URL patterns)",
    "short_answer": "answer has <= min_answer_chars characters once all whitespace is removed",
    "post_removed": "answer of a removed post",
}
CHUNK_SIZE = 256
EXAMPLES_PER_REASON = 5  # removed items shown per reason in report.json
EXCERPT_CHARS = 40

_URL = re.compile(r"(?:https?://|www\.)[^\s，。！？、）)]+", re.IGNORECASE)
# An invitation to add a contact followed by an id: 加微信 abc123, 加V: 12345678, 联系QQ 12345678.
_CONTACT_INVITE = re.compile(
    r"(?:加|添加|联系|咨询|私聊)\s*(?:我\s*)?(?:的\s*)?(?:微信|薇信|威信|v信|vx|wx|v|qq|扣扣|q)(?:号)?\s*[:：]?\s*[a-z0-9_-]{5,}",
    re.IGNORECASE,
)
# Contact numbers (mobile phones, QQ-like digit runs); two of them in one text look like an ad.
_CONTACT_TOKEN = re.compile(
    r"(?<![0-9])(?:\+?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9])|(?<![0-9])[0-9]{6,12}(?![0-9])"
)
_REPEAT = re.compile(r"([^\W\d_]{1,2}?)\1{2,}")
_INTERJECTIONS = frozenset("啊呜唉嗯哎噢哦")  # 啊啊啊 / 呜呜呜 are venting, not flooding
FLOOD_MAX_CHARS = 80
_NON_WORD = re.compile(r"[\W_]+")
_WHITESPACE = re.compile(r"\s+")
_NATURAL = re.compile(r"(\d+)")
_MASK = re.compile(r"[A-Za-z0-9_-]{5,}")  # ids, numbers and handles in report excerpts


# --------------------------------------------------------------------------- settings and lexicons


@dataclasses.dataclass(frozen=True)
class CleanSettings:
    """The ``clean`` config section (plus the global seed), validated by the config schema."""

    require_description: bool
    min_answer_chars: int
    spam_min_score: int
    min_offtopic_terms: int
    num_perm: int
    shingle_size: int
    threshold: float
    seed: int

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CleanSettings:
        """Build from the rule's ``--params`` JSON: ``{"clean": {...}, "seed": 42}``."""
        try:
            clean = params["clean"]
            return cls(
                require_description=bool(clean["require_description"]),
                min_answer_chars=int(clean["min_answer_chars"]),
                spam_min_score=int(clean["spam_min_score"]),
                min_offtopic_terms=int(clean["min_offtopic_terms"]),
                num_perm=int(clean["dedup"]["num_perm"]),
                shingle_size=int(clean["dedup"]["shingle_size"]),
                threshold=float(clean["dedup"]["threshold"]),
                seed=int(params.get("seed", 1)),
            )
        except (KeyError, TypeError) as err:
            raise InputError(f"--params lacks clean setting {err}; pass settings('clean', 'seed')") from err


@dataclasses.dataclass(frozen=True)
class Lexicons:
    """Term lists (lower-cased, Simplified script) used by the spam and off-topic filters.

    ``crisis`` (suicide, self-harm, abuse) exempts a post from both filters.
    """

    spam: tuple[str, ...]
    psych: tuple[str, ...]
    offtopic: tuple[str, ...]
    crisis: tuple[str, ...]

    @classmethod
    def load(cls, paths: Mapping[str, str | Path]) -> Lexicons:
        """From the ``clean.lexicons`` paths: ``{"spam": ..., "psych": ..., "offtopic": ..., "crisis": ...}``."""
        return cls(**{name: load_lexicon(paths[name]) for name in LEXICON_NAMES})


LEXICON_NAMES = tuple(field.name for field in dataclasses.fields(Lexicons))


def load_lexicon(path: str | Path) -> tuple[str, ...]:
    """One term per line; blank lines and ``#`` comments ignored; an empty lexicon is an error."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read lexicon ({err.strerror})") from err
    terms = tuple(dict.fromkeys(t.strip().lower() for t in lines if t.strip() and not t.lstrip().startswith("#")))
    if not terms:
        raise InputError(f"{path}: lexicon has no terms")
    return terms


# --------------------------------------------------------------------------- input


def _check_str(row: dict, key: str, where: str, nullable: bool = False) -> None:
    if key not in row:
        raise InputError(f"{where}: missing field '{key}'; re-crawl or fix this row")
    value = row[key]
    if value is None and nullable:
        return
    if not isinstance(value, str):
        raise InputError(f"{where}: field '{key}' must be a string, got {type(value).__name__}")


def validate_row(row: dict[str, Any], where: str, source: str) -> None:
    """Check one raw row against the raw contract; raise InputError naming ``file:line`` and the field."""
    for key in ("source", "post_id", "url", "title", "description"):
        _check_str(row, key, where)
    _check_str(row, "fetched_at", where, nullable=True)
    if row["source"] != source:
        raise InputError(f"{where}: field 'source' is {row['source']!r} but the file belongs to source {source!r}")
    if not row["post_id"]:
        raise InputError(f"{where}: field 'post_id' is empty")
    if "tags" not in row:
        raise InputError(f"{where}: missing field 'tags'; re-crawl or fix this row")
    tags = row["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputError(f"{where}: field 'tags' must be a list of strings")
    if "answers" not in row:
        raise InputError(f"{where}: missing field 'answers'; re-crawl or fix this row")
    if not isinstance(row["answers"], list):
        raise InputError(f"{where}: field 'answers' must be a list, got {type(row['answers']).__name__}")
    for n, answer in enumerate(row["answers"]):
        field = f"answers[{n}]"
        if not isinstance(answer, dict):
            raise InputError(f"{where}: field '{field}' must be an object, got {type(answer).__name__}")
        _check_str(answer, "text", f"{where}: {field}")
        for key in ("author", "answered_at"):
            if answer.get(key) is not None and not isinstance(answer[key], str):
                raise InputError(f"{where}: field '{field}.{key}' must be a string or null")
        votes = answer.get("votes")
        if votes is not None and (isinstance(votes, bool) or not isinstance(votes, int)):
            raise InputError(f"{where}: field '{field}.votes' must be an integer or null")


def _natural_key(post_id: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in _NATURAL.split(post_id))


def read_raw(inputs: Sequence[tuple[str, str | Path]]) -> list[dict[str, Any]]:
    """Read and validate every ``(source, path)``; return posts in deterministic order.

    Order: sources as given (config order), then natural post_id order inside a source (stable, so
    repeated ids keep file order): the de-duplicator keeps the first occurrence, and that must not
    depend on the order in which the crawler wrote rows.
    """
    posts: list[dict[str, Any]] = []
    for source, path in inputs:
        rows = read_jsonl(path)  # InputError with file:line on broken JSON
        with open(path, encoding="utf-8") as handle:
            linenos = [n for n, line in enumerate(handle, start=1) if line.strip()]
        for row, lineno in zip(rows, linenos, strict=True):
            validate_row(row, f"{path}:{lineno}", source)
        rows.sort(key=lambda r: _natural_key(r["post_id"]))
        posts.extend(rows)
    return posts


# --------------------------------------------------------------------------- per-post work


def visible_chars(text: str) -> int:
    """Length of ``text`` in characters once *all* whitespace (spaces, newlines, U+3000...) is removed.

    This is the answer length the ``min_answer_chars`` threshold compares against: an answer is kept
    only if it has strictly more visible characters than the threshold (paper: "exceeding 100").
    """
    return len(_WHITESPACE.sub("", text))


def normalise(text: str) -> str:
    """NFKC, lower case, no whitespace or punctuation: what "the same question" compares."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def found_terms(text_lower: str, terms: Iterable[str]) -> list[str]:
    """The distinct lexicon terms occurring in (already lower-cased) text, in lexicon order."""
    return [term for term in terms if term in text_lower]


def flood_points(text: str) -> int:
    """Flooding in a short text: one point per distinct unit of one or two letters repeated three times
    or more (顶顶顶, 沙发沙发沙发), at most two; two when such runs make up half the visible characters."""
    runs = [m for m in _REPEAT.finditer(text) if m.group(1)[0] not in _INTERJECTIONS]
    if not runs:
        return 0
    if 2 * sum(len(m.group(0)) for m in runs) >= visible_chars(text):
        return 2
    return min(2, len({m.group(1) for m in runs}))


def spam_score(text: str, terms: Sequence[str]) -> int:
    """Ad/spam points of a post's title + description, or of one answer.

    One point per distinct lexicon phrase; for a short text (<= FLOOD_MAX_CHARS visible characters) the
    ``flood_points``; at most one point for contact/URL patterns (an add-my-contact
    invitation with an id, two or more URLs, two or more contact numbers), because contacts alone are PII
    that anonymisation handles, not advertising.
    """
    lower = text.lower()
    score = len(found_terms(lower, terms))
    if visible_chars(lower) <= FLOOD_MAX_CHARS:
        score += flood_points(lower)
    if _CONTACT_INVITE.search(lower) or len(_URL.findall(lower)) >= 2 or len(_CONTACT_TOKEN.findall(lower)) >= 2:
        score += 1
    return score


def filter_question(
    title: str, description: str, tags: Sequence[str], settings: CleanSettings, lexicons: Lexicons
) -> tuple[str | None, list[str]]:
    """Why the spam and off-topic filters remove a (Simplified-script) question: ``(reason, evidence)``,
    or ``(None, [])`` when it is kept. ``reason`` is ``spam_post`` or ``off_topic``; ``evidence`` lists
    the lexicon terms that decided it (report.json shows them beside each example).

    A question with a crisis term (suicide, self-harm, abuse) is always kept. Off-topic needs positive
    evidence: real help-seeking posts often name no psychological term, so the lack of one removes
    nothing. ``bench/bench_real_text.py`` counts removals on real posts with this function.
    """
    question = f"{title}\n{description}"
    topic_text = f"{question}\n{' '.join(tags)}".lower()
    if found_terms(topic_text, lexicons.crisis):
        return None, []
    if spam_score(question, lexicons.spam) >= settings.spam_min_score:
        return "spam_post", found_terms(question.lower(), lexicons.spam)
    offtopic = found_terms(topic_text, lexicons.offtopic)
    if len(offtopic) >= settings.min_offtopic_terms and len(offtopic) > len(found_terms(topic_text, lexicons.psych)):
        return "off_topic", offtopic
    return None, []


def excerpt(title: str, text: str) -> str:
    """The start of a question (or answer: no title) for report.json's examples; ids, numbers and
    handles of five or more characters are masked."""
    joined = f"{title} | {text}" if title else text
    return _MASK.sub("*", _WHITESPACE.sub(" ", joined).strip()[:EXCERPT_CHARS])


def shingles(text: str, size: int) -> list[bytes]:
    """Distinct character shingles of ``size`` (the whole text if shorter), UTF-8 encoded."""
    if len(text) <= size:
        return [text.encode("utf-8")] if text else []
    return [s.encode("utf-8") for s in {text[i : i + size] for i in range(len(text) - size + 1)}]


class _Worker:
    """Per-process state: OpenCC converter, settings, lexicons and the anonymiser."""

    def __init__(self, settings: CleanSettings, lexicons: Lexicons) -> None:
        import opencc

        self.settings = settings
        self.lexicons = lexicons
        self.converter = opencc.OpenCC("t2s")
        self.anonymize_post: Callable[[str, str, list[str]], tuple[str, str, list[str]]] = importlib.import_module(
            "workflow_scripts.data.anonymize"
        ).anonymize_post

    def t2s(self, text: str) -> str:
        return self.converter.convert(text) if text else text

    def process(self, index: int, row: dict[str, Any]) -> dict[str, Any]:
        """Convert, filter and anonymise one post; return either a kept post or a drop record."""
        s, lex = self.settings, self.lexicons
        raw_answers = [a["text"] for a in row["answers"]]
        title, description = self.t2s(row["title"]), self.t2s(row["description"])
        tags = [self.t2s(t) for t in row["tags"]]
        answers = [self.t2s(a) for a in raw_answers]
        converted = title != row["title"] or description != row["description"] or tags != row["tags"]
        converted = converted or answers != raw_answers
        out: dict[str, Any] = {
            "index": index,
            "qid": f"{row['source']}-{row['post_id']}",
            "source": row["source"],
            "t2s": converted,
            "answers_in": len(answers),
            "answer_removed": Counter(),
            "reason": None,
        }

        # reason -> (title, text, evidence) of the first item this post lost to it; process_chunk keeps a few
        samples: dict[str, tuple[str, str, list[str]]] = {}
        out["samples"] = samples

        def drop(reason: str, evidence: Sequence[str] = ()) -> dict[str, Any]:
            out["reason"] = reason
            lost = len(answers) - sum(out["answer_removed"].values())
            out["answer_removed"]["post_removed"] += lost
            samples[reason] = (title, description, list(evidence))
            if lost:  # only a filtered post loses answers the answer filters kept
                samples["post_removed"] = ("", answers[0], [])
            return out

        if not description.strip() and (s.require_description or not title.strip()):
            return drop("empty_question")
        reason, evidence = filter_question(title, description, tags, s, lex)
        if reason is not None:
            return drop(reason, evidence)
        kept = []
        for answer in answers:
            if spam_score(answer, lex.spam) >= s.spam_min_score:
                out["answer_removed"]["spam_answer"] += 1
                samples.setdefault("spam_answer", ("", answer, found_terms(answer.lower(), lex.spam)))
            elif visible_chars(answer) <= s.min_answer_chars:
                out["answer_removed"]["short_answer"] += 1
                samples.setdefault("short_answer", ("", answer, []))
            else:
                kept.append(answer)
        if not kept:
            return drop("no_answers")
        new_title, new_description, new_answers = self.anonymize_post(title, description, kept)
        new_answers = list(new_answers)
        out["anonymised"] = (new_title, new_description, new_answers) != (title, description, kept)
        final = [a for a in new_answers if visible_chars(a) > s.min_answer_chars]
        out["answer_removed"]["short_answer"] += len(new_answers) - len(final)
        if not final:
            return drop("no_answers")
        key = normalise(f"{new_title}{new_description}")
        out.update(
            post_id=row["post_id"],
            url=row["url"],
            title=new_title,
            description=new_description,
            tags=tags,
            answers=final,
            n_answers=len(final),
            fetched_at=row["fetched_at"],
            exact_key=hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest() if key else None,
            shingles=shingles(key, s.shingle_size),
        )
        return out

    def add_examples(self, results: list[dict[str, Any]]) -> None:
        """Turn the first ``EXAMPLES_PER_REASON`` samples per reason of a chunk into report examples.

        Filtered items were never anonymised, so each excerpt goes through the anonymiser (and
        ``excerpt``'s masking) before it can reach report.json; the rest of the samples are dropped.
        """
        shown: Counter = Counter()
        for result in results:
            examples = {}
            for reason, (title, text, evidence) in result.pop("samples").items():
                if shown[reason] >= EXAMPLES_PER_REASON:
                    continue
                shown[reason] += 1
                safe_title, safe_text, _ = self.anonymize_post(title, text[: 2 * EXCERPT_CHARS], [])
                examples[reason] = {"qid": result["qid"], "excerpt": excerpt(safe_title, safe_text)}
                if evidence:
                    examples[reason]["evidence"] = evidence
            result["examples"] = examples

    def process_chunk(self, chunk: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Process a chunk and MinHash its kept posts in one ``MinHash.bulk`` batch."""
        from datasketch import LeanMinHash, MinHash

        results = [self.process(index, row) for index, row in chunk]
        self.add_examples(results)
        kept = [r for r in results if r["reason"] is None and r["shingles"]]
        hashes = MinHash.bulk([r["shingles"] for r in kept], num_perm=self.settings.num_perm, seed=self.settings.seed)
        for result, minhash in zip(kept, hashes, strict=True):
            result["minhash"] = LeanMinHash(minhash)
        for result in results:
            result.pop("shingles", None)
        return results


_WORKER: _Worker | None = None


def _init_worker(settings: CleanSettings, lexicons: Lexicons) -> None:
    global _WORKER
    _WORKER = _Worker(settings, lexicons)


def _run_chunk(chunk: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return _WORKER.process_chunk(chunk)


def _chunks(posts: list[dict[str, Any]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    for start in range(0, len(posts), size):
        yield list(enumerate(posts[start : start + size], start=start))


def process_posts(
    posts: list[dict[str, Any]], settings: CleanSettings, lexicons: Lexicons, workers: int = 1
) -> list[dict[str, Any]]:
    """Per-post work over chunks, in a pool of ``workers`` processes (in-process when 1); input order kept."""
    if workers <= 1 or len(posts) <= CHUNK_SIZE:
        worker = _Worker(settings, lexicons)
        return [r for chunk in _chunks(posts, CHUNK_SIZE) for r in worker.process_chunk(chunk)]
    with multiprocessing.Pool(workers, initializer=_init_worker, initargs=(settings, lexicons)) as pool:
        return [r for chunk_result in pool.imap(_run_chunk, _chunks(posts, CHUNK_SIZE)) for r in chunk_result]


# --------------------------------------------------------------------------- de-duplication


def deduplicate(results: list[dict[str, Any]], settings: CleanSettings) -> list[dict[str, Any]]:
    """Mark duplicates among kept posts (in order); return the removed -> kept lineage records.

    A qid seen again is ``duplicate_qid``; the same normalised title + description is
    ``exact_duplicate``; otherwise a post whose MinHash LSH candidates include an earlier *kept* post
    with estimated Jaccard >= threshold is ``near_duplicate`` of the earliest such post.
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
    seen_qid: dict[str, str] = {}
    seen_key: dict[str, str] = {}
    kept_minhash: dict[int, Any] = {}
    lineage: list[dict[str, Any]] = []
    for result in results:
        if result["reason"] is not None:
            continue
        qid = result["qid"]
        kept_qid, reason, similarity = None, None, None
        if qid in seen_qid:
            kept_qid, reason, similarity = qid, "duplicate_qid", None
        elif result["exact_key"] is not None and result["exact_key"] in seen_key:
            kept_qid, reason, similarity = seen_key[result["exact_key"]], "exact_duplicate", 1.0
        elif "minhash" in result:
            minhash = result["minhash"]
            best = None
            for candidate in sorted(lsh.query(minhash)):
                jaccard = minhash.jaccard(kept_minhash[candidate])
                if jaccard >= settings.threshold:
                    best = (candidate, jaccard)
                    break
            if best is not None:
                kept_qid, reason, similarity = results[best[0]]["qid"], "near_duplicate", round(best[1], 4)
        if reason is None:
            seen_qid[qid] = qid
            if result["exact_key"] is not None:
                seen_key[result["exact_key"]] = qid
            if "minhash" in result:
                lsh.insert(result["index"], result["minhash"])
                kept_minhash[result["index"]] = result["minhash"]
            continue
        result["reason"] = reason
        result["answer_removed"]["post_removed"] += result["n_answers"]
        record = {"removed": qid, "kept": kept_qid, "reason": reason}
        if similarity is not None:
            record["similarity"] = similarity
        lineage.append(record)
    return lineage


# --------------------------------------------------------------------------- report


def _empty_counts() -> dict[str, Any]:
    return {
        "posts": {"in": 0, "out": 0, "removed": dict.fromkeys(POST_REASONS, 0)},
        "answers": {"in": 0, "out": 0, "removed": dict.fromkeys(ANSWER_REASONS, 0)},
        "t2s_converted_posts": 0,
        "anonymised_posts": 0,
    }


def _add(counts: dict[str, Any], result: dict[str, Any]) -> None:
    counts["posts"]["in"] += 1
    counts["answers"]["in"] += result["answers_in"]
    counts["t2s_converted_posts"] += int(result["t2s"])
    counts["anonymised_posts"] += int(result.get("anonymised", False))
    for reason, n in result["answer_removed"].items():
        counts["answers"]["removed"][reason] += n
    if result["reason"] is None:
        counts["posts"]["out"] += 1
        counts["answers"]["out"] += result["n_answers"]
    else:
        counts["posts"]["removed"][result["reason"]] += 1


def _funnel(posts: dict[str, Any]) -> list[dict[str, Any]]:
    """Posts in/out at each filter, in the order applied."""
    steps, current = [], posts["in"]
    for reason in POST_REASONS:
        removed = posts["removed"][reason]
        steps.append({"reason": reason, "in": current, "out": current - removed, "removed": removed})
        current -= removed
    return steps


def build_report(
    results: list[dict[str, Any]], lineage: list[dict[str, Any]], settings: CleanSettings, sources: Sequence[str]
) -> dict[str, Any]:
    """Counts in/out per reason, per source and in total, the duplicate lineage, removed qids and, for
    every reason, the first ``EXAMPLES_PER_REASON`` removed items (qid, short excerpt, deciding terms)."""
    by_source = {source: _empty_counts() for source in sources}
    totals = _empty_counts()
    removed_qids: dict[str, list[str]] = {reason: [] for reason in POST_REASONS}
    examples: dict[str, list[dict[str, Any]]] = {reason: [] for reason in (*POST_REASONS, *ANSWER_REASONS)}
    kept_of = {record["removed"]: record["kept"] for record in lineage}
    for result in results:
        _add(totals, result)
        _add(by_source[result["source"]], result)
        if result["reason"] is not None:
            removed_qids[result["reason"]].append(result["qid"])
        found = dict(result["examples"])
        if result["reason"] in DUPLICATE_REASONS:  # kept by the filters, so anonymised already
            qid = result["qid"]
            found[result["reason"]] = {"qid": qid, "excerpt": excerpt(result["title"], result["description"]),
                                       "kept": kept_of[qid]}  # fmt: skip
            found["post_removed"] = {"qid": qid, "excerpt": excerpt("", result["answers"][0])}
        for reason, example in found.items():
            if len(examples[reason]) < EXAMPLES_PER_REASON:
                examples[reason].append(example)
    for counts in (totals, *by_source.values()):
        counts["posts"]["steps"] = _funnel(counts["posts"])
        for unit in ("posts", "answers"):
            block = counts[unit]
            assert block["in"] == block["out"] + sum(block["removed"].values()), f"{unit} counts do not add up"
    return {
        "settings": dataclasses.asdict(settings),
        "reasons": REASON_DOC,
        "totals": totals,
        "by_source": by_source,
        "duplicates": lineage,
        "removed_qids": removed_qids,
        "removed_examples": examples,
    }


# --------------------------------------------------------------------------- step


def clean_posts(
    posts: list[dict[str, Any]],
    settings: CleanSettings,
    lexicons: Lexicons,
    sources: Sequence[str],
    workers: int = 1,
    timings: dict[str, float] | None = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Clean validated raw posts (already in deterministic order); return the table and the report."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    results = process_posts(posts, settings, lexicons, workers)
    timings["per_post"] = time.perf_counter() - clock
    clock = time.perf_counter()
    lineage = deduplicate(results, settings)
    timings["dedup"] = time.perf_counter() - clock
    kept = [r for r in results if r["reason"] is None]
    table = pa.Table.from_pydict({col: [r[col] for r in kept] for col in CLEAN_COLUMNS}, schema=CLEAN_SCHEMA)
    return table, build_report(results, lineage, settings, sources)


def run_clean(
    raw: Sequence[str | Path],
    output: str | Path,
    report_path: str | Path,
    params: dict[str, Any],
    lexicon_paths: dict[str, str | Path],
    workers: int = 1,
    rule: str = "clean",
) -> dict[str, Any]:
    """The whole step: read + validate, clean, write parquet and report atomically with provenance.

    ``raw`` paths are ``.../{source}/posts.jsonl``; the source is the parent folder's name. Returns
    the report with per-phase ``timings`` (seconds) added (not written: the report bytes stay stable).
    """
    settings = CleanSettings.from_params(params)
    lexicons = Lexicons.load(lexicon_paths)
    inputs = [(Path(p).parent.name, p) for p in raw]
    sources = list(dict.fromkeys(source for source, _ in inputs))
    timings: dict[str, float] = {}
    all_inputs = [*raw, *lexicon_paths.values()]
    with recorded_step(rule, all_inputs, [output, report_path], params, settings.seed) as facts:
        clock = time.perf_counter()
        posts = read_raw(inputs)
        timings["read"] = time.perf_counter() - clock
        table, report = clean_posts(posts, settings, lexicons, sources, workers, timings)
        clock = time.perf_counter()
        with atomic_path(output) as tmp:
            pq.write_table(table, tmp)
        write_json(report_path, report)
        timings["write"] = time.perf_counter() - clock
        totals = report["totals"]
        facts.update(
            posts_in=totals["posts"]["in"],
            posts_out=totals["posts"]["out"],
            answers_in=totals["answers"]["in"],
            answers_out=totals["answers"]["out"],
            posts_removed=totals["posts"]["removed"],
            answers_removed=totals["answers"]["removed"],
            t2s_converted_posts=totals["t2s_converted_posts"],
            anonymised_posts=totals["anonymised_posts"],
            workers=workers,
            seconds_by_phase={k: round(v, 3) for k, v in timings.items()},
        )
    logger.info(
        "clean: posts %d -> %d, answers %d -> %d; seconds %s",
        totals["posts"]["in"],
        totals["posts"]["out"],
        totals["answers"]["in"],
        totals["answers"]["out"],
        {k: round(v, 1) for k, v in timings.items()},
    )
    return {**report, "timings": timings}


def add_lexicon_args(parser: argparse.ArgumentParser) -> None:
    """``--spam-lexicon``, ``--psych-lexicon``, ... : one option per ``clean.lexicons`` entry."""
    for name in LEXICON_NAMES:
        parser.add_argument(f"--{name}-lexicon", required=True)


def lexicon_args(args: argparse.Namespace) -> dict[str, str]:
    """The lexicon paths given by ``add_lexicon_args``' options, keyed like ``clean.lexicons``."""
    return {name: getattr(args, f"{name}_lexicon") for name in LEXICON_NAMES}


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--raw", nargs="+", required=True, help="results/raw/{source}/posts.jsonl files")
    add_lexicon_args(parser)
    parser.add_argument("--output", required=True, help="results/clean/posts.parquet")
    parser.add_argument("--report", required=True, help="results/clean/report.json")
    parser.add_argument("--workers", type=int, default=1, help="processes for the per-post work (rule threads)")
    args = parser.parse_args(argv)
    run_clean(
        args.raw,
        args.output,
        args.report,
        args.params,
        lexicon_args(args),
        workers=args.workers,
        rule=args.rule,
    )


if __name__ == "__main__":
    run_main(main)
