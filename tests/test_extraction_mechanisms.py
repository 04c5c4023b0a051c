"""The mechanisms of issue #13's second pass, each on pages written for these tests: furniture
boxes, the article's header and its lead, scattered pages, captions and list headings,
comment sections, declared authors, dates by witness and by markup, Western date lines."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.extraction.published import Candidate, best, is_date_line
from bulletin_crawler.extraction.text import is_boilerplate, is_caption

PARAGRAPHS = [
    "The council of Riverton voted on Tuesday to rebuild the old harbour bridge, which has "
    "been closed to lorries since a survey found cracks in two of its piers last spring.",
    "Work is expected to start in March and to last eighteen months, the council said, with "
    "a temporary ferry carrying foot passengers across the river while the bridge is shut.",
    "Local traders welcomed the decision but asked for signs on the ring road, since most of "
    "their customers from the north bank reach the market over the bridge every morning.",
    "The county will pay two thirds of the cost; the rest comes from a national fund for "
    "ageing infrastructure that the town applied to in the autumn of the previous year.",
]
LEAD = ("Riverton's harbour bridge will be rebuilt from March: the council has voted for an "
        "eighteen-month closure and a temporary ferry")
TITLE = "Riverton votes to rebuild its harbour bridge"


def page(body: str, head: str = "") -> str:
    return (f"<html><head><title>{TITLE} | Riverton Gazette</title>{head}</head>"
            f"<body>{body}</body></html>")


def text(paragraphs: list[str] = PARAGRAPHS) -> str:
    return "".join(f"<p>{line}</p>" for line in paragraphs)


def test_a_teaser_in_a_sidebar_never_wins_over_the_article():
    """A box whose class says sidebar lends its weight to nothing inside it, however dense
    its paragraphs (readability drops such boxes before scoring)."""
    teaser = ("Opinion: lanes, lights, bins, bikes, buses, trams, ferries, parking, tolls, "
              "signs, kerbs, verges, crossings, gritting, potholes, the ring road; all of it, "
              "again, in every budget since the bypass opened.")
    html = page(f"<main><article><h1>{TITLE}</h1><div>{text()}</div></article>"
                f"<div class='sidebar'><div class='teaser'><p>{teaser}</p><p>{teaser}</p>"
                "</div></div></main>")
    article = extract_html(html, "https://gazette.example/2024/03/bridge")
    assert article.paragraphs == PARAGRAPHS


def test_the_lead_in_the_articles_header_joins_the_text():
    """The box holding the headline is the article's own header, whatever its class says:
    its lead is the text's first paragraph; its share bar stays out."""
    html = page("<article><header class='entry-header'>"
                f"<h1>{TITLE}</h1><p class='article-header__lead'>{LEAD}.</p>"
                "<div class='share'><a href='#'>Share</a><p>Share this story with your friends "
                "and neighbours, on every network you like to use.</p></div></header>"
                f"<div class='entry-content'>{text()}</div></article>")
    article = extract_html(html, "https://gazette.example/2024/03/bridge")
    assert article.paragraphs == [f"{LEAD}.", *PARAGRAPHS]


def test_a_byline_between_the_lead_and_the_text_credits_the_writer():
    html = page("<article>"
                f"<h1>{TITLE}</h1><p>{LEAD}.</p><p>By Jane Porter</p><p>March 5, 2024</p>"
                f"<section itemprop='articleBody'>{text()}</section></article>")
    article = extract_html(html, "https://gazette.example/bridge")
    assert article.paragraphs[0] == f"{LEAD}."
    assert article.byline.authors == ["Jane Porter"]
    assert article.published_at == date(2024, 3, 5)


