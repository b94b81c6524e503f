"""Query pieces the inspections selectors share."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``) as a subquery:
    each row of a page counts its own, instead of the whole list being joined and grouped
    before the page is cut from it."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())
