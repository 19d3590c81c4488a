/**
 * Checks a document against the structure an XML Schema declares: element names, their order in
 * each xs:sequence, minOccurs/maxOccurs, xs:all, xs:any, `ref`, and xs:integer values. Enough to
 * hold a fake's XML to OpenNebula's schemas here, where no validating parser is installed. Types
 * the given schemas do not define (shared.xsd's PERMISSIONS, LOCK, IDS) are not looked into.
 */
import { readFileSync } from 'node:fs';
import { parseXml, type XmlElement } from '../../runner/core/xml-lite';

export class XsdStructure {
  private readonly elements = new Map<string, XmlElement>();

  constructor(files: readonly string[]) {
    for (const file of files) {
      const schema = parseXml(readFileSync(file, 'utf8'));
      for (const c of schema.children) if (c.name === 'xs:element') this.elements.set(c.attributes.name!, c);
    }
  }

  /** Every difference between `xml` and the declaration of its root element (empty when none). */
  check(xml: string): string[] {
    const root = parseXml(xml);
    const decl = this.elements.get(root.name);
    if (!decl) return [`no declaration of <${root.name}>`];
    const problems: string[] = [];
    this.element(root, decl, root.name, problems);
    return problems;
  }

  private element(node: XmlElement, decl: XmlElement, where: string, problems: string[]): void {
    const type = decl.attributes.type;
    if (type === 'xs:integer') {
      if (!/^-?\d+$/.test(node.text.trim())) problems.push(`${where}: '${node.text}' is not an integer`);
      return;
    }
    if (type?.startsWith('xs:') && type !== 'xs:anyType') {
      if (node.children.length > 0) problems.push(`${where}: ${type} has child elements`);
      return;
    }
    const complex = decl.children.find((c) => c.name === 'xs:complexType');
    if (!complex) return; // anyType, or a type from a schema not given
    const group = complex.children.find((c) => c.name === 'xs:sequence' || c.name === 'xs:all');
    if (!group) {
      if (node.children.length > 0) problems.push(`${where}: no child elements allowed`);
      return;
    }
    if (group.name === 'xs:all') return this.all(node, group, where, problems);
    this.sequence(node, group, where, problems);
  }

  private resolve(item: XmlElement): { name: string; decl: XmlElement } {
    const ref = item.attributes.ref;
    if (ref) return { name: ref, decl: this.elements.get(ref) ?? item };
    return { name: item.attributes.name!, decl: item };
  }

  private sequence(node: XmlElement, group: XmlElement, where: string, problems: string[]): void {
    let j = 0;
    for (const item of group.children) {
      if (item.name === 'xs:any') {
        j = node.children.length;
        continue;
      }
      if (item.name !== 'xs:element') continue;
      const { name, decl } = this.resolve(item);
      const min = Number(item.attributes.minOccurs ?? 1);
      const max =
        item.attributes.maxOccurs === 'unbounded' ? Infinity : Number(item.attributes.maxOccurs ?? 1);
      let count = 0;
      while (j < node.children.length && node.children[j]!.name === name) {
        this.element(node.children[j]!, decl, `${where}/${name}`, problems);
        count++;
        j++;
      }
      if (count < min) problems.push(`${where}: <${name}> missing (or out of order)`);
      if (count > max) problems.push(`${where}: <${name}> ${count} times, at most ${max}`);
    }
    if (j < node.children.length)
      problems.push(`${where}: unexpected <${node.children[j]!.name}> (or out of order)`);
  }

  private all(node: XmlElement, group: XmlElement, where: string, problems: string[]): void {
    const items = group.children.filter((c) => c.name === 'xs:element');
    for (const c of node.children) {
      const item = items.find((i) => i.attributes.name === c.name);
      if (!item) problems.push(`${where}: unexpected <${c.name}>`);
      else this.element(c, item, `${where}/${c.name}`, problems);
    }
    for (const item of items)
      if (item.attributes.minOccurs !== '0' && !node.children.some((c) => c.name === item.attributes.name))
        problems.push(`${where}: <${item.attributes.name}> missing`);
  }
}
