"""A school's worth of data, made the way students make it: open_draft, then submit_answer.

Imported only after Django is set up against the throwaway database.
"""

import datetime
import random
import sys
import time
from dataclasses import dataclass, replace
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from clinic_coder.accounts.models import Role, User
from clinic_coder.cases.loading import load_case_bank
from clinic_coder.cases.models import Case, CaseSet
from clinic_coder.catalog.loading import load_catalog, load_teaching_clinic_code
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.types import ClaimLine
from clinic_coder.cohorts.models import Assignment, Cohort, Enrollment
from clinic_coder.database import refresh_statistics
from clinic_coder.practice.models import Attempt
from clinic_coder.practice.workflows import open_draft, profile_for, submit_answer

PASSWORD = "bench-password-not-secret"
# The bank's sets each cohort is assigned, 3 attempts per case; item analysis reads the first.
ASSIGNED_SETS = ("start-here", "massage-or-manual-therapy", "neuromuscular-re-education")
# Assigned too, with no attempt limit: the submit measurement submits to one case again and again.
UNLIMITED_SET = "eight-minute-rule"
# Codes students confuse with each other.
CONFUSED_CODES = {
    "97140": "97124",
    "97124": "97140",
    "97112": "97110",
    "97110": "97112",
    "97530": "97110",
    "98940": "98941",
    "98941": "98940",
    "98942": "98941",
    "97014": "G0283",
    "G0283": "97014",
    "97010": "97014",
}
# Attempts are spread over this many days before the run.
HISTORY_DAYS = 40


@dataclass(frozen=True)
class SeededCohort:
    """What the measurement needs to know about one cohort: ids, slugs and usernames."""

    size: int
    cohort_id: int
    instructor: str
    supervisor: str
    student: str  # reads the student pages
    submitter: str  # submits during the measurement
    assignment_id: int
    case_slug: str  # a case of that assignment
    attempt_id: int  # one of the student's attempts
    submit_assignment_id: int  # no attempt limit
    submit_case_slug: str


