"""Writing a case: create, edit, add service rows, validation and the key preview."""

import re

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case, DocumentedService

from .test_views_support import HOT_PACK, form_data, load_codes, make_case

pytestmark = pytest.mark.django_db

SECOND_ROW = {
    "services-TOTAL_FORMS": "2",
    "services-1-technique": "hot_pack",
    "services-1-key": "hp",
    "services-1-regions": ["cervical"],
    "services-1-minutes_low": "10",
    "services-1-time_block": "1",
}


@pytest.fixture(autouse=True)
def codes(db):
    load_codes()


def test_it_shows_an_empty_form_with_one_service_row(client, people):
    client.force_login(people.ines)
    response = client.get(reverse("cases:create_case"))
    assert "<title>New case" in response.text
    assert response.text.count('class="service-row') == 1
    assert "Add another service" in response.text
    assert 'aria-live="polite"' in response.text


def test_it_lists_the_techniques_alphabetically_whatever_their_case(client, people):
    client.force_login(people.ines)
    page = client.get(reverse("cases:create_case")).text
    select = page.split('name="services-0-technique"')[1].split("</select>")[0]
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert labels[0] == "- Select an option -"
    assert labels[1:] == sorted(labels[1:], key=str.casefold)
    assert labels.index("acupressure (97124)") < labels.index("Swedish massage (97124)")


def test_it_creates_a_draft_case_with_its_services(client, people):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(**SECOND_ROW))
    case = Case.objects.get(slug="tight-trapezius")
    assert response.status_code == 302
    assert response.url == reverse("cases:case_detail", args=[case.slug])
    assert case.status == "draft"
    assert case.created_by == people.ines
    assert case.skills == ["code-choice-manual-therapy"]
    services = list(case.services.all())
    assert [(s.key, s.position) for s in services] == [("mt", 0), ("hp", 1)]
    assert (services[0].minutes_low, services[0].minutes_high) == (9, 14)
    # One end given means fixed minutes.
    assert (services[1].minutes_low, services[1].minutes_high) == (10, 10)
    assert services[0].regions == ["cervical"]


def test_it_edits_a_case_and_removes_a_service(client, people):
    graston = {"key": "mt", "technique": "graston", "regions": ["cervical"],
               "minutes_low": 9, "minutes_high": 14}  # fmt: skip
    case = make_case(owner=people.ines, services=[graston, HOT_PACK])
    mt, hp = case.services.all()
    client.force_login(people.ines)
    data = form_data(
        title="Tighter trapezius",
        **{
            "services-TOTAL_FORMS": "2",
            "services-INITIAL_FORMS": "2",
            "services-0-id": str(mt.pk),
            "services-0-minutes_high": "20",
            "services-1-id": str(hp.pk),
            "services-1-technique": "hot_pack",
            "services-1-key": "hp",
            "services-1-minutes_low": "10",
            "services-1-time_block": "1",
            "services-1-DELETE": "on",
        },
    )
    response = client.post(reverse("cases:edit_case", args=[case.slug]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Tighter trapezius"
    assert [(s.key, s.minutes_high) for s in case.services.all()] == [("mt", 20)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"services-0-minutes_low": "15", "services-0-minutes_high": "9"}, "at least"),
        ({"services-0-minutes_high": "241"}, "less than or equal to 240"),
        ({"services-0-minutes_low": "-1"}, "greater than or equal to 0"),
        ({"note": "Graston, {mt} min, then {ice} min of ice."}, "{ice} is not the key"),
        ({"note": "Graston to the trapezius."}, "must show its minutes as {mt}"),
        (
            {"services-0-technique": "spinal_cmt", "services-0-regions": ["upper_extremity"]},
            "spinal CMT needs at least one spinal region",
        ),
        ({"services-0-key": "Bad Key"}, "Start with a lower-case letter"),
        ({"slug": "Not A Slug"}, "lower-case letters and digits"),
        ({"slug": "new"}, "reserved"),
        ({"skills": None}, "Choose at least one skill"),
        ({"title": ""}, "This field is required"),
        ({"services-0-technique": "", "services-0-key": ""}, "This field is required"),
        ({"services-0-DELETE": "on"}, "at least one documented service"),
        (SECOND_ROW | {"services-1-key": "mt"}, "used more than once: mt"),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(client, people, overrides, message):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert "Some fields need attention" in response.text
    assert not Case.objects.exists()
    assert not DocumentedService.objects.exists()


def test_it_refuses_a_slug_another_case_has(client, people):
    make_case(slug="tight-trapezius", title="The first one")
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data())
    assert "Case with this Slug already exists" in response.text
    assert Case.objects.get().title == "The first one"


def test_it_leaves_an_edited_case_alone_when_the_form_is_bad(client, people):
    case = make_case(owner=people.ines)
    client.force_login(people.ines)
    data = form_data(
        title="Changed",
        note="No placeholder here.",
        **{"services-INITIAL_FORMS": "1", "services-0-id": str(case.services.get().pk)},
    )
    response = client.post(reverse("cases:edit_case", args=[case.slug]), data)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.title == "Tight trapezius"
    assert case.services.get().minutes_high == 14


