from django.urls import path

from .views import cases

urlpatterns = [
    path("", cases.CaseListView.as_view(), name="case_list"),
    path("new/", cases.case_new, name="case_new"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/act/<slug:action>/", cases.case_act_view, name="case_act"),
    path("<int:pk>/police/", cases.case_police_refer, name="case_police_refer"),
    path("<int:pk>/evidence/", cases.case_evidence_add, name="case_evidence_add"),
    path("<int:pk>/task-force/", cases.case_task_force_view, name="case_task_force"),
    path("evidence/<int:pk>/", cases.evidence_file, name="evidence_file"),
    path("police/", cases.PoliceReferralListView.as_view(), name="police_referral_list"),
    path("police/<int:pk>/<slug:answer>/", cases.police_answer, name="police_answer"),
]
