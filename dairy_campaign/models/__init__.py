from .agencies import Agency, User
from .campaigns import Campaign, Phase, ResponsibilityLetter
from .jurisdictions import Jurisdiction
from .notifications import Notification
from .transitions import StateChange

__all__ = [
    "Agency",
    "Campaign",
    "Jurisdiction",
    "Notification",
    "Phase",
    "ResponsibilityLetter",
    "StateChange",
    "User",
]
