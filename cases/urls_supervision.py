"""Pages of listed supervision (C2), accountability (C1) and incident reports (P4), under /cases/."""

from django.urls import path

from .views import supervision as views

urlpatterns = [
    path("listings/", views.ListingListView.as_view(), name="listing_list"),
    path("<int:case_pk>/listing/new/", views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/report/", views.listing_report, name="listing_report"),
    path("listings/<int:pk>/lift/", views.listing_lift_view, name="listing_lift"),
    path("accountability/", views.AccountabilityListView.as_view(), name="accountability_list"),
    path("accountability/new/", views.accountability_new, name="accountability_new"),
    path("accountability/<int:pk>/", views.accountability_detail, name="accountability_detail"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
]
