import * as vscode from 'vscode';

export const EXTENSION_ID = 'dagstream.dagstream';

/** The parts of package.json the suite checks, read defensively from `Extension.packageJSON`. */
export interface ExtensionManifest {
  readonly activationEvents: readonly string[];
  readonly commands: ReadonlyArray<{ readonly command: string; readonly title: string; readonly category?: string }>;
  readonly customEditors: ReadonlyArray<{
    readonly viewType: string;
    readonly selector: ReadonlyArray<{ readonly filenamePattern?: string }>;
  }>;
}

export function dagstreamExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) {
    const ids = vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.'));
    throw new Error(`Extension ${EXTENSION_ID} is not installed in this VS Code (non-builtin: ${ids.join(', ')}).`);
  }
  return extension;
}

export function readManifest(extension: vscode.Extension<unknown>): ExtensionManifest {
  const json: unknown = extension.packageJSON;
  const record = asRecord(json);
  const contributes = asRecord(record.contributes);
  return {
    activationEvents: asArray(record.activationEvents).filter((e): e is string => typeof e === 'string'),
    commands: asArray(contributes.commands).map((c) => {
      const command = asRecord(c);
      return {
        command: String(command.command),
        title: String(command.title),
        ...(typeof command.category === 'string' ? { category: command.category } : {}),
      };
    }),
    customEditors: asArray(contributes.customEditors).map((c) => {
      const editor = asRecord(c);
      return {
        viewType: String(editor.viewType),
        selector: asArray(editor.selector).map((s) => {
          const pattern = asRecord(s).filenamePattern;
          return typeof pattern === 'string' ? { filenamePattern: pattern } : {};
        }),
      };
    }),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
