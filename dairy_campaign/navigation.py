"""Navigation by role. Each app's AppConfig may declare `nav_items`; the core reads them
through the app registry, so it never imports a domain app."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] | None = None  # None: every role
    kinds: frozenset[str] | None = None  # None: every agency kind
    order: int = 100

    def shown_to(self, user) -> bool:
        if user.is_superuser:
            return True
        if self.roles is not None and user.role not in self.roles:
            return False
        return self.kinds is None or user.kind in self.kinds


CORE_NAV = [
    NavItem("home", _("Home"), order=0),
    NavItem("campaign", _("Campaign"), order=10),
    NavItem("letters", _("Responsibility letters"), order=11),
    NavItem("agency_list", _("Agencies"), order=90),
    NavItem("user_list", _("Accounts"), roles=frozenset({Role.ADMIN}), order=91),
]


def _shown(user, items) -> list[dict]:
    shown = []
    for item in sorted(items, key=lambda i: i.order):
        if item.shown_to(user):
            try:
                shown.append({"url": reverse(item.url_name), "label": item.label, "name": item.url_name})
            except NoReverseMatch:
                continue
    return shown


def nav_menu(user) -> list[dict]:
    """The menu: the core's entries on their own, each app's entries in a drop-down named
    after the app, so the bar stays one line however many apps there are."""
    menu = [{"entry": entry} for entry in _shown(user, CORE_NAV)]
    for config in apps.get_app_configs():
        entries = _shown(user, getattr(config, "nav_items", ()))
        if entries:
            names = {e["name"] for e in entries}
            menu.append({"group": config.verbose_name, "entries": entries, "names": names})
    return menu
