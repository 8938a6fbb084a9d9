"""Seeded synthetic PII set for measuring how the anonymiser generalises: a dev part to tune on, a sealed test part.

Written before reading the recognisers (their rules were not looked at), independently of the demo generator,
``anonymize_corpus.py`` and ``pii_heldout.py``. Counselling-style posts (help-seeking text, counsellor replies,
chat lines) plant the demo's 14 PII kinds with realistic values: surnames drawn by their frequency in China
(function-word surnames such as 于/方/向/白/文/和 and compound surnames included at their share), given names of one
or two common name characters (some of them ordinary words), mobiles and landlines in the usual written formats,
ID numbers with a valid check character, bank cards that pass Luhn, addresses down to road number or estate +
building/unit/room, schools, employers and hospitals in first-person frames, and so on. Negatives that must stay
(generic relatives, institutions named in general, public figures, hotlines, ages, durations, doses, prices,
scores, event dates, book titles) are marked as ``keep`` spans.

The two parts differ in their seed AND in their templates: every template list is split in two (even positions
dev, odd positions test), so the test part also measures phrasings nobody tuned on. Tune on ``dev`` only;
``bench/bench_anonymize.py --corpus unseen-test`` prints the test figures without the missed values.
A third part, ``dev2`` (its own seed, templates and organisation/address value pools, written later by another
session before it read the recognisers), is a second tuning set that measures phrasings the dev rules never saw.
A fourth part, ``dev3`` (its own seed, titles, templates and name/organisation/address pools, written by a later
session before it read the recognisers or the other parts' templates), measured out-of-sample recall once more
before it was tuned on. A fifth part, ``dev4`` (written the same way), plants schools, employers and names as people
mention their own or their relatives' places (every syntactic position, abbreviations, county schools, vocational
colleges, bureaus, hospital wards, chain stores, factories, bank branches) against keeps that name organisations in
general, public institutions and brands as products.

Markup is ``anonymize_corpus``'s ``{kind:value}``; ``unseen_posts`` turns it into posts with ``posts_of`` and
splits the planted spans into PII (the 14 kinds) and keep spans.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

from anonymize_corpus import posts_of

from workflow_scripts.data.demo_site import PII_KINDS, id_card_check_digit, luhn_check_digit

PARTS = ("dev", "test", "dev2", "dev3", "dev4")
TARGET_SPANS = 400  # planted PII spans per part (a post is finished when the target is reached)


def _w(words: str) -> list[str]:
    return words.split()


# ------------------------------------------------------------------------------------------------ names
# Approximate shares (per cent) of the commonest surnames in China; the tail gets a flat small share.
_SURNAMES = (
    "王7.1 李7.0 张6.7 刘5.4 陈4.5 杨3.1 黄2.1 赵2.0 吴1.9 周1.9 徐1.5 孙1.4 马1.3 朱1.3 胡1.2 郭1.1 何1.1 林1.0 "
    "高1.0 罗0.9 郑0.8 梁0.8 谢0.7 宋0.6 唐0.6 许0.6 韩0.5 邓0.5 冯0.5 曹0.5 彭0.5 曾0.5 肖0.4 田0.4 董0.4 潘0.4 "
    "袁0.4 蔡0.4 蒋0.4 余0.4 于0.4 杜0.4 叶0.4 程0.3 魏0.3 苏0.3 吕0.3 丁0.3 任0.3 卢0.3 姚0.3 沈0.3 钟0.3 姜0.3 "
    "崔0.3 谭0.3 陆0.3 范0.2 汪0.2 廖0.2 石0.2 金0.2 韦0.2 贾0.2 夏0.2 付0.2 方0.2 邹0.2 熊0.2 白0.2 孟0.2 秦0.2 "
    "邱0.2 侯0.2 江0.2 尹0.2 薛0.2 闫0.2 段0.2 雷0.2 龙0.2 黎0.2 史0.2 陶0.2 贺0.2 毛0.1 郝0.1 顾0.1 龚0.1 邵0.1 "
    "万0.1 覃0.1 武0.1 钱0.1 戴0.1 严0.1 莫0.1 孔0.1 向0.1 常0.1 汤0.1 康0.1 易0.1 乔0.1 赖0.1 文0.1 施0.1 洪0.1 "
    "辛0.05 柳0.05 祝0.05 左0.05 葛0.05 安0.05 牛0.05 靳0.05 甘0.05 焦0.05 和0.03 宁0.05 凌0.05 艾0.03 "
    "欧阳0.05 上官0.01 司马0.01 诸葛0.01 东方0.01 慕容0.01 令狐0.01 皇甫0.01 夏侯0.01 尉迟0.01"
)
SURNAMES: list[tuple[str, float]] = [
    (t.rstrip("0123456789."), float(re.sub(r"^\D+", "", t))) for t in _SURNAMES.split()
]
_MALE = "伟强磊军洋勇杰涛明超斌鹏浩宇轩辰博文俊凯峰晨阳健辉鑫航睿泽然豪龙飞刚平波亮翔毅铭昊锐凡晖"
_FEMALE = "芳娜敏静丽艳婷雪慧颖琳倩欣怡璐萱涵琪佳悦蕾薇丹玲晶燕媛瑶妍雯馨莉楠洁蓉梦露茜月岚"
_MIDDLE = "子梓思雨嘉晓志建海宏俊佳欣诗一可天国家文新若雅语明春秋永德金紫书安心"
NAME_CHARS = list(_MALE + _FEMALE)
MIDDLE_CHARS = list(_MIDDLE)
# given names that are also ordinary words or very common older-generation names
WORD_NAMES = _w(
    "文静 安然 平安 海洋 建国 国庆 红梅 春燕 海燕 志强 晓东 明亮 美丽 丽华 秀英 桂英 建华 立新 卫东 雪梅 海涛 "
    "思远 一鸣 舒畅 晨曦 欣然 雨晴 天宇"
)


def surname(rng: random.Random) -> str:
    return rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]


def given_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.12:
        return rng.choice(WORD_NAMES)
    if r < 0.40:
        return rng.choice(NAME_CHARS)
    return rng.choice(MIDDLE_CHARS) + rng.choice(NAME_CHARS)


def full_name(rng: random.Random) -> str:
    return surname(rng) + given_name(rng)


def nickname(rng: random.Random) -> str:
    """How friends and counsellors address someone: 小X, 阿X, a doubled character, or the given name alone."""
    c = rng.choice(NAME_CHARS)
    return rng.choice([f"小{c}", f"阿{c}", c + c, rng.choice(MIDDLE_CHARS) + c])


# ----------------------------------------------------------------------------------------------- phones
_MOBILE_PREFIXES = _w(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 170 172 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 198 199"
)
_AREA_CODES = _w(
    "010 021 022 023 020 024 025 027 028 029 0755 0571 0512 0731 0371 0531 0411 0591 0871 0851 "
    "0532 0574 0769 0757 0311 0351"
)
_FW = str.maketrans("0123456789-+()", "０１２３４５６７８９－＋（）")


def mobile(rng: random.Random) -> str:
    d = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    fmt = rng.choices(range(7), weights=[40, 15, 15, 8, 8, 6, 4])[0]
    out = [
        d,
        f"{d[:3]} {d[3:7]} {d[7:]}",
        f"{d[:3]}-{d[3:7]}-{d[7:]}",
        f"+86 {d}",
        f"+86-{d[:3]}-{d[3:7]}-{d[7:]}",
        f"{d[:3]}{d[3:7]} {d[7:]}",
        d.translate(_FW),
    ][fmt]
    return out


def landline(rng: random.Random) -> str:
    area = rng.choice(_AREA_CODES)
    n = 8 if len(area) == 3 or rng.random() < 0.8 else 7
    local = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(n - 1))
    fmt = rng.choices(range(6), weights=[40, 15, 15, 10, 10, 10])[0]
    if fmt == 0:
        return f"{area}-{local}"
    if fmt == 1:
        return f"({area}){local}"
    if fmt == 2:
        return f"（{area}）{local}"
    if fmt == 3:
        return f"{area} {local[:4]} {local[4:]}"
    if fmt == 4:
        return f"{area}-{local}转{rng.randint(100, 8999)}"
    return f"{area}{local}"


# ------------------------------------------------------------------------------------- ids and bank cards
_AREAS = _w(
    "110101 110105 110108 120101 130102 210102 220102 310104 310115 320102 320505 330106 330108 "
    "340102 350203 360102 370102 370212 410105 420111 430104 440106 440305 450103 500103 510107 "
    "520102 530102 610113 620102"
)


def id_card(rng: random.Random) -> str:
    y, m, d = rng.randint(1962, 2008), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{rng.choice(_AREAS)}{y:04d}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
    v = body + id_card_check_digit(body)
    if v.endswith("X") and rng.random() < 0.3:
        v = v[:-1] + "x"
    if rng.random() < 0.15:
        v = f"{v[:6]} {v[6:14]} {v[14:]}"
    return v


_BINS = _w(
    "622202 621226 622848 621700 436742 622588 621483 622700 601382 621661 622260 623668 622609 621799 622280 625965"
)


def bank_card(rng: random.Random) -> str:
    length = rng.choice([16, 19, 19])
    body = rng.choice(_BINS) + "".join(rng.choice("0123456789") for _ in range(length - 7))
    v = body + luhn_check_digit(body)
    fmt = rng.choices(range(3), weights=[55, 35, 10])[0]
    if fmt == 1:
        return " ".join(v[i : i + 4] for i in range(0, len(v), 4))
    if fmt == 2:
        return "-".join(v[i : i + 4] for i in range(0, len(v), 4))
    return v


# ------------------------------------------------------------------------------------ online identifiers
_HANDLES = _w(
    "xiaoyu zhangmin lily sunshine chenjie wangfang leo tiantian momo kevin yuyu happy lonely "
    "bluesky mumu coco jiajia xinxin aria lucky nana daisy sky moon river echo tom jerry amy "
    "yoyo lin wei qingqing"
)
_MAIL_DOMAINS = _w(
    "qq.com 163.com 126.com sina.com foxmail.com gmail.com outlook.com hotmail.com yeah.net "
    "139.com sohu.com stu.xjtu.edu.cn mail.ustc.edu.cn"
)


def _handle(rng: random.Random) -> str:
    h = rng.choice(_HANDLES)
    r = rng.random()
    if r < 0.35:
        return h + str(rng.randint(1985, 2008))
    if r < 0.6:
        return h + rng.choice("_.-") + rng.choice(_HANDLES)
    if r < 0.8:
        return h + str(rng.randint(1, 999))
    return h + rng.choice(_HANDLES)


def qq_of(lengths: list[int]) -> Callable[[random.Random], str]:
    """A QQ number: a non-zero digit and then ``rng.choice(lengths)`` more digits."""

    def draw(rng: random.Random) -> str:
        return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.choice(lengths)))

    return draw


qq = qq_of([5, 7, 8, 8, 9, 9, 9])


def email(rng: random.Random) -> str:
    domain = rng.choices(_MAIL_DOMAINS, weights=[25, 20, 10, 5, 8, 6, 6, 3, 3, 3, 2, 2, 2])[0]
    local = qq(rng) if domain == "qq.com" and rng.random() < 0.5 else _handle(rng).replace("-", "_")
    return f"{local}@{domain}"


def wechat(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return "wxid_" + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(10, 14))
        )
    if r < 0.25:
        return rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))  # 微信同号
    h = _handle(rng).replace(".", "_")
    return h[0].upper() + h[1:] if rng.random() < 0.2 else h


def url(rng: random.Random) -> str:
    n = str(rng.randint(10**9, 8 * 10**9))
    h = _handle(rng).replace(".", "").replace("_", "-")
    return rng.choice(
        [
            f"https://weibo.com/u/{n}",
            f"weibo.com/{h}",
            f"https://www.douban.com/people/{h}/",
            f"https://space.bilibili.com/{n[:9]}",
            f"https://www.zhihu.com/people/{h}",
            f"https://{h}.github.io",
            f"http://blog.sina.com.cn/u/{n}",
            f"https://www.xiaohongshu.com/user/profile/{n}{h[:6]}",
            f"https://www.jianshu.com/u/{n[:6]}{h[:4]}",
        ]
    )


_PROVINCES = _w("京 津 沪 渝 冀 豫 云 辽 黑 湘 皖 鲁 新 苏 浙 赣 鄂 桂 甘 晋 蒙 陕 吉 闽 贵 粤 青 川 宁 琼")
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def plate(rng: random.Random) -> str:
    head = rng.choice(_PROVINCES) + rng.choice("ABCDEFGHJK")
    if rng.random() < 0.2:
        tail = rng.choice("DF") + "".join(rng.choice("0123456789") for _ in range(5))
    else:
        letters = rng.sample(range(5), rng.choice([0, 1, 1, 2]))  # mostly digits, at most two letters
        tail = "".join(rng.choice(_PLATE_LETTERS) if i in letters else rng.choice("0123456789") for i in range(5))
    return head + rng.choice(["", "", "·", " "]) + tail


# ------------------------------------------------------------------------------------------------ dates
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return "零一二三四五六七八九"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


def birth_date(rng: random.Random) -> str:
    y, m, d = rng.randint(1965, 2010), rng.randint(1, 12), rng.randint(1, 28)
    fmt = rng.choices(range(8), weights=[35, 15, 10, 10, 10, 8, 6, 6])[0]
    return [
        f"{y}年{m}月{d}日",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}.{m}.{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}年{m}月{d}号",
        f"{y % 100:02d}年{m}月{d}日",
        f"{y}{m:02d}{d:02d}",
        "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn_number(m)}月{_cn_number(d)}日",
    ][fmt]


# --------------------------------------------------------------------------------------------- addresses
_CITIES = {
    "广东省": {"广州市": "天河区 越秀区 海珠区 番禺区", "深圳市": "南山区 福田区 宝安区 龙岗区", "东莞市": ""},
    "浙江省": {"杭州市": "西湖区 拱墅区 余杭区 滨江区", "宁波市": "鄞州区 海曙区"},
    "江苏省": {"南京市": "鼓楼区 玄武区 江宁区", "苏州市": "姑苏区 吴中区", "无锡市": "梁溪区 滨湖区"},
    "四川省": {"成都市": "武侯区 锦江区 青羊区 成华区", "绵阳市": "涪城区"},
    "湖北省": {"武汉市": "洪山区 江汉区 武昌区", "宜昌市": "西陵区"},
    "陕西省": {"西安市": "雁塔区 碑林区 未央区"},
    "河南省": {"郑州市": "金水区 二七区 中原区", "洛阳市": "洛龙区"},
    "山东省": {"济南市": "历下区 槐荫区", "青岛市": "市南区 崂山区 黄岛区"},
    "湖南省": {"长沙市": "岳麓区 雨花区 开福区"},
    "福建省": {"厦门市": "思明区 湖里区", "福州市": "鼓楼区 仓山区"},
    "辽宁省": {"沈阳市": "和平区 浑南区", "大连市": "中山区 甘井子区"},
    "河北省": {"石家庄市": "长安区 裕华区"},
    "": {
        "北京市": "朝阳区 海淀区 丰台区 昌平区",
        "上海市": "浦东新区 徐汇区 闵行区",
        "天津市": "南开区 河西区",
        "重庆市": "渝中区 江北区 沙坪坝区",
    },
}
_ROADS = _w(
    "人民 解放 中山 建设 和平 新华 长江 黄河 文化 胜利 青年 学府 科技 滨江 东风 幸福 金桥 翠柏 梧桐 光明 朝阳 "
    "迎宾 体育 工业 团结 环城 望江 丽水 银杏 公园"
)
_ESTATES = _w(
    "阳光花园 碧桂园 万科城 保利香槟国际 绿地世纪城 恒大名都 中海国际社区 翠苑一区 锦绣江南 书香门第 世纪花园 "
    "华润二十四城 景泰小区 和平里 金色家园 滨江华府 融创玖樟台 "
    "名仕公馆 东湖花园 紫薇苑 新城国际 幸福家园 桃源居 蓝湾半岛"
)
_COUNTIES = [
    ("河南省周口市", "郸城县"),
    ("安徽省阜阳市", "临泉县"),
    ("湖南省邵阳市", "隆回县"),
    ("四川省南充市", "仪陇县"),
    ("江西省赣州市", "于都县"),
    ("山东省菏泽市", "曹县"),
    ("广西", "陆川县"),
]
_TOWN = _w("城关 新集 李庄 石桥 东湖 白马 清水 双河 马桥 王集")


def _city(rng: random.Random) -> tuple[str, str, str]:
    prov = rng.choice(list(_CITIES))
    city = rng.choice(list(_CITIES[prov]))
    districts = _CITIES[prov][city].split()
    return prov, city, rng.choice(districts) if districts else ""


def _road(rng: random.Random) -> str:
    r = rng.random()
    name = rng.choice(_ROADS)
    if r < 0.55:
        road = name + "路"
    elif r < 0.7:
        road = name + rng.choice(["东路", "西路", "南路", "北路"])
    elif r < 0.8:
        road = name + "大道" + rng.choice(["", "北段", "中段"])
    elif r < 0.9:
        road = name + "街"
    else:
        road = name + "路" + rng.choice(["一段", "二段", "三段"])
    return f"{road}{rng.randint(1, 1688)}号"


def street_address(rng: random.Random) -> str:
    """Province/city/district/road/number at one of several levels of completeness, sometimes a building."""
    prov, city, dist = _city(rng)
    road = _road(rng)
    lvl = rng.random()
    if lvl < 0.3:
        out = prov + city + dist + road
    elif lvl < 0.6:
        out = city + dist + road
    elif lvl < 0.8 and dist:
        out = dist + road
    else:
        out = city + road
    if rng.random() < 0.25:
        out += rng.choice([f"{rng.randint(1, 30)}栋{rng.randint(101, 2806)}", f"{rng.randint(2, 9)}楼", "院内"])
    return out


def estate_address(rng: random.Random) -> str:
    """A residential compound with building, unit and room, sometimes after its city and district."""
    est = rng.choice(_ESTATES)
    b, u, room = rng.randint(1, 32), rng.randint(1, 6), f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}"
    fmt = rng.choices(range(5), weights=[30, 25, 20, 15, 10])[0]
    tail = [
        f"{rng.choice(['', '小区'])}{b}号楼{u}单元{room}{rng.choice(['', '室'])}",
        f"{b}栋{u}单元{room}",
        f"{b}幢{room}室",
        f"{b}-{u}-{room}",
        f"{rng.choice(['一', '二', '三', '四'])}期{b}号楼{room}",
    ][fmt]
    if rng.random() < 0.35:
        _, city, dist = _city(rng)
        return city + dist + est + tail
    return est + tail


def rural_address(rng: random.Random) -> str:
    pref, county = rng.choice(_COUNTIES)
    town = rng.choice(_TOWN)
    vil = rng.choice(_TOWN)
    out = f"{county}{town}镇{vil}村" + (f"{rng.randint(1, 9)}组" if rng.random() < 0.5 else "")
    return pref + out if rng.random() < 0.5 else out


# ------------------------------------------------------------------------------------ schools, employers
_UNIS = _w(
    "北京大学 清华大学 中国人民大学 复旦大学 上海交通大学 南京大学 武汉大学 中山大学 四川大学 山东大学 吉林大学 "
    "华南理工大学 西安交通大学 哈尔滨工业大学 华东师范大学 "
    "湖南师范大学 郑州大学 苏州大学 暨南大学 深圳大学 云南大学 广西大学 江西财经大学 西南政法大学 中国传媒大学 "
    "北京邮电大学 南京航空航天大学 东北大学 大连理工大学 兰州大学 "
    "河北师范大学 重庆医科大学 浙江工业大学 深圳职业技术学院 广东外语外贸大学 山西大学"
)
_HIGH = _w(
    "成都市第七中学 石家庄二中 长沙市长郡中学 武汉外国语学校 杭州学军中学 华南师范大学附属中学 南京外国语学校 "
    "郸城县第一中学 临泉一中 曹县实验中学 合肥一六八中学 "
    "西安高新第一中学 郑州市第四十七中学 青岛二中 厦门双十中学 东莞中学"
)
_PRIMARY = _w(
    "育才小学 天河区第二实验小学 南山外国语学校 西湖区学军小学 朝阳区芳草地小学 金水区纬五路第一小学 "
    "鼓楼区琅琊路小学 锦江区盐道街小学 市南区实验小学 实验幼儿园"
)
_COMPANIES = _w(
    "华为 腾讯 阿里巴巴 字节跳动 美团 京东 拼多多 百度 网易 小米 比亚迪 顺丰 富士康 海底捞 链家 万达集团 平安保险 "
    "中国移动 国家电网 宁德时代 大疆 蔚来汽车 携程 "
    "贝壳找房"
)
_FIRMS = _w(
    "深圳市鑫达科技有限公司 杭州云帆网络科技有限公司 苏州恒信精密机械有限公司 广州市天悦文化传播有限公司 "
    "成都星河教育咨询有限公司 上海瑞丰贸易有限公司 武汉长青物流有限公司 "
    "北京智远律师事务所 南京立信会计师事务所 郑州宏达建筑工程有限公司"
)
_BANKS = _w("中国工商银行 中国建设银行 中国农业银行 中国银行 招商银行 交通银行 浦发银行 兴业银行")
_HOSPITALS = _w(
    "北京安定医院 上海市精神卫生中心 四川大学华西医院 广州医科大学附属脑科医院 南京脑科医院 湖南省第二人民医院 "
    "郑州大学第一附属医院 浙江大学医学院附属第一医院 深圳市康宁医院 "
    "武汉市精神卫生中心 西安市精神卫生中心 北京大学第六医院"
)


def one_of(
    pool: list[str], short: list[str] | None = None, short_share: float = 0.0
) -> Callable[[random.Random], str]:
    """A value drawn from ``pool`` (schools, hospitals), or with ``short_share`` from ``short`` (abbreviations)."""

    def draw(rng: random.Random) -> str:
        if short and rng.random() < short_share:
            return rng.choice(short)
        return rng.choice(pool)

    return draw


def employer_of(
    brands: list[str],
    firms: list[str],
    shares: tuple[float, float],
    n_branded: int,
    units: list[str],
    city_first: bool,
) -> Callable[[random.Random], str]:
    """A brand, a registered firm, or a city unit of one of the first ``n_branded`` brands (华为深圳分公司 when
    ``city_first`` is false, 深圳华为分公司 when true); ``shares`` are the brand and brand-or-firm cut-offs."""

    def draw(rng: random.Random) -> str:
        r = rng.random()
        if r < shares[0]:
            return rng.choice(brands)
        if r < shares[1]:
            return rng.choice(firms)
        city = _city(rng)[1].rstrip("市")
        brand = rng.choice(brands[:n_branded])
        return (city + brand if city_first else brand + city) + rng.choice(units)

    return draw


university = one_of(_UNIS)
high_school = one_of(_HIGH)
primary_school = one_of(_PRIMARY)
company = employer_of(_COMPANIES, _FIRMS, (0.45, 0.8), 10, ["分公司", "研发中心"], city_first=False)


def bank_branch(rng: random.Random) -> str:
    _, city, dist = _city(rng)
    place = (dist or city).rstrip("区市") if rng.random() < 0.6 else rng.choice(_ROADS) + "路"
    return rng.choice(_BANKS) + rng.choice(["", city.rstrip("市")]) + place + "支行"


hospital = one_of(_HOSPITALS)


# ------------------------------------------------------------------------------------------------ keeps
def _pick(words: str) -> Callable[[random.Random], str]:
    return one_of(_w(words))


def age(rng: random.Random) -> str:
    n = rng.randint(14, 52)
    return f"{n}岁" if rng.random() < 0.6 else _cn_number(n) + "岁"


def duration(rng: random.Random) -> str:
    return rng.choice(
        ["三个月", "半年", "两年多", "一年半", "四十分钟", "快十年", "五天", "两个星期", f"{rng.randint(2, 9)}年"]
    )


def dose(rng: random.Random) -> str:
    drug = rng.choice(["舍曲林", "帕罗西汀", "艾司西酞普兰", "文拉法辛", "米氮平", "劳拉西泮", "碳酸锂"])
    return drug + rng.choice(["50mg", "20毫克", "一天两片", "每晚半片", "100mg", "0.5mg"])


def price(rng: random.Random) -> str:
    return rng.choice(
        [f"{rng.randint(3, 12) * 100}元", f"{rng.randint(2, 9)}千多", f"{rng.randint(3, 15)}000块", "八百一小时"]
    )


def score(rng: random.Random) -> str:
    scale = rng.choice(["SDS", "SAS", "PHQ-9", "GAD-7", "贝克抑郁量表", "SCL-90总分"])
    hi = {"PHQ-9": 27, "GAD-7": 21}.get(scale, 80)
    return f"{scale}{rng.choice(['', ' '])}{rng.randint(5, hi)}分"


def event_date(rng: random.Random) -> str:
    y, m, d = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [f"{y}年{m}月{d}日", f"{y}年{m}月", f"{m}月{d}号", f"{y}-{m:02d}-{d:02d}", f"去年{m}月", f"{y}年"]
    )


hotline = _pick("12355 12356 12320 110 120 400-161-9995 010-82951332 800-810-1117")
service_line = _pick("95588 10086 12345 400-820-8820 95533 400-600-6666")
book = _pick(
    "《被讨厌的勇气》 《蛤蟆先生去看心理医生》 《活着》 《非暴力沟通》 《自卑与超越》 《身体从未忘记》 "
    "《也许你该找个人聊聊》 《原生家庭》"
)
famous = _pick(
    "鲁迅 张爱玲 史铁生 余华 村上春树 弗洛伊德 荣格 阿德勒 周杰伦 王菲 李健 毛不易 林黛玉 贾宝玉 武志红 李玫瑾 "
    "苏轼 李白 三毛 易烊千玺 莫言 岳云鹏"
)
institution = _pick(
    "北京大学 哈佛大学 中国科学院心理研究所 世界卫生组织 美国心理学会 国家卫健委 清华大学 斯坦福大学 北京大学第六医院"
)
place = _pick("北京 上海 广州 深圳 成都 老家 南方 东北 杭州 重庆 县城 农村")

# slot name (trailing digits stripped) -> (planted kind, value generator)
SLOTS: dict[str, tuple[str, Callable[[random.Random], str]]] = {
    "name": ("name", full_name),
    "nick": ("name", nickname),
    "mobile": ("mobile", mobile),
    "landline": ("landline", landline),
    "email": ("email", email),
    "qq": ("qq", qq),
    "wechat": ("wechat", wechat),
    "id": ("id_card", id_card),
    "bank": ("bank_card", bank_card),
    "addr": ("address", street_address),
    "estate": ("address", estate_address),
    "rural": ("address", rural_address),
    "uni": ("school", university),
    "high": ("school", high_school),
    "primary": ("school", primary_school),
    "company": ("employer", company),
    "branch": ("employer", bank_branch),
    "hospital": ("employer", hospital),  # the demo also counts hospitals as organisations under employer
    "plate": ("plate", plate),
    "url": ("url", url),
    "birth": ("birth_date", birth_date),
    # keeps
    "age": ("age", age),
    "dur": ("duration", duration),
    "dose": ("dose", dose),
    "price": ("price", price),
    "score": ("score", score),
    "event": ("event_date", event_date),
    "hotline": ("hotline", hotline),
    "service": ("hotline", service_line),
    "book": ("book", book),
    "famous": ("famous_name", famous),
    "inst": ("institution", institution),
    "place": ("place", place),
}

# ------------------------------------------------------------------------------------------------ templates
# Help-seeking lines and chat lines with PII (and sometimes a keep). "<slot>" is filled; the same slot twice in a
# template is the same value.
PII_TEMPLATES = [
    "大家好，我叫<name>，今年<age>，<place>人，最近一直睡不好。",
    "<name>你好，看到你的留言我很难过，先抱抱你。",
    "我男朋友<name>昨天又提了分手，这已经是第三次了。",
    "上周和<name>吵完架，我一个人在操场坐到半夜。",
    "<name>说我太作了，可我只是想让他多陪陪我。",
    "我和<name>、<name2>是高中同学，现在她们都不理我了。",
    "室友<name>总是半夜打电话，我提醒过好几次。",
    "那天<name>在群里说：“你这种人活着有什么意思。”",
    "我婆婆一直看不上我，我老公<name>也从来不帮我说话。",
    "班里有个叫<name>的男生，天天拿我的外号开玩笑。",
    "咨询师：<nick>，这周睡得怎么样？",
    "我：还是老样子，<name>又来找我借钱了。",
    "我的主管<name>把我的方案写成了他自己的名字。",
    "我暗恋<name>两年了，不知道该不该表白。",
    "给<name>发了很长的消息，到现在都没回。",
    "初中的时候被<name>他们孤立，到现在都有阴影。",
    "前女友<name>结婚了，新郎是我大学室友<name2>。",
    "<name>，我真的好想你，可是我们回不去了。",
    "我爸叫<name>，在老家开了个小饭馆，脾气特别暴躁。",
    "辅导员<name>老师找我谈话，说我旷课太多。",
    "我跟<name>提了离婚，他说除非我净身出户。",
    "整个部门只有<name>愿意听我说这些。",
    "我老婆<name>生完孩子以后就像变了一个人。",
    "<name>同学，你描述的情况很常见，不要太责怪自己。",
    "闺蜜<nick>把我的秘密告诉了她男朋友。",
    "妈妈总拿我和表姐<name>比，说人家考上了研究生。",
    "我是<name>，<birth>出生，想咨询一下婚姻的问题。",
    "<name>和<name2>在背后说我坏话，被我听到了。",
    "实在撑不住的时候可以打我电话<mobile>，我一般都在。",
    "他把我的手机号<mobile>发到了网上，现在每天都有陌生人打来。",
    "紧急联系人：我姐 <name>，<mobile>",
    "留个号码吧 <mobile> 白天上班可能接不到",
    "我家座机<landline>，我妈每天守着它等我电话。",
    "公司前台电话是<landline>，我连打电话请假都不敢。",
    "有人用<mobile>这个号一直给我发短信骚扰我。",
    "联系方式：<mobile>（微信同号）",
    "我把日记整理好发到了<email>，希望老师能看看。",
    "有同样经历的可以给我写信：<email>",
    "前任一直往我的邮箱<email>发邮件。",
    "Email: <email>，周末统一回复。",
    "加我QQ<qq>吧，我们可以一起打卡。",
    "他用QQ小号<qq>加我，说要把照片发给我同学。",
    "扣扣：<qq>（备注树洞）",
    "我的q号是<qq>，晚上十点以后在线。",
    "可以加我微信<wechat>，我也经历过这些。",
    "vx：<wechat>，不收费，就是想找人聊聊。",
    "他换了个微信号<wechat>继续骚扰我。",
    "wx号 <wechat>",
    "我的微信是<wechat>，加的时候备注一下从这里来的。",
    "身份证号<id>被人拿去借了网贷，我一分钱都没拿到。",
    "我把身份证号码<id>给了那个所谓的客服。",
    "证件号：<id>，姓名<name>，这是他们发在群里的。",
    "我身份证是<id>，能不能查到我被谁起诉了？",
    "他让我把钱转到<bank>，说三天就能回本。",
    "我的工资卡<bank>被冻结了，房租都交不上。",
    "卡号<bank>，户名<name>，他说这是他表弟的卡。",
    "银行卡：<bank>（农行）",
    "我住在<addr>，附近有没有靠谱的心理咨询室？",
    "搬到<estate>以后，楼下邻居天天敲暖气管。",
    "家庭住址：<addr>",
    "快递地址写的是<estate>，他居然找上门来了。",
    "他知道我家在<addr>，我很害怕。",
    "我现在租在<estate>，房东一直催我搬走。",
    "老家在<rural>，爸妈还在种地。",
    "我在<uni>读大二，专业是家里选的。",
    "我是<uni>的研究生，导师天天否定我。",
    "去年考上了<uni>，可我一点都不开心。",
    "女儿在<primary>上四年级，最近不肯去学校。",
    "我们<high>每周只放半天假。",
    "<uni>大三在读，挂了三门课，不敢跟家里说。",
    "我从<uni>毕业三年了，还是觉得自己一事无成。",
    "高二，在<high>，成绩从年级前五十掉到两百多。",
    "我在<company>上班，每天加班到十一点。",
    "上个月被<company>裁员了，不敢告诉家里。",
    "我是<hospital>的护士，连着上了七个夜班。",
    "刚入职<company>半年，领导就让我背锅。",
    "在<company>做销售，业绩不达标就被当众骂。",
    "我在<branch>做柜员，每天被客户骂。",
    "我之前在<company>实习，后来跳槽到<company2>。",
    "在<hospital>确诊了中度抑郁，医生开了<dose>。",
    "那辆车牌是<plate>的白色轿车已经在我家楼下停了三天。",
    "他开的是我的车，车牌<plate>，出了事却要我担责。",
    "车牌号：<plate>，就是这辆车撞了我爸。",
    "我在网上写了很多，主页<url>",
    "这是我的博客<url>，记录了这两年的心情。",
    "他把我的照片发到了<url>上。",
    "我是<birth>出生的，今年<age>。",
    "出生日期：<birth>",
    "生日<birth>，今年又是一个人过。",
    "本人女，<birth>出生，<place>人，在<company>上班。",
    "[<event> 23:14] 我：我真的撑不住了\n[<event> 23:15] <name>：你在哪？我现在过去",
    "我弟<name>今年<age>，在<high>读书，天天玩手机。",
    "我的邮箱<email>和QQ<qq>都被盗了，对方还用它们向我朋友借钱。",
    "我的基本情况：<name>，女，<birth>生，现住<estate>。",
    "我爸单位的电话<landline>，他不让我们往那里打。",
    "有事打我家里电话<landline>，找我就行。",
    "我的知乎主页<url>，里面有我写的经历。",
    "他在贴吧发帖骂我，链接是<url>",
    "借款合同上写着我的身份证<id>和银行卡<bank>。",
    "表哥拿我的身份证<id>办了张卡，卡号<bank>。",
    "他开一辆黑色SUV，牌照<plate>，下班总在公司门口等我。",
    "<plate>这辆车的车主一直按喇叭骂我。",
    "家里电话 <landline>（晚上八点后）",
    "办公室座机<landline>，出了事领导第一个打给我。",
]

# Counsellor replies (third field of some posts).
REPLY_TEMPLATES = [
    "<name>你好，我是今天的值班咨询师，你愿意多说说吗？",
    "楼主你好，如果你现在有伤害自己的想法，请马上拨打<hotline>。",
    "抱抱<nick>。你不是一个人，可以先从每天散步二十分钟开始。",
    "推荐你读一读<book>，也许会有帮助。",
    "<nick>，谢谢你愿意信任我，我们下周同一时间见。",
    "你好，可以先去精神科做个评估，比如<hospital>就有心理门诊，挂号不难。",
    "看得出来你已经很努力了，<dur>的坚持不容易。",
    "如果需要线下咨询，可以加我的工作微信<wechat>预约。",
    "<name>同学，你的情况我看了，建议你先和辅导员谈一谈。",
    "这种情况在心理学上叫习得性无助，<famous>也写过类似的体会。",
]

# Lines that must stay as they are.
NEGATIVE_TEMPLATES = [
    "我妈总说我不懂事，我爸从来不管。",
    "如果你现在很危险，请拨打<hotline>或者去最近的医院。",
    "我今年<age>，工作<dur>了，还是一事无成。",
    "医生让我每天吃<dose>，已经吃了<dur>。",
    "在医院做了测评，<score>。",
    "一次咨询<price>，我实在负担不起。",
    "最近在看<book>，很有共鸣。",
    "<famous>在书里写过，人是可以慢慢好起来的。",
    "<inst>的一项研究说，长期失眠会加重焦虑。",
    "<event>那天，我第一次惊恐发作。",
    "我在<place>读书，离家很远。",
    "心理援助热线<hotline>打了好几次都占线。",
    "我在一家互联网公司上班，同事都很冷漠。",
    "我们学校的心理咨询中心要提前一周预约。",
    "房租<price>，工资才四千五。",
    "我和我姐关系一直不好。",
    "<event>，外婆去世了，我到现在都没缓过来。",
    "我男朋友的妈妈很强势。",
    "老师：今天我们聊聊你的童年好吗？",
    "<famous>的歌我听了一整晚。",
    "周一早上九点要交报告，我现在还一个字没写。",
    "打<service>投诉了快递，客服态度很差。",
    "每天凌晨三点醒来，再也睡不着。",
    "同时也想问问，吃药会不会变胖？",
    "和家人沟通过，他们觉得我矫情。",
    "测出来<score>，医生说要重视。",
    "看了<famous>的访谈，觉得自己好像也是这样。",
    "我在<inst>的公众号上看到一篇文章。",
    "大城市的三甲医院挂号太难了。",
    "我是独生子女，爸妈对我期望很高。",
    "他说<dur>之内会还钱，现在已经过去一年了。",
    "第一次来这里提问，希望有人能看到。",
    "男朋友比我大五岁，他家里不同意。",
    "高考那年我考了六百多分，还是没去成想去的学校。",
    "我和朋友说了这件事，她也不理解。",
    "<age>，女，单身，在<place>工作。",
    "实在难受的时候我会打<hotline>，接线员人很好。",
    "网上说可以打<hotline>，真的有用吗？",
    "打<service>问了半天，还是没解决。",
    "客服电话<service>一直占线。",
]

TITLES = [
    "求助：我是不是抑郁了？",
    "不知道该怎么办",
    "感觉自己快撑不下去了",
    "关于原生家庭的困惑",
    "分手后走不出来怎么办",
    "工作压力太大，每天都想哭",
    "孩子不愿意上学",
    "被骚扰了，很害怕",
    "失眠三个月了",
    "想找个人聊聊",
    "",
]


# ------------------------------------------------------------------------------------------- the dev2 part
# A third part written by a later session before it read the recognisers: new templates for all 14 kinds
# and new value pools for organisations (schools, employers, hospitals, bank branches, other private
# organisations), chat-style QQ and WeChat cues, addresses and plates in free text, and new negatives (institutions
# named in general, organisation words used generically). The dev and test parts above are untouched.
_UNIS2 = _w(
    "东南大学 厦门大学 同济大学 南开大学 天津大学 中南大学 湖南大学 重庆大学 电子科技大学 西北工业大学 "
    "华中科技大学 北京师范大学 中国农业大学 南京师范大学 上海财经大学 安徽大学 贵州大学 新疆大学 宁波大学 扬州大学 "
    "江南大学 长沙理工大学 哈尔滨医科大学 温州医科大学 青岛科技大学 桂林电子科技大学 黄淮学院 商丘师范学院 "
    "邢台学院 九江职业技术学院 广州番禺职业技术学院 河南财经政法大学 西南石油大学 齐鲁工业大学 三峡大学 "
    "武汉纺织大学 上海海事大学 北京联合大学 浙江传媒学院 四川外国语大学"
)
_UNI_SHORT2 = _w("华科 川大 北师大 南师大 武大 中南 西工大 电子科大 湖大 重大 南开 厦大 同济 上财 哈工大 北邮")
_HIGH2 = _w(
    "衡水中学 黄冈中学 人大附中 北京四中 上海中学 郑州一中 襄阳四中 毛坦厂中学 绵阳中学 太原五中 沈阳二中 "
    "济南外国语学校 汕头金山中学 遵义四中 固始县高级中学 宜宾市第三中学 南昌十中 洛阳市第一高级中学 "
    "平顶山市卫生学校 新东方烹饪学校 长沙市雅礼中学 昆明三中 福州格致中学 包头一中"
)
_PRIMARY2 = _w(
    "中关村第三小学 杭州市天长小学 长春市解放大路小学 蓝天幼儿园 金色摇篮幼儿园 星河湾双语学校 "
    "东湖路小学 城关镇中心小学 红黄蓝幼儿园 实验二小 育英学校 北大附小"
)
_COMPANIES2 = _w(
    "美的 格力 海尔 联想 中兴 vivo OPPO 滴滴 快手 蚂蚁集团 中国石化 中国联通 中国电信 三一重工 娃哈哈 蒙牛 伊利 "
    "安踏 新东方 好未来 喜茶 瑞幸咖啡 麦当劳 肯德基 星巴克 德勤 普华永道 宝洁 沃尔玛 京东方 中芯国际 中国建筑 "
    "中铁十二局 学而思 蜜雪冰城 顺丰速运 中通快递 永辉超市"
)
_FIRMS2 = _w(
    "东莞市华泰电子有限公司 宁波博远外贸有限公司 合肥启明软件科技有限公司 长沙湘江物业管理有限公司 "
    "佛山市顺德区美达家具厂 厦门海峡律师事务所 温州嘉华鞋业有限公司 青岛海润食品有限公司 重庆渝通汽车配件厂 "
    "昆山立讯精密工业有限公司 济南鲁信投资集团 西安秦川设计院 无锡华光锅炉股份有限公司 金华市星火广告公司 "
    "南宁绿城装饰工程有限公司 石家庄恒泰制药厂 贵阳黔南建设集团 泉州七匹狼服饰有限公司 "
    "中国电子科技集团第十四研究所 上海光华建筑设计研究院 北京蓝鲸互动传媒有限公司 广州优品电商有限公司 "
    "苏州星悦美容会所 成都天府心理咨询工作室 杭州小象教育培训中心 深圳市宝安区福永镇明辉五金厂"
)
_BANKS2 = _w("中国邮政储蓄银行 宁波银行 北京银行 平安银行 中信银行 民生银行 光大银行 华夏银行 农村商业银行")
_HOSPITALS2 = _w(
    "徐州市中心医院 广东省人民医院 湘雅二医院 复旦大学附属华山医院 南方医科大学南方医院 潍坊市人民医院 "
    "临泉县人民医院 北京协和医院 爱尔眼科 美年大健康体检中心 华西口腔医院 宁波市康宁医院 苏州广济医院 "
    "天津市安定医院 无锡市精神卫生中心 杭州市第七人民医院 重庆市精神卫生中心 瑞金医院 和睦家医院 "
    "沧州市中心医院 海淀区妇幼保健院 长沙市第三医院"
)
_ROADS2 = _w("建国 淮海中 五一 沿江 北京西 延安 友谊 振兴 兴华 南京 汉口 红旗 育才 花园 荣华 民主 青山 北环 三环")
_ESTATES2 = _w(
    "龙湖春江郦城 金地格林小城 中建锦绣天地 富力城 星河湾 远洋山水 招商雍景湾 旭辉城 天通苑 龙泽苑 梅园新村 "
    "南湖小区 华侨新村 工人新村 汇景新城 丽都花园 香榭里 碧水蓝天 龙城一品 紫金华府"
)


university2 = one_of(_UNIS2, short=_UNI_SHORT2, short_share=0.15)
high_school2 = one_of(_HIGH2)
primary_school2 = one_of(_PRIMARY2)
company2 = employer_of(
    _COMPANIES2, _FIRMS2, (0.4, 0.85), 12, ["分公司", "工厂", "营业厅", "门店", "事业部"], city_first=True
)


def bank_branch2(rng: random.Random) -> str:
    _, city, dist = _city(rng)
    c = city.rstrip("市")
    return rng.choice(_BANKS2) + rng.choice(
        [c + "分行", c + (dist or "城东").rstrip("区") + "支行", rng.choice(_ROADS2) + "路支行", c + "分行营业部"]
    )


hospital2 = one_of(_HOSPITALS2)


def street_address2(rng: random.Random) -> str:
    """Free-text addresses: a road and number, a lane (弄), a street committee and community, a crossing."""
    prov, city, dist = _city(rng)
    road = rng.choice(_ROADS2) + rng.choice(["路", "路", "街", "大道", "大街"])
    n = rng.randint(1, 999)
    r = rng.random()
    if r < 0.3:
        out = f"{city}{dist}{road}{n}号"
    elif r < 0.5:
        out = f"{dist or city}{road}{n}弄{rng.randint(1, 40)}号{rng.randint(101, 1802)}室"
    elif r < 0.65:
        out = f"{city}{road}{n}号院{rng.randint(1, 12)}号楼"
    elif r < 0.8:
        out = f"{dist or city}{rng.choice(_TOWN)}街道{rng.choice(_ROADS2)}社区{rng.randint(1, 60)}号"
    else:
        out = f"{prov}{city}{dist}{road}{n}号{rng.randint(1, 30)}楼"
    return out


def estate_address2(rng: random.Random) -> str:
    est = rng.choice(_ESTATES2)
    b, u, room = rng.randint(1, 28), rng.randint(1, 5), f"{rng.randint(1, 30)}{rng.randint(1, 6):02d}"
    tail = rng.choice([f"{b}号楼{u}单元{room}", f"{b}栋{room}", f"{b}座{room}室", f"{b}-{u}-{room}", f"{b}号{room}"])
    if rng.random() < 0.4:
        _, city, dist = _city(rng)
        return (dist or city) + est + tail
    return est + tail


qq2 = qq_of([4, 6, 7, 8, 9, 10])


def wechat2(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.2:
        return rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    h = _handle(rng).replace(".", "_")
    if r < 0.4:
        return h + "_" + str(rng.randint(10, 99))
    return h


institution2 = _pick(
    "北京协和医院 华西医院 复旦大学 浙江大学 北京师范大学心理学部 中国心理学会 耶鲁大学 牛津大学 湘雅医院 "
    "中科院 华中科技大学 同济医院 北京安定医院"
)
famous2 = _pick("曾奇峰 陈海贤 蔡康永 罗翔 董卿 杨绛 汪曾祺 东野圭吾 太宰治 周国平 贾玲 李诞")

SLOTS.update(
    {
        "univ": ("school", university2),
        "midsch": ("school", high_school2),
        "kid": ("school", primary_school2),
        "corp": ("employer", company2),
        "bankb": ("employer", bank_branch2),
        "hosp": ("employer", hospital2),
        "street": ("address", street_address2),
        "compound": ("address", estate_address2),
        "qqn": ("qq", qq2),
        "wxid": ("wechat", wechat2),
        "pub": ("institution", institution2),
        "celeb": ("famous_name", famous2),
    }
)

DEV2_PII_TEMPLATES = [
    # names
    "今天跟<name>视频了两个小时，挂了电话又开始哭。",
    "我表妹<name>特别会来事，亲戚都喜欢她。",
    "隔壁工位的<name>每天都阴阳怪气地说我。",
    "昨晚梦到<name>了，醒来以后很久都没缓过来。",
    "谢谢<nick>一直陪着我，没有你我撑不到今天。",
    "我继父<name>喝了酒就摔东西。",
    "<name>是我初恋，分开五年了还是会想起他。",
    "跟我合租的女生叫<name>，她把男朋友带回来住。",
    "老板<name>当着全组的面说我脑子有问题。",
    "我们组长<name>天天让我们周末加班。",
    "<nick>：在吗？\n我：在，怎么了",
    "前夫<name>不给抚养费，还到处说我坏话。",
    # mobile
    "他天天用<mobile>打给我，我拉黑了他又换号。",
    "我妈的手机<mobile>打不通，我很担心。",
    "号码 <mobile> 是我朋友的，有事可以找她。",
    "电话：<mobile>，晚上打",
    "手机号码是<mobile>，谁能帮帮我",
    # landline
    "宿舍楼下的公用电话<landline>，只有周末能打。",
    "我爸公司的座机号<landline>，我妈让我别乱打。",
    "打<landline>找我，我白天都在店里。",
    "固话：<landline>",
    # email
    "我的邮箱是<email>，谁愿意听我说说",
    "发到<email>就行，我会认真看。",
    "他用<email>注册了好多账号冒充我。",
    "邮件地址：<email>",
    # qq
    "扣扣<qqn>，加的时候说一声",
    "QQ号：<qqn>",
    "q <qqn> 有同样困扰的可以聊",
    "企鹅号<qqn>，晚上在",
    "加我扣扣 <qqn>",
    "我qq是<qqn>，同城的可以约出来走走",
    "有个群，群号<qqn>，里面都是抑郁症的病友。",
    "他的QQ <qqn> 一直给我发那些图片。",
    "QQ:<qqn> 备注一下",
    "我小号Q：<qqn>",
    "想聊天的加qq<qqn>",
    "他扣扣号是<qqn>，专门骗女生的",
    # wechat
    "微信号：<wxid>",
    "V：<wxid>",
    "加我vx <wxid> 一起互相监督早睡",
    "他微信<wxid>，大家看到了千万别加",
    "我的wx是<wxid>，加我备注一下",
    "威信 <wxid>",
    "有需要的可以加微信：<wxid>",
    # id card
    "我身份证号码是<id>，被别人冒用了",
    "那个网贷平台拿着我的证件号<id>天天催收。",
    "身份证：<id>",
    "他用我的身份证号<id>注册了公司当法人。",
    # bank card
    "我转到他给的卡号<bank>，然后他就消失了。",
    "储蓄卡<bank>里面的钱被划走了。",
    "收款账号：<bank>，开户人<name>",
    "我爸让我把钱打到<bank>，说是给我弟交学费。",
    # address
    "我家在<street>，谁能来陪陪我",
    "我们住<compound>，他天天在楼下堵我",
    "地址：<street>",
    "快递寄到<compound>就可以",
    "我搬到了<street>附近，一个人租了个单间",
    "他在<compound>等了我一整夜",
    "我的住址<street>被人发到了群里",
    "现在住在<compound>，隔音特别差",
    "我妈在<street>开了个小卖部，每天守到半夜",
    # schools
    "我现在在<univ>读研一，跟导师关系很差",
    "<univ>的学生，大四，不知道该考研还是工作",
    "我们<univ>的宿舍六个人一间，根本没法学习",
    "本人<univ>大二学生，最近总是失眠",
    "我是<univ>毕业的，工作两年了还是很迷茫",
    "儿子在<midsch>读高三，压力特别大",
    "我在<midsch>复读，家里人都不看好我",
    "读初二，学校是<midsch>，被同学排挤",
    "孩子上<kid>，老师总在群里点名批评他",
    "女儿今年进了<kid>，每天早上哭着不肯去",
    "大学是在<univ>读的，那四年是我最开心的时候",
    "我考研考到了<univ>，可室友都比我优秀",
    "我在<univ>当辅导员，学生的事压得我喘不过气",
    "我弟在<midsch>上学，老师说他早恋",
    # employers
    "我在<corp>工作三年了，一直没涨过工资",
    "入职<corp>之后，我每天都焦虑",
    "我老公在<corp>上班，经常出差",
    "去年从<corp>离职，到现在还没找到工作",
    "我在<corp>当客服，每天被骂几十次",
    "目前就职于<corp>，做财务",
    "被<corp>辞退了，赔偿都没给",
    "我爸在<corp>干了二十年，去年被优化了",
    "<corp>的HR说我性格不适合这个岗位",
    "在<bankb>上班，业绩压力大得喘不过气",
    "我是<bankb>的柜员，已经干了四年",
    "我妈在<bankb>做大堂经理",
    "我在<hosp>当护士，值夜班值到快崩溃",
    "我是<hosp>的医生，看到太多病人自己也抑郁了",
    "我老婆在<hosp>工作，我们很少见面",
    "今年考进了<hosp>，规培压力很大",
    "我在<corp>实习，带教的师傅天天骂人",
    # plate
    "车牌<plate>的那辆车天天跟着我",
    "他开着<plate>来我公司楼下闹",
    "牌照号码<plate>，有人认识这辆车吗",
    "我的车<plate>被人划了，监控也没拍到",
    "撞我的车是<plate>，司机跑了",
    # url
    "我的b站主页<url>，有我画的画",
    "写了篇长文，链接在这<url>",
    "他一直在<url>发我的照片",
    # birth date
    "我<birth>出生，今年刚毕业",
    "生日是<birth>，我从来不过生日",
    "出生年月：<birth>",
    "<birth>生的，属马",
    # mixed
    "我叫<name>，<univ>大三，电话<mobile>",
    "联系我：扣扣<qqn>或者微信<wxid>",
    "我是<name>，在<corp>上班，家住<compound>",
]

DEV2_REPLY_TEMPLATES = [
    "<nick>你好，看完你的描述，我想先问问你现在安全吗？",
    "如果你在<pub>附近，可以去那里的心理科看看。",
    "<celeb>说过一句话，我很喜欢，送给你。",
    "心理援助热线<hotline>是免费的，24小时都能打。",
    "<name>，你能说出来已经很勇敢了。",
    "建议你读一下<book>，再决定要不要换工作。",
]

DEV2_NEGATIVE_TEMPLATES = [
    "<pub>的专家说，抑郁症是可以治好的。",
    "我最想考的是<pub>，可是分数差太多了。",
    "听说<pub>的精神科很难挂号。",
    "新闻上说<pub>发布了新的指南。",
    "<pub>的一位教授在讲座里提到了这个。",
    "大学的时候我也经历过这些。",
    "公司的领导对我还不错，就是同事难相处。",
    "我们医院的护士都很辛苦。",
    "去银行办卡的时候我突然惊恐发作。",
    "学校的老师都知道我家的情况。",
    "我在一家小公司做行政。",
    "高中三年我都是一个人吃饭。",
    "<celeb>的书我都看过。",
    "我们小区的物业根本不管事。",
    "QQ音乐里的歌单全是伤感的歌。",
    "他的微信头像换成了我们的合照。",
    "我已经把他的QQ和微信都拉黑了。",
    "早上七点的公交车上全是人。",
    "今年<age>，<dur>没有好好睡过觉了。",
    "医生给我开了<dose>。",
    "做了抑郁自评，<score>。",
    "我在<place>上班，一个月<price>。",
    "<event>，我终于鼓起勇气去了医院。",
    "打了<service>也没用。",
    "车站的人很多，我很害怕。",
    "我这个人就是不喜欢说话。",
    "工作群里每天都有人@我。",
    "我们班主任人很好，但我不敢跟她说。",
    "他在车上对我大吼大叫。",
    "我考上了研究生，可还是开心不起来。",
]

# ------------------------------------------------------------------------------------------- the dev3 part
# A fourth part written by a later session before it read the recognisers or the template lists above: its own
# templates (names in greetings, sign-offs, quoted speech, lists, after relation and role words, nicknames such as
# 老X / X姐 / 小X, given names alone, given names that are ordinary words; schools and employers named in passing;
# addresses in several written formats) and its own value pools for names, schools, employers, hospitals and
# addresses. The other parts are untouched.
_WORD_NAMES3 = _w(
    "春生 国强 金凤 红霞 建军 永红 玉兰 秋菊 和平 胜利 自强 振华 淑芬 桂花 冬梅 光明 爱国 新民 小燕 文华 美玲 "
    "志刚 德胜 福生 秀兰 彩霞"
)
_SINGLE_SURNAMES = [(s, w) for s, w in SURNAMES if len(s) == 1]
_PLACES3 = _w(
    "周口 南阳 信阳 赣州 岳阳 衡阳 遵义 曲靖 绵阳 德阳 邯郸 保定 临沂 潍坊 盐城 徐州 淮安 宿迁 六安 安庆 揭阳 "
    "湛江 茂名 柳州 桂林 宜宾 泸州 株洲 常德 荆州 襄阳 黄冈 商丘 驻马店 菏泽 聊城 沧州 唐山 包头 大同"
)
_UNIS3 = _w(
    "河南大学 西北大学 福州大学 南昌大学 广州大学 华南农业大学 山东师范大学 东北师范大学 西南大学 首都师范大学 "
    "江苏大学 燕山大学 长安大学 中国矿业大学 河海大学 南京医科大学 成都理工大学 湖北工业大学 浙江师范大学 "
    "重庆邮电大学 天津师范大学 上海大学 华侨大学 海南大学 内蒙古大学 石河子大学 延边大学 北京林业大学"
)
_HIGH3 = _w("华师一附中 长沙一中 巴蜀中学 南开中学 树德中学 东北育才学校 师大附中 耀华中学 鄞州中学 萧山中学")
_HIGH_SUFFIX3 = _w(
    "一中 二中 第三中学 实验中学 第一高级中学 外国语学校 育才中学 职业技术学校 中等专业学校 十四中 第八中学 卫校"
)
_ROADS3 = _w("黄河 珠江 太湖 衡山 峨眉 天山 昆仑 泰山 嵩山 松江 芙蓉 紫荆 海棠 玉兰 丁香 石榴 枫林 凤凰 锦绣 青松")
_ESTATES3 = _w(
    "阳光城 翡翠湾 御景园 金域蓝湾 万达华府 时代花园 盛世嘉园 怡景苑 春风里 桂花园 中央公园 水岸名邸 康乐小区 "
    "棉纺厂宿舍 铁路新村 教师公寓 育才新村 建工小区 电力小区 东方明珠花园"
)
_COUNTIES3 = [
    ("贵州省毕节市", "威宁县"),
    ("甘肃省定西市", "通渭县"),
    ("河北省保定市", "阜平县"),
    ("云南省昭通市", "镇雄县"),
    ("江苏省宿迁市", "沭阳县"),
    ("湖北省黄冈市", "麻城市"),
    ("山西省吕梁市", "临县"),
]
_VILLAGES3 = _w("张庄 刘家湾 大王 后营 杨树沟 柳河 石门 高桥 龙潭 新庄 前进 红星")
_BRANDS3 = _w(
    "小红书 哔哩哔哩 米哈游 理想汽车 小鹏汽车 海康威视 TCL 吉利汽车 长城汽车 上汽大众 东方航空 南方航空 中国人寿 "
    "太平洋保险 泰康人寿 中信证券 华泰证券 三只松鼠 良品铺子 名创优品 盒马 叮咚买菜 得物 中国烟草 国家电投"
)
_FIRM_WORDS3 = _w("鑫源 佳美 宏发 金鹏 华盛 永盛 利民 顺达 天润 恒通 锦程 万家 新世纪 博雅 众诚")
_INDUSTRIES3 = _w("科技 电子 建材 贸易 餐饮管理 物业服务 教育科技 医疗器械 人力资源 房地产开发 食品")
_SHOPS3 = _w("汽修厂 超市 火锅店 美发店 物流园 纺织厂 电子厂 装修公司 房产中介 驾校 养老院 月子中心")


def person3(rng: random.Random) -> str:
    """A full name; a quarter of them with a given name that is also an ordinary word (和平, 光明, 春生)."""
    return surname(rng) + (rng.choice(_WORD_NAMES3) if rng.random() < 0.25 else given_name(rng))


def alias3(rng: random.Random) -> str:
    """How people are called in posts and chats: 老王, 王姐, 王哥, 小王, 婷姐, 大伟, or a dev-style nickname."""
    sur = rng.choices([s for s, _ in _SINGLE_SURNAMES], weights=[w for _, w in _SINGLE_SURNAMES])[0]
    c = rng.choice(NAME_CHARS)
    forms = [f"老{sur}", f"{sur}姐", f"{sur}哥", f"小{sur}", f"{c}姐", f"大{c}", nickname(rng)]
    return rng.choices(forms, weights=[20, 15, 10, 20, 10, 10, 15])[0]


def given3(rng: random.Random) -> str:
    """A two-character given name used alone."""
    if rng.random() < 0.3:
        return rng.choice(_WORD_NAMES3)
    return rng.choice(MIDDLE_CHARS) + rng.choice(NAME_CHARS)


def college3(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(_PLACES3) + rng.choice(["师范学院", "理工学院", "职业技术学院", "医学高等专科学校", "学院"])
    return rng.choice(_UNIS3)


def middle3(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(_HIGH3)
    return rng.choice(_PLACES3) + rng.choice(["", "", "市", "县"]) + rng.choice(_HIGH_SUFFIX3)


def junior3(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return rng.choice(_ROADS3) + rng.choice(["路", "街"]) + "小学"
    if r < 0.55:
        return rng.choice(_TOWN) + "镇中心小学"
    if r < 0.8:
        return rng.choice(_PLACES3) + "市实验小学"
    return rng.choice(_ESTATES3) + "幼儿园"


def firm3(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return rng.choice(_BRANDS3)
    if r < 0.75:
        return rng.choice(_PLACES3) + rng.choice(_FIRM_WORDS3) + rng.choice(_INDUSTRIES3) + "有限公司"
    return rng.choice(_FIRM_WORDS3) + rng.choice(_SHOPS3)


def clinic3(rng: random.Random) -> str:
    """A hospital or clinic as someone's workplace."""
    place = rng.choice(_PLACES3)
    return rng.choice(
        [
            f"{place}市第{_cn_number(rng.randint(1, 6))}人民医院",
            f"{place}市中医院",
            f"{place}市妇幼保健院",
            f"{place}{rng.choice(_ROADS3)}社区卫生服务中心",
            f"{place}市中心医院",
            f"{rng.choice(_FIRM_WORDS3)}口腔诊所",
        ]
    )


