"""staff sign-in with OpenID Connect: the provider's stable subject linked to an account

Revision ID: 0011_oidc
Revises: 0010_rectify
"""
import sqlalchemy as sa
from alembic import op


revision = '0011_oidc'
down_revision = '0010_rectify'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and a unique index: no batch table copy, which SQLite cannot do for
    # `users` once other tables reference its rows (foreign keys on).
    op.add_column('users', sa.Column('oidc_subject', sa.String(length=255), nullable=True))
    op.create_index('ix_users_oidc_subject', 'users', ['oidc_subject'], unique=True)


def downgrade():
    op.drop_index('ix_users_oidc_subject', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('oidc_subject')
