// A module whose build passes and whose test fails the way a Qt test fails: the test prints
// QtTest's FAIL! lines and writes QtTest XML into the results directory that
// ScheduleUploadTestResults collects, and the command line that runs it says `--fail-fast` (an
// echoed command line that merely looks like an error).
import { toolSource } from './demo-modules';

/** tests/tst_tool.sh: runs the tool ($1), compares its output, writes QtTest XML into $2. */
const testScript = `#!/bin/sh
out=$("$1")
mkdir -p "$2"
echo "********* Start testing of tst_Tool *********"
echo "PASS   : tst_Tool::initTestCase()"
if [ "$out" = "tool works" ]; then
  echo "PASS   : tst_Tool::prints()"; status=pass; code=0
else
  echo "FAIL!  : tst_Tool::prints() Compared values are not the same"
  echo "   Actual   (out)         : \\"$out\\""
  echo "   Expected (\\"tool works\\"): \\"tool works\\""
  status=fail; code=1
fi
echo "Totals: $((2 - code)) passed, $code failed, 0 skipped"
cat > "$2/tst_tool.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<TestCase name="tst_Tool">
<TestFunction name="initTestCase"><Incident type="pass" file="" line="0"/><Duration msecs="0.1"/></TestFunction>
<TestFunction name="prints"><Incident type="$status" file="tests/tst_tool.sh" line="9"><Description><![CDATA[Compared values are not the same]]></Description></Incident><Duration msecs="0.5"/></TestFunction>
</TestCase>
XML
exit $code
`;

/** coin/module_config.yaml: build the tool (after `buildSeconds` of work), install it, run its test. */
export function failingTestModuleConfig(buildSeconds = 0): string {
  const slow = buildSeconds
    ? `    - type: ExecuteCommand
      command: "sleep ${buildSeconds}"
`
    : '';
  return `version: 2
instructions:
  Build:
${slow}    - type: MakeDirectory
      directory: "{{.BuildDir}}"
    - type: ExecuteCommand
      command: "cc -Wall -o {{.BuildDir}}/tool {{.SourceDir}}/tool.c"
      userMessageOnFailure: "Failed to compile the tool."
    - type: MakeDirectory
      directory: "{{.InstallRoot}}/{{.InstallDir}}/bin"
    - type: ExecuteCommand
      command: "cp {{.BuildDir}}/tool {{.InstallRoot}}/{{.InstallDir}}/bin/tool"
    - type: UploadArtifact
      archiveDirectory: "{{.InstallRoot}}/{{.AgentWorkingDir}}"
      transferType: UploadModuleBuildArtifact
  Test:
    - type: ScheduleUploadTestResults
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/tests/tst_tool.sh {{.InstallDir}}/bin/tool {{.AgentWorkingDir}}/testresults --fail-fast"
      userMessageOnFailure: "The tests of the tool failed."
`;
}

/** The files of the module: its test fails because the tool prints the wrong words. */
export function failingTestModule(buildSeconds = 0): Record<string, string> {
  return {
    'coin/module_config.yaml': failingTestModuleConfig(buildSeconds),
    'tool.c': toolSource.replace('tool works', 'tool broken'),
    'tests/tst_tool.sh': testScript,
  };
}
