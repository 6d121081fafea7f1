"""index sessions by date, for the coordinator dashboard's "no session lately"

Revision ID: 0008_bench
Revises: 0007_dash

PostgreSQL answers the dashboard's NOT EXISTS (a session since the cut-off) with one hashed
list of the recent sessions of the whole database; without this index that list was a scan
of every session (190,000 at N = 10,000: ~50 of the query's ~80 ms; docs/benchmarks.md).
"""
from alembic import op


revision = '0008_bench'
down_revision = '0007_dash'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_occurred_at', ['occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_occurred_at')
