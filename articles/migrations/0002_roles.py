"""Editors write and save drafts; Publishers also make drafts live. Neither may delete an article."""

from django.db import migrations

from imuran_info.roles import grant, remove

EDITOR_PERMISSIONS = [
    "add_article", "change_article", "view_article",
    "add_reference", "change_reference", "delete_reference", "view_reference",
    "view_problemreport", "change_problemreport",
]  # fmt: skip


def create_roles(apps, schema_editor):
    grant(apps, "Editors", "articles", EDITOR_PERMISSIONS)
    grant(apps, "Publishers", "articles", [*EDITOR_PERMISSIONS, "publish_article"])


def remove_roles(apps, schema_editor):
    remove(apps, "Editors", "Publishers")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
