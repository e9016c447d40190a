"""Forms for writing cases: the case, its documented services, and the checks across both.

The checks match what the case-bank import accepts (exchange.py), so that every case written
here exports to a file that imports again.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat

from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.diagnoses import normalize_dx
from clinic_coder.coding.errors import BadCase
from clinic_coder.coding.types import REGIONS, ExpectedClaim
from clinic_coder.coding.variants import note_problems as variant_note_problems

from .exchange import (
    KEY,
    MAX_MINUTES,
    MAX_TEXT,
    RESERVED_SLUGS,
    SLUG,
    TEXT_LIMITS,
    parse_key_lines,
    validate_diagnoses,
    validate_key_override,
)
from .models import SKILL_CHOICES, Case, CaseVariant, Difficulty, DocumentedService, PayerProfile

REGION_CHOICES = [(r, r.replace("_", " ").capitalize()) for r in REGIONS]
MAX_IMPORT_BYTES = 2 * 1024 * 1024
SERVICES_PREFIX = "services"


def payer_profile_choices(user: object, *, keep: str = "") -> list[tuple[str, list]]:
    """The profiles a user may pick, grouped: the built-ins, then their own. keep: the key
    already chosen, kept even if it is not theirs (a co-editor's case may name its owner's)."""
    rows = PayerProfile.objects.usable_by(user)
    if keep:
        rows = rows | PayerProfile.objects.filter(key=keep)
    rows = list(rows.order_by("name", "pk"))
    own_label = "Instructors' own profiles" if user.is_admin else "Your own profiles"
    groups = [("Built-in profiles", [(p.key, p.name) for p in rows if p.builtin])]
    own = [(p.key, p.name) for p in rows if not p.builtin]
    return [*groups, (own_label, own)] if own else groups


class CaseForm(forms.ModelForm):
    # Plain text fields: the clean methods below give the one clear message.
    slug = forms.CharField(
        label="Short name (slug)",
        max_length=80,
        help_text="Lower-case words joined by hyphens; used in links and exported files.",
    )
    skills = forms.MultipleChoiceField(
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="What this case practises; students' mastery is tracked per skill.",
        error_messages={"required": "Choose at least one skill this case practises."},
    )

    key_override_text = forms.CharField(
        label="Your own key (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Leave empty to use the key the engine derives. Otherwise one claim line per line: "
            "code, units, modifiers, e.g. '97140 2 GP XS'. It replaces the derived key in every "
            "variant, so use it on cases with fixed minutes."
        ),
    )

    diagnoses_text = forms.CharField(
        label="Diagnoses (box 21, in order)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One per line: the ICD-10-CM code, then the note's words for it, e.g. 'M99.03 "
            "segmental dysfunction at L4-L5'. The first is the reason for the visit. Leave "
            "empty to grade the case on its procedure lines only."
        ),
    )

    class Meta:
        model = Case
        fields = [
            "title", "slug", "difficulty", "payer_profile", "skills", "provider", "care",
            "abn_signed", "em_separately_identifiable", "over_therapy_threshold",
            "assistant_performed", "note", "teaching_point", "key_override_reason",
        ]  # fmt: skip
        labels = {"key_override_reason": "Why your own key"}
        help_texts = {
            "teaching_point": "What a student should take away; shown after grading.",
            "key_override_reason": "Required with your own key; students see it with the key.",
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 12}),
            "teaching_point": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer_profile"] = forms.ChoiceField(
            label="Payer profile",
            choices=payer_profile_choices(user, keep=self.instance.payer_profile),
            help_text="The payer whose rules the key follows: a built-in profile or one of "
            "your own (Payer profiles, beside Case sets).",
        )
        # The same limits as the case-bank import, so what is saved here exports and imports.
        for name in ("note", "teaching_point"):
            _limit(self.fields[name], TEXT_LIMITS[name])
        _limit(self.fields["key_override_reason"], MAX_TEXT)
        _limit(self.fields["key_override_text"], 2_000)
        _limit(self.fields["diagnoses_text"], 5_000)
        if self.instance.diagnoses:
            self.initial["diagnoses_text"] = "\n".join(
                f"{d['code']} {d['documented']}" for d in self.instance.diagnoses
            )
        if self.instance.key_override:
            self.initial["key_override_text"] = "\n".join(
                " ".join([line["code"], str(line["units"]), *line["modifiers"]])
                for line in self.instance.key_override
            )

    def clean(self) -> dict:
        data = super().clean()
        lines, problems = parse_key_lines(data.get("key_override_text", ""))
        for problem in problems:
            self.add_error("key_override_text", problem)
        if lines and not data.get("key_override_reason", "").strip():
            self.add_error("key_override_reason", "Say why the derived key is not right here.")
        if lines and not problems:
            wrapped = {"reason": data.get("key_override_reason", ""), "lines": lines}
            for problem in validate_key_override(wrapped, "Your key", current_catalog()):
                self.add_error("key_override_text", problem.split(": ", 1)[-1])
        self.instance.key_override = lines or None
        if not lines:
            self.instance.key_override_reason = ""
        self.instance.diagnoses = self._diagnoses(data.get("diagnoses_text", ""))
        return data

    def _diagnoses(self, text: str) -> list[dict]:
        entries = []
        for number, raw in enumerate(text.splitlines(), start=1):
            words = raw.split(maxsplit=1)
            if not words:
                continue
            if len(words) < 2:
                self.add_error(
                    "diagnoses_text", f"Line {number}: the code, then the note's words for it."
                )
                continue
            entries.append({"code": normalize_dx(words[0]), "documented": words[1].strip()})
        for problem in validate_diagnoses(entries, "Box 21").errors:
            self.add_error("diagnoses_text", problem.split(": ", 1)[-1])
        return entries

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if not SLUG.match(slug):
            raise ValidationError("Use lower-case letters and digits, words joined by hyphens.")
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"{slug!r} is reserved for a page of the site; pick another.")
        return slug


class ServiceForm(forms.ModelForm):
    key = forms.CharField(
        max_length=30, help_text="Write {key} in the note where this service's minutes go."
    )
    regions = forms.MultipleChoiceField(
        choices=REGION_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    minutes_low = forms.IntegerField(
        label="Minutes from", min_value=0, max_value=MAX_MINUTES, required=False
    )
    minutes_high = forms.IntegerField(
        label="Minutes to",
        min_value=0,
        max_value=MAX_MINUTES,
        required=False,
        help_text="Same as 'from' for fixed minutes; blank for untimed services.",
    )
    time_block = forms.IntegerField(min_value=1, max_value=20, initial=1)
    diagnoses = forms.CharField(
        label="Diagnoses it treats",
        required=False,
        max_length=120,
        help_text="Codes from box 21, separated by spaces; its key line points to them.",
    )

    class Meta:
        model = DocumentedService
        fields = [
            "technique", "key", "regions", "minutes_low", "minutes_high", "time_block",
            "code", "attended", "patient_active", "remarks", "diagnoses",
        ]  # fmt: skip
        labels = {"patient_active": "Patient active"}
        widgets = {"remarks": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _limit(self.fields["remarks"], MAX_TEXT)
        # In reading order, whatever the case: "acupressure" beside "Active Release Technique".
        technique = self.fields["technique"]
        technique.choices = sorted(
            technique.choices, key=lambda choice: (choice[0] != "", str(choice[1]).casefold())
        )
        if isinstance(self.initial.get("diagnoses"), list):
            self.initial["diagnoses"] = " ".join(self.initial["diagnoses"])

    def clean_diagnoses(self) -> list[str]:
        codes = [normalize_dx(c) for c in self.cleaned_data["diagnoses"].replace(",", " ").split()]
        if len(set(codes)) != len(codes):
            raise ValidationError("Give each diagnosis once.")
        return codes

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not KEY.match(key):
            raise ValidationError(
                "Start with a lower-case letter; then lower-case letters, digits and _ only."
            )
        return key

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("minutes_low"), data.get("minutes_high")
        # One end given means fixed minutes: the other end is the same.
        if low is None and high is not None:
            data["minutes_low"] = low = high
        elif high is None and low is not None:
            data["minutes_high"] = high = low
        if low is not None and high is not None and low > high:
            self.add_error("minutes_high", f"Must be at least 'Minutes from' ({low}).")
        return data


def _limit(field: forms.CharField, length: int) -> None:
    field.max_length = length
    field.validators.append(MaxLengthValidator(length))
    field.widget.attrs["maxlength"] = str(length)


class BaseServiceFormSet(BaseInlineFormSet):
    default_error_messages = {"too_few_forms": "A case needs at least one documented service."}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this service"

    def kept_forms(self) -> list[forms.Form]:
        """The filled-in rows not marked for removal (call after validation)."""
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def clean(self) -> None:
        if any(self.errors):
            return
        counts = Counter(form.cleaned_data["key"] for form in self.kept_forms())
        twice = sorted(key for key, count in counts.items() if count > 1)
        if twice:
            raise ValidationError(
                f"Each service needs its own key; used more than once: {', '.join(twice)}."
            )
        super().clean()


ServiceFormSet = inlineformset_factory(
    Case,
    DocumentedService,
    form=ServiceForm,
    formset=BaseServiceFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def case_forms(
    data: QueryDict | None, case: Case, *, user: object
) -> tuple[CaseForm, BaseServiceFormSet]:
    return (
        CaseForm(data, instance=case, user=user),
        ServiceFormSet(data, instance=case, prefix="services"),
    )


def with_another_service(data: QueryDict) -> QueryDict:
    """The posted form with one more, empty service row (the no-JavaScript 'add' button)."""
    data = data.copy()
    total = f"{SERVICES_PREFIX}-TOTAL_FORMS"
    try:
        number = max(int(data.get(total) or 0), 0)
    except ValueError:  # A forged count; the formset reports the broken form on its own.
        number = 0
    data[total] = str(number + 1)
    data[f"{SERVICES_PREFIX}-{number}-attended"] = "on"
    data[f"{SERVICES_PREFIX}-{number}-time_block"] = "1"
    return data


def new_service_form(index: int) -> ServiceForm:
    """An empty row for the formset, numbered to follow the rows already on the page."""
    form = ServiceFormSet(prefix=SERVICES_PREFIX).empty_form
    form.prefix = f"{SERVICES_PREFIX}-{index}"
    return form


# --- checks across the case and its services ------------------------------------------------


def derive_at(
    case: Case, services: list[DocumentedService], minutes: dict, catalog: Catalog
) -> ExpectedClaim:
    return derive_expected(
        [s.to_engine(minutes.get(s.key)) for s in services],
        case.facts,
        PayerProfile.objects.for_grading(case.payer_profile),
        catalog,
    )


def note_problems(
    note: str, services: list[DocumentedService], *, publishing: bool = False
) -> list[str]:
    """What does not match between the note and these services (variants.note_problems);
    publishing: also every service with minutes missing from the note."""
    minutes = {
        s.key: None if s.minutes_low is None else (s.minutes_low, s.minutes_high) for s in services
    }
    return variant_note_problems(note, minutes, publishing=publishing)


def diagnosis_problems(case: Case, services: list[DocumentedService]) -> list[str]:
    """Services that treat a diagnosis box 21 does not list."""
    codes = {d["code"] for d in case.diagnoses}
    return [
        f"Service {number} treats {code}, which is not in the case's diagnoses (box 21)."
        for number, service in enumerate(services, start=1)
        for code in service.diagnoses
        if code not in codes
    ]


def coding_problems(case: Case, services: list[DocumentedService], catalog: Catalog) -> list[str]:
    """Why the engine cannot derive a key at the low or the high end of the ranges, if it can't."""
    for end in ("minutes_low", "minutes_high"):
        minutes = {s.key: getattr(s, end) for s in services if s.minutes_low is not None}
        try:
            derive_at(case, services, minutes, catalog)
        except BadCase as error:
            return list(error.problems)
        except ValueError as error:
            return [str(error)]
    return []