def home3(rng: random.Random) -> str:
    """A home address: road and estate down to the room, an estate alone, a compound (号院), a community."""
    _prov, city, dist = _city(rng)
    road = rng.choice(_ROADS3) + rng.choice(["路", "街", "大道"])
    est = rng.choice(_ESTATES3)
    b, u, room = rng.randint(1, 24), rng.randint(1, 4), f"{rng.randint(1, 26)}0{rng.randint(1, 4)}"
    return rng.choice(
        [
            f"{city}{dist}{road}{rng.randint(1, 500)}号{est}{b}栋{u}单元{room}",
            f"{city}{dist}{est}{b}号楼{room}",
            f"{est}{rng.choice(['一', '二', '三'])}期{b}栋{room}",
            f"{dist or city}{road}{rng.randint(1, 300)}号院",
            f"{city}{rng.choice(_TOWN)}街道{rng.choice(_ROADS3)}社区{b}栋",
            f"{est}{b}栋{u}单元",
        ]
    )


def village3(rng: random.Random) -> str:
    pref, county = rng.choice(_COUNTIES3)
    town, vil = rng.choice(_TOWN), rng.choice(_VILLAGES3)
    return rng.choice(
        [
            f"{pref}{county}{town}乡{vil}村",
            f"{county}{town}镇{vil}村{rng.randint(1, 9)}组",
            f"{vil}村{rng.randint(1, 9)}组{rng.randint(1, 80)}号",
        ]
    )


