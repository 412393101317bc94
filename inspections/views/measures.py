# Work in progress.
from django.http import Http404
from django.views import View


def measure_new(request, *args, **kwargs):
    raise Http404


def measure_delete(request, *args, **kwargs):
    raise Http404


class MeasureListView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