def test_it_adds_a_service_row_without_javascript(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:create_case"), form_data(add_service="Add another service")
    )
    assert response.status_code == 200
    assert response.text.count('class="service-row') == 2
    assert 'name="services-TOTAL_FORMS" value="2"' in response.text
    assert 'value="graston" selected' in response.text  # the first row keeps what was typed
    assert "autofocus" in response.text
    assert not Case.objects.exists()


@pytest.mark.parametrize("total", ["lots", None])
def test_it_survives_a_forged_row_count_without_javascript(client, people, total):
    client.force_login(people.ines)
    data = form_data(add_service="1", **{"services-TOTAL_FORMS": total})
    response = client.post(reverse("cases:create_case"), data)
    assert response.status_code == 200
    assert not Case.objects.exists()
    response = client.post(
        reverse("cases:create_case"), form_data(**{"services-TOTAL_FORMS": total})
    )
    assert response.status_code == 200
    assert "Some fields need attention" in response.text


def test_it_sends_htmx_one_new_row_and_the_new_row_count(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:add_service_row"),
        {"services-TOTAL_FORMS": "2"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.count('class="service-row') == 1
    assert "Service 3" in response.text
    assert 'name="services-2-technique"' in response.text
    assert 'value="3" id="id_services-TOTAL_FORMS" hx-swap-oob="true"' in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize("total", ["", "many", "-1", "100"])
def test_it_refuses_a_forged_row_count(client, people, total):
    client.force_login(people.ines)
    response = client.post(reverse("cases:add_service_row"), {"services-TOTAL_FORMS": total})
    assert response.status_code == 400


def test_it_previews_the_key_without_javascript_and_saves_nothing(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:create_case"), form_data(preview="1", seed="1", **SECOND_ROW)
    )
    assert response.status_code == 200
    assert "Variant seed 1, not saved yet." in response.text
    assert '<th scope="row">97140</th>' in response.text
    assert '<th scope="row">97010</th>' in response.text
    assert "How the key is derived" in response.text
    assert not Case.objects.exists()


def test_it_sends_htmx_the_preview_fragment(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:preview_case"), form_data(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert '<th scope="row">97140</th>' in response.text
    assert "<html" not in response.text
    assert "service-row" not in response.text
    assert not Case.objects.exists()


def test_it_previews_an_edited_case_as_posted(client, people):
    case = make_case()
    client.force_login(people.ines)
    data = form_data(
        **{
            "services-INITIAL_FORMS": "1",
            "services-0-id": str(case.services.get().pk),
            "services-0-minutes_low": "40",
            "services-0-minutes_high": "40",
        }
    )
    url = reverse("cases:preview_case") + f"?case={case.slug}"
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert "Minutes drawn: <strong>mt</strong> 40 min." in response.text
    assert case.services.get().minutes_high == 14


def test_it_says_in_the_preview_why_there_is_no_key(client, people):
    client.force_login(people.ines)
    data = form_data(**{"services-0-minutes_low": "x", "payer_profile": "nobody"})
    response = client.post(reverse("cases:preview_case"), data, headers={"HX-Request": "true"})
    assert "The key cannot be derived yet" in response.text
    assert "Payer profile: Select a valid choice" in response.text
    assert "Service 1, Minutes from: Enter a whole number." in response.text
    data = form_data(
        **{"services-0-technique": "spinal_cmt", "services-0-regions": ["upper_extremity"]}
    )
    response = client.post(reverse("cases:preview_case"), data, headers={"HX-Request": "true"})
    assert "spinal CMT needs at least one spinal region" in response.text


def test_it_saves_braces_that_are_not_a_service_key_and_students_see_them_as_written(
    client, people
):
    client.force_login(people.ines)
    note = "Release {mt} min. Pain {VAS} 3/10."
    response = client.post(reverse("cases:create_case"), form_data(note=note))
    assert response.status_code == 302
    case = Case.objects.get(slug="tight-trapezius")
    assert case.variant(1).note.endswith("Pain {VAS} 3/10.")
    preview = client.post(reverse("cases:preview_case"), form_data(note=note))
    assert preview.status_code == 200
    assert "97140" in preview.text
    student_view = client.get(reverse("cases:student_preview", args=[case.slug]))
    assert "Pain {VAS} 3/10." in student_view.text


def test_it_refuses_a_lower_case_placeholder_that_is_no_service_key(client, people):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(note="{mt} min, {pain}."))
    assert "{pain} is not the key of any service." in response.text
    assert not Case.objects.exists()


def test_it_refuses_a_placeholder_for_a_service_without_minutes(client, people):
    client.force_login(people.ines)
    data = form_data(
        note="Graston {mt} min, then {hp}.",
        **SECOND_ROW | {"services-1-minutes_low": "", "services-1-technique": "unattended_estim"},
    )
    response = client.post(reverse("cases:create_case"), data)
    assert "Service &#x27;hp&#x27; has no minutes, so the note cannot show {hp}." in response.text
    assert not Case.objects.exists()


def test_it_refuses_a_note_longer_than_an_import_takes(client, people):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(note="{mt} " + "x" * 20_000))
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.text
    assert not Case.objects.exists()
