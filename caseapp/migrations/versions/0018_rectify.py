"""special categories: a saved plan version is tagged with the special categories of
personal data its goals and measures seemed to mention (codes, no text)

Revision ID: 0018_rectify
Revises: 0017_rectify
"""
import sqlalchemy as sa
from alembic import op


revision = '0018_rectify'
down_revision = '0017_rectify'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('special_categories', sa.String(length=100),
                                      nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_column('special_categories')
