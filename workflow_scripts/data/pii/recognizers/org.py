"""Schools and employers that place the poster: a specific name + an organisation suffix (北京师范大学,
招商银行深圳分行科技园支行, 成都七中), a brand (华为) or a name given as what a workplace is called (一家叫…的公司),
in a first-person frame (我在…读书, 我是…的员工, 毕业于…, 被…裁员, 我们公司叫…). An institution named in general
(哈佛大学的教授, 去医院) has no such frame and is kept."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator

from workflow_scripts.data.pii.base import (
    SCHOOL_YEAR,
    SENTENCE_STOPS,
    Candidate,
    Context,
    Recognizer,
    alternation,
    clause_after,
    clause_before,
    read_lexicon,
    segmenter,
)
from workflow_scripts.data.pii.recognizers.address import LEFT_STOP_CHARS, left_start

_BEFORE = ("在", "我是", "我们", "就读于", "毕业于", "工作于", "任职于", "就职于", "供职于", "考上了", "考上", "考进",
           "考进了", "考入", "考入了", "考到", "学校是", "单位是",
           "入职", "加入", "进了", "进入", "被", "去了", "住进", "转到", "转到了", "转学到", "转学到了", "调剂到",
           "跳槽到", "应聘到",
           "来自", "母校", "母校是", "我(", "学校(", "单位(", "公司(", "面试了", "面试过")  # fmt: skip
_AFTER = (
    "上班", "工作", "读书", "念书", "上学", "读研", "读博", "读大", "读高", "读初", "读小", "上高", "上初", "上大",
    "实习", "毕业", "当", "任职", "就读", "的学生", "的员工", "的老师", "的同事", "的医生", "的护士",
    "的研究生", "的本科", "裁员", "辞退", "开除", "离职", "辞职", "住院", "看病", "开药", "挂号", "看过",
    "住了", "考研", "做了检查", "做检查", "的网点", "的竞争", "读高二", "任教", "教书", "的一名", "的规培",
    "在读", "研一", "研二", "研三", "大一", "大二", "大三", "大四", "打工",
    "高一", "高二", "高三", "初一", "初二", "初三", "录取", "的工资", "的工号", "的工牌", "的合同", "待了", "呆了",
    "的公务员", "专业的", "的offer", "的Offer", "的录用", "的conditional offer", "的新生",
)  # fmt: skip
# a branch or a part that continues an organisation's name (北京大学|第六医院, 招商银行|深圳分行, 某大学|心理中心)
_CONTINUATION = re.compile(
    r"(?:第[一二三四五六七八九十]{1,3}|附属|[\u4e00-\u9fff]{2,6}?)?"
    r"(?:分行|支行|营业部|附属医院|医院|附属中学|附中|中学|小学|医学院|学院|分院|分校|校区|分公司|心理卫生中心|精神卫生中心"
    r"|心理中心|心理咨询中心|心理健康中心|心理健康教育中心)"
    r"|(?:[\u4e00-\u9fff]{2,4}?)?(?:事业部|研发中心|办事处|分部|总部|工厂|门店|分店)"  # 蚂蚁集团|事业部
    r"|信用卡中心|客服中心|数据中心|呼叫中心"  # 招商银行|信用卡中心
)
# a school named by its number after a place: …四中 (middle), …二小 (primary); not 中午, 一小时, 一小部分
_NUM_SCHOOL = re.compile(
    r"[一二三四五六七八九十]{1,2}(?:中(?![午间心文国学途期年级])|小(?![时部会口块段步半点姐孩朋伙组学便型号心些儿的子]))"
)
_DETERMINERS = set("一某各本该此每这那")
_FUNCTION_TAGS = {
    "c",
    "p",
    "u",
    "uj",
    "ul",
    "uz",
    "ud",
    "ug",
    "uv",
    "r",
    "q",
    "t",
    "f",
    "y",
    "e",
    "o",
    "zg",
    "m",
    "mq",
}
_ORDINAL = re.compile(r"第(?:[一二三四五六七八九十]{1,3}|\d{1,3})|[一二三四五六七八九十]{1,3}")
_PROPER_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "j", "eng"}

_FUNCTION_CHARS = set("着了的地得过刚就都也还又很才把被给让在是要想会能不没")
_ADMIN_UNITS = set("省市县区镇乡")
# kinds of organisation that a place before them does not make one (上海公司, 云南省学校, 北京三甲医院; but 北京
# 医院, 南京大学 and 上海中学 are names)
_KIND_ONLY = ("学校", "高校", "公司", "三甲医院")
_INDEFINITE = re.compile(r"[一某](?:家|所|个|间|座)$")
# the writer names their own workplace: (我们)公司是…, 单位是… opening a clause (not 出品公司是…)
_OWN_WORKPLACE = re.compile(r"(?:^|[，。！？；,.!?;\s]|我|我们|我的)(?:公司|单位|厂|工厂)(?:是|叫|\(|：|:)$|我们$")
_SPEAKER = re.compile(r"^(?:回复|咨询师|来访者|楼主|答|我)[：:]")
# a school one hopes for, would or did not get into (希望能考上…, 没能考进…, 就算考上…): not where anyone studies
# (能 not before a verb of perceiving: 能感受到你在复旦的…)
_WISH = re.compile(
    r"希望|想|梦想|目标|如果|要是|就算|即使|哪怕|没能|没有|没|不能|能不能|能否|争取|打算|准备|能(?!感受|感觉|看出|看到|理解|体会|想象)"
)
# the writer's own school or workplace named by a generic word right before it (实习单位是…, 我们学校(…))
_OWN_PLACE = re.compile(
    r"(?:^|我|我们|我的|实习|工作|现在的|以前的|之前的)(?:公司|单位|厂|工厂|学校|母校|小学|初中|高中|大学|本科)"
    r"(?:是|叫|\(|：|:)$"  # 我们公司(…), 学校：… (a form's field)
    # a CV's or form's field (毕业院校：…, 实习经历：…)
    r"|^(?:毕业院校|就读学校|就读院校|教育背景|工作单位|实习单位|就职单位|工作经历|实习经历|教育经历)[:：] ?$"
)
_ROAD_WORDS = {"路", "街", "大街", "大道", "巷"}
_SCHOOL = re.compile(r"(?:中学|小学|学校|幼儿园|附中|附小)$")
# an organisation named by what it is called (一家叫恒大物业的公司, 叫做星辰教育的培训机构): the name, 的, its kind
_CALLED = re.compile(
    r"叫(?:做)?(?P<name>[\u4e00-\u9fffA-Za-z]{2,10}?)的(?:[\u4e00-\u9fff]{0,2}?)(?:公司|单位|工厂|厂|店|学校|医院|机构|幼儿园)"
)
# …or by the name said after its kind, closing the clause (进了一家做物流的公司，叫…; 我们厂是一家电子厂，叫…)
_CALLED_AFTER = re.compile(
    r"(?:公司|单位|工厂|厂|店|学校|医院|机构|幼儿园|专科|大专|企业|外企|国企|私企)[，,]?(?:名字|名)?叫(?:做)?"
    r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,10})(?=[，。！？；,.!?;\s]|$)"
)
# joining or having been hired where the writer was in the sentence before the name (进了…, 我们厂是…)
_JOINED = re.compile(r"进了|进入|去了|入职|考上|考进|考入|(?:我|我们)(?:公司|厂|单位|学校)|我(?:现在)?在一家")
# the writer's own workplace or school named in brackets after its kind (我们公司(恒远物流), 我们厂（…）)
_BRACKETED = re.compile(r"(?:我|我们|我的)(?:公司|单位|厂|工厂|学校)\((?P<name>[^()，。,.]{2,14})\)")
_PSEUDONYM = re.compile(r"某|化名|匿名|保密|不便")
# a notice signed by the writer's workplace and department (——鑫源物流运营部, —— 苏州恒信精工 行政部 何琳), after a
# dash or on a line of its own (an e-mail's signature: …有限公司 人力资源部\n电话：…)
_SIGNATURE_TAIL = (
    r" ?(?:行政部|人力资源部|人事部|财务部|运营部|市场部|销售部|技术部|研发部|综合部|后勤部|客服部|采购部|生产部"
    r"|办公室|总经办|工会|财务|人事|行政)(?: [\u4e00-\u9fff]{2,3})?[ \t]*(?:\n|$)"
)
_SIGNED_BY = re.compile(r"(?:(?:——|—|--) ?|^|(?<=\n))(?P<name>[\u4e00-\u9fffA-Za-z]{2,14}?)" + _SIGNATURE_TAIL)
_SIGNED = re.compile(_SIGNATURE_TAIL)
_BARE_NUMBER = re.compile(r"(?<!第)\d")  # 211大学, 2B学校 name a rank, not a school
_CLAUSE_END = SENTENCE_STOPS + "，,；;"
# membership in an organisation, said anywhere in the clause around its name, not only next to it (我爸在…干了二十年,
# 我在…当客服实习, 大学是在…读的): working or studying there
_ROLES = (
    r"经理|主管|员工|职工|老师|医生|护士|会计|出纳|客服|司机|保安|店长|工程师|程序员|实习生|学生|研究生|博士生|本科生"
    r"|住院医|规培生|护工|厨师|前台|文员|保洁|教练|销售|收银员|柜员|HR|hr|人事|老板|辅导员|班主任|公务员|科员|职员"
    r"|站长|厂长|民警|辅警|麻醉师|药剂师|设计师|会计师|技术员|业务员|营业员|检验师|治疗师|工人|普工|演职人员|主播|店员"
    r"|空乘|空姐|乘务员|地勤|安检员|机长|飞行员|骑手|快递员|外卖员|分拣员|内勤|理赔员|新生|钳工|电工|焊工|车工|木工"
)
_WORK = (
    r"上班|上[夜白早晚中]班|值班|加班|倒班|报到|工作(?!人员)|就职|任职|供职|入职|离职|辞职|转正|试用期|辞了|跳槽|实习|打工|干了|干过"
    r"|[干做]到(?:了|过)?(?:" + _ROLES + r")|教(?:书|课|英语|数学|语文|物理|化学|钢琴|美术|体育|舞蹈)"
    r"|跑了?[一两二三四五六七八九十几半\d]*(?:个月|年)?的?单|[做待呆][了过][一两二三四五六七八九十几半\d多]+(?:个月|年)"
    r"|[干做]到退休|辞退|裁员|裁了|裁掉|开除|分配到|调到|调入|上了[一两二三四五六七八九十半几\d个多年月天辈子]{1,5}班|流水线|后厨|教了|催收"
    r"|(?:做|当)了?(?:一辈子|大半辈子|[一两二三四五六七八九十几\d多]+年的?)?(?:"
    + _ROLES
    + "|服务员|质检|仓管|跟单|采购|行政|财务|运营|导购|美工|编辑"
    r"|文案|策划|招聘|审核|内容审核|客服|销售|设计|研发|测试|收银|硬件|软件|前端|后端|产品|用户运营)"
)
_MEMBERSHIP = re.compile(
    _WORK + r"|读书|念书|上学|就读|在读|读研|读博|读的|复读|转学|规培|辍学|退学|休学|(?:上|读|念)的是"
    r"|(?<!\d)(?:19|20)?\d{2}届"  # 2005届: a class of the school (黄冈中学2005届高三(4)班)
)
# an occupation in it said right after the name (…分行的客户经理, …公司的一名会计); not 的领导 (a public body's)
_ROLE_AFTER = re.compile(r"的.{0,3}?(?:" + _ROLES + "|宿舍)|的(?:同事|上司)")
_EMPLOYMENT = re.compile(_WORK)
_ADMITTED = re.compile(r"的录取通知书|的录取短信|录取了?(?:我|[，,。！!]|$)")
# the grade or class someone is in there, or boarding there (在…小学读五年级, 在…幼儿园上中班, 在…中学住校): only a
# pupil is, so the school is someone's, whoever the clause names
_PUPIL_THERE = re.compile(rf"(?:读|上|念)(?:{SCHOOL_YEAR})|住校")
_TIME_IN = re.compile(
    r"的(?:那|这)?(?:几年|些年|时候|日子|压力|最后一天|第一天)|(?:的)?[那这]?[几两三四五六七八九十些]年"
    r"|的那个(?:夏天|冬天|春天|秋天)|的第[一二三四五六七八九十\d]年"
    r"|的(?:收入|工资|薪水|月薪|年薪|待遇|岗位)"  # or the pay and post one has there (你在永辉超市的收入)
)
# the organisation is named in general, not as the poster's: what it publishes or ranks, what people hope or hear of
_PUBLIC = re.compile(
    r"教授|专家|学者|研究(?![生所院])|新闻|报道|排名|分数线|录取线|招生|官网|发布|听说|据说|附近|旁边|对面|门口|周边|周围|边上|想考|(?<!不)想去|梦想|目标|向往|比如"
    r"|例如|推荐|建议|之类|这样的|有名|著名|知名"
)
# (毕业后进了…, 结婚以后在…: what happened first, then the frame verb)
_RECOUNTED = re.compile(r"^[你您](?:提到|说|说过|讲到|提过)(?:你|您|自己)?")
_TIME_LEAD = re.compile(
    r"^(?:去年|今年|前年|当年|那年|后来|最后|终于|刚刚|已经|之前|以前|现在|目前|[\u4e00-\u9fff]{1,3}?(?:以后|之后|后))"
)
# a stage of schooling and how the writer got there, with no subject: the writer's own (大学读的是…, 高中去了…,
# 初中是在…, 研究生考到了…)
_STAGE = re.compile(
    r"^(?:小学|初中|高中|中学|大学|大专|专科|本科|研究生|读研|硕士|博士)(?:是|时|的时候)?"
    r"(?:在|(?:读|上|念|考)的是|读的|(?:考|保研|调剂)?(?:到|上|进|入|去)了?)$"
)
# a student's year closing the clause (…大学大三，…), not a headline's (…大学大三学生坠楼)
_WORK_AT = re.compile(r"(?:实习|工作|上班|读书|上学)(?:是)?在")
_JOINED_WHEN = re.compile(
    r"(?:[一二三四五六七八九十两\d]{1,2}月份?|上个?月|这个?月|年初|年底|年中|刚刚?)(?:入职|进|加入|考上|考进|考入)了?的?$"
)
_YEAR_WORD = re.compile(r"大[一二三四]|研[一二三]|博[一二三四]")
_YEAR = re.compile(r"(?:大[一二三四]|研[一二三]|博[一二三四]|高[一二三]|初[一二三])(?:在读)?$")
# the workplace or school as the topic opening the writer's sentence (平安保险的考核太变态了，我…; …有限公司拖欠了我
# 三个月工资; 贝壳找房干了八个月…; 网易这边我待了四年; …中学的晚自习…): its pay, appraisal, shop floor or school life
# said right after the name, what it did to the writer, or the writer's time there; a customer's or a visitor's
# words (的快递, 的服务, 的工作人员, 的排名) are none of these
_TOPIC_WORK = re.compile(
    r"(?:这边|这里)?的?(?:这份|这)?(?:工作(?!人员|环境|氛围)|工资|考核|绩效|业绩|流水线|车间|项目部|年终奖|试用期|实习期"
    r"|规培|编制|岗位|996|offer|Offer|面试(?!官)"
    # or the writer's school life there (…外国语学校的竞争太激烈了，我每次考试都排倒数)
    r"|竞争|宿舍|食堂|晚自习|军训|校规|作业|考试|学习压力|课程|宿管|辅导员|班主任|实验室|课题组"
    r"|节奏|待遇|福利|夜班|排班|(?:这|那)?[一二三四五六七八九十两几]年(?!级)(?:里|来|时光|生活|时间)?)"
    r"|是我的?(?:第[一二三四五六七八九十]份|现在的|目前的)?(?:工作|单位|东家)"
    r"|(?:这边|这里)?(?:我|我们)?(?:已经|都|才|天天|每天|经常|一直)?"
    r"(?:入职|(?:干|待|呆|做|工作|实习)了(?=[一两二三四五六七八九十半几\d多好整快近])|上班(?!的)|加班(?!的))"
    r"|(?:去年|今年|前年|最近|上个?月|这个?月|这两年|这几年)?"
    r"(?:(?:拖欠|克扣)(?=[^，。！？,!?]{0,8}(?:工资|薪|加班费|提成|奖金|绩效))|裁了|裁员|辞退|开除|不给我们?发"
    r"|把我(?:调|辞|开|派|分))"
)
# the writer in person, not a relation of theirs (我朋友说…)
_WRITER = re.compile(
    r"我(?!朋友|同学|室友|爸|妈|老公|老婆|男朋友|女朋友|男友|女友|哥|姐|弟|妹|闺蜜|舅|叔|姑|姨|爷|奶|对象|亲戚|表|堂|家)"
)
_INNER_UNITS = ("研发中心", "分公司", "子公司", "事业部", "办事处", "项目部")
_ENVY = re.compile(r"羡慕|向往|想进|想去|梦想|听说|据说|出了名|新闻|报道|怎么样|如何|好不好")
_REGISTERED = ("有限公司", "有限责任公司", "事务所")
_REGISTERED_END = re.compile(f"(?:{alternation(_REGISTERED)})$")
_LEAD_WORDS = ("作为", "离开", "身为")
_KNOWING = re.compile(
    r"(?:也|都|还|就|只)?(?:知道|以为|觉得|认为|记得|听说|猜|估计|了解|想问|问你|告诉你)"
)  # 我知道…: no place of the writer's
# a registered company or one branch or unit of a body: a place that few people share, not a body named in general
_BRANCH_UNITS = ("支行", "分行", "营业部", *_INNER_UNITS)
_SPECIFIC_UNITS = (*_REGISTERED, *_BRANCH_UNITS)
_BRANCH_OF = re.compile(rf"(?:银行|公司|集团)(?=[\u4e00-\u9fff]{{1,6}}(?:{alternation(_BRANCH_UNITS)})$)")


# a person's job there said after the name (…的老工程师, …的科长) or the name closing the clause (我爸是…局的。)
_JOB_AFTER = re.compile(
    r"的(?:老|新|资深|正式|普通)?(?:" + _ROLES + r"|科长|处长|股长|科员|行长|店长)?(?=[，。！？,.!?；;\s]|$)"
)
# a person, not a thing, as the subject of the copula before the name
_PERSON_IS = re.compile(
    r"(?:我|你|他|她|我们|本人|自己|老公|老婆|丈夫|妻子|爸|妈|爸爸|妈妈|父亲|母亲|哥|姐|弟|妹|哥哥|姐姐|弟弟|妹妹|朋友"
    r"|同学|室友|男朋友|女朋友|男友|女友|对象|闺蜜|亲戚|舅舅|叔叔|姑姑|阿姨|表哥|表姐|表妹|表弟|儿子|女儿|姐夫|嫂子)"
    r"(?:也|都|还|就|原来|以前|现在)?是$"
)


def _job_of(norm: str, start: int, end: int) -> bool:
    """A person (我, 我妈, 我男朋友) is said to be of the organisation by the copula (我妈是…局的科长, 他是…的。),
    not a thing (我手机也是华为的: its maker)."""
    left = clause_before(norm, start, 16, _CLAUSE_END)
    return bool(_PERSON_IS.search(left)) and bool(_JOB_AFTER.match(norm, end))  # not 我手机也是华为的


def in_writers_sentence(norm: str, start: int, end: int) -> bool:
    """The sentence around ``norm[start:end]`` speaks of the writer (我, 我们; not 我朋友), no third person is its
    latest subject before it and it is no hearsay or envy (听说…有限公司…, 他在…支行…)."""
    before = clause_before(norm, start, 30, SENTENCE_STOPS)
    sentence = before + clause_after(norm, end, 30, SENTENCE_STOPS)
    subjects = _SUBJECT.findall(before)
    if subjects and subjects[-1] in ("他", "她"):
        return False
    placed = any(not _KNOWING.match(sentence, m.end()) for m in _WRITER.finditer(sentence))
    return placed and not _ENVY.search(sentence)


def topic_of_writer(norm: str, start: int, end: int) -> bool:
    """The organisation opens its clause as the writer's workplace (``_TOPIC_WORK`` right after it, or a unit only
    its staff name) and the writer is in the sentence, not envying or hearing of it (腾讯的工资那么高，我好羡慕)."""
    inner = norm[start:end].endswith(_INNER_UNITS)  # 腾讯成都研发中心这边…: a unit only its staff name
    group = norm[max(0, start - 2) : start] if norm.endswith(("我们", "你们"), 0, start) else ""
    lead = len(group)  # 我们京东的…, 你们京东的年终奖发了没: the writer's or the addressee's own
    if (start > lead and norm[start - lead - 1] not in _CLAUSE_END) or not (inner or _TOPIC_WORK.match(norm, end)):
        return False
    sentence = clause_after(norm, end, 40, SENTENCE_STOPS)
    return (group == "你们" or bool(_WRITER.search(sentence))) and not _ENVY.search(sentence)


# the writer's profile, a sentence of short comma-separated items (本人女，27岁，坐标杭州，阿里P6，未婚): an
# organisation that is one of its items, alone or with a level, a role or a year after it, is the writer's own
_PROFILE_MARK = re.compile(
    r"(?:^|(?<=[，,。：:\s]))(?:本人|楼主)?[男女](?=[，,])|(?<!\d)\d{2}岁|(?:^|(?<=[，,]))\d{2}(?=[，,])|[06789]\d年(?=[，,])"
    r"|[0789]0后|坐标|未婚|已婚|离异|单身|硕士|本科|博士|985|211|年薪|月薪|有房|有车"
)
_ITEM_TAIL = re.compile(
    r"(?:[PpTtMm]\d{1,2}|员工|在职|毕业|在读|大[一二三四]|研[一二三]|[\u4e00-\u9fff]{0,3}?(?:" + _ROLES + r"))?"
    r"(?=[，,。；;！!\n]|$)"
)


def profile_item(norm: str, start: int, end: int) -> bool:
    """``norm[start:end]`` opens an item of the writer's profile (``_PROFILE_MARK`` twice in its sentence) and the
    item holds nothing else but a level, a role or a year (阿里P6, 平安银行客户经理, 川大毕业)."""
    if (start and norm[start - 1] not in "，,：: ") or not _ITEM_TAIL.match(norm, end):
        return False
    sentence = clause_before(norm, start, 40, SENTENCE_STOPS) + clause_after(norm, end, 60, SENTENCE_STOPS)
    return len(_PROFILE_MARK.findall(sentence)) >= 2


# people around the writer who may study or work somewhere (孩子, 老公, 表妹 …)
_PEOPLE = (
    r"孩子|儿子|女儿|闺女|娃|宝|老公|老婆|丈夫|妻子|爸|妈|哥|姐|弟|妹|亲戚|朋友|同学|室友|同事|男友|女友|对象"
    r"|本人|自己|该生"
)
_SUBJECT = re.compile(r"我|你|他|她|" + _PEOPLE)


# after a school or workplace: a relative clause naming who studies or works there (读书的表妹, 上班的老公)
_ATTENDING_WHO = re.compile(
    r"(?:读书|上学|念书|读[小初高大研博][一二三四五六]?|上班|工作|实习)的[表堂]?(?:" + _PEOPLE + ")"
)


# a line of a CV's work or study history: a span of years, the organisation, then at most a role
# (2015—2019 上海仁济医院 住院医师; 2019.9-至今 …)
_CV_YEAR = r"(?:19|20)\d{2}(?:[./年]\d{1,2}月?)?"
_YEARS_LEAD = re.compile(
    rf"(?:^|\n)[ \t]*(?:[\u4e00-\u9fff]{{2,6}}[:：] ?)?{_CV_YEAR} ?[—–\-~～至到]+ ?(?:{_CV_YEAR}|至今|今|现在) ?$"
)  # the years may follow the line's field (工作经历：2016至今 …)
_LINE_TAIL = re.compile(r"[ \t]*[\u4e00-\u9fffA-Za-z]{0,8}[ \t]*(?=\n|$)")


def _history_line(norm: str, start: int, end: int) -> bool:
    """``norm[start:end]`` is the organisation of a CV line: years before it, a role or nothing after it."""
    return bool(_YEARS_LEAD.search(norm, max(0, start - 30), start)) and bool(_LINE_TAIL.match(norm, end))


def _has_subject(norm: str, start: int, end: int) -> bool:
    """A person is the subject (我在…, 孩子在…, or an implicit one: 刚入职…, 去年考上了…), or the poster is named
    right after it (…公司的HR说我); 津巴多正在斯坦福大学任教 or 实验是在…进行的 name an institution in general."""
    right = _clause(norm, start, end)[1]
    if "我" in right[:10] or topic_of_writer(norm, start, end) or profile_item(norm, start, end):
        return True
    if norm.endswith(_SPECIFIC_UNITS, start, end) and in_writers_sentence(norm, start, end):
        return True  # …支行的领导经常骂人，我每天上班都心慌: a branch in the writer's sentence
    if _job_of(norm, start, end) or _ADMITTED.match(norm, end) or _PUPIL_THERE.match(norm, end):
        return True  # 我妈是…的科长; 收到…的录取通知书, 被…录取了: someone's admission there; 读五年级
    if _history_line(norm, start, end):
        return True  # 2015—2019 上海仁济医院 住院医师: a line of the writer's CV
    if _SIGNED.match(norm, end):
        return True  # …有限公司 人力资源部\n: a letter or e-mail signed by its writer's workplace
    if _ATTENDING_WHO.match(right):
        return True  # 在…读书的表妹, 在…上班的老公: the person who studies or works there follows
    sentence_after = norm[end : end + 30]
    sentence_after = sentence_after[: min([i for i in map(sentence_after.find, SENTENCE_STOPS) if i >= 0] or [30])]
    if _ROLE_AFTER.match(right) and "我" in sentence_after:  # …中学的老师都只看成绩，我在那里…: the writer's
        return True
    left = norm[max(0, start - 30) : start]
    cut = max(left.rfind(ch) for ch in _CLAUSE_END)
    clause = left[cut + 1 :]
    if cut < 0 and start <= 30:
        clause = _SPEAKER.sub("", clause)  # 回复：同在…工作: a speaker's label opening a chat line is no part of it
    if _OWN_PLACE.search(clause) or (not clause and _YEAR.match(right)):  # 实习单位是…; …大学大三，…: the writer's
        return True
    # a counsellor's reply recounting the asker's words (你提到在…每天要打…): the asker is the subject
    clause = _RECOUNTED.sub("", clause)
    timed = _TIME_LEAD.sub("", clause)  # 去年考上了…: a time word and a frame verb, nothing else (not 已经预约好的…)
    if _STAGE.match(timed) or (timed.startswith("在") and _MEMBERSHIP.search(right)):  # 现在在一家叫…的机构上班
        return True
    if _WORK_AT.match(timed) or _JOINED_WHEN.match(timed):  # 实习在…, 三月份入职的…: the writer's, no subject said
        return True
    if clause.startswith("从") and clause.endswith("到"):  # 从…到…，我一直…: the subject may follow the path
        return bool(_SUBJECT.search(sentence_after))
    sentence = left[max(left.rfind(ch) for ch in SENTENCE_STOPS) + 1 :]
    return 0 < len(clause) <= 4 or (timed != clause and timed in _BEFORE) or bool(_SUBJECT.search(sentence))


def _clause(norm: str, start: int, end: int) -> tuple[str, str]:
    """The clause's text left and right of a name (at most 16 characters each side)."""
    return clause_before(norm, start, 16, _CLAUSE_END), clause_after(norm, end, 16, _CLAUSE_END)


