"""PII anonymisation of Chinese counselling posts: patterns + lexicons + context, no POS tagger.

Why this design: the clean stage anonymises ~71M characters on 2 cores in minutes, so every detector is a
compiled regex anchored on something rare (a digit, an ``@``, a cue word, an address/organisation suffix)
plus dictionary look-ups from ``resources/lexicons/``. A tagger pass (jieba.posseg) is 10x too slow and
misses a third of full names; names are found from cues (我叫, 同事, 男朋友, ... + surname + given name),
titles after a name (李明老师) and, without a cue, only for frequent surnames with name characters in a
verb/preposition frame (和王建国说). Once a name is found in a post, every other mention of it is
replaced too. Employers are found by their suffix (…有限公司, …大学) or, for brands named bare (华为),
from a lexicon inside an employment frame (在华为上班).

What is replaced (kind -> placeholder label): name 姓名, phone 电话, email 邮箱, qq QQ, wechat 微信,
id_card 身份证, bank_card 银行卡, address 地址, org 机构, plate 车牌, url 网址, birthday 生日. Within one post
the same value always gets the same numbered placeholder (``[电话1]``), and a value written differently
(``138 1234 5678`` vs ``13812345678``, full-width digits) is the same value.

What is kept: ages, years, durations, doses, prices, percentages, scale scores (no detector fires on short
digit runs), generic relatives and places (a name or organisation needs a specific name, not 我妈/一所大学),
public crisis hotlines (``hotline_whitelist.txt`` and hotline words next to the number), book titles in
《》 and famous names (``famous_names.txt``). Already-anonymised text is left alone (idempotent).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

LEXICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "lexicons"

LABELS: dict[str, str] = {
    "name": "姓名",
    "phone": "电话",
    "email": "邮箱",
    "qq": "QQ",
    "wechat": "微信",
    "id_card": "身份证",
    "bank_card": "银行卡",
    "address": "地址",
    "org": "机构",
    "plate": "车牌",
    "url": "网址",
    "birthday": "生日",
}
KINDS = tuple(LABELS)


class Span(NamedTuple):
    """A detected PII span ``text[start:end]`` of a given kind (one of ``KINDS``)."""

    start: int
    end: int
    kind: str


# --------------------------------------------------------------------------------------------- lexicons
def _read_lexicon(name: str) -> list[str]:
    """Entries of a lexicon file: whitespace-separated tokens, ``#`` comments ignored."""
    out: list[str] = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        out.extend(line.split())
    return out


_FUNCTION_TAGS = {"v", "c", "p", "d", "r", "u", "m", "f", "t", "q", "ad", "vd", "y", "e", "o", "zg"}


def _jieba_words() -> tuple[set[str], set[str], set[str]]:
    """From jieba's dictionary: frequent non-person words (a stop list for name candidates), frequent
    verbs/function words (an organisation name does not start with 如果/改变/知名) and person-tagged words
    of middling frequency (李娜, 王平: names that are frequent enough to be stop words, but only as names).

    Optional: without jieba the hand-written lexicons are used alone.
    """
    try:
        import jieba  # optional dependency: only its dictionary file is read
    except ImportError:  # pragma: no cover - jieba is in the project's lock
        return set(), set(), set()
    path = Path(jieba.__file__).parent / "dict.txt"
    common: set[str] = set()
    function: set[str] = set()
    person: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 3 or not 2 <= len(parts[0]) <= 4:
                continue
            word, freq, tag = parts[0], int(parts[1]), parts[2]
            if len(word) <= 3 and ((not tag.startswith("nr") and freq >= 20) or freq >= 200):
                common.add(word)
            elif len(word) == 4 and freq >= 3:  # jieba tags many idioms nr; compound-surname names are dropped below
                common.add(word)  # idioms: 阴晴不定, 高高在上
            if tag in _FUNCTION_TAGS and freq >= 100:
                function.add(word)
            # above ~1000 jieba's nr tag is mostly wrong (明白, 卫星, 武功); below, mostly real names
            if tag == "nr" and 200 <= freq < 1000 and len(word) <= 3:
                person.add(word)
    return common, function, person


class _Lex:
    """All lexicons, loaded once per process."""

    def __init__(self) -> None:
        surnames = _read_lexicon("surnames.txt")
        self.compound_surnames = {s for s in surnames if len(s) == 2}
        self.surnames = {s for s in surnames if len(s) == 1}
        ambiguous = set(_read_lexicon("surnames_ambiguous.txt"))
        # surnames that may start a name found without a cue (和王建国说): all but the ambiguous characters
        self.free_surnames = (self.surnames | self.compound_surnames) - ambiguous
        self.given = set("".join(_read_lexicon("given_name_chars.txt")))
        strong: list[str] = []
        relation: list[str] = []
        for line in (LEXICON_DIR / "name_cues_before.txt").read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("!strong"):
                strong += line.split()[1:]
            else:
                relation += line.split()
        self.strong_cues = set(strong)
        self.relation_cues = set(relation)
        self.titles = _read_lexicon("name_titles_after.txt")
        common, function, person = _jieba_words()
        common = {w for w in common if not (len(w) == 4 and w[:2] in self.compound_surnames)}
        self.hand_stopwords = set(_read_lexicon("name_stopwords.txt"))
        self.stopwords = self.hand_stopwords | common
        # after a cue (同事李娜说) these are names; without one (李娜 as a word) they stay stop words
        self.person_words = person - self.hand_stopwords
        self.function_words = function
        self.nick_stop = set(_read_lexicon("nickname_stopwords.txt"))
        self.famous = set(_read_lexicon("famous_names.txt"))
        self.famous_by_first: dict[str, list[str]] = {}
        for name in sorted(self.famous, key=len, reverse=True):
            self.famous_by_first.setdefault(name[0], []).append(name)
        self.hotlines = {re.sub(r"\D", "", x) for x in _read_lexicon("hotline_whitelist.txt")}
        self.org_suffixes = sorted(_read_lexicon("org_suffixes.txt"), key=len, reverse=True)
        self.org_generic = set(_read_lexicon("org_generic_words.txt"))
        self.employer_brands = set(_read_lexicon("employer_brands.txt"))
        self.employer_brand_lengths = sorted({len(b) for b in self.employer_brands}, reverse=True)
        self.public_domains = tuple(_read_lexicon("public_domains.txt"))


