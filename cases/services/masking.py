"""P3 and DESIGN §1: an informant's identity is visible only to the agency handling the
complaint. Pages, API serializers and exports all read it through `informant_of`, so
masking is decided in one place."""

PHONE_KEEP_HEAD = 3
PHONE_KEEP_TAIL = 4
# Below this length a number has too few digits to show any of them safely.
PHONE_MIN_SHOWN = PHONE_KEEP_HEAD + PHONE_KEEP_TAIL + 1
ADDRESS_KEEP_MAX = 6


def informant_visible(user, complaint) -> bool:
    """Only members of the handling (assigned) agency, and superusers, see who told us.
    Another department of the same county and the offices above see it masked."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.agency_id is not None and user.agency_id == complaint.assigned_agency_id


def masked_name(name: str) -> str:
    """张三丰 → 张**: the surname only."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def masked_phone(phone: str) -> str:
    """13900001234 → 139****1234; short numbers are masked whole."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) < PHONE_MIN_SHOWN:
        return "*" * len(phone)
    return phone[:PHONE_KEEP_HEAD] + "****" + phone[-PHONE_KEEP_TAIL:]


def masked_address(address: str) -> str:
    """南京市江宁区东山街道某小区3栋 → 南京市江宁区****: at most the first third, and never
    more than the district, stays readable."""
    address = (address or "").strip()
    if not address:
        return ""
    keep = min(len(address) // 3, ADDRESS_KEEP_MAX)
    return address[:keep] + "****"


def informant_of(user, complaint) -> dict:
    """The informant as `user` may see them: {"name", "phone", "address", "masked"}."""
    if informant_visible(user, complaint):
        return {
            "name": complaint.informant_name,
            "phone": complaint.informant_phone,
            "address": complaint.informant_address,
            "masked": False,
        }
    return {
        "name": masked_name(complaint.informant_name),
        "phone": masked_phone(complaint.informant_phone),
        "address": masked_address(complaint.informant_address),
        "masked": True,
    }
