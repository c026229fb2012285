; Inno Setup 6 script for the Windows installer of 心桥 XinQiao. Build dist\xinqiao with PyInstaller first
; (installer\README.md), then compile this file: ISCC.exe installer\xinqiao.iss -> installer\Output\xinqiao-setup-<version>.exe
;
; - Chinese throughout (ChineseSimplified.isl; see installer\README.md if your Inno Setup lacks it).
; - A desktop shortcut (offered, ticked by default) and the app icon on every shortcut and in 程序和功能.
; - The data folder is chosen on its own page: on a PC with 还原卡 or 冰点 it must be on a drive that is not
;   restored at reboot (often D:). The choice is written to xinqiao-data-dir.txt next to xinqiao.exe, which
;   the program reads (app/config.py).
; - Uninstalling removes the program only: the data folder (the vault, its backups and logs) stays in place.

#define AppVersion "0.1.0"   ; keep in step with app/version.py and pyproject.toml

[Setup]
AppId={{6F3C2B8E-6A51-4E0B-9C3E-5D1A7C2F9B40}
AppName=心桥
AppVerName=心桥 {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=心桥 XinQiao
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\XinQiao
DefaultGroupName=心桥
DisableProgramGroupPage=yes
OutputDir=Output
OutputBaseFilename=xinqiao-setup-{#AppVersion}
SetupIconFile=..\resources\icons\xinqiao.ico
UninstallDisplayIcon={app}\xinqiao.exe
UninstallDisplayName=心桥 {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Per-user by default (no administrator needed); an IT person may choose "for all users" in the dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Qt 6 needs 64-bit Windows 10 (1809) or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
CloseApplications=yes

[Languages]
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[CustomMessages]
chs.DataDirCaption=数据文件夹
chs.DataDirDescription=心桥把加密的数据、备份和日志保存在哪里？
chs.DataDirSubCaption=请选择保存心桥数据的文件夹。如果这台电脑装有还原卡、冰点还原等“重启后还原”的软件，请选择一个不会被还原的磁盘（通常是 D 盘），例如 D:\心桥数据，否则重启后数据会丢失。不确定时请询问学校的电脑管理员。卸载心桥时，这个文件夹会原样保留。
chs.DataDirOnSystem=您选择的数据文件夹在系统盘（%1）上。如果这台电脑装有还原卡或冰点还原，重启后数据会丢失。%n%n确定要把数据放在这里吗？
chs.KeepData=卸载只删除程序，不删除数据。心桥的数据仍保存在：%n%1%n%n重新安装心桥后，选择同一个数据文件夹即可继续使用。

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "快捷方式："

[Files]
Source: "..\dist\xinqiao\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\心桥"; Filename: "{app}\xinqiao.exe"; IconFilename: "{app}\xinqiao.exe"
Name: "{group}\心桥自检"; Filename: "{app}\xinqiao-cli.exe"; Parameters: "--self-test"; IconFilename: "{app}\xinqiao.exe"
Name: "{group}\卸载心桥"; Filename: "{uninstallexe}"
Name: "{autodesktop}\心桥"; Filename: "{app}\xinqiao.exe"; IconFilename: "{app}\xinqiao.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\xinqiao.exe"; Description: "立即打开心桥"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer itself wrote: never the data folder.
Type: files; Name: "{app}\xinqiao-data-dir.txt"

[Code]
var
  DataDirPage: TInputDirWizardPage;

function RecordedDataDir(): String;
var
  Lines: TArrayOfString;
begin
  Result := '';
  if LoadStringsFromFile(ExpandConstant('{app}\xinqiao-data-dir.txt'), Lines) and (GetArrayLength(Lines) > 0) then
    Result := Trim(Lines[0]);
end;

procedure InitializeWizard();
begin
  DataDirPage := CreateInputDirPage(wpSelectDir, CustomMessage('DataDirCaption'),
    CustomMessage('DataDirDescription'), CustomMessage('DataDirSubCaption'), False, 'XinQiao');
  DataDirPage.Add('');
  DataDirPage.Values[0] := GetPreviousData('DataDir', ExpandConstant('{localappdata}\XinQiao'));
end;

procedure RegisterPreviousData(PreviousDataKey: Integer);
begin
  SetPreviousData(PreviousDataKey, 'DataDir', DataDirPage.Values[0]);
end;

function NextButtonClick(CurPageID: Integer): Boolean;
var
  SystemDrive: String;
begin
  Result := True;
  if CurPageID = DataDirPage.ID then
  begin
    SystemDrive := ExtractFileDrive(ExpandConstant('{win}'));
    if CompareText(ExtractFileDrive(DataDirPage.Values[0]), SystemDrive) = 0 then
      Result := MsgBox(FmtMessage(CustomMessage('DataDirOnSystem'), [SystemDrive]), mbConfirmation,
                       MB_YESNO or MB_DEFBUTTON2) = IDYES;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Lines: TArrayOfString;
begin
  if CurStep = ssPostInstall then
  begin
    ForceDirectories(DataDirPage.Values[0]);
    SetArrayLength(Lines, 1);
    Lines[0] := DataDirPage.Values[0];
    SaveStringsToUTF8File(ExpandConstant('{app}\xinqiao-data-dir.txt'), Lines, False);
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usUninstall then
  begin
    DataDir := RecordedDataDir();
    if DataDir = '' then
      DataDir := ExpandConstant('{localappdata}\XinQiao');
    if not UninstallSilent() then
      MsgBox(FmtMessage(CustomMessage('KeepData'), [DataDir]), mbInformation, MB_OK);
  end;
end;
