"""Parts of pages that hold nothing but fixed words and links: rendered once per process.

The header, the search box and the footer, and the fixed parts of story pages and the story
list, hold only links to the site's own pages, which never move while a process runs.
Rendering them (and reversing their dozen addresses) on every page cost about a third of an
uncached story page. Nothing a reader, a story or an editor wrote may go in one.

`{% address "stories:report" story.pk %}` is `{% url %}` for the same fixed addresses, reversed
once per process (pages/addresses.py), for the links a public page renders each time.
"""

from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from pages.addresses import address, urls_in_use

register = template.Library()
register.simple_tag(address)


@register.simple_tag
def site_part(template_name):
    if settings.DEBUG:
        # In development a template edited while the server runs shows at once.
        return render_to_string(template_name)
    # Its links follow the script prefix and URLconf the part is rendered under, as addresses do.
    return _rendered(template_name, *urls_in_use())


@cache
def _rendered(template_name, prefix, urlconf):
    return render_to_string(template_name)
