"""One rule for dates: assignment dates in the cohort's zone, every other time in the site's,
always with the zone; a student sees their own due date."""

import datetime
import re

from django.urls import reverse

from clinic_coder.cohorts.models import AssignmentOverride
from clinic_coder.cohorts.templatetags.zones import cohort_time, site_time
from tests.factories import RIGHT, assigned, graded

FAR = datetime.datetime(2030, 12, 4, 23, 59, tzinfo=datetime.UTC)


def test_it_shows_a_students_extended_due_date_with_its_zone_on_the_set_page(client, people):
    people.cohort_a.time_zone = "Europe/Paris"
    people.cohort_a.save()
    assignment, _ = assigned(cohort=people.cohort_a, due_at=FAR)
    later = FAR + datetime.timedelta(days=4)
    AssignmentOverride.objects.create(assignment=assignment, student=people.alice, due_at=later)
    url = reverse("practice:practice_case_set", args=[assignment.case_set.slug])
    client.force_login(people.alice)
    page = client.get(url, {"assignment": assignment.pk}).text
    assert "due Mon 9 Dec 2030, 00:59 CET (your extended due date)" in page
    assert "Wed 4 Dec 2030" not in page
    assert "in the cohort&#x27;s time zone, Europe/Paris" in page or "Europe/Paris" in page


def test_it_shows_another_students_usual_due_date(client, people):
    assignment, _ = assigned(cohort=people.cohort_a, due_at=FAR)
    people.cohort_a.enrol(people.bob)
    client.force_login(people.bob)
    url = reverse("practice:practice_case_set", args=[assignment.case_set.slug])
    page = client.get(url, {"assignment": assignment.pk}).text
    assert "due Wed 4 Dec 2030, 17:59 CST." in page


def test_it_shows_attempt_times_the_same_way_in_the_chart_and_the_list(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    moment = datetime.datetime(2026, 11, 30, 18, 18, tzinfo=datetime.UTC)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT, now=moment)
    for persona, url in (
        (people.alice, reverse("progress:my_progress")),
        (people.sofia, reverse("progress:student_record", args=[people.alice.pk])),
    ):
        client.force_login(persona)
        page = client.get(url).text
        assert "18:18" not in page  # UTC
        assert "30 Nov, 12:18 CST" in page  # the chart's table
        assert "Mon 30 Nov 2026, 12:18 CST" in page  # the list of attempts


def test_every_time_on_the_progress_page_carries_its_zone(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(people.alice)
    page = client.get(reverse("progress:my_progress")).text
    for time in re.findall(r"\b\d\d:\d\d\b[^<]{0,5}", page):
        assert re.match(r"\d\d:\d\d (CST|CDT|UTC|CET)", time), time


def test_the_gradebook_and_my_practice_give_assignment_days_in_the_cohorts_zone(client, people):
    # 23:59 UTC on 4 Dec is 5 Dec in Tokyo and still 4 Dec at the site (Chicago).
    people.cohort_a.time_zone = "Asia/Tokyo"
    people.cohort_a.save()
    assigned(cohort=people.cohort_a, opens_at=FAR, due_at=FAR + datetime.timedelta(days=7))
    assigned(cohort=people.cohort_a, set_slug="later", slugs=["later"], due_at=FAR)
    client.force_login(people.ines)
    gradebook = client.get(reverse("teach:gradebook", args=[people.cohort_a.pk])).text
    assert "due 5 Dec;" in gradebook and "due 4 Dec;" not in gradebook
    client.force_login(people.alice)
    home = client.get(reverse("practice:student_home")).text
    assert "opens 5 Dec" in home and "opens 4 Dec" not in home


def test_the_filters_say_the_zone():
    class Cohort:
        time_zone = "Asia/Tokyo"

    moment = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
    assert cohort_time(moment, Cohort()) == "Tue 1 Dec 2026, 12:00 JST"
    assert site_time(moment) == "Mon 30 Nov 2026, 21:00 CST"
