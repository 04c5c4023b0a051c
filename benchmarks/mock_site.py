"""Generate a large mock Founder ENP e-paper for benchmarks (not committed output).

Pages are built from the bundled demo pages, so they carry the real markers; every article gets
its own text, a few are planted exact copies. Every third day is GBK.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from bulletin_crawler.demo import DEMO_SITE_ROOT

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--editions", type=int, default=2)
    parser.add_argument("--per-edition", type=int, default=25)
    args = parser.parse_args()
    print(generate(args.root, args.days, args.editions, args.per_edition), "pages")