def _named_in_general(norm: str, start: int, end: int) -> bool:
    """The clause names the organisation in general (an expert from it, its ranking, a place near it, a school one
    dreams of), whatever frame is around it."""
    left, right = _clause(norm, start, end)
    role = _ROLE_AFTER.match(right)
    if role and right.startswith(("建议", "推荐"), role.end()):
        right = right[: role.end()]  # …心理中心的老师建议我…: the writer's counsellor advising, not a recommendation
    return bool(_PUBLIC.search(left) or _PUBLIC.search(right))


def _clause_frame(norm: str, start: int, end: int, words: re.Pattern[str] = _MEMBERSHIP, anyone: bool = False) -> bool:
    """The clause around a name says someone works or studies there, and its latest subject is no third person
    (我只知道他毕业于…: often a public figure) unless ``anyone`` may be (a shop's or a factory's staff: 她晚上在
    …咖啡打工)."""
    sentence = norm[max(0, start - 30) : start]
    subjects = _SUBJECT.findall(sentence[max(sentence.rfind(ch) for ch in SENTENCE_STOPS) + 1 :])
    if subjects and subjects[-1] in ("他", "她") and not anyone:
        return False
    left, right = _clause(norm, start, end)
    if left.endswith("在") and _TIME_IN.match(right):  # 在…的那几年, 你在…的压力: time spent there
        return True
    return bool(words.search(left) or words.search(right) or _ROLE_AFTER.match(right))


