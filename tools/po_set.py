"""Usage: po_set.py CATALOGUE JSON  — set msgstr for msgids from a JSON object."""
import json
import sys
from babel.messages.pofile import read_po, write_po
path, data = sys.argv[1], json.load(open(sys.argv[2]))
with open(path, "rb") as f:
    cat = read_po(f)
for msgid, text in data.items():
    m = cat.get(msgid)
    if m is None:
        sys.exit(f"not in catalogue: {msgid}")
    m.string = tuple(text) if isinstance(text, list) else text
    m.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, cat, width=76, omit_header=False)
