import pytest
from django.utils import timezone

from stories.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARABIC_TEXT = "بدأت تناول الدواء منذ سنتين من أجل مرض كرون. كانت الأسابيع الأولى صعبة، ثم تحسنت حالتي كثيرا. " * 3


def test_a_story_written_in_arabic_reads_right_to_left_and_aligns_to_the_right(page):
    story = Story.objects.create(
        title="تجربتي مع الدواء",
        text=ARABIC_TEXT,
        original_text=ARABIC_TEXT,
        status=Story.Status.APPROVED,
        consented_at=timezone.now(),
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(story.get_absolute_url())

    body = page.locator(".story-body")
    assert body.evaluate("element => getComputedStyle(element).direction") == "rtl"
    # Where the first words are drawn: at the column's right edge when read right to left.
    first_words_right = body.evaluate(
        """element => {
            const range = document.createRange();
            const text = element.querySelector("p").firstChild;
            range.setStart(text, 0);
            range.setEnd(text, 5);
            return range.getBoundingClientRect().right;
        }"""
    )
    column = body.bounding_box()
    assert abs(first_words_right - (column["x"] + column["width"])) < 3
    assert page.get_by_role("heading", level=1).evaluate("element => getComputedStyle(element).direction") == "rtl"
