"""sessions: a per-user session token, so that sessions can be ended on the server

Revision ID: 0006_sessions
Revises: 0005_surveys
Create Date: 2026-12-07 13:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_sessions'
down_revision = '0005_surveys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(users.c.id)).scalars().all()
    if ids:  # one random token each: every session issued before this migration ends
        connection.execute(
            users.update().where(users.c.id == sa.bindparam('user_id'))
            .values(session_token=sa.bindparam('token')),
            [{'user_id': user_id, 'token': secrets.token_hex(16)} for user_id in ids])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=32),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
