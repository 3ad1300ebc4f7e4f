"""The API's event filters: the shared EventFilter plus ordering and, for staff, status."""

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


class ApiEventFilter(EventFilter):
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

    def filter_queryset(self, queryset):
        # Visibility comes first and does not depend on the parameter being given.
        status = self.form.cleaned_data.get("status")
        user = getattr(self.request, "user", None)
        if not status or not can_see_unpublished(user):
            status = Event.Status.PUBLISHED
        queryset = queryset.filter(status=status, merged_into__isnull=True)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["-date"])
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        return queryset  # applied in filter_queryset

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