star3 = _pick(
    "钟南山 张桂梅 马云 雷军 刘德华 周星驰 郭德纲 樊登 俞敏洪 薛之谦 谷爱凌 苏炳添 林徽因 海子 顾城 金庸 路遥 "
    "李雪琴 黄渤"
)
agency3 = _pick(
    "教育部 中国心理卫生协会 北京回龙观医院 麻省理工学院 剑桥大学 北京协和医学院 中国科学技术大学 "
    "中华医学会精神医学分会 联合国儿童基金会"
)
SLOTS.update(
    {
        "person": ("name", person3),
        "alias": ("name", alias3),
        "given": ("name", given3),
        "college": ("school", college3),
        "middle": ("school", middle3),
        "junior": ("school", junior3),
        "firm": ("employer", firm3),
        "clinic": ("employer", clinic3),
        "home": ("address", home3),
        "village": ("address", village3),
        "star": ("famous_name", star3),
        "agency": ("institution", agency3),
    }
)

DEV3_TITLES = [
    "快撑不下去了",
    "室友孤立我怎么办",
    "被裁员了，感觉人生没有希望",
    "分手半年还是走不出来",
    "和父母的关系越来越差",
    "连续一个月失眠",
    "工作压力大到想辞职",
    "求助：孩子不愿意上学",
    "我是不是抑郁了？",
    "婚姻出了问题，要不要离",
    "被网暴了，该怎么办",
    "想找个人说说话",
    "一说话就脸红怎么办",
    "考研失败，不知道以后怎么走",
    "总觉得自己哪里都不够好",
]

