"""Case banks to and from JSON (format documented in docs/case-format.md).

Import validates the whole file first and saves nothing unless every case, service and set is
valid; each error names the case, the service line and the field.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction

from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.diagnoses import MAX_DIAGNOSES, default_diagnoses
from clinic_coder.coding.errors import BadCase
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.techniques import TECHNIQUES
from clinic_coder.coding.types import REGIONS
from clinic_coder.coding.types import PayerProfile as EngineProfile
from clinic_coder.coding.units import plural
from clinic_coder.coding.variants import note_problems
from clinic_coder.parsing import whole_number

from .models import (
    FACT_DEFAULTS,
    MAX_MINUTES,
    Case,
    CaseSet,
    CaseSetItem,
    Difficulty,
    DocumentedService,
    PayerProfile,
    minute_range,
)

FORMAT = "clinic-coder/case-bank"
VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
# Paths under /cases/ that a case slug must not take (a test checks this against cases/urls.py).
RESERVED_SLUGS = frozenset(
    {"new", "preview", "export", "import", "service-row", "sets", "payer-profiles"}
)
# Longest text per field, as the database columns (or, for free text, good sense) allow.
TEXT_LIMITS = {"slug": 80, "title": 160, "note": 20_000, "teaching_point": 5_000, "key": 30}
MAX_TEXT = 20_000
# A case bank is a few levels deep; a deeper file is not one (and would exhaust the stack).
MAX_DEPTH = 12

CASE_FIELDS = {
    "slug", "title", "difficulty", "payer_profile", "skills", "teaching_point", "facts",
    "note", "services", "author_check", "status", "key_override", "diagnoses",
}  # fmt: skip
DOCUMENTED_LIMIT = 300
MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
MAX_UNITS = 24
SERVICE_FIELDS = {
    "key", "technique", "regions", "minutes", "attended", "patient_active", "time_block",
    "code", "remarks", "diagnoses",
}  # fmt: skip


class ImportFailed(ValueError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{plural(len(errors), 'problem')} in the file; nothing was imported.")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    case_sets: list[str] = field(default_factory=list)


# --- export ------------------------------------------------------------------------------


def export_bank(cases, case_sets=()) -> dict:
    """The given cases and sets; a set's cases are exported with it."""
    case_sets = list(case_sets)
    wanted = {c.pk: c for c in cases}
    for case_set in case_sets:
        wanted.update({c.pk: c for c in case_set.ordered_cases()})
    ordered = sorted(wanted.values(), key=lambda c: c.slug)
    return {
        "format": FORMAT,
        "version": VERSION,
        "cases": [c.to_json() for c in ordered],
        "case_sets": [
            {
                "slug": s.slug,
                "title": s.title,
                "description": s.description,
                "cases": [c.slug for c in s.ordered_cases()],
            }
            for s in case_sets
        ],
    }


# --- validation --------------------------------------------------------------------------


