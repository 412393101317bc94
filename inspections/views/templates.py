"""Checklist templates in the browser: every member reads them, with every earlier version;
provincial editors take a draft of the next version, edit it on a phone or a desk, and
publish it with a note of what changed (services/templates.py decides all of it)."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dairy_campaign.choices import AgencyKind
from dairy_campaign.exports import xlsx_response
from dairy_campaign.filters import StyledFilterSet
from dairy_campaign.forms import StyledForm
from dairy_campaign.views.forms_support import add_service_errors
from dairy_campaign.views.lists import ScopedListView
from licensing.models import OperatorKind

from ..models import AnswerType, ChecklistTemplate, Subject, TemplateItem, TemplateSection, TemplateStatus
from ..services.templates import (
    may_edit_templates,
    require_template_editor,
    template_changes,
    template_current,
    template_discard,
    template_item_delete,
    template_item_move,
    template_item_save,
    template_previous,
    template_publish,
    template_revise,
    template_section_add,
    template_section_delete,
    template_section_update,
    template_update,
)

ALL_VERSIONS = "all"


def kinds_display(kinds) -> str:
    labels = dict(OperatorKind.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds or [])


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


# --- filters and forms ----------------------------------------------------------------


class TemplateFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("name or code"))
    owner_kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=gettext_lazy("department"))
    subject = django_filters.ChoiceFilter(choices=Subject.choices, label=gettext_lazy("subject"))
    rule = django_filters.CharFilter(field_name="rules", lookup_expr="icontains", label=gettext_lazy("rule"))
    status = django_filters.ChoiceFilter(
        choices=[(ALL_VERSIONS, gettext_lazy("All versions")), *TemplateStatus.choices],
        method="filter_status",
        empty_label=gettext_lazy("Versions in use"),
        label=gettext_lazy("versions"),
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "owner_kind", "subject", "rule", "status"]

    def __init__(self, data=None, *args, **kwargs):
        # Bound even without a query string, so the default (versions in use) applies.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL_VERSIONS else queryset.filter(status=value)

    def filter_queryset(self, queryset):
        # Without a status, the list is the checklists in use: one row per code.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.published()
        return super().filter_queryset(queryset)


class SectionForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("section title"), max_length=120)


class PublishForm(StyledForm):
    change_note = forms.CharField(
        label=gettext_lazy("what changed"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown in the version list, e.g. “Added the storage temperature question (S4).”"),
    )


class TemplateSettingsForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    rules = forms.CharField(
        label=gettext_lazy("rules"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Plan rules it checks, e.g. S2, S1."),
    )
    operator_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("operator kinds"),
        choices=OperatorKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, template: ChecklistTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        if template.subject != Subject.OPERATOR:
            del self.fields["operator_kinds"]


class ItemForm(StyledForm):
    section = forms.ModelChoiceField(label=gettext_lazy("section"), queryset=TemplateSection.objects.none())
    text = forms.CharField(label=gettext_lazy("question"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    code = forms.SlugField(
        label=gettext_lazy("item code"),
        max_length=40,
        help_text=gettext_lazy(
            "Latin letters, digits, _ and -. Keep the code when only the wording changes: answers are compared "
            "across versions by it."
        ),
    )
    answer_type = forms.ChoiceField(label=gettext_lazy("answer type"), choices=AnswerType.choices)
    choices = forms.CharField(
        label=gettext_lazy("choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Choice questions only: one choice per line."),
    )
    unit = forms.CharField(
        label=gettext_lazy("unit"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Number questions, e.g. 批, 吨, ℃."),
    )
    help_text = forms.CharField(
        label=gettext_lazy("guidance"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the inspector checks, and what to do when it fails."),
    )
    required = forms.BooleanField(label=gettext_lazy("an answer is required"), required=False, initial=True)
    note_on_no = forms.BooleanField(label=gettext_lazy("a note is required when the answer is “no”"), required=False)
    photo_on_no = forms.BooleanField(label=gettext_lazy("a photo is required when the answer is “no”"), required=False)
    rule = forms.CharField(
        label=gettext_lazy("rule"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("The plan's rule it checks, e.g. S4."),
    )

    def __init__(self, *args, draft: ChecklistTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = draft.sections.all()

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


def item_initial(item: TemplateItem) -> dict:
    initial = {name: getattr(item, name) for name in ItemForm.base_fields if name != "choices"}
    initial["section"] = item.section_id
    initial["choices"] = "\n".join(item.choices or [])
    return initial


# --- reading ------------------------------------------------------------------------------


class TemplateListView(ScopedListView):
    model = ChecklistTemplate
    filterset_class = TemplateFilter
    template_name = "inspections/template_list.html"
    related = ("published_by",)
    export_name = "checklist-templates"
    export_columns = [
        (gettext_lazy("checklist code"), lambda t: t.code),
        (gettext_lazy("version"), lambda t: t.version),
        (gettext_lazy("name"), lambda t: t.name),
        (gettext_lazy("department"), lambda t: t.get_owner_kind_display()),
        (gettext_lazy("subject"), lambda t: t.get_subject_display()),
        (gettext_lazy("operator kinds"), lambda t: kinds_display(t.operator_kinds)),
        (gettext_lazy("rules"), lambda t: t.rules),
        (gettext_lazy("status"), lambda t: t.get_status_display()),
        (gettext_lazy("questions"), lambda t: t.item_count),
        (gettext_lazy("published at"), lambda t: t.published_at),
        (gettext_lazy("published by"), lambda t: str(t.published_by or "")),
        (gettext_lazy("what changed"), lambda t: t.change_note),
        (gettext_lazy("draft of the next version"), lambda t: t.draft_version or ""),
    ]

    def get_queryset(self):
        drafts = ChecklistTemplate.objects.filter(code=OuterRef("code"), status=TemplateStatus.DRAFT)
        return (
            super()
            .get_queryset()
            .annotate(
                item_count=Count("sections__items"),
                draft_version=Subquery(drafts.values("version")[:1]),
                draft_id=Subquery(drafts.values("pk")[:1]),
            )
            .order_by("owner_kind", "code", "-version")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_edit=may_edit_templates(self.request.user), **kwargs)


ITEM_EXPORT = [
    (gettext_lazy("section"), lambda i: i.section.title),
    (gettext_lazy("order"), lambda i: i.order),
    (gettext_lazy("item code"), lambda i: i.code),
    (gettext_lazy("question"), lambda i: i.text),
    (gettext_lazy("guidance"), lambda i: i.help_text),
    (gettext_lazy("answer type"), lambda i: i.get_answer_type_display()),
    (gettext_lazy("choices"), lambda i: " / ".join(i.choices or [])),
    (gettext_lazy("unit"), lambda i: i.unit),
    (gettext_lazy("required"), lambda i: _yes(i.required)),
    (gettext_lazy("note required when “no”"), lambda i: _yes(i.note_on_no)),
    (gettext_lazy("photo required when “no”"), lambda i: _yes(i.photo_on_no)),
    (gettext_lazy("rule"), lambda i: i.rule),
]


def _visible(request, pk) -> ChecklistTemplate:
    return get_object_or_404(ChecklistTemplate.objects.visible_to(request.user).select_related("published_by"), pk=pk)


def _export_items(template: ChecklistTemplate):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        f"{template.code}-v{template.version}-{stamp}.xlsx",
        f"{template.code} v{template.version}",
        [str(header) for header, _fn in ITEM_EXPORT],
        ([fn(item) for _header, fn in ITEM_EXPORT] for item in template.items_in_order()),
    )


def _detail(request, template: ChecklistTemplate, *, status=200, **forms_):
    versions = list(
        ChecklistTemplate.objects.visible_to(request.user)
        .filter(code=template.code)
        .select_related("published_by")
        .order_by("-version")
    )
    may_edit = may_edit_templates(request.user, template)
    editing = may_edit and template.status == TemplateStatus.DRAFT
    previous = template_previous(template)
    context = {
        "template": template,
        "sections": template.sections.prefetch_related("items"),
        "versions": versions,
        "current": next((v for v in versions if v.status == TemplateStatus.PUBLISHED), None),
        "draft": next((v for v in versions if v.status == TemplateStatus.DRAFT), None),
        "may_edit": may_edit,
        "editing": editing,
        "operator_kinds": kinds_display(template.operator_kinds),
        "previous": previous,
        "changes": template_changes(previous, template) if previous else None,
    }
    if editing:
        context["section_form"] = forms_.get("section_form") or SectionForm()
        context["publish_form"] = forms_.get("publish_form") or PublishForm()
    return render(request, "inspections/template_detail.html", context, status=status)


@login_required
def template_detail(request, pk):
    template = _visible(request, pk)
    if request.GET.get("export") == "xlsx":
        return _export_items(template)
    return _detail(request, template)


@login_required
def template_by_code(request, code):
    """A stable link to a checklist: its version in use."""
    template = template_current(code)
    if template is None or not ChecklistTemplate.objects.visible_to(request.user).filter(pk=template.pk).exists():
        template = get_object_or_404(
            ChecklistTemplate.objects.visible_to(request.user).filter(code=code).order_by("-version")[:1]
        )
    return redirect("template_detail", template.pk)


# --- editing -----------------------------------------------------------------------------


def _refused(request, template: ChecklistTemplate, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect("template_detail", template.pk)


def _draft_or_refusal(request, template: ChecklistTemplate):
    """For the edit pages: a 403 for a user who may not edit; a message for a version that
    is not a draft (the services refuse the change anyway)."""
    require_template_editor(request.user, template)
    if template.status != TemplateStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed. Start a new version to make changes."))
        return redirect("template_detail", template.pk)
    return None


@login_required
@require_POST
def template_revise_view(request, pk):
    template = _visible(request, pk)
    try:
        draft = template_revise(actor=request.user, template=template)
    except ValidationError as error:
        return _refused(request, template, error)
    messages.success(request, _("Draft of version %(version)d: edit it, then publish it.") % {"version": draft.version})
    return redirect("template_detail", draft.pk)


@login_required
def template_edit(request, pk):
    template = _visible(request, pk)
    refusal = _draft_or_refusal(request, template)
    if refusal:
        return refusal
    initial = {"name": template.name, "rules": template.rules, "operator_kinds": template.operator_kinds}
    form = TemplateSettingsForm(request.POST or None, initial=initial, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            template_update(actor=request.user, draft=template, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("template_detail", template.pk)
    return _form_page(request, form, template, _("Name and scope of the checklist"))


@login_required
@require_POST
def template_publish_view(request, pk):
    template = _visible(request, pk)
    require_template_editor(request.user, template)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            template_publish(actor=request.user, draft=template, **form.cleaned_data)
        except ValidationError as error:
            if template.status != TemplateStatus.DRAFT:
                return _refused(request, template, error)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)d is in use: new checklists are filed on it.") % {"version": template.version},
            )
            return redirect("template_detail", template.pk)
    elif template.status != TemplateStatus.DRAFT:
        return _refused(request, template, ValidationError(_("Only a draft can be published.")))
    return _detail(request, template, status=400, publish_form=form)


@login_required
@require_POST
def template_discard_view(request, pk):
    template = _visible(request, pk)
    current = template_current(template.code)
    try:
        template_discard(actor=request.user, draft=template)
    except ValidationError as error:
        return _refused(request, template, error)
    messages.success(request, _("The draft was discarded."))
    return redirect("template_detail", current.pk) if current else redirect("template_list")


@login_required
@require_POST
def template_section_add_view(request, pk):
    template = _visible(request, pk)
    require_template_editor(request.user, template)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            template_section_add(actor=request.user, draft=template, **form.cleaned_data)
        except ValidationError as error:
            if template.status != TemplateStatus.DRAFT:
                return _refused(request, template, error)
            add_service_errors(form, error)
        else:
            return redirect("template_detail", template.pk)
    return _detail(request, template, status=400, section_form=form)


def _section(request, pk) -> TemplateSection:
    return get_object_or_404(
        TemplateSection.objects.filter(template__in=ChecklistTemplate.objects.visible_to(request.user)).select_related(
            "template"
        ),
        pk=pk,
    )


def _item(request, pk) -> TemplateItem:
    return get_object_or_404(
        TemplateItem.objects.filter(
            section__template__in=ChecklistTemplate.objects.visible_to(request.user)
        ).select_related("section__template"),
        pk=pk,
    )


def _form_page(request, form, template, title, *, delete_url=None):
    return render(
        request,
        "inspections/template_form.html",
        {"form": form, "template": template, "title": title, "delete_url": delete_url},
    )


@login_required
def template_section_edit(request, pk):
    section = _section(request, pk)
    refusal = _draft_or_refusal(request, section.template)
    if refusal:
        return refusal
    form = SectionForm(request.POST or None, initial={"title": section.title})
    if request.method == "POST" and form.is_valid():
        try:
            template_section_update(actor=request.user, section=section, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("template_detail", section.template_id)
    return _form_page(request, form, section.template, _("Section"))


@login_required
@require_POST
def template_section_delete_view(request, pk):
    section = _section(request, pk)
    try:
        template_section_delete(actor=request.user, section=section)
    except ValidationError as error:
        return _refused(request, section.template, error)
    return redirect("template_detail", section.template_id)


@login_required
def template_item_new(request, pk):
    section = _section(request, pk)
    draft = section.template
    refusal = _draft_or_refusal(request, draft)
    if refusal:
        return refusal
    form = ItemForm(request.POST or None, initial={"section": section.pk, "required": True}, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            template_item_save(actor=request.user, draft=draft, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question added."))
            return redirect(f"{_detail_url(draft)}#section-{form.cleaned_data['section'].pk}")
    return _form_page(request, form, draft, _("New question"))


def _detail_url(template) -> str:
    return reverse("template_detail", args=[template.pk])


@login_required
def template_item_edit(request, pk):
    item = _item(request, pk)
    draft = item.section.template
    refusal = _draft_or_refusal(request, draft)
    if refusal:
        return refusal
    form = ItemForm(request.POST or None, initial=item_initial(item), draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            template_item_save(actor=request.user, draft=draft, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect(f"{_detail_url(draft)}#item-{item.pk}")
    return _form_page(request, form, draft, _("Question"), delete_url=reverse("template_item_delete", args=[item.pk]))


@login_required
@require_POST
def template_item_delete_view(request, pk):
    item = _item(request, pk)
    draft = item.section.template
    try:
        template_item_delete(actor=request.user, item=item)
    except ValidationError as error:
        return _refused(request, draft, error)
    messages.success(request, _("Question deleted."))
    return redirect("template_detail", draft.pk)


@login_required
@require_POST
def template_item_move_view(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    item = _item(request, pk)
    draft = item.section.template
    try:
        template_item_move(actor=request.user, item=item, up=direction == "up")
    except ValidationError as error:
        return _refused(request, draft, error)
    return redirect(f"{_detail_url(draft)}#item-{item.pk}")
