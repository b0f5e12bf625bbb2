"""Who may see and do what at the end of a placement. Pages, API and services ask these functions.

The reveal rule lives here only (:func:`is_revealed`; ``EvaluationQuerySet.revealed`` is the same
rule as a filter): neither party reads the other's answers until both submitted or the window
closed. The two parties are those of the workspace (``placements.permissions.side_of``); career
services of the student's institution read the evaluation once it is revealed, never write.
"""

from __future__ import annotations

from datetime import datetime

from accounts.permissions import institution_for_staff, is_active_user, is_member
from placements.permissions import Side

from .models import Evaluation, Portfolio


def is_revealed(evaluation: Evaluation, now: datetime) -> bool:
    both = evaluation.supervisor_submitted_at is not None and evaluation.student_submitted_at is not None
    return both or now >= evaluation.closes_at


def is_open(evaluation: Evaluation, now: datetime) -> bool:
    return now < evaluation.closes_at


def has_submitted(evaluation: Evaluation, side: Side | None) -> bool:
    if side == Side.STUDENT:
        return evaluation.student_submitted_at is not None
    if side == Side.SUPERVISOR:
        return evaluation.supervisor_submitted_at is not None
    return False


def can_submit(side: Side | None, evaluation: Evaluation, now: datetime) -> bool:
    """Each party submits its own part once, while the window is open."""
    return side in (Side.STUDENT, Side.SUPERVISOR) and is_open(evaluation, now) and not has_submitted(evaluation, side)


def can_read_other_side(side: Side | None, evaluation: Evaluation, now: datetime) -> bool:
    """The other party's answers (and career services' view of both): only once revealed."""
    return side is not None and is_revealed(evaluation, now)


def can_publish(side: Side | None, evaluation: Evaluation, now: datetime) -> bool:
    """The intern chooses what of the supervisor's evaluation becomes public, once it is revealed."""
    return side == Side.STUDENT and evaluation.supervisor_submitted_at is not None and is_revealed(evaluation, now)


def can_reply(user, evaluation: Evaluation, organization_id: int, now: datetime) -> bool:
    """An active member of the reviewed organization posts one public reply to a revealed review."""
    return (
        is_member(user, organization_id)
        and evaluation.student_submitted_at is not None
        and is_revealed(evaluation, now)
        and evaluation.reply_at is None
    )


def careers_institution_id(user) -> int | None:
    """The institution whose students' reviews this career-services member reads (attributed)."""
    institution = institution_for_staff(user) if is_active_user(user) else None
    return institution.pk if institution is not None else None


def can_revoke_certificates(user) -> bool:
    return is_active_user(user) and user.is_staff


def can_download_credential(side: Side | None) -> bool:
    """The credential files are the intern's to carry; the PDF is also shown to the workspace."""
    return side == Side.STUDENT


def can_download_certificate(side: Side | None) -> bool:
    return side is not None


def portfolio_is_visible(portfolio: Portfolio | None) -> bool:
    return portfolio is not None and portfolio.is_public and portfolio.student.is_active
