"""The public form of the verification columns every fact-stating row carries."""

from __future__ import annotations

from app.domain import VerificationStatus
from app.models.verification import Verifiable
from app.schemas import VerificationOut


def verification_out(row: Verifiable) -> VerificationOut:
    """Status, its Chinese label, the date of the check and the checker's note."""
    status = VerificationStatus(row.verification)
    return VerificationOut(
        status=status.value,
        label=status.label,
        checked_on=row.verified_on,
        note=row.verification_note,
    )
