"""A generated archive for the console's tests and benchmark: four sites in two provinces,
e-papers and portals, stories about 蓝天保卫战, near copies, reposts, corrected stories, run
records with failed monitors, and failed pages — deterministic for a seed.

Documents are built as the pipelines build them (an :class:`Article`, its place, assembled) and
written through the store's own ``upsert``, so every read-side index is kept by the real write
path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bulletin_crawler.canonical import assemble, make_place, story_id
from bulletin_crawler.contract import SHANGHAI, Article, text_fingerprint
from bulletin_crawler.stores.base import ArticleStore
from bulletin_crawler.urls import url_key

from ..faults.sites import _Writer


@dataclass(frozen=True)
class SeedSite:
    key: str
    name: str
    family: str
    kind: str
    host: str
    region: dict[str, str | None]
    columns: tuple[str, ...] = ()

    def site_yaml(self) -> str:
        region = ", ".join(f"{name}: {value if value else 'null'}"
                           for name, value in self.region.items() if name != "code")
        return (f"key: {self.key}\nname: {self.name}\nfamily: {self.family}\nstart_urls:\n"
                f"  - http://{self.host}/index.html\n"
                f"region: {{{region}, code: \"{self.region['code']}\"}}\n")


SITES = (
    SeedSite("guancheng-daily", "管城日报", "founder-enp", "epaper", "gc.bulletin.invalid",
             {"province": "河南省", "city": "郑州市", "district": "管城回族区", "code": "410104"}),
    SeedSite("jinshui-gov", "金水区人民政府", "gov-jhtml", "portal", "js.bulletin.invalid",
             {"province": "河南省", "city": "郑州市", "district": "金水区", "code": "410105"},
             ("政务动态", "通知公告")),
    SeedSite("anyang-daily", "安阳日报", "founder-pc", "epaper", "ay.bulletin.invalid",
             {"province": "河南省", "city": "安阳市", "district": None, "code": "410500"}),
    SeedSite("xihu-gov", "西湖区人民政府", "gov-trs", "portal", "xh.bulletin.invalid",
             {"province": "浙江省", "city": "杭州市", "district": "西湖区", "code": "330106"},
             ("西湖动态", "街道资讯")),
)
BATTLE = "打赢蓝天保卫战"
GAP_SITE = "anyang-daily"   # prints nothing on three days: a gap the overview must show
GAP_DAYS = (5, 6, 7)        # days before the last day
FAILED_MONITOR = ("monitor reporters coverage: 41% of articles have a byline, expected at "
                  "least 60%")


def site_files(folder: Any) -> None:
    """Write the seed sites' files (for ``--sites``)."""
    for site in SITES:
        (folder / f"{site.key}.yaml").write_text(site.site_yaml(), encoding="utf-8")


