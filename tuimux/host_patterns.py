"""Which ``[hosts."…"]`` sections of the settings file apply to a destination.

A section's name is a list of OpenSSH ``Host`` patterns, matched as ``ssh_config(5)``
"PATTERNS" describes: ``*`` is any run of characters (none included), ``?`` exactly one,
everything else itself, letters in either case. Patterns are separated by commas or
whitespace; one starting with ``!`` is a negation, and a host it matches is excluded from
the section whatever else matches (``"*.example.com, !bastion.example.com"``), as in
OpenSSH's ``match_pattern_list``.

The host is the one typed on the command line, before ssh_config's ``HostName`` turns an
alias into an address: the section a user wrote for ``prod-db`` must not silently stop
applying because the alias now points elsewhere. A local attach has no host; it matches
only the section called exactly ``local``, which in turn never matches an SSH host, so
``[hosts."*"]`` means every SSH host and nothing local.
"""

from __future__ import annotations

import re

LOCAL = "local"
_SEPARATORS = re.compile(r"[,\s]+")


def patterns(name: str) -> tuple[str, ...]:
    """The patterns of a section name, in order; empty pieces between separators go."""
    return tuple(piece for piece in _SEPARATORS.split(name) if piece)


def problem(name: str) -> str | None:
    """Why a section name can never match anything (a phrase for an error), or None.

    OpenSSH accepts such names and silently never applies them; a settings file that says
    "prod is read-only" and means nothing is worse than one sentence saying so.
    """
    if name == LOCAL:
        return None
    found = patterns(name)
    if not found:
        return "names no host pattern"
    if any(pattern == "!" for pattern in found):
        return "has a lone '!' that negates no pattern"
    if all(pattern.startswith("!") for pattern in found):
        return "has only !negated patterns, which match no host (add one such as *)"
    return None


def matches(name: str, host: str | None) -> bool:
    """Whether the section called ``name`` applies to ``host`` (None: the local attach)."""
    if host is None or name == LOCAL:
        return host is None and name == LOCAL
    matched = False
    for pattern in patterns(name):
        negated = pattern.startswith("!")
        if match_pattern(pattern[1:] if negated else pattern, host):
            if negated:
                return False
            matched = True
    return matched


def match_pattern(pattern: str, host: str) -> bool:
    """One ``*``/``?`` pattern against the whole host, ignoring case.

    A greedy scan that backs up only to the last ``*``: at worst len(pattern) * len(host)
    steps, never the blow-up of a backtracking regular expression on ``*a*a*a*a*b``.
    """
    pattern, host = pattern.lower(), host.lower()
    p = h = 0
    star, resume = -1, 0
    while h < len(host):
        if p < len(pattern) and pattern[p] == "*":
            star, resume = p, h
            p += 1
        elif p < len(pattern) and pattern[p] in ("?", host[h]):
            p += 1
            h += 1
        elif star >= 0:
            # The last * swallows one more character; retry the rest from there.
            resume += 1
            p, h = star + 1, resume
        else:
            return False
    return all(char == "*" for char in pattern[p:])
