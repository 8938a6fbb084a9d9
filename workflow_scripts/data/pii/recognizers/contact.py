"""Contact details: phone numbers, e-mail addresses, QQ numbers, WeChat IDs and personal URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflow_scripts.data.pii.base import Candidate, Context, Recognizer, digits, read_lexicon

# an institution's line, not a person's: hotlines, enquiry/booking desks, a number in brackets after an
# institution (黄陂区人民医院（027-…）)
_HOTLINE_WORDS = re.compile(
    r"热线|援助|干预|危机|救助|急救|报警|求助|希望24|生命线|心理咨询中心|服务电话|咨询电话|客服|订房|预订|官方|举报电话"
    r"|值班电话|12356|12355|(?:医院|中心|酒店|宾馆|政府|委员会|指挥部)[(（]$"
)


class PhoneRecognizer(Recognizer):
    """Mobile numbers (1[3-9] + 9 digits), landlines with an area code and, next to a phone word, local
    numbers. Public hotlines (``hotline_whitelist.txt`` or a hotline word nearby) are kept, and so are 400/800
    numbers: they belong to companies and hotlines (customer service), never to a person."""

    kind = "phone"
    context_before = ("电话", "手机", "号码", "座机", "固话", "联系", "打", "拨", "call", "Tel", "tel")
    window = (8, 0)
    MOBILE = re.compile(
        r"(?<![0-9A-Za-z+])(?<!\d[ -])(?:(?:\+|00)?86[ -]?|[(]\+?86[)] ?)?1[3-9]\d(?:[ -]?\d){8}(?![0-9])"
    )
    LANDLINE = re.compile(
        r"(?<![0-9A-Za-z])(?<!\d[ -])(?:[(]0\d{2,3}[)] ?|(?:(?:\+|00)86[ -]?0?|0)\d{2,3}[ -]?)"
        r"(?:[2-9]\d{2,3}[ -]?\d{4}|[2-9]\d{6,7}|[2-9]\d{3}[ -]\d{3})"  # 7730 904: seven digits as 4 + 3
        r"(?: ?(?:转|-|ext\.?|分机|#) ?\d{1,6})?(?![0-9])"
    )
    LOCAL = re.compile(r"(?<![0-9.])(?<!\d[ -])(?:[2-9]\d{6,7}|[2-9]\d{2,3}[ -]\d{4})(?![0-9.])")

    def __init__(self) -> None:
        self.hotlines = {digits(x) for x in read_lexicon("hotline_whitelist.txt")}

    def _hotline(self, norm: str, s: int, e: int, mobile: bool) -> bool:
        d = digits(norm[s:e])
        if len(d) > 11 and d.startswith(("0086", "86")):
            d = d[4:] if d.startswith("0086") else d[2:]
        if d in self.hotlines or d.lstrip("0") in self.hotlines:
            return True
        near = _HOTLINE_WORDS.search(norm, max(0, s - 16), s) or _HOTLINE_WORDS.search(norm, e, e + 10)
        return not mobile and bool(near)

    RUN = re.compile(r"\d(?:[ -]?\d){6}")  # every phone number has seven digits in a row

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if not ctx.has_digit or not self.RUN.search(ctx.norm):
            return
        norm = ctx.norm
        for rx, score, mobile in ((self.MOBILE, 0.85, True), (self.LANDLINE, 0.7, False)):
            for m in rx.finditer(norm):
                if not self._hotline(norm, *m.span(), mobile):
                    yield self.cand(*m.span(), score)
        for m in self.LOCAL.finditer(norm):  # 62345678: a phone only next to a phone word (the context boost)
            if not self._hotline(norm, *m.span(), False):
                yield self.cand(*m.span(), 0.2)


class EmailRecognizer(Recognizer):
    """name@host.tld, also written name(at)host, name at host dot com, or name#qq.com (#: replace with @)."""

    kind = "email"
    PLAIN = re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
        r"\.[A-Za-z]{2,6}(?![A-Za-z])"
    )
    WORDS = re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?(?:\bat\b|\(at\)|\[at\])\s?[A-Za-z0-9-]+"
        r"(?:\s?(?:\bdot\b|\(dot\)|\[dot\]|\.)\s?[A-Za-z0-9-]+)*\s?(?:\bdot\b|\(dot\)|\[dot\])\s?[A-Za-z]{2,6}(?![A-Za-z])",
        re.I,
    )
    HASH = re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*\s?[#＃]\s?"
        r"(?:qq|163|126|gmail|sina|sohu|hotmail|outlook|foxmail|yeah|139|aliyun|icloud|yahoo)\.(?:com|cn|net)(?:\.cn)?",
        re.I,
    )

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        lower = norm.lower()
        for rx, gate in ((self.PLAIN, "@" in norm or "(at)" in lower or "[at]" in lower), (self.HASH, "#" in norm)):
            if gate:
                yield from (self.cand(*m.span(), 0.9) for m in rx.finditer(norm))
        if "dot" in lower:
            yield from (self.cand(*m.span(), 0.8) for m in self.WORDS.finditer(norm))


