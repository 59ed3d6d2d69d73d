"""Readable word-level differences between two saved versions of a text."""

import re
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# Words and the spaces between them, so the diff keeps line breaks intact.
TOKEN = re.compile(r"\s+|\S+")


def word_diff(old, new):
    before, after = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    # Every piece above was escaped on its own.
    return mark_safe("".join(parts))  # noqa: S308
