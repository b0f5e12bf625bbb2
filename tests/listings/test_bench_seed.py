import io

from listings import bench
from listings.models import Listing, SearchTerm
from listings.search import Params, Viewer, search_listings


def test_seed_bench_bulk_inserts_searchable_listings(db):
    assert bench.seed(io.StringIO(), listings=0) is False
    assert bench.seed(io.StringIO(), listings=120) is True
    assert Listing.objects.published().count() == 120
    assert not Listing.objects.filter(search_vector__isnull=True).exists()
    assert not Listing.objects.filter(work_window="").exists()
    assert SearchTerm.objects.filter(word="intern").exists()
    result = search_listings(Params(q="intern"), viewer=Viewer())
    assert result.total == Listing.objects.filter(kind="internship").count()
