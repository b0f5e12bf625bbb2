"""The scalar facets of a listing, packed into one small integer (``Listing.facet_key``).

Counting facets over 100,000 listings with one ``COUNT(*) FILTER (...)`` per facet value costs a
predicate per value per row. Instead the database keeps, in a stored generated column, one
integer that encodes every single-valued facet of the listing (kind, field, compensation, hours
bucket, duration bucket, worldwide); a search then groups its base set by that integer (an
index-only scan, a few hundred groups) and Python adds the groups up. Because each group knows
every facet value of its listings, the counts come out *disjunctive*: each facet is counted with
every other facet's selection applied but not its own, so choosing "Marketing" still shows how
many listings the other fields have.

Bits, low to high: worldwide (1), duration bucket (2), hours bucket (2), compensation (2),
kind (1), field (5). Changing a bucket or adding a choice changes the generated column's
expression, and so needs a migration (which recomputes every row).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Q, SmallIntegerField, Value, When
from django.db.models.functions import Cast

HOURS_BUCKETS = {
    "lte10": ("Up to 10 h", Q(hours_per_week__lte=10)),
    "11-20": ("11–20 h", Q(hours_per_week__gte=11, hours_per_week__lte=20)),
    "21-30": ("21–30 h", Q(hours_per_week__gte=21, hours_per_week__lte=30)),
    "gt30": ("More than 30 h", Q(hours_per_week__gt=30)),
}
DURATION_BUCKETS = {
    "lte14": ("Up to 2 weeks", Q(duration_days__lte=14)),
    "15-42": ("2–6 weeks", Q(duration_days__gte=15, duration_days__lte=42)),
    "43-90": ("6 weeks to 3 months", Q(duration_days__gte=43, duration_days__lte=90)),
    "gt90": ("More than 3 months", Q(duration_days__gt=90)),
}


@dataclass(frozen=True)
class Part:
    """One facet inside the key: its bit offset, width and the values it takes, in order."""

    name: str
    shift: int
    bits: int
    values: tuple[str, ...]

    def decode(self, key: int) -> str | None:
        index = (key >> self.shift) & ((1 << self.bits) - 1)
        return self.values[index] if index < len(self.values) else None


def layout(kinds, fields, compensations) -> tuple[Part, ...]:
    assert len(fields) <= 32 and len(compensations) <= 4 and len(kinds) <= 2, "widen the facet key"
    return (
        Part("worldwide", 0, 1, ("no", "yes")),
        Part("duration", 1, 2, tuple(DURATION_BUCKETS)),
        Part("hours", 3, 2, tuple(HOURS_BUCKETS)),
        Part("compensation", 5, 2, tuple(compensations)),
        Part("kind", 7, 1, tuple(kinds)),
        Part("field", 8, 5, tuple(fields)),
    )


# Where each part's value comes from: a column's value, or the bucket (a Q) that holds the row.
_SOURCES = {
    "worldwide": {"yes": Q(eligible_countries=[])},
    "duration": {k: q for k, (_, q) in DURATION_BUCKETS.items()},
    "hours": {k: q for k, (_, q) in HOURS_BUCKETS.items()},
    "compensation": "compensation_type",
    "kind": "kind",
    "field": "field",
}


def key_expression(kinds, fields, compensations):
    """The generated column's SQL expression. models.py passes the choices, since it calls this
    while the model class is being built. The first value of each part is the default (0)."""
    total = None
    for part in layout(kinds, fields, compensations):
        source = _SOURCES[part.name]
        whens = []
        for index, value in enumerate(part.values):
            if index == 0:
                continue
            condition = Q(**{source: value}) if isinstance(source, str) else source[value]
            whens.append(When(condition, then=Value(index << part.shift)))
        term = Case(*whens, default=Value(0))
        total = term if total is None else total + term
    return Cast(total, SmallIntegerField())


_parts: tuple[Part, ...] | None = None


def parts() -> tuple[Part, ...]:
    global _parts
    if _parts is None:
        from .models import Field, Listing

        _parts = layout(Listing.Kind.values, Field.values, Listing.Compensation.values)
    return _parts


def decode(key: int) -> dict[str, str | None]:
    return {part.name: part.decode(key) for part in parts()}


def keys_matching(selected: dict[str, set[str]]) -> list[int]:
    """Every facet key whose values are among the selected ones (a part with no selection: any).
    A filter on the single-valued facets is then ``facet_key = ANY(...)``, which the facet indexes
    answer without reading the table."""
    keys = [0]
    for part in parts():
        chosen = selected.get(part.name)
        indexes = [i for i, value in enumerate(part.values) if not chosen or value in chosen]
        keys = [key | (i << part.shift) for key in keys for i in indexes]
    return sorted(keys)


def keys_counted(selected: dict[str, set[str]]) -> list[int] | None:
    """The facet keys that can count anywhere in disjunctive counts: those failing at most one
    facet's selection (None: every key, when fewer than two facets have a selection)."""
    if len(selected) < 2:
        return None
    keys: set[int] = set()
    for name in selected:
        keys.update(keys_matching({other: chosen for other, chosen in selected.items() if other != name}))
    return sorted(keys)
