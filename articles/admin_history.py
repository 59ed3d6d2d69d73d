"""History in the admin: compare any revision, the live copy or the draft with another; restore a revision."""

import reversion
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from reversion.models import Version

from articles.diff import word_diff
from articles.models import Article, Reference
from articles.readability import visible_text

COMPARED_FIELDS = [("Title", "title"), ("Summary", "summary"), ("Body", "body"), ("References", "references")]


def _references_text(references):
    return "\n".join(f"{ref['title']} | {ref['publisher']} | {ref['url']}" for ref in references)


def version_side(version):
    fields = version.field_dict
    references = sorted(
        (v.field_dict for v in version.revision.version_set.all() if v._model is Reference),
        key=lambda ref: (ref["position"], ref["id"]),
    )
    saved = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
    who = version.revision.user.get_username() if version.revision.user else "the shipped content"
    return {
        "label": f"the version saved {saved} by {who} ({version.revision.get_comment()})",
        "title": fields.get("title", ""),
        "summary": fields.get("summary", ""),
        "body": fields.get("body", ""),
        "references": _references_text(references),
    }


def live_side(article):
    live = article.live
    if not live or article.status != Article.Status.PUBLISHED:
        raise BadRequest("This article has no live copy to compare with.")
    return {
        "label": "the live page (what patients see)",
        "title": live.get("title", ""),
        "summary": live.get("summary", ""),
        # Copies published before the body's Markdown was kept hold only its HTML.
        "body": live["body"] if "body" in live else visible_text(live.get("body_html", "")),
        "references": _references_text(live.get("references", [])),
    }


def draft_side(article):
    return {
        "label": "the saved draft",
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "references": _references_text(article.snapshot()["references"]),
    }


class HistoryAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<int:object_id>/history/<int:version_id>/restore/",
                view(require_POST(self.restore_view)),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _versions(self, article):
        return Version.objects.get_for_object(article).select_related("revision__user")

    def history_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article, pk=object_id)
        context = {"versions": self._versions(article), "has_live": article.status == Article.Status.PUBLISHED}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def _side(self, article, choice):
        """One side of a comparison: "live", "draft" or the id of one of this article's revisions."""
        if choice == "live":
            return live_side(article)
        if choice == "draft":
            return draft_side(article)
        if not choice or not (choice.isascii() and choice.isdigit()) or len(choice) > 18:
            raise BadRequest("Choose two versions to compare.")
        version = self._versions(article).filter(pk=int(choice)).first()
        if version is None:
            raise BadRequest("That version is not one of this article's.")
        return version_side(version)

    def compare_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        older = self._side(article, request.GET.get("from", ""))
        newer = self._side(article, request.GET.get("to", ""))
        fields = [
            (label, word_diff(older[name], newer[name]), older[name] != newer[name]) for label, name in COMPARED_FIELDS
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Compare versions of “{article.title}”",
            "older": older,
            "newer": newer,
            "fields": fields,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(self._versions(article), pk=version_id)
        saved_on = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the version saved on {saved_on}.")
            article.restore(version)
        messages.success(
            request, "The old version is restored as the draft. Check it, then publish it if patients should see it."
        )
        return redirect("admin:articles_article_change", article.pk)
