import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import ProcedureCode

CATALOG_FILE = Path(settings.BASE_DIR) / "fixtures" / "codes.json"


@transaction.atomic
def load_catalog(path: Path = CATALOG_FILE) -> int:
    """Create or refresh the built-in codes from the fixture; clinic codes are left alone."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        ProcedureCode.objects.update_or_create(
            code=row["code"],
            defaults={
                "descriptor": row["descriptor"],
                "timed": row["timed"],
                "family": row["family"],
                "medicare_note": row.get("medicare_note", ""),
                "clinic_internal": False,
            },
        )
    return len(rows)


def load_teaching_clinic_code() -> ProcedureCode:
    """The demo clinic's own code, 19-NC (the seed article's no-charge service), which one case
    of the shipped bank uses: the demo site and the benchmark both need it."""
    code, _ = ProcedureCode.objects.update_or_create(
        code="19-NC",
        defaults={
            "descriptor": "Teaching clinic: no-charge service (internal code)",
            "timed": False,
            "family": "clinic",
            "clinic_internal": True,
        },
    )
    return code
