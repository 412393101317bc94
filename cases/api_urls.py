from rest_framework.routers import DefaultRouter

from .api import cases, complaints, supervision

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (cases, supervision, complaints):
    module.register(router)

urlpatterns = router.urls
