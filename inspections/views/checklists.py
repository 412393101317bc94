import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.ownership import DECIDE_ROLES
from dairy_campaign.services.campaigns import local_today
from dairy_campaign.transitions import state_changes
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView
from licensing.models import Operator

from ..filters import InspectionFilter
from ..forms import PhotoForm, ReviewForm, SignForm, StartForm
from ..models import Inspection, InspectionPhoto, InspectionStatus
from ..services.filing import (
    SIGNATURE_MEANING,
    DraftConflict,
    inspection_save_draft,
    inspection_start,
    inspection_submit,
    photo_add,
    photo_remove,
    submission_problems,
)
from ..services.review import inspection_approve, inspection_return
from ..services.seal import verify_seal
from .checklist_support import answer_label, answers_from_post, checklist_layout, measures_with_cases


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilter
    template_name = "inspections/inspection_list.html"
    related = ("template", "operator", "jurisdiction", "inspector")
    export_name = "inspections"
    export_columns = [
        (gettext_lazy("inspected on"), lambda i: i.inspected_on),
        (gettext_lazy("checklist"), lambda i: f"{i.template.name} v{i.template.version}"),
        (gettext_lazy("operator"), lambda i: i.operator.name if i.operator else ""),
        (gettext_lazy("jurisdiction"), lambda i: i.jurisdiction.name),
        (gettext_lazy("inspector"), lambda i: i.signed_name or i.inspector.full_name),
        (gettext_lazy("status"), lambda i: i.get_status_display()),
        (gettext_lazy("outcome"), lambda i: i.get_outcome_display()),
        (gettext_lazy("review round"), lambda i: i.round),
        (gettext_lazy("remarks"), lambda i: i.remarks),
    ]


def _visible(request, pk, *related):
    return get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related(
            "template", "operator", "jurisdiction", "inspector", *related
        ),
        pk=pk,
    )


def _may_edit(user, inspection) -> bool:
    return inspection.editable and Inspection.objects.editable_by(user).filter(pk=inspection.pk).exists()


def _may_review(user, inspection) -> bool:
    return (
        inspection.status == InspectionStatus.SUBMITTED
        and (user.is_superuser or user.role in DECIDE_ROLES)
        and Inspection.objects.editable_by(user).filter(pk=inspection.pk).exists()
    )


