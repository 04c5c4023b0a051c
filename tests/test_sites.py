"""Site files: built-in ones load, extra ones join them, bad ones name the file and the field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bulletin_crawler.sites import SiteFileError, load_registry, load_site_file, load_sites
from bulletin_crawler.sites.config import FAMILY_KINDS
from bulletin_crawler.spiders import FAMILY_SPIDERS
from bulletin_crawler.spiders.loader import SiteSpiderLoader, spider_class

GOOD = """\
key: my-paper
name: 我的日报
family: founder-enp
start_urls:
  - http://epaper.example.cn/html/{date:%Y-%m/%d}/node_1.htm
region: {province: 河南省, city: 郑州市, district: 管城回族区, code: "410104"}
"""


def write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_sites_load_with_their_families():
    sites = load_sites()
    assert {"zzrb", "zzwb"} <= set(sites)
    assert sites["zzrb"].family == "founder-enp"
    assert sites["zzrb"].kind == "epaper"
    assert sites["zzrb"].start_urls_for(date(2020, 11, 30)) == [
        "http://zzrb.zynews.cn/html/2020-11/30/node_3.htm"]


def test_extra_directory_adds_sites(tmp_path, monkeypatch):
    write(tmp_path, GOOD)
    monkeypatch.setenv("BULLETIN_SITES", str(tmp_path))
    sites = load_sites()
    assert "my-paper" in sites and "zzrb" in sites
    assert sites["my-paper"].region.code == "410104"


@pytest.mark.parametrize(("change", "field"), [
    (("key: my-paper", "key: My Paper"), "key"),
    (("family: founder-enp", "family: founder-xyz"), "family"),
    (("http://epaper.example.cn/html/{date:%Y-%m/%d}/node_1.htm", "ftp://x"), "start_urls[0]"),
    (("http://epaper.example.cn/html/{date:%Y-%m/%d}/node_1.htm", "http://x.cn/{day}/a.htm"),
     "start_urls[0]"),
    (('code: "410104"', "code: 4101"), "region.code"),
    (("name: 我的日报\n", ""), "name"),
    (("name: 我的日报", "name: 我的日报\nselector: {}"), "selector"),
])
def test_bad_site_file_names_file_and_field(tmp_path, change, field):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(SiteFileError) as error:
        load_site_file(path)
    assert error.value.field == field
    assert str(path) in str(error.value) and f"'{field}'" in str(error.value)


def test_invalid_yaml_names_the_file(tmp_path):
    path = write(tmp_path, "key: [unclosed\n")
    with pytest.raises(SiteFileError, match="not valid YAML") as error:
        load_site_file(path)
    assert str(path) in str(error.value)


def test_same_key_twice_names_both_files(tmp_path):
    write(tmp_path, GOOD.replace("my-paper", "zzrb"))
    registry = load_registry(tmp_path)
    [problem] = registry.problems
    assert re.search("already defined in .*zzrb.yaml", str(problem))
    assert registry.sites["zzrb"].path.endswith("builtin/zzrb.yaml")  # the first one stays


@pytest.mark.parametrize(("text", "field"), [
    (GOOD + "selectors: {body: '//div['}\n", "selectors.body"),
    (GOOD + "selectors: {title: 'div[[['}\n", "selectors.title"),
    (GOOD + "encoding: not-a-codec\n", "encoding"),
    (GOOD + "allowed_hosts: ['http://x.cn/a']\n", "allowed_hosts[0]"),
    (GOOD.replace('code: "410104"', 'code: "000000"'), "region.code"),
    (GOOD.replace("province: 河南省", "province: 未填写"), "region.province"),
])
def test_selectors_codecs_hosts_and_placeholders_are_checked(tmp_path, text, field):
    with pytest.raises(SiteFileError) as error:
        load_site_file(write(tmp_path, text))
    assert error.value.field == field


def test_a_bad_site_file_disables_only_its_own_site(tmp_path):
    write(tmp_path, GOOD.replace('code: "410104"', 'code: "000000"'), "my-paper.yaml")
    registry = load_registry(tmp_path)
    assert "my-paper" not in registry.sites and "zzrb" in registry.sites
    with pytest.raises(KeyError, match="site 'my-paper' is disabled: .*placeholder"):
        SiteSpiderLoader(registry).load("my-paper")
    assert SiteSpiderLoader(registry).load("zzrb").name == "zzrb"


def test_spider_loader_lists_one_spider_per_site(tmp_path):
    write(tmp_path, GOOD)
    loader = SiteSpiderLoader(load_registry(tmp_path))
    assert loader.list() == sorted(["my-paper", *load_sites()])
    spider = loader.load("my-paper")
    assert spider.name == "my-paper" and spider.site.name == "我的日报"
    with pytest.raises(KeyError):
        loader.load("nope")


def test_family_without_spider_is_a_clear_error(tmp_path, monkeypatch):
    site = load_site_file(write(tmp_path, GOOD.replace("founder-enp", "gov-trs")))
    monkeypatch.delitem(FAMILY_SPIDERS, "gov-trs")
    with pytest.raises(KeyError, match="family 'gov-trs' has no spider yet"):
        spider_class(site)


def test_every_family_has_a_spider():
    assert set(FAMILY_SPIDERS) == set(FAMILY_KINDS)


@pytest.mark.parametrize(("change", "field"), [
    ("max_pages: 0", "max_pages"), ("article_pattern: '(unclosed'", "article_pattern")])
def test_portal_fields_are_checked(tmp_path, change, field):
    with pytest.raises(SiteFileError) as error:
        load_site_file(write(tmp_path, GOOD + change + "\n"))
    assert error.value.field == field
