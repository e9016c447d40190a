"""Cases (visit notes with their documented services), case sets and case revisions."""

import dataclasses
import datetime
import hashlib
import json
import random

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.text import slugify

from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding import variants
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.diagnoses import with_diagnoses
from clinic_coder.coding.errors import UnknownProfile
from clinic_coder.coding.profiles import SETTINGS, profile_from_dict
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.techniques import TECHNIQUES
from clinic_coder.coding.types import ClaimLine, ExpectedClaim, VisitFacts
from clinic_coder.coding.types import DocumentedService as EngineService
from clinic_coder.coding.types import Finding as EngineFinding
from clinic_coder.coding.types import PayerProfile as EngineProfile

# A case file's facts when it leaves them out.
FACT_DEFAULTS = {
    "provider": "chiropractor",
    "care": "active",
    "abn_signed": False,
    "em_separately_identifiable": False,
    "over_therapy_threshold": False,
    "assistant_performed": False,
}
MAX_MINUTES = 240

SKILL_CHOICES = list(SKILLS.items())
TECHNIQUE_CHOICES = sorted(
    ((key, f"{t.name} ({t.code or 'code given'})") for key, t in TECHNIQUES.items()),
    key=lambda choice: choice[1],
)


class Difficulty(models.TextChoices):
    INTRO = "intro", "Introductory"
    CORE = "core", "Core"
    ADVANCED = "advanced", "Advanced"


class Provider(models.TextChoices):
    CHIROPRACTOR = "chiropractor", "Chiropractor"
    PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"


class Care(models.TextChoices):
    ACTIVE = "active", "Active / corrective care"
    MAINTENANCE = "maintenance", "Maintenance care"


class PayerProfileQuerySet(models.QuerySet):
    def usable_by(self, user: settings.AUTH_USER_MODEL) -> "PayerProfileQuerySet":
        """Profiles a user may see, pick for a case or an assignment, and duplicate: the
        built-ins and their own; any, for an admin."""
        if user.is_admin:
            return self
        return self.filter(models.Q(builtin=True) | models.Q(owner=user))

    def editable_by(self, user: settings.AUTH_USER_MODEL) -> "PayerProfileQuerySet":
        """Profiles a user may change or delete: their own; any but the built-ins, for an
        admin. Built-ins come from fixtures/payer_profiles.json and are read-only here."""
        custom = self.filter(builtin=False)
        return custom if user.is_admin else custom.filter(owner=user)

    def for_grading(self, key: str) -> EngineProfile:
        """The engine's profile for a key, as its row has it now."""
        row = self.filter(key=key).first()
        if row is None:
            raise UnknownProfile(key, self.filter(builtin=True).values_list("key", flat=True))
        return row.to_engine()


