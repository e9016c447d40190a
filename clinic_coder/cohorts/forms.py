"""Forms for running cohorts: the cohort, its people, its assignments and their exceptions.

Dates are typed and shown in the cohort's time zone, whatever the instructor's browser or the
server uses: a class in New York has its work due at 17:00 New York time.
"""

import datetime
import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from clinic_coder.accounts.models import Role
from clinic_coder.cases.forms import payer_profile_choices
from clinic_coder.parsing import whole_number

from . import roster
from .models import Assignment, AssignmentOverride, Cohort, validate_plausible_date

User = get_user_model()

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


# Names in the time zone database that are no place: "localtime" is whatever the server uses.
NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - NOT_PLACES)
    return [(name, name.replace("_", " ")) for name in names]


class CohortDateTimeField(forms.DateTimeField):
    """A datetime-local input read and shown in the cohort's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)

    def __init__(self, *, zone: zoneinfo.ZoneInfo | None = None, **kwargs: object) -> None:
        kwargs.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)
        self.zone = zone or timezone.get_default_timezone()

    def prepare_value(self, value: object) -> object:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value: object) -> datetime.datetime | None:
        # The parent makes a naive time aware in the active zone; make that the cohort's.
        try:
            with timezone.override(self.zone):
                moment = super().to_python(value)
        except OverflowError:  # The end of year 9999, say, has no UTC time.
            moment = datetime.datetime.max.replace(tzinfo=self.zone)
        validate_plausible_date(moment)
        return moment


def _zoned(form: forms.Form, zone: zoneinfo.ZoneInfo, *names: str) -> None:
    for name in names:
        form.fields[name].zone = zone


class CohortForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="America/Chicago",
        help_text="Opening and due dates are entered and shown in this time zone.",
        error_messages={
            "invalid_choice": "Choose a time zone from the list, e.g. America/New_York."
        },
    )

    class Meta:
        model = Cohort
        fields = ["name", "term", "time_zone"]
        help_texts = {"term": "Optional, e.g. Spring 2026."}

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        if name in NOT_PLACES:
            raise ValidationError("Choose the time zone of a place, e.g. America/New_York.")
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"{name} is not a time zone this server knows.") from None
        return name


class SupervisorForm(forms.Form):
    username = forms.CharField(
        label="Supervisor's username", max_length=150, help_text="An existing supervisor account."
    )

    def __init__(self, *args: object, cohort: Cohort, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean_username(self) -> object:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise ValidationError(f"No account has the username {username}.")
        if user.role != Role.SUPERVISOR or user.is_admin:
            raise ValidationError(f"{username} is not a clinic supervisor account.")
        if self.cohort.supervisors.filter(pk=user.pk).exists():
            raise ValidationError(f"{user} already supervises this cohort.")
        return user


class ExistingStudentForm(forms.Form):
    who = forms.CharField(
        label="Username or email",
        max_length=254,
        help_text="Of a student who already has an account.",
    )

    def __init__(self, *args: object, cohort: Cohort, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean_who(self) -> object:
        who = self.cleaned_data["who"].strip()
        matches = list(User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who))[:2])
        if not matches:
            raise ValidationError(f"No account has the username or email {who}.")
        if len(matches) > 1:
            raise ValidationError(f"More than one account uses {who}; give the username instead.")
        student = matches[0]
        if not student.is_student:
            raise ValidationError(f"{student.username} is not a student account.")
        if self.cohort.enrollments.filter(student=student, active=True).exists():
            raise ValidationError(f"{student} is already enrolled in this cohort.")
        return student


class NewStudentForm(forms.ModelForm):
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @ . + - _ only.",
    )
    email = forms.EmailField(required=False)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                f"The username {username} is taken. To enrol that student, use the form above."
            )
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(f"An account already uses {email}; enrol it with the form above.")
        return email

    def save(self, commit: bool = True) -> object:
        student = super().save(commit=False)
        student.role = Role.STUDENT
        student.set_unusable_password()
        if commit:
            student.save()
        return student


def cohort_for_invite_code(text: str) -> Cohort:
    """The cohort whose current invite code this is, typed as people type it (spaces, dashes,
    lower case); a wrong or renewed code, or an archived cohort's, is a ValidationError."""
    code = "".join(text.split()).replace("-", "").upper()
    cohort = Cohort.objects.current().filter(invite_code=code).first()
    if cohort is None:
        raise ValidationError(
            f"No cohort has the code {code}. Check it with your instructor: "
            "codes have 8 letters and digits, and an old code stops working once renewed."
        )
    return cohort


def invite_code_field() -> forms.CharField:
    return forms.CharField(
        label="Invite code",
        max_length=20,
        help_text="The code your instructor gave you, e.g. K7MQ2XPA.",
    )


class JoinForm(forms.Form):
    code = invite_code_field()

    def clean_code(self) -> Cohort:
        return cohort_for_invite_code(self.cleaned_data["code"])


