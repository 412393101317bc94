from django.urls import path

from .views import plans

urlpatterns = [
    path("plans/", plans.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/lines/", plans.plan_lines, name="plan_lines"),
    path("plans/<int:pk>/fill/", plans.plan_fill, name="plan_fill"),
    path("plans/<int:pk>/decide/<slug:action>/", plans.plan_decide_view, name="plan_decide"),
    path("plan-lines/<int:pk>/select/", plans.line_select_view, name="line_select"),
]