def _rare_name(word: str, tag: str, freq: int, school: object, registered: bool = False) -> bool:
    """A word unknown to jieba's dictionary, very rare, or a rare noun reads as a name (博远, 鼎新, 星辰);
    a verb (升入大学) or a frequent noun (品牌公司) names a kind of organisation. Schools are often named
    with ordinary nouns (育才中学); their category words are in org_generic_words.txt. Before a registered
    company's legal form (…有限公司, …事务所) the first content word is its trade name by law, often an
    auspicious word (鼎盛, 华泰): any noun, adjective or descriptive word counts."""
    if registered and tag[:1] in ("n", "a", "z", "b"):
        return True
    return freq < 50 or (tag.startswith("n") and freq < (1000 if school else 300))


_VERB_BEFORE = set("上读考念去到进回在开住出离转办换跳逃找看来叫")


def _place_start(norm: str, start: int, end: int) -> int:
    """``start`` moved back to the start of a place name that the left cut split (隆|回 一中: 回 is a stop
    character to ``left_start``, 隆回 a county)."""
    seg = segmenter()
    for j in range(max(0, start - 3), start):
        if any(start <= j + k <= end and seg.is_place(norm[j : j + k]) for k in (2, 3, 4)):
            return j
    return start


class _Lex:
    def __init__(self) -> None:
        self.institutions = read_lexicon("org_suffixes.txt")
        self.workplaces = read_lexicon("org_workplace_suffixes.txt")
        self.suffixes = self.institutions + self.workplaces
        self.generic = set(read_lexicon("org_generic_words.txt"))
        self.brands = read_lexicon("employer_brands.txt")


