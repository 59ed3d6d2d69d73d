from django.db import migrations, models


def create_scopes(apps, schema_editor):
    Generation = apps.get_model("page_cache", "Generation")
    Generation.objects.bulk_create([Generation(scope="articles"), Generation(scope="stories")], ignore_conflicts=True)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("articles", "Articles, their reading order and the pages that list them"),
                            ("stories", "Approved stories and the pages that list them"),
                        ],
                        max_length=20,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_scopes, migrations.RunPython.noop),
    ]
