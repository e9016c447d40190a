"""The planner's statistics are gathered after migrate and after a bulk load."""

import pytest
from django.core.management import call_command
from django.db import connection

from clinic_coder.database import refresh_statistics
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables"
                " WHERE last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL"
            )
        return {row[0] for row in cursor.fetchall()}


def test_it_gathers_statistics_for_tables_with_rows():
    make_user(username="carl")
    refresh_statistics(connection)
    assert "accounts_user" in analysed_tables()


def test_it_gathers_statistics_after_every_migrate():
    make_cohort(name="Spring")  # a table no other test here analyses
    call_command("migrate", verbosity=0)
    assert "cohorts_cohort" in analysed_tables()
