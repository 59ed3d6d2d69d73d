"""The review workflow in the admin: request changes, unpublish (always after a confirmation), the state filter."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.models import Article
from imuran_info.forms import AccessibleErrorsMixin

STATES = [
    ("draft", "Draft"),
    ("in_review", "In review"),
    ("changes_requested", "Changes requested"),
    ("scheduled", "Scheduled"),
    ("live", "Live"),
    ("live_with_changes", "Live with draft changes"),
]


def state_key(article):
    if article.review_state:
        return article.review_state
    if article.status == Article.Status.DRAFT:
        return "draft"
    if article.is_scheduled:
        return "scheduled"
    return "live_with_changes" if article.has_unpublished_changes else "live"


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return STATES

    def queryset(self, request, queryset):
        if self.value() not in dict(STATES):
            return queryset
        # "Live with draft changes" compares the live copy with the draft in
        # Python; a site has tens of articles, not thousands.
        return queryset.filter(pk__in=[article.pk for article in queryset if state_key(article) == self.value()])


class RequestChangesForm(AccessibleErrorsMixin, forms.Form):
    comment = forms.CharField(
        label="What should the editor change?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The editor sees this at the top of the article, and by e-mail.",
    )


class WorkflowAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        request_changes = view(self.request_changes_view)
        return [
            path("<int:object_id>/request-changes/", request_changes, name="articles_article_request_changes"),
            path("<int:object_id>/unpublish/", view(self.unpublish_view), name="articles_article_unpublish"),
            *super().get_urls(),
        ]

    def _article_for_publisher(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not (self.has_change_permission(request, article) and self.has_publish_permission(request)):
            raise PermissionDenied
        return article

    def _page(self, request, article, template, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            **context,
        }
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def request_changes_view(self, request, object_id):
        article = self._article_for_publisher(request, object_id)
        form = RequestChangesForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            change_url = request.build_absolute_uri(reverse("admin:articles_article_change", args=[article.pk]))
            article.request_changes(by=request.user, comment=form.cleaned_data["comment"], change_url=change_url)
            self.log_change(request, article, f"Requested changes: {form.cleaned_data['comment']}")
            messages.success(request, f"Changes requested: the editor of “{article.title}” sees your comment.")
            return redirect("admin:articles_article_changelist")
        return self._page(
            request, article, "request_changes.html", form=form, title=f"Request changes to “{article.title}”"
        )

    def unpublish_view(self, request, object_id):
        article = self._article_for_publisher(request, object_id)
        if request.method == "POST":
            self._unpublish(request, [article])
            return redirect("admin:articles_article_change", article.pk)
        return self._page(
            request, article, "unpublish_confirm.html", articles=[article], title=f"Unpublish “{article.title}”?"
        )

    @admin.action(description="Unpublish the selected articles…", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        # Like Django's own delete action: a confirmation page first, then the same POST with "confirmed".
        if request.POST.get("confirmed") == "yes":
            self._unpublish(request, list(queryset))
            return None
        return self._page(
            request,
            None,
            "unpublish_confirm.html",
            articles=list(queryset),
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
            title="Unpublish these articles?",
        )

    def _unpublish(self, request, articles):
        for article in articles:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Unpublished.")
                article.unpublish()
            self.log_change(request, article, "Unpublished.")
        self.message_user(request, f"{len(articles)} article(s) unpublished: patients no longer see them.")
