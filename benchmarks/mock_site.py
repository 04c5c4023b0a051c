"""Generate a large mock district news site for benchmarks (not committed output): a Founder ENP
e-paper and a TRS government portal that reposts some of its stories.

Pages are built from the bundled demo pages and the TRS markers, so they carry the real markers;
every article gets its own text; planted exact copies inside the e-paper, and portal reposts that
are exact or edited copies of e-paper stories. Every third e-paper day and every third portal
list page is GBK.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from bulletin_crawler.demo import DEMO_SITE_ROOT

PORTAL_FILE = """\
key: bench-portal
name: 基准测试区人民政府
family: gov-trs
start_urls:
  - http://gov.bench.invalid/zwyw/index.shtml
region: {province: 河南省, city: 郑州市, district: 管城回族区, code: "410104"}
max_pages: 100000
"""
PORTAL_PAGE_SIZE = 20
SITE_FILE = """\
key: bench-daily
name: 基准测试报
family: founder-enp
start_urls:
  - http://bench.bulletin.invalid/html/{date:%Y-%m/%d}/node_1.htm
region: {province: 河南省, city: 郑州市, district: 管城回族区, code: "410104"}
"""
WORDS = ("管城回族区", "街道", "社区", "项目", "推进", "会议", "群众", "服务", "建设", "发展", "工作",
         "要求", "落实", "提升", "安全", "环境", "文化", "民生", "改革", "创新")
FIRST_DAY = date(2021, 1, 1)


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + "。"


def generate(root: Path, days: int, editions: int, per_edition: int, seed: int = 7) -> int:
    """Write the site under ``root`` and its site file beside it; returns the page count."""
    rng = random.Random(seed)
    template = (DEMO_SITE_ROOT / "html/2020-11/28/content_5001.htm").read_text(encoding="utf-8")
    head, rest = template.split("<founder-content>", 1)
    _, tail = rest.split("</founder-content>", 1)
    pages = 0
    article_id = 100000
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        folder = root / "html" / day.strftime("%Y-%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        encoding = "gbk" if offset % 3 == 2 else "utf-8"
        links = "".join(f"<a id=pageLink href=node_{e}.htm>第{e:02d}版：新闻{e}</a>"
                        for e in range(1, editions + 1))
        for edition in range(1, editions + 1):
            ids = list(range(article_id, article_id + per_edition))
            article_id += per_edition
            items = "".join(f"<a href=content_{i}.htm?div=-1>标题{i}</a>" for i in ids)
            layout = (f"<html><head><meta charset={encoding}></head><body>"
                      f"<div class=banci>第{edition:02d}版：<b>新闻{edition}</b></div>{links}"
                      f"{items}</body></html>")
            (folder / f"node_{edition}.htm").write_bytes(layout.encode(encoding))
            pages += 1
            for i in ids:
                body = f"<P>　　本报讯(记者 王晓)昨日上午,{sentence(rng)}</P>" + "".join(
                    f"<P>　　{sentence(rng)}{sentence(rng)}</P>" for _ in range(5))
                if i % 50 == 0:  # a planted exact copy of an earlier story
                    body = "<P>　　本报讯 这是一篇被多次转载的报道。</P>"
                page = (head.replace("charset=utf-8", f"charset={encoding}")
                        .replace("管城回族区启动老旧小区改造三年行动", f"基准文章{i}")
                        + f"<founder-content>{body}</founder-content>" + tail)
                (folder / f"content_{i}.htm").write_bytes(page.encode(encoding, "replace"))
                pages += 1
    (root.parent / "sites").mkdir(exist_ok=True)
    (root.parent / "sites" / "bench-daily.yaml").write_text(SITE_FILE, encoding="utf-8")
    return pages


def generate_portal(root: Path, articles: int, seed: int = 11) -> int:
    """A TRS column of ``articles`` articles, newest first, 20 per list page; every tenth
    article reposts the text of the one five before it (exact, or edited with a 我区 prefix).
    Returns the page count."""
    rng = random.Random(seed)
    folder = root / "zwyw"
    folder.mkdir(parents=True, exist_ok=True)
    page_count = (articles + PORTAL_PAGE_SIZE - 1) // PORTAL_PAGE_SIZE
    texts: list[list[str]] = []
    for page in range(page_count):
        items = []
        for n in range(page * PORTAL_PAGE_SIZE, min(articles, (page + 1) * PORTAL_PAGE_SIZE)):
            day = FIRST_DAY + timedelta(days=(articles - 1 - n) * 100 // articles)
            paragraphs = [f"{day.month}月{day.day}日，{sentence(rng)}"] + [
                sentence(rng) + sentence(rng) for _ in range(4)]
            if n % 10 == 9:  # a repost of an earlier article
                paragraphs = list(texts[n - 5])
                if n % 20 == 19:
                    paragraphs[0] = "我区" + paragraphs[0]
            texts.append(paragraphs)
            name = f"{day:%Y%m}/t{day:%Y%m%d}_{500000 + n}.shtml"
            encoding = "gbk" if n % 3 == 0 else "utf-8"
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            (folder / name).parent.mkdir(exist_ok=True)
            (folder / name).write_bytes(
                (f'<html><head><meta charset="{encoding}"><meta name="ArticleTitle" '
                 f'content="政务{n}"><meta name="PubDate" content="{day} 09:00">'
                 f'<meta name="ColumnName" content="政务要闻"><title>政务{n}_基准测试区</title>'
                 f'</head><body><div class="TRS_Editor">{body}</div></body></html>'
                 ).encode(encoding, "replace"))
            items.append(f'<li><a href="./{name}">政务{n}</a><span>{day}</span></li>')
        list_name = "index.shtml" if page == 0 else f"index_{page}.shtml"
        (folder / list_name).write_bytes(
            (f'<html><head><meta charset="utf-8"><title>政务要闻</title></head><body><ul>'
             f'{"".join(items)}</ul><script>createPageHTML({page_count}, {page}, "index", '
             f'"shtml");</script></body></html>').encode("utf-8"))
    (root.parent / "sites").mkdir(exist_ok=True)
    (root.parent / "sites" / "bench-portal.yaml").write_text(PORTAL_FILE, encoding="utf-8")
    return articles + page_count


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--editions", type=int, default=2)
    parser.add_argument("--per-edition", type=int, default=25)
    parser.add_argument("--portal-articles", type=int, default=0)
    args = parser.parse_args()
    pages = generate(args.root, args.days, args.editions, args.per_edition)
    pages += generate_portal(args.root, args.portal_articles) if args.portal_articles else 0
    print(pages, "pages")
