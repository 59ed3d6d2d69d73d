"""The Moderators group: exactly what moderating stories needs, and nothing about articles."""

from django.db import migrations

from imuran_info.roles import grant, remove

MODERATOR_PERMISSIONS = [
    "view_story", "change_story", "moderate_story",
    "view_storyreport", "change_storyreport",
    "add_sideeffect", "change_sideeffect", "delete_sideeffect", "view_sideeffect",
]  # fmt: skip


def create_moderators_group(apps, schema_editor):
    grant(apps, "Moderators", "stories", MODERATOR_PERMISSIONS)


def remove_moderators_group(apps, schema_editor):
    remove(apps, "Moderators")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_seed_side_effects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
