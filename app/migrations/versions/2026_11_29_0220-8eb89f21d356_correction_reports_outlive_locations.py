"""correction reports outlive locations

Seed reloads, re-imports and demo mode replace location rows (delete, then insert); a foreign
key from correction_report to location made any of them fail once a report existed.

Revision ID: 8eb89f21d356
Revises: c8c81b841d9f
Create Date: 2026-11-29 02:20:55.483510
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8eb89f21d356"
down_revision: str | None = "c8c81b841d9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction_report", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_correction_report_location_id_location"), type_="foreignkey"
        )


def downgrade() -> None:
    # The old schema cannot hold reports about removed locations: they go before the key returns.
    op.execute("DELETE FROM correction_report WHERE location_id NOT IN (SELECT id FROM location)")
    with op.batch_alter_table("correction_report", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_correction_report_location_id_location"),
            "location",
            ["location_id"],
            ["id"],
        )
