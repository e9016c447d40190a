"""Each weak spot links to a case that exercises it, and both pages list the same weak spots."""

import re

from django.urls import reverse
from django.utils import timezone

from clinic_coder.practice.workflows import case_to_practise
from tests.factories import RIGHT, WRONG_CODE, graded, make_case

SKILL = "code-choice-manual-therapy"


def weak_list(page: str) -> list[str]:
    section = page[page.index('id="weak-heading"') :]
    section = section[: section.index("</section>")]
    return re.findall(r"<li>([^:<]+):", section)


def practise_links(page: str) -> list[str]:
    section = page[page.index('id="weak-heading"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'href="([^"]+)">practise it', section)


def test_it_links_each_weak_spot_to_a_case_for_that_skill(client, people):
    tried = make_case(slug="neck-release", skills=[SKILL])
    untried = make_case(slug="shoulder-release", title="Shoulder release", skills=[SKILL])
    make_case(slug="other-skill", title="Other", skills=["units-cms"])
    graded(student=people.alice, case=tried, lines=WRONG_CODE)
    client.force_login(people.alice)
    for url in (reverse("practice:student_home"), reverse("progress:my_progress")):
        page = client.get(url).text
        assert "#weak-heading" not in "".join(practise_links(page))
        assert reverse("practice:play_case", args=[untried.slug]) in practise_links(page)


def test_it_picks_an_untried_case_then_the_lowest_best_score(people):
    now = timezone.now()
    right = make_case(slug="a-right", title="A right", skills=[SKILL])
    wrong = make_case(slug="b-wrong", title="B wrong", skills=[SKILL])
    graded(student=people.alice, case=right, lines=RIGHT)
    graded(student=people.alice, case=wrong, lines=WRONG_CODE)
    assert case_to_practise(people.alice, SKILL, now) == wrong
    untried = make_case(slug="c-new", title="C new", skills=[SKILL])
    assert case_to_practise(people.alice, SKILL, now) == untried
    assert case_to_practise(people.alice, "em-with-cmt", now) is None


def test_the_home_page_and_the_progress_page_list_the_same_weak_spots(client, people):
    for n, skills in enumerate([[SKILL], [SKILL, "units-per-code"], ["modifiers"]]):
        case = make_case(slug=f"case-{n}", title=f"Case {n}", skills=skills)
        graded(student=people.alice, case=case, lines=WRONG_CODE)
    client.force_login(people.alice)
    home = weak_list(client.get(reverse("practice:student_home")).text)
    progress = weak_list(client.get(reverse("progress:my_progress")).text)
    assert home and home == progress


def test_staff_see_weak_spots_without_practice_links(client, people):
    case = make_case(skills=[SKILL])
    graded(student=people.alice, case=case, lines=WRONG_CODE)
    client.force_login(people.ines)
    page = client.get(reverse("progress:student_record", args=[people.alice.pk])).text
    assert weak_list(page)
    assert practise_links(page) == []
