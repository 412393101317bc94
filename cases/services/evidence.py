"""C2 (三.2): evidence collected and fixed (搜集、固定证据). A piece of evidence is a scanned
document or photo (PDF, JPEG or PNG by content), kept with the SHA-256 of its content.

Evidence is never changed once attached: there is no update and no delete service, and
attaching the same file again makes a second record. `evidence_verify` shows whether the
stored file still has the content it was attached with.
"""

import hashlib
import hmac
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from dairy_campaign.uploads import upload_sha256, validate_document

from ..models import Evidence
from .cases import CLOSED_STATES, require_case_writer

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
CHUNK = 64 * 1024


def stored_name(original: str, content_type: str) -> str:
    """The original name, made safe, with the extension of what the file really is."""
    stem = Path(original or "").stem[:60]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # a name of only odd characters has no valid form
        stem = ""
    return f"{stem or 'evidence'}{EXTENSIONS[content_type]}"


@transaction.atomic
def evidence_attach(*, actor, case, upload, description: str) -> Evidence:
    """C2: attach a piece of evidence to a case of the actor's department (any writing
    role: inspectors collect evidence), checked by content and size, with its SHA-256."""
    require_case_writer(actor, case)
    if case.status in CLOSED_STATES:
        raise ValidationError(_("A closed case takes no more evidence."))
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what the evidence shows.")})
    try:
        content_type = validate_document(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from None
    evidence = Evidence(
        case=case,
        sha256=upload_sha256(upload),
        content_type=content_type,
        size=upload.size,
        description=description[:300],
        attached_by=actor,
    )
    evidence.file.save(stored_name(upload.name, content_type), upload, save=False)
    evidence.full_clean()
    evidence.save()
    return evidence


def file_sha256(field_file) -> str | None:
    """The SHA-256 of a stored file, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def evidence_verify(evidence: Evidence) -> bool:
    """C2: whether the stored file still hashes to the SHA-256 kept when it was attached."""
    actual = file_sha256(evidence.file)
    return actual is not None and hmac.compare_digest(actual, evidence.sha256)
