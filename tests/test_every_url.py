"""Every URL x every persona x GET and POST: the right people are let in, everyone else gets
403 or 404 (or the login page), and nobody ever gets a server error.

The URLs come from the resolver: a view added without a line in MATRIX fails this test.
Personas, in column order: anon, alice (student, A), bob (student, B), carol (student, A and B),
ines (instructor, A), igor (instructor, B), sofia (supervisor, A), sam (supervisor, B), admin.
Codes: o shown or done, L login page, 3/4/5 for 403/404/405, x refused as bad input.
URL arguments point at cohort A's things (see tests/urlwalk.py).
"""

import re

import pytest

from tests.urlwalk import PERSONAS, build_world, outcome, request_and_undo, url_names

C = {"pk": "cohort"}
A = {"pk": "assignment"}
CASE = {"slug": "case"}
PAYER = {"key": "profile"}  # Ines's own payer profile
TEACH = {"cohort_id": "cohort"}
LINK = {"uidb64": "uid", "token": "token"}  # a forged password link

# name: (URL arguments, GET outcomes, POST outcomes with an empty form)
MATRIX = {
    "accounts:start": ({}, "Loooooooo", "Loooooooo"),
    "accounts:login": ({}, "ooooooooo", "ooooooooo"),
    "accounts:logout": ({}, "555555555", "LLLLLLLLL"),
    "accounts:password_change": ({}, "Loooooooo", "Loooooooo"),
    "accounts:password_change_done": ({}, "Loooooooo", "L55555555"),
    "accounts:password_reset": ({}, "ooooooooo", "ooooooooo"),
    "accounts:password_reset_done": ({}, "ooooooooo", "555555555"),
    "accounts:password_reset_confirm": (LINK, "ooooooooo", "ooooooooo"),
    "accounts:set_password": (LINK, "ooooooooo", "ooooooooo"),
    "accounts:password_reset_complete": ({}, "ooooooooo", "555555555"),
    "cohorts:sign_up": ({}, "ooooooooo", "ooooooooo"),
    "progress:my_progress": ({}, "Looo3333o", "Looo3333o"),
    "progress:supervisor_dashboard": ({}, "L33333ooo", "L33333ooo"),
    "progress:student_record": ({"student_id": "alice"}, "L333o4o4o", "L333o4o4o"),
    "progress:sign_off": ({"student_id": "alice"}, "555555555", "L33333o4o"),
    "progress:revoke_sign_off": ({"student_id": "alice", "sign_off_id": "sign_off"}, "555555555",
                                 "L33333o4o"),
    "cohorts:instructor_home": ({}, "L333oo33o", "L333oo33o"),
    "cohorts:join_cohort": ({}, "Looo3333o", "Looo3333o"),
    "cohorts:accept_invitation": ({"pk": "invitation"}, "555555555", "L4o433334"),
    "cohorts:decline_invitation": ({"pk": "invitation"}, "555555555", "L4o433334"),
    "cohorts:create_cohort": ({}, "L333oo33o", "L333oo33o"),
    "cohorts:cohort_detail": (C, "L333o433o", "L333o433o"),
    "cohorts:edit_cohort": (C, "L333o433o", "L333o433o"),
    "cohorts:archive_cohort": (C, "L33355335", "L333o433o"),
    "cohorts:restore_cohort": (C, "L33355335", "L333o433o"),
    "cohorts:archive_assignment": (A, "L33355335", "L333o433o"),
    "cohorts:restore_assignment": (A, "L33355335", "L333o433o"),
    "cohorts:regenerate_invite_code": (C, "L33355335", "L333o433o"),
    "cohorts:add_supervisor": (C, "L333o433o", "L333o433o"),
    "cohorts:remove_supervisor": ({"pk": "cohort", "user_pk": "sofia"}, "L33355335", "L333o433o"),
    "cohorts:add_student": (C, "L333o433o", "L333o433o"),
    "cohorts:deactivate_student": (
        {"pk": "cohort", "student_pk": "alice"}, "L33355335", "L333o433o"),
    "cohorts:reactivate_student": (
        {"pk": "cohort", "student_pk": "alice"}, "L33355335", "L333o433o"),
    "cohorts:new_password_link": (
        {"pk": "cohort", "student_pk": "alice"}, "L33355335", "L333o433o"),
    "cohorts:import_roster": (C, "L333o433o", "L333o433o"),
    "cohorts:preview_roster_import": (C, "L333o433o", "L333o433o"),
    "cohorts:apply_roster_import": (C, "L33355335", "L333o433o"),
    "cohorts:cancel_roster_import": (C, "L33355335", "L333o433o"),
    "cohorts:create_assignment": (C, "L333o433o", "L333o433o"),
    "cohorts:assignment_detail": (A, "L333o433o", "L333o433o"),
    "cohorts:edit_assignment": (A, "L333o433o", "L333o433o"),
    "cohorts:extend_due_date": (A, "L33355335", "L333x433x"),
    "cohorts:edit_override": ({"pk": "assignment", "student_pk": "alice"}, "L333o433o",
                              "L333o433o"),
    "cases:case_list": ({}, "L333oo33o", "L333oo33o"),
    "cases:create_case": ({}, "L333oo33o", "L333oo33o"),
    "cases:preview_case": ({}, "L33355335", "L333oo33o"),
    "cases:add_service_row": ({}, "L33355335", "L333xx33x"),
    "cases:export_cases": ({}, "L333oo33o", "L333oo33o"),
    "cases:import_cases": ({}, "L333oo33o", "L333oo33o"),
    "cases:preview_case_import": ({}, "L333oo33o", "L33355335"),
    "cases:apply_case_import": ({}, "L33355335", "L333oo33o"),
    "cases:cancel_case_import": ({}, "L33355335", "L333oo33o"),
    "cases:case_set_list": ({}, "L333oo33o", "L333oo33o"),
    # Another instructor's own profile is not found; an empty form comes back with its errors.
    "cases:payer_profile_list": ({}, "L333oo33o", "L33355335"),
    "cases:duplicate_payer_profile": (PAYER, "L333o433o", "L333o433o"),
    "cases:edit_payer_profile": (PAYER, "L333o433o", "L333o433o"),
    "cases:delete_payer_profile": (PAYER, "L33355335", "L333o433o"),
    "cases:create_case_set": ({}, "L333oo33o", "L333oo33o"),
    "cases:edit_case_set": ({"slug": "set"}, "L333o333o", "L333o333o"),
    "cases:reorder_case_set": ({"slug": "set"}, "L333o333o", "L333o333o"),
    "cases:case_detail": (CASE, "L333oo33o", "L333oo33o"),
    "cases:edit_case": (CASE, "L333o333o", "L333o333o"),
    "cases:student_preview": (CASE, "L333oo33o", "L333oo33o"),
    "cases:duplicate_case": (CASE, "L33355335", "L333oo33o"),
    "cases:publish_case": (CASE, "L33355335", "L333o333o"),
    "cases:unpublish_case": (CASE, "L33355335", "L333o333o"),
    "cases:archive_case": (CASE, "L33355335", "L333o333o"),
    "cases:restore_case": (CASE, "L33355335", "L333o333o"),
    "cases:case_co_editors": (CASE, "L333o333o", "L333o333o"),
    "catalog:code_catalog": ({}, "L333oo33o", "L333oo33o"),
    "catalog:coding_rules": ({}, "Loooooooo", "555555555"),
    "healthz": ({}, "ooooooooo", "555555555"),
    "practice:student_home": ({}, "Looo3333o", "Looo3333o"),
    "practice:practise_weak_spots": ({}, "555555555", "Looo3333o"),
    "practice:practice_case_set": ({"slug": "set"}, "Looo3333o", "Looo3333o"),
    "practice:play_case": (CASE, "Looo3333o", "Looo3333o"),
    "practice:edit_answer": (CASE, "555555555", "Looo3333o"),
    "practice:submit_case": (CASE, "555555555", "Lxxx3333x"),
    "practice:try_new_variant": (CASE, "555555555", "Looo3333o"),
    "practice:case_history": (CASE, "Looo3333o", "Looo3333o"),
    "practice:assignment_play_case": (
        {"assignment_id": "assignment", "slug": "case"}, "Lo4o33334", "Lo4o33334"),
    "practice:assignment_edit_answer": (
        {"assignment_id": "assignment", "slug": "case"}, "555555555", "Lo4o33334"),
    "practice:assignment_submit_case": (
        {"assignment_id": "assignment", "slug": "case"}, "555555555", "Lx4x33334"),
    "practice:attempt_feedback": ({"pk": "attempt"}, "Lo4433334", "Lo4433334"),
    "practice:dismiss_notice": ({"pk": "notice"}, "555555555", "Lo4433334"),
    "practice:code_search": ({}, "Looo3333o", "Looo3333o"),
    "practice:unit_trainer": ({}, "Looo3333o", "Looo3333o"),
    "teach:gradebook": (TEACH, "L333o4o4o", "555555555"),
    "teach:export_gradebook": (TEACH, "L333o4o4o", "555555555"),
    "teach:export_attempts": (TEACH, "L333o4o4o", "555555555"),
    "teach:student_assignment": (
        {"cohort_id": "cohort", "student_id": "alice", "assignment_id": "assignment"},
        "L333o4o4o", "555555555"),
    "practice:staff_attempt": ({"cohort_id": "cohort", "attempt_id": "attempt"}, "L333o4o4o",
                               "555555555"),
    "practice:give_credit": (
        {"cohort_id": "cohort", "attempt_id": "attempt", "index": "zero"}, "555555555",
        "L333x433x"),
    "teach:item_analysis": ({"cohort_id": "cohort", "assignment_id": "assignment"},
                            "L333o4o4o", "555555555"),
    "teach:heatmap": (TEACH, "L333o4o4o", "555555555"),
    "practice:try_case": (CASE, "L333oo33o", "L333xx33x"),
    "practice:regrade_case": ({"cohort_id": "cohort", "slug": "case"}, "L333o433o", "L333o433o"),
    # LTI: the platform reaches login, launch and the key set with no session, so anyone may;
    # without a registered platform and a signed id_token login and launch answer 400.
    "lti:login_initiation": ({}, "xxxxxxxxx", "xxxxxxxxx"),
    "lti:launch": ({}, "555555555", "xxxxxxxxx"),
    "lti:jwks": ({}, "ooooooooo", "555555555"),
    # A deep link is finished only by the browser its launch signed in (none here): 403.
    "lti:deep_link": ({"launch_id": "case"}, "L33333333", "L33333333"),
    "lti:setup": ({}, "L3333333o", "L33333335"),
    # Cohort A has no LMS course: its own instructor and admins get 404 too.
    "lti:cohort_lms": (C, "L33344334", "L33355335"),
    "lti:sync_roster": (C, "L33355335", "L33344334"),
    "lti:send_again": ({"pk": "cohort", "passback_pk": "zero"}, "L33355335", "L33344334"),
}  # fmt: skip

