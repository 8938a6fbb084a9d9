"""Public mentions: spans that a recogniser found but that describe a public person or place, not a private one.

A counselling post names people and places around its writer: 我男朋友…, 我家住在…, 我1995年…出生. Chat and
social-media text also recites public facts in the same shapes: a singer's birthday (他出生于1964年…, 今年五十多岁),
a film star's school (她是…戏剧学院毕业的), a museum's phone and address (电话是010-…, 门票多少钱). What tells
them apart is not the span but the text around it, so this check runs in the analyzer after the recognisers,
on candidates that passed the threshold, and reads the text once (``PublicFacts``):

- a text that says nothing of its writer or their people (no 我, 本人, 咱 and no relation word such as 男朋友,
  妈妈, 同事 opening a clause) but describes a career (演员, 主演, 出道, 代表作, 获奖 ...:
  ``public_bio_cues.txt``) is a biography: birthdays, schools and employers, and names in it are a public figure's;
- a landline or address in a text about a venue (景点, 门票, 开放时间, 酒店 ...: ``public_venue_cues.txt``),
  or owned by 它 (它的电话是…), is the place's, unless the writer's home frame is right before it (我家住在…,
  寄到…); so are landlines listed two or more in a row (010-…，010-…: an institution's switchboard); a cue-less
  name there (和莫泰, 金鼎的餐厅) is a place or a brand, since reviews name staff with a cue (一个叫…的服务员);
- a birthday or school whose owner is a third person (the last person word before it is 他/她: 他是…出生的,
  她毕业于…) in a text that recites knowledge (a career word, a question about them, their age for a birthday:
  今年五十多岁, 你知道她是做什么的吗) and names none of the writer's people is that person's public record, and so
  is one whose sentence names no one (1970年…出生的，也快50了) in such a text that says nothing of its writer; a
  phone number or address owned by 他们/这里 (他们的电话) in a text that says nothing of its writer is an
  institution's;
- a name with one frame of talk in a text about a book, film or song (书中, 主人公, 这首歌: ``public_work_cues.txt``),
  a public career or knowledge about someone is an author's, a character's or a star's unless it acts in the
  writer's life (我 in its clause, a person's verb after it); so is a name given as a third person's alias
  (他有个别名叫…, 外文名字叫…);
- a venue or knowledge cue in any text of a post counts for all its texts (``PostTopics``): a dialogue asks about a
  museum in one line and gives its number in the next;
- a name held by an official or institutional role (…中心主任高福, 省委书记…, …医院耳鼻喉科医生…, no 我/我们
  before the role), followed by a news reporting verb (…表示, …回应称, …指出) or quoted (（X博士语）) is named
  in public capacity; so is a cue-less name cited as a public one: before its work (X的书, X老师的《…》), inside
  a cited saying (正如X所说) or before a case named after it (X自杀案, X事件);
- a name whose only evidence is one frame: of talk before it (和X, 与X, 喜欢X) or, for a nickname, a person's
  verb after it (X哥又…), not both (a cue-less reading, which the name recogniser scores below
  ``ONE_FRAME``) in a post that neither speaks of
  its writer or their people nor to anyone (no 我, 你, relation word in any of its texts) is commentary on a
  third person: 李某和X首次合作, 好喜欢X这种性格. A private person in a post comes with the writer (我和X, X对我)
  or a relation (同事X). The whole post is read here, since a name found in one text is replaced in all of them.
  So is a name with a formal honorific (X先生, X女士) in such a post: counselling posts name people by relation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from workflow_scripts.data.pii.base import Candidate, alternation, clause_after, clause_before, digits, read_lexicon
from workflow_scripts.data.pii.recognizers.name import FRAME_AFTER, KIN_NICK

# the writer or their own people: with one of these in the text, its dates, schools and names may be private. A
# relation word is the writer's when it opens a clause (老公总是…) or follows 我 (which counts anyway); another's
# (他哥哥, 老总的妻子, 有个儿子) does not bring the writer in
_RELATIONS = (
    r"老公|老婆|丈夫|妻子|男友|女友|男朋友|女朋友|对象|前任|爸|妈|父亲|母亲|儿子|女儿|孩子|闺蜜|室友|舍友"
    r"|同事|同学|朋友|家人|亲戚|领导|老板|哥哥|姐姐|弟弟|妹妹|我哥|我姐|我弟|我妹|婆婆|公公|岳父|岳母|男神|女神|宝宝"
)
_CLAUSE_OPEN = r"(?<![^\s，。！？、；：,.!?;:“”\"'（(…~])"
# a reply recounting what the person it speaks to wrote (你说…, 您提到…) is about that person's life too, and so is a
# form filled in with a name or a private contact (a CV, a class list: 姓名：…, 手机：…; a public figure's profile
# gives neither)
_PERSONAL = re.compile(
    rf"我|本人|俺|咱|自己|{_CLAUSE_OPEN}(?:{_RELATIONS})|[你您](?:说|提到)(?!的)"
    r"|(?:^|(?<=\s))(?:姓名|手机|邮箱|微信)[:：]",  # a form's field opening a line
    re.M,
)
# the writer's own people: a relation word opening a clause or after 我 (not 他哥哥, 她老公: another's)
_WRITERS_RELATION = re.compile(rf"(?:{_CLAUSE_OPEN}|我的?|咱|俺)(?:{_RELATIONS})")
# right before a phone number or address: the writer's or their people's own (家住, 寄到, 收货)
_HOME = re.compile(r"家|住|寄|快递|收货|收件|宿舍|老家|户口|联系我|找我|加我|我的|手机")
# the owner of a phone number or address named right before it: a place or a business (它的电话, 他们的地址,
# 这里的联系电话), not a person
_IT = re.compile(r"它")
_PLACE_OWNER = re.compile(r"(?:他们|这里|这儿|那里|那儿|该店|该馆)的")
_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_LANDLINE_LIST = re.compile(r"0\d{2,3}-?\d{7,8}\s*[,，;；、/或和]\s*(?:0\d{2,3}-?)?\d{7,8}")
# a role held in an institution: 中心主任, 医院…科医生, 省委书记 (the institution word right before the role)
_INSTITUTION_END = re.compile(
    r"(?:院|科|所|局|委|中心|疾控|部|组|站|厅|会|校|司|室|处|队|团|馆|台|社|报|大学|政府|办|集团|公司)(?:的)?$"
)
_REPORTING = re.compile(r"(?:表示|回应称?|指出|强调|透露|坦言|呼吁|介绍说|称[，,：:])")
_PRIVATE_OWNER = re.compile(r"我|我们|咱|俺")
# the writer in the clause after a role holder's name: their superior, not an official (not 我国, 我院: an
# institution's own voice)
_WRITER_AFTER_ROLE = re.compile(r"我(?![国省市县区院校局所司部委会])")
_QUOTED = re.compile(r"[\u4e00-\u9fff]{0,2}语[)）]")  # （X博士语）: a saying quoted from a public speaker
_ADDRESSEE = re.compile(r"你|您")
_HONORIFIC = ("先生", "女士")
# what an author wrote, right after their name (and title): X的书, X老师的文章, X写的小说, X老师的《…》, X在《…》中
_AUTHOR_AFTER = re.compile(
    r"(?:先生|女士|老师|教授)?(?:(?:的|写的|所著的?)(?:书(?![包桌架本柜房])|新书|作品|文章|小说|著作|译本|散文|诗集|文笔|《)"
    r"|在《)"
)
# a name cited as a public one: its saying (正如X所说) or a case named after it (X自杀案, X事件)
_SAYING_BEFORE = re.compile(r"(?:正如|如同|诚如)$")
_SAYING_AFTER = re.compile(r"(?:先生|女士|老师|教授)?(?:所说|所言|说的那样)")
_CASE_AFTER = re.compile(r"(?:自杀|被杀|遇害|失踪)?(?:案|事件)(?![子件情])")
# a birthday or school recited as knowledge about a third person: their age worked out from it, a question to the
# listener about them, or how well known the fact is (今年四十岁, 你知道他是做什么的吗, 很多人都知道)
# (an age counts for a birthday only: 他毕业于…，今年28岁 describes a date's partner as often as a star; neither
# does 学历 or 高材生, which dating posts use of the men they meet)
_AGE = re.compile(r"(?:今年|现在|才|已经|不到|快|都)(?:刚好|刚|才|还不到|也就)?[\d一二三四五六七八九十两]+多?岁")
_KNOWLEDGE = re.compile(
    r"是做什么的|是干什么的|做什么的[吗呢]|哪里人|哪里毕业|哪个学校|哪所学校|出生地|在哪里?出生|英文名|外文名"
    r"|听说过|都知道|据我所知|偶像|粉丝|追星|科班"
)
# a name given in another language or as an alias (英文名叫…, 外文名字是…, 别名叫…): how public people and works are
# introduced; a private person's comes with the writer (我男朋友英文名叫…) and stays theirs
_ALIAS = re.compile(r"(?:(?:英文|外文|中文|日文|韩文)名字?|别名|艺名|本名|原名)(?:叫|是|为)[:：]? ?$")
# the person a birthday or school belongs to: the last person word before it in its sentence
_OWNER = re.compile(rf"我|你|您|(?:{_RELATIONS})|他们|她们|他|她|它")
THIRD, OTHER = "third", "other"  # _owner: a third person's, or the writer's or someone talked to
CUED = 0.8  # NameRecognizer: a name after a relation word, a naming cue or a self-introduction scores this or more
ONE_FRAME = 0.75  # NameRecognizer: a cue-less name scores below this; relation words, titles, greetings at or above
# co-mention and liking, the frames of talk about third persons (not 碰到, 见到: meeting someone is private)
_TALK_FRAME = ("和", "跟", "与", "以及", "还有", "喜欢")


# an official's title after the name (刘彬局长): named in public capacity in a post about no one of the writer's
_OFFICIAL_AFTER = re.compile("(?:副)?(?:局长|书记|县长|市长|区长|镇长|乡长|厅长|处长|部长|院长|所长)")


@functools.cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # 县人 (a native of the county), not 县人民医院: no cue runs into 民
    bio = re.compile(f"(?:{alternation(read_lexicon('public_bio_cues.txt'))})(?!民)")
    venue = re.compile(alternation(read_lexicon("public_venue_cues.txt")))
    role = re.compile(f"(?:{alternation(read_lexicon('public_official_roles.txt'))})$")
    work = re.compile(alternation(read_lexicon("public_work_cues.txt")))
    return bio, venue, role, work


class PostTopics:
    """What a whole post (a question with its answers, a dialogue) is about, computed on first use: a venue, or
    knowledge about people outside the writer's life. A dialogue about a museum gives its phone number in a line
    of its own (电话是010-…) after another line asked for it: its topic is set by all its texts. (Not a work: a
    counselling post that mentions a film elsewhere still names the writer's friends with one frame, 跟X视频.)"""

    def __init__(self, norms: Sequence[str]) -> None:
        self.norms = norms
        self._venue: bool | None = None
        self._knowledge: bool | None = None

    @property
    def venue(self) -> bool:
        if self._venue is None:
            self._venue = any(_cues()[1].search(n) for n in self.norms)
        return self._venue

    @property
    def knowledge(self) -> bool:
        if self._knowledge is None:
            cue = any(_cues()[0].search(n) or _KNOWLEDGE.search(n) for n in self.norms)
            self._knowledge = cue and not any(_WRITERS_RELATION.search(n) for n in self.norms)
        return self._knowledge


class PublicFacts:
    """What the analyzer asks of one text, computed on first use (most texts have no candidate to ask about);
    ``post``: the topics of the post it belongs to (None: this text is the post)."""

    def __init__(self, norm: str, post_personal: bool | None = None, post: PostTopics | None = None) -> None:
        self.norm = norm
        self.post = post
        self._post_personal = post_personal  # see post_is_personal; None: this text is the post
        self._personal: bool | None = None
        self._bio: bool | None = None
        self._venue: bool | None = None
        self._work: bool | None = None
        self._knowledge: bool | None = None

    @property
    def personal(self) -> bool:
        if self._personal is None:
            self._personal = bool(_PERSONAL.search(self.norm))
        return self._personal

    @property
    def post_personal(self) -> bool:
        if self._post_personal is None:
            self._post_personal = post_is_personal([self.norm])
        return self._post_personal

    @property
    def biography(self) -> bool:
        if self._bio is None:
            self._bio = not self.personal and bool(_cues()[0].search(self.norm))
        return self._bio

    @property
    def venue(self) -> bool:
        if self._venue is None:
            self._venue = bool(_cues()[1].search(self.norm))
        return self._venue

    @property
    def work(self) -> bool:
        """The text talks about a book, film or song (书中, 主人公, 这首歌)."""
        if self._work is None:
            self._work = bool(_cues()[3].search(self.norm))
        return self._work

    @property
    def knowledge(self) -> bool:
        """The text recites facts about someone outside the writer's life: a career word or a knowledge cue, and no
        relation word of the writer's (他哥哥 is another's); or its post does."""
        if self._knowledge is None:
            cue = _cues()[0].search(self.norm) or _KNOWLEDGE.search(self.norm)
            self._knowledge = bool(cue) and not _WRITERS_RELATION.search(self.norm)
            self._knowledge = self._knowledge or (self.post is not None and self.post.knowledge)
        return self._knowledge

    @property
    def age_recited(self) -> bool:
        """The text works out someone's age (今年五十多岁, 才38岁) and names none of the writer's people."""
        return bool(_AGE.search(self.norm)) and not _WRITERS_RELATION.search(self.norm)

    @property
    def career(self) -> bool:
        """The text describes a public career (演员, 专辑, 出道) and names none of the writer's people; unlike
        ``knowledge``, an age (今年25岁) does not count: counselling posts give the writer's own."""
        return bool(_cues()[0].search(self.norm)) and not _WRITERS_RELATION.search(self.norm)

    @property
    def place_talk(self) -> bool:
        """The text or its post is about a venue: its landlines and addresses are the venue's."""
        return self.venue or (self.post is not None and self.post.venue)


def post_is_personal(texts: Sequence[str]) -> bool:
    """Any text of the post speaks of its writer or their people, or to someone (我, 男朋友, 你)."""
    return any(_PERSONAL.search(t) or _ADDRESSEE.search(t) for t in texts)


def _mobile(value: str) -> bool:
    return bool(_MOBILE.fullmatch(digits(value)))


def _owner(norm: str, c: Candidate) -> str | None:
    """Whose birthday or school the span is: ``THIRD`` if the last person word before it in its sentence is a
    third person (他是…出生的, 她毕业于…) or one follows it (…出生的她), ``OTHER`` for any other person word (我, 你,
    男朋友), None if its sentence names no one (1970年11月06日出生的，也快50了)."""
    left = norm[max(0, c.start - 24) : c.start]
    left = left[max(left.rfind(ch) for ch in "。！？!?\n") + 1 :]
    owners = _OWNER.findall(left)
    if owners:
        return THIRD if owners[-1] in ("他", "她", "他们", "她们") else OTHER
    return THIRD if re.match(r"[^，。！？,.!?]{0,6}的(?:他|她)", norm[c.end : c.end + 10]) else None


def _tied_to_writer(norm: str, c: Candidate) -> bool:
    """The name acts in the writer's life: the writer is in its clause (我和X, X总是把工作推给我) or a person's verb
    follows it (X说, 和X分手)."""
    left = clause_before(norm, c.start, 16)
    return "我" in left or "我" in clause_after(norm, c.end, 16) or bool(FRAME_AFTER.match(norm, c.end))


def is_public(facts: PublicFacts, c: Candidate) -> bool:
    """The candidate names or describes a public person or place (see the module doc): keep it."""
    norm = facts.norm
    if c.kind in ("birthday", "org", "name") and facts.biography:
        return True
    recited = facts.knowledge or (c.kind == "birthday" and facts.age_recited)
    if c.kind in ("birthday", "org") and recited:
        owner = _owner(norm, c)
        if owner == THIRD:
            return True  # 他是1964年出生的，今年五十多岁 / 她是…学院毕业的，你知道她是做什么的吗
        if owner is None and facts.knowledge and not facts.personal:
            return True  # 1970年11月06日出生的，也快50了: in a dialogue about a star, the one it is about
    if c.kind in ("phone", "address"):
        before = clause_before(norm, c.start, 12)
        if _HOME.search(before):
            return False
        if _IT.search(before) or (facts.place_talk and not _mobile(norm[c.start : c.end])):
            return True  # a mobile number is a person's, even a guesthouse owner's or a driver's
        if _PLACE_OWNER.search(before) and not facts.personal:
            return True  # 他们的电话, 这里的地址: an institution's or a place's
        if c.kind == "phone":
            return any(m.start() <= c.start < m.end() for m in _LANDLINE_LIST.finditer(norm, max(0, c.start - 16)))
        return False
    if c.kind == "name":
        role_end = norm[max(0, c.start - 16) : c.start]
        role = _cues()[2].search(role_end)
        if role:
            chain = clause_before(norm, c.start - len(role.group()), 10)
            # 科室主任X点名批评了我; not 卫健委副主任X怒斥造谣者：“我…: the 我 of a quotation is the speaker's
            unquoted = re.split('[:：“"「]', clause_after(norm, c.end, 16), maxsplit=1)[0]
            writer_after = _WRITER_AFTER_ROLE.search(unquoted)
            if _INSTITUTION_END.search(chain) and not _PRIVATE_OWNER.search(chain) and not writer_after:
                return True
        if _REPORTING.match(norm, c.end) or _QUOTED.match(norm, c.end):
            return True
        if _OFFICIAL_AFTER.match(norm, c.end) and not facts.post_personal:
            return True  # 刘彬局长并要求… in a post about no one around its writer: an official in the news
        if _ALIAS.search(norm, max(0, c.start - 8), c.start) and not (
            _WRITERS_RELATION.search(norm) or _OWNER.findall(clause_before(norm, c.start, 16))[-1:] == ["我"]
        ):
            return True  # 她的外文名字叫…, 他有个别名叫…: a public person's or a work's other name
        if c.score < ONE_FRAME and facts.venue:
            return True  # 和莫泰, 金鼎的餐厅: a place or brand; staff are named with a cue (一个叫…的服务员)
        if c.score < ONE_FRAME and (facts.work or facts.career or facts.knowledge) and not _tied_to_writer(norm, c):
            return True  # 雪穗和X, 喜欢X的文笔, 还有X呀，一位歌手: a character, an author, a star
        if norm.startswith(_HONORIFIC, c.end) and not facts.post_personal:
            return True  # X先生 in a post about no one around its writer: public or business writing
        saying = _SAYING_BEFORE.search(norm, max(0, c.start - 2), c.start) and _SAYING_AFTER.match(norm, c.end)
        if (_AUTHOR_AFTER.match(norm, c.end) or saying or _CASE_AFTER.match(norm, c.end)) and c.score < CUED:
            return True  # X老师的《…》, 正如X所说, X自杀案: an author, a speaker, a case (我男朋友X写的…: his)
        if norm.startswith("教授", c.end) and facts.work and not _tied_to_writer(norm, c):
            return True  # X教授的话 in a text about a book: an author or a scholar
        # one frame, before (和X) or, for a nickname (X哥, X姐), after (X哥又…): in a post about no one, a third
        # person (a full name with a verb after it, 向晴又没来, stays: it is how a poster names a classmate)
        after = bool(FRAME_AFTER.match(norm, c.end))
        nickname = c.end - c.start == 2 and norm[c.end - 1] in KIN_NICK
        one_frame = (norm.endswith(_TALK_FRAME, 0, c.start) and not after) or (nickname and after)
        return c.score < ONE_FRAME and one_frame and not facts.post_personal
    return False
