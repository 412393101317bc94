from rest_framework.routers import DefaultRouter

from .api import dashboards, summaries

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (dashboards, summaries):
    module.register(router)

urlpatterns = router.urls
