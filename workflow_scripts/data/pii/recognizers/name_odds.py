"""How much likelier a string is as a person's name than as running text: the statistical evidence for names.

A name is a surname and one or two given-name characters. The log odds of a candidate are

    log P(surname) - log P_text(surname) + sum over given characters of (log P_given(c) - log P_text(c))

- P_given(c): the character's share in a large list of real given names (``ngender``'s ``charfreq.csv``,
  male + female counts; the package ships the table, nothing is downloaded);
- P_text(c): the character's share in running text, from the word frequencies of jieba's dictionary;
- P(surname): Zipf's law over ``surnames.txt``'s single surnames, listed in order of frequency (1 / rank).

So 王芳 (a common surname, a character far more frequent in names than in text) scores high, while 于是, 都笑,
和朋友 (a function word, then characters of ordinary text) score low, whatever frame they stand in: the score
separates 方辉说 from 方法说 without a tagger. Compound surnames (欧阳, 上官) are no ordinary words: they get
the odds of a rare single surname that is no text character.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping, Sequence
from importlib import resources


def given_name_counts() -> dict[str, int]:
    """Per-character counts in real given names, male + female (ngender's table)."""
    text = resources.files("ngender").joinpath("charfreq.csv").read_text(encoding="utf-8")
    return {row["char"]: int(row["male"]) + int(row["female"]) for row in csv.DictReader(io.StringIO(text))}


class NameOdds:
    """Log odds of name versus running text, per surname, per given-name character and per full name."""

    def __init__(self, word_freq: Mapping[str, int], single_surnames: Sequence[str]) -> None:
        given = given_name_counts()
        given_total = sum(given.values())
        text: dict[str, int] = {}
        for word, f in word_freq.items():
            for c in word:
                text[c] = text.get(c, 0) + f
        self._text_total = sum(text.values())
        self._text = text
        # +0.5 / +1: a character never seen in names or in text still gets a finite score
        self._given = {c: math.log((n + 0.5) / given_total) for c, n in given.items()}
        self._given_unseen = math.log(0.5 / given_total)
        ranked = list(dict.fromkeys(single_surnames))
        harmonic = sum(1 / k for k in range(1, len(ranked) + 1))
        self._surname = {s: math.log(1 / (harmonic * k)) for k, s in enumerate(ranked, 1)}
        self._rare_surname = math.log(1 / (harmonic * len(ranked)))

    def _text_log(self, c: str) -> float:
        return math.log((self._text.get(c, 0) + 1) / self._text_total)

    @functools.cache  # noqa: B019 - one instance per process (the recogniser's), a few thousand characters
    def char(self, c: str) -> float:
        """log P_given(c) - log P_text(c): above 0, the character is likelier in a given name."""
        return self._given.get(c, self._given_unseen) - self._text_log(c)

    def surname(self, s: str) -> float:
        if len(s) > 1:
            return self._rare_surname - math.log(1 / self._text_total)
        return self._surname.get(s, self._rare_surname) - self._text_log(s)

    def name(self, surname: str, given: str) -> float:
        return self.surname(surname) + sum(self.char(c) for c in given)

    def given_chars(self) -> list[str]:
        """The characters of the given-name table."""
        return list(self._given)

    def given(self, given: str) -> float:
        return sum(self.char(c) for c in given)
