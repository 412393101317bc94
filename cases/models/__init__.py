from .cases import Case, Evidence, PoliceReferral, TaskForce
from .choices import (
    AccountabilityTrigger,
    CaseStatus,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Hotline,
    ListingLevel,
    ListingStatus,
    PoliceReferralStatus,
    RewardStatus,
    SourceKind,
    Violation,
)
from .complaints import Complaint, Reward
from .supervision import Accountability, IncidentReport, Listing, ProgressReport

__all__ = [
    "Accountability",
    "AccountabilityTrigger",
    "Case",
    "CaseStatus",
    "Complaint",
    "ComplaintKind",
    "ComplaintStatus",
    "Decision",
    "Evidence",
    "Hotline",
    "IncidentReport",
    "Listing",
    "ListingLevel",
    "ListingStatus",
    "PoliceReferral",
    "PoliceReferralStatus",
    "ProgressReport",
    "Reward",
    "RewardStatus",
    "SourceKind",
    "TaskForce",
    "Violation",
]
