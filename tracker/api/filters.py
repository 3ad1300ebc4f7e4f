"""The API's event filters: the shared EventFilter with visibility, and for lists ordering and status."""

import django_filters

from tracker.api.permissions import can_see_unpublished
from tracker.filters import EventFilter
from tracker.models import Event

ORDERINGS = {
    "date": ("date_start", "precision_rank", "date_last", "pk"),
    "-date": ("-date_start", "-precision_rank", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
DEFAULT_ORDERING = "-date"


class PublicEventFilter(EventFilter):
    """EventFilter over published events only, whoever asks (aggregates)."""

    def filter_queryset(self, queryset):
        queryset = self.visible(queryset)
        if self.request is not None:
            # The pagination caches counts of public lists only.
            self.request.events_public_only = self.public_only
        return super().filter_queryset(queryset)

    public_only = True

    def visible(self, queryset):
        # Merging rejects the merged event, but an editor may still flip its status
        # in the admin: as on the reader pages, a merged event is never listed.
        return queryset.filter(status=Event.Status.PUBLISHED, merged_into__isnull=True)


class ApiEventFilter(PublicEventFilter):
    """EventFilter with ordering, and candidate or rejected events for staff who ask."""

    status = django_filters.ChoiceFilter(
        choices=Event.Status.choices,
        method="filter_status",
        help_text="Staff with the view_event permission only (candidate, published, rejected); "
        "everyone else always gets published events.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("date", "Oldest first"),
            ("-date", "Newest first"),
            ("updated", "Least recently updated first"),
            ("-updated", "Most recently updated first"),
        ],
        method="filter_ordering",
        empty_label=None,
        help_text="date (oldest first), -date (newest first, the default), updated or -updated.",
    )

    class Meta(EventFilter.Meta):
        fields = [*EventFilter.Meta.fields, "status", "ordering"]

    def visible(self, queryset):
        status = self.form.cleaned_data.get("status")
        if not status or not can_see_unpublished(getattr(self.request, "user", None)):
            return super().visible(queryset)
        self.public_only = status == Event.Status.PUBLISHED
        return queryset.filter(status=status, merged_into__isnull=True)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS[DEFAULT_ORDERING])
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        return queryset  # applied by visible()

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
