from django.urls import include, path

urlpatterns = [
    path("", include("sampling.urls_lots")),
    path("", include("sampling.urls_plans")),
    path("", include("sampling.urls_samples")),
    path("", include("sampling.urls_compliance")),
]
