"""What the site asks of a PostgreSQL connection on each uncached page: a prepared statement
planned once per connection (imuran_info/prepared.py), and a health check that sends nothing
(imuran_info/postgresql). Run by the suite's PostgreSQL pass (.ci/run)."""

import select
import time

import psycopg2
import pytest
from django.core.signals import request_started
from django.db import connection, transaction

from imuran_info.prepared import PreparedQuery
from stories.models import Story

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements and backends are PostgreSQL's"
)

by_id = PreparedQuery(lambda pk: Story.objects.approved().filter(pk=pk))


def prepared_statements():
    """{name: how many times it was run} for the statements this connection has prepared."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def second_connection():
    params = connection.get_connection_params()
    return psycopg2.connect(**{name: value for name, value in params.items() if name != "cursor_factory"})


def last_statement_of(pid):
    with second_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_prepared_query_is_one_statement_of_the_connection_run_again_with_each_value(make_story):
    stories = [make_story(title=f"Prepared {number}") for number in range(3)]
    # A query of this test's own, so no earlier test has prepared it on this connection.
    by_number = PreparedQuery(lambda pk: Story.objects.approved().filter(pk=pk).only("title", "display_name"))
    before = prepared_statements()

    found = [by_number(story.pk)[0].title for story in stories]

    new = {name: runs for name, runs in prepared_statements().items() if name not in before}
    assert found == ["Prepared 0", "Prepared 1", "Prepared 2"]
    assert list(new.values()) == [3]


@pytest.mark.django_db(transaction=True)
def test_a_prepared_query_answers_on_a_new_connection_as_on_the_old(make_story):
    story = make_story(title="Still here")
    assert by_id(story.pk)[0].title == "Still here"

    connection.close()  # what a restart of the database, or CONN_MAX_AGE, does
    found = by_id(story.pk)

    assert found[0].title == "Still here"


@pytest.mark.django_db
def test_a_prepared_query_answers_after_the_transaction_it_was_first_run_in_rolled_back(make_story):
    story = make_story(title="Kept")
    # First run here, so its statement is prepared inside the transaction that fails.
    by_number = PreparedQuery(lambda pk: Story.objects.approved().filter(pk=pk).only("title", "role"))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        by_number(story.pk)
        1 / 0  # noqa: B018 (the request fails after the query)

    assert by_number(story.pk)[0].title == "Kept"


def a_request_starts():
    # Django marks every kept connection to be checked before the request's first query.
    request_started.send(sender=None)


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_between_requests_is_replaced_before_the_next_query(make_story):
    story = make_story(title="After a restart")
    connection.close()  # a connection of this test's own, far from CONN_MAX_AGE
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with second_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not select.select([connection.connection], [], [], 0.1)[0] and time.monotonic() < deadline:
        pass  # the server's goodbye reaches the socket a moment later

    a_request_starts()
    found = by_id(story.pk)

    assert found[0].title == "After a restart"
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_the_health_check_of_a_live_connection_sends_nothing_to_the_server():
    connection.close()  # a connection of this test's own, far from CONN_MAX_AGE
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last words of the request before'")
    pid = connection.connection.info.backend_pid

    a_request_starts()
    connection.close_if_health_check_failed()

    assert connection.connection.info.backend_pid == pid
    assert last_statement_of(pid) == "SELECT 'the last words of the request before'"
