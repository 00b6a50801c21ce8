/**
 * The extension's heavy machinery, loaded on first use rather than at activation (see
 * loadExtensionServices.ts): the engine (scheduler, metadata store, operators with sucrase,
 * nunjucks and kafkajs), Kafka clients and SQLite databases (sql.js). Nothing here imports `vscode`.
 */
export { runPanelQueries } from '../../core/dashboard/runPanelQuery';
export { createKafkaClient, environmentKafkaClientFactory, setKafkaClientFactory } from '../../core/kafka/openKafkaClient';
export { openSqliteDatabase } from '../../core/sqlite/openSqliteDatabase';
export { testTaskAlone } from '../engine/testTaskAlone';
export { WorkspaceEngine } from '../engine/WorkspaceEngine';
