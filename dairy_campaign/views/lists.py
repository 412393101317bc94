"""The one list page every app reuses: scoped, filtered, paginated, exportable."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django_filters.views import FilterView

from ..exports import xlsx_response


class ScopedListView(LoginRequiredMixin, FilterView):
    """Rows come from `model.objects.visible_to(user)`, then the filterset.

    `?export=xlsx` returns the same filtered rows as a workbook with `export_columns`
    [(header, function of a row)]. More rows than `EXPORT_SYNC_MAX_ROWS` go to the hook named
    by `LARGE_EXPORT_HANDLER`, which has the worker build the file and answers the URL to
    follow; the worker rebuilds the rows with the same methods (`export_queryset` …).
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

    def export_queryset(self):
        filterset = self.get_filterset(self.get_filterset_class())
        # Unfiltered (no query string at all) is every visible row, as on the page.
        return filterset.qs if not filterset.is_bound or filterset.is_valid() else self.get_queryset().none()

    def export_headers(self) -> list[str]:
        return [str(h) for h, _ in self.export_columns]

    def export_row(self, row) -> list:
        return [fn(row) for _, fn in self.export_columns]

    def export_filename(self) -> str:
        return f"{self.export_name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"

    def export(self):
        rows = self.export_queryset()
        handler = getattr(settings, "LARGE_EXPORT_HANDLER", "")
        if handler and rows.count() > settings.EXPORT_SYNC_MAX_ROWS:
            # Named in settings, so the core never imports the app that runs it.
            query = self.request.GET.copy()
            for name in ("export", "page"):
                query.pop(name, None)
            match = self.request.resolver_match
            url = import_string(handler)(
                actor=self.request.user, url_name=match.view_name, url_kwargs=match.kwargs, query=query.urlencode()
            )
            return redirect(url)
        return xlsx_response(
            self.export_filename(),
            self.export_name,
            self.export_headers(),
            (self.export_row(row) for row in rows.iterator(chunk_size=2000)),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx
