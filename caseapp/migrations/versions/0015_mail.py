"""e-mail digests: one row per recipient, kind and period sent (mail_deliveries)

Revision ID: 0015_mail
Revises: 0014_portal
"""
import sqlalchemy as sa
from alembic import op


revision = '0015_mail'
down_revision = '0014_portal'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_mail_deliveries_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_deliveries')),
        sa.UniqueConstraint('user_id', 'kind', 'period', name='uq_mail_deliveries_user_kind_period'),
    )


def downgrade():
    op.drop_table('mail_deliveries')