def test_a_scattered_page_gives_all_its_readable_lines():
    """Recipe steps in list items: no block holds the text, so the readable lines outside
    the page's furniture are its text."""
    steps = ["Preheat the oven to 180 degrees and butter a round tin.",
             "Beat the eggs with the sugar until pale and thick.",
             "Fold in the flour and the lemon zest with a spatula.",
             "Bake for forty minutes, then leave the cake to cool in the tin.",
             "Dust with icing sugar before serving."]
    items = "".join(f"<li><div class='step'><span>{step}</span></div></li>" for step in steps)
    ingredients = "".join(f"<li>{item}</li>" for item in ("4 eggs", "200 g sugar", "200 g flour",
                                                          "1 lemon"))
    html = page("<nav><a href='/'>Home</a><a href='/recipes'>Recipes</a></nav>"
                "<div class='recipe'><h1>Lemon cake</h1><ul class='ingredients'>"
                f"{ingredients}</ul><ol class='steps'>{items}</ol></div>"
                "<footer><p>Riverton Gazette, 12 Harbour Street, Riverton.</p></footer>")
    article = extract_html(html, "https://gazette.example/recipes/lemon-cake")
    assert all(step in article.paragraphs for step in steps)
    assert "4 eggs" in article.paragraphs
    assert not any("Harbour Street" in line for line in article.paragraphs)


def test_widgets_of_a_page_builder_are_no_furniture():
    """Elementor calls every box a widget: its boxes are weighed like any others."""
    html = page("<div class='elementor-widget-wrap'>"
                "<div class='elementor-widget-container'><p>Menu</p></div>"
                f"<div class='elementor-widget-container'><h1>{TITLE}</h1></div>"
                f"<div class='elementor-widget-container'>{text()}</div>"
                "<div class='elementor-widget-container'><p>Riverton Gazette</p></div></div>")
    assert extract_html(html, "https://gazette.example/bridge").paragraphs == PARAGRAPHS


@pytest.mark.parametrize("caption", [
    "The harbour bridge at dawn. | © Riverton Archive/Getty Images",
    "Der Hafen am Morgen. Bild: Anna Berger",
    "Le pont du port, photo: Archives municipales",
    "(Credit: Clayton Dean / Riverton Gazette)",
    "Abbildung: Vergleich der Brückenpfeiler vor und nach der Sanierung",
    "Opuszczony most, domena publiczna",
])
def test_captions_are_known_by_their_credit_or_label(caption):
    assert is_caption(caption) and is_boilerplate(caption)


@pytest.mark.parametrize("line", [
    PARAGRAPHS[0],
    "Photos of the bridge were shown to the council, which voted unanimously.",
    "图为临江大桥。新华社记者 王五 摄",  # a Chinese caption's photographer: a credit to read
])
def test_text_and_credited_captions_are_no_furniture(line):
    assert not is_caption(line)


def test_the_heading_of_a_list_of_links_goes_with_the_list():
    links = "".join(f"<p><a href='/a/{n}'>Another story about the harbour, number {n}</a></p>"
                    for n in range(3))
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}"
                f"<p>Zobacz także</p>{links}<p>{PARAGRAPHS[0]}</p></div></article>")
    article = extract_html(html, "https://gazette.example/bridge")
    assert "Zobacz także" not in article.paragraphs


def test_list_items_are_never_a_lists_heading():
    items = "".join(f"<li>{item}</li>" for item in ("200 g sugar", "4 eggs"))
    linked = "<li><a href='/flour'>200 g flour</a></li>"
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}<ul>{items}{linked}</ul>"
                "</div></article>")
    assert "4 eggs" in extract_html(html, "https://gazette.example/b").paragraphs


@pytest.mark.parametrize("section", [
    ["Vos réactions", "Qui êtes-vous ?", "Votre nom", "Texte de votre message (obligatoire)"],
    ["3 Kommentare", "Danke für diesen Artikel!", "Kommentare schreiben", "Name*"],
    ["We want to hear what you think about this article. Submit a letter to the editor."],
])
def test_a_comment_section_under_the_story_goes(section):
    lines = "".join(f"<p>{line}</p>" for line in section)
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}{lines}</div></article>")
    assert extract_html(html, "https://gazette.example/b").paragraphs == PARAGRAPHS


