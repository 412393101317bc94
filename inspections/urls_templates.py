"""Checklist templates, under /inspections/templates/."""

from django.urls import path

from .views import templates as views

urlpatterns = [
    path("", views.TemplateListView.as_view(), name="template_list"),
    path("code/<slug:code>/", views.template_by_code, name="template_by_code"),
    path("<int:pk>/", views.template_detail, name="template_detail"),
    path("<int:pk>/revise/", views.template_revise_view, name="template_revise"),
    path("<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("<int:pk>/publish/", views.template_publish_view, name="template_publish"),
    path("<int:pk>/discard/", views.template_discard_view, name="template_discard"),
    path("<int:pk>/sections/new/", views.template_section_add_view, name="template_section_add"),
    path("sections/<int:pk>/edit/", views.template_section_edit, name="template_section_edit"),
    path("sections/<int:pk>/delete/", views.template_section_delete_view, name="template_section_delete"),
    path("sections/<int:pk>/questions/new/", views.template_item_new, name="template_item_new"),
    path("questions/<int:pk>/edit/", views.template_item_edit, name="template_item_edit"),
    path("questions/<int:pk>/delete/", views.template_item_delete_view, name="template_item_delete"),
    path("questions/<int:pk>/move/<slug:direction>/", views.template_item_move_view, name="template_item_move"),
]
