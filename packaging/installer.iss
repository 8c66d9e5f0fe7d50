; Inno Setup 6 script: the Windows installer for the onedir build in dist\BrokerAccountManager.
; Built by .github/workflows/build.yml after `python packaging/build.py`:
;   iscc /DAppVersion=0.1.0 /DAppVersionNumeric=0.1.0.0 packaging\installer.iss
; Per-user (no administrator rights), Start menu shortcut, optional desktop shortcut, an
; uninstaller, and upgrade in place: the same AppId finds and replaces an earlier version.

#define AppName "Broker Account Manager"
#define ExeName "BrokerAccountManager"
#define Publisher "Broker Account Manager contributors"
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif

[Setup]
; Never change AppId: it is how a new version finds the installed one to upgrade.
AppId={{04C3DE93-24A8-4734-A86F-41A246F5A114}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#AppVersionNumeric}
; Per-user: {autopf} is %LOCALAPPDATA%\Programs and {autoprograms} the user's Start menu.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Upgrades close a running copy first (Restart Manager).
CloseApplications=yes
; The icon the spec rendered, inside the bundle the installer installs (_internal\app.ico).
SetupIconFile=..\dist\{#ExeName}\_internal\app.ico
UninstallDisplayIcon={app}\{#ExeName}.exe
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename={#ExeName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Upgrade in place: the previous version's bundled libraries go, so none is left mixed in.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\{#ExeName}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#ExeName}.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ExeName}.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\{#ExeName}.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
