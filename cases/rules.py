"""C2 (三.2): how fast a suspected crime reaches the police, as plain functions.

The plan asks that "clues of suspected crimes found by the supervising departments be
handed over promptly" (涉嫌犯罪线索要迅速移交) without giving a number of days. The limits
below are the campaign's working rule for "promptly": the days from the clue (its local
date) to the transfer, per kind of referring department. A referral slower than its limit
is flagged late in the case lists, the referral list and the case page.

For background, State Council decree 310 (2001, 行政执法机关移送涉嫌犯罪案件的规定) counts
three days for the head of the department to approve a transfer and 24 hours to make it,
from the approval; the platform does not record that approval, so the campaign measures
from the clue instead, with room for the investigation that shows the suspicion.
"""

from dairy_campaign.choices import AgencyKind as K

# Days from the clue to the transfer before a referral counts as late.
DEFAULT_REFERRAL_LIMIT_DAYS = 30
REFERRAL_LIMIT_DAYS: dict[str, int] = {
    K.QTS: 30,  # producers: deliberate addition found in plants (二.2)
    K.AIC: 30,  # distribution: over-limit product, unlicensed dairy business (一.3)
    K.FDA: 30,  # catering: dairy of unknown source (二.4)
    K.AGR: 30,  # raw milk, stations, feed (二.1)
    K.CIQ: 30,  # imports (二.5)
}


def referral_limit_days(agency_kind: str | None) -> int:
    """C2: the working limit for a referral by a department of `agency_kind`."""
    return REFERRAL_LIMIT_DAYS.get(agency_kind or "", DEFAULT_REFERRAL_LIMIT_DAYS)


def referral_late(days: int, agency_kind: str | None) -> bool:
    """C2: a referral slower than the limit is late; one made exactly at the limit is not."""
    if days < 0:
        raise ValueError("a referral cannot precede its clue")
    return days > referral_limit_days(agency_kind)
