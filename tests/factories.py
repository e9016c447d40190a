"""Small keyword-only builders for test data; each test shows what it depends on."""

import datetime

PASSWORD = "correct-horse-battery"
# When graded() submits, unless told otherwise: one moment for a whole test run.
NOW = datetime.datetime.now(tz=datetime.UTC)


def make_user(*, username: str, role: str = "student", **overrides: object):
    from clinic_coder.accounts.models import User

    user = User(username=username, role=role, **overrides)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_cohort(*, name: str, instructors=(), supervisors=(), students=(), **overrides: object):
    from clinic_coder.cohorts.models import Cohort, Enrollment

    cohort = Cohort.objects.create(name=name, **overrides)
    cohort.instructors.add(*instructors)
    cohort.supervisors.add(*supervisors)
    for student in students:
        Enrollment.objects.create(cohort=cohort, student=student)
    return cohort


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form, with the keyboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


def make_case(*, slug: str = "neck-release", services: list[dict] | None = None, **overrides):
    """A published case; services are dicts of DocumentedService fields."""
    from clinic_coder.cases.models import Case, DocumentedService

    fields = {
        "title": "Neck release",
        "note": "S: Stiff neck.\nP: Myofascial release, R upper trapezius, {mfr} min.",
        "difficulty": "intro",
        "payer_profile": "commercial-per-code",
        "skills": ["code-choice-manual-therapy"],
        "teaching_point": "One specific muscle freed of adhesions is manual therapy.",
        "status": Case.Status.PUBLISHED,
    } | overrides
    case = Case.objects.create(slug=slug, **fields)
    if services is None:
        services = [
            {"key": "mfr", "technique": "myofascial_release", "regions": ["cervical"],
             "minutes_low": 24, "minutes_high": 24}
        ]  # fmt: skip
    for position, service in enumerate(services):
        DocumentedService.objects.create(case=case, position=position, **service)
    return case


def make_payer_profile(*, owner, name: str = "Strict payer", **settings: object):
    """An instructor's own payer profile: a commercial CMS payer unless settings say otherwise."""
    from clinic_coder.cases.models import PayerProfile

    fields = {"unit_method": "cms", "based_on": "commercial-cms"} | settings
    profile = PayerProfile(name=name, owner=owner, **fields)
    profile.save_new()
    return profile


def make_case_set(*, slug: str = "basics", cases=(), **overrides):
    from clinic_coder.cases.models import CaseSet, CaseSetItem

    case_set = CaseSet.objects.create(
        slug=slug, title=overrides.pop("title", "Basics"), **overrides
    )
    for position, case in enumerate(cases):
        CaseSetItem.objects.create(case_set=case_set, case=case, position=position)
    return case_set


def make_assignment(*, cohort, case_set, **overrides):
    import datetime

    from django.utils import timezone

    from clinic_coder.cohorts.models import Assignment

    now = timezone.now()
    fields = {
        "opens_at": now - datetime.timedelta(days=1),
        "due_at": now + datetime.timedelta(days=7),
    } | overrides
    return Assignment.objects.create(cohort=cohort, case_set=case_set, **fields)


def answer_data(
    lines: list[dict], *, token: str = "", initial: int | None = None, diagnoses: list[str] = ()
) -> dict:
    """POST data for the answer builder: one formset row per line, box 21 by letter."""
    data = {
        "token": token,
        "form-TOTAL_FORMS": str(len(lines)),
        "form-INITIAL_FORMS": str(len(lines) if initial is None else initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for index, line in enumerate(lines):
        for name in ("code", "minutes", "units", "modifiers", "pointers"):
            data[f"form-{index}-{name}"] = str(line.get(name, ""))
    for letter, code in zip("ABCDEFGHIJKL", diagnoses, strict=False):
        data[f"dx-{letter}"] = code
    return data


# Answers and attempts, made the way students make them -------------------------------------


def line(code: str = "97140", units: int = 2, minutes: int = 24, modifiers=()):
    from clinic_coder.coding.types import ClaimLine

    return ClaimLine(code=code, minutes=minutes, units=units, modifiers=frozenset(modifiers))


RIGHT = [line()]  # 100 on make_case()'s 24-minute myofascial release
WRONG_UNITS = [line(units=1)]  # 70
WRONG_CODE = [line("97124")]  # 0


def graded(*, student, case, lines, assignment=None, now=None, diagnoses=()):
    """An attempt made the way a student makes one: open the case, submit."""
    from clinic_coder.practice.workflows import open_draft, submit_answer

    draft = open_draft(student=student, case=case, assignment=assignment)
    now = now or NOW
    return submit_answer(
        draft=draft, token=draft.token, lines=lines, now=now, diagnoses=diagnoses
    ).attempt


def assigned(*, cohort, slugs=("neck-release",), set_slug="basics", **fields):
    """An assignment of new cases (the make_case default) to the cohort: (assignment, cases)."""
    from clinic_coder.catalog.loading import load_catalog

    load_catalog()
    cases = [make_case(slug=slug, title=slug.replace("-", " ").title()) for slug in slugs]
    case_set = make_case_set(slug=set_slug, title=set_slug.title(), cases=cases)
    return make_assignment(cohort=cohort, case_set=case_set, **fields), cases


def make_students(*, cohort, count: int, start: int = 0) -> list:
    """count active students of the cohort, "Sam Student000" (username s000) onwards: in name
    order after the personas."""
    from clinic_coder.cohorts.models import Enrollment

    students = []
    for number in range(start, start + count):
        student = make_user(
            username=f"s{number:03}", first_name="Sam", last_name=f"Student{number:03}"
        )
        Enrollment.objects.create(cohort=cohort, student=student)
        students.append(student)
    return students


def correct_key(case, *, code: str = "97140", units: int = 1) -> None:
    """A key correction: the instructor's own key (97140 x1 unless told), with the note's
    documented facts unchanged - what a regrade applies to attempts already made."""
    case.key_override = [{"code": code, "units": units, "modifiers": []}]
    case.key_override_reason = "Our clinic bills one unit for this release."
    case.save(update_fields=["key_override", "key_override_reason"])
