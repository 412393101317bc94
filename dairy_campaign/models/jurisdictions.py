from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import Level
from ..scoping import scope_prefix, user_scope_prefix


class JurisdictionQuerySet(models.QuerySet):
    def within(self, prefix: str):
        return self.filter(code__startswith=prefix)

    def visible_to(self, user):
        if user.is_authenticated and user.is_superuser:
            return self.all()
        prefix = user_scope_prefix(user)
        return self.none() if prefix is None else self.within(prefix)


class Jurisdiction(models.Model):
    """An administrative division of Jiangsu, keyed by its GB/T 2260 code.

    Loaded from data by a migration; the code is the primary key so that every
    scoped record can be filtered by code prefix without a join.
    """

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name

    @property
    def prefix(self) -> str:
        return scope_prefix(self.code)

    def ancestors(self) -> list["Jurisdiction"]:
        """From the province down to the parent (at most two queries-free steps)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def contains(self, other: "Jurisdiction | str") -> bool:
        code = other if isinstance(other, str) else other.code
        return code.startswith(self.prefix)
