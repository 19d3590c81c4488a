// The small XML reader that test reports go through.
import { describe, expect, test } from 'vitest';
import { descendants, parseXml, XmlError } from '../../../../runner/core/xml-lite';

describe('parseXml', () => {
  test('elements, attributes in both quotes, text, CDATA and entities', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<!DOCTYPE r [<!ENTITY x "y">]>\n' +
        `<r a="1 &amp; 2" b='&lt;q&gt;'><c/><d>text &#65;&#x42; &unknown;<![CDATA[<raw> & ]]></d></r>`,
    );
    expect(root.name).toBe('r');
    expect(root.attributes).toEqual({ a: '1 & 2', b: '<q>' });
    expect(root.children.map((c) => c.name)).toEqual(['c', 'd']);
    expect(root.children[1]!.text).toBe('text AB &unknown;<raw> & ');
  });

  test('descendants finds nested elements in document order', () => {
    const root = parseXml('<a><b n="1"><b n="2"/></b><c><b n="3"></b></c></a>');
    expect(descendants(root, 'b').map((b) => b.attributes.n)).toEqual(['1', '2', '3']);
  });

  test('broken documents say where', () => {
    expect(() => parseXml('<a>\n  <b></a>')).toThrow(new XmlError(2, 6, '</a> closes <b>'));
    expect(() => parseXml('<a>')).toThrow(/<a> is never closed/);
    expect(() => parseXml('<a x=1/>')).toThrow(/malformed <a> tag/);
    expect(() => parseXml('<a/><b/>')).toThrow(/a second root element/);
    expect(() => parseXml('just text')).toThrow(/text outside the root element/);
    expect(() => parseXml('<a><!-- never ends')).toThrow(/unterminated comment/);
  });
});