def validate_bank(data: object, *, user: object = None) -> list[str]:
    """Every problem in the file, each naming where it is. An empty list means valid.

    A case names its payer profile by key: a built-in, or one of the importing user's own
    (any profile of the site when no user imports, as the shipped bank is loaded).
    """
    if not isinstance(data, dict):
        return ["The file must hold a JSON object with 'format', 'version' and 'cases'."]
    errors = structure_problems(data)
    if errors:
        return errors
    if data.get("format") != FORMAT:
        errors.append(f"'format' must be {FORMAT!r}.")
    if data.get("version") != VERSION:
        errors.append(f"'version' must be {VERSION}.")
    cases = data.get("cases")
    if not isinstance(cases, list):
        return [*errors, "'cases' must be a list of cases."]
    seen = set()
    catalog = current_catalog()
    rows = PayerProfile.objects.all() if user is None else PayerProfile.objects.usable_by(user)
    profiles = {row.key: row.to_engine() for row in rows}
    for number, case in enumerate(cases, start=1):
        slug = case.get("slug") if isinstance(case, dict) else None
        named = f" ({shown(slug, quote=False)})" if isinstance(slug, str) else ""
        where = f"Case {number}{named}"
        errors += validate_case(case, where, catalog, profiles)
        if isinstance(slug, str):
            if slug in seen:
                errors.append(f"{where}: slug {slug!r} appears twice in the file.")
            seen.add(slug)
    case_sets = data.get("case_sets", [])
    if not isinstance(case_sets, list):
        errors.append("'case_sets' must be a list.")
        case_sets = []
    for number, case_set in enumerate(case_sets, start=1):
        where = f"Case set {number}"
        if not isinstance(case_set, dict):
            errors.append(f"{where}: must be an object.")
            continue
        errors += [
            f"{where}: unknown field {shown(name)}."
            for name in sorted(set(case_set) - {"slug", "title", "description", "cases"})
        ]
        if not _is_slug(case_set.get("slug")):
            errors.append(f"{where}, field 'slug': lower-case words joined by hyphens.")
        if not _text(case_set.get("title")):
            errors.append(f"{where}, field 'title': required.")
        elif len(case_set["title"]) > TEXT_LIMITS["title"]:
            errors.append(f"{where}, field 'title': at most {TEXT_LIMITS['title']} characters.")
        description = case_set.get("description", "")
        if not isinstance(description, str) or len(description) > MAX_TEXT:
            errors.append(f"{where}, field 'description': text of at most {MAX_TEXT} characters.")
        members = case_set.get("cases")
        if not isinstance(members, list) or not members:
            errors.append(f"{where}, field 'cases': a list of case slugs.")
            continue
        for number, member in enumerate(members, start=1):
            if not _is_slug(member):
                errors.append(f"{where}, field 'cases', entry {number}: a case slug.")
            elif member not in seen and not Case.objects.filter(slug=member).exists():
                errors.append(f"{where}, field 'cases': no case {member!r} in the file or site.")
    return errors


def validate_case(
    case: object, where: str, catalog: Catalog, profiles: dict[str, EngineProfile]
) -> list[str]:
    if not isinstance(case, dict):
        return [f"{where}: must be an object."]
    errors = [f"{where}: unknown field {shown(n)}." for n in sorted(set(case) - CASE_FIELDS)]
    if not _is_slug(case.get("slug")):
        errors.append(f"{where}, field 'slug': lower-case words joined by hyphens.")
    elif case["slug"] in RESERVED_SLUGS:
        errors.append(
            f"{where}, field 'slug': {case['slug']!r} is reserved for a page of the site; "
            "rename the case."
        )
    for name in ("title", "teaching_point", "note"):
        if not _text(case.get(name)):
            errors.append(f"{where}, field {name!r}: required text.")
        elif len(case[name]) > TEXT_LIMITS[name]:
            errors.append(f"{where}, field {name!r}: at most {TEXT_LIMITS[name]} characters.")
    if case.get("difficulty") not in Difficulty.values:
        errors.append(f"{where}, field 'difficulty': one of {', '.join(Difficulty.values)}.")
    if not _one_of(case.get("payer_profile"), profiles):
        errors.append(
            f"{where}, field 'payer_profile': unknown payer profile "
            f"{shown(case.get('payer_profile'))}. Use one of {', '.join(sorted(profiles))}; "
            "a profile of your own must first exist on this site (duplicate a built-in one "
            "on the Payer profiles page)."
        )
    if case.get("status", "published") not in Case.Status.values:
        errors.append(f"{where}, field 'status': 'draft' or 'published'.")
    skills = case.get("skills")
    if not isinstance(skills, list) or not skills:
        errors.append(f"{where}, field 'skills': a non-empty list of skills.")
    else:
        errors += [
            f"{where}, field 'skills': unknown skill {shown(s)}."
            for s in skills
            if not _one_of(s, SKILLS)
        ]
    errors += _validate_facts(case.get("facts", {}), where)
    if "key_override" in case:
        errors += validate_key_override(case["key_override"], where, catalog)
    diagnoses = validate_diagnoses(case.get("diagnoses", []), where)
    errors += diagnoses.errors
    services = case.get("services")
    if not isinstance(services, list) or not services:
        return [*errors, f"{where}, field 'services': at least one documented service."]
    keys = set()
    for number, service in enumerate(services, start=1):
        line = f"{where}, service {number}"
        errors += validate_service(service, line)
        if isinstance(service, dict) and "diagnoses" in service:
            errors += service_diagnosis_problems(service["diagnoses"], diagnoses.codes, line)
        if isinstance(service, dict) and isinstance(service.get("key"), str):
            if service["key"] in keys:
                errors.append(f"{line}, field 'key': {service['key']!r} is used twice.")
            keys.add(service["key"])
    note = case.get("note")
    if isinstance(note, str):
        minutes = {
            s["key"]: _minute_span(s.get("minutes"))
            for s in services
            if isinstance(s, dict) and isinstance(s.get("key"), str)
        }
        publishing = case.get("status", "published") == "published"
        errors += [
            f"{where}, field 'note': {problem}"
            for problem in note_problems(note, minutes, publishing=publishing)
        ]
    if not errors:
        errors += _validate_codable(case, where, catalog, profiles[case["payer_profile"]])
    return errors


