"""What list pages draw once per row or once per filter field, made cheap.

``{{ record|label:"status" }}`` is ``record.get_status_display``: Django's rebuilds and
hashes the field's choices (translating each label) on every call; here the labels are
translated once per field and language.

``{{ field|filter_field }}``: a list page's filter field in Bootstrap's markup, as
crispy-forms draws it, but built in Python. A filter form is drawn on every request of
a list; crispy renders each field through a dozen nested templates and Django each
option of a select through its own template, which cost a list page more than its rows.
Widgets other than text-like inputs and selects are left to crispy."""

import datetime as dt
import functools

from django import forms, template
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

register = template.Library()


@functools.cache
def _labels(field, language: str | None) -> dict:
    return {value: str(text) for value, text in field.flatchoices}


@register.filter
def label(record, name: str):
    field = record._meta.get_field(name)
    value = getattr(record, field.attname)
    return _labels(field, get_language()).get(value, value)


_SKIPPED = (forms.CheckboxInput, forms.FileInput)


def _options(choices, chosen: set[str], multiple: bool, found: list) -> str:
    parts = []
    for value, text in choices:
        if isinstance(text, list | tuple):  # a group of choices
            inner = _options(text, chosen, multiple, found)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, inner))
            continue
        value = "" if value is None else str(value)
        selected = value in chosen and (multiple or not found)
        if selected:
            found.append(value)
        # format_html's work without its per-call formatting: a select of units or
        # enterprises has dozens of options, drawn on every request of a list.
        parts.append(
            f'<option value="{conditional_escape(value)}"{" selected" if selected else ""}>'
            f"{conditional_escape(text)}</option>"
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped above)


def _select(bound: forms.BoundField, attrs: dict) -> str:
    """What ``Select.render`` draws (the first matching option selected, or every one
    of a multiple select), without a template and a dictionary per option."""
    widget = bound.field.widget
    multiple = widget.allow_multiple_selected
    chosen = set(widget.format_value(bound.value()))
    if multiple:
        attrs["multiple"] = True
    attrs = widget.build_attrs(widget.attrs, attrs)
    return format_html(
        '<select name="{}"{}>{}</select>',
        bound.html_name,
        flatatt(attrs),
        _options(widget.choices, chosen, multiple, []),
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', value) if value is not None else "",
        flatatt(widget["attrs"]),
    )


@register.filter
def filter_field(bound: forms.BoundField) -> str:
    widget = bound.field.widget
    if widget.is_hidden:
        return str(bound)
    is_select = isinstance(widget, forms.Select)
    if not (is_select or isinstance(widget, Input)) or isinstance(widget, _SKIPPED):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(bound)
    css = "select form-select" if is_select else f"{type(widget).__name__.lower()} form-control"
    if bound.errors:
        css += " is-invalid"
    attrs = bound.build_widget_attrs({"class": css})
    if bound.auto_id:
        attrs["id"] = bound.auto_id
    drawn = (
        _select(bound, attrs)
        if is_select
        else _input(widget.get_context(bound.html_name, bound.value(), attrs)["widget"])
    )
    errors = format_html_join(
        "", '<div class="invalid-feedback"><strong>{}</strong></div>', ((e,) for e in bound.errors)
    )
    help_text = (
        format_html('<div class="form-text">{}</div>', bound.help_text) if bound.help_text else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        bound.auto_id,
        bound.auto_id,
        bound.label,
        drawn,
        errors,
        help_text,
    )


_PLACEHOLDER = 2147483600


_row_urls: dict[tuple, tuple[str, str]] = {}


@register.simple_tag
def row_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for each row of a list, reversed once per URL name:
    the URL is cut around a placeholder key and the row's key put in its place (a list
    reverses a URL or two per row, each costing more than the rest of the row)."""
    key = (get_urlconf(), get_script_prefix(), name)
    if key not in _row_urls:
        before, after = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER), 1)
        _row_urls[key] = (before, after)
    before, after = _row_urls[key]
    return f"{before}{int(pk)}{after}"


@register.filter
def isodate(value) -> str:
    """``|date:"Y-m-d"`` of a date without the format lookups (a list draws several per
    row). A datetime goes through ``|date``, which moves it to the current time zone."""
    if isinstance(value, dt.datetime):
        return date_filter(template_localtime(value), "Y-m-d")
    return value.isoformat() if value else ""
