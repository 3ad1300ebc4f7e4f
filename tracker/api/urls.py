"""API routes. Names are namespace-free and start with `api-`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tracker.api import views

router = DefaultRouter()
router.root_view_name = "api-root"
router.register("actors", views.ActorViewSet, basename="api-actor")
router.register("places", views.PlaceViewSet, basename="api-place")
router.register("agreements", views.AgreementViewSet, basename="api-agreement")
router.register("events", views.EventViewSet, basename="api-event")
router.register("articles", views.ArticleViewSet, basename="api-article")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from a URL, so the
    # page needs no inline script under our Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("stats/events-per-period/", views.EventsPerPeriodView.as_view(), name="api-stats-events-per-period"),
    path("stats/actor-pairs/", views.ActorPairsView.as_view(), name="api-stats-actor-pairs"),
    path("exports/events.csv", views.EventCsvExportView.as_view(), name="api-export-events-csv"),
    path("exports/events.jsonl", views.EventJsonLinesExportView.as_view(), name="api-export-events-jsonl"),
    path("", include(router.urls)),
]