DEV3_PII_TEMPLATES = [
    # names: subject, object, after relation and role words, in lists, quoted speech, greetings and sign-offs
    "我和<person>是初中同学，她现在完全不理我了，我不知道哪里做错了。",
    "昨天<person>在群里@我，说我装清高，全班都看见了。",
    "我前男友叫<person>，分手半年了我还是每天翻他的朋友圈。",
    "我妈总拿我跟表姐<person>比，说人家考上了研究生。",
    "“<alias>，你能不能别这么敏感？”这是室友每天对我说的话。",
    "<alias>是我在公司唯一能说上话的人，她下个月要离职了。",
    "我们部门的<person>经理经常当众骂人，我已经好几个晚上睡不着。",
    "<person>老师，您好！我是上次找您咨询的那个高三学生。",
    "你好<alias>，看到你的回复我哭了很久，谢谢你。",
    "我爸<person>喝了酒就打人，我妈一直忍着不离婚。",
    "和<person>在一起三年，上个月他突然说要冷静一下。",
    "班上有个叫<given>的女生总是孤立我，其他人也跟着她。",
    "<given>，如果你看到这条，我想跟你说声对不起。",
    "我老公<person>最近总是很晚回家，手机也设了密码。",
    "我暗恋的人是隔壁班的<person>，我们只说过两次话。",
    "我跟<alias>、<person>还有另一个女生住一个宿舍，她们三个经常一起出去不叫我。",
    "领导<person>把我的方案拿去说是他做的。",
    "我有个发小叫<given>，从小一起长大，她结婚以后就不怎么联系了。",
    "婆婆总在我老公<person>面前说我坏话，他也从来不帮我。",
    "对象是<person>，我们异地恋两年了，最近总吵架。",
    "前几天我去找了咨询师<person>，她说我可能是回避型依恋。",
    "<alias>说我太作了，可是我只是想要一点陪伴。",
    "我儿子<given>今年上初二，天天玩手机不去上学。",
    "我女儿叫<person>，<age>，上个月确诊了抑郁症。",
    "写了这么多，谢谢看完的人。——<alias>",
    "<person>，你凭什么这样对我？我这么多年的付出算什么？",
    "我表哥<person>借了我两万块钱一直不还，家里人还说我小气。",
    "张口闭口都是“你看看人家<person>”，我真的受够了。",
    "主任<person>找我谈话，说我的状态影响了整个科室。",
    "大学室友<person>和<alias>，一个借钱不还，一个天天半夜打游戏。",
    "初恋<person>要结婚了，请柬寄到了我家。",
    "医生说要家属签字，我只能打电话给我姐<person>。",
    "我和闺蜜<alias>吵架了，起因是她把我的秘密告诉了别人。",
    "教练<person>对我有些过分的身体接触，我不知道该不该说出来。",
    "我的网友<alias>说她想自杀，我很害怕，不知道怎么帮她。",
    "同事都叫他<alias>，他总是把活推给我。",
    "爷爷<person>去世一年了，我还是会梦到他。",
    "想问问<person>咨询师还在这个平台接案吗？",
    "我叫<person>，<age>，在<firm>上班。",
    "我的名字叫<person>，大家叫我<alias>就好。",
    "在吗<alias>？我今天又没忍住哭了。",
    "晚安，<alias>。明天见。",
    "谢谢<person>老师的耐心解答！",
    "<person>（<mobile>）是我的紧急联系人。",
    "群主<alias>，手机<mobile>，有问题私聊。",
    # phones
    "有没有人能陪我说说话，我电话<mobile>，晚上都在。",
    "我把我妈的手机号<mobile>给了班主任，结果她天天打电话查岗。",
    "加我微信聊吧，手机号同微信：<mobile>",
    "他一直用<mobile>这个号码骚扰我，拉黑了又换号打。",
    "前台电话是<landline>，我每次打过去都没人接。",
    "有事可以打我家座机<landline>，找<person>就行。",
    "麻烦老师回电<mobile>，谢谢！",
    "办公室电话<landline>，我妈每天都打来问我在干嘛。",
    # email, QQ, WeChat, links
    "我的邮箱是<email>，想要资料的可以发给我。",
    "老师，我把日记发到您邮箱了，我的是<email>。",
    "简历投到<email>以后一直没有回音。",
    "有相同经历的朋友可以给我写信：<email>",
    "加个好友吧，我扣扣<qq>，平时不太用微信。",
    "QQ：<qq>（备注：树洞）",
    "他用小号<qq>加我，每天发很恶心的话。",
    "我们有个互助群，群号<qq>，进群请说明来意。",
    "vx：<wechat>，想找个人聊聊。",
    "我的微信号<wechat>，只想找同龄人聊天。",
    "老师您好，方便的话加一下微信<wechat>吧，我打字比较慢。",
    "他的微信是<wxid>，朋友圈全都屏蔽了我。",
    "我把我的经历写在了<url>，有兴趣的可以看看。",
    "他的主页<url>，全是在炫富。",
    "这是我的微博<url>，最近在记录自己的抑郁日常。",
    # ID numbers, bank cards, plates, birth dates
    "我弟弟拿我的身份证<id>去网贷，现在催收打到我单位了。",
    "报名表上填了身份证号<id>，后来才发现那个网站是假的。",
    "身份证号码：<id>，姓名：<person>，这些信息都被泄露了。",
    "我往这张卡<bank>转了三万，对方就把我拉黑了。",
    "工资卡号<bank>，我妈每个月都要把钱取走。",
    "收款账户：<bank>（<branch>），说是交保证金。",
    "那辆车牌<plate>的白色轿车已经在我家楼下停了三天。",
    "撞了我就跑，车牌号是<plate>，有没有人看到？",
    "我老公的车<plate>经常出现在另一个小区。",
    "我是<birth>出生的，今年<age>了还一事无成。",
    "生日<birth>，每年这一天我都特别难受。",
    "出生日期：<birth>，性别女，想做个测评。",
    "孩子生于<birth>，从小就不爱说话。",
    # addresses
    "我住在<home>，想找附近的心理咨询师，有人推荐吗？",
    "我家在<village>，村里人都知道我家的事，我走在路上都抬不起头。",
    "快递地址写的是<home>，结果他找上门来了。",
    "求助：<addr>附近有没有靠谱的心理门诊？",
    "他现在租的房子在<estate>，我去过一次。",
    "从<home>搬出来以后我一个人住，晚上总是很害怕。",
    "父母离婚后我跟奶奶住在<village>，一年只见我妈一次。",
    "地址：<home>，收件人<person>。",
    "被<firm>裁了以后，我在<home>附近找了个兼职。",
    # schools
    "我是<college>大二的学生，挂了三科，不敢告诉家里。",
    "在<college>读研第二年，导师天天让我干私活。",
    "高中在<middle>，那三年是我这辈子最黑暗的时光。",
    "孩子在<junior>上三年级，被同学起外号，回家就哭。",
    "我们<college>的心理中心要排两周的队。",
    "从<middle>毕业以后就没再见过她。",
    "我今年从<college>毕业，到现在还没找到工作。",
    "我在<middle>复读，压力大到掉头发。",
    "女儿今年转学到了<junior>，一直适应不了。",
    "<college>、<middle>，我一路都是别人眼里的好学生，可我一点都不快乐。",
    "我是<uni>的一名辅导员，想请教怎么帮助有自杀念头的学生。",
    "之前在<middle>当老师，后来考了公务员。",
    # employers
    "在<firm>上班五年，上周被通知优化了。",
    "我在<corp>做客服，每天被骂几十次。",
    "男朋友在<firm>工作，天天加班到十一点。",
    "毕业后进了<clinic>当护士，夜班让我快崩溃了。",
    "我在<branch>做柜员，业绩压力特别大。",
    "去年从<firm>辞职，现在在家待业，父母天天念叨。",
    "入职<company>三个月，试用期没过。",
    "我爸在<firm>干了一辈子，厂子倒闭后他整个人都垮了。",
    "同时拿到了<corp>和<firm>的offer，不知道该选哪个。",
    "我老婆在<clinic>上班，三班倒，我们一周见不到几面。",
    "我是<clinic>的住院医，最近总想辞职。",
    "公司是<firm>，老板拖欠工资三个月了。",
]

