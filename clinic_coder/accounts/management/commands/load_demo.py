from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic_coder.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from clinic_coder.catalog.loading import load_catalog


class Command(BaseCommand):
    help = "Load the code catalog and create the demo accounts and cohort (safe to run twice)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off: they have a public password."
            )
        codes = load_catalog()
        users = create_demo_accounts()
        self.stdout.write(f"Code catalog: {codes} built-in codes loaded.")
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD!r}): {', '.join(sorted(users))}."
        )
