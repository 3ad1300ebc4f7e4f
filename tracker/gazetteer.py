"""The curated names, read from the database for the text pipeline and kept fresh.

`load_gazetteer_data()` reads every curated actor, place and agreement with
their aliases in a few queries. `current_gazetteer()` keeps the compiled
matcher per process and rebuilds it when the version stored in Django's
cache changes; the signal receivers below bump that version whenever an
editor saves or deletes a name, so the next parse sees it without a restart.
"""

from __future__ import annotations

import logging
import threading
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tracker.extract.names import Gazetteer
from tracker.extract.types import ACTOR, AGREEMENT, PLACE, Entry, GazetteerData, Surface
from tracker.models import (
    Actor,
    ActorAlias,
    ActorRelation,
    Agreement,
    AgreementAlias,
    Place,
    PlaceAlias,
)

log = logging.getLogger("tracker")

VERSION_KEY = "tracker:gazetteer:version"
_lock = threading.Lock()
_compiled: Gazetteer | None = None


def load_gazetteer_data(version: str = "") -> GazetteerData:
    """Read the curated names into plain data, in seven queries whatever the size."""
    # Queries: actors, acts_for relations, actor aliases, places, place aliases, agreements, agreement aliases.
    acts_for: dict[int, list[int]] = {}
    for actor_id, other_id in ActorRelation.objects.filter(kind=ActorRelation.Kind.ACTS_FOR).values_list(
        "actor_id", "other_id"
    ):
        acts_for.setdefault(actor_id, []).append(other_id)
    entries = [
        Entry(kind=ACTOR, id=pk, name=name, actor_kind=kind, acts_for=tuple(acts_for.get(pk, ())))
        for pk, name, kind in Actor.objects.values_list("pk", "name", "kind")
    ]
    entries += [Entry(kind=PLACE, id=pk, name=name) for pk, name in Place.objects.values_list("pk", "name")]
    entries += [Entry(kind=AGREEMENT, id=pk, name=name) for pk, name in Agreement.objects.values_list("pk", "name")]
    surfaces = [Surface(text=e.name, entry_kind=e.kind, entry_id=e.id) for e in entries]
    surfaces += [
        Surface(text=name, entry_kind=ACTOR, entry_id=actor_id, alias_kind=kind, match_case=match_case)
        for actor_id, name, kind, match_case in ActorAlias.objects.values_list("actor_id", "name", "kind", "match_case")
    ]
    surfaces += [
        Surface(text=name, entry_kind=PLACE, entry_id=place_id, alias_kind="alias", match_case=match_case)
        for place_id, name, match_case in PlaceAlias.objects.values_list("place_id", "name", "match_case")
    ]
    surfaces += [
        Surface(text=name, entry_kind=AGREEMENT, entry_id=agreement_id, alias_kind="alias", match_case=match_case)
        for agreement_id, name, match_case in AgreementAlias.objects.values_list("agreement_id", "name", "match_case")
    ]
    return GazetteerData(entries=tuple(entries), surfaces=tuple(surfaces), version=version)


def gazetteer_version() -> str:
    """Return the version of the curated names that every process agrees on."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def bump_gazetteer_version() -> None:
    """Mark the compiled gazetteers of every process as stale."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def current_gazetteer() -> Gazetteer:
    """Return the compiled gazetteer, rebuilt if editors changed names since it was built."""
    global _compiled
    version = gazetteer_version()
    compiled = _compiled
    if compiled is not None and compiled.version == version:
        return compiled
    with _lock:
        if _compiled is None or _compiled.version != version:
            _compiled = Gazetteer.from_data(load_gazetteer_data(version))
            log.info("event=gazetteer_built version=%s surfaces=%d", version, len(_compiled))
        return _compiled


def _names_changed(sender, **kwargs):
    # Bump now (this process, tests) and again after commit, so that a process that rebuilt
    # between the save and the commit, and read the old rows, rebuilds once more.
    bump_gazetteer_version()
    transaction.on_commit(bump_gazetteer_version)


for _model in (Actor, ActorAlias, ActorRelation, Place, PlaceAlias, Agreement, AgreementAlias):
    receiver(post_save, sender=_model, dispatch_uid=f"gazetteer_save_{_model.__name__}")(_names_changed)
    receiver(post_delete, sender=_model, dispatch_uid=f"gazetteer_delete_{_model.__name__}")(_names_changed)
