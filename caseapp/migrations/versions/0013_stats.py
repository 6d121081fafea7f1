"""cases.record_key: the cell-key method's random record key (statistics)

Revision ID: 0013_stats
Revises: 0012_jobs
"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0013_stats'
down_revision = '0012_jobs'
branch_labels = None
depends_on = None

KEY_SPACE = 1 << 16  # as caseapp.reports.cellkey.KEY_SPACE (a migration does not import the app)


def upgrade():
    # Added NOT NULL with a default in place (no table rebuild: on SQLite a rebuild of `cases`
    # fails on the tables that reference it), then every existing case gets its random key.
    op.add_column('cases', sa.Column('record_key', sa.Integer(), nullable=False,
                                     server_default='0'))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM cases"))]
    for start in range(0, len(ids), 5000):
        conn.execute(sa.text("UPDATE cases SET record_key = :key WHERE id = :id"),
                     [{"key": secrets.randbelow(KEY_SPACE), "id": i}
                      for i in ids[start:start + 5000]])
    if conn.dialect.name != 'sqlite':  # (SQLite cannot drop a default without a rebuild)
        op.alter_column('cases', 'record_key', server_default=None)


def downgrade():
    op.execute("ALTER TABLE cases DROP COLUMN record_key")
