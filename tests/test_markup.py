"""Every attack must be gone from the public page, and normal Markdown must survive."""

import pytest

from articles.markup import render

pytestmark = pytest.mark.django_db

ATTACKS = {
    "script tag": ("Hello <script>alert('x')</script> there", "<script"),
    "event handler": ('<img src="x.png" onerror="alert(1)">', "onerror"),
    "javascript link in Markdown": ("[click me](javascript:alert(1))", "javascript:"),
    "javascript link in HTML": ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert(1)"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
    "data URL link": ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data:text/html"),
    "inline style": ('<p style="position:fixed">x</p>', "position:fixed"),
    "svg with script": ("<svg><script>alert(1)</script></svg>", "<svg"),
    "object tag": ('<object data="x.swf"></object>', "<object"),
}


@pytest.mark.parametrize("markdown, forbidden", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_in_article_markdown_never_reaches_the_public_page(client, make_article, markdown, forbidden):
    article = make_article(body=f"## Section\n\n{markdown}\n")

    body = client.get(article.get_absolute_url()).text.split('class="article-body"')[1].split("</div>")[0]

    assert forbidden.lower() not in body.lower()


def test_normal_markdown_keeps_headings_lists_tables_links_and_emphasis(client, make_article):
    article = make_article(
        body=(
            "## What should I ask?\n\n"
            "Ask about **blood tests** and *vaccines*.\n\n"
            "- first point\n- second point\n\n"
            "1. step one\n2. step two\n\n"
            "| Test | Why |\n|---|---|\n| Blood count | Checks your bone marrow |\n\n"
            "Read [the NHS page](https://www.nhs.uk/medicines/azathioprine/).\n"
        )
    )

    text = client.get(article.get_absolute_url()).text

    assert '<h2 id="what-should-i-ask">What should I ask?</h2>' in text
    assert "<strong>blood tests</strong>" in text
    assert "<em>vaccines</em>" in text
    assert "<li>second point</li>" in text
    assert "<ol>" in text
    assert "<td>Checks your bone marrow</td>" in text
    assert '<a href="https://www.nhs.uk/medicines/azathioprine/" rel="noopener noreferrer">the NHS page</a>' in text


def test_a_heading_cannot_take_the_id_of_an_admin_form_field(editor_client):
    response = editor_client.post("/markdownx/markdownify/", {"content": '<h2 id="id_body">Title</h2>'})

    assert 'id="id_body"' not in response.text
    assert "Title" in response.text


def test_an_image_from_another_site_is_removed_and_reported():
    rendered = render("![A chart](https://example.com/chart.png) ![Ours](/media/article-images/a.png)")

    assert "example.com" not in rendered.html
    assert '<img alt="Ours" src="/media/article-images/a.png">' in rendered.html
    assert rendered.foreign_images == ["https://example.com/chart.png"]


@pytest.mark.parametrize("address", ["//example.com/a.png", "/\\example.com/a.png", "HTTPS://example.com/a.png"])
def test_every_spelling_of_another_sites_image_is_removed(address):
    assert "example.com" not in render(f'<img src="{address}" alt="x">').html
