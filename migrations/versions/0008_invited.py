"""invited: imported members are invited to confirm; nobody is assumed interested in events

Revision ID: 0008_invited
Revises: 0007_sample_approval
Create Date: 2026-12-07 18:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_invited'
down_revision = '0007_sample_approval'
branch_labels = None
depends_on = None

OLD = ('active', 'paused', 'withdrawn')
NEW = (*OLD, 'invited')
CHECK = 'ck_residents_residentstatus'


def _allow(statuses):
    # The status is VARCHAR + CHECK (core.models.db_enum): the CHECK lists the values.
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.create_check_constraint(
            op.f(CHECK), "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")")


def upgrade():
    _allow(NEW)
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcomed_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('interested_in_events', existing_type=sa.Boolean(),
                              existing_nullable=False, server_default=sa.false())


def downgrade():
    op.execute("UPDATE residents SET status = 'withdrawn' WHERE status = 'invited'")
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.alter_column('interested_in_events', existing_type=sa.Boolean(),
                              existing_nullable=False, server_default=sa.true())
        batch_op.drop_column('welcomed_at')
    _allow(OLD)
