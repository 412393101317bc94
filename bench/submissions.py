"""Checklist submissions under load (issue #8): county inspectors signing and submitting
completed checklists through the API of a real gunicorn, from 32 clients at once. Two runs:
requests due at the target rate (50 a second in all: the latency people get at that load),
then the same clients sending back to back (the most the server does, and the latency when
it is saturated, which is the clients' number over the throughput, by Little's law).

One submission is `POST /api/v1/inspections/<id>/submit/` on a complete draft, with the
inspector's signature (registered name, confirmation, the revision they saw): the step that
seals the record, issues its measures and notifies the reviewers. Before the load, the
drafts are prepared through the same services the pages and the API call: a reviewer
assigns an operator of the county to one of the department's inspectors, the inspector
starts the checklist on the assignment and saves a complete set of answers. Every run makes
its own drafts (and first uses up complete drafts an interrupted run left), so it can be
repeated and leaves only valid records: submitted checklists awaiting review. Clients
authenticate as a mobile client does, with their DRF token (created here if missing).

Run alone: `DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.submissions`
"""

import itertools
import json
import math
import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef

# Models are imported in the functions that use them: `python -m bench.submissions` runs
# this module's top before it sets Django up.
from bench.loadgen import CpuWatch, LoadReport, Request, gunicorn, postgres_backends, process_tree, run_load
from bench.table import Figure, p

BENCH_NOTE = "load benchmark (bench/submissions.py)"
SUBMITTED = b'"status":"submitted"'
# Fewer new drafts than this are made in this process (and always in tests: SQLite in memory).
PARALLEL_FROM = 200


@dataclass(frozen=True)
class Settings:
    clients: int = 32
    target_rate: float = 50.0  # submissions due a second in the paced run
    warmup: float = 5.0
    duration: float = 20.0  # measured, in each of the two runs
    workers: int = 4
    threads: int = 1
    # Drafts for the run back to back: enough for this many submissions a second throughout.
    max_rate: int = 100
    # Processes that prepare the drafts.
    preparers: int = os.cpu_count() or 1

    @classmethod
    def from_env(cls) -> "Settings":
        """BENCH_SUBMIT_<FIELD> overrides a default, e.g. BENCH_SUBMIT_WORKERS=3."""
        values = {}
        for name, default in cls.__dataclass_fields__.items():
            raw = os.environ.get(f"BENCH_SUBMIT_{name.upper()}")
            if raw is not None:
                values[name] = type(default.default)(raw)
        return cls(**values)

    @property
    def drafts_needed(self) -> int:
        return math.ceil((self.target_rate + self.max_rate) * (self.warmup + self.duration))


@dataclass(frozen=True)
class Draft:
    """A complete draft ready to be signed, with what its inspector's client sends."""

    inspection_id: int
    revision: int
    token: str
    signed_name: str


# ---------------------------------------------------------------------------------------
# Preparing the drafts


@dataclass(frozen=True)
class Team:
    """A county department that files operator checklists: its inspectors and a reviewer
    who assigns them work."""

    county_id: str
    inspectors: list
    reviewer: object
    templates: list


def complete_answers(template) -> dict:
    """An answer to every item that takes a typed answer: all in order, nothing to report."""
    from inspections.models import AnswerType, YesNo

    typed = {
        AnswerType.YES_NO: lambda item: YesNo.YES,
        AnswerType.NUMBER: lambda item: "1",
        AnswerType.TEXT: lambda item: "符合要求",
        AnswerType.CHOICE: lambda item: item.choices[0],
    }
    return {
        item.code: {"value": typed[item.answer_type](item)}
        for item in template.items_in_order()
        if item.answer_type in typed
    }


