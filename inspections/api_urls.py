from rest_framework.routers import DefaultRouter

from .api import checklists, field, templates

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
templates.register(router)
field.register(router)
checklists.register(router)

urlpatterns = router.urls
