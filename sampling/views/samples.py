"""Sample pages: list, take a sample from a lot or a plan line, detail with the chain of
custody and the result, printable label, custody hand-overs."""

import functools
from operator import itemgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView

from ..filters_samples import SampleFilter
from ..forms_samples import CorrectionForm, CustodyForm, SampleForm, plain
from ..models import LabResult, Lot, PlanLine, Sample, SampleStatus, Verdict
from ..services.consequences import may_take_up
from ..services.results import may_enter_result, may_review_result
from ..services.samples import (
    custody_advance,
    may_take_samples,
    may_write_sample,
    next_manual_step,
    require_sample_writer,
    sample_take,
)
from ..services.seal import verify_seal

VERDICTS = dict(Verdict.choices)
CUSTODY = dict(SampleStatus.choices)


def label_text(choices: dict):
    """A choice's label as text for an export row, translated once per language and value:
    over 100k rows a lazy translation for each cell cost more than writing the cell."""

    @functools.cache
    def text(value, language: str) -> str:
        return str(choices.get(value, ""))

    return lambda value: text(value, translation.get_language())


custody_text, verdict_text = label_text(CUSTODY), label_text(VERDICTS)
EXPORT_VALUES = (
    *("code", "sampled_at", "samplers", "seal_number", "status"),
    *("lot__product", "lot__batch_number", "lot__operator__name", "county__name", "agency__name"),
    *("result__mg_per_kg", "result__limit", "result__verdict", "result__tested_on", "result__reviewed_at"),
)


def _result(sample) -> LabResult | None:
    return getattr(sample, "result", None)


def shown(result: LabResult | None) -> LabResult | None:
    """The result with its Decimals as people write them (3.2, not 3.2000) for the pages."""
    if result is not None:
        result.mg_shown = plain(result.mg_per_kg)
        result.limit_shown = plain(result.limit)
        result.value_shown = plain(result.entered_value)
        result.detection_shown = plain(result.detection_limit)
    return result


class SampleListView(ScopedListView):
    model = Sample
    filterset_class = SampleFilter
    template_name = "sampling/sample_list.html"
    related = ("lot__operator", "county", "agency", "result")
    export_name = "samples"
    # Exports run to 100k rows: each row is read as plain values (`export_queryset`), not as
    # six model objects.
    export_columns = [
        (gettext_lazy("sample code"), itemgetter("code")),
        (gettext_lazy("product"), itemgetter("lot__product")),
        (gettext_lazy("batch number"), itemgetter("lot__batch_number")),
        (gettext_lazy("held by"), itemgetter("lot__operator__name")),
        (gettext_lazy("county"), itemgetter("county__name")),
        (gettext_lazy("department"), itemgetter("agency__name")),
        (gettext_lazy("sampled at"), itemgetter("sampled_at")),
        (gettext_lazy("samplers"), itemgetter("samplers")),
        (gettext_lazy("seal number"), itemgetter("seal_number")),
        (gettext_lazy("custody"), lambda row: custody_text(row["status"])),
        (gettext_lazy("melamine (mg/kg)"), lambda row: plain(row["result__mg_per_kg"])),
        (gettext_lazy("limit (mg/kg)"), lambda row: plain(row["result__limit"])),
        (gettext_lazy("verdict"), lambda row: verdict_text(row["result__verdict"])),
        (gettext_lazy("tested on"), itemgetter("result__tested_on")),
        (gettext_lazy("reviewed at"), itemgetter("result__reviewed_at")),
    ]

    def export_queryset(self):
        return super().export_queryset().values(*EXPORT_VALUES)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(may_take=may_take_samples(self.request.user), **kwargs)
        for sample in context["object_list"]:
            shown(_result(sample))
        return context


def lot_url(lot) -> str:
    """The lot's own page, where the lots pages are installed."""
    try:
        return reverse("lot_detail", args=[lot.pk])
    except NoReverseMatch:
        return ""


