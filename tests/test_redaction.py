"""No password of a store, frontier, node or webhook address is ever printed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bulletin_crawler.redaction import endpoint, redact

# "Zq" appears in no host or option name below, so a leak is the secret's own
SECRET = st.text(alphabet="abcdefXYZ0123456789-_.~!$*", max_size=20).map(lambda tail: "Zq" + tail)


@given(SECRET)
def test_no_form_of_an_address_shows_its_password(secret):
    for uri in (f"mongodb://user:{secret}@db.example/bulletin",
                f"mongodb+srv://user:{secret}@cluster.example/bulletin?retryWrites=true",
                f"redis://:{secret}@127.0.0.1:6379/0",
                f"mongodb://db.example/bulletin?authSource=admin&password={secret}",
                f"store mongodb://u:{secret}@h/db is down (password={secret})"):
        assert secret not in redact(uri)


def test_what_is_kept_still_names_the_place():
    assert redact("mongodb://user:pw@host/db") == "mongodb://user:***@host/db"
    assert redact("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert redact("sqlite:///data/bulletin.sqlite3") == "sqlite:///data/bulletin.sqlite3"
    assert endpoint("https://u:p@hooks.example/services/T0/B0/token") == "https://hooks.example"
