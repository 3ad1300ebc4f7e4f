"""Event filters shared by the reader pages, the exports and the API."""

import django_filters

from tracker.extract.partial_date import PartialDate
from tracker.models import Actor, Agreement, Event, Place, Precision


class PartialDateFilter(django_filters.CharFilter):
    """Accept YYYY, YYYY-MM or YYYY-MM-DD; compare against the span an event covers."""

    def __init__(self, *args, edge="first", **kwargs):
        self.edge = edge
        kwargs.setdefault("help_text", "YYYY, YYYY-MM or YYYY-MM-DD")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            when = PartialDate.parse(value)
        except ValueError:
            # The form's validation reports it; an invalid bound filters nothing out.
            return qs.none()
        if self.edge == "first":
            return qs.between(start=when.first)
        return qs.between(end=when.last)


class EventFilter(django_filters.FilterSet):
    actor = django_filters.ModelMultipleChoiceFilter(
        field_name="actors__slug",
        to_field_name="slug",
        queryset=Actor.objects.all(),
        distinct=True,
        help_text="Actor slug; repeat for several (events involving any of them).",
    )
    agreement = django_filters.ModelChoiceFilter(
        field_name="agreements__slug", to_field_name="slug", queryset=Agreement.objects.all(), distinct=True
    )
    place = django_filters.ModelChoiceFilter(
        field_name="places__slug", to_field_name="slug", queryset=Place.objects.all(), distinct=True
    )
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices)
    precision = django_filters.ChoiceFilter(choices=Precision.choices)
    date_from = PartialDateFilter(edge="first", label="From")
    date_to = PartialDateFilter(edge="last", label="To")
    q = django_filters.CharFilter(method="filter_text", label="Text")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Event
        fields = ["actor", "agreement", "place", "kind", "precision", "date_from", "date_to", "q", "updated_since"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset
