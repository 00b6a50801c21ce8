import { findNodeAtLocation, getNodeValue, modify, parseTree, type Edit, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath, JsonValue } from '../../protocol/jsonValue';
import { detectJsonFormatting, type JsonFormatting } from './detectJsonFormatting';
import { TextEditLog, type TextReplacement } from './TextEditLog';

/** Where a new key goes among an object's existing keys (an index into `keys`, `keys.length` to append). */
export type KeyPlacement = (keys: readonly string[], key: string) => number;

/**
 * Edits JSON text one change at a time while keeping the user's layout: values are replaced in
 * place, new keys and items are indented like their neighbours (jsonc-parser's `modify` with the
 * document's own indentation), containers written on one line stay on one line, and removals take
 * exactly one separator with them. jsonc-parser's own removals are not used: they eat the
 * whitespace before a first key and misplace commas in one-line arrays.
 */
export class JsonTextEditor {
  private readonly original: string;
  private current: string;
  private readonly log: TextEditLog;
  private root: Node | undefined;
  private parsed = false;
  readonly formatting: JsonFormatting;
  /** JSON syntax errors in the original text; editing such a text could make it worse. */
  readonly syntaxErrors: readonly ParseError[];

  constructor(text: string) {
    this.original = text;
    this.current = text;
    this.log = new TextEditLog(text);
    this.formatting = detectJsonFormatting(text);
    const errors: ParseError[] = [];
    this.root = parseTree(text, errors, { disallowComments: false, allowTrailingComma: true });
    this.parsed = true;
    this.syntaxErrors = errors;
  }

  get text(): string {
    return this.current;
  }

  /** Everything done so far, as disjoint replacements of the original text. */
  replacements(): TextReplacement[] {
    return this.log.replacements();
  }

  get tree(): Node | undefined {
    if (!this.parsed) {
      this.root = parseTree(this.current, [], { disallowComments: false, allowTrailingComma: true });
      this.parsed = true;
    }
    return this.root;
  }

  nodeAt(path: JsonPath): Node | undefined {
    const root = this.tree;
    return root ? findNodeAtLocation(root, path) : undefined;
  }

  valueAt(path: JsonPath): unknown {
    const node = this.nodeAt(path);
    return node ? (getNodeValue(node) as unknown) : undefined;
  }

