import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.units import units_by_method

METHODS = ("cms", "per-code")


def parse_code(argument: str, catalog) -> tuple[str, int]:
    code, has_minutes, minutes = argument.partition("=")
    info = catalog.get(code)
    if not has_minutes:
        if info.timed:
            raise ValueError(f"{info.code} is a timed code: give its minutes as {info.code}=MIN.")
        return info.code, 0
    try:
        return info.code, int(minutes.strip())
    except ValueError:
        raise ValueError(f"{info.code}: minutes must be a whole number, not {minutes!r}.") from None


class Command(BaseCommand):
    help = "Units for codes and minutes by the CMS 8-minute rule or per code, as JSON."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> None:
            # argparse prints a usage block; bad input gets one line and status 2.
            if parser.called_from_command_line:
                sys.stderr.write(
                    f"Error: {message}. Usage: manage.py units --method cms CODE=MIN\n"
                )
                sys.exit(2)
            self._fail(message)

        parser.error = error
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--method", default="cms", help="cms or per-code (default cms)")
        parser.add_argument("codes", nargs="+", metavar="CODE[=MINUTES]")

    def _fail(self, message: str) -> None:
        raise CommandError(message, returncode=2)

    def handle(self, *args: object, method: str, codes: list[str], **options: object) -> None:
        if method not in METHODS:
            self._fail(f"Unknown method {method!r}: use cms or per-code.")
        catalog = current_catalog()
        if not len(catalog):
            self._fail("The code catalog is empty: run manage.py load_catalog first.")
        try:
            minutes_by_code: dict[str, int] = {}
            for argument in codes:
                code, minutes = parse_code(argument, catalog)
                if code in minutes_by_code:
                    raise ValueError(f"{code} is given twice; give each code once.")
                minutes_by_code[code] = minutes
            result = units_by_method(method, minutes_by_code, catalog)
        except ValueError as error:
            self._fail(str(error))
        payload = {
            "method": result.method,
            "total_timed_minutes": result.total_timed_minutes,
            "total_units": result.total_units,
            "units": dict(result.units),
            "alternatives": [dict(a) for a in result.alternatives],
            "explanation": [step.message for step in result.steps],
        }
        self.stdout.write(json.dumps(payload, indent=2))