def check_case(case_form: CaseForm, formset: BaseServiceFormSet, catalog: Catalog) -> bool:
    """Validate the case and its services together; put every problem on the form.

    A published case is held to the publishing checks on every save: it stays live.
    """
    if not (case_form.is_valid() & formset.is_valid()):
        return False
    services = [f.instance for f in formset.kept_forms()]
    publishing = case_form.instance.status == Case.Status.PUBLISHED
    for problem in note_problems(case_form.instance.note, services, publishing=publishing):
        case_form.add_error("note", problem)
    for problem in diagnosis_problems(case_form.instance, services):
        case_form.add_error("diagnoses_text", problem)
    if case_form.errors:
        return False
    for problem in coding_problems(case_form.instance, services, catalog):
        case_form.add_error(None, f"The key cannot be derived: {problem}")
    return not case_form.errors


# --- the live preview -----------------------------------------------------------------------

PREVIEW_FIELDS = (
    "note", "payer_profile", "provider", "care", "abn_signed", "em_separately_identifiable",
    "over_therapy_threshold", "assistant_performed", "diagnoses_text",
)  # fmt: skip


def claim_rows(expected: ExpectedClaim) -> list[list[dict]]:
    """Every acceptable claim as rows to show, modifiers in a stable order."""
    return [
        [
            {
                "code": line.code,
                "units": line.units,
                "modifiers": ", ".join(sorted(line.modifiers)),
                "pointers": " ".join(line.pointers),
            }
            for line in claim
        ]
        for claim in expected.alternatives
    ]


