"""Merge the two sides of a conflicted gettext catalogue: every translation from either side.

Usage (during a merge): po_merge.py PATH  — reads stages :2 (ours) and :3 (theirs) from git."""
import io
import subprocess
import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

path = sys.argv[1]


def stage(n):
    data = subprocess.run(["git", "show", f":{n}:{path}"], capture_output=True, check=True).stdout
    return read_po(io.BytesIO(data))


ours, theirs = stage(2), stage(3)
merged = Catalog(locale=ours.locale, header_comment=ours.header_comment, project=ours.project)
merged.mime_headers = ours.mime_headers
for catalogue in (theirs, ours):  # ours wins where both translated
    for message in catalogue:
        if not message.id:
            continue
        current = merged.get(message.id)
        translated = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if current is None or translated:
            merged[message.id] = message
with open(path, "wb") as handle:
    write_po(handle, merged, width=76, sort_output=True)
print(f"{path}: {len(merged)} messages")
