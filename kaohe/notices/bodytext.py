"""The notice body as editable plain text (one paragraph per line, as
``kaohe.core.notice.render_text`` writes it) read back into blocks."""

import re

from kaohe.documents.model import Block, Heading, Paragraph

LEVEL_1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL_2 = re.compile(r"^(?:[㈠-㈩]|（[一二三四五六七八九十]+）)")


def parse_body(text: str) -> tuple[Block, ...]:
    """“一、总体情况” is a level-1 heading; “㈠扎实推进政务公开工作。各乡镇场……” a level-2 heading
    whose first sentence is the heading and the rest runs on in body type."""
    blocks: list[Block] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if LEVEL_1.match(line):
            blocks.append(Heading(1, line))
        elif LEVEL_2.match(line):
            head, stop, rest = line.partition("。")
            blocks.append(Heading(2, head + stop, run_in=rest))
        else:
            blocks.append(Paragraph(line))
    return tuple(blocks)
