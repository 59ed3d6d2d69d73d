"""Data for the editorial workflow, on databases that already hold articles.

- Every article without a revision gets a first one holding the text it has now.
  Every admin save makes a revision, so an article with none has never been
  edited: its text is exactly what was loaded from articles/content/ at the time.
  The text is read from the database, never from the .md files, which may have
  changed since (a first revision must hold what the site really had).
- The live copy keeps the body's Markdown too, so History can compare with it.
- Reading-order places and addresses become unique (0005 adds the constraints).
- Editors and Publishers may use the image library.
"""

from django.core import serializers
from django.db import migrations

from articles.markup import render
from imuran_info.roles import grant

ARTICLE_FIELDS = [
    "title", "slug", "draft_slug", "summary", "body", "show_urgent_help", "go_live_at", "position",
    "author", "reviewer", "last_reviewed", "next_review_due",
]  # fmt: skip
REFERENCE_FIELDS = ["article", "position", "title", "publisher", "url"]
IMAGE_PERMISSIONS = ["add_articleimage", "change_articleimage", "view_articleimage"]


def _version(Version, revision, content_type, obj, fields, db):
    return Version(
        revision=revision,
        object_id=str(obj.pk),
        content_type=content_type,
        db=db,
        format="json",
        serialized_data=serializers.serialize("json", [obj], fields=fields),
        object_repr=str(obj.title),
    )


def add_first_revisions(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Reference = apps.get_model("articles", "Reference")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    article_type, _ = ContentType.objects.using(db).get_or_create(app_label="articles", model="article")
    reference_type, _ = ContentType.objects.using(db).get_or_create(app_label="articles", model="reference")
    with_history = set(
        Version.objects.using(db).filter(content_type=article_type).values_list("object_id", flat=True)
    )
    for article in Article.objects.using(db).order_by("pk"):
        if str(article.pk) in with_history:
            continue
        revision = Revision.objects.using(db).create(
            date_created=article.created_at, comment="The text the article had when history began (as shipped)."
        )
        versions = [_version(Version, revision, article_type, article, ARTICLE_FIELDS, db)]
        versions += [
            _version(Version, revision, reference_type, reference, REFERENCE_FIELDS, db)
            for reference in Reference.objects.using(db).filter(article=article)
        ]
        Version.objects.using(db).bulk_create(versions)


def keep_live_markdown(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    for article in articles.exclude(live={}):
        changed = False
        if "body" not in article.live and render(article.body).html == article.live.get("body_html"):
            article.live["body"] = article.body
            changed = True
        if article.status == "published" and article.go_live_at is None:
            article.go_live_at = article.published_at
            changed = True
        if changed:
            articles.filter(pk=article.pk).update(live=article.live, go_live_at=article.go_live_at)


def make_places_and_addresses_unique(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    FormerSlug = apps.get_model("articles", "FormerSlug")
    articles = list(Article.objects.using(db).order_by("position", "title", "pk"))
    if len({article.position for article in articles}) < len(articles):
        # Renumbering in the order readers already see keeps the guide's order exactly.
        for place, article in enumerate(articles, start=1):
            Article.objects.using(db).filter(pk=article.pk).update(position=place)
    seen = set()
    for article in sorted(articles, key=lambda article: article.pk):
        if article.slug.lower() in seen:
            # The old spelling keeps working: it redirects to the new address.
            FormerSlug.objects.using(db).create(article=article, slug=article.slug)
            Article.objects.using(db).filter(pk=article.pk).update(slug=f"{article.slug.lower()}-{article.pk}")
        seen.add(article.slug.lower())


def grant_image_library(apps, schema_editor):
    grant(apps, "Editors", "articles", IMAGE_PERMISSIONS)
    grant(apps, "Publishers", "articles", [*IMAGE_PERMISSIONS, "delete_articleimage"])


def noop(apps, schema_editor):
    pass


def take_back_image_library(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*group.permissions.filter(codename__endswith="_articleimage"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(add_first_revisions, noop),
        migrations.RunPython(keep_live_markdown, noop),
        migrations.RunPython(make_places_and_addresses_unique, noop),
        migrations.RunPython(grant_image_library, take_back_image_library),
    ]
