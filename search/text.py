"""Words in, words out: the same normalising and stemming for indexing and for queries.

PostgreSQL's "english" configuration stems with Snowball's English stemmer; the
SQLite fallback uses the same algorithm (snowballstemmer), so "vaccines",
"vaccination" and "vaccinated" meet on both databases.
"""

import re
import unicodedata

import snowballstemmer

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# PostgreSQL's English stop words (the ones a patient's question is made of); the
# fallback drops the same ones, so "can I have the flu jab" looks for flu and jab on both.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

_stemmer = snowballstemmer.stemmer("english")


def normalise(query):
    """The query as stored and cached: NFKC, no control characters, single spaces, lower case, bounded."""
    text = unicodedata.normalize("NFKC", query or "")
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = text.replace("’", "'")
    return " ".join(text.casefold().split())[:MAX_QUERY_LENGTH].strip()


def words(text):
    return WORD.findall(text.casefold().replace("’", "'"))


def stem(word):
    return _stemmer.stemWord(word.casefold())


def stems(text):
    return [stem(word) for word in words(text) if word not in STOP_WORDS]
