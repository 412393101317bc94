"""Summary, deadline and export pages, included under /reports/ (names without a namespace)."""

from django.urls import path, re_path

from .views import exports, summaries

urlpatterns = [
    path("summaries/", summaries.SummaryListView.as_view(), name="summary_list"),
    path("summaries/mine/", summaries.summary_mine, name="summary_mine"),
    path("summaries/<int:pk>/", summaries.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/generate/", summaries.summary_generate, name="summary_generate"),
    path("summaries/<int:pk>/progress/", summaries.summary_progress, name="summary_progress"),
    path("summaries/<int:pk>/text/", summaries.summary_text, name="summary_text"),
    path("summaries/<int:pk>/document/", summaries.summary_document, name="summary_document"),
    path("summaries/<int:pk>/workbook/", summaries.summary_workbook_download, name="summary_workbook"),
    re_path(r"^summaries/(?P<pk>\d+)/(?P<action>submit|accept|return)/$", summaries.summary_act, name="summary_act"),
    path("deadline/", summaries.deadline, name="deadline"),
    path("exports/<int:pk>/", exports.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
