"""Hostile uploads: files over the size limit, files whose content is not what their name
says, an xlsx zip bomb and XML entity attacks in the three Excel imports (operator register,
raw-milk intake, lab results), and an image decompression bomb. Each gets a clear error,
writes nothing, and is refused in bounded time and memory."""

import io
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image
from rest_framework.test import APIClient

from cases.models import Evidence
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.demo import DEMO_PDF
from inspections.models import InspectionPhoto
from licensing.imports import COLUMNS, translated
from licensing.models import ImportStatus, RegisterImport
from licensing.services.imports import register_import_start
from sampling.models import IntakeImport, LabResult
from sampling.services.intake_import import COLUMNS as INTAKE_COLUMNS
from sampling.services.intake_import import intake_import_start
from sampling.services.results import result_upload

from ..cases.factories import CaseFactory
from ..factories import member
from ..inspections.factories import InspectionFactory

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The refusal of a hostile file must not cost more than this, whatever it claims to hold.
MAX_SECONDS = 10
MAX_PEAK_BYTES = 64 * 1024 * 1024


# --- building hostile workbooks -------------------------------------------------------------


def workbook_bytes(headers) -> bytes:
    book = Workbook()
    book.active.append(list(headers))
    book.active.append(["x"] * len(headers))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def raw_zip(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip of already-deflated members: {name: (deflated bytes, crc32, unpacked size)}.
    Written by hand so that a member may inflate to far more than any test could compress."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, (data, crc, size) in members.items():
        encoded, offset = name.encode(), out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def deflated_repeat(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + block * times + tail, deflated without ever holding it: after a full flush the
    compressor restarts, so the block's compressed form repeats byte for byte."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + piece * times + end, crc, len(head) + len(block) * times + len(tail)


def with_members(headers, replacements: dict[str, tuple[bytes, int, int]]) -> bytes:
    members = {n: deflated(data) for n, data in zip_members(workbook_bytes(headers)).items()}
    members.update(replacements)
    return raw_zip(members)


def zip_bomb(headers) -> bytes:
    """A valid-looking xlsx of about 2 MB whose sheet XML inflates to 2 GiB of blanks."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    sheet = deflated_repeat(head, b" " * (1024 * 1024), 2048, b"</sheetData></worksheet>")
    return with_members(headers, {SHEET: sheet})


LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
BILLION_LAUGHS = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def sheet_xml(cell: str) -> bytes:
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{cell}</row></sheetData></worksheet>'.encode()


def entity_attack(headers, member: str, prolog: str, entity: str) -> bytes:
    """The workbook with `member` (the sheet, or a shared-strings table that the sheet then
    uses) made of XML that expands `entity`: billion laughs, or an external file."""
    if member == SHEET:
        cell = f'<c r="A1" t="inlineStr"><is><t>{entity}</t></is></c>'
        return with_members(headers, {SHEET: deflated((prolog + sheet_xml(cell).decode()).encode())})
    table = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{entity}</t></si></sst>'
    types = zip_members(workbook_bytes(headers))["[Content_Types].xml"].decode()
    override = f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SHARED_STRINGS_TYPE}" /></Types>'
    return with_members(
        headers,
        {
            SHARED_STRINGS: deflated((prolog + table).encode()),
            SHEET: deflated(sheet_xml('<c r="A1" t="s"><v>0</v></c>')),
            "[Content_Types].xml": deflated(types.replace("</Types>", override).encode()),
        },
    )


ENTITY_ATTACKS = {
    "billion-laughs-in-sheet": (SHEET, BILLION_LAUGHS, "&lol9;"),
    "billion-laughs-in-shared-strings": (SHARED_STRINGS, BILLION_LAUGHS, "&lol9;"),
    "external-entity": (SHEET, XXE, "&xxe;"),
}


@pytest.fixture(scope="module")
def register_bomb():
    return zip_bomb([c.header for c in COLUMNS])


def upload(data: bytes, name="名录.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class Bounded:
    """Measures the wall time and the peak of Python allocations of a block."""

    def __enter__(self):
        tracemalloc.start()
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert self.seconds < MAX_SECONDS, f"took {self.seconds:.1f}s"
        assert self.peak < MAX_PEAK_BYTES, f"peaked at {self.peak // 2**20} MiB"


def test_the_bomb_is_a_real_one():
    """The fixture itself: 2 GiB declared and really inflated by its deflate stream."""
    data, crc, size = deflated_repeat(b"<a>", b" " * 1024, 3, b"</a>")
    assert zlib.decompressobj(-15).decompress(data) == b"<a>" + b" " * 3072 + b"</a>" and size == 3079
    assert crc == zlib.crc32(b"<a>" + b" " * 3072 + b"</a>")


# --- the operator register import -------------------------------------------------------------


@pytest.fixture
def qts_clerk(db):
    return member("320115", AgencyKind.QTS, Role.CLERK)


def test_an_xlsx_zip_bomb_is_refused_at_upload_of_the_register(qts_clerk, register_bomb, english):
    assert len(register_bomb) < 4 * 1024 * 1024
    with Bounded(), pytest.raises(ValidationError) as refused:
        register_import_start(actor=qts_clerk, upload=upload(register_bomb))
    assert refused.value.message_dict["file"] == ["The file unpacks to more than a register can hold."]
    assert not RegisterImport.objects.exists()


@pytest.mark.parametrize("attack", list(ENTITY_ATTACKS))
def test_xml_entity_attacks_in_the_register_are_an_unreadable_file(
    attack, qts_clerk, english, django_capture_on_commit_callbacks
):
    member_name, prolog, entity = ENTITY_ATTACKS[attack]
    data = entity_attack([c.header for c in COLUMNS], member_name, prolog, entity)
    with Bounded(), django_capture_on_commit_callbacks(execute=True):
        job = register_import_start(actor=qts_clerk, upload=upload(data))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert [translated(e) for e in job.errors] == ["The file cannot be read as an Excel workbook (.xlsx)."]


@pytest.mark.parametrize("content", [DEMO_PDF, EXE, b"\x00" * 100])
def test_a_register_that_is_not_a_workbook_by_content_is_refused(qts_clerk, content, english):
    with pytest.raises(ValidationError) as refused:
        register_import_start(actor=qts_clerk, upload=upload(content))
    assert "xlsx" in " ".join(refused.value.message_dict["file"])
    assert not RegisterImport.objects.exists()


# --- the raw-milk intake import -------------------------------------------------------------


def intake_headers():
    return [c.header for c in INTAKE_COLUMNS]


def test_an_xlsx_zip_bomb_is_refused_at_upload_of_an_intake_file(qts_clerk, english):
    with Bounded(), pytest.raises(ValidationError) as refused:
        intake_import_start(actor=qts_clerk, upload=upload(zip_bomb(intake_headers())))
    assert "unpacks" in " ".join(refused.value.message_dict["file"])
    assert not IntakeImport.objects.exists()


@pytest.mark.parametrize("attack", list(ENTITY_ATTACKS))
def test_xml_entity_attacks_in_an_intake_file_are_an_unreadable_file(
    attack, qts_clerk, english, django_capture_on_commit_callbacks
):
    member_name, prolog, entity = ENTITY_ATTACKS[attack]
    data = entity_attack(intake_headers(), member_name, prolog, entity)
    with Bounded(), django_capture_on_commit_callbacks(execute=True):
        job = intake_import_start(actor=qts_clerk, upload=upload(data))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert [translated(e) for e in job.errors] == ["The file cannot be read as an Excel workbook (.xlsx)."]


# --- the lab results upload -------------------------------------------------------------------


RESULT_HEADERS = ["sample code", "value", "unit", "detection limit", "method", "laboratory", "tested on"]


def test_an_xlsx_zip_bomb_is_refused_at_upload_of_results(qts_clerk, english):
    with Bounded(), pytest.raises(ValidationError) as refused:
        result_upload(actor=qts_clerk, upload=upload(zip_bomb(RESULT_HEADERS), "results.xlsx"))
    assert refused.value.message_dict["file"] == ["The workbook unpacks to more than an upload may hold."]
    assert not LabResult.objects.exists()


@pytest.mark.parametrize("attack", list(ENTITY_ATTACKS))
def test_xml_entity_attacks_in_results_are_an_unreadable_workbook(attack, qts_clerk, english):
    member_name, prolog, entity = ENTITY_ATTACKS[attack]
    data = entity_attack(RESULT_HEADERS, member_name, prolog, entity)
    with Bounded(), pytest.raises(ValidationError) as refused:
        result_upload(actor=qts_clerk, upload=upload(data, "results.xlsx"))
    assert refused.value.message_dict["file"] == ["The workbook cannot be read."]
    assert not LabResult.objects.exists()


def test_the_results_page_answers_a_zip_bomb_with_a_form_error(client, qts_clerk, english):
    client.force_login(qts_clerk)
    bomb = SimpleUploadedFile("results.xlsx", zip_bomb(RESULT_HEADERS))
    response = client.post(reverse("result_upload"), {"file": bomb})
    assert response.status_code in (200, 400)
    assert "The workbook unpacks to more than an upload may hold." in response.content.decode()


# --- scanned evidence and photos ------------------------------------------------------------


@pytest.fixture
def case_and_api(db):
    case = CaseFactory()
    api = APIClient()
    api.force_authenticate(member("320115", AgencyKind.AIC, Role.INSPECTOR))
    return case, api


def attach(api, case, content: bytes, name: str):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return api.post(
        f"/api/v1/cases/{case.pk}/evidence/", {"upload": upload, "description": "现场照片"}, format="multipart"
    )


def test_evidence_over_the_size_limit_is_a_400_and_not_stored(case_and_api, settings, english):
    settings.UPLOAD_MAX_BYTES = 1024
    case, api = case_and_api
    response = attach(api, case, DEMO_PDF + b"\x00" * 2048, "scan.pdf")
    assert response.status_code == 400 and "larger than" in str(response.json())
    assert not Evidence.objects.exists()


def test_an_executable_named_jpg_is_refused_as_evidence(case_and_api, english):
    case, api = case_and_api
    response = attach(api, case, EXE, "photo.jpg")
    assert response.status_code == 400 and "Only PDF, JPEG or PNG" in str(response.json())
    assert not Evidence.objects.exists()


def test_a_pdf_named_jpg_is_kept_and_served_as_the_pdf_it_is(case_and_api, english):
    case, api = case_and_api
    response = attach(api, case, DEMO_PDF, "photo.jpg")
    assert response.status_code == 201
    assert Evidence.objects.get().content_type == "application/pdf"


@pytest.fixture
def draft(db):
    inspector = member("320115", AgencyKind.FDA, Role.INSPECTOR)
    return InspectionFactory(inspector=inspector), inspector


def post_photo(draft, content: bytes, name="photo.jpg"):
    inspection, inspector = draft
    api = APIClient()
    api.force_authenticate(inspector)
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return api.post(
        f"/api/v1/inspections/{inspection.pk}/photos/",
        {"item_code": "storage_photo", "image": upload},
        format="multipart",
    )


@pytest.mark.parametrize("content", [DEMO_PDF, EXE], ids=["pdf", "exe"])
def test_a_photo_that_is_not_an_image_by_content_is_refused(draft, content, english):
    response = post_photo(draft, content)
    assert response.status_code == 400 and "not a photo" in str(response.json())
    assert not InspectionPhoto.objects.exists()


def decompression_bomb_png() -> bytes:
    """A PNG of a few hundred bytes that claims 50,000 × 50,000 pixels (2.5 gigapixels)."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # The IHDR chunk starts at byte 8: length, type, then width and height, then its CRC.
    data[16:24] = struct.pack(">II", 50_000, 50_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_an_image_decompression_bomb_is_refused_as_a_photo(draft, english):
    with Bounded():
        response = post_photo(draft, decompression_bomb_png(), "bomb.png")
    assert response.status_code == 400 and "not a photo" in str(response.json())
    assert not InspectionPhoto.objects.exists()