@dataclass
class Preview:
    seed: int
    variant: CaseVariant | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def claims(self) -> list[list[dict]]:
        return claim_rows(self.variant.expected) if self.variant else []


def preview(
    case_form: CaseForm, formset: BaseServiceFormSet, seed: int, catalog: Catalog
) -> Preview:
    """The key of the case as posted, unsaved; or what stops it being derived."""
    case_form.is_valid()
    formset.is_valid()
    result = Preview(seed=seed, problems=_preview_form_problems(case_form, formset))
    if result.problems:
        return result
    case, services = case_form.instance, [f.instance for f in formset.kept_forms()]
    result.problems = (
        note_problems(case.note, services)
        or diagnosis_problems(case, services)
        or coding_problems(case, services, catalog)
    )
    if not result.problems:
        result.variant = case.variant(seed, catalog, services=services)
    return result


def _preview_form_problems(case_form: CaseForm, formset: BaseServiceFormSet) -> list[str]:
    problems = [
        f"{case_form.fields[name].label or name}: {error}"
        for name in PREVIEW_FIELDS
        for error in case_form.errors.get(name, [])
    ]
    for number, form in enumerate(formset.forms, start=1):
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else "Service"
            problems += [f"Service {number}, {label or name}: {error}" for error in errors]
    return problems + list(formset.non_form_errors())


