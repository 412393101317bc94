"""Q1: which purchased batches of a producer are sampled, drawn at random in a way anyone
can repeat. The seed, the digest of the population and the batches drawn are kept on the
plan line as evidence; the draw is made once.

How to re-derive a draw by hand (Python 3, standard library only):

    import hashlib, random
    ids = sorted(<ids of the producer's raw-milk and milk-powder intake lots dated from the
                  plan's first to its last day, inclusive>)
    hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest() == line.population_digest
    sorted(random.Random(line.seed).sample(ids, k=min(line.planned, len(ids)))) == line.selected_lot_ids

The first comparison shows the population is the one the draw was made from (a batch
recorded, changed or deleted since breaks it); the second shows the batches follow from
the seed, so nobody chose them.
"""

import hashlib
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dairy_campaign.services.audit import audited_save

from ..models import INTAKE_KINDS, Lot, PlanLine, PlanStatus, Rule

SEED_BITS = 63  # fits the signed 64-bit column


def population_digest(ids: Sequence[int]) -> str:
    """sha256 of the ascending ids joined by commas, hex."""
    return hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()


def draw(seed: int, population: Sequence[int], planned: int) -> list[int]:
    """The batches a seed picks from a sorted population, ascending."""
    return sorted(random.Random(seed).sample(list(population), k=min(planned, len(population))))


def _populations(lines: Iterable[PlanLine]) -> dict[int, list[int]]:
    """{line id: ascending intake lot ids of its producer in its plan's period}, one query
    (the lines of one plan share its period)."""
    lines = [line for line in lines if line.operator_id]
    if not lines:
        return {}
    plan = lines[0].plan
    rows = (
        Lot.objects.filter(
            kind__in=INTAKE_KINDS,
            operator_id__in={line.operator_id for line in lines},
            dated__range=(plan.period_start, plan.period_end),
        )
        .order_by("id")
        .values_list("operator_id", "id")
    )
    by_operator = defaultdict(list)
    for operator_id, pk in rows:
        by_operator[operator_id].append(pk)
    return {line.pk: sorted(by_operator.get(line.operator_id, [])) for line in lines}


def population_of(line: PlanLine) -> list[int]:
    return _populations([line]).get(line.pk, [])


@transaction.atomic
def line_select(*, actor, line: PlanLine) -> PlanLine:
    """Q1: draw the batches to sample for one producer of an approved plan.

    The seed is `secrets.randbits(63)`; the population is the producer's intake lot ids
    dated in the period, ascending; the draw is `random.Random(seed).sample(population,
    k=min(planned, len(population)))`, kept sorted with the population's sha256 digest.
    Drawing again is refused: the first draw is the evidence."""
    line = PlanLine.objects.select_for_update(of=("self",)).select_related("plan").get(pk=line.pk)
    plan = line.plan
    if not PlanLine.objects.editable_by(actor).filter(pk=line.pk).exists():
        raise PermissionDenied(_("This plan is kept by another department."))
    if plan.rule != Rule.Q1:
        raise ValidationError(_("Batches are drawn at random for Q1 plans only."))
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Batches are drawn once the plan is approved."))
    if line.seed is not None:
        raise ValidationError(_("The batches of this producer were drawn already; the draw is evidence and stands."))
    if line.planned == 0:
        raise ValidationError(_("No samples are planned for this producer."))
    population = population_of(line)
    if not population:
        raise ValidationError(_("No purchased batches of this producer are recorded in the period yet."))
    line.seed = secrets.randbits(SEED_BITS)
    line.population_digest = population_digest(population)
    line.selected_lot_ids = draw(line.seed, population, line.planned)
    return audited_save(line, actor=actor, reason=_("Batches drawn at random (seed %(seed)s)") % {"seed": line.seed})


def selections_verify(lines: Iterable[PlanLine]) -> dict[int, bool]:
    """`selection_verify` for many lines of one plan, with one query."""
    drawn = [line for line in lines if line.seed is not None]
    populations = _populations(drawn)
    return {line.pk: _matches(line, populations.get(line.pk, [])) for line in drawn}


def _matches(line: PlanLine, population: list[int]) -> bool:
    if population_digest(population) != line.population_digest:
        return False
    return draw(line.seed, population, line.planned) == list(line.selected_lot_ids)


def selection_verify(line: PlanLine) -> bool:
    """Q1: whether the stored draw follows from the stored seed and the population as it is
    now (same digest, same batches). False for a line never drawn. See the module docstring
    for doing the same by hand."""
    if line.seed is None:
        return False
    return _matches(line, population_of(line))