class PayerProfile(models.Model):
    """How one payer wants a claim. The engine reads it as its own dataclass (to_engine).

    Built-in profiles are loaded from fixtures/payer_profiles.json (loading.py) and have no
    owner; an instructor's own profile starts as a copy of one and is theirs to change. Cases
    and assignments name a profile by its key. An attempt keeps a copy of the settings it was
    graded with (Attempt.payer_settings), so changing a profile later never rewrites it.
    """

    class UnitMethod(models.TextChoices):
        CMS = "cms", "CMS 8-minute rule: timed minutes pooled"
        PER_CODE = "per-code", "Per code: each timed code on its own minutes"

    class DistinctModifiers(models.TextChoices):
        FIFTY_NINE_OR_X = "59-or-x", "59 or the fitting X modifier (XE, XS, XP, XU)"
        X_ONLY = "x-only", "Only the X modifiers; 59 is refused"
        FIFTY_NINE_ONLY = "59-only", "Only 59; the X modifiers are refused"

    class EstimCode(models.TextChoices):
        CPT = "97014", "97014 (CPT)"
        HCPCS = "G0283", "G0283 (Medicare's HCPCS code)"

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(
        max_length=120,
        help_text="How the profile is listed when you pick the payer of a case or assignment.",
    )
    description = models.TextField(
        blank=True,
        help_text="Students read it beside the visit note as the payer's rules: say in a "
        "sentence or two what this payer wants.",
    )
    unit_method = models.CharField(
        "Unit method",
        max_length=10,
        choices=UnitMethod.choices,
        help_text="How minutes become units of the timed codes. CMS: the visit's timed minutes "
        "are added up and the 8-minute table gives the units, shared out by minutes. Per code: "
        "each timed code gets units from its own minutes alone, so the same visit can earn "
        "more units.",
    )
    medicare = models.BooleanField(
        "Medicare rules",
        default=False,
        help_text="The claim follows Medicare's coverage rules: AT on manipulation for active "
        "care, GA, GZ or GY where Medicare will not pay, hot or cold packs (97010) never paid "
        "on their own. A Medicare profile also requires GP and uses G0283.",
    )
    ncci_edits = models.BooleanField(
        "NCCI edits",
        default=True,
        help_text="On: the national edits for pairs of codes on one visit apply (manual "
        "therapy, massage or re-education beside manipulation; traction beside manual "
        "therapy): on the same region the second code is left off, elsewhere it needs a "
        "distinct-service modifier. Off: none of these pairs is bundled or needs a modifier.",
    )
    same_region_97124_97112_bundled_with_cmt = models.BooleanField(
        "No 97124 or 97112 on a region manipulated with CMT",
        default=True,
        help_text="On: massage (97124) and neuromuscular re-education (97112) on a spinal "
        "region that was also manipulated are left off the claim. Off: they are billed there, "
        "marked as distinct with 59 or an X modifier. Only with NCCI edits on.",
    )
    distinct_modifiers = models.CharField(
        "Distinct-service modifiers",
        max_length=10,
        choices=DistinctModifiers.choices,
        default=DistinctModifiers.FIFTY_NINE_OR_X,
        help_text="Which modifier a line needs to be billed beside a code it would otherwise be "
        "bundled with. A modifier this payer does not take is marked wrong.",
    )
    unit_cap_per_visit = models.PositiveSmallIntegerField(
        "Most timed units per visit",
        null=True,
        blank=True,
        help_text="The claim bills at most this many units of timed codes in one visit; units "
        "above it are dropped, from whichever lines the coder chooses. Empty: no cap.",
    )
    unit_cap_per_code = models.PositiveSmallIntegerField(
        "Most units of one timed code",
        null=True,
        blank=True,
        help_text="No timed code is billed with more units than this in one visit. Empty: no cap.",
    )
    unattended_estim_code = models.CharField(
        "Code for unattended e-stim",
        max_length=5,
        choices=EstimCode.choices,
        default=EstimCode.CPT,
        help_text="The code billed for electrical stimulation given without one-on-one "
        "attendance: the other code is marked wrong.",
    )
    gp_required = models.BooleanField(
        "GP required",
        default=False,
        help_text="On: every therapy code needs GP (services under a physical therapy plan "
        "of care), and a line without it loses credit. Off: GP may be added but is not needed.",
    )
    builtin = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A departed instructor's profile stays: cases may still name it.
        on_delete=models.SET_NULL,
        related_name="payer_profiles",
    )
    based_on = models.CharField(max_length=40, blank=True, help_text="The key it was copied from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PayerProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-builtin", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(builtin=False) | models.Q(owner__isnull=True),
                name="builtin_profile_has_no_owner",
            ),
            # Medicare's own rules, not a payer's choice (coding/profiles.py says the same).
            models.CheckConstraint(
                condition=models.Q(medicare=False)
                | models.Q(gp_required=True, unattended_estim_code="G0283"),
                name="medicare_profile_requires_gp_and_g0283",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cap_per_visit__isnull=True)
                | models.Q(unit_cap_per_visit__gte=1),
                name="unit_cap_per_visit_at_least_one",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cap_per_code__isnull=True)
                | models.Q(unit_cap_per_code__gte=1),
                name="unit_cap_per_code_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def to_engine(self) -> EngineProfile:
        """The engine's dataclass, every setting checked as a profile from a file is."""
        return profile_from_dict(
            {f.name: getattr(self, f.name) for f in dataclasses.fields(EngineProfile)}
        )

    @staticmethod
    def settings_of(profile: EngineProfile) -> dict:
        """The model's fields for an engine profile (all but its key)."""
        return {k: v for k, v in dataclasses.asdict(profile).items() if k != "key"}

    def setting_rows(self) -> list[tuple[str, str]]:
        """Each setting (not the name and description) in words: (label, value)."""
        rows = []
        for name in SETTINGS:
            field, value = self._meta.get_field(name), getattr(self, name)
            if field.choices:
                value = getattr(self, f"get_{name}_display")()
            elif isinstance(value, bool):
                value = "Yes" if value else "No"
            elif value is None:
                value = "No cap"
            rows.append((str(field.verbose_name).capitalize(), str(value)))
        return rows

    def save_new(self) -> None:
        """Save a new profile of an instructor's under a free key made from its name."""
        base = "custom-" + (slugify(self.name)[:26].strip("-") or "profile")
        for number in range(1, 1000):
            self.key = base if number == 1 else f"{base}-{number}"
            if PayerProfile.objects.filter(key=self.key).exists():
                continue
            try:
                with transaction.atomic():
                    self.save()
                return
            except IntegrityError:
                if not PayerProfile.objects.filter(key=self.key).exists():
                    raise  # Not the key: a setting the database refuses.
                # The key was taken by another request at the same moment: try the next.
        raise IntegrityError(f"No free key for a payer profile named {self.name!r}.")

    def cases_using(self) -> "CaseQuerySet":
        return Case.objects.filter(payer_profile=self.key)

    def assignments_using(self) -> models.QuerySet:
        # Assignments live in cohorts, above this app: reached through the case set's reverse
        # relation, never imported (as Case.held_open_in does).
        assignments = CaseSet.assignments.rel.related_model.objects
        return assignments.filter(payer_profile=self.key)


