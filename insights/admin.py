"""Themes in the admin, and theme tags on the story change form.

A theme links to article sections picked from a list of the articles' own
headings: an editor never types an address that could break. Moderators tag
stories with themes on the story's change form, with the themes whose keywords
the story contains marked as suggestions.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from articles.dose_check import dose_numbers
from articles.models import Article
from insights import counts
from insights.models import Theme, ThemeSection
from page_cache.generations import Scope, changed
from stories.admin import StoryAdmin
from stories.models import Story

SUB_HEADING = "\u2003"  # an em space before an h3, so the list shows the article's outline


def section_choices():
    """Every h2 and h3 heading of every live article, as ("article id#heading id", "Article › Heading")."""
    choices = []
    for article in Article.objects.published().in_reading_order().only("pk", "title", "live"):
        headings = [
            (f"{article.pk}#{heading['id']}", (SUB_HEADING if heading["level"] == 3 else "") + heading["title"])
            for heading in article.live.get("toc", [])
        ]
        if headings:
            choices.append((article.live.get("title", article.title), headings))
    return choices


class ThemeSectionForm(forms.ModelForm):
    section = forms.ChoiceField(label="Article section", help_text="Chosen from the headings of live articles.")

    class Meta:
        model = ThemeSection
        fields = ["section", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Choose a section"), *section_choices()]
        if self.instance.pk:
            self.initial["section"] = f"{self.instance.article_id}#{self.instance.anchor}"

    def clean_section(self):
        article_id, _, anchor = self.cleaned_data["section"].partition("#")
        self.instance.article_id, self.instance.anchor = int(article_id), anchor
        return self.cleaned_data["section"]


class ThemeSectionInline(admin.TabularInline):
    model = ThemeSection
    form = ThemeSectionForm
    extra = 1
    verbose_name = "article section"


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["title", "slug", "summary", "intro", "keywords", "position", "status"]

    def clean(self):
        # Medical safety, as for articles: a theme never carries dose numbers (there is no override here).
        cleaned = super().clean()
        for name in ("title", "summary", "intro"):
            found = dose_numbers(cleaned.get(name) or "")
            if found:
                words = ", ".join(f"\u201c{match['match']}\u201d" for match in found)
                self.add_error(name, f"Remove the dose numbers ({words}): say the doctor works out the dose.")
        return cleaned


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    form = ThemeForm
    list_display = ["title", "status", "position", "story_count"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "intro", "keywords", "position", "status"]
    inlines = [ThemeSectionInline]

    @admin.display(description="stories tagged")
    def story_count(self, theme):
        return theme.stories.count()

    def has_publish_permission(self, request):
        return request.user.has_perm("insights.publish_theme")

    def get_readonly_fields(self, request, obj=None):
        # As with articles: editors write drafts, publishers decide what goes live.
        return [] if self.has_publish_permission(request) else ["status"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Theme.Status.PUBLISHED and not self.has_publish_permission(request):
            return False  # a live theme changes only through a publisher
        return super().has_change_permission(request, obj)

    def save_model(self, request, theme, form, change):
        if theme.status == Theme.Status.PUBLISHED and not self.has_publish_permission(request):
            raise PermissionDenied
        super().save_model(request, theme, form, change)

    def view_on_site(self, theme):
        # A draft has no public page yet: its change form offers the preview instead.
        return theme.get_absolute_url() if theme.status == Theme.Status.PUBLISHED else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # The saved theme in the public page, with a banner (insights.views.theme_preview).
            context["preview_url"] = reverse("insights:theme_preview", args=[obj.slug])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inside the admin's transaction: the theme pages and their list change with it (articles:
        # they show its sections, and search lists themes), and the story pages that name it.
        changed(Scope.ARTICLES, Scope.THEMES)

    def delete_model(self, request, theme):
        super().delete_model(request, theme)
        changed(Scope.ARTICLES, Scope.THEMES)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        changed(Scope.ARTICLES, Scope.THEMES)


class ThemeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, theme):
        suggested = getattr(self, "suggested", {}).get(theme.pk)
        if suggested:
            words = ", ".join(f"\u201c{word}\u201d" for word in suggested)
            return format_html("{} <strong>(suggested: the story mentions {})</strong>", theme.title, words)
        return theme.title if theme.status == Theme.Status.PUBLISHED else f"{theme.title} (draft)"


class StoryWithThemesForm(forms.ModelForm):
    themes = ThemeChoices(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The theme pages this story appears on once it is published.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["themes"] = list(self.instance.themes.values_list("pk", flat=True))
            words = f"{self.instance.title}\n{self.instance.text}"
            themes = self.fields["themes"]
            themes.suggested = {theme.pk: found for theme in themes.queryset if (found := theme.matches(words))}


class StoryWithThemesAdmin(StoryAdmin):
    """The moderation change form, with the story's themes: saved with the edits and the decision."""

    form = StoryWithThemesForm
    fieldsets = [*StoryAdmin.fieldsets[:2], ("Themes", {"fields": ["themes"]}), *StoryAdmin.fieldsets[2:]]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status == Story.Status.WITHDRAWN:
            return StoryAdmin.fieldsets  # nothing of a withdrawn story is kept or tagged
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "themes"]

    def save_model(self, request, story, form, change):
        # A live story's answers as counted, before the edits (the side effects are saved later).
        saved = Story.objects.filter(pk=story.pk, status=Story.Status.APPROVED).first()
        form.counted_answers = counts.answers(saved) if saved else None
        # The workflow saves the story's own columns; the themes are this app's rows (save_related).
        edits = [name for name in form.changed_data if name != "themes"]
        story.save_edits(by=request.user, fields=edits, confirmed=request.POST.get("_confirmed_flags", ""))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.counted_answers is not None:
            counts.changed(form.counted_answers, counts.answers(form.instance))
        if "themes" in form.changed_data:
            form.instance.themes.set(form.cleaned_data["themes"])
            if form.instance.status == Story.Status.APPROVED:
                changed(Scope.STORIES)  # a live story joins or leaves theme pages


admin.site.unregister(Story)
admin.site.register(Story, StoryWithThemesAdmin)
