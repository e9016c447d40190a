import json
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from clinic_coder.coding.profiles import PROFILES_FILE, profile_from_dict

from .exchange import ImportResult, import_bank
from .models import PayerProfile

CASE_BANK_FILE = Path(settings.BASE_DIR) / "fixtures" / "case_bank.json"


def load_case_bank(path: Path = CASE_BANK_FILE, *, user=None) -> ImportResult:
    return import_bank(json.loads(path.read_text(encoding="utf-8")), user=user)


def load_payer_profiles(
    path: Path = PROFILES_FILE,
    *,
    model: type[models.Model] = PayerProfile,
    using: str = "default",
) -> int:
    """Create or refresh the built-in payer profiles from the fixture, each checked as the
    engine checks a profile; instructors' own profiles are left alone.

    Run after every migrate and flush (apps.py), so a profile added to the file is there to
    pick at the next deploy. model is the migration state's during migrate.
    """
    rows = [profile_from_dict(row) for row in json.loads(path.read_text(encoding="utf-8"))]
    profiles = model._default_manager.db_manager(using)
    with transaction.atomic(using=using):
        clashes = profiles.filter(key__in=[p.key for p in rows], builtin=False)
        if clashes.exists():
            keys = ", ".join(sorted(clashes.values_list("key", flat=True)))
            raise ValueError(
                f"Built-in payer profile key(s) {keys} already name an instructor's own "
                "profile: rename the built-in in fixtures/payer_profiles.json."
            )
        for profile in rows:
            fields = {**PayerProfile.settings_of(profile), "builtin": True, "owner": None}
            profiles.update_or_create(key=profile.key, defaults=fields)
    return len(rows)
