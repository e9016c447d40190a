"""The form for an instructor's own payer profile: a name, a description and each setting,
labelled and explained on the model (PayerProfile) in the words the form shows."""

from django import forms
from django.core.validators import MaxLengthValidator

from .models import PayerProfile

# More units than any visit of the bank bills: a cap above it caps nothing.
MAX_UNIT_CAP = 24
MAX_DESCRIPTION = 2000


class PayerProfileForm(forms.ModelForm):
    unit_cap_per_visit = forms.IntegerField(min_value=1, max_value=MAX_UNIT_CAP, required=False)
    unit_cap_per_code = forms.IntegerField(min_value=1, max_value=MAX_UNIT_CAP, required=False)

    class Meta:
        model = PayerProfile
        fields = [
            "name", "description", "unit_method", "medicare", "ncci_edits",
            "same_region_97124_97112_bundled_with_cmt", "distinct_modifiers",
            "unit_cap_per_visit", "unit_cap_per_code", "unattended_estim_code", "gp_required",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("unit_cap_per_visit", "unit_cap_per_code"):
            model_field = PayerProfile._meta.get_field(name)
            self.fields[name].label = str(model_field.verbose_name).capitalize()
            self.fields[name].help_text = model_field.help_text
        self.fields["description"].validators.append(MaxLengthValidator(MAX_DESCRIPTION))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the profile a name.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("medicare") and (
            not data.get("gp_required") or data.get("unattended_estim_code") != "G0283"
        ):
            # Medicare's own rules, not a payer's choice (the engine refuses such a profile).
            self.add_error(
                "medicare",
                "A Medicare profile must require GP and use G0283 for unattended e-stim: "
                "turn those on too, or turn Medicare rules off.",
            )
        return data
