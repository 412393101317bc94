"""Reading a county's rows through its operators' index (issue #8).

Lots, referrals and licences are scoped through the operator they concern
(`operator__county`); samples and their results keep the county themselves
(`Sample.county`). For a county, PostgreSQL joins them to the operators of the whole
province and scans every lot of the province (half a million) to keep a county's few
thousand: its cost model rates the index probes dearer than the scan. Asked as
`operator_id = ANY(ARRAY(<the county's operators>))`, the county's operators are read
once and the rows through the operator index. Same rows, the county's scope only: a
county code is a leaf of the tree, so "starts with" it is "equals" it.
"""

from django.db import connection
from django.db.models import Lookup

from dairy_campaign.scoping import COUNTY_CODE_LENGTH, ScopedQuerySet

from .register import Operator


class AnyOfSubquery(Lookup):
    """`field = ANY(ARRAY(subquery))` on PostgreSQL, `field IN (subquery)` elsewhere."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


class ThroughCountyOperators(ScopedQuerySet):
    """A scoped queryset whose scope is an operator's county (`operator_path`__county):
    a county's rows are read through the index of the operator foreign key."""

    operator_path = "operator"

    def within(self, prefix: str):
        if len(prefix) != COUNTY_CODE_LENGTH or connection.vendor != "postgresql":
            return super().within(prefix)
        operators = Operator.objects.filter(county_id=prefix).order_by().values("pk")
        return self.filter(**{f"{self.operator_path}__any_of": operators})


def register_any_of(model, field_name: str = "operator"):
    """Allow `<field>__any_of` on the model's foreign key to the operator."""
    model._meta.get_field(field_name).register_lookup(AnyOfSubquery)
