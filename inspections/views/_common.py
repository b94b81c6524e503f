"""What the inspections pages share."""

from django.http import HttpRequest

from safetyzone.core.pagination import Paginator

PAGE_SIZE = 25


def _page(request: HttpRequest, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
