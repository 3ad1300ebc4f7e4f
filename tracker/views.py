"""Reader pages. Only published events are ever shown here."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.models import Actor, Agreement, Event, Place


@require_safe
def overview(request):
    events = Event.objects.published().recent_first()[:50]
    return render(request, "tracker/overview.html", {"events": events})


@require_safe
def actor_detail(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    events = Event.objects.published().involving(actor).recent_first()[:50]
    return render(request, "tracker/actor_detail.html", {"actor": actor, "events": events})


@require_safe
def place_detail(request, slug):
    place = get_object_or_404(Place, slug=slug)
    events = Event.objects.published().at(place).recent_first()[:50]
    return render(request, "tracker/place_detail.html", {"place": place, "events": events})


@require_safe
def agreement_detail(request, slug):
    agreement = get_object_or_404(Agreement, slug=slug)
    events = Event.objects.published().under(agreement).chronological()
    return render(request, "tracker/agreement_detail.html", {"agreement": agreement, "events": events})


@require_safe
def event_detail(request, pk):
    event = get_object_or_404(Event.objects.published(), pk=pk)
    return render(request, "tracker/event_detail.html", {"event": event})


@never_cache
@require_safe
def health(request):
    """Report whether the web process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception as error:  # noqa: BLE001 - a health check reports any failure
        return JsonResponse({"status": "error", "database": str(error.__class__.__name__)}, status=503)
