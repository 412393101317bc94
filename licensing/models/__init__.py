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
from .imports import ImportStatus, RegisterImport
from .licences import ClosureNotice, FollowUpMeasure, Licence
from .register import Operator, Vehicle

__all__ = [
    "Arrangement",
    "ClosureNotice",
    "FollowUpMeasure",
    "ImportStatus",
    "Licence",
    "LicenceStatus",
    "LicenceType",
    "MeasureKind",
    "Operator",
    "OperatorKind",
    "OperatorStatus",
    "RegisterImport",
    "ReviewOutcome",
    "ScopeCategory",
    "Vehicle",
]
