"""the time of day of the next session (Europe/Oslo wall-clock time), shown with its date

Revision ID: 0022_next_time
Revises: 0021_next_place
"""
import sqlalchemy as sa
from alembic import op


revision = '0022_next_time'
down_revision = '0021_next_place'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('contacts', 'contact_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('next_time', sa.Time(), nullable=True))


def downgrade():
    for table in ('contact_revisions', 'contacts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('next_time')
