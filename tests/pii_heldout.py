"""Held-out synthetic PII set, written before the recognisers were tuned for recall and never tuned on.

Same markup as ``anonymize_corpus.py`` (``{kind:value}`` marks planted PII). Phrasings differ on purpose from
the demo generator's templates and from the tuning corpus. ``bench/bench_anonymize.py --corpus heldout``
prints its recall and false removal; the figure is reported as measured, not as a target to tune towards.
"""

from __future__ import annotations

from collections.abc import Iterator

from anonymize_corpus import parse

PII = [
    # names: cues, relations, titles, greetings, frames
    "大家好，我叫{name:邱嘉豪}，在读研二。",
    "本人{name:田静怡}，女，今年二十六。",
    "我的真实姓名是{name:蔡文轩}，希望大家帮我保密。",
    "老公{name:万志鹏}最近半年都不碰我。",
    "我前夫{name:姜海波}到现在还在骚扰我。",
    "我室友叫{name:严晓雯}，她总半夜哭。",
    "辅导员{name:卢建华}让我写检讨。",
    "我们经理{name:汤敏}每天都骂人。",
    "{name:魏子墨}你好，看了你的描述我很心疼。",
    "亲爱的{name:丁雨萱}：你已经做得很好了。",
    "昨晚{name:石磊}又喝醉了回家砸东西。",
    "我跟{name:任思琪}吵了一架，现在谁也不理谁。",
    "{name:邹宇航}老师说我的作文写得很好。",
    "我妹妹{name:夏雨晴}今年读初三。",
    "有个叫{name:段佳慧}的女生一直在背后议论我。",
    ["我和{name:秦浩}在一起四年了。", "{name:秦浩}说他需要空间。"],
    # phones
    "我的号码{phone:15900112233}，打不通就发短信。",
    "紧急联系人电话：{phone:137-1111-2222}",
    "家里电话 {phone:0371-65432109}",
    "请致电{phone:(010)88776655}",
    "打我手机：{phone:186 2233 4455}",
    # email
    "简历投到{email:liuyang_hr@126.com}了。",
    "我的邮箱：{email:sunny.day99@foxmail.com}，欢迎交流。",
    "Email：{email:k.wong@outlook.com}",
    # qq
    "QQ：{qq:3141592653}",
    "想聊的加我企鹅{qq:66778899}",
    "我的扣扣是{qq:852741963}，备注一下。",
    # wechat
    "微信：{wechat:moon_river_88}",
    "加我vx {wechat:xiaoqi-2023}",
    "V信号是{wechat:Tina_Liu520}",
    # id card
    "身份证号{id_card:11010519491231002X}不小心发到了群里。",
    "我的证件号码是{id_card:420106198807203418}",
    # bank card
    "他让我往{bank_card:6228 4812 3456 7890 018}转钱。",
    "工行卡号：{bank_card:6212261234567890123}",
    # addresses
    "我住在{address:南京市玄武区珠江路688号}。",
    "地址：{address:成都市高新区天府大道北段1700号}",
    "我家在{address:金地格林小镇7号楼2单元803}，天天听到楼上吵架。",
    "现住{address:北京市海淀区学院路30号}宿舍。",
    "租房在{address:龙湖春江郦城5栋1单元1502}。",
    # orgs: schools and employers in first-person frames
    "我在{org:南开大学}读大二，感觉跟不上。",
    "我是{org:四川大学华西医院}的护士，天天夜班。",
    "孩子在{org:北京市第八中学}上高一。",
    "去年从{org:厦门大学}毕业，一直没找到工作。",
    "我在{org:中国建设银行广州天河支行}上班，业绩压力太大。",
    "上个月被{org:京东}裁员了，现在每天在家。",
    "我在{org:郑州外国语学校}读高二，成绩下滑得厉害。",
    "刚入职{org:上海汇丰科技有限公司}三个月。",
    # plates
    "车牌号{plate:苏A·8K2M5}的那辆白车一直跟着我。",
    "他的车{plate:粤B 3X7Y9}停在我家楼下。",
    # urls
    "我的微博主页：{url:https://weibo.com/u/7788990011}",
    "我在B站发视频，主页{url:https://space.bilibili.com/3344556}",
    # birthdays
    "我生日是{birthday:1996年11月2日}。",
    "出生日期：{birthday:1989-04-17}",
    "本人{birthday:2002.08.30}出生。",
]
# a second held-out batch, written after the first batch's misses had been seen (so the first is no longer
# unseen) and before any further tuning
PII_2 = [
    "我叫{name:冯子健}，男，24岁，程序员。",
    "你们好，我是{name:陶欣然}，一个被焦虑困扰的研究生。",
    "我老婆{name:郝丽娟}总嫌我挣得少。",
    "我表姐{name:钱梦瑶}离婚后一直住在我家。",
    "昨天我跟{name:孟凡宇}表白被拒了。",
    "班主任{name:袁国强}当着全班的面念了我的分数。",
    "{name:尹佳琪}，谢谢你的提问，我来说说我的看法。",
    "我的主管{name:彭立伟}天天让我加班。",
    "室友{name:小敏}总用我的东西。",
    "联系方式：{phone:13699887766}",
    "晚上打{phone:021-62471234}找我。",
    "邮箱{email:chen_xiaoli@163.com}，看到请回复。",
    "加QQ {qq:2876543210}",
    "微信号：{wechat:forest_walker7}",
    "他拿了我的身份证{id_card:320106199205167615}去贷款。",
    "我把工资卡{bank_card:6217003810022345671}给了我妈。",
    "我家在{address:杭州市余杭区文一西路969号}附近。",
    "住在{address:万科城市花园9栋1单元601}，每天晚上都失眠。",
    "我在{org:华东师范大学}读研一。",
    "我是{org:上海瑞金医院}的规培医生。",
    "女儿在{org:深圳实验学校}读初二。",
    "去年被{org:阿里巴巴}裁员，到现在没找到工作。",
    "车牌{plate:浙B·7D2K9}的车刮了我。",
    "我的豆瓣主页{url:https://www.douban.com/people/blue_whale_42/}",
    "我出生在{birthday:1993年6月18日}。",
]
# a third batch, written after batch 2 was measured and before any further tuning
PII_3 = [
    "我丈夫{name:黎文斌}喝醉了就摔东西。",
    "前几天{name:温嘉怡}在朋友圈骂我。",
    "我们宿舍的{name:柯思琪}总是排挤我。",
    "心理老师{name:包晓东}建议我去医院看看。",
    "我的初恋{name:金雨桐}要结婚了。",
    "{name:傅振华}，你到底想怎么样？",
    "署名：{name:谭雅文}",
    "我叫{name:阿宁}，是个普通的上班族。",
    "有事请打{phone:18811223344}，我一直开机。",
    "我的联系电话是{phone:0512-68123456}。",
    "白天打座机{phone:(020)87654321}。",
    "我妈的手机号{phone:139-0571-2233}，麻烦帮我联系她。",
    "发邮件到{email:xinqing2020@sina.cn}吧。",
    "邮箱地址：{email:wu.tong@qq.com}",
    "我的QQ号：{qq:1092837465}",
    "Q号{qq:5566778}，晚上在。",
    "微信 {wechat:Sun-shine_1999}",
    "我的微信号是{wechat:zhang_xiaohua}。",
    "身份证号码：{id_card:510104198707071234}",
    "我的身份证{id_card:330106200012121238}被人借走了。",
    "银行卡号：{bank_card:6222 0200 1234 5678 901}",
    "把钱打到{bank_card:6226090000000048}这张卡上。",
    "我住在{address:广州市海珠区新港中路397号}。",
    "我家住{address:碧桂园凤凰城12栋2单元1803}。",
    "老家地址是{address:河北省石家庄市长安区中山东路108号}。",
    "我在{org:重庆大学}读大三。",
    "我是{org:长沙市第一中学}的高二学生。",
    "我从{org:四川师范大学}毕业后当了老师。",
    "我在{org:平安保险公司}做销售，业绩压力特别大。",
    "我是{org:美团}的骑手，每天跑十几个小时。",
    "在{org:南京市儿童医院}当护士三年了。",
    "我的车牌号是{plate:沪A·3C5D7}。",
    "那辆{plate:川A12345}一直停在我家楼下。",
    "我的知乎{url:https://www.zhihu.com/people/sad-fish-2021}里写了很多。",
    "这是我的微博：{url:https://weibo.com/u/6655443322}",
    "我的生日是{birthday:2000年1月1日}，可是没人记得。",
    "我{birthday:1998年10月5日}出生的。",
]
# a fourth batch, written after batch 3 was measured and fixed, before any further tuning
PII_4 = [
    "我的好朋友{name:卢佳欣}最近总是躲着我。",
    "和{name:龙俊峰}分手已经一年了。",
    "{name:苏晓雯}是我最信任的人，可她背叛了我。",
    "我们领导{name:戴建军}天天PUA我。",
    "后妈{name:胡美华}对我很差。",
    "我男朋友的前女友{name:罗诗琪}一直骚扰我。",
    "本人名叫{name:梁思远}，今年大四。",
    "导师{name:钟伟明}教授很严格。",
    "请联系我的手机{phone:157 3344 5566}。",
    "急事打我电话：{phone:+86 188-1234-5678}",
    "单位座机{phone:0755-26881234}。",
    "我的邮箱：{email:liuxin_1988@126.com}",
    "有意者发邮件至{email:help.me.please@gmail.com}",
    "加我QQ{qq:447788991}私聊。",
    "我QQ是{qq:3012345678}。",
    "我的微信：{wechat:lxy_19960808}",
    "加v：{wechat:MoonLight_22}",
    "身份证号是{id_card:440106199003153517}，帮我查查有没有被冒用。",
    "他拿着我的身份证号{id_card:210102198511110026}去借了网贷。",
    "卡号{bank_card:6230 5820 0012 3456 789}被冻结了。",
    "我的储蓄卡{bank_card:6217856000012345678}少了两万。",
    "我家地址：{address:天津市南开区卫津路94号}",
    "我租的房子在{address:融创玖樾府3号楼2单元1102}，房东不退押金。",
    "我住{address:成都市锦江区春熙路街道红星路三段1号}附近。",
    "我在{org:西南交通大学}读研二，导师不管我。",
    "孩子在{org:北京市海淀区中关村第一小学}上二年级。",
    "我毕业于{org:湖南师范大学}，现在在家待业。",
    "我在{org:深圳市南山区人民医院}做护士。",
    "我是{org:招商银行深圳分行}的柜员。",
    "去年从{org:腾讯}离职了。",
    "车牌号：{plate:京N·8H3K2}",
    "他开的车牌是{plate:鲁B88A66}。",
    "我的B站主页{url:https://space.bilibili.com/19283746}",
    "我的小红书：{url:https://www.xiaohongshu.com/user/profile/abc123456}",
    "出生年月日：{birthday:1994年2月14日}",
    "我出生于{birthday:1999-09-09}，属兔。",
]
# a fifth batch, written after batch 4 was fixed, before any further tuning
PII_5 = [
    "我姓王，全名叫{name:王思涵}。",
    "我弟{name:刘子豪}沉迷游戏。",
    "老板娘{name:黄丽萍}总克扣工资。",
    "我的心理咨询师{name:吴雅婷}很耐心。",
    "那天{name:邓晨阳}突然给我打电话。",
    "我跟我舍友{name:程欣悦}关系很僵。",
    "微信同号：{phone:13566778899}",
    "电话/微信：{phone:18677889900}",
    "手机号码{phone:199 8877 6655}",
    "我的邮箱是{email:2233445566@qq.com}。",
    "QQ：{qq:98765432}（备注来意）",
    "VX：{wechat:xiaoxiao_0520}",
    "身份证{id_card:3301 0619 9205 1530 2X}",
    "银行卡：{bank_card:6217-0012-3456-7890}",
    "我住在{address:郑州市二七区大学路40号}。",
    "地址：{address:南京市鼓楼区龙江小区15栋502}",
    "我家在{address:武汉市武昌区中南路99号}，楼下就是地铁站。",
    "我在{org:中国地质大学}读书。",
    "我在{org:苏州工业园区星海实验中学}读初三。",
    "我在{org:上海浦东发展银行}上班。",
    "我是{org:广州市第一人民医院}的实习医生。",
    "我刚进{org:百度}，什么都不懂。",
    "新能源车牌{plate:粤BD12345}。",
    "我的抖音主页：{url:https://www.douyin.com/user/MS4wLjABAAAAabc}",
    "我{birthday:1990年1月1日}生。",
    "生日：{birthday:95年3月8号}",
]
# a sixth batch, written after batch 5 was fixed, before any further tuning
PII_6 = [
    "我女朋友叫{name:Lucy}，我们异地三年了。",
    "同桌{name:袁梦洁}总抄我作业。",
    "我喜欢上了同事{name:武浩宇}，可他有女朋友。",
    "我婆婆{name:张桂兰}天天挑我毛病。",
    "“{name:蒋雨欣}，你怎么又迟到了？”班主任当着全班问我。",
    "和前夫{name:汪海}离婚后我一个人带孩子。",
    "我的名字是{name:林晓峰}，在读高三。",
    "我哥{name:周俊}欠了很多网贷。",
    "号码是{phone:13012345678}，打不通就发短信。",
    "家里电话：{phone:023-67891234}",
    "手机{phone:176-5432-1098}，随时联系。",
    "E-mail：{email:yang.fan@163.com}",
    "QQ群：{qq:712345678}",
    "微信号码：{wechat:yf_happy2023}",
    "身份证号：{id_card:500103199608083318}",
    "农行卡{bank_card:6228481234567890123}",
    "我住在{address:西安市碑林区友谊西路127号}。",
    "快递寄到{address:合肥市蜀山区黄山路459号}就行。",
    "我家在{address:保利香槟国际7栋1单元2302}。",
    "我在{org:吉林大学}读大一，想家。",
    "我在{org:北京大学第三医院}做护士。",
    "我是{org:杭州市第十四中学}的老师。",
    "我在{org:中国工商银行杭州分行}工作五年了。",
    "我被{org:字节跳动}辞退了。",
    "他的车牌号{plate:浙A·D8U92}。",
    "我的微博：{url:weibo.com/u/3388776655}",
    "我生日是{birthday:1997年12月24日}。",
    "我是{birthday:2001年9月3日}出生的。",
]
# a seventh batch, written after batch 6 was fixed, before any further tuning
PII_7 = [
    "我叫{name:崔明浩}，今年三十岁，失业半年了。",
    "闺蜜{name:方雨婷}把我的秘密告诉了别人。",
    "我和{name:廖志成}是在网上认识的。",
    "班长{name:熊子涵}总是针对我。",
    "有个男生叫{name:邹凯文}，一直给我发消息。",
    "我奶奶{name:李秀珍}去年去世了。",
    "办公电话：{phone:010—82345678}",
    "我的手机：{phone:15012345678}，晚上十点前都可以。",
    "邮箱：{email:Zhang.San@Outlook.com}",
    "Q Q：{qq:834729156}",
    "微信号: {wechat:wx_abc_2024}",
    "身份证{id_card:11010119900307803x}丢了。",
    "卡号是 {bank_card:6212 2612 0300 1234 567}。",
    "我家地址是{address:山东省青岛市崂山区香港东路23号}。",
    "住在{address:长沙市岳麓区麓谷街道枫林三路1号}。",
    "我在{org:华中师范大学}读研。",
    "我在{org:深圳华强北电子有限公司}做文员。",
    "我是{org:第三军医大学}的学生。",
    "我在{org:昆明医科大学第一附属医院}住过院。",
    "车牌{plate:渝A·5T7H3}",
    "我的豆瓣：{url:https://www.douban.com/people/199288/}",
    "我{birthday:1992年7月7日}出生，今天是我的生日。",
]
# an eighth batch, written after batch 7 was fixed, before any further tuning
PII_8 = [
    "{name:钱文杰}同学，请你下课来一趟办公室。",
    "{name:葛晓红}医生说我需要住院。",
    "我暗恋的人叫{name:季晨曦}。",
    "我们公司的{name:聂宏}经常骚扰女同事。",
    "我前男友{name:包宇轩}现在还在纠缠我。",
    "我的真名叫{name:易欣彤}。",
    "联系人：{phone:13277665544}",
    "电话：{phone:0431-85671234}（白天）",
    "我的邮箱是{email:qingqing.li@yahoo.com}，欢迎来信。",
    "扣扣：{qq:2109876543}",
    "加我微信 {wechat:Cathy_Wang0920}",
    "我身份证号码是{id_card:130102198203146619}。",
    "我的工资卡号{bank_card:6228 4800 0000 1234 567}。",
    "地址：{address:北京市东城区东直门南大街11号}",
    "我住在{address:万达广场B座1506}。",
    "我在{org:北京交通大学}读大四。",
    "我刚入职{org:杭州海康威视数字技术股份有限公司}。",
    "我是{org:成都七中}的学生。",
    "我在{org:协和医院}做了检查。",
    "车牌{plate:冀F·6M8N2}的车撞了我。",
    "我的个人主页：{url:https://www.jianshu.com/u/8a7b6c5d}",
    "我{birthday:1988年8月8日}出生。",
]
NEGATIVE = [
    "同时也想问问，焦虑症要吃多久的药？",
    "我和朋友说了这件事，她也不理解。",
    "20岁男大学生，最近总是失眠。",
    "学校的心理咨询室老师建议我去医院看看。",
    "那天是2021年3月26日，我第一次惊恐发作。",
    "我妈是中学老师，对我要求特别严。",
    "对方真的很好，可是我就是不喜欢。",
    "祝顺利，加油！",
    "和家长沟通过很多次了，没有用。",
    "哈佛大学的教授做过一个研究，说孤独会影响寿命。",
    "读了《也许你该找个人聊聊》，感触很深。",
    "每天吃舍曲林100mg，已经三个月。",
    "SCL-90测出来抑郁因子3.2分。",
    "一次咨询400元，做了十次。",
    "2019年的冬天我失去了外婆。",
    "高三那年我体重掉了二十斤。",
    "上海的冬天又湿又冷。",
    "全国心理援助热线400-161-9995可以打。",
    "我爸妈从小就偏心我弟弟。",
    "老师说我是班里最有潜力的学生。",
    "王老师人很好，经常找我谈心。",
    "周末和同事一起去爬山了。",
    "影响公司的正常运转是我最怕的。",
    "大学生心理健康课上讲过这个。",
    "张老师说我这是典型的焦虑。",
    "我在一家医院做护士，每天都很累。",
    "方法试了很多，还是没用。",
    "李白的诗我最喜欢《将进酒》。",
    "周一早上八点半开会。",
    "我男朋友比我大三岁。",
]


def heldout_entries() -> Iterator[tuple[str, list[str]]]:
    """("pii" or "negative", fields) for every entry."""
    for e in PII + PII_2 + PII_3 + PII_4 + PII_5 + PII_6 + PII_7 + PII_8:
        yield "pii", e if isinstance(e, list) else [e]
    for e in NEGATIVE:
        yield "negative", [e]


def heldout_posts() -> Iterator[tuple[int, list[str], list[tuple[int, int, int, str]]]]:
    """(post id, texts, planted spans as (text index, start, end, kind)), as ``anonymize_corpus.corpus_posts``."""
    for i, (_label, fields) in enumerate(heldout_entries()):
        texts: list[str] = []
        pii: list[tuple[int, int, int, str]] = []
        for j, f in enumerate(fields):
            text, spans = parse(f)
            texts.append(text)
            pii += [(j, s, e, k) for s, e, k in spans]
        if len(texts) == 1:
            texts, pii = ["", texts[0]], [(1, s, e, k) for _, s, e, k in pii]
        yield i, texts, pii