def field_teams() -> list[Team]:
    """County departments with published operator checklists, active inspectors and a reviewer."""
    from dairy_campaign.choices import Level, Role
    from dairy_campaign.models import User
    from inspections.models import ChecklistTemplate, Subject

    templates: dict[str, list] = {}
    for template in ChecklistTemplate.objects.published().filter(subject=Subject.OPERATOR).order_by("code"):
        templates.setdefault(template.owner_kind, []).append(template)
    members = (
        User.objects.filter(
            is_active=True,
            role__in=[Role.INSPECTOR, Role.REVIEWER],
            agency__jurisdiction__level=Level.COUNTY,
            agency__kind__in=list(templates),
        )
        .select_related("agency")
        .order_by("agency_id", "username")
    )
    teams = []
    for _agency, people in itertools.groupby(members, key=lambda user: user.agency_id):
        people = list(people)
        inspectors = [u for u in people if u.role == Role.INSPECTOR]
        reviewers = [u for u in people if u.role == Role.REVIEWER]
        if inspectors and reviewers:
            agency = people[0].agency
            teams.append(Team(agency.jurisdiction_id, inspectors, reviewers[0], templates[agency.kind]))
    return teams


def _unassigned_operators(team: Team, template, limit: int) -> list:
    """Operators in business in the team's county that this checklist is for and that have
    no pending task with it (a second one would be refused by nobody, but is not real work)."""
    from inspections.models import Assignment, AssignmentStatus
    from inspections.selectors import IN_BUSINESS
    from licensing.models import Operator

    pending = Assignment.objects.filter(
        operator=OuterRef("pk"),
        template_code=template.code,
        status__in=[AssignmentStatus.OPEN, AssignmentStatus.IN_PROGRESS],
    )
    return list(
        Operator.objects.filter(county_id=team.county_id, kind__in=template.operator_kinds, status__in=IN_BUSINESS)
        .exclude(Exists(pending))
        .order_by("pk")[:limit]
    )


def _team_work(team: Team, quota: int) -> Iterator[tuple]:
    """(reviewer, inspector, template, operator) for up to `quota` drafts, the team's
    inspectors and checklists taken in turn."""
    per_template = math.ceil(quota / len(team.templates))
    lists = [
        [(template, operator) for operator in _unassigned_operators(team, template, per_template)]
        for template in team.templates
    ]
    inspectors = itertools.cycle(team.inspectors)
    for template, operator in itertools.islice(_round_robin(lists), quota):
        yield team.reviewer, next(inspectors), template, operator


def _round_robin(lists: list[list]) -> Iterator:
    for row in itertools.zip_longest(*lists):
        yield from (item for item in row if item is not None)


def plan_new_drafts(count: int, teams: list[Team]) -> list[tuple]:
    """Work for `count` new drafts spread over every team, teams taken in turn so that
    clients sending the drafts in order act for different inspectors at once."""
    if count <= 0 or not teams:
        return []
    # A little more than an even share: some teams run out of operators of a kind.
    quota = math.ceil(count / len(teams) * 1.5) + 1
    return list(itertools.islice(_round_robin([list(_team_work(team, quota)) for team in teams]), count))


class Tokens:
    """The inspectors' API tokens, as their mobile clients hold them (made once, kept)."""

    def __init__(self):
        self._keys: dict[int, str] = {}

    def __call__(self, user) -> str:
        from rest_framework.authtoken.models import Token

        if user.pk not in self._keys:
            self._keys[user.pk] = Token.objects.get_or_create(user=user)[0].key
        return self._keys[user.pk]


def _signed_name(user) -> str:
    return (user.full_name or user.username).strip()


def new_draft(reviewer, inspector, template, operator, answers: dict):
    """Assign, start and fill in one checklist through the services, in one transaction."""
    import datetime

    from dairy_campaign.services.campaigns import local_today
    from inspections.services.assignments import assignment_create
    from inspections.services.filing import inspection_save_draft, inspection_start

    with transaction.atomic():
        assignment = assignment_create(
            actor=reviewer,
            inspector=inspector,
            due_on=local_today() + datetime.timedelta(days=30),
            template_code=template.code,
            operator=operator,
            note=BENCH_NOTE,
        )
        inspection = inspection_start(actor=inspector, assignment=assignment)
        return inspection_save_draft(
            actor=inspector, inspection=inspection, revision=inspection.revision, answers=answers
        )


