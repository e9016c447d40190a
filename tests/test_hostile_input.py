"""Hostile values (huge, negative, NUL, unicode digits, nested JSON, wrong types, 1 MB strings)
sent to every form and htmx endpoint, as a persona allowed to use it: never a server error,
and nothing in the database changes - or, where the values happen to make a valid request (a
title of "[1, 2, 3]" is a fine title) or the endpoint changes something whatever is sent
(publishing, a draft saved as typed), no hostile value is stored and drafts stay small.

The endpoints come from the role x URL matrix, so a new view is covered once it is listed there;
the field names are every name="..." on every page the personas can open.
"""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_every_url import MATRIX
from tests.urlwalk import PERSONAS, build_world, outcome

MEGABYTE = "A" * 1_000_000
HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        "9" * 5000, "-1", "-99999999999999999999", "0", "\x00", "a\x00b", "١٢٣", "²", "٣٠",
        "1e309", "NaN", "Infinity", "[" * 5000 + "]" * 5000, '{"a": {"b": [1, {"c": null}]}}',
        "[1, 2, 3]", "true", "null", MEGABYTE, "<script>alert(1)</script>", "=cmd|' /C calc'!A0",
        "9999-12-31T23:59", "0001-01-01T00:00", "2026-02-30T25:61", "../../etc/passwd", "",
        " ", "\u202e", "\ud7ff", "💥" * 1000, "localtime", "new", "export",
    ]),
    st.text(max_size=50),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)  # fmt: skip
HOSTILE_VALUE = st.one_of(HOSTILE_TEXT, st.lists(HOSTILE_TEXT, min_size=2, max_size=3))
HOSTILE_FILE = st.sampled_from([
    b"[" * 100_000 + b"]" * 100_000, b"\x00\xff\xfe", b'{"version": ' + b"9" * 5000 + b"}",
    b"username,first_name,last_name,email\n\x00,a,b,c\n", MEGABYTE.encode(), b"",
    b'{"format": "clinic-coder/case-bank", "version": 1, "cases": [], "case_sets": '
    b'[{"slug": "x", "title": "x", "cases": [[], {}]}]}',
]).map(lambda content: SimpleUploadedFile("upload.json", content))  # fmt: skip

