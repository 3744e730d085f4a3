#!/usr/bin/env bash
# Renders docs/styles.png: for each named style, the bundled essay's opening
# spread and an ordinary spread (a section head, running heads), small.
# Needs a release build (cargo build --release), pdftoppm (poppler-utils) and Pillow.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for style in classic modern plain; do
  book="$work/$style"
  mkdir -p "$book"
  cp -r "$root/manuscript" "$root/fonts" "$book/"
  { echo "style = \"$style\""; cat "$root/manuscript/book.toml"; } > "$book/manuscript/book.toml.new"
  mv "$book/manuscript/book.toml.new" "$book/manuscript/book.toml"
  "$root/target/release/quire" build --dir "$book" --format pdf > /dev/null
done
python3 - "$work" "$root/docs/styles.png" <<'PY'
import glob, subprocess, sys
from PIL import Image, ImageDraw
work, out = sys.argv[1], sys.argv[2]
rows = []
for style in ["classic", "modern", "plain"]:
    pdf = glob.glob(f"{work}/{style}/out/*.pdf")
    pdf = [p for p in pdf if not p.endswith("-cover.pdf")][0]
    # The first chapter opening: the first page with the first chapter's opening words.
    pages = int([l for l in subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout.splitlines() if l.startswith("Pages:")][0].split()[1])
    opening = next(p for p in range(1, pages + 1)
                   if "There is no denying" in subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf, "-"], capture_output=True, text=True).stdout
                   )
    shots = []
    for p in [opening - 1, opening, opening + 3, opening + 4]:
        base = f"{work}/{style}-{p}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(p), "-l", str(p), "-singlefile", pdf, base], check=True)
        shots.append(Image.open(base + ".png").convert("L"))
    w, h = shots[0].size
    row = Image.new("L", (4 * w + 40, h + 24), 200)
    for i, im in enumerate(shots):
        row.paste(im, (i * w + (30 if i >= 2 else 0), 24))
    ImageDraw.Draw(row).text((4, 4), style, fill=0)
    rows.append(row)
sheet = Image.new("L", (rows[0].width, sum(r.height for r in rows) + 10 * len(rows)), 255)
y = 0
for r in rows:
    sheet.paste(r, (0, y)); y += r.height + 10
sheet.save(out, optimize=True)
PY
echo "wrote $root/docs/styles.png"
