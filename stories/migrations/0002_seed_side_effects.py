"""The side-effect tags patients pick from. Moderators add, rename or reorder them in the admin."""

from django.db import migrations

SIDE_EFFECTS = [
    ("Feeling sick (nausea)", "nausea"),
    ("Tiredness", "tiredness"),
    ("Infections", "infections"),
    ("Hair thinning", "hair-thinning"),
    ("Low blood counts", "low-blood-counts"),
    ("Liver problems", "liver-problems"),
    ("Skin or sun sensitivity", "skin-or-sun-sensitivity"),
    ("None", "none"),
    ("Other", "other"),
]


def add_side_effects(apps, schema_editor):
    SideEffect = apps.get_model("stories", "SideEffect")
    for position, (name, slug) in enumerate(SIDE_EFFECTS, start=1):
        SideEffect.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def remove_side_effects(apps, schema_editor):
    apps.get_model("stories", "SideEffect").objects.filter(slug__in=[slug for _, slug in SIDE_EFFECTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [migrations.RunPython(add_side_effects, remove_side_effects)]
