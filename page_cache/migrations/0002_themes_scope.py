"""A third part of the site: the published themes, which story pages name (issue 16)."""

from django.db import migrations, models


def create_scope(apps, schema_editor):
    Generation = apps.get_model("page_cache", "Generation")
    Generation.objects.bulk_create([Generation(scope="themes")], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("page_cache", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="generation",
            name="scope",
            field=models.CharField(
                choices=[
                    ("articles", "Articles, their reading order and the pages that list them"),
                    ("stories", "Approved stories and the pages that list them"),
                    ("themes", "Published themes, named on the story pages"),
                ],
                max_length=20,
                primary_key=True,
                serialize=False,
            ),
        ),
        # The release still running during a deploy never reads or moves this row: harmless to it.
        migrations.RunPython(create_scope, migrations.RunPython.noop),
    ]
