import type { JSONPath, Node } from 'jsonc-parser';

/**
 * The property node of `key` in an object node. With duplicate keys the last one wins, as it
 * does in the parsed value, so that a problem points at the value that is actually used.
 */
export function findProperty(objectNode: Node | undefined, key: string): Node | undefined {
  if (objectNode?.type !== 'object') return undefined;
  const properties = objectNode.children ?? [];
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i];
    if (property?.children?.[0]?.value === key) return property;
  }
  return undefined;
}

/** The value node of `key` in an object node (the last one when the key is repeated). */
export function findValue(objectNode: Node | undefined, key: string): Node | undefined {
  return findProperty(objectNode, key)?.children?.[1];
}

/** The node at a JSON path, or undefined when the text has nothing there. */
export function findJsonNode(root: Node | undefined, path: JSONPath): Node | undefined {
  let node = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (node.type === 'array') node = typeof segment === 'number' ? node.children?.[segment] : undefined;
    else node = findValue(node, String(segment));
  }
  return node;
}

/**
 * Turns a JSON Pointer (`/tasks/0/bash_command`, as Ajv reports locations) into a path, reading
 * a segment as an index where the document has an array there.
 */
export function pointerToPath(root: Node | undefined, pointer: string): JSONPath {
  if (pointer === '') return [];
  const path: JSONPath = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node?.type === 'array' && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node.children?.[Number(segment)];
    } else {
      path.push(segment);
      node = findValue(node, segment);
    }
  }
  return path;
}