def leftover_drafts(limit: int) -> list:
    """Complete drafts an earlier run prepared and did not submit (it was interrupted, or
    ran out of time): they are used first, so repeated runs leave no drafts behind."""
    from inspections.models import Inspection, InspectionStatus
    from inspections.services.filing import submission_problems

    candidates = Inspection.objects.filter(status=InspectionStatus.DRAFT, assignment__note=BENCH_NOTE)
    inspections = candidates.select_related("inspector", "template").order_by("pk")[:limit]
    return [inspection for inspection in inspections if not submission_problems(inspection)]


def _make_drafts(work: list[tuple[int, int, int, int]]) -> list[int]:
    """The ids of new drafts for (reviewer, inspector, template, operator) ids; run by each
    preparing process on its share of the work."""
    from dairy_campaign.models import User
    from inspections.models import ChecklistTemplate
    from licensing.models import Operator

    users = User.objects.select_related("agency").in_bulk({w[0] for w in work} | {w[1] for w in work})
    templates = ChecklistTemplate.objects.in_bulk({w[2] for w in work})
    operators = Operator.objects.in_bulk({w[3] for w in work})
    answers = {pk: complete_answers(template) for pk, template in templates.items()}
    return [
        new_draft(users[reviewer], users[inspector], templates[template], operators[operator], answers[template]).pk
        for reviewer, inspector, template, operator in work
    ]


def _make_drafts_in_parallel(work: list[tuple], processes: int) -> list[int]:
    """Drafts are made one at a time by the services, which takes minutes for thousands:
    forked processes share the work (each opens its own database connection)."""
    if processes <= 1 or len(work) < PARALLEL_FROM:
        return _make_drafts(work)
    connections.close_all()  # a forked child must not share the parent's connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        shares = pool.map(_make_drafts, [work[k::processes] for k in range(processes)])
    return list(_round_robin(shares))


def prepare_drafts(count: int, processes: int = 1) -> list[Draft]:
    """`count` complete drafts: the leftovers of earlier runs, then new ones."""
    from inspections.models import Inspection

    leftovers = leftover_drafts(count)
    plan = plan_new_drafts(count - len(leftovers), field_teams())
    work = [(reviewer.pk, inspector.pk, template.pk, operator.pk) for reviewer, inspector, template, operator in plan]
    ids = _make_drafts_in_parallel(work, processes)
    made = Inspection.objects.select_related("inspector").in_bulk(ids)
    token = Tokens()
    return [
        Draft(i.pk, i.revision, token(i.inspector), _signed_name(i.inspector))
        for i in [*leftovers, *(made[pk] for pk in ids)]
    ]


# ---------------------------------------------------------------------------------------
# The load


