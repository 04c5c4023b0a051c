"""The end of an article's text: what a page's template puts under the story is cut.

Read from the last line upwards, the *furniture* below a story goes: interaction widgets
(short counter lines such as ``评论(3)``, ``阅读数 120``, a lone ``+1``, form prompts such as
``已输入0字``, ``我要跟帖``, share and comment prompts), rights notices, bare URLs, related-story
lists (a heading such as ``相关阅读``, or several short dated lines), and what follows them. The
first line that reads as the story's own text stops the cut; credit lines (``责任编辑：…``) are
passed over and left for the byline reader.
"""

from __future__ import annotations

import re

from bulletin_crawler.extraction.bylines import parse_credit
from bulletin_crawler.extraction.text import ends_sentence, ends_statement

_COUNTER_WORDS = (r"(?:阅读|浏览|点击|评论|跟帖|点赞|赞|收藏|分享|转发|参与|人参与|条评论|回复|喜欢|"
                  r"在看)(?:数|量|次数|次)?|comments?|likes?|shares?|views?|reads?|replies|"
                  r"kommentare?|commentaires?|comentarios?|komentarz[ey]?")
_WIDGET = re.compile(
    rf"^[\[【(（]?\s*(?:(?:{_COUNTER_WORDS})\s*[(（:：]?\s*[\d,.万kK]*\s*[)）]?"
    rf"|[\d,.万kK]+\s*(?:{_COUNTER_WORDS})|[+＋]\d{{1,4}}|\d{{1,6}})\s*[\]】)）]?$"
    r"|^(?:已输入|还可以输入|还能输入|最多输入)\s*\d+\s*字"
    r"|^(?:我要|我来)(?:评论|跟帖|报料|纠错|投稿|留言|分享|打分)"
    r"|^(?:报料|爆料)(?:热线|邮箱|电话)?\s*[:：]?"
    r"|^(?:关键词|关键字|标签|tags?|schlagwörter|etiquetas|mots-clés)\s*[:：]"
    r"|^(?:分享到|分享至|扫一扫|扫码|长按|打开微信|发表评论|查看评论|网友评论|热门评论|最新评论|"
    r"全部评论|文明上网|理性发言|登录|注册|提交|发表|取消|发送|验证码|加载中|正在加载|加载更多|"
    r"点击加载|点击查看|查看更多|展开全文|自动播放|精彩视频|视频推荐|返回顶部|回到顶部|上一篇|下一篇|"
    r"share|tweet|print|e-?mail|follow us|subscribe|sign up|log ?in|teilen|drucken|partager|"
    r"compartir|imprimir|imprimer|stampa|drukuj|udostępnij|permalink|permalien|"
    r"leave a (?:reply|comment)|post a comment|add (?:a )?comment|"
    r"kommentare? (?:schreiben|verfassen)|laisser un commentaire|deja un comentario|"
    r"vos réactions|réagir|qui êtes-vous|votre (?:commentaire|message|nom)|ihre meinung|"
    r"ihr kommentar|tu comentario|deja tu comentario|seu comentário|skomentuj|"
    r"we want to hear what you think|bild (?:anzeigen|schließen|vergrößern)|"
    r"(?:rezept|artikel|seite) drucken|bei pinterest speichern)"
    # "[more]" after an item, alone on its line
    r"|^[\[(]?(?:more|mehr|plus|más|mais|więcej|altro)\s*[\])]?$"
    # a share button's platform, alone on its line
    r"|^(?:微信|微博|朋友圈|QQ空间|QQ|抖音|facebook|twitter|x|whatsapp|linkedin|pinterest|"
    r"telegram|reddit|xing)$",
    re.IGNORECASE)
