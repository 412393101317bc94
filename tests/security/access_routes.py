"""Every named route of the site and API, and how the access sweep exercises it.

`ROUTES` maps each route name to one `Route`:
- `obj(kind, **kwargs)`: a route about one record; `kind` names the world's record that fills
  its `<pk>` (or `<code>`, `<case_pk>`), `kwargs` fill its other arguments (an action slug).
- `page(kind)`: a page or API list without a record: lists, filters, exports, dashboards,
  reports, create forms; `kind` (optional) is the record kind its own rows must show.
- `exempt(reason)`: a route the sweep leaves alone, with the reason.

A route missing here fails `test_every_route_is_in_the_sweep` with its name: a new route is
swept from the day it is added.
"""

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    kind: str | None = None
    kwargs: dict = field(default_factory=dict)
    exempt: str = ""
    has_record: bool = False


def obj(kind: str, **kwargs) -> Route:
    return Route(kind=kind, kwargs=kwargs, has_record=True)


def page(kind: str | None = None, **kwargs) -> Route:
    return Route(kind=kind, kwargs=kwargs)


def exempt(reason: str) -> Route:
    return Route(exempt=reason)


GLOBAL_TEMPLATE = exempt("checklist templates are province-wide forms, read by every member (TemplateQuerySet)")
GLOBAL_CALENDAR = exempt("the campaign and its phases are one province-wide calendar, read by every member")


def api(basename: str, kind: str, *actions: str, **kwargs) -> dict[str, Route]:
    """DRF routes `<basename>-list` (a list of `kind`) and `<basename>-<action>` (one record)."""
    routes = {}
    for action in actions:
        name = f"{basename}-{action}"
        routes[name] = page(kind) if action == "list" else obj(kind, **kwargs)
    return routes


