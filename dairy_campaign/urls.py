"""Root URLs: the only place besides settings that wires every app together."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from .forms import StyledAuthenticationForm, StyledPasswordChangeForm
from .views import accounts, campaigns, health, history, home, inbox

core_patterns = [
    path("", home.home, name="home"),
    path("campaign/", campaigns.campaign_detail, name="campaign"),
    path("letters/", campaigns.letters, name="letters"),
    path("letters/<int:pk>/document/", campaigns.letter_document, name="letter_document"),
    path("agencies/", accounts.AgencyListView.as_view(), name="agency_list"),
    path("accounts/users/", accounts.UserListView.as_view(), name="user_list"),
    path("accounts/users/new/", accounts.user_new, name="user_new"),
    path("accounts/users/<int:pk>/", accounts.user_edit, name="user_edit"),
    path("accounts/users/<int:pk>/password/", accounts.user_password, name="user_password"),
    path("accounts/users/<int:pk>/revoke-token/", accounts.user_token_revoke_view, name="user_token_revoke"),
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("inbox/read/", inbox.inbox_mark_read, name="inbox_mark_read"),
    path("history/<str:label>/<str:pk>/", history.record_history, name="history"),
]

auth_patterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=StyledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=StyledPasswordChangeForm),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

api_patterns = [
    path("api/v1/", include("dairy_campaign.api.urls")),
    path("api/v1/", include("licensing.api_urls")),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/", include("inspections.api_urls")),
    path("api/v1/", include("sampling.api_urls")),
    path("api/v1/", include("reports.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, as the Content-Security-Policy requires.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *auth_patterns,
    *api_patterns,
    *core_patterns,
    path("licensing/", include("licensing.urls")),
    path("cases/", include("cases.urls")),
    path("inspections/", include("inspections.urls")),
    path("sampling/", include("sampling.urls")),
    path("reports/", include("reports.urls")),
]
