"""Lot and intake-import pages, included under /sampling/ (names without a namespace)."""

from django.urls import path

from .views import lots

urlpatterns = [
    path("lots/", lots.LotListView.as_view(), name="lot_list"),
    path("lots/new/", lots.lot_new, name="lot_new"),
    path("lots/<int:pk>/", lots.lot_detail, name="lot_detail"),
    path("lots/<int:pk>/release/", lots.lot_release_view, name="lot_release"),
    path("lots/<int:pk>/own-test/", lots.lot_own_test, name="lot_own_test"),
    path("intake-import/", lots.intake_import, name="intake_import"),
    path("intake-import/template/", lots.intake_import_template, name="intake_import_template"),
    path("intake-import/<int:pk>/", lots.intake_import_detail, name="intake_import_detail"),
    path("intake-import/<int:pk>/progress/", lots.intake_import_progress, name="intake_import_progress"),
    path("intake-import/<int:pk>/commit/", lots.intake_import_commit, name="intake_import_commit"),
]
