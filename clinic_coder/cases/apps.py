from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "clinic_coder.cases"
    label = "cases"

    def ready(self) -> None:
        # Reference data every case needs, kept as Django keeps content types: after each
        # migrate, and after each flush (so tests that empty the database keep them too).
        post_migrate.connect(load_builtin_payer_profiles, sender=self)


def load_builtin_payer_profiles(sender: AppConfig, *, using: str, **kwargs: object) -> None:
    from .loading import load_payer_profiles

    apps = kwargs.get("apps") or global_apps
    try:
        model = apps.get_model("cases", "PayerProfile")
    except LookupError:  # Migrated back to before the table existed.
        return
    load_payer_profiles(model=model, using=using)
