"""Publishers may make drafts live; Editors may only save drafts.

Existing published articles get their live copy from their current content.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_CODENAMES = [
    "add_article", "change_article", "view_article",
    "add_reference", "change_reference", "delete_reference", "view_reference",
    "view_problemreport", "change_problemreport",
]  # fmt: skip


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=[*EDITOR_CODENAMES, "publish_article"]
        )
    )

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(status="published", live={}):
        article.live = {
            "title": article.title,
            "summary": article.summary,
            "body_html": article.body_html,
            "toc": article.toc,
            "show_urgent_help": article.show_urgent_help,
            "references": [
                {"title": ref.title, "publisher": ref.publisher, "url": ref.url}
                for ref in article.references.order_by("position", "id")
            ],
        }
        article.save(update_fields=["live"])


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Publishers").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_drafts_versions_publications")]

    operations = [migrations.RunPython(forwards, backwards)]