def _minute_span(minutes: object) -> tuple[int, int] | None:
    """A case file's minutes as (low, high) for the note check; None when it has none."""
    if isinstance(minutes, list) and len(minutes) == 2:
        return minutes[0], minutes[1]
    return None if minutes is None else (minutes, minutes)


def parse_key_lines(text: str) -> tuple[list[dict], list[str]]:
    """An instructor's key typed one claim line per line: CODE UNITS [MODIFIER ...].

    Returns the lines as stored, and a message per line that could not be read.
    """
    lines, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.replace(",", " ").upper().split()
        if not words:
            continue
        units = whole_number(words[1], max_digits=3) if len(words) > 1 else None
        if units is None:
            problems.append(f"Line {number}: write the code, then the units, e.g. '97140 2 GP'.")
            continue
        lines.append({"code": words[0], "units": units, "modifiers": sorted(words[2:])})
    return lines, problems


def validate_key_override(value: object, where: str, catalog: Catalog) -> list[str]:
    field = f"{where}, field 'key_override'"
    if not isinstance(value, dict) or set(value) != {"reason", "lines"}:
        return [f"{field}: an object with 'reason' and 'lines'."]
    errors = [] if _text(value["reason"]) else [f"{field}: a reason is required."]
    lines = value["lines"]
    if not isinstance(lines, list):
        return [*errors, f"{field}: 'lines' must be a list of claim lines."]
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or set(line) != {"code", "units", "modifiers"}:
            errors.append(f"{field}, line {number}: needs code, units and modifiers.")
            continue
        if not (isinstance(line["code"], str) and line["code"] in catalog):
            errors.append(
                f"{field}, line {number}: {shown(line['code'])} is not in the code catalog."
            )
        units = line["units"]
        if isinstance(units, bool) or not isinstance(units, int) or not 0 < units <= MAX_UNITS:
            errors.append(f"{field}, line {number}: units from 1 to {MAX_UNITS}.")
        modifiers = line["modifiers"]
        if not isinstance(modifiers, list) or not all(
            isinstance(m, str) and MODIFIER.match(m) for m in modifiers
        ):
            errors.append(f"{field}, line {number}: modifiers are two letters or digits.")
    return errors


@dataclass
class DiagnosisCheck:
    codes: list[str]
    errors: list[str]


