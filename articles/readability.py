"""Readability figures for an article, measured on the text a reader sees."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import textstat

# Each of these ends a run of text: a heading, a list item or a table cell is
# read as its own line, never glued to the next one.
BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "pre", "br"}
WORDS_PER_MINUTE = 200  # a relaxed adult reading pace for health information


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lines = [""]

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.lines.append("")

    def handle_data(self, data):
        self.lines[-1] += data


def visible_text(html):
    parser = _TextExtractor()
    parser.feed(html)
    return "\n".join(line.strip() for line in parser.lines if line.strip())


@dataclass(frozen=True)
class Readability:
    grade: float
    reading_ease: float
    words: int

    @property
    def minutes(self):
        return max(1, round(self.words / WORDS_PER_MINUTE))


def measure(html):
    text = visible_text(html)
    return Readability(
        grade=textstat.flesch_kincaid_grade(text),
        reading_ease=textstat.flesch_reading_ease(text),
        words=textstat.lexicon_count(text),
    )


# A paragraph needs this many words before its grade means much: the formula
# swings wildly on a line or two.
PARAGRAPH_MIN_WORDS = 15
HARD_PARAGRAPH_GRADE = 10
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z0-9])")


def sentence_grades(text):
    """(grade, sentence) for each sentence of each line of visible text."""
    return [
        (textstat.flesch_kincaid_grade(sentence), sentence)
        for line in text.splitlines()
        for sentence in SENTENCE_END.split(line)
        if textstat.lexicon_count(sentence) >= 3
    ]


def hardest_sentences(html, count=3):
    return sorted(sentence_grades(visible_text(html)), reverse=True)[:count]


def hard_paragraphs(html):
    """(paragraph number, grade, paragraph) for each long enough paragraph above HARD_PARAGRAPH_GRADE."""
    lines = visible_text(html).splitlines()
    return [
        (number, grade, line)
        for number, line in enumerate(lines, start=1)
        if textstat.lexicon_count(line) >= PARAGRAPH_MIN_WORDS
        and (grade := textstat.flesch_kincaid_grade(line)) > HARD_PARAGRAPH_GRADE
    ]