@dataclass(frozen=True)
class BurstCohort:
    assignment_id: int
    case_slug: str
    sessions: list[str]  # one session key per student, already signed in


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_database() -> None:
    """Migrate, collect static files (DEBUG is off: the manifest must exist), load the bank."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    load_catalog()
    load_teaching_clinic_code()
    load_case_bank()


def make_users(prefix: str, count: int, role: str, password_hash: str) -> list[User]:
    User.objects.bulk_create(
        User(
            username=f"{prefix}-{number:04d}",
            first_name=f"{role.title()} {number}",
            last_name=prefix.title(),
            role=role,
            password=password_hash,
        )
        for number in range(1, count + 1)
    )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("username"))


def typical_answer(key: tuple[ClaimLine, ...], rng: random.Random) -> list[ClaimLine]:
    """The key as a student answers it: right about half the time, else one typical slip."""
    lines = [replace(line, sources=()) for line in key]
    roll = rng.random()
    if roll < 0.5 or not lines:
        return lines
    index = rng.randrange(len(lines))
    line = lines[index]
    with_modifiers = [i for i, each in enumerate(lines) if each.modifiers]
    if roll < 0.65 and line.code in CONFUSED_CODES:
        lines[index] = replace(line, code=CONFUSED_CODES[line.code])
    elif roll < 0.8 and with_modifiers:
        index = rng.choice(with_modifiers)
        lines[index] = replace(lines[index], modifiers=frozenset())
    else:
        # Units off by one: the 8-minute rule's leftover minutes, counted the wrong way.
        units = line.units + 1 if line.units <= 1 or rng.random() < 0.5 else line.units - 1
        lines[index] = replace(line, units=units)
    return lines


def attempt_plan(
    pairs: list[tuple[Assignment, Case]], attempts: int, rng: random.Random
) -> list[tuple[Assignment, Case]]:
    """Which case each attempt is on: cases in a shuffled order, some tried again at once.

    At most 3 attempts per case, as the assignments allow.
    """
    plan: list[tuple[Assignment, Case]] = []
    for pair in rng.sample(pairs, len(pairs)) * 3:
        tries = 2 if rng.random() < 0.3 else 1
        plan.extend([pair] * min(tries, 3 - plan.count(pair)))
    return plan[:attempts]


def seed_cohort(*, size: int, attempts: int, seed: int, password_hash: str) -> SeededCohort:
    rng = random.Random(f"{seed}-{size}")
    prefix = f"bench{size}"
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        instructor = make_users(f"{prefix}-instructor", 1, Role.INSTRUCTOR, password_hash)[0]
        supervisor = make_users(f"{prefix}-supervisor", 1, Role.SUPERVISOR, password_hash)[0]
        students = make_users(f"{prefix}-student", size, Role.STUDENT, password_hash)
        cohort = Cohort.objects.create(name=f"Cohort of {size}", term="Benchmark")
        cohort.instructors.add(instructor)
        cohort.supervisors.add(supervisor)
        Enrollment.objects.bulk_create(Enrollment(cohort=cohort, student=s) for s in students)
        assignments = [assign(cohort, slug, attempts=3, now=now) for slug in ASSIGNED_SETS]
        unlimited = assign(cohort, UNLIMITED_SET, attempts=0, now=now)
    pairs = [
        (assignment, case)
        for assignment in assignments
        for case in assignment.case_set.published_cases().prefetch_related("services")
    ]
    catalog = current_catalog()
    made = 0
    reported = started
    for number, student in enumerate(students, start=1):
        plan = attempt_plan(pairs, attempts, rng)
        with transaction.atomic():
            for index, (assignment, case) in enumerate(plan):
                when = now - datetime.timedelta(
                    days=HISTORY_DAYS * (1 - index / len(plan)), minutes=rng.randint(0, 600)
                )
                submit_seeded(student, assignment, case, catalog, when, rng)
        made += len(plan)
        if time.monotonic() - reported > 10 or number == size:
            reported = time.monotonic()
            rate = made / max(reported - started, 0.001)
            log(f"  {number}/{size} students, {made} attempts submitted ({rate:.0f}/s)")
    student = students[0]
    first = assignments[0]
    return SeededCohort(
        size=size,
        cohort_id=cohort.pk,
        instructor=instructor.username,
        supervisor=supervisor.username,
        student=student.username,
        submitter=students[1 if size > 1 else 0].username,
        assignment_id=first.pk,
        case_slug=first.case_set.published_cases().first().slug,
        attempt_id=Attempt.objects.filter(student=student).values_list("pk", flat=True).first(),
        submit_assignment_id=unlimited.pk,
        submit_case_slug=unlimited.case_set.published_cases().first().slug,
    )


def assign(cohort: Cohort, slug: str, *, attempts: int, now: datetime.datetime) -> Assignment:
    """The case set given to the cohort, open since before the first seeded attempt."""
    return Assignment.objects.create(
        cohort=cohort,
        case_set=CaseSet.objects.get(slug=slug),
        opens_at=now - datetime.timedelta(days=HISTORY_DAYS + 5),
        due_at=now + datetime.timedelta(days=14),
        attempts_allowed=attempts,
    )


def submit_seeded(
    student: User,
    assignment: Assignment,
    case: Case,
    catalog: Catalog,
    when: datetime.datetime,
    rng: random.Random,
) -> None:
    draft = open_draft(student=student, case=case, assignment=assignment)
    # open_draft draws a random variant; a seeded one keeps runs comparable.
    draft.seed = rng.randrange(1, 2**31)
    draft.save(update_fields=["seed"])
    draft.started_at = when - datetime.timedelta(minutes=rng.randint(3, 25))
    profile = profile_for(case, assignment)
    key = case.variant(draft.seed, catalog, list(case.services.all()), profile).expected.claim
    submit_answer(draft=draft, token=draft.token, lines=typical_answer(key, rng), now=when)


def seed_burst(*, students: int, password_hash: str) -> BurstCohort:
    """A cohort whose assignment is due now: every student signed in, none has started."""
    now = timezone.now()
    with transaction.atomic():
        people = make_users("burst-student", students, Role.STUDENT, password_hash)
        cohort = Cohort.objects.create(name="Deadline cohort", term="Benchmark")
        Enrollment.objects.bulk_create(Enrollment(cohort=cohort, student=s) for s in people)
        case_set = CaseSet.objects.get(slug=ASSIGNED_SETS[0])
        assignment = Assignment.objects.create(
            cohort=cohort,
            case_set=case_set,
            opens_at=now - datetime.timedelta(days=7),
            due_at=now + datetime.timedelta(hours=6),
        )
        # Signing in 1,000 people over HTTP would measure password hashing for minutes;
        # their sessions are made here the way django.contrib.auth.login makes them.
        sessions = [signed_in_session(student) for student in people]
    return BurstCohort(
        assignment_id=assignment.pk,
        case_slug=case_set.published_cases().first().slug,
        sessions=sessions,
    )


def signed_in_session(user: User) -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def stored_attempts(assignment_id: int, accepted: set[int]) -> tuple[int, int]:
    """(attempts of the assignment in the database, how many of `accepted` are among them)."""
    stored = set(Attempt.objects.filter(assignment_id=assignment_id).values_list("pk", flat=True))
    return len(stored), len(stored & accepted)


def seed_everything(
    *, sizes: list[int], attempts: int, burst: int, seed: int
) -> tuple[list[SeededCohort], BurstCohort | None]:
    started = time.monotonic()
    log("Migrating, collecting static files, loading the code catalog and the case bank")
    prepare_database()
    password_hash = make_password(PASSWORD)
    cohorts = []
    for size in sizes:
        log(f"Seeding a cohort of {size} students, {attempts} attempts each")
        cohorts.append(
            seed_cohort(size=size, attempts=attempts, seed=seed, password_hash=password_hash)
        )
    burst_cohort = seed_burst(students=burst, password_hash=password_hash) if burst else None
    refresh_statistics(connection)
    log(f"Seeded in {time.monotonic() - started:.0f} s")
    return cohorts, burst_cohort
