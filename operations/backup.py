"""Backups: one tar file holding the database, the uploaded files and a manifest to check both by.

    manifest.json       when, which database, and a row count and SHA-256 of every table and file
    database.pgdump     PostgreSQL: pg_dump's custom format   (or database.sqlite3: SQLite's online backup)
    media/...           every uploaded file, read through Django's storage (FileSystemStorage today)
    withdrawals.jsonl   a copy of the withdrawal log, if there is one (stories/withdrawal_log.py)

The database is read once, consistently: PostgreSQL's checksums and pg_dump share one exported
snapshot; SQLite's are computed from the copy itself. A restore checks every part against the
manifest before it touches anything, and the restored database against the manifest after.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.utils import timezone

from operations.fingerprint import fingerprint, open_database

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_PARTS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA = "media/"
WITHDRAWALS = "withdrawals.jsonl"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def create(directory, *, using="default"):
    """Write a new backup into `directory`; return its path."""
    connection = connections[using]
    if connection.vendor not in DATABASE_PARTS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"imuran-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar"
    if archive.exists():
        raise BackupError(f"{archive} exists already: wait a second and run it again.")
    partial = archive.with_name(archive.name + ".partial")  # never mistaken for a finished backup
    with tempfile.TemporaryDirectory() as work:
        database_file = Path(work) / DATABASE_PARTS[connection.vendor]
        tables = _dump(connection, database_file)
        with tarfile.open(partial, "w") as tar:
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database": {
                    "vendor": connection.vendor,
                    "file": database_file.name,
                    "sha256": _add(tar, database_file.name, database_file),
                    "tables": tables,
                },
                "media": {name: _add_media(tar, name) for name in media_names(default_storage)},
            }
            if settings.STORY_WITHDRAWAL_LOG.exists():
                manifest["withdrawals_sha256"] = _add(tar, WITHDRAWALS, settings.STORY_WITHDRAWAL_LOG)
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    os.replace(partial, archive)
    return archive


def _dump(connection, path):
    """Copy the database to `path`; return the fingerprint of exactly what was copied."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        with copy:
            connection.connection.backup(copy)  # the online backup API: consistent while the site runs
        copy.close()
        with open_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}) as copied:
            return fingerprint(copied)
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction: it needs a snapshot of its own.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot this transaction holds, and so do the checksums below.
        _pg("pg_dump", connection, "--format=custom", f"--snapshot={snapshot}", f"--file={path}", "--dbname")
        return fingerprint(connection)


def _pg(tool, connection, *arguments):
    """Run a PostgreSQL client tool against the connection's database (its name comes last)."""
    if not shutil.which(tool):
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    database = connection.settings_dict
    command = [tool, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{option}={database[key]}")
    env = {**os.environ, "PGPASSWORD": database["PASSWORD"]} if database.get("PASSWORD") else None
    result = subprocess.run(  # noqa: S603 (a fixed tool, with arguments built here)
        [*command, *arguments, database["NAME"]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def media_names(storage, directory=""):
    """Every file in the storage, sorted, as storage names ("markdownx/abc.png")."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # MEDIA_ROOT not created yet: nothing uploaded
        return []
    names = [str(PurePosixPath(directory, name)) for name in files]
    for folder in folders:
        names += media_names(storage, str(PurePosixPath(directory, folder)))
    return sorted(names)


class _Hashing:
    """A file that keeps the SHA-256 of what has been read from it."""

    def __init__(self, file):
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add(tar, name, path):
    with open(path, "rb") as file:
        return _add_file(tar, name, file, os.path.getsize(path))


def _add_media(tar, name):
    with default_storage.open(name, "rb") as file:
        return _add_file(tar, MEDIA + name, file, default_storage.size(name))


def _add_file(tar, name, file, size):
    info = tarfile.TarInfo(name)
    info.size, info.mtime = size, int(timezone.now().timestamp())
    reader = _Hashing(file)
    tar.addfile(info, reader)
    return reader.sha256.hexdigest()


def _add_bytes(tar, name, data):
    _add_file(tar, name, io.BytesIO(data), len(data))


# --- Reading and restoring -----------------------------------------------------


def read_manifest(tar):
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("This file is not an Imuran Info backup: it has no readable manifest.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def check(tar, manifest):
    """Raise BackupError unless every part of the archive matches the manifest's checksum."""
    parts = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    parts |= {MEDIA + name: digest for name, digest in manifest["media"].items()}
    if "withdrawals_sha256" in manifest:
        parts[WITHDRAWALS] = manifest["withdrawals_sha256"]
    for name, expected in parts.items():
        if _sha256(tar, name) != expected:
            raise BackupError(f"{name} in the backup is damaged: its checksum differs from the manifest.")


def _sha256(tar, name):
    try:
        file = tar.extractfile(name)
    except KeyError:
        return None
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def restore(path, *, using="default"):
    """Restore the backup at `path` into the empty database and media storage; return its manifest."""
    connection = connections[using]
    with tarfile.open(path) as tar:
        manifest = read_manifest(tar)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(f"This backup holds a {vendor} database; DATABASE_URL names a {connection.vendor} one.")
        check(tar, manifest)
        _refuse_unless_empty(connection)
        with tempfile.TemporaryDirectory() as work:
            database_file = Path(work) / manifest["database"]["file"]
            with open(database_file, "wb") as out:
                shutil.copyfileobj(tar.extractfile(manifest["database"]["file"]), out, CHUNK)
            _load(connection, database_file)
        for name in manifest["media"]:
            _restore_media(tar, name)
    expected, restored = manifest["database"]["tables"], fingerprint(connection)
    differences = sorted(name for name in expected.keys() | restored.keys() if expected.get(name) != restored.get(name))
    if differences:
        raise BackupError(f"The restored database differs from the backup in: {', '.join(differences)}.")
    return manifest


def _refuse_unless_empty(connection):
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                "The database DATABASE_URL names is not empty. Restore into a new, empty database "
                "(createdb), then point the site at it."
            )
    if media_names(default_storage):
        raise BackupError("The media folder (DJANGO_MEDIA_ROOT) is not empty. Restore into an empty one.")


def _load(connection, database_file):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        with source:
            source.backup(connection.connection)
        source.close()
        return
    connection.close()  # pg_restore works over its own connection
    _pg(
        "pg_restore",
        connection,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(database_file),
        "--dbname",
    )


def _restore_media(tar, name):
    # Names come from the archive: refuse anything that could land outside the media folder.
    parts = PurePosixPath(name).parts
    if PurePosixPath(name).is_absolute() or ".." in parts or not parts:
        raise BackupError(f"Refusing the media file name {name!r}.")
    saved = default_storage.save(name, File(tar.extractfile(MEDIA + name), name=parts[-1]))
    if saved != name:
        raise BackupError(f"{name} could not be restored under its own name (got {saved}).")
