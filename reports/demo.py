"""Demo summary reports for `seed_demo` (P1, P4): Jiangning's (320115) food safety office
report submitted on time with its text and signed scan, Jiangning's quality supervision
report generated and still a draft, and Nanjing's (320100) report generated as a draft.

Idempotent: each report is the department's one report on the campaign; a step already
taken is not taken again. The statistics are computed here, synchronously (the task
function called directly), so the pages show them before any worker runs.
"""

from django.core.files.base import ContentFile

from dairy_campaign.demo import DEMO_PDF
from dairy_campaign.models import User
from dairy_campaign.services.campaigns import campaign_current

from .models import GenerationState, SummaryReport, SummaryStatus
from .services.summaries import summary_start, summary_submit, summary_text_set
from .tasks import generate_summary

COUNTY_TEXT = """江宁区乳制品专项整治工作总结

一、基本情况。按照省、市整治方案要求，区食安办牵头，质监、工商、卫生、农业等部门分工负责，对辖区乳制品生产、收购、流通、餐饮各环节经营主体逐家摸底排查，建立了监管档案。

二、主要做法。一是严把准入关，对不符合条件的生鲜乳收购站依法关停；二是落实批批检验制度，督促生产企业对每批原料乳、原料乳粉进行三聚氰胺检测；三是加大抽检力度，生鲜乳、原料乳粉抽检比例不低于15%。

三、存在问题和下一步打算。部分小型经营户进货查验记录不全，将纳入日常监管，持续巩固整治成果。"""

NANJING_TEXT = "南京市乳制品专项整治工作总结（初稿）：各区工作进展汇总中，待区级总结全部报送后定稿。"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("agency__jurisdiction").first()


def _generated(report: SummaryReport, user: User) -> SummaryReport:
    if report.generation_state != GenerationState.DONE and report.editable:
        SummaryReport.objects.filter(pk=report.pk).update(
            generation_state=GenerationState.QUEUED, generation_requested_by=user, progress=0
        )
        generate_summary(report.pk)  # in this process, not through the broker
    report.refresh_from_db()
    return report


def _report(username: str, *, text: str = "", submit: bool = False) -> SummaryReport | None:
    user = _user(username)
    if user is None:
        return None
    report = _generated(summary_start(actor=user), user)
    if text and not report.text and report.editable:
        scan = ContentFile(DEMO_PDF, name="总结签章扫描件.pdf") if submit else None
        report = summary_text_set(actor=user, report=report, text=text, document=scan)
    if submit and report.status == SummaryStatus.DRAFT:
        summary_submit(actor=user, report=report, reason="演示数据 / demo data")
    return report


def seed(stdout=None) -> dict:
    if campaign_current() is None:
        return {}
    _report("fso_jn", text=COUNTY_TEXT, submit=True)
    _report("qts_jn_inspector")
    _report("fso_nj", text=NANJING_TEXT)
    return {}