def validate_diagnoses(value: object, where: str) -> DiagnosisCheck:
    """A case's box 21: up to 12 objects, each a code of the diagnosis list (as it is spelled
    there) and the note's words for it; no code twice."""
    field = f"{where}, field 'diagnoses'"
    if not isinstance(value, list) or len(value) > MAX_DIAGNOSES:
        return DiagnosisCheck([], [f"{field}: a list of at most {MAX_DIAGNOSES} diagnoses."])
    known = default_diagnoses()
    codes, errors = [], []
    for number, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or set(entry) != {"code", "documented"}:
            errors.append(f"{field}, entry {number}: an object with 'code' and 'documented'.")
            continue
        code, documented = entry["code"], entry["documented"]
        info = known.find(code) if isinstance(code, str) else None
        if info is None or info.code != code:
            errors.append(
                f"{field}, entry {number}: {shown(code)} is not a code of the diagnosis list "
                "(write it with its dot, e.g. M99.03)."
            )
        elif code in codes:
            errors.append(f"{field}, entry {number}: {code} is listed twice.")
        else:
            codes.append(code)
        if not _text(documented) or len(documented) > DOCUMENTED_LIMIT:
            errors.append(
                f"{field}, entry {number}, 'documented': the note's words for it, at most "
                f"{DOCUMENTED_LIMIT} characters."
            )
    return DiagnosisCheck(codes, errors)


def service_diagnosis_problems(value: object, codes: list[str], where: str) -> list[str]:
    """A service's diagnoses: codes of its case's box 21."""
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        return [f"{where}, field 'diagnoses': a list of the case's diagnosis codes."]
    return [
        f"{where}, field 'diagnoses': {shown(c)} is not one of the case's diagnoses."
        for c in value
        if c not in codes
    ] + (
        [f"{where}, field 'diagnoses': a code is listed twice."]
        if len(set(value)) < len(value)
        else []
    )


def validate_service(service: object, where: str) -> list[str]:
    if not isinstance(service, dict):
        return [f"{where}: must be an object."]
    errors = [f"{where}: unknown field {name!r}." for name in sorted(set(service) - SERVICE_FIELDS)]
    key = service.get("key")
    if not (isinstance(key, str) and len(key) <= TEXT_LIMITS["key"] and KEY.match(key)):
        errors.append(f"{where}, field 'key': a short name of letters, digits and _.")
    if not _one_of(service.get("technique"), TECHNIQUES):
        errors.append(
            f"{where}, field 'technique': unknown technique {shown(service.get('technique'))}."
        )
    regions = service.get("regions", [])
    if not isinstance(regions, list) or any(r not in REGIONS for r in regions):
        errors.append(f"{where}, field 'regions': a list drawn from {', '.join(REGIONS)}.")
    minutes = service.get("minutes")
    if minutes is not None and minute_range(minutes) is None:
        errors.append(
            f"{where}, field 'minutes': a whole number from 0 to {MAX_MINUTES}, "
            "or [low, high] with low <= high."
        )
    for name in ("attended", "patient_active"):
        if not isinstance(service.get(name, True), bool):
            errors.append(f"{where}, field {name!r}: true or false.")
    block = service.get("time_block", 1)
    if isinstance(block, bool) or not isinstance(block, int) or not 1 <= block <= 20:
        errors.append(f"{where}, field 'time_block': a whole number from 1 to 20.")
    code = service.get("code")
    if code is not None and not (isinstance(code, str) and 0 < len(code) <= 12):
        errors.append(f"{where}, field 'code': a code such as 99213 or 19-NC, or null.")
    remarks = service.get("remarks", "")
    if not isinstance(remarks, str) or len(remarks) > MAX_TEXT:
        errors.append(f"{where}, field 'remarks': text of at most {MAX_TEXT} characters.")
    return errors


def _validate_facts(facts: object, where: str) -> list[str]:
    if not isinstance(facts, dict):
        return [f"{where}, field 'facts': an object."]
    errors = [
        f"{where}, field 'facts': unknown fact {shown(n)}."
        for n in sorted(set(facts) - set(FACT_DEFAULTS))
    ]
    providers = ("chiropractor", "physical_therapist", "occupational_therapist")
    if facts.get("provider", "chiropractor") not in providers:
        errors.append(f"{where}, field 'facts.provider': {', '.join(providers)}.")
    if facts.get("care", "active") not in ("active", "maintenance"):
        errors.append(f"{where}, field 'facts.care': active or maintenance.")
    for name in (
        "abn_signed", "em_separately_identifiable", "over_therapy_threshold", "assistant_performed",
    ):  # fmt: skip
        if not isinstance(facts.get(name, False), bool):
            errors.append(f"{where}, field 'facts.{name}': true or false.")
    return errors


