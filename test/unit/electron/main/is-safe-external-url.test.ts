import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl } from '../../../../electron/main/is-safe-external-url';

describe('isSafeExternalUrl', () => {
  it.each([
    'https://codereview.qt-project.org/c/qt/qtbase/+/1',
    'http://testresults.qt.io/coin/',
    'HTTPS://EXAMPLE.ORG',
  ])('opens %s in the system browser', (url) => expect(isSafeExternalUrl(url)).toBe(true));

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'smb://host/share',
    'ssh://coin@master',
    'app://coin-admin/index.html',
    'vbscript:msgbox',
    'not a url',
    '',
    'https://',
    '//example.org/relative',
  ])('keeps %s inside (denied)', (url) => expect(isSafeExternalUrl(url)).toBe(false));
});
