"""Small keyword-only builders for test data; each test shows what it depends on."""

PASSWORD = "correct-horse-battery"


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
