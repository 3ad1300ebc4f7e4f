"""Who may do what through the API."""

from rest_framework.permissions import BasePermission

CURATOR_GROUPS = ("Editor", "Reviewer")


def can_ingest(user) -> bool:
    """Return whether `user` may submit articles and follow their parsing."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm("tracker.add_article") or user.groups.filter(name__in=CURATOR_GROUPS).exists()


def can_see_unpublished(user) -> bool:
    """Return whether `user` may see candidate and rejected events (staff who may view events)."""
    return bool(
        user and user.is_authenticated and user.is_active and user.is_staff and user.has_perm("tracker.view_event")
    )


class CanIngestArticles(BasePermission):
    """Editors, Reviewers, or anyone given the `tracker.add_article` permission."""

    message = "Submitting and viewing articles needs the Editor or Reviewer role, or the add_article permission."

    def has_permission(self, request, view):
        return can_ingest(request.user)
