"""The real probes of limits.py on Windows: the process token (elevation, user), the session's
user (WTS), the Windows version, the Web Account Manager service's start mode (the registry)
and the window station. Each answer comes from one Win32 call with no side effect and needs no
administrator rights; none waits on the broker or the network. Anything that fails raises
OSError (limits.find then lists it as not checked). Off Windows every probe raises OSError.
"""

from __future__ import annotations

import sys
from typing import Any

from app.core.broker.limits import WAM_SERVICE

_TOKEN_QUERY = 0x0008
_TOKEN_USER = 1
_TOKEN_ELEVATION = 20
_WTS_CURRENT_SESSION = 0xFFFFFFFF
_WTS_USER_NAME, _WTS_DOMAIN_NAME = 5, 7
_UOI_FLAGS, _WSF_VISIBLE = 1, 0x0001
_SERVICE_DISABLED = 4
_VER_NT_WORKSTATION = 1


class WindowsProbes:
    """limits.Probes for Windows."""

    if sys.platform == "win32":

        def __init__(self) -> None:
            import ctypes
            from ctypes import wintypes

            self._ctypes, self._w = ctypes, wintypes
            self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            self.advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
            self.user32 = ctypes.WinDLL("user32", use_last_error=True)
            self.wtsapi32 = ctypes.WinDLL("wtsapi32", use_last_error=True)
            handle, dword, boolean = wintypes.HANDLE, wintypes.DWORD, wintypes.BOOL
            pvoid, pdword = ctypes.c_void_p, ctypes.POINTER(dword)
            self.kernel32.GetCurrentProcess.restype = handle
            self.kernel32.CloseHandle.argtypes = (handle,)
            self.advapi32.OpenProcessToken.argtypes = (handle, dword, ctypes.POINTER(handle))
            self.advapi32.OpenProcessToken.restype = boolean
            info_args = (handle, ctypes.c_int, pvoid, dword, pdword)
            self.advapi32.GetTokenInformation.argtypes = info_args
            self.advapi32.GetTokenInformation.restype = boolean
            self.advapi32.LookupAccountSidW.argtypes = (
                wintypes.LPCWSTR, pvoid, wintypes.LPWSTR, pdword, wintypes.LPWSTR, pdword, pdword
            )  # fmt: skip
            self.advapi32.LookupAccountSidW.restype = boolean
            self.wtsapi32.WTSQuerySessionInformationW.argtypes = (
                handle, dword, ctypes.c_int, ctypes.POINTER(wintypes.LPWSTR), pdword
            )  # fmt: skip
            self.wtsapi32.WTSQuerySessionInformationW.restype = boolean
            self.wtsapi32.WTSFreeMemory.argtypes = (pvoid,)
            self.kernel32.ProcessIdToSessionId.argtypes = (dword, pdword)
            self.kernel32.ProcessIdToSessionId.restype = boolean
            self.user32.GetProcessWindowStation.restype = handle
            self.user32.GetUserObjectInformationW.argtypes = info_args
            self.user32.GetUserObjectInformationW.restype = boolean

        def _fail(self) -> OSError:
            return self._ctypes.WinError(self._ctypes.get_last_error())

        def _token_information(self, kind: int, size: int) -> Any:
            """The process token's information of this kind, in a buffer kept alive by the
            caller (a TOKEN_USER's SID pointer points into it)."""
            ctypes, w = self._ctypes, self._w
            token = w.HANDLE()
            process = self.kernel32.GetCurrentProcess()
            if not self.advapi32.OpenProcessToken(process, _TOKEN_QUERY, ctypes.byref(token)):
                raise self._fail()
            try:
                buffer = ctypes.create_string_buffer(size)
                needed = w.DWORD()
                if not self.advapi32.GetTokenInformation(
                    token, kind, buffer, size, ctypes.byref(needed)
                ):
                    raise self._fail()
                return buffer
            finally:
                self.kernel32.CloseHandle(token)

        def elevated(self) -> bool:
            info = self._token_information(_TOKEN_ELEVATION, 4)  # TOKEN_ELEVATION: one DWORD
            return int.from_bytes(info.raw[:4], "little") != 0

        def process_user(self) -> str:
            ctypes, w = self._ctypes, self._w
            info = self._token_information(_TOKEN_USER, 256)
            sid = ctypes.cast(info, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
            name, domain = ctypes.create_unicode_buffer(256), ctypes.create_unicode_buffer(256)
            name_size, domain_size, use = w.DWORD(256), w.DWORD(256), w.DWORD()
            if not self.advapi32.LookupAccountSidW(
                None, sid, name, ctypes.byref(name_size), domain, ctypes.byref(domain_size),
                ctypes.byref(use),
            ):  # fmt: skip
                raise self._fail()
            return f"{domain.value}\\{name.value}"

        def _session_text(self, kind: int) -> str:
            ctypes, w = self._ctypes, self._w
            text, size = w.LPWSTR(), w.DWORD()
            if not self.wtsapi32.WTSQuerySessionInformationW(
                None, _WTS_CURRENT_SESSION, kind, ctypes.byref(text), ctypes.byref(size)
            ):
                raise self._fail()
            try:
                return text.value or ""
            finally:
                self.wtsapi32.WTSFreeMemory(text)

        def desktop_user(self) -> str | None:
            name = self._session_text(_WTS_USER_NAME)
            if not name:
                return None
            return f"{self._session_text(_WTS_DOMAIN_NAME)}\\{name}"

        def windows_version(self) -> tuple[int, int, int, bool]:
            # platform_version: the real version, not the one a manifest-less process is told.
            version = sys.getwindowsversion()
            major, minor, build = version.platform_version
            return major, minor, build, version.product_type != _VER_NT_WORKSTATION

        def wam_service(self) -> str:
            import winreg

            key = rf"SYSTEM\CurrentControlSet\Services\{WAM_SERVICE}"
            try:
                with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key) as service:
                    start, _ = winreg.QueryValueEx(service, "Start")
            except FileNotFoundError:
                return "missing"
            return "disabled" if start == _SERVICE_DISABLED else "enabled"

        def interactive_desktop(self) -> bool:
            ctypes, w = self._ctypes, self._w
            session = w.DWORD()
            pid = self.kernel32.GetCurrentProcessId()
            if not self.kernel32.ProcessIdToSessionId(pid, ctypes.byref(session)):
                raise self._fail()
            if session.value == 0:  # session 0 is the services'
                return False
            station = self.user32.GetProcessWindowStation()
            if not station:
                raise self._fail()
            info = ctypes.create_string_buffer(12)  # USEROBJECTFLAGS: fInherit, -, dwFlags
            needed = w.DWORD()
            if not self.user32.GetUserObjectInformationW(
                station, _UOI_FLAGS, info, 12, ctypes.byref(needed)
            ):
                raise self._fail()
            return bool(int.from_bytes(info.raw[8:12], "little") & _WSF_VISIBLE)

    else:

        def _unavailable(self) -> OSError:
            return OSError(f"the Windows probes cannot run on {sys.platform}")

        def elevated(self) -> bool:
            raise self._unavailable()

        def process_user(self) -> str:
            raise self._unavailable()

        def desktop_user(self) -> str | None:
            raise self._unavailable()

        def windows_version(self) -> tuple[int, int, int, bool]:
            raise self._unavailable()

        def wam_service(self) -> str:
            raise self._unavailable()

        def interactive_desktop(self) -> bool:
            raise self._unavailable()
