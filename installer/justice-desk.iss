; Inno Setup script of Justice Desk: a per-user setup program for the one-folder PyInstaller
; build (installer/justice_desk.spec). Needs Inno Setup 6.3 or newer. From the checkout root,
; after the PyInstaller build (installer/README.md):
;
;   iscc /DAppVersion=0.1.0 installer\justice-desk.iss
;
; /DBuildDir=FOLDER takes the build from elsewhere (default: dist\JusticeDesk); the setup program
; is written to dist\.

#ifndef AppVersion
  #error Give the version being packed, the one in justice_desk/__init__.py: iscc /DAppVersion=0.1.0 installer\justice-desk.iss
#endif
#ifndef BuildDir
  #define BuildDir AddBackslash(SourcePath) + "..\dist\JusticeDesk"
#endif
#if !FileExists(AddBackslash(BuildDir) + "JusticeDesk.exe")
  #error No PyInstaller build in the build folder: run pyinstaller installer\justice_desk.spec first (installer\README.md)
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{0AE270C0-BC01-419C-A8A6-5D767EEE0C23}
AppName=Justice Desk
AppVersion={#AppVersion}
AppVerName=Justice Desk {#AppVersion}
AppPublisher=Justice Desk developers
; Per user, no administrator rights: a center's laptop is often a shared office machine whose
; coordinator cannot elevate. {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\JusticeDesk
DefaultGroupName=Justice Desk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 and newer.
MinVersion=10.0
WizardStyle=modern
ShowLanguageDialog=auto
Compression=lzma2
SolidCompression=yes
OutputDir=..\dist
OutputBaseFilename=JusticeDesk-{#AppVersion}-setup
UninstallDisplayName=Justice Desk
UninstallDisplayIcon={app}\JusticeDesk.exe
; A running copy keeps its files open: let the Restart Manager close it before an upgrade.
CloseApplications=yes

; Setup speaks the user's Windows language when it has it, else the first one listed. Thai is an
; official Inno Setup translation only in recent releases (6.5); with an older Inno Setup, put the
; user-contributed Thai.isl (https://jrsoftware.org/files/istrans/) next to this script, or the
; setup program is built in English only.
[Languages]
#if FileExists(AddBackslash(CompilerPath) + "Languages\Thai.isl")
Name: "thai"; MessagesFile: "compiler:Languages\Thai.isl"
#elif FileExists(AddBackslash(SourcePath) + "Thai.isl")
Name: "thai"; MessagesFile: "Thai.isl"
#else
  #pragma warning "This Inno Setup has no Thai translation: the setup program will be in English only."
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade starts from an empty program folder: a file the new build no longer has must not
; stay behind (a removed migration script left in _internal would still be run by Alembic).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; JusticeDesk.exe (windowed), justice-desk.exe (console, for the commands) and _internal\.
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Justice Desk"; Filename: "{app}\JusticeDesk.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\Justice Desk"; Filename: "{app}\JusticeDesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\JusticeDesk.exe"; Description: "{cm:LaunchProgram,Justice Desk}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes only what this setup installed: the program folder. The center's data
; (database, private keys, backups, settings, logs) lives in the user data folder of
; justice_desk/paths.py, platformdirs' user_data_dir("JusticeDesk"), i.e. %LOCALAPPDATA%\JusticeDesk,
; a different folder from {app} (%LOCALAPPDATA%\Programs\JusticeDesk). There is deliberately no
; [UninstallDelete] section: removing the program must never take a center's records or keys
; with it, and reinstalling finds them again.
