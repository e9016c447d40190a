import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from clinic_coder.coding.diagnoses import LETTERS, MAX_POINTERS, DiagnosisList, normalize_dx
from clinic_coder.coding.types import ClaimLine

from .code_lookup import matching_codes
from .workflows import MAX_ANSWER_LINES, MAX_LINE_MINUTES, MAX_LINE_UNITS

MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
# Longer than any number a line takes, typed with spaces; kept so the student sees the mistake.
MAX_TYPED = 20


def code_problem(catalog, typed: str) -> str | None:
    """What is wrong with a typed code, or None for a code of the catalog (or nothing typed).
    Words are a search, as the field's help says: the message offers the codes they find."""
    typed = typed.strip()
    code = typed.upper()
    if not code or code in catalog:
        return None
    found = matching_codes(catalog, typed, limit=6)
    if found:
        choices = "; ".join(f"{info.code} ({info.descriptor})" for info in found)
        return (
            f'"{typed}" is not a code, but these codes match it: {choices}. Type the code you mean.'
        )
    return (
        f"{code} is not a code in the catalog, and no code matches it. Search the code list by "
        "number or words."
    )


class AnswerLineForm(forms.Form):
    """One claim line. The code must be in the site's catalog; the grader judges the rest."""

    # Not "required": a blank row is no line at all. clean() asks for what a line needs.
    code = forms.CharField(
        required=False,
        # Room for words, as the help says ("therapeutic exercise"); only a catalog code passes.
        max_length=40,
        widget=forms.TextInput(attrs={"list": "code-options", "autocomplete": "off"}),
        help_text="Type a code or words, such as 97140 or massage.",
    )
    minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LINE_MINUTES,
        help_text="Leave empty for untimed codes.",
        error_messages={
            "invalid": "Minutes must be a whole number, such as 23.",
            "min_value": "Minutes cannot be negative.",
            "max_value": f"Minutes must be at most {MAX_LINE_MINUTES}.",
        },
    )
    units = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LINE_UNITS,
        initial=1,
        error_messages={
            "invalid": "Units must be a whole number, such as 2.",
            "min_value": "Units cannot be negative.",
            "max_value": f"Units must be at most {MAX_LINE_UNITS}.",
        },
    )
    modifiers = forms.CharField(
        required=False,
        max_length=40,
        help_text="Separate with spaces or commas, such as GP XS.",
    )
    pointers = forms.CharField(
        label="Diagnosis pointers",
        required=False,
        max_length=12,
        help_text="Letters of the box 21 diagnoses this line treats, main one first, such as A C.",
    )

    def __init__(self, *args: object, catalog=None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"].strip()
        if self.catalog is not None and (problem := code_problem(self.catalog, typed)):
            raise ValidationError(problem)
        return typed.upper()

    def clean_modifiers(self) -> frozenset[str]:
        modifiers = self.cleaned_data["modifiers"].upper().replace(",", " ").split()
        bad = [m for m in modifiers if not MODIFIER.match(m)]
        if bad:
            raise ValidationError(
                f"{', '.join(bad)}: a modifier is two letters or digits, such as 59, XS or GP."
            )
        if len(set(modifiers)) != len(modifiers):
            raise ValidationError("Give each modifier once.")
        return frozenset(modifiers)

    def clean_pointers(self) -> tuple[str, ...]:
        letters = self.cleaned_data["pointers"].upper().replace(",", " ").split()
        # "AC" is two pointers, as on the paper form.
        if len(letters) == 1 and len(letters[0]) > 1:
            letters = list(letters[0])
        bad = [p for p in letters if p not in LETTERS]
        if bad:
            raise ValidationError(
                f"{', '.join(bad)}: a pointer is a letter from A to L, naming a diagnosis of "
                "box 21."
            )
        if len(set(letters)) != len(letters):
            raise ValidationError("Give each pointer once.")
        if len(letters) > MAX_POINTERS:
            raise ValidationError(f"A line points to at most {MAX_POINTERS} diagnoses.")
        return tuple(letters)

    def clean(self) -> dict:
        data = super().clean()
        if "code" in data and not data["code"]:
            self.add_error("code", "Give a code for this line, or remove the line.")
        if "units" in data and data["units"] is None:
            self.add_error("units", "Give the units for this line (1 for an untimed code).")
        return data

    def claim_line(self) -> ClaimLine:
        data = self.cleaned_data
        return ClaimLine(
            code=data["code"],
            minutes=data["minutes"],
            units=data["units"],
            modifiers=data["modifiers"],
            pointers=data["pointers"],
        )


BaseAnswerFormSet = formset_factory(
    AnswerLineForm, extra=0, can_delete=True, max_num=MAX_ANSWER_LINES, validate_max=True
)


class AnswerFormSet(BaseAnswerFormSet):
    def __init__(self, *args: object, catalog=None, **kwargs: object) -> None:
        self.catalog = catalog
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {**super().get_form_kwargs(index), "catalog": self.catalog}

    def _construct_form(self, i: int, **kwargs: object) -> AnswerLineForm:
        # A row left blank is no line at all, wherever it sits in the builder.
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        form.use_required_attribute = False
        return form

    def claim(self) -> list[ClaimLine]:
        return [
            form.claim_line()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]

    def raw_lines(self, *, without: int | None = None) -> list[dict]:
        """What the student typed, as typed, for the draft (valid or not); blank rows dropped.

        without: the index of a row the student asked to remove.
        """
        rows = []
        for index, form in enumerate(self.forms):
            if index == without or (self.can_delete and form["DELETE"].value()):
                continue
            row = {
                name: _as_typed(form[name].value(), form.fields[name])
                for name in ("code", "minutes", "units", "modifiers", "pointers")
            }
            if any(row[name].strip() for name in ("code", "minutes", "modifiers", "pointers")):
                rows.append(row)
        return rows[:MAX_ANSWER_LINES]


def _as_typed(value: object, field: forms.Field) -> str:
    """A value as typed, without NUL characters (PostgreSQL's jsonb refuses them) and cut to
    one character more than its field accepts: still too long, so the line stays invalid and
    the student sees why, but a draft never stores a megabyte of forged text."""
    text = str(value or "").replace("\x00", "")
    return text[: (getattr(field, "max_length", None) or MAX_TYPED) + 1]


def formset_from_lines(lines: list[dict], *, catalog, extra_row: bool = False) -> AnswerFormSet:
    """An unbound answer builder showing saved draft lines (plus an empty row if asked)."""
    initial = [dict(row) for row in lines]
    if extra_row or not initial:
        initial.append({"units": 1})
    return AnswerFormSet(initial=initial, catalog=catalog)


class DiagnosesForm(forms.Form):
    """Box 21: up to twelve ICD-10-CM codes, A to L, each from the course's diagnosis list."""

    prefix = "dx"

    def __init__(self, *args: object, diagnoses: DiagnosisList, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.diagnoses = diagnoses
        for letter in LETTERS:
            self.fields[letter] = forms.CharField(
                label=f"Diagnosis {letter}",
                required=False,
                max_length=10,
                widget=forms.TextInput(
                    attrs={"list": "dx-options", "autocomplete": "off", "size": 9}
                ),
            )

    @classmethod
    def from_draft(cls, typed: list, *, diagnoses: DiagnosisList) -> "DiagnosesForm":
        initial = {
            letter: value
            for letter, value in zip(
                LETTERS, typed if isinstance(typed, list) else [], strict=False
            )
            if isinstance(value, str)
        }
        return cls(initial=initial, diagnoses=diagnoses)

    def clean(self) -> dict:
        data = super().clean()
        seen: dict[str, str] = {}
        for letter in LETTERS:
            code = normalize_dx(data.get(letter, ""))
            if not code:
                continue
            # An incomplete code (M54.1, S13.4XX) is let through: the grader explains it.
            if code not in self.diagnoses and not self.diagnoses.is_incomplete(code):
                self.add_error(
                    letter,
                    f"{code} is not a code in the diagnosis list. Search the list by code or "
                    "words, and give every character (such as M54.50 or S13.4XXA).",
                )
            elif code in seen:
                self.add_error(letter, f"{code} is already diagnosis {seen[code]}.")
            else:
                seen[code] = letter
            data[letter] = code
        return data

    def codes(self) -> list[str]:
        """Box 21 as graded: one code per letter, "" where blank, trailing blanks dropped."""
        codes = [self.cleaned_data.get(letter, "") for letter in LETTERS]
        while codes and not codes[-1]:
            codes.pop()
        return codes

    def raw(self) -> list[str]:
        """What was typed, for the draft (valid or not), cut to what a field can hold."""
        typed = [str(self[letter].value() or "").replace("\x00", "")[:11] for letter in LETTERS]
        while typed and not typed[-1].strip():
            typed.pop()
        return typed


class TrainerForm(forms.Form):
    """The student's units for each code of a drill, under both methods."""

    def __init__(self, *args: object, codes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for code in codes:
            for method, label in (("cms", "CMS 8-minute rule"), ("per_code", "per code")):
                self.fields[f"{method}_{code}"] = forms.IntegerField(
                    label=f"{code} units, {label}",
                    min_value=0,
                    max_value=MAX_LINE_UNITS,
                    error_messages={
                        "required": "Give a number of units (0 if the code is not billed).",
                        "invalid": "Units must be a whole number.",
                        "min_value": "Units cannot be negative.",
                    },
                )
