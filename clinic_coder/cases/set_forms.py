"""The case-set editor: a title, a description, and which cases in what order."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .exchange import MAX_TEXT, SLUG
from .models import Case, CaseSet, CaseSetItem


class CaseSetForm(forms.ModelForm):
    """Each case gets a position box: a number puts it in the set at that place; blank leaves
    it out. Plain inputs, so the form works the same with a keyboard, a screen reader, and
    without JavaScript."""

    slug = forms.CharField(
        label="Short name (slug)",
        max_length=80,
        help_text="Lower-case words joined by hyphens; used in links and exported files.",
    )

    class Meta:
        model = CaseSet
        fields = ["title", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "maxlength": MAX_TEXT})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        positions = {}
        if self.instance.pk:
            positions = dict(self.instance.items.values_list("case_id", "position"))
        # An archived case goes into no new set; one already in this set stays on offer.
        offered = Case.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=list(positions)))
        self.cases = list(offered.order_by("title"))
        for case in self.cases:
            self.fields[self.position_name(case)] = forms.IntegerField(
                label=f"Position of {case.title}",
                required=False,
                min_value=1,
                max_value=999,
                initial=positions[case.pk] + 1 if case.pk in positions else None,
            )

    @staticmethod
    def position_name(case: Case) -> str:
        return f"position_{case.pk}"

    def case_rows(self) -> list[tuple[Case, forms.BoundField]]:
        return [(case, self[self.position_name(case)]) for case in self.cases]

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        if len(description) > MAX_TEXT:
            raise ValidationError(f"At most {MAX_TEXT} characters.")
        return description

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if not SLUG.match(slug):
            raise ValidationError("Use lower-case letters and digits, words joined by hyphens.")
        return slug

    def clean(self) -> dict:
        data = super().clean()
        chosen = [
            (data[self.position_name(case)], case.title, case)
            for case in self.cases
            if data.get(self.position_name(case)) is not None
        ]
        if not chosen and not self.errors:
            raise ValidationError("Give at least one case a position to put it in the set.")
        self.ordered_cases = [case for _, _, case in sorted(chosen, key=lambda row: row[:2])]
        return data

    @transaction.atomic
    def save(self, commit: bool = True) -> CaseSet:
        case_set = super().save()
        case_set.items.all().delete()
        CaseSetItem.objects.bulk_create(
            CaseSetItem(case_set=case_set, case=case, position=position)
            for position, case in enumerate(self.ordered_cases)
        )
        return case_set
