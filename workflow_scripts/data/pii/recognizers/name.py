"""Person names. A surname character is not evidence: 同时也, 和朋友, 对方真 all start with one. A candidate
(surname + one or two given-name characters, a 小X/老X/阿X or doubled nickname, or a given name after 我叫) is
proposed only with evidence, and must agree with jieba's word segmentation (it may not cut a dictionary word,
and may not be an ordinary word itself):

- a naming cue (我叫, 名叫, 我的名字是, 叫我): the strongest; a given name alone is enough;
- a self-introduction (大家好，我是李明，): a full name closed by punctuation;
- a relation word (我男朋友, 同事, 班主任, 前任 ... + 叫/是 optional), a name field (姓名：, 收件人) or a word
  pointing back at someone (你提到的) followed by a full name, a nickname (小王, 王哥, 琳姐, 大伟) or a given
  name alone, and further names in a list after it (室友张强和阿翔);
- a title after a full name (黄晓东老师; a surname + title alone, 王老师, is kept: it names no one here);
- a greeting or address (王芳你好, 亲爱的李明：; a given name or nickname alone: 俊雯，谢谢你, 抱抱小雨。,
  老韩你好), or a nickname signing a text (——老王);
- a person frame (和…分手, …总是骂我, 昨天…又) and name odds: how much likelier the reading is as a name than
  as running text (``name_odds.py``: given-name character frequencies from ngender's table of real names
  against character frequencies of jieba's dictionary, and the surname's rank).
A surname that is mostly an ordinary character (surnames_ambiguous.txt: 连, 宿) or a function word (和, 于,
向) needs higher odds, and its given name may not be a word of its own (向|男友). Public figures
(famous_names.txt) are kept. Other mentions of a found name are replaced by the analyzer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from workflow_scripts.data.pii.base import (
    CJK,
    MENTION_ADDRESSED,
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
from workflow_scripts.data.pii.recognizers.name_odds import NameOdds

# after these a given name alone (雨桐, 浩然) is a name when the clause ends after it
_NAMING = [
    "我叫",
    "我名叫",
    "名叫",
    "名字叫",
    "名字是",
    "我的名字是",
    "姓名是",
    "姓名为",
    "真名是",
    "真名叫",
    "全名是",
    "全名叫",
    "大名是",
    "大名叫",
    "小名叫",
    "小名是",
    "可以叫我",
    "本人叫",
    "本人名叫",
    "名为",
    "昵称是",
    "网名是",
    "称呼我",
    "有个叫",
    "有一个叫",
    "那个叫",
    "一个叫",
    "的人叫",
    "个人叫",
]
# an online name in quotes after what it is (网名叫“X”, 昵称是「X」, 游戏里的ID叫"X")
_HANDLE = re.compile(r"(?:网名|昵称|游戏名|ID|id)(?:叫|是|为)?[:：]?[“\"「『](?P<handle>[^”\"」』\n]{1,12})[”\"」』]")
# these also give orders (他叫我等下, 叫我交电费): a given name after them must be made of name
# characters
_WEAK_NAMING = ("叫我", "她叫", "他叫", "叫他", "叫她", "你叫", "自己叫", "，叫", ",叫")
# before ，叫: a clause describing someone (认识了一个男生，叫…, 对方是副总，叫…), not an answer (知道，叫…)
_DESCRIBED = re.compile(
    r"个|对方|[男女]生|[男女]孩|[男女]人|同事|同学|朋友|姑娘|小伙子|学生|邻居|总|经理|老板|主管|领导|老师|医生|中介"
)
# a child's pet name (小名叫汤圆, 乳名是豆豆), or a form's nickname or pen-name field opening its item (外号：麻花):
# a pet name is often an ordinary word, so any word of two or three characters closing the clause is taken (not
# 外号叫大头 in running text: nicknames of stars, teams and jokes)
_ALIAS = re.compile(
    r"(?:(?:小名|乳名)(?:叫|是)?[:：]?|(?:^|(?<=\s))(?:外号|绰号|笔名|昵称)[:：]) ?[“\"「『]?"
    r"(?P<alias>[\u4e00-\u9fff]{2,3})[”\"」』]?(?=[，。！？,.!?；;\s]|$)",
    re.M,
)
_INTRO = ("我是", "本人", "实名", "署名")
_NOT_NAME = set(
    "的了是在我你他她它们就都也还又很不没有这那什么怎说会要想去来到把被给让和跟与对从为以及而但个吧呢啊吗才"
)
_CLAUSE_END = "，。！？；：、,.!?;:…～~ \n（(）)”」』"
# a chat pasted as turns: the writer's own label (我：), and a speaker's label opening a turn (… 叶子：…)
_WRITER_TURN = re.compile(r"(?:^|(?<=[\s。！？!?]))我[：:]")
_TURN_LABEL = re.compile(r"(?:^|(?<=[\s。！？!?]))(?P<label>[\u4e00-\u9fff]{2,3})[：:]")
_LATIN_TURN = re.compile(r"(?:^|(?<=[\s。！？!?]))(?P<label>[A-Z][a-z]{1,11})[：:]", re.M)
_CLAUSE_START = _CLAUSE_END + "“「『\"'"  # a name may open a quoted line: “王芳，你……”
_FRAME_BEFORE = ("和", "跟", "与", "被", "给", "让", "找", "陪", "嫁给", "娶了", "爱上", "喜欢", "昨天",
                 "今天", "上周", "自从和", "我和", "发现", "认识了", "只有", "还有", "问", "帮", "请", "见",
                 "约", "骂", "告诉了", "告诉", "联系", "羡慕", "看到", "遇到", "认识", "想念", "以及", "前几天",
                 "前天", "昨晚", "刚才", "那天", "当时", "后来", "上次", "去年", "最近", "这几天", "自从",
                 "面对", "碰到", "见到", "看见", "怀疑", "梦到", "梦见", "遇见", "遇见了", "遇到了",
                 "配合", "忘不了", "忘不掉", "原谅", "嫉妒", "心疼", "受不了", "碰到了", "看到了",
                 "害怕", "暗恋", "喜欢上", "甩了", "拉黑了", "对不起", "我、", "联系过", "约了", "等了",
                 "放不下", "喜欢的人是", "爱的人是", "喜欢过", "碰见", "碰见了", "撞见", "晚上",
                 # the writer's class, dorm or team (我们班的X, 宿舍的X)
                 "班的", "班上的", "宿舍的", "寝室的", "隔壁的", "部门的",
                 # what the writer does for someone (劝过X, 陪了X五年)
                 "劝", "劝过", "陪了")  # fmt: skip
# a person's verb or a time word right after a reading: evidence that it names someone (public.py reads it too).
# Every branch starts with a literal character, so that re skips ahead by first character when scanning (a
# group such as (?:姐|哥)… as a branch would turn that off and halve the speed of finditer).
FRAME_AFTER = re.compile(
    r"说|告诉|问我|对我|跟我|和我|骂|打我|拉黑|找我|约我|给我|发消息|打电话|总是|一直|经常|每次|老是|竟然|居然|突然|是我|在群里"
    r"|分手|分开|合租|结婚|离婚|出轨|闹掰|闹翻|翻脸|又|把我|让我|当众|拖欠|从来|今年|还有|在一起|吵架|吵了|带头|呢[？?]|的微信|的电话|总说|每天"
    r"|昨天|今天|前天|最近|这几天|前几天|那天|后来|天天|的一句话|道歉|道个歉|喝醉|喝多"
    # what is a person's own (王芳的日记, 李明的朋友圈)
    r"|的日记|的生日|的朋友圈|的头像|的照片|的劝"
    # what a person does to the writer (王芳骗我, 李明借了我钱, 张伟不理我): the writer as the object
    r"|骗了?我|帮了?我|陪了?我|追了?我|欺负我|孤立我|欠了?我|借了?我|不理我|不回我|删了我|害了?我|逼我|催我|劝我|嫌弃?我"
    r"|比我|带着|带我|教我|冲我|朝我|拿我|怪我|推了?我|向我|背叛了?我|会背叛|伤害了?我|会伤害|出卖了?我|针对我|威胁我|看不起我|陪着我|要那样对我|要这样对我|那样对我|这样对我|也不理|也不站|也不帮|也不信|也不管"
    # the same after an adverb and a few words (陈雨桐就不怎么联系我了, 石磊都要拿我开玩笑, 白雪梅就开始孤立我),
    # one branch per adverb
    + "".join(
        f"|{adverb}[\u4e00-\u9fff]{{0,4}}?(?:联系|理|找|管|搭理|回|拿|冲|带|教|骂|打|欺负|嘲笑|针对|帮|陪|孤立|排挤"
        "|讽刺|挖苦|无视|疏远|冷落|骗|删|拉黑)(?:了|过)?我"
        for adverb in "就也都又还总先"
    )
    # what only happens to a person (去世, 住院, 怀孕)
    + r"|去世|住院|生病|怀孕|自杀|哭了|发火"
    # a phone number or an age in brackets right after it: 王芳（138…）, 方明（14岁）; not a year of birth (1889年-)
    r"|（(?=\+?\d[\d -]{6}|\d{1,2}岁）)|\((?=\+?\d[\d -]{6}|\d{1,2}岁\))"
    + "".join(f"|{kin}(?=[，,。！!：:]|说)" for kin in ("姐", "哥", "姐姐", "哥哥"))
    # 舒畅姐，: a kin word by which a younger person addresses someone
)
_GREETING_AFTER = re.compile(r"[，, ]?(?:你好|您好|同学你好|老师你好|老师您好)|[啊呀]?[，,：:] ?(?:你|您|谢谢|感谢)")
# a 小X/老X/阿X nickname called, as a voice message is transcribed (小蒋啊你明天…, 喂阿强啊，你…; not 海涛啊 你…:
# fans call stars by given name)
_NICK_HAILED = re.compile(r"(?:^|(?<=[\s，。！？,!?喂]))(?=[小老阿][\u4e00-\u9fff][啊呀][ ,，]?[你您])", re.M)
_NAME_DOT = ("·", "•", "・")
# how a parent is called after the child's name in school and parent groups (豆包妈妈, 思远爸爸)
# (not 奶奶, 爷爷: 海迪奶奶, 学森爷爷 are how social media speaks of public elders)
_CHILDS_KIN = ("妈妈", "爸爸", "家长", "妈", "爸")
# a child's grandparents name the child too, but only introducing themselves (我是团团奶奶, 我是浩然的外公): a public
# elder is called so by everyone (海迪奶奶)
_CHILDS_ELDERS = ("奶奶", "爷爷", "外公", "外婆", "姥姥", "姥爷")
# titles a parent or a student is addressed by after a name (梓轩妈妈您好, 嘉懿同学，谢谢你)
_ADDRESSED_TITLES = ("妈妈", "爸爸", "家长", "同学")
# adverbs between a name and its verb (也在等我, 刚才给我打电话, 一直不理我)
# characters that continue a transliterated foreign name (马夏尔, 肖克罗斯, 卡莉姆): rare in Chinese given names
_FOREIGN_TAIL = "尔斯姆兹茨夫克特德"
# a roster or a list of people a notice calls (值班表：周一 X，周二 Y; 请以下同学…：X、Y、Z): its names are private
_ROSTER = re.compile(
    r"(?:值班|值日|排班|轮值)(?:表|安排|人员|名单)?|以下(?:同学|家长|人员|同事|员工|学生)|名单如下"
    r"|(?P<chain>接龙|(?<![黑白])名单(?!如下)|通讯录|同学录)"
)
# a class label or a rank that a full name follows in notices, slips and letters (高一（5）班宁思远同学, 五年级一班的
# 学生蒲子涵, 初二(1)班 谭雨泽; 第二名 崔浩然): the person is a member of that class or holds that place
_CLASS_OR_RANK = re.compile(
    r"(?:(?:[一二三四五六七八九]年级|[初高][一二三]|大[一二三四])[（(]?[\d一二三四五六七八九十]{1,2}[)）]?班"
    r"|[（(][\d一二三四五六七八九十]{1,2}[)）]班|第[一二三四五六七八九十\d]{1,2}名[：:]?|[一二三特]等奖[：:]?)"
    r"(?:的)?(?:学生|同学)? ?"
)
# what may close a class member's name: a clause end, or how the class calls the student or a parent
_CLASS_MEMBER_END = ("同学", "的", "家长", "妈妈", "爸爸")
_ROSTER_ITEM = re.compile(r"[ \n]*(?:(?:周|星期|礼拜)[一二三四五六日天][ :]*|\d{1,2}(?:[.、)] *| +))?")
_ROSTER_SEP = re.compile(r" *[，,、;；\n()（）] *| +")
# a writer introducing themselves by workplace and role, then name (我是恒通供应链的HR赵敏, 我是…的实习律师沈佳怡)
_INTRO_ROLE = re.compile(r"我是[^，。！？!?\n,]{2,30}?的")
# a name set off on its own right before a long number or a date, a contact word between them or not
# (身份证（郑凯，3201…）, 核对：小王 6230…, 叫陈强，手机 1359…, 我先带个头：周子墨 2017年3月5日, 庞子轩：834726195):
# the holder of an ID, a card, a phone or a QQ number, or the person born that day, in a form, a list or a message
_BESIDE_NUMBER = re.compile(
    rf"(?:^|(?<=[{_CLAUSE_START}])|(?<=联系)|(?<=找)|(?<=加))(?:叫|是)?(?P<name>[{CJK}]{{2,4}})[ ，,:：]{{1,2}}"
    r"(?:(?:家长|本人)?(?:手机|电话|微信|QQ|qq|身份证号?|卡号)[ :：]*)?"
    r"(?=\d{9,19}(?!\d)|0\d{2,3}-\d{3,4} ?\d{4}(?!\d)|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)",
    re.M,
)
# …or right after an ID or card number, closing the line or clause (我：4403…3628 吴嘉欣): its holder
_AFTER_NUMBER = re.compile(rf"(?<!\d)\d{{15,19}}[Xx]? (?P<name>[{CJK}]{{2,4}})(?=[ \t]*(?:\n|$)|[，,；;])", re.M)
# the addressee of a parcel or letter after its address (…3幢1506室 谢青 收, …号 李明收): a name set off before 收
_ENVELOPE = re.compile(rf"[\d号室楼栋幢座] ?(?P<name>[{CJK}]{{2,4}}) ?(?:收|亲启)(?=[\s，。,/]|$)", re.M)
_NUMBER_OR_YEAR = re.compile(r"\d{9}|\d{4}年|0\d{2,3}-\d")  # what _BESIDE_NUMBER needs, found cheaply first
_OPENING_END = "，,：:!！"  # what follows a name opening a reply or a sentence (小雨，…)
# a line's label (a chat turn's speaker, a note's kind: 妈：, 便签：) before a name addressed with a comma (圆圆，你…)
_AFTER_LABEL = re.compile(rf"^(?:[{CJK}]{{1,4}}|[A-Za-z]{{2,10}})[：:] ?(?=[{CJK}]{{2,3}}[，,])", re.M)
_MODALS = ("在", "要", "会", "想", "能")
_ADVERB_RUN = re.compile(
    r"(?:也|都|就|还|又|刚才|刚刚|一直|总|先|才|已经|竟然|居然|突然|偷偷|经常|每天|天天|老是|总是)+"
    rf"(?:{'|'.join(_MODALS)})?"
)
# right after a name: its age (四岁, 今年12岁) or a verb of going or doing with 了 (去了, 考上了, 赌博了)
_AGE_OR_DEED = re.compile(r"(?:今年)?[\d一二三四五六七八九十两]{1,3}岁|(?:去|来|回|走|考上|考进|赌博|生)了")
_PLACE_GAP = re.compile(r"在[\u4e00-\u9fff]{1,5}?[上里中]")  # 在微信上, 在群里, 在宿舍里, 在课上
_VERB_ME = re.compile(r"([\u4e00-\u9fff]{1,2}?)了?我")
_GREETING_CHARS = re.compile("[你您谢感]")
# the greetings proper (老王你好): a nickname of the form 老X or X哥 before only "，你…" is as often a public figure
# spoken to in commentary (老X，你脑子…)
_HELLO_AFTER = re.compile(r"[，, ]?(?:你好|您好)")
# a reply recounting what the person it greets wrote (你说…, 你提到…, 关于你…)
_HELLO_THEN_NAME = re.compile(
    r"\s*(?:你好|您好)[呀啊]?[，,] ?(?P<name>[\u4e00-\u9fff]{2,3}|[A-Z][a-z]{1,11})[。，！,!]"
)
_RECOUNTING = re.compile(r"你说|你提到|你讲|你问|关于你|你在信里|你在帖子里|你在留言里")
# how a reply greets an asker it does not name (楼主你好，你说…): a title, not a name
_REPLY_ADDRESSEES = frozenset(
    ("楼主", "题主", "博主", "亲亲", "姐妹", "网友", "美女", "帅哥", "小姐", "女士", "先生", "各位",
     "大家", "童鞋", "同志", "少年", "宝贝", "宝宝", "家长", "亲爱", "朋友", "同学", "老师")
)  # fmt: skip
_ADDRESSEE = re.compile("[你您]")  # each greeting above holds one: without them no text is scanned for one
_SPEAKER = re.compile("[你您我]")  # a text that speaks to someone or of its writer
# a message giving the writer's contact details or asking an errand of its addressee: a private one, so a nickname
# opening it (老钱，…; 陈姐，…) names someone the writer knows, not a public figure greeted by fans (东哥，新年快乐)
_PRIVATE_ERRAND = re.compile(
    r"\d{5,}|微信|[wWvV][xX][:：]|邮箱|QQ|qq|身份证|地址|手机号|座机|电话|邮件|卡号|替我|帮我"
)
_GREETING_BEFORE = ("亲爱的", "Dear ", "dear ", "Hi ", "hi ", "Hello ", "hello ", "Hey ", "hey ", "嗨，", "嗨,")
# words a reply addresses someone after (抱抱小雨。): the name then closes the clause
_VOCATIVE_BEFORE = ("抱抱", "亲爱的", "谢谢", "加油", "你好", "您好", "嗨", "在吗")
# salutations that set a name off as the one spoken to when they open the clause before it (早上好，雨桐！, 致张子轩：,
# 好久不见啊，李梦瑶) or follow it (雨桐，晚安。): the greetings, thanks, apologies and wishes of a letter or message
_SALUTATIONS = ("早上好", "早安", "中午好", "下午好", "晚上好", "晚安", "好久不见", "新年快乐", "生日快乐", "节日快乐",
                "谢谢你", "谢谢您", "对不起", "辛苦了", "再见", "哈喽", "嗨", "嘿", "Hi", "hi", "Hello", "hello",
                "Dear", "dear", "亲爱的", "致")  # fmt: skip
_SALUTED_END = re.compile(r"[啊呀哦]?(?:[，,。！!？?～~：:…\n]|$)")
# a letter: its first line is the addressee and a colon (妈：, 致阿公阿婆：, 明远兄：); its last line the signature, a
# name alone or after the writer's relation to the addressee (学生 林沐阳 敬上, 弟 子健, 女儿 琪琪)
_LETTER_OPEN = re.compile(r"\A\s*[^\n：:。！？!?]{1,12}[：:]\s*\n")
_SIGNER = re.compile(
    r"^(?:——|—|--)? ?(?:(?:永远)?(?:爱你的|想你的|你的|您的)?"
    r"(?:学生|弟弟|弟|妹妹|妹|兄|姐|孙子|孙女|孙|外孙女?|女儿|儿子|侄子|侄女|朋友|小弟)?) ?"
)
# what precedes a signature at a text's end: 此致敬礼, or a dash and the writer's unit, or workplace and unit
_SIGNED_AFTER = re.compile(
    r"(?:此致[ \n]*敬礼[！!。]?"
    r"|(?:——|—|--) ?(?:[\u4e00-\u9fffA-Za-z\d]{1,6}|[\u4e00-\u9fffA-Za-z]{2,14} [\u4e00-\u9fff]{2,6}) )"
    r"[ \n]*(?=\S{2,4}[ \t]*(?:\n|$))"  # the name's line may be followed by the writer's unit and contacts
)
_SIGN_CLOSE = re.compile(r" ?(?:敬上|拜上|谨上|上|留|字|书)?\s*$")
# words by which a reply or a quoted line points back at someone the text is about (你提到的X, 看看人家X): like a
# relation word, a full name or a nickname may follow
_REFERRING = ("你说的", "你提到的", "你说到的", "你口中的", "人家")
# kin words by which a younger person or a colleague addresses someone (王哥, 谢姐, 琳姐): after a surname or a given
# name character they make a nickname
KIN_NICK = "哥姐"
_KIN_CHARS = set("爸妈爷奶公婆哥姐弟妹叔伯姨舅姑嫂")  # kin words (爸妈, 姑姑): whom someone calls, not a name
# the writer together with someone (我和X、Y是室友): a list of names after one is the writer's people
_WRITER_AND = ("我和", "我跟", "我与")
# what one wishes someone after 祝 (祝妮今年更加美好): 祝 is the verb there, not the surname
_WISH = re.compile(r"快乐|幸福|美好|顺利|健康|平安|开心|发财|成功|进步|愉快|如意|吉祥|好运|越来越")
_SPEAKS = re.compile(r"说|告诉|问|跟我|对我|和我")
# a fan calls a star 老公 (胡歌是我老公): for the copula rule only the writer's other people count
_FAN_KIN = ("老公", "老婆", "先生", "太太", "爱人")
_NOT_COPULA_START = set("这那他她它谁你我哪每某此该其")
_PERSON_NOUN_END = set("郎娘者员生长师友人客众士手方主")  # last characters of words for roles (新郎, 班长, 对方)
# said to be the writer's favourite player, actor or author: a public figure
_FAVOURITE_PUBLIC = re.compile(
    r"(?:是|作为)我(?:最|很|一直|非常|超)?(?:喜欢|崇拜|欣赏|佩服|支持|爱)的[\u4e00-\u9fff]{0,4}?"
    r"(?:球员|演员|歌手|明星|偶像|作家|导演|主播|up主|UP主|博主|选手|运动员|球星|艺人|爱豆|作者|诗人|歌星|影星|演唱者)"
)
# frame words after which a nickname is someone the writer deals with (我跟婷婷…, 告诉了小雪, 昨天阿杰又…), not one
# a fan admires (喜欢晨晨, 羡慕娜娜, 见到凡凡) or supports (_FAN_AFTER: 给凡凡打榜, 和娜姐合影)
_FAN_AFTER = re.compile(r"打榜|打call|应援|投票|合影|同框|签名|的粉丝|的演唱会")
_NICK_FRAME_BEFORE = ("和", "跟", "与", "被", "给", "让", "陪", "找", "骂", "约了", "告诉了", "告诉过", "告诉",
                      "原谅", "暗恋", "拉黑了", "甩了", "联系", "联系过", "对不起", "昨天", "今天", "上周", "前几天",
                      "前天", "昨晚", "刚才", "那天", "当时", "后来", "上次", "去年", "最近", "这几天", "陪了",
                      "劝过")  # fmt: skip
_WRITER_WITH = (*_WRITER_AND, "我、")
_LATIN_START = re.compile("[A-Z]")
_LIST_CLOSE = re.compile("[两三四五六七八九十几]个人")  # a list of people closed by its count
_TOGETHER = re.compile("一起")  # after a name the writer is with (我和老吴一起进的公司): a person frame
# relation words of a child, after which a doubled noun is a pet name (豆豆, 果果)
_GENERIC_PERSONS = frozenset(("男生", "女生", "男孩", "女孩", "男人", "女人", "小伙子", "姑娘"))
_CHILD = ("儿子", "女儿", "孩子", "闺女", "宝宝", "小孩", "外孙", "孙子", "孙女", "侄子", "侄女", "老大", "老二")
# a person speaking to or acting on the writer right after a word (舍友饺子偷偷帮我…, 发小石头跟我说): where a relation
# word of the writer's stands before it, the word is what the writer calls that person
_ACTS_ON_WRITER = re.compile(
    r"(?:刚才|刚刚|昨天|今天|又|也|还|就|总是|一直|偷偷)?(?:说|告诉|问我|对我|跟我|和我|给我|帮我|找我|约我|陪我|劝我|骂我|发现)"
)
# words for a child by birth order (老大, 老二, 大宝, 二宝, 小宝, 大的): which child, not a name
_BIRTH_ORDER = re.compile(r"老[大二三四五幺小]|[大二三小]宝|[大小]的|[大二三]娃")
# Han surnames common among Mongolians, written before a Mongolian given name (包其其格, 韩乌力吉); from general
# knowledge
_MONGOLIAN_SURNAMES = "包白宝鲍韩奇云"
# a child's age, school year or admission right after the child's name (才三个月, 读五年级, 在幼儿园, 去年考上了)
_CHILDS_AGE_OR_YEAR = re.compile(
    r"(?:今年|才|刚|刚刚|已经)?(?:[\d一二三四五六七八九十两]{1,3}(?:个月|岁|周岁)"
    rf"|(?:读|上|念)(?:{SCHOOL_YEAR}|幼儿园|小学)|在(?:幼儿园|小学|托班)|(?:去年|前年)?考(?:上|进|入)了?)"
)
# naming cues after a relation word (我男朋友叫…, 女儿小名叫…, 同事的名字叫…)
_NAMING_CUES = ("小名叫", "大名叫", "名字叫", "叫做", "名叫", "叫")
_CHILD_CALLED = tuple(c + de + cue for c in _CHILD for de in ("", "的") for cue in _NAMING_CUES)
# words that join a second person to a first in a list (室友张强和阿翔, 同事小王、老李)
_LIST_JOIN = ("和", "、", "跟", "与", "以及", "还有")
_NAME_TAGS = ("nr", "ns", "nz")
# name log odds (name_odds.py) a cue-less reading needs with one or two person frames around it (a clause start
# alone is none: public figures open clauses too), and the margin added for a surname that is mostly a function
# word (于, 向, 和) or an ordinary character (宿, 连)
_ODDS_BY_FRAMES = {1: 1.0, 2: 0.0}
_FUNCTION_SURNAME_MARGIN = 2.0
_AMBIGUOUS_SURNAME_MARGIN = 1.0
_GIVEN_CHAR_ODDS = 2.0
_LOOSE_MARGIN = 2.0
# a given name alone (俊雯, 阿敏) addressed in a greeting: the odds of its two characters, of a nickname's one
# (然然: 然 is commoner in text, but a listed name character); a greeting after it (紫月你好) is stronger evidence
# than a word of address before it (亲爱的X, 晚安X: often an idol on social media) or a line that opens with it
_VOCATIVE_GIVEN_ODDS = 2
_GREETED_GIVEN_ODDS = 0.5
# after a cue word, a given-name character outside the common list this much likelier in names than in text (胜)
# may still close a full name (房东杨德胜，)
_CUED_CHAR_ODDS = 1.0
# a dictionary word this rare that is made of name characters (欣悦, 明静) may still be someone's given name
_RARE_WORD = 50
# a given name that is an ordinary word (胜利, 自强, 和平) must still be at least as likely in names as in text
_WORD_GIVEN_ODDS = 0.0
# a given name alone that no dictionary knows, this much likelier in names, may be followed by any verb (皓宇 8.4)
_UNKNOWN_GIVEN_ODDS = 6.0
_VOCATIVE_CHAR_ODDS = -1.0
# jieba tags many frequent words nr (原谅, 阳光, 华裔, 向东): such a word counts as a name only this much likelier
# as surname + given name than as text (李强 7.1, 高强 3.6; 阳光 1.8, 华裔 0.3, 原谅 -2.1)
_TAGGED_NAME_ODDS = 2.5
# a product's model code right after a brand (柯岚A52, 柯岚 W550C, 华为P40): letters then digits, or digits and
# letters, as one token
_MODEL_CODE = re.compile(r" ?(?![Qq]{2}|[VvWw][Xx]|[Tt]el)(?:[A-Za-z]{1,4}-?\d{2,}|\d{2,}[A-Za-z]{1,3})(?![A-Za-z])")
# the score of a name after a role an official also holds: above a one-frame reading, below a relation word
# (public.ONE_FRAME 0.75, public.CUED 0.8)
_ROLE_CUED = 0.78
_COMMON = 5000  # a run this frequent in jieba's dictionary after 我叫 is a word (我叫什么), not a name


def _name_chars(w: str) -> bool:
    """Every character of ``w`` is a Chinese character that may be part of a name: no function word (的, 了, 在)."""
    return all("\u4e00" <= c <= "\u9fff" and c not in _NOT_NAME for c in w)


def _bare_score(frames: int, margin: float) -> float:
    """A cue-less reading's score: two frames above one; a weaker surname lower, so that 和|文涛 yields to 文涛
    where the two readings overlap."""
    return (0.75 if frames == 2 else 0.6) - 0.05 * margin


class _Lex:
    def __init__(self) -> None:
        surnames = read_lexicon("surnames.txt")
        self.compound = {s for s in surnames if len(s) == 2}
        self.single = {s for s in surnames if len(s) == 1}
        self.ambiguous = set(read_lexicon("surnames_ambiguous.txt"))
        self.given = set("".join(read_lexicon("given_name_chars.txt")))
        self.relations = read_lexicon("name_cues_before.txt")
        self.titles = read_lexicon("name_titles_after.txt")
        self.stop = set(read_lexicon("name_stopwords.txt"))
        self.nick_stop = set(read_lexicon("nickname_stopwords.txt"))
        self.famous = set(read_lexicon("famous_names.txt"))
        self.latin_given = frozenset(read_lexicon("latin_given_names.txt"))
        self.minority_given = read_lexicon("name_minority_given.txt")
        self.place_heads = read_lexicon("name_place_heads.txt")
        self.public_roles = read_lexicon("name_public_roles.txt")
        self.public_works = read_lexicon("name_public_works.txt")
        self.official_roles = frozenset(read_lexicon("public_official_roles.txt"))


class NameRecognizer(Recognizer):
    """Chinese and Latin person names found from cues, titles, greetings and the tagger (see module doc)."""

    kind = "name"

    def __init__(self) -> None:
        self.lex = lex = _Lex()
        self.seg = segmenter()
        self.odds = NameOdds(self.seg.freq, [s for s in read_lexicon("surnames.txt") if len(s) == 1])
        # given-name characters: the hand list, and every character far likelier in names than in text (翔, 芃)
        self.given = lex.given | {c for c in self.odds.given_chars() if self.odds.char(c) >= _GIVEN_CHAR_ODDS}
        # the name may stand in quotes (一个叫“宁宁”的女生)
        self.naming_re = re.compile(rf"(?:{alternation(_NAMING)}) ?[:：]? ?[“\"「『]?(?=[{CJK}A-Za-z])")
        self.weak_naming_re = re.compile(rf"(?:{alternation(_WEAK_NAMING)}) ?[:：]? ?(?=[{CJK}A-Za-z])")
        self.intro_re = re.compile(rf"(?:{alternation(_INTRO)})[，, ：:]?(?=[{CJK}])")
        self.relation_re = re.compile(
            rf"(?P<rel>{alternation((*lex.relations, *_REFERRING))})(?:的)?"
            rf"(?:{alternation(_NAMING_CUES)}|就是|是|：|:| )?(?=[{CJK}A-Z])"
        )
        self.title_re = re.compile(alternation(lex.titles))
        # a person's verb after a name, or the name's relative or partner (王芳的妈妈, 王芳的男朋友)
        self.frame_after_re = re.compile(rf"{FRAME_AFTER.pattern}|的(?:{alternation(lex.relations)})")
        # cue-less names start after a frame word (和王芳) or at a clause start; those with a frame word after
        # them (王芳说) are found by looking back from each frame word (_bare)
        surname = rf"(?:{alternation(lex.compound)}|[{''.join(sorted(lex.single))}])"
        self.surname_heads = lex.single | {s[0] for s in lex.compound}  # first characters of every surname
        given = rf"[{''.join(sorted(self.given))}小]"
        # a clause starts at the text's start or after a clause-start character ("\n" among them, so every line
        # start too): two patterns, so that re can skip ahead to the next such character instead of trying ^ at each
        self.free_res = (
            re.compile(rf"(?:{alternation(_FRAME_BEFORE + _GREETING_BEFORE)})(?P<s>{surname})(?={given})"),
            re.compile(rf"[{_CLAUSE_START}](?P<s>{surname})(?={given})"),
            re.compile(rf"\A(?P<s>{surname})(?={given})"),
        )
        # ambiguous surnames that are mostly function words in running text (和, 都, 同, 那, 高)
        self.function_surnames = {
            c
            for c in lex.ambiguous
            if self.seg.freq.get(c, 0) >= 3000 and self.seg.tags.get(c, "")[:1] in tuple("cpdrumfqtva")
        }
        self.famous_by_first: dict[str, list[str]] = {}
        for name in lex.famous:
            self.famous_by_first.setdefault(name[0], []).append(name)
        # where a name someone is addressed by may stand: two or three characters opening a clause before a
        # greeting, or closing one after a word of address
        self.greeted_re = re.compile(rf"(?:^|[{_CLAUSE_START}])(?=[{CJK}]{{2,3}}(?:{_GREETING_AFTER.pattern}))", re.M)
        # a reply's or a sentence's first word: 小雨，… / …。小雨，…
        self.opening_re = re.compile(rf"(?:^|(?<=[。！？!?“\"「]))(?=[{CJK}]{{2,3}}(?:[{_OPENING_END}]|你))", re.M)
        # a signature closing a text or line: ——老王, -- 小李
        self.signoff_re = re.compile(rf"(?:——|—|--|~) ?(?=[{CJK}]{{2,3}} *$)", re.M)
        # a clause opening with two or three characters said to be one of the writer's people (晨曦是我女儿, 小胖是
        # 我初中同学): the copula with a relation word names them even where the name is also a word (海洋, 叶子)
        kin = [r for r in lex.relations if not r.startswith("我") and r not in _FAN_KIN]
        self.copula_re = re.compile(
            rf"(?:^|(?<=[{_CLAUSE_START}]))(?P<name>[{CJK}]{{2,3}})是我(?:的)?[{CJK}]{{0,6}}?(?:{alternation(kin)})",
            re.M,
        )
        self.nick_frame_re = re.compile(rf"(?:{alternation(_NICK_FRAME_BEFORE)})(?=[{CJK}])")
        self.addressed_re = re.compile(rf"(?:{alternation(_VOCATIVE_BEFORE)})[，, ]?(?=[{CJK}]{{2}})")
        salutation = alternation(_SALUTATIONS)
        self.salutation_re = re.compile(salutation)  # most texts hold none: the scans below are skipped
        self.saluted_re = re.compile(
            rf"(?:^|(?<=[{_CLAUSE_START}]))(?:{salutation})[啊呀哦]?[，, ]?(?=[{CJK}]{{2}})", re.M
        )
        # a parent addressed by the child's name, a student by their own, then a greeting or a comma (梓轩妈妈您好,
        # 小林同学，谢谢你)
        titles = alternation(_ADDRESSED_TITLES)
        self.addressed_title_re = re.compile(titles)  # most texts hold none: the clause-start scan is skipped
        self.addressed_as_re = re.compile(
            rf"(?:^|(?<=[{_CLAUSE_START}]))(?=[{CJK}]{{2,3}}(?:{titles})(?:{_GREETING_AFTER.pattern}|[，,]))",
            re.M,
        )
        # a child's name that names its parent (皓皓妈妈（电话…）, 我是思远爸爸, 浩然的家长)
        elders = alternation(_CHILDS_ELDERS)
        self.childs_kin_re = re.compile(rf"(?:的)?(?:{alternation(_CHILDS_KIN)}|(?P<elder>{elders}))")
        # the last clause of a sentence spoken to someone, made of a name alone (谢谢你信任我，婉清。)
        self.closing_vocative_re = re.compile(rf"[，,](?=[{CJK}]{{2,4}}(?:[。！!？?～~…\n]|$))", re.M)
        self.salute_after_re = re.compile(rf"[啊呀]?[，, ](?:{salutation})(?={_SALUTED_END.pattern})", re.M)
        # not a greeting taken for a first name (Hi Jason: Jason alone)
        self.latin_re = re.compile(
            r"(?<![A-Za-z])(?!(?:Hi|Hello|Hey|Dear) )[A-Za-z][a-z'-]{1,19}(?: [A-Z][a-z'-]{1,19})?(?![A-Za-z0-9])"
        )
        # a Tibetan, Uyghur or Mongolian name: one or two given-name parts (索南卓玛), not inside a place name or a
        # historical one (格桑花, 呼和浩特, 努尔哈赤); Mongolians often add a Han surname (包其其格, 白巴特尔)
        part = alternation(lex.minority_given)
        self.minority_re = re.compile(rf"(?:{part})(?:{part})?(?!花|浩特|察布|巴托|哈赤)")

    def validate(self, norm: str, c: Candidate) -> bool:
        """Without a cue word: not a place (唐山打人这事), 祝 wishing someone well (``_wishing``), a public figure's
        name or its tail (曹|云金). Never the first part of a place or business name (卓展广场, 白鹭洲大酒店), a brand
        before its model (柯岚A52, 柯岚 W550C: a person's name is never followed by a model code), or a public figure
        named by a public role or works (歌手X, 市长X; X主演, X的新专辑)."""
        lex = self.lex
        return not (
            (c.score < _ROLE_CUED and self._cueless_not_name(norm, c.start, c.end))
            or norm.startswith(lex.place_heads, c.end)
            or _MODEL_CODE.match(norm, c.end)
            or self._runs_into_foreign_name(norm, c.end)
            or norm.endswith(lex.public_roles, 0, c.start)
            or norm.startswith(lex.public_works, c.end)
            or bool(_FAVOURITE_PUBLIC.match(norm, c.end))  # X是我最喜欢的球员之一: a star, not the writer's own
        )

    def _runs_into_foreign_name(self, norm: str, end: int) -> bool:
        """The reading stops inside a transliterated name (马夏|尔, 肖克罗|斯): a character that ends foreign names
        follows, opening no word of its own (not 王明|特别, 李华|德国)."""
        return end < len(norm) and norm[end] in _FOREIGN_TAIL and not self.seg.is_word(norm[end : end + 2])

    # ------------------------------------------------------------------ candidate shapes
    def _surname_end(self, norm: str, pos: int) -> int:
        if norm[pos : pos + 2] in self.lex.compound:
            return pos + 2
        return pos + 1 if norm[pos : pos + 1] in self.lex.single else 0

    def _famous_at(self, norm: str, pos: int, name: str) -> bool:
        """A public figure's name at ``pos`` that is not the start of a longer name (孙子, but not 孙子墨)."""
        end = pos + len(name)
        return norm.startswith(name, pos) and (len(name) >= 3 or norm[end : end + 1] not in self.given)

    def _famous_here(self, norm: str, pos: int) -> bool:
        """A public figure's name starts at ``pos``."""
        return any(self._famous_at(norm, pos, f) for f in self.famous_by_first.get(norm[pos], ()))

    @staticmethod
    def _wishing(norm: str, start: int, end: int) -> bool:
        """祝 wishing someone well (祝妮今年更加美好), not a person surnamed 祝 who speaks (祝婷婷说她很开心)."""
        return norm[start] == "祝" and not _SPEAKS.match(norm, end) and bool(_WISH.search(clause_after(norm, end, 20)))

    def _place_not_nickname(self, norm: str, start: int, end: int) -> bool:
        """A full-name reading that jieba knows as a place (唐山, 安平), not a nickname (小金, 阿南, 兰兰)."""
        w = norm[start:end]
        return w[0] not in "小老阿" and w[0] != w[1:2] and self.seg.is_place(w)

    def famous_in(self, norm: str) -> set[str]:
        """The public figures' names (famous_names.txt) that ``norm`` mentions."""
        by_first = self.famous_by_first
        return {f for p, ch in enumerate(norm) if ch in by_first for f in by_first[ch] if self._famous_at(norm, p, f)}

    def _cueless_not_name(self, norm: str, start: int, end: int) -> bool:
        """Checks for a reading no cue word names: the tail of a public figure's name, a place, 祝 the verb."""
        return (
            self._inside_famous(norm, start, end)
            or self._place_not_nickname(norm, start, end)
            or self._wishing(norm, start, end)
        )

    def _inside_famous(self, norm: str, start: int, end: int) -> bool:
        """``norm[start:end]`` lies inside a public figure's name begun one or two characters before it (曹|云金,
        邓|文迪): the tail of a name kept as public is no name of its own."""
        return any(
            p + len(f) >= end and self._famous_at(norm, p, f)
            for p in range(max(0, start - 2), start)
            for f in self.famous_by_first.get(norm[p], ())
        )

    def _ordinary(self, w: str) -> bool:
        """An ordinary word or a public figure (高中, 马上, 张力, 鲁迅): not a private person's name."""
        return w in self.lex.stop or self.seg.is_word(w) or w in self.lex.famous

    def full_names(
        self, norm: str, pos: int, name_char: Callable[[str], bool] | None = None, cued: bool = False
    ) -> list[int]:
        """Ends of surname + given-name readings at ``pos``, longest first (王芳芳 / 王芳): given-name
        characters are common name characters (小 may open a two-character given name), or those
        ``name_char`` accepts."""
        is_given = name_char or self.given.__contains__
        s_end = self._surname_end(norm, pos)
        if not s_end or self._famous_here(norm, pos):
            return []  # 武志红: a public figure, whatever reading jieba prefers
        out = []
        for n in (2, 1):
            given = norm[s_end : s_end + n]
            if len(given) != n or not _name_chars(given):
                continue
            if not is_given(given[0]) and not (given[0] == "小" and n == 2):
                continue
            if n == 2 and not is_given(given[1]) and not (cued and given[1] == "儿"):
                continue  # 周俊欠了: a third character that is no name character ends the name before it (after a
                # cue, 儿 closes a girl's given name: 宋可儿, 林婉儿)
            if given[0] == norm[s_end - 1]:
                continue  # 蒙蒙的, 乐乐: a doubled character is a word or a nickname, not surname + given name
            if given == "家" or given in _CHILD:
                continue  # 丁家, 王家: the household of that surname; 和宝宝, 跟孩子: a child, not a given name
            if norm[pos] in self.lex.ambiguous and self.seg.is_place(given):
                continue  # 带孩子来海南: a verb or function word and a place, not 来 + a given name
            cand = norm[pos : s_end + n]
            if norm[s_end + n : s_end + n + 1] in _NAME_DOT or norm[pos - 1 : pos] in _NAME_DOT:
                continue  # 罗宾·怀特, 伊桑·霍克: part of a transliterated foreign name
            if self._ordinary(cand) and not (cued and self._rare_proper(cand)):
                continue
            if n == 2 and (self._word_not_given(given) or given in self.lex.nick_stop):
                continue  # 曾建议, 管一点: 建议, 一点 are words, not given names (but 建国, 宏伟 are)
            out.append(s_end + n)
        return out

    def _rare_proper(self, w: str) -> bool:
        """A rare dictionary word that jieba reads as a place or proper noun (唐洋, 孙悦): after a cue word, such a
        reading is a person's name."""
        tag = self.seg.tags.get(w, "")
        rare = self.seg.freq.get(w, 0) < _RARE_WORD and w not in self.lex.stop and w not in self.lex.famous
        return rare and tag.startswith(("ns", "nz", "nr"))

    def _tagged_name(self, w: str) -> bool:
        """jieba tags ``w`` as a person, and it reads as one: a rare word, or a frequent one far likelier as a
        surname and given name than as text (李强, 张宁; not 原谅, 阳光, 华裔: ``_TAGGED_NAME_ODDS``)."""
        if not self.seg.tags.get(w, "").startswith("nr"):
            return False
        if not self.seg.is_word(w):
            return True  # a rare word jieba tags nr (孙悦): ``Segmenter.is_word`` already reads it as a name
        s_end = self._surname_end(w, 0)
        return bool(s_end) and s_end < len(w) and self.odds.name(w[:s_end], w[s_end:]) >= _TAGGED_NAME_ODDS

    def _word_not_given(self, given: str) -> bool:
        """A frequent dictionary word that is no given name: a common noun, verb or function word (建议, 建立,
        一点); names that are also words (建军, 建平, 海燕, 宏伟) are rarer or tagged as names, adjectives."""
        tag, f = self.seg.tags.get(given, ""), self.seg.freq.get(given, 0)
        if tag.startswith(_NAME_TAGS) or tag[:1] in ("a", "t", "i", "z"):
            return False
        if tag[:1] in tuple("mqfrucp"):
            return f >= 100
        return f >= (1000 if tag[:1] == "n" else 500)

    def _closed(self, norm: str, e: int) -> bool:
        """The clause ends, or a verb a person does follows, also after an adverb (同桌叶子刚才给我打电话, 女朋友晓蕾
        也在等我): the name cannot run on."""
        if e == len(norm) or norm[e] in _CLAUSE_END or self.frame_after_re.match(norm, e):
            return True
        if _AGE_OR_DEED.match(norm, e):
            return True  # 女儿贝贝四岁, 同桌思琪去了北京: the person's age or what they did
        nxt = norm[e + 1 : e + 3]
        if norm[e] in "和跟与" and len(nxt) == 2 and all(c in self.given for c in nxt) and self._closed(norm, e + 3):
            return True  # 室友芮芮和佳怡总是…: another name joined to it, and the pair closed
        m = _ADVERB_RUN.match(norm, e)
        if not m:
            return False
        if m.group().endswith(_MODALS):
            return True  # 也在等我, 都要走了: an adverb and a modal or 在 open a verb phrase
        # not 就是, 都是 (a description)
        return bool(self.frame_after_re.match(norm, m.end())) or self._verb_at(norm, m.end())

    def _end_agrees(self, norm: str, pos: int, e: int, strong: bool = False) -> bool:
        """The reading's end agrees with jieba's segmentation, or is pinned by what follows (a clause end, a
        verb a person does) when its last character is a name character. A reading that starts with an
        ordinary word (温顺|得, 成长|中) is taken only after a naming cue and closed (我是董子涵，)."""
        s_end = self._surname_end(norm, pos)
        head = norm[pos : s_end + 1]
        # 孙文|静, 徐海|燕 (a word jieba tags as a name or place, then a name character) is still one name, and
        # so is one led by a rare word (苏志|强)
        name_word = self.seg.tags.get(head, "").startswith(_NAME_TAGS) and norm[e - 1] in self.given
        word_first = e - s_end == 2 == s_end - pos + 1 and self.seg.is_word(head) and not name_word
        word_first = word_first and self.seg.freq.get(head, 0) >= 50
        if word_first and not (strong and self._closed(norm, e)):
            return False
        if e - s_end == 2 and norm[e - 1] not in self.given and e - 1 in self.seg.bounds(norm, pos, e):
            return False  # 周俊|欠了, 蒋涛|拉黑: a last character that is no name character and a word of its own
        b = self.seg.bounds(norm, pos, e)
        if not self._starts_word(norm, pos, b):
            return False
        head2 = norm[pos : e - 1]
        pinned = e - pos == 3 and norm[e - 1] in self.given and self.frame_after_re.match(norm, e)
        if pinned and not self.seg.freq.get(head2) and head2 not in self.lex.famous:
            return True  # 师兄贺嘉明说: a person's verb after three characters pins the name (not 贺嘉|明说)
        if e not in b and self.seg.freq.get(self.seg.glued_word(norm, e)):
            return False  # 钱|可是: the end cuts a dictionary word
        if norm[e - 1] in self.given and (self._closed(norm, e) or e not in b):
            return True  # pinned by what follows, or only the HMM glued the name to it (周俊欠了)
        return e in b

    def _starts_word(self, norm: str, pos: int, bounds: set[int]) -> bool:
        """``pos`` starts a word, or only jieba's HMM glued it to what precedes (闺蜜周|美玲, 我和林|欣怡);
        a dictionary word cut there (过程|中) says no name starts at ``pos``."""
        return pos in bounds or not self.seg.freq.get(self.seg.glued_word(norm, pos))

    def _after_cue(self, norm: str, pos: int, strong: bool = False, role: bool = False) -> int:
        """The longest full-name reading after a cue that agrees with segmentation (0 if none). Right after a
        role word, an ambiguous surname (仇, 高) with name characters is a name when the clause ends right after
        it (心理咨询师高伟，; 孩子平安。 is a dictionary word and never a reading)."""
        ends = self.full_names(norm, pos, cued=True)
        # 房东杨德胜，: a less common name character (胜) closing the clause still ends the name
        likely = self.full_names(norm, pos, self._likely_given, cued=True)
        closed = [e for e in likely if norm[e : e + 1] in _CLAUSE_END]
        for e in sorted({*ends, *closed}, reverse=True):
            if not self._end_agrees(norm, pos, e, strong):
                continue
            if self._person_like(norm, pos, e):
                return e
            given = norm[pos + 1 : e]
            # closed by a person's verb rather than punctuation: the given name may not be a word (舍友和男友分手)
            named = role and self._closed(norm, e)
            named = named and (norm[e : e + 1] in _CLAUSE_END or len(given) == 1 or not self.seg.freq.get(given))
            if named and all(c in self.given for c in given):
                return e
        return 0

    def _person_like(self, norm: str, pos: int, end: int) -> bool:
        """After a cue, a surname that is mostly an ordinary character (连, 任) or a function word (和, 都, 那)
        needs a reading likelier as a name than as text (都|笑, 和|朋友 are not), whose given name is no word of its
        own (向|男友, 连|蓝牙)."""
        s_end = self._surname_end(norm, pos)
        margin = self._surname_margin(norm[pos:s_end])
        if not margin:
            return True
        given = norm[s_end:end]
        return self.odds.name(norm[pos:s_end], given) >= margin and (len(given) < 2 or not self.seg.is_word(given))

    def _verb_at(self, norm: str, e: int) -> bool:
        """A verb (by jieba's dictionary) starts at ``e``, not 是 or 有 (which describe)."""
        words = self.seg.tagged_words(norm[e : e + 4])[:1]
        return bool(words) and words[0][1].startswith("v") and words[0][0] not in ("是", "有")

    def _closed_or_owned(self, norm: str, e: int) -> bool:
        """After a relation word, a name closed as ``_closed`` says, owning what follows (室友欢欢的口音) or where
        it is or acts (老婆晓敏在…)."""
        return self._closed(norm, e) or norm.startswith(("的", "在"), e)

    def _nickname(self, norm: str, pos: int, owned: bool = False) -> int:
        """小王 / 老李 / 阿杰 (and 小雨雨), or a doubled name character (凡凡), 王哥 / 琳姐 or 大伟: a nickname after a
        relation word. The doubled, kin and 大 forms are also ordinary words (刚刚, 大海, 表姐), so the clause must end
        or a person's verb follow."""
        doubled = norm[pos : pos + 1] == norm[pos + 1 : pos + 2] and "\u4e00" <= norm[pos] <= "\u9fff"
        if doubled and norm[pos] not in _NOT_NAME and norm.endswith(_CHILD_CALLED, 0, pos):
            # a child's pet name given by 叫 (儿子叫乐乐，女儿小名叫朵朵): any doubled word but a kin word, an adverb,
            # a time word, a numeral or a frequent word
            w = norm[pos : pos + 2]
            named = w not in self.lex.relations and self.seg.tags.get(w, "n")[:1] not in "dtm"
            named = named and self.seg.freq.get(w, 0) < 1000
            return pos + 2 if named and self._closed(norm, pos + 2) else 0
        if doubled and norm[pos] in self.given:  # 闺蜜凡凡
            end = self._doubled_nickname(norm, pos)
            # not 女儿刚刚离婚: 刚刚 is a word; nor 孩子红红的脸: a doubled adjective before 的 describes
            owned = owned and self.seg.tags.get(norm[pos]) != "a"
            closed = self._closed_or_owned if owned else self._closed
            return end if end and closed(norm, end) else 0
        if doubled and norm.endswith(_CHILD, 0, pos) and norm[pos] not in _NOT_NAME:
            # a child's pet name is often a doubled noun (儿子豆豆今年…, 女儿果果说): not an adverb or time word
            end = pos + 2
            w = norm[pos:end]
            kin = w in self.lex.relations or w in self.lex.stop or w in self.lex.nick_stop  # 孩子爸爸, 孩子妈妈
            noun = self.seg.tags.get(w, "n")[:1] in "nz" and not kin
            return end if noun and self._closed(norm, end) else 0
        end = self._kin_nickname(norm, pos)
        if end:
            return end if self._closed(norm, end) else 0
        return self._prefixed_nickname(norm, pos)

    @staticmethod
    def _writer_framed(norm: str, pos: int) -> bool:
        """A frame word right before ``pos`` in a clause of the writer's (我和小彭吵架, 我跟Tony…)."""
        return norm.endswith(_FRAME_BEFORE, 0, pos) and "我" in clause_before(norm, pos, 12, _CLAUSE_END)

    def _latin_framed(self, norm: str, start: int, end: int) -> bool:
        """A Latin given name as a whole word with a person frame right after it, greeted, or with a frame word
        before it in a clause of the writer's (我跟Tony…; not a fan's Edward和Bella, 给Mike点赞)."""
        if norm[start - 1 : start].isascii() and norm[start - 1 : start].isalnum():
            return False
        introduced = norm.endswith("我是", 0, start) and self._closed(norm, end)  # 我是Amy，上次展会加过你的
        # a note or message opening with the name and a comma, that speaks to someone or gives contact details
        # (便签：Lily，明天…你的QQ…; not Kelly，之前看图片觉得她…: a character the text is about)
        opening = (
            (start == 0 or norm[start - 1] in "\n：:")
            and norm[end : end + 1] in "，,"
            and not norm[end + 1 : end + 2].isascii()
            and bool(_ADDRESSEE.search(norm, end) or _PRIVATE_ERRAND.search(norm, end))
        )
        return (
            introduced
            or opening
            or self._writer_framed(norm, start)
            or (norm.endswith(_GREETING_BEFORE, 0, start) and self._closed(norm, end))  # not Hello Kitty的书包
            or bool(_HELLO_AFTER.match(norm, end))  # Amy你好
            or norm.endswith(_VOCATIVE_BEFORE, 0, start)
            or bool(self.frame_after_re.match(norm, end))
        )

    def _minority_framed(self, norm: str, start: int, end: int) -> float:
        """The score of a Tibetan, Uyghur or Mongolian name with a person frame (0.0 without one): a relation word
        right before it (室友扎西), or a naming word or a field's colon right before it with the clause closed after
        it (她叫索南卓玛，, 尤其是卓玛，, 周二：巴图), as strong as a naming cue; a frame an English given name would
        need (``_latin_framed``), as a one-frame name."""
        if "\u4e00" <= norm[start - 1 : start] <= "\u9fff" and not norm.endswith(
            (*self.lex.relations, "叫", "是", "和", "跟", "与", "给", "让", "被"), 0, start
        ):
            return 0.0  # inside a longer word (很多吉祥): a part must start a word
        named = norm.endswith(("叫", "是", ":", "："), 0, start) and self._closed(norm, end)
        if named or norm.endswith(self.lex.relations, 0, start):
            return 0.9
        return 0.75 if self._latin_framed(norm, start, end) else 0.0

    def _doubled_nickname(self, norm: str, pos: int) -> int:
        """凡凡, 娟娟: a doubled character likely in names that is no ordinary word (刚刚, 天天); its end or 0."""
        c = norm[pos : pos + 1]
        if not c or norm[pos + 1 : pos + 2] != c or c not in self.given:
            return 0
        w = norm[pos : pos + 2]
        ordinary = (self._ordinary_given(w) and not self._rare_doubled(w)) or w in self.lex.nick_stop
        return pos + 2 if self.odds.char(c) >= _VOCATIVE_CHAR_ODDS and not ordinary else 0

    def _rare_doubled(self, w: str) -> bool:
        """A doubled character making a rare word (思思, 欢欢) is a nickname; a frequent one (默默, 天天) a word."""
        return w[:1] == w[1:] and self.seg.freq.get(w, 0) < _RARE_WORD and w not in self.lex.stop

    def _prefixed_nickname(self, norm: str, pos: int) -> int:
        """小王 / 老李 / 阿杰 (and 小雨雨): 小 or 阿 before a surname or a name character, 老 before a surname."""
        if norm[pos : pos + 1] not in "小老阿":
            return 0
        x = norm[pos + 1 : pos + 2]
        if not x or norm[pos : pos + 2] in self.lex.nick_stop or norm[pos : pos + 3] in self.lex.nick_stop:
            return 0
        surname = x in self.lex.single and x not in self.lex.ambiguous
        if x in "一二三四五六七八九十" or not (surname or x in self.given) or (norm[pos] == "老" and not surname):
            return 0
        end = pos + 2 + (norm[pos + 2 : pos + 3] == x)
        listed = surname and norm.startswith(_LIST_JOIN, end)  # 小蒋和老范: 和 is a name character too
        # 小雨 but not 小雨伞; 小朱|天天骂人: a name character that starts a word of its own ends the nickname
        ends = end == len(norm) or norm[end] not in self.given or listed
        return end if ends or self.seg.agrees(norm, pos, end) else 0

    def _kin_nickname(self, norm: str, pos: int) -> int:
        """王哥 / 谢姐 / 琳姐 (a surname or a name character, then a kin word), 婷婷姐 (a doubled nickname and a kin
        word) or 大伟 (大 and a name character), when the two characters are no dictionary word (表姐, 帅哥, 大海); 0
        otherwise."""
        x, k = norm[pos : pos + 1], norm[pos + 1 : pos + 2]
        if x in _NOT_NAME or (x in self.function_surnames and self.seg.tags.get(x, "")[:1] in "cpudr"):
            return 0  # 母亲和姐姐: 和 is the conjunction
        doubled = self._doubled_nickname(norm, pos)
        if doubled and norm[doubled : doubled + 1] in KIN_NICK and norm[doubled + 1 : doubled + 2] not in KIN_NICK:
            return doubled + 1  # 婷婷姐, 涛涛哥: a doubled name character, then the kin word
        if k in KIN_NICK and k:
            surname = x in self.lex.single and x not in self.lex.ambiguous
            ok = norm[pos + 2 : pos + 3] != k and (surname or x in self.given)  # not 和姐|姐
        elif x == "大" and k:
            ok = k in self.given and self.odds.char(k) >= _VOCATIVE_CHAR_ODDS
        else:
            return 0
        w = norm[pos : pos + 2]
        if not ok or self.seg.freq.get(w) or w in self.lex.nick_stop or w in self.lex.stop:
            return 0  # any dictionary word: 帅哥 is tagged as a name, but is a word
        end = pos + 2
        # 大斌|天天骂人: a name character after it may open an adverb before the person's verb
        ends = end == len(norm) or norm[end] not in self.given or self._closed(norm, end)
        return end if ends or self.seg.agrees(norm, pos, end) else 0

    def _given_alone(self, norm: str, pos: int, owned: bool = False) -> int:
        """After a relation word, a given name alone (儿子若泽今年…, 室友思琪说): two name characters likelier in
        names than in text, no ordinary word, closed by the clause's end or a person's verb (or, ``owned``
        right after the relation word, by 的: 女朋友晓蕾的妈妈)."""
        w = norm[pos : pos + 2]
        if len(w) < 2 or not all(c in self.given for c in w) or w in self.lex.famous:
            return 0
        # a rare noun or idiom-tagged word of name characters (雅芳, 欣怡: jieba tags such names i) may be a name
        rare = self.seg.tags.get(w) in ("n", "i") and self.seg.freq.get(w, 0) < _RARE_WORD and w not in self.lex.stop
        # 女朋友桃子说我…: right after the relation word, a word that names people too, by a person's verb
        called = owned and self._word_name(w) and bool(self.frame_after_re.match(norm, pos + 2))
        if self.seg.freq.get(w) and not (self._rare_proper(w) or rare or called):
            return 0  # 朋友庆生: a dictionary word (庆生, 平安) is that word here; a rare name (雅芳, 国强) is not
        closed = self._closed_or_owned if owned else self._closed
        # 我哥皓宇赌博…: a given name no dictionary knows and far likelier in names may be followed by any verb
        acts = not self.seg.freq.get(w) and self.odds.given(w) >= _UNKNOWN_GIVEN_ODDS and self._verb_at(norm, pos + 2)
        if self.odds.given(w) < _VOCATIVE_GIVEN_ODDS or not (acts or closed(norm, pos + 2)):
            return 0
        b = self.seg.bounds(norm, pos, pos + 2)
        return pos + 2 if self._starts_word(norm, pos, b) and pos + 2 in b else 0  # 闺蜜|春妍 glued by the HMM

    def _closed_word_name(self, norm: str, pos: int) -> int:
        """A surname and one or two name characters closing the clause, whether or not they make a noun (高明,
        白雪; not an adjective or verb such as 高兴, 平安)."""
        s_end = self._surname_end(norm, pos)
        for e in (s_end + 2, s_end + 1) if s_end else ():
            given = norm[s_end:e]
            closes = e == len(norm) or norm[e : e + 1] in _CLAUSE_END
            describes = self.seg.tags.get(norm[pos:e], "n") in ("a", "b", "v", "d", "ad", "an", "vn")  # 高兴, 平安
            if closes and not describes and len(given) == e - s_end and all(c in self.given for c in given):
                return e
        return 0

    def _unknown_given_alone(self, norm: str, pos: int) -> int:
        """A given name alone (``_given_alone``) that is no dictionary word or one jieba knows as a name (欣怡):
        without a relation word before it, a rare noun of name characters (彩礼, 励志) is that noun."""
        e = self._given_alone(norm, pos)
        w = norm[pos:e]
        return e if e and (not self.seg.freq.get(w) or self.seg.tags.get(w, "").startswith("nr")) else 0

    def _ordinary_given(self, w: str) -> bool:
        """A two-character given name that is an ordinary word (宝贝, 明天) or a public figure; a rare adjective,
        descriptive word or proper noun made of name characters (欣悦, 明静, 浩浩, 婷婷) may still be a name, a rare
        noun or numeral (妮子, 庚寅) not."""
        if w in self.lex.stop or w in self.lex.famous:
            return True
        tag = self.seg.tags.get(w, "")
        # 'i' on a rare two-character word of name characters is jieba's tag for names such as 欣怡, 琪琪, 玲玲
        name_like = tag in ("a", "z", "i") or tag.startswith(("nz", "nr"))
        return self.seg.is_word(w) and (self.seg.freq.get(w, 0) >= _RARE_WORD or not name_like)

    def _word_given(self, norm: str, pos: int) -> int:
        """After a strong cue (a relation or role word, a naming cue, a name field), a common surname and a given
        name that is an ordinary word (何胜利, 李自强, 王和平), when the clause ends right after it; 0 otherwise."""
        x = norm[pos : pos + 1]
        if x not in self.lex.single or x in self.lex.ambiguous:
            return 0
        given, e = norm[pos + 1 : pos + 3], pos + 3
        if len(given) < 2 or not _name_chars(given):
            return 0
        if not self.seg.freq.get(given) or self.seg.is_word(norm[pos:e]) or norm[pos:e] in self.lex.famous:
            return 0
        if self.odds.given(given) < _WORD_GIVEN_ODDS or given in self.lex.titles or given in self.lex.nick_stop:
            return 0  # 男朋友熊猫眼: 猫眼 is far likelier in text than in names; 同事林小姐: a surname and a title
        if any(self._famous_at(norm, pos, f) for f in self.famous_by_first.get(x, ())):
            return 0
        return e if e == len(norm) or norm[e] in _CLAUSE_END else 0

    def _tagged_word(self, norm: str, pos: int) -> int:
        """After a relation word: a frequent dictionary word tagged as a name (李强) is a name when a person
        frame follows (丈夫李强结婚五年; not 外婆温顺得很)."""
        e = self._surname_end(norm, pos) + 1
        w = norm[pos:e]
        if e > pos + 1 and self._tagged_name(w) and self.frame_after_re.match(norm, e):
            return e if self.seg.agrees(norm, pos, e) else 0
        return 0

    def _after_relation(self, norm: str, pos: int, owned: bool = False, generic: bool = False) -> int:
        """The end of a name right after a relation or role word (0 if none); ``owned``: a given name or doubled
        nickname may also end before 的 (the relation word is the writer's kind, right before the name). A
        ``generic`` person noun (男人, 女生: anyone, not someone of the writer's) is no cue for a given name alone
        or a doubled one (让男人励志, 女生和女生爱爱), only for a full name or a 小X/老X nickname."""
        given_alone = 0 if generic else self._given_alone(norm, pos, owned)
        nickname = self._prefixed_nickname(norm, pos) if generic else self._nickname(norm, pos, owned)
        return (
            self._after_cue(norm, pos, role=True)
            or nickname
            or self._tagged_word(norm, pos)
            or given_alone
            or self._word_given(norm, pos)
            or (self._nicknamed_word(norm, pos) if owned and not generic else 0)
            or (self._childs_word_name(norm, pos) if norm.endswith(_CHILD, 0, pos) else 0)
        )

    def _called_word(self, norm: str, pos: int) -> int:
        """After a relation word and 叫, two characters closing the clause that are no frequent word, relation,
        kin word (堂姐叫爸妈), verb (老公叫外卖) or time, numeral or pronoun word: what the person is called
        (儿子叫一诺，); 0 if not."""
        w, e = norm[pos : pos + 2], pos + 2
        if len(w) < 2 or not _name_chars(w) or self.seg.freq.get(w, 0) >= 1000 or any(c in _KIN_CHARS for c in w):
            return 0
        closes = e == len(norm) or norm[e] in _CLAUSE_END
        return e if closes and not self._taken_word(w, "tdr" if w[0] == w[1] else "tdmrqvp") else 0

    def _taken_word(self, w: str, tags: str = "") -> bool:
        """``w`` already means something other than a private person's name: a relation word (妈妈), a public
        figure, or a word jieba tags with one of ``tags`` (t time, m numeral, r pronoun ...)."""
        return w in self.lex.relations or w in self.lex.famous or self.seg.tags.get(w, "n")[:1] in tags

    def _childs_word_name(self, norm: str, pos: int) -> int:
        """Right after a child word (女儿, 儿子), a word of two characters that is the child's name because a
        child's age or school year follows it (女儿米粒在幼儿园…, 儿子小满才三个月, 女儿心怡读五年级): no time word,
        adverb, pronoun or numeral (女儿现在在幼儿园, 儿子已经上一年级). 0 otherwise."""
        w = norm[pos : pos + 2]
        if len(w) < 2 or not _name_chars(w):
            return 0
        if self._taken_word(w, "tdr" if w[0] == w[1] else "tdmrpcqf"):
            return 0  # a doubled word is a pet name whatever jieba's tag (朵朵: q), unless an adverb (天天, 刚刚)
        if _BIRTH_ORDER.fullmatch(w):
            return 0  # 孩子老大四岁, 二宝才三个月: which child, not its name
        return pos + 2 if _CHILDS_AGE_OR_YEAR.match(norm, pos + 2) else 0

    def _nicknamed_word(self, norm: str, pos: int) -> int:
        """Right after a relation word of the writer's own, a word of a nickname's shape, a doubled character (甜甜)
        or a noun ending in 子 or 头 (饺子, 石头), when that person speaks to or acts on the writer right after it
        (``_ACTS_ON_WRITER``); 0 otherwise. Words of other shapes (短信, 电话: 老公短信说) are things, not people."""
        w = norm[pos : pos + 2]
        if len(w) < 2 or not _name_chars(w) or norm[pos - 1] == "的":
            return 0  # 孩子的例子说事: what belongs to the person, not what they are called
        if not (w[0] == w[1] or w[1] in "子头") or self._taken_word(w):
            return 0
        if self.seg.tags.get(w, "n")[:1] not in ("n", "a"):
            return 0  # 刚刚, 常常: an adverb or a time word
        return pos + 2 if _ACTS_ON_WRITER.match(norm, pos + 2) else 0

    def _given_run(self, norm: str, pos: int, weak: bool) -> int:
        """After 我叫: a full name, a Latin name, or a given name closing the clause (雨桐, 涵涵, 浩然)."""
        m = self.latin_re.match(norm, pos)
        if m and norm[pos].isupper():  # Kevin; a lower-case word is a word (那个叫happy的词)
            return m.end()
        full = self._after_cue(norm, pos, strong=True) or self._word_given(norm, pos)
        if full:
            return full
        nick = self._prefixed_nickname(norm, pos) or self._kin_nickname(norm, pos)
        if nick and (nick == len(norm) or norm[nick] in _CLAUSE_END or norm[nick] in "就吧的"):
            return nick  # 叫我老苏就好, 同事都叫他张哥，
        end = pos
        while end < len(norm) and end - pos < 4 and "\u4e00" <= norm[end] <= "\u9fff" and norm[end] not in _NOT_NAME:
            end += 1
        run = norm[pos:end]
        if not run or len(run) > 3 or not (end == len(norm) or norm[end] in _CLAUSE_END or norm[end] == "的"):
            return 0
        if self._tagged_name(run) and not weak:
            return end  # 名叫李四
        # a given name, a nickname, or an unlisted surname + two given-name characters (习小明)
        skip = 1 if (run[0] in "小阿" and len(run) >= 2) or (len(run) == 3 and not weak) else 0
        if not all(c in self.given or c == "小" for c in run[skip:]) or (weak and norm[end : end + 1] in "?？"):
            return 0  # 叫我交电费, 把我叫进屋里, 才叫我爱家？: an order or a question, not a name
        if weak and (len(run) < 2 or self.seg.is_word(run)):
            return 0  # 叫我宝贝, 叫我宝: a word of endearment, not a name
        return 0 if self.seg.freq.get(run, 0) >= _COMMON or run in self.lex.famous else end

    # ------------------------------------------------------------------ evidence
    def candidates(self, ctx: Context) -> Iterator[Candidate]:
        norm = ctx.norm
        for rx, weak in ((self.naming_re, False), (self.weak_naming_re, True)):
            for m in rx.finditer(norm):
                if m.group()[0] in "，," and not _DESCRIBED.search(clause_before(norm, m.start(), 20, _CLAUSE_END)):
                    continue
                e = self._given_run(norm, m.end(), weak)
                if e and not self.seg.is_word(norm[m.end() - 1 : m.end() + 1]):  # 我叫醒了: 叫醒 is one word
                    yield self.cand(m.end(), e, 0.9)
        for m in _ALIAS.finditer(norm):
            w = m.group("alias")
            if _name_chars(w) and self.seg.freq.get(w, 0) < _COMMON and w not in self.lex.relations:
                yield self.cand(*m.span("alias"), 0.9)
        for m in _HANDLE.finditer(norm) if "“" in norm or '"' in norm or "「" in norm else ():
            yield self.cand(*m.span("handle"), 0.9)  # 网名叫“北风不语”: an online identity the writer knows
        for m in self.latin_re.finditer(norm) if _LATIN_START.search(norm) else ():
            if m.group() in self.lex.latin_given and self._latin_framed(norm, m.start(), m.end()):
                yield self.cand(m.start(), m.end(), 0.75)  # 跟Amy吵了一架, Kevin是我最好的朋友
        for m in self.minority_re.finditer(norm):
            start = m.start() - (norm[m.start() - 1 : m.start()] in _MONGOLIAN_SURNAMES and m.start() > 0)
            framed = 0.0 if m.group() in self.lex.famous else self._minority_framed(norm, start, m.end())
            if framed:
                yield self.cand(start, m.end(), framed)  # 室友扎西, 她叫索南卓玛，, 姓名：包其其格
        for m in self.intro_re.finditer(norm):
            e = self._after_cue(norm, m.end(), strong=True)
            if e and (e == len(norm) or norm[e] in _CLAUSE_END):
                yield self.cand(m.end(), e, 0.8)
        for m in self.relation_re.finditer(norm):
            pos = m.end()
            if "A" <= norm[pos] <= "Z":  # 我男朋友Kevin说
                latin = self.latin_re.match(norm, pos)
                # an English given name of the list (男朋友Jason是…) need not close the clause; other capitalised
                # words must (news speaks of foreigners by relation too: 他的新女友Quinn如何)
                listed = latin and latin.group() in self.lex.latin_given
                if latin and (listed or self._closed(norm, latin.end())):
                    yield self.cand(pos, latin.end(), 0.8)
                continue
            if self._surnamed_role(norm, m.start()):
                continue  # 陈老师|X: the role already names its person by surname; a name right after it is a joke
            # 室友欢欢的口音, but not 人家宝强的钱 (a referring word) nor 姐姐是励志的典范 (a description)
            owned = m.group("rel") not in _REFERRING and not m.group().endswith("是")
            # 男人励志 (a generic person noun, then a word), but 有个女孩叫雨桐 (named)
            generic = m.group("rel") in _GENERIC_PERSONS and not m.group().endswith("叫")
            if generic and "的" in m.group():
                continue  # 小伙子的阳光帅: what belongs to a man or girl, not their name
            e = self._after_relation(norm, pos, owned, generic)
            if not e and m.group().endswith("叫"):
                # 我的初恋叫方圆，: a name that is also a word, named; 儿子叫一诺，: any rare word closing the clause
                e = self._closed_word_name(norm, pos) or self._called_word(norm, pos)
            # a role an official also holds (主任, 医生) finds a name, but is no proof that the person is the writer's
            # own, as 同事 or 我男朋友 is: a mention showing a public person (疾控中心主任X回应称) still outweighs it
            official = m.group("rel") in self.lex.official_roles
            while e:
                yield self.cand(pos, e, _ROLE_CUED if official else 0.8)
                # a list of people in the same role: 室友张强和阿翔, 同事小王、老李
                join = next((j for j in _LIST_JOIN if norm.startswith(j, e)), "")
                pos = e + len(join)
                e = self._after_relation(norm, pos, owned, generic) if join else 0
        for m in _INTRO_ROLE.finditer(norm) if "我是" in norm else ():
            span = self._introduced_with_role(norm, m.end())
            if span:
                yield self.cand(*span, 0.8)
        for m in self.title_re.finditer(norm):
            for n in (3, 2, 4):
                pos = m.start() - n
                if pos < 0 or m.start() not in self.full_names(norm, pos):
                    continue
                if self.seg.agrees(norm, pos, m.start()) and self._end_agrees(norm, pos, m.start()):
                    if self._person_like(norm, pos, m.start()):
                        yield self.cand(pos, m.start(), 0.75)
                    break
        yield from self._bare(norm)
        yield from self._framed_nicknames(norm)
        yield from self._copula_named(norm)
        yield from self._vocatives(norm)
        yield from self._rostered(norm)
        yield from self._class_or_ranked(norm)
        yield from self._envelope(norm)
        yield from self._beside_number(norm)
        yield from self._mentioned(norm)

    def _mentioned(self, norm: str) -> Iterator[Candidate]:
        """A group member @-mentioned and then spoken to (``MENTION_ADDRESSED``), when the handle is shaped like a
        name: a surname and a given name, a 小X/老X nickname, a Latin given name or 阿 and a Latin name (not @江迷,
        @cp龙: screen names)."""
        for m in MENTION_ADDRESSED.finditer(norm) if "@" in norm else ():
            pos, end = m.span("name")
            name = m.group("name")
            named = end in self.full_names(norm, pos) or self._prefixed_nickname(norm, pos) == end
            prefixed = name.startswith("阿") and name[1:].istitle()  # @阿May 你…: 阿 and a Latin name, any spelling
            if named or prefixed or name in self.lex.latin_given:
                yield self.cand(pos, end, 0.75)

    def _introduced_with_role(self, norm: str, pos: int) -> tuple[int, int] | None:
        """After 我是…的, a role (nouns and verbs of up to five characters, or Latin letters: HR) and a full
        name or a given name alone (我是您资助的学生卓玛，) closing the clause, or a full name with no role (我是川大的
        林一然，; not a nickname: 我是打不死的小强): the writer's own name; None if none."""
        e = self._after_cue(norm, pos, strong=True)
        if e and (e == len(norm) or norm[e] in _CLAUSE_END):
            return pos, e
        for k in range(1, 6):
            role = norm[pos : pos + k]
            words = self.seg.tagged_words(role)
            # 律师, 实习律师, 理赔|员, 规培生: nouns and verbs, the last a noun, a verb or ending in a role suffix
            nouns = all(t[:1] in ("n", "v") for _w, t in words[:-1]) and bool(words)
            nouns = nouns and (words[-1][1][:1] in ("n", "v") or words[-1][0][-1] in "员师生工长")
            if not (role.isascii() and role.isalpha()) and not nouns:
                continue
            e = self._after_cue(norm, pos + k, strong=True) or self._given_alone(norm, pos + k)
            if e and (e == len(norm) or norm[e] in _CLAUSE_END) and self.seg.agrees(norm, pos, pos + k):
                return pos + k, e
        return None

    def _framed_nicknames(self, norm: str) -> Iterator[Candidate]:
        """A nickname (婷婷, 小雪, 阿杰, 王哥) right after a frame word in a sentence of the writer's (我跟婷婷表白,
        告诉了小雪，…, 被阿杰拉黑以后我…, 昨天婷婷又跟我…): it must be a word of its own (not 和小孩, 给大家) and the
        writer must be in its clause before it or in its sentence after it, since fans and shops name people too
        (羡慕娜娜的腿, 和乐乐一起逛街 in a post about no one)."""
        for m in self.nick_frame_re.finditer(norm) if "我" in norm else ():
            pos = m.end()
            if norm[pos] == "大":  # 大X is mostly a word (大家, 大哥)
                continue
            end = (
                self._kin_nickname(norm, pos)
                or self._prefixed_nickname(norm, pos)
                or self._doubled_nickname(norm, pos)
                or self._unknown_given_alone(norm, pos)  # 我跟思涵说了…
            )
            if not end or not self.seg.agrees(norm, pos, end) or norm[end : end + 1] in self.given:
                continue
            if norm[end : end + 1] == "的" and not self.frame_after_re.match(norm, end):
                continue  # 萌萌的, 小巧的: a description, unless a relative follows (婷婷的妈妈)
            if _FAN_AFTER.match(norm, end):
                continue  # 给凡凡打榜, 和娜姐合影: a star a fan supports or meets
            x = norm[pos + 1 : end]
            if norm[pos] in "小阿" and x not in self.lex.single and self.seg.freq.get(x, 0) >= 5000:
                continue  # 小想, 小中: a frequent word after 小 is no name character there
            before, after = clause_before(norm, pos, 12, _CLAUSE_END), clause_after(norm, end, 20, SENTENCE_STOPS)
            if "我" in before or "我" in after:  # the writer in the clause before it or the sentence after it
                yield self.cand(pos, end, 0.6)

    def _copula_named(self, norm: str) -> Iterator[Candidate]:
        """X是我女儿 / X是我大学最好的朋友: X is a name if it reads as one (a surname and name characters, a
        小X/阿X nickname, or name characters only) and is no pronoun, kin word or generic person (她, 妈妈, 女生)."""
        for m in self.copula_re.finditer(norm) if "是我" in norm else ():
            s, e = m.span("name")
            w = m.group("name")
            if w in self.lex.relations or w[0] in _NOT_COPULA_START or self.seg.tags.get(w, "n")[:1] not in "nazi":
                continue  # 这是我女儿, 妈妈是我最好的朋友, 学习是…: no name
            if self.seg.freq.get(w, 0) and w[-1] in _PERSON_NOUN_END:
                continue  # 新郎是我大学室友, 班长是我同桌: a role, not a name
            nickname = w[0] in "小阿" and len(w) == 2 and self.seg.freq.get(w, 0) < 1000  # 小胖, not 小学
            chars = w[1:] if w[0] in self.lex.single else w
            if nickname or all(c in self.given for c in chars):
                yield self.cand(s, e, 0.75)

    def _surnamed_role(self, norm: str, start: int) -> bool:
        """A surname right before a relation or role word (陈老师, not 高中同学: 高中 is a word)."""
        x = norm[start - 1 : start]
        return (
            bool(x)
            and x in self.lex.single
            and x not in self.lex.ambiguous
            and not self.seg.is_word(norm[start - 2 : start])
        )

    def _addressed(self, norm: str, pos: int, full: bool = True, min_odds: float = _VOCATIVE_GIVEN_ODDS) -> int:
        """The end of a two-character name someone is addressed by at ``pos`` (0 if none): a nickname (小雨,
        阿敏, 凡凡, 老王, 王哥, 琳姐), a given name alone whose characters are name-like (俊雯; not 宝贝, an ordinary
        word; its name odds at least ``min_odds``), or, with ``full``, a full name jieba's dictionary tags as a
        person (李鹏)."""
        s_end = self._surname_end(norm, pos) if full else 0
        tagged = [
            w
            for w in (norm[pos : pos + 3], norm[pos : pos + 2])
            if s_end and self.seg.tags.get(w, "").startswith("nr") and all(c in self.given for c in w[s_end - pos :])
        ]
        w = tagged[0] if tagged else norm[pos : pos + 2]
        # 老王, 小谢, 王哥, 琳姐: only with a greeting word around (full); a line that opens with one (东哥，新年快乐)
        # is as often about a public figure
        nick = 0 if tagged or not full else self._kin_nickname(norm, pos)
        if full and not tagged and not nick and norm[pos : pos + 1] in "小老" and w[1:] in self.lex.single:
            nick = self._prefixed_nickname(norm, pos)
        if nick:
            named = nick == pos + 2
        elif tagged:
            named = w[0] != w[1] and w not in self.lex.famous and w not in self.lex.stop  # not 高中生
        elif w[1:] == "儿" and w[0] in self.given and w[0] not in _NOT_NAME and not self.seg.is_word(w):
            named = True  # 雪儿, 婷儿: a name character and the diminutive 儿 (not 女儿, 这儿, 一会儿)
        elif len(w) < 2 or not all(c in self.given or c in "小阿" for c in w) or w in self.lex.nick_stop:
            return 0
        elif w[0] in "小阿" or w[0] == w[1]:  # 小雨, 阿敏, 凡凡 (not 明明: a word)
            named = self.odds.char(w[1]) >= _VOCATIVE_CHAR_ODDS and w[1] in self.given
            # 浩浩, 思思: a rare doubled word is a nickname (not 默默, 天天); 小X: not an ordinary word
            named = named and (w[0] != w[1] or self._rare_doubled(w) or not self._ordinary_given(w))
            # 小巧, 小心: a frequent dictionary word that jieba does not tag as a name is a word, not a nickname
            named = named and (self.seg.freq.get(w, 0) < 100 or self.seg.tags.get(w, "").startswith("nr"))
        else:
            named = self.odds.given(w) >= min_odds and not self._ordinary_given(w)
        return pos + len(w) if named and self.seg.agrees(norm, pos, pos + len(w)) else 0

    def _replied_to(self, norm: str, pos: int) -> int:
        """A reply opening with a name of two characters, greeted, then recounting the person's words (晨曦你好，你说
        爸爸管得很严; 欣然你好：关于你想退学的想法): the name's end, or 0."""
        if (pos and norm[pos - 1] != "\n") or not _HELLO_AFTER.match(norm, pos + 2):
            return 0
        return pos + 2 if self._recounted_asker(norm, pos, pos + 2) else 0

    def _hailed_after_hello(self, norm: str) -> Iterator[Candidate]:
        """A reply opening with a greeting, then a name closing the clause, then the person's words recounted (你好，
        宇航。你说读博…; 你好呀，Lucy。你提到…)."""
        m = _HELLO_THEN_NAME.match(norm)
        if m and self._recounted_asker(norm, *m.span("name")):
            yield self.cand(*m.span("name"), 0.75)

    def _recounted_asker(self, norm: str, pos: int, end: int) -> bool:
        """``norm[pos:end]``, greeted by a reply that recounts the person's words right after (你说…, 关于你…), is the
        asker's name: greeted and recounted, a name of any characters (二丫) or part of speech (欣然, an adverb), a
        Latin given name of any spelling; not a time word (明天你好), a frequent word, a relation word or how a reply
        greets an asker it does not name (楼主你好)."""
        w = norm[pos:end]
        if not _RECOUNTING.search(norm, end, end + 20):
            return False
        if w.isascii():
            return w.istitle()
        if not _name_chars(w) or w in _REPLY_ADDRESSEES:
            return False
        return self.seg.freq.get(w, 0) < 1000 and not self._taken_word(w, "tmrq")

    def _word_name(self, w: str) -> bool:
        """Two name characters that may be a given name where something else says a person is named (晨曦, 宇航):
        not a time word (明天, 春天), a frequent word, a relation word or a public figure."""
        if len(w) < 2 or not all(c in self.given for c in w) or self.seg.freq.get(w, 0) >= 1000:
            return False
        if w in self.lex.relations or w in self.lex.stop or w in self.lex.famous:
            return False
        if w[0] == w[1] and not self._rare_doubled(w):
            return False  # 默默, 天天: a doubled word
        return self.seg.tags.get(w, "")[:1] not in ("t", "m", "r", "q", "d")

    def _vocatives(self, norm: str) -> Iterator[Candidate]:
        """A name someone is addressed by, without its surname: opening a clause before a greeting (俊雯，谢谢你),
        opening a text or line before a comma or colon (小雨，我能理解), or closing a clause after a word of
        address (抱抱小雨。, 你好，俊雯！)."""
        for m in self.greeted_re.finditer(norm) if _GREETING_CHARS.search(norm) else ():
            e = self._addressed(norm, m.end(), min_odds=_GREETED_GIVEN_ODDS) or self._replied_to(norm, m.end())
            w = norm[m.end() : m.end() + 2]
            if not e and (m.end() == 0 or norm[m.end() - 1] == "\n") and self._word_name(w):
                # 宇航，谢谢你愿意说出来: a reply opening with the asker's name, a word jieba knows as a name (not
                # 全才啊，你…, 富强，你…: a noun or verb)
                e = m.end() + 2 if not self.seg.freq.get(w) or self.seg.tags.get(w, "").startswith("nr") else 0
            nick = e and (norm[m.end()] in "老大" or norm[e - 1] in KIN_NICK)
            if e and (_HELLO_AFTER.match(norm, e) if nick else _GREETING_AFTER.match(norm, e)):
                yield self.cand(m.end(), e, 0.75)
        # a text may open with a public figure's name (蔡振华，…); a line may open with a label first (妈：圆圆，你…)
        for m in itertools.chain(self.opening_re.finditer(norm), _AFTER_LABEL.finditer(norm) if ":" in norm else ()):
            e = self._addressed(norm, m.end(), full=False)
            if not e and norm[m.end()] == "小":
                e = self._prefixed_nickname(norm, m.end())  # 小宋，明早…帮我交社保: 小 and a surname
            opens = e and norm[e : e + 1] in _OPENING_END
            if not opens and _PRIVATE_ERRAND.search(norm):  # 陈姐，…我的邮箱是…; 老钱，…你替我开一下
                e = self._kin_nickname(norm, m.end()) or self._prefixed_nickname(norm, m.end()) or e
            # inside a text, the sentence must speak to someone (…。欣芳，如果你看到…; not …。庚寅，皇太子即位)
            inner = m.end() > 0 and norm[m.end() - 1] not in "\n：:"
            if inner and not _ADDRESSEE.search(re.split(r"[。！？!?\n]", norm[e + 1 :], maxsplit=1)[0]):
                continue
            if not inner and not _SPEAKER.search(norm):
                continue  # a text that speaks to no one and of no writer opens with a brand or topic (X，自带系统)
            # or a nickname opening a line, spoken to right after it with no comma (小贺你的还没发; not a given name:
            # fans hail stars so, 志龙你…)
            nickname = e and (norm[m.end()] in "小阿" or norm[e - 1] == norm[e - 2])
            hailed = nickname and not inner and norm.startswith("你", e) and not norm.startswith("你们", e)
            if e and (norm[e : e + 1] in _OPENING_END or hailed):
                yield self.cand(m.end(), e, 0.75)
        for m in self.addressed_re.finditer(norm):
            e = self._addressed(norm, m.end())
            if e and self._closed(norm, e):
                yield self.cand(m.end(), e, 0.75)
        for m in _NICK_HAILED.finditer(norm) if "啊" in norm or "呀" in norm else ():
            e = self._prefixed_nickname(norm, m.end())
            if e == m.end() + 2:
                yield self.cand(m.end(), e, 0.75)
        yield from self._saluted(norm)
        yield from self._hailed_after_hello(norm)
        if _WRITER_TURN.search(norm):  # a pasted chat (我：… 叶子：…): the other speakers' labels name them
            for m in _TURN_LABEL.finditer(norm):
                pos, e = m.start("label"), m.end("label")
                label = norm[pos:e]  # 晨曦：… beside 我：…: a speaker, even one whose name is also a word
                named = self._addressed(norm, pos) == e or self._doubled_nickname(norm, pos) == e
                # a full name or a 小X/老X/阿X nickname as a speaker (乔小柠：…, 小蒋：…)
                named = named or e in (self._after_cue(norm, pos, strong=True), self._prefixed_nickname(norm, pos))
                if named or self._word_name(label):
                    yield self.cand(pos, e, 0.75)
            latin = list(_LATIN_TURN.finditer(norm))
            for m in latin:  # Cindy：… beside 我：…: a given name of the list, or a label that opens two turns
                label = m.group("label")
                if label in self.lex.latin_given or sum(n.group("label") == label for n in latin) > 1:
                    yield self.cand(*m.span("label"), 0.75)
        yield from self._letter_signature(norm)
        for m in self.signoff_re.finditer(norm) if "—" in norm or "-" in norm or "~" in norm else ():
            pos = m.end()
            # a nickname only: a full name after a dash is as often a quotation's author (……。——余华), unless the
            # text gives contact details (…发邮件 …@…。——郭一帆: a message's writer)
            e = self._prefixed_nickname(norm, pos) or self._kin_nickname(norm, pos)
            if not e and _PRIVATE_ERRAND.search(norm):
                e = self._after_cue(norm, pos, strong=True)
            if e and not norm[e:].split("\n", 1)[0].strip():  # the name is all that is left of the line
                yield self.cand(pos, e, 0.75)

    def _letter_signature(self, norm: str) -> Iterator[Candidate]:
        """The name signing a letter: the last line of a text that opens with an addressee and a colon, once the
        writer's relation to the addressee (学生, 弟, 孙) and a closing word (敬上) are set aside; the name after
        此致敬礼 on a line of its own (the writer's unit and contacts may follow); a name after a dash and the writer's
        unit or room (——信息部 王磊, ——302 小鹏)."""
        for m in _SIGNED_AFTER.finditer(norm) if "敬礼" in norm or "-" in norm or "—" in norm else ():
            line_end = norm.find("\n", m.end())
            e = len(norm[: line_end if line_end >= 0 else len(norm)].rstrip())
            if 2 <= e - m.end() <= 4 and self._saluted_name(norm, m.end()) == e:
                yield self.cand(m.end(), e, 0.75)
        if "\n" not in norm or not _LETTER_OPEN.match(norm):
            return
        head = len(norm) - len(norm.lstrip())
        nick = self._prefixed_nickname(norm, head) or self._kin_nickname(norm, head)
        if nick and norm.startswith((":", "："), nick):
            yield self.cand(head, nick, 0.75)  # 老陈：\n…: a letter or note to someone called by a nickname
        line_start = norm.rstrip().rfind("\n") + 1
        line = norm[line_start:]
        pos = line_start + _SIGNER.match(line).end()
        close = _SIGN_CLOSE.search(norm, pos)
        end = close.start() if close else len(norm)
        if 2 <= end - pos <= 4 and self._saluted_name(norm, pos) == end:
            yield self.cand(pos, end, 0.75)

    def _listed_name(self, norm: str, pos: int) -> int:
        """The end of a name standing as an item of a list or form at ``pos`` (a full name, a nickname or a given
        name someone is addressed by), or 0."""
        return self._after_cue(norm, pos, strong=True) or self._addressed(norm, pos)

    def _beside_number(self, norm: str) -> Iterator[Candidate]:
        """A name set off on its own right before a long number or a date, or right after an ID or card number:
        the holder of the phone, ID or card, or the person born that day."""
        numbered = _NUMBER_OR_YEAR.search(norm)
        for m in (*_BESIDE_NUMBER.finditer(norm), *_AFTER_NUMBER.finditer(norm)) if numbered else ():
            pos, end = m.span("name")
            if self._listed_name(norm, pos) == end:
                yield self.cand(pos, end, 0.75)

    def _envelope(self, norm: str) -> Iterator[Candidate]:
        """The addressee written after an address, then 收 or 亲启 (…1506室 谢青 收)."""
        for m in _ENVELOPE.finditer(norm) if "收" in norm or "亲启" in norm else ():
            pos, end = m.span("name")
            if self._listed_name(norm, pos) == end:
                yield self.cand(pos, end, 0.8)

    def _rostered(self, norm: str) -> Iterator[Candidate]:
        """Names a roster, a notice or a sign-up chain (接龙) lists (值班表：周一 老赵，周二 小蒋; 请以下同学…：X、Y):
        each item a full name, a nickname or a given name, with a weekday or number before it; an item of another
        shape (燕子: a word) is skipped, and the list ends with its sentence (a chain's lines are one list)."""
        for m in _ROSTER.finditer(norm) if ":" in norm or "接龙" in norm or "名单" in norm or "录" in norm else ():
            # the list opens after a colon, or, in a sign-up chain (接龙), on the line after its title
            colon = norm.find("\n" if m.group("chain") else ":", m.end(), m.end() + 30)
            if colon < 0 or any(c in SENTENCE_STOPS for c in norm[m.end() : colon]):
                continue
            pos = colon + 1
            while True:
                pos = _ROSTER_ITEM.match(norm, pos).end()
                e = self._listed_name(norm, pos)
                if e and (e == len(norm) or norm[e] in _CLAUSE_END):
                    yield self.cand(pos, e, 0.8)
                sep = _ROSTER_SEP.search(norm, e or pos)
                if not sep or any(c in "。！？!?" for c in norm[pos : sep.start()]):
                    break
                pos = sep.end()

    def _parent_label(self, norm: str, start: int, end: int) -> int:
        """Where a line opens with a child's name and a parent word as a chat label or a greeting (果果妈妈：…,
        嘉禾的家长您好, 小米粒爸爸：…), the start of the child's name, or -1: two or three characters of any kind
        but a relation word, a pronoun, a time word, a numeral or a frequent word (各位家长：, 新生家长您好)."""
        if not (norm.startswith((":", "："), end) or _HELLO_AFTER.match(norm, end)):
            return -1
        for pos in (start - 3, start - 2):
            if pos < 0 or (pos and norm[pos - 1] != "\n"):
                continue
            w = norm[pos:start]
            if not _name_chars(w) or w in self.lex.relations:
                continue
            doubled = w[-1] == w[-2]
            if not doubled and (self.seg.freq.get(w, 0) >= 1000 or self.seg.tags.get(w, "n")[:1] in "rtmq"):
                continue
            # shaped as a child's name (果果, 小米粒, 嘉禾), not a kind of parent (新手妈妈, 全职妈妈, 二宝妈妈)
            shaped = doubled or w[0] in "小阿" or all(c in self.given for c in w)
            if shaped and w not in _CHILD and not _BIRTH_ORDER.fullmatch(w) and w[0] not in "一二三四五六七八九十":
                return pos
        return -1

    def _class_or_ranked(self, norm: str) -> Iterator[Candidate]:
        """A full name right after a class label or a rank (``_CLASS_OR_RANK``), closing its clause or followed by
        how a class calls a student or a parent (宁思远同学, 柴梦琪的家长)."""
        for m in _CLASS_OR_RANK.finditer(norm) if "班" in norm or "名" in norm or "奖" in norm else ():
            e = self._after_cue(norm, m.end(), strong=True)
            if e and (e == len(norm) or norm[e] in _CLAUSE_END or norm.startswith(_CLASS_MEMBER_END, e)):
                yield self.cand(m.end(), e, 0.8)

    def _saluted(self, norm: str) -> Iterator[Candidate]:
        """A name set off by a salutation: after one that opens the clause (早上好，雨桐！, 致张子轩：) or before one,
        opening the clause itself (雨桐，晚安。); the name closes its clause. Or a name alone closing a sentence
        spoken to someone (谢谢你信任我，婉清。)."""
        salutes = bool(self.salutation_re.search(norm))
        for m in self.saluted_re.finditer(norm) if salutes else ():
            e = self._saluted_name(norm, m.end())
            if e and _SALUTED_END.match(norm, e):
                yield self.cand(m.end(), e, 0.75)
        for m in self.childs_kin_re.finditer(norm):
            if m.start() < 2 or not all("\u4e00" <= c <= "\u9fff" for c in norm[m.start() - 2 : m.start()]):
                continue
            labelled = self._parent_label(norm, m.start(), m.end())
            if labelled >= 0:  # a label says whose parent writes: as strong as a relation word
                yield self.cand(labelled, m.start(), 0.8)
                continue
            # a full name wherever it stands (三年二班罗一诺的家长), a given name or nickname where a phrase opens
            full = m.start() - 3 if self._surname_end(norm, m.start() - 3) else -1
            elder = bool(m.group("elder"))
            introduced = not elder or norm.endswith("我是", 0, full)
            if full >= 0 and introduced and self._saluted_name(norm, full) == m.start():
                yield self.cand(full, m.start(), 0.7)
                continue
            pos = m.start() - 2
            opens = pos == 0 or norm[pos - 1] in _CLAUSE_START + "—-"  # ——梓涵爸爸: a parent signing a note
            opens = opens or norm.endswith(("我是", "是", "我", "和", "、"), 0, pos)
            if (norm.endswith("我是", 0, pos) if elder else opens) and self._saluted_name(norm, pos) == m.start():
                yield self.cand(pos, m.start(), 0.7)  # below a greeting: a novel's 阿飞妈妈 is still a character
        for m in self.addressed_as_re.finditer(norm) if self.addressed_title_re.search(norm) else ():
            e = self._saluted_name(norm, m.end())
            if e and norm.startswith(_ADDRESSED_TITLES, e):
                yield self.cand(m.end(), e, 0.75)
        for m in self.closing_vocative_re.finditer(norm) if _ADDRESSEE.search(norm) else ():
            pos = m.end()
            spoken_to = _ADDRESSEE.search(re.split(r"[。！？!?\n]", norm[:pos])[-1])
            e = self._saluted_name(norm, pos) if spoken_to else 0
            if e and (e == len(norm) or norm[e] in "。！!？?～~…\n"):
                yield self.cand(pos, e, 0.75)
        for m in self.salute_after_re.finditer(norm) if salutes else ():
            for pos in (m.start() - 3, m.start() - 2):
                if (
                    pos >= 0
                    and (pos == 0 or norm[pos - 1] in _CLAUSE_START)
                    and self._saluted_name(norm, pos) == m.start()
                ):
                    yield self.cand(pos, m.start(), 0.75)
                    break

    def _saluted_name(self, norm: str, pos: int) -> int:
        """The end of a name someone is saluted by at ``pos`` (0 if none): a full name as likely a name as two
        person frames ask (李梦瑶), else 小 and a surname (小林), a given name alone or a nickname of 小/阿 or a
        doubled character (``_addressed``; not 东哥 or 老王: greeted so on social media, they are as often a public
        figure)."""
        s_end = self._surname_end(norm, pos)
        for e in self.full_names(norm, pos, self._loose_given) if s_end else ():
            needed = _ODDS_BY_FRAMES[2] + self._cueless_margin(norm, pos, s_end, e)  # as with two person frames
            if self.odds.name(norm[pos:s_end], norm[s_end:e]) >= needed and self._end_agrees(norm, pos, e, True):
                return e
        if norm[pos : pos + 1] == "小" and (e := self._prefixed_nickname(norm, pos)):
            return e  # 小林, 小王: 小 and a surname
        return self._addressed(norm, pos, full=False, min_odds=_GREETED_GIVEN_ODDS)

    def _likely_given(self, c: str) -> bool:
        """After a cue word and closing the clause, a character ``_CUED_CHAR_ODDS`` likelier in names (胜)."""
        return c in self.given or self.odds.char(c) >= _CUED_CHAR_ODDS

    def _loose_given(self, c: str) -> bool:
        """Without a cue word, any character not likelier in text than in names may be a given name's (胜, 宽);
        one outside the common list costs ``_LOOSE_MARGIN`` more odds."""
        return c in self.given or self.odds.char(c) >= 0

    def _surname_margin(self, surname: str) -> float:
        """Extra odds a cue-less name needs when its surname is mostly an ordinary character (宿, 连) or a
        function word (于, 向, 和)."""
        if surname in self.function_surnames:
            return _FUNCTION_SURNAME_MARGIN
        return _AMBIGUOUS_SURNAME_MARGIN if surname in self.lex.ambiguous else 0.0

    def _cueless_margin(self, norm: str, pos: int, s_end: int, e: int) -> float:
        """The odds a cue-less reading needs beyond its frames: the surname's margin, and ``_LOOSE_MARGIN`` more
        when a given-name character is outside the common list."""
        loose = any(c not in self.given and c != "小" for c in norm[s_end:e])
        return self._surname_margin(norm[pos:s_end]) + _LOOSE_MARGIN * loose

    def _acts_somewhere(self, norm: str, e: int) -> bool:
        """Where a person did it, then the person's verb (周明轩在微信上把我拉黑了, 王芳在群里骂我): a place phrase
        between the name opening the clause and its frame."""
        m = _PLACE_GAP.match(norm, e)
        return bool(m) and bool(self.frame_after_re.match(norm, m.end()) or self._acts_on_writer(norm, m.end()))

    def _acts_on_writer(self, norm: str, e: int) -> bool:
        """A verb of one or two characters with the writer as its object right after a reading (王芳冷落我, 李明
        举报了我): what a person does to the writer, whatever the verb."""
        m = _VERB_ME.match(norm, e)
        if not m or any(c in _NOT_NAME for c in m.group(1)):
            return False  # 说到姜文就让我: 就 opens no verb of the person's
        return self.seg.tags.get(m.group(1), "").startswith("v") and not self.seg.freq.get(m.group(0))

    def _listed_after(self, norm: str, end: int, frames: int) -> Iterator[Candidate]:
        """Full names listed with 、 after a cue-less name the writer is with (我和周瑾、吴昊天是室友): each as
        likely a name as the first needed to be, and agreeing with segmentation."""
        while norm.startswith("、", end):
            pos = end + 1
            s_end = self._surname_end(norm, pos)
            if not s_end:
                return
            margin = self._surname_margin(norm[pos:s_end])
            end = next(
                (
                    e
                    for e in self.full_names(norm, pos)
                    if self.odds.name(norm[pos:s_end], norm[s_end:e]) >= _ODDS_BY_FRAMES[frames] + margin
                    and self._end_agrees(norm, pos, e)
                ),
                0,
            )
            if not end:
                return
            yield self.cand(pos, end, _bare_score(frames, margin))

    def given_of(self, name: str) -> str:
        """The two-character given name of a full name found (钟|梦琪 -> 梦琪), by which a post often names the
        person again; "" for other names and for given names that are ordinary words (严|文静: 她很文静)."""
        n = len(name) - 2
        surname, given = name[:n], name[n:]
        if n not in (1, 2) or surname not in (self.lex.single if n == 1 else self.lex.compound):
            return ""
        if not all(c in self.given for c in given) or self._ordinary_given(given) or given in self.lex.nick_stop:
            return ""
        return given

    def _writers_given_alone(self, norm: str, pos: int, end: int) -> int:
        """A given name alone at ``pos`` (``_given_alone``) in a sentence that has the writer (我) in it."""
        e = self._given_alone(norm, pos)
        if not e:
            return 0
        around = clause_before(norm, pos, 30, SENTENCE_STOPS) + clause_after(norm, end, 30, SENTENCE_STOPS)
        return e if "我" in around else 0

    def _listed_before(self, norm: str, start: int, frames: int) -> Iterator[Candidate]:
        """A full name opening the clause and joined to a cue-less name by 和/、/跟/与 (罗佳怡和郑凯是我室友): the
        person frame after the list is about both; as likely a name as the second needed to be."""
        if norm[start - 1 : start] not in ("和", "、", "跟", "与"):
            return
        for pos in (start - 4, start - 3, start - 2):
            if pos < 0 or not (pos == 0 or norm[pos - 1] in _CLAUSE_START):
                continue
            s_end = self._surname_end(norm, pos)
            margin = self._surname_margin(norm[pos:s_end]) if s_end else 0.0
            if (
                s_end
                and start - 1 in self.full_names(norm, pos)
                and self.odds.name(norm[pos:s_end], norm[s_end : start - 1]) >= _ODDS_BY_FRAMES[frames] + margin
                and self._end_agrees(norm, pos, start - 1)
            ):
                yield self.cand(pos, start - 1, _bare_score(frames, margin))
                return

    def _bare(self, norm: str) -> Iterator[Candidate]:
        """Names without a cue word, by a person frame (和王芳, 王芳说, 王芳你好), taken when their name odds
        (``name_odds.py``) reach what the frames ask: one frame asks more than two."""
        starts = {m.start("s") for rx in self.free_res for m in rx.finditer(norm)}
        heads = self.surname_heads
        # 一起 after a reading of two to four characters right after 我和/我跟/我与 (我和老吴一起…, not 和朱一龙一起…)
        together = [
            m for m in _TOGETHER.finditer(norm) if any(norm.endswith(_WRITER_AND, 0, m.start() - k) for k in (2, 3, 4))
        ]
        for m in [*self.frame_after_re.finditer(norm), *together]:  # …说, …总是: look back for surname + given
            frame = m.start()
            nick = frame - 2  # 刘哥说, 老王总是: a nickname opening the clause, a person's verb after it
            # not 大X; after a frame word too when the writer opens the clause (我和小彭吵架; not 胡大爷和小春在一起了,
            # a drama's couple)
            framed = self._writer_framed(norm, nick)
            if m.group() == "一起":
                framed = norm.endswith(_WRITER_AND, 0, nick)  # 我和老吴一起: only a nickname right after the writer
            opens = nick == 0 or (nick > 0 and (norm[nick - 1] in _CLAUSE_START or framed))
            opens = opens and norm[nick] != "大"
            # 萌萌的男孩子, 胖胖的女生: a doubled word before 的 and a generic person noun describes them
            describes = m.group()[:1] == "的" and m.group()[1:] in _GENERIC_PERSONS
            if opens and frame == (  # 刘哥说, 老王总是, 娟娟说
                self._kin_nickname(norm, nick)
                or self._prefixed_nickname(norm, nick)
                or (0 if describes else self._doubled_nickname(norm, nick))
                # a given name alone only in the writer's sentence (思琪说她也…，我们…; not a shop's 丽华又…)
                or self._writers_given_alone(norm, nick, frame)
            ):
                yield self.cand(nick, frame, 0.6)
            for pos in range(max(0, frame - 4), frame - 1):
                # most characters start no surname: skip them before slicing out surname readings
                if norm[pos] in heads and (s_end := self._surname_end(norm, pos)) and frame - s_end in (1, 2):
                    starts.add(pos)
        for pos in sorted(starts):
            start_ok = pos == 0 or norm[pos - 1] in _CLAUSE_START or norm.endswith(_GREETING_BEFORE, 0, pos)
            before = norm.endswith(_FRAME_BEFORE, 0, pos)
            s_end = self._surname_end(norm, pos)
            if norm[pos:s_end] in _FRAME_BEFORE or (pos > 0 and norm[pos - 1] in "小老阿"):
                continue  # 和文涛合租: 和 is the frame word, not the surname; 小朱天天骂人: 小朱 is the nickname
            if self.seg.tags.get(norm[pos:s_end], "") == "p" and norm[s_end : s_end + 1] in "小老阿":
                continue  # 向小兰道歉: a preposition before a nickname (not 万小军: 万 is no preposition)
            for e in self.full_names(norm, pos, self._loose_given):
                after = None
                if start_ok and _GREETING_AFTER.match(norm, e):
                    frames = 2  # a greeting that opens a clause (向明你好) counts as two frames
                else:
                    with_writer = norm.startswith("一起", e) and norm.endswith(_WRITER_AND, 0, pos)  # 我和X一起
                    after = self.frame_after_re.match(norm, e) or self._acts_on_writer(norm, e) or with_writer
                    after = after or (start_ok and self._acts_somewhere(norm, e))
                    frames = bool(before) + bool(after)
                if not frames:
                    continue
                margin = self._cueless_margin(norm, pos, s_end, e)
                if self.odds.name(norm[pos:s_end], norm[s_end:e]) < _ODDS_BY_FRAMES[frames] + margin:
                    continue
                if self._end_agrees(norm, pos, e):  # 过程|中: without a cue word a name may not start inside a word
                    yield self.cand(pos, e, _bare_score(frames, margin))
                    listed = list(self._listed_after(norm, e, frames))
                    # the writer's own company, or a list the person frame closes (和X、Y一起…); not 认识了X、Y这些明星
                    if listed and (
                        norm.endswith(_WRITER_WITH, 0, pos)
                        or norm.startswith("一起", listed[-1].end)
                        or _LIST_CLOSE.match(norm, listed[-1].end)  # 被王浩、刘子涵、赵一鸣三个人轮流欺负
                        or self.frame_after_re.match(norm, listed[-1].end)
                    ):
                        yield from listed
                    if after:  # X和Y是我大学室友: the predicate after Y is X's too
                        yield from self._listed_before(norm, pos, frames)
                    break