def submit_request(draft: Draft) -> Request:
    body = {"signed_name": draft.signed_name, "confirm": True, "revision": draft.revision}
    return Request(
        method="POST",
        path=f"/api/v1/inspections/{draft.inspection_id}/submit/",
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={
            "Authorization": f"Token {draft.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        expect=SUBMITTED,
    )


def _server_kind(settings: Settings) -> str:
    if settings.threads == 1:
        return f"{settings.workers} sync workers"
    return f"{settings.workers} gthread workers × {settings.threads} threads"


def _window(report: LoadReport) -> str:
    return f"{report.window:.1f} s" + (" (drafts ran out)" if report.ran_out else "")


def _latency(report: LoadReport, percentile: int) -> float:
    return p(report.measured, percentile) if report.measured else float("nan")


def figures(paced: LoadReport, saturated: LoadReport, settings: Settings, preparation: str = "") -> list[Figure]:
    """The target rate's latency (requests due at 50 /s in all from 32 clients: the p95
    target), and what the 32 clients get sending back to back (the throughput target: the
    most the server does); errors of both runs together."""
    name = "checklist submissions"
    rate = f"{settings.target_rate:g} /s"
    paced_p95, saturated_p95 = _latency(paced, 95), _latency(saturated, 95)
    failures = [*paced.failures, *saturated.failures]
    return [
        Figure(f"{name}, {settings.clients} clients at {rate}: served", f"{paced.per_second:.1f} /s", "", None),
        Figure(f"{name}, {settings.clients} clients at {rate}: latency p50", f"{_latency(paced, 50):.0f} ms", "", None),
        Figure(
            f"{name}, {settings.clients} clients at {rate}: latency p95",
            f"{paced_p95:.0f} ms",
            "≤ 300 ms",
            paced_p95 <= 300,
        ),
        Figure(
            f"{name}, {settings.clients} clients back to back: throughput",
            f"{saturated.per_second:.1f} /s",
            "≥ 50 /s",
            saturated.per_second >= 50,
        ),
        Figure(
            f"{name}, {settings.clients} clients back to back: latency p50",
            f"{_latency(saturated, 50):.0f} ms",
            "",
            None,
        ),
        # Saturated on purpose: with every client always waiting, latency is the clients'
        # number over the throughput (Little's law), so it measures capacity, not service.
        Figure(
            f"{name}, {settings.clients} clients back to back: latency p95 (= clients ÷ throughput)",
            f"{saturated_p95:.0f} ms",
            "",
            None,
        ),
        Figure(
            f"{name}: errors (non-2xx, conflicts, refused)",
            f"{len(failures)} of {paced.sent + saturated.sent}",
            "0",
            not failures,
        ),
        Figure(
            f"{name}: set-up",
            f"gunicorn {_server_kind(settings)}; loopback clients, each run {settings.warmup:g} s warm-up then "
            f"{_window(paced)} at {rate} and {_window(saturated)} back to back; {preparation or 'drafts given'}",
            "",
            None,
        ),
    ]


def measure() -> list[Figure]:
    settings = Settings.from_env()
    started = time.monotonic()
    drafts = prepare_drafts(settings.drafts_needed, processes=settings.preparers)
    if not drafts:
        raise RuntimeError("No county department with inspectors, a reviewer and operators to inspect.")
    preparation = f"{len(drafts)} drafts ready in {time.monotonic() - started:.0f} s"
    connections.close_all()  # idle during the load
    supply = (submit_request(draft) for draft in drafts)  # both runs draw on it in turn
    with gunicorn(workers=settings.workers, threads=settings.threads) as server:
        run = {"port": server.port, "requests": supply, "clients": settings.clients, "warmup": settings.warmup}
        paced = run_load(**run, duration=settings.duration, rate=settings.target_rate)
        meters = CpuMeters(server_pid=server.pid)
        saturated = run_load(**run, duration=settings.duration)
        cpu = meters.per_request(saturated.sent)
    for failure in [*paced.failures, *saturated.failures][:5]:
        print(f"submissions: failed request ({failure.status}): {failure.detail}")
    return [*figures(paced, saturated, settings, preparation), cpu_figure(cpu, settings)]


class CpuMeters:
    """CPU used from now on by gunicorn, its database's backends and this load generator.
    Wall times on a shared machine vary with what else runs; CPU per request much less."""

    def __init__(self, *, server_pid: int):
        database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else ""
        self.app = CpuWatch(lambda: process_tree(server_pid))
        # Read from /proc: only a PostgreSQL on this machine is measured (else it shows 0).
        self.database = CpuWatch(lambda: postgres_backends(database) if database else [])
        self.start = time.process_time()

    def per_request(self, requests: int) -> dict[str, float]:
        used = (self.app.stop(), self.database.stop(), time.process_time() - self.start)
        per = [seconds * 1000 / max(requests, 1) for seconds in used]
        return dict(zip(("gunicorn", "PostgreSQL", "load generator"), per, strict=True))


def cpu_figure(cpu: dict[str, float], settings: Settings) -> Figure:
    value = ", ".join(f"{who} {ms:.1f} ms" for who, ms in cpu.items())
    return Figure(
        f"checklist submissions, {settings.clients} clients back to back: CPU per submission", value, "", None
    )


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
    django.setup()
    from bench.table import markdown

    print(markdown(measure()), end="")
