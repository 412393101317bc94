"""Dashboards (P4): the figures of a jurisdiction rolled up from the records below it, the
children to drill down into (province → city → county), charts, and the campaign's phase
with the countdown to the written summary (P1, 12-30).

A user sees its own jurisdiction and everything below it, nothing else: a city never sees
its neighbour, and a county user sees its own county only (its city's page is a 404, as
the city's figures include the other counties). The page costs a fixed number of queries
whatever the number of records (statistics.figures_by_jurisdiction)."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cases.models import CaseStatus
from dairy_campaign.choices import Level
from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import user_scope_prefix
from dairy_campaign.services.campaigns import campaign_current, local_today
from licensing.models import OperatorKind
from sampling.models import Category

from ..statistics import FIGURES, Q_RULES, SECTIONS, Rollup, percent, rollup

# The columns of the children table: what a provincial office looks at first.
HEADLINES = (
    "operators_total",
    "coverage_due",
    "coverage_inspected",
    "reviews_pending",
    "samples_taken",
    "results_non_conforming",
    "cases_filed",
    "fines_yuan",
    "complaints_total",
    "dens_banned",
)
GREEN, GREY, BLUE, RED, AMBER = "#198754", "#adb5bd", "#0d6efd", "#dc3545", "#ffc107"


def _places(user):
    return Jurisdiction.objects.visible_to(user).select_related("parent__parent")


def _own_place(user) -> Jurisdiction:
    """The user's jurisdiction; the province for a superuser outside any department."""
    if user.agency_id is not None:
        return get_object_or_404(_places(user), code=user.agency.jurisdiction_id)
    if user.is_superuser:
        return get_object_or_404(_places(user), level=Level.PROVINCE)
    raise Http404(_("Your account belongs to no department."))


@login_required
def dashboard(request):
    return _render(request, _own_place(request.user))


@login_required
def dashboard_place(request, code: str):
    return _render(request, get_object_or_404(_places(request.user), code=code))


def _render(request, place: Jurisdiction):
    today = local_today()
    campaign = campaign_current(today)
    ctx = {"place": place, "breadcrumbs": _breadcrumbs(request.user, place), "campaign": campaign, "today": today}
    if campaign is not None:
        phases = list(campaign.phases.all())
        days_left = campaign.days_to_deadline(today)
        data = rollup(place, campaign, today=today, cached=True)
        ctx.update(
            phases=phases,
            current_phases=[phase for phase in phases if phase.includes(today)],
            days_left=days_left,
            days_overdue=max(0, -days_left),
            sections=_sections(data),
            children=_children(data),
            headlines=[FIGURES[key] for key in HEADLINES],
            own_headlines=[data.own[key] for key in HEADLINES],
            has_own=any(data.own.values()),
            total_headlines=[data.total[key] for key in HEADLINES],
            total_coverage=percent(data.total["coverage_inspected"], data.total["coverage_due"]),
            charts=_charts(data),
        )
    return render(request, "reports/dashboard.html", ctx)


def _breadcrumbs(user, place: Jurisdiction) -> list[tuple[Jurisdiction, str]]:
    """The chain from the province down to `place`, each linked when the user may open it."""
    prefix = "" if user.is_superuser else (user_scope_prefix(user) or "-")
    return [
        (node, reverse("dashboard_place", args=[node.code]) if node.code.startswith(prefix) else "")
        for node in [*place.ancestors(), place]
    ]


def _shown(value) -> str:
    """A figure as the template shows it (no thousands separator: integers as they are,
    amounts with the language's decimal mark), formatted once here rather than cell by cell
    in the template, where thousands of cells cost the province's page most of its time."""
    return formats.localize(value) if isinstance(value, Decimal) else str(value)


def _cells(values) -> str:
    """A row's cells, escaped here (format_html_join costs twice as much per cell)."""
    return mark_safe("".join(f'<td class="text-end">{escape(_shown(value))}</td>' for value in values))  # noqa: S308


def _sections(data: Rollup) -> list[dict]:
    """Per section: each figure's total and own value, and the cells of the children's values."""
    return [
        {
            "section": section,
            "rows": [
                {
                    "figure": figure,
                    "total": _shown(data.total[figure.key]),
                    "own": _shown(data.own[figure.key]),
                    "children_cells": _cells(figures[figure.key] for _child, figures in data.children),
                }
                for figure in section.figures
            ],
        }
        for section in SECTIONS
    ]


def _children(data: Rollup) -> list[dict]:
    return [
        {
            "place": child,
            "url": reverse("dashboard_place", args=[child.code]),
            "values": [figures[key] for key in HEADLINES],
            "coverage": percent(figures["coverage_inspected"], figures["coverage_due"]),
        }
        for child, figures in data.children
    ]


def _dataset(label, data, color=None) -> dict:
    return {"label": str(label), "data": data, **({"color": color} if color else {})}


def _charts(data: Rollup) -> list[dict]:
    """What static/js/dashboard.js draws with Chart.js; counts only (no money, no floats)."""
    places = data.children or [(data.jurisdiction, data.total)]
    total = data.total
    return [
        {
            "id": "coverage",
            "title": _("Inspection coverage"),
            "type": "bar",
            "stacked": True,
            "labels": [place.display_name for place, _figures in places],
            "datasets": [
                _dataset(FIGURES["coverage_inspected"].label, [f["coverage_inspected"] for _p, f in places], GREEN),
                _dataset(FIGURES["coverage_missing"].label, [f["coverage_missing"] for _p, f in places], GREY),
            ],
        },
        {
            "id": "results",
            "title": _("Lab results by product category"),
            "type": "bar",
            "labels": [str(category.label) for category in Category],
            "datasets": [
                _dataset(FIGURES["results_total"].label, [total[f"results_{c}"] for c in Category.values], BLUE),
                _dataset(
                    FIGURES["results_non_conforming"].label,
                    [total[f"non_conforming_{c}"] for c in Category.values],
                    RED,
                ),
            ],
        },
        {
            "id": "cases",
            "title": _("Cases opened in the campaign, by current status"),
            "type": "doughnut",
            "labels": [str(status.label) for status in CaseStatus],
            "datasets": [_dataset(_("Cases"), [total[f"cases_status_{s}"] for s in CaseStatus.values])],
        },
        {
            "id": "compliance",
            "title": _("Sampling rules Q1–Q5: what is due and what is still missing"),
            "type": "bar",
            "labels": list(Q_RULES),
            "datasets": [
                _dataset(_("Required"), [total[f"{rule.lower()}_required"] for rule in Q_RULES], BLUE),
                _dataset(_("Shortfall"), [total[f"{rule.lower()}_shortfall"] for rule in Q_RULES], AMBER),
            ],
        },
        {
            "id": "census",
            "title": _("Operators by kind"),
            "type": "bar",
            "horizontal": True,
            "labels": [str(kind.label) for kind in OperatorKind],
            "datasets": [_dataset(_("Operators"), [total[f"operators_{k}"] for k in OperatorKind.values], BLUE)],
        },
    ]
