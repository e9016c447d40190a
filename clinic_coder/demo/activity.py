"""Demo activity: an assignment for the demo cohort and a few graded attempts by student2,
so the gradebook, analysis and dashboards have something to show on a fresh site."""

import datetime

from django.db import transaction
from django.utils import timezone

from clinic_coder.cases.models import Case, CaseSet
from clinic_coder.coding.types import ClaimLine
from clinic_coder.cohorts.models import Assignment, Cohort
from clinic_coder.practice.models import Attempt
from clinic_coder.practice.workflows import open_draft, submit_answer

DEMO_SET = "start-here"
# (case slug, claim lines and box 21 as student2 answered them): some right, some with
# typical slips.
DEMO_ANSWERS = [
    (
        "one-tight-trapezius",
        [ClaimLine("97140", None, 1, pointers=("A",))],
        ("M79.12", "M99.01"),
    ),
    (
        "stress-tight-back-soft-tissue-day",
        [ClaimLine("97124", None, 2, pointers=("A",)), ClaimLine("97010", pointers=("A",))],
        ("M62.830", "M99.02", "M99.03"),
    ),
    (
        "wobble-board-ankle",
        [ClaimLine("97140", None, 2, pointers=("A", "B"))],
        ("M24.272", "S93.402D"),
    ),
    ("video-editor-stiff-neck", [ClaimLine("98940"), ClaimLine("97140", None, 1)], ()),
]


@transaction.atomic
def create_demo_activity(*, cohort: Cohort, instructor, student) -> None:
    case_set = CaseSet.objects.filter(slug=DEMO_SET).first()
    if case_set is None:
        return
    now = timezone.now()
    assignment, _ = Assignment.objects.get_or_create(
        cohort=cohort,
        case_set=case_set,
        defaults={
            "opens_at": now - datetime.timedelta(days=2),
            "due_at": now + datetime.timedelta(days=12),
            "attempts_allowed": 3,
            "created_by": instructor,
        },
    )
    if Attempt.objects.filter(student=student).exists():
        return
    for slug, lines, diagnoses in DEMO_ANSWERS:
        case = Case.objects.filter(slug=slug).first()
        if case is None:
            continue
        in_set = case_set.items.filter(case=case).exists()
        draft = open_draft(student=student, case=case, assignment=assignment if in_set else None)
        submit_answer(draft=draft, token=draft.token, lines=lines, now=now, diagnoses=diagnoses)
