"""Factories for generated documents."""

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from safetyzone.documents.models import GeneratedDocument

from ..factories import UnitFactory

PDF_BYTES = b"%PDF-1.7\n% test document\n%%EOF\n"


class GeneratedDocumentFactory(DjangoModelFactory[GeneratedDocument]):
    """A finished unit profile of ``unit`` (its own subject), with a small file."""

    class Meta:
        model = GeneratedDocument

    kind = "unit_profile"
    unit = factory.SubFactory(UnitFactory)
    content_type = factory.LazyFunction(
        lambda: ContentType.objects.get_by_natural_key("org", "unit")
    )
    object_id = factory.SelfAttribute("unit.pk")
    status = GeneratedDocument.Status.DONE
    filename = factory.LazyAttribute(lambda d: f"{d.unit.name}概况.pdf")
    file = factory.Maybe(
        factory.LazyAttribute(lambda d: d.status == GeneratedDocument.Status.DONE),
        yes_declaration=factory.django.FileField(data=PDF_BYTES, filename="unit_profile.pdf"),
        no_declaration="",
    )
