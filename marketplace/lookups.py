"""``field__any=[...]``: the column equals any element of one array parameter.

``field__in=[...]`` sends one parameter per value; a facet selection can be a thousand keys, and
building, adapting and parsing a thousand parameters costs milliseconds on every search. This
sends the list as a single array (``col = ANY(%s::type[])``), which PostgreSQL plans and indexes
exactly as it does an IN list.
"""

from django.db.models import Field, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::{self.lhs.output_field.cast_db_type(connection)}[])", (*lhs_params, *rhs_params)
