import type * as vscode from 'vscode';
import type { DagGraphDto, ProblemDto } from '../../protocol/dagGraphDto';
import { describeDagDocument } from './describeDagDocument';

export interface DagDocumentDescription {
  version: number;
  graph: DagGraphDto | undefined;
  problems: ProblemDto[];
}

/**
 * Parses each version of a DAG document once, for every canvas showing it and for the Problems
 * panel: a 1,000-task file takes milliseconds to validate, and several consumers ask per keystroke.
 */
export class DagDocumentDescriptions {
  private readonly latest = new Map<string, DagDocumentDescription>();

  describe(document: vscode.TextDocument): DagDocumentDescription {
    const key = document.uri.toString();
    const cached = this.latest.get(key);
    if (cached?.version === document.version) return cached;
    const description = { version: document.version, ...describeDagDocument(document.getText()) };
    this.latest.set(key, description);
    return description;
  }

  forget(document: vscode.TextDocument): void {
    this.latest.delete(document.uri.toString());
  }
}
