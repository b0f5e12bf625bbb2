from tests.placements.conftest import cast, institution, micro_listing  # noqa: F401
