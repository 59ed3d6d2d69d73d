"""The one way Markdown becomes HTML on this site.

Python-Markdown renders, then nh3 keeps only the tags, attributes and URL
schemes listed here. The public pages and the markdownx admin preview both call
render_markdown(), so editors see exactly what readers will get.
"""

import html
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

import markdown
import nh3

# No <h1>: the article title is the page's only one, so editors start at "##".
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"scope"},
}  # fmt: skip
# No javascript:, data: or vbscript: links, whatever their spelling.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Rendered:
    html: str
    # Flat list of {"id", "title", "level"} for the h2/h3 headings, in order.
    toc: list = field(default_factory=list)
    # Image addresses on other sites, removed from the HTML (see FOREIGN_IMAGE_MESSAGE).
    foreign_images: list = field(default_factory=list)


# The site's Content-Security-Policy allows images from this site only
# (img-src 'self'): an image from elsewhere would be blocked in every browser.
FOREIGN_IMAGE_MESSAGE = (
    "Images must be stored on this site. {addresses} is on another site, and the site's security policy "
    "(Content-Security-Policy img-src 'self') stops browsers loading it, so patients would see a broken image. "
    "Save the image, then add it with “Insert image”, which stores it here with its alt text."
)


def is_on_this_site(address):
    # Only a path on this site: no scheme and no host. Browsers read a backslash
    # as "/", so a path starting "/" + backslash would leave the site: normalise first.
    address = address.strip().replace("\\", "/")
    parts = urlsplit(address)
    return not parts.scheme and not parts.netloc and not address.startswith("//")


def _markdown():
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={
            # Only "##" and "###" headings go into the page's contents list.
            "toc": {"permalink": False, "toc_depth": "2-3"},
        },
        output_format="html",
    )


def _flatten(tokens):
    for token in tokens:
        yield {"id": token["id"], "title": html.unescape(token["name"]), "level": token["level"]}
        yield from _flatten(token["children"])


def _filter_attribute(foreign_images, tag, attribute, value):
    # Heading ids are for the contents list; an "id_..." would collide with the
    # admin's own form fields when the preview is shown inside the change form.
    if attribute == "id" and value.startswith("id_"):
        return None
    if tag == "img" and attribute == "src" and not is_on_this_site(value):
        foreign_images.append(value)
        return None
    return value


def sanitise(unsafe_html, foreign_images=None):
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=partial(_filter_attribute, [] if foreign_images is None else foreign_images),
    )


def render(text):
    md = _markdown()
    unsafe = md.convert(text or "")
    foreign_images = []
    safe = sanitise(unsafe, foreign_images)
    return Rendered(html=safe, toc=list(_flatten(md.toc_tokens)), foreign_images=foreign_images)


def foreign_image_message(addresses):
    return FOREIGN_IMAGE_MESSAGE.format(addresses=", ".join(f"“{address}”" for address in addresses))


def render_markdown(text):
    """MARKDOWNX_MARKDOWNIFY_FUNCTION: the admin live preview."""
    return render(text).html
