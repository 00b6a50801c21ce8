import * as vscode from 'vscode';
import { DAG_FILE_SUFFIX } from '../../core/dag/dagFile';
import type { ProblemDto } from '../../protocol/dagGraphDto';
import type { DagDocumentDescriptions } from './DagDocumentDescriptions';

/** How long typing may pause before the Problems panel catches up. */
const DEBOUNCE_MS = 150;

/**
 * Dagstream's validation of open `*.dag.json` documents in the Problems panel (open in the canvas,
 * as text, or both), updated as they change. Violations of the JSON schema (`schema-*`) are left
 * to VS Code's own JSON validation, which reports them from the schema the extension contributes,
 * unless the user turned that off (`json.validate.enable`).
 */
export class DagDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dagstream');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly descriptions: DagDocumentDescriptions) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.update(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.collection.delete(document.uri);
        this.descriptions.forget(document);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('json.validate.enable'))
          for (const document of vscode.workspace.textDocuments) this.update(document);
      }),
    ];
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isDagDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.update(document);
      }, DEBOUNCE_MS),
    );
  }

  private update(document: vscode.TextDocument): void {
    if (!isDagDocument(document)) return;
    const jsonValidates = vscode.workspace.getConfiguration('json', document).get<boolean>('validate.enable', true);
    const problems = this.descriptions.describe(document).problems.filter((p) => !(jsonValidates && p.code.startsWith('schema-')));
    this.collection.set(document.uri, problems.map(toDiagnostic));
  }
}

function isDagDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme !== 'git' && document.fileName.endsWith(DAG_FILE_SUFFIX);
}

function toDiagnostic(problem: ProblemDto): vscode.Diagnostic {
  const { startLine, startCharacter, endLine, endCharacter } = problem.range;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(startLine, startCharacter, endLine, endCharacter),
    problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'dagstream';
  diagnostic.code = problem.code;
  return diagnostic;
}
