// Test reports as CTest and QtTest write them into the testresults directory.
import { describe, expect, test } from 'vitest';
import { countOutcomes, parseTestReport, UnknownReportError } from '../../../../runner/core/test-report';

const ctestJunit = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="Linux-c++" tests="4" failures="1" disabled="1" skipped="0" hostname="" time="3" timestamp="2024-01-01T00:00:00">
  <testcase name="tst_qstring" classname="tst_qstring" time="1.25" status="run">
    <system-out>PASS   : tst_QString::initTestCase()</system-out>
  </testcase>
  <testcase name="tst_qurl" classname="tst_qurl" time="0.5" status="fail">
    <failure message="Failed"/>
    <system-out>FAIL!  : tst_QUrl::fromLocalFile() Compared values are not the same</system-out>
  </testcase>
  <testcase name="tst_qnetwork" classname="tst_qnetwork" time="0" status="notrun">
    <skipped message="Disabled"/>
  </testcase>
  <testcase name="tst_qdisabled" classname="tst_qdisabled" time="0" status="disabled"/>
</testsuite>`;

const qtJunit = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites><testsuite name="tst_Flaky" timestamp="2024-01-01T00:00:00" tests="3" failures="0" errors="0" skipped="0" time="0.003">
  <testcase name="initTestCase" classname="tst_Flaky" time="0.001"/>
  <testcase name="sometimes" classname="tst_Flaky" time="0.001">
    <flakyFailure message="timing" type="fail"/><flakyFailure message="timing again" type="fail"/>
  </testcase>
  <testcase name="broken" classname="tst_Flaky" time="0.001"><error message="crashed" type="fatal"/></testcase>
</testsuite></testsuites>`;

const qtXml = `<?xml version="1.0" encoding="UTF-8"?>
<TestCase name="tst_QDate">
  <Environment><QtVersion>6.8.0</QtVersion></Environment>
  <TestFunction name="initTestCase"><Incident type="pass" file="" line="0"/><Duration msecs="0.25"/></TestFunction>
  <TestFunction name="addDays">
    <Incident type="pass" file="" line="0"><DataTag><![CDATA[one]]></DataTag></Incident>
    <Incident type="fail" file="tst_qdate.cpp" line="12"><DataTag><![CDATA[two]]></DataTag>
      <Description><![CDATA[Compared values are not the same
   Actual   (a): 1]]></Description></Incident>
    <Duration msecs="3"/>
  </TestFunction>
  <TestFunction name="expectedFailure"><Incident type="xfail" file="" line="0"/></TestFunction>
  <TestFunction name="blacklisted"><Incident type="bfail" file="" line="0"/></TestFunction>
  <TestFunction name="skipped"><Message type="skip" file="" line="0"><Description><![CDATA[no network]]></Description></Message></TestFunction>
  <Duration msecs="4"/>
</TestCase>`;

describe('parseTestReport', () => {
  test('CTest JUnit: one case per test, status and failure/skipped elements decide', () => {
    expect(parseTestReport(ctestJunit)).toEqual([
      { name: 'tst_qstring', outcome: 'passed', attempts: 1, durationMs: 1250 },
      { name: 'tst_qurl', outcome: 'failed', attempts: 1, durationMs: 500, message: 'Failed' },
      { name: 'tst_qnetwork', outcome: 'skipped', attempts: 1, durationMs: 0, message: 'Disabled' },
      { name: 'tst_qdisabled', outcome: 'skipped', attempts: 1, durationMs: 0 },
    ]);
  });

  test('QtTest JUnit: class::function, flaky reruns and errors', () => {
    const results = parseTestReport(qtJunit);
    expect(results.map((r) => [r.name, r.outcome, r.attempts, r.message])).toEqual([
      ['tst_Flaky::initTestCase', 'passed', 1, undefined],
      ['tst_Flaky::sometimes', 'flaky', 3, 'timing'],
      ['tst_Flaky::broken', 'failed', 1, 'crashed'],
    ]);
  });

  test('QtTest XML: incidents per function, blacklisted failures and xfail do not fail', () => {
    const results = parseTestReport(qtXml);
    expect(results.map((r) => [r.name, r.outcome, r.durationMs, r.message])).toEqual([
      ['tst_QDate::initTestCase', 'passed', 0, undefined],
      ['tst_QDate::addDays', 'failed', 3, 'Compared values are not the same'],
      ['tst_QDate::expectedFailure', 'passed', 0, undefined],
      ['tst_QDate::blacklisted', 'passed', 0, undefined],
      ['tst_QDate::skipped', 'skipped', 0, 'no network'],
    ]);
    expect(countOutcomes(results)).toEqual({ passed: 3, failed: 1, flaky: 0, skipped: 1 });
  });

  test('other XML is refused by name', () => {
    expect(() => parseTestReport('<project/>')).toThrow(UnknownReportError);
    expect(() => parseTestReport('<testsuite><testcase></testsuite>')).toThrow(/closes <testcase>/);
  });
});
