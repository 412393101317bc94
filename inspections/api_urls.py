from rest_framework.routers import DefaultRouter

from .api import field, templates

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
templates.register(router)
field.register(router)

urlpatterns = router.urls