@functools.cache
def _lex() -> _Lex:
    return _Lex()


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 前男友 wins over 男友)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ------------------------------------------------------------------------------------------ normalising
# Full-width ASCII (０-９, Ａ-Ｚ, ＠, ．, －, ＋, （）...) and ideographic space map 1:1 onto ASCII, so offsets
# found in the normalised copy are offsets in the original text.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D})


def normalize_width(text: str) -> str:
    """Full-width ASCII to half-width, length-preserving (offsets stay valid)."""
    return text.translate(_FULLWIDTH)


CJK = "\u4e00-\u9fff"
_PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(LABELS.values()) + r")(\d+)\]")
_BOOK_RE = re.compile(r"《[^《》\n]{1,40}》")
_HAS_DIGIT = re.compile(r"\d")

# ------------------------------------------------------------------------------------------- detectors
_URL_RE = re.compile(r"(?<![A-Za-z0-9@])(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+", re.I)
_BARE_URL_RE = re.compile(
    r"(?<![A-Za-z0-9@./])(?:[A-Za-z0-9-]+\.)+(?:com|cn|net|org|me|io|cc|tv|top|xyz|info|site)"
    r"/[A-Za-z0-9\-._~/?#@!$&'*+,;=%]+",
    re.I,
)
_PERSONAL_URL = re.compile(
    r"weibo\.(?:com|cn)/(?!$)|space\.bilibili|bilibili\.com/(?:space|u)|douban\.com/people|zhihu\.com/people"
    r"|/(?:u|user|users|people|profile|home|member|members|author|space|homepage|blog|id|p|channel)/"
    r"|/@|/~|xiaohongshu\.com/user|douyin\.com/user|tieba\.baidu\.com/home|github\.com/[A-Za-z0-9-]+/?$"
    r"|jianshu\.com/u|blog\.csdn\.net/|instagram\.com/|twitter\.com/|x\.com/|facebook\.com/",
    re.I,
)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,6}(?![A-Za-z])"
)
_EMAIL_WORDS_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:\bat\b|\(at\)|\[at\])\s?[A-Za-z0-9-]+"
    r"(?:\s?(?:\bdot\b|\(dot\)|\[dot\]|\.)\s?[A-Za-z0-9-]+)*\s?(?:\bdot\b|\(dot\)|\[dot\])\s?[A-Za-z]{2,6}(?![A-Za-z])",
    re.I,
)
_EMAIL_HASH_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?[#＃]\s?"
    r"(?:qq|163|126|gmail|sina|sohu|hotmail|outlook|foxmail|yeah|139|aliyun|icloud|yahoo)\.(?:com|cn|net)(?:\.cn)?",
    re.I,
)
_DATE_PART = r"(?:0?[1-9]|1[0-2])"
_DAY_PART = r"(?:0?[1-9]|[12]\d|3[01])"
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}[ -]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
)
# an ID number written in groups (4403 0519 8512 3100 2X): taken when its birth date is valid and either its
# GB 11643 check character is right or 身份证/证件 comes just before (a card number with a date-like middle is not)
_SPACED_ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?\d){16}[ -]?[\dXx](?![0-9A-Za-z])")
_SPACED_ID_DATE = re.compile(r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_ID_CUE = re.compile(r"身份证|证件|证号")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_check_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-character ID number."""
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


_BANK_RE = re.compile(r"(?<![0-9])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![0-9])|(?<![0-9])\d{16,19}(?![0-9])")
_BANK_CUE_RE = re.compile(r"(?:卡号|银行卡|账号|帐号|卡)\D{0,6}?(?<![0-9])(\d[\d -]{10,22}\d)(?![0-9])")
_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?|[(]\+?86[)] ?)?1[3-9]\d(?:[ -]?\d){8}(?![0-9])")
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[(]0\d{2,3}[)] ?|(?:(?:\+|00)86[ -]?0?|0)\d{2,3}[ -]?)(?:[2-9]\d{2,3}[ -]?\d{4}|[2-9]\d{6,7})"
    r"(?: ?(?:转|-|ext\.?|分机|#) ?\d{1,6})?(?![0-9])"
    r"|(?<![0-9])[48]00[ -]?\d{3}[ -]?\d{4}(?![0-9])"
)
_LOCAL_PHONE_RE = re.compile(
    r"(?:电话|座机|固话|号码|联系方式|打)[^\d\n]{0,6}?(?<![0-9])([2-9]\d{6,7}|[2-9]\d{2,3}[ -]\d{4})(?![0-9])"
)
_HOTLINE_CONTEXT = re.compile(
    r"热线|援助|干预|危机|救助|急救|报警|求助|希望24|生命线|心理咨询中心|服务电话|12356|12355"
)
_QQ_RE = re.compile(
    r"(?:QQ|qq|Qq|qQ|扣扣|抠抠|企鹅号?|球球|[Qq]号|(?<![A-Za-z])[Qq](?= ?[:：]))"
    r"(?:号码|号|群号?)?\s*[:是为]?\s*[:是为]?\s*([1-9]\d{4,10})(?![0-9])"
)
_WECHAT_RE = re.compile(
    r"(?<![A-Za-z])(?:微信号?|微信ID|微信id|威信|薇信|徽信|[Vv]信|[Vv][Xx]|[Ww][Xx]|weixin|[Ww]e[Cc]hat|加我?[Vv])"
    r"(?:号码|号|ID|id)?\s*[:是为]?\s*[:是为]?\s*([A-Za-z][-_A-Za-z0-9]{5,19}|\+?\d[\d-]{4,14}\d)(?![-_A-Za-z0-9])"
)
_PLATE_RE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z] ?[·•・.\- ]? ?"
    r"(?=[A-Z0-9]{0,5}\d)[A-Z0-9]{5,6}(?![A-Za-z0-9])"
)
# starts with the literal 19|20 so the regex engine can skip ahead; the left boundary is checked in code
_FULL_DATE_RE = re.compile(
    rf"(?:19|20)\d{{2}}(?: ?年 ?{_DATE_PART} ?月 ?{_DAY_PART} ?[日号](?![0-9])"
    rf"|([-/.]){_DATE_PART}\1{_DAY_PART}(?![0-9]|\.\d))"
)
_CN_DATE_RE = re.compile(
    r"[一二〇零○九八七六五四三]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]"
)
# 九七年八月十五: a two-numeral year or no 日 at the end, taken only next to 出生/生日 (like _SHORT_DATE_RE)
_CN_SHORT_DATE_RE = re.compile(
    r"[一二〇零○九八七六五四三]{2}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]?"
)
_SHORT_DATE_RE = re.compile(
    rf"(?<![0-9])\d{{2}} ?年 ?{_DATE_PART} ?月 ?{_DAY_PART} ?[日号](?![0-9])"
    rf"|(?<![0-9年])(?<!年 ){_DATE_PART} ?月 ?{_DAY_PART} ?[日号](?![0-9])"
    rf"|(?<![0-9])(?:19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![0-9])"
    rf"|(?<![0-9.])\d{{2}}([./-]){_DATE_PART}\1{_DAY_PART}(?![0-9]|\.\d)"
)
_BIRTH_CONTEXT = re.compile(r"出生|生日|生于|出世|诞生|生辰|生人")

# Addresses: an anchor (road + door number, compound + building, building + unit) extended to the left over
# the administrative chain (省/市/区/县/镇) and to the right over building/unit/room numbers.
_ROAD = r"(?:大道|大街|路|街|道|巷|胡同|弄|里)"
_NUM = r"\d+(?:-\d+)?"
_UNIT = r"(?:号楼|号院|栋|幢|座|单元|楼|层|室|号|户|排)"
_ADDR_ANCHOR_RE = re.compile(
    rf"(?P<road>{_ROAD} ?(?:[一二三四五六七八九十]{{1,3}}段|{_NUM} ?(?:弄|巷|段|支路|条|里) ?)?{_NUM} ?号(?:院)?)"
    r"|(?P<compound>(?:小区|花园|公寓|大厦|家园|苑|园|村|新村|社区|广场|大院|宿舍|新城|府|湾|城)"
    rf" ?{_NUM} ?(?:号楼|栋|幢|座|期|区|号))"
    rf"|(?P<building>{_NUM} ?(?:号楼|栋|幢|座) ?{_NUM} ?(?:单元|层|楼|室|号))"
)
_ADDR_TAIL_RE = re.compile(
    rf"(?: ?[{CJK}A-Za-z]{{1,10}}?(?={_NUM} ?(?:号楼|栋|幢|座|单元|期|区|楼|层|室)))?"
    rf"(?: ?(?:{_NUM}|[A-Za-z]) ?{_UNIT})*"
    r"(?:(?<=[元楼层栋幢座]) ?\d{2,5}(?![\d年月日岁号]))?"
)
_ADDR_QUICK = re.compile(r"\d ?(?:号|栋|幢|座|单元|楼|层|室|弄|段|期|区)")
_ADMIN_ROAD_RE = re.compile(rf"(?<=[省市区县镇])[{CJK}]{{1,6}}?(?:大道|大街|路|街|巷|胡同)")
_ADMIN_GENERIC = {
    "城市", "市区", "地区", "郊区", "社区", "山区", "景区", "城区", "校区", "园区", "误区", "辖区", "片区", "街区",
    "老区", "小区", "雷区", "禁区", "灾区", "都市", "城镇", "乡镇", "县城", "市县", "省市", "开发区", "商业区",
    "居民区", "住宅区", "生活区", "工业区", "新区", "市里", "心区", "舒适区",
}  # fmt: skip
_ROAD_GENERIC = {
    "道路", "马路", "街道", "公路", "铁路", "思路", "出路", "退路", "套路", "网路", "心路", "之路", "一路", "走路",
    "上路", "大路", "小路", "老路", "后路", "弯路", "歧路", "绝路", "正路", "半路", "大街", "小街", "老街", "商业街",
    "步行街", "小巷", "胡同", "街巷", "门路", "活路", "生路", "来路", "前路", "去路",
}  # fmt: skip
_LEFT_STOP_WORDS_TEXT = (
    "就读于 毕业于 考上了 考上 考进 考入 进入了 进入 就读 毕业 上班 工作 任职 入职 实习 "
    "地址是 地址 住址 位于 搬到 搬去 来到 现居 居住 目前 现在 以前 之前 小时候 老家 "
    "我家 住在 在于 属于 就是 还是 或者 以及 而且 但是 因为 所以 然后 附近的 旁边 对面 "
    "门口 那边 这边 一所 一家 这家 那家 这所 那所 我们 他们 她们 你们 咱们 感觉 觉得 "
    "知道 认识 "
)
_LEFT_STOP_WORDS = _LEFT_STOP_WORDS_TEXT.split()
_LEFT_STOP_CHARS = "在住是到去从的了我你他她它们与跟就也把被给往向于对这那个有还想要过离搬回位说读念进做让很才或叫趟"
_LEFT_CUT_RE = re.compile("(?:" + _alt(_LEFT_STOP_WORDS) + "|[" + _LEFT_STOP_CHARS + "])")
_LEFT_RUN_RE = re.compile(rf"[{CJK}0-9A-Za-z]+$")


def _left_start(norm: str, end: int, max_len: int) -> int:
    """Start of the specific-name run that ends at ``end``: back over CJK/alnum, cut after stop words."""
    window = norm[max(0, end - max_len) : end]
    m = _LEFT_RUN_RE.search(window)
    if not m:
        return end
    run = m.group()
    cut = 0
    for c in _LEFT_CUT_RE.finditer(run):
        cut = c.end()
    return end - len(run) + cut


_ORG_CONT_RE = re.compile(
    r"(?:第[一二三四五六七八九十]{1,3}|附属|附属第[一二三四五六七八九十]{1,3}|[\u4e00-\u9fff]{2,4}?)?"
    r"(?:附属医院|医院|中学|小学|医学院|学院|分院|分校|心理卫生中心|精神卫生中心|心理咨询中心|心理健康中心)"
)
_ORG_DETERMINERS = set("一某各本该此每这那")
_REDUP_VERB = re.compile(r"(.)一\1|(.)了\2")
_ORG_VERB_BEFORE = set("上读考念去到进回在开住出离转办换跳逃找看来叫")
_ORG_NUM_SCHOOL_RE = re.compile(r"[一二三四五六七八九十]{1,2}中(?![午间心文国学途期年级])")


def _org_prefix_ok(prefix: str, lex: _Lex) -> bool:
    """A prefix names an organisation when something specific is left after generic modifiers go."""
    if len(prefix) < 2 or prefix[-1] in _ORG_VERB_BEFORE:
        return False
    if any(prefix[:n] in lex.function_words for n in (4, 3, 2)) or _REDUP_VERB.search(prefix):
        return False  # 如果公司, 愿意正视医院, 知名大学, 聊一聊学校
    rest = prefix
    # strip generic modifiers greedily (single characters only at the start: 一/某/大 but 人大, 北大)
    changed = True
    while rest and changed:
        changed = False
        for n in (5, 4, 3, 2, 1):
            if len(rest) >= n and rest[:n] in lex.org_generic and (n > 1 or rest[0] in _ORG_DETERMINERS):
                rest, changed = rest[n:], True
                break
            if n > 1 and len(rest) >= n and rest[-n:] in lex.org_generic:
                rest, changed = rest[:-n], True
                break
    return len(rest) >= 2 or (len(rest) == 1 and len(prefix) >= 3 and rest.isascii())


# ------------------------------------------------------------------------------------------- names
_NICK_PREFIX = "小老阿"
_FUNC_BEFORE_TEXT = (
    "和 跟 与 同 给 对 让 找 被 把 问 陪 叫 像 帮 请 见 约 骂 打 爱 恨 嫁给 "
    "娶了 认识 遇到 联系 告诉 喜欢 想念 还有 以及 及 只有 就是 昨天 今天 前天 后来 "
    "然后 但是 可是 因为 看到 听说 发现 其中 上周 昨晚 刚才 那天 当时 最近 前几天 去年 上次 有一次 直到 "
    "的 ， 。 ！ ？ ； ： 、 “ 「 ( （ "
)
_FUNC_BEFORE = _FUNC_BEFORE_TEXT.split()  # plus the newline:
_FUNC_BEFORE.append("\n")
# a person (not a thing) acts next: 班主任胡子墨找我 (but 我是高中生。)
_ACTION_AFTER = set("找说在让对把给跟和也又就还总叫骂打问带，,。、")
_ROLE_SUFFIX = set("生者人员家师们长友子党族迷控粉")
# characters that never begin a name (function words, pronouns, common verbs)
_NOT_SURNAME = set("的了是在我你他她它们就都也还又很不没有这那什么怎说会要想去来到把被给让和跟与对从为以及而但")
# after these a bare given name (我叫雨桐) is a name
_NAMING_CUES = {
    "我叫",
    "叫我",
    "可以叫我",
    "名叫",
    "叫做",
    "名字叫",
    "名字是",
    "全名叫",
    "真名叫",
    "真名是",
    "本人叫",
    "称呼我",
}
_GENERIC_CUES = {"我是", "本人"}
# words that often follow a two-character name (王明天天加班 = 王明 + 天天): they keep the shorter reading
_NAME_FOLLOWERS_TEXT = (
    "明天 今天 昨天 后天 天天 一直 一起 一定 一般 一样 一天 天生 平时 常常 经常 总是 也是 就是 还是 最近 "
    "现在 已经 曾经 突然 竟然 居然 真是 又是"
)
_NAME_FOLLOWERS = set(_NAME_FOLLOWERS_TEXT.split())
# given-name characters seen only after an explicit naming cue (张三, 林小雨) and the clause ends that close it
_GIVEN_EXTRA = set("小一二三四五六七八九十")
_LATIN_NAME_RE = re.compile(r"[A-Za-z][a-z'-]{1,19}(?: [A-Z][a-z'-]{1,19})?(?![A-Za-z0-9])")
_LATIN_CAPITALISED_RE = re.compile(r"[A-Z][a-z]{1,19}(?![A-Za-z0-9])")
_CLAUSE_END = set("，。！？；：、,.!?;:… \n（(")
# after these (的, punctuation, sentence start) only a 3-character name followed by a verb frame is taken
_WEAK_BEFORE = set("的，。！？；：、\n“「(（")
_STRONG_VERB_AFTER = re.compile(
    r"说|告诉|问我|对我说|跟我说|和我说|骂我|打我|拉黑|找我|约我|给我发|发消息|打电话|总是|一直|经常|每次|老是|竟然|居然|突然|是我|在群里"
)
_VERB_AFTER = re.compile(
    r"(?:说|告诉|问|对我|跟我|和我|也|就|又|还|总|一直|经常|常常|每天|天天|整天|突然|把|给|让|是|在|去|来|打|骂|发|回|笑|哭|老是|每次|当时|"
    r"曾经|已经|竟然|居然|不|没|很|和|跟|对|的|愿意|会|能|要|想|觉得|认为|知道|喜欢|讨厌|带|教|送|离开|今年|现在|那天|"
    r"分手|出轨|劈腿|家暴|去世|生病|住院|毕业|辞职|合租|吵|聊|见面|结婚|离婚|一起|之间|交往|恋爱|相处|谈|同居|住|约|借|欠|"
    r"[，。、！？；：,.!?;:\s]|$)"
)


def _person_frame_at(norm: str, i: int) -> bool:
    """A verb, adverb or clause end at ``i`` that a person's name is followed by (说, 总是, 拉黑, 。, end of text)."""
    return bool(_VERB_AFTER.match(norm, i) or _STRONG_VERB_AFTER.match(norm, i))


class _NameFinder:
    """Cue- and lexicon-driven person-name detector (compiled once per process)."""

    def __init__(self, lex: _Lex) -> None:
        self.lex = lex
        cues = lex.strong_cues | lex.relation_cues
        self.cue_re = re.compile(
            r"(" + _alt(cues) + r")(?:的)?(?:叫做|名叫|叫|是|,|，|:|：| )?(?=[" + CJK + r"A-Za-z])"
        )
        self.title_re = re.compile(_alt(lex.titles))
        # the context word is consumed (no look-behind), so the regex keeps its literal-prefix fast path
        single = "".join(sorted(x for x in lex.surnames))
        compound = _alt(lex.compound_surnames)
        given = "".join(sorted(lex.given))
        surname_re = rf"(?:{compound}|[{single}])"
        self.func_before = {w for w in _FUNC_BEFORE if w}
        self.free_re = re.compile(rf"{surname_re}(?=[{given}小])")

    def _famous_at(self, norm: str, pos: int) -> int:
        for name in self.lex.famous_by_first.get(norm[pos : pos + 1], ()):
            if norm.startswith(name, pos):
                return pos + len(name)
        return 0

    def rare_surname_name_at(self, norm: str, pos: int) -> int:
        """After a cue: an out-of-lexicon surname + two given-name characters + a verb (咨询师禤子墨说)."""
        c = norm[pos : pos + 1]
        if not c or not "\u4e00" <= c <= "\u9fff" or c in _NOT_SURNAME or c in self.lex.given:
            return 0
        if not (self._given_start(norm, pos + 1) and norm[pos + 2 : pos + 3] in self.lex.given):
            return 0
        cand = norm[pos : pos + 3]
        if cand in self.lex.stopwords or cand[:2] in self.lex.stopwords or cand[1:] in self.lex.stopwords:
            return 0
        if _person_frame_at(norm, pos + 3):
            return pos + 3
        return 0

    def surname_end(self, norm: str, pos: int) -> int:
        """End of a surname starting at ``pos`` (compound surnames first: 欧阳娜娜), 0 if none."""
        if norm[pos : pos + 2] in self.lex.compound_surnames:
            return pos + 2
        if norm[pos : pos + 1] in self.lex.surnames:
            return pos + 1
        return 0

    def _given_start(self, norm: str, pos: int) -> bool:
        """A given name may start at ``pos``: a given-name character, or 小 before one (王小明; not 小时/小姐)."""
        c = norm[pos : pos + 1]
        if c == "小":
            return norm[pos + 1 : pos + 2] in self.lex.given and norm[pos : pos + 2] not in self.lex.stopwords
        return bool(c) and c in self.lex.given

    def full_name_at(self, norm: str, pos: int, strict: bool, cued: bool = False, person_ok: bool = False) -> int:
        """End of a surname + given-name candidate starting at ``pos`` (0 if none).

        ``person_ok``: the context says a person follows (同事…, …说), so a person-tagged dictionary word
        (李娜) is a name when a verb or the clause end comes next.
        """
        lex = self.lex
        if self._famous_at(norm, pos):
            return 0
        s_end = self.surname_end(norm, pos)
        if not s_end:
            return 0
        if not self._given_start(norm, s_end):
            return 0
        end = s_end + 1
        g2 = norm[end : end + 1]
        if g2 and g2 in lex.given:
            three = norm[pos : end + 1]
            two = norm[pos:end]
            nxt = norm[end + 1 : end + 2]
            # 王明天: keep 2 chars when the 2nd+3rd chars make an ordinary word and a 3-char reading is unlikely
            tail_word = norm[end : end + 2] if nxt else ""
            split_tail = tail_word in lex.stopwords and two not in lex.stopwords
            if split_tail and tail_word not in _NAME_FOLLOWERS and _VERB_AFTER.match(norm, end + 1):
                split_tail = False  # 和刘国平分手: 平分 is a word, but 刘国平 + 分手 is the reading
            if three not in lex.stopwords and not split_tail:
                end += 1
        cand = norm[pos:end]
        stop = cand in lex.stopwords and not (person_ok and cand in lex.person_words and _person_frame_at(norm, end))
        if cand in lex.famous or stop or norm[pos : pos + 4] in lex.stopwords:
            return 0
        if norm[s_end] == "小" and end - s_end < 2:
            return 0  # 小 begins a two-character given name only
        if end - pos == 2 and strict:
            return 0
        if (
            end - pos == 3
            and norm[pos : pos + 2] in lex.stopwords
            and norm[pos : pos + 2] not in lex.compound_surnames
            # 胡子墨 after 班主任 + a verb is a name; 高中生 is not
            and not (
                cued
                and norm[end - 1] not in _ROLE_SUFFIX  # 高中生, 毕业生: a word + a role suffix
                and (_STRONG_VERB_AFTER.match(norm, end) or norm[end : end + 1] in _ACTION_AFTER)
            )
        ):
            return 0
        return end

    def nickname_at(self, norm: str, pos: int) -> int:
        """End of a 小X / 老X / 阿X nickname at ``pos`` (0 if the word is ordinary)."""
        if norm[pos : pos + 1] not in _NICK_PREFIX:
            return 0
        x = norm[pos + 1 : pos + 2]
        if not x:
            return 0
        word = norm[pos : pos + 2]
        if word in self.lex.nick_stop or norm[pos : pos + 3] in self.lex.nick_stop:
            return 0
        if norm[pos] == "老" and x not in self.lex.surnames:
            return 0
        if x not in self.lex.surnames and x not in self.lex.given:
            return 0
        # 小雨雨 / 阿琳琳: a doubled character stays part of the nickname
        end = pos + 2
        if norm[end : end + 1] == x:
            end += 1
        return end

    def named_at(self, norm: str, pos: int) -> int:
        """Right after an explicit naming cue (我叫, 名叫...): surname + 1-2 given characters ending the clause.

        What follows 我叫 is a name even when it is also a word (林小雨: 小雨 is light rain; 李娜, 张三), so the
        dictionary stop list is not consulted here, only the hand-written one and the famous names.
        """
        lex = self.lex
        latin = _LATIN_NAME_RE.match(norm, pos)  # 我叫Tom, 英文名叫Lily Chen
        if latin:
            return latin.end()
        s_end = self.surname_end(norm, pos)
        if not s_end:
            return 0
        for end in (s_end + 2, s_end + 1):
            given = norm[s_end:end]
            if len(given) != end - s_end or not all(c in lex.given or c in _GIVEN_EXTRA for c in given):
                continue
            name = norm[pos:end]
            if "小" in given[1:] or given == "小" or name in lex.hand_stopwords or name in lex.famous:
                continue
            if end == len(norm) or norm[end] in _CLAUSE_END:
                return end
        return 0

    def find(self, norm: str) -> Iterator[tuple[int, int]]:
        """Yield (start, end) of names in ``norm``."""
        lex = self.lex
        for m in self.cue_re.finditer(norm):
            pos = m.end()
            cue = m.group(1)
            end = self.named_at(norm, pos) if cue in _NAMING_CUES and m.end() - m.start() == len(cue) else 0
            if not end:
                # 我是 / 本人 introduce anything (我是熊猫血): only a relation or a naming cue vouches for a person
                end = self.full_name_at(norm, pos, strict=False, cued=True, person_ok=cue not in _GENERIC_CUES)
            if not end:
                # 同事Jack总是…, 男朋友Kevin说: a capitalised Latin name after a relation, then a person's verb
                latin = _LATIN_CAPITALISED_RE.match(norm, pos)
                if latin and _person_frame_at(norm, latin.end()):
                    end = latin.end()
            if not end:
                end = self.rare_surname_name_at(norm, pos)
            if not end:
                end = self.nickname_at(norm, pos)
                # 同事小雨 is a name; 朋友小X needs the X to be a surname or a frame that shows a name
                if (
                    end
                    and cue not in lex.strong_cues
                    and norm[pos] == "小"
                    and norm[pos + 1] not in lex.surnames
                    and not _VERB_AFTER.match(norm, end)
                ):
                    end = 0
            if (
                not end
                and cue in _NAMING_CUES
                and m.end() - m.start() == len(cue)
                and norm[pos : pos + 1] in lex.given
            ):
                # 我叫雨桐 (given name only, after an explicit naming cue)
                end = pos + 1
                while end < len(norm) and end - pos < 3 and norm[end] in lex.given:
                    end += 1
                if end - pos < 2:
                    end = 0
            if end:
                yield pos, end
        for m in self.title_re.finditer(norm):
            t = m.start()
            for n in (4, 3, 2):
                start = t - n
                if start < 0:
                    continue
                end = self.full_name_at(norm, start, strict=False)
                if end == t:
                    yield start, end
                    break
        fb = self.func_before
        for m in self.free_re.finditer(norm):
            pos = m.start()
            # the frame before: a preposition/verb (和, 跟, 告诉...), or 的/punctuation/start (3-char names only)
            if pos and norm[pos - 1] not in fb and norm[max(0, pos - 2) : pos] not in fb:
                continue
            # 王国佳说 / 李娜说: a name that is also a word counts when 说/告诉/骂我... follows it
            told = _STRONG_VERB_AFTER.match(norm, pos + 2) or _STRONG_VERB_AFTER.match(norm, pos + 3)
            end = self.full_name_at(norm, pos, strict=False, cued=bool(told), person_ok=bool(told))
            if not end:
                continue
            weak = not pos or norm[pos - 1] in _WEAK_BEFORE
            strong_after = _STRONG_VERB_AFTER.match(norm, end) is not None
            compound = norm[pos : pos + 2] in lex.compound_surnames
            n_given = end - pos - (2 if compound else 1)
            ambiguous_ok = strong_after or (not weak and _VERB_AFTER.match(norm, end))
            if not compound and norm[pos] not in lex.free_surnames and not ambiguous_ok:
                continue  # 高/方/文...: only 高晨曦说 / 高书瑶是我, never a bare 2-character 高X
            if weak and n_given == 1 and not strong_after:
                continue  # 2-char names after 的/punctuation only with 说/告诉/骂我...
            if strong_after or _VERB_AFTER.match(norm, end) or (not weak and n_given == 2):
                yield pos, end


@functools.cache
def _names() -> _NameFinder:
    return _NameFinder(_lex())


_ORG_SUFFIX_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _org_suffix_re(lex: _Lex) -> re.Pattern[str]:
    if "re" not in _ORG_SUFFIX_RE_CACHE:
        _ORG_SUFFIX_RE_CACHE["re"] = re.compile(_alt(lex.org_suffixes))
    return _ORG_SUFFIX_RE_CACHE["re"]


# an employment frame around a brand-name employer: 在华为上班, 入职字节跳动工作; bare, only 腾讯的员工 / 阿里员工
_EMPLOYMENT_AFTER_RE = re.compile(
    r"上班|工作|实习|任职|就职|打工|当|做|干|待|离职|辞职|面试|的员工|的同事|的领导|员工|总部"
)
_EMPLOYMENT_BEFORE = ("在", "去", "进", "到", "入职", "加入", "离开", "从")
_BARE_BRAND_AFTER = {"的员工", "的同事", "的领导", "员工", "总部"}


def _find_employers(norm: str, acc: _Spans, lex: _Lex) -> None:
    """Brand-name employers (employer_brands.txt) ending right before an employment word, looked up backwards
    from each such word: cheaper than scanning the text for every brand."""
    for m in _EMPLOYMENT_AFTER_RE.finditer(norm):
        end = m.start()
        for n in lex.employer_brand_lengths:
            start = end - n
            if start < 0 or norm[start:end] not in lex.employer_brands:
                continue
            if m.group(0) in _BARE_BRAND_AFTER or norm.endswith(_EMPLOYMENT_BEFORE, 0, start):
                acc.add(start, end, "org", soft_ok=False)
            break


# --------------------------------------------------------------------------------------------- core
class _Spans:
    """Accepted, non-overlapping spans; detectors run in priority order and cannot claim taken text."""

    def __init__(self, n: int, protected: list[tuple[int, int]]) -> None:
        self.taken = bytearray(n)
        self.soft = bytearray(n)  # book titles: closed to names/orgs/addresses only
        self.spans: list[Span] = []
        for s, e in protected:
            self.taken[s:e] = b"\x01" * (e - s)

    def protect_soft(self, s: int, e: int) -> None:
        self.soft[s:e] = b"\x01" * (e - s)

    def add(self, s: int, e: int, kind: str, soft_ok: bool = True) -> bool:
        if e <= s or any(self.taken[s:e]) or (not soft_ok and any(self.soft[s:e])):
            return False
        self.taken[s:e] = b"\x01" * (e - s)
        self.spans.append(Span(s, e, kind))
        return True


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _is_hotline(norm: str, s: int, e: int, lex: _Lex, mobile: bool) -> bool:
    d = _digits(norm[s:e])
    for p in ("0086", "86"):
        if len(d) > 11 and d.startswith(p):
            d = d[len(p) :]
    if d in lex.hotlines or d.lstrip("0") in lex.hotlines:
        return True
    if mobile:
        return False
    return bool(_HOTLINE_CONTEXT.search(norm, max(0, s - 16), s)) or bool(_HOTLINE_CONTEXT.search(norm, e, e + 10))


def _url_is_personal(url: str, lex: _Lex) -> bool:
    body = re.sub(r"^(?:https?://)?", "", url, flags=re.I).rstrip(".,;:!?)'")
    host, _, path = body.partition("/")
    if _PERSONAL_URL.search(body if path else ""):
        return True
    if not path.strip("/"):
        return False
    return not host.lower().endswith(lex.public_domains)


def find_pii(text: str, extra_names: Iterable[str] = ()) -> list[Span]:
    """PII spans of ``text`` (sorted, non-overlapping); ``extra_names`` are names already known in the post."""
    if not text:
        return []
    lex = _lex()
    norm = normalize_width(text)
    acc = _Spans(len(norm), [m.span() for m in _PLACEHOLDER_RE.finditer(norm)])
    for m in _BOOK_RE.finditer(norm):
        acc.protect_soft(*m.span())
    has_digit = _HAS_DIGIT.search(norm) is not None
    lower = norm.lower() if has_digit or not norm.isascii() else norm

    # cheap gates first: most texts have no URL, no "@", no long digit run, no WeChat cue
    if "http" in lower or "www." in lower or _BARE_QUICK.search(norm):
        for rx in (_URL_RE, _BARE_URL_RE):
            for m in rx.finditer(norm):
                s, e = m.span()
                while e > s and norm[e - 1] in ".,;:!?)'":
                    e -= 1
                if _url_is_personal(norm[s:e], lex):
                    acc.add(s, e, "url")
    if "@" in norm or "(at)" in lower or "[at]" in lower:
        for m in _EMAIL_RE.finditer(norm):
            acc.add(*m.span(), "email")
    if "#" in norm:
        for m in _EMAIL_HASH_RE.finditer(norm):
            acc.add(*m.span(), "email")
    if "dot" in lower:
        for m in _EMAIL_WORDS_RE.finditer(norm):
            acc.add(*m.span(), "email")
    if _WECHAT_CUE.search(norm):
        for m in _WECHAT_RE.finditer(norm):
            acc.add(*m.span(1), "wechat")
    if has_digit:
        for ws, we in _digit_windows(norm):
            _find_numbers(norm, acc, lex, ws, we)
        if _PLATE_QUICK.search(norm):
            for m in _PLATE_RE.finditer(norm):
                acc.add(*m.span(), "plate")
    _find_dates(norm, acc, has_digit)
    _find_addresses(norm, acc, lex, has_digit)
    _find_orgs(norm, acc, lex)
    # overlapping name candidates (阳沐阳 inside 欧阳沐阳): the longest wins
    for s, e in sorted(set(_names().find(norm)), key=lambda se: (se[0] - se[1], se[0])):
        acc.add(s, e, "name", soft_ok=False)
    _add_known_names(norm, acc, extra_names)
    return sorted(acc.spans)


def _is_latin_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _add_known_names(norm: str, acc: _Spans, names: Iterable[str]) -> None:
    """Every other mention of a name already found in the post (longest names first)."""
    for name in names:
        if len(name) < 2:
            continue
        start = norm.find(name)
        while start != -1:
            end = start + len(name)
            # a Latin name is a whole word: Tom, not the Tom of Tomorrow
            if not name.isascii() or not (
                _is_latin_alnum(norm[start - 1 : start]) or _is_latin_alnum(norm[end : end + 1])
            ):
                acc.add(start, end, "name", soft_ok=False)
            start = norm.find(name, end)


_DIGIT_RUN = re.compile(r"\d(?:[ \-]?\d){4,}")
_BARE_QUICK = re.compile(r"\.(?:com|cn|net|org|me|io|cc|tv|top|xyz|info|site)/", re.I)
_WECHAT_CUE = re.compile(r"微信|威信|薇信|徽信|[Vv]信|[VvWw][Xx]|weixin|wechat|加我?[Vv]", re.I)
_PLATE_QUICK = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z]")


