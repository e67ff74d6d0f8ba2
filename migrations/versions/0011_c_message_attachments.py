"""message attachments: text files sent with an email (an event's calendar file)

Revision ID: 0011_c_message_attachments
Revises: 0010_events
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_c_message_attachments'
down_revision = '0010_events'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('attachments')
