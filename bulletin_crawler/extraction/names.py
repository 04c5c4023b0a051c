"""Is this credited string a person? Every name a byline stores must pass :func:`is_person`.

Precision first: a wrong name in ``reporters`` is worse than none. A Chinese name is two to
four Han characters opening with a known surname (single or compound), or a ``·`` name
(minority and transliterated names); a Latin or Cyrillic name is one to four capitalised
words. Without a known surname, a pen name or a user handle passes only where a role label
stands right before it (``文：眉间尺``, ``[责任编辑：alonliu]``), and never when it looks like an
outlet, a department, a label, a salutation or a pronoun.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from bulletin_crawler.extraction.text import HAN

# The common single-character surnames (about 99 % of the population), written out once.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣"
    "晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉"
    "银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "风贝萧洪荀邴松山牧秋仰暴怀从鄂咸籍赖苍双莘贡扶堵宰郦璩寿边郏习宦鱼庾暨步弘寇禄殳沃"
    "蔚越夔厍訾毋乜须巢蒯竺益桓阎钮贲羿汲糜弓隗宓蓬郗钭韶蓟")
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "申屠", "南宫", "独孤", "澹台", "赫连",
    "呼延", "万俟", "闻人", "太史", "西门", "百里", "东郭", "公冶", "濮阳", "淳于", "单于",
    "拓跋", "完颜", "司空", "第五", "乐正", "梁丘", "左丘", "谷梁", "羊舌", "微生", "巫马",
})
# Tibetan names have no surname: two given names of this common stock (格桑边觉, 次仁卓玛).
TIBETAN_NAMES = frozenset({
    "格桑", "边觉", "次仁", "卓玛", "扎西", "多吉", "央金", "旦增", "丹增", "顿珠", "尼玛", "达瓦",
    "边巴", "普布", "拉姆", "德吉", "平措", "洛桑", "索朗", "白玛", "强巴", "巴桑", "益西", "曲珍",
    "琼达", "仁青", "次旦", "朗杰", "加措", "嘉措", "贡嘎", "群培", "罗布", "米玛", "桑珠", "旺堆",
    "欧珠", "拉巴", "次珠", "布赤", "措姆", "德庆", "卓嘎", "央宗", "玉珍", "巴珠", "次央", "多布杰",
})
# Credited without being a person: outlets, desks and placeholders. A credit may name them
# (作者：网易, 来源：本站); they are skipped, never stored.
NOT_PEOPLE = frozenset({
    "图集", "转载", "综合", "整理", "网友", "供图", "资料", "原创", "佚名", "未知", "不详",
    "匿名", "网络", "本报", "本刊", "本台", "本网", "本站", "网易", "腾讯", "新浪", "搜狐",
    "凤凰", "百度", "人民网", "新华网", "新华社", "中新社", "中新网", "央视", "央广", "光明网",
    "东方网",
})
# Words that stand where a name would and are not one: labels, roles, salutations, pronouns,
# generic bylines ("本报评论员"), site sections.
NOT_NAMES = NOT_PEOPLE | frozenset({
    "来源", "选稿", "编辑", "记者", "作者", "通讯员", "摄影", "图片", "视频", "原标题", "标题",
    "小编", "笔者", "本人", "我们", "他们", "她们", "大家", "各位",
    "女士们", "先生们", "同志们", "朋友们", "同学们", "老师们", "领导们", "女士", "先生",
    "评论员", "特约评论员", "本报评论员", "观察员", "责任编辑", "责编", "审核", "校对",
    "出品", "监制", "制作", "策划", "统筹", "主编", "总编", "编审", "新闻", "快讯", "专题",
    "热点", "要闻", "时政", "财经", "科技", "体育", "娱乐", "社会", "国际", "国内", "评论",
    "详情", "全文", "正文", "更多", "阅读", "点击", "分享", "收藏", "打印", "关闭", "返回",
    "首页", "导航", "全部导航", "登录", "注册", "客户端", "公众号", "微信", "微博", "头条",
    "本文", "此文", "该文", "文章", "高清", "记者团", "管理员", "系统管理员", "站长", "版主", "关注", "关于", "关闭", "文化", "文学",
    "时间", "时政", "时尚", "时评", "国内", "国际", "国家", "房产", "游戏", "公益", "公告",
    "公开", "公众", "明星", "明日", "全部", "全国", "全文", "原创", "原文", "安全", "高考",
    "金融", "信息", "信用", "平台", "和谐", "于是", "由于", "应用", "展开", "元旦", "海外",
    "花絮", "万象", "成都", "成果", "江苏", "黄金", "白皮书", "双语", "山东", "山西", "通讯组", "报道组", "课题组", "编辑部", "编委会", "工作组", "调研组",
})
NOT_NAME_WORDS = frozenset({
    "admin", "administrator", "editor", "editors", "staff", "reporter", "news", "newsroom",
    "redaktion", "rédaction", "redacción", "redazione", "agency", "agencies", "press",
    "xinhua", "reuters", "afp", "ap", "dpa", "efe", "ansa", "bbc", "cnn", "chinanews",
    "anonymous", "unknown", "guest", "webmaster", "team", "desk", "wire", "wires", "by",
    # the words of buttons and menus, which come in capitalised pairs too (Play Video)
    "play", "video", "videos", "watch", "live", "read", "more", "share", "top", "stories",
    "home", "menu", "search", "login", "sign", "subscribe", "photo", "photos", "gallery",
    "comments", "next", "previous", "back", "close", "open", "click", "here", "view", "all",
})
# A name never opens with an article; a newspaper's or a magazine's title often does.
_ARTICLES = frozenset({"the", "el", "la", "le", "les", "los", "las", "il", "lo", "der", "die",
                       "das", "de", "het", "o", "a", "os", "as"})
# Characters that end outlet, place and organisation names, never given names.
_ORG_ENDINGS = re.compile(
    r"(?:报|网|社|台|局|委|办|院|部|厅|站|会|处|室|府|区|市|县|省|州|团|乡|镇|村|所|队|组|中心|"
    r"公司|集团|大学|学院|学校|医院|银行|协会|基金|频道|栏目|专栏|杂志|周刊|客户端|号|厂|店|馆|司|署|"
    r"街道|社区|支部|党委|政府|法院|检察院|公安|新闻|日报|晚报|时报|商报|网讯|讯|电|稿|版|期|页)$")
_CHINESE = re.compile(rf"^[{HAN}]{{2,4}}$")
_DOTTED = re.compile(rf"^[{HAN}]{{1,8}}(?:[·•・‧][{HAN}]{{1,8}}){{1,3}}$")
_LATIN_WORD = r"(?:[A-Z\u00c0-\u00de\u0400-\u042f][\w'’\-]*\.?|[a-z]{1,3}|(?:[A-Z]\.)+)"
_LATIN_NAME = re.compile(rf"^{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{0,3}}$")
_CAPITAL = re.compile(r"[A-Z\u00c0-\u00de\u0400-\u042f]")
# A user's handle: letters, digits and a few joiners; in Han characters as short as a name
# can be (a longer run is a headline or a phrase).
_HANDLE = re.compile(rf"^(?:[A-Za-z][\w{HAN}&.\-]{{1,19}}|[{HAN}][\w{HAN}&.\-]{{1,7}})$")
_ASCII_HANDLE = re.compile(r"^[A-Za-z][A-Za-z_.\-]{2,19}$")
_DIGIT = re.compile(r"\d")
_INNER_SPACE = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")


class Evidence(Enum):
    """How a string came to stand where a name would: how much it must prove by itself."""

    LABELLED = "labelled"  # a label and a colon before it: 作者：X, [责任编辑：X], 文/X
    ROLE = "role"  # a role word before it, no colon: 记者 X, 本报记者罗科, By X
    BARE = "bare"  # no label: a wire bracket, a line under the headline, a meta tag


_INITIAL = 2  # "J." and "Jr." keep their dots


def normalise_name(name: str) -> str:
    """``方  敏`` → ``方敏`` (justified two-character names), NFKC, outer spaces gone, a
    sentence's full stop after a name gone (``Tatyana Turner.``; an initial keeps its own)."""
    name = unicodedata.normalize("NFKC", name).strip()
    if name.endswith(".") and len(name.rsplit(" ", 1)[-1]) > _INITIAL:
        name = name[:-1]
    return _INNER_SPACE.sub("", name)


