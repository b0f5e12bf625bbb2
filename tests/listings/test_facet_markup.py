"""The facet list renders in one template tag instead of an include per value (issue 17: the
includes were a quarter of the browse page's rendering). The markup must stay what the include
rendered: same checkboxes, values, ids, labels, counts and checked states."""

import pytest
from django.template import Context, Template
from django.test import Client

from listings.search import Params, Viewer, search_listings
from tests.listings.factories import PublishedListingFactory

# templates/listings/_facet.html before the change, as each loop included it.
OLD_FACET = """<div class="form-check">
  <input form="search-form" class="form-check-input" type="checkbox" name="{{ name }}" value="{{ v.value }}" id="f-{{ name }}-{{ v.value|slugify }}"{% if v.selected %} checked{% endif %}>
  <label class="form-check-label" for="f-{{ name }}-{{ v.value|slugify }}">{{ v.label }} <span class="text-body-secondary">({{ v.count }})</span></label>
</div>
"""
FACETS = ("kind", "compensation", "field", "hours", "duration", "country", "skill")


def old_markup(facets: dict) -> str:
    loops = []
    for name in FACETS:
        body = OLD_FACET.replace("{{ name }}", name)
        if name == "field":
            body = "{% if v.count or v.selected %}" + body + "{% endif %}"
        loops.append("{% for v in f." + name + " %}" + body + "{% endfor %}")
    return Template("|".join(loops)).render(Context({"f": facets}))


def new_markup(facets: dict) -> str:
    tags = [
        '{% facet_checkboxes f.field "field" only_counted=True %}'
        if n == "field"
        else f'{{% facet_checkboxes f.{n} "{n}" %}}'
        for n in FACETS
    ]
    return Template("{% load listing_tags %}" + "|".join(tags)).render(Context({"f": facets}))


@pytest.fixture
def listings(org, employer):
    PublishedListingFactory(
        organization=org, actor=employer, skills=["Python", "C++ & <C#>"], eligible_countries=["DE"]
    )
    PublishedListingFactory(organization=org, actor=employer, kind="micro", field="research", skills=["Excel"])
    for i in range(3):
        PublishedListingFactory(organization=org, actor=employer, field="writing", hours_per_week=5 + 10 * i)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": ["micro"]},
        {"field": ["writing", "research"], "skill": ["Python"]},
        {"country": ["DE", "worldwide"], "hours": ["lte10"]},
        {"q": "intern", "skill": ["C++ & <C#>"], "duration": ["43-90"], "compensation": ["paid"]},
        {"field": ["government"]},  # nothing matches: selected values still listed
    ],
)
def test_the_facet_tag_renders_what_the_includes_rendered(listings, params):
    facets = search_listings(Params(**params), viewer=Viewer()).facets
    old, new = old_markup(facets), new_markup(facets)
    assert new == old
    if not params:  # every skill is listed: labels and values are escaped
        assert 'value="C++ &amp; &lt;C#&gt;"' in new and ">C++ &amp; &lt;C#&gt; <span" in new


def test_the_browse_page_shows_every_facet_value_with_its_count(listings):
    response = Client().get("/listings/", {"field": "writing"})
    page = response.content.decode()
    facets = response.context["result"].facets
    assert old_markup(facets).split("|")[2] in page  # the field facet, as the include rendered it
    for name in FACETS:
        assert new_markup(facets).split("|")[FACETS.index(name)] in page
    assert 'id="f-field-writing" checked' in page and "Writing <span" in page
