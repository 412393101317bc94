"""Summary reports for `generate_province`: made through the real services, as the counties'
food-safety offices would. Some counties have submitted and been accepted by their city, some
have submitted and wait, some have a draft, the rest have not started (the deadline is 12-30,
so nobody is late yet while the campaign runs)."""

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.models import User
from dairy_campaign.synthetic import World

from .services.summaries import (
    summary_accept,
    summary_generate,
    summary_generate_run,
    summary_start,
    summary_submit,
    summary_text_set,
)

SUBMITTED = 30  # county reports submitted at full scale (of 95); a third of them accepted
DRAFTS = 30
TEXT = "本县（区）乳制品专项整治工作总结：按方案完成摸底排查、许可复查、抽样检验和案件查处，详见统计表。"


def generate(world: World) -> None:
    counties = world.rng.sample(world.counties, min(len(world.counties), world.n(SUBMITTED) + world.n(DRAFTS)))
    submitting = counties[: world.n(SUBMITTED)]
    for number, county in enumerate(counties):
        writer = User.objects.get(pk=world.one_of(county, AgencyKind.FSO, Role.REVIEWER))
        report = summary_start(actor=writer)
        report = summary_text_set(actor=writer, report=report, text=TEXT)
        if county not in submitting:
            continue
        summary_generate(actor=writer, report=report)
        report = summary_generate_run(report_id=report.pk)
        report = summary_submit(actor=writer, report=report)
        if number % 3 == 0:
            reviewer = User.objects.get(pk=world.one_of(world.city_of(county), AgencyKind.FSO, Role.REVIEWER))
            summary_accept(actor=reviewer, report=report, note="同意")
    world.made["reports.SummaryReport"] = len(counties)