  /** Sets the value at `path`, creating missing parents; a new key is placed by `placement` (appended by default). */
  set(path: JsonPath, value: JsonValue, placement?: KeyPlacement): void {
    if (path.length === 0) throw new Error('Cannot replace the whole document with a canvas edit; give a path inside it.');
    const existing = this.nodeAt(path);
    if (existing) {
      this.replaceNode(existing, path, value);
      return;
    }
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1]!;
    const parent = parentPath.length === 0 ? this.tree : this.nodeAt(parentPath);
    if (!parent) {
      this.set(parentPath, typeof last === 'number' ? [value] : { [last]: value }, undefined);
      return;
    }
    if (parent.type === 'array') {
      this.append(parentPath, value);
      return;
    }
    if (parent.type !== 'object') {
      throw new Error(`Cannot set ${describePath(path)}: ${describePath(parentPath)} is a ${parent.type}, not an object.`);
    }
    const key = String(last);
    const properties = parent.children ?? [];
    const keys = properties.map((property) => String(property.children?.[0]?.value));
    const index = Math.max(0, Math.min(keys.length, placement ? placement(keys, key) : keys.length));
    const member = `${JSON.stringify(key)}: ${stringifyInline(value)}`;
    if (properties.length === 0 && this.formatting.singleLine) {
      this.splice(parent.offset + 1, parent.length - 2, member);
    } else if (properties.length > 0 && (this.formatting.singleLine || isOneLine(this.current, parent))) {
      if (index >= properties.length) this.splice(end(properties[properties.length - 1]!), 0, `, ${member}`);
      else this.splice(properties[index]!.offset, 0, `${member}, `);
    } else {
      this.applyJsoncEdits(modify(this.current, path, value, { formattingOptions: this.formatting, getInsertionIndex: () => index }));
    }
  }

  /**
   * Sets many values at once. Values that replace existing ones in place (a moved node's x and y,
   * the entries naming a renamed task) are computed on one parse of the text and applied together,
   * so that laying out 1,000 nodes costs one parse rather than 2,000; the rest are set one by one.
   */
  setMany(entries: readonly { path: JsonPath; value: JsonValue }[]): void {
    const inPlace: Edit[] = [];
    const later: { path: JsonPath; value: JsonValue }[] = [];
    const seen = new Set<number>();
    for (const entry of entries) {
      const node = this.nodeAt(entry.path);
      const scalar = entry.value === null || typeof entry.value !== 'object';
      if (node && scalar && node.type !== 'object' && node.type !== 'array' && !seen.has(node.offset)) {
        seen.add(node.offset);
        inPlace.push({ offset: node.offset, length: node.length, content: JSON.stringify(entry.value) });
      } else {
        later.push(entry);
      }
    }
    this.applyJsoncEdits(inPlace.filter((edit) => this.current.slice(edit.offset, edit.offset + edit.length) !== edit.content));
    for (const entry of later) this.set(entry.path, entry.value);
  }

  /** Appends `value` to the array at `arrayPath`, creating the array when it is missing. */
  append(arrayPath: JsonPath, value: JsonValue): void {
    const array = arrayPath.length === 0 ? this.tree : this.nodeAt(arrayPath);
    if (!array) {
      this.set(arrayPath, [value]);
      return;
    }
    if (array.type !== 'array') throw new Error(`Cannot add to ${describePath(arrayPath)}: it is a ${array.type}, not a list.`);
    const items = array.children ?? [];
    if (items.length === 0 && this.formatting.singleLine) {
      this.splice(array.offset + 1, array.length - 2, stringifyInline(value));
    } else if (items.length > 0 && (this.formatting.singleLine || isOneLine(this.current, array))) {
      this.splice(end(items[items.length - 1]!), 0, `, ${stringifyInline(value)}`);
    } else {
      this.applyJsoncEdits(modify(this.current, [...arrayPath, -1], value, { formattingOptions: this.formatting, isArrayInsertion: true }));
    }
  }

  /** Removes the value at `path` (a key of an object or an item of a list); nothing when it is absent. */
  remove(path: JsonPath): void {
    if (path.length === 0) return;
    const containerPath = path.slice(0, -1);
    const container = containerPath.length === 0 ? this.tree : this.nodeAt(containerPath);
    const last = path[path.length - 1]!;
    if (!container) return;
    const index =
      container.type === 'array'
        ? typeof last === 'number' && last < (container.children?.length ?? 0)
          ? last
          : -1
        : (container.children ?? []).findIndex((property) => property.children?.[0]?.value === last);
    if (index >= 0) this.removeChildren(containerPath, [index]);
  }

  /**
   * Removes children (items of a list, or properties of an object, by position) of the container
   * at `containerPath` in one pass: each run of removed children goes with the separator after it,
   * or before it at the end, so that what remains keeps its layout.
   */
  removeChildren(containerPath: JsonPath, indexes: readonly number[]): void {
    const container = containerPath.length === 0 ? this.tree : this.nodeAt(containerPath);
    const children = container?.children ?? [];
    const removed = new Set(indexes.filter((i) => i >= 0 && i < children.length));
    if (!container || removed.size === 0) return;
    if (removed.size === children.length) {
      this.splice(container.offset + 1, container.length - 2, '');
      return;
    }
    const spans: { offset: number; length: number }[] = [];
    for (let i = 0; i < children.length; i++) {
      if (!removed.has(i)) continue;
      let j = i;
      while (j + 1 < children.length && removed.has(j + 1)) j++;
      const start = children[i]!;
      if (j + 1 < children.length) {
        spans.push({ offset: start.offset, length: children[j + 1]!.offset - start.offset });
      } else {
        const keptBefore = end(children[i - 1]!);
        spans.push({ offset: keptBefore, length: end(children[j]!) - keptBefore });
      }
      i = j;
    }
    this.applyJsoncEdits(spans.map((span) => ({ ...span, content: '' })));
  }

  private replaceNode(node: Node, path: JsonPath, value: JsonValue): void {
    // A container the user wrote on one line stays on one line; anything else is laid out like its neighbours.
    const inlineContainer =
      (node.type === 'array' || node.type === 'object') && (node.children?.length ?? 0) > 0 && isOneLine(this.current, node);
    const scalar = value === null || typeof value !== 'object';
    if (scalar || this.formatting.singleLine || inlineContainer) {
      this.splice(node.offset, node.length, stringifyInline(value));
    } else {
      this.applyJsoncEdits(modify(this.current, path, value, { formattingOptions: this.formatting }));
    }
  }

  private splice(offset: number, length: number, content: string): void {
    this.applyJsoncEdits([{ offset, length, content }]);
  }

  private applyJsoncEdits(edits: Edit[]): void {
    if (edits.length === 0) return;
    // As jsonc-parser's applyEdits: by offset (then length), the later ones first, so that each is
    // recorded on a text whose offsets before it have not moved; the new text is built in one pass.
    const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
    for (let i = sorted.length - 1; i >= 0; i--) this.log.record(sorted[i]!.offset, sorted[i]!.length, sorted[i]!.content);
    const parts: string[] = [];
    let cursor = 0;
    for (const edit of sorted) {
      parts.push(this.current.slice(cursor, edit.offset), edit.content);
      cursor = edit.offset + edit.length;
    }
    parts.push(this.current.slice(cursor));
    this.current = parts.join('');
    this.parsed = false;
    this.root = undefined;
  }
}

/** JSON on one line, spaced as people write it by hand: `["a", "b"]`, `{ "x": 0, "y": 0 }`. */
export function stringifyInline(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stringifyInline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${stringifyInline(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

function end(node: Node): number {
  return node.offset + node.length;
}

function isOneLine(text: string, node: Node): boolean {
  return !/[\r\n]/.test(text.slice(node.offset, end(node)));
}

function describePath(path: JsonPath): string {
  return path.length === 0 ? 'the document' : `"${path.join('.')}"`;
}
