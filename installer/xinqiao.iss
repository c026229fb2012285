; Inno Setup script for the Windows installer. Build dist\xinqiao with PyInstaller first.
[Setup]
AppName=心桥 XinQiao
AppVersion=0.1.0
DefaultDirName={autopf}\XinQiao
DefaultGroupName=心桥
OutputBaseFilename=xinqiao-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest

[Languages]
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\dist\xinqiao\*"; DestDir: "{app}"; Flags: recursesubdirs

[Icons]
Name: "{group}\心桥"; Filename: "{app}\xinqiao.exe"
Name: "{autodesktop}\心桥"; Filename: "{app}\xinqiao.exe"
