"""Turn the raw seed articles into clean corpus files (run once; output is committed).

Metadata comes only from what each text states; fields it does not state stay empty.
Usage: python scripts/import_seeds.py ../shared/seeds corpus
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.corpus import Document, clean_text, render_markdown

# Hand-checked against the texts: where each value is stated is noted beside it.
SEEDS: dict[str, dict[str, str]] = {
    "000_57c820a3fcaba2e2.txt": {
        "id": "ru-gyeongju-talks-2025-10-30",
        "language": "ru",
        # "30 октября ... Неделе высокого уровня форума АТЭС 2025" in the first sentence.
        "date": "2025-10-30",
    },
    "001_ac810dc3c9aa3a57.txt": {"id": "ru-to-lam-lee-jae-myung-talks", "language": "ru"},
    "002_38cedd2d2f96b738.txt": {
        "id": "en-vna-gyeongju-talks-2025-10-30",
        "language": "en",
        # Caption: "in Gyeongju city on October 30 afternoon"; "APEC Economic Leaders' Week 2025".
        "date": "2025-10-30",
    },
    "003_e3a6acbf0a264d3c.txt": {"id": "id-vietnamnet-to-lam-lee-jae-myung", "language": "id"},
    "004_31905238598a7fa6.txt": {
        "id": "en-vov-to-lam-receives-rok-ambassador-2025-06-05",
        "language": "en",
        "source": "VOV.VN",  # "VOV.VN - Vietnam hopes ..."
        # "in Hanoi on June 5"; the year follows from "the APEC Summits in the RoK in November
        # 2025" still ahead and Lee Jae-myung's "recent presidential election".
        "date": "2025-06-05",
        "title_from_first_line": "yes",
    },
}


def build(seed: Path) -> Document:
    hand = dict(SEEDS[seed.name])
    paragraphs, stated = clean_text(seed.read_text(encoding="utf-8"))
    title = ""
    if hand.pop("title_from_first_line", ""):
        title = paragraphs.pop(0)
    return Document(
        id=hand["id"],
        body="\n\n".join(paragraphs),
        title=title,
        source=hand.get("source") or stated.get("source", ""),
        url=stated.get("url", ""),
        date=hand.get("date", ""),
        language=hand["language"],
        extra={"seed_file": seed.name},
    )


def main(seed_dir: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in SEEDS:
        doc = build(Path(seed_dir) / name)
        target = out / f"{doc.id}.md"
        target.write_text(render_markdown(doc), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
