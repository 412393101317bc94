"""Q6 dashboards: each sampling rule's live compliance per county and per unit, with the
shortfall, and the purchased batches without the producer's own test (S1)."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dairy_campaign.exports import xlsx_response
from dairy_campaign.forms import bootstrapify
from licensing.models import Operator

from ..models import Rule
from ..selectors import (
    RULE_KINDS,
    RULES,
    UNITS,
    compliance_by_county,
    compliance_period,
    compliance_units,
    county_totals,
    kind_label,
    q4_missed_weeks,
    q5_minimums,
    s1_untested_lots,
    unit_county_name,
)

PER_PAGE = 50
DATE = {"type": "date"}
S1_LABEL = gettext_lazy("S1 · purchased raw milk and milk powder batches without the producer's own test")
RULE_LABELS = {**dict(Rule.choices), "S1": S1_LABEL}


class ComplianceFilterForm(forms.Form):
    """The period (`from`, `until`), a jurisdiction code prefix, and for the lists a kind of
    unit and "short only"."""

    def __init__(self, *args, rule: str = "", with_short: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            required=False, label=pgettext("period", "from"), widget=forms.DateInput(attrs=DATE)
        )
        self.fields["until"] = forms.DateField(
            required=False, label=pgettext("period", "until"), widget=forms.DateInput(attrs=DATE)
        )
        self.fields["county"] = forms.RegexField(
            regex=r"^\d{0,6}$", required=False, max_length=6, label=_("jurisdiction code")
        )
        if len(RULE_KINDS.get(rule, ())) > 1:
            choices = [("", "---------")] + [(k, kind_label(k)) for k in RULE_KINDS[rule]]
            self.fields["kind"] = forms.ChoiceField(choices=choices, required=False, label=_("kind"))
        if with_short:
            self.fields["short"] = forms.BooleanField(required=False, label=_("short only"))
        bootstrapify(self)

    def value(self, name, default=None):
        """A valid value, or the default: a bad filter narrows nothing, its error is shown."""
        if not self.is_bound or name in self.errors:
            return default
        return self.cleaned_data.get(name) or default


def _filters(request, **kwargs) -> tuple[ComplianceFilterForm, object, str]:
    form = ComplianceFilterForm(request.GET, **kwargs)
    form.is_valid()
    period = compliance_period(start=form.value("from"), end=form.value("until"))
    return form, period, form.value("county", "")


def _query(period, **params) -> str:
    params = {"from": period.start.isoformat(), "until": period.end.isoformat(), **params}
    return urlencode({k: v for k, v in params.items() if v})


# ---------------------------------------------------------------------------------------
# Overview: one card per rule, a row per county


COUNTY_COLUMNS = {
    "Q1": [
        (gettext_lazy("producers"), "units"),
        (gettext_lazy("batches purchased"), "base"),
        (gettext_lazy("batches sampled"), "done"),
        ("%", "percent"),
        (gettext_lazy("minimum (15%)"), "required"),
        (gettext_lazy("shortfall"), "shortfall"),
        (gettext_lazy("producers short"), "short_units"),
    ],
    "Q2": [
        (gettext_lazy("units"), "units"),
        (gettext_lazy("sampled"), "done"),
        ("%", "percent"),
        (gettext_lazy("not sampled"), "shortfall"),
    ],
    "Q3": [
        (gettext_lazy("scale farms"), "units"),
        (gettext_lazy("farms sampled"), "done"),
        ("%", "percent"),
        (gettext_lazy("minimum (15%)"), "required"),
        (gettext_lazy("shortfall"), "shortfall"),
    ],
    "Q4": [
        (gettext_lazy("producers"), "units"),
        (gettext_lazy("weeks due"), "base"),
        (gettext_lazy("weeks sampled"), "done"),
        ("%", "percent"),
        (gettext_lazy("weeks missed"), "shortfall"),
        (gettext_lazy("producers with missed weeks"), "short_units"),
    ],
    "Q5": [
        (gettext_lazy("outlets"), "units"),
        (gettext_lazy("samples required"), "required"),
        (gettext_lazy("samples taken towards it"), "done"),
        ("%", "percent"),
        (gettext_lazy("shortfall"), "shortfall"),
        (gettext_lazy("outlets short"), "short_units"),
    ],
    "S1": [
        (gettext_lazy("producers"), "units"),
        (gettext_lazy("batches purchased"), "base"),
        (gettext_lazy("tested by the producer"), "done"),
        ("%", "percent"),
        (gettext_lazy("without own test"), "shortfall"),
        (gettext_lazy("producers concerned"), "short_units"),
    ],
}


def _rule_link(rule: str, period, **params) -> str:
    if rule == "S1":
        return f"{reverse('compliance_s1')}?{_query(period, **params)}"
    return f"{reverse('compliance_rule', args=[rule.lower()])}?{_query(period, **params)}"


def _card(rule: str, rows, period, county: str) -> dict:
    columns = COUNTY_COLUMNS[rule]
    by_kind = rule in ("Q2", "Q5")
    body = []
    for row in rows:
        params = {"county": row.county_code, "kind": row.kind if by_kind else ""}
        if rule != "S1":
            params["short"] = "on"
        body.append(
            {
                "county": row.county_name,
                "kind": row.kind_label,
                "cells": [getattr(row, attr) for _, attr in columns],
                "shortfall": row.shortfall,
                "link": _rule_link(rule, period, **params) if row.shortfall else "",
            }
        )
    total = county_totals(rows, rule)
    return {
        "rule": rule,
        "label": RULE_LABELS[rule],
        "by_kind": by_kind,
        "headers": [h for h, _ in columns],
        "rows": body,
        "totals": [getattr(total, attr) for _, attr in columns],
        "shortfall": total.shortfall,
        "link": _rule_link(rule, period, county=county),
    }


@login_required
def compliance(request):
    """Q6: every rule's compliance per county over the period, with the shortfall."""
    form, period, county = _filters(request)
    tables = compliance_by_county(request.user, period, county_prefix=county)
    return render(
        request,
        "sampling/compliance.html",
        {
            "form": form,
            "period": period,
            "county": county,
            "cards": [_card(rule, tables[rule], period, county) for rule in RULES],
            "q5_minimums": [(kind_label(k), m) for k, m in q5_minimums(period).items()],
        },
    )