ROUTES: dict[str, Route] = {
    # Outside the sweep, each for its reason.
    "healthz": exempt("liveness probe: no record, no user"),
    "set_language": exempt("Django's language switch: sets a cookie, reads no record"),
    "login": exempt("sign-in page: no record"),
    "logout": exempt("sign-out: no record"),
    "password_change": exempt("changes the signed-in user's own password only"),
    "password_change_done": exempt("static confirmation page"),
    "schema": exempt("OpenAPI schema: describes endpoints, holds no record"),
    "api-docs": exempt("Swagger UI over the schema: no record"),
    "api-redoc": exempt("ReDoc over the schema: no record"),
    "admin:*": exempt("Django admin: superusers only (tests/dairy_campaign/test_admin.py)"),
    # Core pages.
    "home": page(),
    "campaign": page(),
    "letters": page("letter"),
    "letter_document": obj("letter"),
    "agency_list": page(),
    "user_list": page("user"),
    "user_new": page(),
    "user_edit": obj("user"),
    "user_password": obj("user"),
    "user_token_revoke": obj("user"),
    "inbox": page("notification"),
    "inbox_mark_read": page(),
    "history": obj("*history"),
    # Core API.
    "api-root": page(),
    "api-me": page(),
    "jurisdiction-list": page(),
    "jurisdiction-detail": exempt("the GB/T 2260 tree is public reference data every account reads"),
    **api("agency", "agency_QTS", "list", "detail"),
    "campaign-list": GLOBAL_CALENDAR,
    "campaign-current": GLOBAL_CALENDAR,
    "campaign-detail": GLOBAL_CALENDAR,
    "phase-list": GLOBAL_CALENDAR,
    "phase-detail": GLOBAL_CALENDAR,
    **api("letter", "letter", "list", "detail"),
    **api("account", "user", "list", "detail", "revoke-token"),
    "api-my-token": exempt("DELETE revokes the caller's own API token: no other record"),
    **api("notification", "notification", "list", "detail"),
    "notification-mark-read": page(),
    # Licensing pages.
    "operator_list": page("operator"),
    "operator_new": page(),
    "operator_detail": obj("operator"),
    "operator_edit": obj("operator"),
    "vehicle_new": obj("station"),
    "licence_new": obj("operator"),
    "operator_sanction": obj("station", sanction="close-station"),
    "licence_list": page("licence"),
    "licence_detail": obj("licence"),
    "licence_decide": obj("licence", action="start_review"),
    "follow_up_list": page("follow_up"),
    "follow_up_done": obj("follow_up"),
    "review_coverage": page(),
    "register_import": page("register_import"),
    "register_import_template": page(),
    "register_import_detail": obj("register_import"),
    "register_import_progress": obj("register_import"),
    "register_import_commit": obj("register_import"),
    # Licensing API.
    **api("operator", "operator", "list", "detail", "cancel-seller", "vehicles"),
    "operator-close-station": obj("station"),
    **api("licence", "licence", "list", "detail", "decisions"),
    "licence-decide": obj("licence", decision="start_review"),
    **api("follow-up", "follow_up", "list", "detail", "complete"),
    **api("register-import", "register_import", "list", "detail", "commit"),
    "review-coverage-list": page(),
    # Cases pages.
    "case_list": page("case"),
    "case_new": page(),
    "case_detail": obj("case"),
    "case_act": obj("case", action="close"),
    "case_police_refer": obj("case"),
    "case_evidence_add": obj("case"),
    "case_task_force": obj("case"),
    "evidence_file": obj("evidence"),
    "police_referral_list": page("police_referral"),
    "police_answer": obj("police_referral", answer="accept"),
    "listing_list": page("listing"),
    "listing_new": obj("case"),
    "listing_detail": obj("listing"),
    "listing_report": obj("listing"),
    "listing_lift": obj("listing"),
    "accountability_list": page("accountability"),
    "accountability_new": page(),
    "accountability_detail": obj("accountability"),
    "incident_list": page("incident"),
    "incident_new": page(),
    "incident_detail": obj("incident"),
    "complaint_list": page("complaint"),
    "complaint_new": page(),
    "complaint_detail": obj("complaint"),
    "reward_propose": obj("complaint"),
    "complaint_act": obj("complaint", action="assign"),
    "reward_act": obj("reward", action="approve"),
    # Cases API.
    **api(
        "case",
        "case",
        *("list", "detail", "close", "decide", "dismiss", "evidence", "file-case", "history"),
        *("investigate", "refer-to-police", "task-force"),
    ),
    **api("police-referral", "police_referral", "list", "detail", "accept", "return"),
    **api("listing", "listing", "list", "detail", "lift", "report"),
    **api("accountability", "accountability", "list", "detail"),
    **api("incident-report", "incident", "list", "detail"),
    **api("complaint", "complaint", "list", "detail", "answer", "assign", "decisions", "to-case"),
    **api("reward", "reward", "list", "detail", "approve", "pay", "refuse"),
    # Inspections pages.
    "task_list": page("assignment"),
    "assignment_list": page("assignment"),
    "assignment_new": page(),
    "assignment_plan": page(),
    "assignment_start": obj("assignment"),
    "assignment_cancel": obj("assignment"),
    "inspection_list": page("inspection"),
    "inspection_new": page(),
    "inspection_detail": obj("inspection"),
    "inspection_edit": obj("inspection"),
    "inspection_autosave": obj("inspection"),
    "inspection_photo_add": obj("inspection"),
    "inspection_submit": obj("inspection"),
    "inspection_review": obj("inspection", action="approve"),
    "measure_new": obj("inspection"),
    "inspection_photo": obj("photo"),
    "inspection_photo_remove": obj("photo"),
    "measure_list": page("measure"),
    "measure_remove": obj("measure"),
    "inspection_coverage": page(),
    "coverage_missing": page(),
    "template_list": GLOBAL_TEMPLATE,
    "template_by_code": GLOBAL_TEMPLATE,
    "template_detail": GLOBAL_TEMPLATE,
    "template_revise": GLOBAL_TEMPLATE,
    "template_edit": GLOBAL_TEMPLATE,
    "template_publish": GLOBAL_TEMPLATE,
    "template_discard": GLOBAL_TEMPLATE,
    "template_section_add": GLOBAL_TEMPLATE,
    "template_section_edit": GLOBAL_TEMPLATE,
    "template_section_delete": GLOBAL_TEMPLATE,
    "template_item_new": GLOBAL_TEMPLATE,
    "template_item_edit": GLOBAL_TEMPLATE,
    "template_item_delete": GLOBAL_TEMPLATE,
    "template_item_move": GLOBAL_TEMPLATE,
    "sweep_list": page("sweep"),
    "sweep_new": page(),
    "sweep_detail": obj("sweep"),
    "den_new": obj("sweep"),
    "den_ban": obj("den"),
    "consignment_list": page("consignment"),
    "consignment_new": page(),
    "consignment_detail": obj("consignment"),
    "consignment_checks": obj("consignment"),
    "consignment_lab_result": obj("consignment"),
    "consignment_act": obj("consignment", action="release"),
    "self_report_list": page("self_report"),
    "self_report_new": page(),
    "self_report_detail": obj("self_report"),
    "self_report_document": obj("self_report"),
    "self_report_decide": obj("self_report", decision="accept"),
    # Inspections API.
    "checklist-template-list": GLOBAL_TEMPLATE,
    "checklist-template-detail": GLOBAL_TEMPLATE,
    "checklist-template-publish": GLOBAL_TEMPLATE,
    "checklist-template-revise": GLOBAL_TEMPLATE,
    "checklist-template-sections": GLOBAL_TEMPLATE,
    "checklist-template-item-list": GLOBAL_TEMPLATE,
    "checklist-template-item-detail": GLOBAL_TEMPLATE,
    **api("sweep", "sweep", "list", "detail", "dens"),
    **api("den", "den", "list", "detail", "ban"),
    **api(
        "consignment",
        "consignment",
        *("list", "detail", "checks", "decisions", "destroy", "lab-result", "release", "return"),
    ),
    **api("self-report", "self_report", "list", "detail", "accept", "return"),
    **api("assignment", "assignment", "list", "detail", "cancel"),
    "assignment-mine": page("assignment"),
    "assignment-plan": page(),
    **api("inspection", "inspection", "list", "detail", "approve", "draft", "history", "photos", "return", "submit"),
    **api("inspection-measure", "measure", "list", "detail"),
    "inspection-coverage-list": page(),
    "inspection-coverage-not-inspected": page(),
    # Sampling pages.
    "lot_list": page("lot"),
    "lot_new": page(),
    "lot_detail": obj("lot"),
    "lot_release": obj("lot"),
    "lot_own_test": obj("lot"),
    "intake_import": page("intake_import"),
    "intake_import_template": page(),
    "intake_import_detail": obj("intake_import"),
    "intake_import_progress": obj("intake_import"),
    "intake_import_commit": obj("intake_import"),
    "plan_list": page("plan"),
    "plan_new": page(),
    "plan_detail": obj("plan"),
    "plan_lines": obj("plan"),
    "plan_fill": obj("plan"),
    "plan_decide": obj("plan", action="submit"),
    "line_select": obj("plan_line"),
    "sample_list": page("sample"),
    "sample_new": page(),
    "sample_detail": obj("sample"),
    "sample_label": obj("sample"),
    "sample_custody": obj("sample"),
    "result_enter": obj("sample"),
    "result_review": obj("result"),
    "result_correct": obj("result"),
    "result_grid": page(),
    "result_upload": page(),
    "referral_list": page("referral"),
    "referral_detail": obj("referral"),
    "referral_take_up": obj("referral"),
    "compliance": page(),
    "compliance_s1": page(),
    "compliance_rule": page(rule="q1"),
    # Sampling API.
    **api("lot", "lot", "list", "detail", "own-test", "release", "trace"),
    "lot-bulk": page(),
    **api("intake-import", "intake_import", "list", "detail", "commit"),
    **api(
        "sampling-plan",
        "plan",
        *("list", "detail", "approve", "fill-minimums", "lines", "refuse", "submit"),
    ),
    **api("plan-line", "plan_line", "list", "detail", "select", "verify"),
    **api("sample", "sample", "list", "detail", "correct", "custody", "result", "review"),
    **api("lab-result", "result", "list", "detail"),
    "lab-result-bulk": page(),
    **api("referral", "referral", "list", "detail", "take-up"),
    "sampling-compliance-list": page(),
    "sampling-compliance-operators": page(),
    # Reports pages.
    "dashboard": page(),
    "dashboard_place": obj("jurisdiction"),
    "summary_list": page("summary"),
    "summary_mine": page(),
    "summary_detail": obj("summary"),
    "summary_generate": obj("summary"),
    "summary_progress": obj("summary"),
    "summary_text": obj("summary"),
    "summary_document": obj("summary"),
    "summary_workbook": obj("summary"),
    "summary_act": obj("summary", action="submit"),
    "deadline": page(),
    "export_job": obj("export_job"),
    "export_progress": obj("export_job"),
    "export_download": obj("export_job"),
    # Reports API.
    "dashboard-detail": obj("jurisdiction"),
    **api(
        "summary-report",
        "summary",
        *("list", "detail", "accept", "generate", "return", "submit", "text", "workbook"),
    ),
    "deadline-list": page(),
    "export-job-detail": obj("export_job"),
}


@dataclass(frozen=True)
class Found:
    """One named route as the resolver holds it."""

    name: str
    pattern: URLPattern
    is_api: bool

    @property
    def arguments(self) -> set[str]:
        return set(self.pattern.pattern.regex.groupindex)

    @property
    def api_methods(self) -> list[str]:
        """The methods a DRF route answers (its viewset's action map)."""
        actions = getattr(self.pattern.callback, "actions", None)
        if actions:
            return sorted(actions)
        view = self.viewset
        return [m for m in ("get", "post", "put", "patch", "delete") if view is not None and hasattr(view, m)]

    @property
    def viewset(self):
        return getattr(self.pattern.callback, "cls", None)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif entry.name:
            yield namespace + entry.name, entry, prefix + str(entry.pattern)


def site_routes() -> dict[str, Found]:
    """Every named route, once (DRF's `.json` format-suffix twins are the same view)."""
    found = {}
    for name, pattern, path in _walk(get_resolver().url_patterns):
        if "format" in pattern.pattern.regex.groupindex:
            continue
        if name.startswith("admin:"):
            name = "admin:*"
        found.setdefault(name, Found(name, pattern, path.startswith("api/")))
    return found
