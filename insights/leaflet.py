"""How often the official leaflet says each side effect happens, in our Side effects article's own words.

We do not keep a second copy of the figures: the insights page reads the live
article, finds the section about each side-effect tag, and takes the frequency
word the editors wrote there ("very common", "common", "rare"...). Patient
leaflets give each word a fixed meaning, which the page prints beside it. When
the editors change the article, the page follows at their next publish.
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags

from articles.models import Article

ARTICLE_SLUG = "side-effects"
# Side-effect tag (its slug) -> the heading id of the section in the Side effects article that covers it.
SECTIONS = {
    "nausea": "what-if-i-feel-sick-or-am-sick",
    "hair-thinning": "what-if-my-hair-thins",
    "low-blood-counts": "what-if-my-blood-counts-drop",
    "liver-problems": "what-about-liver-problems",
    "infections": "what-about-serious-infections",
    "skin-or-sun-sensitivity": "how-do-i-protect-my-skin",
}
# The meaning every patient leaflet in the UK and EU gives these words.
BANDS = {
    "very common": "more than 1 in 10 people",
    "common": "up to 1 in 10 people",
    "uncommon": "up to 1 in 100 people",
    "rare": "up to 1 in 1,000 people",
    "very rare": "up to 1 in 10,000 people",
}
# Longest first, so "very common" is never read as "common".
FREQUENCY_WORD = re.compile(r"\b(very common|very rare|uncommon|common|rare)\b", re.IGNORECASE)
HEADING = re.compile(r'<h[23] id="([^"]+)">')


@dataclass(frozen=True)
class Frequency:
    word: str
    band: str
    section_url: str
    section_title: str

    def __str__(self):
        return f"{self.word.capitalize()} ({self.band})"


def sections_of(body_html):
    """{heading id: text of its section, up to the next h2 or h3}."""
    parts = HEADING.split(body_html)
    # split() gives [before, id1, section1, id2, section2, ...]
    # The heading's own words are not the section's ("What are the common side effects?").
    return {parts[i]: strip_tags(parts[i + 1].partition("</h")[2]) for i in range(1, len(parts) - 1, 2)}


def frequencies():
    """{side-effect slug: Frequency} for the tags whose section gives a frequency word: one query."""
    article = Article.objects.published().filter(slug=ARTICLE_SLUG).only("slug", "live").first()
    if article is None or not article.live:
        return {}
    texts = sections_of(article.live.get("body_html", ""))
    titles = {heading["id"]: heading["title"] for heading in article.live.get("toc", [])}
    found = {}
    for slug, section in SECTIONS.items():
        match = FREQUENCY_WORD.search(texts.get(section, ""))
        if match:
            word = match.group(1).lower()
            url = f"{reverse('articles:detail', args=[article.slug])}#{section}"
            found[slug] = Frequency(word, BANDS[word], url, titles.get(section, ""))
    return found
