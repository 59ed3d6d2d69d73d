"""search_stories(): the approved stories that match, newest first, whatever the planner guesses.

A plain "match ORDER BY newest LIMIT 11" leaves PostgreSQL to guess how common the words
are. Guessing "common" for a word no story has makes it walk every approved story,
reading each one's text: tens of seconds at a million; guessing "rare" for a common word
makes it fetch and sort half the table. So this function does not let it guess:

1. It reads the newest NEWEST approved stories (in date order, through the status index)
   and keeps those that match. Words in more than a few per cent of stories fill the
   page here, in a few milliseconds.
2. Otherwise the words are rare: it takes every match from the full-text index (a bitmap
   scan, the only plan it allows) and sorts them by date.

PostgreSQL only; SQLite searches without it.
"""

from django.db import migrations

# Inside EXECUTE '...' strings, so every quote is doubled.
DOCUMENT = "to_tsvector(''english'', coalesce(s.title, '''') || '' '' || coalesce(s.text, ''''))"
FILTERS = (
    "s.status = ''approved'' AND ($2 = '''' OR s.condition = $2) AND ($3 = 0 OR EXISTS "
    "(SELECT 1 FROM stories_story_side_effects l WHERE l.story_id = s.id AND l.sideeffect_id = $3))"
)
FUNCTION = f"""
CREATE OR REPLACE FUNCTION search_stories(q tsquery, wanted_condition text, wanted_effect bigint, wanted integer)
RETURNS bigint[] LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  newest CONSTANT integer := 200;
  seqscan text := current_setting('enable_seqscan');
  indexscan text := current_setting('enable_indexscan');
  found bigint[];
BEGIN
  EXECUTE 'SELECT array(SELECT id FROM (SELECT s.id, {DOCUMENT} @@ $1 AS hit FROM stories_story s '
          'WHERE {FILTERS} ORDER BY s.submitted_at DESC, s.id DESC LIMIT ' || newest || ') recent '
          'WHERE hit LIMIT $4)'
    INTO found USING q, wanted_condition, wanted_effect, wanted;
  IF cardinality(found) >= wanted THEN
    RETURN found;
  END IF;
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_indexscan', 'off', true);
  EXECUTE 'SELECT array(SELECT s.id FROM stories_story s WHERE {DOCUMENT} @@ $1 AND {FILTERS} '
          'ORDER BY s.submitted_at DESC, s.id DESC LIMIT $4)'
    INTO found USING q, wanted_condition, wanted_effect, wanted;
  PERFORM set_config('enable_seqscan', seqscan, true);
  PERFORM set_config('enable_indexscan', indexscan, true);
  RETURN found;
END
$fn$
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS search_stories(tsquery, text, bigint, integer)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgresql_search"), ("stories", "0005_story_search")]

    operations = [migrations.RunPython(create_function, drop_function)]
