"""Roster import: read a CSV of students, say what would happen to each row, then do it.

Reading the file needs no database; planning looks accounts up in bulk, so a 500-row roster
costs a handful of queries. The plan is made again when the import is confirmed, so the
preview can't go stale: whatever changed in between is taken into account, and a file
imported twice enrols nobody twice.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower

from clinic_coder.accounts.models import Role

from .models import Cohort, Enrollment, Invitation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("username", "first_name", "last_name", "email")
USERNAME = re.compile(r"^[\w.@+-]{1,150}\Z")


class BadRoster(Exception):
    """The file as a whole can't be read; the message says why, in plain words."""


@dataclass(frozen=True)
class RosterRow:
    line: int  # the row's line in the file, header = 1, as a spreadsheet numbers it
    username: str
    first_name: str
    last_name: str
    email: str
    problem: str = ""  # set when the row itself is malformed


class Outcome(models.TextChoices):
    NEW_ACCOUNT = "new", "New account, enrolled"
    # An account that exists already may hold work from elsewhere: it is invited, and joins
    # (so that this cohort's staff see its work) only when the student accepts.
    EXISTING = "existing", "Existing account invited"
    ALREADY = "already", "Already enrolled"
    ERROR = "error", "Error"


@dataclass(frozen=True)
class PlannedRow:
    row: RosterRow
    outcome: Outcome
    note: str = ""
    student_id: int | None = None  # the existing account to enrol


def parse_roster(data: bytes) -> list[RosterRow]:
    """The rows of a roster file. Rows with a problem are kept, flagged, for the preview."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRoster(
            "The file is not UTF-8 text. Save it from your spreadsheet as CSV UTF-8."
        ) from None
    if "\x00" in text:
        raise BadRoster("The file is not a CSV text file.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if not any(header):
            raise BadRoster("The file is empty.")
        if tuple(header) != COLUMNS:
            raise BadRoster(
                "The first row must be the header username,first_name,last_name,email "
                f"(found: {','.join(header)[:120]})."
            )
        rows = [
            _row(reader.line_num, values) for values in reader if any(v.strip() for v in values)
        ]
    except csv.Error as error:
        raise BadRoster(f"The CSV can't be read at line {reader.line_num}: {error}.") from None
    if not rows:
        raise BadRoster("The file has a header but no students.")
    if len(rows) > MAX_ROWS:
        raise BadRoster(f"The file has {len(rows)} students; the limit is {MAX_ROWS} per import.")
    return rows


def _row(line: int, values: list[str]) -> RosterRow:
    if len(values) != len(COLUMNS):
        return RosterRow(line, *[""] * 4, problem=f"has {len(values)} columns, not 4")
    username, first_name, last_name, email = (v.strip() for v in values)
    problem = ""
    if not username:
        problem = "the username is empty"
    elif not USERNAME.match(username):
        problem = f"the username {username!r} may only have letters, digits and @ . + - _"
    elif len(first_name) > 150 or len(last_name) > 150:
        problem = "a name is longer than 150 characters"
    elif email and not _is_email(email):
        problem = f"{email!r} is not an email address"
    return RosterRow(line, username, first_name, last_name, email, problem)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def plan_import(cohort: Cohort, rows: list[RosterRow]) -> list[PlannedRow]:
    """What importing these rows into the cohort would do, row by row. Changes nothing."""
    User = get_user_model()
    usernames = {row.username.lower() for row in rows}
    emails = {row.email.lower() for row in rows if row.email}
    by_username = {
        u.username.lower(): u
        for u in User.objects.annotate(key=Lower("username")).filter(key__in=usernames)
    }
    email_owner = dict(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=emails)
        .values_list("key", "username")
    )
    enrolled = dict(cohort.enrollments.values_list("student_id", "active"))
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    planned = []
    for row in rows:
        planned.append(
            _plan_row(row, by_username, email_owner, enrolled, seen_usernames, seen_emails)
        )
        seen_usernames.setdefault(row.username.lower(), row.line)
        if row.email:
            seen_emails.setdefault(row.email.lower(), row.line)
    return planned


def _plan_row(row, by_username, email_owner, enrolled, seen_usernames, seen_emails) -> PlannedRow:
    if row.problem:
        return PlannedRow(row, Outcome.ERROR, row.problem)
    key = row.username.lower()
    if key in seen_usernames:
        return PlannedRow(row, Outcome.ERROR, f"the username is also on line {seen_usernames[key]}")
    user = by_username.get(key)
    if user is not None:
        if not user.is_student:
            return PlannedRow(row, Outcome.ERROR, f"{user.username} is not a student account")
        if user.pk in enrolled:
            note = "" if enrolled[user.pk] else "deactivated: stays deactivated"
            return PlannedRow(row, Outcome.ALREADY, note)
        return PlannedRow(row, Outcome.EXISTING, f"{user} ({user.username})", user.pk)
    email = row.email.lower()
    if email and email in email_owner:
        return PlannedRow(
            row, Outcome.ERROR, f"the email is used by another account ({email_owner[email]})"
        )
    if email and email in seen_emails:
        return PlannedRow(row, Outcome.ERROR, f"the email is also on line {seen_emails[email]}")
    return PlannedRow(row, Outcome.NEW_ACCOUNT)


@dataclass(frozen=True)
class ImportResult:
    created: int
    enrolled: int
    already: int
    errors: int
    new_accounts: tuple = ()  # the accounts made, which need a set-your-password link

    @property
    def processed(self) -> int:
        return self.created + self.enrolled + self.already + self.errors


def apply_import(*, cohort: Cohort, rows: list[RosterRow], by: object = None) -> ImportResult:
    """Create the new accounts and enrol everyone planned, all in one transaction.

    Rows with errors are skipped; the preview said so before the instructor confirmed.
    """
    User = get_user_model()
    with transaction.atomic():
        # Planned inside the transaction, so the plan matches what is written.
        planned = plan_import(cohort, rows)
        new_users = []
        for item in planned:
            if item.outcome == Outcome.NEW_ACCOUNT:
                row = item.row
                user = User(
                    username=row.username,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=row.email,
                    role=Role.STUDENT,
                )
                user.set_unusable_password()
                new_users.append(user)
        User.objects.bulk_create(new_users, batch_size=500)
        invited = [item.student_id for item in planned if item.outcome == Outcome.EXISTING]
        Invitation.objects.bulk_create(
            [Invitation(cohort=cohort, student_id=pk, invited_by=by) for pk in invited],
            ignore_conflicts=True,
        )
        # bulk_create sets no primary keys on every backend: look the new accounts up.
        created = list(User.objects.filter(username__in=[u.username for u in new_users]))
        Enrollment.objects.bulk_create(
            [Enrollment(cohort=cohort, student=user) for user in created],
            batch_size=500,
            ignore_conflicts=True,
        )
    counts = {outcome: 0 for outcome in Outcome}
    for item in planned:
        counts[item.outcome] += 1
    return ImportResult(
        created=counts[Outcome.NEW_ACCOUNT],
        enrolled=counts[Outcome.EXISTING],
        already=counts[Outcome.ALREADY],
        errors=counts[Outcome.ERROR],
        new_accounts=tuple(sorted(created, key=lambda user: user.username.lower())),
    )


def rows_to_session(rows: list[RosterRow]) -> list[list[object]]:
    return [[r.line, r.username, r.first_name, r.last_name, r.email, r.problem] for r in rows]


def rows_from_session(data: list[list[object]]) -> list[RosterRow]:
    return [RosterRow(*values) for values in data]