@functools.cache
def _lex() -> _Lex:
    return _Lex()


def _specific(prefix: str, generic: set[str]) -> bool:
    """Something specific is left of the prefix once generic modifiers (一所, 三甲, 互联网, 师范) are gone."""
    if len(prefix) < 2 or re.search(r"\d岁|[男女]$", prefix):
        return False
    seg = segmenter()
    last, last_tag = seg.tagged_words(prefix)[-1]
    proper = seg.tags.get(prefix, "") in _PROPER_TAGS or seg.is_place(prefix)  # 南开 is a name, 隆回 a county
    if prefix[-1] in _VERB_BEFORE and not proper and (len(last) < 2 or last_tag not in _PROPER_TAGS):
        return False  # 考上|学校; but 重庆|南开 closes on a proper word
    rest = prefix
    changed = True
    while rest and changed:
        changed = False
        for n in (5, 4, 3, 2, 1):
            if len(rest) >= n and rest[:n] in generic and (n > 1 or rest[0] in _DETERMINERS):
                rest, changed = rest[n:], True
                break
            if n > 1 and len(rest) >= n and rest[-n:] in generic:
                rest, changed = rest[:-n], True
                break
    return len(rest) >= 2 or (len(rest) == 1 and len(prefix) >= 3 and rest.isascii())


def _place_and_kind(span: str) -> bool:
    """A province, city or country and a kind of organisation (上海公司, 云南省学校, 北京三甲医院): it says where,
    not which one. A longer place may be the tail of a name (…石家庄公司)."""
    kind = next((k for k in _KIND_ONLY if span.endswith(k)), "")
    place = span[: len(span) - len(kind)] if kind else ""
    return 2 <= len(place) <= 3 and segmenter().is_place(place)


