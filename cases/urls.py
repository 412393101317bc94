from django.urls import include, path

urlpatterns = [
    path("", include("cases.urls_cases")),
    path("", include("cases.urls_supervision")),
    path("", include("cases.urls_complaints")),
]
