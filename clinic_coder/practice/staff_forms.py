from decimal import Decimal

from django import forms

from .workflows import credit_problem


class ManualCreditForm(forms.Form):
    """New credit for one mark of an attempt, and the reason the student will read."""

    credit = forms.DecimalField(
        label="New credit",
        min_value=Decimal("-0.5"),
        max_value=Decimal(1),
        max_digits=3,
        decimal_places=1,
        help_text="0 to 1 in steps of 0.1 (an extra line: 0 waives its penalty).",
        error_messages={
            "invalid": "Give the credit as a number, such as 0.5.",
            "max_value": "The credit can be at most 1 (the whole line).",
            "min_value": "The credit cannot be below 0 (or -0.5 for an extra line).",
            "max_decimal_places": "Give the credit in steps of 0.1 (for example 0.5 or 0.7).",
            "max_digits": "Give the credit in steps of 0.1 (for example 0.5 or 0.7).",
        },
    )
    reason = forms.CharField(
        label="Reason (the student sees it)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why: the student reads the reason with the new credit."},
    )

    def __init__(self, *args: object, marks: list[dict], index: int, **kwargs: object) -> None:
        kwargs.setdefault("prefix", f"mark-{index}")
        super().__init__(*args, **kwargs)
        self.mark = marks[index] if 0 <= index < len(marks) else None
        if self.mark is not None and not self.is_bound:
            self.initial["credit"] = Decimal(str(self.mark["credit"]))

    def clean_credit(self) -> Decimal:
        credit = self.cleaned_data["credit"]
        problem = self.mark and credit_problem(self.mark, credit)
        if problem:
            raise forms.ValidationError(problem)
        return credit

    def clean(self) -> dict:
        if self.mark is None:
            raise forms.ValidationError("This attempt has no such line.")
        return super().clean()
