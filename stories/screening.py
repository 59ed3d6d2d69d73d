"""Screening of submitted stories: things a moderator must look at before publishing.

Each pattern errs towards flagging. A flag never blocks a story; it shows a moderator
where to look, and urgent words make the thank-you page show where to get help.
"""

import re

_NUMBER_WORD = r"(?:\d+(?:[.,/]\d+)?|a half|half an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_EYES = r"(?:the\s+)?(?:whites\s+of\s+)?(?:my|the|his|her|their)?\s*eyes"

PATTERNS = {
    "email": (
        "E-mail address",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    "phone": (
        "Phone number",
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\(?\d{2,5}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\d)"),
    ),
    "link": (
        "Web link",
        re.compile(
            r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|co\.uk|org\.uk|uk|io|info|biz|shop)\b(?:/\S*)?",
            re.IGNORECASE,
        ),
    ),
    # Ten digits, spaced or not, may be an NHS number; longer runs are other identifiers.
    "long_number": (
        "Long number (possible health-service number)",
        re.compile(r"(?<!\d)\d(?:[\s-]?\d){9,}(?!\d)"),
    ),
    "dose": (
        "Dose or dosing instruction",
        re.compile(
            rf"\b\d+(?:[.,]\d+)?\s*(?:mg|milligrams?|mcg|micrograms?|ml|g)(?:\s*/\s*kg)?\b"
            rf"|\b{_NUMBER_WORD}\s+(?:tablets?|pills?|capsules?)"
            rf"(?:\s+(?:a|per|each|every)\s+(?:day|week|morning|evening|night))?\b"
            rf"|\b(?:once|twice|three times)\s+(?:a|per)\s+day\b",
            re.IGNORECASE,
        ),
    ),
    "urgent_symptom": (
        "Urgent symptom",
        re.compile(
            r"\b(?:fevers?|feverish|high temperature|(?:a|running a) temperature|chills|infections?"
            r"|bleed(?:s|ing)?|bled|bruis(?:es|ed|ing)"
            r"|jaundice[d]?|yellow(?:ish)?\s+(?:skin|" + _EYES + r")"
            r"|(?:skin|eyes)\s+(?:turned|went|were|was|are|is|looked|looking|going|turning)\s+yellow)\b",
            re.IGNORECASE,
        ),
    ),
    "self_harm": (
        "Suicidal thoughts or self-harm",
        re.compile(
            r"\b(?:suicid\w*|kill(?:ing)?\s+myself|end(?:ing)?\s+(?:my\s+life|it\s+all)|want(?:ed)?\s+to\s+die"
            r"|(?:do\s*n[o']?t|did\s*n[o']?t)\s+want\s+to\s+(?:live|be\s+here)|self[-\s]harm\w*)\b",
            re.IGNORECASE,
        ),
    ),
}

FLAG_LABELS = {kind: label for kind, (label, _) in PATTERNS.items()}


def find_flags(text):
    """Every match in `text`, as JSON-ready dicts ordered by position."""
    flags = [
        {"kind": kind, "match": match.group(), "start": match.start(), "end": match.end()}
        for kind, (_, pattern) in PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    return sorted(flags, key=lambda flag: (flag["start"], -flag["end"]))


def flag_labels(flags):
    """The distinct kinds found, in a stable order, as moderators read them."""
    kinds = {flag["kind"] for flag in flags}
    return [label for kind, label in FLAG_LABELS.items() if kind in kinds]
