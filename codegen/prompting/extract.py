"""Find the code in a model's answer: fenced blocks, prose around them, nested fences.

The embedded model often opens with "```markdown" and then "```python"; a fence line with
a tag therefore always opens a block, and a bare fence closes the innermost open one. A block
that holds other blocks is a container and its own lines (prose) are dropped. A block still
open at the end (cut by max_tokens) is kept and marked unterminated. Two more habits of the
small model, seen in tests/unit/data/model_outputs.json: a bare fence with the language name on
the next line, and a doubled bare fence ("```" "```") before code that has no opening fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codegen import languages

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$")
_CONTAINER_TAGS = {"", "markdown", "md", "text", "txt", "plaintext"}


@dataclass
class Block:
    tag: str
    lines: list[str] = field(default_factory=list)
    terminated: bool = False
    children: int = 0
    order: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Extracted:
    code: str
    tag: str | None
    fenced: bool
    terminated: bool
    blocks: int


def split_blocks(text: str) -> list[Block]:
    """Every leaf fenced block in ``text``, in order of opening."""
    stack: list[Block] = []
    done: list[Block] = []
    opened = 0
    for line in text.splitlines():
        match = _FENCE.match(line)
        if match is None:
            if stack:
                stack[-1].lines.append(line)
            continue
        tag = match.group(2).strip().lower().lstrip("{.").rstrip("}")
        if tag or not stack:
            if stack:
                stack[-1].children += 1
            stack.append(Block(tag=tag, order=opened))
            opened += 1
            continue
        if _doubled_opening(stack[-1]):
            continue
        block = stack.pop()
        block.terminated = True
        if block.children == 0:
            done.append(block)
    done.extend(b for b in stack if b.children == 0)
    return sorted(done, key=lambda b: b.order)


def _doubled_opening(block: Block) -> bool:
    """A bare fence right after a bare opening fence, nothing between: the small model writes
    "```" twice and then the code; the second fence is not a close."""
    return not block.tag and not block.children and not any(s.strip() for s in block.lines)


def _is_other_language(tag: str, language: str) -> bool:
    lang = languages.find(tag) or languages.from_fence_tag(tag)
    return lang is not None and lang.name != language


def _matches(tag: str, language: str) -> bool:
    lang = languages.find(language)
    return lang is not None and tag in lang.tags


def _tag_on_own_line(block: Block) -> Block:
    """A fence whose first line is a bare language name (the small model writes "```" then
    "javascript" on the next line, or "```python" then "python"): that line is the tag, not
    code. It is dropped when the fence has no tag or the same language's."""
    if not block.lines:
        return block
    first = block.lines[0].strip().lower()
    named = languages.from_fence_tag(first) if first and " " not in first else None
    if named is None or (block.tag and languages.from_fence_tag(block.tag) is not named):
        return block
    tag = block.tag or first
    return Block(tag, block.lines[1:], block.terminated, block.children, block.order)


def _outside_fences(text: str) -> str:
    """``text`` without its fence lines: for answers whose fences hold nothing ("```" twice,
    then the code with no opening fence)."""
    kept = [line for line in text.splitlines() if _FENCE.match(line) is None]
    return "\n".join(kept).strip("\n")


def extract(text: str, language: str) -> Extracted:
    """The code for ``language`` in a model answer ``text``."""
    blocks = [_tag_on_own_line(b) for b in split_blocks(text) if b.text.strip()]
    if not blocks:
        return Extracted(_outside_fences(text), None, False, True, 0)
    chosen = [b for b in blocks if _matches(b.tag, language)]
    if not chosen:
        chosen = [b for b in blocks if not _is_other_language(b.tag, language)]
    if not chosen:
        chosen = blocks
    best = max(chosen, key=lambda b: len(b.text.strip()))
    return Extracted(best.text.strip("\n"), best.tag or None, True, best.terminated, len(blocks))


def code_complete(text: str) -> bool:
    """True once ``text`` holds a closed fenced block with code and no block is still open."""
    if "```" not in text and "~~~" not in text:
        return False
    stack = 0
    closed_with_code = False
    body = False
    for line in text.splitlines():
        match = _FENCE.match(line)
        if match is None:
            body = body or (stack > 0 and bool(line.strip()))
            continue
        if match.group(2) or stack == 0:
            stack += 1
            body = False
        else:
            stack -= 1
            closed_with_code = closed_with_code or body
    return closed_with_code and stack == 0 and text.endswith("\n")
