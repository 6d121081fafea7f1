"""the young person's login sessions (/meg, signed in with the citizen provider)

Revision ID: 0014_portal
Revises: 0013_stats
"""
import sqlalchemy as sa
from alembic import op


revision = '0014_portal'
down_revision = '0013_stats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'portal_sessions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('participant_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('end_reason', sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_portal_sessions_participant_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_portal_sessions_token_hash')),
    )
    with op.batch_alter_table('portal_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_sessions_participant_id'), ['participant_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('portal_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_sessions_participant_id'))
    op.drop_table('portal_sessions')
