import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import ResponsibilityLetter
from dairy_campaign.models.campaigns import PhaseKind
from dairy_campaign.services.campaigns import campaign_create, letter_record, letters_status, phases_on

from ..factories import member, place

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n%%EOF\n"


def pdf(name="letter.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_campaign_follows_the_plan_phases_and_the_12_30_deadline_P1():
    campaign = campaign_create(year=2026)
    phases = {p.kind: (p.starts_on, p.ends_on) for p in campaign.phases.all()}
    d = datetime.date
    assert phases == {
        PhaseKind.INVESTIGATION: (d(2026, 4, 1), d(2026, 11, 30)),
        PhaseKind.SUPERVISION: (d(2026, 8, 1), d(2026, 8, 31)),
        PhaseKind.SUMMARY: (d(2026, 12, 1), d(2026, 12, 31)),
    }
    assert campaign.summary_deadline == d(2026, 12, 30)
    with pytest.raises(ValidationError):
        campaign_create(year=2026)


@pytest.mark.parametrize(
    ("day", "phases", "days_left"),
    [
        (datetime.date(2026, 11, 27), {PhaseKind.INVESTIGATION}, 33),
        (datetime.date(2026, 8, 15), {PhaseKind.INVESTIGATION, PhaseKind.SUPERVISION}, 137),
        (datetime.date(2026, 12, 30), {PhaseKind.SUMMARY}, 0),
        (datetime.date(2026, 12, 31), {PhaseKind.SUMMARY}, -1),
        (datetime.date(2026, 3, 31), set(), 274),
    ],
)
def test_current_phase_and_days_left_P1(campaign, day, phases, days_left):
    assert {p.kind for p in phases_on(campaign, day)} == phases
    assert campaign.days_to_deadline(day) == days_left


def test_the_home_page_shows_the_phase_and_the_countdown(client, county_inspector, campaign, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC))
    client.force_login(county_inspector)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="countdown"' in page and "33" in page


def test_the_deadline_day_is_counted_in_shanghai_time(client, county_inspector, campaign, time_machine):
    # 2026-12-29 17:00 UTC is already 12-30 01:00 in Shanghai: the summary is due today.
    time_machine.move_to(datetime.datetime(2026, 12, 29, 17, 0, tzinfo=datetime.UTC))
    client.force_login(county_inspector)
    response = client.get(reverse("home"))
    assert response.context["days_left"] == 0


def letter_kwargs(campaign, code="320115", **overrides):
    values = {
        "campaign": campaign,
        "jurisdiction": place(code),
        "signed_on": datetime.date(2026, 4, 20),
        "issuer_signatory": "分管副市长",
        "signatory": "区长",
        "document": pdf(),
    }
    values.update(overrides)
    return values


def test_a_city_office_records_a_letter_with_a_county_P2(campaign):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    letter = letter_record(actor=fso, **letter_kwargs(campaign))
    assert letter.issuer_id == "320100" and len(letter.document_sha256) == 64
    assert letter.history.get().history_user == fso


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"jurisdiction": "320324"}, "jurisdiction"),  # not below Nanjing
        ({"jurisdiction": "320000"}, "jurisdiction"),
        ({"signed_on": datetime.date(2099, 1, 1)}, "signed_on"),
        ({"document": pdf("letter.pdf", b"MZ\x90\x00 not a document")}, "document"),
    ],
)
def test_bad_letters_are_refused_with_a_reason_and_change_nothing_P2(campaign, overrides, field):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    if "jurisdiction" in overrides:
        overrides["jurisdiction"] = place(overrides["jurisdiction"])
    with pytest.raises(ValidationError) as error:
        letter_record(actor=fso, **letter_kwargs(campaign, **overrides))
    assert field in error.value.message_dict
    assert not ResponsibilityLetter.objects.exists()


def test_an_oversized_scan_is_refused(campaign, settings):
    settings.UPLOAD_MAX_BYTES = 100
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    with pytest.raises(ValidationError):
        letter_record(actor=fso, **letter_kwargs(campaign, document=pdf(content=PDF + b"x" * 200)))


def test_a_second_letter_for_the_same_level_is_refused(campaign):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    letter_record(actor=fso, **letter_kwargs(campaign))
    with pytest.raises(ValidationError):
        letter_record(actor=fso, **letter_kwargs(campaign))


@pytest.mark.parametrize(("kind", "role"), [(AgencyKind.QTS, Role.REVIEWER), (AgencyKind.FSO, Role.VIEWER)])
def test_only_the_office_or_government_records_letters(campaign, kind, role):
    with pytest.raises(PermissionDenied):
        letter_record(actor=member("320100", kind, role), **letter_kwargs(campaign))


def test_the_letters_page_lists_the_levels_still_missing_a_letter(client, campaign):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    letter_record(actor=fso, **letter_kwargs(campaign))
    statuses = letters_status(campaign=campaign, issuer=place("320100"))
    assert len(statuses) == 11 and sum(1 for _, letter in statuses if letter) == 1
    client.force_login(fso)
    response = client.get(reverse("letters"))
    assert len(response.context["missing"]) == 10
    assert place("320115") not in response.context["missing"]


def test_a_letter_is_uploaded_in_the_page(client, campaign):
    fso = member("320100", AgencyKind.FSO, Role.REVIEWER)
    client.force_login(fso)
    response = client.post(
        reverse("letters"),
        {
            "jurisdiction": "320115",
            "signed_on": "2026-04-20",
            "issuer_signatory": "甲",
            "signatory": "乙",
            "document": pdf(),
        },
    )
    assert response.status_code == 302
    letter = ResponsibilityLetter.objects.get()
    assert client.get(reverse("letter_document", args=[letter.pk])).status_code == 200


def test_a_bad_upload_in_the_page_shows_the_error_and_saves_nothing(client, campaign):
    client.force_login(member("320100", AgencyKind.FSO, Role.REVIEWER))
    response = client.post(
        reverse("letters"),
        {
            "jurisdiction": "320115",
            "signed_on": "2026-04-20",
            "issuer_signatory": "甲",
            "signatory": "乙",
            "document": pdf("x.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["document"]
    assert not ResponsibilityLetter.objects.exists()


def test_a_letter_document_of_another_city_is_a_404(client, campaign):
    letter = letter_record(actor=member("320100", AgencyKind.FSO, Role.REVIEWER), **letter_kwargs(campaign))
    client.force_login(member("320300", AgencyKind.FSO, Role.REVIEWER))
    assert client.get(reverse("letter_document", args=[letter.pk])).status_code == 404
