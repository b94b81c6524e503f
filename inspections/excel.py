"""Reading the import spreadsheets (enterprises, existing hazards) into rows that the
import services create record by record. Columns are found by their header, in Chinese
or English; each cell that cannot be read becomes an error of its row."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.documents.spreadsheets import (
    SpreadsheetRefused,
    uploaded_sheet_rows,
)
from safetyzone.org.models import Enterprise, KeyArea, User
from safetyzone.org.scoping import scope_queryset, unit_choices_for

from .models import Hazard, HazardLevel

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Row:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


# key, header (translated), required
ENTERPRISE_COLUMNS = [
    ("name", gettext_lazy("Name"), True),
    ("credit_code", gettext_lazy("Unified social credit code"), True),
    ("supervising_unit", gettext_lazy("Supervising unit"), True),
    ("key_areas", gettext_lazy("Key areas"), False),
    ("industry", gettext_lazy("Industry"), False),
    ("address", gettext_lazy("Address"), False),
    ("contact_person", gettext_lazy("Contact person"), False),
    ("contact_phone", gettext_lazy("Contact phone"), False),
    ("risk_grade", gettext_lazy("Risk grade"), False),
]
HAZARD_COLUMNS = [
    ("enterprise", gettext_lazy("Unified social credit code"), True),
    ("key_area", gettext_lazy("Key area"), True),
    ("description", gettext_lazy("Description"), True),
    ("level", gettext_lazy("Level"), True),
    ("found_on", gettext_lazy("Found on"), True),
    ("deadline", gettext_lazy("Deadline"), False),
    ("place", gettext_lazy("Place"), False),
    ("responsible_person", gettext_lazy("Responsible person"), False),
    ("status", gettext_lazy("Status"), False),
    ("plan_responsibility", gettext_lazy("Responsibility"), False),
    ("plan_measures", gettext_lazy("Measures"), False),
    ("plan_funds", gettext_lazy("Funds (yuan)"), False),
    ("plan_time_limit", gettext_lazy("Time limit"), False),
    ("plan_contingency", gettext_lazy("Contingency plan"), False),
]


# Headers the office's existing spreadsheets use, besides the column names in either
# language of the UI.
ALIASES = {
    "name": ("名称", "企业名称", "单位名称"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "supervising_unit": ("监管单位", "主管单位", "属地单位"),
    "key_areas": ("重点领域", "行业领域"),
    "industry": ("行业", "所属行业"),
    "address": ("地址", "注册地址", "经营地址"),
    "contact_person": ("联系人", "安全负责人"),
    "contact_phone": ("联系电话", "电话"),
    "risk_grade": ("风险等级",),
    "enterprise": ("统一社会信用代码", "信用代码"),
    "key_area": ("重点领域", "行业领域"),
    "description": ("隐患描述", "隐患内容", "描述"),
    "level": ("隐患等级", "隐患级别", "等级", "级别"),
    "found_on": ("发现日期", "排查日期"),
    "deadline": ("整改期限", "整改时限"),
    "place": ("隐患部位", "部位", "地点"),
    "responsible_person": ("责任人", "整改责任人"),
    "status": ("状态", "整改状态"),
    "plan_responsibility": ("责任落实", "整改责任"),
    "plan_measures": ("措施落实", "整改措施"),
    "plan_funds": ("资金落实", "整改资金"),
    "plan_time_limit": ("时限落实", "完成时限"),
    "plan_contingency": ("预案落实", "应急预案"),
}


def columns_for(kind: str):
    return ENTERPRISE_COLUMNS if kind == "enterprises" else HAZARD_COLUMNS


def _header_names(label) -> set[str]:
    names = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(str(label).strip().lower())
    return names


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from None


def _choice(value: Any, choices) -> str | None:
    text = _text(value).lower()
    if not text:
        return None
    for code, label in choices:
        if text in {str(code).lower(), *_header_names(label)}:
            return code
    return None


def read_rows(upload, *, kind: str, user: User) -> list[tuple[int, Row]]:
    """The data rows of the first sheet as (row number, Row). The header row is the
    first row naming every required column. A file that cannot be read is a
    ValidationError on ``file``."""
    if upload.size and upload.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is too large (at most 10 MB).")})
    try:
        with uploaded_sheet_rows(upload) as sheet_rows:
            return _read_rows(sheet_rows, kind=kind, user=user)
    except SpreadsheetRefused as exc:
        raise ValidationError({"file": exc.message}) from exc


def _read_rows(sheet_rows, *, kind: str, user: User) -> list[tuple[int, Row]]:
    columns = columns_for(kind)
    wanted = {
        key: _header_names(label) | set(ALIASES.get(key, ())) for key, label, _required in columns
    }
    positions: dict[str, int] | None = None
    rows: list[tuple[int, Row]] = []
    resolver = _Resolver(user)
    for number, values in enumerate(sheet_rows, start=1):
        if positions is None:
            found = {}
            for index, cell in enumerate(values):
                text = _text(cell).lower().rstrip("*")
                for key, names in wanted.items():
                    if text in names and key not in found:
                        found[key] = index
            if all(key in found for key, _label, required in columns if required):
                positions = found
            elif number >= 10:
                break
            continue
        if all(_text(v) == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                {"file": _("At most %(n)d rows can be imported at once.") % {"n": MAX_ROWS}}
            )
        cells = {
            key: (values[index] if index < len(values) else None)
            for key, index in positions.items()
        }
        row = Row()
        (resolver.enterprise_row if kind == "enterprises" else resolver.hazard_row)(cells, row)
        rows.append((number, row))
    if positions is None:
        missing = "、".join(str(label) for _k, label, required in columns if required)
        raise ValidationError(
            {
                "file": _("No header row found; the sheet needs the columns: %(cols)s.")
                % {"cols": missing}
            }
        )
    # No data rows (the template as downloaded) is no error: nothing is imported.
    return rows


class _Resolver:
    """Turns cell text into records, reading each lookup table once."""

    def __init__(self, user: User) -> None:
        self.units = {}
        for unit in unit_choices_for(user):
            self.units[unit.name] = unit
            if unit.short_name:
                self.units.setdefault(unit.short_name, unit)
        self.areas = {}
        for area in KeyArea.objects.all():
            self.areas[area.name] = area
            self.areas[area.code] = area
        self.user = user
        self._enterprises: dict[str, Enterprise | None] = {}

    def _area(self, text: str, row: Row, name: str) -> KeyArea | None:
        area = self.areas.get(text)
        if area is None:
            row.error(name, _("Unknown key area “%(value)s”.") % {"value": text})
        return area

    def enterprise_row(self, cells: dict[str, Any], row: Row) -> None:
        values = row.values
        for key in (
            "name",
            "credit_code",
            "industry",
            "address",
            "contact_person",
            "contact_phone",
        ):
            values[key] = _text(cells.get(key))
        unit_text = _text(cells.get("supervising_unit"))
        unit = self.units.get(unit_text)
        if unit is None:
            row.error(
                "supervising_unit",
                _("Unknown unit “%(value)s”, or not one you may assign.") % {"value": unit_text},
            )
        values["supervising_unit"] = unit
        areas = []
        for part in (
            _text(cells.get("key_areas")).replace(",", "、").replace("，", "、").split("、")
        ):
            if part.strip():
                area = self._area(part.strip(), row, "key_areas")
                if area:
                    areas.append(area)
        values["key_areas"] = areas
        grade_text = _text(cells.get("risk_grade"))
        if grade_text:
            grade = _choice(grade_text, Enterprise.RiskGrade.choices)
            if grade is None:
                row.error(
                    "risk_grade", _("Unknown risk grade “%(value)s”.") % {"value": grade_text}
                )
            values["risk_grade"] = grade or Enterprise.RiskGrade.GENERAL

    def _enterprise(self, code: str) -> Enterprise | None:
        code = code.upper()
        if code not in self._enterprises:
            self._enterprises[code] = (
                scope_queryset(Enterprise.objects.filter(credit_code=code), self.user)
                .select_related("supervising_unit")
                .first()
            )
        return self._enterprises[code]

    def hazard_row(self, cells: dict[str, Any], row: Row) -> None:
        values = row.values
        code = _text(cells.get("enterprise"))
        enterprise = self._enterprise(code) if code else None
        if enterprise is None:
            row.error(
                "enterprise",
                _("No enterprise of yours has the credit code “%(value)s”.") % {"value": code},
            )
        values["enterprise"] = enterprise
        values["key_area"] = self._area(_text(cells.get("key_area")), row, "key_area")
        values["description"] = _text(cells.get("description"))
        level_text = _text(cells.get("level"))
        level = _choice(
            level_text,
            [
                *HazardLevel.choices,
                ("general", "一般"),
                ("general", "一般隐患"),
                ("major", "重大"),
                ("major", "重大隐患"),
            ],
        )
        if level is None:
            row.error("level", _("Unknown level “%(value)s”.") % {"value": level_text})
        values["level"] = level or HazardLevel.GENERAL
        for key in ("found_on", "deadline", "plan_time_limit"):
            try:
                values[key] = _date(cells.get(key))
            except ValueError as exc:
                row.error(key, str(exc))
        if values.get("found_on") is None and "found_on" not in row.errors:
            row.error("found_on", _("Give the date the hazard was found."))
        for key in (
            "place",
            "responsible_person",
            "plan_responsibility",
            "plan_measures",
            "plan_contingency",
        ):
            values[key] = _text(cells.get(key))
        funds = _text(cells.get("plan_funds"))
        values["plan_funds"] = None
        if funds:
            try:
                values["plan_funds"] = Decimal(funds)
            except InvalidOperation:
                row.error("plan_funds", _("“%(value)s” is not an amount.") % {"value": funds})
        status_text = _text(cells.get("status"))
        status = Hazard.Status.REPORTED
        if status_text:
            status = _choice(
                status_text,
                [
                    (Hazard.Status.REPORTED, Hazard.Status.REPORTED.label),
                    (Hazard.Status.REPORTED, "已上报"),
                    (Hazard.Status.REPORTED, "待整改"),
                    (Hazard.Status.RECTIFYING, Hazard.Status.RECTIFYING.label),
                    (Hazard.Status.RECTIFYING, "整改中"),
                ],
            )
            if status is None:
                row.error(
                    "status",
                    _("An imported hazard is either reported or rectifying, not “%(value)s”.")
                    % {"value": status_text},
                )
        values["status"] = status or Hazard.Status.REPORTED
