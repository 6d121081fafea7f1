"""staff work contact: e-mail (entered by an administrator, unique) and work phone

Revision ID: 0009_staff
Revises: 0008_bench
"""
import sqlalchemy as sa
from alembic import op


revision = '0009_staff'
down_revision = '0008_bench'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('work_phone', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint('uq_users_email', ['email'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_email', type_='unique')
        batch_op.drop_column('work_phone')
        batch_op.drop_column('email')
