# Work in progress.
from django.http import Http404
from django.views import View


def coverage(request, *args, **kwargs):
    raise Http404


class NotInspectedListView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
