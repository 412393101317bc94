from django.urls import path, re_path

from .views import dashboards

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    # Six digits only: the other report pages live beside it under /reports/.
    re_path(r"^(?P<code>\d{6})/$", dashboards.dashboard_place, name="dashboard_place"),
]
