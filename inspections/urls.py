from django.urls import include, path

urlpatterns = [
    path("templates/", include("inspections.urls_templates")),
    path("", include("inspections.urls_field")),
]
