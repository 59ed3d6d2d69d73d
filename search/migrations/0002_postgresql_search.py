"""PostgreSQL's search machinery, the first synonyms, and the index of the articles already published.

The tables are new (0001), so their indexes need no CONCURRENTLY. SQLite skips the
PostgreSQL parts and searches the same rows the simple way (search/query.py).
"""

from django.db import migrations

INDEXES = [
    # Not TrigramExtension(): undoing it would ask SQLite for pg_extension, and the extension may serve others.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_section_vector ON search_section USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_word_trigram ON search_word USING gin (word gin_trgm_ops)",
]

# Patients' words -> the articles' words. Editors keep the list in the admin (Site search > Synonyms).
SYNONYMS = {
    "imuran": "azathioprine",
    "azathioprine": "imuran",
    "aza": "azathioprine",
    "throwing up": "vomiting, sick",
    "being sick": "vomiting, nausea",
    "feel sick": "nausea",
    "feeling sick": "nausea",
    "puking": "vomiting, sick",
    "nauseous": "nausea, sick",
    "nausea": "feel sick, sick",
    "vomiting": "being sick, sick",
    "hair falling out": "hair thins, hair loss",
    "hair loss": "hair thins",
    "losing hair": "hair thins",
    "jab": "vaccine",
    "jabs": "vaccines",
    "injection": "vaccine",
    "booze": "alcohol",
    "drinking": "alcohol",
    "pint": "alcohol",
    "wine": "alcohol",
    "beer": "alcohol",
    "expecting": "pregnant, pregnancy",
    "baby": "pregnant, pregnancy",
    "sun cream": "sunscreen, sun protection",
    "suncream": "sunscreen",
    "sunblock": "sunscreen",
    "tummy": "stomach",
    "runs": "diarrhoea",
    "diarrhea": "diarrhoea",
    "the runs": "diarrhoea",
    "tired": "tiredness, fatigue",
    "exhausted": "tiredness, fatigue",
    "gout tablets": "allopurinol, febuxostat",
    "yellow eyes": "jaundice, yellow",
    "cancer risk": "cancer",
    "blood test": "blood tests",
    "forgot": "miss a dose",
    "forgot my tablet": "miss a dose",
    "forgot to take": "miss a dose",
    "missed dose": "miss a dose",
    "pill": "tablet",
    "pills": "tablets",
}


def postgresql_parts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXES:
            schema_editor.execute(sql)


def remove_postgresql_parts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_section_vector")
        schema_editor.execute("DROP INDEX IF EXISTS search_word_trigram")


def first_synonyms_and_index(apps, schema_editor):
    from search.index import index_article

    Synonym = apps.get_model("search", "Synonym")
    models = (apps.get_model("search", "Section"), apps.get_model("search", "Word"), Synonym)
    Synonym.objects.bulk_create([Synonym(words=w, means=m) for w, m in SYNONYMS.items()], ignore_conflicts=True)
    for article in apps.get_model("articles", "Article").objects.filter(status="published"):
        index_article(article, models=models)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(postgresql_parts, remove_postgresql_parts),
        migrations.RunPython(first_synonyms_and_index, migrations.RunPython.noop),
    ]
