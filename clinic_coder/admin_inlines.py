"""Admin inlines whose inputs a screen reader can name."""

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest


class LabelledFormSet(BaseInlineFormSet):
    deletion_widget = forms.CheckboxInput(attrs={"aria-label": "Delete"})


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline that names each input after its column.

    Django's tabular inline shows a field's label only as the column header, which does not
    label the inputs beneath it: a screen reader announces "edit text" or "checkbox" and
    nothing more (axe: label, select-name).
    """

    formset = LabelledFormSet

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: object
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", field.label)
        return field
