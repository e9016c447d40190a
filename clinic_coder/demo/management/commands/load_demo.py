from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic_coder.cases.loading import load_case_bank
from clinic_coder.catalog.loading import load_catalog, load_teaching_clinic_code
from clinic_coder.cohorts.models import Cohort
from clinic_coder.demo.accounts import DEMO_COHORT, DEMO_PASSWORD, create_demo_accounts
from clinic_coder.demo.activity import create_demo_activity


class Command(BaseCommand):
    help = "Load the code catalog and create the demo accounts and cohort (safe to run twice)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off: they have a public password."
            )
        codes = load_catalog()
        load_teaching_clinic_code()
        users = create_demo_accounts()
        bank = load_case_bank(user=users["instructor"])
        create_demo_activity(
            cohort=Cohort.objects.get(name=DEMO_COHORT["name"]),
            instructor=users["instructor"],
            student=users["student2"],
        )
        self.stdout.write(f"Code catalog: {codes} built-in codes and the clinic code 19-NC.")
        self.stdout.write(
            f"Case bank: {len(bank.created)} cases created, {len(bank.updated)} updated, "
            f"{len(bank.case_sets)} case sets; a demo assignment with a few attempts by student2."
        )
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD!r}): {', '.join(sorted(users))}."
        )
