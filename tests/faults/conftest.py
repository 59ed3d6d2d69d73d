"""Fault tests: each starts its own servers, breaks them, and cleans up (tests/faults/servers.py).

They run once, in `make test` (SQLite); the PostgreSQL pass of .ci/run leaves them out with
`-m "not faults"`, since they bring their own databases.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from imuran_info.settings import redis_cache
from tests.faults.servers import OwnRedis, prepare_site, site_environment

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def start_redis():
    """Starts a Redis of the test's own (options as for redis-server); all are stopped afterwards."""
    servers = []

    def start(*options):
        servers.append(OwnRedis(*options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def cache_on(settings):
    """Points this process's Django cache at a given Redis, configured as production's."""

    def point(server):
        settings.CACHES = {"default": redis_cache(server.url)}

    return point


@pytest.fixture(scope="session")
def readable_folder():
    """Makes folders nginx's workers can read: run as root, nginx hands its work to `nobody`,
    who may not enter pytest's private temporary folders. Removed at the end of the session."""
    folders = []

    def make(prefix):
        folders.append(Path(tempfile.mkdtemp(prefix=f"imuran-{prefix}-")))
        folders[-1].chmod(0o755)
        return folders[-1]

    yield make
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def site_files(readable_folder):
    """A migrated site database file with the shipped articles and collected static files,
    shared by the servers a test starts (they are separate processes, so no in-memory database)."""
    tmp = readable_folder("site")
    prepare_site(site_environment(tmp), static=True)
    return tmp
