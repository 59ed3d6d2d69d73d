import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/markdownx/markdownify/"
UPLOAD_URL = "/markdownx/images/"
CHECKS_URL = "/markdownx/checks/"


def png_bytes(size=(20, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def ajax_upload(client, name, content, content_type, alt_text="A teal square."):
    return client.post(
        UPLOAD_URL,
        {"image": SimpleUploadedFile(name, content, content_type=content_type), "alt_text": alt_text},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_anonymous_visitor_is_sent_to_login_from_the_markdown_preview(client):
    response = client.post(PREVIEW_URL, {"content": "**hi**"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_article_permissions_get_403_from_the_markdown_preview(client, staff_without_permissions):
    client.force_login(staff_without_permissions)

    assert client.post(PREVIEW_URL, {"content": "**hi**"}).status_code == 403


def test_editor_preview_renders_markdown_with_the_public_sanitiser(editor_client):
    response = editor_client.post(PREVIEW_URL, {"content": "## Title\n\n**bold** <script>alert(1)</script>"})

    assert response.status_code == 200
    assert '<h2 id="title">Title</h2>' in response.text
    assert "<strong>bold</strong>" in response.text
    assert "<script" not in response.text


def test_anonymous_visitor_cannot_upload_images(client, media_root):
    response = ajax_upload(client, "a.png", png_bytes(), "image/png")

    assert response.status_code == 302
    assert not any(media_root.rglob("*"))


def test_staff_without_article_permissions_cannot_upload_images(client, staff_without_permissions, media_root):
    client.force_login(staff_without_permissions)

    assert ajax_upload(client, "a.png", png_bytes(), "image/png").status_code == 403


def test_editor_uploads_a_png_which_is_stored_re_encoded(editor_client, media_root):
    response = ajax_upload(editor_client, "photo.png", png_bytes(), "image/png")

    assert response.status_code == 200
    assert response.json()["markdown"].startswith("![A teal square.](/media/article-images/")
    stored = list(media_root.rglob("*.png"))
    assert len(stored) == 1
    assert Image.open(stored[0]).format == "PNG"


def test_editor_cannot_upload_svg_and_gets_a_plain_message(editor_client, media_root):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    response = ajax_upload(editor_client, "x.svg", svg, "image/svg+xml")

    assert response.status_code == 400
    assert response.json()["message"] == "This file is not a PNG or JPEG image. Only PNG and JPEG images can be used."
    assert not any(media_root.rglob("*.svg"))


def test_an_image_without_alt_text_is_refused(editor_client, media_root):
    response = ajax_upload(editor_client, "photo.png", png_bytes(), "image/png", alt_text="  ")

    assert response.status_code == 400
    assert "Describe the image" in response.json()["message"]
    assert not any(media_root.rglob("*.png"))


def test_the_image_library_lists_uploads_with_their_alt_text_for_reuse(editor_client, media_root):
    ajax_upload(editor_client, "photo.png", png_bytes(), "image/png", alt_text="A nurse takes a blood sample.")

    images = editor_client.get(UPLOAD_URL).json()["images"]

    assert [image["alt_text"] for image in images] == ["A nurse takes a blood sample."]
    assert images[0]["markdown"].startswith("![A nurse takes a blood sample.](/media/article-images/")


def test_staff_without_article_permissions_cannot_see_the_image_library(client, staff_without_permissions):
    client.force_login(staff_without_permissions)

    assert client.get(UPLOAD_URL).status_code == 403


def test_preview_warns_that_an_image_from_another_site_is_not_shown(editor_client):
    response = editor_client.post(PREVIEW_URL, {"content": "![x](https://example.com/a.png)"})

    assert "Not shown:" in response.text
    assert "img-src &#x27;self&#x27;" in response.text
    assert "example.com/a.png" not in response.text.split("</p>", 1)[1]


def test_checks_point_out_a_hard_paragraph_and_the_hardest_sentence(editor_client):
    hard = (
        "Azathioprine's immunosuppressive pharmacological characteristics necessitate comprehensive "
        "haematological monitoring throughout the administration of continuing therapeutic regimens."
    )

    result = editor_client.post(CHECKS_URL, {"content": f"## Easy?\n\nIt is a pill. You take it.\n\n{hard}"}).json()

    assert result["hard_paragraphs"][0]["number"] == 3
    assert result["hard_paragraphs"][0]["grade"] > 10
    assert result["hardest"][0]["text"] == hard


def test_checks_find_dose_numbers_as_the_editor_types(editor_client):
    result = editor_client.post(CHECKS_URL, {"content": "Most adults take 150 mg daily, twice daily."}).json()

    assert [dose["match"] for dose in result["doses"]] == ["150 mg", "twice daily"]


def test_anonymous_visitor_is_sent_to_login_from_the_checks(client):
    assert client.post(CHECKS_URL, {"content": "x"}).status_code == 302


def test_editor_cannot_upload_a_file_that_only_claims_to_be_a_png(editor_client, media_root):
    response = ajax_upload(editor_client, "fake.png", b"<html><script>alert(1)</script></html>", "image/png")

    assert response.status_code == 400
    assert "not a PNG or JPEG image" in response.text


def test_editor_cannot_upload_an_image_over_5_mb(editor_client, media_root, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    too_big = png_bytes() + b"\0" * (5 * 1024 * 1024)

    response = ajax_upload(editor_client, "big.png", too_big, "image/png")

    assert response.status_code == 400
    assert not any(media_root.rglob("*.png"))


def test_editor_adds_an_image_to_the_library_in_the_admin_with_its_alt_text(editor_client, media_root):
    from articles.models import ArticleImage

    response = editor_client.post(
        "/admin/articles/articleimage/add/",
        {"file": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"), "alt_text": "A pill box."},
    )

    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert image.alt_text == "A pill box."
    assert Image.open(image.file.path).format == "PNG"


def test_the_image_library_in_the_admin_needs_alt_text(editor_client, media_root):
    response = editor_client.post(
        "/admin/articles/articleimage/add/",
        {"file": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"), "alt_text": ""},
    )

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not any(media_root.rglob("*.png"))
