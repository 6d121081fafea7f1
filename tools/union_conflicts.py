"""Resolve git conflict blocks in the given files by keeping both sides (ours, then theirs).

Only for conflicts where both branches added independent lines; review the result."""
import re
import sys

BLOCK = re.compile(r"^<<<<<<< [^\n]*\n(.*?)^=======\n(.*?)^>>>>>>> [^\n]*\n", re.S | re.M)
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    merged, count = BLOCK.subn(lambda m: m.group(1) + m.group(2), text)
    open(path, "w", encoding="utf-8").write(merged)
    print(f"{path}: {count} block(s) kept from both sides")
