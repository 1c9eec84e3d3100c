"""Where the course installs: the operating systems, machines and Pythons with a
TensorFlow 2.21 wheel. `unsupported_reason` names what to use instead anywhere else, in
one sentence, before anything is created."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

#: Pythons with a TensorFlow 2.21 wheel (tests/data/tensorflow-2.21.0-wheels.json).
PYTHONS = ((3, 11), (3, 12), (3, 13))
#: (sys.platform, platform.machine()) -> the TensorFlow 2.21 distribution with a wheel
#: there. pyproject.toml's markers must pick exactly this one; tests check both against
#: the recorded list of wheels.
TENSORFLOW_BY_PLATFORM = {
    ("linux", "x86_64"): "tensorflow-cpu",
    ("linux", "aarch64"): "tensorflow",
    ("darwin", "arm64"): "tensorflow",
    ("win32", "AMD64"): "tensorflow-cpu",
}
#: TensorFlow's Linux wheels are tagged manylinux_2_27, its macOS ones macosx_12_0.
OLDEST_GLIBC = (2, 27)
OLDEST_MACOS = (12, 0)
ELSEWHERE = "use Binder or a JupyterHub instead (README.md, 'In a classroom')"


@dataclass(frozen=True)
class Platform:
    """What decides whether TensorFlow 2.21 installs: OS, machine, Python and its build."""

    system: str  # sys.platform: linux, darwin, win32, ...
    machine: str  # platform.machine(): x86_64, aarch64, arm64, AMD64, ARM64, ...
    python: tuple[int, int]
    implementation: str = "cpython"
    bits: int = 64
    libc: tuple[str, str] = ("glibc", "2.36")  # platform.libc_ver(), read on Linux only
    macos: str = "15.0"  # platform.mac_ver()[0], read on macOS only

    @classmethod
    def current(cls) -> Platform:
        return cls(
            system=sys.platform,
            machine=platform.machine(),
            python=(sys.version_info[0], sys.version_info[1]),
            implementation=sys.implementation.name,
            bits=64 if sys.maxsize > 2**32 else 32,
            libc=platform.libc_ver() if sys.platform == "linux" else ("", ""),
            macos=platform.mac_ver()[0] if sys.platform == "darwin" else "",
        )


def version_tuple(text: str) -> tuple[int, ...]:
    """The leading numbers of a dotted version: '2.27' -> (2, 27), '10.16.x' -> (10, 16)."""
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def unsupported_reason(where: Platform) -> str | None:
    """None where the course installs, else one sentence naming what to use instead."""
    if where.python not in PYTHONS:
        return (
            f"lstm-teach needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.21 has no build for "
            f"Python {where.python[0]}.{where.python[1]}): run tasks.py with one of those, "
            "or use the conda route of README.md, which brings Python 3.11"
        )
    if where.implementation != "cpython":
        return (
            f"TensorFlow has builds for CPython only and this Python is {where.implementation}: "
            "run tasks.py with CPython 3.11 to 3.13 (python.org, or the conda route)"
        )
    if where.bits != 64:
        return (
            "this Python is 32-bit and TensorFlow needs a 64-bit one: install the 64-bit "
            "Python 3.11, 3.12 or 3.13 and run tasks.py with it"
        )
    key = (where.system, where.machine)
    if key == ("darwin", "x86_64"):
        return (
            "TensorFlow 2.21 has no build for macOS on Intel (x86_64): on a Mac with Apple "
            f"silicon run tasks.py with a native arm64 Python; on an Intel Mac {ELSEWHERE}"
        )
    if key == ("win32", "ARM64"):
        return (
            "TensorFlow 2.21 has no build for Windows on ARM64: use WSL (Linux on ARM64 is "
            "supported), Binder or a JupyterHub (README.md, 'In a classroom')"
        )
    if key not in TENSORFLOW_BY_PLATFORM:
        return f"TensorFlow 2.21 has no build for {where.system} on {where.machine}: {ELSEWHERE}"
    if where.system == "linux":
        name, version = where.libc
        if name != "glibc":
            return (
                "TensorFlow's Linux builds need glibc 2.27 or newer and this system uses "
                f"another C library (musl, as on Alpine?): {ELSEWHERE}"
            )
        if version_tuple(version) < OLDEST_GLIBC:
            return (
                f"TensorFlow's Linux builds need glibc 2.27 or newer and this system has "
                f"glibc {version}: {ELSEWHERE}"
            )
    # A Python built for old macOS SDKs reports 10.16 on any macOS from 11 on: no verdict
    # then, nor when the version cannot be read.
    macos = version_tuple(where.macos)[:2]
    if where.system == "darwin" and macos not in [(), (10, 16)] and macos < OLDEST_MACOS:
        return (
            f"TensorFlow 2.21 needs macOS 12 or newer and this Mac runs {where.macos}: "
            f"update macOS, or {ELSEWHERE}"
        )
    return None
