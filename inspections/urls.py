from django.urls import include, path

from .views import assignments, checklists, coverage, measures

urlpatterns = [
    path("tasks/", assignments.task_list, name="task_list"),
    path("assignments/", assignments.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/new/", assignments.assignment_new, name="assignment_new"),
    path("assignments/plan/", assignments.assignment_plan, name="assignment_plan"),
    path("assignments/<int:pk>/start/", assignments.assignment_start, name="assignment_start"),
    path("assignments/<int:pk>/cancel/", assignments.assignment_cancel, name="assignment_cancel"),
    path("checklists/", checklists.InspectionListView.as_view(), name="inspection_list"),
    path("checklists/new/", checklists.inspection_new, name="inspection_new"),
    path("checklists/<int:pk>/", checklists.inspection_detail, name="inspection_detail"),
    path("checklists/<int:pk>/edit/", checklists.inspection_edit, name="inspection_edit"),
    path("checklists/<int:pk>/draft/", checklists.inspection_autosave, name="inspection_autosave"),
    path("checklists/<int:pk>/photos/", checklists.photo_upload, name="inspection_photo_add"),
    path("checklists/<int:pk>/submit/", checklists.inspection_sign, name="inspection_submit"),
    path("checklists/<int:pk>/review/<slug:action>/", checklists.inspection_review, name="inspection_review"),
    path("checklists/<int:pk>/measures/new/", measures.measure_new, name="measure_new"),
    path("photos/<int:pk>/", checklists.photo_file, name="inspection_photo"),
    path("photos/<int:pk>/remove/", checklists.photo_delete, name="inspection_photo_remove"),
    path("measures/", measures.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/remove/", measures.measure_delete, name="measure_remove"),
    path("coverage/", coverage.coverage, name="inspection_coverage"),
    path("coverage/not-inspected/", coverage.NotInspectedListView.as_view(), name="coverage_missing"),
    path("templates/", include("inspections.urls_templates")),
    path("", include("inspections.urls_field")),
]
