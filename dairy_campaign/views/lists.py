"""The one list page every app reuses: scoped, filtered, paginated, exportable."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_filters.views import FilterView

from ..exports import xlsx_response


class ScopedListView(LoginRequiredMixin, FilterView):
    """Rows come from `model.objects.visible_to(user)`, then the filterset.

    `?export=xlsx` returns the same filtered rows as a workbook with `export_columns`
    [(header, function of a row)].
    """

    paginate_by = 50
    export_columns: list[tuple[str, object]] = []
    export_name = "export"
    related = ()

    def get_queryset(self):
        if not hasattr(self.model.objects, "visible_to"):
            raise ImproperlyConfigured(f"{self.model.__name__} has no visible_to()")
        return self.model.objects.visible_to(self.request.user).select_related(*self.related)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        headers = [str(h) for h, _ in self.export_columns]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            f"{self.export_name}-{stamp}.xlsx",
            self.export_name,
            headers,
            ([fn(row) for _, fn in self.export_columns] for row in rows.iterator(chunk_size=2000)),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx
