"""Build GazetteerData from the shared names.json format (tests, benchmarks, the dev corpus)."""

from __future__ import annotations

import re

from tracker.extract.types import ACTOR, AGREEMENT, PLACE, Entry, GazetteerData, Surface

_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ish|ian|an|ese|i|ic)$")


def _alias_kind(alias: str, actor_kind: str, place_names: set[str]) -> str:
    if actor_kind == "state" and alias.lower() in place_names:
        return "capital"
    if actor_kind == "state" and _DEMONYM.match(alias):
        return "demonym"
    if alias.replace(".", "").isupper():
        return "acronym"
    return "alias"


def gazetteer_data_from_names(names: dict, version: str = "names.json") -> GazetteerData:
    """Return GazetteerData for {"actors": {...}, "places": {...}, "agreements": {...}}.

    An alias is a string, or {"name", "kind", "match_case"}. Without a kind, an
    alias of a state that is also a place's name is its capital, and a
    "Turkish"-like word its demonym. Ids are the canonical names.
    """
    place_names = set()
    for name, info in names.get("places", {}).items():
        place_names.add(name.lower())
        place_names.update(str(a).lower() for a in info.get("aliases", []))
    entries, surfaces = [], []
    for name, info in names.get("actors", {}).items():
        kind = str(info.get("kind", "other")).replace(" ", "_")
        acts_for = info.get("acts_for") or ()
        acts_for = (acts_for,) if isinstance(acts_for, str) else tuple(acts_for)
        entries.append(Entry(kind=ACTOR, id=name, name=name, actor_kind=kind, acts_for=acts_for))
        for alias in info.get("aliases", []):
            if isinstance(alias, dict):
                surfaces.append(
                    Surface(alias["name"], ACTOR, name, alias.get("kind", "alias"), bool(alias.get("match_case")))
                )
            else:
                surfaces.append(Surface(alias, ACTOR, name, _alias_kind(alias, kind, place_names)))
    for field, kind in (("places", PLACE), ("agreements", AGREEMENT)):
        for name, info in names.get(field, {}).items():
            entries.append(Entry(kind=kind, id=name, name=name))
            for alias in info.get("aliases", []):
                if isinstance(alias, dict):
                    surfaces.append(Surface(alias["name"], kind, name, "alias", bool(alias.get("match_case"))))
                else:
                    surfaces.append(Surface(alias, kind, name, "alias"))
    surfaces += [Surface(e.name, e.kind, e.id) for e in entries]
    return GazetteerData(entries=tuple(entries), surfaces=tuple(surfaces), version=version)