def test_a_read_more_button_followed_by_the_story_is_no_end():
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text(PARAGRAPHS[:1])}"
                f"<p>Read More</p>{text(PARAGRAPHS[1:])}</div></article>")
    assert extract_html(html, "https://gazette.example/b").paragraphs == PARAGRAPHS


@pytest.mark.parametrize("line", [
    "11 Jan 2019", "Jun 18th 2018", "Aktualisiert: 11.04.2020, 10:27",
    "24. März 2004, 19:49 | Genesis", "12.03.2024 | Petra Schulz",
])
def test_western_date_lines_are_metadata(line):
    assert is_date_line(line)


@pytest.mark.parametrize("line", [
    "2024年5月21日",  # a Chinese document's closing date is part of its text
    "On 12 March 2020 the council decided to act.",
    PARAGRAPHS[0],
])
def test_sentences_and_chinese_dates_are_no_date_lines(line):
    assert not is_date_line(line)


def test_a_date_line_leaves_the_text_and_dates_the_page():
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text(PARAGRAPHS[:1])}"
                f"<p>Published: 06.03.2024, 10:27</p>{text(PARAGRAPHS[1:])}</div></article>")
    article = extract_html(html, "https://gazette.example/b")
    assert article.paragraphs == PARAGRAPHS
    assert article.published_at == date(2024, 3, 6)


def test_one_timestamp_copied_into_three_places_is_one_witness():
    """meta, JSON-LD and a script holding the same value against the date the page shows and
    its URL confirms: the shown date wins."""
    stamp = datetime(2023, 11, 9, 5, 30)
    candidates = [Candidate(stamp, 3.0, "meta article:published_time", machine=True),
                  Candidate(stamp, 3.0, "JSON-LD", machine=True),
                  Candidate(stamp, 2.5, "script variable", machine=True),
                  Candidate(date(2023, 11, 8), 4.5, "labelled date"),
                  Candidate(date(2023, 11, 8), 2.0, "URL")]
    assert best(candidates) == date(2023, 11, 8)


def test_a_tie_goes_to_the_precise_timestamp():
    candidates = [Candidate(date(2019, 10, 18), 3.0, "meta datepublished"),
                  Candidate(datetime(2019, 10, 19, 3, 0), 3.0, "JSON-LD")]
    assert best(candidates) == datetime(2019, 10, 19, 3, 0)


@pytest.mark.parametrize("marked", [
    "<time class='entry-date published' datetime='2024-03-05T09:00:00+01:00'>5 March</time>",
    "<span itemprop='datePublished' content='2024-03-05'>5 March</span>",
    "<span property='schema:dateCreated' content='2024-03-05T09:00:00+01:00'></span>",
])
def test_dates_the_markup_labels_date_the_page(marked):
    html = page(f"<article><h1>{TITLE}</h1>{marked}<div class='body'>{text()}</div></article>")
    published = extract_html(html, "https://gazette.example/b").published_at
    assert published is not None
    assert (published.date() if isinstance(published, datetime) else published) == \
        date(2024, 3, 5)


def _json_ld(document: dict[str, object]) -> str:
    return f"<script type='application/ld+json'>{json.dumps(document)}</script>"


