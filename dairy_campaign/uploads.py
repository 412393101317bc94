"""Checks on uploaded evidence: size and real content type (not the file name)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the document types accepted as scanned evidence.
DOCUMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_document(upload) -> str | None:
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_document(upload) -> str:
    """A scanned document: PDF, JPEG or PNG by content, at most UPLOAD_MAX_BYTES."""
    if upload is None:
        raise ValidationError({"document": _("Attach the scanned document.")})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"document": _("The file is larger than %(mb)d MB.") % {"mb": limit}})
    content_type = sniff_document(upload)
    if content_type is None:
        raise ValidationError({"document": _("Only PDF, JPEG or PNG documents are accepted.")})
    return content_type


def upload_sha256(upload) -> str:
    """The SHA-256 of an uploaded file, kept beside it as evidence of its content."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
