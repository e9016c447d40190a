"""Keeping the database's query planner informed.

SQLite never gathers table statistics on its own: until ANALYZE runs, it guesses, and on a
cohort's attempts it guessed a scan where an index serves (16 ms against 0.5 ms for the progress
query at 1,000 students). PostgreSQL's autovacuum analyses in the background, but only some time
after a bulk load. So the statistics are refreshed after every migrate and after seeding demo or
benchmark data; `PRAGMA optimize` keeps SQLite's up to date cheaply when little has changed.
"""

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


def refresh_statistics(connection: BaseDatabaseWrapper) -> None:
    """Gather fresh planner statistics for every table of `connection`'s database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def refresh_after_migrate(using: str = "default", **kwargs: object) -> None:
    """post_migrate receiver: the tables may be new or hold new data."""
    refresh_statistics(connections[using])
