"""A QuerySet compiled to SQL once per process, then run again with other values.

Building a QuerySet and compiling it to SQL is pure Python. On an uncached story page it took
more time than PostgreSQL took to answer (README, "How the pages stay fast"). A
`PreparedQuery` builds its QuerySet once with stand-in values, compiles it, and notes where each
stand-in landed among the SQL's parameters. After that, a call only puts the request's values in
their place and runs the SQL. The QuerySet stays the one definition of the query: nobody writes
SQL by hand, and "public" still means `Story.objects.approved()`.

Values that change the SQL itself (a filter that is there or not, a list's length) are the
query's shape: each shape is compiled once. Only numbers and moments can be stand-ins.

On PostgreSQL each shape is also a prepared statement of the connection (PREPARE once, then
EXECUTE): planning the story page's query took PostgreSQL four times as long as running it.
A prepared statement outlives a rolled-back transaction and ends with its connection, so each
is made once per connection, the first time that connection runs it. It is named after its SQL,
so a connection holds at most one per distinct query, however often the shapes start again.
PREPARE is part of setting the connection up, as Django's own session settings are: it goes
through the driver's cursor, and the query counts of tests and logs see only each EXECUTE.
"""

import datetime
import hashlib
import itertools
import re
import threading
import weakref

from django.db import connections
from django.db.models.query import ModelIterable, ValuesListIterable
from django.utils import timezone

# Stand-ins no request can send: negative ids, and moments in the year 1000. They are put back
# by position, never by value, so a request's value that happens to equal one is harmless.
FIRST_STAND_IN_NUMBER = -(10**15)
STAND_IN_MOMENT = datetime.datetime(1000, 1, 1, tzinfo=datetime.UTC)
# Shapes kept per query before starting again: a few dozen are in use at any time.
MAX_SHAPES = 256
# {the driver's connection: names of the statements it holds}; a closed connection drops out.
_prepared = weakref.WeakKeyDictionary()
_prepared_lock = threading.Lock()


class PreparedQuery:
    """`build(*values, **shape)` returns a QuerySet; calling this runs it with new values.

    Returns model instances (annotations set, as the QuerySet would) or, for a
    `values_list()` QuerySet, tuples. Anything else is refused when first compiled.
    """

    def __init__(self, build):
        self._build = build
        # Each thread compiles its own: a compiler keeps the connection it was made with.
        self._local = threading.local()

    def __call__(self, *values, **shape):
        if any(isinstance(value, datetime.datetime) and timezone.is_naive(value) for value in values):
            raise TypeError("A prepared query's moments must carry their time zone.")
        if not all(_fits(value) for value in values):
            # A number past what the database stores (a made-up address): the QuerySet knows
            # what each comparison means then (no row equals it, every row is less).
            return list(self._build(*values, **shape))
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or len(compiled) >= MAX_SHAPES:
            compiled = self._local.compiled = {}
        key = (tuple(type(value) for value in values), tuple(sorted(shape.items())))
        if key not in compiled:
            compiled[key] = _Compiled(self._build, values, shape)
        return compiled[key].run(values)

    def shapes_kept(self):
        """How many shapes this thread keeps compiled (at most MAX_SHAPES)."""
        return len(getattr(self._local, "compiled", None) or ())


class _Compiled:
    def __init__(self, build, values, shape):
        stand_ins = [_stand_in(value, number) for number, value in enumerate(values)]
        queryset = build(*stand_ins, **shape)
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable) or (
            queryset.query.select_related or queryset._prefetch_related_lookups
        ):
            raise TypeError("A prepared query returns model instances or values_list() tuples, and nothing related.")
        self.db = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        adapted = [_adapt(self.db, stand_in) for stand_in in stand_ins]
        self.slots = [[at for at, param in enumerate(self.params) if param == value] for value in adapted]
        self.tuples = queryset._iterable_class is ValuesListIterable
        # Which columns need converting (SQLite's dates arrive as text): worked out once.
        self.converters = self.compiler.get_converters(
            [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        )
        self.statement = "prepared_" + hashlib.blake2b(self.sql.encode(), digest_size=12).hexdigest()
        # The same QuerySet built with the request's own values must be the same SQL with those
        # values in the same places. Otherwise a value steered the SQL (Django drops a
        # comparison a stand-in makes pointless) or the query reads something at build time,
        # such as the clock: neither can be prepared.
        real_sql, real_params = build(*values, **shape).query.get_compiler(using=self.db).as_sql()
        if not all(self.slots) or (real_sql, list(real_params)) != (self.sql, self._params_with(values)):
            raise TypeError(
                "This query cannot be prepared: each value must reach the SQL as a parameter, and only there."
            )

    def _params_with(self, values):
        params = list(self.params)
        for value, slots in zip(values, self.slots, strict=True):
            for at in slots:
                params[at] = _adapt(self.db, value)
        return params

    def run(self, values):
        params = self._params_with(values)
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self._prepare_on(connection.connection)
                arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
                cursor.execute(f"EXECUTE {self.statement}{arguments}", params)
            else:
                cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if self.tuples:
            # Columns past col_count only serve the ordering; the QuerySet leaves them out too.
            return [tuple(row[: self.compiler.col_count]) for row in rows]
        return [self._instance(row) for row in rows]

    def _prepare_on(self, driver_connection):
        with _prepared_lock:
            held = _prepared.setdefault(driver_connection, set())
        if self.statement not in held:
            with driver_connection.cursor() as cursor:
                cursor.execute(f"PREPARE {self.statement} AS {_numbered(self.sql)}")
            held.add(self.statement)

    def _instance(self, row):
        # As Django's ModelIterable does for a query without select_related().
        klass_info, select = self.compiler.klass_info, self.compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        instance = klass_info["model"].from_db(self.db, names, row[start:end])
        for name, at in self.compiler.annotation_col_map.items():
            setattr(instance, name, row[at])
        return instance


def _numbered(sql):
    # The driver's placeholders (%s, and %% for a percent sign) as PREPARE writes them: $1, $2...
    numbers = itertools.count(1)
    return re.sub("%([s%])", lambda found: "%" if found[1] == "%" else f"${next(numbers)}", sql)


def _fits(value):
    # Every backend we run stores numbers in 64 bits; SQLite refuses a larger one outright.
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def _stand_in(value, number):
    if isinstance(value, bool) or not isinstance(value, int | datetime.datetime):
        raise TypeError(f"A prepared query's values are numbers or moments, not {type(value).__name__}.")
    if isinstance(value, datetime.datetime):
        return STAND_IN_MOMENT + datetime.timedelta(microseconds=number + 1)
    return FIRST_STAND_IN_NUMBER - number


def _adapt(db, value):
    # As the ORM hands a value to the database driver: moments need the backend's own form.
    if isinstance(value, datetime.datetime):
        return connections[db].ops.adapt_datetimefield_value(value)
    return value