# The Django admin: everyone but an admin is sent to its login page; an admin never meets
# a server error (arguments are a primary key that may not exist, which the admin handles).
ADMIN_ARGUMENTS = {"object_id": "1", "id": "1", "app_label": "cases", "content_type_id": "1"}


def project_urls() -> list[str]:
    return sorted(name for name, _ in url_names() if not name.startswith("admin:"))


def test_every_url_has_a_line_in_the_matrix() -> None:
    names = project_urls()
    missing = [name for name in names if name not in MATRIX]
    stale = [name for name in MATRIX if name not in names]
    assert not missing, f"Views without a line in MATRIX (add who may use them): {missing}"
    assert not stale, f"MATRIX lines for URLs that no longer exist (rename or drop): {stale}"


@pytest.mark.xdist_group("sweeping")
def test_each_persona_gets_exactly_what_the_matrix_says(people) -> None:
    world = build_world(people)
    wrong = []
    for name in project_urls():
        arguments, *expected = MATRIX[name]
        url = world.url(name, arguments)
        for method, codes in zip(("GET", "POST"), expected, strict=True):
            for persona, want in zip(PERSONAS, codes, strict=True):
                response = request_and_undo(world.clients[persona], method, url)
                got = outcome(response)
                if got != want:
                    wrong.append(f"{name} {method} {persona}: want {want}, got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.xdist_group("sweeping")
def test_the_admin_is_for_admins_only(people) -> None:
    from django.urls import NoReverseMatch, reverse

    world = build_world(people)
    wrong = []
    for name, route in url_names():
        if not name.startswith("admin:"):
            continue
        arguments = {key: ADMIN_ARGUMENTS[key] for key in re.findall(r"<(?:\w+:)?(\w+)>", route)}
        try:
            url = reverse(name, kwargs=arguments)
        except NoReverseMatch:
            wrong.append(f"{name}: no arguments known for {route}")
            continue
        for persona in PERSONAS:
            got = outcome(request_and_undo(world.clients[persona], "GET", url))
            if persona == "admin":
                # Some admin pages refuse even admins (adding axes records by hand): 403.
                allowed = {"o", "3", "4", "5", "x"}
            elif name in ("admin:login", "admin:logout"):
                allowed = {"o", "L"}
            else:
                allowed = {"L", "4"}
            if got not in allowed:
                wrong.append(f"{name} GET {persona}: got {got}")
    assert not wrong, "\n".join(wrong)
