"""The one lookup for staff pages of a cohort: may this user read it, and may they change it."""

from django.http import Http404

from .models import Cohort


def cohort_for_staff(user: object, cohort_id: int) -> tuple[Cohort, bool]:
    """The cohort if the user may read its students' work (404 otherwise), and whether they may
    also change it (its instructors and admins; its supervisors only read)."""
    cohort = Cohort.objects.viewable_by(user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404("No such cohort.")
    can_change = user.is_admin or cohort.instructors.filter(pk=user.pk).exists()
    return cohort, can_change


def teachable_cohort(user: object, cohort_id: int) -> Cohort:
    """The cohort if the user may change it; 404 for everyone else, readers included."""
    cohort, can_change = cohort_for_staff(user, cohort_id)
    if not can_change:
        raise Http404("No such cohort.")
    return cohort