# What a hostile value looks like once stored (as JSON text): none may ever be.
STORED_MARKERS = ("\\u0000", "A" * 1000, "9" * 1000, "[" * 100, "\\ud83d\\udca5" * 50)
# GET pages that read their query string; other GET pages ignore it.
GET_INPUT = {
    "cases:case_list", "cases:export_cases", "cases:case_detail", "cases:student_preview",
    "practice:code_search", "practice:practice_case_set", "progress:supervisor_dashboard",
}  # fmt: skip
# Endpoints with no page of their own post the form of this page.
HOST_PAGES = {
    "practice:edit_answer": "practice:play_case",
    "practice:submit_case": "practice:play_case",
    "practice:assignment_edit_answer": "practice:assignment_play_case",
    "practice:assignment_submit_case": "practice:assignment_play_case",
    "cases:preview_case": "cases:create_case",
    "cases:add_service_row": "cases:create_case",
    "progress:sign_off": "progress:student_record",
    "progress:revoke_sign_off": "progress:student_record",
    "practice:give_credit": "practice:staff_attempt",
    "cohorts:extend_due_date": "cohorts:assignment_detail",
}
# Fields a page shows as text areas, selects or file inputs (the baseline finds only inputs).
OWN_FIELDS = {
    "practice:edit_answer": ("form-0-code", "form-0-minutes", "form-0-modifiers", "remove"),
    "practice:submit_case": ("form-0-code", "form-0-minutes", "form-0-modifiers"),
    "cases:import_cases": ("file",),
    "cohorts:import_roster": ("file",),
    "cases:create_case": ("note", "teaching_point", "services-0-technique", "skills"),
    "progress:sign_off": ("skill", "note", "confirmed"),
    "progress:revoke_sign_off": ("reason",),
    "practice:code_search": ("q",),
    "cases:export_cases": ("set",),
    "cases:preview_case": ("case", "note", "services-TOTAL_FORMS"),
    "cases:add_service_row": ("services-TOTAL_FORMS",),
    "cases:reorder_case_set": ("order", "move", "direction"),
    "practice:try_case": ("form-0-code", "form-0-minutes", "form-0-modifiers", "seed"),
}
OWN_FIELDS["practice:assignment_edit_answer"] = OWN_FIELDS["practice:edit_answer"]
OWN_FIELDS["practice:assignment_submit_case"] = OWN_FIELDS["practice:submit_case"]
INPUT = re.compile(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"')
# Who uses each endpoint: the first persona the matrix lets through.
PREFERENCE = ("ines", "alice", "bob", "sofia", "admin", "anon")


def endpoints() -> list[tuple[str, str, str, dict]]:
    """(name, method, persona, URL arguments) for every way someone may send input."""
    found = []
    for name, (arguments, get_codes, post_codes) in sorted(MATRIX.items()):
        for method, codes in (("POST", post_codes), ("GET", get_codes)):
            if method == "GET" and name not in GET_INPUT:
                continue
            allowed = [p for p, code in zip(PERSONAS, codes, strict=True) if code in "ox"]
            for persona in PREFERENCE:
                if persona in allowed:
                    found.append((name, method, persona, arguments))
                    break
    return found


def field_names(world, found) -> list[str]:
    names = set()
    for name, method, persona, arguments in found:
        if method == "GET":
            page = world.clients[persona].get(world.url(name, arguments))
            if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
                names |= set(re.findall(r'name="([^"]+)"', page.content.decode()))
    names -= {"csrfmiddlewaretoken"}
    return sorted(names | {"q", "set", "case", "seed", "threshold", "assignment", "autosave"})


def baseline(world, name: str, persona: str) -> dict:
    """The form as its page fills it in (hidden fields, management forms, current values), so
    that hostile values reach the fields instead of stopping at a missing management form."""
    page_name = HOST_PAGES.get(name, name)
    page = world.clients[persona].get(world.url(page_name, MATRIX[page_name][0]))
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        return {}
    pairs = INPUT.findall(page.content.decode())
    return {key: value for key, value in pairs if key != "csrfmiddlewaretoken"}


def snapshot() -> str:
    """Every row the product owns (not sessions, logs or throttling records)."""
    from django.apps import apps

    rows = {}
    for label in ("accounts", "catalog", "cases", "cohorts", "practice", "progress"):
        for model in apps.get_app_config(label).get_models():
            values = model.objects.order_by("pk").values()
            rows[model.__name__] = [
                {k: v for k, v in row.items() if k not in ("last_login", "updated_at")}
                for row in values
            ]
    return json.dumps(rows, default=str, sort_keys=True)


def hostile_sender(
    name: str, method: str, persona: str, client, url: str, names: list[str], base: dict
):
    """A hypothesis test of one endpoint: each example is one request, rolled back."""
    from clinic_coder.practice.models import Draft

    cookies = {key: morsel.value for key, morsel in client.cookies.items()}

    # Mostly the endpoint's own fields, sometimes any field of the site.
    own = sorted(set(base) | set(OWN_FIELDS.get(name, ()))) or names
    keys = st.one_of(st.sampled_from(own), st.sampled_from(own), st.sampled_from(names))

    @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        data=st.dictionaries(keys, HOSTILE_VALUE, max_size=6),
        upload=st.none() | HOSTILE_FILE,
        htmx=st.booleans(),
    )
    def send(data: dict, upload: object, htmx: bool) -> None:
        data = base | data
        if upload is not None and method == "POST":
            data = data | {"file": upload}
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        with transaction.atomic():
            before = snapshot()
            send_it = client.post if method == "POST" else client.get
            got = outcome(send_it(url, data, **headers))
            after = snapshot()
            drafts = [len(json.dumps(d.lines)) for d in Draft.objects.all()]
            transaction.set_rollback(True)
        client.cookies.clear()
        for key, value in cookies.items():
            client.cookies[key] = value
        where = f"{method} {name} as {persona} with {sorted(data)}"
        assert got != "E", f"server error: {where}"
        if after != before:
            stored = [m[:12] for m in STORED_MARKERS if after.count(m) > before.count(m)]
            assert not stored, f"hostile value {stored} stored: {where}"
        assert not drafts or max(drafts) < 20_000, f"a draft grew: {where}"

    return send


def test_no_hostile_input_makes_a_server_error_or_a_change(people) -> None:
    world = build_world(people)
    found = endpoints()
    names = field_names(world, found)
    problems = []
    for name, method, persona, arguments in found:
        url = world.url(name, arguments)
        try:
            base = baseline(world, name, persona) if method == "POST" else {}
            hostile_sender(name, method, persona, world.clients[persona], url, names, base)()
        except AssertionError as failure:
            problems.append(str(failure).splitlines()[0][:300])
    assert not problems, "\n".join(problems)
