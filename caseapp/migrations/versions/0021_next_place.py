"""where the next session is (free text, encrypted), shown to the young person with its date

Revision ID: 0021_next_place
Revises: 0020_messages
"""
import sqlalchemy as sa
from alembic import op


revision = '0021_next_place'
down_revision = '0020_messages'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('contacts', 'contact_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('next_place', sa.LargeBinary(), nullable=True))


def downgrade():
    for table in ('contact_revisions', 'contacts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('next_place')