def documents(count: int, last_day: date, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` documents, newest on ``last_day``, about 12 per site per day."""
    writer = _Writer(seed)
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    per_day = 12 * len(SITES)
    for n in range(count):
        site = SITES[n % len(SITES)]
        day = last_day - timedelta(days=n // per_day)
        if site.key == GAP_SITE and (last_day - day).days in GAP_DAYS:
            site = SITES[0]
        reporter = writer.person()
        title, paragraphs = writer.story(day, f"本报讯（记者 {reporter}）")
        if n % 40 == 8:  # the next story (n % 10 == 9) is its near copy
            title = f"{BATTLE} 守护{title[:4]}碧水蓝天"
            paragraphs[0] += f"{BATTLE}进入攻坚阶段，各单位要以“管城标准”推进大气污染治理。"
        if n % 10 == 9 and docs and docs[-1]["site"] != site.key:
            root = docs[-1]
            paragraphs = root["body"].split("\n")
            paragraphs[-1] += f"{writer.person()}表示，群众对此普遍满意。"
            title = f"{root['title']}（转载）"
        doc = _document(site, n, day, title, paragraphs, reporter, rng)
        if n % 10 == 9 and docs and docs[-1]["site"] != site.key:
            doc["duplicate_of"] = docs[-1]["duplicate_of"] or docs[-1]["id"]
        if n % 15 == 0:
            doc = _with_repost(doc, n)
        if n % 25 == 0:
            doc = _corrected(doc)
        docs.append(doc)
    return docs


def _document(site: SeedSite, n: int, day: date, title: str, paragraphs: list[str],
              reporter: str, rng: random.Random) -> dict[str, Any]:
    portal = site.kind == "portal"
    published = (f"{day}T{9 + n % 9:02d}:{n % 60:02d}:00+08:00" if portal
                 else f"{day}T00:00:00+08:00")
    url = (f"http://{site.host}/news/{day:%Y%m%d}/{n}.html" if portal
           else f"http://{site.host}/html/{day:%Y-%m/%d}/content_{n}.htm")
    body = "\n".join(paragraphs)
    seen = f"{day + timedelta(days=1)}T06:{n % 60:02d}:00+08:00"
    article = Article(
        url=url, site=site.key, source=site.name, kind=site.kind, title=title, body=body,
        published_at=published, published_precision="minute" if portal else "day",
        region=dict(site.region), reporters=[] if n % 7 == 0 else [reporter],
        authors=[] if n % 7 == 0 else [reporter],
        column=site.columns[n // len(SITES) % len(site.columns)] if portal else None,
        edition=None if portal else {"date": str(day), "page": f"{1 + n % 4:02d}",
                                     "name": ("要闻", "综合", "民生", "文化")[n % 4]},
        kicker=None if portal or n % 3 else "聚焦民生实事",
        images=[{"url": f"http://{site.host}/images/{n}.jpg", "caption": None}]
        if n % 5 == 0 else [],
        event_date=str(day - timedelta(days=1)) if not portal else None)
    doc = article.to_document()
    doc.update(id=story_id(text_fingerprint(body)), content_hash=text_fingerprint(body),
               first_seen_at=seen, updated_at=seen)
    doc["url_keys"] = [url_key(url)]
    return assemble(doc, [make_place(doc, url_key(url), not portal, seen)])


def _with_repost(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """The same text found on a portal the next morning: a second place of the story."""
    later = (datetime.fromisoformat(doc["published_at"]) + timedelta(days=1, hours=10))
    repost = {**doc, "url": f"http://www.zhengzhou.bulletin.invalid/xw/{n}.jhtml",
              "site": "zhengzhou-gov", "kind": "portal", "source": doc["source"],
              "published_at": later.isoformat(), "published_precision": "minute"}
    return assemble(doc, [*doc["places"], make_place(repost, url_key(repost["url"]), False,
                                                     doc["first_seen_at"])])


def _corrected(doc: dict[str, Any]) -> dict[str, Any]:
    """A story corrected after it was first stored: the earlier text is its revision."""
    earlier = doc["body"].replace("。", "，", 1)
    return {**doc, "revisions": [{"title": doc["title"] + "（初稿）", "kicker": doc["kicker"],
                                  "subtitle": None, "body": earlier,
                                  "content_hash": text_fingerprint(earlier),
                                  "updated_at": doc["first_seen_at"]}]}


def fill(store: ArticleStore, docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        store.upsert(doc)
    store.flush()


def record_runs(store: ArticleStore, now: datetime) -> None:
    """Three runs of each site, the newest of one site failed by a monitor, and failed pages."""
    for index, site in enumerate(SITES):
        for age in (2, 1, 0):
            started = now - timedelta(days=age, hours=index)
            failed = site.key == GAP_SITE and age == 0
            run_id = f"{site.key}-{age}"
            store.start_run({"run_id": run_id, "site": site.key, "status": "running",
                             "started_at": started.isoformat(timespec="seconds"),
                             "heartbeat_at": started.isoformat(timespec="seconds")})
            reasons = [FAILED_MONITOR] if failed else []
            store.update_run(run_id, {
                "status": "failed" if failed else "ok", "reasons": reasons,
                "finished_at": (started + timedelta(minutes=3 + index, seconds=12)
                                ).isoformat(timespec="seconds"),
                "figures": {"pages": 120 + index, "stored": 48, "new": 40 - age,
                            "updated": 8, "duplicates": 3, "near_copies": 2, "skipped_known": 5,
                            "dropped": 1, "missing_issues": 0, "failed": 2 if failed else 0,
                            "errors": 1 if failed else 0, "waiting": 0},
                "monitors": {"passed": ["published_at coverage", "body coverage"],
                             "skipped": [], "failed": [{
                                 "monitor": "reporters coverage",
                                 "message": FAILED_MONITOR.partition(": ")[2]}] if failed else []},
                "stats": {"bulletin/coverage/articles": 50, "bulletin/coverage/published_at": 50,
                          "bulletin/coverage/body": 49,
                          "bulletin/coverage/reporters": 20 if failed else 44}})
    stamp = now.astimezone(SHANGHAI).isoformat(timespec="seconds")
    for n, reason in enumerate(("http_500", "timeout")):
        url = f"http://ay.bulletin.invalid/pc/content/{n}.html"
        store.record_failure(GAP_SITE, url, url_key(url), "article", reason, stamp)
    store.flush()
