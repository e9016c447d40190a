"""Long lists of students, a page at a time, searched and sorted on the server.

Every choice is a GET parameter (`q`, `sort`, `page`) so that a page can be linked to, and the
pager and the column headers keep the others ({% querystring %}). A value that makes no sense
(a forged or stale link) falls back to the default: page 1, sorted by name.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

STUDENTS_PER_PAGE = 100
NAME = "name"  # the default sort: last name, first name, username
LONGEST_SEARCH = 100


def search_text(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:LONGEST_SEARCH]


def name_matches(text: str, prefix: str = "") -> Q:
    """Every word of the text is part of the first name, the last name or the username
    (so "ali arch" finds Alice Archer). prefix: the path to the user, e.g. "student__"."""
    matches = Q()
    for word in text.split():
        matches &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}username__icontains": word})
        )
    return matches


def chosen_sort(request: HttpRequest, keys: Iterable[str]) -> str:
    """The sort asked for, a key or "-" and a key (descending), if it is one of these keys."""
    sort = request.GET.get("sort", NAME)
    return sort if sort.removeprefix("-") in set(keys) else NAME


def name_order(sort: str, prefix: str = "") -> list[str]:
    """The order by name, descending when the sort says so (the username breaks ties)."""
    sign = "-" if sort.startswith("-") else ""
    return [f"{sign}{prefix}{field}" for field in ("last_name", "first_name", "username")]


def page_of(request: HttpRequest, rows: QuerySet, per_page: int = STUDENTS_PER_PAGE) -> Page:
    """The page asked for; page 1 for anything that is not a page of these rows. The database
    returns only this page's rows (and counts them all once)."""
    paginator = Paginator(rows, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        return paginator.page(1)


@dataclass(frozen=True)
class SortHeader:
    """A sortable column header: its link sorts by the column, or reverses the sort if it
    already does; aria_sort says how the column is sorted ("" when it is not)."""

    key: str
    link_sort: str
    aria_sort: str


def sort_header(key: str, sort: str) -> SortHeader:
    if sort == key:
        return SortHeader(key, f"-{key}", "ascending")
    if sort == f"-{key}":
        return SortHeader(key, key, "descending")
    return SortHeader(key, key, "")


@dataclass(frozen=True)
class Listing:
    """One page of a searched, sorted list, and what its pager and search form show."""

    page: Page
    q: str
    sort: str
    page_numbers: list[int | str]  # the pages to link to, with an ellipsis for those left out


def listing(request: HttpRequest, rows: QuerySet, *, q: str, sort: str) -> Listing:
    page = page_of(request, rows)
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return Listing(page, q, sort, list(numbers))