class CaseQuerySet(models.QuerySet):
    def published(self) -> "CaseQuerySet":
        return self.filter(status=Case.Status.PUBLISHED)

    def current(self) -> "CaseQuerySet":
        return self.filter(archived_at__isnull=True)

    def editable_by(self, user: settings.AUTH_USER_MODEL) -> "CaseQuerySet":
        """Cases a user may change: their own and those shared with them; any, for an admin."""
        if user.is_admin:
            return self
        return self.filter(models.Q(owner=user) | models.Q(co_editors=user)).distinct()

    def held_open(self, now: "datetime.datetime") -> dict[str, list[tuple[str, str]]]:
        """For these cases, by slug: (case set, cohort) of each assignment students may still
        work on (or that has not opened yet) whose set holds the case. One query.

        The same rule as Case.held_open_in (AssignmentQuerySet.open_for_work), for many cases
        at once.
        """
        assignments = CaseSet.assignments.rel.related_model.objects
        rows = (
            assignments.open_for_work(now)
            .filter(case_set__items__case__in=self)
            .values_list("case_set__items__case__slug", "case_set__title", "cohort__name")
            .distinct()
            .order_by("case_set__items__case__slug", "case_set__title", "cohort__name")
        )
        held: dict[str, list[tuple[str, str]]] = {}
        for slug, case_set, cohort in rows:
            held.setdefault(slug, []).append((case_set, cohort))
        return held

    def with_profile_names(self) -> "CaseQuerySet":
        """Each case with its payer profile's name (Case.payer_profile_name), in one query."""
        names = PayerProfile.objects.filter(key=models.OuterRef("payer_profile")).values("name")
        return self.annotate(profile_name=models.Subquery(names[:1]))

    def exercising(self, *skills: str) -> "CaseQuerySet":
        """Cases that exercise any of these skills."""
        # Skills live in a JSON list; a containment lookup is not portable to SQLite.
        query = models.Q()
        for skill in skills:
            query |= models.Q(skills__icontains=f'"{skill}"')
        return self.filter(query)


