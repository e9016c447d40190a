"""Finding codes by number or words: one search for the code field, its combobox and the
"Find a code" panel."""

from clinic_coder.coding.catalog import Catalog, CodeInfo
from clinic_coder.coding.techniques import TECHNIQUES

MAX_QUERY = 60
MAX_RESULTS = 15


def clean_query(text: object) -> str:
    # NUL is no part of any code or word (and PostgreSQL refuses it in a query).
    return str(text or "").replace("\x00", "").strip()[:MAX_QUERY]


def matching_codes(catalog: Catalog, query: str, limit: int = MAX_RESULTS) -> list[CodeInfo]:
    """Codes whose number or descriptor contains the query, or that code a technique named
    by it ('graston' finds 97140); codes starting with the query first."""
    needle = clean_query(query).lower()
    if not needle:
        return []
    by_technique = {t.code for t in TECHNIQUES.values() if t.code and needle in t.name.lower()}
    found = [
        info
        for info in catalog
        if needle in info.code.lower()
        or needle in info.descriptor.lower()
        or info.code in by_technique
    ]
    found.sort(key=lambda info: not info.code.lower().startswith(needle))
    return found[:limit]
