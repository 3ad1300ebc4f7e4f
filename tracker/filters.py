"""Event filters shared by the reader pages, the exports and the API."""

import datetime as dt

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tracker.extract.partial_date import PartialDate
from tracker.models import Actor, Agreement, Event, EventActor, EventAgreement, Place, Precision


class PartialDateField(forms.CharField):
    """A form field for YYYY, YYYY-MM or YYYY-MM-DD that reports a malformed date."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                PartialDate.parse(value)
            except ValueError as error:
                raise forms.ValidationError(
                    "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2018, 2018-09 or 2018-09-17).",
                    code="invalid",
                ) from error
        return value


class PartialDateFilter(django_filters.CharFilter):
    """Accept YYYY, YYYY-MM or YYYY-MM-DD; compare against the span an event covers."""

    field_class = PartialDateField

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


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, turned into UTC before it reaches the database.

    Python accepts offsets up to ±24 h that PostgreSQL refuses; in UTC they
    compare the same and cannot fail in the query.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError("This date and time is out of range.", code="invalid") from error


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class EventFilter(django_filters.FilterSet):
    # The relation filters use `pk IN (subquery)` rather than a join: no
    # DISTINCT, so counts and pages stay cheap on a large table.
    actor = django_filters.ModelMultipleChoiceFilter(
        field_name="actors__slug",
        to_field_name="slug",
        queryset=Actor.objects.all(),
        method="filter_actor",
        help_text="Actor slug; repeat for several (events involving any of them).",
    )
    agreement = django_filters.ModelChoiceFilter(
        field_name="agreements__slug",
        to_field_name="slug",
        queryset=Agreement.objects.all(),
        method="filter_agreement",
        help_text="Agreement slug.",
    )
    place = django_filters.ModelChoiceFilter(
        field_name="places__slug",
        to_field_name="slug",
        queryset=Place.objects.all(),
        method="filter_place",
        help_text="Place slug.",
    )
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices)
    precision = django_filters.ChoiceFilter(choices=Precision.choices)
    date_from = PartialDateFilter(edge="first", label="From")
    date_to = PartialDateFilter(edge="last", label="To")
    q = django_filters.CharFilter(method="filter_text", label="Text")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Event
        fields = ["actor", "agreement", "place", "kind", "precision", "date_from", "date_to", "q", "updated_since"]

    @extend_schema_field(OpenApiTypes.STR)  # a slug, for the API schema
    def filter_actor(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=EventActor.objects.filter(actor__in=value).values("event_id"))

    @extend_schema_field(OpenApiTypes.STR)  # a slug, for the API schema
    def filter_agreement(self, queryset, name, value):
        return queryset.filter(pk__in=EventAgreement.objects.filter(agreement=value).values("event_id"))

    @extend_schema_field(OpenApiTypes.STR)  # a slug, for the API schema
    def filter_place(self, queryset, name, value):
        return queryset.filter(pk__in=Event.places.through.objects.filter(place=value).values("event_id"))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset
