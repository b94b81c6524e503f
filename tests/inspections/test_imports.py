"""Import from Excel: enterprises and existing hazards. A file with any bad row imports
nothing and says what is wrong, row by row."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from inspections.models import Hazard
from safetyzone.org.models import Enterprise

from ..factories import valid_credit_code


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("import.xlsx", buffer.getvalue())


ENTERPRISE_HEADER = ["名称", "统一社会信用代码", "监管单位", "重点领域", "风险等级", "联系电话"]


def post(client, kind, upload):
    return client.post(reverse("inspections:import"), {"kind": kind, "file": upload})


def test_enterprises_import(client, staff, unit_a, catalogues):
    upload = xlsx(
        [
            ENTERPRISE_HEADER,
            [
                "吉林江城化工有限公司",
                valid_credit_code(5001),
                unit_a.name,
                "消防、危险化学品",
                "high",
                "0432-64501234",
            ],
            ["吉林北山宾馆", valid_credit_code(5002), unit_a.short_name, "fire", "", ""],
        ]
    )
    client.force_login(staff)
    response = post(client, "enterprises", upload)
    assert response.status_code == 302
    created = Enterprise.objects.get(credit_code=valid_credit_code(5001))
    assert created.supervising_unit == unit_a and created.risk_grade == "high"
    assert set(created.key_areas.values_list("code", flat=True)) == {"fire", "hazardous-chemicals"}
    assert Enterprise.objects.count() == 2


def test_enterprise_file_with_bad_rows_imports_nothing_and_lists_them(client, staff, unit_a):
    good = valid_credit_code(5003)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    upload = xlsx(
        [
            ["企业名录"],
            ENTERPRISE_HEADER,
            ["第一家", valid_credit_code(5004), unit_a.name, "", "", ""],
            ["校验码错误", bad, unit_a.name, "", "", ""],
            ["单位不存在", valid_credit_code(5005), "不存在的单位", "不存在的领域", "", ""],
            ["电话错误", valid_credit_code(5006), unit_a.name, "", "", "12"],
        ]
    )
    client.force_login(staff)
    response = post(client, "enterprises", upload)
    assert response.status_code == 200
    errors = dict(response.context["result"].errors)
    assert set(errors) == {4, 5, 6}
    assert "check character" in errors[4]
    assert "不存在的单位" in errors[5] and "不存在的领域" in errors[5]
    assert not Enterprise.objects.exists()
    assert 'data-testid="import-errors"' in response.content.decode()


def test_head_may_only_import_into_their_own_unit(client, alice, unit_b):
    upload = xlsx(
        [ENTERPRISE_HEADER, ["乙单位的企业", valid_credit_code(5007), unit_b.name, "", "", ""]]
    )
    client.force_login(alice)
    response = post(client, "enterprises", upload)
    assert response.context["result"].errors
    assert not Enterprise.objects.exists()


HAZARD_HEADER = [
    "统一社会信用代码",
    "重点领域",
    "隐患描述",
    "隐患等级",
    "发现日期",
    "整改期限",
    "状态",
]


def test_hazards_import(client, staff, enterprise_a, fire):
    upload = xlsx(
        [
            HAZARD_HEADER,
            [
                enterprise_a.credit_code,
                "消防",
                "消防通道被占用",
                "一般",
                "2024-05-10",
                "2024-05-30",
                "整改中",
            ],
            [enterprise_a.credit_code, "fire", "喷淋系统停用", "重大", "2024/05/11", None, ""],
        ]
    )
    client.force_login(staff)
    response = post(client, "hazards", upload)
    assert response.status_code == 302, response.context and response.context["result"].errors
    hazards = list(Hazard.objects.order_by("code"))
    assert [h.code for h in hazards] == ["YH-2024-000001", "YH-2024-000002"]
    assert hazards[0].status == "rectifying"
    assert hazards[1].level == "major" and hazards[1].status == "reported"


def test_hazard_file_with_bad_rows_imports_nothing_and_takes_no_code(
    client, staff, enterprise_a, bob
):
    upload = xlsx(
        [
            HAZARD_HEADER,
            [
                enterprise_a.credit_code,
                "消防",
                "正常的一行",
                "一般",
                "2024-05-10",
                "2024-05-30",
                "",
            ],
            [
                enterprise_a.credit_code,
                "消防",
                "期限早于发现",
                "一般",
                "2024-05-10",
                "2024-05-01",
                "",
            ],
            ["91220100000000000X", "消防", "企业不存在", "一般", "2024-05-10", "", ""],
            [
                enterprise_a.credit_code,
                "消防",
                "重大隐患直接整改",
                "重大",
                "2024-05-10",
                "",
                "整改中",
            ],
            [enterprise_a.credit_code, "消防", "日期错误", "一般", "五月十日", "", ""],
        ]
    )
    client.force_login(staff)
    response = post(client, "hazards", upload)
    errors = dict(response.context["result"].errors)
    assert set(errors) == {3, 4, 5, 6}
    assert "deadline" in errors[3]
    assert "five implementations" in errors[5]
    assert not Hazard.objects.exists()
    # The codes taken by the rolled-back rows were rolled back too.
    from inspections.models import HazardCodeSequence

    assert not HazardCodeSequence.objects.filter(last_value__gt=0).exists()


def test_another_units_enterprise_is_not_found(client, bob, enterprise_a):
    upload = xlsx(
        [HAZARD_HEADER, [enterprise_a.credit_code, "消防", "x", "一般", "2024-05-10", "", ""]]
    )
    client.force_login(bob)
    response = post(client, "hazards", upload)
    assert "enterprise" in dict(response.context["result"].errors)[2]


def test_a_file_that_is_not_excel_is_refused(client, staff):
    client.force_login(staff)
    response = post(client, "hazards", SimpleUploadedFile("x.xlsx", b"name,code\n1,2\n"))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_sheet_without_the_columns_is_refused(client, staff):
    client.force_login(staff)
    response = post(client, "hazards", xlsx([["随便"], ["一", "二"]]))
    assert "file" in response.context["form"].errors


def test_templates_download(client, staff):
    client.force_login(staff)
    for kind in ("enterprises", "hazards"):
        response = client.get(reverse("inspections:import-template", args=[kind]))
        assert response.status_code == 200


# --- The templates (issue 15): an example sheet and the allowed values ----------------


def download(client, kind):
    from openpyxl import load_workbook

    response = client.get(reverse("inspections:import-template", args=[kind]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return content, load_workbook(io.BytesIO(content))


def sheet_values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def allowed_codes(workbook, column: str) -> set[str]:
    rows = sheet_values(workbook.worksheets[2])
    assert rows[0] == ["Column", "Value", "Code accepted"]
    return {code for name, _value, code in rows[1:] if name == column}


def with_example_on_first_sheet(workbook) -> SimpleUploadedFile:
    main, example = workbook.worksheets[0], workbook.worksheets[1]
    for index, cell in enumerate(example[2], start=1):
        main.cell(row=2, column=index, value=cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("import.xlsx", buffer.getvalue())


def test_enterprise_template_has_an_example_and_the_allowed_values(
    client, staff, unit_a, catalogues
):
    from safetyzone.org.models import KeyArea
    from safetyzone.org.validators import validate_uscc

    client.force_login(staff)
    _content, workbook = download(client, "enterprises")
    assert workbook.sheetnames == ["Enterprises", "Example", "Allowed values"]
    main, example = workbook.worksheets[0], workbook.worksheets[1]
    assert sheet_values(main) == [sheet_values(example)[0]]
    header, row = sheet_values(example)[:2]
    assert header[:3] == ["Name*", "Unified social credit code*", "Supervising unit*"]
    values = dict(zip(header, row, strict=True))
    validate_uscc(values["Unified social credit code*"])
    assert values["Supervising unit*"] in {staff.unit.name, unit_a.name}
    assert values["Risk grade"] == "High (orange)"
    assert example.cell(row=2, column=1).font.i
    assert "never imported" in example.cell(row=4, column=1).value
    assert allowed_codes(workbook, "Key areas") == set(
        KeyArea.objects.values_list("code", flat=True)
    )
    assert allowed_codes(workbook, "Risk grade") == set(Enterprise.RiskGrade.values)
    assert {unit_a.short_name, staff.unit.short_name} <= allowed_codes(workbook, "Supervising unit")
    # The single-valued coded columns offer the allowed values as a dropdown.
    validations = main.data_validations.dataValidation
    sources = {str(dv.sqref): dv.formula1 for dv in validations}
    assert set(sources) == {"C2:C1001", "I2:I1001"}
    assert all("'Allowed values'!$B$" in source for source in sources.values())


def test_hazard_template_has_an_example_and_the_allowed_values(
    client, staff, enterprise_a, catalogues
):
    from inspections.models import HazardLevel
    from safetyzone.org.models import KeyArea

    client.force_login(staff)
    _content, workbook = download(client, "hazards")
    assert workbook.sheetnames == ["Existing hazards", "Example", "Allowed values"]
    header, row = sheet_values(workbook.worksheets[1])[:2]
    values = dict(zip(header, row, strict=True))
    assert values["Unified social credit code*"] == enterprise_a.credit_code
    assert values["Key area*"] == "消防"
    assert values["Level*"] == "General hazard"
    assert values["Status"] == "Reported"
    assert values["Found on*"].date() <= values["Deadline"].date()
    assert allowed_codes(workbook, "Level") == set(HazardLevel.values)
    assert allowed_codes(workbook, "Status") == {"reported", "rectifying"}
    assert allowed_codes(workbook, "Key area") == set(
        KeyArea.objects.values_list("code", flat=True)
    )


def test_enterprise_template_imports_nothing_unchanged_and_its_example_when_copied(
    client, staff, unit_a, catalogues
):
    client.force_login(staff)
    content, workbook = download(client, "enterprises")
    response = post(client, "enterprises", SimpleUploadedFile("t.xlsx", content))
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["result"].ok and response.context["result"].created == 0
    assert 'data-testid="import-errors"' not in response.content.decode()
    assert "nothing was imported" in response.content.decode()
    assert not Enterprise.objects.filter(name="吉林高新江城精细化工有限公司").exists()

    response = post(client, "enterprises", with_example_on_first_sheet(workbook))
    assert response.status_code == 302, response.context["result"].errors
    imported = Enterprise.objects.get(name="吉林高新江城精细化工有限公司")
    assert imported.risk_grade == Enterprise.RiskGrade.HIGH
    assert imported.key_areas.count() == 2


def test_hazard_template_imports_nothing_unchanged_and_its_example_when_copied(
    client, staff, enterprise_a, catalogues
):
    client.force_login(staff)
    content, workbook = download(client, "hazards")
    response = post(client, "hazards", SimpleUploadedFile("t.xlsx", content))
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["result"].ok and response.context["result"].created == 0
    assert not Hazard.objects.exists()

    response = post(client, "hazards", with_example_on_first_sheet(workbook))
    assert response.status_code == 302, response.context["result"].errors
    hazard = Hazard.objects.get()
    assert hazard.enterprise == enterprise_a and hazard.level == "general"
    assert hazard.status == "reported" and hazard.plan_funds == 3000


def test_duty_officer_cannot_import(client, roles, unit_a):
    from safetyzone.org.roles import Role

    from ..factories import UserFactory

    client.force_login(UserFactory(unit=unit_a, roles=[Role.DUTY_OFFICER]))
    assert client.get(reverse("inspections:import")).status_code == 403


# --- Hostile files (issue 12): refused with a message and a 400, never a 500 -----------


def rezip(content: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """``content`` (an xlsx) with some parts replaced and others added."""
    import zipfile

    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def good_enterprise_file(unit) -> bytes:
    rows = [ENTERPRISE_HEADER]
    rows += [[f"企业{i}", valid_credit_code(5100 + i), unit.name, "", "", ""] for i in range(3)]
    return xlsx(rows).read()


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert not Enterprise.objects.exists()
    assert not Hazard.objects.exists()


def test_random_bytes_named_xlsx_are_refused(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", bytes(range(256)) * 40)
    assert_refused(post(client, "enterprises", upload), "not an Excel")


def test_a_truncated_xlsx_is_refused(client, staff, unit_a):
    content = good_enterprise_file(unit_a)
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", content[: len(content) // 2])
    assert_refused(post(client, "enterprises", upload), "not an Excel")


def test_a_zip_that_is_no_workbook_is_refused(client, staff):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", buffer.getvalue())
    assert_refused(post(client, "enterprises", upload), "cannot be read")


def test_a_workbook_whose_sheet_breaks_after_good_rows_imports_nothing(client, staff, unit_a):
    """openpyxl reads a sheet lazily: the broken XML surfaces only after the first rows."""
    import zipfile

    content = good_enterprise_file(unit_a)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    broken = sheet[: sheet.index(b"</sheetData>")] + b"<row r='9'><c r='A9' t='s'><v>"
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "import.xlsx", rezip(content, replace={"xl/worksheets/sheet1.xml": broken})
    )
    assert_refused(post(client, "enterprises", upload), "cannot be read")


def test_a_part_whose_data_is_corrupt_is_refused(client, staff, unit_a):
    """A part whose compressed bytes are damaged (its CRC fails) while the zip directory
    is intact."""
    import zipfile

    content = bytearray(good_enterprise_file(unit_a))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 5, start + info.compress_size - 5):
        content[offset] ^= 0x5A
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", bytes(content))
    assert_refused(post(client, "enterprises", upload), "cannot be read")


def test_a_zip_bomb_is_refused_before_it_is_read(client, staff, unit_a):
    zeros = bytes(60 * 1024 * 1024)
    content = rezip(good_enterprise_file(unit_a), add={"xl/media/zeros.bin": zeros})
    del zeros
    assert len(content) < 1024 * 1024
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", content)
    assert_refused(post(client, "enterprises", upload), "expands to more than 50 MB")


def test_the_expanded_size_limit_is_a_setting(client, staff, unit_a, settings):
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = rezip(good_enterprise_file(unit_a), add={"xl/media/pad.bin": bytes(2 * 1024 * 1024)})
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", content)
    assert_refused(post(client, "enterprises", upload), "expands to more than 1 MB")


def test_a_workbook_of_too_many_parts_is_refused(client, staff, unit_a, settings):
    settings.XLSX_MAX_PARTS = 20
    parts = {f"xl/media/part{i}.bin": b"x" for i in range(30)}
    content = rezip(good_enterprise_file(unit_a), add=parts)
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", content)
    assert_refused(post(client, "enterprises", upload), "too many parts")


def test_xml_entities_are_refused(client, staff, unit_a):
    """openpyxl parses with defusedxml: a DTD's entity (the root of billion laughs) in a
    part refuses the file instead of being expanded."""
    import zipfile

    content = good_enterprise_file(unit_a)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert "<t>企业0</t>".encode() in sheet
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    sheet = doctype + sheet.replace("<t>企业0</t>".encode(), b"<t>&b;</t>")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "import.xlsx", rezip(content, replace={"xl/worksheets/sheet1.xml": sheet})
    )
    assert_refused(post(client, "enterprises", upload), "cannot be read")


def test_a_good_file_still_imports_after_the_checks(client, staff, unit_a):
    client.force_login(staff)
    upload = SimpleUploadedFile("import.xlsx", good_enterprise_file(unit_a))
    response = post(client, "enterprises", upload)
    assert response.status_code == 302
    assert Enterprise.objects.count() == 3
