from django.core.validators import RegexValidator
from django.db import models

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,11}$",
    "A code is 2-12 capital letters, digits or hyphens, such as 97140 or 19-NC.",
)


class ProcedureCode(models.Model):
    """One billable code the engine knows: the built-in catalog plus a clinic's own codes."""

    code = models.CharField(max_length=12, unique=True, validators=[code_validator])
    descriptor = models.CharField(max_length=200)
    timed = models.BooleanField(help_text="Timed codes are billed in 15-minute units.")
    family = models.CharField(max_length=40)
    medicare_note = models.CharField(max_length=200, blank=True)
    clinic_internal = models.BooleanField(
        default=False, help_text="A code of this clinic's own, such as 19-NC."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.descriptor}"


def current_catalog():
    """The engine's catalog as this site knows it: the built-in codes plus clinic codes."""
    from clinic_coder.coding.catalog import Catalog

    return Catalog.from_rows(
        ProcedureCode.objects.values("code", "descriptor", "timed", "family", "medicare_note")
    )
