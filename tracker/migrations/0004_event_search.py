"""A GIN index for full-text search of events on PostgreSQL (nothing on SQLite).

The indexed expression is exactly the one `EventQuerySet.search()` produces
(`SearchVector("title", "summary", config="english")`), so the planner can
use it: `to_tsvector('english', COALESCE(title, '') || ' ' || COALESCE(summary, ''))`.
If one changes, change the other and check with EXPLAIN.
"""

from django.db import migrations

INDEX = "tracker_event_search_gin"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON tracker_event USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '')))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_candidate_event_queue")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
