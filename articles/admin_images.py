"""The image library in the admin: editors upload images with their alt text and reuse them."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from articles.images import ArticleImage, reencoded


class ArticleImageForm(forms.ModelForm):
    class Meta:
        model = ArticleImage
        fields = ["file", "alt_text"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # A new upload is re-encoded; an unchanged one is the stored file itself.
        return reencoded(upload) if hasattr(upload, "content_type") else upload


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    form = ArticleImageForm
    list_display = ["thumbnail", "alt_text", "markdown", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text"]
    readonly_fields = ["markdown", "uploaded_by", "uploaded_at"]

    class Media:
        css = {"all": ["css/admin-extra.css"]}

    @admin.display(description="Image")
    def thumbnail(self, image):
        return format_html('<img class="library-thumbnail" src="{}" alt="">', image.file.url)

    @admin.display(description="Markdown to paste")
    def markdown(self, image):
        return format_html("<code>{}</code>", image.markdown()) if image.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
