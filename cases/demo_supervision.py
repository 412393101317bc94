"""Demo supervision for `seed_demo`, after the demo cases of Jiangning (320115): the Nanjing
office's listings (C2), one of them past its deadline; an accountability record for a den
left in place (C1); an immediate report to the Nanjing and provincial offices (P4).

Idempotent: listings are keyed on case and office, accountability on its document number,
incident reports on title and department. Without cases, no listing is made."""

import datetime

from django.db import transaction
from django.utils import timezone

from dairy_campaign.models import Jurisdiction, User
from dairy_campaign.services.campaigns import local_today

from .models import Accountability, AccountabilityTrigger, Case, IncidentReport, Listing, ProgressReport
from .services.accountability import accountability_record
from .services.incidents import incident_report
from .services.supervision import CLOSED_CASE_STATES, listing_create, progress_report_submit

COUNTY = "320115"


def _days_ago(n: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=n)


def _users(*names) -> list[User] | None:
    found = {u.username: u for u in User.objects.filter(username__in=names).select_related("agency")}
    return [found[n] for n in names] if len(found) == len(names) else None


def _reporter(case: Case) -> User | None:
    return (
        User.objects.filter(agency=case.agency, is_active=True, role__in=["reviewer", "inspector", "clerk"])
        .order_by("role", "username")
        .first()
    )


def _backdate_report(report: ProgressReport, days_ago: int):
    """Demo only: reports are stamped when sent; these stand for reports sent weeks ago."""
    stamp = timezone.now() - datetime.timedelta(days=days_ago)
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=stamp)


def seed_listings(office_user: User, province_user: User) -> int:
    cases = list(
        Case.objects.filter(jurisdiction_id=COUNTY)
        .exclude(status__in=CLOSED_CASE_STATES)
        .select_related("agency")
        .order_by("-major", "-cross_region", "number")[:2]
    )
    if not cases:
        return 0
    made = 0
    major = cases[0]
    if not Listing.objects.filter(case=major, office=office_user.agency).exists():
        listing = listing_create(
            actor=office_user,
            case=major,
            level="city",
            listed_on=_days_ago(20),
            deadline=_days_ago(20) + datetime.timedelta(days=60),
            report_every_days=15,
            requirements="查清乳粉来源和流向，涉嫌犯罪的及时移送公安机关；每15日报告一次查处进展。",
            document_number=f"宁食安办督〔{local_today().year}〕3号",
            mark_major=True,
        )
        reporter = _reporter(major)
        if reporter:
            report = progress_report_submit(
                actor=reporter,
                listing=listing,
                text="已对当事人仓库查封扣押，调取进货台账和销售记录，正在追查上游供货商。",
            )
            _backdate_report(report, 6)
        made += 1
    # The second listing ran out of time: listed long ago, deadline passed, still open.
    late_case, late_office = (cases[1], office_user) if len(cases) > 1 else (major, province_user)
    if not Listing.objects.filter(case=late_case, office=late_office.agency).exists():
        listing_create(
            actor=late_office,
            case=late_case,
            level="city" if late_office is office_user else "province",
            listed_on=_days_ago(75),
            deadline=_days_ago(15),
            report_every_days=20,
            requirements="限期查结并报送案件查处情况。",
            document_number=f"{'宁' if late_office is office_user else '苏'}食安办督〔{local_today().year}〕1号",
            mark_major=True,
        )
        made += 1
    return made


def seed_accountability(recorder: User) -> int:
    number = f"宁政问责〔{local_today().year}〕2号"
    if Accountability.objects.filter(document_number=number).exists():
        return 0
    accountability_record(
        actor=recorder,
        jurisdiction=Jurisdiction.objects.get(code=COUNTY),
        trigger=AccountabilityTrigger.DEN_LEFT,
        concerned="青龙村出租库房乳粉囤积点（淳化街道出租库房集中区清查中发现）",
        facts="清查发现该窝点后，属地街道和有关部门未及时取缔，窝点继续囤积来源不明乳粉近一个月。",
        officials=[
            {"name": "刘某某", "position": "淳化街道办事处副主任", "unit": "江宁区淳化街道办事处"},
            {"name": "陈某某", "position": "分局局长", "unit": "江宁区工商行政管理局淳化分局"},
        ],
        measures="对街道分管负责人诫勉谈话，责令工商分局负责人作出书面检查；限三日内取缔窝点。",
        decided_on=_days_ago(4),
        document_number=number,
    )
    return 1


def seed_incident(reporter: User) -> int:
    title = "江宁区发现疑似三聚氰胺超标婴幼儿配方乳粉流入市场"
    if IncidentReport.objects.filter(title=title, agency=reporter.agency).exists():
        return 0
    case = Case.objects.filter(agency=reporter.agency).order_by("number").first()
    incident_report(
        actor=reporter,
        title=title,
        occurred_at=timezone.now() - datetime.timedelta(days=2, hours=3),
        description="企业出厂检验发现一批次婴幼儿配方乳粉三聚氰胺检测值异常，部分产品已发往区内超市，已责令暂停销售并召回。",
        products="婴幼儿配方乳粉（900g罐装），批号20261102",
        people_affected=0,
        case=case,
    )
    return 1


@transaction.atomic
def seed(stdout=None) -> dict:
    users = _users("fso_nj", "fso_js", "gov_nj", "qts_jn_reviewer")
    if users is None:
        if stdout:
            stdout.write("supervision demo skipped: the core demo accounts are missing")
        return {}
    fso_nj, fso_js, gov_nj, qts_jn_reviewer = users
    made = seed_listings(fso_nj, fso_js) + seed_accountability(gov_nj) + seed_incident(qts_jn_reviewer)
    if stdout and made:
        stdout.write(f"supervision demo: {made} records")
    return {}
