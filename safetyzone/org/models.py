from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import ALL_UNITS_ROLES, Role
from .validators import validate_phone, validate_uscc


class Unit(models.Model):
    """A member unit of the safety committee (成员单位): a department, a street office,
    the fire brigade... Every record in the product belongs to one."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        STREET_OFFICE = "street_office", _("Street office")
        FIRE_BRIGADE = "fire_brigade", _("Fire brigade")
        OTHER = "other", _("Other")

    class Membership(models.TextChoices):
        OFFICE = "office", _("Committee office")
        MEMBER = "member", _("Member unit")
        NONE = "none", _("Not a member")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    doc_number_prefix = models.CharField(
        _("document number prefix"),
        max_length=30,
        blank=True,
        help_text=_("Issuer prefix of the unit's document numbers, e.g. 高新安委办."),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    membership = models.CharField(
        _("committee membership"),
        max_length=10,
        choices=Membership.choices,
        default=Membership.MEMBER,
    )
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit-detail", args=[self.pk])


class KeyArea(models.Model):
    """A key area or industry of raised risk (重点领域): hazardous chemicals,
    construction, fire, gas... Enterprises, inspections and key periods refer to it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """A business or site that is inspected (企业 / 生产经营单位), supervised by one unit."""

    class RiskGrade(models.TextChoices):
        # China's four-colour grading of safety risk.
        MAJOR = "major", _("Major (red)")
        HIGH = "high", _("High (orange)")
        GENERAL = "general", _("General (yellow)")
        LOW = "low", _("Low (blue)")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    key_areas = models.ManyToManyField(
        KeyArea, verbose_name=_("key areas"), related_name="enterprises", blank=True
    )
    supervising_unit = models.ForeignKey(
        Unit,
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    risk_grade = models.CharField(
        _("risk grade"), max_length=10, choices=RiskGrade.choices, default=RiskGrade.GENERAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The unit that owns this record, for the scoping rule (safetyzone.org.scoping).
    scope_unit_field = "supervising_unit"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["supervising_unit", "name"]),
            models.Index(fields=["risk_grade"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:enterprise-detail", args=[self.pk])


class User(AbstractUser):
    """A person using SafetyZone. Belongs to one unit; holds roles as Django groups."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    display_name = models.CharField(_("full name"), max_length=50, blank=True)

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        from .authcache import grants

        return grants(self)["roles"]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sees_all_units(self) -> bool:
        return self.is_superuser or self.has_role(*ALL_UNITS_ROLES)

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]
