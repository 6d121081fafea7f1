"""the young person's own answer to a plan version (agreed, or not with a comment; time and
channel), and sessions whose summary the worker shares with the young person

Revision ID: 0019_portal_plan
Revises: 0018_rectify
"""
import sqlalchemy as sa
from alembic import op


revision = '0019_portal_plan'
down_revision = '0018_rectify'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_answers',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('plan_version_id', sa.Uuid(), nullable=False),
        sa.Column('participant_id', sa.Uuid(), nullable=False),
        sa.Column('agreed', sa.Boolean(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('comment', sa.LargeBinary(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_version_id'], ['plan_versions.id'],
                                name=op.f('fk_plan_answers_plan_version_id_plan_versions')),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_plan_answers_participant_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_answers')),
    )
    with op.batch_alter_table('plan_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_answers_plan_version_id'), ['plan_version_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_plan_answers_participant_id'), ['participant_id'],
                              unique=False)
    for table in ('contacts', 'contact_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('summary_shared', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))


def downgrade():
    for table in ('contact_revisions', 'contacts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('summary_shared')
    with op.batch_alter_table('plan_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_answers_participant_id'))
        batch_op.drop_index(batch_op.f('ix_plan_answers_plan_version_id'))
    op.drop_table('plan_answers')
