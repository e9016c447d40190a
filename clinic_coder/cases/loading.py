import json
from pathlib import Path

from django.conf import settings

from .exchange import ImportResult, import_bank

CASE_BANK_FILE = Path(settings.BASE_DIR) / "fixtures" / "case_bank.json"


def load_case_bank(path: Path = CASE_BANK_FILE, *, user=None) -> ImportResult:
    return import_bank(json.loads(path.read_text(encoding="utf-8")), user=user)
