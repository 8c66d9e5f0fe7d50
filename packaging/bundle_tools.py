"""What the PyInstaller spec needs besides PyInstaller: names, the version resource, the icon
and which host libraries stay out of the bundle. Plain Python, loaded by the spec (and by
tests/packaging) from this folder; it is not a package, so it never shadows PyPI's
`packaging`."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "Broker Account Manager"
EXE_NAME = "BrokerAccountManager"  # the onedir folder and the executable in it
PUBLISHER = "Broker Account Manager contributors"

SYSTEM_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")


def ldd(paths: list[str]) -> set[str]:
    """Linux: the real paths of every shared library the given binaries load (the closure)."""
    needed: set[str] = set()
    for start in range(0, len(paths), 50):
        out = subprocess.run(
            ["ldd", *paths[start : start + 50]], capture_output=True, text=True, check=False
        ).stdout
        for match in re.finditer(r"=> (/\S+) \(0x", out):
            needed.add(os.path.realpath(match.group(1)))
    return needed


# Qt plugins the app has no use for: embedded-Linux platforms (framebuffer, EGLFS, VNC),
# raw evdev input, and image formats other than SVG and ICO (the icons are SVG).
KEPT_PLATFORMS = ("qxcb", "qwayland", "qoffscreen", "qwindows", "qcocoa")
KEPT_IMAGE_FORMATS = ("qsvg", "qico")
UNUSED_PLUGIN_DIRS = ("egldeviceintegrations", "generic")
# Loaded by the host's libraries, not ours: their dependencies are the host's too.
HOST_STACK_ROOTS = ("libmsalruntime.so", "libqgtk3.so")


def native_runtime(dest: str) -> bool:
    """Whether a collected binary is the native broker runtime (not the Python extension)."""
    name = Path(dest).name.lower()
    return "msalruntime" in name and not name.startswith("pymsalruntime")


def unused_qt_plugin(dest: str) -> bool:
    parts = Path(dest).parts
    if "plugins" not in parts[:-2]:  # …/plugins/<kind>/<file>
        return False
    kind = parts[parts.index("plugins") + 1]
    name = Path(dest).name
    if kind in UNUSED_PLUGIN_DIRS:
        return True
    if kind == "platforms":
        return not any(keep in name for keep in KEPT_PLATFORMS)
    if kind == "imageformats":
        return not any(keep in name for keep in KEPT_IMAGE_FORMATS)
    return False


def host_only(binaries: list[tuple[str, str, str]]) -> set[str]:
    """Linux: the bundle names of the host libraries that only the broker runtime needs.

    libmsalruntime.so links the Linux broker's stack (WebKitGTK, GTK, GStreamer and their
    codecs: ~250 MB here), and Qt's GTK theme plugin links GTK. Every desktop that runs the
    Microsoft Identity Broker has them, because the broker needs them itself; bundled, our
    copies would mix with the host's GTK.
    What Python, Qt and the extension modules need is kept. When the host lacks one,
    `--self-test` names it (the runtime's load error).
    """
    if not sys.platform.startswith("linux"):
        return set()

    def system(src: str) -> bool:
        return os.path.realpath(src).startswith(SYSTEM_DIRS)

    roots = [
        src
        for dest, src, _ in binaries
        if not system(src) and Path(dest).name not in HOST_STACK_ROOTS
    ]
    keep = ldd(roots)
    return {dest for dest, src, _ in binaries if system(src) and os.path.realpath(src) not in keep}


def project_version(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' → (1, 2, 3, 0); pre-release and local parts are dropped ('1.2rc1' → 1.2.0.0)."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(n) for n in release.group(0).split(".")][:4] if release else []
    return tuple([*numbers, 0, 0, 0, 0][:4])  # type: ignore[return-value]


def windows_version_text(version: str) -> str:
    """A PyInstaller version-resource file (the VSVersionInfo literal PyInstaller reads on
    Windows): what Explorer's Properties → Details and the installer show."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": APP_NAME,
        "FileVersion": version,
        "InternalName": EXE_NAME,
        "LegalCopyright": f"MIT License, {PUBLISHER}",
        "OriginalFilename": f"{EXE_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    table = ",\n".join(f"        StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def write_ico(svg: Path, target: Path, sizes: tuple[int, ...] = ICO_SIZES) -> Path:
    """Render the SVG at each size and write a Windows .ico of PNG images (Vista and later)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not valid SVG")
    images = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        images.append((size, bytes(data.data())))
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + entries + blobs)
    return target
