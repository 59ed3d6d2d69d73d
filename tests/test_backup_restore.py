"""The restore drill: seed a site, back it up, restore into a fresh database, compare everything.

Every site here (database, media folder, withdrawal log) is the drill's own: SQLite files, or
on PostgreSQL databases it creates and drops, never the test database. The commands run as an
operator runs them: `manage.py backup` / `restore`, and `make restore`.
"""

import hashlib
import json
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path

import dj_database_url
import psycopg2
import pytest

from operations.fingerprint import fingerprint, open_database
from tests.drill import ARTICLE_WORDS, STORY_WORDS
from tests.services import ROOT, get, gunicorn, site_environment

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class Site:
    """One copy of the site: its own database, media folder and withdrawal log."""

    def __init__(self, url, folder, withdrawal_log=None):
        self.url, self.media = url, folder / "media"
        self.withdrawal_log = withdrawal_log or folder / "withdrawals.jsonl"

    @property
    def database(self):
        return dj_database_url.parse(self.url)

    def env(self, **extra):
        return site_environment(
            DATABASE_URL=self.url,
            DJANGO_MEDIA_ROOT=str(self.media),
            STORY_WITHDRAWAL_LOG=str(self.withdrawal_log),
            DJANGO_LOG_LEVEL="WARNING",
            **extra,
        )

    def run(self, *command):
        return subprocess.run(command, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300)  # noqa: S603

    def manage(self, *args):
        return self.run(sys.executable, "manage.py", *args)


def _on_the_server(statement):
    """Run CREATE or DROP DATABASE on the test run's PostgreSQL server; return the server's settings."""
    server = dj_database_url.parse(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname="postgres", user=server["USER"], host=server["HOST"], port=server["PORT"], password=server["PASSWORD"]
    )
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
    return server


@pytest.fixture(scope="module")
def new_site(tmp_path_factory):
    made = []

    def make(name, **options):
        folder = tmp_path_factory.mktemp(name)
        if not ON_POSTGRESQL:
            return Site(f"sqlite:///{folder / 'db.sqlite3'}", folder, **options)
        database = f"imuran_drill_{secrets.token_hex(4)}_{name}"
        server = _on_the_server(f'CREATE DATABASE "{database}"')
        made.append(database)
        url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{database}"
        return Site(url, folder, **options)

    yield make
    for database in made:
        _on_the_server(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def drill(new_site, tmp_path_factory):
    """A seeded site and a backup of it: (site, archive, what was seeded)."""
    source = new_site("source")
    assert source.manage("migrate", "--noinput").returncode == 0
    seeding = source.manage("shell", "-c", "from tests.drill import seed; seed()")
    assert seeding.returncode == 0, seeding.stderr
    backup = source.manage("backup", "--output-dir", str(tmp_path_factory.mktemp("backups")))
    assert backup.returncode == 0, backup.stderr
    return source, Path(backup.stdout.strip().splitlines()[-1]), json.loads(seeding.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def restored(drill, new_site):
    _, archive, _ = drill
    site = new_site("restored")
    result = site.manage("restore", str(archive))
    assert result.returncode == 0, result.stderr
    return site


def tables(site, django_db_blocker):
    with django_db_blocker.unblock(), open_database(site.database) as connection:
        return fingerprint(connection)


def files(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*.*")
    }


def test_a_restored_backup_holds_every_row_of_every_table(drill, restored, django_db_blocker):
    source, _, _ = drill

    before, after = tables(source, django_db_blocker), tables(restored, django_db_blocker)

    assert after == before
    # The drill seeded what it set out to: revisions, stories in every status, reports.
    assert before["reversion_version"]["rows"] >= 2
    assert before["stories_story"]["rows"] == 5
    assert before["stories_storyreport"]["rows"] == before["articles_problemreport"]["rows"] == 1


def test_a_restored_backup_holds_every_uploaded_file(drill, restored):
    source, _, _ = drill

    assert files(restored.media) == files(source.media)
    assert len(files(source.media)) == 2


def test_the_site_serves_the_restored_content(drill, restored):
    _, _, seeded = drill

    with gunicorn(restored.env()) as url:
        article, story = get(url + seeded["article"]), get(url + seeded["story"])

    assert article[0] == 200 and ARTICLE_WORDS in article[2].decode()
    assert story[0] == 200 and STORY_WORDS in story[2].decode()
    # With DEBUG off Django serves no uploaded file (the front server or the object store
    # does): the restored image is checked where they read it from.
    assert (restored.media / seeded["image"]).read_bytes().startswith(b"\x89PNG")


def test_restore_refuses_a_database_that_is_not_empty(drill, restored):
    _, archive, _ = drill

    result = restored.manage("restore", str(archive))

    assert result.returncode != 0
    assert "is not empty" in result.stderr


def test_a_backup_is_checked_against_its_manifest_without_restoring_it(drill):
    source, archive, _ = drill

    result = source.manage("restore", "--check-only", str(archive))

    assert result.returncode == 0, result.stderr
    assert "Checked: backup of" in result.stdout


def test_a_damaged_backup_is_refused_before_anything_is_restored(drill, new_site, tmp_path):
    _, archive, _ = drill
    damaged = tmp_path / archive.name
    damaged.write_bytes(archive.read_bytes())
    with tarfile.open(archive) as tar:
        offset = next(member for member in tar if member.name.startswith("database.")).offset_data
    with open(damaged, "r+b") as file:  # one flipped byte inside the database copy
        file.seek(offset + 100)
        byte = file.read(1)
        file.seek(offset + 100)
        file.write(bytes([byte[0] ^ 0xFF]))
    target = new_site("damaged")

    result = target.manage("restore", str(damaged))

    assert result.returncode != 0
    assert "is damaged" in result.stderr
    assert not target.media.exists()


# Last: it changes the drill's source site, which the tests above compare with.
def test_make_restore_of_an_older_backup_withdraws_again_what_authors_withdrew_since(
    drill, new_site, django_db_blocker
):
    source, archive, seeded = drill
    withdrawal = source.manage(
        "shell", "-c", f"from tests.drill import withdraw; withdraw({seeded['withdraw_later']!r})"
    )
    assert withdrawal.returncode == 0, withdrawal.stderr
    # The same server, so the same withdrawal log: it outlives the database.
    target = new_site("older", withdrawal_log=source.withdrawal_log)

    result = target.run(
        "make", "-s", "-o", ".venv/.runtime-installed", "restore", f"FILE={archive}", f"PY={sys.executable}"
    )

    assert result.returncode == 0, result.stderr
    assert "Withdrew 1 stories again" in result.stdout
    with django_db_blocker.unblock(), open_database(target.database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT title FROM stories_story ORDER BY id")
        titles = [title for (title,) in cursor.fetchall()]
    # Withdrawn after the backup, and before it: both purged; the others as they were.
    assert titles == ["Drill approved", "Drill pending", "Drill rejected"]
