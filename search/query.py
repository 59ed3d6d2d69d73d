"""What a query means (words, synonyms, corrected typos) and the sections and stories it finds.

PostgreSQL does the work: weighted full text over the stored section vectors (GIN),
the stories' own expression index (stories migration 0005), ts_rank, ts_headline,
and pg_trgm for typos. SQLite (development) gives the same answers the simple way:
the same Snowball stems compared in Python, difflib for typos.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, CharField, Count, F, Func, IntegerField, Q, Value, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe

from page_cache.generations import Scope, remember_until_changed
from search.models import Section, Synonym, Word
from search.text import MAX_WORDS, STOP_WORDS, WORD, normalise, stem, stems, words

SECTIONS_SHOWN = 10
STORIES_SHOWN = 10
# Weights of the section vector, as ts_rank takes them: D (text), C, B (article title), A (heading).
WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}
# Marks around matched words inside a snippet, chosen because escape() leaves them alone and no
# indexed text holds them: the snippet is escaped first, then only these become <mark>.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
# pg_trgm similarity a correction needs: "nausia" and "nausea" share 0.4, "xylophone" and "phone" 0.33.
TYPO_SIMILARITY = 0.4


@dataclass
class Group:
    """One thing the patient asked about: their words, or any of their alternatives."""

    typed: str
    alternatives: list  # phrases (strings), the typed words first

    @property
    def alternative_stems(self):
        return [tuple(stems(phrase)) for phrase in self.alternatives if stems(phrase)]


@dataclass
class Meaning:
    query: str
    groups: list = field(default_factory=list)
    corrected: str = ""  # the query with its typos corrected, for "Did you mean"

    def __bool__(self):
        return bool(self.groups)


@remember_until_changed(Scope.ARTICLES)
def lexicon():
    """({patients' words: [article words]}, {known stems}): read once per articles generation."""
    synonyms = {synonym.words: synonym.alternatives for synonym in Synonym.objects.all()}
    vocabulary = frozenset(Word.objects.values_list("word", flat=True))
    return synonyms, vocabulary, frozenset(stem(word) for word in vocabulary)


def understand(query):
    query = normalise(query)
    synonyms, vocabulary, known = lexicon()
    tokens = [w for w in words(query) if w not in {"s", "t", "don"}]
    groups, position = [], 0
    longest = max((len(key.split()) for key in synonyms), default=1)
    while position < len(tokens) and len(groups) < MAX_WORDS:
        for size in range(min(longest, len(tokens) - position), 0, -1):
            phrase = " ".join(tokens[position : position + size])
            if phrase in synonyms:
                groups.append(Group(phrase, [phrase, *synonyms[phrase]]))
                position += size
                break
        else:
            word = tokens[position]
            position += 1
            if word not in STOP_WORDS:
                groups.append(Group(word, [word]))
    meaning = Meaning(query, [group for group in groups if group.alternative_stems])
    _correct_typos(meaning, synonyms, vocabulary, known)
    return meaning


def _correct_typos(meaning, synonyms, vocabulary, known):
    unknown = [
        group
        for group in meaning.groups
        if len(group.alternatives) == 1
        and group.typed.isalpha()
        and len(group.typed) >= 4
        and stem(group.typed) not in known
    ]
    if not unknown:
        return
    corrections = _closest_words([group.typed for group in unknown], vocabulary)
    for group in unknown:
        if better := corrections.get(group.typed):
            group.alternatives += [better, *synonyms.get(better, [])]
    if any(corrections.values()):
        meaning.corrected = " ".join(corrections.get(w) or w for w in meaning.query.split())


def _closest_words(typed, vocabulary):
    if connection.vendor != "postgresql":
        return {word: next(iter(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)), None) for word in typed}
    # One query for all the unknown words, each "%" match found through the trigram (GIN) index.
    similarity = {f"s{i}": TrigramSimilarity("word", word) for i, word in enumerate(typed)}
    near = reduce(or_, (Q(word__trigram_similar=word) for word in typed))
    rows = list(Word.objects.filter(near).annotate(**similarity).values("word", *similarity)[:200])
    best = {}
    for i, word in enumerate(typed):
        scored = [(row[f"s{i}"], row["word"]) for row in rows if row[f"s{i}"] >= TYPO_SIMILARITY]
        best[word] = max(scored, key=lambda pair: (pair[0], -len(pair[1])))[1] if scored else None
    return best


def marked(snippet):
    """The snippet escaped, then its matches (and only they) wrapped in <mark>."""
    safe = escape(snippet)
    return mark_safe(MARKED.sub(r"<mark>\1</mark>", safe).replace(START, "").replace(STOP, ""))  # noqa: S308


# --- PostgreSQL -------------------------------------------------------------------------------


def _search_query(alternative):
    kind = "phrase" if len(alternative.split()) > 1 else "plain"
    return SearchQuery(alternative, search_type=kind, config="english")


def _group_query(group):
    return reduce(or_, (_search_query(alt) for alt in group.alternatives))


class StoriesFound(Func):
    """True for the ids search_stories() returns (search migration 0003): computed once, through the index."""

    template = "stories_story.id = ANY((SELECT search_stories(%(expressions)s))::bigint[])"
    output_field = BooleanField()


def _headline(column, query):
    return SearchHeadline(
        column, query, config="english", start_sel=START, stop_sel=STOP, max_words=30, min_words=12, max_fragments=1
    )


def _pg_sections(meaning):
    query = reduce(or_, (_group_query(group) for group in meaning.groups))
    rows = (
        Section.objects.public()
        .filter(vector=query)
        .select_related("article")
        .only("anchor", "heading", "article_title", "article__slug")
        .annotate(
            rank=SearchRank(F("vector"), query, weights=[WEIGHTS[w] for w in "DCBA"]),
            snippet=_headline("text", query),
            total=Window(Count("id")),
        )
        .order_by("-rank", "article__position", "position")[:SECTIONS_SHOWN]
    )
    rows = list(rows)
    return rows, (rows[0].total if rows else 0)


def _pg_stories(meaning, stories, condition, side_effect_id):
    query = reduce(and_, (_group_query(group) for group in meaning.groups))
    found = StoriesFound(
        query,
        Value(condition or "", output_field=CharField()),
        Value(side_effect_id or 0, output_field=BigIntegerField()),
        Value(STORIES_SHOWN + 1, output_field=IntegerField()),
    )
    return stories.filter(found).annotate(snippet=_headline("text", query)).order_by("-submitted_at", "-id")


# --- SQLite (development): the same stems, compared in Python ---------------------------------


def _occurrences(haystack, needle):
    n = len(needle)
    return sum(1 for i in range(len(haystack) - n + 1) if tuple(haystack[i : i + n]) == needle)


def _score(section, meaning):
    """ts_rank's formula for an OR query, over the same stems and weights; 0 when nothing matches."""
    fields = {"A": stems(section.heading), "B": stems(section.article_title), "D": stems(section.text)}
    alternatives = [alt for group in meaning.groups for alt in group.alternative_stems]
    if not any(_occurrences(found, alt) for alt in alternatives for found in fields.values()):
        return 0.0
    score = 0.0
    for lexeme in {s for alt in alternatives for s in alt}:
        weights = sorted((WEIGHTS[w] for w, found in fields.items() for s in found if s == lexeme), reverse=True)
        # Each further occurrence counts less: the first fully, the second a quarter, the third a ninth...
        score += sum(weight / (j + 1) ** 2 for j, weight in enumerate(weights))
    return score


def _snippet(text, meaning, size=30):
    wanted = {s for group in meaning.groups for alt in group.alternative_stems for s in alt}
    tokens = text.split()
    hits = [i for i, token in enumerate(tokens) if any(stem(w) in wanted for w in words(token))]
    start = max(0, (hits[0] if hits else 0) - 5)
    window = " ".join(tokens[start : start + size])
    return WORD.sub(lambda match: f"{START}{match[0]}{STOP}" if stem(match[0]) in wanted else match[0], window)


def _python_sections(meaning):
    scored = []
    for section in Section.objects.public().select_related("article").order_by("article__position", "position"):
        if score := _score(section, meaning):
            section.rank, section.snippet = score, _snippet(section.text, meaning)
            scored.append(section)
    scored.sort(key=lambda section: -section.rank)
    return scored[:SECTIONS_SHOWN], len(scored)


def _python_stories(meaning, stories):
    # Every group somewhere in the title or text: "vaccin" also finds "vaccines" and "vaccination".
    for group in meaning.groups:
        either = Q()
        for alt in group.alternative_stems:
            either |= reduce(and_, (Q(title__icontains=s) | Q(text__icontains=s) for s in alt))
        stories = stories.filter(either)
    return stories.order_by("-submitted_at", "-id")


@remember_until_changed(Scope.ARTICLES)
def published_themes():
    """[(title, summary, address, stems of its title, summary and keywords)]: a few dozen at most.

    Theme changes move the articles generation, so a warm process searches themes with no query.
    """
    from insights.models import Theme

    return [
        (
            theme.title,
            theme.summary,
            theme.get_absolute_url(),
            set(stems(f"{theme.title} {theme.summary} {theme.keywords}")),
        )
        for theme in Theme.objects.published().only("title", "slug", "summary", "keywords").order_by("title")
    ]


def find_themes(meaning):
    """The published themes that name every word the patient asked about (or one of its alternatives)."""
    if not meaning:
        return []
    return [
        {"title": title, "summary": summary, "url": url}
        for title, summary, url, theme_stems in published_themes()
        if all(
            any(set(alternative) <= theme_stems for alternative in group.alternative_stems)
            for group in meaning.groups
            if group.alternative_stems
        )
    ]


def find_sections(meaning):
    """([up to SECTIONS_SHOWN best sections, each with .rank and .snippet], how many matched)."""
    if not meaning:
        return [], 0
    return _pg_sections(meaning) if connection.vendor == "postgresql" else _python_sections(meaning)


def matching_stories(meaning, stories, condition="", side_effect_id=None):
    """The stories of `stories` that match, newest first (a queryset: `make bench` EXPLAINs it).

    `stories` is already filtered by condition and side effect; PostgreSQL's search_stories()
    needs them too, to find the newest matches among the filtered stories.
    """
    if connection.vendor == "postgresql":
        return _pg_stories(meaning, stories, condition, side_effect_id)
    return _python_stories(meaning, stories)


def find_stories(meaning, stories, condition="", side_effect_id=None):
    """Up to STORIES_SHOWN + 1 matching stories from `stories`, newest first, each with .snippet."""
    if not meaning:
        return []
    found = list(matching_stories(meaning, stories, condition, side_effect_id)[: STORIES_SHOWN + 1])
    if connection.vendor != "postgresql":
        for story in found:
            story.snippet = _snippet(story.text, meaning)
    return found
