"""How the admin shows untrusted story text: always escaped, with screening flags marked."""

from django.utils.html import format_html, format_html_join

from stories.screening import FLAG_LABELS


def highlight(text, flags):
    """The untrusted text, escaped, with each flagged match wrapped in <mark>."""
    pieces, position = [], 0
    for flag in flags:
        start, end = flag["start"], flag["end"]
        if start < position or text[start:end] != flag["match"]:
            continue  # overlaps a match already marked, or the text is not the one screened
        marked = format_html('<mark title="{}">{}</mark>', FLAG_LABELS.get(flag["kind"], flag["kind"]), text[start:end])
        pieces.append((text[position:start], marked))
        position = end
    return format_html('<div class="story-text">{}{}</div>', format_html_join("", "{}{}", pieces), text[position:])


class FlaggedStory:
    """A story on a confirmation page: its title and text with each flag marked, and the list of flags."""

    def __init__(self, story, flags, digest=""):
        self.story = story
        self.flags = [{**flag, "label": FLAG_LABELS[flag["kind"]]} for flag in flags]
        self.digest = digest
        self.title = highlight(story.title, [flag for flag in flags if flag.get("field") == "title"])
        self.text = highlight(story.text, [flag for flag in flags if flag.get("field", "text") == "text"])
