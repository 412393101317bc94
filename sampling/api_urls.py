from rest_framework.routers import DefaultRouter

from .api import compliance, lots, plans, samples

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (lots, plans, samples, compliance):
    module.register(router)

urlpatterns = router.urls
