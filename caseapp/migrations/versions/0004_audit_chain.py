"""audit chain: hash-chained, append-only audit events and signed checkpoints

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27 00:51:45.104824

Events that exist before this revision are linked into the chain here, in id order, with the
instance's audit key (so `caseapp init` must have created it). Afterwards the audit tables
refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE through triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "audit_checkpoints")
MESSAGE = "audit tables are append-only"


def _link_existing_events():
    """Chain the events written before this revision, in id order; return the head."""
    from flask import current_app

    from audit.chain import GENESIS, canonical, link
    from caseapp.crypto.keys import EXTENSION_KEY

    conn = op.get_bind()
    key = current_app.extensions[EXTENSION_KEY]["audit"].material
    events = sa.table("audit_events", sa.column("id"), sa.column("seq"), sa.column("prev_hash"),
                      sa.column("hash"))
    from audit.models import AuditEvent

    table = AuditEvent.__table__
    old = [c for c in table.c if c.name not in {"seq", "prev_hash", "hash"}]
    prev, seq = GENESIS, 0
    for row in conn.execute(sa.select(*old).order_by(table.c.id)).mappings().all():
        seq += 1
        digest = link(key, prev, canonical(dict(row, seq=seq)))
        conn.execute(events.update().where(events.c.id == row["id"])
                     .values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    return prev, seq


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=60), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    head_hash, head_seq = _link_existing_events()
    op.execute(sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, :seq, :hash)")
               .bindparams(seq=head_seq, hash=head_hash))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
            # The owner keeps its rights (and the triggers still stop it); any other role the
            # deployment grants access to gets INSERT and SELECT only.
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION audit_append_only()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    op.drop_table('audit_checkpoints')
    op.drop_table('audit_chain_head')
