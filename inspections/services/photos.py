"""Photo evidence: real images only, size-limited, time-stamped, optionally located."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769


def image_content_type(upload) -> str:
    """The photo's content type, read from its content; a clear error for anything else."""
    if upload is None:
        raise ValidationError({"image": _("Choose a photo.")})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"image": _("The photo is larger than %(mb)d MB.") % {"mb": limit}})
    try:
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        # A decompression bomb (a tiny file claiming gigapixels) is refused like any non-photo.
        raise ValidationError({"image": _("This file is not a photo (JPEG, PNG or WebP).")}) from None
    finally:
        upload.seek(0)
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError({"image": _("Only JPEG, PNG or WebP photos are accepted.")})
    return ACCEPTED_FORMATS[fmt]


def exif_taken_at(upload) -> datetime.datetime | None:
    """When the camera says the photo was taken (local time of the device, read as Shanghai)."""
    try:
        with Image.open(upload) as image:
            raw = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
        taken = datetime.datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError, OSError, AttributeError):
        return None
    finally:
        upload.seek(0)
    return timezone.make_aware(taken, timezone.get_default_timezone())


def check_position(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = (
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
        )
    except ArithmeticError:
        raise ValidationError({"latitude": _("The position is not a valid latitude and longitude.")}) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"latitude": _("The position is not a valid latitude and longitude.")})
    return lat, lon
