from django import forms

from clinic_coder.coding.skills import SKILLS


class SignOffForm(forms.Form):
    skill = forms.ChoiceField(
        label="Skill area", choices=[("", "Choose a skill area"), *SKILLS.items()]
    )
    note = forms.CharField(required=False, max_length=300, help_text="Optional: what you observed.")
    # Set by the confirmation page: the supervisor has read that the skill needs work.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def skill_label(self) -> str:
        return SKILLS[self.cleaned_data["skill"]]


class RevokeSignOffForm(forms.Form):
    reason = forms.CharField(
        label="Why revoke it",
        max_length=300,
        help_text="Kept with the sign-off: the student and their staff see who revoked it and why.",
    )
