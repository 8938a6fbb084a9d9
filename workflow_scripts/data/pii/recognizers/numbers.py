"""Identity numbers: resident ID cards (GB 11643 check character), bank cards (Luhn), licence plates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow_scripts.data.pii.base import Candidate, Context, Recognizer

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_BIRTH = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"


def id_check_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-character ID number."""
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(number: str) -> bool:
    """The Luhn checksum that bank card numbers carry."""
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


class IdCardRecognizer(Recognizer):
    """18-character IDs (region + birth date + sequence + check character, also in groups) and 15-digit old
    IDs. A right check character is enough; otherwise an ID word (身份证, 证件) must be near."""

    kind = "id_card"
    context_before = ("身份证", "证件", "证号", "身份")
    window = (14, 0)
    RX = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?\d){16}[ -]?[\dXx](?![0-9A-Za-z])")
    OLD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if not ctx.has_digit:
            return
        for m in self.RX.finditer(ctx.norm):
            number = re.sub(r"[ -]", "", m.group())
            if re.fullmatch(_BIRTH, number[6:14]):
                yield self.cand(*m.span(), 0.95 if id_check_ok(number) else 0.45)
        for m in self.OLD.finditer(ctx.norm):
            yield self.cand(*m.span(), 0.3)


class BankCardRecognizer(Recognizer):
    """16-19 digit card numbers (also in groups of four). A valid Luhn checksum or a card word nearby."""

    kind = "bank_card"
    context_before = ("卡号", "银行卡", "账号", "帐号", "卡", "转账", "打款", "汇款", "储蓄", "信用卡")
    window = (12, 0)
    RX = re.compile(r"(?<![0-9])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![0-9])|(?<![0-9])\d{16,19}(?![0-9Xx])")
    # both forms hold four digits in a row; RX opens with a look-behind that re cannot skip ahead by, so texts
    # without such a run (most: a digit or two of an age or a date) are not scanned with it
    RUN = re.compile(r"\d{4}")

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if not ctx.has_digit or not self.RUN.search(ctx.norm):
            return
        for m in self.RX.finditer(ctx.norm):
            number = re.sub(r"\D", "", m.group())
            # four groups of four digits are written that way for a card; a plain digit run needs Luhn or a card word
            grouped = m.group()[4:5] in " -"
            yield self.cand(*m.span(), 0.7 if luhn_ok(number) else 0.5 if grouped else 0.25)


class PlateRecognizer(Recognizer):
    """Licence plates: a province character, a letter, 5-6 letters/digits (新能源 plates have 6)."""

    kind = "plate"
    context_before = ("车牌", "车", "开着", "牌照")
    PROVINCE = "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    RX = re.compile(
        rf"(?<![A-Za-z0-9]){PROVINCE}[A-Z] ?[·•・.\- ]? ?(?=[A-Z0-9]{{0,5}}\d)[A-Z0-9]{{5,6}}(?![A-Za-z0-9])"
    )
    # every plate opens with these two characters; RX starts with a look-behind, which re cannot skip ahead by,
    # so a text without them (nearly all) is not scanned with it
    HEAD = re.compile(f"{PROVINCE}[A-Z]")

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if ctx.has_digit and self.HEAD.search(ctx.norm):
            yield from (self.cand(*m.span(), 0.6) for m in self.RX.finditer(ctx.norm))
