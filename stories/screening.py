"""Screening of submitted text: what a moderator must look at before publishing.

One screening serves everyone: the author's thank-you page shows where to get help
when it finds urgent signs, the moderator sees the same flags highlighted, and a
flag must be confirmed (or redacted away) before a story can be published. Other
apps import it too: articles check for doses with `find_flags(text, kinds={"dose"})`,
search can ask `urgent_flags(query)`.

Patterns err towards flagging. Urgent signs are the exception that needs care:
a story that says "no fever", or tells of chickenpox as a child, or quotes the
leaflet ("it can cause bruising") is not someone with that sign now, and a help box
on every story would teach authors to ignore it.
"""

import hashlib
import json
import re

_NUMBER_WORD = r"(?:\d+(?:[.,/]\d+)?|a half|half an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_EYES = r"(?:the\s+)?(?:whites\s+of\s+)?(?:my|the|his|her|their)?\s*eyes"
_PERSON = r"(?:my|the|his|her|their)"
_SEVERE = (
    r"(?:severe|bad|terrible|awful|agoni[sz]ing|excruciating|sharp|intense|horrible|unbearable|crippling|extreme"
    r"|really\s+bad|the\s+worst)"
)
_TUMMY = r"(?:tummy|stomach|abdominal|belly|abdomen)"


def _any(*alternatives):
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# The signs in the site's "Get help urgently" and emergency boxes (templates/includes/urgent_help.html),
# in the words people use for them.
_URGENT_SIGNS = _any(
    # Hard to breathe.
    r"(?:could\s*n[o'’]?t|can\s*not|can['’]?t|unable\s+to|struggl\w*\s+to|hard\s+to|hardly|barely)\s+breathe",
    r"(?:short(?:ness)?\s+of|out\s+of|catch\s+my)\s+breath",
    r"breathless\w*",
    r"(?:difficulty|difficulties|trouble|problems?|struggl\w*)\s+(?:with\s+)?breathing",
    r"breathing\s+(?:was\s+|got\s+|became\s+)?(?:very\s+)?(?:difficult|hard|laboured|a\s+struggle)",
    r"wheez\w*",
    r"gasp\w*\s+for\s+(?:air|breath)",
    # Chest pain.
    r"chest\s+(?:pains?|tightness|hurt\w*|ached?|(?:was|felt)\s+tight)",
    rf"pains?\s+in\s+{_PERSON}\s+chest",
    r"tight\s+chest",
    # Swelling of the lips, mouth, face, throat or tongue; a rash that blisters or peels.
    r"(?:lips?|face|throat|tongue|mouth|eyelids?)\s+(?:\w+\s+){0,4}(?:swell\w*|swollen|puff\w*|closing|closed\s+up)",
    rf"(?:swollen|swelling\s+(?:of|in|around)(?:\s+{_PERSON})?)\s+(?:lips?|face|throat|tongue|mouth|eyelids?)",
    r"rash\w*\s+(?:\w+\s+){0,3}(?:blister\w*|peel\w*)",
    r"blister\w*\s+(?:rash|skin)",
    r"skin\s+(?:\w+\s+){0,5}(?:peel\w*|blister\w*)",
    # Infection: fever, chills, a sore throat.
    r"fevers?|feverish|(?:high|a)\s+temperature|temperature\s+of\s+\d+|chills|shiver\w*|rigou?rs",
    r"sore\s+throats?|throat\s+(?:was|is|felt|got|became)\s+(?:\w+\s+)?sore",
    r"infections?|infected|sepsis|pneumonia|tonsillitis|flu-like|night\s+sweats",
    # Bruising or bleeding.
    r"bruis\w*|bleed\w*|bled|nosebleeds?|coughing\s+up\s+blood",
    r"blood\s+(?:in|when)\s+(?:my\s+)?(?:pee|urine|wee|poo|stools?|vomit|sick|spit)",
    r"(?:black|tarry)\s+(?:poo|stools?)|(?:tiny\s+)?(?:red|purple)\s+spots",
    # Yellow skin or eyes.
    rf"jaundice\w*|yellow(?:ish|y)?\s+(?:skin|{_EYES})|(?:skin|eyes)\s+(?:\w+\s+){{0,2}}yellow|turned\s+yellow",
    # Severe tummy pain.
    rf"{_SEVERE}\s+(?:\w+\s+)?{_TUMMY}\s+(?:pains?|ache|cramps?)",
    rf"{_TUMMY}\s+(?:pains?|ache)\s+(?:\w+\s+){{0,2}}{_SEVERE}",
    rf"{_SEVERE}\s+pains?\s+in\s+{_PERSON}\s+{_TUMMY}",
    r"doubled\s+(?:over|up)|pancreatitis",
    # Close to someone with chickenpox or shingles.
    r"chicken\s*-?\s*pox|shingles|measles",
)