class Case(models.Model):
    """A visit to code. The note's {key} placeholders are bound to its services' minutes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    note = models.TextField(help_text="The visit note. Write {key} where a service's minutes go.")
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    # The key of a PayerProfile (a built-in or an instructor's own): keys travel in case files.
    payer_profile = models.CharField(max_length=40)
    skills = models.JSONField(default=list, blank=True)
    teaching_point = models.TextField()
    provider = models.CharField(
        max_length=30, choices=Provider.choices, default=Provider.CHIROPRACTOR
    )
    care = models.CharField(max_length=20, choices=Care.choices, default=Care.ACTIVE)
    abn_signed = models.BooleanField("ABN signed", default=False)
    em_separately_identifiable = models.BooleanField("E/M separately identifiable", default=False)
    over_therapy_threshold = models.BooleanField(
        "Over the annual therapy threshold",
        default=False,
        help_text="Medicare: the patient is over the year's therapy threshold and the note "
        "documents medical necessity (KX).",
    )
    assistant_performed = models.BooleanField(
        "Furnished by an assistant",
        default=False,
        help_text="Medicare: the treatment was furnished in whole or in part by a PTA or OTA "
        "(CQ or CO).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    key_override = models.JSONField(
        null=True,
        blank=True,
        help_text="An instructor's own key (claim lines), used instead of the derived one.",
    )
    key_override_reason = models.TextField(blank=True)
    # What the provider documented, in box 21 order (the key's): [{"code", "documented"}].
    # Empty: the case is graded on its procedure lines only.
    diagnoses = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Only the owner, co-editors and admins change a case; other instructors may read it, put
    # it in their sets and duplicate it. No owner: only admins change it (the shipped bank).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_owned",
        help_text="Its author. Empty: only admins may change it.",
    )
    co_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="cases_shared",
        help_text="Instructors the owner lets change this case.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Archived, never deleted: it leaves the lists and new sets; its sets and attempts stay.
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_override__isnull=True) | ~models.Q(key_override_reason=""),
                name="key_override_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.slug])

    def may_be_changed_by(self, user: settings.AUTH_USER_MODEL) -> bool:
        return Case.objects.editable_by(user).filter(pk=self.pk).exists()

    @property
    def skill_labels(self) -> list[str]:
        """The skills the case exercises, in words (an unknown key is shown as it is)."""
        return [SKILLS.get(key, key) for key in self.skills]

    @property
    def payer_profile_name(self) -> str:
        """The payer profile by name; its key if no profile has it (any more)."""
        if "profile_name" in self.__dict__:  # CaseQuerySet.with_profile_names()
            return self.profile_name or self.payer_profile
        names = PayerProfile.objects.filter(key=self.payer_profile).values_list("name", flat=True)
        return names.first() or self.payer_profile

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else "the site's administrators"

    def held_open_in(self, now: "datetime.datetime") -> list[tuple[str, str]]:
        """(case set, cohort) of the assignments students may still work on (or that have not
        opened yet) whose set holds this case, three at most.

        Assignments belong to cohorts, above cases in the stack: the model is reached through
        its reverse relation to the case set, never imported here, and what "open" means is
        its own rule (AssignmentQuerySet.open_for_work).
        """
        assignments = CaseSet.assignments.rel.related_model.objects
        holding = assignments.open_for_work(now).filter(case_set__items__case=self)
        return list(
            holding.values_list("case_set__title", "cohort__name").distinct().order_by()[:3]
        )

    def note_facts(self, services: list["DocumentedService"] | None = None) -> dict:
        """What the note documents, as students read it: its text, the visit's facts and each
        service but for how it is coded (technique, given code), which a regrade may correct.
        Editing any of this makes a new note that only new attempts read."""
        services = self.services.all() if services is None else services
        coded = ("technique", "code")
        return {
            "note": self.note,
            "facts": dataclasses.asdict(self.facts),
            "services": sorted(
                ({k: v for k, v in s.to_json().items() if k not in coded} for s in services),
                key=lambda service: service["key"],
            ),
        }

    @property
    def facts(self) -> VisitFacts:
        return VisitFacts(
            provider=self.provider,
            care=self.care,
            abn_signed=self.abn_signed,
            em_separately_identifiable=self.em_separately_identifiable,
            over_therapy_threshold=self.over_therapy_threshold,
            assistant_performed=self.assistant_performed,
        )

    def draw_minutes(self, seed: int, services: list["DocumentedService"] | None = None):
        services = self.services.all() if services is None else services
        return variants.draw_minutes(
            seed,
            {
                s.key: variants.MinuteRange(s.minutes_low, s.minutes_high)
                for s in services
                if s.minutes_low is not None
            },
        )

    def variant(
        self,
        seed: int,
        catalog: Catalog | None = None,
        services: list["DocumentedService"] | None = None,
        profile: EngineProfile | None = None,
        note: str | None = None,
    ) -> "CaseVariant":
        """The note and key of one variant. Same seed, same text and key, always.

        profile replaces the case's own payer (an assignment may set one for all its cases);
        note, the note as already rendered (a stored attempt's: it is never rendered again).
        """
        catalog = catalog or current_catalog()
        profile = profile or PayerProfile.objects.for_grading(self.payer_profile)
        services = list(self.services.all()) if services is None else services
        minutes = self.draw_minutes(seed, services)
        engine_services = [s.to_engine(minutes.get(s.key)) for s in services]
        expected = derive_expected(engine_services, self.facts, profile, catalog)
        if self.key_override:
            expected = self.overridden(expected)
        if self.diagnoses:
            expected = with_diagnoses(
                expected, self.diagnosis_codes, [list(s.diagnoses) for s in services]
            )
        return CaseVariant(
            case=self,
            seed=seed,
            minutes=minutes,
            note=variants.render_note(self.note, minutes) if note is None else note,
            profile=profile,
            expected=expected,
            services=services,
        )

    @property
    def diagnosis_codes(self) -> list[str]:
        """The key's box 21, in order."""
        return [d["code"] for d in self.diagnoses]

    def overridden(self, expected: ExpectedClaim) -> ExpectedClaim:
        """The instructor's own key in place of the derived one, with their reason shown."""
        lines = tuple(
            ClaimLine(
                code=line["code"], units=line["units"], modifiers=frozenset(line["modifiers"])
            )
            for line in self.key_override
        )
        note = EngineFinding(
            rule_id="instructor-key",
            skill="claim-lines",
            severity="info",
            message=f"Your instructor set the key for this case: {self.key_override_reason}",
        )
        return dataclasses.replace(
            expected,
            alternatives=(lines,),
            steps=(*expected.steps, note),
            instructor_key=self.key_override_reason,
        )

    def to_json(self) -> dict:
        """The case as the case-bank format has it (docs/case-format.md); also a revision."""
        data = {
            "slug": self.slug,
            "title": self.title,
            "difficulty": self.difficulty,
            "payer_profile": self.payer_profile,
            "skills": list(self.skills),
            "teaching_point": self.teaching_point,
            "facts": {
                "provider": self.provider,
                "care": self.care,
                "abn_signed": self.abn_signed,
                "em_separately_identifiable": self.em_separately_identifiable,
                # The Medicare therapy facts only when set: files written before they
                # existed round-trip unchanged.
                **{
                    name: True
                    for name in ("over_therapy_threshold", "assistant_performed")
                    if getattr(self, name)
                },
            },
            "note": self.note,
            "status": self.status,
            "services": [s.to_json() for s in self.services.all()],
        }
        if self.key_override:
            data["key_override"] = {"reason": self.key_override_reason, "lines": self.key_override}
        if self.diagnoses:  # only then: revisions of cases without diagnoses stay as they were
            data["diagnoses"] = [dict(d) for d in self.diagnoses]
        return data

    @classmethod
    def from_json(cls, data: dict) -> tuple["Case", list["DocumentedService"]]:
        """Unsaved instances from one case of the case-bank format, already validated."""
        facts = {**FACT_DEFAULTS, **data.get("facts", {})}
        case = cls(
            slug=data["slug"],
            title=data["title"].strip(),
            note=data["note"],
            difficulty=data["difficulty"],
            payer_profile=data["payer_profile"],
            skills=list(data["skills"]),
            teaching_point=data["teaching_point"].strip(),
            status=data.get("status", cls.Status.PUBLISHED),
            key_override=data["key_override"]["lines"] if "key_override" in data else None,
            key_override_reason=data["key_override"]["reason"] if "key_override" in data else "",
            diagnoses=[dict(d) for d in data.get("diagnoses", [])],
            **facts,
        )
        services = [
            DocumentedService.from_json(s, position=position)
            for position, s in enumerate(data["services"])
        ]
        return case, services

    @staticmethod
    def new_seed() -> int:
        return random.SystemRandom().randrange(1, 2**31)

    def current_revision(self) -> "CaseRevision":
        """The frozen copy of this case that a new attempt is graded against.

        Editing a case whose current revision already has attempts makes a new version, so
        earlier attempts keep the case (and so the key) they were graded against. Most calls
        find the case unchanged since its newest revision and lock nothing, so submits to one
        case never queue behind each other; a change is frozen under a lock of the case row,
        read afresh, so two requests at once agree on one version.
        """
        latest = self.revisions.order_by("-version").first()
        unchanged = latest is not None and latest.version == self.version
        if unchanged and latest.content == self.to_json():
            return latest
        return self._freeze_revision()

    def upcoming_revision(self) -> "CaseRevision":
        """The revision current_revision() would give now, saving nothing: a preview (of a
        regrade, say) must not freeze a version of the case by being looked at."""
        latest = self.revisions.order_by("-version").first()
        content = self.to_json()
        if latest is not None and latest.content == content:
            return latest
        if latest is None:
            return CaseRevision(case=self, version=self.version, content=content)
        version = latest.version + 1 if latest.has_attempts() else latest.version
        return CaseRevision(case=self, version=version, content=content)

    def _freeze_revision(self) -> "CaseRevision":
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=self.pk)
            content = case.to_json()
            revision = case.revisions.filter(version=case.version).first()
            if revision is None:
                revision = case.revisions.create(version=case.version, content=content)
            elif revision.content != content:
                if revision.has_attempts():
                    case.version += 1
                    case.save(update_fields=["version"])
                    revision = case.revisions.create(version=case.version, content=content)
                else:
                    revision.content = content
                    revision.save(update_fields=["content"])
        self.version = case.version
        return revision


