"""The broker runtime's native library, loaded before the first broker call without stopping
the window.

`import pymsalruntime` (runtime.py) loads libmsalruntime.so through ctypes.CDLL, which holds
the GIL for the whole load: 0.46-0.68 s on this 2-core machine under load, every Python
thread stopped, the window's event loop with it (measured; benchmarks/event_loop_gap.py).
libc's dlopen, called through ctypes, runs with the GIL released; the import then finds the
library loaded and takes ~12 ms. Linux only (elsewhere `start` does nothing). The runtime
still decides at `import pymsalruntime` whether a broker answers (it pings the broker then,
not at load), so the library may load while the window's sandbox is still starting.

The import itself must wait for that sandbox: `hold()` while the environment the runtime
must see (the sandbox's bus) is being made, `release()` once it is exported, or
`release(refusal)` when it could not be made; `wait()` (load_runtime, on a worker) returns
that refusal instead of letting the import decide, for good, that no broker answers.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading

from app.core.broker.errors import BrokerUnavailable

logger = logging.getLogger(__name__)
_thread: threading.Thread | None = None
_environment = threading.Event()
_environment.set()
_refusal: BrokerUnavailable | None = None


def library() -> str | None:
    """Where the installed pymsalruntime keeps libmsalruntime.so (without importing it)."""
    if sys.platform != "linux":
        return None
    try:
        spec = importlib.util.find_spec("pymsalruntime")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "libmsalruntime.so")
    return path if os.path.exists(path) else None


def start() -> None:
    """Begin loading the library on a thread of its own (once; a no-op where there is none)."""
    global _thread
    path = library()
    if _thread is not None or path is None or "pymsalruntime" in sys.modules:
        return

    def load() -> None:
        import ctypes

        if sys.platform != "linux":  # library() found none elsewhere
            return
        libc = ctypes.CDLL(None)
        libc.dlopen.restype = ctypes.c_void_p
        libc.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
        if not libc.dlopen(path.encode(), os.RTLD_NOW | os.RTLD_GLOBAL):
            logger.debug("preloading the broker runtime failed; its import will say why")

    _thread = threading.Thread(target=load, name="preload-broker-runtime", daemon=True)
    _thread.start()


def loaded() -> None:
    """Until a load `start` began has finished (at once when none did). Work that imports
    extension modules on another thread waits for it: an import loads its module with the
    GIL held, and while this load holds the dynamic loader's lock that import, and every
    Python thread with it, the window's included, waits too (a 60-100 ms stop, measured)."""
    if _thread is not None:
        _thread.join()


def hold() -> None:
    """The runtime's environment is being made (a sandbox starting): imports wait."""
    global _refusal
    _refusal = None
    _environment.clear()


def release(refusal: BrokerUnavailable | None = None) -> None:
    """The environment is ready (exported), or could not be made: why (then no import)."""
    global _refusal
    _refusal = refusal
    _environment.set()


def held() -> bool:
    return not _environment.is_set()


def wait() -> BrokerUnavailable | None:
    """Until a load `start` began has finished and the environment is released (at once when
    neither is pending): the refusal `release` was given, if any. Blocking: a worker's."""
    loaded()
    _environment.wait()
    return _refusal
