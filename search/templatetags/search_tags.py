from django import template

from search.query import marked

register = template.Library()


@register.filter
def safe_snippet(snippet):
    """Escape the snippet, then mark its matches: the only HTML a snippet can carry is <mark>."""
    return marked(snippet)