_SELF_HARM = _any(
    r"suicid\w*",
    r"kill(?:ing)?\s+myself",
    r"end(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all)",
    r"tak(?:e|ing)\s+my\s+(?:own\s+)?life",
    r"want(?:ed)?\s+to\s+die",
    r"better\s+off\s+dead",
    r"wish(?:ed)?\s+i\s+(?:was|were)\s+dead",
    r"(?:do|did|does)\s*n[o']?t\s+want\s+to\s+(?:live|be\s+here|go\s+on|carry\s+on|wake\s+up)",
    r"no\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on|carrying\s+on)",
    r"not\s+worth\s+living",
    r"self[-\s]?harm\w*",
    r"(?:hurt|harm|cut)(?:ting)?\s+myself",
    r"overdos\w*",
)

_NAME_WORD = r"[A-Z][a-z'\u2019-]+"
_RELATIVE = (
    r"(?:husband|wife|partner|son|daughter|mum|mother|dad|father|sister|brother|friend|nurse|consultant|doctor"
    r"|GP|specialist|carer|girlfriend|boyfriend|grandson|granddaughter|neighbour)"
)

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
    # Case matters here: a capital letter is most of what tells a name from a word.
    "name": (
        "Name of a person or place",
        re.compile(
            rf"\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Prof|Professor|Nurse|Sister)\.?\s+{_NAME_WORD}"
            rf"|\b(?i:my\s+name\s+is|i\s+am\s+called|i'm\s+called|call\s+me)\s+{_NAME_WORD}"
            rf"|\b(?i:my)\s+{_RELATIVE}\s+(?!I\b){_NAME_WORD}"
            rf"|\b(?!The\b){_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}\s+(?:Hospital|Infirmary|Clinic|Medical\s+Centre"
            rf"|Health\s+Centre|Surgery)\b"
        ),
    ),
    "urgent_symptom": (
        "Urgent symptom",
        re.compile(_URGENT_SIGNS, re.IGNORECASE),
    ),
    "self_harm": (
        "Suicidal thoughts or self-harm",
        re.compile(_SELF_HARM, re.IGNORECASE),
    ),
}

FLAG_LABELS = {kind: label for kind, (label, _) in PATTERNS.items()}
URGENT_KINDS = frozenset({"urgent_symptom", "self_harm"})

# --- When a sign is not a sign now.