class OrgRecognizer(Recognizer):
    """Suffix-named organisations. The span must agree with word segmentation (20岁男大学生 cuts 大学生) and
    start with a specific name; the frame (context words right before or after) decides."""

    kind = "org"
    context_before = _BEFORE
    context_after = _AFTER
    window = (3, 6)

    def __init__(self) -> None:
        lex = _lex()
        self.generic = lex.generic
        self.suffixes = lex.suffixes
        self.institutions = set(lex.institutions)
        self.brands = set(lex.brands)  # 百度|南京分公司: a brand heads a name like a place does
        self.suffix_re = re.compile("(?:" + alternation(lex.institutions) + ")")
        self.workplace_re = re.compile("(?:" + alternation(lex.workplaces) + ")")

    def validate(self, norm: str, c: Candidate) -> bool:
        """The span is no part of a person word (20岁男大学生), has no function word or number in it (好多学校,
        质量而大学, 211大学), and its first word that is not a generic modifier or an organisation word is a
        name: a place or organisation (jieba tags ns/nt/nz/j), or a rare word (星辰)."""
        seg = segmenter()
        span = norm[c.start : c.end]
        if (
            norm[c.end : c.end + 1] == "生"
            or _PSEUDONYM.search(span)  # 某公司, 化名A公司
            or _BARE_NUMBER.search(span)
            or _place_and_kind(span)
            or not _has_subject(norm, c.start, c.end)
            or _named_in_general(norm, c.start, c.end)  # 在…大学附近: a landmark, not where the poster studies
        ):
            return False
        head, plain = "", False
        # a place name opening the span is one word, whatever jieba makes of it in context (上|海瑞|丰贸易)
        lead = next((k for k in (4, 3, 2) if seg.is_place(span[:k]) and len(span) > k), 0)
        unit = span[lead : lead + 1] in _ADMIN_UNITS and span[lead - 1 : lead] not in _ADMIN_UNITS  # not 宜宾市|市场
        if lead and unit and len(span) > lead + 1:
            lead += 1  # 安庆|县|第三中学: the county belongs to the place name
        # 东莞农商银行|寮步|支行: the words between a bank or company and its branch name the branch's place
        parent = _BRANCH_OF.search(span)
        branch_place = parent.end() if parent and not any(ch in _FUNCTION_CHARS for ch in span[parent.end() :]) else 0
        pos = 0
        words = [(span[:lead], "ns")] * bool(lead) + seg.tagged_words(span[lead:])
        if len(words) > 2 and len(words[0][0]) == 1 and words[1][1] == "nrt":
            words = [(words[0][0] + words[1][0], "nrt"), *words[2:]]  # 莫|纳什|大学: one transliterated name
        for word, tag in words:
            pos += len(word)
            if head and branch_place and pos > branch_place:
                break
            if (
                tag in _FUNCTION_TAGS
                and word not in self.institutions
                and not (  # 华师一|附中 (f)
                    (tag == "m" and _ORDINAL.fullmatch(word))
                    or (tag == "f" and len(word) > 1 and word[0] in "东南西北中")
                    or (tag == "t" and _NUM_SCHOOL.fullmatch(word))
                )
            ):  # 第一|人民医院, 南方|医科大学 and 泉州|八中 (a time word to jieba) name an organisation
                return False
            if word in self.generic or any(word in x for x in self.suffixes) or (head and word in _ROAD_WORDS):
                continue  # 石榴|路|小学: a road names the school or branch after it
            if head:  # 学期|开学|学校: two ordinary words before the suffix describe, they do not name
                ordinary = tag.startswith("n") and tag not in _PROPER_TAGS and seg.freq.get(word, 0) >= 100
                if plain and ordinary and not word.endswith(tuple(self.suffixes)):
                    return False
                continue
            head = word
            plain = tag.startswith("n") and tag not in _PROPER_TAGS and seg.freq.get(word, 0) >= 100
            suffix = next((x for x in self.suffixes if word.endswith(x)), "")
            if suffix:  # one dictionary word for the whole name (武汉职业技术学院): its part before the suffix
                if word[: -len(suffix)] in self.generic and not (tag in ("nt", "nz") and word != span):
                    return False  # 职业技术|学院 names a kind; 交通|银行 (nt) heading a branch names a bank
            elif not tag:  # a word jieba's HMM made up: a name (博远) unless built on a function word (催着, 时刚)
                if any(ch in _FUNCTION_CHARS for ch in word):
                    return False
            elif not (
                word in self.brands
                or tag in _PROPER_TAGS
                or tag == "f"  # 南方, 东北: a direction word of two characters opening the name
                or _rare_name(word, tag, seg.freq.get(word, 0), _SCHOOL.search(span), span.endswith(_REGISTERED))
            ):
                return False
        return bool(head)

    def _trim(self, norm: str, s: int, end: int) -> tuple[int, bool]:
        """Start of the name once a person word and a verb before it are cut off (孩子|上|育英学校: 上 is no stop
        character, 上海 starts names), and whether the verb says the person attends it (上, 读, 念, 进, 转; 母校
        says it too)."""
        if norm.startswith("母校", s) and end - s >= 4:
            return s + 2, True  # 母校|青州二中: the school someone went to
        person = next((k for k in (3, 2) if norm[s : s + k] in self.generic), 0)
        verb = norm[s + person : s + person + 1]
        word = segmenter().is_word(norm[s + person : s + person + 2])
        if person and verb in _VERB_BEFORE and not word and end - (s + person + 1) >= 2:
            return s + person + 1, verb in "上读念进转"
        return s, False

    def _lead_cut(self, norm: str, s: int, suffix: re.Match[str]) -> int:
        """Start of the name once a lead word the left cut kept is trimmed, since 和, 作 and 离 also open names:
        before a registered name or a branch, a preposition or conjunction (和|深圳市…公司, 作为|中国建设银行…支行)
        or a verb before a place or brand (离开|深圳市…); before any other name, a role word or 离开 before a place
        (作为|雁塔区人社局的一名科员)."""
        seg = segmenter()
        if not norm.endswith(_SPECIFIC_UNITS, s, suffix.end()):
            return s + 2 if norm.startswith(_LEAD_WORDS, s) and seg.is_place(norm[s + 2 : s + 4]) else s
        words = seg.tagged_words(norm[s : suffix.start()])
        if len(words) < 2:
            return s
        word, tag = words[0]
        rest = s + len(word)
        named_next = seg.is_place(norm[rest : rest + 2]) or seg.is_place(norm[rest : rest + 3])
        named_next = named_next or words[1][0] in self.brands
        verb = tag.startswith("v") and seg.freq.get(word, 0) >= 500 and not seg.is_place(word)  # not 招行, 遵义
        if tag in ("p", "c") or (verb and named_next and word not in self.brands):
            return rest
        return s

    def _after_listed(self, norm: str, s: int, suffix_start: int) -> int:
        """Start of the name once another organisation listed before it is cut off (面试了…分行和|曲靖…有限公司):
        the left cut runs across a conjunction when the name before it ends in a suffix too."""
        for before in self.suffix_re.finditer(norm, s, suffix_start):
            join = _LIST_WORD.match(norm, before.end())
            if join and join.end() < suffix_start:
                s = join.end()
        return s

    def _proper_head(self, prefix: str) -> bool:
        """The first word of a workplace's name that is no generic modifier is a name (宏发|电子厂, 富士康|电子厂),
        not a category (服装|厂, 食品|厂), nor what someone does there (没时间逛|超市: a one-character verb before
        the suffix)."""
        seg = segmenter()
        words = seg.tagged_words(prefix)
        if words and words[-1][1] == "v" and len(words[-1][0]) == 1:
            return False
        if any(seg.is_place(prefix[:k]) and len(prefix) > k for k in (4, 3, 2)):
            return True  # 商丘|新亚食品厂: a place opens the name, whatever jieba makes of the rest in context
        for word, tag in seg.tagged_words(prefix):
            if word in self.generic:
                continue
            return not tag or tag in _PROPER_TAGS or word in self.brands or seg.freq.get(word, 0) < 50
        return False

    def _named(self, norm: str, m: re.Match[str]) -> tuple[int, int, bool] | None:
        """The span (start, end) of a specific name ending in the suffix ``m`` and whether a verb before it says
        the person attends it; None if no specific name precedes the suffix."""
        before = norm[m.start() - 1 : m.start()]
        if not before or before in LEFT_STOP_CHARS or not ("\u4e00" <= before <= "\u9fff" or before.isalnum()):
            return None
        s, attends = self._trim(norm, _place_start(norm, left_start(norm, m.start(), 14), m.start()), m.start())
        s = self._after_listed(norm, self._lead_cut(norm, s, m), m.start())
        if not _specific(norm[s : m.start()], self.generic) or _INDEFINITE.search(norm, max(0, s - 2), s):
            return None  # 一家深圳电商公司: an indefinite article before it says some company of that kind
        e = m.end()
        nxt = _CONTINUATION.match(norm, e)
        while nxt and not any(c in LEFT_STOP_CHARS for c in nxt.group()):  # 招商银行|深圳分行|科技园支行
            e = nxt.end()
            nxt = _CONTINUATION.match(norm, e)
        return s, e, attends

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        for m in self.suffix_re.finditer(norm):
            named = self._named(norm, m)
            if named:
                s, e, attends = named
                own = _OWN_PLACE.search(_clause(norm, s, e)[0])  # 我们公司叫…, 我的学校是…: the writer names it
                framed = attends or own or _clause_frame(norm, s, e) or topic_of_writer(norm, s, e)
                framed = framed or profile_item(norm, s, e)
                framed = framed or _job_of(norm, s, e)  # 我妈是宁乡县税务局的科长, 我爸是岳阳市公安局的。
                framed = framed or _history_line(norm, s, e)  # 2016至今 …有限公司 线路工程师: a line of a CV
                # 我和…有限公司签了三年合同, 离开…支行以后我…: a registered name or a branch in the writer's sentence
                specific = norm.endswith(_SPECIFIC_UNITS, s, e) and not norm.startswith(("售后", "客服"), e)
                framed = framed or (specific and in_writers_sentence(norm, s, e))  # not …公司售后部: a customer's
                yield self.cand(s, e, 0.6 if framed else 0.3)
        for m in self.workplace_re.finditer(norm):  # …超市, …电子厂: only where the clause says someone works there
            named = self._named(norm, m)
            if named and m.end() == named[1] and self._proper_head(norm[named[0] : m.start()]):
                s, e, _attends = named
                if (
                    _clause_frame(norm, s, e, _EMPLOYMENT, anyone=True)
                    or _OWN_WORKPLACE.search(norm, max(0, s - 6), s)
                    or topic_of_writer(norm, s, e)
                ):
                    yield self.cand(s, e, 0.6)
        for m in _SIGNED_BY.finditer(norm) if "\n" in norm or "—" in norm or "--" in norm else ():
            s, e = m.span("name")
            trade = _REGISTERED_END.sub("", m.group("name"))  # 有 of 有限公司 is no stop character here
            if _specific(m.group("name"), self.generic) and not any(c in LEFT_STOP_CHARS for c in trade):
                yield self.cand(s, e, 0.6)
        for m in _BRACKETED.finditer(norm) if "(" in norm else ():  # 我们公司(恒远物流): the writer names it
            s, e = m.span("name")
            if not _PSEUDONYM.search(m.group("name")) and self._proper_head(m.group("name")):
                yield self.cand(s, e, 0.6)
        for m in _CALLED.finditer(norm) if "叫" in norm else ():  # 在一家叫…的公司上班: only where someone works
            s, e = m.span("name")
            if _clause_frame(norm, s, m.end()):
                yield self.cand(s, e, 0.6)
        for m in _CALLED_AFTER.finditer(norm) if "叫" in norm else ():
            s, e = m.span("name")
            sentence = clause_before(norm, m.start(), 30, SENTENCE_STOPS)
            opens = not sentence or sentence[-1] in _CLAUSE_END  # 公司叫…, opening: the writer's own (_OWN_PLACE)
            opens = opens or sentence.endswith(("我", "我们", "我的"))  # 我们公司叫…: the writer's own kind word
            if _MEMBERSHIP.search(sentence) or _JOINED.search(sentence) or opens:
                yield self.cand(s, e, 0.6)
        for m in _NUM_SCHOOL.finditer(norm):  # 北京四中, 成都七中, 城关二小: a place, a numeral, 中 or 小
            s, attends = self._trim(norm, _place_start(norm, left_start(norm, m.start(), 10), m.start()), m.start())
            prefix = norm[s : m.start()]
            if len(prefix) >= 2 and prefix[-1] not in "高初" and _specific(prefix, self.generic):
                e = m.end()
                framed = attends or _clause_frame(norm, s, e) or topic_of_writer(norm, s, e) or _job_of(norm, s, e)
                yield self.cand(s, e, 0.6 if framed else 0.3)