class QQRecognizer(Recognizer):
    """A QQ number is any 5-11 digit number, whole or in groups, a few characters after a QQ word (QQ, 扣扣, 企鹅,
    a lone Q, 群号), however the cue is written (加我扣扣 123456, QQ小号：…, q 1234567); bare digit runs are not QQ
    numbers."""

    kind = "qq"
    # the cue, then what people write between it and the number (号码是：, 小号, 群号), then the number
    RX = re.compile(
        r"(?:[Qq]{2}|扣扣|抠抠|企鹅|球球|群号|(?<![A-Za-z])[Qq](?![A-Za-z]))"
        r"(?:[\s:：=是为,，~～吧呀啊哈哦]|号码?|群号?|小号|账号|帐号){0,4}(?<![\d.])"
        r"([1-9]\d{4,10}|[1-9]\d{2,3}(?: \d{3,4}){1,2})(?![0-9])"  # 213 588 0647: written in groups
    )

    # no cue word before it, but an invitation to add the account right after it (用小号827249317加我): a bare number
    # one is asked to add is an account number; a mobile number there is the phone recogniser's (it scores higher)
    ADD_ME = re.compile(r"(?<![\d.+-])([1-9]\d{4,10})(?![0-9]) ?(?=加我|加一下我|加好友)")

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if ctx.has_digit:
            yield from (self.cand(*m.span(1), 0.85) for m in self.RX.finditer(ctx.norm))
            if "加" in ctx.norm:
                yield from (self.cand(*m.span(1), 0.6) for m in self.ADD_ME.finditer(ctx.norm))


