"""Writes psyqa_demo.json: a small synthetic file in the public PsyQA JSON format, for the demo.

Not PsyQA data: every question and answer is composed here from templates written for this project.
It exercises the importer: 9 coarse topics as the first keyword, finer keywords after it, rows whose
first keyword is not a topic, short and ad answers, a Traditional-script row, an exact duplicate,
and a row left without any long answer. Same seed, same bytes:

    python resources/psyqa_demo/make_psyqa_demo.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_QUESTIONS = 150

# topic -> (finer keywords, [(question, description)])
TOPICS = {
    "情绪": (
        ["情绪调节", "抑郁情绪", "焦虑情绪", "脆弱流泪"],
        [
            (
                "最近总是莫名其妙地想哭，是抑郁了吗？",
                "这一个多月心情一直很低落，做什么都提不起兴趣，晚上一个人的时候会突然哭出来，白天还要装作没事一样去上课。",
            ),
            (
                "一到周日晚上就焦虑得睡不着，怎么办？",
                "想到第二天要上班就心慌，胸口发闷，脑子里一遍遍过明天要做的事，越想越紧张，已经持续半年了。",
            ),
            (
                "情绪很容易失控，事后又很后悔",
                "一点小事就会发脾气，对家人说很难听的话，冷静下来以后又特别内疚，不知道怎么管理自己的情绪。",
            ),
            (
                "总觉得自己是个很脆弱的人，一被批评就想哭",
                "工作里领导说我一句，我就会眼眶发红，控制不住眼泪，同事都觉得我太敏感了。",
            ),
            (
                "心里压着很多事，却不知道跟谁说",
                "家里的事、工作的事都堆在一起，感觉很压抑，又不想让身边的人担心，只能自己憋着。",
            ),
        ],
    ),
    "成长": (
        ["自我成长", "自我接纳", "人格特质", "人生意义"],
        [
            (
                "二十五岁了，感觉自己一事无成，很迷茫",
                "身边的同学有的买房有的结婚，我还在原地打转，不知道自己真正想要什么，也不知道人生的意义是什么。",
            ),
            ("怎样才能接纳不完美的自己？", "我对自己要求特别高，做错一点就反复责怪自己，总觉得自己不够好，活得很累。"),
            (
                "性格太内向，想改变却不知道从哪里开始",
                "在人多的地方不敢说话，别人都说我太闷了，我也想变得开朗一点，但每次尝试都很别扭。",
            ),
            (
                "总是拖延，明知道该做什么却做不到",
                "计划列得很满，可一到执行就刷手机，deadline前才拼命赶，事后又很自责，陷入恶性循环。",
            ),
        ],
    ),
    "恋爱": (
        ["恋爱经营", "失恋", "挽回前任", "好感"],
        [
            (
                "分手三个月了还是走不出来，怎么办？",
                "在一起四年，他提的分手，我每天都会翻以前的聊天记录，明知道回不去了，还是忍不住想他。",
            ),
            (
                "男朋友不回消息我就会很焦虑，是不是我太黏人了？",
                "他工作忙，有时候半天不回我，我就会胡思乱想，怀疑他是不是不爱我了，然后忍不住发很多条消息。",
            ),
            (
                "喜欢上一个同事，要不要表白？",
                "相处了半年，感觉他对我也有好感，但又怕表白失败以后连朋友都做不成，在公司也会很尴尬。",
            ),
            ("恋爱中总是患得患失，没有安全感", "每段感情都是我付出更多，很害怕被抛弃，对方稍微冷淡一点我就会崩溃。"),
        ],
    ),
    "人际": (
        ["人际边界", "社交恐惧", "舍友同学", "沟通"],
        [
            (
                "宿舍里被孤立了，每天都不想回寝室",
                "舍友们有一个小群，出去玩从来不叫我，我说话她们也不太理，我不知道自己哪里做错了。",
            ),
            (
                "不会拒绝别人，总是委屈自己",
                "同事让我帮忙我从来不好意思说不，结果自己的工作做不完，只能加班，心里很憋屈。",
            ),
            (
                "一和陌生人说话就紧张脸红",
                "在聚会上别人跟我搭话，我就脑子一片空白，说话结巴，回家以后会反复回想自己哪里说错了。",
            ),
            (
                "和好朋友闹矛盾了，要不要先道歉？",
                "因为一件小事吵了一架，已经两周没说话了，我很在乎这段友情，又觉得不全是我的错。",
            ),
        ],
    ),
    "行为": (
        ["拖延", "强迫", "疑病", "应激", "逃避"],
        [
            (
                "出门总要反复检查门锁，是强迫症吗？",
                "每次出门都要回去看好几遍门有没有锁好，明知道锁了还是不放心，上班经常因此迟到。",
            ),
            (
                "身体有点不舒服就担心自己得了大病",
                "头疼就怀疑是脑瘤，胃疼就怀疑是癌症，医院检查都说没事，可我还是放不下心，天天在网上搜症状。",
            ),
            (
                "晚上刷手机停不下来，每天熬到两三点",
                "明知道第二天要早起，躺在床上还是一直刷短视频，越刷越清醒，白天没有精神。",
            ),
            ("遇到困难就想逃避，怎么改？", "考试前、面试前我都会想办法躲开，比如装病请假，事后又很后悔错过了机会。"),
        ],
    ),
    "家庭": (
        ["家庭关系", "父母沟通", "家庭创伤", "子女沟通"],
        [
            (
                "父母控制欲太强，工作了还要管我",
                "我已经二十八岁了，妈妈还是每天查我在哪里、和谁在一起，我说想搬出去住，她就哭着说我不孝。",
            ),
            ("和父母三观不合，一说话就吵架", "我想去大城市发展，爸妈只想让我回老家考编，每次打电话都不欢而散。"),
            (
                "孩子上初中后不愿意和我说话了",
                "儿子以前什么都跟我讲，现在回家就关上房门，问他什么都说没事，我很担心又不知道怎么沟通。",
            ),
            (
                "小时候经常被打骂，长大后还是很怕父亲",
                "现在看到父亲皱眉我还是会发抖，明明已经成年了，却一直活在他的阴影里。",
            ),
        ],
    ),
    "治疗": (
        ["治疗方法", "心理咨询", "疾病诊断", "疗愈方法"],
        [
            (
                "第一次做心理咨询，需要准备什么？",
                "最近状态很差，想去找咨询师聊聊，但不知道怎么选咨询师，也担心说出来会被评判。",
            ),
            (
                "吃抗抑郁药半年了，可以自己停药吗？",
                "感觉最近好多了，不想再依赖药物，但听说突然停药会有反应，有点犹豫。",
            ),
            (
                "医院诊断是中度焦虑，除了吃药还能做什么？",
                "医生开了药，也建议做心理治疗，我想了解一下有哪些方法对焦虑有帮助。",
            ),
            (
                "咨询了几次感觉没什么效果，要换咨询师吗？",
                "每次咨询都是我在说，咨询师很少给建议，我不确定是不是方法不适合我。",
            ),
        ],
    ),
    "职业": (
        ["职业管理", "工作压力", "择业技巧", "职场人际"],
        [
            (
                "工作压力太大，每天都想辞职",
                "连续加班两个月，领导还总是挑毛病，每天早上醒来都很抗拒上班，但又怕辞职后找不到工作。",
            ),
            (
                "毕业一年了还没找到方向，换了三份工作",
                "每份工作都做不长，总觉得不是自己想要的，家里人说我太浮躁，我也很焦虑。",
            ),
            (
                "担心自己的工作会被AI取代",
                "我是做设计的，最近AI画图越来越厉害，公司也在裁员，我很怕自己的技能过时，不知道该学什么。",
            ),
            (
                "和领导关系很紧张，怎么办？",
                "领导经常当众批评我，我觉得他在针对我，现在看到他就紧张，工作也越来越没有信心。",
            ),
        ],
    ),
    "婚姻": (
        ["婚姻经营", "婆媳岳婿", "出轨", "婚姻观念"],
        [
            ("结婚五年，和老公越来越没话说", "他下班就玩手机，我说什么他都敷衍，感觉两个人像室友一样，我很孤独。"),
            (
                "婆媳矛盾让我很崩溃，老公却总是和稀泥",
                "婆婆什么事都要插手，带孩子的方式也和我不一样，老公每次都让我忍一忍。",
            ),
            ("发现老公出轨，要不要离婚？", "孩子才三岁，我不想让她在单亲家庭长大，可是每次想到他的背叛，我就睡不着。"),
            ("三十岁了不想结婚，父母天天催", "我觉得一个人也挺好，但爸妈觉得我不结婚就是不正常，每次回家都安排相亲。"),
        ],
    ),
}
WEIGHTS = {"情绪": 24, "成长": 22, "恋爱": 22, "人际": 19, "行为": 22, "家庭": 11, "治疗": 11, "职业": 11, "婚姻": 8}
BACKGROUNDS = [
    "我今年{age}岁，{who}。",
    "先说一下情况，我{age}岁，{who}。",
    "{who}，今年{age}岁。",
    "背景：{age}岁，{who}。",
]
WHO = [
    "在读大学",
    "刚参加工作",
    "在一家互联网公司上班",
    "研究生在读",
    "在老家工作",
    "全职妈妈",
    "自由职业",
    "高中生",
    "在外地打工",
    "做销售",
]
EXTRA = [
    "这种状态已经持续{m}个月了。",
    "最近{m}周尤其严重。",
    "身边的人都说我想太多。",
    "我试过运动和听音乐，效果不大。",
    "不知道是不是我自己的问题。",
    "有时候觉得自己快撑不下去了。",
    "很想听听专业的建议。",
    "",
]

OPENERS = [
    "你好，看到你的描述，能感受到你现在承受着不小的压力，谢谢你愿意把这些说出来。",
    "抱抱你。从你的文字里，我读到了很多委屈和无力，这些感受都是真实而且值得被看见的。",
    "题主你好，首先想告诉你，你遇到的困扰并不少见，很多人都有过类似的经历。",
    "谢谢你的信任。你能够停下来觉察自己的状态，本身就是一种很重要的力量。",
]
MIDDLES = [
    "我们常常会把一时的感受当成全部的自己，但情绪就像天气，会来也会走。试着在感到难受的时候，给自己几分钟，"
    "写下当下的想法和身体的感觉，慢慢你会发现其中的规律。",
    "很多时候，困扰我们的并不是事情本身，而是我们对事情的解读。可以问问自己：有没有别的可能性？如果是好朋友"
    "遇到同样的事，我会怎样劝他？",
    "改变需要时间，不必要求自己一下子就做到。先从一件很小的事开始，比如每天留出十分钟做自己喜欢的事，"
    "或者规律地散步、早一点睡，给身心一些恢复的空间。",
    "你提到的这些反应，背后可能藏着一些未被满足的需要，比如被理解、被肯定、或者拥有一些自主的空间。"
    "看见这些需要，是照顾好自己的第一步。",
    "如果可以，找一个信任的人聊一聊，哪怕只是被倾听，也会让人轻松很多。当困扰持续影响到睡眠、饮食和"
    "日常生活时，也建议寻求专业心理咨询师或医生的帮助。",
]
CLOSERS = [
    "愿你慢慢找到属于自己的节奏，你并不孤单。",
    "相信你有能力走出来，也祝福你一切顺利。",
    "照顾好自己，有需要随时回来聊聊。",
]
SHORT = ["抱抱你，加油！", "同感，我也是这样。", "顶一下，希望有人回答。", "多喝热水，早点睡。"]
ADS = [
    "想要系统解决这个问题，加微信 xinli8866 领取免费课程，扫码进群还有专属咨询师一对一指导，名额有限。"
    "我们的课程已经帮助了上万名学员走出困境，现在报名立减三百元，添加客服微信 xinli8866 了解详情。"
]


def answer(rng: random.Random, topic: str, title: str) -> str:
    parts = [
        rng.choice(OPENERS),
        f"关于“{title.rstrip('？?')}”这个问题，",
        *rng.sample(MIDDLES, 2),
        rng.choice(CLOSERS),
    ]
    return "".join(parts)


def build(seed: int = 2021) -> list[dict]:
    rng = random.Random(seed)
    topics = [t for t, w in WEIGHTS.items() for _ in range(w)]
    rng.shuffle(topics)
    items = []
    for n, topic in enumerate(topics[:N_QUESTIONS]):
        fine, questions = TOPICS[topic]
        question, description = questions[n % len(questions)]
        if n >= len(WEIGHTS) * 4:
            question = question.rstrip("？?") + rng.choice(["？", "，该怎么办？", "，求助", "，有人懂吗？"])
        background = rng.choice(BACKGROUNDS).format(age=rng.randint(16, 45), who=rng.choice(WHO))
        extra = rng.choice(EXTRA).format(m=rng.randint(2, 11))
        description = background + description + extra
        keywords = [topic, *rng.sample(fine, rng.randint(1, 3))]
        if n % 37 == 5:  # first keyword not a coarse topic: the importer falls back to finer ones
            keywords = keywords[1:]
        answers = [answer(rng, topic, question) for _ in range(rng.choice([1, 2, 2, 3, 3, 4]))]
        if n % 9 == 0:
            answers.append(rng.choice(SHORT))
        if n % 41 == 3:
            answers.append(ADS[0])
        if n == 77:  # nothing long enough: dropped as no_answers by the clean step
            answers = [rng.choice(SHORT), rng.choice(SHORT)]
        items.append(
            {
                "question": question,
                "description": description,
                "keywords": ",".join(keywords),
                "answers": [{"answer_text": a, "has_label": False, "labels_sequence": None} for a in answers],
                "questionID": 10000 + n,
            }
        )
    # A Traditional-script question (converted by OpenCC t2s in cleaning) and an exact duplicate.
    items[11]["question"] = "最近總是失眠，腦子停不下來，怎麼辦？"
    items[11]["description"] = "每天晚上躺在床上就開始胡思亂想，越想越焦慮，已經一個月沒有睡好了。"
    dup = json.loads(json.dumps(items[20]))
    dup["questionID"] = 10000 + N_QUESTIONS
    items.append(dup)
    # PsyQA's own strategy annotation on one answer, as in the public sample.
    text = items[0]["answers"][0]["answer_text"]
    items[0]["answers"][0]["has_label"] = True
    items[0]["answers"][0]["labels_sequence"] = [
        {"start": 0, "end": 40, "type": "Approval and Reassurance"},
        {"start": 40, "end": len(text), "type": "Interpretation"},
    ]
    return items


if __name__ == "__main__":
    out = HERE / "psyqa_demo.json"
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