def _validate_codable(
    case: dict, where: str, catalog: Catalog, profile: EngineProfile
) -> list[str]:
    """The engine must be able to derive a key at both ends of every range."""
    case_obj, services = Case.from_json(case)
    for end in (0, 1):
        minutes = {
            s.key: (s.minutes_low, s.minutes_high)[end]
            for s in services
            if s.minutes_low is not None
        }
        try:
            derive_expected(
                [s.to_engine(minutes.get(s.key)) for s in services],
                case_obj.facts,
                profile,
                catalog,
            )
        except BadCase as error:
            return [f"{where}: {problem}" for problem in error.problems]
        except ValueError as error:
            return [f"{where}: {error}"]
    return []


def structure_problems(data: object) -> list[str]:
    """What no case bank can hold: nesting deeper than MAX_DEPTH, NUL characters (PostgreSQL
    refuses them) and over-long text anywhere. Each problem names where it is.

    Iterative, so that even a pathological file cannot exhaust the stack.
    """
    problems = []
    stack = [(data, "The file", 0)]
    while stack and len(problems) < 20:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [f"{where}: lists and objects are nested too deeply for a case bank."]
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(f"{where}: contains a NUL character; remove it.")
            elif len(value) > MAX_TEXT:
                problems.append(f"{where}: at most {MAX_TEXT} characters of text.")
        elif isinstance(value, dict):
            for name, item in value.items():
                if "\x00" in name or len(name) > 100:
                    problems.append(f"{where}: the field name {shown(name)} is not allowed.")
                    continue
                stack.append((item, f"{where}, field {name!r}", depth + 1))
        elif isinstance(value, list):
            stack += [(item, f"{where}, entry {n}", depth + 1) for n, item in enumerate(value, 1)]
    return sorted(problems)