# ---------------------------------------------------------------------------------------
# One rule, per unit


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _mondays(row) -> str:
    return ", ".join(day.isoformat() for day in row.get("missed_weeks", []))


UNIT_COLUMNS = {
    "Q1": [
        (gettext_lazy("batches purchased"), lambda r: r["base"]),
        (gettext_lazy("batches sampled"), lambda r: r["done"]),
        (gettext_lazy("minimum (15%)"), lambda r: r["required"]),
        (gettext_lazy("shortfall"), lambda r: r["shortfall"]),
        (gettext_lazy("without own test (S1)"), lambda r: r["untested"]),
    ],
    "Q2": [(gettext_lazy("sampled"), lambda r: _yes_no(r["done"]))],
    "Q3": [(gettext_lazy("feed sampled"), lambda r: _yes_no(r["done"]))],
    "Q4": [
        (gettext_lazy("weeks due"), lambda r: r["base"]),
        (gettext_lazy("weeks sampled"), lambda r: r["done"]),
        (gettext_lazy("weeks missed"), lambda r: r["shortfall"]),
        (gettext_lazy("missed weeks (Mondays)"), _mondays),
    ],
    "Q5": [
        (gettext_lazy("samples of infant formula"), lambda r: r["samples"]),
        (gettext_lazy("minimum"), lambda r: r["required"]),
        (gettext_lazy("shortfall"), lambda r: r["shortfall"]),
    ],
}
UNIT_HEAD = [
    (gettext_lazy("county"), unit_county_name),
    (gettext_lazy("kind"), lambda r: kind_label(r["unit_kind"])),
    (gettext_lazy("name"), lambda r: r["name"]),
]


