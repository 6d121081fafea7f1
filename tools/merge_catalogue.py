"""A git merge driver for the message catalogues (caseapp/translations/*/messages.po).

Two branches that each add UI strings touch the same sorted catalogue, and a line-based merge
then conflicts on neighbouring entries. This driver merges entry by entry: every message added
on either side is kept, a translation changed on one side wins over the unchanged one, and a
translation changed on both sides keeps ours and is reported (exit 1, so git stops and says so).
The file is written the way `make messages` writes it (sorted, no locations).

Enable it in a clone (the attribute is committed in .gitattributes, the driver is local config):

    git config merge.catalogue.driver "python3 tools/merge_catalogue.py %O %A %B"
"""
from __future__ import annotations

import io
import sys

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with open(path, "rb") as handle:
        return read_po(handle)


def _key(message):
    return (message.id, message.context)


def merge(base_path: str, ours_path: str, theirs_path: str) -> list[str]:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    base_by_key = {_key(m): m for m in base if m.id}
    ours_by_key = {_key(m): m for m in ours if m.id}
    theirs_by_key = {_key(m): m for m in theirs if m.id}
    conflicts = []
    for key, theirs_message in theirs_by_key.items():
        old = base_by_key.get(key)
        mine = ours_by_key.get(key)
        if mine is None:
            if old is None:  # added on their side
                ours[theirs_message.id] = theirs_message
            continue  # deleted on our side
        if mine.string == theirs_message.string:
            continue
        if old is not None and mine.string == old.string:
            ours.delete(theirs_message.id, context=theirs_message.context)
            ours[theirs_message.id] = theirs_message
        elif old is None or theirs_message.string != old.string:
            conflicts.append(str(theirs_message.id))
    for key, mine in list(ours_by_key.items()):
        if key not in theirs_by_key and key in base_by_key and mine.string == base_by_key[key].string:
            ours.delete(mine.id, context=mine.context)  # deleted on their side, unchanged on ours
    out = io.BytesIO()
    write_po(out, ours, sort_output=True, ignore_obsolete=True)
    with open(ours_path, "wb") as handle:
        handle.write(out.getvalue())
    return conflicts


if __name__ == "__main__":
    found = merge(*sys.argv[1:4])
    for message_id in found:
        print(f"catalogue conflict (kept ours): {message_id!r}", file=sys.stderr)
    sys.exit(1 if found else 0)
