"""PyInstaller hook: pymsalruntime loads its native runtime (libmsalruntime.so, msalruntime.dll,
msalruntime.dylib) from its package folder with ctypes, which PyInstaller does not follow by
itself (the frozen import then fails; README.md, "Build it yourself"). Collect it on every platform.
"""

from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("pymsalruntime")
