"""Editors write themes as drafts; Publishers also make them live or take them down."""

from django.db import migrations

from imuran_info.roles import grant

EDITOR_PERMISSIONS = [
    "view_theme", "add_theme", "change_theme",
    "view_themesection", "add_themesection", "change_themesection", "delete_themesection",
]  # fmt: skip


def grant_theme_permissions(apps, schema_editor):
    grant(apps, "Editors", "insights", EDITOR_PERMISSIONS)
    grant(apps, "Publishers", "insights", [*EDITOR_PERMISSIONS, "publish_theme", "delete_theme"])
    # Moderators need no permission here: they tag stories on the story's own change form.


def remove_theme_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="insights"))


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_themes"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_theme_permissions, remove_theme_permissions)]