# Where a statement ends: a denial covers its own statement only ("no rash, then a fever" has a fever).
_CLAUSE_END = re.compile(r"[.!?;:\n,]|\b(?:and|but|then|so|until|although|though|because|whereas)\b", re.IGNORECASE)
# A time ("as a child") covers the rest of its clause, across "and": "years ago I fell and bruised my arm".
_PART_END = re.compile(r"[.!?;:\n,]|\b(?:but|then|until|although|though|whereas)\b", re.IGNORECASE)
# "no", "not", "never"... followed only by small words: "I have not had a fever", "never any bruising".
# A content word in between ("I did not realise the bruising") keeps the sign.
_NEGATED = re.compile(
    r"(?:\bno|\bnot|\bnever|\bwithout|\bnor|n't|\bfree\s+(?:of|from)|\bzero)\s+"
    r"(?:(?:\w+\s+or|any|a|an|the|single|real|more|further|signs?|of|have|had|has|get|got|getting|having|experienced?"
    r"|noticed?|developed?|been|felt|feel|suffered|suffer|from|with|serious|major|obvious|unusual|even|ever|once)\s+){0,4}$",
    re.IGNORECASE,
)
# Long ago, or before treatment: "as a child", "years ago", "in 2009", "before I started Imuran".
_LONG_AGO = re.compile(
    r"\bas\s+a\s+(?:child|kid|baby|teenager|toddler)\b"
    r"|\bwhen\s+i\s+was\s+(?:little|young|small|a\s+(?:child|kid|baby|teenager|toddler)|\d+|at\s+school)\b"
    r"|\b(?:\d+|a\s+few|several|many|two|three|four|five|ten|twenty)\s+years\s+ago\b|\bdecades?\s+ago\b"
    r"|\b(?:in|back\s+in)\s+(?:19|20)\d\d\b|\bin\s+my\s+(?:childhood|teens|twenties)\b|\blong\s+before\b"
    r"|\bbefore\s+(?:i\s+(?:started|began|was\s+(?:put|started|diagnosed))|starting|taking|imuran|azathioprine"
    r"|my\s+diagnosis)\b",
    re.IGNORECASE,
)
# Advice and possibilities rather than events: "if you get a fever", "it can cause bruising".
_NOT_AN_EVENT = re.compile(
    r"\b(?:if|in\s+case|watch\s+(?:out\s+)?for|look\s+out\s+for|can\s+cause|may\s+cause|might\s+cause|could\s+cause"
    r"|risk\s+of|chance\s+of|told\s+(?:me|us)\s+(?:to|about)|warned\s+(?:me|us)|asked\s+(?:me\s+)?(?:about|whether)"
    r"|check(?:ed|s)?\s+(?:for|whether)|tested\s+for|vaccin\w*|immune\s+to|leaflet\s+(?:says|lists|mentions))\b",
    re.IGNORECASE,
)


def _around(text, start, end, boundary):
    """The part of `text` between the boundaries around start:end, and the part of it before start."""
    part_start = max((m.end() for m in boundary.finditer(text, 0, start)), default=0)
    after = boundary.search(text, end)
    return text[part_start:start], text[part_start : after.start() if after else len(text)]


def _is_a_sign_now(text, match):
    before, _ = _around(text, match.start(), match.end(), _CLAUSE_END)
    _, part = _around(text, match.start(), match.end(), _PART_END)
    return not (_NEGATED.search(before) or _NOT_AN_EVENT.search(before) or _LONG_AGO.search(part))


def find_flags(text, kinds=None):
    """Every match in `text` (of the given kinds, or all), as JSON-ready dicts ordered by position."""
    flags = []
    for kind, (_, pattern) in PATTERNS.items():
        if kinds is not None and kind not in kinds:
            continue
        for match in pattern.finditer(text):
            # Self-harm words are never explained away: showing the crisis box by mistake costs little.
            if kind == "urgent_symptom" and not _is_a_sign_now(text, match):
                continue
            flags.append({"kind": kind, "match": match.group(), "start": match.start(), "end": match.end()})
    return sorted(flags, key=lambda flag: (flag["start"], -flag["end"]))


def urgent_flags(text):
    """The urgent signs and self-harm words in `text` (the same screening that drives the help boxes)."""
    return find_flags(text, kinds=URGENT_KINDS)


def flag_labels(flags):
    """The distinct kinds found, in a stable order, as moderators read them."""
    kinds = {flag["kind"] for flag in flags}
    return [label for kind, label in FLAG_LABELS.items() if kind in kinds]


def flags_digest(flags):
    """A short fingerprint of what was flagged, so a confirmation covers exactly the flags a moderator saw."""
    seen = json.dumps([(flag["kind"], flag["match"]) for flag in flags])
    return hashlib.sha256(seen.encode()).hexdigest()[:16]