# a second organisation in the slot of one already found: listed with it (在新东方和好未来当过老师, 面试了京东和美团)
# or where the writer went next in the same sentence (先在格力干了两年，后来跳槽到了美的; 初中在…读的，高中去了…)
_LIST_WORD = re.compile(r"和|、|跟|与|以及|或者|或|还有")
_MOVED_TO = re.compile(
    r"[，,；;][^。！？!?\n，,；;]{0,8}?(?:(?:(?:跳槽|换|转学|转|调|考|保研|调剂)(?:到|去|进|入)|考上|去读)了?|(?:去|进)了)$"
)
_NEXT_REACH = 25  # how far after the first name the second may start


def _name_like(words: list[tuple[str, str]]) -> bool:
    """Words read as an organisation's name: the first is a brand, a proper name or a rare word (美的, 龙湖|地产),
    not a lone place (去了深圳) nor ordinary words (去了外企, 和老婆)."""
    seg, lex = segmenter(), _lex()
    (first, tag), rest = words[0], words[1:]
    if first in lex.brands:
        return True
    if seg.is_place(first) and not rest:
        return False
    if not tag:  # a word jieba's HMM made up: a name (迈瑞) unless built on a function word (时刚)
        return not any(ch in _FUNCTION_CHARS for ch in first)
    named = tag in _PROPER_TAGS or (tag.startswith("n") and seg.freq.get(first, 0) < 300)
    return named and first not in lex.generic


def _next_name(norm: str, start: int, pending: list[Candidate]) -> Candidate | None:
    """The organisation that opens at ``start``: one a recogniser proposed there without a frame of its own, or the
    words up to the next verb or function word if they read as a name."""
    for c in pending:
        if c.start == start:
            return c
    words: list[tuple[str, str]] = []
    end = start
    for word, tag in segmenter().tagged_words(clause_after(norm, start, 10, _CLAUSE_END)):
        if not "\u4e00" <= word[0] <= "\u9fff" or (tag and (tag in _FUNCTION_TAGS or tag[0] in "vdpa")):
            break
        words.append((word, tag))
        end += len(word)
    if not 2 <= end - start <= 8 or not _name_like(words):
        return None
    return Candidate(start, end, "org", 0.6, "coordinated")


# a job history said of a list right before it (X、Y、Z，一年换了三份工作; X和Y都干过)
_JOB_HISTORY = re.compile(
    r"[，,]?(?:[\u4e00-\u9fff]{0,4}?换了[一二三四五六七八九十两几\d]+(?:份|个|家)(?:工作|工|单位|公司)|都(?:干|待|呆|做|工作)过)"
)
_LIST_ITEM = re.compile(r"[^、，,。！？!?\n]+")


def _job_list(norm: str, pending: list[Candidate]) -> list[Candidate]:
    """Every item of a list of workplaces that a job history closes (卓越装饰工程、泉州立讯塑胶厂、星巴克（万象城店），
    一年换了三份工作): each a proposed organisation or a name, and the list names no other thing."""
    out: list[Candidate] = []
    for m in _JOB_HISTORY.finditer(norm):
        clause = clause_before(norm, m.start(), 40, _CLAUSE_END)
        if "、" not in clause:
            continue
        items = []
        for part in _LIST_ITEM.finditer(clause):
            start, end = m.start() - len(clause) + part.start(), m.start() - len(clause) + part.end()
            words = segmenter().tagged_words(part.group())
            if not 2 <= end - start <= 16 or not words or not _name_like(words):
                break
            items.append(Candidate(start, end, "org", 0.6, "job list"))  # the whole item, a branch in brackets too
        else:
            out += items
    return out


