from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("phases", views.PhaseViewSet, basename="phase")
router.register("responsibility-letters", views.LetterViewSet, basename="letter")
router.register("users", views.AccountViewSet, basename="account")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/token/", views.MyTokenView.as_view(), name="api-my-token"),
    path("", include(router.urls)),
]