def _digit_windows(norm: str, margin: int = 24) -> list[tuple[int, int]]:
    """Merged windows around runs of >= 5 digits: the only places phone/ID/card/QQ numbers can be."""
    out: list[tuple[int, int]] = []
    for m in _DIGIT_RUN.finditer(norm):
        ws, we = max(0, m.start() - margin), min(len(norm), m.end() + margin)
        if out and ws <= out[-1][1]:
            out[-1] = (out[-1][0], we)
        else:
            out.append((ws, we))
    return out


def _find_numbers(norm: str, acc: _Spans, lex: _Lex, ws: int, we: int) -> None:
    """Digit-run PII inside one window, most specific kind first."""
    for m in _ID_RE.finditer(norm, ws, we):
        acc.add(*m.span(), "id_card")
    for m in _SPACED_ID_RE.finditer(norm, ws, we):
        number = re.sub(r"[ -]", "", m.group())
        if _SPACED_ID_DATE.fullmatch(number, 6, 14) and (
            _id_check_ok(number) or _ID_CUE.search(norm, max(0, m.start() - 12), m.start())
        ):
            acc.add(*m.span(), "id_card")
    for m in _BANK_RE.finditer(norm, ws, we):
        acc.add(*m.span(), "bank_card")
    for m in _BANK_CUE_RE.finditer(norm, ws, we):
        if len(_digits(m.group(1))) >= 12:
            acc.add(*m.span(1), "bank_card")
    for m in _QQ_RE.finditer(norm, ws, we):
        acc.add(*m.span(1), "qq")
    for m in _MOBILE_RE.finditer(norm, ws, we):
        s, e = m.span()
        if not _is_hotline(norm, s, e, lex, mobile=True):
            acc.add(s, e, "phone")
    for rx, group in ((_LANDLINE_RE, 0), (_LOCAL_PHONE_RE, 1)):
        for m in rx.finditer(norm, ws, we):
            s, e = m.span(group)
            if not _is_hotline(norm, s, e, lex, mobile=False):
                acc.add(s, e, "phone")


