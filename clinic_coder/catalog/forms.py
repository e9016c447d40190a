from django import forms

from .models import ProcedureCode


class ClinicCodeForm(forms.ModelForm):
    """A clinic's own code: the grader then accepts it and counts it timed or untimed."""

    class Meta:
        model = ProcedureCode
        fields = ["code", "descriptor", "timed"]
        labels = {"timed": "Timed (billed in 15-minute units)"}
        help_texts = {
            "code": "2-12 capital letters, digits or hyphens, such as 19-NC.",
            "descriptor": "What the code is for, in a few words.",
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if ProcedureCode.objects.filter(code=code).exists():
            raise forms.ValidationError(f"{code} is already in the catalog.")
        return code

    def save(self, commit: bool = True) -> ProcedureCode:
        code = super().save(commit=False)
        code.family = "clinic"
        code.clinic_internal = True
        if commit:
            code.save()
        return code