class CaseVariant:
    """A case with concrete minutes: the note a student reads and the key they are graded on."""

    def __init__(
        self,
        *,
        case: Case,
        seed: int,
        minutes: dict,
        note: str,
        profile: EngineProfile,
        expected: ExpectedClaim,
        services: list["DocumentedService"] = (),
    ) -> None:
        self.case = case
        self.profile = profile
        self.seed = seed
        self.minutes = minutes
        self.note = note
        self.expected = expected
        self.services = list(services)

    @property
    def documented(self) -> dict:
        """The facts this note documents, as an attempt stores them: the visit's facts and each
        service with the minutes drawn for this variant (a number, never a range)."""
        services = []
        for service in self.services:
            data = service.to_json()
            if data["minutes"] is not None:
                data["minutes"] = self.minutes[service.key]
            services.append(data)
        return {"facts": dataclasses.asdict(self.case.facts), "services": services}

    @property
    def fingerprint(self) -> str:
        """A page that showed this variant sends this back, so a submit is graded on the note
        that was read."""
        return note_fingerprint(self.note, self.documented)


def note_fingerprint(note: str, documented: dict) -> str:
    """A short digest of a note as shown and the facts behind it, not how they are coded: a
    corrected technique keys the same note."""
    facts = [
        {k: v for k, v in service.items() if k not in ("technique", "code")}
        for service in documented["services"]
    ]
    shown = json.dumps([note, documented["facts"], facts], sort_keys=True)
    return hashlib.sha256(shown.encode()).hexdigest()[:20]


