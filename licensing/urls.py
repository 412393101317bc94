from django.urls import include, path

from .views import licences, register

urlpatterns = [
    path("operators/", register.OperatorListView.as_view(), name="operator_list"),
    path("operators/new/", register.operator_new, name="operator_new"),
    path("operators/<int:pk>/", register.operator_detail, name="operator_detail"),
    path("operators/<int:pk>/edit/", register.operator_edit, name="operator_edit"),
    path("operators/<int:pk>/vehicles/new/", register.vehicle_new, name="vehicle_new"),
    path("operators/<int:pk>/licences/new/", register.licence_new, name="licence_new"),
    path("operators/<int:pk>/<slug:sanction>/", licences.operator_sanction, name="operator_sanction"),
    path("licences/", licences.LicenceListView.as_view(), name="licence_list"),
    path("licences/<int:pk>/", licences.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/decide/<slug:action>/", licences.licence_decide, name="licence_decide"),
    path("follow-ups/", licences.FollowUpListView.as_view(), name="follow_up_list"),
    path("follow-ups/<int:pk>/done/", licences.follow_up_done, name="follow_up_done"),
    path("re-review/", licences.coverage, name="review_coverage"),
    path("import/", include("licensing.import_urls")),
]
