import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { createNewDag, serializeDag } from '../core/dag/createNewDag';
import { DAG_FILE_SUFFIX } from '../core/dag/dagFile';
import { registerKafkaCommands } from './commands/registerKafkaCommands';
import { registerRecordCommands } from './commands/registerRecordCommands';
import { registerSchedulerCommand } from './commands/registerSchedulerCommand';
import { registerSqlCommand } from './commands/registerSqlCommand';
import { registerTestCommand } from './commands/registerTestCommand';
import { registerWriteCommands } from './commands/registerWriteCommands';
import { validateFiles } from './validateFiles';

// Set by the build from package.json; the fallback covers running the sources directly.
declare const DAGSTREAM_VERSION: string | undefined;
const VERSION = typeof DAGSTREAM_VERSION === 'string' ? DAGSTREAM_VERSION : '0.0.0-dev';

function buildProgram(): Command {
  const program = new Command('dagstream')
    .description('Dagstream: define, validate and run data pipelines (DAG files) without VS Code.')
    .version(VERSION)
    .showHelpAfterError('(run "dagstream --help" for usage)')
    .exitOverride();

  program
    .command('validate')
    .description('check DAG files; prints path:line:col: error: message per problem, exit 1 if any')
    .argument('<files...>', '*.dag.json files to check')
    .action(async (files: string[]) => {
      const outcome = await validateFiles(files);
      for (const line of outcome.lines) process.stdout.write(`${line}\n`);
      if (outcome.exitCode === 0) process.stdout.write(`${files.length} DAG file(s) valid\n`);
      process.exitCode = outcome.exitCode;
    });

  program
    .command('new')
    .description('create <name>.dag.json with two connected example tasks')
    .argument('<name>', 'DAG name; becomes the file name and the dag_id')
    .option('-d, --dir <folder>', 'folder to create the file in', '.')
    .action(async (name: string, options: { dir: string }) => {
      const file = path.resolve(options.dir, `${name}${DAG_FILE_SUFFIX}`);
      if (existsSync(file)) throw new Error(`${file} already exists; choose another name or delete it first.`);
      await writeFile(file, serializeDag(createNewDag(name)), { flag: 'wx' });
      process.stdout.write(`Created ${file}\n`);
    });

  registerTestCommand(program);
  registerWriteCommands(program);
  registerSchedulerCommand(program);
  registerRecordCommands(program);
  registerKafkaCommands(program);
  registerSqlCommand(program);
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with code 0 and have already printed what they had to say.
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`dagstream: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}

void main(process.argv);
