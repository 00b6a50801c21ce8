import * as vscode from 'vscode';
import type { KafkaMessage } from '../../core/kafka/KafkaClient';
import { browseTopic, type TopicBrowse } from '../../core/kafka/browseTopic';
import { compileMessageFilter } from '../../core/kafka/messageFilter';
import { readMessages } from '../../core/kafka/readMessages';
import {
  isMessageBrowserCommand,
  MAX_LOADED_MESSAGES,
  type BrowseRequestDto,
  type BrowseStatus,
  type MessageBrowserCommand,
  type MessageBrowserNotification,
} from '../../protocol/messageBrowserProtocol';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import type { KafkaConnections } from './KafkaConnections';
import { toConsumeStart, toMessageDetailDto, toMessageRowDto } from './toMessageDto';

/** Full messages kept for the detail pane; older ones are read again from the broker. */
const DETAIL_CACHE_SIZE = 20_000;
const DETAIL_FETCH_TIMEOUT_MS = 15_000;

/**
 * A topic's message browser: one webview panel per cluster and topic. The host reads the topic
 * (src/core/kafka/browseTopic) and streams matching rows to the webview in pages; the webview
 * only renders and reports what the user asked for.
 */
export class MessageBrowserPanel implements vscode.Disposable {
  static readonly viewType = 'dagstream.messageBrowser';
  private static readonly open = new Map<string, MessageBrowserPanel>();

  private browse: TopicBrowse | undefined;
  private browseId = -1;
  private readonly detailCache = new Map<string, KafkaMessage>();
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, connections: KafkaConnections, profileName: string, topic: string): MessageBrowserPanel {
    const key = `${profileName}\u0000${topic}`;
    const existing = MessageBrowserPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MessageBrowserPanel.viewType, `${topic} · ${profileName}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewAssetsRoot(extensionUri)],
    });
    const browser = new MessageBrowserPanel(panel, extensionUri, connections, profileName, topic);
    MessageBrowserPanel.open.set(key, browser);
    panel.onDidDispose(() => {
      MessageBrowserPanel.open.delete(key);
      browser.dispose();
    });
    return browser;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly connections: KafkaConnections,
    private readonly profileName: string,
    private readonly topic: string,
  ) {
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'messageBrowser', `Messages of ${topic}`);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isMessageBrowserCommand(message)) void this.handle(message);
      }),
    );
  }

  private post(message: MessageBrowserNotification): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(command: MessageBrowserCommand): Promise<void> {
    switch (command.type) {
      case 'messageBrowser/ready':
        return this.loadTopic();
      case 'messageBrowser/browse':
        return this.startBrowse(command.browseId, command.request);
      case 'messageBrowser/setPaused':
        if (command.browseId !== this.browseId || !this.browse) return;
        if (command.paused) this.browse.pause();
        else this.browse.resume();
        this.post({
          type: 'messageBrowser/didAppendMessages',
          browseId: this.browseId,
          messages: [],
          scanned: null,
          status: command.paused ? 'paused' : 'reading',
        });
        return;
      case 'messageBrowser/getMessage':
        return this.getMessage(command.requestId, command.partition, command.offset);
    }
  }

  private async loadTopic(): Promise<void> {
    try {
      const client = await this.connections.client(this.profileName);
      const offsets = await (await client.admin()).fetchOffsets(this.topic);
      this.post({
        type: 'messageBrowser/didLoadTopic',
        profileName: this.profileName,
        brokers: client.brokers.join(','),
        topic: this.topic,
        partitions: offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })),
      });
    } catch (error) {
      await this.connections.reset(this.profileName);
      this.post({ type: 'messageBrowser/didFail', browseId: null, message: describe(error) });
    }
  }

  private async startBrowse(browseId: number, request: BrowseRequestDto): Promise<void> {
    this.browseId = browseId;
    const previous = this.browse;
    this.browse = undefined;
    await previous?.close();
    this.detailCache.clear();
    const compiled = compileMessageFilter({ text: request.text, jsonPath: request.jsonPath });
    if ('error' in compiled) {
      this.post({ type: 'messageBrowser/didFail', browseId, message: compiled.error });
      return;
    }
    let scannedBefore = 0;
    try {
      const client = await this.connections.client(this.profileName);
      const browse = await browseTopic(client, {
        topic: this.topic,
        start: toConsumeStart(request.start),
        ...(request.partitions.length > 0 ? { partitions: request.partitions } : {}),
        ...(request.text.trim() || request.jsonPath.trim() ? { filter: compiled.predicate } : {}),
        maxMessages: MAX_LOADED_MESSAGES,
        onPage: (messages, progress) => {
          if (browseId !== this.browseId) return;
          for (const message of messages) this.remember(message);
          const status: BrowseStatus = progress.full ? 'full' : this.browse?.paused ? 'paused' : progress.caughtUp ? 'live' : 'reading';
          scannedBefore = progress.scanned;
          this.post({
            type: 'messageBrowser/didAppendMessages',
            browseId,
            messages: messages.map(toMessageRowDto),
            scanned: progress.scanned,
            status,
          });
        },
      });
      if (browseId !== this.browseId) {
        await browse.close();
        return;
      }
      this.browse = browse;
      browse.done.catch((error: unknown) => {
        if (browseId !== this.browseId) return;
        this.post({
          type: 'messageBrowser/didFail',
          browseId,
          message: `Reading stopped after ${scannedBefore} message(s): ${describe(error)}`,
        });
      });
    } catch (error) {
      if (browseId !== this.browseId) return;
      await this.connections.reset(this.profileName);
      this.post({ type: 'messageBrowser/didFail', browseId, message: describe(error) });
    }
  }

  private remember(message: KafkaMessage): void {
    this.detailCache.set(`${message.partition}:${message.offset}`, message);
    if (this.detailCache.size > DETAIL_CACHE_SIZE) {
      const oldest = this.detailCache.keys().next().value;
      if (oldest !== undefined) this.detailCache.delete(oldest);
    }
  }

  private async getMessage(requestId: number, partition: number, offset: number): Promise<void> {
    try {
      let message = this.detailCache.get(`${partition}:${offset}`);
      if (!message) {
        const client = await this.connections.client(this.profileName);
        await readMessages(client, {
          topics: [this.topic],
          partitions: [partition],
          start: { offset },
          maxMessages: 1,
          maxMs: DETAIL_FETCH_TIMEOUT_MS,
          onMessage: (m, stop) => {
            if (m.offset === offset) message = m;
            stop();
          },
        });
      }
      if (!message) {
        this.post({
          type: 'messageBrowser/didGetMessage',
          requestId,
          ok: false,
          reason: `Message ${partition}:${offset} of ${this.topic} is no longer on the broker (deleted by retention or compaction).`,
        });
        return;
      }
      this.post({ type: 'messageBrowser/didGetMessage', requestId, ok: true, message: toMessageDetailDto(message) });
    } catch (error) {
      this.post({ type: 'messageBrowser/didGetMessage', requestId, ok: false, reason: describe(error) });
    }
  }

  dispose(): void {
    this.browseId = -1;
    void this.browse?.close();
    this.browse = undefined;
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
