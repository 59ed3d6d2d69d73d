"""The site's own addresses reversed once per process (pages/addresses.py), and their template tag."""

import pytest
from django.template import engines
from django.urls import reverse

from pages.addresses import address


@pytest.mark.parametrize(
    ("name", "args"), [("stories:list", []), ("stories:report", [7]), ("stories:detail", [123456])]
)
def test_an_address_is_the_one_django_reverses(name, args):
    assert address(name, *args) == reverse(name, args=args)


def test_each_story_number_gets_its_own_address_from_the_one_pattern():
    first, second = address("stories:detail", 1), address("stories:detail", 22)

    assert (first, second) == (reverse("stories:detail", args=[1]), reverse("stories:detail", args=[22]))


def test_an_address_takes_only_whole_numbers_so_nothing_unescaped_reaches_a_page():
    with pytest.raises(ValueError):
        address("stories:detail", "1/../../admin")


def test_the_template_tag_writes_what_the_url_tag_writes():
    template = engines["django"].from_string(
        "{% load site_parts %}{% address 'stories:report' number %}|{% url 'stories:report' number %}"
    )

    ours, djangos = template.render({"number": 42}).split("|")

    assert ours == djangos == "/stories/42/report/"