# --- list, seed and import forms ------------------------------------------------------------


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="Search title and note", required=False, max_length=200)
    code = forms.CharField(
        label="Code in key", required=False, max_length=12, help_text="For example 97140."
    )
    skill = forms.ChoiceField(choices=[("", "Any skill"), *SKILL_CHOICES], required=False)
    difficulty = forms.ChoiceField(
        choices=[("", "Any difficulty"), *Difficulty.choices], required=False
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Case.Status.choices], required=False)
    archived = forms.BooleanField(label="Show archived cases", required=False)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class CoEditorForm(forms.Form):
    username = forms.CharField(
        label="Instructor's username", max_length=150, help_text="They may then change this case."
    )

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_username(self) -> object:
        from clinic_coder.accounts.models import Role, User

        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, role=Role.INSTRUCTOR).first()
        if user is None:
            raise ValidationError(f"No instructor account has the username {username}.")
        if user.pk == self.case.owner_id or self.case.co_editors.filter(pk=user.pk).exists():
            raise ValidationError(f"{user} may already change this case.")
        return user


class SeedForm(forms.Form):
    seed = forms.IntegerField(label="Variant seed", min_value=1, max_value=2**31 - 1)

    @classmethod
    def from_query(cls, query: QueryDict) -> "SeedForm":
        return cls({"seed": query.get("seed", "1")})

    def seed_or_default(self) -> int:
        return self.cleaned_data["seed"] if self.is_valid() else 1


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Case bank file (JSON)",
        help_text="A file exported from Clinic Coder, at most 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> object:
        """The parsed JSON document."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is 2 MB. "
                "Export fewer cases or split the file."
            )
        try:
            return json.loads(upload.read().decode("utf-8"), parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise ValidationError("This is not a JSON file: it is not UTF-8 text.") from None
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None
        except RecursionError:
            raise ValidationError(
                "This is not a case bank: its lists and objects are nested too deeply."
            ) from None
        except ValueError:  # A number of more than 4,300 digits, or NaN/Infinity.
            raise ValidationError(
                "This is not a case bank: it holds a number no case needs (too many digits, "
                "NaN or Infinity)."
            ) from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a case bank can hold.")
