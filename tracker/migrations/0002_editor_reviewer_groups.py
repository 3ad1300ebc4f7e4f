"""Create the Editor and Reviewer groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = [
    "actor",
    "actoralias",
    "actorrelation",
    "place",
    "placealias",
    "agreement",
    "agreementalias",
    "agreementparty",
    "article",
    "event",
    "eventactor",
    "eventagreement",
    "eventsource",
]
ACTIONS = ["view", "add", "change", "delete"]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor_codenames = [f"{action}_{model}" for model in CURATED for action in ACTIONS]
    editor_perms = list(Permission.objects.filter(content_type__app_label="tracker", codename__in=editor_codenames))
    reviewer_perms = editor_perms + list(
        Permission.objects.filter(content_type__app_label="tracker", codename="publish_event")
    )
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(editor_perms)
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.set(reviewer_perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
