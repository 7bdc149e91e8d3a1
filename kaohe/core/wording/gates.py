"""Gates: extra automaton patterns that tell whether a regex rule can match a page.

Running a regex over every page costs a sizeable part of an automaton pass, so the checker
adds to its one automaton the literals a regex's matches start with (``〔20``, ``(19``) or must
contain (``截止``), and only runs the regex where they were seen. Gates share the automaton
with the rule patterns, whose matching is leftmost-longest and non-overlapping, so a gate is
only used where it can never hide a pattern, a trigger or another gate, nor be hidden by one.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import regexinfo


def choose_gates(
    pattern: str,
    triggers: set[str],
    taken: list[str],
    by_char: dict[str, list[str]],
) -> tuple[tuple[str, ...], bool]:
    """The first usable set among: the literal prefixes of the regex (then its matches
    can only start where a gate matched), then each literal it requires (longest first).
    ``by_char`` indexes the rule patterns by character.
    Returns the gates, and whether they are prefixes; ((), False) if none is usable."""
    prefixes = tuple(regexinfo.literal_prefixes(pattern))
    candidates = [(prefixes, True)]
    candidates += [((lit,), False) for lit in regexinfo.required_literals(pattern) if len(lit) > 1]
    for gates, anchored in candidates:
        if anchored and hide_each_other(gates):
            continue
        if gates and all(usable_gate(gate, triggers, taken, by_char) for gate in gates):
            return gates, anchored
    return (), False


def hide_each_other(gates: Sequence[str]) -> bool:
    """Could one occurrence of these strings hide another (``aa`` in ``aaa``, ``ab`` and
    ``ba`` in ``aba``)? Then not every start of a match is reported."""
    for gate in gates:
        if any(gate.endswith(gate[:k]) for k in range(1, len(gate))):
            return True
    return any(
        regexinfo.overlaps(a, b) for i, a in enumerate(gates) for b in gates[i + 1 :] if a != b
    )


def usable_gate(
    gate: str,
    triggers: set[str],
    taken: list[str],
    by_char: dict[str, list[str]],
) -> bool:
    """A gate must not contain a trigger, nor overlap a pattern or another regex's gate
    (one of the two would hide the other)."""
    if gate in taken:  # already checked for an earlier regex, and accepted
        return True
    if triggers.intersection(gate):
        return False
    chars = set(gate)
    near = {p for ch in chars for p in by_char.get(ch, ())}
    near.update(g for g in taken if chars.intersection(g))
    return not any(regexinfo.overlaps(gate, other) for other in near)
