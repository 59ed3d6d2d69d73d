"""What a database holds, as a row count and a SHA-256 per table: equal fingerprints, equal content."""

import contextlib
import hashlib
import json

from django.db.utils import ConnectionHandler

BATCH = 2000


@contextlib.contextmanager
def open_database(settings_dict):
    """A Django connection to another database than the site's (a backup copy, a restored one)."""
    connection = ConnectionHandler({"default": settings_dict})["default"]
    try:
        yield connection
    finally:
        connection.close()


def fingerprint(connection):
    """{table: {"rows": n, "sha256": hex}} for every table, rows read in primary-key order."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
    return {table: _table(connection, table) for table in tables}


def _table(connection, table):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        order = connection.introspection.get_primary_key_columns(cursor, table) or [
            column.name for column in connection.introspection.get_table_description(cursor, table)
        ]
    digest, rows = hashlib.sha256(), 0
    # A server-side cursor on PostgreSQL: a million stories never sit in memory at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {', '.join(map(quote, order))}")  # noqa: S608
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                digest.update(json.dumps([_plain(value) for value in row], sort_keys=True, default=str).encode())
                digest.update(b"\n")
            rows += len(batch)
    return {"rows": rows, "sha256": digest.hexdigest()}


def _plain(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value
