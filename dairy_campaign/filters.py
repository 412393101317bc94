import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AgencyKind, Role
from .forms import bootstrapify
from .models import Agency, Notification, User

# The largest integer the databases keep (signed 64 bits). A bigger number in a query string
# is a 400: SQLite's driver cannot even pass it along (OverflowError, a 500).
BIGGEST_INTEGER = 2**63 - 1


class BoundedFilterSet(django_filters.FilterSet):
    """Number filters take only numbers a database can compare with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number_filter in self.filters.values():  # this instance's own copies
            if isinstance(number_filter, django_filters.NumberFilter):
                number_filter.extra.setdefault("max_value", BIGGEST_INTEGER)
                number_filter.extra.setdefault("min_value", -BIGGEST_INTEGER)


class StyledFilterSet(BoundedFilterSet):
    """Filter forms share the Bootstrap look of every other form."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            bootstrapify(form)
            form._styled = True
        return form


class AgencyFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("kind"))
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Agency
        fields = ["kind", "jurisdiction"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


class UserFilter(StyledFilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    kind = django_filters.ChoiceFilter(field_name="agency__kind", choices=AgencyKind.choices, label=_("agency kind"))
    jurisdiction = django_filters.CharFilter(
        field_name="agency__jurisdiction__code", lookup_expr="startswith", label=_("jurisdiction code")
    )
    is_active = django_filters.BooleanFilter(label=_("active"))
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = User
        fields = ["role", "kind", "jurisdiction", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class NotificationFilter(StyledFilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"))

    class Meta:
        model = Notification
        fields = ["unread"]
