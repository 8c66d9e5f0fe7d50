"""packaging/bundle_tools.py: the version resource, the icon and the plugin filter."""

from __future__ import annotations

import struct
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import ROOT


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.3.4.5.6", (2, 3, 4, 5)),
     ("1.4rc1", (1, 4, 0, 0)), ("3.0.1+local", (3, 0, 1, 0))],
)  # fmt: skip
def test_version_tuple(tools: ModuleType, version: str, expected: tuple[int, ...]):
    assert tools.version_tuple(version) == expected


def parse_version_resource(text: str) -> dict[str, Any]:
    """Evaluate the VSVersionInfo literal with stand-in constructors (PyInstaller's own need
    pefile, which is Windows-only) and return what it says."""
    found: dict[str, Any] = {"strings": {}}

    def record(name: str):  # type: ignore[no-untyped-def]
        def make(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
            if name == "StringStruct":
                found["strings"][args[0]] = args[1]
            if name == "FixedFileInfo":
                found["fixed"] = kwargs
            return name, args, kwargs

        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct")
    namespace = {n: record(n) for n in (*names, "VarFileInfo", "VarStruct")}
    eval(text, {"__builtins__": {}}, namespace)  # our own generated text, not user input
    return found


def test_windows_version_resource_carries_the_pyproject_version(tools: ModuleType):
    version = tools.project_version()
    parsed = parse_version_resource(tools.windows_version_text(version))
    assert parsed["fixed"]["filevers"] == tools.version_tuple(version)
    assert parsed["fixed"]["prodvers"] == tools.version_tuple(version)
    assert parsed["strings"]["ProductVersion"] == version
    assert parsed["strings"]["ProductName"] == "Broker Account Manager"
    assert parsed["strings"]["OriginalFilename"] == "BrokerAccountManager.exe"


def test_the_icon_is_a_windows_ico_with_png_images_up_to_256(tools: ModuleType, tmp_path, qapp):
    ico = tools.write_ico(ROOT / "resources" / "icons" / "app.svg", tmp_path / "app.ico")
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(tools.ICO_SIZES))
    sides = []
    for i in range(count):
        width, height, _, _, planes, bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        assert (width, planes, bits) == (height, 1, 32)
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + size <= len(data)
        sides.append(width or 256)
    assert sides == list(tools.ICO_SIZES)


def test_the_icon_refuses_a_file_that_is_not_svg(tools: ModuleType, tmp_path, qapp):
    bad = tmp_path / "bad.svg"
    bad.write_text("not svg")
    with pytest.raises(ValueError, match="not valid SVG"):
        tools.write_ico(bad, tmp_path / "x.ico")


@pytest.mark.parametrize(
    ("dest", "unused"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", True),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("plugins", False),
    ],
)
def test_unused_qt_plugins(tools: ModuleType, dest: str, unused: bool):
    assert tools.unused_qt_plugin(dest) is unused


@pytest.mark.parametrize(
    ("dest", "native"),
    [
        ("pymsalruntime/libmsalruntime.so", True),
        ("pymsalruntime/msalruntime.dll", True),
        ("pymsalruntime/msalruntime_x86.dll", True),
        ("pymsalruntime/libmsalruntime.dylib", True),
        ("pymsalruntime/pymsalruntime.cpython-311-x86_64-linux-gnu.so", False),
        ("pymsalruntime/pymsalruntime.cp311-win_amd64.pyd", False),
        ("libQt6Core.so.6", False),
    ],
)
def test_native_runtime_is_told_apart_from_the_extension(tools: ModuleType, dest: str, native):
    assert tools.native_runtime(dest) is native