def coordinated(norm: str, found: list[Candidate], pending: list[Candidate]) -> list[Candidate]:
    """Organisations named in the same slot as one already found (listed with it, or where the writer went next);
    ``pending``: those proposed without a frame of their own."""
    pending = sorted(pending, key=lambda c: c.start)
    out = [  # 从固始三中到山东农业大学: where the writer went from and to, neither framed on its own
        c
        for a, b in itertools.pairwise(pending)
        if norm[a.start - 1 : a.start] == "从" and norm[a.end : b.start] == "到"
        for c in (a, b)
    ]
    out += _job_list(norm, pending) if "、" in norm else []
    found = found + out
    todo = list(found)
    while todo:
        c = todo.pop()
        gap = clause_after(norm, c.end, _NEXT_REACH, SENTENCE_STOPS)
        starts = [c.end + m.end() for m in [_LIST_WORD.match(gap)] if m]
        starts += [c.end + i for i in range(1, len(gap)) if gap[i] != "了" and _MOVED_TO.search(gap, 0, i)][:1]
        nexts = [_next_name(norm, start, pending) for start in starts]
        nexts += [x for x in pending if _LIST_WORD.fullmatch(norm[x.end : c.start])]  # 腾讯和|网易的offer
        for nxt in nexts:
            if nxt and all(nxt.end <= o.start or o.end <= nxt.start for o in found + out):
                out.append(nxt)
                todo.append(nxt)
    return out


class BrandEmployerRecognizer(Recognizer):
    """Employers named by brand alone (employer_brands.txt): only with the frame on both sides
    (在华为上班, 被腾讯裁员) or right after a hiring verb (入职华为, 刚进百度), so 用华为手机 or 去京东买东西 stay."""

    kind = "org"
    context_before = ("在", "进", "入职", "加入", "被", "去", "从", "离开", "我们", "我是", "他是", "她是",
                      "跳槽", "应聘", "就职于", "任职于", "供职于")  # fmt: skip
    context_after = ("上班", "工作", "实习", "裁员", "辞退", "开除", "的员工", "的同事", "的领导", "员工", "面试",
                     "离职", "辞职", "总部", "当", "做", "任职", "骑手", "司机", "店员", "外卖员",
                     "快递员", "程序员", "工程师", "销售", "实习生", "优化", "送外卖", "跑外卖", "送快递",
                     "打工", "的HR", "的hr", "的绩效", "的工牌", "的工号", "理货", "站柜台", "跑单")  # fmt: skip
    window = (3, 6)

    lexicon = "employer_brands.txt"
    strict = False  # only evidence of its own counts, never a context word alone (PlatformEmployerRecognizer)

    def __init__(self) -> None:
        self.rx = re.compile("(?:" + alternation(read_lexicon(self.lexicon)) + ")(?![A-Za-z](?!\\d))")  # 阿里P6
        # the brand's own industry word and a branch (腾讯|福州研发中心, 海底捞|春熙路店, 中国石油|大庆油田) belong
        # to the name
        self.tail = re.compile(
            r"(?:汽车|集团|科技|股份|控股|物流|速运|快递|地产|电器|电子|网络|公司|咖啡|餐饮|超市|酒店|食品|乳业|通讯|通信"
            r"|商管|物业|医疗|证券|航空|之家|同城|油田|外卖|优选|买菜|体育)?"
            r"(?:[\u4e00-\u9fff]{0,4}?(?:分公司|子公司|分所|研发中心|总部|办事处|分部|事业部|工厂|园区|厂区|基地|油田|门店|分店|店)"
            r"(?![长员主])"
            r"|[一二三四五六七八九十]{1,3}局)?"  # 中铁|十二局
            r"(?:[（(][\u4e00-\u9fff]{1,8}店[）)])?"  # 星巴克|（万象城店）: a branch in brackets
        )

    # hired, or applying (入职华为, 跳槽到了美团, 面试了京东; 腾讯的offer)
    HIRED = re.compile(
        r"(?:入职|加入|刚进|跳槽到|跳槽去|考进|应聘到|应聘|面试|面试过|校招进|秋招进|签了|签约|简历投了|投递了"
        r"|留在|分配到|分到|东家是|老东家|(?:年|月份?|后|以后|之后|年前|月前)进|调到|调去|外派到|派驻|借调到|被派到)了?的?$"
    )
    # what only its staff say: a boss there, leaving it, a contract signed with it
    BOSSED = re.compile(r"被(?:领导|老板|主管|经理|组长|上司)")  # 在京东被领导骂: the writer's boss
    LEFT = re.compile(r"离职|辞职|裁|辞退|开除|优化")  # 从美的离职, 被国家电投裁了
    SIGNED = re.compile(r"签了?(?:[一两二三四五六七八九十\d]+年的?)?(?:劳动|工作|实习)?合同|签约")
    # one of its staff (我是链家的一名经纪人, 作为拼多多的一名员工), not one of its customers (京东的一名老用户)
    STAFF = re.compile(r"的一名(?!(?:忠实|普通|老)?(?:会员|用户|顾客|客户|粉丝|消费者|买家|乘客|股民))")
    COLLEAGUE = re.compile(r"的(?:同事|领导|上司|主管|组长)[^。！？!?\n]{0,12}我")
    MEMBER = re.compile(r"会员|[Pp][Ll][Uu][Ss]|[Vv][Ii][Pp]")  # 加入了京东会员: a customer
    # a unit of the brand that only its staff are in (中建|三局, 德勤|上海分所, 华为|研发中心; not …店 or 总部, where
    # customers and visitors go), after 在 or 进了 with a person as subject (老公在中建三局，常年…; 我回国进了…)
    UNIT = re.compile(
        r"[\u4e00-\u9fff]{0,4}?(?:分公司|子公司|分所|研发中心|办事处|分部|事业部|油田)|[一二三四五六七八九十]{1,3}局"
    )
    INSIDE = re.compile(r"(?:在|进了|进入)$")
    VISIT = re.compile(r"办|买|吃|玩|逛|参观|看|面试|开会|培训|交流|考察|附近|门口|对面|旁边")
    OFFER = re.compile(
        r"的(?:[A-Za-z]{1,12} ?)?(?:offer|Offer|OFFER)|的(?:录用|实习机会|面试|工作机会)|报到"
        r"|的(?:HR|hr|人事)[^，。！？,!?]{0,6}我"
    )

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        for m in self.rx.finditer(norm):
            t = self.tail.match(norm, m.end())
            e = t.end() if t and not any(c in LEFT_STOP_CHARS for c in t.group()) else m.end()
            s = m.start()
            place = next((k for k in (3, 2) if segmenter().is_place(norm[s - k : s])), 0)
            if place and (e > m.end() or norm[s - place - 1 : s - place] in "在从到进是"):
                # 宜昌|海尔事业部, 在荆州|交行…, 我是郑州|富士康的员工: a city before a brand's branch, or after 在
                # or 是, belongs to its name
                s -= place
            # a city and 的 may stand between the hiring verb and the brand (入职合肥的科大讯飞)
            lead = next((m.start() - k - 1 for k in (3, 2) if norm[m.start() - 1 : m.start()] == "的"
                         and segmenter().is_place(norm[m.start() - k - 1 : m.start() - 1])), m.start())  # fmt: skip
            hired = (
                (self.HIRED.search(norm, max(0, lead - 5), lead) and not self.MEMBER.match(norm, e))
                or self.OFFER.match(norm, e)
                or self.STAFF.match(norm, e)
            )
            left = clause_before(norm, s, 16, _CLAUSE_END)
            # hired, the writer's company named (公司是京东), a person's job there (我男朋友是京东的工程师), a
            # contract, a boss or time there, leaving it, colleagues, the topic of the writer's sentence, a profile
            own = (
                hired
                or _OWN_PLACE.search(left)
                or _job_of(norm, s, e)
                or (left.endswith(("和", "跟", "与")) and self.SIGNED.match(norm, e))
                or (left.endswith("在") and (self.BOSSED.match(norm, e) or _TIME_IN.match(norm, e)))
                or (left.endswith(("从", "被")) and self.LEFT.match(norm, e))
                or self.COLLEAGUE.match(norm, e)  # 华为的同事都不理我: the writer's workplace
                or topic_of_writer(norm, s, e)  # 链家这边天天加班…，我…
                or profile_item(norm, s, e)  # 坐标杭州，阿里P6
                or self._in_unit(norm, left, m.end(), e)
            )
            if self.strict:
                if own or (left.endswith("在") and self.WORKS.match(norm, e)):
                    yield self.cand(s, e, 0.6)
                continue
            # not hired, but a word before it (在, 被, 从) and employment said in the clause (在肯德基干了二十年)
            framed = any(w in norm[max(0, s - 3) : s] for w in self.context_before)
            employed = framed and _clause_frame(norm, s, e, _EMPLOYMENT, anyone=True)  # 0.6 with its context word
            yield self.cand(s, e, 0.6 if own else 0.3 if employed else 0.0)

    def _in_unit(self, norm: str, left: str, brand_end: int, end: int) -> bool:
        """Someone (``left``: 老公在, 我回国进了) is in a unit of the brand that only its staff are in (``UNIT``)."""
        return (
            end > brand_end
            and bool(self.UNIT.fullmatch(norm, brand_end, end))
            and bool(self.INSIDE.search(left))
            and bool(_SUBJECT.search(left))
            and not self.VISIT.match(norm, end)
        )


