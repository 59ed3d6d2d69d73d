"""The ids of the rows linked to each row, fetched in that row's own query as one string, "3,7".

A story card names its side effects and a story page its themes. Fetched in a query of their own,
they cost an uncached page a second round trip to the database; one EXISTS per theme made the
story page's query change with every theme published. A subquery joining the ids does neither.
"""

from django.db.models import Aggregate, CharField, OuterRef, Subquery


class JoinedIds(Aggregate):
    """The ids as one string, "3,7": GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


def joined_ids(links, column, outer):
    """For annotate(): `column` of each of `links` whose `outer` is the annotated row, as "3,7".

    `links`: a link table's rows, e.g. Story.side_effects.through.objects. A row with no links
    gets None.
    """
    mine = links.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Subquery(mine.annotate(ids=JoinedIds(column)).values("ids"))


def split_ids(joined):
    """The ids in a joined_ids() answer, as strings ("3,7" gives ["3", "7"]; None gives [])."""
    return joined.split(",") if joined else []
