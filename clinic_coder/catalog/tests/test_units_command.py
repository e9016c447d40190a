import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.catalog.models import ProcedureCode

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def catalog(db):
    load_catalog()


def units(*args: str) -> dict:
    out = StringIO()
    call_command("units", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_cms_units_as_json(catalog):
    result = units("--method", "cms", "97112=24", "97110=23")
    assert result["method"] == "cms"
    assert result["total_timed_minutes"] == 47
    assert result["total_units"] == 3
    assert result["units"] == {"97112": 2, "97110": 1}
    assert result["alternatives"] == [{"97112": 2, "97110": 1}]
    assert any("unit goes to the most leftover minutes: 97112" in s for s in result["explanation"])


def test_it_lists_every_allocation_when_leftovers_tie(catalog):
    result = units("--method", "cms", "97112=20", "97110=20")
    assert result["total_units"] == 3
    assert sorted(map(json.dumps, result["alternatives"])) == sorted(
        map(json.dumps, [{"97112": 2, "97110": 1}, {"97112": 1, "97110": 2}])
    )


def test_it_counts_each_code_alone_per_code(catalog):
    result = units("--method", "per-code", "97110=8", "97140=8")
    assert result["units"] == {"97110": 1, "97140": 1}
    assert result["total_units"] == 2
    cms = units("--method", "cms", "97110=8", "97140=8")
    assert cms["total_units"] == 1


def test_it_gives_untimed_codes_one_unit_without_minutes(catalog):
    result = units("--method", "cms", "97010", "97110=10", "97014=15")
    assert result["units"] == {"97010": 1, "97110": 1, "97014": 1}
    assert result["total_timed_minutes"] == 10


def test_it_shows_zero_for_a_code_that_is_not_billed(catalog):
    result = units("--method", "cms", "97110=33", "97140=7", "97035=0")
    assert result["units"]["97035"] == 0


def test_it_knows_a_clinics_own_code(catalog):
    ProcedureCode.objects.create(
        code="19-NC", descriptor="No-charge visit", timed=False, family="clinic"
    )
    assert units("19-NC")["units"] == {"19-NC": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99999=10"], "Unknown code '99999'"),
        (["97110=-5"], "minutes must be a whole number from 0"),
        (["97110=ten"], "minutes must be a whole number, not 'ten'"),
        (["97110=100000"], "minutes must be a whole number from 0"),
        (["97110"], "97110 is a timed code: give its minutes"),
        (["97110=10", "97110=5"], "given twice"),
        (["--method", "weekly", "97110=10"], "Unknown method 'weekly'"),
    ],
)
def test_it_refuses_bad_input_with_status_2(catalog, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("units", *args, stdout=StringIO())
    assert error.value.returncode == 2


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> dict:
    """A throwaway database for the command run as a real process."""
    path = tmp_path_factory.mktemp("units") / "db.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"sqlite:///{path}",
    }
    for command in (["migrate", "-v0"], ["load_catalog"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    return env


@pytest.mark.parametrize(
    "args",
    [["97110=-1"], ["nope=5"], ["--method", "x", "97110=10"], [], ["--bogus-flag", "97110=1"]],
)
def test_it_exits_2_with_one_line_and_no_traceback(migrated_sqlite, args):
    result = subprocess.run(
        [sys.executable, "manage.py", "units", *args],
        cwd=ROOT,
        env=migrated_sqlite,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_it_prints_json_as_a_real_process(migrated_sqlite):
    result = subprocess.run(
        [sys.executable, "manage.py", "units", "--method", "cms", "97110=18", "97140=13",
         "97116=10", "97035=8"],
        cwd=ROOT, env=migrated_sqlite, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["units"] == {"97110": 1, "97140": 1, "97116": 1, "97035": 0}
