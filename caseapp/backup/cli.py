"""``caseapp backup``, ``caseapp restore``, ``caseapp keys backup`` and ``caseapp keys restore``:
thin calls into ``caseapp.backup.database`` and ``caseapp.backup.keys``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from caseapp.backup import database, keys
from caseapp.backup.manifest import BackupError
from caseapp.config import ConfigError

OUT = click.Path(file_okay=False, path_type=Path)
SOURCE = click.Path(exists=True, file_okay=False, path_type=Path)


@click.command("backup")
@click.option("--out", required=True, type=OUT, help="A new folder for this backup.")
@click.option("--pg-dump", default="pg_dump", show_default=True,
              help="The pg_dump program (PostgreSQL; the server's major version or newer).")
@with_appcontext
def backup_command(out: Path, pg_dump: str) -> None:
    """Back up the database (not the key store: see `caseapp keys backup`) with a manifest."""
    from caseapp.extensions import db

    try:
        manifest = database.backup(db.session, current_app.instance_path, out, pg_dump,
                                   current_app.config["CASEAPP_KEYSTORE_SCHEMA"])
    except BackupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    head = manifest["audit_head"] or {"seq": 0}
    click.echo(f"Backed up {len(manifest['counts'])} tables "
               f"({sum(manifest['counts'].values())} rows; audit log up to position "
               f"{head['seq']}) to {out}. The key store is backed up separately: "
               "`caseapp keys backup`.")


@click.command("restore")
@click.argument("source", type=SOURCE)
@click.option("--pg-restore", default="pg_restore", show_default=True,
              help="The pg_restore program (PostgreSQL).")
def restore_command(source: Path, pg_restore: str) -> None:
    """Restore a database backup into this instance's new, empty database and check it."""
    from caseapp import create_app, instance_path
    from caseapp.crypto.keys import keys_dir
    from caseapp.extensions import db

    if not keys_dir(instance_path()).exists():
        raise click.ClickException("This instance has no keys yet. First restore the key backup "
                                   "into it: `caseapp keys restore KEY-BACKUP` (do not run "
                                   "`caseapp init`).")
    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    with app.app_context():
        try:
            restored = database.restore(db.session, app.instance_path, source, pg_restore)
        except BackupError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"Restored the backup of {restored.manifest['created_at']}: every table's row "
               f"count matches the manifest; {chain_line(restored)}; {restored.participants} "
               f"participants, every encrypted value opens ({restored.erased} erased by "
               "crypto-shredding).")


def chain_line(restored: database.Restored) -> str:
    result = restored.verification
    checkpoint = (f", last signed checkpoint at {result.checkpoint_seq}"
                  if result.checkpoint_seq else "")
    return f"the audit chain verifies ({result.events} events{checkpoint})"


@click.command("backup")
@click.option("--out", required=True, type=OUT, help="A new folder for this key backup.")
@with_appcontext
def keys_backup_command(out: Path) -> None:
    """Back up the key store and the key files (keep these backups short-lived)."""
    import audit
    from caseapp.extensions import db

    try:
        manifest = keys.backup(current_app.config, current_app.instance_path, out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    audit.record("keys.backup", actor=None, object_type="backup", object_id=Path(out).name,
                 details={"data_keys": manifest["data_keys"], "keks": len(manifest["keks"])})
    db.session.commit()
    click.echo(f"Backed up the key store ({manifest['data_keys']} data keys, "
               f"{manifest['erased_data_keys']} erased) and {len(manifest['files']) - 1} key "
               f"files to {out}. Store it apart from the database backups and delete it "
               "after the retention period.")


@click.command("restore")
@click.argument("source", type=SOURCE)
def keys_restore_command(source: Path) -> None:
    """Restore the key files and the key store into a new instance (before `caseapp restore`)."""
    from caseapp import instance_path
    from caseapp.config import build

    folder = instance_path()
    try:
        manifest = keys.restore(build(folder), folder, source)
    except (BackupError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {len(manifest['files']) - 1} key files and the key store "
               f"({manifest['data_keys']} data keys) of {manifest['created_at']} into {folder}.")