def shown(value: object, *, quote: bool = True, limit: int = 40) -> str:
    """A value for an error message, cut short: a 1 MB title must not become a 1 MB page."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_of(value: object, allowed: object) -> bool:
    # A list or an object where a name belongs must be an error, not a TypeError.
    return isinstance(value, str) and value in allowed


def _is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 80 and bool(SLUG.match(value))


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --- import ------------------------------------------------------------------------------


def ownership_problems(data: dict, user: object) -> list[str]:
    """Cases and sets of the file that would replace one this user may not change."""
    slugs = [case["slug"] for case in data["cases"]]
    existing = Case.objects.select_related("owner").in_bulk(slugs, field_name="slug")
    allowed = set(Case.objects.editable_by(user).filter(slug__in=slugs).values_list("slug"))
    set_slugs = [s["slug"] for s in data.get("case_sets", [])]
    others_sets = CaseSet.objects.filter(slug__in=set_slugs).exclude(
        pk__in=CaseSet.objects.editable_by(user).values("pk")
    )
    return [
        f"Case set “{case_set.title}” ({case_set.slug}) was made by another instructor, so "
        "this file may not replace it. Give the set another slug."
        for case_set in others_sets
    ] + [
        f"Case {number} ({slug}): the site's case “{existing[slug].title}” belongs to "
        f"{existing[slug].owner_label}, so this file may not replace it. Give the case "
        "another slug, or ask its owner to add you as a co-editor."
        for number, slug in enumerate(slugs, start=1)
        if slug in existing and (slug,) not in allowed
    ]


@dataclass(frozen=True)
class PlannedCase:
    slug: str
    title: str  # as the file names it
    creating: bool
    held_open: tuple[str, ...] = ()  # "set for cohort" of assignments students can still work on
    owner: str = ""  # set when the importer may not replace the site's case: whose it is


@dataclass(frozen=True)
class PlannedSet:
    slug: str
    title: str
    creating: bool
    forbidden: bool = False


@dataclass(frozen=True)
class ImportPlan:
    """What importing a valid file would do, case by case. Making it changes nothing."""

    cases: list[PlannedCase]
    case_sets: list[PlannedSet]
    problems: list[str]  # why the file may not be imported by this user; empty when it may

    @property
    def created(self) -> int:
        return sum(case.creating for case in self.cases)

    @property
    def updated(self) -> int:
        return len(self.cases) - self.created

    @property
    def held_open(self) -> int:
        return sum(bool(case.held_open) for case in self.cases if not case.creating)


def plan_import(data: dict, *, user: object, now: datetime.datetime) -> ImportPlan:
    """The plan for a file validate_bank accepted: a few queries, whatever its size."""
    slugs = [case["slug"] for case in data["cases"]]
    existing = Case.objects.select_related("owner").in_bulk(slugs, field_name="slug")
    editable = set(
        Case.objects.editable_by(user).filter(slug__in=slugs).values_list("slug", flat=True)
    )
    held = Case.objects.filter(slug__in=slugs).held_open(now)
    cases = [
        PlannedCase(
            slug=slug,
            title=case["title"].strip(),
            creating=slug not in existing,
            held_open=tuple(f"{case_set} for {cohort}" for case_set, cohort in held.get(slug, [])),
            owner=existing[slug].owner_label if slug in existing and slug not in editable else "",
        )
        for slug, case in zip(slugs, data["cases"], strict=True)
    ]
    set_slugs = [s["slug"] for s in data.get("case_sets", [])]
    sets_here = set(CaseSet.objects.filter(slug__in=set_slugs).values_list("slug", flat=True))
    sets_mine = set(
        CaseSet.objects.editable_by(user).filter(slug__in=set_slugs).values_list("slug", flat=True)
    )
    case_sets = [
        PlannedSet(
            slug=s["slug"],
            title=s["title"].strip(),
            creating=s["slug"] not in sets_here,
            forbidden=s["slug"] in sets_here and s["slug"] not in sets_mine,
        )
        for s in data.get("case_sets", [])
    ]
    return ImportPlan(cases, case_sets, ownership_problems(data, user))


@transaction.atomic
def import_bank(data: object, *, user=None) -> ImportResult:
    """Create or update the file's cases and sets by slug; raise ImportFailed, saving nothing."""
    errors = validate_bank(data, user=user)
    if not errors and user is not None:
        errors = ownership_problems(data, user)
    if errors:
        raise ImportFailed(errors)
    result = ImportResult()
    for case_data in data["cases"]:
        built, services = Case.from_json(case_data)
        existing = Case.objects.filter(slug=built.slug).first()
        if existing is None:
            built.created_by = built.owner = user
            built.save()
            result.created.append(built.slug)
            case = built
        else:
            for name in (
                "title", "note", "difficulty", "payer_profile", "skills", "teaching_point",
                "status", "provider", "care", "abn_signed", "em_separately_identifiable",
                "over_therapy_threshold", "assistant_performed",
                "key_override", "key_override_reason", "diagnoses",
            ):  # fmt: skip
                setattr(existing, name, getattr(built, name))
            existing.save()
            existing.services.all().delete()
            result.updated.append(existing.slug)
            case = existing
        for service in services:
            service.case = case
        DocumentedService.objects.bulk_create(services)
    for set_data in data.get("case_sets", []):
        case_set, _ = CaseSet.objects.update_or_create(
            slug=set_data["slug"],
            defaults={
                "title": set_data["title"].strip(),
                "description": set_data.get("description", ""),
            },
            create_defaults={
                "title": set_data["title"].strip(),
                "description": set_data.get("description", ""),
                "created_by": user,
            },
        )
        case_set.items.all().delete()
        by_slug = Case.objects.in_bulk(set_data["cases"], field_name="slug")
        CaseSetItem.objects.bulk_create(
            CaseSetItem(case_set=case_set, case=by_slug[slug], position=position)
            for position, slug in enumerate(set_data["cases"])
        )
        result.case_sets.append(case_set.slug)
    return result
