"""Street and residential addresses: an anchor (road + door number, estate + building, building + unit/room)
extended left over the place names before it and right over building/unit/room numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow_scripts.data.pii.base import (
    CJK,
    Candidate,
    Context,
    Recognizer,
    alternation,
    read_lexicon,
    segmenter,
)

_ROAD = r"(?:大道|大街|路|街|道|巷|胡同|弄)"
_NUM = r"(?:\d+(?:-\d+)?|[一二三四五六七八九十]{1,3})"
_DNUM = r"\d+(?:-\d+)?"
_UNIT = r"(?:号楼|号院|栋|幢|座|单元|楼|层|室|号|户|排)"
_ESTATE = r"(?:小区|花园|公寓|大厦|家园|苑|园|村|新村|社区|广场|大院|宿舍|新城|府|湾|城|佳苑|名邸|花城|里|区)"
_ANCHOR = re.compile(
    rf"(?P<road>{_ROAD} ?(?:[一二三四五六七八九十东南西北中]{{1,3}}段|{_DNUM} ?(?:弄|巷|段|支路|条|里) ?)?"
    rf"{_DNUM} ?号(?:院)?)"
    rf"|(?P<estate>{_ESTATE} ?(?:{_DNUM}|[A-Z]) ?(?:号楼|栋|幢|座|期|区)|(?:大厦|广场|中心|大楼) ?{_DNUM} ?(?:层|楼)"
    rf"|(?:小区|花园|公寓|家园|苑|新村|社区|大院|宿舍) ?\d{{1,4}} ?号(?![线码])"  # 兴华社区13号: a house number
    rf"|(?<=[{CJK}]) ?\d{{1,3}}-\d{{1,2}}-\d{{3,4}}(?![\d-]))"  # 紫薇苑29-6-1104: building-unit-room
    rf"|(?P<village>(?:村|屯|庄) ?{_DNUM} ?(?:组|队|号))"
    rf"|(?P<building>{_DNUM} ?(?:号楼|栋|幢|座) ?"
    rf"(?:{_DNUM} ?(?:单元|层|楼|室|号)|[-—]? ?\d{{3,4}}(?![\d年月日岁]))|{_DNUM}号楼)"
)
_TAIL = re.compile(
    rf"(?: ?[{CJK}A-Za-z]{{1,10}}?(?={_DNUM} ?(?:号楼|栋|幢|座|单元|期|区|楼|层|室)))?"
    rf"(?: ?(?:{_DNUM}|[A-Za-z]) ?{_UNIT})*"
    r"(?:(?<=[元楼层栋幢座]) ?[-—]? ?\d{2,5}(?![\d年月日岁号])(?: ?房)?|(?<=号)\d{3,4}(?![\d年月日岁号]))?"  # a room
)
# a building, estate or campus named after a road or door number (…126号百隆广场, …龙口西路龙苑大厦,
# …1号福州大学旗山校区): the longest run before a suffix
_BUILDING_SUFFIX = r"(?:广场|大厦|中心|花园|小区|公寓|大楼|校区|园区|家园|新村|商城|写字楼|公馆|大院|苑)"
_QUICK = re.compile(r"[\dA-Z] ?(?:号|栋|幢|座|单元|楼|层|室|弄|段|期|区|组|队)|\d-\d{1,2}-\d{3}")
_ADMIN_ROAD = re.compile(rf"(?<=[省市区县镇])[{CJK}]{{1,6}}?(?:大道|大街|路|街|巷|胡同)(?:{_NUM}段)?")
# a village down the administrative chain, without a house number (…县东湖乡新庄村, …区白马镇柳河村3组), and the
# home words that must come right before its place names
_HOME_BEFORE = re.compile(r"(?:住在|住|家在|家住|老家|户口在|搬到|搬回|寄到)$")
_ADMIN_VILLAGE = re.compile(rf"(?<=[市区县旗])[{CJK}]{{1,5}}?[乡镇][{CJK}]{{1,5}}?村(?:{_DNUM}组)?")
_ADMIN_GENERIC = set(read_lexicon("address_generic_areas.txt"))
_ROAD_GENERIC = set(read_lexicon("address_generic_roads.txt"))
# the name run before an anchor stops after these (住在|阳光花园3栋, 我家在|建国路88号)
_LEFT_STOP_WORDS = read_lexicon("address_left_stopwords.txt")
LEFT_STOP_CHARS = "在住是到去从的了我你他她它们与跟就也把被给往向于对这那个有还想要过离搬回位说读念进做让很或叫趟考"
_LEFT_CUT = re.compile("(?:" + alternation(_LEFT_STOP_WORDS) + "|[" + LEFT_STOP_CHARS + "])")
_LEFT_RUN = re.compile(rf"[{CJK}0-9A-Za-z·]+$")  # 碧桂园·天悦: a dot joins the parts of an estate's name
# where a place lies (寺位于…, 厂部坐落在…, 村隶属于…): a site's location, not where a person lives or stays
_SITE_FRAME = re.compile(r"(?:位于|坐落[于在]?|隶属于?|地处) ?$")
# a road name has no function word in it (古城区|最繁华的十全街, 公共区|域有闭路: a description, not a road)
_NOT_ROAD = set("的在有就是比最了着也都很和与及")
# the bounds of an area (…区北至鼓楼东大街、南至…, 东起…西至…): where a district or street block ends, no address
_EXTENT = re.compile(r"[东西南北](?:起|至|到|抵|邻)")


def left_start(norm: str, end: int, max_len: int) -> int:
    """Start of the name run that ends at ``end``: back over CJK/alnum, cut after the last stop word."""
    m = _LEFT_RUN.search(norm, max(0, end - max_len), end)
    if not m:
        return end
    cut = 0
    for c in _LEFT_CUT.finditer(m.group()):
        cut = c.end()
    return m.start() + cut


_INSTITUTION_AFTER = re.compile(r"小学|中学|学校|幼儿园|附小|附中|医院|卫生院")
_BUILDING_AFTER = re.compile(rf" ?[^\W\d_{LEFT_STOP_CHARS}附近旁边对面周围]{{1,8}}{_BUILDING_SUFFIX}")


def _end_after(norm: str, end: int, building: bool) -> int:
    """The end of an address once the building, unit and room numbers after ``end`` are taken in, and with
    ``building`` a building or estate named right after a road or door number (…126号百隆广场12幢)."""
    b = _BUILDING_AFTER.match(norm, end) if building else None
    if b:
        end = b.end()
    t = _TAIL.match(norm, end)
    return t.end() if t else end


class AddressRecognizer(Recognizer):
    """Anchored addresses (建国路88号, 阳光花园3栋2单元501室, 幸福里5号楼402, 朝阳区建国路) with the place names
    before them. An anchor without a name before it (路88号, 3号线, 第3单元) is not an address."""

    kind = "address"
    context_before = ("住在", "住", "地址", "家在", "寄到", "搬到", "租的", "快递", "家住", "楼下")
    window = (8, 0)

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        for c in self._anchored(ctx):
            if not _SITE_FRAME.search(ctx.norm, max(0, c.start - 4), c.start):
                yield c

    def _anchored(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        if ctx.has_digit and _QUICK.search(norm):
            for m in _ANCHOR.finditer(norm):
                gap = m.lastgroup == "building" and norm[m.start() - 1 : m.start()] == " "  # 碧桂园·天悦 3 栋
                s = left_start(norm, m.start() - gap, 24)
                name_len = m.start() - gap - s
                if m.lastgroup == "road" and name_len == 0:
                    continue
                if m.lastgroup == "building" and name_len < 2:
                    continue  # 3栋402 with no estate name: too little to place anyone
                e = _end_after(norm, m.end(), m.lastgroup == "road")
                if e - s >= 5:
                    yield self.cand(s, e, 0.8 if name_len >= 2 else 0.45)
        for m in self._admin_runs(norm):
            road = m.group()
            if len(road) < 3 or road in _ROAD_GENERIC or _NOT_ROAD.intersection(road) or _EXTENT.match(road):
                continue
            if segmenter().is_word(norm[m.start() - 1 : m.start() + 1]):
                continue  # 区域, 市场, 县城: the admin character starts a word, so no road name follows it
            s = left_start(norm, m.start(), 20)
            admin = norm[s : m.start()]
            cut = max(admin.rfind(c, 0, len(admin) - 1) for c in "省市区县镇") + 1
            unit = admin[cut:]
            if len(unit) < 2 or unit in _ADMIN_GENERIC or admin in _ADMIN_GENERIC:
                continue
            e = _end_after(norm, m.end(), True)
            if e == m.end() and _INSTITUTION_AFTER.match(norm, e):
                continue  # 绵阳市太湖路|小学: the road names a school, which the organisation recogniser judges
            yield self.cand(s, e, 0.75)

    @staticmethod
    def _admin_runs(norm: str) -> Iterator[re.Match[str]]:
        """Roads named right after an administrative unit (朝阳区建国路), and villages (临泉县城关镇李庄村) where
        someone lives there: a village without a house number is as often a birthplace in a biography or a
        venue's address, so a home word must come first (住在, 老家在, 家住)."""
        yield from _ADMIN_ROAD.finditer(norm)
        if "村" in norm:
            for m in _ADMIN_VILLAGE.finditer(norm):
                start = left_start(norm, m.start(), 20)
                if _HOME_BEFORE.search(norm, max(0, start - 4), start):
                    yield m
