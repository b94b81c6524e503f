"""The downloadable import templates (enterprises, existing hazards).

The first sheet is the one the import reads: the header row only. A second sheet holds
the same header and one example row, which the import never reads (it reads the first
sheet); copied onto the first sheet, the example imports. A third sheet lists, for each
coded column, the values the import accepts, in the user's language and with its code;
the first sheet's single-valued coded columns offer them as a dropdown."""

import datetime as dt
import os
import tempfile
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.documents.spreadsheets import new_workbook
from safetyzone.org.models import Enterprise, KeyArea, User
from safetyzone.org.scoping import scope_queryset, unit_choices_for
from safetyzone.org.validators import uscc_check_character

from .excel import columns_for
from .models import Hazard, HazardLevel

# Rows of the first sheet that get the dropdowns.
VALIDATED_ROWS = 1000
# A made-up code of the right shape (a company registered in Jilin's high-tech zone),
# used when the user has no enterprise to show.
EXAMPLE_CREDIT_CODE_17 = "91220101MA17QK8W3"


def _example_credit_code() -> str:
    return EXAMPLE_CREDIT_CODE_17 + uscc_check_character(EXAMPLE_CREDIT_CODE_17)


def _allowed_values(kind: str, user: User) -> dict[str, list[tuple[str, str]]]:
    """For each coded column of ``kind``, the (value as shown, code accepted) pairs."""
    areas = [(area.name, area.code) for area in KeyArea.objects.order_by("name")]
    if kind == "enterprises":
        units = [(unit.name, unit.short_name or unit.name) for unit in unit_choices_for(user)]
        return {
            "supervising_unit": units,
            "key_areas": areas,
            "risk_grade": [(str(label), code) for code, label in Enterprise.RiskGrade.choices],
        }
    statuses = (Hazard.Status.REPORTED, Hazard.Status.RECTIFYING)
    return {
        "key_area": areas,
        "level": [(str(label), code) for code, label in HazardLevel.choices],
        "status": [(str(status.label), str(status.value)) for status in statuses],
    }


def _example_row(kind: str, user: User, allowed: dict[str, list[tuple[str, str]]]) -> dict:
    """A realistic row the import accepts for ``user`` (when the lookups it names exist)."""

    def first(key: str, default: str = "") -> str:
        values = allowed.get(key) or []
        return values[0][0] if values else default

    if kind == "enterprises":
        areas = "、".join(name for name, _code in (allowed["key_areas"][:2]))
        return {
            "name": "吉林高新江城精细化工有限公司",
            "credit_code": _example_credit_code(),
            "supervising_unit": first("supervising_unit"),
            "key_areas": areas,
            "industry": "化学原料和化学制品制造业",
            "address": "吉林市高新区深圳街88号",
            "contact_person": "王建国",
            "contact_phone": "0432-64501234",
            "risk_grade": str(Enterprise.RiskGrade.HIGH.label),
        }
    enterprise = (
        scope_queryset(Enterprise.objects.all(), user)
        .prefetch_related("key_areas")
        .order_by("name")
        .first()
    )
    area = first("key_area")
    if enterprise is not None:
        own = sorted(enterprise.key_areas.all(), key=lambda a: a.name)
        area = own[0].name if own else area
    found_on = timezone.localdate()
    deadline = found_on + dt.timedelta(days=14)
    return {
        "enterprise": enterprise.credit_code if enterprise else _example_credit_code(),
        "key_area": area,
        "description": "仓库消防通道被货物占用，应急照明损坏",
        "level": str(HazardLevel.GENERAL.label),
        "found_on": found_on,
        "deadline": deadline,
        "place": "2号仓库东侧通道",
        "responsible_person": "李明",
        "status": str(Hazard.Status.REPORTED.label),
        "plan_responsibility": "企业安全管理部负责人李明",
        "plan_measures": "清理通道堆放货物，更换应急照明灯具",
        "plan_funds": 3000,
        "plan_time_limit": deadline,
        "plan_contingency": "《仓库火灾事故现场处置方案》",
    }


def _write(sheet, row: int, col: int, value: Any, text_format, date_format) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
    else:
        sheet.write(row, col, value, text_format)


def template_response(kind: str, user: User) -> FileResponse:
    """The import template of ``kind`` for ``user``: see the module's docstring."""
    columns = columns_for(kind)
    allowed = _allowed_values(kind, user)
    example = _example_row(kind, user, allowed)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = new_workbook(path)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD"})
    sample = workbook.add_format({"italic": True, "font_color": "#808080"})
    sample_date = workbook.add_format(
        {"italic": True, "font_color": "#808080", "num_format": "yyyy-mm-dd"}
    )
    note = workbook.add_format({"italic": True, "font_color": "#C00000"})
    main_name = _("Enterprises") if kind == "enterprises" else _("Existing hazards")
    allowed_name = _("Allowed values")
    main = workbook.add_worksheet(main_name)
    example_sheet = workbook.add_worksheet(_("Example"))
    allowed_sheet = workbook.add_worksheet(allowed_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

    for sheet in (main, example_sheet):
        for index, (_key, label, required) in enumerate(columns):
            sheet.write(0, index, f"{label}*" if required else str(label), bold)
            sheet.set_column(index, index, 20)
    for index, (key, _label, _required) in enumerate(columns):
        _write(example_sheet, 1, index, example.get(key, ""), sample, sample_date)
        if key in ("found_on", "deadline", "plan_time_limit"):
            main.set_column(index, index, 20, date_format)
    example_sheet.write(
        3,
        0,
        _(
            "This sheet is an example and is never imported. Copy the row onto the first "
            "sheet, under its header, or type your own rows there; the codes each column "
            "accepts are on the sheet “%(sheet)s”."
        )
        % {"sheet": allowed_name},
        note,
    )

    labels = {key: str(label) for key, label, _required in columns}
    for index, header in enumerate((_("Column"), _("Value"), _("Code accepted"))):
        allowed_sheet.write(0, index, header, bold)
    allowed_sheet.set_column(0, 0, 20)
    allowed_sheet.set_column(1, 1, 36)
    allowed_sheet.set_column(2, 2, 24)
    row = 1
    positions = {key: index for index, (key, _label, _required) in enumerate(columns)}
    for key, values in allowed.items():
        first_row = row
        for value, code in values:
            allowed_sheet.write(row, 0, labels[key])
            allowed_sheet.write(row, 1, value)
            allowed_sheet.write(row, 2, code)
            row += 1
        # Key areas of an enterprise may be several: no dropdown there.
        if values and key != "key_areas":
            main.data_validation(
                1,
                positions[key],
                VALIDATED_ROWS,
                positions[key],
                {
                    "validate": "list",
                    "source": f"='{allowed_name}'!$B${first_row + 1}:$B${row}",
                    # The codes are accepted too: warn, do not refuse.
                    "error_type": "warning",
                },
            )
    workbook.close()
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)
    return FileResponse(handle, as_attachment=True, filename=f"{main_name}-{_('template')}.xlsx")
