"""The register import pages, included under /licensing/import/ (names without a namespace)."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("", imports.register_import, name="register_import"),
    path("template/", imports.register_import_template, name="register_import_template"),
    path("<int:pk>/", imports.register_import_detail, name="register_import_detail"),
    path("<int:pk>/progress/", imports.register_import_progress, name="register_import_progress"),
    path("<int:pk>/commit/", imports.register_import_commit, name="register_import_commit"),
]
