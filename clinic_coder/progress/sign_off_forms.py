from django import forms

from clinic_coder.coding.skills import SKILLS


class SignOffForm(forms.Form):
    skill = forms.ChoiceField(
        label="Skill area", choices=[("", "Choose a skill area"), *SKILLS.items()]
    )
    note = forms.CharField(required=False, max_length=300, help_text="Optional: what you observed.")

    def skill_label(self) -> str:
        return SKILLS[self.cleaned_data["skill"]]