class WeChatRecognizer(Recognizer):
    """A WeChat ID (a letter + 5-19 letters/digits/_/-, or a phone-like number) after a WeChat word."""

    kind = "wechat"
    CUE = re.compile(
        r"微[信Xx]|威信|薇信|徽信|[Vv]信|[VvWw][Xx]|weixin|wechat|加我?[Vv]|(?<![A-Za-z])[Vv] ?[:：]", re.I
    )  # V：id
    # every cue above holds one of these characters (re.I folds no other character onto v or w): a text without
    # them, most texts, is not scanned with the slower case-insensitive CUE
    CUE_CHARS = re.compile("[微威薇徽VvWw]")
    RX = re.compile(
        r"(?<![A-Za-z])(?:微信号?|微信ID|微信id|威信|薇信|徽信|[Vv]信|[Vv][Xx]|[Ww][Xx]|微[Xx]|weixin|[Ww]e[Cc]hat"
        r"|加我?[Vv]|[Vv](?= ?[:：]))"
        r"(?:号码|号|ID|id|搜索?)?\s*[:是为]?\s*[:是为]?\s*([A-Za-z][-_A-Za-z0-9]{5,19}|\+?\d[\d-]{4,14}\d)(?![-_A-Za-z0-9])"
    )

    # what people write between the cue and an ID that holds a digit, _ or - (加我微信吧 lyx_0923, 微信号改了 ab_123)
    LOOSE = re.compile(
        r"(?<![A-Za-z])(?:微信号?|威信|薇信|[Vv]信|[Vv][Xx]|[Ww][Xx]|加我?[Vv])(?:[\s:：,，~～吧呀啊哦]|改了|换了|是){1,4}"
        r"(?=[-_A-Za-z0-9]*[\d_-])([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
    )
    # an ID WeChat itself assigns (wxid_…) is one wherever it stands
    ASSIGNED = re.compile(r"(?<![A-Za-z0-9_])(wxid_[a-z0-9]{6,20})(?![A-Za-z0-9_])")

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        if self.CUE_CHARS.search(norm) and self.CUE.search(norm):
            yield from (self.cand(*m.span(1), 0.85) for m in self.RX.finditer(norm))
            yield from (self.cand(*m.span(1), 0.85) for m in self.LOOSE.finditer(norm))
        if "wxid_" in norm:
            yield from (self.cand(*m.span(1), 0.85) for m in self.ASSIGNED.finditer(norm))


class URLRecognizer(Recognizer):
    """Personal pages: a profile path or a social-media user page, or another site's page next to a word
    that makes it the poster's own (我的主页, 博客). Public sites' pages and links to surveys or articles are kept."""

    kind = "url"
    context_before = ("我的", "主页", "博客", "微博", "豆瓣", "空间", "个人", "账号", "网站")
    window = (8, 0)
    QUICK = re.compile(r"http|www\.|\.(?:com|cn|net|org|me|io|cc|tv|top|xyz|info|site)/", re.I)
    RX = re.compile(
        r"(?<![A-Za-z0-9@])(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+"
        r"|(?<![A-Za-z0-9@./])(?:[A-Za-z0-9-]+\.)+(?:com|cn|net|org|me|io|cc|tv|top|xyz|info|site)"
        r"/[A-Za-z0-9\-._~/?#@!$&'*+,;=%]+",
        re.I,
    )
    PERSONAL = re.compile(
        r"weibo\.(?:com|cn)/(?!$)|space\.bilibili|bilibili\.com/(?:space|u)|douban\.com/people|zhihu\.com/people"
        r"|/(?:u|user|users|people|profile|home|member|members|author|space|homepage|blog|id|p|channel)/"
        r"|/@|/~|xiaohongshu\.com/user|douyin\.com/user|tieba\.baidu\.com/home|github\.com/[A-Za-z0-9-]+/?$"
        r"|jianshu\.com/u|blog\.csdn\.net/|instagram\.com/|twitter\.com/|x\.com/|facebook\.com/",
        re.I,
    )
    # a site that gives each user a host of their own (name.github.io): the host alone is a personal page
    PERSONAL_HOST = re.compile(
        r"[A-Za-z0-9-]+\.(?:github\.io|lofter\.com|blogspot\.com|wordpress\.com|tumblr\.com)$", re.I
    )

    def __init__(self) -> None:
        self.public = tuple(read_lexicon("public_domains.txt"))

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        if not self.QUICK.search(ctx.norm):
            return
        for m in self.RX.finditer(ctx.norm):
            s, e = m.span()
            while e > s and ctx.norm[e - 1] in ".,;:!?)'":
                e -= 1
            body = re.sub(r"^(?:https?://)?", "", ctx.norm[s:e], flags=re.I)
            host, _, path = body.partition("/")
            if (path and self.PERSONAL.search(body)) or self.PERSONAL_HOST.match(host):
                yield self.cand(s, e, 0.85)
            elif not host.lower().endswith(self.public):  # a site's page, or (less) a bare site: 我的个人网站…
                yield self.cand(s, e, 0.3 if path.strip("/") else 0.2)
