"""The site's own addresses and fixed page parts, made once per process (pages/addresses.py, site_part)."""

import contextlib

import pytest
from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix, set_urlconf

from pages.addresses import address
from pages.frame import framed


@pytest.mark.parametrize(
    ("name", "args"), [("stories:list", []), ("stories:report", [7]), ("stories:detail", [123456]), ("home", [])]
)
def test_an_address_is_the_one_django_reverses(name, args):
    assert address(name, *args) == reverse(name, args=args)


def test_each_story_number_gets_its_own_address_from_the_one_pattern():
    first, second = address("stories:detail", 1), address("stories:detail", 22)

    assert (first, second) == (reverse("stories:detail", args=[1]), reverse("stories:detail", args=[22]))


@pytest.mark.parametrize("argument", ["1/../../admin", "7", 3.9])
def test_an_address_takes_only_whole_numbers_so_nothing_unescaped_reaches_a_page(argument):
    with pytest.raises(TypeError):
        address("stories:detail", argument)


def test_an_address_refuses_a_negative_number_as_reverse_would():
    with pytest.raises(ValueError, match="negative"):
        address("stories:detail", -5)


@contextlib.contextmanager
def served_under_a_prefix():
    before = get_script_prefix()
    set_script_prefix("/imuran/")
    try:
        yield
    finally:
        set_script_prefix(before)


@pytest.fixture
def site_under_a_prefix():
    with served_under_a_prefix():
        yield


def test_a_site_served_under_a_script_prefix_gets_addresses_under_it(site_under_a_prefix):
    assert address("stories:detail", 5) == reverse("stories:detail", args=[5]) == "/imuran/stories/5/"


def test_a_fixed_part_of_the_page_links_under_the_script_prefix_it_is_rendered_under(settings):
    settings.DEBUG = False  # parts are kept per process only with DEBUG off
    template = engines["django"].from_string('{% load site_parts %}{% site_part "includes/header.html" %}')
    assert 'href="/stories/"' in template.render({})

    with served_under_a_prefix():
        under_a_prefix = template.render({})

    assert 'href="/imuran/stories/"' in under_a_prefix
    assert 'href="/stories/"' not in under_a_prefix


def test_a_converter_that_rewrites_the_number_is_refused_rather_than_linking_every_story_to_one_place():
    set_urlconf("tests.urls_hex")
    try:
        with pytest.raises(ValueError, match="does not write its argument"):
            address("hex-story", 255)
    finally:
        set_urlconf(None)


def test_the_template_tag_writes_what_the_url_tag_writes():
    template = engines["django"].from_string(
        "{% load site_parts %}{% address 'stories:report' number %}|{% url 'stories:report' number %}"
    )

    ours, djangos = template.render({"number": 42}).split("|")

    assert ours == djangos == "/stories/42/report/"


def test_the_frame_around_story_pages_links_under_the_script_prefix_it_is_rendered_under(settings, rf):
    settings.DEBUG = False  # the frame is kept per process only with DEBUG off

    def page():
        return framed(rf.get("/stories/1/"), title="A story", description="", content="").content.decode()

    assert 'href="/stories/"' in page()

    with served_under_a_prefix():
        under_a_prefix = page()

    assert 'href="/imuran/stories/"' in under_a_prefix
    assert 'href="/stories/"' not in under_a_prefix
