// What the client says when an instance refuses or fails: one line in words, the instance's own
// reason when it gave one, never an HTML page or raw HTTP.
import { expect, test } from 'vitest';
import { InstanceRefusedError, reasonOf, refusal } from '../../../../runner/client/instance-errors';

const json = (error: string) => JSON.stringify({ error });

test("the instance's reason: the error of a JSON answer, or a text's first line, never HTML", () => {
  expect(reasonOf(json("no task 'x'"))).toBe("no task 'x'");
  expect(reasonOf('plain words\nmore')).toBe('plain words');
  expect(reasonOf('<!doctype html><title>x</title>')).toBeUndefined();
  expect(reasonOf(json('  '))).toBeUndefined();
});

test('each status in words', () => {
  const missing = refusal(404, json("no task 'x'"));
  expect(missing).toBeInstanceOf(InstanceRefusedError);
  expect(missing).toMatchObject({ status: 404, message: "no task 'x'", reason: "no task 'x'" });
  expect(refusal(404, '').message).toBe('the instance has no such thing');
  expect(
    refusal(403, json("this needs the instance's x-coin-admin-token header"), '/w/admin-token').message,
  ).toBe(
    "the instance refused: this needs the instance's x-coin-admin-token header (the admin token is read from /w/admin-token)",
  );
  expect(refusal(400, json('ref: no such branch')).message).toBe(
    'the instance refused the request: ref: no such branch',
  );
  expect(refusal(500, '<html>oops</html>').message).toBe('the instance failed to answer (500): see its log');
  expect(refusal(502, json('opennebula: down')).message).toBe(
    'the instance failed to answer (502): opennebula: down',
  );
});

test('the maintenance page (JSON to API requests, HTML to pages) is said as such', () => {
  const answer = JSON.stringify({
    error: 'Coin is under maintenance: updating',
    maintenance: true,
    retryAfterSeconds: 60,
  });
  expect(refusal(503, answer).message).toBe(
    'the instance is under maintenance: Coin is under maintenance: updating',
  );
  expect(refusal(503, '<html><title>Coin is under maintenance</title></html>').message).toBe(
    'the instance is under maintenance: Coin is under maintenance',
  );
  expect(refusal(503, json('starting')).message).toBe('the instance cannot answer now: starting');
});
