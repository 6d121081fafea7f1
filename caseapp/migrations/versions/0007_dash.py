"""coordinator dashboard: plain deadlines of open plan goals; reason of a reassignment

Revision ID: 0007_dash
Revises: 0006

The goals are encrypted, so this migration cannot fill the deadlines: run
`caseapp caseload reindex-goals` once after upgrading (plans also get them at their next save).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_dash'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_goal_deadlines',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('goal_key', sa.String(length=40), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plan_goal_deadlines_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_plan_goal_deadlines_participant_id_participants')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_goal_deadlines_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goal_deadlines'))
    )
    with op.batch_alter_table('plan_goal_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_plan_goal_deadlines_case_target', ['case_id', 'target_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goal_deadlines_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goal_deadlines_participant_id'), ['participant_id'], unique=False)
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('plan_goal_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goal_deadlines_participant_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goal_deadlines_plan_id'))
        batch_op.drop_index('ix_plan_goal_deadlines_case_target')
    op.drop_table('plan_goal_deadlines')
