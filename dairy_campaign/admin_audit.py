"""The back office keeps the audit trail like every other path: each save or delete made
there leaves one history row naming the administrator and a reason, and no history row is
ever edited or deleted from it.

`AuditedAdmin` is for registers an administrator may correct; `EvidenceAdmin` for records
that change only through their services (a licence's decisions are taken with a reason, a
legal basis and a document number), which the back office shows but does not change.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    def change_reason(self, request, form, change: bool) -> str:
        """Which fields the administrator changed, in words: the history row's reason."""
        if not change:
            return _("Added in the back office")
        if getattr(request, "_history_revert", False):
            return _("Reverted in the back office to an earlier version")
        labels = [str(form.fields[name].label or name) for name in form.changed_data if name in form.fields]
        return _("Changed in the back office: %(fields)s") % {"fields": ", ".join(labels) or "—"}

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.change_reason(request, form, change)
        super().save_model(request, obj, form, change)  # SimpleHistoryAdmin sets _history_user

    def save_formset(self, request, form, formset, change):
        """Inline rows (a campaign's phases) carry the administrator and a reason too."""
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            self._stamp(removed, request, _("Deleted in the back office"))
            removed.delete()
        for instance in instances:
            added = instance._state.adding
            self._stamp(instance, request, _("Added in the back office") if added else _("Changed in the back office"))
            instance.save()
        formset.save_m2m()

    def delete_model(self, request, obj):
        self._stamp(obj, request, _("Deleted in the back office"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so that each deletion's history row has its author and reason.
        for obj in queryset:
            self.delete_model(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed revert for anyone who may *view* the history:
        # reverting is a change, and only those who may change the record make it.
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            request._history_revert = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def _stamp(obj, request, reason: str):
        obj._history_user = request.user
        obj._change_reason = reason


class EvidenceAdmin(AuditedAdmin):
    """Shown, with its history, but never added, changed, reverted or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def registered_history_models(site: admin.AdminSite = admin.site) -> list[type]:
    """History models registered in the back office: there must be none (a history row is
    read through its record's history page, and never edited)."""
    from simple_history.models import HistoricalChanges

    return [model for model in site._registry if issubclass(model, HistoricalChanges)]
