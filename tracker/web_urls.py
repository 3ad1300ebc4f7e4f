"""Reader pages and operational endpoints."""

from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("healthz", views.health, name="health"),
    path("timeline/", views.timeline, name="timeline"),
    path("map/", views.event_map, name="map"),
    path("matrix/", views.matrix, name="matrix"),
    path("actors/", views.actor_index, name="actor-index"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("places/", views.place_index, name="place-index"),
    path("places/<slug:slug>/", views.place_detail, name="place-detail"),
    path("agreements/", views.agreement_index, name="agreement-index"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
]
