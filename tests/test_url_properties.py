"""Property tests of the canonical URL keys: any URL gives a key without an error, a key read
back as a URL gives itself, and the spellings the key folds (scheme, host case, ``?div=``,
trackers, ``index.html``) never change it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from bulletin_crawler.urls import rebase, url_key

SEGMENT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                  min_size=1, max_size=12).filter(lambda s: "/" not in s and "?" not in s
                                                  and "#" not in s)


@given(urls())
def test_any_url_has_a_key_and_the_key_is_a_fixed_point(url):
    key = url_key(url)
    assert key == url_key("http://" + key)


@given(st.lists(SEGMENT, min_size=1, max_size=4), st.sampled_from(["http", "https", "HTTP"]),
       st.sampled_from(["", "?div=-1", "?spm=abc", "?utm_source=x&div=0"]))
def test_spellings_of_one_page_share_a_key(segments, scheme, noise):
    path = "/".join(segments)
    plain = url_key(f"http://zzrb.zynews.cn/{path}")
    assert url_key(f"{scheme}://ZZRB.zynews.cn/{path}{noise}") == plain
    assert url_key(f"http://zzrb.zynews.cn/{path}/index.html") == url_key(
        f"http://zzrb.zynews.cn/{path}/")


@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(text):
    url_key(text)


@given(st.sampled_from(["http://a.cn", "http://a.cn:8080", "https://a.cn"]),
       st.sampled_from([".evil.example", ":80801", "0", "@evil.example"]),
       st.text(alphabet="abc/._-?=", max_size=20))
def test_a_lookalike_origin_is_never_rebased(old, tail, path):
    url = f"{old}{tail}/{path}"
    assert rebase(url, old, "http://127.0.0.1:9") == url


@given(st.text(alphabet="abc/._-?=&", max_size=30))
def test_rebase_moves_the_origin_and_keeps_the_rest(path):
    url = f"http://a.cn/{path}"
    moved = rebase(url, "http://a.cn", "http://127.0.0.1:9")
    assert moved == f"http://127.0.0.1:9/{path}"
    assert rebase(moved, "http://127.0.0.1:9", "http://a.cn") == url