DEV3_REPLY_TEMPLATES = [
    "<alias>你好，看得出你已经很努力了，先照顾好自己。",
    "亲爱的<given>，抱抱你。你提到的<person>，他的行为已经是家暴了。",
    "<person>同学，先把睡眠调整好，其他的慢慢来。",
    "如果需要进一步咨询，可以打我工作室的电话<landline>。",
    "你好，我是咨询师<person>，你的问题我认真看了。",
    "题主，你说的<alias>，听起来她其实也很在乎你。",
    "抱抱<alias>，你不是一个人。",
    "建议先跟<person>好好谈一谈，把你的感受说出来。",
    "楼主可以加我微信<wechat>，我也经历过类似的事。",
]

DEV3_NEGATIVE_TEMPLATES = [
    "<age>，研究生刚毕业，最近总是失眠。",
    "吃<dose>已经<dur>了，感觉没什么效果。",
    "读了<book>，里面有句话让我哭了很久。",
    "我很喜欢<star>，他说过的一句话一直支撑着我。",
    "我知道<star>也经历过很难的日子，所以我觉得自己还有希望。",
    "<agency>有研究说长期熬夜会加重抑郁。",
    "听说<agency>的专家也这么建议。",
    "如果你有危险，请立刻拨打<hotline>。",
    "咨询一次<price>，对学生来说太贵了。",
    "<event>那天，我们大吵了一架。",
    "在<place>打工的那几年，我每天都很累。",
    "测了<score>，医生说是中度焦虑。",
    "打了<service>，客服说这个问题他们解决不了。",
    "<celeb>在节目里说的话让我很有共鸣。",
    "男朋友的父母很看不上我，觉得我家在农村。",
    "班主任找我谈话以后，我更不想去学校了。",
    "公司里的同事都挺好的，是我自己的问题。",
    "大学宿舍四个人，只有我没有谈恋爱。",
    "和平分手以后，我反而更难受了。",
    "高中同学聚会，大家都在聊工作和房子。",
    "医院的心理科排队要等很久。",
    "老师说我这是青春期正常的情绪波动。",
    "向日葵开了，我却还是觉得生活没有意义。",
    "于是我就一个人去了医院。",
    "方向不对，努力也白费。",
    "白天还好，一到晚上就想哭。",
    "周末一个人在出租屋里躺了两天。",
    "林子大了什么鸟都有，别太在意别人的眼光。",
    "马上就要毕业了，工作还没着落。",
    "常常一个人发呆到半夜。",
    "金钱观不合，我们吵了无数次。",
    "光明的未来离我好远。",
    "老板说下个月开始降薪。",
    "小区楼下新开了一家心理咨询室。",
    "姐姐比我大<age>，从小就管着我。",
    "老家的房子拆迁了，爸妈为了分钱吵翻了。",
]

