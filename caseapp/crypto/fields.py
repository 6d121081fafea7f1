"""Encrypted columns: models declare them, the ORM seals and opens them around every row.

Models declare ``mapped_column(EncryptedText("table.column"))``; services and templates read
and write plain strings. A ``TypeDecorator`` cannot see the row it belongs to, so the work is
done by ORM events registered for every mapped class with encrypted columns:

* ``before_insert`` / ``before_update`` seal each new or changed value with the owner's data
  key (DEK, ``caseapp.crypto.keyring``); ``after_insert`` / ``after_update`` put the plain
  value back on the object;
* ``load`` / ``refresh`` open the sealed values of loaded rows — for an
  ORM ``SELECT``, at the end of the query, with the data keys of all its rows fetched from the
  key store at once (``do_orm_execute``).

The owner is the participant the row belongs to: the ``participant_id`` attribute, the row
itself for a class with ``__encryption_owner__ = "self"`` (participants), or one system key
for ``__encryption_owner__ = "system"`` (staff secrets). The associated data binds each value
to ``table.column``, its primary key and its owner (``caseapp.crypto.envelope``).

``EncryptedBytes`` does the same for binary content (files). The column types only pass
sealed values (``Sealed``) through: a plain string reaching it (a Core
``insert``/``update`` or ORM bulk write, which bypass the events) raises instead of storing
plaintext, and encrypted columns cannot be used in ``WHERE`` clauses (use the blind indexes).
Values of an erased (crypto-shredded) owner load as ``None``.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import LargeBinary, event, select
from sqlalchemy.orm import Load, Mapper, Session
from sqlalchemy.orm.attributes import flag_modified, instance_state
from sqlalchemy.types import TypeDecorator

from caseapp.crypto import envelope, keyring
from caseapp.crypto.envelope import DecryptionError  # noqa: F401  (the domain error)
from caseapp.crypto.keystore import SYSTEM_OWNER, KeyErased

PLAIN = "_caseapp_plain_during_flush"
OWNER = "_caseapp_sealed_for"  # the owner whose key sealed the row as loaded or written
BATCH = "_caseapp_rows_to_open"


class UnsealedValue(TypeError):
    """A plain value reached an encrypted column outside the ORM unit of work."""

    def __init__(self) -> None:
        super().__init__("Encrypted columns are written through the ORM session only.")


class Sealed(bytes):
    """A value as stored: ciphertext, never shown."""


class EncryptedText(TypeDecorator):
    """A text value stored encrypted; ``label`` names the column (``table.column``)."""

    impl = LargeBinary
    cache_ok = True
    text = True

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, Sealed):
            return None if value is None else bytes(value)
        raise UnsealedValue()

    def process_result_value(self, value, dialect):
        return None if value is None else Sealed(value)


class EncryptedBytes(EncryptedText):
    """Binary content (e.g. an uploaded evidence file) stored encrypted, like ``EncryptedText``."""

    cache_ok = True
    text = False


@dataclass(frozen=True)
class EncryptionSpec:
    table: str
    columns: dict[str, str]  # attribute key -> label
    binary: frozenset[str]  # attribute keys of EncryptedBytes columns
    owner: str  # "self", "system" or the attribute holding the participant id
    primary_key: tuple[str, ...]


SPECS: dict[type, EncryptionSpec] = {}


@event.listens_for(Mapper, "mapper_configured")
def _register(mapper: Mapper, cls: type) -> None:
    columns, binary = {}, set()
    for prop in mapper.column_attrs:
        for column in prop.columns:
            if isinstance(column.type, EncryptedText):
                if column.type.label != f"{column.table.name}.{column.name}":
                    raise TypeError(f"EncryptedText({column.type.label!r}) must be labelled "
                                    f"{column.table.name}.{column.name!s}.")
                columns[prop.key] = column.type.label
                if not column.type.text:
                    binary.add(prop.key)
    if not columns or cls in SPECS:
        return
    owner = getattr(cls, "__encryption_owner__", "participant_id")
    if owner not in ("self", "system") and owner not in mapper.attrs:
        raise TypeError(f"{cls.__name__} has encrypted columns but no participant_id "
                        "(or __encryption_owner__).")
    SPECS[cls] = EncryptionSpec(
        table=mapper.local_table.name, columns=columns, binary=frozenset(binary), owner=owner,
        primary_key=tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key))
    for name, handler in (("before_insert", _seal_new), ("before_update", _seal_changed),
                          ("after_insert", _restore_plain), ("after_update", _restore_plain)):
        event.listen(cls, name, handler)
    for name in ("load", "refresh"):  # (not refresh_flush: encrypted values are never
        event.listen(cls, name, _open_loaded)  # generated by the database)


def defer_sealed(loader, cls: type, keep: tuple[str, ...] = ()):
    """``loader`` (a loader option such as ``joinedload(Case.participant)``, or ``Load(cls)``)
    with every encrypted column of ``cls`` deferred except ``keep``: a list opens only what it
    shows; the others are opened when first read."""
    for key in SPECS[cls].columns:
        if key not in keep:
            loader = loader.defer(getattr(cls, key))
    return loader


_KEPT_SEALED: ContextVar[dict] = ContextVar("caseapp_kept_sealed", default={})


@contextmanager
def kept_sealed(classes: dict[type, tuple[str, ...]]):
    """While active, every ORM load of a class in ``classes`` (queries and lazy loads) leaves
    its encrypted columns unloaded, so not opened, except the ones named for it: a page built
    for a viewer who may not see those values never decrypts them. An unloaded value is
    loaded (and opened) only when read."""
    token = _KEPT_SEALED.set({**_KEPT_SEALED.get(), **classes})
    try:
        yield
    finally:
        _KEPT_SEALED.reset(token)


@event.listens_for(Session, "do_orm_execute")
def _keep_sealed(orm_execute_state) -> None:
    kept = _KEPT_SEALED.get()
    if not kept or not orm_execute_state.is_select or orm_execute_state.is_column_load:
        return
    entities = {d["entity"] for d in getattr(orm_execute_state.statement, "column_descriptions", ())
                if d.get("expr") is d.get("entity")}  # whole rows, not columns of them
    options = [defer_sealed(Load(cls), cls, kept[cls]) for cls in entities if cls in kept]
    if options:
        orm_execute_state.statement = orm_execute_state.statement.options(*options)


def _row_id(state, spec: EncryptionSpec) -> str:
    if state.key is not None:
        values = state.key[1]
    else:
        values = tuple(state.dict.get(key) for key in spec.primary_key)
    if any(value is None for value in values):
        raise TypeError(f"A row of {spec.table} needs its primary key before encryption.")
    return "|".join(str(value) for value in values)


def owner_of(state, spec: EncryptionSpec, connection=None) -> str:
    """The key owner of a row: participant id (as text) or ``system``."""
    if spec.owner == "system":
        return SYSTEM_OWNER
    if spec.owner == "self":
        return _row_id(state, spec)
    value = state.dict.get(spec.owner)
    if value is None and state.key is not None and connection is not None:
        mapper = state.mapper
        column = mapper.get_property(spec.owner).columns[0]
        pk = dict(zip(mapper.primary_key, state.key[1]))
        value = connection.scalar(select(column).where(*(c == v for c, v in pk.items())))
    if value is None:
        raise TypeError(f"A row of {spec.table} with encrypted values needs a participant.")
    return str(value)


def _seal(state, spec: EncryptionSpec, keys, connection) -> None:
    values = {key: state.dict.get(key) for key in keys}
    values = {key: value for key, value in values.items()
              if value is not None and not isinstance(value, Sealed)}
    if not values:
        return
    owner, row = owner_of(state, spec, connection), _row_id(state, spec)
    dek_id, dek = keyring.dek_for_sealing(owner)
    for key, value in values.items():
        plain = bytes(value) if key in spec.binary else str(value)
        state.dict[key] = Sealed(envelope.seal(dek_id, dek, plain,
                                               envelope.field_ad(spec.columns[key], row, owner)))
    state.dict[PLAIN] = values
    state.dict[OWNER] = owner


def _seal_new(mapper, connection, target) -> None:
    state, spec = instance_state(target), SPECS[mapper.class_]
    for key in spec.primary_key:
        if state.dict.get(key) is None and mapper.get_property(key).columns[0].type.python_type is uuid.UUID:
            state.dict[key] = uuid.uuid4()
    _seal(state, spec, spec.columns, connection)


def _seal_changed(mapper, connection, target) -> None:
    state, spec = instance_state(target), SPECS[mapper.class_]
    sealed_for = state.dict.get(OWNER)
    if (sealed_for is not None and state.dict.get(spec.owner) is not None
            and str(state.dict[spec.owner]) != sealed_for):
        # the row moved to another participant: every value is re-sealed with their key
        if any(key not in state.dict for key in spec.columns):
            raise TypeError(f"Load the encrypted values of a {spec.table} row before moving it "
                            "to another participant.")
        for key in spec.columns:
            if state.dict[key] is not None:
                flag_modified(target, key)  # written again, though their plain value is the same
        _seal(state, spec, spec.columns, connection)
        return
    changed = [key for key in spec.columns if key in state.committed_state
               and state.committed_state[key] != state.dict.get(key)]
    _seal(state, spec, changed, connection)


def _restore_plain(mapper, connection, target) -> None:
    state = instance_state(target)
    state.dict.update(state.dict.pop(PLAIN, {}))


@event.listens_for(Session, "pending_to_transient")
def _restore_after_failed_flush(session, instance) -> None:
    """A new object whose flush failed (and was rolled back) gets its plain values back."""
    if type(instance) in SPECS:
        _restore_plain(None, None, instance)


def _open_loaded(target, context, attrs=None) -> None:
    state = instance_state(target)
    batch = g.get(BATCH) if has_app_context() else None
    if batch is not None:  # opened together at the end of the query (one key-store query)
        batch.append(state)
    else:
        _open_state(state)


@event.listens_for(Session, "do_orm_execute")
def _open_in_batches(orm_execute_state):
    """Run each ORM SELECT to the end, then open all rows it loaded with one key-store query
    for their data keys (``keyring.preload``), instead of one query per participant."""
    if (not orm_execute_state.is_select or not has_app_context() or g.get(BATCH) is not None
            or orm_execute_state.execution_options.get("yield_per")
            or orm_execute_state.execution_options.get("stream_results")):
        return None
    setattr(g, BATCH, [])
    try:
        frozen = orm_execute_state.invoke_statement().freeze()
        batch = g.get(BATCH)
    finally:
        g.pop(BATCH, None)
    # Only rows that hold sealed values need their keys (a row just written holds plain ones).
    batch = [state for state in batch or []
             if any(isinstance(state.dict.get(key), bytes) for key in SPECS[state.mapper.class_].columns)]
    if batch:
        specs = [(state, SPECS[state.mapper.class_]) for state in batch]
        keyring.preload({owner_of(state, spec) for state, spec in specs})
        for state, _spec in specs:
            _open_state(state)
    return frozen()


def _open_state(state) -> None:
    spec = SPECS[state.mapper.class_]
    sealed = [key for key in spec.columns if isinstance(state.dict.get(key), Sealed)]
    if not sealed:
        return
    owner, row = owner_of(state, spec), _row_id(state, spec)
    state.dict[OWNER] = owner
    for key in sealed:
        blob = state.dict[key]
        try:
            dek = keyring.dek_for_opening(envelope.sealed_dek_id(blob), owner)
        except KeyErased:
            state.dict[key] = None
            continue
        state.dict[key] = envelope.open_sealed(dek, blob,
                                               envelope.field_ad(spec.columns[key], row, owner),
                                               text=key not in spec.binary)


def open_value(blob: bytes, label: str, row: str, owner: str) -> str:
    """Open one stored value outside the ORM (tests, tools); raises ``DecryptionError``."""
    dek = keyring.dek_for_opening(envelope.sealed_dek_id(blob), owner)
    return envelope.open_sealed(dek, blob, envelope.field_ad(label, row, owner))