class PlatformEmployerRecognizer(BrandEmployerRecognizer):
    """Employers whose brand is also an ordinary word or a platform people use (employer_platforms.txt: 快手, 美的,
    小红书): only on evidence of their own (入职快手, 快手的同事…我, 在快手工作两年, 公司是美的), never a context word
    alone, so 在抖音做视频, 在小红书上看到 and 很美的同事 stay."""

    lexicon = "employer_platforms.txt"
    strict = True
    context_before = ()
    context_after = ()
    WORKS = re.compile(r"上班|工作(?!室|人员)|实习|任职|就职|打工|干了|待了|呆了")


class WorkplaceSlotRecognizer(Recognizer):
    """An employer in no lexicon, named in the slot of 在…上班 (在厦门航空当空乘, 在深圳的迈瑞医疗工作): only a name
    jieba tags as an organisation, or a word it does not know followed by an industry word (not 在便利店打工, 在夜店
    上班, 在北京工作), with a person as subject."""

    kind = "org"
    SLOT = re.compile(
        r"在(?:[\u4e00-\u9fff]{2,4}的)?(?P<name>[^\W\d_和跟与及或、]{2,8}?)"
        r"(?=上班|工作(?!人员)|干了|干过|打工|实习|任职|就职|值班|加班|待了|呆了|待过|做了[一两二三四五六七八九十几半\d]+(?:个月|年)"
        r"|当(?:了|过)?(?![中时天地年初然作成场面下做])[\u4e00-\u9fff])"
    )

    def __init__(self) -> None:
        lex = _lex()
        self.brands, self.generic, self.suffixes = lex.brands, lex.generic, tuple(lex.suffixes)

    def validate(self, norm: str, c: Candidate) -> bool:
        """The name agrees with word segmentation, is said of someone and not in general, and is more than a place
        and a kind (在广东高校工作)."""
        return (
            not _place_and_kind(norm[c.start : c.end])
            and segmenter().agrees(norm, c.start, c.end)
            and _has_subject(norm, c.start, c.end)
            and not _named_in_general(norm, c.start, c.end)
        )

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        seg, generic, suffixes = segmenter(), self.generic, self.suffixes
        for m in self.SLOT.finditer(norm) if "在" in norm else ():
            words = seg.tagged_words(m.group("name"))
            (first, tag), rest = words[0], [w for w, _t in words[1:]]
            nominal = all(not t or t[0] == "n" or t in ("j", "eng") for _w, t in words)  # not 北京|做|教育
            # jieba's HMM words and places (夜店, 后厨, 深圳) name a kind or a city unless an industry word follows
            industry = bool(rest) and all(w in generic and not seg.is_place(w) for w in rest)
            named = tag in ("nt", "nz", "j") or ((not tag or tag == "ns") and industry)
            # 公安局, 家族|厂里: a suffix names a kind, which the suffix recogniser judges
            suffixed = any(w.startswith(suffixes) or w.endswith(suffixes) for w, _t in words)
            if first in self.brands or (named and nominal and not suffixed and _name_like(words)):
                yield self.cand(*m.span("name"), 0.6)


class SchoolShortNameRecognizer(Recognizer):
    """Universities called by their short names (school_short_names.txt: 华科, 北大, 川大), only right next to a
    word that says someone studies there (华科大三, 北大毕业, 考上了华科, 我们川大的…): 人大 and 重大 are also
    ordinary words and bodies, so a short name alone never counts."""

    kind = "org"
    AFTER = re.compile(
        r"(?:读?大[一二三四]|研[一二三]|博[一二三四]|毕业|在读|读研|读博|读书|念书|上学|的学生|的研究生|的本科|本科|硕士|博士"
        r"|的保研|保研|的宿舍|宿舍|的辅导员|的老师|的同学|学生|的同事|的领导|的第[一二三四五六七八]年"
        r"|读了[一二三四五六七八九十两几\d]+年)"
    )
    BEFORE = re.compile(
        r"(?:考上了?|考进了?|考入了?|考到了?|考研报了?|考研考了?|就读于|毕业于|我们|我在|母校是?|转学到|(?:读|上|念)的是)$"
    )

    def __init__(self) -> None:
        self.rx = re.compile("(?:" + alternation(read_lexicon("school_short_names.txt")) + ")")

    # a text or line that opens with the short name and the writer's year or years since graduating (华科大三，…,
    # 郑大毕业三年了): the writer describing themself; not a headline (…大三学生坠楼)
    SELF = re.compile(
        r"(?:大[一二三四]|研[一二三]|博[一二三四])(?:[，,。！!？?\s]|$)|毕业[一二三四五六七八九十两几\d]+年"
        r"|读[博研](?:第[一二三四五六七八九十]年|[一二三四])|读了[一二三四五六七八九十两几\d]+年"  # 中科大读博第四年
    )

    # the writer heard or asked someone there (听|北大的老师说, 问|川大的同学): a source, not the writer's school
    SOURCE = re.compile(r"(?:听|问|据|向|请教)$")

    def validate(self, norm: str, c: Candidate) -> bool:
        """The short name is a word of its own (全国人大, 重大事件 cut it), said of someone (我, a relative, an
        implicit subject, a text opening with the writer's year), not in general (北大的教授, 清华北大的录取线) and
        not where the writer heard something (听北大的老师说)."""
        before = norm[: c.start].rstrip(" ")
        opens = (not before.strip() or before.endswith("\n")) and self.SELF.match(norm, c.end)  # a text or a line
        return (
            # 上财|大三: 上|财大|三; 川大|大二的: 川|大大|二
            (
                segmenter().agrees(norm, c.start, c.end)
                or bool(self.SELF.match(norm, c.end) or _YEAR_WORD.match(norm, c.end))
            )
            and not self.SOURCE.search(norm, max(0, c.start - 2), c.start)
            and (opens or _has_subject(norm, c.start, c.end))
            and not _named_in_general(norm, c.start, c.end)
            and not _WISH.search(_clause(norm, c.start, c.end)[0])
        )

    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        for m in self.rx.finditer(norm):
            s, e = m.span()
            framed = (
                self.AFTER.match(norm, e)
                or self.BEFORE.search(norm, max(0, s - 5), s)
                or _ADMITTED.match(norm, e)  # 被华东师大录取了
                or (norm.endswith("我是", 0, s) and norm.startswith("的", e))  # 我是川大的…
                or (norm.endswith("在", 0, s) and _TIME_IN.match(norm, e))  # 你在川大的这两年
                or profile_item(norm, s, e)
            )
            yield self.cand(s, e, 0.6 if framed else 0.3)  # unframed: counts only listed with another (coordinated)