def _export(rule: str, rows, period):
    columns = UNIT_HEAD + UNIT_COLUMNS[rule]
    if rule == "Q4":
        rows = q4_missed_weeks(rows, period)
    elif hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=2000)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        f"compliance-{rule.lower()}-{stamp}.xlsx",
        f"{rule} {period.start}–{period.end}",
        [str(h) for h, _ in columns],
        ([fn(row) for _, fn in columns] for row in rows),
    )


@login_required
def compliance_rule(request, rule: str):
    """Q6: one rule's compliance per operator (or vehicle), short ones first when asked,
    paginated and exportable."""
    rule = rule.upper()
    if rule not in UNITS:
        raise Http404
    form, period, county = _filters(request, rule=rule, with_short=True)
    kind = form.value("kind", "")
    rows = compliance_units(
        request.user,
        period,
        rule,
        county_prefix=county,
        kinds=[kind] if kind else None,
        short_only=bool(form.value("short", False)),
    )
    if request.GET.get("export") == "xlsx":
        return _export(rule, rows, period)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page_rows = list(page.object_list)
    if rule == "Q4":
        page_rows = q4_missed_weeks(page_rows, period)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "sampling/compliance_rule.html",
        {
            "rule": rule,
            "label": RULE_LABELS[rule],
            "form": form,
            "period": period,
            "headers": [h for h, _ in UNIT_COLUMNS[rule]],
            "rows": [
                {
                    **row,
                    "county_name": unit_county_name(row),
                    "kind_label": kind_label(row["unit_kind"]),
                    "cells": [fn(row) for _, fn in UNIT_COLUMNS[rule]],
                    "untested_link": _rule_link("S1", period, operator=row["id"]) if row.get("untested") else "",
                }
                for row in page_rows
            ],
            "page_obj": page,
            "paginator": page.paginator,
            "querystring": query.urlencode(),
            "q5_minimums": [(kind_label(k), m) for k, m in q5_minimums(period).items()] if rule == "Q5" else [],
        },
    )


# ---------------------------------------------------------------------------------------
# S1: the untested batches


S1_COLUMNS = [
    (gettext_lazy("county"), lambda lot: lot.operator.county.display_name),
    (gettext_lazy("producer"), lambda lot: lot.operator.name),
    (gettext_lazy("kind"), lambda lot: lot.get_kind_display()),
    (gettext_lazy("batch number"), lambda lot: lot.batch_number),
    (gettext_lazy("product"), lambda lot: lot.product),
    (gettext_lazy("date"), lambda lot: lot.dated),
    (gettext_lazy("quantity"), lambda lot: f"{lot.quantity} {lot.unit}"),
    (gettext_lazy("supplier"), lambda lot: lot.supplier.name if lot.supplier else lot.supplier_name),
]


@login_required
def compliance_s1(request):
    """S1: the purchased batches of the period without the producer's own melamine test, of
    one producer when `operator` is given (another jurisdiction's producer is a 404)."""
    form, period, county = _filters(request)
    producer = None
    if request.GET.get("operator"):
        try:
            operator_id = int(request.GET["operator"])
        except ValueError:
            raise Http404 from None
        producer = get_object_or_404(Operator.objects.visible_to(request.user), pk=operator_id)
    lots = s1_untested_lots(request.user, period, county_prefix=county, operator=producer)
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            f"compliance-s1-{stamp}.xlsx",
            f"S1 {period.start}–{period.end}",
            [str(h) for h, _ in S1_COLUMNS],
            ([fn(lot) for _, fn in S1_COLUMNS] for lot in lots.iterator(chunk_size=2000)),
        )
    page = Paginator(lots, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "sampling/compliance_s1.html",
        {
            "label": S1_LABEL,
            "form": form,
            "period": period,
            "producer": producer,
            "page_obj": page,
            "paginator": page.paginator,
            "querystring": query.urlencode(),
        },
    )
