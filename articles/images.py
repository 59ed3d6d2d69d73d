"""The image library: uploaded images with their alt text, for editors to reuse."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, UnidentifiedImageError

MAX_SIDE = 1200
ALT_TEXT_HELP = (
    "What the image shows, for people who cannot see it, in one plain sentence. "
    "Patients who use a screen reader hear this instead of the image."
)


def reencoded(upload):
    """A fresh PNG or JPEG drawn from the upload's pixels, never its bytes (so nothing hidden survives).

    The browser's content type is only a claim: Pillow reads the file itself.
    """
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        raise ValidationError("The image is larger than 5 MB. Save it smaller, then upload it again.")
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError("This file is not a PNG or JPEG image. Only PNG and JPEG images can be used.") from error
    if image.format not in {"PNG", "JPEG"}:
        raise ValidationError(f"This is a {image.format} file. Only PNG and JPEG images can be used.")
    kind = image.format
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, kind, quality=85)
    extension = "png" if kind == "PNG" else "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


class ArticleImage(models.Model):
    file = models.ImageField("image", upload_to="article-images/%Y/%m/")
    alt_text = models.CharField("alt text", max_length=300, help_text=ALT_TEXT_HELP)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "image"

    def __str__(self):
        return self.alt_text

    def markdown(self):
        # Square brackets would end the alt text early in Markdown.
        alt = self.alt_text.replace("[", "(").replace("]", ")")
        return f"![{alt}]({self.file.url})"
