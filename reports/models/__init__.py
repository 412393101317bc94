from ..models_reminders import ReminderKind, ReminderLog
from .exports import ExportJob, ExportState
from .summaries import GenerationState, SummaryReport, SummaryStatus

__all__ = [
    "ExportJob",
    "ExportState",
    "GenerationState",
    "ReminderKind",
    "ReminderLog",
    "SummaryReport",
    "SummaryStatus",
]
