from .choices import (
    Arrangement,
    LicenceStatus,
    LicenceType,
    MeasureKind,
    OperatorKind,
    OperatorStatus,
    ReviewOutcome,
    ScopeCategory,
)
from .licences import ClosureNotice, FollowUpMeasure, Licence
from .register import Operator, Vehicle

__all__ = [
    "Arrangement",
    "ClosureNotice",
    "FollowUpMeasure",
    "Licence",
    "LicenceStatus",
    "LicenceType",
    "MeasureKind",
    "Operator",
    "OperatorKind",
    "OperatorStatus",
    "ReviewOutcome",
    "ScopeCategory",
    "Vehicle",
]
