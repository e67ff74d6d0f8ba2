"""sample approval: designs an officer approved for organisers to draw

Revision ID: 0007_sample_approval
Revises: 0006_sessions
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_sample_approval'
down_revision = '0006_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sample_designs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_sample_designs_approved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_designs'))
    )
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_samples_design_id_sample_designs'), 'sample_designs', ['design_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('samples', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_samples_design_id_sample_designs'), type_='foreignkey')
        batch_op.drop_column('design_id')
    op.drop_table('sample_designs')
