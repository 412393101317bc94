"""Content seals: a SHA-256 over the canonical JSON of a record's evidential content, taken
when the record is signed or reviewed. Recomputing it later shows whether that content was
changed since by any means, the application's own pages or a hand on the database.

Each app says what a record's evidential content is (inspections: a signed checklist;
sampling: a reviewed lab result); this module only digests and compares.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

SEAL_LENGTH = 64


def _plain(value):
    """The one text form of a value JSON cannot hold, so that equal contents digest alike."""
    if isinstance(value, Decimal):
        # normalize() so that 2.5000 and 2.5 (as a database may give them back) digest alike
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no canonical form in a seal")


def canonical_json(content: dict) -> bytes:
    """Keys sorted, no spaces, UTF-8: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain).encode()


def seal_digest(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


@dataclass(frozen=True)
class SealCheck:
    """A stored seal against the content as it is now."""

    stored: str
    computed: str

    @property
    def sealed(self) -> bool:
        return bool(self.stored)

    @property
    def intact(self) -> bool:
        return self.sealed and self.stored == self.computed

    @property
    def state(self) -> str:
        if not self.sealed:
            return "unsealed"
        return "intact" if self.intact else "broken"

    @property
    def label(self):
        return SEAL_LABELS[self.state]

    def as_dict(self) -> dict:
        return {"seal": self.stored, "state": self.state, "intact": self.intact, "label": str(self.label)}


SEAL_LABELS = {
    "unsealed": _("Not sealed yet"),
    "intact": _("Seal intact"),
    "broken": _("Content changed after signing"),
}


def seal_check(stored: str, content: dict) -> SealCheck:
    return SealCheck(stored=stored or "", computed=seal_digest(content))


def seal_problems(check: SealCheck) -> list[str]:
    """What is wrong with a sealed record's content: nothing, or that it changed since."""
    if check.sealed and not check.intact:
        return [str(_("The content was changed after it was sealed: the seal does not match it."))]
    return []
