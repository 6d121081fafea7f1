"""special categories: a saved session (and each revision) is tagged with the special
categories of personal data its note seemed to mention (codes, no text)

Revision ID: 0017_rectify
Revises: 0016_admin
"""
import sqlalchemy as sa
from alembic import op


revision = '0017_rectify'
down_revision = '0016_admin'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('contacts', 'contact_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('special_categories', sa.String(length=100),
                                          nullable=False, server_default=''))


def downgrade():
    for table in ('contacts', 'contact_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('special_categories')
