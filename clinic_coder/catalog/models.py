from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Max

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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.descriptor}"


# The catalog as last built in this process, with the stamp of the rows it was built from.
_built: tuple[tuple, object] | None = None


def current_catalog():
    """The engine's catalog as this site knows it: the built-in codes plus clinic codes.

    Built once per process and rebuilt when any code is added, changed or removed: a one-row
    query compares the table's stamp (count, newest change, highest id) with the one it was
    built from, so a code added through another process or server is seen at once.
    """
    from clinic_coder.coding.catalog import Catalog

    global _built
    stamp = ProcedureCode.objects.order_by().aggregate(
        count=Count("pk"), changed=Max("updated_at"), top=Max("pk")
    )
    stamp = (stamp["count"], stamp["changed"], stamp["top"])
    if _built is None or _built[0] != stamp:
        rows = ProcedureCode.objects.values(
            "code", "descriptor", "timed", "family", "medicare_note"
        )
        _built = (stamp, Catalog.from_rows(rows))
    return _built[1]


def forget_built_catalog() -> None:
    """Drop this process's built catalog (tests roll the table back beneath it)."""
    global _built
    _built = None
