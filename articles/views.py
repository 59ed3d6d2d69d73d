from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from articles.forms import ProblemReportForm
from articles.models import Article


def can_preview_drafts(user):
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


def article_detail(request, slug):
    try:
        article = Article.objects.published().get(slug=slug)
    except Article.DoesNotExist:
        if not can_preview_drafts(request.user):
            raise Http404("No such article.") from None
        article = get_object_or_404(Article, slug=slug)

    # One small query gives the whole reading order, for previous/next links.
    sections = list(Article.objects.published().in_reading_order().only("slug", "title", "position"))
    index = next((i for i, s in enumerate(sections) if s.pk == article.pk), None)
    previous_section = sections[index - 1] if index else None
    next_section = sections[index + 1] if index is not None and index + 1 < len(sections) else None

    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "references": article.references.all(),
            "previous_section": previous_section,
            "next_section": next_section,
        },
    )


def report_problem(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.article = article
        report.save()
        messages.success(request, "Thank you. An editor will look at the problem you reported.")
        return redirect(article)
    return render(request, "articles/report_problem.html", {"article": article, "form": form})
