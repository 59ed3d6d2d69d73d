from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from articles.forms import ProblemReportForm
from articles.models import Article, FormerSlug
from page_cache.generations import Scope
from page_cache.pages import public_page, seconds_until
from stories import throttle


def can_preview_drafts(user):
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


def editorial_check_date(article):
    """The date the page says the editors last checked it: never before it was first published,
    because publishing is itself a check (and a page cannot be checked before it exists here)."""
    if article.published_at is None:
        return article.last_reviewed
    return max(article.last_reviewed, timezone.localdate(article.published_at))


def _render_article(request, article, content, *, preview):
    # One small query gives the whole reading order, for previous/next links.
    sections = list(Article.objects.published().in_reading_order().with_next_go_live().only("slug", "live"))
    index = next((i for i, s in enumerate(sections) if s.pk == article.pk), None)
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "content": content,
            "preview": preview,
            "checked_on": editorial_check_date(article),
            "previous_section": sections[index - 1] if index else None,
            "next_section": sections[index + 1] if index is not None and index + 1 < len(sections) else None,
            "change_log": article.publications.all()[:20],
        },
    )
    # Nothing public yet (say, all scheduled): too rare to cache, and must not go stale.
    response.cache_timeout = seconds_until(sections[0].next_go_live) if sections else 0
    return response


@public_page(scopes=[Scope.ARTICLES])
def article_detail(request, slug):
    try:
        article = Article.objects.published().get(slug=slug)
    except Article.DoesNotExist:
        moved = _moved_article(slug)
        if moved is not None:
            return redirect(moved, permanent=True)
        if not can_preview_drafts(request.user):
            raise Http404("No such article.") from None
        # Staff following a link to an article that is not live yet see its draft.
        return article_preview(request, slug)
    return _render_article(request, article, article.live, preview=False)


def _moved_article(slug):
    """The live article that used to be at this address, if any (its former addresses redirect for good)."""
    former = FormerSlug.objects.filter(slug=slug).select_related("article").first()
    if former is not None and Article.objects.published().filter(pk=former.article_id).exists():
        return former.article
    return None


def article_preview(request, slug):
    """The saved draft exactly as patients would see it, for staff only."""
    if not can_preview_drafts(request.user):
        raise Http404("No such article.")
    article = get_object_or_404(Article.objects.prefetch_related("references"), slug=slug)
    return _render_article(request, article, article.snapshot(), preview=True)


def report_problem(request, slug):
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        moved = _moved_article(slug)
        if moved is None:
            raise Http404("No such article.")
        return redirect("articles:report_problem", moved.slug, permanent=True)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form.is_spam or form.is_valid()):
        # The same hourly limit and honeypot as patient stories (stories/throttle.py).
        if not form.is_spam:
            if not throttle.take_place("problem", throttle.client_hash(request)):
                context = {"article": article, "form": throttle.refuse(form)}
                return render(request, "articles/report_problem.html", context, status=429)
            form.instance.article = article
            form.save()
        messages.success(request, "Thank you. An editor will look at the problem you reported.")
        return redirect(article)
    return render(request, "articles/report_problem.html", {"article": article, "form": form})
