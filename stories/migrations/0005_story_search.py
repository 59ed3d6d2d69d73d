"""Full-text search of story text in the admin (stories/admin/story.py SEARCH_MATCH), PostgreSQL only.

Built CONCURRENTLY, outside a transaction, so the stories stay readable and writable while it
builds. SQLite (development) searches without an index.
"""

from django.db import migrations

# The same expression as SEARCH_DOCUMENT in stories/admin/story.py: PostgreSQL uses the index only for it.
SEARCH_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS story_search ON stories_story "
    "USING gin (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(text, '')))"
)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS story_search")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("stories", "0004_moderation_you_can_trust")]

    operations = [migrations.RunPython(add_search_index, remove_search_index)]
