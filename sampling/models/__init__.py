from .choices import (
    INTAKE_KINDS,
    Category,
    LotKind,
    LotStatus,
    MassUnit,
    PlanStatus,
    ReferralKind,
    ReferralStatus,
    Rule,
    SampleStatus,
    Verdict,
)
from .imports import IntakeImport
from .lots import Lot
from .plans import PlanLine, SamplingPlan
from .samples import CustodyEvent, LabResult, Referral, Sample

__all__ = [
    "INTAKE_KINDS",
    "Category",
    "CustodyEvent",
    "IntakeImport",
    "LabResult",
    "Lot",
    "LotKind",
    "LotStatus",
    "MassUnit",
    "PlanLine",
    "PlanStatus",
    "Referral",
    "ReferralKind",
    "ReferralStatus",
    "Rule",
    "Sample",
    "SampleStatus",
    "SamplingPlan",
    "Verdict",
]
