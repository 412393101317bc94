"""Enumerations shared by every app: levels, agency kinds, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture city")
    COUNTY = "county", _("County-level division")


class AgencyKind(models.TextChoices):
    FSO = "FSO", _("Food safety office")
    QTS = "QTS", _("Quality and technical supervision")
    AIC = "AIC", _("Industry and commerce")
    FDA = "FDA", _("Food and drug administration (catering)")
    AGR = "AGR", _("Agriculture and animal husbandry")
    CIQ = "CIQ", _("Entry-exit inspection and quarantine")
    PSB = "PSB", _("Public security (police)")
    GOV = "GOV", _("People's government")


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    REVIEWER = "reviewer", _("Reviewer")
    CLERK = "clerk", _("Lab / data clerk")
    VIEWER = "viewer", _("Viewer")
    ADMIN = "admin", _("Administrator")
