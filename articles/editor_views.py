"""Endpoints behind the article editor, for editors only.

markdownx ships open views; we mount our own so that anonymous visitors are
sent to the login page, and staff without article permissions get 403. The
editor's script (static/js/article-editor.js) calls the checks and the image library.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from articles.dose_check import dose_numbers, in_context
from articles.images import ArticleImage, reencoded
from articles.markup import foreign_image_message, render
from articles.readability import hard_paragraphs, hardest_sentences, measure

LIBRARY_SIZE = 60


def can_edit_articles(user):
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("articles.change_article") or user.has_perm("articles.add_article"))
    )


def editors_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not can_edit_articles(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@editors_only
@require_POST
def markdown_preview(request):
    rendered = render(request.POST.get("content", ""))
    # The preview tells the editor what the sanitiser took out, in the words of the save's error.
    warning = render_to_string(
        "admin/articles/article/preview_warning.html",
        {"message": foreign_image_message(rendered.foreign_images)} if rendered.foreign_images else {},
    )
    return HttpResponse(warning + rendered.html)


@editors_only
@require_POST
def article_checks(request):
    """Readability and dose numbers of the text being typed, as JSON for the editor's panel."""
    text = request.POST.get("content", "")
    html = render(text).html
    figures = measure(html)
    return JsonResponse(
        {
            "grade": round(figures.grade, 1),
            "reading_ease": round(figures.reading_ease),
            "words": figures.words,
            "minutes": figures.minutes,
            "hardest": [{"grade": round(grade, 1), "text": text} for grade, text in hardest_sentences(html)],
            "hard_paragraphs": [
                {"number": number, "grade": round(grade, 1), "text": paragraph}
                for number, grade, paragraph in hard_paragraphs(html)
            ],
            "doses": [
                dict(zip(["before", "match", "after"], in_context(text, m), strict=True)) for m in dose_numbers(text)
            ],
        }
    )


def _library_entry(image):
    return {"id": image.pk, "url": image.file.url, "alt_text": image.alt_text, "markdown": image.markdown()}


@editors_only
@require_http_methods(["GET", "POST"])
def image_library(request):
    """GET: the latest images with their alt text. POST: upload one, with its alt text."""
    if request.method == "GET":
        return JsonResponse({"images": [_library_entry(image) for image in ArticleImage.objects.all()[:LIBRARY_SIZE]]})
    if not request.user.has_perm("articles.add_articleimage"):
        raise PermissionDenied
    errors = {}
    alt_text = request.POST.get("alt_text", "").strip()
    upload = request.FILES.get("image")
    if not alt_text:
        errors["alt_text"] = ["Describe the image in a few words: people who cannot see it hear this instead."]
    elif len(alt_text) > 300:
        errors["alt_text"] = ["Keep the alt text under 300 characters."]
    if upload is None:
        errors["image"] = ["Choose a PNG or JPEG image to upload."]
    else:
        try:
            upload = reencoded(upload)
        except ValidationError as error:
            errors["image"] = error.messages
    if errors:
        # A plain message for the editor's dialog; nothing enters the text.
        message = " ".join(message for field in ["image", "alt_text"] for message in errors.get(field, []))
        return JsonResponse({"errors": errors, "message": message}, status=400)
    image = ArticleImage.objects.create(file=upload, alt_text=alt_text, uploaded_by=request.user)
    entry = _library_entry(image)
    # markdownx's own script reads "image_code" if it ever sends a file itself.
    return JsonResponse({**entry, "image_code": entry["markdown"]})
