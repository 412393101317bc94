from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls_dashboards")),
    path("", include("reports.urls_summaries")),
]