_RIGHTS = re.compile(r"未经(?:书面)?(?:授权|许可|同意)|不得转载|禁止转载|转载请注明|版权(?:所有|归|声明)|免责声明|"
                     r"all rights reserved|©|copyright", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_RELATED = re.compile(r"^[【\[]?(?:相关报道|相关新闻|相关阅读|相关链接|相关文章|延伸阅读|推荐阅读|热点推荐|"
                      r"猜你喜欢|更多精彩|网友评论|精彩推荐|热门文章|编辑推荐|今日推荐|大家都在看|"
                      r"related (?:articles|posts|stories|news)|read more|more stories|"
                      r"you (?:may|might) also like|weitere artikel|das könnte sie auch|"
                      r"auch interessant|lesen sie auch|mehr zum thema|"
                      r"à lire aussi|lire aussi|sur le même sujet|articles liés|"
                      r"te puede interesar|noticias relacionadas|notas relacionadas|"
                      r"artículos relacionados|lea también|leia também|veja também|"
                      r"leggi anche|potrebbe interessarti|zobacz (?:także|również)|"
                      r"czytaj (?:też|także|również)|"
                      # a comment section's heading: the readers' text, not the story's
                      r"(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|"
                      r"komentarze?|réactions|vos réactions|leserkommentare|du même auteur|"
                      r"vom selben autor|more from (?:the|this) author)(?:\s*\(\d+\))?|"
                      r"#?\d+\.?\s+(?:kommentar|comment|commentaire|comentario) "
                      r"(?:von|by|de|par)\b.*)"
                      r"[】\]]?\s*(?:[:：>].*)?$", re.IGNORECASE)
_DATED_ITEM = re.compile(r"^(?:\d{2,4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}月\d{1,2}日|\(\d{1,2}[-/]\d{1,2}\))"
                         r"|(?:\d{2,4}[-/.])?\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2})?\s*[)）]?$"
                         r"|\d{4}年\d{1,2}月\d{1,2}日\s*$")
_ITEM_MAX, _WIDGET_MAX, _CREDIT_MAX = 60, 30, 80
_STORY_LINE, _STORY_LINES = 100, 3  # a paragraph this long, this many: the story goes on
# A post's footer: its publish time (and poster) under the text, 发布时间 2005/05/17 … by X.
_POST_FOOTER = re.compile(r"^[^。！？]*(?:(?:发布|发表|更新)(?:时间|日期|于)\s*[:：]?|(?:时间|日期)\s*[:：])"
                          r"\s*\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}[^。！？]*$")


def related_heading(line: str) -> bool:
    """``相关阅读``, ``Related articles``: the heading of a related-stories list, which ends the
    story with everything after it."""
    return bool(_RELATED.match(line))


def cut_tail(lines: list[str]) -> list[str]:
    """``lines`` without the furniture under the story (see the module docstring)."""
    return split_tail(lines)[0]


def split_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """The story's lines (with the credit lines met under it) and the furniture cut (a
    post's footer, but not the related stories after their heading)."""
    # a related-stories heading, or a post's dated footer (the next post follows it), ends
    # the story
    related = [bool(_RELATED.match(line)) for line in lines]  # the pattern is long: once
    end_of_story = next((i for i, line in enumerate(lines) if i and (
        related[i] and not _story_follows(lines, i)
        or len(line) <= _CREDIT_MAX and _POST_FOOTER.search(line))), None)
    story, after = ((lines[:end_of_story], lines[end_of_story:]) if end_of_story is not None
                    else (lines, []))
    # a related heading the story goes on after was a label of links (Zobacz także, Read More)
    story = [line for index, line in enumerate(story) if not index or not related[index]]
    credits: list[str] = []  # credit lines met on the way up stay, for the byline reader
    end = len(story)
    while end > 1:
        line = story[end - 1]
        credit = parse_credit(line) if len(line) <= _CREDIT_MAX else None
        if credit or credit is not None and credit.source:
            credits.insert(0, line)
        elif credit is None and not (_furniture(line) or _dated_run(story, end - 1)):
            break  # the story's own text; a credit naming nobody (编辑：, 阅读数 12) goes
        end -= 1
    cut = [line for line in story[end:] if line not in credits]
    if after and not related[len(lines) - len(after)]:  # (other stories' credits, dates: kept)
        cut += after
    return story[:end] + credits, cut


def _story_follows(lines: list[str], index: int) -> bool:
    """Paragraphs after a related-stories heading: it was a button (CNN's ``Read More``
    opens the rest of the story), since a list of related stories is short items."""
    found = 0
    for line in lines[index + 1:]:
        if len(line) >= _STORY_LINE and ends_statement(line):
            found += 1
            if found == _STORY_LINES:
                return True
    return False


def _furniture(line: str) -> bool:
    if _URL.match(line):
        return True
    if len(line) <= _WIDGET_MAX and _WIDGET.search(line):
        return True
    return len(line) <= 120 and bool(_RIGHTS.search(line)) and not _story_sentence(line)


def _story_sentence(line: str) -> bool:
    """A rights notice is one or two clauses; a paragraph that mentions copyright is longer."""
    return len(line) > 60 and line.count("。") >= 2


def _dated_run(lines: list[str], index: int) -> bool:
    """A short dated line next to another one: an item of a related-stories list."""
    def item(i: int) -> bool:
        line = lines[i] if 0 <= i < len(lines) else ""
        return bool(line) and len(line) <= _ITEM_MAX and not ends_sentence(line) \
            and bool(_DATED_ITEM.search(line))
    return item(index) and (item(index - 1) or item(index + 1))
