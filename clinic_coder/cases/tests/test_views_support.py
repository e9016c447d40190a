"""Builders shared by the case-authoring view tests (no tests here)."""

from clinic_coder.cases.models import Case
from clinic_coder.catalog.loading import load_catalog
from tests import factories

# Graston on one named muscle: manual therapy, 97140, one unit per code at 9-14 minutes.
GRASTON = {
    "key": "mt",
    "technique": "graston",
    "regions": ["cervical"],
    "minutes_low": 9,
    "minutes_high": 14,
}
HOT_PACK = {
    "key": "hp",
    "technique": "hot_pack",
    "regions": ["cervical"],
    "minutes_low": 10,
    "minutes_high": 10,
    "attended": False,
}


def load_codes() -> None:
    """The engine derives keys from the site's code catalog, empty in a fresh test database."""
    load_catalog()


def make_case(*, slug: str = "tight-trapezius", services=None, **overrides: object) -> Case:
    """A draft Graston case (authoring starts from drafts), built by the shared factory."""
    fields = {
        "title": "Tight trapezius",
        "note": "Graston to the right upper trapezius, {mt} min.",
        "teaching_point": "Specific work on one muscle is manual therapy.",
        "status": Case.Status.DRAFT,
    } | overrides
    return factories.make_case(
        slug=slug, services=[GRASTON] if services is None else services, **fields
    )


def form_data(**overrides: object) -> dict:
    """A valid POST for the case form with one service row, as the browser sends it."""
    data = {
        "title": "Tight trapezius",
        "slug": "tight-trapezius",
        "difficulty": "intro",
        "payer_profile": "commercial-per-code",
        "skills": ["code-choice-manual-therapy"],
        "provider": "chiropractor",
        "care": "active",
        "note": "Graston to the right upper trapezius, {mt} min.",
        "teaching_point": "Specific work on one muscle is manual therapy.",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "1",
        "services-MAX_NUM_FORMS": "1000",
        "services-0-technique": "graston",
        "services-0-key": "mt",
        "services-0-regions": ["cervical"],
        "services-0-minutes_low": "9",
        "services-0-minutes_high": "14",
        "services-0-time_block": "1",
        "services-0-attended": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
