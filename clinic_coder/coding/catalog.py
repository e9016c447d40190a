"""The code catalog: what each code is, whether it is timed, and which family it belongs to.

The built-in codes are those of coding-rules.md section 1, described in our own words, kept as
data in fixtures/codes.json. The Django side builds a Catalog from the same rows, stored in the
database, plus the clinic's own codes, such as 19-NC, each with its own timed flag.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .errors import UnknownCode

# Families that Medicare counts as therapy ("always therapy" codes): they carry GP under Medicare.
THERAPY_FAMILIES = frozenset(
    {
        "massage",
        "manual-therapy",
        "neuromuscular",
        "exercise",
        "modality",
        "group",
        "evaluation",
        "therapy-other",
    }
)
# "Sometimes therapy" codes (dry needling): therapy, with GP, only when a therapist furnishes them.
SOMETIMES_THERAPY_FAMILIES = frozenset({"needling"})
SPINAL_CMT_CODES = ("98940", "98941", "98942")
EXTRASPINAL_CMT_CODE = "98943"
CMT_CODES = frozenset({*SPINAL_CMT_CODES, EXTRASPINAL_CMT_CODE})


@dataclass(frozen=True)
class CodeInfo:
    code: str
    descriptor: str
    timed: bool
    family: str
    medicare_note: str = ""

    @property
    def is_therapy(self) -> bool:
        return self.family in THERAPY_FAMILIES

    @property
    def label(self) -> str:
        return f"{self.code} ({self.descriptor})"


def normalize_code(code: object) -> str:
    """Codes are compared without surrounding spaces and case: ' g0283' is G0283."""
    return str(code).strip().upper() if code is not None else ""


class Catalog:
    def __init__(self, codes: Iterable[CodeInfo]) -> None:
        self._codes: dict[str, CodeInfo] = {}
        for info in codes:
            key = normalize_code(info.code)
            if not key:
                raise ValueError("A catalog code cannot be empty.")
            if key in self._codes:
                raise ValueError(f"Code {key} appears twice in the catalog.")
            # Store the normalized spelling so every lookup returns one canonical code.
            self._codes[key] = (
                info if info.code == key else CodeInfo(**{**asdict(info), "code": key})
            )

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> "Catalog":
        """Build from plain dicts (fixture rows or database values); extra keys are ignored."""
        return cls(
            CodeInfo(
                code=str(row["code"]),
                descriptor=str(row["descriptor"]),
                timed=bool(row["timed"]),
                family=str(row["family"]),
                medicare_note=str(row.get("medicare_note", "") or ""),
            )
            for row in rows
        )

    def get(self, code: object) -> CodeInfo:
        try:
            return self._codes[normalize_code(code)]
        except KeyError:
            raise UnknownCode(code) from None

    def find(self, code: object) -> CodeInfo | None:
        """Like get(), but None for an unknown code (the grader must never raise)."""
        return self._codes.get(normalize_code(code))

    def __contains__(self, code: object) -> bool:
        return normalize_code(code) in self._codes

    def __iter__(self) -> Iterator[CodeInfo]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def with_codes(self, extra: Iterable[CodeInfo]) -> "Catalog":
        """A new catalog with more codes (a clinic's own); a clash with a known code is an error."""
        return Catalog([*self, *extra])


# The built-in codes are data, kept in fixtures/codes.json (descriptors in our own words, not
# the CPT text). The Django side loads the same file into the database, where a clinic adds its
# own codes; the engine reads it directly so it needs no database.
BUILTIN_CODES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "codes.json"


def builtin_code_rows() -> list[dict[str, object]]:
    """The built-in codes as plain dicts, as stored in fixtures/codes.json."""
    return json.loads(BUILTIN_CODES_FILE.read_text(encoding="utf-8"))


@cache
def default_catalog() -> Catalog:
    # Cached: a Catalog is never changed after construction (with_codes returns a new one).
    return Catalog.from_rows(builtin_code_rows())