def _find_dates(norm: str, acc: _Spans, has_digit: bool) -> None:
    if has_digit:
        for m in _FULL_DATE_RE.finditer(norm):
            s, e = m.span()
            if not (s and "0" <= norm[s - 1] <= "9"):
                acc.add(s, e, "birthday")
    if "年" in norm and "月" in norm:
        for m in _CN_DATE_RE.finditer(norm):
            acc.add(*m.span(), "birthday")
    if _BIRTH_CONTEXT.search(norm):
        for rx, usable in ((_SHORT_DATE_RE, has_digit), (_CN_SHORT_DATE_RE, "年" in norm)):
            if not usable:
                continue
            for m in rx.finditer(norm):
                s, e = m.span()
                if _BIRTH_CONTEXT.search(norm, max(0, s - 12), min(len(norm), e + 8)):
                    acc.add(s, e, "birthday")


def _find_addresses(norm: str, acc: _Spans, lex: _Lex, has_digit: bool) -> None:
    if has_digit and _ADDR_QUICK.search(norm):
        for m in _ADDR_ANCHOR_RE.finditer(norm):
            # a road anchor (建国路88号) starts with the road name's last character; extend left from after it
            s = _left_start(norm, m.start(), 24)
            if m.lastgroup == "road" and s == m.start():
                continue  # a road needs a name: 路88号 alone is not an address
            s = min(s, m.start())
            e = m.end()
            t = _ADDR_TAIL_RE.match(norm, e)
            if t:
                e = t.end()
            if e - s >= 4:
                acc.add(s, e, "address", soft_ok=False)
    for m in _ADMIN_ROAD_RE.finditer(norm):
        road = m.group()
        if len(road) < 3 or road in _ROAD_GENERIC:
            continue
        admin_start = _left_start(norm, m.start(), 20)
        admin = norm[admin_start : m.start()]
        # the last administrative unit before the road (朝阳区 in 北京市朝阳区) must be a real name, not 城区/市区
        cut = max(admin.rfind(c, 0, len(admin) - 1) for c in "省市区县镇") + 1
        unit = admin[cut:]
        if len(unit) < 2 or unit in _ADMIN_GENERIC or admin in _ADMIN_GENERIC:
            continue
        e = m.end()
        t = _ADDR_TAIL_RE.match(norm, e)
        if t:
            e = t.end()
        acc.add(admin_start, e, "address", soft_ok=False)


