"""Reader pages and operational endpoints."""

from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("healthz", views.health, name="health"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("places/<slug:slug>/", views.place_detail, name="place-detail"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
]