def is_person(name: str, evidence: Evidence = Evidence.BARE) -> bool:
    """True when ``name`` is a person's name as a byline gives it (already normalised)."""
    if not name or name in NOT_NAMES or _DIGIT.search(name):
        return False
    if _DOTTED.match(name):
        return not _ORG_ENDINGS.search(name)
    if _CHINESE.match(name):
        return _chinese(name, evidence)
    if _LATIN_NAME.match(name):
        return _latin(name, evidence)
    # pen names and user handles (放飞&心情, celiawu) stand only right after a label
    return (evidence is Evidence.LABELLED and bool(_HANDLE.match(name))
            and name.lower() not in NOT_NAME_WORDS and not _ORG_ENDINGS.search(name)
            and not any(word in name for word in ("http", "www", ".com", ".cn")))


def has_surname(name: str) -> bool:
    return name[:2] in COMPOUND_SURNAMES or name[0] in SURNAMES


def _chinese(name: str, evidence: Evidence) -> bool:
    if _ORG_ENDINGS.search(name) or any(word in name for word in NOT_NAMES if len(word) > 2):
        return False
    if len(name) == 4 and name[:2] in TIBETAN_NAMES and name[2:] in TIBETAN_NAMES:
        return True
    if has_surname(name):  # four characters: a compound surname, or a label vouches for it
        return len(name) <= 3 or name[:2] in COMPOUND_SURNAMES or evidence is not Evidence.BARE
    # a pen name (眉间尺, 春春): only right after a label and its colon
    return evidence is Evidence.LABELLED and len(name) <= 3


def _latin(name: str, evidence: Evidence) -> bool:
    words = name.split()
    if any(word.lower().strip(".") in NOT_NAME_WORDS for word in words):
        return False
    if words[0].lower() in _ARTICLES:  # El Mostrador, La República, The Local: a title
        return False
    capitalised = sum(bool(_CAPITAL.match(word)) for word in words)
    if len(words) >= 2:
        return capitalised >= 2  # "Jane Porter", "Ludwig van Beethoven", "Иван Петров"
    if evidence is Evidence.BARE:
        return False
    # one word after a role: a surname alone ("By Müller"); a staff handle ("alonliu") only
    # after a label and its colon
    return bool(_CAPITAL.match(name)) or (evidence is Evidence.LABELLED
                                         and bool(_ASCII_HANDLE.match(name)))
