"""rectification: outcomes, transitions and placements get a version (stale corrections are
refused) and their earlier states are kept in record_revisions

Revision ID: 0010_rectify
Revises: 0009_staff
"""
import sqlalchemy as sa
from alembic import op


revision = '0010_rectify'
down_revision = '0009_staff'
branch_labels = None
depends_on = None

TABLES = ('outcomes', 'transitions', 'placements')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                          server_default='1'))
    op.create_table('record_revisions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('saved_by_id', sa.Uuid(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_record_revisions_participant_id_participants')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_record_revisions_saved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_revisions'))
    )
    with op.batch_alter_table('record_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_record_revisions_record', ['record_type', 'record_id', 'number'], unique=True)
        batch_op.create_index(batch_op.f('ix_record_revisions_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_revisions_participant_id'))
        batch_op.drop_index('ix_record_revisions_record')
    op.drop_table('record_revisions')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