def _id(request, name):
    value = request.GET.get(name) or ""
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
def sample_new(request):
    """Take a sample of a lot (?lot=<id>), or of a plan line's selected batch
    (?line=<id>&lot=<id>)."""
    if not may_take_samples(request.user):
        raise PermissionDenied(_("Only writing members of a department take samples."))
    if "lot" not in request.GET:
        return render(request, "sampling/sample_form.html", {"lot": None})
    lot = get_object_or_404(Lot.objects.visible_to(request.user).select_related("operator"), pk=_id(request, "lot"))
    line = None
    if "line" in request.GET:
        line = get_object_or_404(
            PlanLine.objects.visible_to(request.user).select_related("plan"), pk=_id(request, "line")
        )
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = sample_take(actor=request.user, lot=lot, plan_line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sample %(code)s recorded: print its label.") % {"code": sample.code})
            return redirect("sample_detail", sample.pk)
    return render(
        request, "sampling/sample_form.html", {"form": form, "lot": lot, "line": line, "lot_url": lot_url(lot)}
    )


def visible_sample(request, pk) -> Sample:
    return get_object_or_404(
        Sample.objects.visible_to(request.user).select_related(
            "lot__operator__county", "lot__supplier", "agency", "plan_line__plan", "recorded_by"
        ),
        pk=pk,
    )


def detail_context(request, sample, **overrides) -> dict:
    user = request.user
    result = shown(LabResult.objects.filter(sample=sample).select_related("entered_by", "reviewed_by").first())
    writable = may_write_sample(user, sample)
    step = next_manual_step(sample) if writable else None
    context = {
        "sample": sample,
        "lot": sample.lot,
        "lot_url": lot_url(sample.lot),
        "events": sample.custody.select_related("by"),
        "result": result,
        "seal": verify_seal(result) if result is not None else None,
        "referrals": [],
        "next_step": step,
        "next_step_label": sample.get_status_display() if step is None else _step_label(step),
        "custody_form": CustodyForm(prefix="custody") if step else None,
        "may_enter": may_enter_result(user, sample),
        "may_review": result is not None and may_review_result(user, result),
        "correction_form": None,
    }
    if result is not None:
        context["referrals"] = [
            {"referral": r, "may_take_up": may_take_up(user, r)} for r in result.referrals.select_related("to_agency")
        ]
        if writable:
            context["correction_form"] = CorrectionForm.for_result(result, prefix="correct")
    context.update(overrides)
    return context


def _step_label(step) -> str:
    return SampleStatus(step).label if step in SampleStatus.values else step


@login_required
def sample_detail(request, pk):
    sample = visible_sample(request, pk)
    return render(request, "sampling/sample_detail.html", detail_context(request, sample))


@login_required
@require_POST
def sample_custody(request, pk):
    """Record the next hand-over (sent to the lab, received by the lab)."""
    sample = visible_sample(request, pk)
    require_sample_writer(request.user, sample)
    form = CustodyForm(request.POST, prefix="custody")
    step = request.POST.get("step", "")
    if form.is_valid():
        try:
            custody_advance(actor=request.user, sample=sample, step=step, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Custody recorded: %(step)s.") % {"step": _step_label(step)})
            return redirect("sample_detail", sample.pk)
    sample.refresh_from_db()
    return render(
        request, "sampling/sample_detail.html", detail_context(request, sample, custody_form=form), status=400
    )


# --- the label -------------------------------------------------------------------------

# Code 39: each character is five bars and four spaces, three of them wide. The bars follow
# one of ten patterns; the position of the wide space gives the group of the character.
_CODE39_BARS = ["10001", "01001", "11000", "00101", "10100", "01100", "00011", "10010", "01010", "00110"]
_CODE39_GROUPS = [("1234567890", "0100"), ("ABCDEFGHIJ", "0010"), ("KLMNOPQRST", "0001"), ("UVWXYZ-. *", "1000")]
CODE39 = {
    char: (bars, spaces) for chars, spaces in _CODE39_GROUPS for char, bars in zip(chars, _CODE39_BARS, strict=True)
}
NARROW, WIDE = 2, 5


def code39_bars(text: str) -> tuple[list[tuple[int, int]], int]:
    """The bars (x, width) of `text` in Code 39 between start and stop characters, and the
    total width; ([], 0) if `text` has a character Code 39 cannot carry."""
    text = text.upper()
    if any(c not in CODE39 or c == "*" for c in text):
        return [], 0
    bars, x = [], 0
    for char in f"*{text}*":
        pattern, spaces = CODE39[char]
        for i in range(9):
            wide = (pattern[i // 2] if i % 2 == 0 else spaces[i // 2]) == "1"
            width = WIDE if wide else NARROW
            if i % 2 == 0:
                bars.append((x, width))
            x += width
        x += NARROW  # the gap between characters
    return bars, x - NARROW


@login_required
def sample_label(request, pk):
    """The printable label stuck on the sealed sample."""
    sample = visible_sample(request, pk)
    bars, width = code39_bars(sample.code)
    return render(request, "sampling/sample_label.html", {"sample": sample, "bars": bars, "bars_width": width})
