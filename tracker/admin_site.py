"""The editors' admin site: its name, and a home page with the counts that matter."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class TrackerAdminSite(admin.AdminSite):
    site_header = "Syria Conflict Tracker"
    site_title = "Syria Conflict Tracker"
    index_title = "Curation and review"
    index_template = "admin/tracker/index.html"

    def index(self, request, extra_context=None):
        from tracker.admin import dashboard_counts

        return super().index(request, {"dashboard": dashboard_counts(), **(extra_context or {})})


class TrackerAdminConfig(AdminConfig):
    """Install the admin with `TrackerAdminSite` as `admin.site`."""

    default_site = "tracker.admin_site.TrackerAdminSite"
