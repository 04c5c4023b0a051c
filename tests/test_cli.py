"""The `bulletin` commands that do not crawl: parse, export, sites."""

from __future__ import annotations

from bulletin_crawler.demo import DEMO_SITE_ROOT

from .conftest import TESTS, jsonl, run_bulletin

PAGE_TEXT = TESTS / "pages" / "district_page.txt"
GBK_PAGE = DEMO_SITE_ROOT / "html" / "2020-11" / "30" / "content_6003.htm"


def test_parse_page_text_prints_one_json_line_per_story(tmp_path):
    out = run_bulletin("parse", str(PAGE_TEXT), "--issue-date", "2020-11-30", cwd=tmp_path)
    rows = jsonl(out.stdout)
    assert [row["title"] for row in rows] == ["管城回族区新建三处社区食堂", "项目建设跑出加速度",
                                              "文明实践润人心"]
    assert rows[1]["event_date"] == "2020-11-25" and rows[1]["reporters"] == ["王晓"]
    assert "input" not in rows[0]


def test_parse_several_paths_names_each_input_and_reports_bad_ones(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    out = run_bulletin("parse", str(GBK_PAGE), str(empty), str(PAGE_TEXT), "--url",
                       "http://p.cn/html/2020-11/30/content_6003.htm", cwd=tmp_path, check=False)
    assert out.returncode == 1
    assert f"{empty}: empty input" in out.stderr
    rows = jsonl(out.stdout)
    assert rows[0]["input"] == str(GBK_PAGE) and rows[0]["title"] == "紫荆山南路街道举办社区邻里节"
    assert rows[0]["published_at"] == "2020-11-30" and rows[0]["event_date"] == "2020-11-28"
    assert {row["input"] for row in rows[1:]} == {str(PAGE_TEXT)}


def test_export_formats_and_site_filter(tmp_path):
    run_bulletin("demo", cwd=tmp_path)
    assert len(jsonl(run_bulletin("export", "--site", "demo-daily", cwd=tmp_path).stdout)) == 6
    other = run_bulletin("export", "--site", "zzrb", cwd=tmp_path, check=False)
    assert other.returncode == 2 and "no articles of site 'zzrb'" in other.stderr
    run_bulletin("export", "--format", "csv", "-o", str(tmp_path / "a.csv"), cwd=tmp_path)
    lines = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,url,site,source,kind,region_province")
    assert "王建宏;张文攀;李萌" in (tmp_path / "a.csv").read_text(encoding="utf-8")


def test_sites_lists_builtin_and_extra_and_rejects_bad_files(tmp_path):
    out = run_bulletin("sites", cwd=tmp_path).stdout
    assert "zzrb" in out and "郑州晚报" in out
    (tmp_path / "bad.yaml").write_text("key: bad\nname: x\nfamily: founder-enp\n"
                                       "start_urls:\n  - http://x.cn/a.htm\nregion: {province: 河南省,"
                                       " code: '41'}\n", encoding="utf-8")
    bad = run_bulletin("sites", "--sites", str(tmp_path), cwd=tmp_path, check=False)
    assert bad.returncode == 2
    assert f"{tmp_path / 'bad.yaml'}: field 'region.code'" in bad.stderr
