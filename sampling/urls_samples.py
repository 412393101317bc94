"""Pages of samples, results and Q8 referrals."""

from django.urls import path

from .views import results, samples

urlpatterns = [
    path("samples/", samples.SampleListView.as_view(), name="sample_list"),
    path("samples/new/", samples.sample_new, name="sample_new"),
    path("samples/<int:pk>/", samples.sample_detail, name="sample_detail"),
    path("samples/<int:pk>/label/", samples.sample_label, name="sample_label"),
    path("samples/<int:pk>/custody/", samples.sample_custody, name="sample_custody"),
    path("samples/<int:pk>/result/", results.result_enter_view, name="result_enter"),
    path("results/<int:pk>/review/", results.result_review_view, name="result_review"),
    path("results/<int:pk>/correct/", results.result_correct_view, name="result_correct"),
    path("results/grid/", results.result_grid, name="result_grid"),
    path("results/upload/", results.result_upload_view, name="result_upload"),
    path("referrals/", results.ReferralListView.as_view(), name="referral_list"),
    path("referrals/<int:pk>/", results.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/take-up/", results.referral_take_up_view, name="referral_take_up"),
]
