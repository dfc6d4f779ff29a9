"""The user's settings file: defaults for command-line options, read once at start.

``config.toml`` lives in the platform's config directory (``~/.config/tuimux`` on Linux,
from platformdirs) or wherever ``--config`` points. A file that anyone but its owner may
write could name the tmux binary tuimux runs, so, as OpenSSH does with its own files,
tuimux will not use it: it says why in one sentence and starts with the defaults. A file
that cannot be read or parsed, an unknown key or a value of the wrong type is one
sentence and exit status 2, never a traceback and never a guess.

``[hosts."pattern"]`` sections hold the same keys for the destinations they match (see
``tuimux.host_patterns``); for each key the first matching section in the file gives the
value, as in ssh_config, and the top-level keys only what no section gives.

tuimux's own state (the default audit log) goes to the platform's state directory,
created 0700; files it writes are created 0600, opened without following symbolic links,
and never a FIFO, a device or another user's file (:func:`open_append`).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs

from tuimux.errors import ConfigError, user_message
from tuimux.host_patterns import matches, problem

APP_NAME = "tuimux"
CONFIG_FILE = "config.toml"
AUDIT_FILE = "audit.jsonl"
# A settings file is a few lines; anything larger is not one (and is not read whole).
MAX_CONFIG_BYTES = 1024 * 1024
COLORS = ("auto", "truecolor", "256", "16")
# The keys of Settings, allowed at the top level and in every host section.
KEYS = ("tmux", "colors", "read_only", "audit_log", "theme")


@dataclass(frozen=True)
class Settings:
    """What the file may set; ``None`` means "not set here" (the built-in default)."""

    tmux: str | None = None
    colors: str | None = None
    read_only: bool | None = None
    audit_log: Path | None = None
    theme: str | None = None


@dataclass(frozen=True)
class HostSection:
    """One ``[hosts."…"]`` section, named by its patterns.

    ``keys`` are the keys it sets at all: ``audit_log = false`` here turns off a top-level
    log, so "set to off" has to differ from the ``None`` of "not set here".
    """

    name: str
    settings: Settings
    keys: frozenset[str]


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    # Sentences for the user: the file was found but not used, and why.
    warnings: tuple[str, ...] = ()
    # In file order, which decides between sections that match the same host.
    hosts: tuple[HostSection, ...] = ()

    def settings_for(self, host: str | None) -> Settings:
        """The file's settings for a destination as typed (None: the local attach).

        Key by key, the first matching section that sets it wins, as ssh_config's "first
        obtained value", so specific sections go before broad ones; then the top level.
        """
        chosen: dict[str, Any] = {}
        for section in self.hosts:
            if matches(section.name, host):
                for key in section.keys:
                    chosen.setdefault(key, getattr(section.settings, key))
        return replace(self.settings, **chosen)


def config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILE


def state_dir() -> Path:
    return platformdirs.user_state_path(APP_NAME)


def private_dir(path: Path) -> Path:
    """Create tuimux's own directory 0700, or narrow it to 0700 if it is ours and wider.

    Only for directories tuimux owns by name (its state directory): a directory the user
    chose, such as the parent of an ``--audit-log`` path, is left as it is. A symbolic
    link there is refused, never followed: narrowing its target could lock the user out
    of a directory tuimux never made.
    """
    try:
        make_dirs(path)
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        # Linux says ENOTDIR (with O_DIRECTORY) or ELOOP for a link: name it plainly.
        reason = "it is a symbolic link" if os.path.islink(path) else error.strerror
        raise ConfigError(f"The directory {path} cannot be made private: {reason}.") from None
    try:
        info = os.fstat(descriptor)
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != 0o700:
            os.fchmod(descriptor, 0o700)
    except OSError as error:
        message = f"The directory {path} cannot be made private: {error.strerror}."
        raise ConfigError(message) from None
    finally:
        os.close(descriptor)
    return path


def make_dirs(path: Path) -> None:
    """Create ``path`` and any missing parents, each 0700 whatever the umask (pathlib's
    ``parents=True`` makes the parents with the umask's mode). Existing ones are left."""
    missing = []
    while not os.path.lexists(path):
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to change
        # Ours: the umask may have taken owner bits away, never added any.
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            os.fchmod(descriptor, 0o700)
        finally:
            os.close(descriptor)


def open_append(path: Path, what: str) -> tuple[int, tuple[str, ...]]:
    """Open a file tuimux writes (``what``: "The audit log") for appending, safely.

    A new file is created 0600 (``O_EXCL``: it is ours) in 0700 directories. An existing
    one must be a regular file (never a FIFO or a device: ``--audit-log /dev/null`` as
    root once chmod-ed /dev/null), not a symbolic link (``O_NOFOLLOW``), owned by the
    user and writable by no one else; its mode is never changed. One that others may read
    is used with a warning: sharing a log with auditors can be deliberate, while a log
    others may write cannot be trusted. Returns the descriptor and the warnings.
    """
    flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY
    try:
        if not os.path.lexists(path.parent):
            make_dirs(path.parent)
        try:
            descriptor = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            os.fchmod(descriptor, 0o600)  # created just now: ours, whatever the umask
            return descriptor, ()
        before = os.lstat(path)
        problem = _not_ours(path, before, what)
        if problem is not None:  # judged before opening: opening a device can act
            raise ConfigError(problem)
        descriptor = os.open(path, flags | os.O_NONBLOCK)
    except OSError as error:
        # O_NOFOLLOW with O_DIRECTORY says ENOTDIR for a link on Linux, ELOOP elsewhere.
        link = error.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(path)
        reason = "it is a symbolic link" if link else error.strerror
        raise ConfigError(f"{what} {path} cannot be written: {reason}.") from None
    info = os.fstat(descriptor)
    problem = _not_ours(path, info, what)
    if problem is None and (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
        problem = f"{what} {path} was replaced while it was opened; it is not used."
    if problem is not None:
        os.close(descriptor)
        raise ConfigError(problem)
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o044:
        return descriptor, (
            f"{what} {path} can be read by other users (mode {mode:04o}); tuimux leaves "
            f"its mode as it is (chmod go-r {path} to keep it private).",
        )
    return descriptor, ()


def _not_ours(path: Path, info: os.stat_result, what: str) -> str | None:
    """Why an existing file must not be written, as one sentence, or None."""
    if stat.S_ISLNK(info.st_mode):
        return f"{what} {path} is a symbolic link; tuimux does not follow it."
    if not stat.S_ISREG(info.st_mode):
        return f"{what} {path} is not a regular file; tuimux writes only to regular files."
    if info.st_uid != os.getuid():
        return f"{what} {path} belongs to another user; it is not used."
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        return (
            f"{what} {path} can be changed by other users (mode {mode:04o}); it is not "
            f"used until you run: chmod go-w {path}"
        )
    return None


def load(path: Path | None = None) -> Loaded:
    """Read the settings file; a missing default file is no settings at all.

    ``path`` is ``--config``: naming a file that does not exist is an error, since the
    user meant something by it.
    """
    explicit = path is not None
    path = path if path is not None else config_path()
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"The configuration file {path} does not exist.") from None
        return Loaded(Settings())
    except OSError as error:
        message = f"The configuration file {path} cannot be read: {error.strerror}."
        raise ConfigError(message) from None
    with os.fdopen(descriptor, "rb") as file:
        unsafe = _unsafe(path, os.fstat(file.fileno()))
        if unsafe is not None:
            return Loaded(Settings(), (unsafe,))
        raw = file.read(MAX_CONFIG_BYTES + 1)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"The configuration file {path} is larger than 1 MiB.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"The configuration file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        reason = user_message(error).rstrip(".")
        raise ConfigError(f"The configuration file {path} is not valid TOML: {reason}.") from None
    return Loaded(_settings(path, data), hosts=_hosts(path, data.get("hosts")))


def _unsafe(path: Path, info: os.stat_result) -> str | None:
    """Why a file must not be trusted (it or its directory writable by others), or None."""
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file; its settings are ignored."
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid not in (os.getuid(), 0):
        return f"{path} belongs to another user; its settings are ignored."
    if mode & 0o022:
        return (
            f"{path} can be changed by other users (mode {mode:04o}); its settings are "
            f"ignored until you run: chmod go-w {path}"
        )
    try:
        parent = path.resolve().parent.stat()
    except OSError:
        return None
    parent_mode = stat.S_IMODE(parent.st_mode)
    # A sticky shared directory (/tmp) lets no one else replace our file in it.
    if parent_mode & 0o022 and not parent_mode & stat.S_ISVTX:
        return (
            f"the directory of {path} can be changed by other users (mode "
            f"{parent_mode:04o}); its settings are ignored until you run: chmod go-w "
            f"{path.resolve().parent}"
        )
    return None


def _hosts(path: Path, value: object) -> tuple[HostSection, ...]:
    """Every section is checked, not only those matching this run's host: a mistake in
    the prod section must not wait for the day you attach to prod."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ConfigError(f'In {path}, hosts must be sections such as [hosts."prod-*"].')
    sections = []
    for name, table in value.items():
        label = _label(name)
        why = problem(name)
        if why is not None:
            raise ConfigError(f"In {path}, {label} {why}.")
        if not isinstance(table, dict):
            raise ConfigError(f"In {path}, {label} must be a section of settings, not a value.")
        sections.append(HostSection(name, _settings(path, table, label), frozenset(table)))
    return tuple(sections)


def _label(name: str) -> str:
    """A section as the user would write it; JSON escapes keep the sentence on one line
    and free of terminal control characters, and are valid TOML."""
    return f"[hosts.{json.dumps(name)}]"


def _settings(path: Path, data: dict[str, object], section: str | None = None) -> Settings:
    """The top level (``section`` None) or one host section, whose label errors name."""
    known = set(KEYS) if section is not None else {*KEYS, "hosts"}
    within = f" in {section}" if section is not None else ""
    for key in data:
        if key not in known:
            raise ConfigError(
                f"The configuration file {path} has an unknown setting {key!r}{within} "
                f"(known: {', '.join(sorted(known))})."
            )
    where = f"In {path}, {section}" if section is not None else f"In {path},"

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or any(c in value for c in "\n\r\0"):
            raise ConfigError(f"{where} {key} must be a non-empty string on one line.")
        return value

    colors = text("colors")
    if colors is not None and colors not in COLORS:
        raise ConfigError(f"{where} colors must be one of {', '.join(COLORS)}.")
    read_only = data.get("read_only")
    if read_only is not None and not isinstance(read_only, bool):
        raise ConfigError(f"{where} read_only must be true or false.")
    return Settings(
        tmux=text("tmux"),
        colors=colors,
        read_only=read_only,
        audit_log=_audit_log(path, data.get("audit_log"), where),
        theme=text("theme"),
    )


def _audit_log(path: Path, value: object, where: str) -> Path | None:
    """``audit_log = true`` logs to the state directory; a string is a path (``~`` allowed)."""
    if value is None or value is False:
        return None
    if value is True:
        return private_dir(state_dir()) / AUDIT_FILE
    if isinstance(value, str) and value and not any(c in value for c in "\n\r\0"):
        chosen = Path(value).expanduser()
        # Relative to the file that says it, not to wherever tuimux happens to start.
        return chosen if chosen.is_absolute() else path.parent / chosen
    raise ConfigError(f"{where} audit_log must be true, false or a file path.")