# ------------------------------------------------------------------------------------------- the dev4 part
# Written before reading the recognisers or the other parts' templates: how people mention their own, their
# relatives' and their friends' schools and workplaces (and some names) in posts and chats, with the
# organisation in every syntactic position (subject, object, after 在/从/到/进了/考上/调到/跳槽到, in lists, in
# parentheses, in titles), abbreviated forms, class and department details next to it; keeps are organisations
# named in general, public institutions and brands as products.
_CITIES4 = _w("信阳 周口 赣州 邵阳 南充 遵义 曲靖 菏泽 临沂 商丘 六安 宜宾 天水 玉林 湛江 荆州 衡水 德州 泉州 绵阳")
_COUNTIES4 = _w("固始 郸城 瑞金 隆回 阆中 仁怀 宣威 曹县 沂水 永城 霍邱 长宁 秦安 博白 雷州 监利 枣强 禹城 安溪 梓潼")
_UNI_ABBR4 = _w("北大 华科 武大 川大 中大 浙大 哈工大 西电 北航 华工 南航 重大 湖大 郑大 苏大 人大 北师大 上财")
_UNIS4 = _w(
    "江西财经大学 西南石油大学 湖北工业大学 河南理工大学 长江大学 沈阳药科大学 广东外语外贸大学 上海海事大学 "
    "山东农业大学 西北民族大学 桂林电子科技大学 安徽师范大学 哈尔滨理工大学 内蒙古科技大学"
)
_VOC_KINDS4 = _w("职业技术学院 卫生职业学院 技师学院 工业学校 幼儿师范高等专科学校 财经职业学院 交通技工学校")
_BUREAUS4 = _w("税务局 人社局 自然资源局 公安局 交通运输局 财政局 市场监管局 住建局 教育局 民政局 统计局 信访局")
_CHAINS4 = _w("星巴克 海底捞 肯德基 瑞幸咖啡 永辉超市 蜜雪冰城 华莱士 名创优品 屈臣氏 沃尔玛 老乡鸡 正新鸡排")
_MALLS4 = _w("万达 吾悦 万象城 步行街 火车站 大学城 人民广场 银泰 龙湖天街 开发区")
_FACTORY_WORDS4 = _w("富华 立讯 宏达 金龙 新亚 华通 明泰 远东 鸿运 嘉瑞")
_FACTORY_KINDS4 = _w("电子厂 纺织厂 机械厂 服装厂 食品厂 玩具厂 家具厂 塑胶厂 印刷厂 包装厂")
_NET4 = _w("字节 阿里 腾讯 美团 拼多多 快手 网易 百度 京东 小红书 滴滴 携程 蚂蚁金服 字节跳动 华为 大疆 米哈游 OPPO")
_BANK_ABBR4 = _w("工行 建行 农行 中行 招行 邮储银行 交行 兴业银行 农商银行")
_FIRM_WORDS4 = _w("瑞丰 鼎盛 金诺 汇通 弘毅 华源 卓越 聚恒 天成 安顺")
_FIRM_KINDS4 = _w("物流 建筑工程 家政服务 广告传媒 汽车销售 保险代理 软件开发 网络科技 劳务派遣 装饰工程")


