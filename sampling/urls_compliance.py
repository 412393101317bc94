from django.urls import path

from .views import compliance

urlpatterns = [
    path("compliance/", compliance.compliance, name="compliance"),
    path("compliance/s1/", compliance.compliance_s1, name="compliance_s1"),
    path("compliance/<slug:rule>/", compliance.compliance_rule, name="compliance_rule"),
]