def _find_orgs(norm: str, acc: _Spans, lex: _Lex) -> None:
    for m in _org_suffix_re(lex).finditer(norm):
        before = norm[m.start() - 1 : m.start()]
        if not before or before in _LEFT_STOP_CHARS or not ("\u4e00" <= before <= "\u9fff" or before.isalnum()):
            continue
        s = _left_start(norm, m.start(), 14)
        prefix = norm[s : m.start()]
        if not _org_prefix_ok(prefix, lex):
            continue
        e = m.end()
        # 北京大学第六医院 / 清华大学附属中学: one organisation
        nxt = _ORG_CONT_RE.match(norm, e)
        if nxt and not any(c in _LEFT_STOP_CHARS for c in nxt.group()):  # not 中心是个好医院
            e = nxt.end()
        acc.add(s, e, "org", soft_ok=False)
    _find_employers(norm, acc, lex)
    for m in _ORG_NUM_SCHOOL_RE.finditer(norm):
        # 北京四中, 成都七中: a place name, a numeral, 中
        s = _left_start(norm, m.start(), 10)
        prefix = norm[s : m.start()]
        if len(prefix) >= 2 and _org_prefix_ok(prefix, lex) and prefix[-1] not in "高初":
            acc.add(s, m.end(), "org", soft_ok=False)


