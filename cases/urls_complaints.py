from django.urls import path, re_path

from .views import complaints as views

urlpatterns = [
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/reward/", views.reward_propose_view, name="reward_propose"),
    re_path(r"^complaints/(?P<pk>\d+)/(?P<action>assign|answer|to-case)/$", views.complaint_act, name="complaint_act"),
    re_path(r"^rewards/(?P<pk>\d+)/(?P<action>approve|refuse|pay)/$", views.reward_act, name="reward_act"),
]
