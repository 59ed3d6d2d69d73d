"""The restore drill's data (tests/test_backup_restore.py), written into a database of the drill's
own by `manage.py shell -c "from tests.drill import seed; seed()"`. Prints what the test looks for."""

import datetime
import io
import json

# Words the restored site must show; none of them is in the shipped content.
ARTICLE_WORDS = "The drill restored this paragraph word for word."
STORY_WORDS = "A drill story that came back from the backup."


def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), "purple").save(buffer, "PNG")
    return buffer.getvalue()


def seed():
    import reversion
    from django.contrib.auth.models import Group, User
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from articles.models import Article, ProblemReport, Reference
    from stories.models import SideEffect, Story

    editor = User.objects.create_user("drill-editor", "editor@example.org", "drill password 123", is_staff=True)
    editor.groups.add(Group.objects.get(name="Publishers"))
    moderator = User.objects.create_user("drill-moderator", "mod@example.org", "drill password 123", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))

    image = default_storage.save("markdownx/drill-figure.png", ContentFile(png()))
    default_storage.save("markdownx/second.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a photo"))
    article = Article.objects.create(
        title="Drill article",
        slug="drill-article",
        summary="What a restore brings back.",
        body="## What is a drill?\n\nA first draft.\n",
        position=99,
        next_review_due=timezone.localdate() + datetime.timedelta(days=200),
        author="Drill team",
    )
    Reference.objects.create(article=article, position=1, title="A source", publisher="NHS", url="https://www.nhs.uk/")
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("First draft.")
        article.save()
    article.body = f"## What is a drill?\n\n{ARTICLE_WORDS}\n\n![A figure]({default_storage.url(image)})\n"
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Second draft.")
        article.save()
    article.publish(by=editor, note="First published.")
    ProblemReport.objects.create(article=article, kind=ProblemReport.Kind.UNCLEAR, message="The second part.")

    def story(**fields):
        made = Story.objects.create(
            text=fields.pop("text", "I have taken it for a year and feel better."),
            original_text="as sent",
            consented_at=timezone.now(),
            consent_version="drill",
            condition=Story.Condition.LUPUS,
            **fields,
        )
        made.side_effects.set(SideEffect.objects.all()[:2])
        return made

    approved = story(title="Drill approved", text=STORY_WORDS)
    approved.approve(by=moderator)
    approved.report(reason="other", note="A reader's note.")
    story(title="Drill pending", email="author@example.org")
    story(title="Drill rejected").reject(by=moderator, reason=Story.RejectReason.DOSING, note="Doses.")
    withdrawn = story(title="Drill withdrawn")
    withdrawn.withdraw()
    later = story(title="Drill withdrawn after the backup")
    later.approve(by=moderator)
    seeded = {"article": article.get_absolute_url(), "story": approved.get_absolute_url(), "image": image}
    print(json.dumps({**seeded, "withdraw_later": later.token, "withdrawn": withdrawn.pk}))


def withdraw(token):
    """What an author does after the backup was taken: withdraw through the private link's workflow."""
    from stories.models import Story

    Story.objects.get(token=token).withdraw()
