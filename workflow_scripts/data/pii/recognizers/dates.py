"""Birth dates. A date is someone's birthday only with a birth word next to it (出生, 生日, 生于 ...):
the date of an event (那天是2021年3月26日) is not PII."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow_scripts.data.pii.base import Candidate, Context, Recognizer

_M = r"(?:0?[1-9]|1[0-2])"
_D = r"(?:0?[1-9]|[12]\d|3[01])"
_CN = "一二三四五六七八九十"


class BirthDateRecognizer(Recognizer):
    """Full and short dates (1995年3月12日, 1998-07-15, 19970615, 95年3月12号, 3月12号, 一九九零年五月八日),
    each a birthday only when the context boost from a birth word lifts it over the threshold."""

    kind = "birthday"
    context_before = ("出生", "生日", "生于", "出世", "诞生", "生辰", "生人")
    context_after = ("出生", "生日", "生人", "出世", "诞生", "来到这个世界", "降生")
    window = (10, 10)
    RX = re.compile(
        rf"(?<![0-9])(?:19|20)?\d{{2}} ?年 ?{_M} ?月 ?{_D} ?[日号]?(?![0-9])"
        rf"|(?<![0-9年])(?<!年 ){_M} ?月 ?{_D} ?[日号](?![0-9])"
        rf"|(?<![0-9])(?:19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![0-9])"
        rf"|(?<![0-9.])(?:19|20)?\d{{2}}([./-]){_M}\1{_D}(?![0-9]|\.\d)"
        rf"|[一二〇零○九八七六五四三]{{2,4}}年[{_CN}]{{1,2}}月[{_CN}]{{1,3}}[日号]?"
    )

    # a year and month alone is a birth date only in a form's birth field (出生年月：1997年5月): in running text
    # (1957年1月出生，五十多啦) it is as often a public figure's, recited
    YEAR_MONTH = re.compile(
        rf"(?:(?<=出生年月:)|(?<=出生年月：)|(?<=出生年月: ))(?:19|20)\d{{2}} ?年 ?{_M} ?月(?![0-9{_CN}])"
    )
    BORN = r"生(?:[的，。,.!！]|$)"  # 我1990年1月1日生。(not 生病, 生活)
    CUE = re.compile("|".join(sorted(set(context_before + context_after))) + "|" + BORN)
    BORN_RE = re.compile(BORN)

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        # a date scores below the threshold without a birth word, so texts without one are not scanned
        if ("月" in ctx.norm or ctx.has_digit) and self.CUE.search(ctx.norm):
            for m in self.RX.finditer(ctx.norm):
                yield self.cand(*m.span(), 0.6 if self.BORN_RE.match(ctx.norm, m.end()) else 0.3)
            for m in self.YEAR_MONTH.finditer(ctx.norm):
                yield self.cand(*m.span(), 0.6)
