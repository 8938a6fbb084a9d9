"""Benchmark the clean stage end to end at the paper's scale (41k questions, 170k answers).

Paper Table 1: 40,959 questions, 168,470 answers, 275.9 chars per description, 775.6 chars per answer,
so about 131M answer characters (not the 71M measured in shared/notes/ml-on-cpu.md on shorter answers).

Generates a seeded synthetic raw corpus (descriptions ~276 chars, answers ~776 chars, 4.1 answers per
question; planted ads, off-topic posts, short answers, empty questions, Traditional script, PII, exact
and near duplicates) as ``raw/bench/posts.jsonl`` in a temp dir, runs the real
``workflow_scripts.data.clean.run_clean`` on it and prints wall time, per-phase times, throughput and
planted-vs-removed counts. Budget (issue 3): < 10 minutes on 2 cores.

    .venv/bin/python bench/bench_clean.py               # paper scale, 2 workers
    .venv/bin/python bench/bench_clean.py --scale 0.1   # quick run

If ``workflow_scripts.data.anonymize`` is missing (or with ``--stand-in``), a regex stand-in anonymiser
is used and the output says so: the figure then excludes the real anonymiser's cost.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow_scripts.data import clean  # noqa: E402

PAPER_QUESTIONS = 41_000
ANSWERS_PER_QUESTION = 4.1
DESC_CHARS, ANSWER_CHARS = 276, 776
SEED_TEXT = (
    "最近工作压力特别大每天加班到很晚晚上总是睡不着躺在床上脑子停不下来和男朋友吵架以后心情一直很低落"
    "我觉得自己什么都做不好父母总是拿我和别人家的孩子比较在宿舍里和室友相处得很不愉快每次考试前都会紧张"
    "分手三个月了还是走不出来对未来感到很迷茫不知道人生的意义是什么一个人在外地工作常常觉得孤独孩子上初中"
    "后不愿意和我沟通了做事总是拖延事后又特别自责你好能感受到你现在承受着很大的这种感觉一定很不好受首先想"
    "告诉你你的情绪是正常的很多人在类似的处境下都会有同样的感受可以试着每天留出一点时间给自己做一些让自己"
    "放松的事情比如散步或者听音乐如果可以的话和信任的朋友或家人聊一聊说出来本身就是一种释放也可以尝试把"
    "困扰你的事情写下来看看哪些是自己能改变的哪些是暂时无法改变的当持续很久都没有好转时建议寻求专业帮助"
    "请记得照顾好自己的睡眠和饮食身体状态会直接影响改变需要时间不必要求自己马上好起来一步一步来就可以"
)
PUNCT = "，，，，。。！？"
PSYCH_WORDS = ["焦虑", "抑郁", "失眠", "压力", "难过", "情绪", "自卑", "孤独", "分手", "父母", "心情", "迷茫"]
TRAD_WORDS = ["焦慮", "難過", "壓力", "憂鬱", "關係", "擔心", "覺得"]
SPAM_TEXT = "兼职日结，宝妈在家兼职，加微信{wx}，点击链接 http://ad.example.com/{n} 领取优惠 http://ad.example.com/r"
OFFTOPIC_TEXT = "手机屏幕碎了去哪里换屏便宜？换电池多少钱？刷机以后黑屏怎么办？"
SURNAMES = "王李张刘陈杨黄赵吴周"


def _alphabet() -> list[str]:
    """Characters of ordinary counselling prose that occur in no spam or off-topic lexicon term."""
    terms = [
        t
        for n in ("ad_spam", "offtopic_terms")
        for t in clean.load_lexicon(ROOT / f"resources/lexicons/clean_{n}.txt")
    ]
    banned = set("".join(terms))
    return sorted(set(SEED_TEXT) - banned)


class Corpus:
    """Seeded generator of raw rows; remembers what it planted."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        alphabet = _alphabet()
        self.words = ["".join(self.rng.choices(alphabet, k=self.rng.choice((1, 2, 2, 3)))) for _ in range(6000)]
        self.planted: Counter[str] = Counter()
        self.recent: list[str] = []

    def text(self, chars: int, psych: int = 2) -> str:
        rng, out, n = self.rng, [], 0
        target = max(20, int(rng.gauss(chars, chars * 0.35)))
        words = rng.choices(self.words, k=target // 2 + 8)
        for i, word in enumerate(words):
            out.append(word)
            n += len(word)
            if i % 9 == 8:
                out.append(rng.choice(PUNCT))
            if n >= target:
                break
        for _ in range(psych):
            out.insert(rng.randrange(len(out) + 1), rng.choice(PSYCH_WORDS))
        return "".join(out) + "。"

    def pii(self) -> str:
        rng = self.rng
        return f"我叫{rng.choice(SURNAMES)}小明，电话1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}。"

    def row(self, n: int) -> dict:
        rng = self.rng
        title = self.text(14, psych=1)
        description = self.text(DESC_CHARS)
        n_answers = max(1, min(12, round(rng.gauss(ANSWERS_PER_QUESTION, 2.0))))
        answers = [self.text(ANSWER_CHARS, psych=1) for _ in range(n_answers)]
        roll = rng.random()
        if roll < 0.02:
            description, self.planted["spam_post"] = (
                SPAM_TEXT.format(wx=f"ad{n:06d}", n=n),
                self.planted["spam_post"] + 1,
            )
        elif roll < 0.04:
            title, description = "手机问题", OFFTOPIC_TEXT + self.text(60, psych=0)
            self.planted["off_topic"] += 1
        elif roll < 0.045:
            title = description = ""
            self.planted["empty_question"] += 1
        elif roll < 0.075 and self.recent:
            title, description = rng.choice(self.recent)
            self.planted["exact_duplicate"] += 1
        elif roll < 0.105 and self.recent:
            title, description = rng.choice(self.recent)
            at = rng.randrange(len(description))
            description = description[:at] + rng.choice(self.words) + description[at + 1 :]
            self.planted["near_duplicate"] += 1
        elif roll < 0.155:
            description = rng.choice(TRAD_WORDS) + description + rng.choice(TRAD_WORDS)
            self.planted["traditional"] += 1
        if rng.random() < 0.1:
            description = self.pii() + description
            self.planted["pii"] += 1
        for i in range(len(answers)):
            if rng.random() < 0.06:
                answers[i] = answers[i][: rng.randint(5, 100)]
                self.planted["short_answer"] += 1
            elif rng.random() < 0.005:
                answers[i] = SPAM_TEXT.format(wx=f"vx{n:06d}", n=n)
                self.planted["spam_answer"] += 1
        if roll >= 0.045 and description and rng.random() < 0.05:
            self.recent = [*self.recent[-199:], (title, description)]
        return {
            "source": "bench",
            "post_id": str(n),
            "url": f"https://example.org/question/{n}.html",
            "title": title,
            "description": description,
            "tags": [rng.choice(["情绪", "恋爱", "家庭", "职场", "成长"])],
            "answers": [
                {"text": a, "author": f"user{rng.randint(1, 9999)}", "votes": rng.randint(0, 50), "answered_at": None}
                for a in answers
            ],
            "fetched_at": "2026-01-01T00:00:00+00:00",
        }


def write_corpus(path: Path, questions: int, seed: int) -> tuple[Counter, dict[str, int]]:
    corpus = Corpus(seed)
    sizes = Counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(questions):
            row = corpus.row(n)
            sizes["questions"] += 1
            sizes["answers"] += len(row["answers"])
            sizes["description_chars"] += len(row["description"])
            sizes["answer_chars"] += sum(len(a["text"]) for a in row["answers"])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return corpus.planted, dict(sizes)


def install_stand_in() -> None:
    """A regex stand-in for workflow_scripts.data.anonymize (phones, e-mails, one name pattern)."""
    phone = re.compile(r"1[3-9]\d{9}")
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    name = re.compile(r"我叫[\u4e00-\u9fa5]{2,3}")

    def anonymize_text(text: str) -> str:
        return name.sub("我叫[姓名]", email.sub("[邮箱]", phone.sub("[电话]", text)))

    def anonymize_post(title: str, description: str, answers: list[str]) -> tuple[str, str, list[str]]:
        return anonymize_text(title), anonymize_text(description), [anonymize_text(a) for a in answers]

    module = types.ModuleType("workflow_scripts.data.anonymize")
    module.anonymize_text, module.anonymize_post = anonymize_text, anonymize_post
    sys.modules["workflow_scripts.data.anonymize"] = module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the paper's 41k questions")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--stand-in", action="store_true", help="use the regex stand-in anonymiser")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the corpus and outputs")
    args = parser.parse_args()

    anonymiser = "workflow_scripts.data.anonymize"
    if args.stand_in:
        install_stand_in()
        anonymiser = "STAND-IN regex anonymiser (bench/bench_clean.py), not the real one"
    else:
        try:
            __import__("workflow_scripts.data.anonymize")
        except ImportError:
            install_stand_in()
            anonymiser = "STAND-IN regex anonymiser: workflow_scripts.data.anonymize is missing"

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_clean_"))
    raw = work / "raw" / "bench" / "posts.jsonl"
    questions = round(PAPER_QUESTIONS * args.scale)
    clock = time.perf_counter()
    planted, sizes = write_corpus(raw, questions, args.seed)
    generate_s = time.perf_counter() - clock
    chars = sizes["description_chars"] + sizes["answer_chars"]
    print(f"corpus: {sizes['questions']} questions, {sizes['answers']} answers, "
          f"{sizes['answer_chars'] / 1e6:.1f}M answer chars, {chars / 1e6:.1f}M chars in all, "
          f"mean description {sizes['description_chars'] / sizes['questions']:.0f} chars, "
          f"mean answer {sizes['answer_chars'] / sizes['answers']:.0f} chars, "
          f"{raw.stat().st_size / 2**20:.0f} MiB JSONL (generated in {generate_s:.0f} s)")  # fmt: skip
    print(f"anonymiser: {anonymiser}; workers: {args.workers}")

    config = json.loads(json.dumps(clean_params(args.seed)))
    lexicons = {k: ROOT / v for k, v in config["clean"]["lexicons"].items()}
    clock = time.perf_counter()
    report = clean.run_clean(
        [raw], work / "clean/posts.parquet", work / "clean/report.json", config, lexicons, workers=args.workers,
        rule="bench_clean",
    )  # fmt: skip
    wall = time.perf_counter() - clock
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    totals = report["totals"]
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in report["timings"].items())
    print(f"clean wall time: {wall:.1f} s ({wall / 60:.2f} min; budget 10 min at paper scale)")
    print(f"phases: {phases}")
    print(f"throughput: {chars / wall / 1e6:.2f} M chars/s, {sizes['questions'] / wall:.0f} questions/s, "
          f"{sizes['answers'] / wall:.0f} answers/s; peak RSS (largest process) {peak / 1024:.0f} MiB")  # fmt: skip
    print(f"posts {totals['posts']['in']} -> {totals['posts']['out']}, answers {totals['answers']['in']} -> "
          f"{totals['answers']['out']}; t2s-converted posts {totals['t2s_converted_posts']}, "
          f"anonymised posts {totals['anonymised_posts']}")  # fmt: skip
    removed = {**totals["posts"]["removed"], **totals["answers"]["removed"]}
    for reason in ("empty_question", "spam_post", "off_topic", "exact_duplicate", "near_duplicate", "spam_answer",
                   "short_answer"):  # fmt: skip
        print(f"  {reason:16s} planted {planted[reason]:6d}  removed {removed[reason]:6d}")
    print(f"  {'no_answers':16s} planted      -  removed {removed['no_answers']:6d}")
    print(f"  {'traditional':16s} planted {planted['traditional']:6d}  converted {totals['t2s_converted_posts']:6d}")
    if not args.keep:
        for path in sorted(work.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        work.rmdir()


def clean_params(seed: int) -> dict:
    """The clean section of config/paper.yaml merged over config/config.yaml, plus the seed."""
    import yaml

    section = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["clean"]
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text(encoding="utf-8")).get("clean", {})
    for key, value in paper.items():
        section[key] = {**section[key], **value} if isinstance(value, dict) else value
    return {"clean": section, "seed": seed}


if __name__ == "__main__":
    main()
