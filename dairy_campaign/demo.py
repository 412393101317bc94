"""Demo campaign for `seed_demo`: agencies of every kind and accounts of every role.

Idempotent: records are looked up by their natural keys and created only when missing.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from .choices import AgencyKind, Role
from .models import Agency, Campaign, Jurisdiction, ResponsibilityLetter, User
from .models.agencies import AGENCY_SUFFIX
from .services.audit import audited_save
from .services.campaigns import campaign_create, local_today
from .services.notifications import notify

DEMO_PASSWORD = "Dairy-2026-demo"
REASON = "演示数据 / demo data"

# Counties with a full set of departments, across several cities.
DEMO_COUNTIES = ["320115", "320102", "320281", "320324", "320981", "321323"]
COUNTY_KINDS = [k for k in AgencyKind if k != AgencyKind.CIQ]

# (username, full name, jurisdiction, agency kind, role)
DEMO_USERS = [
    ("admin_js", "周立新", "320000", AgencyKind.FSO, Role.ADMIN),
    ("fso_js", "王建国", "320000", AgencyKind.FSO, Role.REVIEWER),
    ("viewer_js", "陈晓燕", "320000", AgencyKind.FSO, Role.VIEWER),
    ("qts_js", "刘志强", "320000", AgencyKind.QTS, Role.REVIEWER),
    ("ciq_js", "郑海峰", "320000", AgencyKind.CIQ, Role.INSPECTOR),
    ("fso_nj", "李明", "320100", AgencyKind.FSO, Role.REVIEWER),
    ("admin_nj", "孙倩", "320100", AgencyKind.FSO, Role.ADMIN),
    ("gov_nj", "吴国华", "320100", AgencyKind.GOV, Role.CLERK),
    ("fso_xz", "赵磊", "320300", AgencyKind.FSO, Role.REVIEWER),
    ("qts_jn_inspector", "张伟", "320115", AgencyKind.QTS, Role.INSPECTOR),
    ("qts_jn_reviewer", "黄芳", "320115", AgencyKind.QTS, Role.REVIEWER),
    ("aic_jn_inspector", "杨帆", "320115", AgencyKind.AIC, Role.INSPECTOR),
    ("aic_jn_reviewer", "朱丽", "320115", AgencyKind.AIC, Role.REVIEWER),
    ("fda_jn_inspector", "徐静", "320115", AgencyKind.FDA, Role.INSPECTOR),
    ("fda_jn_reviewer", "钱红", "320115", AgencyKind.FDA, Role.REVIEWER),
    ("agr_jn_inspector", "马超", "320115", AgencyKind.AGR, Role.INSPECTOR),
    ("agr_jn_reviewer", "胡军", "320115", AgencyKind.AGR, Role.REVIEWER),
    ("lab_jn_clerk", "林晓", "320115", AgencyKind.QTS, Role.CLERK),
    ("psb_jn", "何勇", "320115", AgencyKind.PSB, Role.REVIEWER),
    ("gov_jn", "高洁", "320115", AgencyKind.GOV, Role.CLERK),
    ("fso_jn_viewer", "罗敏", "320115", AgencyKind.FSO, Role.VIEWER),
    ("fso_jn", "蒋文", "320115", AgencyKind.FSO, Role.REVIEWER),
    ("qts_sn_inspector", "梁涛", "320324", AgencyKind.QTS, Role.INSPECTOR),
    # Inspection and quarantine sit at city level: Nanjing's bureau covers Jiangning.
    ("ciq_nj_inspector", "钱海燕", "320100", AgencyKind.CIQ, Role.INSPECTOR),
    ("ciq_nj_reviewer", "孔德明", "320100", AgencyKind.CIQ, Role.REVIEWER),
]

# A minimal, valid one-page PDF standing in for a scanned letter.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def ensure_agency(kind: str, code: str) -> Agency:
    agency = Agency.objects.filter(kind=kind, jurisdiction_id=code).first()
    if agency:
        return agency
    place = Jurisdiction.objects.get(code=code)
    zh, en = AGENCY_SUFFIX[kind]
    return audited_save(
        Agency(kind=kind, jurisdiction=place, name=f"{place.name}{zh}", name_en=f"{place.name_en} {en}"),
        actor=None,
        reason=REASON,
    )


def seed_agencies() -> int:
    before = Agency.objects.count()
    for kind in AgencyKind:
        ensure_agency(kind, "320000")
    for city in Jurisdiction.objects.filter(level="city"):
        for kind in AgencyKind:
            ensure_agency(kind, city.code)
    for code in DEMO_COUNTIES:
        for kind in COUNTY_KINDS:
            ensure_agency(kind, code)
    return Agency.objects.count() - before


def seed_users() -> list[tuple[str, str, str]]:
    accounts = []
    for username, name, code, kind, role in DEMO_USERS:
        agency = ensure_agency(kind, code)
        if not User.objects.filter(username=username).exists():
            user = User(
                username=username,
                full_name=name,
                agency=agency,
                role=role,
                email=f"{username}@demo.dairy-campaign.local",
            )
            user.set_password(DEMO_PASSWORD)
            audited_save(user, actor=None, reason=REASON)
        accounts.append((username, str(agency), Role(role).label))
    if not User.objects.filter(username="backoffice").exists():
        User.objects.create_superuser(
            "backoffice", "backoffice@demo.dairy-campaign.local", DEMO_PASSWORD, full_name="平台运维"
        )
    return accounts


def seed_letters(campaign: Campaign):
    """The province signed with most cities, Nanjing with most of its counties (P2)."""
    signed_cities = ["320100", "320200", "320300", "320400", "320500", "320600", "320900", "321000", "321100"]
    signed_counties = ["320102", "320104", "320105", "320106", "320111", "320115"]
    recorder = User.objects.get(username="fso_js")
    pairs = [("320000", c) for c in signed_cities] + [("320100", c) for c in signed_counties]
    for issuer, code in pairs:
        if ResponsibilityLetter.objects.filter(campaign=campaign, jurisdiction_id=code).exists():
            continue
        letter = ResponsibilityLetter(
            campaign=campaign,
            issuer_id=issuer,
            jurisdiction_id=code,
            signed_on=campaign.starts_on + datetime.timedelta(days=10 + len(code) % 7),
            issuer_signatory="分管副省长" if issuer == "320000" else "分管副市长",
            signatory="市长" if issuer == "320000" else "区长",
            recorded_by=recorder,
            document_sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
        )
        letter.document.save(f"letter-{code}.pdf", ContentFile(DEMO_PDF), save=False)
        audited_save(letter, actor=recorder, reason=REASON)


@transaction.atomic
def seed(stdout=None) -> dict:
    year = local_today().year
    campaign = Campaign.objects.filter(year=year).first() or campaign_create(year=year)
    new_agencies = seed_agencies()
    accounts = seed_users()
    seed_letters(campaign)
    if new_agencies:
        recipients = User.objects.filter(username__in=[u[0] for u in DEMO_USERS])
        notify(
            recipients=recipients,
            title=f"{campaign.name}已启动",
            body="请按方案要求，于12月30日前报送书面总结材料。",
            url="/campaign/",
            email=False,
        )
    return {"campaign": campaign, "accounts": accounts, "password": DEMO_PASSWORD}
