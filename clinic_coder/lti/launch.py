"""What a validated launch means here: who the person is, which cohort, which role, where to go.

- The LMS user (iss + sub) is one Clinic Coder account, made on the first launch with no usable
  password: it signs in only through the LMS.
- The LMS course (context) is one cohort, made on the first launch from it.
- The LMS role in that course decides the place in the cohort:
  Learner -> enrolled student; Instructor or Administrator -> instructor of the cohort;
  Teaching assistant -> supervisor of the cohort (reads scores, changes nothing).
  Any other role (mentor, observer...) is refused.
- A link made by deep linking names its assignment; the learner lands on it, staff on its page.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pylti1p3.exception import LtiException

from clinic_coder.accounts.models import Role
from clinic_coder.cohorts.models import Assignment, Cohort

from .models import Deployment, LtiAssignment, LtiContext, LtiUser, Platform, lti_username
from .tool import plain

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DEPLOYMENT = CLAIM + "deployment_id"
CONTEXT = CLAIM + "context"
ROLES = CLAIM + "roles"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"


class Refused(Exception):
    """A genuine launch that we will not let in (a role we do not serve): shown as 403."""


@dataclass(frozen=True)
class CourseRole:
    role: str  # Role.STUDENT, Role.INSTRUCTOR or Role.SUPERVISOR
    label: str


def course_role(roles: list[str]) -> CourseRole | None:
    """The cohort role for the LMS roles of a launch; staff roles outrank Learner."""
    roles = [r for r in roles if isinstance(r, str)]
    names = {r.removeprefix(MEMBERSHIP).split("#")[-1] for r in roles}
    if any(r.startswith(MEMBERSHIP + "Instructor#TeachingAssistant") for r in roles) or (
        "TeachingAssistant" in names and "Instructor" not in names
    ):
        return CourseRole(Role.SUPERVISOR, "Teaching assistant")
    if MEMBERSHIP + "Instructor" in roles or "Instructor" in roles:
        return CourseRole(Role.INSTRUCTOR, "Instructor")
    if (
        MEMBERSHIP + "Administrator" in roles
        or INSTITUTION + "Administrator" in roles
        or "Administrator" in roles
    ):
        return CourseRole(Role.INSTRUCTOR, "Administrator")
    if MEMBERSHIP + "Learner" in roles or "Learner" in roles:
        return CourseRole(Role.STUDENT, "Learner")
    return None


def claims_text(data: dict, key: str, limit: int = 150) -> str:
    value = data.get(key, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class Arrival:
    user: object
    cohort: Cohort
    role: CourseRole
    context: LtiContext
    assignment: Assignment | None


def platform_of(data: dict) -> Platform:
    aud = data.get("aud")
    client_id = aud[0] if isinstance(aud, list) else aud
    return Platform.objects.get(issuer=data["iss"], client_id=client_id)


@transaction.atomic
def arrive(data: dict) -> Arrival:
    """Account, cohort and role for a validated launch's claims, made or updated as needed."""
    platform = platform_of(data)
    deployment = Deployment.objects.get(platform=platform, deployment_id=data[DEPLOYMENT])
    role = course_role(data.get(ROLES) or [])
    if role is None:
        raise Refused(
            "Clinic Coder serves learners, instructors, teaching assistants and "
            "administrators of a course; your role in this course is none of these."
        )
    context_claim = data.get(CONTEXT)
    if not isinstance(context_claim, dict) or plain(context_claim.get("id")) is None:
        raise LtiException("The launch names no course (context claim)")
    user = account_for(platform, data, role)
    context = context_for(platform, deployment, context_claim, data)
    place_in_cohort(user, context.cohort, role)
    assignment = linked_assignment(context, data)
    return Arrival(user, context.cohort, role, context, assignment)


