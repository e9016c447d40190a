from django.core.management.base import BaseCommand

from clinic_coder.catalog.loading import load_catalog


class Command(BaseCommand):
    help = "Load or refresh the built-in code catalog from fixtures/codes.json."

    def handle(self, *args: object, **options: object) -> None:
        count = load_catalog()
        self.stdout.write(f"Code catalog: {count} built-in codes loaded.")