# ---------------------------------------------------------------------------------------- replacing
_DIGIT_KINDS = {"phone", "qq", "id_card", "bank_card"}


def _canonical(kind: str, value: str) -> str:
    value = normalize_width(value)
    if kind in _DIGIT_KINDS:
        d = _digits(value)
        if kind == "phone" and len(d) > 11 and d.startswith(("0086", "86")):
            d = d[4:] if d.startswith("0086") else d[2:]
        return d + ("X" if value.rstrip()[-1:] in "Xx" else "")
    if kind in ("email", "url", "wechat", "plate"):
        return re.sub(r"[\s·•・.\-]", "", value.lower()) if kind == "plate" else value.lower().strip()
    return value.strip()


class _Placeholders:
    """Per-post placeholder numbering: one number per (kind, canonical value)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.next: dict[str, int] = dict.fromkeys(KINDS, 1)
        by_label = {v: k for k, v in LABELS.items()}
        for t in texts:
            for m in _PLACEHOLDER_RE.finditer(t):
                kind = by_label[m.group(1)]
                self.next[kind] = max(self.next[kind], int(m.group(2)) + 1)
        self.ids: dict[tuple[str, str], int] = {}

    def get(self, kind: str, value: str) -> str:
        key = (kind, _canonical(kind, value))
        if key not in self.ids:
            self.ids[key] = self.next[kind]
            self.next[kind] += 1
        return f"[{LABELS[kind]}{self.ids[key]}]"


def _replace(text: str, spans: Sequence[Span], ph: _Placeholders) -> str:
    out: list[str] = []
    last = 0
    for s, e, kind in spans:
        out.append(text[last:s])
        out.append(ph.get(kind, text[s:e]))
        last = e
    out.append(text[last:])
    return "".join(out)


def find_pii_post(texts: Sequence[str]) -> list[list[Span]]:
    """Spans for each text of one post; a name found in any text is also removed everywhere else."""
    texts = [t or "" for t in texts]
    first = [find_pii(t) for t in texts]
    names = {
        normalize_width(t[s:e]) for t, spans in zip(texts, first, strict=True) for s, e, k in spans if k == "name"
    }
    if not names:
        return first
    ordered = sorted(names, key=len, reverse=True)
    out: list[list[Span]] = []
    for t, spans in zip(texts, first, strict=True):
        norm = normalize_width(t)
        if not any(n in norm for n in ordered):
            out.append(spans)
            continue
        acc = _Spans(len(norm), [m.span() for m in _PLACEHOLDER_RE.finditer(norm)])
        for s, e, k in spans:
            acc.add(s, e, k)
        for m in _BOOK_RE.finditer(norm):
            acc.protect_soft(*m.span())
        _add_known_names(norm, acc, ordered)
        out.append(sorted(acc.spans))
    return out


def anonymize_post(title: str, description: str, answers: list[str]) -> tuple[str, str, list[str]]:
    """Anonymise a whole post with one placeholder numbering (the same value -> the same placeholder)."""
    texts = [title or "", description or "", *[a or "" for a in answers]]
    spans = find_pii_post(texts)
    ph = _Placeholders(texts)
    out = [_replace(t, sp, ph) for t, sp in zip(texts, spans, strict=True)]
    return out[0], out[1], out[2:]


def anonymize_text(text: str) -> str:
    """Anonymise one text on its own (placeholders numbered from 1 within it)."""
    if not text:
        return text or ""
    return anonymize_post("", text, [])[1]


def main(argv: Sequence[str] | None = None) -> None:
    """Anonymise text from a file or stdin and print it (a manual check, not a pipeline step)."""
    import sys

    from workflow_scripts.common.cli import step_parser

    parser = step_parser("Replace PII in Chinese text with placeholders (manual check; clean calls the API).")
    parser.add_argument("path", nargs="?", help="text file (default: stdin)")
    parser.add_argument("--spans", action="store_true", help="print the detected spans instead")
    args = parser.parse_args(argv)
    text = Path(args.path).read_text(encoding="utf-8") if args.path else sys.stdin.read()
    if args.spans:
        for s, e, kind in find_pii(text):
            print(f"{s}\t{e}\t{kind}\t{text[s:e]}")
    else:
        print(anonymize_text(text), end="")


if __name__ == "__main__":
    from workflow_scripts.common.cli import run_main

    run_main(main)