def account_for(platform: Platform, data: dict, role: CourseRole) -> object:
    sub = data.get("sub")
    if plain(sub) is None:
        raise LtiException("The launch has no valid sub")
    link = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    User = get_user_model()
    if link is None:
        # An account the LMS roster sync made (same iss + sub, never signed in): it is theirs.
        synced = User.objects.filter(
            username=lti_username(platform.issuer, sub), last_login__isnull=True
        ).first()
        if synced is not None and not synced.has_usable_password() and synced.is_student:
            LtiUser.objects.create(platform=platform, sub=sub, user=synced)
            return account_for(platform, data, role)
        user = User(
            username=lti_username(platform.issuer, sub),
            first_name=claims_text(data, "given_name"),
            last_name=claims_text(data, "family_name"),
            role=role.role,
        )
        email = claims_text(data, "email", 254)
        # An address another account already uses is not taken: it does not prove ownership.
        if email and not User.objects.filter(email__iexact=email).exists():
            user.email = email
        user.set_unusable_password()
        user.save()
        LtiUser.objects.create(platform=platform, sub=sub, user=user)
        return user
    user = link.user
    if user.is_admin:
        raise Refused("This account is a Clinic Coder administrator; sign in to it directly.")
    if role.role == Role.STUDENT:
        if not user.is_student:
            raise Refused(
                "This account is staff in Clinic Coder and cannot join a course as "
                "a learner. Ask the LMS administrator to check your course role."
            )
    elif user.role == Role.STUDENT or (role.role, user.role) == (Role.INSTRUCTOR, Role.SUPERVISOR):
        # Staff in this course: the account is staff from now on (its past work is kept).
        user.role = role.role
        user.save(update_fields=["role"])
    return user


def context_for(platform: Platform, deployment: Deployment, claim: dict, data: dict) -> LtiContext:
    context = (
        LtiContext.objects.select_related("cohort")
        .select_for_update()
        .filter(platform=platform, context_id=claim["id"])
        .first()
    )
    title = (
        claims_text(claim, "title", 120) or claims_text(claim, "label", 120) or claim["id"][:120]
    )
    if context is None:
        cohort = Cohort.objects.create(name=title, term=claims_text(claim, "label", 60))
        context = LtiContext(
            platform=platform, deployment=deployment, context_id=claim["id"], cohort=cohort
        )
    context.title = title
    nrps = data.get(NRPS)
    if isinstance(nrps, dict) and isinstance(nrps.get("context_memberships_url"), str):
        context.memberships_url = nrps["context_memberships_url"][:500]
    ags = data.get(AGS)
    if isinstance(ags, dict):
        if isinstance(ags.get("lineitems"), str):
            context.lineitems_url = ags["lineitems"][:500]
        if isinstance(ags.get("scope"), list):
            context.ags_scopes = [s for s in ags["scope"] if isinstance(s, str)]
    context.save()
    return context


def place_in_cohort(user: object, cohort: Cohort, role: CourseRole) -> None:
    if role.role == Role.STUDENT:
        enrollment, _ = cohort.enrol(user)
        if not enrollment.active:
            # The LMS says this person is in the course now: its word is the roster.
            enrollment.active = True
            enrollment.save(update_fields=["active"])
    elif role.role == Role.INSTRUCTOR:
        cohort.instructors.add(user)
    else:
        cohort.supervisors.add(user)


def linked_assignment(context: LtiContext, data: dict) -> Assignment | None:
    """The assignment a resource link points at: set by deep linking in the custom params."""
    link = data.get(RESOURCE_LINK) or {}
    link_id = link.get("id") if isinstance(link, dict) else None
    custom = data.get(CUSTOM) or {}
    wanted = custom.get("assignment_id") if isinstance(custom, dict) else None
    if not isinstance(wanted, str) or not wanted.isdigit():
        return None
    lti = (
        LtiAssignment.objects.select_related("assignment__case_set")
        .filter(assignment_id=int(wanted), context=context)
        .first()
    )
    if lti is None:
        return None  # an assignment of another course: never reachable through this one
    changed = []
    if plain(link_id) and not lti.resource_link_id:
        lti.resource_link_id = link_id[:255]
        changed.append("resource_link_id")
    ags = data.get(AGS)
    if isinstance(ags, dict) and isinstance(ags.get("lineitem"), str) and not lti.lineitem_url:
        # The line item the platform made for this link: the one we send its scores to.
        lti.lineitem_url = ags["lineitem"][:500]
        changed.append("lineitem_url")
    if changed:
        lti.save(update_fields=changed)
    return lti.assignment


def landing_url(arrival: Arrival) -> str:
    assignment, cohort = arrival.assignment, arrival.cohort
    if arrival.role.role == Role.STUDENT:
        if assignment and assignment.opens_at <= timezone.now():
            # Where "Open" on My practice leads: the set's cases, worked for this assignment.
            url = reverse("practice:practice_case_set", args=[assignment.case_set.slug])
            return f"{url}?assignment={assignment.pk}"
        return reverse("practice:student_home")
    if arrival.role.role == Role.INSTRUCTOR:
        if assignment:
            return reverse("cohorts:assignment_detail", args=[assignment.pk])
        # The course's LMS page: roster sync, grades sent, and the way to the cohort itself.
        return reverse("lti:cohort_lms", args=[cohort.pk])
    return reverse("teach:gradebook", args=[cohort.pk])
