from rest_framework.routers import DefaultRouter

from . import api, api_imports

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("operators", api.OperatorViewSet, basename="operator")
router.register("licences", api.LicenceViewSet, basename="licence")
router.register("follow-ups", api.FollowUpViewSet, basename="follow-up")
router.register("register-imports", api_imports.RegisterImportViewSet, basename="register-import")
router.register("re-review-coverage", api.ReviewCoverageViewSet, basename="review-coverage")

urlpatterns = router.urls