@pytest.mark.parametrize(("head", "body_extra"), [
    ("<meta name='parsely-author' content='Jane Porter'>", ""),
    ("<meta property='dc:creator' content='Jane Porter'>", ""),
    ("<meta name='twitter:label1' content='Written by'>"
     "<meta name='twitter:data1' content='Jane Porter'>", ""),
    (_json_ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Porter"}}),
     ""),
    (_json_ld({"@graph": [{"@type": "Article", "author": {"@id": "https://g.example/#/p/1"}},
                          {"@type": "Person", "@id": "https://g.example/#/p/1",
                           "name": "Jane Porter"}]}), ""),
    ("", "<p class='author'>Jane Porter</p>"),
    ("", "<span class='post-meta'><a rel='author' href='/author/jane'>Jane Porter</a></span>"),
])
def test_authors_the_page_declares(head, body_extra):
    html = page(f"<article><h1>{TITLE}</h1>{body_extra}<div class='body'>{text()}</div>"
                "<p>Jane Porter reports on Riverton for the Gazette.</p></article>", head)
    assert extract_html(html, "https://gazette.example/b").byline.authors == ["Jane Porter"]


def test_a_declared_author_the_page_never_shows_is_not_stored():
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}</div></article>",
                "<meta name='parsely-author' content='Web Desk Account'>"
                "<meta name='author' content='Martin Ohlsen'>")
    assert extract_html(html, "https://gazette.example/b").byline.authors == []


@pytest.mark.parametrize("outlet", ["El Mostrador", "The Local", "La República"])
def test_a_newspapers_title_is_no_author(outlet):
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}</div>"
                f"<p>{outlet}</p></article>", f"<meta name='author' content='{outlet}'>")
    assert extract_html(html, "https://gazette.example/b").byline.authors == []


def test_comments_of_other_posts_lend_no_byline_box():
    html = page(f"<article><h1>{TITLE}</h1><div class='body'>{text()}</div></article>"
                "<div class='comments'><p class='comment-author'>Kate May</p>"
                "<p>Great news for the market!</p></div>")
    assert extract_html(html, "https://gazette.example/b").byline.authors == []


def _enp_page(author: str, shown: str = "") -> str:
    story = ("11月20日，临江区召开安全生产工作会议，部署今冬明春的安全生产工作。"
             "会议要求各街道、各部门压实责任，确保全区安全形势稳定。")
    return ("<html><head><title>临江区召开安全生产工作会议</title></head><body>"
            "<!--enpproperty <articleid>1</articleid><date>2020-11-20 10:00:00</date>"
            f"<author>{author}</author><title>临江区召开安全生产工作会议</title>/enpproperty-->"
            "<h1>临江区召开安全生产工作会议</h1>"
            f"<founder-content><p>{story}</p><p>{story}</p>{shown}</founder-content>"
            "</body></html>")


def test_an_enp_property_author_the_page_never_shows_is_not_stored():
    """The property block is metadata like an author meta tag: a portal's CMS writes there the
    pen name of the editor who posted the story."""
    article = extract_html(_enp_page("辛文"), "http://news.linjiang.cn/2020-11/20/c_1.htm")
    assert article.byline.authors == []


def test_an_enp_property_author_the_page_shows_is_stored():
    article = extract_html(_enp_page("孙远", "<p>孙远</p>"),
                           "http://news.linjiang.cn/2020-11/20/c_1.htm")
    assert "孙远" in article.byline.authors


def test_the_articles_head_gives_its_deck_and_keeps_its_dateline_out():
    """Headline, a deck that ends without a full stop, a dateline, a picture's caption, then
    the text: the deck is the text's first line, the dateline dates the page."""
    html = page(f"<main><h1>{TITLE}</h1><div class='intro'>{LEAD}</div>"
                "<div class='meta'>06.03.2024</div><figure><figcaption>The bridge in "
                f"winter.</figcaption></figure><div class='body'>{text()}</div></main>")
    article = extract_html(html, "https://gazette.example/b")
    assert article.paragraphs == [LEAD, *PARAGRAPHS]
    assert article.published_at == date(2024, 3, 6)


def test_a_subheading_right_above_the_text_is_the_texts():
    html = page(f"<main><header><h1>{TITLE}</h1></header><h3>What the council decided</h3>"
                f"<div class='body'>{text()}</div></main>")
    article = extract_html(html, "https://gazette.example/b")
    assert article.paragraphs == ["What the council decided", *PARAGRAPHS]
