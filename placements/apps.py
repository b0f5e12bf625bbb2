from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    """The placement workspace: goals, check-ins, hours and fee, ending. Its rows live in
    ``applications.models`` (a placement is the outcome of an application); this app sits above
    ``applications`` and only imports downwards."""

    name = "placements"

    def ready(self):
        from . import signals  # noqa: F401