class DocumentedService(models.Model):
    """One service the note documents; minutes are a range for variants (low == high if fixed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(
        max_length=30, help_text="The placeholder name in the note: {key} shows the minutes."
    )
    technique = models.CharField(max_length=40, choices=TECHNIQUE_CHOICES)
    regions = models.JSONField(default=list, blank=True)
    minutes_low = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes_high = models.PositiveSmallIntegerField(null=True, blank=True)
    attended = models.BooleanField(default=True)
    patient_active = models.BooleanField(default=False)
    time_block = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(
        max_length=12,
        blank=True,
        help_text=(
            "Only for office visits (E/M level), evaluations (their complexity) and clinic codes."
        ),
    )
    remarks = models.TextField(blank=True)
    # The codes of the case's diagnoses this service treats: its key line points to them.
    diagnoses = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="service_key_unique_in_case"),
            models.CheckConstraint(
                condition=models.Q(minutes_low__isnull=True, minutes_high__isnull=True)
                | models.Q(minutes_low__lte=models.F("minutes_high")),
                name="minutes_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technique} ({self.minutes_label})"

    @property
    def minutes_label(self) -> str:
        if self.minutes_low is None:
            return "no minutes"
        if self.minutes_low == self.minutes_high:
            return f"{self.minutes_low} min"
        return f"{self.minutes_low}-{self.minutes_high} min"

    def to_json(self) -> dict:
        if self.minutes_low is None:
            minutes = None
        elif self.minutes_low == self.minutes_high:
            minutes = self.minutes_low
        else:
            minutes = [self.minutes_low, self.minutes_high]
        data = {
            "key": self.key,
            "technique": self.technique,
            "regions": list(self.regions),
            "minutes": minutes,
            "attended": self.attended,
            "patient_active": self.patient_active,
            "time_block": self.time_block,
            "code": self.code or None,
            "remarks": self.remarks,
        }
        if self.diagnoses:
            data["diagnoses"] = list(self.diagnoses)
        return data

    @classmethod
    def from_json(cls, data: dict, *, position: int) -> "DocumentedService":
        low, high = (
            minute_range(data["minutes"]) if data.get("minutes") is not None else (None, None)
        )
        return cls(
            position=position,
            key=data["key"],
            technique=data["technique"],
            regions=list(data.get("regions", [])),
            minutes_low=low,
            minutes_high=high,
            attended=data.get("attended", True),
            patient_active=data.get("patient_active", False),
            time_block=data.get("time_block", 1),
            code=data.get("code") or "",
            remarks=data.get("remarks", ""),
            diagnoses=list(data.get("diagnoses", [])),
        )

    def to_engine(self, minutes: int | None) -> EngineService:
        return EngineService(
            technique=self.technique,
            regions=tuple(self.regions),
            minutes=minutes,
            attended=self.attended,
            patient_active=self.patient_active,
            time_block=self.time_block,
            code=self.code or None,
            remarks=self.remarks,
        )


def minute_range(minutes: object) -> tuple[int, int] | None:
    """(low, high) from a case file's minutes (a number or [low, high]), or None if invalid."""

    def ok(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_MINUTES

    if ok(minutes):
        return minutes, minutes
    if isinstance(minutes, list) and len(minutes) == 2 and all(map(ok, minutes)):
        low, high = minutes
        return (low, high) if low <= high else None
    return None


class CaseSetQuerySet(models.QuerySet):
    def editable_by(self, user: settings.AUTH_USER_MODEL) -> "CaseSetQuerySet":
        """Sets a user may change: the ones they made; any, for an admin. A set without a
        maker (the shipped bank's) is the site administrators'. Others use and export them."""
        if user.is_admin:
            return self
        return self.filter(created_by=user)


class CaseSet(models.Model):
    """An ordered group of cases on one topic, to practise or to assign."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    cases = models.ManyToManyField(Case, through="CaseSetItem", related_name="case_sets")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = CaseSetQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def published_cases(self) -> models.QuerySet:
        """The set's cases a student can open, in order: drafts are never counted or shown."""
        return self.ordered_cases().published()

    def ordered_cases(self) -> models.QuerySet:
        return self.cases.order_by("set_items__position")


class CaseSetItem(models.Model):
    case_set = models.ForeignKey(CaseSet, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="set_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case_set", "case"], name="case_once_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.case} in {self.case_set}"


class CaseRevision(models.Model):
    """One version of a case, frozen as its export; attempts point at the one they answered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    def has_attempts(self) -> bool:
        return self.attempts.exists()

    def variant(
        self, seed: int, catalog: Catalog | None = None, profile: EngineProfile | None = None
    ) -> CaseVariant:
        case, services = Case.from_json(self.content)
        return case.variant(seed, catalog, services=services, profile=profile)

    def variant_of_note(
        self,
        documented: dict,
        note: str,
        *,
        seed: int,
        catalog: Catalog | None = None,
        profile: EngineProfile | None = None,
    ) -> CaseVariant:
        """A note already shown to a student (its text and its documented facts, as the
        attempt stored them), keyed with this revision's coding choices.

        The facts stay the note's: which services it documents, their minutes, regions,
        attendance, time blocks, and the visit's facts (provider, care, ABN, E/M). What this
        revision may correct is how they are coded: each service's technique and given code
        (matched by its key; a service this revision no longer has keeps its own), the
        instructor's own key, and, since the key is derived again, the engine's current rules.
        A revision that changed the facts (other minutes, a service added) does not reach
        this note: only new attempts read the new note.
        """
        case, current = Case.from_json(self.content)
        for name, value in {**FACT_DEFAULTS, **documented.get("facts", {})}.items():
            setattr(case, name, value)
        choices = {service.key: service for service in current}
        services = []
        for position, data in enumerate(documented["services"]):
            service = DocumentedService.from_json(data, position=position)
            chosen = choices.get(service.key)
            if chosen is not None:
                service.technique, service.code = chosen.technique, chosen.code
            services.append(service)
        return case.variant(seed, catalog, services=services, profile=profile, note=note)