@login_required
def inspection_new(request):
    """Start a checklist for an operator (from its page) or for a jurisdiction."""
    operator = None
    if request.GET.get("operator") or request.POST.get("operator"):
        operator = get_object_or_404(
            Operator.objects.visible_to(request.user), pk=request.GET.get("operator") or request.POST.get("operator")
        )
    form = StartForm(
        request.POST or None,
        actor=request.user,
        operator=operator,
        initial={"operator": operator.pk if operator else None, "inspected_on": local_today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = inspection_start(
                actor=request.user,
                template=data["template"],
                inspected_on=data["inspected_on"],
                operator=operator,
                jurisdiction=data.get("jurisdiction"),
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            return redirect("inspection_edit", inspection.pk)
    title = _("New checklist: %s") % operator.name if operator else _("New checklist")
    return render(request, "inspections/form.html", {"form": form, "title": title})


@login_required
def inspection_detail(request, pk):
    inspection = _visible(request, pk, "signed_by", "reviewed_by", "assignment")
    sections = checklist_layout(inspection)
    for section in sections:
        for view in section.items:
            view.label = answer_label(view.item, view.value)
    context = {
        "inspection": inspection,
        "sections": sections,
        "measures": measures_with_cases(inspection),
        "changes": state_changes(inspection),
        "seal": verify_seal(inspection),
        "may_edit": _may_edit(request.user, inspection),
        "may_review": _may_review(request.user, inspection),
        "review_form": ReviewForm(),
    }
    return render(request, "inspections/inspection_detail.html", context)


def _edit_context(request, inspection, **extra):
    sign_form = extra.pop("sign_form", None) or SignForm(initial={"revision": inspection.revision})
    return {
        "inspection": inspection,
        "sections": extra.pop("sections", None) or checklist_layout(inspection),
        "measures": measures_with_cases(inspection),
        "problems": submission_problems(inspection),
        "sign_form": sign_form,
        "meaning": SIGNATURE_MEANING,
        "signer_name": request.user.full_name or request.user.username,
        "autosave_url": reverse("inspection_autosave", args=[inspection.pk]),
        "photo_url": reverse("inspection_photo_add", args=[inspection.pk]),
        **extra,
    }


@login_required
def inspection_edit(request, pk):
    """The phone form. A post saves the whole form as a draft; the page's script also saves
    each answer as it is typed, and keeps unsaved answers in the browser while offline."""
    inspection = _visible(request, pk)
    if not _may_edit(request.user, inspection):
        return redirect("inspection_detail", inspection.pk)
    if request.method != "POST":
        return render(request, "inspections/inspection_edit.html", _edit_context(request, inspection))
    changes = answers_from_post(inspection, request.POST)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        inspection_save_draft(
            actor=request.user,
            inspection=inspection,
            revision=revision,
            answers=changes,
            remarks=request.POST.get("remarks", ""),
        )
    except DraftConflict as conflict:
        saved = conflict.inspection
        sections = checklist_layout(saved, answers=_as_answers(changes), saved=saved.answers)
        context = _edit_context(request, saved, sections=sections, conflict=conflict.messages[0])
        context["remarks"] = request.POST.get("remarks", "")
        return render(request, "inspections/inspection_edit.html", context, status=409)
    except ValidationError as error:
        context = _edit_context(
            request,
            inspection,
            sections=checklist_layout(inspection, answers=_as_answers(changes), errors=_item_errors(error)),
            error=_("Nothing was saved: correct the answers marked below."),
        )
        return render(request, "inspections/inspection_edit.html", context, status=400)
    messages.success(request, _("Draft saved."))
    return redirect("inspection_edit", inspection.pk)


def _as_answers(changes: dict) -> dict:
    return {code: {"value": a.get("value") or None, "note": a.get("note", "")} for code, a in changes.items()}


def _item_errors(error: ValidationError) -> dict:
    """`code: message` strings from the service, back into a dict by item code."""
    found = {}
    for message in getattr(error, "message_dict", {}).get("answers", []):
        code, _sep, text = message.partition(": ")
        found[code] = text
    return found


@login_required
@require_POST
def inspection_autosave(request, pk):
    """JSON twin of the draft save for the page's script: 409 with the saved answers on a
    conflict, so the browser keeps its own and shows both."""
    inspection = _visible(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        revision, answers = int(body["revision"]), body.get("answers") or {}
        if not isinstance(answers, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": _("The request is not a valid draft.")}, status=400)
    try:
        saved = inspection_save_draft(
            actor=request.user, inspection=inspection, revision=revision, answers=answers, remarks=body.get("remarks")
        )
    except DraftConflict as conflict:
        current = conflict.inspection
        return JsonResponse(
            {"detail": conflict.messages[0], "revision": current.revision, "answers": current.answers}, status=409
        )
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages), "errors": _item_errors(error)}, status=400)
    except PermissionDenied as error:
        return JsonResponse({"detail": str(error)}, status=403)
    return JsonResponse({"revision": saved.revision, "answers": saved.answers})


@login_required
@require_POST
def photo_upload(request, pk):
    inspection = _visible(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    wants_json = "application/json" in request.headers.get("Accept", "")
    error_text = ""
    if form.is_valid():
        try:
            photo_add(actor=request.user, inspection=inspection, **form.cleaned_data)
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if wants_json:
        return JsonResponse({"detail": error_text} if error_text else {"ok": True}, status=400 if error_text else 201)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("Photo attached."))
    return redirect(reverse("inspection_edit", args=[inspection.pk]) + f"#item-{form.data.get('item_code', '')}")


@login_required
def photo_file(request, pk):
    photo = get_object_or_404(
        InspectionPhoto.objects.filter(inspection__in=Inspection.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=photo.content_type)


@login_required
@require_POST
def photo_delete(request, pk):
    photo = get_object_or_404(
        InspectionPhoto.objects.filter(inspection__in=Inspection.objects.visible_to(request.user)), pk=pk
    )
    try:
        photo_remove(actor=request.user, photo=photo)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("inspection_edit", photo.inspection_id)


@login_required
@require_POST
def inspection_sign(request, pk):
    inspection = _visible(request, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            inspection_submit(
                actor=request.user,
                inspection=inspection,
                signed_name=form.cleaned_data["signed_name"],
                confirm=form.cleaned_data["confirm"],
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Checklist signed and submitted for review."))
            return redirect("inspection_detail", inspection.pk)
    inspection.refresh_from_db()
    context = _edit_context(request, inspection, sign_form=form, error=_("The checklist was not submitted."))
    return render(request, "inspections/inspection_edit.html", context, status=400)


REVIEW_ACTIONS = {"approve": inspection_approve, "return": inspection_return}


@login_required
@require_POST
def inspection_review(request, pk, action):
    if action not in REVIEW_ACTIONS:
        raise Http404
    inspection = _visible(request, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        REVIEW_ACTIONS[action](actor=request.user, inspection=inspection, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("inspection_detail", inspection.pk)
    if action == "approve":
        messages.success(request, _("Checklist approved."))
    else:
        messages.success(request, _("Checklist returned to the inspector."))
    return redirect("inspection_detail", inspection.pk)
