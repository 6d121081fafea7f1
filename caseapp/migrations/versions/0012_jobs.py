"""scheduled duties: one row per duty and period (job_runs); staff digest preferences

Revision ID: 0012_jobs
Revises: 0011_oidc
"""
import sqlalchemy as sa
from alembic import op


revision = '0012_jobs'
down_revision = '0011_oidc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('duty', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
        sa.UniqueConstraint('duty', 'period', name='uq_job_runs_duty_period'),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=10),
                                      nullable=False, server_default='weekly'))
        batch_op.add_column(sa.Column('digest_language', sa.String(length=5),
                                      nullable=False, server_default='nb'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_language')
        batch_op.drop_column('digest_frequency')
    op.drop_table('job_runs')
