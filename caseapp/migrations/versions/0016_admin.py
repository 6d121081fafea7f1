"""accounts: a first password set by an administrator must be changed at the first login

Revision ID: 0016_admin
Revises: 0015_mail
"""
import sqlalchemy as sa
from alembic import op


revision = '0016_admin'
down_revision = '0015_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_change_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_change_required')
