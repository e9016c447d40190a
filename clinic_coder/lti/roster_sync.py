"""Names and Role Provisioning: the LMS course's learners, through the roster import's rules.

The members the LMS lists become the rows of a roster file (username, names, email) and are
read by the CSV import's own parser, then previewed and applied by the same pages: new accounts
are made and enrolled, existing ones invited, errors shown row by row. An LMS user's username is
fixed by its iss and sub (models.lti_username), so a later launch finds the account made here.
"""

import csv
import io

from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from clinic_coder.cohorts import roster
from clinic_coder.cohorts.models import Cohort
from clinic_coder.cohorts.roster import BadRoster
from clinic_coder.cohorts.views import _pending_key

from .launch import MEMBERSHIP
from .models import LtiContext, LtiUser, lti_username
from .passback import PatientSession
from .tool import registration_for

__all__ = ["BadRoster", "fetch_rows", "stage_import"]


def is_learner(member: dict) -> bool:
    roles = member.get("roles") or []
    return any(r in ("Learner", MEMBERSHIP + "Learner") for r in roles if isinstance(r, str))


def fetch_rows(context: LtiContext) -> list[roster.RosterRow]:
    """The course's active learners as roster rows (staff and inactive members are left out)."""
    if not context.memberships_url:
        raise BadRoster("The LMS has not offered this course's roster (no memberships URL).")
    connector = ServiceConnector(registration_for(context.platform), PatientSession())
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    members = [
        m
        for m in service.get_members()
        if isinstance(m, dict) and m.get("status", "Active") == "Active" and is_learner(m)
    ]
    if not members:
        raise BadRoster("The LMS lists no active learners in this course.")
    known = dict(
        LtiUser.objects.filter(platform=context.platform).values_list("sub", "user__username")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(roster.COLUMNS)
    for member in members:
        sub = str(member.get("user_id", ""))
        username = known.get(sub) or (lti_username(context.platform.issuer, sub) if sub else "")
        first, last = member.get("given_name", ""), member.get("family_name", "")
        if not first and not last and isinstance(member.get("name"), str):
            first, _, last = member["name"].partition(" ")
        writer.writerow([username, first or "", last or "", member.get("email") or ""])
    return roster.parse_roster(out.getvalue().encode())


def stage_import(session: object, cohort: Cohort, rows: list[roster.RosterRow], key: str) -> None:
    """Leave the rows where the roster import's preview and apply pages find them."""
    session[_pending_key(cohort)] = {
        "id": key,
        "filename": "the LMS roster",
        "rows": roster.rows_to_session(rows),
    }