def county_school4(rng: random.Random) -> str:
    county = rng.choice(_COUNTIES4)
    return rng.choice(
        [
            f"{county}县第{_cn_number(rng.randint(1, 5))}中学",
            f"{county}一中",
            f"{county}{rng.choice(['二', '三', '四'])}中",
            f"{county}县高级中学",
            f"{county}县实验中学",
            f"{county}县职业中学",
            f"{county}县{rng.choice(_TOWN)}镇初级中学",
        ]
    )


def vocational4(rng: random.Random) -> str:
    city = rng.choice(_CITIES4)
    return city + rng.choice(_VOC_KINDS4)


def city_school4(rng: random.Random) -> str:
    city = rng.choice(_CITIES4)
    return rng.choice(
        [
            f"{city}市第{_cn_number(rng.randint(1, 12))}中学",
            f"{city}外国语学校",
            f"{city}{_cn_number(rng.randint(1, 9))}中",
            f"{city}市实验高中",
            f"{city}中学",
        ]
    )


def primary4(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return rng.choice(_CITIES4) + "市" + rng.choice(_ROADS3) + "路小学"
    if r < 0.7:
        return rng.choice(_TOWN) + "镇中心小学"
    return rng.choice(_ESTATES3) + rng.choice(["幼儿园", "双语幼儿园"])


def bureau4(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_COUNTIES4) + "县" + rng.choice(_BUREAUS4)
    return rng.choice(_CITIES4) + "市" + rng.choice(_BUREAUS4)


def hospital4(rng: random.Random) -> str:
    city, county = rng.choice(_CITIES4), rng.choice(_COUNTIES4)
    return rng.choice(
        [
            f"{city}市人民医院",
            f"{city}市第{_cn_number(rng.randint(1, 5))}人民医院",
            f"{city}市中心医院",
            f"{county}县人民医院",
            f"{county}县中医院",
            f"{city}市妇幼保健院",
            f"{city}市精神卫生中心",
        ]
    )


def chain_store4(rng: random.Random) -> str:
    return rng.choice(_CHAINS4) + rng.choice(["", "（" + rng.choice(_MALLS4) + "店）", rng.choice(_MALLS4) + "店"])


def factory4(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(["富士康", "比亚迪", "格力", "海尔"])
    return rng.choice(["", rng.choice(_CITIES4)]) + rng.choice(_FACTORY_WORDS4) + rng.choice(_FACTORY_KINDS4)


def bank_branch4(rng: random.Random) -> str:
    bank = rng.choice(_BANK_ABBR4)
    return rng.choice(
        [
            f"{bank}{rng.choice(_CITIES4)}分行",
            f"{bank}{rng.choice(_COUNTIES4)}支行",
            f"{bank}{rng.choice(_MALLS4)}支行",
            f"{rng.choice(_CITIES4)}{bank}",
        ]
    )


def firm4(rng: random.Random) -> str:
    word, kind = rng.choice(_FIRM_WORDS4), rng.choice(_FIRM_KINDS4)
    return rng.choice([f"{rng.choice(_CITIES4)}{word}{kind}有限公司", f"{word}{kind}公司", f"{word}{kind}"])


SLOTS.update(
    {
        "cntysch": ("school", county_school4),
        "voc": ("school", vocational4),
        "abbr": ("school", _pick(" ".join(_UNI_ABBR4))),
        "fulluni": ("school", _pick(" ".join(_UNIS4))),
        "citysch": ("school", city_school4),
        "prim": ("school", primary4),
        "gov": ("employer", bureau4),
        "ward": ("employer", hospital4),
        "chain": ("employer", chain_store4),
        "fac": ("employer", factory4),
        "net": ("employer", _pick(" ".join(_NET4))),
        "bankbr": ("employer", bank_branch4),
        "co": ("employer", firm4),
        # keeps
        "scholar": ("institution", _pick("哈佛大学 斯坦福大学 北京大学 剑桥大学 中国科学院 耶鲁大学")),
        "agencygen": ("institution", _pick("教育局 教育部 卫健委 人社局 派出所 居委会 妇联 法院")),
        "elite": ("institution", _pick("清华北大 985 211 名校 重点高中 职高 二本 中专")),
        "drink": ("product", _pick("瑞幸 星巴克 喜茶 蜜雪冰城 霸王茶姬 茶百道")),
        "app": ("product", _pick("抖音 小红书 微博 B站 快手 淘宝 拼多多 王者荣耀")),
        "phone": ("product", _pick("华为 苹果 小米 OPPO vivo 荣耀")),
        "food": ("product", _pick("麦当劳 肯德基 海底捞 华莱士 必胜客 老乡鸡")),
        "newsco": ("institution", _pick("阿里 腾讯 字节 美团 京东 百度 网易")),
    }
)

DEV4_TITLES = [
    "在单位被排挤，每天都不想上班",
    "高三压力好大，想休学",
    "考上了好大学却一点都不快乐",
    "孩子不肯去上学怎么办",
    "工作三年，越来越迷茫",
    "跳槽以后更焦虑了",
    "和领导关系很差",
    "复读一年还是没考好",
    "被裁员了，不敢告诉家里",
    "实习期快崩溃了",
    "我是不是不适合当老师",
    "想辞职又不敢",
    "<abbr>大三，每天都很焦虑",
    "在<net>工作两年，感觉快撑不住了",
]

DEV4_PII_TEMPLATES = [
    # schools as subject, object, after prepositions, in lists, in parentheses, abbreviated, with class details
    "<cntysch>的老师都只看成绩，我在那里待了三年真的很压抑。",
    "我儿子在<cntysch>读高二，最近死活不肯去上学了。",
    "去年从<voc>毕业，到现在还没找到正经工作。",
    "我考上了<abbr>，可是一点都开心不起来。",
    "高中是在<cntysch>上的，大学去了<voc>，落差特别大。",
    "女儿今年进了<citysch>，住校以后天天哭着给我打电话。",
    "我们<abbr>的保研竞争太激烈了，身边的人都在卷。",
    "本人<fulluni>大三学生，最近总是失眠。",
    "我（<fulluni>研二）和导师关系很差，想换导师又不敢提。",
    "小学在<prim>，初中在<citysch>，那时候我还很开朗。",
    "考研报了<abbr>，二战还是没上岸。",
    "我弟弟在<voc>学护理，说想退学去打工。",
    "转学到<cntysch>以后，我一个朋友都没有。",
    "我是<citysch>高三（7）班的，压力大到每天想哭。",
    "表妹去年考到<fulluni>，家里人天天拿她跟我比。",
    "在<abbr>读了四年书，还是不知道自己想干什么。",
    "孩子上的是<prim>，老师天天在家长群里点名批评他。",
    "我老婆在<cntysch>当语文老师，每天晚上十点才到家。",
    "<fulluni>心理中心的老师建议我来这里问问。",
    "从<cntysch>到<fulluni>，我一直都是别人眼中的好学生。",
    "我在<citysch>复读了一年，今年又没考好。",
    "毕业于<voc>，专科学历，现在在工地上班。",
    "我们学校（<fulluni>）今年查寝查得特别严。",
    "儿子被<citysch>劝退了，说他在宿舍打架。",
    "<abbr>毕业三年了，工资还不如高中同学。",
    "我室友和我都是<voc>护理专业的，她总在背后说我坏话。",
    "老公当年是<cntysch>的数学老师，后来辞职去做生意了。",
    "女儿在<prim>上大班，老师说她不合群。",
    # employers
    "我爸在<gov>上班，家里什么事都得听他的。",
    "<ward>的护士长天天针对我，我快坚持不下去了。",
    "我在<ward>心内科做护士，三班倒已经四年了。",
    "去年从<net>跳槽到<net2>，工资涨了，人却更焦虑了。",
    "老公在<fac>上夜班，我们一周说不上几句话。",
    "毕业以后进了<bankbr>当柜员，每天被指标压得喘不过气。",
    "我是<chain>的店长，最近总是想辞职。",
    "调到<gov>以后，领导让我天天写材料写到半夜。",
    "我们<net>的绩效考核真的太变态了。",
    "姐姐在<co>做会计，被老板拖欠了三个月工资。",
    "被<net>裁员以后，我每天还假装出门去上班。",
    "之前在<chain>打工，店长经常当着客人的面骂人。",
    "面试了<bankbr>和<co>，最后都没要我。",
    "我妈是<ward>的医生，从小对我要求就特别严。",
    "实习单位是<gov>，同事都比我大二十多岁。",
    "我（<fac>，流水线）每天要站十二个小时。",
    "男朋友在<bankbr>上班，他总说没空陪我。",
    "<co>、<fac>、<chain>，一年换了三份工作，我是不是有问题。",
    "到<fac>报到的第一天我就想走。",
    "入职<net>半年了，还是融入不了团队。",
    "我在<ward>急诊科轮转，见了太多生死。",
    "朋友介绍我去<chain>做服务员，干了一个月就被辞退了。",
    "老公是<gov>的公务员，婆婆总觉得我配不上他。",
    "在<bankbr>干了八年，还是个普通客户经理。",
    "<net>的HR打电话说我没通过背调。",
    "我舅舅在<co>当经理，他让我去他那儿上班。",
    "爸妈都在<fac>干了一辈子，我不想和他们一样。",
    "我跟闺蜜都在<bankbr>，她升职了我没有。",
    "今年考进了<gov>，家里人都很高兴，只有我不开心。",
    # names, in workplace and school settings
    "我同桌<name>每天抄我作业，还在背后说我坏话。",
    "<person>是我们厂的班长，总是找我麻烦。",
    "（我闺蜜<given>）她说我太敏感了。",
    "科室主任<person>在早会上点名批评了我。",
    "我和<alias>一起进的公司，现在他升职了，我还在原地。",
    "班主任<name>老师说我再这样就请家长。",
    "跟室友<given>闹掰了，宿舍气氛很尴尬。",
    "我们店长<alias>天天骂人，我忍了半年。",
]

DEV4_REPLY_TEMPLATES = [
    "咨询师：你提到在<net>的压力很大，能说说最让你难受的是什么吗？",
    "咨询师：听起来你在<cntysch>的那几年过得很辛苦。",
    "回复：楼主，我也是<voc>毕业的，专科一样可以过得很好，加油。",
    "回复：同在<ward>工作，护士真的太难了，抱抱你。",
    "咨询师：<given>，谢谢你愿意把这些说出来。",
]

DEV4_NEGATIVE_TEMPLATES = [
    "<scholar>的一位教授做过研究，说睡眠不足会加重焦虑。",
    "<agencygen>应该管管这些乱收费的补习班。",
    "我每天早上都要喝一杯<drink>，不然一整天都没精神。",
    "刷<app>刷到凌晨三点，越刷越空虚。",
    "考不上<elite>又怎么样，人生又不是只有一条路。",
    "手机是<phone>的，用了五年都舍不得换。",
    "晚饭又点了<food>，吃完就后悔。",
    "新闻里说<newsco>又在裁员了，看得我心慌。",
    "去医院挂了心理科，医生给我开了药。",
    "银行的贷款又要还了，压力好大。",
    "妈妈总说考公务员最稳定，进了单位就是铁饭碗。",
    "我想去<scholar>读博，可是英语太差了。",
]

_SLOT = re.compile(r"<([a-z]+)(\d*)>")


def _part_of(templates: list[str], part: str) -> list[str]:
    """Even positions go to dev, odd positions to test (dev2 and dev3 have their own lists)."""
    return templates[PARTS.index(part) :: 2]


def fill(template: str, rng: random.Random) -> str:
    """A template with every slot replaced by ``{kind:value}`` (the same slot twice gets the same value)."""
    values: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in values:
            kind, gen = SLOTS[m.group(1)]
            values[key] = "{" + kind + ":" + gen(rng) + "}"
        return values[key]

    return _SLOT.sub(sub, template)


def _kinds_of(template: str) -> set[str]:
    return {SLOTS[m.group(1)][0] for m in _SLOT.finditer(template)} & set(PII_KINDS)


def unseen_entries(part: str, reseed: str = "") -> Iterator[tuple[str, list[str]]]:
    """("pii", [title, description(, reply)]) posts in markup, seeded by the part's name (and ``reseed``: other posts
    from the same templates and values, as training data for a tagger), until the part holds
    ``TARGET_SPANS`` planted PII spans. The kind of each post's first line cycles through a shuffled deck of the
    14 kinds, so every kind is well represented."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    rng = random.Random(f"pii-unseen-{part}" + (f"-{reseed}" if reseed else ""))
    titles = TITLES
    if part == "dev2":
        pii_t, reply_t, neg_t = DEV2_PII_TEMPLATES, DEV2_REPLY_TEMPLATES, DEV2_NEGATIVE_TEMPLATES
    elif part == "dev3":
        pii_t, reply_t, neg_t, titles = DEV3_PII_TEMPLATES, DEV3_REPLY_TEMPLATES, DEV3_NEGATIVE_TEMPLATES, DEV3_TITLES
    elif part == "dev4":
        pii_t, reply_t, neg_t, titles = DEV4_PII_TEMPLATES, DEV4_REPLY_TEMPLATES, DEV4_NEGATIVE_TEMPLATES, DEV4_TITLES
    else:
        pii_t = _part_of(PII_TEMPLATES, part)
        reply_t = _part_of(REPLY_TEMPLATES, part)
        neg_t = _part_of(NEGATIVE_TEMPLATES, part)
    by_kind = {k: [t for t in pii_t if k in _kinds_of(t)] for k in PII_KINDS}
    deck: list[str] = []
    n_spans = 0
    while n_spans < TARGET_SPANS:
        if not deck:
            deck = [k for k in PII_KINDS if by_kind[k]]
            rng.shuffle(deck)
        lines = [fill(rng.choice(by_kind[deck.pop()]), rng)]
        lines += [fill(rng.choice(pii_t), rng) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
        lines += [fill(rng.choice(neg_t), rng) for _ in range(rng.choice([0, 1, 1, 2]))]
        rng.shuffle(lines)
        fields = [fill(rng.choice(titles), rng), rng.choice(["", "\n"]).join(lines)]
        if rng.random() < 0.3:
            fields.append(fill(rng.choice(reply_t), rng))
        n_spans += sum(len(re.findall(r"\{(\w+):", f)) - _count_keeps(f) for f in fields)
        yield "pii", fields


def _count_keeps(marked: str) -> int:
    return sum(1 for k in re.findall(r"\{(\w+):", marked) if k not in PII_KINDS)


def unseen_posts(
    part: str,
) -> Iterator[tuple[int, list[str], list[tuple[int, int, int, str]], list[tuple[int, int, int, str]]]]:
    """(post id, texts, planted PII spans, keep spans), spans as (text index, start, end, kind); see ``posts_of``."""
    for i, texts, spans in posts_of(unseen_entries(part)):
        yield i, texts, [s for s in spans if s[3] in PII_KINDS], [s for s in spans if s[3] not in PII_KINDS]