class SignUpForm(UserCreationForm):
    """A student makes their own account with a cohort's invite code, and is enrolled in it."""

    code = invite_code_field()
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="Where a link to reset your password goes if you forget it.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["code", "username", "first_name", "last_name", "email"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The page starts at the first field (Django's form starts at the username).
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self) -> Cohort:
        return cohort_for_invite_code(self.cleaned_data["code"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already uses this email. Log in to it (or use “Forgot your "
                "password?”), then join the cohort with the code on My practice."
            )
        return email

    def save(self, commit: bool = True) -> object:
        student = super().save(commit=False)
        student.role = Role.STUDENT
        if commit:
            student.save()
        return student


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text=(
            "UTF-8 CSV, at most 2 MB, with the header row username,first_name,last_name,email."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> list[roster.RosterRow]:
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is 2 MB. Split the roster."
            )
        try:
            return roster.parse_roster(upload.read())
        except roster.BadRoster as problem:
            raise ValidationError(str(problem)) from None


class AssignmentForm(forms.ModelForm):
    opens_at = CohortDateTimeField(label="Opens")
    due_at = CohortDateTimeField(label="Due")
    attempts_allowed = forms.IntegerField(
        min_value=0, max_value=100, initial=3, help_text="Attempts per case. 0 means unlimited."
    )
    time_limit_minutes = forms.IntegerField(
        label="Time limit (minutes)",
        min_value=1,
        max_value=600,
        required=False,
        help_text="Optional. Minutes per attempt, counted from opening the case.",
    )

    class Meta:
        model = Assignment
        fields = [
            "case_set", "opens_at", "due_at", "attempts_allowed", "payer_profile", "feedback",
            "time_limit_minutes", "late_policy", "score_policy",
        ]  # fmt: skip
        labels = {
            "case_set": "Case set",
            "payer_profile": "Payer profile",
            "feedback": "Show feedback",
        }

    def __init__(self, *args: object, cohort: Cohort, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        zone = zoneinfo.ZoneInfo(cohort.time_zone)
        _zoned(self, zone, "opens_at", "due_at")
        for name in ("opens_at", "due_at"):
            self.fields[name].help_text = f"In the cohort's time zone, {cohort.time_zone}."
        self.fields["payer_profile"] = forms.ChoiceField(
            label="Payer profile",
            required=False,
            choices=[
                ("", "Each case's own payer"),
                *payer_profile_choices(user, keep=self.instance.payer_profile),
            ],
            help_text="Code every case of the set for this payer, or leave each case's own.",
        )

    def clean(self) -> dict:
        data = super().clean()
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and opens >= due:
            self.add_error("due_at", "The due date must be after the opening date.")
        # Feedback after the due date shows the key then; late work after that would be copied.
        if (
            data.get("feedback") == Assignment.Feedback.AFTER_DUE
            and data.get("late_policy") == Assignment.LatePolicy.MARKED_LATE
        ):
            self.add_error(
                "late_policy",
                "An assignment that shows feedback after the due date cannot accept late work: "
                "the answers are shown at the due date. Choose no late submissions, "
                "or show feedback at once.",
            )
        return data


class OverrideForm(forms.ModelForm):
    due_at = CohortDateTimeField(
        label="Extended due date", required=False, help_text="Empty: the assignment's due date."
    )
    extra_attempts = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        help_text="Added to the attempts allowed per case (no effect when they are unlimited).",
    )

    class Meta:
        model = AssignmentOverride
        fields = ["due_at", "extra_attempts", "reason"]
        help_texts = {"reason": "Kept with the override, e.g. 'Documented accommodation'."}

    def __init__(self, *args: object, assignment: Assignment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        _zoned(self, zoneinfo.ZoneInfo(assignment.cohort.time_zone), "due_at")

    def clean_due_at(self) -> datetime.datetime | None:
        return _after_opening(self.cleaned_data["due_at"], self.assignment)

    @property
    def changes_nothing(self) -> bool:
        return not self.cleaned_data["due_at"] and not self.cleaned_data["extra_attempts"]


class PeopleField(forms.ModelMultipleChoiceField):
    """People chosen by id. A value that is no plausible id (minus signs, 30 digits) is refused
    here: the database would raise an overflow on it, not an empty match."""

    def _check_values(self, value: object) -> QuerySet:
        for pk in value:
            if whole_number(str(pk), max_digits=18) is None:
                message = self.error_messages["invalid_pk_value"]
                raise ValidationError(message, code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class BulkExtensionForm(forms.Form):
    students = PeopleField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one student to extend."},
    )
    due_at = CohortDateTimeField(label="New due date")
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: object, assignment: Assignment, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.fields["students"].queryset = students_of(assignment.cohort)
        stale = "A selected student is not in this cohort; reload the page and try again."
        self.fields["students"].error_messages |= {
            "invalid_choice": stale,
            "invalid_pk_value": stale,
        }
        _zoned(self, zoneinfo.ZoneInfo(assignment.cohort.time_zone), "due_at")
        zone_name = assignment.cohort.time_zone
        self.fields["due_at"].help_text = f"In the cohort's time zone, {zone_name}."

    def clean_due_at(self) -> datetime.datetime:
        return _after_opening(self.cleaned_data["due_at"], self.assignment)


def students_of(cohort: Cohort) -> QuerySet:
    return User.objects.filter(enrollments__cohort=cohort)


def _after_opening(due: datetime.datetime | None, assignment: Assignment) -> object:
    if due and due <= assignment.opens_at:
        raise ValidationError("The due date must be after the assignment opens.")
    return due
