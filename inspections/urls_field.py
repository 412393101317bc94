"""Pages of sweeps (C1), import consignments (S5) and self-inspection reports (P1)."""

from django.urls import path

from .views import consignments, self_reports, sweeps

urlpatterns = [
    path("sweeps/", sweeps.SweepListView.as_view(), name="sweep_list"),
    path("sweeps/new/", sweeps.sweep_new, name="sweep_new"),
    path("sweeps/<int:pk>/", sweeps.sweep_detail, name="sweep_detail"),
    path("sweeps/<int:pk>/dens/new/", sweeps.den_new, name="den_new"),
    path("dens/<int:pk>/ban/", sweeps.den_ban_view, name="den_ban"),
    path("consignments/", consignments.ConsignmentListView.as_view(), name="consignment_list"),
    path("consignments/new/", consignments.consignment_new, name="consignment_new"),
    path("consignments/<int:pk>/", consignments.consignment_detail, name="consignment_detail"),
    path("consignments/<int:pk>/checks/", consignments.consignment_checks, name="consignment_checks"),
    path("consignments/<int:pk>/lab-result/", consignments.consignment_lab_result, name="consignment_lab_result"),
    path("consignments/<int:pk>/act/<slug:action>/", consignments.consignment_act_view, name="consignment_act"),
    path("self-reports/", self_reports.SelfReportListView.as_view(), name="self_report_list"),
    path("self-reports/new/", self_reports.self_report_new, name="self_report_new"),
    path("self-reports/<int:pk>/", self_reports.self_report_detail, name="self_report_detail"),
    path("self-reports/<int:pk>/document/", self_reports.self_report_document, name="self_report_document"),
    path(
        "self-reports/<int:pk>/decide/<slug:decision>/",
        self_reports.self_report_decide_view,
        name="self_report_decide",
    ),
]
