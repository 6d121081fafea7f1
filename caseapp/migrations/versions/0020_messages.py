"""messages between the young person and their worker in a case (text encrypted)

Revision ID: 0020_messages
Revises: 0019_portal_plan
"""
import sqlalchemy as sa
from alembic import op


revision = '0020_messages'
down_revision = '0019_portal_plan'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'messages',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('participant_id', sa.Uuid(), nullable=False),
        sa.Column('sender', sa.String(length=12), nullable=False),
        sa.Column('worker_id', sa.Uuid(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_messages_case_id_cases')),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_messages_participant_id_participants')),
        sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_messages_worker_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_case_sent', ['case_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_messages_case_unread', ['case_id', 'sender', 'read_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_messages_participant_id'), ['participant_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_participant_id'))
        batch_op.drop_index('ix_messages_case_unread')
        batch_op.drop_index('ix_messages_case_sent')
    op.drop_table('messages')
