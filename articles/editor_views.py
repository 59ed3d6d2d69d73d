"""The markdownx endpoints, for editors only.

markdownx ships open views; we mount our own so that anonymous visitors are
sent to the login page, and staff without article permissions get 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView
from PIL import Image, UnidentifiedImageError

from articles.markup import render_markdown


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
    return HttpResponse(render_markdown(request.POST.get("content", "")))


class CheckedImageForm(ImageForm):
    def clean(self):
        upload = super().clean()
        # The browser's content type is only a claim: let Pillow read the file
        # and accept nothing but real PNG and JPEG images.
        try:
            with Image.open(upload) as image:
                image.verify()
                real_format = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError("This file is not a PNG or JPEG image.") from error
        if real_format not in {"PNG", "JPEG"}:
            raise ValidationError("Only PNG and JPEG images can be uploaded.")
        upload.seek(0)
        return upload


class CheckedImageUploadView(ImageUploadView):
    form_class = CheckedImageForm
    http_method_names = ["post"]

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)


image_upload = editors_only(CheckedImageUploadView.as_view())
