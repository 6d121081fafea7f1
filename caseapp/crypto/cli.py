"""``caseapp keys``: key-encryption keys, data keys and crypto-shredding."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.config import ConfigError


@click.group("keys", cls=AppGroup)
def keys_group() -> None:
    """Key-encryption keys, data keys and crypto-shredding."""


@keys_group.command("status")
@with_appcontext
def keys_status_command() -> None:
    """Show how many data keys each key-encryption key wraps."""
    from caseapp.crypto import keyring

    rows, erased = keyring.store().status()
    for row in rows:
        state = "active" if row["active"] else ("retired" if row["retired_at"] else "old")
        click.echo(f"{row['kek_id']:<20} {state:<8} wraps {row['deks']} data keys")
    click.echo(f"Erased (crypto-shredded) key owners: {erased}")


@keys_group.command("rotate")
@click.option("--to", "to", default=None, help="Use this KEK (from CASEAPP_KEKS) as the new one.")
@click.option("--batch", default=200, show_default=True, type=int)
@with_appcontext
def keys_rotate_command(to: str | None, batch: int) -> None:
    """Make a new key-encryption key and re-wrap every data key under it (resumable)."""
    from caseapp.crypto import keyring
    from caseapp.crypto.keystore import rotate

    store = keyring.store()
    with click.progressbar(length=max(store.pending(store.active_kek()), 1),
                           label="Re-wrapping data keys") as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - state["done"])
            state["done"] = done

        try:
            active, done, retired = rotate(store, to=to, batch=batch, progress=progress)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Active key-encryption key: {active}; re-wrapped {done} data keys.")
    for kek_id in retired:
        click.echo(f"Retired {kek_id} (no data key uses it any more).")


@keys_group.command("shred")
@click.argument("participant_id", type=click.UUID)
@click.option("--grounds", default="erasure_decision", show_default=True,
              help="The basis recorded in the audit log (a code, not free text).")
@click.confirmation_option(prompt="Erase this participant's data key for good?")
@with_appcontext
def keys_shred_command(participant_id, grounds: str) -> None:
    """Crypto-shred one participant: their encrypted data becomes unreadable everywhere."""
    from caseapp.crypto.services import shred_participant
    from caseapp.extensions import db

    erased = shred_participant(db.session, None, participant_id, grounds)
    db.session.commit()
    click.echo(f"Erased {erased} data key(s) of participant {participant_id}.")


@keys_group.command("reindex")
@with_appcontext
def keys_reindex_command() -> None:
    """Rebuild the blind indexes (after changing the index key or iterations)."""
    from caseapp.crypto.services import reindex_participants
    from caseapp.extensions import db

    count = reindex_participants(db.session)
    db.session.commit()
    click.echo(f"Re-indexed {count} participants.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(keys_group)
